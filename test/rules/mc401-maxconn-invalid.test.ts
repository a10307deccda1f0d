import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC401 maxconn-invalid', () => {
  it('reports -c 0: exit 1', () => {
    const r = lintText('-u memcache\n-m 64\n-c 0\n-l 127.0.0.1\n');
    const f = findings(r, 'MC401');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(4);
    expect(pointedText(r, f[0])).toBe('0');
    expect(f[0].message).toContain('exits 1');
    expect(f[0].message).toContain('Maximum connections must be greater than 0');
  });

  it('reports a value without digits and a negative value', () => {
    const r = lintText('-u memcache\n-c many\n');
    expect(findings(r, 'MC401')[0].message).toContain('-c many is not a number');
    expect(findings(lintText('-u memcache\n-c -10\n'), 'MC401')[0].message).toContain('-c -10 is -10');
  });

  it('reports an earlier -c 0 even when a later -c is valid (memcached checks each as it reads it)', () => {
    const f = findings(lintText('-u memcache\n-c 0\n-c 1024\n'), 'MC401');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
  });

  it('reports MAXCONN="0" in a sysconfig file and leaves an empty MAXCONN to MC907', () => {
    const base = 'PORT="11211"\nUSER="memcached"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n';
    const f = findings(lintText(`${base}MAXCONN="0"\n`, { dialect: 'sysconfig' }), 'MC401');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(5);
    expect(f[0].message).toContain('MAXCONN="0"');
    expect(findings(lintText(base, { dialect: 'sysconfig' }), 'MC401')).toHaveLength(0);
  });

  it('accepts a positive -c', () => {
    expect(findings(lintText('-u memcache\n-c 1024\n'), 'MC401')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-c 1k\n'), 'MC401')).toHaveLength(0);
  });
});
