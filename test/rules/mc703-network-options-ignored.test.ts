import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC703 network-options-ignored', () => {
  it('reports each -l and -p next to -s', () => {
    const r = lintText('-u memcache\n-s /run/memcached/memcached.sock\n-l 127.0.0.1\n-p 11211\n');
    const f = findings(r, 'MC703');
    expect(f).toHaveLength(2);
    expect(f.every((x) => x.severity === 'info')).toBe(true);
    expect(f.map((x) => pointedText(r, x))).toEqual(['-l 127.0.0.1', '-p 11211']);
    expect(f[0].line).toBe(3);
    expect(f[0].message).toContain('-s /run/memcached/memcached.sock');
    expect(f[0].message).toContain('no TCP or UDP listener');
  });

  it('reports -U that would open UDP but not -U 0 or -p 0', () => {
    const r = lintText('-u memcache\n-s /run/memcached/memcached.sock\n-U 11211\n-p 0\n-U 0\n');
    const f = findings(r, 'MC703');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('-U 11211');
  });

  it('accepts network options without -s, and -s alone', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-p 11211\n'), 'MC703')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-s /run/memcached/memcached.sock\n'), 'MC703')).toHaveLength(0);
  });
});
