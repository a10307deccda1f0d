import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC203 privileged-port', () => {
  it('reports -p 80 with a non-root user: exit 71', () => {
    const r = lintText('-u nobody\n-p 80\n-l 127.0.0.1\n');
    const f = findings(r, 'MC203');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('-p 80');
    expect(f[0].message).toContain('TCP port 80');
    expect(f[0].message).toContain('user nobody');
    expect(f[0].message).toContain('exits 71');
  });

  it('reports a privileged port in an -l entry at the entry', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1:443\n');
    const f = findings(r, 'MC203');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('127.0.0.1:443');
  });

  it('reports -U 53 without -p once, for TCP and UDP', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-U 53\n');
    const f = findings(r, 'MC203');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(3);
    expect(f[0].message).toContain('TCP and UDP port 53');
  });

  it('accepts root, unprivileged ports, port 0 and unix sockets', () => {
    expect(findings(lintText('-u root\n-p 80\n'), 'MC203')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-p 11211\n-l 127.0.0.1\n'), 'MC203')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-p 0\n-s /run/memcached/memcached.sock\n'), 'MC203')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-p 80\n-s /run/memcached/memcached.sock\n'), 'MC203')).toHaveLength(0);
  });
});
