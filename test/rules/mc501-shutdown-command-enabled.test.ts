import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

describe('MC501 shutdown-command-enabled', () => {
  it('reports -A as an error when memcached listens on every interface (no -l)', () => {
    const r = lintText('-u memcache\n-m 64\n-A\n');
    const f = findings(r, 'MC501');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(1);
    expect(pointedText(r, f[0])).toBe('-A');
    expect(f[0].message).toContain('"shutdown"');
    expect(f[0].message).toContain('TCP 0.0.0.0:11211');
  });

  it('is a warning when memcached listens on loopback only', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n--enable-shutdown\n');
    const f = findings(r, 'MC501');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(pointedText(r, f[0])).toBe('--enable-shutdown');
    expect(f[0].message).toContain('local');
  });

  it('points at the letter inside a cluster and removes every occurrence', () => {
    const r = lintText('-u memcache\n-l 10.0.0.5\n-vA\n-A\n');
    const f = findings(r, 'MC501');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(3);
    expect(pointedText(r, f[0])).toBe('A');
    expect(fixOf(f[0])?.intents).toHaveLength(2);
    expect(fixOf(f[0])?.intents.every((i) => i.kind === 'remove-option')).toBe(true);
  });

  it('accepts a file without -A', () => {
    expect(findings(lintText('-u memcache\n-m 64\n-l 127.0.0.1\n'), 'MC501')).toHaveLength(0);
  });
});
