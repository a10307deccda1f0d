import { correctness, defineRule } from '../src/engine/rule.js';
import { describeOption, emptyFromUnit, lastOccurrence, misleadingMemoryUnit, valuePartSpan } from '../src/engine/helpers.js';
import { atoiDetail } from '../src/memcached/numbers.js';

function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

export const rule = defineRule({
  id: 'MC403',
  slug: 'memory-invalid',
  severity: 'error',
  risk: correctness(),
  summary: '-m is not a plain number of megabytes, or too small',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -m, --memory-limit' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'settings.maxbytes = ((size_t)atoi(optarg)) * 1024 * 1024; "Cannot set item size limit higher than 1/2 of memory max." (EX_USAGE, 64)' },
  ],
  fix: null,
  docs: {
    what:
      'Reports an effective `-m` (`CACHESIZE` in sysconfig files) that is not a number, is 0 or negative, carries a unit ' +
      'other than megabytes (`-m 2g`), or is smaller than twice the maximum item size (`-I`, 1 MB by default).',
    why:
      'memcached reads `-m` with `atoi()` as megabytes and ignores any unit: `-m 2g` gives a 2 MB cache, not 2 GB, without ' +
      'a word. Text without digits becomes 0. memcached refuses a cache smaller than twice the item size ("Cannot set item ' +
      'size limit higher than 1/2 of memory max.") and exits with status 64, so `-m 0`, `-m 1` and `-m abc` stop the service ' +
      'from starting. A negative value is cast to an unsigned size and becomes a practically unlimited cache.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 2g\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 2048\n-l 127.0.0.1\n',
    },
    fix: 'None: write the size as a number of megabytes (`-m 2048` for 2 GB).',
  },
  check(ctx) {
    const o = lastOccurrence(ctx, 'm');
    if (!o || emptyFromUnit(ctx, o)) return; // an empty CACHESIZE is MC907's
    if (ctx.config.argv[o.valueIndex ?? -1]?.exact === false) return; // the value depends on the host (%(ENV_X)s, ${VAR}): nothing to judge
    const s = ctx.model.applied.settings;
    const d = atoiDetail(o.value ?? '');
    const shown = describeOption(ctx, o);
    const span = valuePartSpan(ctx, o);
    if (!d.digits) {
      ctx.report({ span, message: `${shown} is not a number: memcached reads it as 0 MB and exits 64 ("Cannot set item size limit higher than 1/2 of memory max.")` });
      return;
    }
    if (d.value < 0) {
      ctx.report({ span, message: `${shown} is negative: memcached casts it to an unsigned size, so the cache has practically no memory limit` });
      return;
    }
    const unit = misleadingMemoryUnit(d.rest);
    const tooSmall = s.itemSizeMax > (d.value * 1024 * 1024) / 2;
    const exit = tooSmall
      ? `, less than twice the ${formatBytes(s.itemSizeMax)} item size, so memcached exits 64 ("Cannot set item size limit higher than 1/2 of memory max.")`
      : '';
    if (unit !== null) {
      ctx.report({ span, message: `${shown} gives a ${d.value} MB cache: memcached reads -m in megabytes and silently drops "${d.rest}"${exit}` });
    } else if (tooSmall) {
      ctx.report({ span, message: `${shown} is ${d.value} MB${exit}` });
    }
  },
});
