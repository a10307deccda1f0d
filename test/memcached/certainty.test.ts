/**
 * What the model knows and what it does not (issue 12 §5): `certain` means no realistic host differs.
 */
import { SourceText, type ArgToken } from '../../src/source.js';
import { analyze } from '../../src/memcached/model.js';
import { parseDebian } from '../../src/dialects/debian.js';
import { parseSysconfig } from '../../src/dialects/sysconfig.js';
import { argv } from '../helpers/argv.js';
import type { HostFacts } from '../../src/memcached/startup.js';

const debian = (text: string) => parseDebian(new SourceText('/etc/memcached.conf', text));
const opaque = (value = '{{ x }}'): ArgToken => ({ value, span: null, origin: 'file', exact: false, unknown: { kind: 'opaque', depends: 'template', reason: value, decide: 'the rendered file', at: 0 } });
const templated = (value: string, at = 0): ArgToken => ({ value, span: null, origin: 'file', exact: false, unknown: { kind: 'value', depends: 'template', reason: value, decide: 'the rendered file', at } });

describe('known settings', () => {
  it('a literal occurrence decides its setting; a later opaque piece may set it again', () => {
    expect(analyze(argv('-u', 'root', '-l', '127.0.0.1')).known('username')).toEqual({ known: true, value: 'root' });
    const m = analyze([...argv('-u', 'root'), opaque()]);
    expect(m.known('username')).toMatchObject({ known: false, unknown: { depends: 'template' } });
    // an opaque piece before it cannot override the last occurrence
    expect(analyze([opaque(), ...argv('-u', 'root')]).known('username').known).toBe(true);
  });

  it('absence is unknown when an opaque piece could supply the option', () => {
    expect(analyze(argv('-u', 'memcache')).known('inter')).toEqual({ known: true, value: null });
    expect(analyze([...argv('-u', 'memcache'), opaque()]).known('inter').known).toBe(false);
    expect(analyze([...argv('-u', 'memcache'), opaque()]).unknownOf('listeners')).not.toBeNull();
  });

  it('a flag that only switches on stays on whatever comes later', () => {
    const m = analyze([...argv('-A', '-X'), opaque()]);
    expect(m.known('shutdownCommand')).toEqual({ known: true, value: true });
    expect(m.known('dumpEnabled')).toEqual({ known: true, value: false });
    expect(m.known('sasl').known).toBe(false);
  });

  it('a templated value is unknown; its option letters are known', () => {
    const m = analyze([...argv('-p'), templated('PORT')]);
    expect(m.known('port').known).toBe(false);
    expect(m.known('tcpSpecified')).toEqual({ known: true, value: true });
  });

  it('a word whose option letters are templated is an opaque piece, not an unknown option', () => {
    const m = analyze([...argv('-u', 'memcache'), templated('-XX', 1)]);
    expect(m.parsed.firstError).toBe(-1);
    expect(m.certainty.opaque).toEqual([2]);
    // the value of -p is templated from its third character: "-p11211" with 11211 templated
    const p = analyze([templated('-pXXXX', 2)]);
    expect(p.certainty.opaque).toEqual([]);
    expect(p.known('port').known).toBe(false);
  });
});

describe('the start-up outcome', () => {
  it('unknown when a templated value could change it, with the reason', () => {
    const m = analyze([...argv('-u', 'memcache', '-l', '127.0.0.1', '-c'), templated('{{ conns }}')]);
    expect(m.startup).toMatchObject({ certain: false, unknown: { depends: 'template', reason: '{{ conns }}' } });
  });

  it('a failure while reading options is certain when nothing unknown comes before it', () => {
    const m = analyze([...argv('-u', 'memcache', '-c', '0'), opaque()]);
    expect(m.startup).toMatchObject({ ok: false, exitCode: 1, certain: true });
    expect(m.startup.unknown).toBeUndefined();
    const before = analyze([opaque(), ...argv('-u', 'memcache', '-c', '0')]);
    expect(before.startup.unknown?.depends).toBe('template');
  });

  it('-u 0: memcached looks up a user named "0", which no realistic system has: exit 67, certain', () => {
    const m = analyze(argv('-u', '0', '-l', '127.0.0.1'));
    expect(m.startup).toMatchObject({ ok: false, exitCode: 67, certain: true });
    expect(m.startup.ok ? '' : m.startup.reason).toContain("can't find the user 0 to switch to");
    // a host that (oddly) has such a user decides otherwise
    const odd: HostFacts = { root: true, userExists: (n) => n === '0' };
    expect(analyze(argv('-u', '0', '-l', '127.0.0.1'), { host: odd }).startup.ok).toBe(true);
  });

  it('OPTIONS="-l $LISTEN": systemd passes $LISTEN literally, no host name holds "$": exit 71, certain', () => {
    const c = parseSysconfig(new SourceText('/etc/sysconfig/memcached', 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l $LISTEN"\n'));
    expect(c.argv.map((a) => a.value)).toContain('$LISTEN');
    const m = analyze(c.argv);
    expect(m.startup).toMatchObject({ ok: false, exitCode: 71, certain: true });
    expect(m.startup.ok ? '' : m.startup.reason).toContain('"$LISTEN"');
  });

  it('-l * on a Debian line: /bin/sh makes it a name in / (never empty), which resolves nowhere: exit 71, certain', () => {
    const c = debian('-u memcache\n-l *\n-U 0\n');
    expect(c.argv[3].value).toBe('bin');
    expect(c.argv[3].unknown).toMatchObject({ depends: 'host', pathname: true });
    const m = analyze(c.argv);
    expect(m.startup).toMatchObject({ ok: false, exitCode: 71, certain: true });
    // with -s memcached opens no network listener: the glob does not matter for start-up
    expect(analyze(debian('-u memcache\n-l *\n-s /run/memcached/m.sock\n').argv).startup.ok).toBe(true);
  });

  it('a Debian line with ";" and nothing to expand is not host-dependent', () => {
    const c = debian('-u memcache\n-l 127.0.0.1; true\n');
    expect(c.argvExact).toBe(true);
    expect(c.argv.map((a) => a.value)).toEqual(['-u', 'memcache', '-l', '127.0.0.1']);
    expect(c.notes.map((n) => n.kind)).toContain('shell-extra-command');
    expect(analyze(c.argv).startup).toEqual(expect.objectContaining({ ok: true }));
    expect(analyze(c.argv).startup.unknown).toBeUndefined();
  });

  it('bracket patterns: [::1] and 127.0.0.* match no realistic name in /; a* may (/app): host-dependent', () => {
    expect(debian('-u memcache\n-l [::1]\n')).toMatchObject({ argvExact: true });
    expect(debian('-u memcache\n-l [::1]\n').argv[3].value).toBe('[::1]');
    expect(debian('-u memcache\n-l 127.0.0.*\n').argvExact).toBe(true);
    expect(debian('-u memcache\n-l a*\n').argvExact).toBe(false);
    // [b]in matches a standard name: it expands to "bin"
    expect(debian('-u memcache\n-l [b]in\n').argv[3]).toMatchObject({ value: 'bin', exact: false });
  });

  it('a specific address, a site user: only the host decides; host checks answer', () => {
    const m = analyze(argv('-u', 'memcache', '-l', '10.0.0.11'));
    expect(m.startup).toMatchObject({ ok: true, certain: false, unknown: { depends: 'host' } });
    const host: HostFacts = { root: true, addressIsLocal: () => false, userExists: () => true };
    expect(analyze(argv('-u', 'memcache', '-l', '10.0.0.11'), { host }).startup).toMatchObject({ ok: false, exitCode: 71, certain: true });
    expect(analyze(argv('-u', 'bitrix', '-l', '127.0.0.1')).startup.unknown?.reason).toContain('bitrix');
    expect(analyze(argv('-u', 'memcache', '-l', '127.0.0.1')).startup).toEqual(expect.objectContaining({ ok: true }));
    expect(analyze(argv('-u', 'memcache', '-l', '127.0.0.1')).startup.unknown).toBeUndefined();
  });

  it('host checks: a socket directory the -u user cannot write is exit 71 bind(): Permission denied', () => {
    const host: HostFacts = { root: true, userExists: () => true, socketCreatable: () => ({ ok: false, reason: 'user m cannot create files in /srv/s' }) };
    const m = analyze(argv('-u', 'm', '-s', '/srv/s/m.sock'), { host });
    expect(m.startup).toMatchObject({ ok: false, exitCode: 71, certain: true, stage: 'after-drop' });
    expect(m.startup.ok ? '' : m.startup.reason).toContain('bind(): Permission denied');
  });

  it('host checks: -S without a SASL configuration the -u user can see is exit 1', () => {
    const none: HostFacts = { root: true, userExists: () => true, visibleTo: () => false };
    expect(analyze(argv('-u', 'memcache', '-l', '127.0.0.1', '-S', '-U', '0'), { host: none }).startup).toMatchObject({ ok: false, exitCode: 1 });
    const found: HostFacts = { root: true, userExists: () => true, visibleTo: (p) => p === '/etc/sasl2/memcached.conf' };
    expect(analyze(argv('-u', 'memcache', '-l', '127.0.0.1', '-S', '-U', '0'), { host: found }).startup.ok).toBe(true);
  });
});
