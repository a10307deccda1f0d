import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC503 coredumps-enabled', () => {
  it('reports -r', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-r\n');
    const f = findings(r, 'MC503');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('info');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-r');
    expect(f[0].message).toContain('core file');
  });

  it('reports --enable-coredumps', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n--enable-coredumps\n');
    expect(pointedText(r, findings(r, 'MC503')[0])).toBe('--enable-coredumps');
  });

  it('accepts a file without -r', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC503')).toHaveLength(0);
  });
});
