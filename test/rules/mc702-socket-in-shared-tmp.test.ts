import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC702 socket-in-shared-tmp', () => {
  it('reports a socket under /tmp', () => {
    const r = lintText('-u memcache\n-s /tmp/memcached.sock\n');
    const f = findings(r, 'MC702');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('-s /tmp/memcached.sock');
    expect(f[0].message).toContain('/tmp');
    expect(f[0].message).toContain('PrivateTmp');
  });

  it('reports a socket under /var/tmp, also written un-normalised', () => {
    expect(findings(lintText('-u memcache\n-s /var/tmp/mc/mc.sock\n'), 'MC702')[0].message).toContain('/var/tmp');
    expect(findings(lintText('-u memcache\n-s //tmp/./mc.sock\n'), 'MC702')).toHaveLength(1);
  });

  it('accepts /run/memcached and a path that merely starts with "tmp"', () => {
    expect(findings(lintText('-u memcache\n-s /run/memcached/memcached.sock\n'), 'MC702')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-s /tmpfs/memcached.sock\n'), 'MC702')).toHaveLength(0);
  });
});
