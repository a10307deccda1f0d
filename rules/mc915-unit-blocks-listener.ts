import { correctness, defineRule } from '../src/engine/rule.js';
import { unitNetworkOf } from '../src/dialects/unit-reach.js';
import type { Span } from '../src/source.js';

export const rule = defineRule({
  id: 'MC915',
  slug: 'unit-blocks-listener',
  severity: 'error',
  // memcached exits at start-up, or loses the listeners the unit's restrictions block.
  risk: correctness(),
  summary: "the unit's own network restrictions leave memcached a listener it cannot open",
  since: '0.2.0',
  phase: 'settings',
  dialects: ['systemd'],
  sources: [
    { kind: 'manual', page: 'systemd.exec(5)', section: 'RestrictAddressFamilies= ("none", "~", merged assignments; no effect on 32-bit x86, s390x, ppc64)' },
    { kind: 'manual', page: 'systemd.exec(5)', section: 'PrivateNetwork= (only the loopback device in the namespace)' },
    { kind: 'manual', page: 'systemd.resource-control(5)', section: 'SocketBindAllow=, SocketBindDeny=' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'server_socket()', detail: 'an address whose socket() fails is skipped; the listener fails when none is left, or when bind() fails' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: '"failed to listen on TCP port %d", exit(EX_OSERR)' },
  ],
  fix: null,
  docs: {
    what:
      "Reports a systemd unit whose own restrictions make memcached's listeners fail: `RestrictAddressFamilies=` without " +
      '`AF_INET` for an IPv4 listener (without `AF_INET6` for an IPv6 one, without both for the default or a host name, without ' +
      '`AF_UNIX` for `-s`): socket() fails, and memcached exits 71 ("failed to listen on TCP port 11211: Address family not ' +
      'supported by protocol"); `PrivateNetwork=yes` with an `-l` address other than loopback or the wildcard, which does not ' +
      'exist in the private namespace; `SocketBindDeny=` refusing a listener (only where systemd is built with its BPF framework, ' +
      'so the host decides). A default listener that keeps only one family (IPv6 blocked) is a note: memcached starts on the other.',
    why:
      'The unit reads as hardened and correct, but the service fails at every start (and `Restart=` repeats it), or serves on ' +
      'fewer addresses than its options say.',
    example: {
      dialect: 'systemd',
      bad: '[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0\nRestrictAddressFamilies=AF_UNIX\n',
      good: '[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0\nRestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n',
    },
    fix: 'None: add the family to `RestrictAddressFamilies=`, listen on an address the unit allows, or use a unix socket (`-s`).',
  },
  check(ctx) {
    const net = unitNetworkOf(ctx.config);
    if (!net || ctx.model.unknownOf('listeners')) return;
    const st = ctx.model.startup;
    const spanFor = (cause: string): Span | null =>
      /^RestrictAddressFamilies/.test(cause) ? (net.families?.spans.at(-1) ?? null) : /^PrivateNetwork/.test(cause) ? net.privateNetwork : (net.bindDeny[0]?.span ?? null);
    if (!st.ok && st.cause) {
      const certain = st.certain && !st.unknown;
      ctx.report({
        span: spanFor(st.cause),
        message: certain
          ? `memcached exits ${st.exitCode} at start-up: ${st.reason}`
          : `as far as this file shows, memcached exits ${st.exitCode} at start-up: ${st.reason}; not certain: ${st.unknown?.reason ?? 'the host decides'} (${st.unknown?.decide ?? 'the host'} decides)`,
        severity: certain ? 'error' : 'warning',
      });
      return;
    }
    // A default listener (or "-l *") keeps only the family the unit leaves: memcached starts on it alone.
    if (!st.ok || !net.families || ctx.model.applied.settings.socketpath !== null) return;
    const asked = ctx.model.entries.length === 0 || ctx.model.entries.some((e) => e.host === null);
    if (!asked) return;
    const v4 = ctx.model.listeners.some((l) => l.transport !== 'unix' && l.address === '0.0.0.0');
    const v6 = ctx.model.listeners.some((l) => l.transport !== 'unix' && l.address === '::');
    if (v4 === v6) return;
    ctx.report({
      span: net.families.spans.at(-1) ?? null,
      message: `the unit's RestrictAddressFamilies= blocks ${v4 ? 'AF_INET6' : 'AF_INET'}, so memcached's wildcard listener opens only ${v4 ? '0.0.0.0 (IPv4)' : ':: (IPv6)'}: clients over ${v4 ? 'IPv6' : 'IPv4'} cannot connect`,
      severity: 'info',
    });
  },
});
