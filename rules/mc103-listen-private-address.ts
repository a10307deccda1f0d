import { defineRule, security } from '../src/engine/rule.js';
import { classifiedEntries, LISTEN_SOURCES, listenEntrySpan } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC103',
  slug: 'listen-private-address',
  severity: 'warning',
  // a private address outside the trusted networks: reachable from the local network
  risk: security(5.3),
  summary: 'memcached listens on a private address outside the trusted networks',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    ...LISTEN_SOURCES,
    { kind: 'reference', title: 'RFC 1918, RFC 4193 (unique-local), RFC 4291 (link-local)' },
  ],
  fix: null,
  docs: {
    what:
      'Reports every `-l` entry whose address is private (RFC 1918, carrier-grade NAT), IPv6 unique-local or link-local, ' +
      'unless it lies inside one of the networks listed in `trusted-networks` (`.mchardrc`).',
    why:
      'Every host on that network can reach the port, and memcached has no authentication unless `-S` or `-Y` is set: any ' +
      'compromised machine, container or tenant on the LAN can read, change and flush the cache. Listing the networks you ' +
      'trust in `trusted-networks` records that this exposure is intended.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 11211\n-l 10.0.0.11\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
    },
    fix:
      'None: which address memcached should listen on depends on who its clients are. Bind loopback when they run on the ' +
      'same machine; otherwise add the network to `trusted-networks` and consider `-S`/`-Y` and a firewall.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('listeners')) return; // the file does not decide it (template or host): MC910 says so
    const configured = ctx.options.trustedNetworks;
    const trusted = configured.length ? `the trusted networks (${configured.join(', ')})` : 'the trusted networks (none are configured)';
    for (const { entry, cls } of classifiedEntries(ctx)) {
      if (cls !== 'private') continue;
      ctx.report({
        span: listenEntrySpan(ctx, entry),
        message: `-l ${entry.text} binds the private address ${entry.host}, outside ${trusted}: every host on that network can read and change the cache`,
      });
    }
  },
});
