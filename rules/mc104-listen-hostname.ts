import { defineRule, security } from '../src/engine/rule.js';
import { classifiedEntries, listenEntrySpan } from '../src/engine/helpers.js';

export const rule = defineRule({
  id: 'MC104',
  slug: 'listen-hostname',
  severity: 'warning',
  // a host name: which interfaces listen depends on DNS at start-up
  risk: security(4.3),
  summary: 'an -l entry is a host name',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -l, --listen' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'server_socket()', detail: 'getaddrinfo() with AI_PASSIVE' },
  ],
  fix: null,
  docs: {
    what:
      'Reports every `-l` entry that is a host name rather than a numeric address. `localhost` is accepted: it resolves ' +
      'from `/etc/hosts` to loopback addresses.',
    why:
      'memcached resolves the name with `getaddrinfo()` when it starts and binds every address it gets back, so what it ' +
      'listens on depends on DNS at boot: the name may resolve to a public address, and a name that does not resolve ' +
      '(or resolves to an address this machine does not have) makes memcached exit with status 71.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-p 11211\n-l cache.example.internal\n',
      good: '-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n',
    },
    fix: 'None: replace the name with the address it should mean.',
  },
  check(ctx) {
    // A listen value no realistic host resolves (`$LISTEN` passed literally, a name /bin/sh made of `*`): certain.
    const st = ctx.model.startup;
    if (!st.ok && st.certain && !st.unknown && st.exitCode === 71 && st.option?.spec.short === 'l' && /getaddrinfo/.test(st.reason)) {
      ctx.report({ span: ctx.spanOf(st.option), message: `-l ${st.option.value}: memcached exits 71 (${st.reason})` });
      return;
    }
    if (ctx.model.unknownOf('listeners')) return; // the file does not decide it (template or host): MC910 says so
    for (const { entry, cls } of classifiedEntries(ctx)) {
      if (cls !== 'hostname' || entry.host === null || entry.host.toLowerCase() === 'localhost') continue;
      ctx.report({
        span: listenEntrySpan(ctx, entry),
        message: `-l ${entry.text} names the host "${entry.host}": memcached binds whatever it resolves to at start, and exits 71 if it does not resolve to an address of this machine`,
      });
    }
  },
});
