import { lintText, findings, fixOf } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';

describe('MC111 udp-not-explicitly-disabled', () => {
  it('gives advice where -U 0 would go when UDP is off only by default', () => {
    const r = lintText('-u memcache\n-m 64\n-p 11211\n-l 127.0.0.1\n# end\n');
    const f = findings(r, 'MC111');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('info');
    expect(f[0].line).toBe(5);
    expect(f[0].column).toBe(1);
    expect(f[0].message).toContain('no -U 0');
    expect(f[0].message).toContain('1.5.6');
    expect(fixOf(f[0])?.intents).toEqual([expect.objectContaining({ kind: 'set-option', letter: 'U', value: '0' })]);
  });

  it('is a warning before 1.5.6, where UDP is off only because -p 0 is copied to it', () => {
    const r = lintText('-u memcache\n-p 0\n-s /run/memcached/memcached.sock\n', { options: { version: parseVersion('1.4.15')! } });
    expect(findings(r, 'MC111')).toHaveLength(0); // -s: no network at all
    const f = findings(lintText('-u memcache\n-p 0\n-l 127.0.0.1\n', { options: { version: parseVersion('1.4.15')! } }), 'MC111');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(3);
    expect(f[0].message).toContain('memcached 1.4.15 (before 1.5.6)');
  });

  it('accepts an explicit -U 0, in any spelling', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-U 0\n'), 'MC111')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-U0\n'), 'MC111')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n--udp-port=0\n'), 'MC111')).toHaveLength(0);
  });

  it('leaves UDP that is on to MC110 (including the pre-1.5.6 default) and skips unix sockets', () => {
    const old = lintText('-u memcache\n-l 127.0.0.1\n', { options: { version: parseVersion('1.4.15')! } });
    expect(findings(old, 'MC111')).toHaveLength(0);
    expect(findings(old, 'MC110')).toHaveLength(1);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-U 11211\n'), 'MC111')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-s /run/memcached/memcached.sock\n'), 'MC111')).toHaveLength(0);
  });
});
