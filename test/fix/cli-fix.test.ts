/** `mchard fix` in-process: exit statuses, dry run, no terminal, confirmation, host checks, formats, usage errors. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFixCaptured, tempFolderPerTest } from './helpers.js';
import { main, MAIN_HELP } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { REAL_FIXTURES } from '../helpers/real-fixtures.js';

const INSECURE = '# app servers\n-m 1024\n-p 11211\n-u root\n-l 0.0.0.0\n-vv\n-A\n';
const CLEAN = '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n';

const tmp = tempFolderPerTest('mchard-fixcli-');
const put = tmp.put;
const run = runFixCaptured;

describe('mchard fix: writing or not', () => {
  it('--dry-run shows the diff, writes nothing and exits 1 when there are changes', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--dry-run', f]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`--- ${f}\toriginal`);
    expect(r.out).toContain('+-l 127.0.0.1');
    expect(r.out).toContain('-A\n');
    expect(r.out).toContain('dry run: nothing was written');
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
  });

  // Before: `nothing to fix in FILE` above `not fixed  MC111  disable UDP with -U 0: the edit would move or change
  // a template expression` (robertdebock/ansible-role-memcached's CentOS template, real fixture 002), and above
  // `not fixed  MC201  run as memcache: unsafe, ...` for a fix held back.
  it('a file whose fixes were refused or held back is not "nothing to fix": it says they were not made', async () => {
    mkdirSync(join(tmp.path, 'sysconfig'));
    const template = put('sysconfig/memcached', readFileSync(join(REAL_FIXTURES, 'ansible/002-robertdebock-ansible-role-memcached-CentOS-memcached.j2'), 'utf8'));
    const r = await run(['--yes', '--unsafe-fixes', '--no-restart', template]);
    expect(r.out).not.toContain('nothing to fix');
    expect(r.out).toContain(`no change to ${template}: these fixes were not made:\n  not fixed  MC111  disable UDP with -U 0: the edit would move or change a template expression`);
    const held = put('memcached.conf', '-m 64\n-p 11211\n-u root\n-l 127.0.0.1\n-U 0\n');
    const h = await run(['--yes', held]);
    expect(h.out).not.toContain('nothing to fix');
    expect(h.out).toMatch(/^no change to .*memcached\.conf: these fixes were not made:\n {2}not fixed {2}MC201 {2}run as memcache: unsafe, /m);
    // Among other files, its "not fixed" lines stay under its own name, not after another file's "wrote".
    writeFileSync(held, '-m 64\n-p 11211\n-u root\n-l 127.0.0.1\n-U 0\n');
    const other = put('memcached_b.conf', INSECURE);
    const both = await run(['--yes', other, held]);
    expect(both.out).toContain(`no change to ${held}: these fixes were not made:\n  not fixed  MC201  run as memcache: unsafe, `);
    expect(both.out.indexOf(`no change to ${held}`)).toBeGreaterThan(both.out.indexOf(`wrote ${other}`));
    // A clean file is still "nothing to fix".
    mkdirSync(join(tmp.path, 'clean'));
    expect((await run(['--yes', put('clean/memcached.conf', CLEAN)])).out).toContain('nothing to fix in');
  });

  it('--dry-run exits 0 when there is nothing to fix', async () => {
    const r = await run(['--dry-run', put('memcached.conf', CLEAN)]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('nothing to fix');
  });

  it('without --yes and without a terminal, prints the diff, writes nothing and exits 1', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run([f], { tty: false });
    expect(r.code).toBe(1);
    expect(r.out).toContain('+# mchard: -A removed (MC501 shutdown-command-enabled)');
    expect(r.out).toContain(`not written: ${f} (no terminal to confirm; use --yes): 4 errors, 1 warning, 6 infos remain\n`);
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
    expect(readdirSync(tmp.path)).toEqual(['memcached.conf']);
  });

  it('--yes writes, keeps a backup, and exits 0 when nothing fixable or failing remains', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--yes', '--unsafe-fixes', f]);
    expect(r.code).toBe(0);
    const backup = new RegExp(`^wrote ${f}; backup in (${f}\\.mchard-backup-\\d{8}T\\d{6}Z)$`, 'm').exec(r.out)?.[1];
    expect(backup).toBeDefined();
    expect(readFileSync(backup!, 'utf8')).toBe(INSECURE);
    const fixed = readFileSync(f, 'utf8');
    expect(fixed).toContain('-u memcache\n');
    expect(fixed).toContain('-l 127.0.0.1\n');
    // The remaining findings are reported as lint reports them (MC301 is advice: info).
    expect(r.out).toMatch(/MC301/);
    expect((await run(['--dry-run', f])).code).toBe(0);
  });

  it('--no-backup', async () => {
    const f = put('memcached.conf', INSECURE);
    expect((await run(['--yes', '--unsafe-fixes', '--no-backup', f])).code).toBe(0);
    expect(readdirSync(tmp.path)).toEqual(['memcached.conf']);
  });

  it('asks on a terminal: yes writes, no does not (exit 1)', async () => {
    const a = put('memcached_a.conf', INSECURE);
    const b = put('memcached_b.conf', INSECURE);
    const asked: string[] = [];
    const r = await run([a, b], { tty: true, hooks: { confirm: async (m) => (asked.push(m), m.includes('memcached_a.conf')) } });
    expect(asked).toEqual([`Write these changes to ${a}?`, `Write these changes to ${b}?`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`not written: ${b}`);
    expect(readFileSync(a, 'utf8')).not.toBe(INSECURE);
    expect(readFileSync(b, 'utf8')).toBe(INSECURE);
  });

  it('exits 1 when findings remain that mchard cannot fix', async () => {
    const f = put('memcached.conf', '-m 64\n-p 11211\n-u memcache\n-l cache.example\n-U 0\n');
    const r = await run(['--yes', '--fail-on', 'warning', f]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/MC104/);
  });

  it('reports a fix it could not write, and exits 1', async () => {
    const f = put('memcached.conf', '# mchard-disable MC901\n-m 64\n-p 11211\n-u memcache\n-U 0\n-l 10.0.0.1 -d -l ::\n');
    const r = await run(['--yes', f]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not fixed {2}MC101 {2}listen on 127\.0\.0\.1 only: /);
  });

  it('a file changed while mchard worked is not written (exit 2)', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--yes', f], { hooks: { beforeRename: () => writeFileSync(f, '-m 1\n') } });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/changed since mchard read it/);
    expect(readFileSync(f, 'utf8')).toBe('-m 1\n');
  });

  it('an unreadable file is an error (exit 2) and is not written', async () => {
    const r = await run(['--yes', join(tmp.path, 'missing.conf')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('missing.conf: no such file; not fixed');
    const bin = put('bin.conf', '-m 64\n\0\n');
    expect((await run(['--yes', bin])).code).toBe(2);
    expect(readFileSync(bin, 'utf8')).toBe('-m 64\n\0\n');
  });
});

describe('mchard fix: options', () => {
  it('--listen, --user, --port', async () => {
    const f = put('memcached.conf', INSECURE);
    expect((await run(['--yes', '--unsafe-fixes', '--no-host-checks', '--listen', '127.0.0.2,::1', '--user', 'nobody', '--port', '41211', f])).code).toBe(0);
    const fixed = readFileSync(f, 'utf8');
    expect(fixed).toContain('-l 127.0.0.2,::1\n');
    expect(fixed).toContain('-u nobody\n');
    expect(fixed).toContain('-p 41211\n');
  });

  it('sysconfig files, by path', async () => {
    const sub = join(tmp.path, 'sysconfig');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub);
    const f = join(sub, 'memcached');
    writeFileSync(f, 'PORT="11211"\nUSER="root"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 0.0.0.0 -U 11211"\n');
    expect((await run(['--yes', '--unsafe-fixes', f])).code).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(
      'PORT="11211"\n# mchard: USER was "root" (MC201)\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\n# mchard: replaced -l 0.0.0.0 with -l 127.0.0.1 in OPTIONS (MC101)\n# mchard: replaced -U 11211 with -U 0 in OPTIONS (MC110)\nOPTIONS="-l 127.0.0.1 -U 0"\n',
    );
  });

  it('--format json keeps stdout for the report; the diff goes to stderr', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--dry-run', '--format', 'json', f]);
    expect(() => JSON.parse(r.out)).not.toThrow();
    expect(r.err).toContain('+-l 127.0.0.1');
  });

  it('--disable turns a rule off for fixing too', async () => {
    const f = put('memcached.conf', `${CLEAN}-A\n`);
    const r = await run(['--dry-run', '--disable', 'MC501', f]);
    expect(r.code).toBe(0);
  });

  it.each([
    [['--listen', 'nonsense'], /not an IP address/],
    [['--listen', '0.0.0.0'], /every interface/],
    [['--user', 'root'], /running as root/],
    [['--user', 'a b'], /not a valid user name/],
    [['--port', '80'], /between 1024 and 65535/],
    [['--port', 'x'], /must be a number/],
    [['--yes', '--dry-run'], /contradict/],
    [['--restart', '--no-restart'], /contradict/],
    [['-'], /standard input/],
  ])('usage error %j', async (args, msg) => {
    const f = put('memcached.conf', INSECURE);
    let err = '';
    const io: Io = { out: () => undefined, err: (t) => void (err += t), stdoutStream: {}, stdinIsTTY: false };
    const code = await main(['fix', ...args, ...(args.includes('-') ? [] : [f])], io);
    expect(code).toBe(2);
    expect(err).toMatch(msg);
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
  });
});

describe('mchard fix: host checks', () => {
  it('--restart makes a file the service\'s: a listen address no interface has stops everything (exit 2)', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--yes', '--restart', '--listen', '198.51.100.77', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('listen address 198.51.100.77 is not on any interface of this machine');
    expect(r.err).toContain('nothing was written');
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
  });

  it('a user that does not exist stops everything (exit 2)', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--yes', '--unsafe-fixes', '--restart', '--user', 'no_such_user_mchard', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('user "no_such_user_mchard" does not exist');
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
  });

  it('--no-host-checks skips them (a file for another machine)', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--yes', '--unsafe-fixes', '--restart', '--no-host-checks', '--listen', '198.51.100.77', '--user', 'no_such_user_mchard', f]);
    expect(r.code).toBe(0);
    expect(readFileSync(f, 'utf8')).toContain('-l 198.51.100.77\n');
  });

  it('a file outside /etc is not checked unless --restart', async () => {
    const f = put('memcached.conf', INSECURE);
    expect((await run(['--yes', '--unsafe-fixes', '--user', 'no_such_user_mchard', f])).code).toBe(0);
  });
});

describe('mchard fix: registration', () => {
  it('is listed in the main help and has its own', async () => {
    expect(MAIN_HELP).toMatch(/^ {2}fix \[FILE\.\.\.\]/m);
    let out = '';
    const io: Io = { out: (t) => void (out += t), err: () => undefined, stdoutStream: {}, stdinIsTTY: false };
    expect(await main(['help', 'fix'], io)).toBe(0);
    expect(out).toContain('Usage: mchard fix');
    expect(out).toContain('--dry-run');
  });
});

describe('mchard fix: unsafe fixes', () => {
  it('holds an unsafe fix back, says why and how to apply it, and exits 1 while it remains', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--yes', f]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^ {2}not fixed {2}MC201 {2}run as memcache: unsafe, host checks do not apply to this file .* \(run with --unsafe-fixes\)$/m);
    const fixed = readFileSync(f, 'utf8');
    expect(fixed).toContain('-l 127.0.0.1\n');
    expect(fixed).toContain('-u root\n');
  });

  it('--unsafe-fixes applies it', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--yes', '--unsafe-fixes', f]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('not fixed');
    expect(readFileSync(f, 'utf8')).toContain('-u memcache\n');
  });

  it('--host-checks makes switching away from root safe when this machine shows the user can run memcached', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--yes', '--host-checks', '--user', 'nobody', f]);
    expect(r.out).not.toContain('not fixed');
    expect(readFileSync(f, 'utf8')).toContain('-u nobody\n');
    expect(r.code).toBe(0);
  });

  it('.mchardrc: unsafe-fixes = true, and extend-safe-fixes per rule', async () => {
    const a = put('memcached.conf', INSECURE);
    writeFileSync(join(tmp.path, '.mchardrc'), 'extend-safe-fixes = runs-as-root\n');
    expect((await run(['--yes', a])).code).toBe(0);
    expect(readFileSync(a, 'utf8')).toContain('-u memcache\n');
    writeFileSync(join(tmp.path, '.mchardrc'), 'unsafe-fixes = true\nextend-unsafe-fixes = MC101\n');
    const b = put('memcached.conf', INSECURE);
    expect((await run(['--yes', b])).code).toBe(0);
    expect(readFileSync(b, 'utf8')).toContain('-l 127.0.0.1\n');
  });

  it('--host-checks and --no-host-checks contradict each other', async () => {
    await expect(run(['--host-checks', '--no-host-checks', put('memcached.conf', CLEAN)])).rejects.toThrow('--host-checks and --no-host-checks contradict each other');
  });
});
