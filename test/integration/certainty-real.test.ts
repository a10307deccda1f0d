/**
 * What `certain` means (issue 12 §5), against the real programs: Debian's wrapper starting the real
 * memcached 1.6.18 (from /, as systemd starts it) and `mchard inspect` on the same file.
 * - without host checks: `-u 0` (exit 67), `-l *` on a Debian line (exit 71), `OPTIONS="-l $LISTEN"` (exit 71)
 *   are certain;
 * - with host checks (`--host-checks`), what only this host decides: a unix socket directory the `-u` user
 *   cannot write (exit 71, bind(): Permission denied), `-S` with and without a SASL configuration (exit 1
 *   "Error initializing sasl" / starts), and a listen address that is not this machine's (exit 71).
 *
 * Safety: every memcached that may look a name up runs in a network namespace of its own (`unshare -n`: no
 * resolver, nothing leaves); the ones that start listen on loopback or a unix socket only, on ports chosen at
 * run time; 192.0.2.1 (TEST-NET-1) is only bound, never sent to. The user this test creates is named after
 * its pid and removed afterwards. The SASL configuration exists only in a private mount namespace (an
 * overlay on /etc), never on the host.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../cli/helpers.js';

const WRAPPER = '/usr/share/memcached/scripts/systemd-memcached-wrapper';
const usable =
  process.getuid?.() === 0 && existsSync(WRAPPER) && existsSync('/usr/bin/memcached') && existsSync('/usr/bin/unshare') && existsSync('/usr/sbin/useradd') && existsSync(BIN);
if (!usable) console.warn('certainty-real: skipped (needs root, the memcached package, unshare, useradd and a built dist/)');
const d = usable ? describe : describe.skip;

const USER = `mchard-s${process.pid}`.slice(0, 30);
let dir = '';

interface Real {
  status: number | 'running';
  stderr: string;
}

/** Starts memcached through Debian's real wrapper, from /, optionally inside `prefix` (unshare ...). */
function wrapperRun(config: string, prefix: string[] = []): Promise<Real> {
  const [cmd, ...args] = [...prefix, WRAPPER, config];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: '/', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let running = false;
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      running = true;
      child.kill('SIGTERM');
    }, 1500);
    // 'close', not 'exit': memcached's message may still be in the pipe when the process has exited.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: running ? 'running' : (code ?? -1), stderr });
    });
  });
}

interface Inspected {
  startup: { ok: boolean | null; exitCode?: number; reason: string; certain?: boolean; depends?: string };
  unknown: Record<string, { depends: string; reason: string }>;
  argv: string[];
}

function inspect(path: string, flags: string[] = [], prefix: string[] = []): Inspected {
  // The files have test names, not the service's path: say which program reads them.
  const dialect = flags.includes('--dialect') ? [] : ['--dialect', 'debian'];
  const [cmd, ...args] = [...prefix, process.execPath, BIN, 'inspect', '--format', 'json', ...dialect, ...flags, path];
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  if (r.status !== 0) throw new Error(`mchard inspect failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Inspected;
}

/** The exit status mchard predicts, certain; "running" for a certain start. */
function predicted(j: Inspected): number | 'running' | 'unknown' {
  if (j.startup.ok === true) return 'running';
  if (j.startup.ok === null) return 'unknown';
  return j.startup.certain ? j.startup.exitCode! : 'unknown';
}

function freePort(): number {
  return 30000 + ((process.pid * 7 + Math.floor(Math.random() * 5000)) % 9000);
}

const NETNS = ['unshare', '-n', '--'];

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

beforeAll(() => {
  if (!usable) return;
  dir = mkdtempSync(join(tmpdir(), `mchard-certain-${process.pid}-`));
  chmodSync(dir, 0o755);
  spawnSync('userdel', [USER], { stdio: 'ignore' });
  const r = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`useradd ${USER}: ${r.stderr}`);
});

afterAll(() => {
  if (!usable) return;
  spawnSync('userdel', [USER], { stdio: 'ignore' });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

d('certain without host checks', () => {
  it('-u 0: memcached looks up a user named "0": exit 67, and mchard says so with certainty', async () => {
    const f = write('u0.conf', `-u 0\n-l 127.0.0.1\n-p ${freePort()}\n-U 0\n`);
    const real = await wrapperRun(f);
    expect(real.status).toBe(67);
    expect(real.stderr).toContain("can't find the user 0 to switch to");
    expect(predicted(inspect(f))).toBe(67);
  });

  it('-l * on a Debian line: /bin/sh in / gives memcached a file name: exit 71, certain', async () => {
    const f = write('star.conf', `-u memcache\n-l *\n-p ${freePort()}\n-U 0\n`);
    const real = await wrapperRun(f, NETNS);
    expect(real.status).toBe(71);
    expect(real.stderr).toMatch(/getaddrinfo\(\)/);
    const j = inspect(f);
    expect(predicted(j)).toBe(71);
    expect(j.startup.reason).toContain('/bin/sh replaced the -l value');
  });

  it('OPTIONS="-l $LISTEN": systemd passes $LISTEN literally and memcached exits 71, certain', async () => {
    const f = write('memcached.sysconfig', `PORT="${freePort()}"\nUSER="memcache"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l $LISTEN -U 0"\n`);
    const j = inspect(f, ['--dialect', 'sysconfig']);
    expect(j.argv).toContain('$LISTEN');
    expect(predicted(j)).toBe(71);
    // the real memcached with the argument vector the unit gives it
    const r = spawnSync('unshare', ['-n', '--', '/usr/bin/memcached', ...j.argv], { cwd: '/', encoding: 'utf8', timeout: 10000 });
    expect(r.status).toBe(71);
    expect(r.stderr).toContain('$LISTEN');
  });
});

d('host checks: what only this host decides', () => {
  it('a socket directory the -u user cannot write: exit 71 bind(): Permission denied; unknown without host checks', async () => {
    const sockets = join(dir, 'sockets');
    mkdirSync(sockets);
    chmodSync(sockets, 0o755); // root's, not writable by the user
    const f = write('sock.conf', `-u ${USER}\n-s ${sockets}/m.sock\n`);
    const real = await wrapperRun(f);
    expect(real.status).toBe(71);
    expect(real.stderr).toContain('bind(): Permission denied');
    const j = inspect(f, ['--host-checks']);
    expect(predicted(j)).toBe(71);
    expect(j.startup.reason).toContain('bind(): Permission denied');
    expect(inspect(f).startup).toMatchObject({ ok: null, depends: 'host' });
    // made writable for the user, it starts, and mchard says so
    chmodSync(sockets, 0o777);
    expect((await wrapperRun(f)).status).toBe('running');
    expect(predicted(inspect(f, ['--host-checks']))).toBe('running');
  });

  it('-S without a SASL configuration: exit 1 "Error initializing sasl"; with one (in a private /etc): it starts', async () => {
    const f = write('sasl.conf', `-u memcache\n-l 127.0.0.1\n-p ${freePort()}\n-U 0\n-S\n`);
    if (existsSync('/etc/sasl2/memcached.conf') || existsSync('/etc/sasl/memcached.conf')) throw new Error('this host has a SASL configuration for memcached: the "without" case cannot run');
    const without = await wrapperRun(f);
    expect(without.status).toBe(1);
    expect(without.stderr).toContain('Error initializing sasl');
    expect(predicted(inspect(f, ['--host-checks']))).toBe(1);
    expect(inspect(f).startup).toMatchObject({ ok: null, depends: 'host' });
    // An overlay on /etc in a private mount namespace holds sasl2/memcached.conf for memcached and mchard alike.
    const upper = join(dir, 'etc-upper');
    const work = join(dir, 'etc-work');
    mkdirSync(join(upper, 'sasl2'), { recursive: true });
    mkdirSync(work);
    writeFileSync(join(upper, 'sasl2', 'memcached.conf'), 'mech_list: plain\n');
    const ns = ['unshare', '-m', '--propagation', 'private', '--', 'sh', '-c', `mount -t overlay overlay -o lowerdir=/etc,upperdir=${upper},workdir=${work} /etc && exec "$@"`, 'sh'];
    const withConf = await wrapperRun(f, ns);
    expect(withConf.status).toBe('running');
    expect(predicted(inspect(f, ['--host-checks'], ns))).toBe('running');
  });

  it('a listen address that is not this machine\'s: exit 71 Cannot assign requested address; unknown without host checks', async () => {
    const f = write('nonlocal.conf', `-u memcache\n-l 192.0.2.1\n-p ${freePort()}\n-U 0\n`);
    const real = await wrapperRun(f);
    expect(real.status).toBe(71);
    expect(real.stderr).toContain('Cannot assign requested address');
    expect(predicted(inspect(f, ['--host-checks']))).toBe(71);
    expect(inspect(f).startup).toMatchObject({ ok: null, depends: 'host' });
  });

  it('the user\'s existence: -u with a user this host lacks is exit 67 with host checks, unknown without', async () => {
    const f = write('nouser.conf', `-u ${USER}x\n-l 127.0.0.1\n-p ${freePort()}\n-U 0\n`);
    expect((await wrapperRun(f)).status).toBe(67);
    expect(predicted(inspect(f, ['--host-checks']))).toBe(67);
    expect(inspect(f).startup).toMatchObject({ ok: null, depends: 'host' });
    expect(readFileSync('/etc/passwd', 'utf8')).not.toContain(`${USER}x:`);
  });
});
