import type { Rule } from '../src/engine/types.js';
import { describeReach, reachableSockets } from '../src/audit/reach.js';

export const rule: Rule = {
  id: 'MC951',
  slug: 'listener-reachable',
  severity: 'error',
  summary: 'a running memcached holds a socket that other machines can reach',
  fixable: null,
  scope: 'audit',
  docs: {
    what:
      '`mchard audit` only. Reads the sockets a running memcached really holds (its descriptors in /proc/PID/fd matched ' +
      "to its own network namespace's /proc/PID/net/tcp, tcp6, udp and udp6) and reports each bound address other than " +
      'loopback: a wildcard bind (`0.0.0.0`, `::`) is reachable from every network the host (or the namespace the ' +
      'process is in, which the message names) is on; a specific address from the network of the interface that ' +
      'carries it. Error for the wildcard and public addresses, warning for private ones; addresses inside ' +
      '`--trusted-network` are not reported. Nothing is sent: this is reasoning from the socket table.',
    why:
      'What the process holds is what an attacker meets, whatever the file says now. It is the "netstat -plunt" step ' +
      'that every memcached hardening guide ends with, done by mchard for each process.',
    example: {
      dialect: 'argv',
      bad: '-u memcache -m 64 -p 11211 -U 0\n',
      good: '-u memcache -m 64 -p 11211 -U 0 -l 127.0.0.1\n',
    },
    fix: 'None: bind loopback or a unix socket in the configuration file (`mchard fix`), then restart the service.',
    references: [
      'proc(5): /proc/PID/net/tcp, /proc/PID/fd, /proc/PID/ns/net',
      'ss(8), netstat(8)',
      'https://github.com/memcached/memcached/wiki/ConfiguringServer#networking',
    ],
  },
  check(ctx) {
    const a = ctx.audit;
    if (!a) return;
    for (const r of reachableSockets(a.held, a.networks, ctx.options.trustedNetworks)) {
      ctx.report({
        span: null,
        severity: r.cls === 'wildcard' || r.cls === 'public' ? 'error' : 'warning',
        message: describeReach(r, a.networks, a.foreignNet ?? null),
      });
    }
  },
};
