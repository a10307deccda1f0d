import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC303 no-listener', () => {
  it('reports -p 0 with UDP off and no socket', () => {
    const r = lintText('-u memcache\n-m 64\n-p 0\n-l 127.0.0.1\n');
    const f = findings(r, 'MC303');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-p 0');
    expect(f[0].message).toContain('nobody can connect');
  });

  it('reports -p abc (atoi reads 0) and an empty PORT in a sysconfig file', () => {
    expect(findings(lintText('-u memcache\n-p abc\n'), 'MC303')).toHaveLength(1);
    const r = lintText('PORT=""\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n', { dialect: 'sysconfig' });
    const f = findings(r, 'MC303');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(1);
  });

  it('accepts UDP, a unix socket, or a TCP port', () => {
    expect(findings(lintText('-u memcache\n-p 0\n-U 11211\n'), 'MC303')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-p 0\n-s /run/memcached/memcached.sock\n'), 'MC303')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC303')).toHaveLength(0);
  });
});

describe('MC303 no-listener (missing PORT)', () => {
  it('says that PORT is not set rather than quoting an empty value', () => {
    const r = lintText('USER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n', { dialect: 'sysconfig' });
    const f = findings(r, 'MC303');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('PORT (not set)');
    expect(f[0].line).toBe(1);
    expect(f[0].column).toBe(1);
  });
});
