import { readFileSync } from 'node:fs';
import { lintText, findings, pointedText } from '../helpers/lint.js';

const fedoraDefault = readFileSync(new URL('../../samples/fedora-default.sysconfig', import.meta.url), 'utf8');
const head = 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n';
const sys = (text: string) => lintText(text, { dialect: 'sysconfig' });

describe('MC909 shell-syntax-mismatch', () => {
  it('reports an unquoted value with spaces: a shell runs the rest as a command', () => {
    const r = sys(`${head}OPTIONS=-l 127.0.0.1 -U 0\n`);
    const f = findings(r, 'MC909');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(5);
    expect(pointedText(r, f[0])).toBe('127.0.0.1 -U 0');
    expect(f[0].message).toContain('shell');
  });

  it('reports spaces around "="', () => {
    const r = sys('PORT = "11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n');
    const f = findings(r, 'MC909');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(1);
    expect(pointedText(r, f[0])).toBe(' = ');
    expect(f[0].message).toContain('shell');
  });

  it('reports a "#" after an unquoted value, which systemd keeps as data', () => {
    const r = sys('PORT=11211 # default port\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n');
    const f = findings(r, 'MC909');
    expect(f.some((x) => x.line === 1 && pointedText(r, x) === '# default port')).toBe(true);
  });

  it('reports a line starting with ";"', () => {
    const r = sys(`; memcached settings\n${head}OPTIONS="-l 127.0.0.1"\n`);
    const f = findings(r, 'MC909');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(1);
    expect(pointedText(r, f[0])).toBe('; memcached settings');
  });

  it('accepts quoted values, own-line comments and the Fedora default file', () => {
    expect(findings(sys(`# memcached\n${head}OPTIONS="-l 127.0.0.1 -U 0"\n`), 'MC909')).toHaveLength(0);
    expect(findings(sys(fedoraDefault), 'MC909')).toHaveLength(0);
  });
});
