import { defineRule, security } from '../src/engine/rule.js';
import { exposedListenerList } from '../src/engine/helpers.js';
import { releaseHas } from '../src/memcached/model.js';

export const rule = defineRule({
  id: 'MC506',
  slug: 'watch-enabled',
  severity: 'info',
  // anyone reaching it streams other clients' keys
  risk: security(5.3),
  summary: 'the watch command is allowed on a network-exposed instance',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -W, --disable-watch' },
    { kind: 'memcached-doc', title: 'memcached 1.5.21 release notes; doc/protocol.txt "watch"' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a memcached that listens on a non-loopback address (the wildcard that memcached binds without `-l` ' +
      'included) without `-W` (`--disable-watch`). Only for memcached 1.5.21 and later, where `-W` exists; before ' +
      'that the command cannot be turned off.',
    why:
      'The `watch` command streams memcached\'s internal log to the client: fetches, mutations and evictions with ' +
      'their keys, as they happen. Any client that can reach the port can follow what every other client does.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 10.0.0.5\n-S\n',
      good: '-u memcache\n-m 64\n-l 10.0.0.5\n-S\n-W\n',
    },
    fix: 'None: `watch` is a debugging aid some operators use; add `-W` if yours do not.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('watchEnabled', 'listeners')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    // "watch" came in 1.5.21; when the file does not decide the release, only if it is that or newer.
    const has = releaseHas(ctx.model, '1.5.21');
    if (!s.watchEnabled || !ctx.exposure.networkExposed || has === false) return;
    ctx.report({
      span: ctx.insertionPoint(),
      message: `no -W: any client that can reach ${exposedListenerList(ctx)} can stream the keys other clients use with "watch"${has === null ? ` if the release is 1.5.21 or later, which has it (${ctx.model.versionUnknown!.decide} decides the release)` : ''}`,
    });
  },
});
