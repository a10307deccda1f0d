/**
 * Writing a whole file so that it is either the old one or the complete new one: a temporary file in the
 * same folder (created exclusively, never through an existing name), written as the text comes, flushed
 * to disk, then renamed over the target. A run that fails or stops first leaves the old file (or none)
 * and removes its temporary file. The rename replaces a symbolic link at the target rather than
 * following it, so a link planted in a shared folder never redirects the write; a relative path inside the
 * current folder whose folder a link leads out of it is not written at all (folderLeavesCwd). An existing file of the
 * user's keeps its permission bits (another user's gives none of theirs).
 */
import { closeSync, constants, fchmodSync, fsyncSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { describeFsError } from '../input.js';
import { descriptorPath, isInside, realOutside } from '../system/links.js';

/**
 * Six random bytes, in hex, for a temporary file's name: read from the kernel's /dev/urandom, as
 * node:crypto's randomBytes would get them, without loading node:crypto (it pulls in Node.js's stream
 * modules: about 3 ms of a `lint --output` run, test/cli/lint-loads.test.ts). node:crypto only where
 * the device cannot be read. The name is not what keeps the write safe (the file is created
 * exclusively); unpredictable, it keeps another user from taking it first in a shared folder.
 */
export function randomTag(): string {
  const buf = Buffer.alloc(6);
  let fd = -1;
  try {
    fd = openSync('/dev/urandom', 'r');
    if (readSync(fd, buf, 0, 6, null) !== 6) throw new Error('short read');
  } catch {
    (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).randomFillSync(buf);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return buf.toString('hex');
}

export class AtomicWriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: cannot write: ${reason}`);
  }
}

/** Temporary files not yet committed, removed if the process exits first. */
const pending = new Set<string>();
let hooked = false;

/**
 * Why a file named by a relative path inside the current folder must not be written: a symbolic link on
 * the way to its folder leads out of the current folder (a pull request's `results -> /etc` would
 * otherwise have `--output results/mchard.sarif` written into /etc by a root-run CI job, as a link
 * out of the folder named on the command line keeps lint from reading). null: nothing leads out (or the
 * folder is missing: creating the file then fails with its own reason).
 */
export function folderLeavesCwd(path: string): string | null {
  if (isAbsolute(path)) return null;
  const cwd = process.cwd();
  const real = realOutside(dirname(path), cwd);
  return real === null ? null : `its folder ${dirname(path)} leads through a symbolic link to ${real}, outside the current folder ${realpathSync.native(cwd)}; not written (name it by a path outside the current folder to write there)`;
}

/**
 * The folder a file is written in, held open: the checks (where it really is) are made on the open folder,
 * and the temporary file is created and renamed through it (`/proc/self/fd/N/NAME`, Linux), never through
 * the folder's name again. Checked by name and then written by name, a folder swapped for a link in
 * between (by whoever can write the folder above it) had a root-run mchard write there.
 */
class HeldFolder {
  readonly fd: number;
  /** The folder as a path: through its descriptor where /proc names one, else its name. */
  readonly at: string;
  constructor(readonly path: string) {
    try {
      this.fd = openSync(dirname(path), constants.O_RDONLY | constants.O_DIRECTORY);
    } catch (e) {
      throw new AtomicWriteError(path, describeFsError(e));
    }
    this.at = descriptorPath(this.fd, dirname(path));
  }
  /** folderLeavesCwd for the folder held open. */
  leavesCwd(): string | null {
    if (this.at === dirname(this.path)) return folderLeavesCwd(this.path);
    if (isAbsolute(this.path) || !isInside(resolve(dirname(this.path)), process.cwd())) return null;
    let real: string;
    let base: string;
    try {
      real = readlinkSync(this.at);
      base = realpathSync.native(process.cwd());
    } catch {
      return null;
    }
    return isInside(real, base) ? null : `its folder ${dirname(this.path)} leads through a symbolic link to ${real}, outside the current folder ${base}; not written (name it by a path outside the current folder to write there)`;
  }
  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // closed
    }
  }
}

export class AtomicFile {
  private fd: number | null = null;
  private readonly tmp: string;
  private readonly folder: HeldFolder;
  private mode: number | null = null;
  private done = false;

  constructor(readonly path: string) {
    const folder = (this.folder = new HeldFolder(path));
    const target = join(folder.at, basename(path));
    try {
      const leaves = folder.leavesCwd();
      if (leaves) throw new AtomicWriteError(path, leaves);
      try {
        const st = lstatSync(target);
        if (st.isDirectory()) throw new AtomicWriteError(path, 'is a directory');
        // Only the user's own file: another user's, planted in a shared folder (/tmp), would give the
        // report their mode (0666, setuid), and them the power to rewrite it.
        if (st.isFile() && st.uid === process.geteuid?.()) this.mode = st.mode & 0o7777;
      } catch (e) {
        if (e instanceof AtomicWriteError) throw e;
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new AtomicWriteError(path, describeFsError(e));
      }
      this.tmp = join(folder.at, `.${basename(path)}.${process.pid}.${randomTag()}.tmp`);
      try {
        this.fd = openSync(this.tmp, 'wx', 0o666);
      } catch (e) {
        throw new AtomicWriteError(path, describeFsError(e));
      }
    } catch (e) {
      folder.close();
      throw e;
    }
    pending.add(this.tmp);
    if (!hooked) {
      hooked = true;
      process.on('exit', () => {
        for (const t of pending) {
          try {
            unlinkSync(t);
          } catch {
            // already gone
          }
        }
      });
    }
  }

  write(text: string | Uint8Array): void {
    if (this.fd === null) throw new AtomicWriteError(this.path, 'already closed');
    const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    try {
      for (let off = 0; off < buf.length; ) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (e) {
      this.abort();
      throw new AtomicWriteError(this.path, describeFsError(e));
    }
  }

  /** Makes the new content the file's: flush, close, rename. */
  commit(): void {
    if (this.done) return;
    if (this.fd === null) throw new AtomicWriteError(this.path, 'already closed');
    try {
      if (this.mode !== null) fchmodSync(this.fd, this.mode);
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.tmp, join(this.folder.at, basename(this.path)));
      pending.delete(this.tmp);
      this.done = true;
      this.folder.close();
    } catch (e) {
      this.abort();
      throw new AtomicWriteError(this.path, describeFsError(e));
    }
  }

  /** Drops the new content: the target stays as it was. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // closed
      }
      this.fd = null;
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      // already gone
    }
    pending.delete(this.tmp);
    this.folder.close();
  }
}

export function writeFileAtomic(path: string, text: string): void {
  const f = new AtomicFile(path);
  f.write(text);
  f.commit();
}
