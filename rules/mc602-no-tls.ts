import { defineRule, security } from '../src/engine/rule.js';
import { exposedListenerList, listenEntrySpan } from '../src/engine/helpers.js';
import { atLeast } from '../src/memcached/version.js';

export const rule = defineRule({
  id: 'MC602',
  slug: 'no-tls',
  severity: 'info',
  // clear text on the network: keys, values, credentials readable in transit
  risk: security(4.8),
  summary: 'a network-exposed TCP listener without TLS',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -Z, --enable-ssl; -o ssl_chain_cert, ssl_key' },
    { kind: 'memcached-doc', title: 'memcached wiki: TLS', url: 'https://github.com/memcached/memcached/wiki/TLS' },
  ],
  fix: null,
  docs: {
    what:
      'Reports a memcached that listens over TCP on a non-loopback address (the wildcard that memcached binds ' +
      'without `-l` included) without `-Z` (`--enable-ssl`), and, with `-Z`, each such listener that a `notls:` ' +
      'prefix keeps in clear text. Only for memcached 1.5.13 and later, where TLS exists.',
    why:
      'Without TLS, keys, values and any `-Y`/SASL credentials cross the network in clear text, readable and ' +
      'alterable by anything on the path.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 10.0.0.5\n',
      good:
        '-u memcache\n-m 64\n-l 10.0.0.5\n-Z\n' +
        '-o ssl_chain_cert=/etc/memcached/cert.pem,ssl_key=/etc/memcached/key.pem\n',
    },
    fix: 'None: TLS needs a certificate and key, and clients that speak TLS.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('sslEnabled', 'listeners')) return; // the file does not decide it (template or host): MC910 says so
    if (!atLeast(ctx.model.version, '1.5.13')) return;
    const s = ctx.model.applied.settings;
    const clear = (c: (typeof ctx.exposure.listeners)[number]) => c.cls !== 'loopback' && c.listener.transport === 'tcp' && !c.listener.tls;
    const plain = ctx.exposure.listeners.filter(clear);
    if (plain.length === 0) return;
    if (!s.sslEnabled) {
      const list = exposedListenerList(ctx, clear);
      ctx.report({ span: ctx.insertionPoint(), message: `no -Z: keys, values and any credentials travel to ${list} in clear text` });
      return;
    }
    // With -Z, only listeners of a `notls:` entry stay in clear text: report each such entry.
    const entries = [...new Set(plain.map((c) => c.listener.entry).filter((e): e is NonNullable<typeof e> => e !== null))];
    for (const e of entries) {
      const these = exposedListenerList(ctx, (c) => clear(c) && c.listener.entry === e);
      ctx.report({ span: listenEntrySpan(ctx, e), message: `-l ${e.text} keeps ${these} in clear text although -Z is on` });
    }
  },
});
