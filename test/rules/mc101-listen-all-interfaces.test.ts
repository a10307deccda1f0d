import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

describe('MC101 listen-all-interfaces', () => {
  it('reports a Debian file without -l at the spot where -l would go', () => {
    const r = lintText('-u memcache\n-m 64\n-p 11211\n# end\n');
    const f = findings(r, 'MC101');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(4);
    expect(f[0].message).toContain('TCP 0.0.0.0:11211');
    expect(f[0].message).toContain('TCP [::]:11211');
  });

  it('-l * in a sysconfig OPTIONS reaches memcached as its own wildcard', () => {
    const r = lintText('PORT="11211"\nUSER="memcached"\nOPTIONS="-l *"\n', { dialect: 'sysconfig' });
    expect(findings(r, 'MC101')).toHaveLength(1);
  });

  it('-l * on a Debian line is no wildcard: /bin/sh expands it to names in / and memcached exits 71 (MC104)', () => {
    const r = lintText('-u memcache\n-l *\n');
    expect(findings(r, 'MC101')).toHaveLength(0);
    expect(r.model.startup).toMatchObject({ ok: false, exitCode: 71, certain: true });
    expect(findings(r, 'MC104')[0].message).toContain('exits 71');
  });

  it.each(['0.0.0.0', '::', '[::]'])('reports -l %s at the option', (addr) => {
    const r = lintText(`-u memcache\n-l ${addr}\n`);
    const f = findings(r, 'MC101');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe(`-l ${addr}`);
  });

  it('reports a wildcard entry inside a list', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1,0.0.0.0:11300\n');
    expect(findings(r, 'MC101')).toHaveLength(1);
  });

  it('accepts loopback and unix-socket-only configurations', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC101')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l ::1\n'), 'MC101')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-s /run/memcached/memcached.sock\n'), 'MC101')).toHaveLength(0);
  });

  it('offers a fix that binds loopback', () => {
    const f = findings(lintText('-u memcache\n-l 0.0.0.0\n'), 'MC101')[0];
    expect(fixOf(f)?.intents).toEqual([expect.objectContaining({ kind: 'set-option', letter: 'l', value: '127.0.0.1' })]);
  });
});
