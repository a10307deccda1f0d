import { readFileSync } from 'node:fs';
import { lintText, findings, pointedText } from '../helpers/lint.js';

const debianDefault = readFileSync(new URL('../../samples/debian-default.conf', import.meta.url), 'utf8');

describe('MC902 shell-evaluated-line', () => {
  it('reports a ";" as an error and names the extra command the shell runs as root', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1; echo INJECTED\n-m 64\n');
    const f = findings(r, 'MC902');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('-l 127.0.0.1; echo INJECTED');
    expect(f[0].message).toContain('";"');
    expect(f[0].message).toContain('/bin/sh as root');
    expect(f[0].message).toContain('echo INJECTED');
  });

  it('reports a $VAR as an error (the shell expands it)', () => {
    const r = lintText('-u memcache\n-l $HOME\n');
    const f = findings(r, 'MC902');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(pointedText(r, f[0])).toBe('-l $HOME');
    expect(f[0].message).toContain('"$"');
  });

  it('reports a redirection as an error and mentions it', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-v > /tmp/memcached.log\n');
    const f = findings(r, 'MC902');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(f[0].message).toContain('redirection');
  });

  it('reports quotes as a warning', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-o "ssl_ciphers=HIGH:!aNULL"\n');
    const f = findings(r, 'MC902');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-o "ssl_ciphers=HIGH:!aNULL"');
    expect(f[0].message).toContain('/bin/sh as root');
    expect(f[0].message).toContain('quotes');
  });

  it('reports an escaped \\# as a warning (the backslash sends the line through the shell)', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-P /run/x.pid \\#notcomment\n');
    const f = findings(r, 'MC902');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].message).toContain('"\\"');
  });

  it('accepts plain option lines and the stock Debian file', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-m 64 # comment; with | metacharacters\n'), 'MC902')).toHaveLength(0);
    expect(findings(lintText(debianDefault), 'MC902')).toHaveLength(0);
  });

  it('does not apply to sysconfig files', () => {
    const r = lintText('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -o \'a b\'"\n', { dialect: 'sysconfig' });
    expect(findings(r, 'MC902')).toHaveLength(0);
  });
});
