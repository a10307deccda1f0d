import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

describe('MC201 runs-as-root', () => {
  it('reports -u root at the option', () => {
    const r = lintText('-m 64\n-u root\n-l 127.0.0.1\n');
    const f = findings(r, 'MC201');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(2);
    expect(f[0].column).toBe(1);
    expect(pointedText(r, f[0])).toBe('-u root');
    expect(f[0].message).toContain('-u root keeps memcached running as root');
    expect(fixOf(f[0])?.intents).toEqual([expect.objectContaining({ kind: 'set-option', letter: 'u', value: 'memcache' })]);
  });

  it('reports the long form and the last of several -u options (the last one wins)', () => {
    const r = lintText('-u memcache\n--user=root\n');
    const f = findings(r, 'MC201');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('--user=root');
    expect(findings(lintText('-u root\n-u memcache\n'), 'MC201')).toHaveLength(0);
  });

  it("reports an empty Debian file at the start: the wrapper's own -u root", () => {
    const r = lintText('# nothing here\n\n');
    const f = findings(r, 'MC201');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(1);
    expect(f[0].column).toBe(1);
    expect(f[0].span).toBeNull();
    expect(f[0].message).toContain('the Debian wrapper starts memcached with -u root');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'set-option', letter: 'u', value: 'memcache' }]);
  });

  it('reports USER="root" in a sysconfig file, with a USER fix', () => {
    const r = lintText('PORT="11211"\nUSER="root"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n', { dialect: 'sysconfig' });
    const f = findings(r, 'MC201');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(f[0].message).toContain('USER="root"');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'set-variable', key: 'USER', value: 'memcached' }]);
  });

  it('accepts an unprivileged user, and -u 0 is not root (a user named "0")', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC201')).toHaveLength(0);
    expect(findings(lintText('-u 0\n-l 127.0.0.1\n'), 'MC201')).toHaveLength(0);
  });
});
