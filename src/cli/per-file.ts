/**
 * One file's work, isolated: whatever goes wrong inside it (an unreadable file, a refused format, a bug)
 * becomes that file's one-line error on standard error, and the command goes on with the other files
 * and ends with exit status 2. Nothing thrown for one file reaches the top level, where it would cost
 * every other file its findings.
 */
import { InputError } from '../input.js';
import { boundedMessage, visible } from '../report/visible.js';
import { currentFile, type Io } from './io.js';

export type FileOutcome<T> = { ok: true; value: T } | { ok: false; reason: string; internal: boolean; error: unknown };

/** Why a file failed, as its one line says it (without the path). */
export function failureReason(e: unknown): { reason: string; internal: boolean } {
  if (e instanceof InputError) return { reason: e.reason, internal: false };
  const err = e as Error;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(e);
  return { reason: `internal error while checking this file (${visible(boundedMessage(what))}); please report it`, internal: true };
}

/**
 * Runs `work` for `path`. On failure writes `mchard: PATH: REASON[suffix]` to standard error and returns
 * the reason; with MCHARD_DEBUG an internal error's stack follows. Always a promise (perFileNow answers at
 * once when `work` does).
 */
export async function perFile<T>(path: string, io: Io, work: () => Promise<T> | T, suffix = ''): Promise<FileOutcome<T>> {
  return perFileNow(path, io, work, suffix);
}

/**
 * One file's work, answered at once when `work` returns a value or throws, a promise of the outcome when
 * `work` returns a promise; `currentFile` names `path` until the work is done. A run over many files then
 * awaits nothing per file.
 */
export function perFileNow<T>(path: string, io: Io, work: () => Promise<T> | T, suffix = ''): FileOutcome<T> | Promise<FileOutcome<T>> {
  const previous = currentFile.path;
  currentFile.path = path;
  let value: Promise<T> | T;
  let pending = false;
  try {
    value = work();
    if (!(value instanceof Promise)) return { ok: true, value };
    pending = true;
  } catch (e) {
    return failedOutcome<T>(path, io, e, suffix);
  } finally {
    if (!pending) currentFile.path = previous;
  }
  return value.then(
    (v): FileOutcome<T> => ({ ok: true, value: v }),
    (e): FileOutcome<T> => failedOutcome(path, io, e, suffix),
  ).finally(() => {
    currentFile.path = previous;
  });
}

function failedOutcome<T>(path: string, io: Io, e: unknown, suffix: string): FileOutcome<T> {
  const { reason, internal } = failureReason(e);
  io.err(`mchard: ${visible(path)}: ${reason}${suffix}\n`);
  if (internal && process.env.MCHARD_DEBUG) io.err(`${(e as Error)?.stack}\n`);
  return { ok: false, reason, internal, error: e };
}
