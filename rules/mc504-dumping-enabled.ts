import { defineRule, security } from '../src/engine/rule.js';
import { exposedListenerList } from '../src/engine/helpers.js';
import { releaseHas } from '../src/memcached/model.js';

export const rule = defineRule({
  id: 'MC504',
  slug: 'dumping-enabled',
  severity: 'info',
  // anyone reaching it lists the keys
  risk: security(5.3),
  summary: 'key dumps are allowed on a network-exposed instance',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -X, --disable-dumping' },
    { kind: 'memcached-doc', title: 'memcached 1.4.34 release notes' },
  ],
  fix: {
    safety: 'safe',
    why: 'Only tools that list the keys (memcached-tool dump, lru_crawler metadump) stop working; clients that read and write items are not affected.',
    build: (_ctx, _state: true) => ({ description: 'disable key dumps with -X', intents: [{ kind: 'set-option', letter: 'X', value: null }] }),
  },
  docs: {
    what:
      'Reports a memcached that listens on a non-loopback address (the wildcard that memcached binds without `-l` ' +
      'included) without `-X` (`--disable-dumping`). Only for memcached 1.4.34 and later, where `-X` exists.',
    why:
      'Without `-X`, any client can list the keys held in the cache with `stats cachedump` and ' +
      '`lru_crawler metadump` (and, in recent releases, per-prefix `stats detail`), which makes it easy to find and ' +
      'read everything worth reading. Applications almost never need these commands.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 10.0.0.5\n-S\n',
      good: '-u memcache\n-m 64\n-l 10.0.0.5\n-S\n-X\n',
    },
    fix: 'Adds `-X`.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('dumpEnabled', 'listeners')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    // -X came in 1.4.34: when the file does not decide the release, an older one would refuse it (no fix).
    const has = releaseHas(ctx.model, '1.4.34');
    if (!s.dumpEnabled || !ctx.exposure.networkExposed || has === false) return;
    ctx.report({
      span: ctx.insertionPoint(),
      message:
        `no -X: any client that can reach ${exposedListenerList(ctx)} can list the cached keys with "stats cachedump" and "lru_crawler metadump"` +
        (has === null ? `; -X exists from 1.4.34 and older releases refuse to start with it, so whether it can be added depends on the release (${ctx.model.versionUnknown!.decide} decides)` : ''),
      ...(has ? { fix: true } : {}),
    });
  },
});
