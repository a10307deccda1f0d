import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC104 listen-hostname', () => {
  it('reports a host name, saying memcached exits 71 when it does not resolve', () => {
    const r = lintText('-u memcache\n-m 64\n-l memcached.default.svc.cluster.local\n');
    const f = findings(r, 'MC104');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(4);
    expect(pointedText(r, f[0])).toBe('memcached.default.svc.cluster.local');
    expect(f[0].message).toContain('"memcached.default.svc.cluster.local"');
    expect(f[0].message).toContain('71');
  });

  it('reports a placeholder left in a template and a host name with a port', () => {
    expect(findings(lintText('-u memcache\n-l MGMT_IP\n'), 'MC104')).toHaveLength(1);
    const r = lintText('-u memcache\n-l 127.0.0.1,cache01:11300\n');
    const f = findings(r, 'MC104');
    expect(pointedText(r, f[0])).toBe('cache01:11300');
  });

  it('accepts numeric addresses and localhost', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1,::1\n'), 'MC104')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l localhost\n'), 'MC104')).toHaveLength(0);
  });
});
