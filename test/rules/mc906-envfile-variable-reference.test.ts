import { readFileSync } from 'node:fs';
import { lintText, findings, pointedText } from '../helpers/lint.js';

const fedoraDefault = readFileSync(new URL('../../samples/fedora-default.sysconfig', import.meta.url), 'utf8');
const head = 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n';
const sys = (text: string) => lintText(text, { dialect: 'sysconfig' });

describe('MC906 envfile-variable-reference', () => {
  it('reports $VAR inside OPTIONS', () => {
    const r = sys(`${head}LISTEN_ADDR="127.0.0.1"\nOPTIONS="-l $LISTEN_ADDR -U 0"\n`);
    const f = findings(r, 'MC906');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(6);
    expect(pointedText(r, f[0])).toBe('$LISTEN_ADDR');
    expect(f[0].message).toContain('does not expand');
    expect(f[0].message).toContain('literally');
  });

  it('reports ${VAR} in an unquoted value', () => {
    const r = sys(`PORT=11211\nUSER=memcached\nMAXCONN=1024\nCACHESIZE=64\nOPTIONS=-p\${PORT}\n`);
    const f = findings(r, 'MC906');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('${PORT}');
  });

  it('accepts values without references and the Fedora default file', () => {
    expect(findings(sys(`${head}OPTIONS="-l 127.0.0.1 -U 0"\n`), 'MC906')).toHaveLength(0);
    expect(findings(sys(fedoraDefault), 'MC906')).toHaveLength(0);
  });
});
