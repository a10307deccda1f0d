import { defineRule, security } from '../src/engine/rule.js';
import { classifyAddress } from '../src/engine/exposure.js';
import { socketKey } from '../src/system/sockets.js';
import { firewallFor } from '../src/audit/firewall/findings.js';

export const rule = defineRule({
  id: 'MC953',
  slug: 'udp-amplifier',
  severity: 'error',
  // a live UDP socket reachable from the network: an amplifier now
  risk: security(8.6),
  summary: 'a running memcached holds a network-reachable UDP socket, usable for amplification attacks',
  since: '0.1.0',
  phase: 'audit',
  dialects: 'all',
  sources: [
    { kind: 'other-tool', tool: 'Metasploit', check: 'auxiliary/scanner/memcached/memcached_amp (UDP "stats" probe, amplification factor)', url: 'https://github.com/rapid7/metasploit-framework/blob/master/modules/auxiliary/scanner/memcached/memcached_amp.rb' },
    { kind: 'cve', id: 'CVE-2018-1000115' },
    { kind: 'memcached-doc', title: 'memcached protocol.txt: UDP protocol' },
    { kind: 'memcached-doc', title: 'memcached 1.5.6 release notes: UDP disabled by default' },
  ],
  fix: null,
  docs: {
    what:
      '`mchard audit` only. Reports the UDP sockets a running memcached holds on a non-loopback address. From the socket ' +
      'table alone the finding is reasoned (memcached answers UDP requests from any source address without a ' +
      'handshake). With `--probe`, mchard sends a `stats` request in a memcached UDP frame to the socket (a wildcard ' +
      'socket at loopback) and reports the bytes that came back against the bytes sent; a socket that does not answer ' +
      'the probe is then not reported. A socket `--probe` does not send to (one in another network namespace, on a ' +
      'link-local address, or one beside which another socket is bound on the probe\'s address and port: any user ' +
      'can bind one on a UDP port, and it would get the datagram) is reported as reasoned from the table. A socket the packet filter closes to new datagrams is not reported.',
    why:
      'A spoofed-source UDP request of a few bytes makes memcached send kilobytes to the victim: exposed memcached UDP ' +
      'ports powered the record reflection attacks of 2018 (CVE-2018-1000115).',
    example: {
      dialect: 'argv',
      bad: '-u memcache -m 64 -p 11211 -U 11211\n',
      good: '-u memcache -m 64 -p 11211 -U 0\n',
    },
    fix: 'None on the process: set `-U 0` in the configuration file (`mchard fix` does, see MC110) and restart the service.',
  },
  check(ctx) {
    const a = ctx.audit;
    if (!a) return;
    // A socket the packet filter closes to new datagrams is not reachable.
    const udp = a.held.filter((s) => s.transport === 'udp' && classifyAddress(s.address) !== 'loopback' && firewallFor(a, s)?.verdict !== 'closed');
    if (udp.length === 0) return;
    const keys = udp.map(socketKey);
    // Sockets --probe did not send to (another network namespace, link-local) are judged from the table.
    const reasoned = a.probes ? keys.filter((k) => a.probes!.find((x) => x.socket === k)?.probed === false) : keys;
    if (reasoned.length) {
      const n = reasoned.length;
      ctx.report({
        span: null,
        message: `${reasoned.join(', ')} ${n === 1 ? 'is a' : 'are'} network-reachable UDP socket${n === 1 ? '' : 's'}: memcached answers any source address without a handshake, so ${n === 1 ? 'it is' : 'they are'} amplification-capable (reasoned from the socket table; ${a.probes ? 'not probed' : '--probe measures it'})`,
      });
    }
    if (!a.probes) return;
    const measured: string[] = [];
    for (const key of keys) {
      const p = a.probes.find((x) => x.socket === key);
      if (!p?.answered || !p.bytesSent) continue;
      const factor = (p.bytesReceived ?? 0) / p.bytesSent;
      measured.push(`${key} answered a ${p.bytesSent}-byte "stats" request with ${p.bytesReceived} bytes in ${p.datagrams} datagram${p.datagrams === 1 ? '' : 's'} (${factor.toFixed(0)}x)`);
    }
    if (measured.length === 0) return;
    ctx.report({ span: null, message: `amplification-capable UDP: ${measured.join('; ')}` });
  },
});
