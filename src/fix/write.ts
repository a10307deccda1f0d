/**
 * Writing a fixed file safely, keeping everything mchard did not mean to change.
 *
 * - Where: a symbolic link is followed only while it stays inside the folder tree named on the command
 *   line (`tree`; for a FILE argument, the folder that holds it as written, at its real location; a
 *   relative argument inside the current folder must also really be inside it). A link out of that tree
 *   is refused unless `followSymlinks` (--follow-symlinks); the result says when one was followed.
 * - What: a regular file only; a file with other hard links is refused (replacing it would leave the other
 *   names with the old, insecure content, and writing into the shared inode instead is not atomic).
 * - Who: an advisory lock (`.NAME.mchard-lock`, src/fix/lock.ts) is held from before mchard reads the file
 *   until it is done with it (`lockForWrite`, released by the caller), or for the write alone when
 *   `safeWrite` takes it itself; a second mchard waits, bounded, then reports the holder.
 * - How: the new text goes to a temporary file in the same folder (`.NAME.mchard-tmp-PID-HEX8`), created
 *   0600, given the original's owner and group, exactly its extended attributes (ACL, SELinux label,
 *   user.*, trusted.*; see xattrs.ts) and then its mode, flushed (fsync), checked (mode, owner and
 *   attributes equal the original's, so permissions are never wider), and renamed over the original: a
 *   reader, or a crash at any moment, sees the old file or the new one, never half of either.
 * - Just before the rename the file is checked again (same bytes, inode, change time and owner, and the
 *   lock still ours); otherwise nothing is written and the temporary file is removed.
 * - Backup: the original itself (a hard link to its inode, so it keeps every attribute and its time
 *   stamps; a copy made like the new file where hard links are impossible) under a new name
 *   `NAME.mchard-backup-YYYYMMDDTHHMMSSZ` (names.ts), placed just before the rename and removed again if
 *   the rename fails, and checked to be the file read (a regular file, its inode): in a sticky folder
 *   the file's owner may swap it for a link after the last check; earlier backups are never touched.
 * - Leftovers: temporary files of dead mchard processes for this file (exact name, dead pid, regular
 *   file) are removed once the lock is held; a backup link left by a run killed just before its rename is
 *   recognised and used as this run's backup.
 */
import {
  closeSync, constants, existsSync, fchmodSync, fchownSync, fstatSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, realpathSync, renameSync,
  unlinkSync, writeSync, type BigIntStats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { describeFsError, fileKind } from '../input.js';
import { locateInTree, type Located } from '../system/links.js';
import { changeableBy, othersCreateIn } from '../system/changeable.js';
import { createHash } from 'node:crypto';
import { FileLock, LockError, pidAlive } from './lock.js';
import { BACKUP_SUFFIX, backupNames, isBackupName, tempName, tempOwner } from './names.js';
import { aclWriterOf, applyXattrs, inodeFlags, readXattrs, systemXattrTools, xattrDifferences, XattrError, type Xattrs, type XattrTools } from './xattrs.js';

export { BACKUP_SUFFIX };

export class WriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/**
 * The file is no longer what mchard read (its bytes, inode, owner, mode or attributes changed, or it was
 * swapped): nothing was written, and the findings mchard has are of the text it read, not of the file now.
 */
export class FileChangedError extends WriteError {}

/**
 * The folder refuses new files (read-only, full, no permission), so the lock, the temporary file and the
 * backup cannot be made: nothing can be written there, but the file can still be read and its findings
 * and the changes shown.
 */
export class FolderRefusedError extends WriteError {
  constructor(
    path: string,
    reason: string,
    /** A few words for the "not written" line. */
    readonly short = 'the folder takes no new file',
  ) {
    super(path, reason);
  }
}

/** Which symbolic links mchard may follow to the file it writes. */
export interface WriteScope {
  /** Follow a link that leads out of the tree (--follow-symlinks). */
  followSymlinks?: boolean;
  /** The folder named on the command line (when a folder was); default: the folder holding the file, as written. */
  tree?: string;
}

export type WriteStep = 'locked' | 'temp-created' | 'temp-ready' | 'checked' | 'backup-placed' | 'renamed';

export interface LockOptions extends WriteScope {
  /** How long to wait for another mchard holding the file (default 60 s). */
  lockTimeoutMs?: number;
  /** Told once when another mchard holds the file and this one waits. */
  onWait?: (message: string) => void;
  /** Why to stop waiting for another mchard now (a signal), or null. */
  cancelled?: () => string | null;
  /** Test hook: the inode flags of a folder and a file (default: lsattr's; null: they cannot be read). */
  inodeFlags?: (paths: readonly string[]) => string[] | null;
}

export interface SafeWriteOptions extends LockOptions {
  /** Keep the original as a backup beside it (default true). */
  backup?: boolean;
  /**
   * Runs once the temporary file is complete, before the original is checked again and replaced. Tests use
   * it to change the original behind mchard's back.
   */
  beforeRename?: (info: { target: string; temp: string }) => void | Promise<void>;
  /** Test hook: called as each step is reached (the crash tests stop the process there). */
  onStep?: (step: WriteStep) => void;
  /** Test hook: the getfattr and setfattr to use (null: not installed). */
  xattrTools?: XattrTools;
}

export interface WriteResult {
  /** The file that was replaced (the link's target for a symbolic link). */
  target: string;
  backup: string | null;
  /** Set when a symbolic link out of the tree named on the command line was followed (--follow-symlinks): that tree. */
  outsideTree: string | null;
  /**
   * Set when the file mchard put in place no longer holds exactly what mchard wrote (its content, mode or
   * owner), checked right after the rename: another process (the file's owner) wrote into it in the
   * instant before, or since. What it changed.
   */
  changedAfter: string | null;
}

/** A file mchard holds the lock of, from before it reads it until it is done. */
export interface HeldFile {
  /** As given. */
  path: string;
  target: string;
  outsideTree: string | null;
  release(): void;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

function fsReason(e: unknown, path = ''): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  return describeFsError(e, path);
}

function removeQuietly(path: string | null): void {
  if (!path) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Removes the files this write made (its temporary file, its backup) after a failure; says which could not
 * be removed, and why, to be added to the failure's reason ("" when none is left), so the report never
 * claims a folder is as it was when it is not.
 */
function removeMade(paths: readonly (string | null)[]): string {
  const left: string[] = [];
  for (const p of paths) {
    if (!p) continue;
    try {
      unlinkSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') left.push(`${p} (${fsReason(e)})`);
    }
  }
  return left.length ? `; mchard could not remove the file${left.length > 1 ? 's' : ''} it made: ${left.join(', ')}` : '';
}

/** A WriteError with `more` added to its reason. */
function withMore(e: unknown, more: string): unknown {
  if (!more || !(e instanceof WriteError)) return e;
  if (e instanceof FolderRefusedError) return new FolderRefusedError(e.path, e.reason + more, e.short);
  return e instanceof FileChangedError ? new FileChangedError(e.path, e.reason + more) : new WriteError(e.path, e.reason + more);
}

/**
 * Why the folder or the file refuses the replacement for good, or null: an append-only folder (chattr +a)
 * takes new files but lets none be renamed or removed, so the rename would fail and the temporary file,
 * backup and lock could not be removed again; an immutable one (+i) takes nothing; an immutable or
 * append-only file cannot be replaced. Asked of lsattr before anything is made; null also when the flags
 * cannot be read (the write then fails, if it does, with the kernel's reason).
 */
function flagsRefusal(dir: string, target: string, flagsOf = inodeFlags): { path: string; reason: string; short: string } | null {
  const flags = flagsOf([dir, target]);
  if (!flags) return null;
  const [d, f] = flags;
  if (d.includes('i')) return { path: dir, reason: 'the folder is immutable (chattr +i, lsattr -d shows it): no file can be made or replaced in it; nothing was written', short: 'the folder is immutable' };
  if (d.includes('a')) {
    return { path: dir, reason: 'the folder is append-only (chattr +a, lsattr -d shows it): a file in it can be added but never renamed or removed, so the file cannot be replaced and mchard makes nothing there; nothing was written', short: 'the folder is append-only' };
  }
  if (f.includes('i')) return { path: target, reason: 'the file is immutable (chattr +i, lsattr shows it): it cannot be replaced; nothing was written', short: 'the file is immutable' };
  if (f.includes('a')) return { path: target, reason: 'the file is append-only (chattr +a, lsattr shows it): it cannot be replaced; nothing was written', short: 'the file is append-only' };
  return null;
}

/** Where `path` leads, and whether a symbolic link on the way leaves the tree named on the command line. */
function locate(path: string, scope: WriteScope): Located {
  try {
    return locateInTree(path, scope.tree);
  } catch (e) {
    throw new WriteError(path, fsReason(e, path));
  }
}

/** Names in `dir` that are mchard backups of `name` and hard links to the file `st` describes. */
function backupLinksTo(dir: string, name: string, st: { ino: number | bigint; dev: number | bigint; nlink: number | bigint }): string[] {
  if (Number(st.nlink) < 2) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    if (!isBackupName(name, n)) continue;
    try {
      const b = lstatSync(join(dir, n), { bigint: true });
      if (b.isFile() && b.ino === BigInt(st.ino) && b.dev === BigInt(st.dev)) out.push(n);
    } catch {
      // gone
    }
  }
  return out.sort();
}

/** What the file is when it is not a regular file, in the words reading uses (src/input.ts). */
function notAFile(st: BigIntStats): string {
  return fileKind(st) ?? 'is not a regular file';
}

interface Checked extends Located {
  stat: BigIntStats;
}

/**
 * Why another user could re-point the path to `target` (a folder on the way they can change), in the words
 * of the refusal, or null. Nothing a write checks by name holds then: a folder swapped for a link between
 * the checks and the rename would put the new file, theirs, over another file of the same name.
 */
function foreignReason(path: string, target: string): string | null {
  let foreign: string | null;
  try {
    foreign = changeableBy(target, aclWriterOf);
  } catch (e) {
    throw new WriteError(path, fsReason(e));
  }
  return foreign ? `${foreign}, who could point this path at another file while mchard replaces it${process.geteuid?.() === 0 ? ' as root' : ''}; mchard does not write there (run mchard fix as that user, or move the file)` : null;
}

/** The checks that do not need the file's content: where it leads, a regular file, no other hard links (unless `hardLinks` is false). Throws WriteError. */
function check(path: string, scope: WriteScope, hardLinks = true): Checked {
  const loc = locate(path, scope);
  if (loc.outsideReason && !scope.followSymlinks) {
    throw new WriteError(path, `${loc.outsideReason}; mchard does not follow it there without --follow-symlinks`);
  }
  let st: BigIntStats;
  try {
    st = lstatSync(loc.target, { bigint: true });
  } catch (e) {
    throw new WriteError(path, fsReason(e));
  }
  if (!st.isFile()) throw new WriteError(path, notAFile(st));
  if (!hardLinks) return { ...loc, stat: st };
  const foreign = foreignReason(path, loc.target);
  if (foreign) throw new WriteError(path, foreign);
  const others = Number(st.nlink) - 1 - backupLinksTo(dirname(loc.target), basename(loc.target), st).length;
  if (others > 0) {
    throw new WriteError(
      path,
      `has ${others + 1} hard links: the other name${others > 1 ? 's' : ''} would keep the old content if mchard replaced this one, ` +
        `and writing into the shared file is not atomic; mchard does not fix hard-linked files (find them with: find / -xdev -samefile ${loc.target})`,
    );
  }
  return { ...loc, stat: st };
}

/**
 * What is checked before mchard reads a file it may fix: where it leads (a symbolic link out of the tree
 * needs `followSymlinks`) and that it is a regular file. Throws WriteError with the reason. (Hard links
 * are refused when the file is written: its findings and diff are still shown.)
 */
export function checkWritable(path: string, scope: WriteScope = {}): { target: string; outsideTree: string | null } {
  const c = check(path, scope, false);
  return { target: c.target, outsideTree: c.outsideReason ? c.outsideTree : null };
}

/** Removes this file's temporary files left by mchard processes that no longer run (exact names, regular files only). */
function removeStaleTemps(dir: string, name: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = tempOwner(name, n);
    if (pid === null || pid === process.pid || pidAlive(pid)) continue;
    const p = join(dir, n);
    try {
      if (lstatSync(p).isFile()) unlinkSync(p);
    } catch {
      // gone, or not ours to remove
    }
  }
}

interface LockEntry {
  lock: FileLock;
  refs: number;
}
const locksByTarget = new Map<string, LockEntry>();
const heldByPath = new Map<string, HeldFile & { scope: WriteScope }>();

/** Where root keeps the locks of files in folders other users can write (created 0700, root's alone). */
export const PRIVATE_LOCK_DIR = '/run/mchard';

/** `PRIVATE_LOCK_DIR` when it is (or now is) a folder only root can change, else null. */
function privateLockDir(dir = PRIVATE_LOCK_DIR): string | null {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o077) !== 0) return null;
    return changeableBy(`${dir}/lock`, aclWriterOf) === null ? dir : null;
  } catch {
    return null;
  }
}

/** Why the folder takes no new file (a byte written to a new file there fails), or null; nothing is left. */
function refusesNewFiles(dir: string, name: string): string | null {
  const probe = join(dir, tempName(name));
  let fd: number;
  try {
    fd = openSync(probe, 'wx', 0o600);
  } catch (e) {
    return fsReason(e);
  }
  try {
    writeSync(fd, '\n');
    fsyncSync(fd);
    return null;
  } catch (e) {
    return fsReason(e);
  } finally {
    closeSync(fd);
    removeQuietly(probe);
  }
}

/**
 * Where the lock of the file `name` in `dir` (`target`) goes: beside it, `.NAME.mchard-lock`; but for root,
 * when another user can make new names in that folder (/tmp, a group's shared folder), in a folder only
 * root can change, named after the file's path: another user could otherwise make the lock's name first
 * (a lock naming a live process, or anything that is not one) and hold every fix of the file off. There a
 * non-root mchard fixing the same file does not exclude root's (it locks beside the file); root's checks
 * just before the rename still see any change it made. `lockDir` is for the tests.
 */
export function lockPlace(dir: string, name: string, target: string, lockDir = PRIVATE_LOCK_DIR): { dir: string; name: string } {
  if (process.geteuid?.() !== 0) return { dir, name };
  let shared: boolean;
  try {
    shared = othersCreateIn(dir, 0, aclWriterOf) !== null;
  } catch {
    // Who can write it is unknown (its ACL unreadable): as if others could.
    shared = true;
  }
  if (!shared) return { dir, name };
  const privateDir = privateLockDir(lockDir);
  return privateDir ? { dir: privateDir, name: `file-${createHash('sha256').update(target).digest('hex').slice(0, 32)}` } : { dir, name };
}

/**
 * Checks `path` (checkWritable) and takes its lock, waiting for another mchard up to
 * `lockTimeoutMs`. Hold it from before reading the file until done with it (restart and rollback
 * included); a `safeWrite` of the same path meanwhile uses it and the scope given here.
 */
export async function lockForWrite(path: string, opts: LockOptions = {}): Promise<HeldFile> {
  const abs = resolve(path);
  const already = heldByPath.get(abs);
  if (already) return already;
  const scope: WriteScope = { followSymlinks: opts.followSymlinks, tree: opts.tree };
  const c = checkWritable(path, scope);
  const dir = dirname(c.target);
  const name = basename(c.target);
  let entry = locksByTarget.get(c.target);
  if (!entry) {
    // A path another user can re-point is never written (check, below): nothing is made or removed there
    // by name either (the lock beside the file, the probe of the folder, dead runs' temporary files), since
    // the folder could be swapped for a link to another between any two steps. The file is still read and
    // its changes shown (a folder that refuses new files).
    const foreign = foreignReason(path, c.target);
    if (foreign) throw new FolderRefusedError(path, foreign, 'another user can change a folder on its way');
    const refused = flagsRefusal(dir, c.target, opts.inodeFlags);
    if (refused) throw new FolderRefusedError(refused.path, refused.reason, refused.short);
    let lock: FileLock;
    const place = lockPlace(dir, name, c.target);
    try {
      lock = await FileLock.acquire(place.dir, place.name, { timeoutMs: opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, onWait: opts.onWait, cancelled: opts.cancelled });
    } catch (e) {
      if (e instanceof LockError) throw new WriteError(path, e.message);
      if (place.dir !== dir) throw new WriteError(path, `cannot create its lock in ${place.dir} (${fsReason(e)}); the original is unchanged`);
      throw new FolderRefusedError(dir, `cannot create a file in this folder (${fsReason(e)}); the original is unchanged`);
    }
    if (place.dir !== dir) {
      removeStaleTemps(place.dir, place.name);
      // The lock made elsewhere says nothing of the file's folder: whether it takes a new file (a full disk,
      // a read-only mount) is asked as the lock beside it would have asked, with a byte written and removed.
      const refusal = refusesNewFiles(dir, name);
      if (refusal) {
        lock.release();
        throw new FolderRefusedError(dir, `cannot create a file in this folder (${refusal}); the original is unchanged`);
      }
    }
    entry = { lock, refs: 0 };
    locksByTarget.set(c.target, entry);
    removeStaleTemps(dir, name);
  }
  entry.refs++;
  const lockEntry = entry;
  let released = false;
  const held = {
    path,
    target: c.target,
    outsideTree: c.outsideTree,
    scope,
    release: () => {
      if (released) return;
      released = true;
      heldByPath.delete(abs);
      if (--lockEntry.refs === 0) {
        lockEntry.lock.release();
        locksByTarget.delete(c.target);
      }
    },
  };
  heldByPath.set(abs, held);
  return held;
}

interface Meta {
  mode: number;
  uid: number;
  gid: number;
  attrs: Xattrs;
}

/**
 * Writes `bytes` to a new temporary file beside the original, with exactly the original's owner, group,
 * extended attributes and mode, flushed to disk; returns its path and its descriptor, still open (the caller
 * closes it), so what it holds can be checked again at the rename (tempDiffers). Throws WriteError (and
 * leaves nothing) when any of it cannot be done exactly.
 */
function makeTemp(path: string, dir: string, name: string, bytes: Uint8Array, meta: Meta, tools: XattrTools, step: (s: WriteStep) => void): { temp: string; fd: number } {
  const temp = join(dir, tempName(name));
  let fd: number;
  try {
    fd = openSync(temp, 'wx+', 0o600);
  } catch (e) {
    throw new WriteError(dir, `cannot create a file in this folder (${fsReason(e)}); the original is unchanged`);
  }
  let stage = 'write the new file';
  try {
    step('temp-created');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    stage = 'give the new file the original owner and group';
    const st = fstatSync(fd);
    if (st.uid !== meta.uid || st.gid !== meta.gid) fchownSync(fd, meta.uid, meta.gid);
    // Exactly the original's attributes: a new file may have inherited the folder's default ACL or been
    // labelled by policy. Then the mode, last: setting or removing an access ACL rewrites the group bits.
    stage = 'give the new file the same ACLs and extended attributes';
    applyXattrs(temp, meta.attrs, readXattrs(temp, tools), tools);
    stage = 'give the new file the original mode';
    fchmodSync(fd, meta.mode);
    stage = 'flush the new file to disk';
    fsyncSync(fd);
    stage = 'check the new file';
    const after = fstatSync(fd);
    if ((after.mode & 0o7777) !== meta.mode || after.uid !== meta.uid || after.gid !== meta.gid) {
      throw new XattrError(
        `the new file has mode ${(after.mode & 0o7777).toString(8)} owner ${after.uid}:${after.gid}, not ${meta.mode.toString(8)} ${meta.uid}:${meta.gid}`,
      );
    }
    const differ = xattrDifferences(meta.attrs, readXattrs(temp, tools));
    if (differ.length) throw new XattrError(`the new file's extended attributes differ from the original's (${differ.join(', ')})`);
  } catch (e) {
    closeSync(fd);
    const left = removeMade([temp]);
    if (e instanceof XattrError) throw new WriteError(path, `${e.message}; nothing was written${left}`);
    throw new WriteError(temp, `cannot ${stage} (${fsReason(e)}); the original is unchanged${left}`);
  }
  return { temp, fd };
}

/**
 * What another process changed in the new file since makeTemp checked it (its bytes, mode or owner, and,
 * before the rename, its extended attributes); null when nothing. Once given the original's owner, the new
 * file is that user's: they can open it by name and write into it, or chmod it, before it takes the
 * original's place, and mchard would have reported its own text as written. Asked through mchard's
 * descriptor, so whatever the name holds now does not matter for the bytes.
 */
function tempDiffers(fd: number, temp: string | null, bytes: Uint8Array, meta: Meta, tools: XattrTools): string | null {
  const what: string[] = [];
  try {
    const st = fstatSync(fd);
    if (st.size !== bytes.length || !sameBytes(readAt(fd, bytes.length + 1), bytes)) what.push('its content');
    if ((st.mode & 0o7777) !== meta.mode) what.push(`its mode, now ${(st.mode & 0o7777).toString(8)}`);
    if (st.uid !== meta.uid || st.gid !== meta.gid) what.push(`its owner, now ${st.uid}:${st.gid}`);
    if (temp !== null) {
      const differ = xattrDifferences(meta.attrs, readXattrs(temp, tools));
      if (differ.length) what.push(`its extended attributes (${differ.join(', ')})`);
    }
  } catch (e) {
    return `it could not be checked again (${e instanceof XattrError ? e.message : fsReason(e)})`;
  }
  return what.length ? what.join(', ') : null;
}

/** Up to `max` bytes of the file open as `fd`, from its start. */
function readAt(fd: number, max: number): Buffer {
  const buf = Buffer.alloc(max);
  let len = 0;
  while (len < max) {
    const n = readSync(fd, buf, len, max - len, len);
    if (n === 0) break;
    len += n;
  }
  return buf.subarray(0, len);
}

function linkUnsupported(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EMLINK' || code === 'EACCES';
}

/**
 * Puts a backup of the original (the file at `target`, checked to hold `original`) beside it under a new
 * name; returns its path and whether this call created it.
 */
function placeBackup(
  path: string,
  target: string,
  st: BigIntStats,
  original: Uint8Array,
  meta: Meta,
  tools: XattrTools,
  step: (s: WriteStep) => void,
): { backup: string; created: boolean } {
  const dir = dirname(target);
  const name = basename(target);
  // A run stopped between placing its backup and the rename left a backup name on this very file: it is this run's backup.
  const leftover = backupLinksTo(dir, name, st)[0];
  if (leftover) return { backup: join(dir, leftover), created: false };
  const at = new Date();
  let linkable = true;
  for (const candidate of backupNames(name, at)) {
    const b = join(dir, candidate);
    try {
      linkSync(target, b);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      if (linkUnsupported(e)) {
        linkable = false;
        break;
      }
      throw new WriteError(dir, `cannot create the backup (${fsReason(e)}); the original is unchanged`);
    }
    // link(2) takes whatever the name holds now, a symbolic link too: in a sticky folder (/tmp) the file's
    // owner can swap it for a link to /etc/shadow after the last check, and the "backup" would be that
    // link, which `cp -p BACKUP FILE` (the advice when a rollback fails) follows. It must be the file read.
    let made: BigIntStats | null = null;
    try {
      made = lstatSync(b, { bigint: true });
    } catch {
      // gone already
    }
    if (!made?.isFile() || made.ino !== st.ino || made.dev !== st.dev) {
      removeQuietly(made ? b : null);
      throw new FileChangedError(path, CHANGED);
    }
    return { backup: b, created: true };
  }
  // No hard link to the original possible (file system, or fs.protected_hardlinks for a file this user does not own): a copy made like the new file.
  const made = makeTemp(path, dir, name, original, meta, tools, step);
  closeSync(made.fd);
  const copy = made.temp;
  for (const candidate of backupNames(name, at)) {
    const b = join(dir, candidate);
    try {
      if (linkable) {
        linkSync(copy, b);
        removeQuietly(copy);
      } else {
        // Under the lock no other mchard names backups of this file; another program could, in this instant only.
        if (existsSync(b)) continue;
        renameSync(copy, b);
      }
      return { backup: b, created: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      if (linkable && linkUnsupported(e)) {
        linkable = false;
        continue;
      }
      removeQuietly(copy);
      throw new WriteError(dir, `cannot create the backup (${fsReason(e)}); the original is unchanged`);
    }
  }
  throw new Error('unreachable');
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const CHANGED = 'the file changed since mchard read it; nothing was written (run mchard fix again)';

/**
 * The file's bytes again, to compare with what mchard read (`original`): the bytes, null when it is no
 * longer a regular file of the original's size (changed), or why it cannot be read. The path was just
 * seen as a regular file, but whoever owns the entry (another user's file in a sticky /tmp, which root may
 * fix) can swap it for a named pipe, a link or a huge file in between: never follow a link, never block,
 * never read more than one byte past the original's length.
 */
export function readAgain(target: string, original: Uint8Array): Buffer | null | string {
  let fd: number;
  try {
    fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ELOOP' || code === 'ENOENT' || code === 'ENXIO' ? null : fsReason(e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== original.length) return null;
    const buf = Buffer.alloc(original.length + 1);
    let len = 0;
    for (;;) {
      const n = readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
      if (len === buf.length) return null;
    }
    return buf.subarray(0, len);
  } catch (e) {
    return fsReason(e);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces the file at `path` (which mchard read as `original`) with `text`. Throws WriteError, leaving the
 * original as it was, when the file may not or cannot be replaced exactly (see the top of this file).
 */
export async function safeWrite(path: string, original: Uint8Array, text: string | Uint8Array, opts: SafeWriteOptions = {}): Promise<WriteResult> {
  const already = heldByPath.get(resolve(path));
  const held = already ?? (await lockForWrite(path, opts));
  try {
    return await writeHeld(held, heldByPath.get(resolve(path))?.scope ?? {}, original, typeof text === 'string' ? Buffer.from(text, 'utf8') : text, opts);
  } finally {
    if (!already) held.release();
  }
}

async function writeHeld(held: HeldFile, scope: WriteScope, original: Uint8Array, bytes: Uint8Array, opts: SafeWriteOptions): Promise<WriteResult> {
  const path = held.path;
  const step = (s: WriteStep) => opts.onStep?.(s);
  const tools = opts.xattrTools ?? systemXattrTools();
  step('locked');

  // The file as it is now, under the lock: still the same file, still what mchard read.
  const first = check(path, scope);
  if (first.target !== held.target) throw new FileChangedError(path, CHANGED);
  const target = first.target;
  const dir = dirname(target);
  const name = basename(target);
  let attrs: Xattrs;
  const now = readAgain(target, original);
  if (typeof now === 'string') throw new WriteError(path, `cannot read the file again (${now}); nothing was written`);
  if (now === null || !sameBytes(now, original)) throw new FileChangedError(path, CHANGED);
  try {
    attrs = readXattrs(target, tools);
  } catch (e) {
    if (e instanceof XattrError) throw new WriteError(path, `${e.message}; nothing was written`);
    throw e;
  }
  const st = first.stat;
  const meta: Meta = { mode: Number(st.mode) & 0o7777, uid: Number(st.uid), gid: Number(st.gid), attrs };

  const { temp, fd } = makeTemp(path, dir, name, bytes, meta, tools, step);
  let placed: { backup: string; created: boolean } | null = null;
  try {
    step('temp-ready');
    await opts.beforeRename?.({ target, temp });
    // Again, just before the rename: the same inode, unchanged since it was first looked at (bytes, owner,
    // mode, attributes all move the change time), and the lock still this process's.
    const again = check(path, scope);
    const bytesNow = readAgain(target, original);
    if (bytesNow === null || typeof bytesNow === 'string') throw new FileChangedError(path, CHANGED);
    if (again.target !== target || again.stat.ino !== st.ino || again.stat.dev !== st.dev || again.stat.ctimeNs !== st.ctimeNs || !sameBytes(bytesNow, original)) {
      throw new FileChangedError(path, CHANGED);
    }
    const lock = locksByTarget.get(target)?.lock;
    if (!lock?.stillHeld()) throw new WriteError(path, "mchard's lock on the file was removed by another process; nothing was written");
    const tampered = tempDiffers(fd, temp, bytes, meta, tools);
    if (tampered) throw new WriteError(path, `another process changed mchard's new file (${tampered}) before it took the file's place; nothing was written (run mchard fix again)`);
    step('checked');
    if (opts.backup !== false) placed = placeBackup(path, target, st, original, meta, tools, step);
    step('backup-placed');
    try {
      renameSync(temp, target);
    } catch (e) {
      throw new WriteError(path, `cannot replace the file (${fsReason(e)}); the original is unchanged`);
    }
    step('renamed');
    syncDir(dir);
    // In the instant between that check and the rename, or since: said, never taken for mchard's text.
    const changedAfter = tempDiffers(fd, null, bytes, meta, tools);
    return { target, backup: placed?.backup ?? null, outsideTree: held.outsideTree, changedAfter };
  } catch (e) {
    throw withMore(e, removeMade([temp, placed?.created ? placed.backup : null]));
  } finally {
    closeSync(fd);
  }
}
