/** Fixes written into sysconfig files: inside OPTIONS, on the variable's line, whole-line notes. */
import { SourceText } from '../../src/source.js';
import { parseSysconfig } from '../../src/dialects/sysconfig.js';
import { analyze } from '../../src/memcached/model.js';
import { editSysconfig, encodeValue } from '../../src/fix/edit-sysconfig.js';
import type { FixIntent } from '../../src/engine/types.js';
import { fixText } from './helpers.js';

const env = (text: string) => parseSysconfig(new SourceText('/s', text)).environment;
const argvOf = (text: string) => parseSysconfig(new SourceText('/s', text)).argv.map((t) => t.value);
const VARS = 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n';
const fix = (text: string, options = {}) => fixText(text, 'sysconfig', options);

function edit(text: string, make: (opts: ReturnType<typeof analyze>['applied']['options']) => FixIntent[]) {
  const config = parseSysconfig(new SourceText('/s', text));
  const model = analyze(config.argv);
  return editSysconfig({ config, model, intents: make(model.applied.options), label: { ruleId: 'MC999', slug: 'test' }, fresh: new Set() });
}

describe('sysconfig: options inside OPTIONS', () => {
  it('removes -A from inside the quotes and notes it on a comment line above', () => {
    const p = fix(`${VARS}OPTIONS="-l 127.0.0.1 -A -U 0"\n`);
    expect(p.text).toBe(`${VARS}# mchard: removed -A from OPTIONS (MC501)\nOPTIONS="-l 127.0.0.1 -U 0"\n`);
  });

  it('replaces -l 0.0.0.0 and -U 11211 in place, keeping single quotes', () => {
    const p = fix(`${VARS}OPTIONS='-l 0.0.0.0 -U 11211'\n`);
    expect(p.text).toBe(
      `${VARS}# mchard: replaced -l 0.0.0.0 with -l 127.0.0.1 in OPTIONS (MC101)\n# mchard: replaced -U 11211 with -U 0 in OPTIONS (MC110)\nOPTIONS='-l 127.0.0.1 -U 0'\n`,
    );
  });

  it('adds options at the end of the quoted value', () => {
    const p = fix(`${VARS}OPTIONS="-l 127.0.0.1"\n`);
    expect(p.text).toBe(`${VARS}OPTIONS="-l 127.0.0.1 -U 0"\n`);
  });

  it('fills an empty quoted OPTIONS', () => {
    const p = fix(`${VARS}OPTIONS=""\n`);
    expect(env(p.text).get('OPTIONS')?.value).toBe('-l 127.0.0.1 -U 0');
    expect(p.text).toMatch(/^OPTIONS="-l 127\.0\.0\.1 -U 0"$/m);
  });

  it('adds OPTIONS when the file has none', () => {
    const p = fix(VARS);
    expect(p.text).toBe(`${VARS}OPTIONS="-l 127.0.0.1 -U 0"\n`);
  });

  it('rewrites an unquoted OPTIONS in double quotes (systemd and a shell then agree)', () => {
    const p = fix(`${VARS}OPTIONS=-l 0.0.0.0 -U 0\n`);
    expect(p.text).toContain('OPTIONS="-l 127.0.0.1 -U 0"\n');
  });

  it('-vv inside OPTIONS becomes -v', () => {
    const p = fix(`${VARS}OPTIONS="-l 127.0.0.1 -U 0 -vv"\n`);
    expect(p.text).toBe(`${VARS}# mchard: removed -v from OPTIONS (MC502)\nOPTIONS="-l 127.0.0.1 -U 0 -v"\n`);
  });

  it('removes the only option, leaving empty quotes', () => {
    const r = edit(`${VARS}OPTIONS="-A"\n`, (o) => [{ kind: 'remove-option', option: o.find((x) => x.spec.short === 'A')! }]);
    expect(r.ok && r.output.text).toBe(`${VARS}# mchard: removed -A from OPTIONS (MC999)\nOPTIONS=""\n`);
  });

  it('refuses to remove an option that is not in OPTIONS', () => {
    const r = edit(VARS, (o) => [{ kind: 'remove-option', option: o.find((x) => x.spec.short === 'p')! }]);
    expect(r.ok).toBe(false);
  });
});

describe('sysconfig: variables on their own line', () => {
  it('USER="root" becomes the RHEL user, with the old value noted above', () => {
    const p = fix('PORT="11211"\nUSER="root"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n');
    expect(p.text).toBe('PORT="11211"\n# mchard: USER was "root" (MC201)\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n');
  });

  it('uses --user', () => {
    const p = fix('PORT="11211"\nUSER="root"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n', { fixUser: 'memcache' });
    expect(env(p.text).get('USER')?.value).toBe('memcache');
  });

  it('a -u in OPTIONS overriding USER goes too', () => {
    const p = fix(`${VARS.replace('memcached', 'root')}OPTIONS="-l 127.0.0.1 -U 0 -u root"\n`);
    expect(argvOf(p.text)).toEqual(['-p', '11211', '-u', 'memcached', '-m', '64', '-c', '1024', '-l', '127.0.0.1', '-U', '0']);
  });

  it('fills a missing variable with the distribution default after the others, in the file\'s quote style', () => {
    const p = fix('PORT=11211\nUSER=memcached\nMAXCONN=1024\nOPTIONS="-l 127.0.0.1 -U 0"\n');
    expect(p.text).toBe('PORT=11211\nUSER=memcached\nMAXCONN=1024\nCACHESIZE=64\nOPTIONS="-l 127.0.0.1 -U 0"\n');
  });

  it('fills an empty variable in place', () => {
    const p = fix('PORT="11211"\nUSER="memcached"\nMAXCONN=""\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n');
    expect(p.text).toBe('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n');
  });

  it('--port sets PORT', () => {
    const p = fix(`${VARS}OPTIONS="-l 127.0.0.1 -U 0"\n`, { fixPort: 41000 });
    expect(p.text).toContain('PORT="41000"\n');
    expect(p.text).toContain('# mchard: PORT was "11211" (MC301)\n');
  });

  it('encodes values for each quote style', () => {
    expect(encodeValue('a b', null)).toBe('"a b"');
    expect(encodeValue('memcached', null)).toBe('memcached');
    expect(encodeValue("it's", "'")).toBe('"it\'s"');
    expect(encodeValue('a"$`\\', '"')).toBe('"a\\"\\$\\`\\\\"');
    expect(env(`X=${encodeValue('a"$`\\ b', '"')}\n`).get('X')?.value).toBe('a"$`\\ b');
  });
});

describe('sysconfig: dialect fixes', () => {
  it('drops the export keyword', () => {
    const p = fix(`export PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n`);
    expect(p.text).toBe(`${VARS}OPTIONS="-l 127.0.0.1 -U 0"\n`);
  });

  it('export OPTIONS: once systemd keeps it, its options are fixed too', () => {
    const p = fix(`${VARS}export OPTIONS="-l 0.0.0.0 -U 11211"\n`);
    expect(env(p.text).get('OPTIONS')?.value).toBe('-l 127.0.0.1 -U 0');
    expect(p.unfixed).toEqual([]);
  });

  it('moves a comment glued after the closing quote onto its own line above', () => {
    const p = fix(`${VARS}OPTIONS="-l 127.0.0.1 -U 0"   # loopback only\n`);
    expect(p.text).toBe(`${VARS}# loopback only\nOPTIONS="-l 127.0.0.1 -U 0"\n`);
  });

  it('the insecure RHEL sample in one go', () => {
    const p = fix('PORT="11211"\nUSER="root"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 0.0.0.0 -U 11211 -vv" # listen for the app tier\n');
    expect(argvOf(p.text)).toEqual(['-p', '11211', '-u', 'memcached', '-m', '64', '-c', '1024', '-l', '127.0.0.1', '-U', '0', '-v']);
    expect(p.text).toContain('# listen for the app tier\n');
    expect(p.unfixed).toEqual([]);
  });
});

describe('sysconfig: the rest of the file stays byte for byte', () => {
  it('keeps CRLF', () => {
    const p = fix('# c\r\nPORT="11211"\r\nUSER="root"\r\nMAXCONN="1024"\r\nCACHESIZE="64"\r\nOPTIONS="-l 127.0.0.1 -U 0 -A"\r\n');
    expect(p.text).toBe(
      '# c\r\nPORT="11211"\r\n# mchard: USER was "root" (MC201)\r\nUSER="memcached"\r\nMAXCONN="1024"\r\nCACHESIZE="64"\r\n# mchard: removed -A from OPTIONS (MC501)\r\nOPTIONS="-l 127.0.0.1 -U 0"\r\n',
    );
  });

  it('keeps a missing final newline, also when adding a line at the end', () => {
    const p = fix('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"');
    expect(p.text).toBe('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"');
  });

  it('does not put a new line after a comment ending in a backslash (systemd v252 would swallow it)', () => {
    const p = fix('# see \\\n');
    expect(p.text.startsWith('# see \\\n\n')).toBe(true);
    const e = env(p.text);
    expect([e.get('PORT')?.value, e.get('USER')?.value, e.get('CACHESIZE')?.value, e.get('MAXCONN')?.value]).toEqual(['11211', 'memcached', '64', '1024']);
    expect(p.unfixed).toEqual([]);
  });

  it('refuses to move a glued comment that continues on the next line', () => {
    const p = fix(`${VARS}OPTIONS="-l 127.0.0.1 -U 0" # a \\\nb\n`);
    expect(p.failed.map((f) => f.ruleId)).toEqual(['MC904']);
    expect(p.failed[0].reason).toMatch(/one-line comment/);
  });
});
