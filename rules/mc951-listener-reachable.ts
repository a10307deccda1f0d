import { defineRule, security } from '../src/engine/rule.js';
import { describeReach, reachableSockets } from '../src/audit/reach.js';
import { cidrList, firewallFor, openFrom, splitByTrust } from '../src/audit/firewall/findings.js';
import { socketKey } from '../src/system/sockets.js';

export const rule = defineRule({
  id: 'MC951',
  slug: 'listener-reachable',
  severity: 'error',
  // a live socket on the wildcard or a public address; a private one (warning)
  risk: security(8.2, { warning: 6.5 }),
  summary: 'a running memcached holds a socket that other machines can reach',
  since: '0.1.0',
  phase: 'audit',
  dialects: 'all',
  sources: [
    { kind: 'manual', page: 'proc(5)', section: '/proc/PID/net/tcp, /proc/PID/fd, /proc/PID/ns/net' },
    { kind: 'manual', page: 'libnftables-json(5)' },
    { kind: 'manual', page: 'nft(8)' },
    { kind: 'manual', page: 'iptables-save(8)' },
    { kind: 'manual', page: 'ss(8)' },
    { kind: 'manual', page: 'systemd.resource-control(5)', section: 'IPAddressAllow=, IPAddressDeny=' },
    { kind: 'manual', page: 'netstat(8)' },
    { kind: 'memcached-doc', title: 'memcached wiki: ConfiguringServer, section networking', url: 'https://github.com/memcached/memcached/wiki/ConfiguringServer#networking' },
  ],
  fix: null,
  docs: {
    what:
      '`mchard audit` only. Reads the sockets a running memcached really holds (its descriptors in /proc/PID/fd matched ' +
      "to its own network namespace's /proc/PID/net/tcp, tcp6, udp and udp6) and reports each bound address other than " +
      'loopback: a wildcard bind (`0.0.0.0`, `::`) is reachable from every network the host (or the namespace the ' +
      'process is in, which the message names) is on; a specific address from the network of the interface that ' +
      'carries it. Error for the wildcard and public addresses, warning for private ones; addresses inside ' +
      '`--trusted-network` are not reported. Nothing is sent: this is reasoning from the socket table. When the packet ' +
      "filter could be evaluated (root, nftables and legacy iptables of the process's namespace, or `--ruleset FILE`; " +
      "and systemd's IP filter, `IPAddressAllow=`/`IPAddressDeny=`, of the unit that runs the process, which a packet must pass too), " +
      'the finding follows its verdict for each socket: `open` keeps the severity above; `restricted` names the source ' +
      'ranges the filter lets in, a warning for those outside `trusted-networks` and an info for those inside; `closed` ' +
      'is an info (bound to the network, but the filter drops new connections); `unknown` keeps the severity and says ' +
      'what could not be evaluated.',
    why:
      'What the process holds is what an attacker meets, whatever the file says now. It is the "netstat -plunt" step ' +
      'that every memcached hardening guide ends with, done by mchard for each process.',
    example: {
      dialect: 'argv',
      bad: '-u memcache -m 64 -p 11211 -U 0\n',
      good: '-u memcache -m 64 -p 11211 -U 0 -l 127.0.0.1\n',
    },
    fix:
      'None: bind loopback or a unix socket in the configuration file (`mchard fix`), then restart the service; or restrict ' +
      'the port in the packet filter (audit prints nftables rules for it; mchard never changes the filter).',
  },
  check(ctx) {
    const a = ctx.audit;
    if (!a) return;
    const trusted = ctx.options.trustedNetworks;
    for (const r of reachableSockets(a.held, a.networks, trusted)) {
      // Sockets the packet filter treats alike are reported together.
      const groups = new Map<string, typeof r.sockets>();
      for (const s of r.sockets) {
        const f = firewallFor(a, s);
        const k = f ? `${f.verdict} ${f.verdict === 'open' ? openFrom(f) : f.verdict === 'restricted' ? f.sources.toCidrs().join(',') : f.reason}` : '';
        groups.set(k, [...(groups.get(k) ?? []), s]);
      }
      for (const sockets of groups.values()) {
        const reach = describeReach({ ...r, sockets }, a.networks, a.foreignNet ?? null);
        const severity = r.cls === 'wildcard' || r.cls === 'public' ? 'error' : 'warning';
        const f = firewallFor(a, sockets[0]);
        const keys = sockets.map(socketKey).join(', ');
        if (!f) ctx.report({ span: null, severity, message: reach });
        else if (f.verdict === 'open') ctx.report({ span: null, severity, message: `${reach}; the packet filter accepts new connections from ${openFrom(f)}` });
        else if (f.verdict === 'unknown') ctx.report({ span: null, severity, message: `${reach}; packet filter unknown: ${f.reason}` });
        else if (f.verdict === 'closed') {
          ctx.report({ span: null, severity: 'info', message: `${keys} ${sockets.length === 1 ? 'is' : 'are'} bound to the network, but the packet filter drops new connections (${f.reason})` });
        } else {
          const { outside, inside } = splitByTrust(f, trusted);
          if (!outside.isEmpty()) {
            ctx.report({ span: null, severity: 'warning', message: `${keys}: the packet filter accepts new connections from ${cidrList(outside)}, outside the trusted networks` });
          }
          if (!inside.isEmpty()) {
            ctx.report({ span: null, severity: 'info', message: `${keys}: the packet filter accepts new connections from ${cidrList(inside)}, inside the trusted networks` });
          }
        }
      }
    }
  },
});
