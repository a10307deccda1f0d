import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';

describe('MC202 user-missing', () => {
  it('reports a Debian file with options but no -u where -u would go, with exit 64', () => {
    const r = lintText('-m 64\n-p 11211\n-l 127.0.0.1\n');
    const f = findings(r, 'MC202');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    // The end of the file, reported at the end of its last line (line 4 does not exist).
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(13);
    expect(f[0].message).toContain('exits 64');
    expect(f[0].message).toContain("must add '-u root' to start as root");
    expect(fixOf(f[0])?.intents).toEqual([expect.objectContaining({ kind: 'set-option', letter: 'u', value: 'memcache' })]);
  });

  it("quotes the pre-1.6.36 message for older versions", () => {
    const f = findings(lintText('-m 64\n-l 127.0.0.1\n', { options: { version: parseVersion('1.6.18')! } }), 'MC202');
    expect(f[0].message).toContain("can't run as root without the -u switch");
  });

  it('reports an empty -u value at the option', () => {
    const r = lintText("-m 64\n-u ''\n-l 127.0.0.1\n");
    const f = findings(r, 'MC202');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe("-u ''");
  });

  it('reports an empty USER in a sysconfig file', () => {
    const r = lintText('PORT="11211"\nUSER=""\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n', { dialect: 'sysconfig' });
    const f = findings(r, 'MC202');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(f[0].message).toContain('USER is empty or missing');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'set-variable', key: 'USER', value: 'memcached' }]);
  });

  it('accepts a file with -u, and leaves the empty Debian file to MC201', () => {
    expect(findings(lintText('-m 64\n-u memcache\n-l 127.0.0.1\n'), 'MC202')).toHaveLength(0);
    expect(findings(lintText('-m 64\n-u root\n'), 'MC202')).toHaveLength(0);
    expect(findings(lintText('# only comments\n'), 'MC202')).toHaveLength(0);
  });
});
