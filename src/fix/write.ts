/**
 * Writing a fixed file safely:
 * - a symbolic link is followed to the file it names, which is replaced (the link stays a link);
 * - the new text goes to a temporary file in the same folder, is flushed to disk (fsync), gets the
 *   original's mode, owner and group (fchmod/fchown), and is renamed over the original, so a reader
 *   sees the old file or the new one, never half of either;
 * - a backup of the original goes beside it (`FILE.mchard-backup`), written the same way;
 * - just before the rename the original is read again: if it is not byte for byte what mchard read and
 *   fixed, nothing is written and the temporary files are removed;
 * - a folder mchard cannot create files in is reported before the original is touched.
 */
import {
  closeSync, fchmodSync, fchownSync, fstatSync, fsyncSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { describeFsError } from '../input.js';

export class WriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export interface SafeWriteOptions {
  /** Keep the original as `FILE.mchard-backup` (default true). */
  backup?: boolean;
  /**
   * Runs once the temporary file is complete, before the original is read again and replaced. Tests use it
   * to change the original behind mchard's back.
   */
  beforeRename?: (info: { target: string; temp: string }) => void | Promise<void>;
}

export interface WriteResult {
  /** The file that was replaced (the link's target for a symbolic link). */
  target: string;
  backup: string | null;
}

export const BACKUP_SUFFIX = '.mchard-backup';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  return describeFsError(e);
}

/** Writes `bytes` to a new temporary file beside `target` with the given mode and owner; returns its path. */
function writeTemp(dir: string, name: string, bytes: Uint8Array, mode: number, uid: number, gid: number): string {
  const temp = join(dir, `.${name}.mchard-${process.pid}-${randomBytes(4).toString('hex')}`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch (e) {
    throw new WriteError(dir, `cannot create a file in this folder (${fsReason(e)}); the original is unchanged`);
  }
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    const st = fstatSync(fd);
    if (st.uid !== uid || st.gid !== gid) fchownSync(fd, uid, gid);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    removeQuietly(temp);
    throw new WriteError(temp, `cannot write the new file (${fsReason(e)}); the original is unchanged`);
  }
  closeSync(fd);
  return temp;
}

function removeQuietly(path: string | null): void {
  if (!path) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename itself is still atomic.
  }
}

/**
 * Replaces the file at `path` (which mchard read as `original`) with `text`. Throws WriteError, leaving the
 * original as it was, when the folder is not writable, the file changed since it was read, or any step fails.
 */
export async function safeWrite(path: string, original: Uint8Array, text: string | Uint8Array, opts: SafeWriteOptions = {}): Promise<WriteResult> {
  let target: string;
  try {
    target = realpathSync(path);
  } catch (e) {
    throw new WriteError(path, fsReason(e));
  }
  const st = lstatSync(target);
  if (!st.isFile()) throw new WriteError(path, 'not a regular file');
  const dir = dirname(target);
  const name = basename(target);
  const mode = st.mode & 0o7777;

  const unchanged = () => {
    let now: Buffer;
    try {
      now = readFileSync(target);
    } catch (e) {
      throw new WriteError(path, `cannot read the file again (${fsReason(e)}); nothing was written`);
    }
    let stillTarget = false;
    try {
      stillTarget = realpathSync(path) === target;
    } catch {
      stillTarget = false;
    }
    if (!stillTarget || !sameBytes(now, original)) {
      throw new WriteError(path, 'the file changed since mchard read it; nothing was written (run mchard fix again)');
    }
  };
  unchanged();

  const temp = writeTemp(dir, name, typeof text === 'string' ? Buffer.from(text, 'utf8') : text, mode, st.uid, st.gid);
  let backupTemp: string | null = null;
  try {
    if (opts.backup !== false) backupTemp = writeTemp(dir, `${name}${BACKUP_SUFFIX}`, original, mode, st.uid, st.gid);
    await opts.beforeRename?.({ target, temp });
    unchanged();
    const backup = backupTemp ? join(dir, `${name}${BACKUP_SUFFIX}`) : null;
    try {
      if (backupTemp && backup) {
        renameSync(backupTemp, backup);
        backupTemp = null;
      }
      renameSync(temp, target);
    } catch (e) {
      throw new WriteError(path, `cannot replace the file (${fsReason(e)}); the original is unchanged`);
    }
    syncDir(dir);
    return { target, backup };
  } catch (e) {
    removeQuietly(temp);
    removeQuietly(backupTemp);
    throw e;
  }
}
