import { defineRule, security } from '../src/engine/rule.js';
import { describeOption, baseUdpPort, boundPort, disableUdpFix } from '../src/engine/helpers.js';
import { formatVersion } from '../src/memcached/version.js';
import { unitVerdict } from '../src/dialects/unit-reach.js';

export const rule = defineRule({
  id: 'MC110',
  slug: 'udp-enabled',
  severity: 'error',
  // UDP: a reflection/amplification source (the 2018 attacks, CVE-2018-1000115)
  risk: security(7.5),
  summary: 'memcached listens on UDP',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'reference', title: 'Cloudflare: Memcrashed - Major amplification attacks from UDP port 11211', url: 'https://blog.cloudflare.com/memcrashed-major-amplification-attacks-from-port-11211/' },
    { kind: 'other-tool', tool: 'Metasploit', check: 'auxiliary/scanner/memcached/memcached_amp', url: 'https://github.com/rapid7/metasploit-framework/blob/master/modules/auxiliary/scanner/memcached/memcached_amp.rb' },
    { kind: 'memcached-doc', title: 'memcached(1): -U, --udp-port' },
    { kind: 'cve', id: 'CVE-2018-1000115' },
    { kind: 'memcached-doc', title: 'memcached 1.5.6 release notes: UDP disabled by default' },
  ],
  fix: {
    safety: 'safe',
    why: 'Only UDP clients are affected, and hardly any client uses UDP; TCP stays on the port it had.',
    build(ctx, state: { keepTcpOn: number | null }) {
      const fix = disableUdpFix(ctx);
      if (state.keepTcpOn === null) return fix;
      // Keep TCP where it is: once -U is 0, TCP would fall back to 11211.
      const p = String(state.keepTcpOn);
      return {
        description: `disable UDP with -U 0 and keep TCP on port ${p} with -p ${p}`,
        intents: [...fix.intents, { kind: 'set-option', letter: 'p', value: p }],
      };
    },
  },
  docs: {
    what:
      'Reports a configuration in which memcached opens a UDP socket: `-U` with a non-zero port, or no `-U` at all on a ' +
      'memcached older than 1.5.6, where UDP is on by default (on 11211, or on the `-p` port). `-U N` without `-p` also ' +
      'moves the TCP port to N. In a systemd unit that confines memcached itself (`PrivateNetwork=yes`, or `IPAddressDeny=any` ' +
      'with an `IPAddressAllow=` of loopback or private ranges) the finding says so and is a note (a warning for private ranges).',
    why:
      'memcached answers UDP requests from any source address without a handshake, and a small `get` can return a large ' +
      'value: exposed UDP ports were used for the record-breaking reflection/amplification DDoS attacks of 2018 ' +
      '(CVE-2018-1000115). Hardly any client uses UDP; memcached 1.5.6 turned it off by default for this reason.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n-U 11211\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n-U 0\n',
    },
    fix: 'Sets `-U 0` (replacing the existing `-U`, or adding one). When `-U N` was given without `-p`, also adds `-p N` so that TCP stays on port N.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('listeners')) return; // the file does not decide it (template or host): MC910 says so
    if (ctx.model.unknownOf('udpport')) return; // the release decides it (a tag from a variable): MC111 says so
    const s = ctx.model.applied.settings;
    if (s.socketpath !== null) return; // -s turns every network listener off (MC703)
    const udp = baseUdpPort(ctx);
    const port = boundPort(udp);
    if (udp === 0 || port === null) return; // off, or a port getaddrinfo refuses (MC302)
    const where = s.inter === null ? 'on every interface' : `on the -l addresses (${s.inter})`;
    // A systemd unit that confines memcached itself: a reflected request needs a forged source address the
    // unit's filter lets through (none from the internet), or a namespace of the unit's own. The fix stays.
    const udpListeners = ctx.model.listeners.filter((l) => l.transport === 'udp');
    const unit = udpListeners.length ? unitVerdict(ctx.config, udpListeners) : null;
    const confined = unit ? { severity: unit.severity, why: `, but ${unit.where}` } : null;
    const shown = port === 0 ? 'an ephemeral port' : `port ${port}`;
    const opt = ctx.model.applied.setBy.udpport;
    if (!opt) {
      ctx.report({
        span: ctx.insertionPoint(),
        message: `no -U 0: memcached ${formatVersion(ctx.model.version)} (before 1.5.6) opens UDP ${shown} ${where} by default, which attackers abuse for amplification attacks${confined?.why ?? ''}`,
        fix: { keepTcpOn: null },
        ...(confined ? { severity: confined.severity } : {}),
      });
      return;
    }
    let alsoTcp = '';
    let keepTcpOn: number | null = null;
    if (!s.tcpSpecified) {
      alsoTcp = ` (without -p it also moves TCP to port ${s.udpport})`;
      // A port -p refuses is MC302's.
      if (s.udpport >= -1 && s.udpport <= 65535) keepTcpOn = s.udpport;
    }
    ctx.report({
      span: ctx.spanOf(opt),
      message: `${describeOption(ctx, opt)} opens UDP ${shown} ${where}${alsoTcp}, and UDP is what attackers abuse for amplification attacks${confined?.why ?? ''}`,
      fix: { keepTcpOn },
      ...(confined ? { severity: confined.severity } : {}),
    });
  },
});
