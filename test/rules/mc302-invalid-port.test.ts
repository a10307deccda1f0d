import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC302 invalid-port', () => {
  it('reports -p abc: atoi gives 0 and TCP is silently off', () => {
    const r = lintText('-u memcache\n-p abc\n-l 127.0.0.1\n');
    const f = findings(r, 'MC302');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(2);
    expect(f[0].column).toBe(4);
    expect(pointedText(r, f[0])).toBe('abc');
    expect(f[0].message).toContain('-p abc is not a port number');
    expect(f[0].message).toContain('silently disabled');
  });

  it('reports -p 70000: exit 64', () => {
    const r = lintText('-u memcache\n-p 70000\n');
    const f = findings(r, 'MC302');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('70000');
    expect(f[0].message).toContain('exits 64');
    expect(f[0].message).toContain('Invalid port number 70000');
  });

  it('reports -U 70000: not range-checked, UDP wraps to 4464', () => {
    const f = findings(lintText('-u memcache\n-p 11211\n-U 70000\n'), 'MC302');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('UDP port 4464');
  });

  it('reports a negative port: exit 71', () => {
    const f = findings(lintText('-u memcache\n-p -5\n'), 'MC302');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('exits 71');
  });

  it('reports an -l entry with a port that is not a number: exit 71', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1:abc\n');
    const f = findings(r, 'MC302');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('127.0.0.1:abc');
    expect(f[0].message).toContain('exits 71');
  });

  it('accepts valid ports, the ephemeral -1, and leaves trailing text to MC404', () => {
    expect(findings(lintText('-u memcache\n-p 11211\n-U 0\n-l 127.0.0.1:11300\n'), 'MC302')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-p -1\n'), 'MC302')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-p 21217x\n'), 'MC302')).toHaveLength(0);
    // Only the value memcached keeps (the last one) matters.
    expect(findings(lintText('-u memcache\n-p abc\n-p 11211\n'), 'MC302')).toHaveLength(0);
  });
});
