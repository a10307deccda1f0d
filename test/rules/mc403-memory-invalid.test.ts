import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC403 memory-invalid', () => {
  it('reports -m 2g: a 2 MB cache', () => {
    const r = lintText('-u memcache\n-m 2g\n-l 127.0.0.1\n');
    const f = findings(r, 'MC403');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(2);
    expect(f[0].column).toBe(4);
    expect(pointedText(r, f[0])).toBe('2g');
    expect(f[0].message).toContain('-m 2g gives a 2 MB cache');
    expect(f[0].message).toContain('"g"');
  });

  it('reports -m abc, -m 0 and -m 1: exit 64', () => {
    for (const v of ['abc', '0', '1']) {
      const f = findings(lintText(`-u memcache\n-m ${v}\n`), 'MC403');
      expect(f).toHaveLength(1);
      expect(f[0].message).toContain('exits 64');
    }
  });

  it('reports -m 1g (1 MB, below twice the item size) with both problems', () => {
    const f = findings(lintText('-u memcache\n-m 1g\n'), 'MC403');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('1 MB');
    expect(f[0].message).toContain('exits 64');
  });

  it('reports -m 64 with -I 64m: less than twice the item size', () => {
    const f = findings(lintText('-u memcache\n-I 64m\n-m 64\n'), 'MC403');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(3);
    expect(f[0].message).toContain('64 MB item size');
  });

  it('reports a negative -m', () => {
    const f = findings(lintText('-u memcache\n-m -64\n'), 'MC403');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('negative');
  });

  it('accepts plain megabytes, -m 2, and leaves -m 64M to MC404', () => {
    expect(findings(lintText('-u memcache\n-m 2048\n'), 'MC403')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-m 2\n'), 'MC403')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-m 64M\n'), 'MC403')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-m 2g\n-m 64\n'), 'MC403')).toHaveLength(0);
  });
});
