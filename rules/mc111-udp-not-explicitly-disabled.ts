import { defineRule, security, type RuleContext } from '../src/engine/rule.js';
import type { Severity } from '../src/engine/types.js';
import type { Span } from '../src/source.js';
import { baseUdpPort, disableUdpFix } from '../src/engine/helpers.js';
import { atLeast, formatVersion } from '../src/memcached/version.js';

export const rule = defineRule({
  id: 'MC111',
  slug: 'udp-not-explicitly-disabled',
  severity: 'info',
  // UDP off only by the release's default: older releases open it
  risk: security(2.0),
  summary: 'UDP is off only by default; no -U 0',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -U, --udp-port' },
    { kind: 'memcached-doc', title: 'memcached 1.5.6 release notes: UDP disabled by default' },
    { kind: 'reference', title: 'Red Hat solution 3369081: Preventing DDoS amplification attacks using memcached' },
  ],
  fix: {
    safety: 'safe',
    why: 'Nothing changes for clients: UDP is already off, `-U 0` only says so.',
    // When the release is not decided and -p is not given, -p keeps TCP where it is: from 1.4.3 to 1.5.3 a
    // lone `-U 0` is copied to the TCP port too, and TCP would go off.
    build: (ctx, state: true | { keepTcpOn: number }) => {
      const fix = disableUdpFix(ctx);
      if (state === true) return fix;
      const p = String(state.keepTcpOn);
      return { description: `disable UDP with -U 0 and keep TCP on port ${p} with -p ${p}`, intents: [...fix.intents, { kind: 'set-option', letter: 'p', value: p }] };
    },
  },
  docs: {
    what:
      'Reports a configuration without an explicit `-U 0` whose UDP listener is off only because of memcached\'s default. ' +
      'The finding is a warning when the target memcached version is older than 1.5.6. When UDP is on, MC110 reports it ' +
      'instead; with `-s` there is no network listener and nothing is reported.',
    why:
      'memcached turned UDP off by default only in 1.5.6; older releases, still shipped by long-term distributions, open ' +
      'UDP 11211 on every listen address, the port abused in the 2018 amplification attacks (CVE-2018-1000115). Writing ' +
      '`-U 0` keeps the file safe when it is copied to an older machine or the package is downgraded.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n-U 0\n',
    },
    fix: 'Adds `-U 0`. When the file does not decide the release (an image tag from a variable, a package) and has no `-p`, also adds `-p` with the TCP port in effect: from 1.4.3 to 1.5.3 a lone `-U 0` is copied to the TCP port, which turns TCP off too.',
  },
  check(ctx) {
    const byRelease = releaseDecidesUdp(ctx);
    if (byRelease !== undefined) {
      if (byRelease) ctx.report({ ...byRelease, fix: ctx.model.applied.settings.tcpSpecified ? true : { keepTcpOn: ctx.model.applied.settings.port } });
      return;
    }
    // Whether UDP is off does not depend on where memcached listens; before 1.5.6 -p also moved UDP.
    if (ctx.model.unknownOf('udpport', 'socketpath', ...(atLeast(ctx.options.version, '1.5.6') ? [] : ['port' as const]))) return;
    const s = ctx.model.applied.settings;
    if (s.socketpath !== null) return;
    if (baseUdpPort(ctx) !== 0) return; // MC110
    // An explicit -U that reads as 0 (`-U 0`, or an invalid value MC302 reports) disables UDP on every version.
    if (s.udpSpecified) return;
    const old = !atLeast(ctx.options.version, '1.5.6');
    ctx.report({
      span: ctx.insertionPoint(),
      severity: old ? 'warning' : 'info',
      message: old
        ? `no -U 0: UDP is off only because -p is 0, which memcached ${formatVersion(ctx.options.version)} (before 1.5.6) copies to the UDP port; any other -p opens UDP on that port`
        : 'no -U 0: UDP is off only because memcached 1.5.6 and later default to it; older releases open UDP 11211 on every listen address',
      fix: true,
    });
  },
});

/**
 * The file does not decide the release (an image tag from a variable), and releases differ on whether UDP
 * is on: before 1.5.6 it is on by default (on -p's port when -p is given). Reported when nothing in the
 * file's own arguments leaves it open; a warning when the release the file names by default opens it.
 */
function releaseDecidesUdp(ctx: RuleContext): { span: Span; severity: Severity; message: string } | null | undefined {
  const m = ctx.model;
  const u = m.versionUnknown ? m.unknownOf('udpport') : null;
  if (!u) return undefined;
  if (!m.certainty.known('udpport').known || !m.certainty.known('port').known || !m.certainty.known('socketpath').known) return null;
  const s = m.applied.settings;
  if (s.udpSpecified || s.socketpath !== null) return null;
  const onByDefault = baseUdpPort(ctx) !== 0;
  return {
    span: ctx.insertionPoint(),
    severity: onByDefault ? 'warning' : 'info',
    message:
      `no -U 0: whether UDP is on depends on the memcached release, which the file does not decide (${u.reason}); ` +
      `releases before 1.5.6 open UDP on every listen address${onByDefault ? `, ${formatVersion(m.version)} among them` : ''}, and -U 0 turns it off on every release (${u.decide} decides the release)`,
  };
}
