import { correctness, defineRule } from '../src/engine/rule.js';
import { describeOption, emptyFromUnit, occurrences, valuePartSpan } from '../src/engine/helpers.js';
import { atoiDetail } from '../src/memcached/numbers.js';

export const rule = defineRule({
  id: 'MC401',
  slug: 'maxconn-invalid',
  severity: 'error',
  risk: correctness(),
  summary: '-c is not a positive number: memcached exits 1',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -c, --conn-limit' },
    { kind: 'memcached-source', file: 'memcached.c', at: "main(), case 'c'", detail: '"Maximum connections must be greater than 0"' },
  ],
  fix: null,
  docs: {
    what: 'Reports every `-c` (`MAXCONN` in sysconfig files) whose value is 0, negative, or not a number.',
    why:
      'memcached reads `-c` with `atoi()` (text without digits becomes 0) and checks it as soon as it reads the option: ' +
      'a value of 0 or less prints "Maximum connections must be greater than 0" and exits with status 1, so the service ' +
      'does not start.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-c 0\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-c 1024\n-l 127.0.0.1\n',
    },
    fix: 'None: set the number of simultaneous connections you expect (memcached\'s default is 1024).',
  },
  check(ctx) {
    for (const o of occurrences(ctx, 'c')) {
      if (emptyFromUnit(ctx, o)) continue; // an empty MAXCONN is MC907's
      if (ctx.config.argv[o.valueIndex ?? -1]?.exact === false) continue; // the value depends on the host: nothing to judge
      const d = atoiDetail(o.value ?? '');
      if (d.value > 0) continue;
      const what = d.digits ? `is ${d.value}` : `is not a number (atoi reads it as 0)`;
      ctx.report({
        span: valuePartSpan(ctx, o),
        message: `${describeOption(ctx, o)} ${what}: memcached exits 1 ("Maximum connections must be greater than 0")`,
      });
    }
  },
});
