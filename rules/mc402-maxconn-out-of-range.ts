import { correctness, defineRule } from '../src/engine/rule.js';
import { describeOption, lastOccurrence, valuePartSpan } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC402',
  slug: 'maxconn-out-of-range',
  severity: 'warning',
  risk: correctness(),
  summary: '-c is unusually low or high',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -c, --conn-limit' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'setrlimit(RLIMIT_NOFILE) to maxconns' },
    { kind: 'memcached-doc', title: 'memcached issue #218: unable to start when MAXCONN is above the open-file limit', url: 'https://github.com/memcached/memcached/issues/218' },
  ],
  fix: null,
  docs: {
    what:
      'Reports an effective `-c` (`MAXCONN`) below 64 or above 65536. Both thresholds can be changed with `maxconn-low` ' +
      'and `maxconn-high` in `.mchardrc`.',
    why:
      'memcached sets its open-file limit to exactly `-c`. A very low value leaves too few descriptors for the listeners and ' +
      'the worker threads, and start-up fails with misleading errors ("Too many open files", even "can\'t find the user ' +
      '… to switch to", exit 1, 67 or 71). A very high value fails with exit 71 ("failed to set rlimit for open files") ' +
      'wherever the limit cannot be raised that far: containers, non-root starts, units without CAP_SYS_RESOURCE.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-c 20\n-l 127.0.0.1\n',
      good: '-u memcache\n-m 64\n-c 1024\n-l 127.0.0.1\n',
    },
    fix: 'None: choose a connection limit between the thresholds (memcached\'s default is 1024).',
  },
  check(ctx) {
    const o = lastOccurrence(ctx, 'c');
    if (!o || ctx.model.optionUnknown(o)) return;
    const n = ctx.model.applied.settings.maxconns;
    if (n <= 0) return; // MC401
    const { maxconnLow: low, maxconnHigh: high } = ctx.options;
    const st = ctx.model.startup;
    const failsHere = !st.ok && st.option === o;
    const shown = describeOption(ctx, o);
    if (n < low) {
      ctx.report({
        span: valuePartSpan(ctx, o),
        message: failsHere
          ? `${shown} is below ${low}: with so few file descriptors memcached fails to start with misleading errors (${st.reason})`
          : `${shown} is below ${low}: with so few file descriptors memcached may fail to start with misleading errors, or turn clients away`,
      });
    } else if (n > high) {
      ctx.report({
        span: valuePartSpan(ctx, o),
        message: `${shown} is above ${high}: memcached sets the open-file limit to ${n} and exits 71 ("failed to set rlimit for open files") wherever that limit cannot be raised`,
      });
    }
  },
});
