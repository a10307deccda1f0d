import { readFileSync } from 'node:fs';
import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

const fedoraDefault = readFileSync(new URL('../../samples/fedora-default.sysconfig', import.meta.url), 'utf8');
const head = 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n';
const sys = (text: string) => lintText(text, { dialect: 'sysconfig' });

describe('MC905 envfile-export', () => {
  it('reports export OPTIONS=... and offers to drop the keyword', () => {
    const r = sys(`${head}export OPTIONS="-l 127.0.0.1 -U 0"\n`);
    const f = findings(r, 'MC905');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(5);
    expect(pointedText(r, f[0])).toBe('export ');
    expect(f[0].message).toContain('"export OPTIONS"');
    expect(f[0].message).toContain('OPTIONS is unset');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'drop-text', span: f[0].span }]);
  });

  it('says what a dropped PORT means', () => {
    const r = sys('export PORT=11211\nUSER=memcached\nMAXCONN=1024\nCACHESIZE=64\nOPTIONS="-l 127.0.0.1"\n');
    const f = findings(r, 'MC905');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(1);
    expect(f[0].message).toContain('PORT is unset');
    expect(f[0].message).toContain('TCP');
  });

  it('accepts plain assignments and the Fedora default file', () => {
    expect(findings(sys(`${head}OPTIONS="-l 127.0.0.1 -U 0"\n`), 'MC905')).toHaveLength(0);
    expect(findings(sys(fedoraDefault), 'MC905')).toHaveLength(0);
  });
});
