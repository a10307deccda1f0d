import { lintText, findings } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';

describe('MC506 watch-enabled', () => {
  it('reports a network-exposed instance without -W', () => {
    const r = lintText('-u memcache\n-l 10.0.0.5\n');
    const f = findings(r, 'MC506');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('info');
    expect(f[0].line).toBe(2); // the end of the last line: where the missing option goes
    expect(f[0].message).toContain('"watch"');
    expect(f[0].message).toContain('TCP 10.0.0.5:11211');
  });

  it('accepts -W and --disable-watch', () => {
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n-W\n'), 'MC506')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n--disable-watch\n'), 'MC506')).toHaveLength(0);
  });

  it('is silent before 1.5.21, where -W does not exist', () => {
    const options = { version: parseVersion('1.5.20')! };
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n', { options }), 'MC506')).toHaveLength(0);
    const newer = { version: parseVersion('1.5.21')! };
    expect(findings(lintText('-u memcache\n-l 10.0.0.5\n', { options: newer }), 'MC506')).toHaveLength(1);
  });
});
