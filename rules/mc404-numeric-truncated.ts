import { correctness, defineRule } from '../src/engine/rule.js';
import { describeOption, lastOccurrence, misleadingMemoryUnit, valuePartSpan } from '../src/engine/helpers.js';
import { atoiDetail } from '../src/memcached/numbers.js';

/** The options memcached reads with atoi(). */
const ATOI_OPTIONS = ['p', 'U', 'm', 'c', 't', 'R', 'n', 'b', 'N'] as const;

export const rule = defineRule({
  id: 'MC404',
  slug: 'numeric-truncated',
  severity: 'warning',
  risk: correctness(),
  summary: 'a number with trailing text that memcached silently drops',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1)' },
    { kind: 'manual', page: 'atoi(3)', section: '"no error checking"' },
  ],
  fix: null,
  docs: {
    what:
      'Reports the effective value of an option memcached reads with `atoi()` (`-p -U -m -c -t -R -n -b -N`) when digits ' +
      'are followed by other text: `-p 21217x`, `-m 64M`, `-c 1k`, `-t 2.5`. A unit on `-m` other than megabytes ' +
      '(`-m 2g`) is reported by MC403 instead.',
    why:
      '`atoi()` stops at the first character that is not a digit and never reports an error, so memcached keeps only the ' +
      'leading number: `-c 1k` allows one connection, not a thousand, and `PORT="11211 -A"` in a sysconfig file is port ' +
      '11211 with the `-A` silently lost. Even where the result is what was meant (`-m 64M`), the text suggests a syntax ' +
      'memcached does not have.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64M\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n',
    },
    fix: 'None: write the plain decimal number memcached should use.',
  },
  check(ctx) {
    for (const letter of ATOI_OPTIONS) {
      const o = lastOccurrence(ctx, letter);
      if (!o || o.value === null || ctx.model.optionUnknown(o)) continue;
      const d = atoiDetail(o.value);
      if (!d.digits || d.rest.trim() === '') continue;
      if (letter === 'm' && misleadingMemoryUnit(d.rest) !== null) continue; // MC403
      const note = letter === 'm' && /^\s*m/i.test(d.rest) ? ' (-m is in megabytes anyway)' : '';
      ctx.report({
        span: valuePartSpan(ctx, o),
        message: `${describeOption(ctx, o)}: memcached reads ${d.value} and silently drops "${d.rest}"${note}`,
      });
    }
  },
});
