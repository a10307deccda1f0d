import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC604 tls-options-ignored', () => {
  it('reports ssl_* sub-options without -Z at the -o value', () => {
    const r = lintText('-u memcache\n-l 10.0.0.5\n-o ssl_chain_cert=/etc/mc/cert.pem,ssl_key=/etc/mc/key.pem\n');
    const f = findings(r, 'MC604');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(4);
    expect(pointedText(r, f[0])).toBe('ssl_chain_cert=/etc/mc/cert.pem,ssl_key=/etc/mc/key.pem');
    expect(f[0].message).toContain('ssl_chain_cert, ssl_key are ignored');
    expect(f[0].message).toContain('-Z');
  });

  it('narrows to the ssl_* part of a mixed -o list', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-o modern,ssl_verify_mode=2\n');
    const f = findings(r, 'MC604');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('ssl_verify_mode=2');
    expect(f[0].message).toContain('ssl_verify_mode is ignored');
  });

  it('accepts ssl_* with -Z and -o without ssl_*', () => {
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n-Z\n-o ssl_chain_cert=/c.pem,ssl_key=/k.pem\n'), 'MC604')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n-o modern\n'), 'MC604')).toHaveLength(0);
  });
});
