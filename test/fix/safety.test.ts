/**
 * Fix safety: `mchard fix` applies safe fixes, and unsafe ones only with --unsafe-fixes (`unsafeFixes`), or
 * per rule with `.mchardrc`'s extend-safe-fixes / extend-unsafe-fixes. Every rule whose fix is unsafe (always
 * or in some case) is tried with unsafe fixes off and on; the cases that decide safety are tried against
 * a fake host and against this machine's real accounts and directories.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { DialectName } from '../../src/dialects/types.js';
import type { FixAccount, FixHost } from '../../src/engine/rule.js';
import { RULES } from '../../rules/index.js';
import { hostAccess } from '../../src/fix/host-access.js';
import { parseConfigText } from '../../src/engine/config.js';
import { fixText } from './helpers.js';

const SYS = (user: string, port = '11211', options = '-l 127.0.0.1 -U 0') =>
  `PORT="${port}"\nUSER="${user}"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="${options}"\n`;

/** A host where `users` exist and can write everywhere but the directories listed in `readOnly`. */
function fakeHost(users: string[], readOnly: string[] = []): FixHost {
  return {
    account: (name) => (users.includes(name) ? { name, uid: 1000 + users.indexOf(name), gids: [1000] } : null),
    canWriteDirectory: (_a: FixAccount, dir: string) => !readOnly.includes(dir),
    canReadFile: () => true,
  };
}

interface Case {
  rule: string;
  what: string;
  text: string;
  dialect?: DialectName;
  options?: Parameters<typeof fixText>[2];
  /** A line the fix writes when it applies. */
  written: string;
}

/** One case per rule whose fix is unsafe: held back without --unsafe-fixes, applied with it. */
const UNSAFE: Case[] = [
  { rule: 'MC201', what: '-u root, no host checks', text: '-m 64\n-u root\n-l 127.0.0.1\n-U 0\n', written: '-u memcache' },
  { rule: 'MC301', what: 'a new port', text: '-m 64\n-u memcache\n-p 11211\n-l 127.0.0.1\n-U 0\n', options: { fixPort: 21211 }, written: '-p 21211' },
  { rule: 'MC701', what: 'a world-writable socket', text: '-m 64\n-u memcache\n-s /run/memcached/m.sock\n-a 0777\n', written: '-a 0700' },
  { rule: 'MC805', what: '-u 0', text: '-m 64\n-l 127.0.0.1\n-U 0\n-u 0\n', written: '-u memcache' },
  { rule: 'MC907', what: 'PORT missing', text: 'USER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n', dialect: 'sysconfig', written: 'PORT="11211"' },
];

describe('every rule whose fix can be unsafe is listed here', () => {
  it('the list covers them all', () => {
    const unsafe = RULES.filter((r) => r.fix && (r.fix.safety === 'unsafe' || r.fix.depends)).map((r) => r.id);
    expect(UNSAFE.map((c) => c.rule).sort()).toEqual(unsafe.sort());
  });
});

describe.each(UNSAFE.map((c) => [c.rule, c] as const))('%s', (id, c) => {
  const plan = (unsafeFixes: boolean) => fixText(c.text, c.dialect, c.options, undefined, { unsafeFixes });

  it(`without --unsafe-fixes: held back, with the reason (${c.what})`, () => {
    const p = plan(false);
    expect(p.applied.map((a) => a.ruleId)).not.toContain(id);
    expect(p.heldBack).toEqual([expect.objectContaining({ ruleId: id, reason: expect.any(String) })]);
    expect(p.heldBack[0].reason.length).toBeGreaterThan(10);
    expect(p.text).not.toContain(c.written);
    expect(p.unfixed.map((f) => f.ruleId)).toContain(id);
  });

  it('with --unsafe-fixes: applied', () => {
    const p = plan(true);
    expect(p.applied.map((a) => a.ruleId)).toContain(id);
    expect(p.heldBack).toEqual([]);
    expect(p.text).toContain(c.written);
  });

  it('extend-safe-fixes counts it as safe; extend-unsafe-fixes keeps it unsafe', () => {
    const safe = fixText(c.text, c.dialect, c.options, undefined, { unsafeFixes: false, extendSafeFixes: new Set([id]) });
    expect(safe.applied.map((a) => a.ruleId)).toContain(id);
    const unsafe = fixText(c.text, c.dialect, c.options, undefined, { unsafeFixes: false, extendUnsafeFixes: new Set([id]) });
    expect(unsafe.heldBack.map((h) => h.ruleId)).toEqual([id]);
  });
});

describe('a safe fix can be made unsafe with extend-unsafe-fixes', () => {
  it('MC101 binds loopback by default, and not when .mchardrc says its fix is unsafe', () => {
    const text = '-m 64\n-u memcache\n-l 0.0.0.0\n-U 0\n';
    expect(fixText(text, 'debian', {}, undefined, { unsafeFixes: false }).text).toContain('-l 127.0.0.1');
    const held = fixText(text, 'debian', {}, undefined, { unsafeFixes: false, extendUnsafeFixes: new Set(['MC101']) });
    expect(held.text).not.toContain('-l 127.0.0.1');
    expect(held.heldBack).toEqual([expect.objectContaining({ ruleId: 'MC101', reason: 'extend-unsafe-fixes in .mchardrc counts it as unsafe' })]);
  });
});

describe('safety that depends on the case', () => {
  const root = '-m 64\n-p 11211\n-u root\n-l 127.0.0.1\n-U 0\n-P /run/memcached/memcached.pid\n-s /run/memcached/m.sock\n-a 0700\n';
  const safeOnly = (text: string, host: FixHost | null, dialect: DialectName = 'debian', options = {}) =>
    fixText(text, dialect, options, undefined, { unsafeFixes: false, fixHost: host });

  it('MC201: safe when the host shows the user exists and can write the socket and pid file directories', () => {
    const p = safeOnly(root, fakeHost(['memcache']));
    expect(p.applied.map((a) => a.ruleId)).toContain('MC201');
    expect(p.text).toContain('-u memcache');
  });

  it.each([
    ['no host checks', null, /host checks do not apply/],
    ['the user does not exist', fakeHost(['someone']), /user memcache does not exist/],
    ['the user cannot write the pid file directory', fakeHost(['memcache'], ['/run/memcached']), /memcache cannot write to \/run\/memcached/],
  ])('MC201: unsafe when %s', (_what, host, reason) => {
    const p = safeOnly(root, host);
    expect(p.applied.map((a) => a.ruleId)).not.toContain('MC201');
    expect(p.heldBack).toEqual([expect.objectContaining({ ruleId: 'MC201', reason: expect.stringMatching(reason) })]);
  });

  it('MC201: unsafe with a port below 1024, which the user cannot bind', () => {
    const p = safeOnly('-m 64\n-p 211\n-u root\n-l 127.0.0.1\n-U 0\n', fakeHost(['memcache']));
    expect(p.heldBack).toEqual([expect.objectContaining({ ruleId: 'MC201', reason: expect.stringMatching(/port 211 is below 1024/) })]);
  });

  it('MC201: the USER of a sysconfig file, through the same decision', () => {
    expect(safeOnly(SYS('root'), fakeHost(['memcached']), 'sysconfig').text).toContain('USER="memcached"');
    expect(safeOnly(SYS('root'), null, 'sysconfig').text).toContain('USER="root"');
  });

  it('MC701: a mask memcached reads as 0 is safe to set to 0700 (no client but root could connect)', () => {
    const p = safeOnly('-m 64\n-u memcache\n-s /run/memcached/m.sock\n-a abc\n', null);
    expect(p.text).toContain('-a 0700');
    expect(p.heldBack).toEqual([]);
  });

  it('MC907: a missing USER is safe to set (memcached does not start without it); a missing PORT is not', () => {
    const text = 'MAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n';
    const p = safeOnly(text, null, 'sysconfig');
    expect(p.text).toContain('USER="memcached"');
    expect(p.text).not.toContain('PORT=');
    expect(p.heldBack).toEqual([expect.objectContaining({ ruleId: 'MC907', description: 'set PORT="11211"', reason: expect.stringMatching(/opens a TCP listener/) })]);
  });
});

// This machine's own accounts and directories (real /etc/passwd, real permission bits): `nobody` exists
// everywhere; a directory only root can enter stops it.
const asRoot = process.getuid?.() === 0 && spawnSync('id', ['nobody']).status === 0;
(asRoot ? describe : describe.skip)('the real host (as root, with the user nobody)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `mchard-safety-${process.pid}-`));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'open'));
    chownSync(join(dir, 'open'), 65534, 65534);
    mkdirSync(join(dir, 'closed'), { mode: 0o700 });
    mkdirSync(join(dir, 'closed', 'inner'), { mode: 0o777 });
    chmodSync(join(dir, 'closed', 'inner'), 0o777);
    writeFileSync(join(dir, 'auth'), 'user:pass\n', { mode: 0o600 });
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  const text = (pidDir: string, extra = '') => `-m 64\n-p 11211\n-u root\n-l 127.0.0.1\n-U 0\n-P ${pidDir}/memcached.pid\n${extra}`;
  const plan = (t: string) => fixText(t, 'debian', { fixUser: 'nobody' }, undefined, { unsafeFixes: false, fixHost: hostAccess() });

  it('safe: nobody exists and owns the pid file directory', () => {
    const p = plan(text(join(dir, 'open')));
    expect(p.applied.map((a) => a.ruleId)).toContain('MC201');
    expect(p.text).toContain('-u nobody');
  });

  it('unsafe: a directory inside one only root can enter (search permission on the way)', () => {
    const p = plan(text(join(dir, 'closed', 'inner')));
    expect(p.heldBack).toEqual([expect.objectContaining({ ruleId: 'MC201', reason: `nobody cannot write to ${join(dir, 'closed', 'inner')}, the pid file's directory (-P ${join(dir, 'closed', 'inner')}/memcached.pid)` })]);
  });

  it('unsafe: an authentication file only root can read', () => {
    const p = plan(text(join(dir, 'open'), `-Y ${join(dir, 'auth')}\n`));
    expect(p.heldBack).toEqual([expect.objectContaining({ ruleId: 'MC201', reason: expect.stringMatching(/nobody cannot read the authentication file/) })]);
  });

  it('unsafe: a user this machine does not have', () => {
    const p = fixText(text(join(dir, 'open')), 'debian', { fixUser: `mchard_nouser_${process.pid}` }, undefined, { unsafeFixes: false, fixHost: hostAccess() });
    expect(p.heldBack).toEqual([expect.objectContaining({ ruleId: 'MC201', reason: expect.stringMatching(/does not exist on this machine/) })]);
  });
});

describe('.mchardrc: unsafe-fixes, extend-safe-fixes, extend-unsafe-fixes, require-reason', () => {
  const parse = (text: string) => parseConfigText('/x/.mchardrc', text, RULES);
  it('reads them, by ID or slug', () => {
    const c = parse('unsafe-fixes = true\nrequire-reason = true\nextend-safe-fixes = MC201, default-port\nextend-unsafe-fixes = listen-all-interfaces\n');
    expect(c.unsafeFixes).toBe(true);
    expect(c.requireReason).toBe(true);
    expect([...c.extendSafeFixes!]).toEqual(['MC201', 'MC301']);
    expect([...c.extendUnsafeFixes!]).toEqual(['MC101']);
  });
  it.each([
    ['extend-safe-fixes = MC999\n', /unknown rule "MC999"/],
    ['extend-safe-fixes = MC103\n', /MC103 has no fix/],
    ['extend-safe-fixes = MC201\nextend-unsafe-fixes = MC201\n', /MC201 is in both/],
    ['unsafe-fixes = sometimes\n', /not true or false/],
  ])('refuses %j', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});
