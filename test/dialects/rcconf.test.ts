/** The FreeBSD rc.conf dialect: the rc.d script's command line, profiles, enable, and what the rules report. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceText } from '../../src/source.js';
import { loadDialect } from '../../src/dialects/index.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { parseRcconf } from '../../src/dialects/rcconf.js';
import { findings, lintText, pointedText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const parse = (text: string, profile?: string) => parseRcconf(new SourceText('/etc/rc.conf', text), profile ? { profile } : {});
const words = (text: string) => parse(text).argv.map((a) => a.value);
const lint = (text: string) => lintText(text, { dialect: 'rcconf', path: '/etc/rc.conf' });
const SYSTEM = 'hostname="web1"\nifconfig_em0="DHCP"\nsshd_enable="YES"\n';

beforeAll(async () => {
  await loadDialect('rcconf');
});

describe('rcconf: the command line', () => {
  it('is detected by path and by memcached_ variables', () => {
    expect(chooseDialect('/etc/rc.conf', '')).toBe('rcconf');
    expect(chooseDialect('/usr/local/etc/rc.conf.d/memcached', '')).toBe('rcconf');
    expect(chooseDialect('/tmp/x.conf', 'memcached_enable="YES"\n')).toBe('rcconf');
  });

  it('puts memcached_flags before the script\'s -d -u USER -P PIDFILE, keeping unrelated lines', () => {
    const text = `${SYSTEM}memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -m 64"\n`;
    const c = parse(text);
    expect(c.print()).toBe(text);
    expect(c.argv.map((a) => a.value)).toEqual(['-l', '127.0.0.1', '-m', '64', '-d', '-u', 'nobody', '-P', '/var/run/memcached/memcached.pid']);
    expect(c.argv.slice(0, 4).map((a) => [a.origin, text.slice(a.span!.start, a.span!.end)])).toEqual([['file', '-l'], ['file', '127.0.0.1'], ['file', '-m'], ['file', '64']]);
    expect(c.argv.slice(4).every((a) => a.origin === 'unit')).toBe(true);
    expect(c.argv[6].note).toContain('default, nobody');
    expect(c.enabled).toBe(true);
    expect(c.startsAs).toBe('nobody');
  });

  it('a -u in memcached_flags is overridden by the script\'s later -u', () => {
    expect(words('memcached_flags="-u root"\nmemcached_user="www"\n')).toEqual(['-u', 'root', '-d', '-u', 'www', '-P', '/var/run/memcached/memcached.pid']);
  });

  it('keeps an empty memcached_user empty (the default applies only when unset): -u takes -P', () => {
    const c = parse('memcached_user=""\n');
    expect(c.argv.map((a) => a.value)).toEqual(['-d', '-u', '-P', '/var/run/memcached/memcached.pid']);
    expect(c.startsAs).toBeUndefined();
  });

  it('a "#" or ";" in the flags is shell syntax when rc.subr evaluates the command', () => {
    expect(words('memcached_flags="-l 10.0.0.1 # public"\n')).toEqual(['-l', '10.0.0.1']);
    const c = parse('memcached_flags="-m 64; touch /tmp/x"\n');
    expect(c.argv.map((a) => a.value)).toEqual(['-m', '64']);
    expect(c.notes.map((n) => n.kind)).toContain('shell-extra-command');
    expect(c.argvExact).toBe(false);
  });

  it('quotes inside the flags go through su -m USER -c \'sh -c "..."\': not followed, so inexact', () => {
    const c = parse(`memcached_flags="-o 'a b'"\n`);
    expect(c.argvExact).toBe(false);
    expect(c.notes.map((n) => n.kind)).toContain('nested-shell');
    // As root there is no su: one evaluation, followed exactly.
    expect(parse(`memcached_flags="-o 'a b'"\nmemcached_user="root"\n`).argv.slice(0, 2).map((a) => a.value)).toEqual(['-o', 'a b']);
  });

  it('notes a memcached that is not started at boot', () => {
    expect(parse('memcached_enable="YES"\n').notes.find((n) => n.kind === 'not-enabled')).toBeUndefined();
    expect(parse('memcached_enable="NO"\n').notes.find((n) => n.kind === 'not-enabled')?.message).toContain('does not start memcached at boot');
    expect(parse('memcached_enable="maybe"\n').notes.find((n) => n.kind === 'not-enabled')?.message).toContain('neither yes nor no');
    expect(parse('').notes.find((n) => n.kind === 'not-enabled')?.message).toContain('not set in this file');
  });

  it('profiles: the first enabled profile is checked, with its own flags and pid file', () => {
    const text = 'memcached_enable="NO"\nmemcached_profiles="a b"\nmemcached_b_enable="YES"\nmemcached_b_flags="-l 127.0.0.1 -p 11311"\nmemcached_flags="-m 8"\n';
    const c = parse(text);
    expect(c.profile).toBe('b');
    expect(c.flagsVariable).toBe('memcached_b_flags');
    expect(c.argv.map((a) => a.value)).toEqual(['-l', '127.0.0.1', '-p', '11311', '-d', '-u', 'nobody', '-P', '/var/run/memcached/memcached.b.pid']);
    expect(c.notes.find((n) => n.kind === 'profiles')?.message).toContain('not checked: "a"');
    const a = parse(text, 'a');
    expect(a.flagsVariable).toBe('memcached_flags');
    expect(a.enabled).toBe(false);
  });
});

describe('rcconf: a command in the file', () => {
  it('may change the flags or the user it runs after: they are unknown, with the line that decides', () => {
    const text = 'memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\nmemcached_user="memcached"\n. /etc/rc.conf.local\n';
    const c = parse(text);
    expect(c.argv[0].unknown?.kind).toBe('opaque');
    expect(c.argv[0].unknown?.reason).toBe('line 4 runs a shell command (". /etc/rc.conf.local"), which may change memcached_flags; mchard does not run it');
    expect(c.startsAsUnknown?.reason).toMatch(/which may change memcached_user/);
    const r = lint(text);
    expect(r.model.runsAsKnown.known).toBe(false);
    expect(r.model.listenersKnown.known).toBe(false);
    // Flags the file never sets, after such a command: any options.
    const none = parse('memcached_enable="YES"\n. /etc/rc.conf.local\n');
    expect(none.argv[0]).toMatchObject({ value: '${memcached_flags}', exact: false, unknown: { kind: 'opaque' } });
  });

  it('what it sets after the command is its own, and the MC910 it still reports says why in words', () => {
    const c = parse('. /etc/rc.conf.local\nmemcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\nmemcached_user="memcached"\n');
    expect(c.argv.slice(0, 4).map((t) => [t.value, t.unknown])).toEqual([['-l', undefined], ['127.0.0.1', undefined], ['-U', undefined], ['0', undefined]]);
    expect(c.argv[0].note).toBe('depends on the host: line 1 runs a shell command (". /etc/rc.conf.local")');
    expect(c.startsAsUnknown).toBeUndefined();
    // Before: "depends on the host may add options".
    const messages = lint('. /etc/rc.conf.local\nmemcached_enable="YES"\nmemcached_flags="-l 0.0.0.0"\n').findings.map((f) => f.message);
    expect(messages.join('\n')).not.toMatch(/depends on the host may add/);
    expect(messages.join('\n')).toMatch(/an argument that depends on the host \(line 1 runs a shell command \("\. \/etc\/rc\.conf\.local"\)\) may add options/);
  });
});

describe('rcconf: what the rules report, and where', () => {
  const sample = readFileSync(join(ROOT, 'samples/freebsd-rc.conf'), 'utf8');

  it('MC201 names memcached_user="root" and points at it', () => {
    const r = lintText(sample, { dialect: 'rcconf', path: join(ROOT, 'samples/freebsd-rc.conf') });
    const f = findings(r, 'MC201');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('memcached_user="root"');
    expect(pointedText(r, f[0])).toBe('memcached_user="root"');
  });

  it('MC101 and MC110 point inside memcached_flags; no MC901 for the script\'s -d', () => {
    const r = lint(sample);
    expect(findings(r, 'MC101').map((f) => pointedText(r, f))).toEqual(['-l 0.0.0.0']);
    expect(findings(r, 'MC110').map((f) => pointedText(r, f))).toEqual(['-U 11211']);
    expect(findings(r, 'MC901')).toEqual([]);
  });

  it('a user other than root: memcached runs as that user (su -m), no MC201', () => {
    const r = lint('memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\n');
    expect(r.model.runsAs).toBe('nobody');
    expect(findings(r, 'MC201')).toEqual([]);
  });
});

describe('memcached_profiles: each profile linted as its own instance', () => {
  beforeAll(() => loadDialect('rcconf'));
  it('a later profile on every interface is found (only the first enabled one was checked)', () => {
    const text = 'memcached_enable="YES"\nmemcached_profiles="sessions cache"\nmemcached_sessions_flags="-l 127.0.0.1 -p 11212 -U 0"\nmemcached_cache_flags="-l 0.0.0.0 -p 11213 -U 0"\n';
    const r = lintText(text, { dialect: 'rcconf', path: '/srv/freebsd/etc/rc.conf' });
    expect(findings(r, 'MC101').map((f) => f.message)).toEqual(['-l 0.0.0.0 listens on every interface (TCP 0.0.0.0:11213)']);
    expect((r.parts ?? []).map((p) => p.config.partName)).toEqual(['profile sessions', 'profile cache']);
  });
});
