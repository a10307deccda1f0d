import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';

describe('MC110 udp-enabled', () => {
  it('reports -U 11211 at the option, with the -U 0 fix', () => {
    const r = lintText('-u memcache\n-p 11211\n-l 127.0.0.1\n-U 11211\n');
    const f = findings(r, 'MC110');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(4);
    expect(pointedText(r, f[0])).toBe('-U 11211');
    expect(f[0].message).toContain('opens UDP port 11211 on the -l addresses (127.0.0.1)');
    expect(fixOf(f[0])?.intents).toEqual([expect.objectContaining({ kind: 'set-option', letter: 'U', value: '0' })]);
  });

  it('says that -U N without -p moves TCP too, and keeps TCP on N in the fix', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-U 31400\n');
    const f = findings(r, 'MC110');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('also moves TCP to port 31400');
    expect(fixOf(f[0])?.intents).toEqual([
      expect.objectContaining({ kind: 'set-option', letter: 'U', value: '0' }),
      expect.objectContaining({ kind: 'set-option', letter: 'p', value: '31400' }),
    ]);
  });

  it('reports the pre-1.5.6 default at the insertion point, on the -p port', () => {
    const r = lintText('-u memcache\n-p 11300\n-l 127.0.0.1\n', { options: { version: parseVersion('1.4.15')! } });
    const f = findings(r, 'MC110');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(13);
    expect(f[0].message).toContain('memcached 1.4.15 (before 1.5.6) opens UDP port 11300');
  });

  it('accepts -U 0, no -U on 1.5.6 and later, and a unix socket', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-U 0\n'), 'MC110')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC110')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n', { options: { version: parseVersion('1.5.6')! } }), 'MC110')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-s /run/memcached/memcached.sock\n-U 11211\n'), 'MC110')).toHaveLength(0);
  });
});
