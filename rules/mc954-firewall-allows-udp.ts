import { defineRule, security } from '../src/engine/rule.js';
import { cidrList, firewallFor, splitByTrust } from '../src/audit/firewall/findings.js';
import { classifyAddress } from '../src/engine/exposure.js';
import { socketKey } from '../src/system/sockets.js';

export const rule = defineRule({
  id: 'MC954',
  slug: 'firewall-allows-udp',
  severity: 'error',
  // the packet filter lets UDP to a live UDP listener through: an amplifier for whoever can reach it
  risk: security(7.5),
  summary: 'the packet filter lets UDP reach memcached from outside the trusted networks',
  since: '0.2.0',
  phase: 'audit',
  dialects: 'all',
  sources: [
    { kind: 'cve', id: 'CVE-2018-1000115' },
    { kind: 'manual', page: 'libnftables-json(5)' },
    { kind: 'memcached-doc', title: 'memcached protocol.txt: UDP protocol' },
  ],
  fix: null,
  docs: {
    what:
      '`mchard audit` only. For each UDP socket a running memcached holds on a non-loopback address, evaluates the ' +
      "host's packet filter (nftables and legacy iptables of the process's network namespace, or `--ruleset FILE`) for " +
      'a new datagram to that address and port, and reports the source addresses outside `trusted-networks` that it ' +
      'accepts. Nothing is reported when the filter drops them, or when it could not be evaluated (MC951 says why).',
    why:
      "memcached answers UDP requests without a handshake, so whoever can send to the port can make it answer a spoofed " +
      'victim with up to tens of thousands of times the request size: the 2018 reflection attacks (CVE-2018-1000115). ' +
      'A filter that admits UDP to the port from beyond the networks that need it leaves that open.',
    example: {
      dialect: 'argv',
      bad: '-u memcache -m 64 -l 10.0.0.5 -p 11211 -U 11211\n',
      good: '-u memcache -m 64 -l 10.0.0.5 -p 11211 -U 0\n',
    },
    fix: 'None on the filter (mchard never changes it; audit prints nftables rules that restrict the port). Set `-U 0` in the configuration file (`mchard fix`, MC110) and restart the service.',
  },
  check(ctx) {
    const a = ctx.audit;
    if (!a) return;
    for (const s of a.held) {
      if (s.transport !== 'udp' || classifyAddress(s.address) === 'loopback') continue;
      const f = firewallFor(a, s);
      if (!f || (f.verdict !== 'open' && f.verdict !== 'restricted')) continue;
      const { outside } = splitByTrust(f, ctx.options.trustedNetworks);
      if (outside.isEmpty()) continue;
      ctx.report({
        span: null,
        message: `the packet filter accepts UDP to ${socketKey(s)} from ${cidrList(outside)} (outside the trusted networks): memcached answers UDP without a handshake, so it can be used to amplify traffic at spoofed victims`,
      });
    }
  },
});
