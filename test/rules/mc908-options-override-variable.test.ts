import { readFileSync } from 'node:fs';
import { lintText, findings, pointedText } from '../helpers/lint.js';

const fedoraDefault = readFileSync(new URL('../../samples/fedora-default.sysconfig', import.meta.url), 'utf8');
const head = 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n';
const sys = (text: string) => lintText(text, { dialect: 'sysconfig' });

describe('MC908 options-override-variable', () => {
  it('reports -p in OPTIONS overriding PORT and names both values', () => {
    const r = sys(`${head}OPTIONS="-l 127.0.0.1 -p 11311"\n`);
    const f = findings(r, 'MC908');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(5);
    expect(pointedText(r, f[0])).toBe('-p 11311');
    expect(f[0].message).toContain('PORT="11211"');
    expect(f[0].message).toContain('11311');
  });

  it('reports -u in OPTIONS overriding USER', () => {
    const r = sys(`${head}OPTIONS="-u nobody -l 127.0.0.1"\n`);
    const f = findings(r, 'MC908');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('-u nobody');
    expect(f[0].message).toContain('USER="memcached"');
    expect(f[0].message).toContain('nobody');
  });

  it('reports long forms for CACHESIZE and MAXCONN', () => {
    const r = sys(`${head}OPTIONS="-l 127.0.0.1 --memory-limit=128 -c 4096"\n`);
    const f = findings(r, 'MC908');
    expect(f).toHaveLength(2);
    expect(f.map((x) => pointedText(r, x)).sort()).toEqual(['--memory-limit=128', '-c 4096']);
    expect(f.find((x) => x.message.includes('CACHESIZE="64"'))).toBeDefined();
    expect(f.find((x) => x.message.includes('MAXCONN="1024"'))).toBeDefined();
  });

  it('accepts OPTIONS without those options and the Fedora default file', () => {
    expect(findings(sys(`${head}OPTIONS="-l 127.0.0.1 -U 0 -t 4"\n`), 'MC908')).toHaveLength(0);
    expect(findings(sys(fedoraDefault), 'MC908')).toHaveLength(0);
  });
});
