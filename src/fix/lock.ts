/**
 * An advisory lock on a file mchard fixes: `.NAME.mchard-lock` beside it, holding who holds it (pid, the
 * process's start time, boot id, pid namespace, host name). Node.js has no flock(2) or fcntl(2) locks,
 * so the lock is a file that only one process can create: its content is written to a temporary file
 * first and hard-linked to the lock's name (link(2) fails when the name exists), so a lock file is never
 * seen empty. A second mchard waits (bounded) and then reports who holds it.
 *
 * A lock whose holder is dead (no such process, a pid reused by a process started later, or a previous
 * boot) is taken over: it is renamed away and removed only when the renamed file is the very file judged
 * dead (same inode), otherwise it is put back. A holder on another machine (another boot id and host
 * name) or in another pid namespace cannot be judged: the lock is reported, never broken. The holder checks that its lock is still in place
 * before it replaces the file (`stillHeld`).
 */
import {
  closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readFileSync, readlinkSync, readSync, renameSync, unlinkSync, writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lockName, tempName } from './names.js';

export class LockError extends Error {}

interface Identity {
  pid: number;
  start: string | null;
  boot: string | null;
  pidns: string | null;
  host: string;
}

const FORMAT = 'mchard-lock 1';
/** A lock file without a readable holder (written by something else, or cut short) counts as dead after this long. */
const UNREADABLE_STALE_MS = 10_000;

function readSmall(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The start time of a process in clock ticks since boot (/proc/PID/stat field 22), or null when there is no such process. */
function startTime(pid: number): string | null {
  const stat = readSmall(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

let self: Identity | null = null;
function selfIdentity(): Identity {
  if (self && self.pid === process.pid) return self;
  let pidns: string | null = null;
  try {
    pidns = readlinkSync('/proc/self/ns/pid');
  } catch {
    pidns = null;
  }
  self = {
    pid: process.pid,
    start: startTime(process.pid),
    boot: readSmall('/proc/sys/kernel/random/boot_id')?.trim() ?? null,
    pidns,
    host: hostname(),
  };
  return self;
}

function render(id: Identity): string {
  return `${FORMAT}\npid ${id.pid}\nstart ${id.start ?? '-'}\nboot ${id.boot ?? '-'}\npidns ${id.pidns ?? '-'}\nhost ${id.host}\n`;
}

function parse(text: string): Identity | null {
  const lines = text.split('\n');
  if (lines[0] !== FORMAT) return null;
  const field = (key: string, re: RegExp): string | null | undefined => {
    const line = lines.find((l) => l.startsWith(`${key} `));
    if (line === undefined) return undefined;
    const v = line.slice(key.length + 1);
    if (v === '-') return null;
    return re.test(v) ? v : undefined;
  };
  const pid = field('pid', /^[1-9][0-9]{0,9}$/);
  const start = field('start', /^[0-9]{1,20}$/);
  const boot = field('boot', /^[0-9a-f-]{1,64}$/);
  const pidns = field('pidns', /^pid:\[[0-9]{1,20}\]$/);
  const host = field('host', /^[\x21-\x7e]{1,255}$/);
  if (!pid || start === undefined || boot === undefined || pidns === undefined || !host) return null;
  return { pid: Number(pid), start, boot, pidns, host };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

type HolderState = 'dead' | 'alive' | 'other-host' | 'other-pidns';

/**
 * Whether the process a lock names still runs. The boot id tells the machine (its running kernel) better
 * than the host name, which provisioning may change: the same boot id is this machine whatever its name;
 * another boot id with this host name is an earlier boot, so the holder is gone.
 */
export function holderState(h: Identity): HolderState {
  const me = selfIdentity();
  if (h.boot && me.boot) {
    if (h.boot !== me.boot) return h.host === me.host ? 'dead' : 'other-host';
  } else if (h.host !== me.host) {
    return 'other-host';
  }
  if (h.pidns && me.pidns && h.pidns !== me.pidns) return 'other-pidns';
  if (me.start !== null) {
    // /proc is there: a process with this pid that started at another time is another process.
    const now = startTime(h.pid);
    if (now === null) return 'dead';
    return h.start === null || h.start === now ? 'alive' : 'dead';
  }
  return pidAlive(h.pid) ? 'alive' : 'dead';
}

/** Whether a process with this pid exists (in this pid namespace). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

interface Observed {
  holder: Identity | null;
  ino: number;
  dev: number;
  ageMs: number;
}

/** Reads the lock file without following a link or blocking on a FIFO; null when it is gone. */
function observe(path: string): Observed | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') return { holder: null, ino: -1, dev: -1, ageMs: 0 };
    throw e;
  }
  try {
    const st = fstatSync(fd);
    let text = '';
    if (st.isFile()) {
      const buf = Buffer.alloc(1024);
      const n = readSync(fd, buf, 0, buf.length, 0);
      text = buf.subarray(0, n).toString('utf8');
    }
    return { holder: st.isFile() ? parse(text) : null, ino: st.ino, dev: st.dev, ageMs: Date.now() - st.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function describe(o: Observed, lockPath: string): string {
  const h = o.holder;
  if (!h) return `${lockPath} exists and does not name a running mchard; remove it if no mchard runs`;
  const state = holderState(h);
  if (state === 'other-host') return `the lock ${lockPath} is held by pid ${h.pid} on host ${h.host}; remove it if no mchard runs there`;
  if (state === 'other-pidns') return `the lock ${lockPath} is held by pid ${h.pid} in another pid namespace (a container?); remove it if no mchard runs there`;
  return `another mchard (pid ${h.pid}) is fixing it`;
}

/** Removes a lock judged dead, unless it was replaced meanwhile (then it is put back). */
function takeOver(dir: string, name: string, lockPath: string, seen: Observed): void {
  const aside = join(dir, tempName(name));
  try {
    renameSync(lockPath, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const st = lstatSync(aside);
  if (st.ino === seen.ino && st.dev === seen.dev) {
    unlinkSync(aside);
    return;
  }
  // Someone else removed the dead lock and took the lock in between: give it back.
  try {
    linkSync(aside, lockPath);
  } catch {
    // A third process holds the name now; the displaced holder sees it lost the lock before it writes.
  }
  unlinkSync(aside);
}

export interface LockOptions {
  /** How long to wait for another mchard before giving up. */
  timeoutMs: number;
  /** Told once, when the lock is held by another process and mchard starts waiting. */
  onWait?: (message: string) => void;
  /** Why to stop waiting now (a signal: `interrupted (SIGTERM)`), or null to go on. */
  cancelled?: () => string | null;
}

export class FileLock {
  private released = false;

  private constructor(
    readonly path: string,
    private readonly ino: number,
    private readonly dev: number,
  ) {}

  /** Takes the lock for the file `name` in `dir`, waiting up to `timeoutMs` for another mchard. */
  static async acquire(dir: string, name: string, opts: LockOptions): Promise<FileLock> {
    const lockPath = join(dir, lockName(name));
    const until = Date.now() + opts.timeoutMs;
    let told = false;
    for (;;) {
      const mine = FileLock.tryCreate(dir, name, lockPath);
      if (mine) return mine;
      const seen = observe(lockPath);
      if (!seen) continue;
      const dead = seen.holder ? holderState(seen.holder) === 'dead' : seen.ino !== -1 && seen.ageMs > UNREADABLE_STALE_MS;
      if (dead) {
        takeOver(dir, name, lockPath, seen);
        continue;
      }
      // A signal stops the wait at once: bounded as it is, 60 s of a Ctrl-C that does nothing, for each file.
      const stop = opts.cancelled?.();
      if (stop) throw new LockError(`${stop} while waiting: ${describe(seen, lockPath)}`);
      if (Date.now() >= until) throw new LockError(`${describe(seen, lockPath)}; waited ${opts.timeoutMs < 10_000 ? (opts.timeoutMs / 1000).toFixed(1) : Math.round(opts.timeoutMs / 1000)} s`);
      if (!told) {
        told = true;
        opts.onWait?.(`waiting: ${describe(seen, lockPath)}`);
      }
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 50)));
    }
  }

  /** Creates the lock file with its content in one step; null when it exists. Throws when the folder refuses new files. */
  private static tryCreate(dir: string, name: string, lockPath: string): FileLock | null {
    const content = render(selfIdentity());
    const candidate = join(dir, tempName(name));
    const fd = openSync(candidate, 'wx', 0o600);
    try {
      writeSync(fd, content);
    } catch (e) {
      // A full disk or quota: no half-made candidate is left behind.
      closeSync(fd);
      removeQuietly(candidate);
      throw e;
    }
    closeSync(fd);
    try {
      linkSync(candidate, lockPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      removeQuietly(candidate);
      // ENOENT: the candidate was removed under us (taken for a dead process's leftover); try again.
      if (code === 'EEXIST' || code === 'ENOENT') return null;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw e;
      // A file system without hard links: create the name exclusively and write the holder into it.
      let lfd: number;
      try {
        lfd = openSync(lockPath, 'wx', 0o600);
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return null;
        throw e2;
      }
      try {
        writeSync(lfd, content);
        const st = fstatSync(lfd);
        return new FileLock(lockPath, st.ino, st.dev);
      } catch (e3) {
        // The name is ours (created exclusively above): an empty lock would hold others off until it goes stale.
        removeQuietly(lockPath);
        throw e3;
      } finally {
        closeSync(lfd);
      }
    }
    removeQuietly(candidate);
    const st = lstatSync(lockPath);
    return new FileLock(lockPath, st.ino, st.dev);
  }

  /** Whether the lock file is still this lock's (not removed or replaced by someone else). */
  stillHeld(): boolean {
    if (this.released) return false;
    try {
      const st = lstatSync(this.path);
      return st.ino === this.ino && st.dev === this.dev;
    } catch {
      return false;
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      const st = lstatSync(this.path);
      if (st.ino === this.ino && st.dev === this.dev) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
