import { defineRule, security } from '../src/engine/rule.js';
import { occurrences, subOptionText, valuePartSpan } from '../src/engine/helpers.js';
import { isTlsSubOption, splitSubOptions, subOptionFailure } from '../src/memcached/extended.js';

export const rule = defineRule({
  id: 'MC604',
  slug: 'tls-options-ignored',
  severity: 'warning',
  // TLS settings without -Z: the file reads as encrypted, the traffic is not
  risk: security(5.9),
  summary: 'ssl_* sub-options without -Z are ignored',
  since: '0.1.0',
  phase: 'settings',
  dialects: 'all',
  sources: [
    { kind: 'memcached-doc', title: 'memcached(1): -Z, --enable-ssl; -o ssl_chain_cert, ssl_key, ssl_ca_cert, ssl_verify_mode, ssl_min_version' },
    { kind: 'memcached-source', file: 'memcached.c', at: 'main()', detail: 'ssl_init() runs only when settings.ssl_enabled' },
  ],
  fix: null,
  docs: {
    what:
      'Reports each `-o` option whose value holds `ssl_*` sub-options (`ssl_chain_cert`, `ssl_key`, `ssl_ca_cert`, ' +
      '`ssl_verify_mode`, `ssl_min_version`...) when `-Z` (`--enable-ssl`) is not given.',
    why:
      'memcached accepts the `ssl_*` sub-options without complaint but uses them only when `-Z` turns TLS on. ' +
      'Without it the certificate settings are silently ignored and every client talks to memcached in clear ' +
      'text, while the file reads as if TLS were configured.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n-l 10.0.0.5\n-o ssl_chain_cert=/etc/memcached/cert.pem,ssl_key=/etc/memcached/key.pem\n',
      good: '-u memcache\n-m 64\n-l 10.0.0.5\n-Z\n-o ssl_chain_cert=/etc/memcached/cert.pem,ssl_key=/etc/memcached/key.pem\n',
    },
    fix: 'None: add `-Z` once clients speak TLS, or remove the `ssl_*` sub-options.',
  },
  check(ctx) {
    if (ctx.model.unknownOf('sslEnabled', 'extended')) return; // the file does not decide it (template or host): MC910 says so
    if (ctx.model.applied.settings.sslEnabled) return;
    for (const o of occurrences(ctx, 'o')) {
      // Sub-options memcached refuses are MC806's: they stop the start before -Z matters.
      const subs = splitSubOptions(o.value ?? '').filter((s) => isTlsSubOption(s.name) && subOptionFailure(s, ctx.model.version) === null);
      if (subs.length === 0) continue;
      const first = subs[0];
      const last = subs[subs.length - 1];
      ctx.report({
        span: valuePartSpan(ctx, o, first.offset, last.offset + subOptionText(last).length),
        message: `${subs.map((s) => s.name).join(', ')} ${subs.length > 1 ? 'are' : 'is'} ignored because -Z is not given: memcached serves clients without TLS`,
      });
    }
  },
});
