import { lintText, findings } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';

describe('MC505 flush-all-enabled', () => {
  it('reports a network-exposed instance without -F', () => {
    const r = lintText('-u memcache\n-p 11211\n');
    const f = findings(r, 'MC505');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('info');
    expect(f[0].line).toBe(2); // the end of the last line: where the missing option goes
    expect(f[0].message).toContain('flush_all');
    expect(f[0].message).toContain('TCP 0.0.0.0:11211');
    expect(f[0].fix).toBeNull();
  });

  it('accepts -F and a loopback-only instance', () => {
    expect(findings(lintText('-u memcache\n-l 192.168.1.10\n-F\n'), 'MC505')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1,::1\n'), 'MC505')).toHaveLength(0);
  });

  it('is silent before 1.4.17, which has no -F', () => {
    const options = { version: parseVersion('1.4.15')! };
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n', { options }), 'MC505')).toHaveLength(0);
  });
});
