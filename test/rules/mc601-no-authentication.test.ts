import { lintText, findings } from '../helpers/lint.js';

describe('MC601 no-authentication', () => {
  it('is an error for the wildcard memcached binds without -l', () => {
    const r = lintText('-u memcache\n-m 64\n');
    const f = findings(r, 'MC601');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(2); // the end of the last line: where the missing option goes
    expect(f[0].message).toContain('neither -S nor -Y');
    expect(f[0].message).toContain('TCP 0.0.0.0:11211');
  });

  it('is an error for a public address', () => {
    const f = findings(lintText('-u memcache\n-l 93.184.216.34\n'), 'MC601');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].message).toContain('TCP 93.184.216.34:11211');
  });

  it('is a warning for a private address', () => {
    const f = findings(lintText('-u memcache\n-l 10.0.0.5\n'), 'MC601');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].message).toContain('TCP 10.0.0.5:11211');
  });

  it('accepts -S, -Y, and loopback-only instances', () => {
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n-S\n'), 'MC601')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n-Y /etc/memcached/auth\n'), 'MC601')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC601')).toHaveLength(0);
  });
});
