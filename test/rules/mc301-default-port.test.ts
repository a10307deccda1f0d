import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

describe('MC301 default-port', () => {
  it('reports -p 11211 as advice, with no fix unless --port is given', () => {
    const r = lintText('-u memcache\n-p 11211\n-l 127.0.0.1\n');
    const f = findings(r, 'MC301');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('info');
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('-p 11211');
    expect(f[0].message).toContain('port 11211');
    expect(f[0].fix).toBeNull();
  });

  it('reports a file without -p where -p would go', () => {
    const f = findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC301');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(f[0].message).toContain('no -p option');
  });

  it('offers -p N with --port, replacing the existing -p', () => {
    const r = lintText('-u memcache\n-p 11211\n-l 127.0.0.1\n', { options: { fixPort: 21211 } });
    const f = findings(r, 'MC301')[0];
    expect(fixOf(f)?.safety).toBe('unsafe');
    expect(fixOf(f)?.intents).toEqual([expect.objectContaining({ kind: 'set-option', letter: 'p', value: '21211' })]);
  });

  it('sets PORT in a sysconfig file', () => {
    const r = lintText('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n', {
      dialect: 'sysconfig',
      options: { fixPort: 21211 },
    });
    const f = findings(r, 'MC301');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(1);
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'set-variable', key: 'PORT', value: '21211' }]);
  });

  it('reports an explicit :11211 in an -l entry, without a fix', () => {
    const r = lintText('-u memcache\n-p 21211\n-l 127.0.0.1:11211\n', { options: { fixPort: 21300 } });
    const f = findings(r, 'MC301');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('127.0.0.1:11211');
    expect(f[0].fix).toBeNull();
  });

  it('-U 0 does not move TCP: the finding is about the missing -p, not about -U 0 (issue 12)', () => {
    const r = lintText('-u memcache\n-U 0\n-l 127.0.0.1\n');
    const f = findings(r, 'MC301');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('no -p option');
    expect(f[0].message).not.toContain('-U 0 makes');
    expect(r.model.listeners).toEqual([expect.objectContaining({ transport: 'tcp', port: 11211 })]);
  });

  it('a non-zero -U without -p moves TCP to its port, and says so', () => {
    const f = findings(lintText('-u memcache\n-U 11211\n-l 127.0.0.1\n'), 'MC301');
    expect(f[0].message).toContain('-U 11211 makes TCP listen on port 11211');
  });

  it('accepts another port, TCP off, and unix sockets', () => {
    expect(findings(lintText('-u memcache\n-p 21211\n-l 127.0.0.1\n'), 'MC301')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-p 0\n-U 0\n'), 'MC301')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-s /run/memcached/memcached.sock\n'), 'MC301')).toHaveLength(0);
  });
});
