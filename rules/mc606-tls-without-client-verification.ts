import { defineRule, security } from '../src/engine/rule.js';
import { listenEntrySpan, subOptionSpan } from '../src/engine/helpers.js';
import { safeStrtol } from '../src/memcached/numbers.js';

export const rule = defineRule({
  id: 'MC606',
  slug: 'tls-without-client-verification',
  severity: 'info',
  // TLS without client certificates: anyone completes the handshake
  risk: security(3.7),
  summary: 'TLS without client-certificate verification',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -o ssl_verify_mode (0: none, 1: request, 2: require, 3: once), ssl_ca_cert' },
    { kind: 'memcached-doc', title: 'memcached(1) 1.6.30+: -l btls:/mtls: listener prefixes' },
    { kind: 'memcached-doc', title: 'memcached wiki: TLS', url: 'https://github.com/memcached/memcached/wiki/TLS' },
  ],
  fix: null,
  docs: {
    what:
      'Reports `-Z` when `ssl_verify_mode` is 0 or not set (its default is 0, no client certificate asked for), ' +
      'unless every listener is an `mtls:` one (memcached 1.6.30+); and, whatever the verify mode, each `btls:` ' +
      'listener, which turns verification off for its address.',
    why:
      'Without client-certificate verification TLS only encrypts: any client that can reach the port still gets ' +
      'in. With `ssl_verify_mode=2` (require) and `ssl_ca_cert`, only clients holding a certificate from your CA ' +
      'can connect, which is the only authentication many memcached deployments can have.',
    example: {
      dialect: 'debian',
      bad:
        '-u memcache\n-m 64\n-l 10.0.0.5\n-Z\n' +
        '-o ssl_chain_cert=/etc/memcached/cert.pem,ssl_key=/etc/memcached/key.pem\n',
      good:
        '-u memcache\n-m 64\n-l 10.0.0.5\n-Z\n' +
        '-o ssl_chain_cert=/etc/memcached/cert.pem,ssl_key=/etc/memcached/key.pem,ssl_ca_cert=/etc/memcached/ca.pem,ssl_verify_mode=2\n',
    },
    fix: 'None: verification needs a CA and client certificates.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('sslEnabled', 'extended', 'listeners')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    if (!s.sslEnabled) return;
    const entries = s.socketpath === null ? ctx.model.entries.filter((e) => e.error === null) : [];
    const btls = entries.filter((e) => e.tls === 'btls');
    const sub = s.extended.get('ssl_verify_mode');
    const mode = sub?.value != null ? safeStrtol(sub.value) : 0;
    if (mode === 0) {
      // Listeners that use the global verify mode: every TLS listener but mtls: (verifies) and notls: (no TLS).
      const globalTls = s.inter === null || entries.some((e) => e.tls === 'default');
      if (globalTls) {
        ctx.report({
          span: sub ? subOptionSpan(ctx, sub.option, sub) : ctx.spanOf(ctx.model.applied.setBy.sslEnabled!),
          message: sub
            ? `ssl_verify_mode=${sub.value} with -Z: memcached asks no client certificate, so TLS encrypts but lets every client in`
            : '-Z without ssl_verify_mode (default 0): memcached asks no client certificate, so TLS encrypts but lets every client in',
        });
      }
    }
    for (const e of btls) {
      ctx.report({
        span: listenEntrySpan(ctx, e),
        message: `-l ${e.text} is a btls: listener: memcached asks its clients no certificate${mode ? ` although ssl_verify_mode=${sub?.value}` : ''}`,
      });
    }
  },
});
