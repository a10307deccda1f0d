import { defineRule, security } from '../src/engine/rule.js';
import { subOptionSpan } from '../src/engine/helpers.js';
import { safeStrtol } from '../src/memcached/numbers.js';

const NAMES: Record<number, string> = { 0: 'TLS 1.0', 1: 'TLS 1.1' };

export const rule = defineRule({
  id: 'MC605',
  slug: 'weak-tls-version',
  severity: 'warning',
  // TLS 1.0/1.1 allowed
  risk: security(5.3),
  summary: 'ssl_min_version allows TLS 1.0 or 1.1',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -o ssl_min_version (0: TLSv1, 1: TLSv1.1, 2: TLSv1.2 (default), 3: TLSv1.3)' },
    { kind: 'reference', title: 'RFC 8996: Deprecating TLS 1.0 and TLS 1.1' },
  ],
  fix: null,
  docs: {
    what:
      'Reports `-o ssl_min_version=0` (TLS 1.0) or `=1` (TLS 1.1), the effective value when `-o` sets it more than ' +
      'once. The default since memcached 1.6.11 is 2 (TLS 1.2).',
    why:
      'TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on SHA-1 and older cipher constructions and allow ' +
      'downgrade attacks. Lowering the minimum only helps clients that should be upgraded.',
    example: {
      dialect: 'debian',
      bad:
        '-u memcache\n-m 64\n-l 10.0.0.5\n-Z\n' +
        '-o ssl_chain_cert=/etc/memcached/cert.pem,ssl_key=/etc/memcached/key.pem,ssl_min_version=0\n',
      good:
        '-u memcache\n-m 64\n-l 10.0.0.5\n-Z\n' +
        '-o ssl_chain_cert=/etc/memcached/cert.pem,ssl_key=/etc/memcached/key.pem\n',
    },
    fix: 'None: remove `ssl_min_version` (or set it to 2 or 3) once the clients support TLS 1.2.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('sslEnabled', 'extended')) return; // the file does not decide it (template or host): MC910 says so
    const s = ctx.model.applied.settings;
    const sub = s.extended.get('ssl_min_version');
    if (!sub || sub.value === null) return;
    const n = safeStrtol(sub.value);
    if (n !== 0 && n !== 1) return;
    ctx.report({
      span: subOptionSpan(ctx, sub.option, sub),
      message:
        `ssl_min_version=${sub.value} lets clients connect with ${NAMES[n]}, deprecated and open to downgrade attacks` +
        (s.sslEnabled ? '' : ' (ignored while -Z is off)'),
    });
  },
});
