/**
 * The service is left as the operator had it, whatever happens (issue 13 §7), against the machine's real
 * memcached run by Debian's init script, with real signals:
 * - SIGINT (to the whole process group, as a terminal's Ctrl-C), SIGTERM and SIGHUP during the restart
 *   `mchard fix --yes` makes: the original file comes back byte for byte, memcached runs it again (as root,
 *   with UDP, as before), the exit status is 130, 143, 129, mchard says what it did, and nothing is left
 *   in the temporary folder;
 * - SIGINT during the verification of a fix memcached cannot start with: rolled back, exit 130;
 * - a second signal during the rollback is reported and the rollback completes; a third stops mchard at
 *   once, naming the backup;
 * - a stopped service stays stopped after a successful `fix --yes` (unless --start);
 * - `fix --yes /etc/memcached.conf` while an /etc/memcached_*.conf exists says why nothing was restarted;
 * - a file already clean whose running memcached differs (the restart skipped) is restarted by `fix --yes`.
 * Holds the system-service lock; puts /etc/memcached.conf and the service back as they were. Needs root,
 * the memcached package (init script), ss, perl; skipped otherwise.
 */
import { jest } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli } from '../fix/helpers.js';
import { CONF, descendants, freePort, INIT, memcachedSockets, serviceTestsMissing, useServiceSession, sh, userOf, waitFor } from '../helpers/debian-service.js';

const missing = serviceTestsMissing();
const d = missing.length ? describe.skip : describe;
if (missing.length) console.warn(`skipping the real signal tests: needs ${missing.join(', ')}`);

jest.setTimeout(120_000);

const t = useServiceSession(missing, 'mchard-signals-', buildCli);

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', NO_COLOR: '1', LANG: 'C' };

function mchard(args: string[]) {
  const r = spawnSync(process.execPath, [t.cli, ...args], { encoding: 'utf8', timeout: 120_000, cwd: '/', env: ENV });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Root, UDP on, loopback only: starts, and mchard's fix (memcache, -U 0) starts too. */
function insecure(port: number): string {
  return `# root and UDP on purpose (loopback only)\nlogfile ${t.dir}/memcached.log\n-m 64\n-p ${port}\n-u root\n-l 127.0.0.1\n-U ${port}\n`;
}

async function startWith(text: string, port: number) {
  writeFileSync(CONF, text);
  expect(sh(INIT, ['start']).status).toBe(0);
  return waitFor(`memcached on port ${port}`, () => {
    const mine = memcachedSockets().filter((s) => s.local.endsWith(`:${port}`));
    return mine.length === 2 || (mine.length && !text.includes(`-U ${port}`)) ? mine : null;
  });
}

/** A temporary folder of mchard's own (TMPDIR), to see what it leaves there. */
function privateTmp(): string {
  const p = join(t.dir, `tmp-${Date.now()}`);
  mkdirSync(p);
  return p;
}

interface Running {
  pid: number;
  done: Promise<{ code: number | null; signal: string | null; out: string; err: string }>;
  out(): string;
  err(): string;
}

/** Starts `mchard ARGS` in a process group of its own (as a shell runs a foreground job). */
function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [t.cli, ...args], { cwd: '/', env: { ...ENV, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => void (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => void (err += b.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { pid: child.pid!, done, out: () => out, err: () => err };
}

/** The init script's restart, run by mchard (below it in the process tree), or null. */
function restartBelow(pid: number): number | null {
  return descendants(pid).find((p) => /init\.d\/memcached restart/.test(p.args))?.pid ?? null;
}

/** Waits until mchard runs the init script's restart (the first time). */
async function duringRestart(m: Running): Promise<void> {
  await waitFor('the init script restart under mchard', () => restartBelow(m.pid), 30_000, 20);
}

/** Waits until the restart command mchard ran has ended (it is then verifying). */
async function afterRestartCommand(m: Running): Promise<void> {
  await duringRestart(m);
  await waitFor('the restart command to end', () => (restartBelow(m.pid) === null ? true : null), 30_000, 20);
}

d('signals during the restart: the original is back and runs, then mchard exits 128+N', () => {
  it.each([
    ['SIGINT', 'group', 130],
    ['SIGTERM', 'process', 143],
    ['SIGHUP', 'process', 129],
  ] as const)('%s (to the %s) during the init script\'s restart: exit %i', async (sig, to, code) => {
    const port = freePort();
    const original = insecure(port);
    const before = await startWith(original, port);
    expect(userOf(before[0].pid)).toBe('root');
    const tmp = privateTmp();

    const m = start(['fix', '--yes', '--no-color', CONF], { TMPDIR: tmp });
    await duringRestart(m);
    process.kill(to === 'group' ? -m.pid : m.pid, sig);
    const r = await m.done;

    expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
    expect(r.err).toContain(`mchard: ${sig}: putting the original ${CONF} back and restarting memcached with it before stopping (the restart under way finishes first)`);
    expect(r.err).toContain(`mchard: ${CONF}: interrupted (${sig}); the original is back and memcached runs it again`);
    expect(r.err).toContain(`mchard: stopped by ${sig} (exit status ${code}): every file is as it was`);
    expect(r.out).toMatch(/ok: restart memcached with the original file: service memcached restart/);
    // The original, byte for byte, and memcached running it: root, TCP and UDP.
    expect(readFileSync(CONF, 'utf8')).toBe(original);
    const after = memcachedSockets().filter((s) => s.local.endsWith(`:${port}`));
    expect(after.map((s) => s.netid).sort()).toEqual(['tcp', 'udp']);
    expect(userOf(after[0].pid)).toBe('root');
    expect(after[0].pid).not.toBe(before[0].pid);
    // The report is the file on disk: the original's errors.
    expect(r.out).toMatch(/MC201/);
    // Nothing left in the temporary folder (the commands' output went to files without a name).
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync('/etc').filter((n) => /^\.memcached\.conf\.mchard-/.test(n))).toEqual([]);
  });

  it('SIGINT during the verification of a fix memcached cannot start with: rolled back, exit 130', async () => {
    const port = freePort();
    const original = `# runs as root\nlogfile ${t.dir}/memcached.log\n-m 64\n-p ${port}\n-u root\n-l 127.0.0.1\n-U 0\n`;
    const before = await startWith(original, port);
    // A user this machine lacks: memcached exits at once, and the verification waits for it to come up.
    const m = start(['fix', '--yes', '--unsafe-fixes', '--no-color', '--no-host-checks', '--user', 'mchard_no_such_user', CONF]);
    await afterRestartCommand(m);
    process.kill(-m.pid, 'SIGINT');
    const r = await m.done;
    expect(r.code).toBe(130);
    expect(r.out).toMatch(/failed: verify that memcached runs \/etc\/memcached\.conf: interrupted/);
    expect(r.err).toContain(`mchard: ${CONF}: interrupted (SIGINT); the original is back and memcached runs it again`);
    expect(readFileSync(CONF, 'utf8')).toBe(original);
    const after = await waitFor('memcached back', () => {
      const mine = memcachedSockets().filter((s) => s.local.endsWith(`:${port}`));
      return mine.length ? mine : null;
    });
    expect(userOf(after[0].pid)).toBe('root');
    expect(after[0].pid).not.toBe(before[0].pid);
  });

  it('a second SIGINT during the rollback is reported, and the rollback completes', async () => {
    const port = freePort();
    const original = insecure(port);
    await startWith(original, port);
    const m = start(['fix', '--yes', '--no-color', CONF]);
    await duringRestart(m);
    process.kill(-m.pid, 'SIGINT');
    await waitFor('the first signal to be acknowledged', () => (m.err().includes('putting the original') ? true : null), 10_000, 20);
    process.kill(-m.pid, 'SIGINT');
    const r = await m.done;
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/mchard: SIGINT again: still putting memcached back as it was \(.*\); one more signal stops mchard at once, which may leave memcached down/);
    expect(r.err).toContain('the original is back and memcached runs it again');
    expect(readFileSync(CONF, 'utf8')).toBe(original);
    const after = memcachedSockets().filter((s) => s.local.endsWith(`:${port}`));
    expect(after.map((s) => s.netid).sort()).toEqual(['tcp', 'udp']);
  });

  it('a third SIGINT stops mchard at once and says loudly what it leaves and where the backup is', async () => {
    const port = freePort();
    await startWith(insecure(port), port);
    const m = start(['fix', '--yes', '--no-color', CONF]);
    await duringRestart(m);
    const script = restartBelow(m.pid)!;
    for (let k = 0; k < 3; k++) {
      process.kill(-m.pid, 'SIGINT');
      await waitFor(`signal ${k + 1} acknowledged`, () => (m.err().split('\n').filter((l) => l.startsWith('mchard: SIGINT')).length > k ? true : null), 10_000, 20);
    }
    const r = await m.done;
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/mchard: SIGINT: STOPPED DURING THE ROLLBACK of \/etc\/memcached\.conf\. /);
    expect(r.err).toMatch(/\/etc\/memcached\.conf\.mchard-backup|The original is back in \/etc\/memcached\.conf/);
    expect(r.err).toContain('service memcached restart');
    // The init script mchard started runs on in its own session: let it finish before the service is reset.
    await waitFor('the orphaned restart to end', () => (sh('kill', ['-0', String(script)]).status !== 0 ? true : null), 30_000);
  });
});

d('a stopped service, an unread file, drift', () => {
  it('a stopped service stays stopped after a successful fix --yes; --start starts it and verifies it', async () => {
    const port = freePort();
    writeFileSync(CONF, insecure(port));
    expect(memcachedSockets().filter((s) => s.local.endsWith(`:${port}`))).toEqual([]);
    const r = mchard(['fix', '--yes', '--no-color', CONF]);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toContain('not restarted: memcached is not running and stays stopped (--start starts it); when it starts, it reads the fixed /etc/memcached.conf: by inspection, memcached starts as memcache');
    expect(readFileSync(CONF, 'utf8')).toContain('-u memcache\n');
    await new Promise((res) => setTimeout(res, 500));
    expect(memcachedSockets().filter((s) => s.local.endsWith(`:${port}`))).toEqual([]);

    writeFileSync(CONF, insecure(port));
    const s = mchard(['fix', '--yes', '--start', '--no-color', CONF]);
    expect({ code: s.code, err: s.err }).toEqual({ code: 0, err: '' });
    expect(s.out).toContain('ok: start memcached: service memcached start');
    expect(s.out).toContain('restarted: memcached runs the fixed /etc/memcached.conf');
    const now = memcachedSockets().filter((x) => x.local.endsWith(`:${port}`));
    expect(now.map(({ netid, local }) => ({ netid, local }))).toEqual([{ netid: 'tcp', local: `127.0.0.1:${port}` }]);
    expect(userOf(now[0].pid)).toBe('memcache');
  });

  it('/etc/memcached.conf while an /etc/memcached_*.conf exists: written, not restarted, and says why and what to run', async () => {
    const port = freePort();
    const before = await startWith(insecure(port), port);
    const instance = `/etc/memcached_mchardtest${process.pid}.conf`;
    writeFileSync(instance, `-m 64\n-p ${freePort()}\n-u memcache\n-l 127.0.0.1\n-U 0\n`);
    try {
      const r = mchard(['fix', '--yes', '--no-color', CONF]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(
        `not restarted: /etc/memcached.conf: /etc/init.d/memcached starts the instances ${instance} and does not read /etc/memcached.conf while they exist, so no service runs this file: fix the instances instead (mchard fix ${instance}), or move them out of /etc and restart memcached (service memcached restart)`,
      );
      expect(readFileSync(CONF, 'utf8')).toContain('-u memcache\n');
      const now = memcachedSockets().filter((s) => s.local.endsWith(`:${port}`));
      expect(now.map((s) => s.pid)).toEqual(before.map((s) => s.pid));
    } finally {
      rmSync(instance, { force: true });
    }
  });

  it('a clean file whose memcached still runs the old options (restart skipped) converges with fix --yes', async () => {
    const port = freePort();
    const before = await startWith(insecure(port), port);
    const first = mchard(['fix', '--yes', '--no-restart', '--no-color', CONF]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('not restarted (--no-restart)');
    expect(memcachedSockets().filter((s) => s.local.endsWith(`:${port}`)).map((s) => s.pid)).toEqual(before.map((s) => s.pid));

    const again = mchard(['fix', '--yes', '--format', 'json', '--no-color', CONF]);
    expect(again.code).toBe(0);
    expect(again.err).toContain(`memcached (pid ${before[0].pid}) does not run /etc/memcached.conf as it is now; a restart loads it:`);
    expect(again.err).toContain('the file runs memcached as memcache; the process runs as root');
    const [f] = JSON.parse(again.out).files;
    expect(f).toMatchObject({ changed: false, written: false, restart: { service: 'memcached', outcome: 'verified' } });
    const now = memcachedSockets().filter((s) => s.local.endsWith(`:${port}`));
    expect(now.map(({ netid, local }) => ({ netid, local }))).toEqual([{ netid: 'tcp', local: `127.0.0.1:${port}` }]);
    expect(userOf(now[0].pid)).toBe('memcache');

    // Converged: a third run finds nothing to do, and restarts nothing.
    const third = mchard(['fix', '--yes', '--no-color', CONF]);
    expect(third.code).toBe(0);
    expect(third.out).not.toContain('does not run');
    expect(memcachedSockets().filter((s) => s.local.endsWith(`:${port}`)).map((s) => s.pid)).toEqual([now[0].pid]);
    expect(existsSync(CONF)).toBe(true);
  });
});
