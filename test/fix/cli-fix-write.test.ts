/**
 * What `mchard fix` says and does about the safe write's refusals: a symbolic link out of the folder named
 * on the command line (and --follow-symlinks), a hard-linked file, another mchard holding the file, and a
 * restart that never follows a link: a repository file linking to /etc/memcached.conf restarts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runFix, type FixHooks } from '../../src/cli/fix.js';
import type { Io } from '../../src/cli/io.js';
import { debianExecStart, FakeMachine } from '../service/fake-machine.js';
import { lockSystemService } from '../helpers/system-lock.js';
import { buildProgram, standInEtc, startLockHolder } from './helpers.js';
import { ROOT } from '../helpers/paths.js';
import { BIN, ensureBuilt } from '../cli/helpers.js';

const INSECURE = '# app servers\n-m 1024\n-p 11211\n-u root\n-l 0.0.0.0\n-vv\n-A\n';

let dir = '';
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'mchard-fixwrite-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], hooks: FixHooks = {}) {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), stdoutStream: { isTTY: false }, stdinIsTTY: false };
  const code = await runFix(['--no-color', ...args], io, hooks);
  return { code, out, err };
}

/** A systemd machine where every memcached unit exists: any restart mchard attempts is recorded. */
function systemdMachine(): FakeMachine {
  const m = new FakeMachine();
  m.paths.add('/run/systemd/system');
  m.on((c) => (c[2] === '--property=LoadState' ? { stdout: 'loaded' } : c[2] === '--property=ExecStart' ? { stdout: debianExecStart(c[c.length - 1]) } : undefined));
  return m;
}

describe('symbolic links', () => {
  let etc = '';
  let repo = '';
  beforeEach(() => {
    ({ etc, repo } = standInEtc(dir, INSECURE));
    symlinkSync(join(etc, 'memcached.conf'), join(repo, 'memcached.conf'));
  });

  it.each([[['--yes']], [['--dry-run']]])('a link out of the file\'s folder is refused before anything is read (%j): exit 2, nothing written', async (mode) => {
    const link = join(repo, 'memcached.conf');
    const r = await run([...mode, link]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `mchard: ${link}: is a symbolic link to ${etc}/memcached.conf, outside ${repo}, the folder named on the command line; mchard does not follow it there without --follow-symlinks; not fixed\n`,
    );
    expect(r.out).not.toContain('+++');
    expect(readFileSync(join(etc, 'memcached.conf'), 'utf8')).toBe(INSECURE);
    expect(readdirSync(etc)).toEqual(['memcached.conf']);
  });

  it('--follow-symlinks writes through it and says where', async () => {
    const link = join(repo, 'memcached.conf');
    // --unsafe-fixes: the file's -u root (MC201) is unsafe to fix outside /etc; this test is about the link.
    const r = await run(['--yes', '--unsafe-fixes', '--follow-symlinks', link]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^wrote ${link} \\(through the link to ${etc}/memcached\\.conf\\); backup in ${etc}/memcached\\.conf\\.mchard-backup-`, 'm'));
    expect(readFileSync(join(etc, 'memcached.conf'), 'utf8')).not.toBe(INSECURE);
  });
});

describe('a restart never follows a link out of the tree', () => {
  it('a repository file linking to /etc/memcached.conf: refused, no service command at all', async () => {
    if (!existsSync('/etc/memcached.conf')) return console.warn('skipped: no /etc/memcached.conf here');
    const before = statSync('/etc/memcached.conf');
    const link = join(dir, 'memcached.conf');
    symlinkSync('/etc/memcached.conf', link);
    const m = systemdMachine();
    const r = await run(['--yes', '--no-host-checks', link], { service: { machine: m, verifyTimeoutMs: 500 } });
    expect(r.code).toBe(2);
    expect(r.err).toContain('is a symbolic link to /etc/memcached.conf, outside');
    expect(m.calls).toEqual([]);
    expect(statSync('/etc/memcached.conf').ino).toBe(before.ino);
    expect(statSync('/etc/memcached.conf').mtimeMs).toBe(before.mtimeMs);
  });

  it('with --follow-symlinks the system file is written, and still no service is restarted for it', async () => {
    if (process.getuid?.() !== 0 || !existsSync('/etc/memcached.conf')) return console.warn('skipped: needs root and /etc/memcached.conf');
    const release = await lockSystemService();
    const saved = readFileSync('/etc/memcached.conf');
    const backupsBefore = new Set(readdirSync('/etc').filter((n) => n.startsWith('memcached.conf.mchard-backup')));
    try {
      writeFileSync('/etc/memcached.conf', INSECURE);
      const link = join(dir, 'memcached.conf');
      symlinkSync('/etc/memcached.conf', link);
      const m = systemdMachine();
      // --unsafe-fixes: without host checks the -u root fix (MC201) is unsafe; this test is about the restart.
      const r = await run(['--yes', '--unsafe-fixes', '--no-host-checks', '--follow-symlinks', link], { service: { machine: m, verifyTimeoutMs: 500 } });
      expect(r.out).toContain(`wrote ${link} (through the link to /etc/memcached.conf)`);
      expect(r.out).toContain(`not restarted: ${link} was reached through a symbolic link out of ${dir}; mchard restarts no service for a file reached that way`);
      expect(m.actions()).toEqual([]);
      expect(r.code).toBe(0);
      // The name as given decides: /etc/memcached.conf itself is the service's file, and its service is restarted.
      writeFileSync('/etc/memcached.conf', INSECURE);
      const m2 = systemdMachine();
      // (The fake service never runs the new file: mchard rolls back, through the lock it still holds.)
      const r2 = await run(['--yes', '--unsafe-fixes', '--no-host-checks', '/etc/memcached.conf'], { service: { machine: m2, verifyTimeoutMs: 500 } });
      expect(m2.actions()[0]).toBe('systemctl restart memcached.service');
      expect(r2.code).toBe(3);
      expect(readFileSync('/etc/memcached.conf', 'utf8')).toBe(INSECURE);
    } finally {
      writeFileSync('/etc/memcached.conf', saved);
      for (const n of readdirSync('/etc')) if (n.startsWith('memcached.conf.mchard-backup') && !backupsBefore.has(n)) rmSync(join('/etc', n));
      release();
    }
  }, 60000);
});

describe('hard links', () => {
  it('a hard-linked file: its diff is shown, the write is refused with the reason (exit 2), both names unchanged', async () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    linkSync(f, join(dir, 'other-name.conf'));
    const r = await run(['--yes', f]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('+-l 127.0.0.1');
    expect(r.err).toMatch(new RegExp(`^mchard: ${f}: has 2 hard links: .* \\(find them with: find / -xdev -samefile ${f}\\)\n`));
    expect(r.out).toContain(`not written: ${f} (the write failed)`);
    expect(readFileSync(join(dir, 'other-name.conf'), 'utf8')).toBe(INSECURE);
    expect(readdirSync(dir).sort()).toEqual(['memcached.conf', 'other-name.conf']);
  });
});

describe('another mchard fixing the same file', () => {
  let holder: ChildProcess | null = null;
  let program = '';
  beforeAll(async () => {
    program = await buildProgram(join(ROOT, 'test/fix/lock-holder.ts'));
  }, 60000);
  afterAll(() => program && rmSync(dirname(program), { recursive: true, force: true }));
  afterEach(() => holder?.kill('SIGKILL'));

  it('waits, says for whom, and after its bound reports it and writes nothing (exit 2)', async () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    holder = await startLockHolder(program, f, 30_000);
    const r = await run(['--yes', f], { lockTimeoutMs: 500 });
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `mchard: ${f}: waiting: another mchard (pid ${holder.pid}) is fixing it\n` + `mchard: ${f}: another mchard (pid ${holder.pid}) is fixing it; waited 0.5 s; not fixed\n`,
    );
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
  });

  // A real SIGTERM to a real mchard waiting for another's lock: the wait (60 s by default, for each file)
  // ends at once; nothing is written, the file after it is not waited for either, and the run says so.
  it('a signal while it waits stops the wait at once: exit 143, nothing written, no wait for the next file', async () => {
    ensureBuilt();
    const f = join(dir, 'memcached.conf');
    const g = join(dir, 'memcached_b.conf');
    writeFileSync(f, INSECURE);
    writeFileSync(g, INSECURE);
    holder = await startLockHolder(program, f, 120_000);
    const second = await startLockHolder(program, g, 120_000);
    try {
      const child = spawn(process.execPath, [BIN, 'fix', '--yes', '--no-color', '--dialect', 'debian', f, g], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      let out = '';
      child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
      const waiting = new Promise<void>((resolve) => {
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('waiting:')) resolve();
        });
      });
      const ended = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
      await waiting;
      const sent = Date.now();
      child.kill('SIGTERM');
      const { code, at } = await ended;
      expect(code).toBe(143);
      expect(at - sent).toBeLessThan(10_000);
      expect(err).toBe(
        `mchard: ${f}: waiting: another mchard (pid ${holder.pid}) is fixing it\n` +
          `mchard: ${f}: interrupted (SIGTERM) while waiting: another mchard (pid ${holder.pid}) is fixing it; not fixed\n` +
          'mchard: stopped by SIGTERM (exit status 143): every file is as it was\n',
      );
      // The next file is still read and reported, as it is on disk.
      expect(out).toContain(`${g}:5:1  error  MC101`);
      expect(readFileSync(f, 'utf8')).toBe(INSECURE);
      expect(readFileSync(g, 'utf8')).toBe(INSECURE);
    } finally {
      second.kill('SIGKILL');
    }
  }, 60_000);

  it('--dry-run does not wait for the lock: it writes nothing', async () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    holder = await startLockHolder(program, f, 30_000);
    const r = await run(['--dry-run', f], { lockTimeoutMs: 500 });
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
  });
});
