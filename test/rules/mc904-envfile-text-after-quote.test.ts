import { readFileSync } from 'node:fs';
import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

const fedoraDefault = readFileSync(new URL('../../samples/fedora-default.sysconfig', import.meta.url), 'utf8');
const head = 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n';
const sys = (text: string) => lintText(text, { dialect: 'sysconfig' });

describe('MC904 envfile-text-after-quote', () => {
  it('reports a trailing comment, says what the value becomes, and offers to move the comment', () => {
    const r = sys(`${head}OPTIONS="-l 127.0.0.1" # loopback only\n`);
    const f = findings(r, 'MC904');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(5);
    expect(pointedText(r, f[0])).toBe('# loopback only');
    expect(f[0].message).toContain('"-l 127.0.0.1# loopback only"');
    expect(f[0].message).toContain('"127.0.0.1#"');
    expect(f[0].message).toContain('exits 71');
    expect(fixOf(f[0])?.intents).toEqual([{ kind: 'move-comment', key: 'OPTIONS', span: f[0].span }]);
  });

  it('reports a second quoted string glued onto the value, without a fix', () => {
    const r = sys(`${head}OPTIONS="-l 127.0.0.1" "-U 0"\n`);
    const f = findings(r, 'MC904');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('"-U 0"');
    expect(f[0].message).toContain('"-l 127.0.0.1-U 0"');
    expect(f[0].fix).toBeNull();
  });

  it('reports a comment glued onto USER', () => {
    const r = sys('PORT="11211"\nUSER="memcached" # service account\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n');
    const f = findings(r, 'MC904');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(f[0].message).toContain('"memcached# service account"');
    expect(fixOf(f[0])?.intents[0]).toEqual(expect.objectContaining({ kind: 'move-comment', key: 'USER' }));
  });

  it('accepts comments on their own line and the Fedora default file', () => {
    expect(findings(sys(`${head}# loopback only\nOPTIONS="-l 127.0.0.1"\n`), 'MC904')).toHaveLength(0);
    expect(findings(sys(fedoraDefault), 'MC904')).toHaveLength(0);
  });
});
