/**
 * Reading a configuration file completely and strictly: the whole file or nothing, valid UTF-8 only, no
 * binary data. Every failure is an InputError whose message names the file and the problem in one line.
 */
import { readFileSync } from 'node:fs';
import { SourceText } from './source.js';

export class InputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
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

export function readConfig(path: string): SourceText {
  if (path === '-') return decodeConfig('-', readStdin());
  return readConfigBytes(path).source;
}

/** Reads a file completely and strictly, keeping its bytes (fix compares them again before writing). */
export function readConfigBytes(path: string): { bytes: Buffer; source: SourceText } {
  let bytes: Buffer;
  try {
    // No stat first: reading a directory fails with EISDIR, which describeFsError names.
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(path, describeFsError(e));
  }
  return { bytes, source: decodeConfig(path, bytes) };
}

function readStdin(): Buffer {
  try {
    return readFileSync(0);
  } catch (e) {
    throw new InputError('-', describeFsError(e));
  }
}

export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory, not a file';
    case 'ENOTDIR': return 'a component of the path is not a directory';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EAGAIN': return 'resource temporarily unavailable';
    default: return (e as Error)?.message ?? String(e);
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
