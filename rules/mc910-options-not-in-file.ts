import { correctness, defineRule, type RuleContext } from '../src/engine/rule.js';
import type { Unknown } from '../src/memcached/model.js';
import { decidedElsewhere } from '../src/dialects/sourced.js';

/** Notes that say where memcached's options really come from, when this file does not decide them. */
const ELSEWHERE = new Set(['delegated', 'other-program', 'unknown-variable', 'not-memcached']);

export const rule = defineRule({
  id: 'MC910',
  slug: 'options-not-in-file',
  severity: 'info',
  risk: correctness(),
  summary: "the file does not decide memcached's command line, so its options were not checked",
  since: '0.1.0',
  phase: 'dialect',
  dialects: 'all',
  sources: [
    { kind: 'manual', page: 'systemd.service(5)', section: 'ExecStart=' },
    { kind: 'manual', page: 'systemd.exec(5)', section: 'EnvironmentFile=' },
    { kind: 'reference', title: 'Jinja2 template designer documentation', url: 'https://jinja.palletsprojects.com/en/stable/templates/' },
    { kind: 'reference', title: 'ERB (Ruby standard library)', url: 'https://docs.ruby-lang.org/en/master/ERB.html' },
  ],
  fix: null,
  docs: {
    what:
      "Reports a file whose service does not show memcached's options: a systemd unit that runs Debian's wrapper (the options are in " +
      '`/etc/memcached.conf`), a unit or Compose service that runs another program (a container runner, a shell), or an `ExecStart=` ' +
      'whose options come from a variable of an `EnvironmentFile=` that cannot be read here, a unit whose drop-ins (`NAME.service.d/*.conf`) ' +
      'set its command, user, variables or network restrictions, and a packaged unit that a unit of the same name in `/etc/systemd/system` ' +
      'replaces or masks (it does not run). The listener, user and option checks ' +
      '(MC1xx to MC8xx) are skipped for such a file rather than guessed; this finding says so and names where the options are.',
    why:
      'A clean result for a file that was never really checked is worse than no result: it reads as "hardened". Saying where the ' +
      'options live points the check at the file that matters. The same holds for a template (Jinja2, ERB, Go): where ' +
      'memcached listens, the user it runs as, whether clients authenticate and whether it starts can depend on the values ' +
      'the template is rendered with; then this finding names the template expression that decides it, and the checks it ' +
      'would need wait for the rendered file. A template with which only some renderings make the service fail before ' +
      'memcached runs (a `/bin/sh` syntax error on a line inside `{% if %}`, or one a tag may close) gets one ' +
      'finding naming what decides it (MC914 reports a failure every rendering meets); the option checks then wait too.',
    example: {
      dialect: 'systemd',
      bad: '[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n',
      good: '[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0\n',
    },
    fix: 'None: lint the file the finding names (for example `mchard lint /etc/memcached.conf`).',
  },
  check(ctx) {
    const reason = ctx.config.argvUnknown;
    const launch = ctx.config.launchFailure;
    if (launch?.unknown) {
      // Some renderings make the service fail before memcached runs (MC914 when all do). The parse stopped
      // at the failure, so what the other renderings give memcached is not known either.
      const where = launch.span ? null : ctx.config.notes.find((n) => ELSEWHERE.has(n.kind));
      ctx.report({
        span: launch.span ?? where?.span ?? null,
        namesTemplate: true,
        message:
          `${launch.unknown.reason}: the template decides whether the service fails before memcached runs (${launch.reason}); ` +
          `the listener, user and option checks were skipped (${launch.unknown.decide} decides)`,
      });
      return;
    }
    // The service certainly fails before memcached runs: MC914 says so, and no option is memcached's.
    if (launch) return;
    if (!reason) {
      reportUndecided(ctx);
      return;
    }
    const note = ctx.config.notes.find((n) => ELSEWHERE.has(n.kind));
    ctx.report({ span: note?.span ?? null, namesTemplate: true, message: `${reason} (the listener, user and option checks were skipped)` });
  },
});

/** The things the file leaves to the template (or the host) that the checks would need, one finding per deciding argument. */
function reportUndecided(ctx: RuleContext): void {
  const m = ctx.model;
  const asks: [string, Unknown | null][] = [
    // Whether UDP is on when only the release decides it (a tag from a variable) is MC111's.
    ['where memcached listens', m.unknownOf('socketpath', 'inter', 'port', 'sslEnabled') ?? (m.versionUnknown && m.certainty.known('udpport').known ? null : m.unknownOf('udpport')) ?? m.unknownOf('listeners')],
    ['who may connect to its unix socket', m.applied.settings.socketpath !== null ? m.unknownOf('access') : null],
    ['the user it runs as', m.unknownOf('runsAs')],
    ['whether clients must authenticate', m.unknownOf('sasl', 'authFile')],
    // Only what the file's own arguments leave open (the host's own facts are not "options not in the file").
    ['whether it starts', m.startup.unknown?.index !== undefined ? m.startup.unknown : null],
  ];
  const groups = new Map<string, { u: Unknown; what: string[] }>();
  for (const [what, u] of asks) {
    if (!u) continue;
    const key = `${u.index ?? ''}:${u.reason}`;
    const g = groups.get(key) ?? { u, what: [] };
    g.what.push(what);
    groups.set(key, g);
  }
  for (const { u, what } of groups.values()) {
    const tok = u.index === undefined ? undefined : ctx.config.argv[u.index];
    // What decides it when that is neither the template nor the host memcached runs on (Compose's environment,
    // a ConfigMap a container's variable is set from) is named once, as the decider.
    const elsewhere = u.depends === 'host' && decidedElsewhere(u.decide);
    const who = u.depends === 'template' ? 'the template' : elsewhere ? u.decide : 'the host';
    ctx.report({
      span: tok?.span ?? u.span ?? null,
      namesTemplate: true,
      message: `${u.reason}: ${who} decides ${what.join(', ')}; the checks that need ${what.length > 1 ? 'them' : 'it'} were skipped${elsewhere ? '' : ` (${u.decide} decides)`}`,
    });
  }
}
