import { lintText, findings, pointedText } from '../helpers/lint.js';

const CERT = 'ssl_chain_cert=/etc/mc/cert.pem,ssl_key=/etc/mc/key.pem';

describe('MC605 weak-tls-version', () => {
  it('reports ssl_min_version=0 (TLS 1.0) at the sub-option', () => {
    const r = lintText(`-u memcache\n-l 10.0.0.5\n-Z\n-o ${CERT},ssl_min_version=0\n`);
    const f = findings(r, 'MC605');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(4);
    expect(pointedText(r, f[0])).toBe('ssl_min_version=0');
    expect(f[0].message).toContain('TLS 1.0');
  });

  it('reports ssl_min_version=1 (TLS 1.1), and says it is ignored without -Z', () => {
    const f = findings(lintText('-u memcache\n-l 127.0.0.1\n-o ssl_min_version=1\n'), 'MC605');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('TLS 1.1');
    expect(f[0].message).toContain('ignored while -Z is off');
  });

  it('uses the effective value: a later -o overrides an earlier one', () => {
    expect(findings(lintText(`-u memcache\n-Z\n-o ${CERT},ssl_min_version=0\n-o ssl_min_version=2\n`), 'MC605')).toHaveLength(0);
    const r = lintText(`-u memcache\n-Z\n-o ${CERT},ssl_min_version=3\n-o ssl_min_version=1\n`);
    const f = findings(r, 'MC605');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(4);
  });

  it('accepts the default and TLS 1.2/1.3', () => {
    expect(findings(lintText(`-u memcache\n-Z\n-o ${CERT}\n`), 'MC605')).toHaveLength(0);
    expect(findings(lintText(`-u memcache\n-Z\n-o ${CERT},ssl_min_version=3\n`), 'MC605')).toHaveLength(0);
  });
});
