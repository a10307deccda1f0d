/** The OpenRC conf.d dialect: sh assignments read losslessly, the init scripts' command lines, and what the rules report. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { loadDialect } from '../../src/dialects/index.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { openrcScriptOf, parseOpenrc } from '../../src/dialects/openrc.js';
import { findings, lintText, pointedText } from '../helpers/lint.js';
import { SHARED } from '../helpers/paths.js';

const parse = (text: string, script?: 'gentoo' | 'alpine', path = '/etc/conf.d/memcached') => parseOpenrc(new SourceText(path, text), script ? { script } : {});
const words = (text: string, script?: 'gentoo' | 'alpine') => parse(text, script).argv.map((a) => a.value);
const lint = (text: string) => lintText(text, { dialect: 'openrc', path: '/etc/conf.d/memcached' });
const BASE = 'MEMCACHED_BINARY="/usr/bin/memcached"\nMEMUSAGE="64"\nMEMCACHED_RUNAS="memcached"\nMAXCONN="1024"\nPORT="11211"\n';

beforeAll(async () => {
  await loadDialect('openrc');
});

describe('openrc: reading the file', () => {
  it('is detected from its path and its variables', () => {
    expect(chooseDialect('/etc/conf.d/memcached', '')).toBe('openrc');
    expect(chooseDialect('/etc/conf.d/memcached.sessions', '')).toBe('openrc');
    expect(chooseDialect('x/087-alpinelinux-aports-memcached.confd', '')).toBe('openrc');
    expect(chooseDialect('/tmp/x', 'LISTENON="127.0.0.1"\n')).toBe('openrc');
  });

  it('prints every file back byte for byte', () => {
    const piece = fc.constantFrom('PORT="1"', "X='a b'", 'Y=$X', '# c', '', ' \t', 'A=1 B=2', 'MISC_OPTS="-v \\\n-A"', 'Z="unterminated', '\r', 'é=1', 'if true; then X=1; fi');
    fc.assert(fc.property(fc.array(fc.tuple(piece, fc.constantFrom('\n', '\r\n', '')), { maxLength: 8 }), (ls) => {
      const text = ls.map(([a, b]) => a + b).join('');
      expect(parse(text).print()).toBe(text);
    }));
  });

  it('builds the Gentoo command line from the stock file (086)', () => {
    const text = readFileSync(join(SHARED, 'corpus/other/086-gentoo-gentoo-memcached.confd'), 'utf8');
    const c = parse(text);
    expect(c.script).toBe('gentoo');
    expect(c.argvExact).toBe(true);
    expect(c.argv.map((a) => a.value)).toEqual(['-d', '-p', '11211', '-U', '11211', '-m', '64', '-c', '1024', '-u', 'memcached', '-P', '/var/run/memcached/memcached.pid']);
    // -U's value comes from ${PORT} inside UDPPORT's assignment.
    const u = c.argv[4];
    expect(text.slice(u.span!.start, u.span!.end)).toBe('${PORT}');
    expect(u.note).toContain('"${PORT}" as "11211"');
    expect(text.slice(c.argv[3].span!.start, c.argv[3].span!.end)).toBe('UDPPORT="${PORT}"');
    expect(c.argv[3].origin).toBe('unit');
  });

  it('builds the Alpine command line (087): -l for a non-empty LISTENON, pid file with the port', () => {
    const text = readFileSync(join(SHARED, 'corpus/other/087-alpinelinux-aports-memcached.confd'), 'utf8');
    const c = parse(text);
    expect(c.script).toBe('alpine');
    expect(c.argv.map((a) => a.value)).toEqual(['-d', '-p', '11211', '-U', '11211', '-l', '127.0.0.1', '-m', '64', '-c', '1024', '-u', 'memcached', '-P', '/var/run/memcached/memcached-11211.pid']);
  });

  it('chooses the script by whether the file mentions SOCKET', () => {
    expect(openrcScriptOf('#SOCKET="/x"\n')).toBe('gentoo');
    expect(openrcScriptOf('PORT=1\n')).toBe('alpine');
  });

  it('Gentoo: SOCKET replaces the network options; Alpine ignores it and says so', () => {
    const text = `${BASE}SOCKET="/run/m.sock"\nSOCKET_MASK="0700"\nLISTENON="0.0.0.0"\n`;
    expect(words(text, 'gentoo').slice(0, 5)).toEqual(['-d', '-s', '/run/m.sock', '-a', '0700']);
    const a = parse(text, 'alpine');
    expect(a.argv.map((x) => x.value)).toContain('-l');
    expect(a.notes.map((n) => n.kind)).toContain('ignored-variable');
  });

  it('splits unquoted ${VAR}: an empty PORT makes -p take -U as its value; a blank LISTENON still adds -l', () => {
    expect(words('PORT=""\nUDPPORT="0"\n', 'alpine').slice(0, 4)).toEqual(['-d', '-p', '-U', '0']);
    const c = parse(`${BASE}UDPPORT="0"\nLISTENON=" "\n`, 'alpine');
    expect(c.argv.map((a) => a.value).slice(5, 8)).toEqual(['-l', '-m', '64']);
    expect(c.argv[1].note).toBeUndefined();
    expect(parse('PORT=""\n').argv[1].note).toContain('-p takes the next one');
  });

  it('splits MISC_OPTS into words with their spans, and a glob there depends on the host', () => {
    const text = `${BASE}MISC_OPTS="-vv  -o modern"\n`;
    const c = parse(text);
    const last = c.argv.slice(-3);
    expect(last.map((a) => [a.value, text.slice(a.span!.start, a.span!.end), a.origin])).toEqual([['-vv', '-vv', 'file'], ['-o', '-o', 'file'], ['modern', 'modern', 'file']]);
    expect(parse(`${BASE}MISC_OPTS="-o a*"\n`).argvExact).toBe(false);
  });

  it('expands ${VAR:-x}, and a variable the file never sets depends on the environment', () => {
    expect(words(`${BASE}UDPPORT="\${NOPE:-0}"\n`)).toContain('0');
    const c = parse(`${BASE}UDPPORT="$NOPE"\n`);
    expect(c.argvExact).toBe(false);
    expect(c.notes.find((n) => n.kind === 'host-dependent')?.message).toContain('NOPE is not set in this file');
  });

  it('notes shell commands it does not run, and an unterminated quote stops the service', () => {
    const c = parse(`${BASE}[ -f /x ] && PORT=1\n`);
    expect(c.argvExact).toBe(false);
    expect(c.notes.map((n) => n.kind)).toContain('shell-command');
    const bad = parse(`${BASE}MISC_OPTS="-v\n`);
    expect(bad.launchFailure?.reason).toContain('Unterminated quoted string');
  });

  it('an instance conf.d/memcached.NAME gets its own pid file', () => {
    const pid = (script: 'gentoo' | 'alpine') => {
      const a = parse('PORT=1\nPIDBASE=\n', script, '/etc/conf.d/memcached.sessions').argv;
      return a[a.findIndex((t) => t.value === '-P') + 1].value;
    };
    expect(pid('gentoo')).toBe('/run/memcached/memcached.sessions.pid');
    expect(pid('alpine')).toBe('/var/run/memcached/memcached-1.sessions.pid');
  });

  it('without MEMCACHED_BINARY both init scripts run start-stop-daemon --exec "", which cannot start memcached', () => {
    // Gentoo's memcached.init2 and Alpine's memcached.initd pass --exec "${MEMCACHED_BINARY}" and give it no default;
    // OpenRC's start-stop-daemon then execvp("")s: ENOENT, "failed to start", exit 1.
    const file = 'LISTENON="127.0.0.1"\nPORT="11211"\nUDPPORT="0"\nMEMUSAGE="64"\nMAXCONN="1024"\nMEMCACHED_RUNAS="memcached"\n';
    for (const script of ['gentoo', 'alpine'] as const) {
      const c = parse(file, script);
      expect(c.launchFailure?.reason).toMatch(/MEMCACHED_BINARY is not set, so the init script runs start-stop-daemon --exec "", which cannot run memcached/);
    }
    expect(lint(file).model.startup.ok).toBe(false);
    expect(parse(`MEMCACHED_BINARY=""\n${file}`).launchFailure?.reason).toMatch(/MEMCACHED_BINARY is empty/);
    expect(parse(`MEMCACHED_BINARY="/usr/bin/memcached"\n${file}`).launchFailure).toBeNull();
    // An instance file takes it from /etc/conf.d/memcached.
    expect(parse(file, 'gentoo', '/etc/conf.d/memcached.sessions').launchFailure).toBeNull();
    // The stock files set it.
    expect(parse(readFileSync(join(SHARED, 'corpus/other/086-gentoo-gentoo-memcached.confd'), 'utf8')).launchFailure).toBeNull();
  });

  it('an instance file keeps what /etc/conf.d/memcached sets (openrc-run sources it first): a variable it does not set is unknown, not "not set"', () => {
    // /etc/conf.d/memcached.okupy as the Gentoo wiki's okupy page writes it (Project:Infrastructure/okupy).
    const okupy = '# The user that will be running okupy\nMEMCACHED_RUNAS="okupy"\n# disable TCP/IP\nLISTENON=""\nPORT=""\n# enable UNIX socket (put correct path here as well)\nMISC_OPTS="-s /home/okupy/memcached.sock"\n';
    const at = '/etc/conf.d/memcached.okupy';
    const r = lintText(okupy, { dialect: 'openrc', path: at });
    // MEMUSAGE and MAXCONN come from the main file: no "not a number, exits 64" (PORT="" is this file's own).
    expect(r.findings.filter((f) => f.severity !== 'info' && /MEMUSAGE|MAXCONN/.test(f.message)).map((f) => [f.ruleId, f.message])).toEqual([]);
    expect(findings(r, 'MC403')).toEqual([]);
    expect(r.model.startup.certain).toBe(false);
    const c = parseOpenrc(new SourceText(at, okupy), {});
    expect(c.argvExact).toBe(false);
    expect(c.argv.find((t) => t.value === '${MEMUSAGE}')?.unknown?.reason).toMatch(/MEMUSAGE is not set in this file, so it keeps the value \/etc\/conf\.d\/memcached gives it/);
    // What the instance file sets is its own: MEMCACHED_RUNAS.
    expect(c.argv[c.argv.findIndex((t) => t.value === '-u') + 1].value).toBe('okupy');
    // The main file has nothing to inherit: an unset MEMUSAGE there is still empty (memcached exits 64).
    expect(findings(lint('MEMCACHED_BINARY="/usr/bin/memcached"\nMEMCACHED_RUNAS="memcached"\nLISTENON="127.0.0.1"\nPORT="11211"\nUDPPORT="0"\nMAXCONN="1024"\n'), 'MC403').length).toBe(1);
  });
});

describe('openrc: a command in the file', () => {
  const stock = () => readFileSync(join(SHARED, 'corpus/other/086-gentoo-gentoo-memcached.confd'), 'utf8');

  it('may set any variable the init script reads: one set before the command, or never, is unknown (not "not set", not the file\'s value)', () => {
    // Gentoo's stock file as a user who keeps local settings elsewhere changes it: a line that sources them, at the end.
    const text = `${stock()}. /etc/conf.d/memcached.local\n`;
    const r = lintText(text, { dialect: 'openrc', path: '/etc/conf.d/memcached' });
    expect(r.findings.filter((f) => f.severity !== 'info').map((f) => [f.ruleId, f.message])).toEqual([]);
    expect(r.model.startup.certain).toBe(false);
    const line = text.split('\n').length - 1;
    const mc910 = findings(r, 'MC910').map((f) => f.message);
    expect(mc910.some((m) => m.includes(`line ${line} runs a shell command (". /etc/conf.d/memcached.local"), which may change MAXCONN`))).toBe(true);
    // SOCKET, which the stock file leaves commented out, may be set there too: it decides the whole connection part.
    expect(mc910.some((m) => m.includes('which may set SOCKET'))).toBe(true);
    // No garbled "X may add options": the options word reads as a sentence.
    expect(mc910.every((m) => !/depends on the host may add/.test(m))).toBe(true);
  });

  it('what the file sets after the command is its own; what it never sets is unknown, where it was an error', () => {
    // Alpine's script (which reads no SOCKET): -p takes the file's PORT, set after the command.
    const first = parse(`. /etc/conf.d/memcached.local\n${stock()}`, 'alpine');
    const p = first.argv[first.argv.findIndex((t) => t.value === '-p') + 1];
    expect([p.value, p.unknown]).toEqual(['11211', undefined]);
    // Gentoo's: SOCKET, never set in the file, may come from the command and decide the connection part.
    expect(parse(`. /etc/conf.d/memcached.local\n${stock()}`, 'gentoo').argv[1]).toMatchObject({ value: '${SOCKET}', unknown: { kind: 'opaque' } });
    // PORT and MAXCONN never set, after a command: before this, MC302 and MC401 errors ("PORT (not set) ... TCP port 0").
    const text = '. /etc/default/memcached\nMEMUSAGE="64"\nLISTENON="127.0.0.1"\nMEMCACHED_BINARY="/usr/bin/memcached"\n';
    const r = lintText(text, { dialect: 'openrc', path: '/etc/conf.d/memcached' });
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId)).toEqual([]);
    expect(findings(r, 'MC910').some((f) => f.message.includes('line 1 runs a shell command (". /etc/default/memcached"), which may set MAXCONN'))).toBe(true);
    // Control: the same file without the command is certain: PORT is not set, -p takes the next word.
    const plain = lintText(text.split('\n').slice(1).join('\n'), { dialect: 'openrc', path: '/etc/conf.d/memcached' });
    expect(plain.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId)).toEqual(expect.arrayContaining(['MC302', 'MC401']));
  });
});

describe('openrc: what the rules report, and where', () => {
  const gentoo = readFileSync(join(SHARED, 'corpus/other/086-gentoo-gentoo-memcached.confd'), 'utf8');

  it('MC101 points at LISTENON="" and MC110 at UDPPORT="${PORT}"', () => {
    const r = lint(gentoo);
    const l = findings(r, 'MC101');
    expect(l).toHaveLength(1);
    expect(gentoo.split('\n')[l[0].line - 1]).toBe('LISTENON=""');
    const u = findings(r, 'MC110');
    expect(u.map((f) => pointedText(r, f))).toEqual(['UDPPORT="${PORT}"']);
  });

  it('does not report the -d the init script passes (start-stop-daemon expects the fork)', () => {
    expect(findings(lint(gentoo), 'MC901')).toEqual([]);
  });

  it('MC201 names MEMCACHED_RUNAS for a root user', () => {
    const r = lint(`${BASE}LISTENON="127.0.0.1"\nUDPPORT="0"\n`.replace('"memcached"', '"root"'));
    const f = findings(r, 'MC201');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('MEMCACHED_RUNAS="root"');
    expect(pointedText(r, f[0])).toContain('MEMCACHED_RUNAS="root"');
  });
});
