import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC404 numeric-truncated', () => {
  it('reports -p 21217x at the value and says what memcached keeps', () => {
    const r = lintText('-u memcache\n-p 21217x\n-l 127.0.0.1\n');
    const f = findings(r, 'MC404');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(2);
    expect(f[0].column).toBe(4);
    expect(pointedText(r, f[0])).toBe('21217x');
    expect(f[0].message).toContain('reads 21217');
    expect(f[0].message).toContain('drops "x"');
  });

  it('reports -m 64M (still 64 MB) and -c 1k (1 connection)', () => {
    const m = findings(lintText('-u memcache\n-m 64M\n'), 'MC404');
    expect(m).toHaveLength(1);
    expect(m[0].message).toContain('reads 64');
    expect(m[0].message).toContain('megabytes anyway');
    const c = findings(lintText('-u memcache\n-c 1k\n'), 'MC404');
    expect(c[0].message).toContain('reads 1 and silently drops "k"');
  });

  it('points inside an attached value', () => {
    const r = lintText('-u memcache\n-t2.5\n');
    const f = findings(r, 'MC404');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('2.5');
    expect(f[0].column).toBe(3);
  });

  it('reports PORT="11211 -A" in a sysconfig file: the -A is lost', () => {
    const r = lintText('PORT="11211 -A"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n', { dialect: 'sysconfig' });
    const f = findings(r, 'MC404');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(1);
    expect(f[0].message).toContain('drops " -A"');
  });

  it('accepts plain numbers, leaves -m 2g to MC403 and ignores overridden values', () => {
    expect(findings(lintText('-u memcache\n-p 11211\n-m 64\n-c 1024\n-t 4\n'), 'MC404')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-m 2g\n'), 'MC404')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-p 21217x\n-p 11211\n'), 'MC404')).toHaveLength(0);
    // -f is read with atof, not atoi.
    expect(findings(lintText('-u memcache\n-f 1.25\n'), 'MC404')).toHaveLength(0);
  });
});
