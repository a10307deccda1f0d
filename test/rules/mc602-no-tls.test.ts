import { lintText, findings, pointedText } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';

const CERT = '-o ssl_chain_cert=/etc/memcached/cert.pem,ssl_key=/etc/memcached/key.pem\n';

describe('MC602 no-tls', () => {
  it('reports a network-exposed TCP listener without -Z', () => {
    const r = lintText('-u memcache\n-l 10.0.0.5\n');
    const f = findings(r, 'MC602');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('info');
    expect(f[0].line).toBe(2); // the end of the last line: where the missing option goes
    expect(f[0].message).toContain('no -Z');
    expect(f[0].message).toContain('TCP 10.0.0.5:11211');
  });

  it('with -Z, reports a notls: entry on a non-loopback address at the entry', () => {
    const r = lintText(`-u memcache\n-Z\n${CERT}-l 10.0.0.5,notls:10.0.0.5:11212\n`);
    const f = findings(r, 'MC602');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(4);
    expect(pointedText(r, f[0])).toBe('notls:10.0.0.5:11212');
    expect(f[0].message).toContain('TCP 10.0.0.5:11212');
  });

  it('accepts -Z, and loopback-only instances', () => {
    expect(findings(lintText(`-u memcache\n-l 10.0.0.5\n-Z\n${CERT}`), 'MC602')).toHaveLength(0);
    expect(findings(lintText(`-u memcache\n-l 127.0.0.1\n`), 'MC602')).toHaveLength(0);
  });

  it('is silent before 1.5.13, which has no TLS', () => {
    const options = { version: parseVersion('1.5.12')! };
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n', { options }), 'MC602')).toHaveLength(0);
  });
});
