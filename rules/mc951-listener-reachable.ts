import { defineRule } from '../src/engine/rule.js';
import { describeReach, reachableSockets } from '../src/audit/reach.js';

export const rule = defineRule({
  id: 'MC951',
  slug: 'listener-reachable',
  severity: 'error',
  summary: 'a running memcached holds a socket that other machines can reach',
  since: '0.1.0',
  phase: 'audit',
  dialects: 'all',
  sources: [
    { kind: 'manual', page: 'proc(5)', section: '/proc/net/tcp, /proc/PID/fd' },
    { kind: 'manual', page: 'ss(8)' },
    { kind: 'manual', page: 'netstat(8)' },
    { kind: 'memcached-doc', title: 'memcached wiki: ConfiguringServer, section networking', url: 'https://github.com/memcached/memcached/wiki/ConfiguringServer#networking' },
  ],
  fix: null,
  docs: {
    what:
      '`mchard audit` only. Reads the sockets a running memcached really holds (its descriptors in /proc/PID/fd matched ' +
      'to /proc/net/tcp, tcp6, udp and udp6) and reports each bound address other than loopback: a wildcard bind ' +
      '(`0.0.0.0`, `::`) is reachable from every network the host is on; a specific address from the network of the ' +
      'interface that carries it. Error for the wildcard and public addresses, warning for private ones; addresses ' +
      'inside `--trusted-network` are not reported. Nothing is sent: this is reasoning from the socket table.',
    why:
      'What the process holds is what an attacker meets, whatever the file says now. It is the "netstat -plunt" step ' +
      'that every memcached hardening guide ends with, done by mchard for each process.',
    example: {
      dialect: 'argv',
      bad: '-u memcache -m 64 -p 11211 -U 0\n',
      good: '-u memcache -m 64 -p 11211 -U 0 -l 127.0.0.1\n',
    },
    fix: 'None: bind loopback or a unix socket in the configuration file (`mchard fix`), then restart the service.',
  },
  check(ctx) {
    const a = ctx.audit;
    if (!a) return;
    for (const r of reachableSockets(a.held, a.networks, ctx.options.trustedNetworks)) {
      ctx.report({
        span: null,
        severity: r.cls === 'wildcard' || r.cls === 'public' ? 'error' : 'warning',
        message: describeReach(r, a.networks),
      });
    }
  },
});
