import { unitVerdict } from '../src/dialects/unit-reach.js';
import { defineRule, security } from '../src/engine/rule.js';
import { BIND_LOOPBACK, classifiedEntries, LISTEN_SOURCES, listenEntrySpan } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC102',
  slug: 'listen-public-address',
  severity: 'error',
  // a public address: reachable from the internet unless a firewall says otherwise
  risk: security(8.6),
  summary: 'memcached listens on a public address',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    ...LISTEN_SOURCES,
    { kind: 'cve', id: 'CVE-2018-1000115' },
  ],
  fix: BIND_LOOPBACK,
  docs: {
    what:
      'Reports every `-l` entry whose address is a public unicast IPv4 or IPv6 address (not loopback, private, ' +
      'unique-local, link-local or a reserved range), when memcached opens TCP or UDP sockets at all.',
    why:
      'memcached has no authentication unless `-S` or `-Y` is set: anyone on the internet who reaches the port can read, ' +
      'change and flush every item, and an exposed UDP port is a well-known amplification source (CVE-2018-1000115).',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 11211\n-l 93.184.216.34\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
    },
    fix: 'Replaces the `-l` option (or adds one) with `-l 127.0.0.1`, or with the addresses given to `mchard fix --listen`.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('listeners')) return; // the file does not decide it (template or host): MC910 says so
    const publicOnes = classifiedEntries(ctx).filter((c) => c.cls === 'public');
    if (publicOnes.length === 0) return;
    for (const { entry } of publicOnes) {
      const message = `-l ${entry.text} binds the public address ${entry.host}: anyone on the internet who reaches it can read, change and flush the cache`;
      // A systemd unit's own firewall or namespace decides who reaches it (PrivateNetwork=, IPAddressDeny=).
      const unit = unitVerdict(ctx.config, [{ transport: 'tcp', address: entry.host }]);
      ctx.report({
        span: listenEntrySpan(ctx, entry),
        ...(unit ? { message: `${message}, but ${unit.where}`, severity: unit.severity, ...(unit.keepsFix ? { fix: true as const } : {}) } : { message, fix: true as const }),
      });
    }
  },
});
