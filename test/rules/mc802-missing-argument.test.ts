import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC802 missing-argument', () => {
  it('reports an option at the end of the command line without its value: exit 1', () => {
    const r = lintText('-u memcache\n-m 64\n-l\n');
    const f = findings(r, 'MC802');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-l');
    expect(f[0].message).toContain('exits 1');
    expect(f[0].message).toContain("option requires an argument -- 'l'");
  });

  it('reports an option that swallows the next option as its value', () => {
    const r = lintText('-u memcache\n-p\n-l 127.0.0.1\n');
    const f = findings(r, 'MC802');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('-p\n-l');
    expect(f[0].message).toContain('"-l"');
  });

  it('accepts values, including a negative port (-p -1)', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-p -1\n'), 'MC802')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l127.0.0.1\n--port=11211\n'), 'MC802')).toHaveLength(0);
  });
});
