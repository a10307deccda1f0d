/**
 * Whether the service's running memcached is what its configuration file would start now, compared the
 * way `mchard audit` compares them (src/audit/drift.ts): the listeners it holds, the user, unix socket
 * modes and the argument vector. `mchard fix` asks this of a file it finds already clean, so a run that
 * wrote the file but never restarted the service (interrupted, or the restart declined) converges when
 * it is run again.
 */
import { launchFailureText } from '../memcached/launch.js';
import { driftOf, type Drift } from '../audit/drift.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { DialectName } from '../dialects/types.js';
import type { Machine } from './machine.js';
import { expectedListeners } from './verify.js';
import { unreadNamespaces } from '../system/namespaces.js';

export interface FileFacts {
  path: string;
  dialect: DialectName;
  model: MemcachedModel;
  /** The argument vector is exact (no host-dependent shell expansion). */
  exact: boolean;
}

/** How process `pid` differs from what the file would start, one line each; null when it does not differ. */
export async function runningDrift(file: FileFacts, pid: number, m: Machine): Promise<string[] | null> {
  const args = m.processArgs(pid);
  if (!args) return null;
  const { listeners, problems } = await expectedListeners(file.model, m);
  // Sockets that cannot be told (a forged record of the unix socket table) are not compared, never taken for "none".
  const held = m.socketDoubt?.(pid) ? null : m.sockets(pid);
  const d = driftOf(
    {
      method: 'pidfile',
      expectation: {
        path: file.path,
        dialect: file.dialect,
        words: file.model.argv.map((t) => t.value),
        exact: file.exact,
        // Unresolvable host names: the listeners cannot be compared, the words still can.
        listeners: problems.length ? file.model.listeners : listeners,
        runsAs: file.model.runsAs,
        startup: file.model.startup,
        pidFile: file.model.applied.settings.pidFile,
        modifiedAt: null,
      },
    },
    { pid, argv0: 'memcached', words: args.words, uid: null, user: args.user, exe: null, unit: null, cgroupUnit: null, startedAt: null, namespaces: unreadNamespaces() },
    held,
  );
  return d ? describeDrift(d) : null;
}

export function describeDrift(d: Drift): string[] {
  const out: string[] = [];
  if (d.wouldFail) out.push(d.wouldFail.launch ? `with the file as it is now, ${launchFailureText(d.wouldFail)}` : `the file would make memcached exit ${d.wouldFail.exitCode} (${d.wouldFail.reason})`);
  if (d.listeners) {
    const file = [...d.listeners.matched, ...d.listeners.missing].sort();
    const proc = [...d.listeners.matched, ...d.listeners.unexpected].sort();
    out.push(`the file asks for ${file.length ? file.join(', ') : 'no listener'}; the process listens on ${proc.length ? proc.join(', ') : 'nothing'}`);
  }
  if (d.user) out.push(`the file runs memcached as ${d.user.file}; the process runs as ${d.user.process}`);
  for (const s of d.socketModes) out.push(`the file gives ${s.path} mode ${s.file}; the socket has mode ${s.process}`);
  if (d.words) {
    const q = (xs: string[]) => (xs.length ? xs.map((x) => `"${x}"`).join(', ') : 'nothing');
    out.push(`the file gives ${q(d.words.fileOnly)} where the process has ${q(d.words.processOnly)}`);
  }
  return out;
}
