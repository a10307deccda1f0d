import { correctness, defineRule } from '../src/engine/rule.js';
import type { Span } from '../src/source.js';
import { unsetVariableEffect } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC905',
  slug: 'envfile-export',
  severity: 'error',
  risk: correctness(),
  summary: '`export KEY=...`: systemd drops the assignment',
  since: '0.1.0',
  phase: 'dialect',
  dialects: ['sysconfig'],
  sources: [
    { kind: 'manual', page: 'systemd.exec(5)', section: 'EnvironmentFile=' },
    { kind: 'reference', title: 'systemd src/core/execute.c: exec_context_load_environment() drops assignments with invalid names' },
  ],
  fix: {
    safety: 'safe',
    why:
      'The assignment starts to count, as its author meant: memcached receives its value, which the next rounds of mchard fix ' +
      'check like the rest of the file.',
    build: (_ctx, state: { key: string; span: Span }) => ({
      description: `drop "export" from the assignment of ${state.key}`,
      intents: [{ kind: 'drop-text', span: state.span }],
    }),
  },
  docs: {
    what:
      'Reports an assignment written with the shell keyword `export` (`export OPTIONS="-l 127.0.0.1"`). systemd\'s `EnvironmentFile=` ' +
      'parser does not know `export`: it reads the name `export OPTIONS`, which is not a valid variable name, and drops the assignment.',
    why:
      'The variable is simply unset for memcached. An `OPTIONS` that was meant to restrict the listen address or disable UDP has no ' +
      'effect at all, and memcached listens on every interface; a dropped `PORT`, `USER`, `CACHESIZE` or `MAXCONN` turns TCP off or ' +
      'stops memcached from starting. A shell sourcing the file (the old SysV script) accepts `export`, so the mistake goes unnoticed there.',
    example: {
      dialect: 'sysconfig',
      bad: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nexport OPTIONS="-l 127.0.0.1 -U 0"\n',
      good: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n',
    },
    fix: 'Deletes the `export ` keyword, so the line is a plain assignment that both systemd and a shell accept.',
  },
  check(ctx) {
    const config = ctx.config;
    for (const note of config.notes) {
      if (note.kind !== 'export') continue;
      const key = note.key;
      const other = config.environment.get(key);
      const effect = unsetVariableEffect(config.unit, key);
      let outcome: string;
      if (other) outcome = `the value of ${key} comes from line ${other.line} instead`;
      else outcome = `${key} is unset${effect ? `: ${effect}` : ''}`;
      ctx.report({
        span: note.span,
        message: `systemd does not understand "export": it reads the name "export ${key}", which is not a valid variable name, and drops the assignment; ${outcome}`,
        fix: { key, span: note.span },
      });
    }
  },
});
