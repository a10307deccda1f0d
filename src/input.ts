/**
 * Reading a configuration file completely and strictly: the whole file or nothing, a regular file only,
 * at most a size limit, valid UTF-8 only, no binary data. Every failure is an InputError whose message
 * names the file and the problem in one line.
 *
 * A file is opened without blocking (O_NONBLOCK: a named pipe with no writer cannot hang the run), its
 * type is checked on the open descriptor (fstat: what was opened is what is read, whatever happens to the
 * path meanwhile), and it is read in pieces up to the limit, so /dev/zero or a growing file ends in an
 * error instead of filling the memory. The path is also looked at before it is opened (stat), so a
 * device whose open has side effects (a watchdog, a tape) is never opened at all.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, statSync, type Stats } from 'node:fs';
import { absolutePath as resolvePath } from './system/paths.js';
import { SourceText } from './source.js';
import { visible } from './report/visible.js';

export class InputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    // The path is shown with its control characters escaped: the message goes to a terminal.
    super(`${visible(path)}: ${reason}`);
  }
}

/** 1 MiB: memcached's configuration files are a few KiB (the largest of ~90 real ones is 2 KiB). */
export const DEFAULT_MAX_FILE_SIZE = 1 << 20;

export interface ReadLimits {
  /** Largest file (and standard input) accepted, in bytes. */
  maxBytes?: number;
  /** lstat(2) of the file taken by the caller in this run (readRegularFile's `known`). */
  known?: Stats;
  /** Where the caller found the file really is (realpath): the file opened must be there (readRegularFile's `acceptReal`). */
  real?: string;
}

/**
 * Where only the host's root puts memcached's configuration and units (/etc, the packages' unit folders,
 * FreeBSD's /usr/local/etc): links there are the host's own (merged /usr makes /lib a link to /usr/lib).
 */
export function isHostLocation(path: string): boolean {
  if (path === '-') return false;
  const p = resolvePath(path);
  // Written out, not a list and a callback: asked once per file of a run.
  return p.startsWith('/etc/') || p.startsWith('/lib/systemd/') || p.startsWith('/usr/lib/systemd/') || p.startsWith('/usr/local/etc/');
}

/** Whether `path` is this host's own configuration (under /etc), which its root controls. */
export function isHostConfiguration(path: string): boolean {
  return path !== '-' && resolvePath(path).startsWith('/etc/');
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeConfig(path: string, bytes: Uint8Array): SourceText {
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new InputError(path, `binary data (NUL byte at offset ${nul}), not a text configuration file`);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new InputError(path, `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)}`);
  }
  return new SourceText(path, text);
}

export function readConfig(path: string, limits: ReadLimits = {}): SourceText {
  if (path === '-') return decodeConfig('-', readStdin(limits.maxBytes ?? DEFAULT_MAX_FILE_SIZE));
  return readConfigBytes(path, limits).source;
}

/** Reads a file completely and strictly, keeping its bytes (fix compares them again before writing). */
export function readConfigBytes(path: string, limits: ReadLimits = {}): { bytes: Buffer; source: SourceText } {
  const real = limits.real;
  const bytes = readRegularFile(path, limits.maxBytes ?? DEFAULT_MAX_FILE_SIZE, {
    known: limits.known,
    ...(real !== undefined ? { acceptReal: (r: string) => (r === real ? null : `is now ${r}, not ${real} where mchard checked it (a folder on its way was replaced by a symbolic link); not read`) } : {}),
  });
  return { bytes, source: decodeConfig(path, bytes) };
}

/** What a file that is not a regular file is, for a message. */
export function fileKind(st: Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'>): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'is a directory, not a file';
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)} GiB`;
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

function tooBig(path: string, size: number | null, max: number): InputError {
  const what = size === null ? 'more than' : `${size} bytes, more than`;
  return new InputError(path, `${what} the ${formatBytes(max)} limit for a configuration file (--max-file-size raises it)`);
}

/**
 * The bytes of a regular file of at most `maxBytes`, or an InputError. Never blocks on a pipe, never
 * opens a device, never reads more than `maxBytes + 1` bytes.
 */
export function readRegularFile(
  path: string,
  maxBytes: number,
  opts: { noFollow?: string; known?: Stats; accept?: (st: Stats) => string | null; acceptReal?: (real: string) => string | null } = {},
): Buffer {
  let before: Stats;
  // `known`: the caller's lstat of the path in this run, no symbolic link (so what stat would say); the
  // caller decided to read the file from it, so the open does not follow a link put there since (the
  // descriptor's type is checked again once open).
  const known = opts.known && !opts.known.isSymbolicLink() ? opts.known : undefined;
  try {
    before = known ?? (opts.noFollow ? lstatSync(path) : statSync(path));
  } catch (e) {
    throw new InputError(path, describeFsError(e, path));
  }
  // `noFollow`: the file must not be a symbolic link (the reason says why), checked again when it is opened.
  if (opts.noFollow && before.isSymbolicLink()) throw new InputError(path, `a symbolic link: ${opts.noFollow}`);
  const kind = fileKind(before);
  if (kind) throw new InputError(path, kind);
  if (before.size > maxBytes) throw tooBig(path, before.size, maxBytes);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (opts.noFollow || known ? constants.O_NOFOLLOW : 0));
  } catch (e) {
    if (opts.noFollow && (e as NodeJS.ErrnoException).code === 'ELOOP') throw new InputError(path, `a symbolic link: ${opts.noFollow}`);
    if (known && (e as NodeJS.ErrnoException).code === 'ELOOP') throw new InputError(path, 'became a symbolic link while mchard was reading it; not read');
    throw new InputError(path, describeFsError(e));
  }
  try {
    const st = fstatSync(fd);
    const now = fileKind(st);
    if (now) throw new InputError(path, now);
    // The file opened is the one the caller checked (`known`), not another put under its name since: a
    // folder on the way swapped for a link leads the same name elsewhere, which O_NOFOLLOW does not see.
    if (known && (st.dev !== known.dev || st.ino !== known.ino)) throw new InputError(path, 'was replaced while mchard was reading it (a folder on its way, or the file itself); not read');
    if (st.size > maxBytes) throw tooBig(path, st.size, maxBytes);
    // `accept`: the caller's own check of the file it opened (its owner), as a reason to refuse it.
    const refused = opts.accept?.(st);
    if (refused) throw new InputError(path, refused);
    // `acceptReal`: the caller's check of where the file it opened really is (Linux names an open
    // descriptor's file in /proc/self/fd): a check of the path before the open could be made on another
    // file than the one opened, when a folder on the way is swapped for a link in between.
    if (opts.acceptReal) {
      let real: string | null = null;
      try {
        real = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        // no /proc: the caller's check of the path stands alone
      }
      const away = real !== null && real.startsWith('/') ? opts.acceptReal(real) : null;
      if (away) throw new InputError(path, away);
    }
    return readAll(fd, path, maxBytes, st.size, st.size > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a descriptor to its end, failing once more than `maxBytes` arrive. `exactSize`: the descriptor is
 * a regular file and `sizeHint` is its size from fstat.
 */
function readAll(fd: number, path: string, maxBytes: number, sizeHint: number, exactSize = false): Buffer {
  // One read of the known size (plus one byte to see a file that grew) is the usual case.
  let buf = Buffer.allocUnsafe(Math.min(maxBytes, sizeHint) + 1);
  let len = 0;
  for (;;) {
    if (len === buf.length) {
      if (len > maxBytes) throw tooBig(path, null, maxBytes);
      const next = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(buf.length * 2, 64 * 1024)));
      buf.copy(next, 0, 0, len);
      buf = next;
    }
    let n: number;
    try {
      n = readSync(fd, buf, len, buf.length - len, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Standard input left non-blocking by whoever shares it: wait a little for the data. A file mchard
      // opened itself (without blocking) that has no data yet is one that waits for it (/proc/kmsg, which
      // a unit's EnvironmentFile= or a -P pid file may name): waiting would never end.
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        if (fd !== 0) throw new InputError(path, 'has no data to read yet and would make mchard wait for it (a file such as /proc/kmsg), not a configuration file');
        pause(10);
        continue;
      }
      throw new InputError(path, describeFsError(e));
    }
    if (n === 0) break;
    len += n;
    if (len > maxBytes) throw tooBig(path, null, maxBytes);
    // A regular file read to exactly the size fstat gave, in one read shorter than asked for: that is the
    // whole file as it was when opened, without a second read(2) to see the end (one system call less
    // per file of a run over thousands). A file whose size says nothing (/proc's 0) reads on to the end.
    if (exactSize && len === sizeHint) break;
  }
  return buf.subarray(0, len);
}

// Made on the first wait, not at load: the single executable's start-up snapshot cannot hold a
// SharedArrayBuffer (scripts/build-sea.mjs), and most runs never wait.
let sleeper: Int32Array | null = null;
function pause(ms: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Standard input: a file, a pipe or a terminal, read to its end, at most `maxBytes`. */
function readStdin(maxBytes: number): Buffer {
  let st: Stats | null = null;
  try {
    st = fstatSync(0);
  } catch (e) {
    throw new InputError('-', describeFsError(e));
  }
  if (st.isDirectory()) throw new InputError('-', 'standard input is a directory');
  if (st.isFile() && st.size > maxBytes) throw tooBig('-', st.size, maxBytes);
  return readAll(0, '-', maxBytes, st.isFile() ? st.size : 64 * 1024);
}

/**
 * A file another file names (a systemd unit's `EnvironmentFile=`, memcached's `-P` pid file), read only
 * when it is a regular file of at most `maxBytes`: its text, or why it was not read.
 */
export function readNamedHostFile(path: string, maxBytes: number): { text: string } | { error: string } {
  try {
    const bytes = readRegularFile(path, maxBytes);
    return { text: decodeConfig(path, bytes).text };
  } catch (e) {
    if (e instanceof InputError) return { error: e.reason };
    throw e;
  }
}

/**
 * Why a name holding U+FFFD is not there: a name that is not valid UTF-8 (a command-line argument, a
 * folder's entry) reaches mchard with U+FFFD in place of its bytes, and no file has that name.
 */
export const NOT_UTF8_NAME = 'its name is not UTF-8 (U+FFFD shows its bytes): mchard opens only UTF-8 names; rename it';

export function describeFsError(e: unknown, path = ''): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return path.includes('\ufffd') ? `no such file by this name: ${NOT_UTF8_NAME}` : 'no such file';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory, not a file';
    case 'ENOTDIR': return 'a component of the path is not a directory';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EAGAIN': return 'resource temporarily unavailable';
    case 'ENXIO': return 'is a socket or a device that cannot be opened, not a regular file';
    case 'ENAMETOOLONG': return 'the path is too long';
    default: return visible((e as Error)?.message ?? String(e));
  }
}

/** Byte offset of the first byte that does not belong to a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    let min = 0;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Which other host files reading a configuration file may open: a systemd unit's `EnvironmentFile=`
 * (the only place a dialect reads another file). Linting a file from a repository must not make mchard
 * read `/etc/shadow` or a pipe because the file names it, so a file outside this host's own
 * configuration (not under /etc, no --host-checks) reads nothing else: `read` says why. With host
 * checks, only regular files of bounded size are read, and a value from a file the user did not name on
 * the command line is never shown (`mayShow`): messages say "a value from FILE" instead.
 */
export interface HostFileAccess {
  /** The text of a file the configuration names, or why it was not read (one phrase). */
  read(path: string): { text: string } | { unread: string };
  /** Whether values from this file may appear in messages (the user named it). */
  mayShow(path: string): boolean;
}

/** The largest file another file names that is read: environment files are a few lines. */
export const MAX_NAMED_FILE_SIZE = 64 * 1024;

/** No host file is read: the default, and the rule for a file that is not this host's configuration. */
export const NO_HOST_FILES: HostFileAccess = {
  read: () => ({ unread: 'a file outside /etc names it, and mchard reads such files only with --host-checks' }),
  mayShow: () => false,
};

/**
 * The named paths, resolved, for each list of them (a run passes every file the same list): made when a
 * value first needs the answer, once per list and current folder, not for every file of the run (which
 * made a run over n files of /etc cost n² path resolutions). A list is never changed once given.
 */
const namedSets = new WeakMap<readonly string[], { cwd: string; set: Set<string> }>();

function namedSet(named: readonly string[]): Set<string> {
  const cwd = process.cwd();
  let made = namedSets.get(named);
  if (!made || made.cwd !== cwd) {
    made = { cwd, set: new Set(named.filter((p) => p !== '-').map((p) => resolvePath(p))) };
    namedSets.set(named, made);
  }
  return made.set;
}

/**
 * The access for one linted file: host files are read when the file is this host's configuration (its
 * path is under /etc) or host checks are asked for (`hostChecks` true), never when they are refused
 * (`hostChecks` false). `named` are the paths given on the command line: their values may be shown;
 * `showAll` shows every value (audit: the unit of a running process is this host's own, and the
 * process's arguments are public in /proc anyway).
 */
export function hostFileAccess(linted: string, hostChecks: boolean | undefined, named: readonly string[] = [], showAll = false): HostFileAccess {
  const own = isHostConfiguration(linted);
  if (hostChecks === false || (!own && hostChecks !== true)) {
    return hostChecks === false
      ? { read: () => ({ unread: 'host checks are off (--no-host-checks)' }), mayShow: () => false }
      : NO_HOST_FILES;
  }
  return {
    read: (path) => {
      const r = readNamedHostFile(path, MAX_NAMED_FILE_SIZE);
      return 'text' in r ? r : { unread: `mchard cannot read it here: ${r.error}` };
    },
    mayShow: (path) => showAll || namedSet(named).has(resolvePath(path)),
  };
}
