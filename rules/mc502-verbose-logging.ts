import type { OptionEvent } from '../src/memcached/getopt.js';
import { defineRule, security } from '../src/engine/rule.js';
import { fromFile, occurrences } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC502',
  slug: 'verbose-logging',
  severity: 'warning',
  // keys and commands in the logs: cached data leaks to whoever reads them
  risk: security(4.3),
  summary: '-vv or more logs client commands and keys',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -v, -vv' },
    { kind: 'memcached-source', file: 'memcached.c', at: "main(), case 'v'", detail: 'settings.verbose++' },
  ],
  fix: {
    safety: 'safe',
    why: 'Only the log changes: errors and warnings are still logged.',
    build: (_ctx, state: { extra: readonly OptionEvent[] }) => ({
      description: 'reduce the verbosity to a single -v',
      intents: state.extra.map((option) => ({ kind: 'remove-option' as const, option })),
    }),
  },
  docs: {
    what:
      'Reports a verbosity level of 2 or more: `-vv`, `-vvv`, or `-v` given several times in any form (`-v -v`, ' +
      '`-v` on two lines, `--verbose` twice). memcached counts every occurrence; `--verbose=N` counts as one, whatever N is.',
    why:
      'At level 2 memcached prints every client command and response, keys included, and at level 3 its internal ' +
      'state transitions. Under systemd that output goes to the journal (or to the `logfile` of the SysV script), ' +
      'readable by whoever can read the logs, and it grows with the traffic.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 127.0.0.1\n-vv\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n-v\n',
    },
    fix: 'Keeps the first `-v` and removes the others (a repeated letter inside `-vv` is taken out of the cluster), leaving verbosity 1 (errors and warnings).',
  },
  check(ctx) {
    if (ctx.model.unknownOf('verbose')) return; // the file does not decide it (template or host): MC910 says so
    const level = ctx.model.applied.settings.verbose;
    if (level < 2) return;
    const vs = occurrences(ctx, 'v');
    const second = vs[1];
    if (!second) return;
    // Point at the word that takes the level to 2: the whole `-vv`, or the second `-v`.
    const span = ctx.config.argv[second.index]?.span ?? ctx.spanOf(second);
    const extra = vs.slice(1).filter((o) => fromFile(ctx, o));
    const shown = vs.length === 1 || vs.every((o) => o.index === vs[0].index) ? ctx.config.argv[vs[0].index]?.value ?? `-${'v'.repeat(level)}` : `-v given ${vs.length} times`;
    const what = level >= 3 ? 'every client command and key, and its internal state transitions,' : 'every client command and key';
    ctx.report({
      span,
      message: `${shown} sets verbosity ${level}: memcached logs ${what} to the journal or log file`,
      fix: extra.length === vs.length - 1 ? { extra } : undefined,
    });
  },
});
