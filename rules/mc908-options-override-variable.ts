import { correctness, defineRule } from '../src/engine/rule.js';
import { SYSCONFIG_REQUIRED, describeOption, fromFile, occurrences } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC908',
  slug: 'options-override-variable',
  severity: 'warning',
  risk: correctness(),
  summary: '`OPTIONS` sets `-p`/`-u`/`-m`/`-c`, silently overriding `PORT`/`USER`/`CACHESIZE`/`MAXCONN`',
  since: '0.1.0',
  phase: 'dialect',
  dialects: ['sysconfig'],
  sources: [
    { kind: 'memcached-source', file: 'scripts/memcached.service', at: 'ExecStart=' },
    { kind: 'memcached-doc', title: 'memcached(1): a repeated option keeps its last value' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a `-p`, `-u`, `-m` or `-c` (or their long forms) inside `OPTIONS`. The unit passes `-p ${PORT} -u ${USER} ' +
      '-m ${CACHESIZE} -c ${MAXCONN}` first and `$OPTIONS` last, and memcached keeps the last value of each option, so the one in ' +
      '`OPTIONS` wins over the dedicated variable.',
    why:
      'The file says two different things and only one of them is true. Whoever changes `PORT` (or a tool that reads it, a firewall rule, ' +
      'a monitoring check) gets the wrong port; whoever sets `USER` to a service account finds memcached running as someone else.',
    example: {
      dialect: 'sysconfig',
      bad: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -p 11311"\n',
      good: 'PORT="11311"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n',
    },
    fix: 'None: decide which value is meant, put it in the variable and remove the option from `OPTIONS`.',
  },
  check(ctx) {
    const config = ctx.config;
    for (const req of SYSCONFIG_REQUIRED) {
      const occ = occurrences(ctx, req.letter);
      const last = occ.at(-1);
      if (!last || !fromFile(ctx, last)) continue;
      // The unit's own -x ${NAME}; OPTIONS is appended after it, so a file option that wins comes from OPTIONS.
      if (!occ.some((o) => config.argv[o.index]?.origin === 'unit')) continue;
      const asg = config.environment.get(req.key);
      const variable = asg ? `${req.key}="${asg.value}"` : `${req.key} (not set)`;
      ctx.report({
        span: ctx.spanOf(last),
        message:
          `OPTIONS sets ${describeOption(ctx, last)}, which overrides ${variable}: the unit passes -${req.letter} \${${req.key}} first and ` +
          `memcached keeps the last value, ${JSON.stringify(last.value ?? '')}`,
      });
    }
  },
});
