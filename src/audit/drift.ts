/**
 * Drift: how a running process differs from what its configuration file would start now (the file was
 * edited after the process started, and the service was not restarted). Compared: whether the file would
 * start at all, the listening sockets, the user, unix socket modes, and the argument vector itself.
 */
import { diffArrays } from 'diff';
import { compareListeners, type HeldSocket, type ListenerComparison } from '../system/sockets.js';
import type { FileMatch, ProcessInfo } from './types.js';

export interface Drift {
  path: string;
  /** The file as it is now would make memcached exit (`launch`: the service fails before memcached runs). */
  wouldFail: { exitCode: number; reason: string; certain: boolean; launch: boolean } | null;
  /** Null when the listeners cannot be compared (the file would not start, names a host, or an ephemeral port). */
  listeners: ListenerComparison | null;
  user: { file: string; process: string } | null;
  socketModes: { path: string; file: string; process: string }[];
  /** Runs of words only the file has, and only the process has (null: same vector, or not comparable). */
  words: { fileOnly: string[]; processOnly: string[] } | null;
  /** The file changed after the process started. */
  editedAfterStart: boolean;
}

/** Whether the listener comparison is meaningful for these predictions. */
function comparable(match: FileMatch): boolean {
  return match.expectation.listeners.every((l) => l.transport === 'unix' || (l.address !== null && l.port !== 0));
}

function wordDiff(file: string[], proc: string[]): Drift['words'] {
  const fileOnly: string[] = [];
  const processOnly: string[] = [];
  // A changed value is shown with the option before it (`-m 128`, not `128`).
  let lastCommon: string | null = null;
  for (const c of diffArrays(file, proc)) {
    if (!c.added && !c.removed) {
      lastCommon = c.value.at(-1) ?? null;
      continue;
    }
    const lead = lastCommon !== null && /^-/.test(lastCommon) && !/^-/.test(c.value[0]) ? `${lastCommon} ` : '';
    (c.removed ? fileOnly : processOnly).push(lead + c.value.join(' '));
  }
  return fileOnly.length + processOnly.length === 0 ? null : { fileOnly, processOnly };
}

/**
 * The differences, or null when the process is what the file would start. `held` null: the process's
 * sockets could not be read, so its listeners are not compared (not taken for "none").
 */
export function driftOf(match: FileMatch, p: ProcessInfo, held: readonly HeldSocket[] | null): Drift | null {
  const e = match.expectation;
  const wouldFail = e.startup.ok ? null : { exitCode: e.startup.exitCode, reason: e.startup.reason, certain: e.startup.certain, launch: e.startup.stage === 'launch' };
  let listeners: ListenerComparison | null = null;
  const socketModes: Drift['socketModes'] = [];
  if (!wouldFail && held !== null && comparable(match)) {
    const cmp = compareListeners(e.listeners, held);
    listeners = cmp.missing.length + cmp.unexpected.length === 0 ? null : cmp;
    for (const l of e.listeners) {
      if (l.transport !== 'unix') continue;
      const h = held.find((s) => s.transport === 'unix' && s.path === l.path);
      if (h && h.transport === 'unix' && h.mode !== null && h.mode !== l.mode) socketModes.push({ path: l.path, file: l.mode, process: h.mode });
    }
  }
  const user = !wouldFail && e.runsAs !== null && p.user !== null && e.runsAs !== p.user ? { file: e.runsAs, process: p.user } : null;
  // A file the service fails on before memcached runs gives memcached no words to compare.
  const words = e.exact && !wouldFail?.launch ? wordDiff(e.words, p.words) : null;
  if (!wouldFail && !listeners && !user && socketModes.length === 0 && !words) return null;
  return {
    path: e.path,
    wouldFail,
    listeners,
    user,
    socketModes,
    words,
    editedAfterStart: e.modifiedAt !== null && p.startedAt !== null && e.modifiedAt > p.startedAt,
  };
}
