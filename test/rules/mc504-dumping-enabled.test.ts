import { lintText, findings, fixOf } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';

describe('MC504 dumping-enabled', () => {
  it('reports a network-exposed instance without -X where -X would go, with a fix adding it', () => {
    const r = lintText('-u memcache\n-l 10.0.0.5\n# end\n');
    const f = findings(r, 'MC504');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('info');
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(1);
    expect(f[0].message).toContain('TCP 10.0.0.5:11211');
    expect(f[0].message).toContain('stats cachedump');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'set-option', letter: 'X', value: null }]);
  });

  it('accepts -X, loopback-only and unix-socket-only instances', () => {
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n-X\n'), 'MC504')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC504')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-s /run/memcached/memcached.sock\n'), 'MC504')).toHaveLength(0);
  });

  it('is silent before 1.4.34, which has no -X', () => {
    const options = { version: parseVersion('1.4.33')! };
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n', { options }), 'MC504')).toHaveLength(0);
  });
});
