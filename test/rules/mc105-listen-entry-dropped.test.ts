import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC105 listen-entry-dropped', () => {
  it('reports -l 127.0.0.1 after -l 127.0.0.11 (a substring, so memcached drops it)', () => {
    const r = lintText('-u memcache\n-m 64\n-l 127.0.0.11\n-l 127.0.0.1\n');
    const f = findings(r, 'MC105');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(4);
    expect(f[0].column).toBe(1);
    expect(pointedText(r, f[0])).toBe('-l 127.0.0.1');
    expect(f[0].message).toContain('-l 127.0.0.1 is silently dropped');
    expect(f[0].message).toContain('earlier -l 127.0.0.11');
  });

  it('names the accumulated list when no single earlier value contains the dropped one', () => {
    const r = lintText('-u memcache\n-l 10.0.0.1\n-l 10.0.0.2\n-l 1,10\n');
    const f = findings(r, 'MC105');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('"10.0.0.1,10.0.0.2"');
  });

  it('does not report an identical repeated address (nothing is lost)', () => {
    expect(findings(lintText('-u memcache\n-l 10.0.16.6\n-l 10.0.16.6\n'), 'MC105')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1,::1\n-l ::1\n'), 'MC105')).toHaveLength(0);
  });

  it('accepts the shorter address first', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-l 127.0.0.11\n'), 'MC105')).toHaveLength(0);
  });
});
