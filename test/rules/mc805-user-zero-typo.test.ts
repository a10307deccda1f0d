import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

describe('MC805 user-zero-typo', () => {
  it('reports -u 0 (exit 67) and replaces it with -U 0, keeping the earlier -u', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-u 0\n');
    const f = findings(r, 'MC805');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-u 0');
    expect(f[0].message).toContain('user named "0"');
    expect(f[0].message).toContain('exit 67');
    expect(f[0].message).toContain('-U 0');
    const intents = fixOf(f[0])!.intents;
    expect(intents).toEqual([
      expect.objectContaining({ kind: 'remove-option' }),
      expect.objectContaining({ kind: 'set-option', letter: 'U', value: '0' }),
    ]);
    expect(fixOf(f[0])!.safety).toBe('unsafe');
  });

  it('sets the service user instead of removing the only -u', () => {
    const f = findings(lintText('-u 0\n-l 127.0.0.1\n'), 'MC805');
    expect(f).toHaveLength(1);
    expect(fixOf(f[0])!.intents).toEqual([
      expect.objectContaining({ kind: 'set-option', letter: 'u', value: 'memcache' }),
      expect.objectContaining({ kind: 'set-option', letter: 'U', value: '0' }),
    ]);
  });

  it('accepts -U 0, and a -u 0 that a later -u overrides', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-U 0\n'), 'MC805')).toHaveLength(0);
    expect(findings(lintText('-u 0\n-u memcache\n-l 127.0.0.1\n'), 'MC805')).toHaveLength(0);
  });
});
