import { defineRule } from '../src/engine/rule.js';

/** Notes that say where memcached's options really come from, when this file does not decide them. */
const ELSEWHERE = new Set(['delegated', 'other-program', 'unknown-variable', 'not-memcached']);

export const rule = defineRule({
  id: 'MC910',
  slug: 'options-not-in-file',
  severity: 'info',
  summary: "the file does not decide memcached's command line, so its options were not checked",
  since: '0.1.0',
  phase: 'dialect',
  dialects: 'all',
  sources: [
    { kind: 'manual', page: 'systemd.service(5)', section: 'ExecStart=' },
    { kind: 'manual', page: 'systemd.exec(5)', section: 'EnvironmentFile=' },
  ],
  fix: null,
  docs: {
    what:
      "Reports a file whose service does not show memcached's options: a systemd unit that runs Debian's wrapper (the options are in " +
      '`/etc/memcached.conf`), a unit or Compose service that runs another program (a container runner, a shell), or an `ExecStart=` ' +
      'whose options come from a variable of an `EnvironmentFile=` that cannot be read here. The listener, user and option checks ' +
      '(MC1xx to MC8xx) are skipped for such a file rather than guessed; this finding says so and names where the options are.',
    why:
      'A clean result for a file that was never really checked is worse than no result: it reads as "hardened". Saying where the ' +
      'options live points the check at the file that matters.',
    example: {
      dialect: 'systemd',
      bad: '[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n',
      good: '[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0\n',
    },
    fix: 'None: lint the file the finding names (for example `mchard lint /etc/memcached.conf`).',
  },
  check(ctx) {
    const reason = ctx.config.argvUnknown;
    if (!reason) return;
    const note = ctx.config.notes.find((n) => ELSEWHERE.has(n.kind));
    ctx.report({ span: note?.span ?? null, message: `${reason} (the listener, user and option checks were skipped)` });
  },
});
