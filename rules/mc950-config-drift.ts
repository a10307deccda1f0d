import { correctness, defineRule } from '../src/engine/rule.js';
import { launchFailureText } from '../src/memcached/launch.js';
import type { Drift } from '../src/audit/drift.js';
import { classifyAddress } from '../src/engine/exposure.js';

/** A `socketKey` line (`tcp 0.0.0.0:11211`) that something other than this machine can reach. */
function reachableKey(key: string): boolean {
  const m = /^(?:tcp|udp) \[?([^\]]+?)\]?:\d+$/.exec(key);
  return m !== null && classifyAddress(m[1]) !== 'loopback';
}

function parts(d: Drift, held: string[], predicted: string[]): string[] {
  const out: string[] = [];
  if (d.wouldFail) out.push(d.wouldFail.launch ? `with the file as it is now, ${launchFailureText(d.wouldFail)}` : `the file as it is now would make memcached exit ${d.wouldFail.exitCode} (${d.wouldFail.reason})`);
  if (d.listeners) {
    out.push(`the file says ${predicted.length ? predicted.join(', ') : 'no listener'}, the process listens on ${held.length ? held.join(', ') : 'nothing'}`);
  }
  if (d.user) out.push(`the file runs memcached as ${d.user.file}, the process runs as ${d.user.process}`);
  for (const m of d.socketModes) out.push(`the file gives ${m.path} mode ${m.file}, the socket has mode ${m.process}`);
  if (d.words && out.length === 0) {
    const quote = (xs: string[]) => (xs.length ? xs.map((x) => `"${x}"`).join(', ') : 'nothing');
    out.push(`the file now gives ${quote(d.words.fileOnly)} where the process was started with ${quote(d.words.processOnly)}`);
  }
  return out;
}

export const rule = defineRule({
  id: 'MC950',
  slug: 'config-drift',
  severity: 'warning',
  // a restart is needed; what runs is judged by the other audit rules
  risk: correctness(),
  summary: 'the running memcached differs from what its configuration file would start now',
  since: '0.1.0',
  phase: 'audit',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached reads its options only at start: memcached(1)' },
    { kind: 'manual', page: 'systemctl(1)', section: 'restart' },
    { kind: 'manual', page: 'proc(5)', section: '/proc/PID/cmdline, /proc/PID/fd, /proc/net/tcp' },
  ],
  fix: null,
  docs: {
    what:
      '`mchard audit` only. Compares a running memcached with the configuration file that starts it (found through the ' +
      'systemd unit that runs it, or among the files given: the one with the same argument vector, the one whose `-P` ' +
      'pidfile holds its pid, or the one naming a port or socket it holds). Reports when the file as it is now would ' +
      'start something else: other listening sockets, another user, another unix socket mode, other options, or no ' +
      'memcached at all because the edited file makes it exit. It is an error when the process holds a ' +
      'network-reachable socket the file does not ask for, runs as root where the file says otherwise, or when a ' +
      'restart would fail; otherwise a warning. When only a port or socket ties the file to the process, nothing shows ' +
      'that the file starts it (it may have been started by hand or by another manager): the finding then says the restart ' +
      'is needed if the file starts it. A process no file matches is audited on its argument vector alone.',
    why:
      'Editing the file does not change a running memcached: a service hardened on disk (`-l 127.0.0.1`) keeps listening ' +
      'on every interface until it is restarted, and `mchard lint` of the file reports nothing. The reverse also hides ' +
      'trouble: a file edited into one memcached refuses only shows at the next reboot.',
    example: {
      dialect: 'argv',
      bad: '-u memcache -m 64 -p 11211\n',
      good: '-u memcache -m 64 -p 11211 -l 127.0.0.1\n',
    },
    fix:
      'None: restart the service (`systemctl restart memcached`) once the file is right, then run `mchard audit` again. ' +
      'In the example, the file says `-l 127.0.0.1` and the running process (bad) was started before that line was added.',
  },
  check(ctx) {
    const a = ctx.audit;
    const d = a?.drift;
    if (!d) return;
    const heldKeys = d.listeners ? [...d.listeners.matched, ...d.listeners.unexpected].sort() : [];
    const predicted = d.listeners ? [...d.listeners.matched, ...d.listeners.missing].sort() : [];
    const exposedMore = (d.listeners?.unexpected ?? []).some(reachableKey);
    const rootNow = d.user !== null && d.user.process === 'root';
    const when = d.editedAfterStart ? ' (the file changed after the process started)' : '';
    ctx.report({
      span: null,
      severity: d.wouldFail || exposedMore || rootNow ? 'error' : 'warning',
      // Matched only by a port or socket both name: nothing shows that this file starts the process (it may have
      // been started by hand, or by another manager), so the restart is advice on that condition.
      message:
        a?.match?.method === 'listener'
          ? `restart needed if ${d.path} is what starts this process (matched only by a port or socket it holds; its unit or its -P pid file would tell): the file would not start it as it runs: ${parts(d, heldKeys, predicted).join('; ')}${when}`
          : `restart needed: ${d.path} would not start this process as it runs: ${parts(d, heldKeys, predicted).join('; ')}${when}`,
    });
  },
});
