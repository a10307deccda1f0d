import { readFileSync } from 'node:fs';
import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

const fedoraDefault = readFileSync(new URL('../../samples/fedora-default.sysconfig', import.meta.url), 'utf8');
const sys = (text: string, options = {}) => lintText(text, { dialect: 'sysconfig', options });

describe('MC907 required-variable-missing', () => {
  it('reports an empty USER at the assignment (memcached exits 64) and sets the distribution user', () => {
    const r = sys('PORT="11211"\nUSER=""\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1,::1"\n');
    const f = findings(r, 'MC907');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('USER=""');
    expect(f[0].message).toContain('USER is empty');
    expect(f[0].message).toContain('exits 64');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'set-variable', key: 'USER', value: 'memcached' }]);
  });

  it('uses the --user of mchard fix for USER', () => {
    const f = findings(sys('PORT="11211"\nUSER=\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS=""\n', { fixUser: 'cache' }), 'MC907');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'set-variable', key: 'USER', value: 'cache' }]);
  });

  it('reports a missing PORT at the start of the file: TCP is silently off', () => {
    const r = sys('USER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n');
    const f = findings(r, 'MC907');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(1);
    expect(f[0].column).toBe(1);
    expect(f[0].message).toContain('PORT is not set');
    expect(f[0].message).toContain('TCP silently off');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'set-variable', key: 'PORT', value: '11211' }]);
  });

  it('reports missing CACHESIZE (exit 64) and MAXCONN (exit 1) with their defaults', () => {
    const r = sys('PORT="11211"\nUSER="memcached"\nOPTIONS="-l 127.0.0.1"\n');
    const f = findings(r, 'MC907');
    expect(f).toHaveLength(2);
    const cache = f.find((x) => x.message.startsWith('CACHESIZE'))!;
    const conn = f.find((x) => x.message.startsWith('MAXCONN'))!;
    expect(cache.message).toContain('exits 64');
    expect(fixOf(cache)?.intents).toEqual([{ kind: 'set-variable', key: 'CACHESIZE', value: '64' }]);
    expect(conn.message).toContain('exits 1');
    expect(fixOf(conn)?.intents).toEqual([{ kind: 'set-variable', key: 'MAXCONN', value: '1024' }]);
  });

  it('reports a USER lost to "export" and fixes it by dropping the keyword', () => {
    const r = sys('PORT="11211"\nexport USER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n');
    const f = findings(r, 'MC907');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(f[0].message).toContain('export USER');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'drop-text', span: { start: 13, end: 20 } }]);
  });

  it('stays quiet when OPTIONS supplies the option after the empty variable, except for MAXCONN', () => {
    expect(findings(sys('PORT=""\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -p 11211"\n'), 'MC907')).toHaveLength(0);
    const f = findings(sys('PORT="11211"\nUSER="memcached"\nMAXCONN=""\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -c 1024"\n'), 'MC907');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(3);
  });

  it('accepts the Fedora default file', () => {
    expect(findings(sys(fedoraDefault), 'MC907')).toHaveLength(0);
  });
});
