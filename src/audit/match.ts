/**
 * Which configuration file would start a running process. In order: the file of the systemd unit that
 * runs it (decided by the caller); else, among the candidate files, the one whose argument vector equals
 * the process's; else the one whose `-P` pidfile holds its pid, when no one but root and the file's
 * memcached user can change that pid file (src/system/pid-file.ts); else the one naming a TCP/UDP port or a
 * unix socket the process holds.
 */
import { readNamedHostFile } from '../input.js';
import { pidFileDoubt } from '../system/pid-file.js';
import type { HeldSocket } from '../system/sockets.js';
import type { Expectation, FileMatch, ProcessInfo } from './types.js';

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

/** Whether the `-P` pid file a configuration file names holds the pid: read only if it is a small regular file. */
function pidFileHolds(path: string, pid: number): boolean {
  const r = readNamedHostFile(path, 4096);
  return 'text' in r && r.text.trim() === String(pid);
}

/** How many of the file's predicted ports and socket paths the process holds. */
function sharedListeners(e: Expectation, held: readonly HeldSocket[]): number {
  const have = new Set(held.map((s) => (s.transport === 'unix' ? `unix ${s.path}` : `${s.transport} ${s.port}`)));
  const want = new Set(
    e.listeners
      .map((l) => (l.transport === 'unix' ? `unix ${l.path}` : `${l.transport} ${l.port}`))
      // Port 0 is an ephemeral port: it names nothing the process could be recognised by.
      .filter((k) => !/ 0$/.test(k)),
  );
  let n = 0;
  for (const k of want) if (have.has(k)) n++;
  return n;
}

/**
 * Whether the process runs as another user than the file's service would, and not as root: a service starts
 * memcached as root, which switches to the file's user (`-u`), so such a process was started by that other
 * user (memcached ignores -u when it is not root), whatever its words. Any user could run memcached with
 * /etc/memcached.conf's very words, and was "matched by the same argument vector" with "MC950 restart
 * needed", which no restart of the service changes.
 */
function notTheFilesUser(e: Expectation, p: ProcessInfo): boolean {
  return p.uid !== null && p.uid !== 0 && p.user !== null && e.runsAs !== null && e.runsAs !== p.user;
}

/**
 * The file that would start process `p`, or null. `doubts` receives, for each pid file that names the
 * process but that someone else than root and the file's memcached user could have written, why it was
 * not counted (whoever can write it can make it name any process).
 */
export function matchProcess(p: ProcessInfo, held: readonly HeldSocket[], candidates: readonly Expectation[], doubts: string[] = []): FileMatch | null {
  const byArgv = candidates.find((e) => sameWords(e.words, p.words) && !notTheFilesUser(e, p));
  if (byArgv) return { expectation: byArgv, method: 'argv' };
  for (const e of candidates) {
    if (e.pidFile === null || !pidFileHolds(e.pidFile, p.pid)) continue;
    const doubt = pidFileDoubt(e.pidFile, e.runsAs);
    if (doubt === null) return { expectation: e, method: 'pidfile' };
    doubts.push(`${e.pidFile}, the -P pid file of ${e.path}, holds its pid, but ${doubt}`);
  }
  let best: Expectation | null = null;
  let bestCount = 0;
  for (const e of candidates) {
    const n = sharedListeners(e, held);
    if (n > bestCount) {
      best = e;
      bestCount = n;
    }
  }
  return best ? { expectation: best, method: 'listener' } : null;
}
