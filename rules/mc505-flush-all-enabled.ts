import { defineRule, security } from '../src/engine/rule.js';
import { exposedListenerList } from '../src/engine/helpers.js';
import { releaseHas } from '../src/memcached/model.js';

export const rule = defineRule({
  id: 'MC505',
  slug: 'flush-all-enabled',
  severity: 'info',
  // anyone reaching it empties the cache
  risk: security(5.3),
  summary: 'flush_all is allowed on a network-exposed instance',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -F, --disable-flush-all' },
    { kind: 'memcached-doc', title: 'memcached 1.4.17 release notes' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a memcached that listens on a non-loopback address (the wildcard that memcached binds without `-l` ' +
      'included) without `-F` (`--disable-flush-all`). Only for memcached 1.4.17 and later, where `-F` exists.',
    why:
      'Without `-F`, any client that can reach the port can invalidate the whole cache with one `flush_all`, ' +
      'sending the full load to the backing database at once.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 10.0.0.5\n-S\n',
      good: '-u memcache\n-m 64\n-l 10.0.0.5\n-S\n-F\n',
    },
    fix: 'None: some deployments (and client libraries\' tests) use `flush_all` on purpose; add `-F` if yours does not.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('flushEnabled', 'listeners')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    const has = releaseHas(ctx.model, '1.4.17');
    if (!s.flushEnabled || !ctx.exposure.networkExposed || has === false) return;
    ctx.report({
      span: ctx.insertionPoint(),
      message:
        `no -F: any client that can reach ${exposedListenerList(ctx)} can empty the whole cache with "flush_all"` +
        (has === null ? `; -F exists from 1.4.17, so whether it can be added depends on the release (${ctx.model.versionUnknown!.decide} decides)` : ''),
    });
  },
});
