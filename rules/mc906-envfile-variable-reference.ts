import { correctness, defineRule } from '../src/engine/rule.js';

/** The variables the memcached unit's ExecStart= line reads. */
const UNIT_READS = new Set(['PORT', 'USER', 'CACHESIZE', 'MAXCONN', 'OPTIONS']);

export const rule = defineRule({
  id: 'MC906',
  slug: 'envfile-variable-reference',
  severity: 'error',
  risk: correctness(),
  summary: '`$VAR` inside a sysconfig value: systemd does not expand it',
  since: '0.1.0',
  phase: 'dialect',
  dialects: ['sysconfig'],
  sources: [
    { kind: 'manual', page: 'systemd.exec(5)', section: 'EnvironmentFile= (no variable expansion)' },
    { kind: 'manual', page: 'systemd.service(5)', section: 'Command lines' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a `$NAME` or `${NAME}` reference inside a value of `/etc/sysconfig/memcached` (unquoted or in double quotes), such as ' +
      '`OPTIONS="-p $PORT -l 127.0.0.1"`. systemd\'s `EnvironmentFile=` parser expands nothing: the value keeps the text `$PORT`. ' +
      'A reference in a variable the memcached unit does not read is a warning.',
    why:
      'memcached receives the literal text: `-p $PORT` is port 0 (TCP silently off), `-u $USER` looks for a user named `$USER` ' +
      '(exit 67), `-l $ADDR` is a host name that does not resolve (exit 71). The file works when a shell sources it (the old SysV ' +
      'script), which hides the problem until the service runs under systemd.',
    example: {
      dialect: 'sysconfig',
      bad: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nLISTEN="127.0.0.1"\nOPTIONS="-l $LISTEN -U 0"\n',
      good: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n',
    },
    fix: 'None: write the value out in full.',
  },
  check(ctx) {
    for (const note of ctx.config.notes) {
      if (note.kind !== 'variable-reference') continue;
      const key = note.key;
      const ref = ctx.config.source.slice(note.span);
      const used = UNIT_READS.has(key);
      ctx.report({
        span: note.span,
        severity: used ? 'error' : 'warning',
        message:
          `systemd does not expand ${JSON.stringify(ref)} in ${key}: ` +
          (used ? `memcached receives the text ${JSON.stringify(ref)} literally` : `the value keeps the text ${JSON.stringify(ref)} (the memcached unit does not read ${key})`),
      });
    }
  },
});
