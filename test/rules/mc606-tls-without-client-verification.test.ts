import { lintText, findings, pointedText } from '../helpers/lint.js';

const CERT = 'ssl_chain_cert=/etc/mc/cert.pem,ssl_key=/etc/mc/key.pem';

describe('MC606 tls-without-client-verification', () => {
  it('reports -Z without ssl_verify_mode at -Z', () => {
    const r = lintText(`-u memcache\n-l 10.0.0.5\n-Z\n-o ${CERT}\n`);
    const f = findings(r, 'MC606');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('info');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-Z');
    expect(f[0].message).toContain('default 0');
  });

  it('reports ssl_verify_mode=0 at the sub-option', () => {
    const r = lintText(`-u memcache\n-l 10.0.0.5\n-Z\n-o ${CERT},ssl_verify_mode=0\n`);
    const f = findings(r, 'MC606');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('ssl_verify_mode=0');
  });

  it('reports a btls: listener even with ssl_verify_mode=2', () => {
    const r = lintText(`-u memcache\n-l 10.0.0.5,btls:10.0.0.5:11212\n-Z\n-o ${CERT},ssl_verify_mode=2\n`);
    const f = findings(r, 'MC606');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('btls:10.0.0.5:11212');
    expect(f[0].message).toContain('btls:');
  });

  it('accepts ssl_verify_mode=2, mtls:-only listeners, and no -Z', () => {
    expect(findings(lintText(`-u memcache\n-l 10.0.0.5\n-Z\n-o ${CERT},ssl_verify_mode=2\n`), 'MC606')).toHaveLength(0);
    expect(findings(lintText(`-u memcache\n-l mtls:10.0.0.5\n-Z\n-o ${CERT}\n`), 'MC606')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n'), 'MC606')).toHaveLength(0);
  });
});
