import { readFileSync } from 'node:fs';
import { lintText, findings, pointedText } from '../helpers/lint.js';

const debianDefault = readFileSync(new URL('../../samples/debian-default.conf', import.meta.url), 'utf8');
const fedoraDefault = readFileSync(new URL('../../samples/fedora-default.sysconfig', import.meta.url), 'utf8');

describe('MC903 ignored-line', () => {
  it('reports a mistyped Debian option without its dash, suggesting the option', () => {
    const r = lintText('-u memcache\nl 127.0.0.1\n-m 64\n');
    const f = findings(r, 'MC903');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('l 127.0.0.1');
    expect(f[0].message).toContain('ignores');
    expect(f[0].message).toContain('-l');
  });

  it.each(['foo bar', 'LOGFILE /var/log/memcached.log'])('reports the Debian directive line %s', (line) => {
    const r = lintText(`-u memcache\n-l 127.0.0.1\n${line}\n`);
    const f = findings(r, 'MC903');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe(line);
  });

  it('reports a Debian line that is just 0', () => {
    const r = lintText('-u memcache\n0\n-l 127.0.0.1\n');
    const f = findings(r, 'MC903');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('0');
  });

  it('does not report logfile, comments or blank lines (the stock Debian file)', () => {
    expect(findings(lintText('-u memcache\n\n# a comment\nlogfile /var/log/memcached.log\n-l 127.0.0.1\n'), 'MC903')).toHaveLength(0);
    expect(findings(lintText(debianDefault), 'MC903')).toHaveLength(0);
  });

  it('reports a sysconfig line without "=" and points out where options go', () => {
    const r = lintText('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n-U 0\n', { dialect: 'sysconfig' });
    const f = findings(r, 'MC903');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(6);
    expect(pointedText(r, f[0])).toBe('-U 0');
    expect(f[0].message).toContain('"="');
    expect(f[0].message).toContain('OPTIONS');
  });

  it('reports a sysconfig assignment to an invalid name', () => {
    const r = lintText('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nMEMCACHED-OPTIONS="-U 0"\n', { dialect: 'sysconfig' });
    const f = findings(r, 'MC903');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(5);
    expect(pointedText(r, f[0])).toBe('MEMCACHED-OPTIONS');
    expect(f[0].message).toContain('not a valid variable name');
  });

  it('leaves export lines to MC905 and accepts the Fedora default file', () => {
    const r = lintText('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nexport OPTIONS="-l 127.0.0.1"\n', { dialect: 'sysconfig' });
    expect(findings(r, 'MC903')).toHaveLength(0);
    expect(findings(lintText(fedoraDefault, { dialect: 'sysconfig' }), 'MC903')).toHaveLength(0);
  });
});
