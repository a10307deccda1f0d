/**
 * memcached's version without running memcached: read from the binary's bytes, or from the package
 * database for a binary the package database owns (src/system/packages.ts). mchard never executes a binary
 * it inspects: a program called `memcached` may be anyone's.
 *
 * memcached embeds its version as string constants: `printf(PACKAGE " " VERSION "\n")` for `-V` and the
 * usage text (memcached.c; the compiler may turn it into `puts("memcached 1.6.18")`), and
 * `out_string(c, "VERSION " VERSION)` for the `version` command (proto_text.c). VERSION comes from
 * `git describe` with `-` turned into `_` (version.sh), so a build between releases reads `1.6.18_3_gabc`.
 * In the file each is a NUL-terminated string: `\0memcached 1.6.18\n\0`, `\0memcached 1.6.18\0`,
 * `\0VERSION 1.6.18\0`.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The most a memcached binary is read: Debian's is 250 KiB, a static build with TLS a few MiB. */
export const MAX_BINARY_BYTES = 64 * 1024 * 1024;

export type VersionSource = 'probe' | 'package' | 'binary';

/** A memcached version and where it came from; `version` null means unknown, and `detail` says why. */
export interface VersionReport {
  /** `1.6.18` (release numbers only), or null. */
  version: string | null;
  source: VersionSource | null;
  /** Where exactly it was read (`dpkg: package memcached 1.6.18-1+deb12u1, ...`), or why it is unknown. */
  detail: string;
}

export interface BinaryBytes {
  bytes: Buffer;
  dev: number;
  ino: number;
}

/**
 * Reads a binary without running it: opened read-only and without blocking (a FIFO cannot hang the
 * read), only a regular file, at most MAX_BINARY_BYTES. `follow` false refuses a symbolic link as the last
 * component; /proc/PID/exe must be followed (it is the link to the file the process runs).
 */
export function readBinary(path: string, follow: boolean, max = MAX_BINARY_BYTES): BinaryBytes | { error: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (follow ? 0 : constants.O_NOFOLLOW));
  } catch (e) {
    return { error: `${path}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be opened'}` };
  }
  try {
    const st = fstatSync(fd);
    return readOpenBinary(fd, path, st.isFile(), st.size, st.dev, st.ino, max);
  } catch (e) {
    return { error: `${path}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be read'}` };
  } finally {
    closeSync(fd);
  }
}

/** The bytes of the file open as `fd` (whose fstat gave the other arguments), if it is a regular file of at most `max` bytes. */
export function readOpenBinary(fd: number, path: string, isFile: boolean, size: number, dev: number, ino: number, max = MAX_BINARY_BYTES): BinaryBytes | { error: string } {
  if (!isFile) return { error: `${path} is not a regular file` };
  if (size > max) return { error: `${path} is larger than ${max} bytes: not read` };
  const bytes = Buffer.alloc(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, bytes, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return { bytes: bytes.subarray(0, off), dev, ino };
}

// The closing NUL is looked at, not consumed: it may open the next string constant.
const VERSION_STRING = /\0(memcached|VERSION) (\d{1,4}\.\d{1,4}\.\d{1,4})([0-9A-Za-z_.~+-]{0,64})\n?(?=\0)/g;

/**
 * The version the binary's bytes name: every `memcached X.Y.Z` and `VERSION X.Y.Z` string constant must
 * agree, and at least one `memcached X.Y.Z` must be there (a bare `VERSION x` is too common to mean
 * memcached). Null with the reason otherwise.
 */
export function versionInBytes(bytes: Buffer): { version: string; full: string } | { error: string } {
  const text = bytes.toString('latin1');
  const found = new Map<string, string>();
  let named = false;
  for (const m of text.matchAll(VERSION_STRING)) {
    if (m[1] === 'memcached') named = true;
    found.set(m[2] + m[3], m[2]);
  }
  if (!named) return { error: 'no "memcached X.Y.Z" version string in the binary' };
  if (found.size > 1) return { error: `the binary names several versions (${[...found.keys()].sort().join(', ')})` };
  const [[full, version]] = [...found];
  return { version, full };
}

export function digest(bytes: Buffer, algorithm: 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512'): string {
  // Loaded here: node:crypto pulls in the stream modules, about 4 ms of every lint's start (this module
  // is in the core bundle, through the host facts).
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return createHash(algorithm).update(bytes).digest('hex');
}
