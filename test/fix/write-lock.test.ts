/**
 * The lock on a file mchard fixes, with real processes: a second writer waits (bounded) and names the
 * holder; a holder killed with SIGKILL leaves a lock that the next run takes over at once; a pid reused
 * by a later process, a lock from another host, an unreadable lock file, a lock removed behind mchard's
 * back. Concurrent `mchard fix` runs: test/integration/fix-concurrent.test.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { safeWrite, WriteError } from '../../src/fix/write.js';
import { buildProgram, startLockHolder } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

let holderProgram = '';
let dir = '';
let path = '';
const ORIGINAL = Buffer.from('-l 0.0.0.0\n');
const LOCK = () => join(dir, '.memcached.conf.mchard-lock');

beforeAll(async () => {
  holderProgram = await buildProgram(join(ROOT, 'test/fix/lock-holder.ts'));
}, 60000);
afterAll(() => holderProgram && rmSync(dirname(holderProgram), { recursive: true, force: true }));
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'mchard-lock-')));
  path = join(dir, 'memcached.conf');
  writeFileSync(path, ORIGINAL);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const holder = (holdMs: number) => startLockHolder(holderProgram, path, holdMs);

const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)));

function identity(pid: number, start: string): string {
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return `mchard-lock 1\npid ${pid}\nstart ${start}\nboot ${boot}\npidns ${readlinkSync('/proc/self/ns/pid')}\nhost ${hostname()}\n`;
}
const ownStart = () => {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
};

describe('the lock', () => {
  it('a second writer waits, is told who holds the file, and gives up after its bound without writing', async () => {
    const h = await holder(30_000);
    try {
      const told: string[] = [];
      const started = Date.now();
      const err = await safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 700, onWait: (m) => told.push(m) }).catch((e) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      expect(err).toBeInstanceOf(WriteError);
      expect(err.message).toBe(`${path}: another mchard (pid ${h.pid}) is fixing it; waited 0.7 s`);
      expect(told).toEqual([`waiting: another mchard (pid ${h.pid}) is fixing it`]);
      expect(readFileSync(path)).toEqual(ORIGINAL);
      expect(readdirSync(dir).sort()).toEqual(['.memcached.conf.mchard-lock', 'memcached.conf']);
    } finally {
      h.kill('SIGKILL');
      await exited(h);
    }
  });

  it('a second writer waits for the holder to finish, then writes', async () => {
    const h = await holder(600);
    const started = Date.now();
    const r = await safeWrite(path, ORIGINAL, 'fixed\n');
    expect(Date.now() - started).toBeGreaterThan(300);
    expect(readFileSync(path, 'utf8')).toBe('fixed\n');
    expect(readFileSync(r.backup!)).toEqual(ORIGINAL);
    await exited(h);
    expect(readdirSync(dir).sort()).toEqual(['memcached.conf', r.backup!.slice(dir.length + 1)].sort());
  });

  it('a holder killed with SIGKILL leaves its lock; the next writer takes it over at once', async () => {
    const h = await holder(30_000);
    h.kill('SIGKILL');
    await exited(h);
    expect(readFileSync(LOCK(), 'utf8')).toContain(`pid ${h.pid}\n`);
    const started = Date.now();
    await safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(existsSync(LOCK())).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('a lock naming a live pid with another start time (the pid was reused) is dead', async () => {
    writeFileSync(LOCK(), identity(process.pid, String(Number(ownStart()) + 12345)));
    await expect(safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 2000 })).resolves.toBeTruthy();
    expect(existsSync(LOCK())).toBe(false);
  });

  it('a lock from another machine (another boot id and host name) is reported, never broken', async () => {
    const other = identity(process.pid, ownStart()).replace(/^boot .*$/m, 'boot 00000000-0000-0000-0000-000000000000').replace(`host ${hostname()}`, 'host other-host.example');
    writeFileSync(LOCK(), other);
    const err = await safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 300 }).catch((e) => e);
    expect(err.message).toBe(`${path}: the lock ${LOCK()} is held by pid ${process.pid} on host other-host.example; remove it if no mchard runs there; waited 0.3 s`);
    expect(existsSync(LOCK())).toBe(true);
    expect(readFileSync(path)).toEqual(ORIGINAL);
  });

  it('a lock from this machine under its earlier host name (renamed since) is judged by its pid: dead, taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(LOCK(), identity(Number(dead), '1').replace(`host ${hostname()}`, 'host before-provisioning'));
    await expect(safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 2000 })).resolves.toBeTruthy();
  });

  it('a lock from an earlier boot of this host is dead', async () => {
    writeFileSync(LOCK(), identity(process.pid, ownStart()).replace(/^boot .*$/m, 'boot 00000000-0000-0000-0000-000000000000'));
    await expect(safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 2000 })).resolves.toBeTruthy();
  });

  it('a lock held in another pid namespace (a real one, unshare --pid) is reported, never broken', async () => {
    if (process.getuid?.() !== 0 || spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status !== 0) {
      return console.warn('skipped: needs root and unshare --pid');
    }
    const child = spawn('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', process.execPath, holderProgram, path, '30000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      // Inside its namespace the holder is pid 1, which here is init: only the namespace tells them apart.
      expect(readFileSync(LOCK(), 'utf8')).toMatch(/^pid 1$/m);
      const err = await safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 300 }).catch((e) => e);
      expect(err.message).toBe(`${path}: the lock ${LOCK()} is held by pid 1 in another pid namespace (a container?); remove it if no mchard runs there; waited 0.3 s`);
      expect(existsSync(LOCK())).toBe(true);
      expect(readFileSync(path)).toEqual(ORIGINAL);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  });

  it('a lock file mchard cannot read counts as held for 10 s, then as dead', async () => {
    writeFileSync(LOCK(), 'not a lock\n');
    const err = await safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 300 }).catch((e) => e);
    expect(err.message).toMatch(/\.mchard-lock exists and does not name a running mchard; remove it if no mchard runs; waited 0\.3 s$/);
    const old = Date.now() / 1000 - 60;
    utimesSync(LOCK(), old, old);
    await expect(safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 300 })).resolves.toBeTruthy();
  });

  it('a lock removed behind mchard\'s back stops the write before the rename', async () => {
    const err = await safeWrite(path, ORIGINAL, 'fixed\n', { beforeRename: () => rmSync(LOCK()) }).catch((e) => e);
    expect(err.message).toBe(`${path}: mchard's lock on the file was removed by another process; nothing was written`);
    expect(readFileSync(path)).toEqual(ORIGINAL);
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });

  it('the lock file is taken atomically with its content: it is never seen empty', async () => {
    // Many processes race for the lock; every time the test sees the file, it names a holder.
    const seen: string[] = [];
    const children = await Promise.all(Array.from({ length: 4 }, () => holder(50).catch(() => null)));
    for (let i = 0; i < 200 && existsSync(LOCK()); i++) {
      try {
        seen.push(readFileSync(LOCK(), 'utf8'));
      } catch {
        // released in between
      }
    }
    await Promise.all(children.filter((c): c is ChildProcess => c !== null).map(exited));
    for (const s of seen) expect(s).toMatch(/^mchard-lock 1\npid \d+\n/);
    expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.trim()).toBe('memcached.conf');
  });
});

describe('the lock of a file in a folder other users can write (root)', () => {
  const isRoot = process.geteuid?.() === 0;
  // Another user makes the lock's name first in a shared folder: a lock naming a live process (pid 1, its
  // real start time), or one from "another host", is never broken, so root's every fix of /tmp/FILE waited
  // and failed ("another mchard (pid 1) is fixing it"). Root's lock goes to /run/mchard instead.
  (isRoot ? it : it.skip)('a lock another user planted beside the file does not hold root off; root locks in /run/mchard', async () => {
    const { chmodSync, chownSync, lstatSync } = await import('node:fs');
    chmodSync(dir, 0o1777);
    const start1 = readFileSync('/proc/1/stat', 'utf8');
    writeFileSync(LOCK(), identity(1, start1.slice(start1.lastIndexOf(')') + 2).split(' ')[19]));
    chownSync(LOCK(), 65534, 65534);
    let during: string[] = [];
    const r = await safeWrite(path, ORIGINAL, 'fixed\n', {
      lockTimeoutMs: 500,
      beforeRename: () => {
        during = readdirSync('/run/mchard');
      },
    });
    expect(readFileSync(path, 'utf8')).toBe('fixed\n');
    expect(readFileSync(r.backup!)).toEqual(ORIGINAL);
    // Its lock was in the root-private folder while it wrote, and is gone after; the planted one is untouched.
    expect(during.filter((n) => /^\.file-[0-9a-f]{32}\.mchard-lock$/.test(n)).length).toBeGreaterThanOrEqual(1);
    const st = lstatSync('/run/mchard');
    expect([st.uid, st.mode & 0o777]).toEqual([0, 0o700]);
    expect(readFileSync(LOCK(), 'utf8')).toContain('pid 1\n');
    expect(readdirSync('/run/mchard').filter((n) => n.includes('mchard-tmp'))).toEqual([]);
  });

  (isRoot ? it : it.skip)("two root writers of one file in a shared folder still exclude each other (the private lock)", async () => {
    const { chmodSync } = await import('node:fs');
    chmodSync(dir, 0o1777);
    const h = await holder(30_000);
    try {
      const err = await safeWrite(path, ORIGINAL, 'fixed\n', { lockTimeoutMs: 500 }).catch((e) => e);
      expect(err).toBeInstanceOf(WriteError);
      expect(err.message).toBe(`${path}: another mchard (pid ${h.pid}) is fixing it; waited 0.5 s`);
      expect(readFileSync(path)).toEqual(ORIGINAL);
      expect(existsSync(LOCK())).toBe(false);
    } finally {
      h.kill('SIGKILL');
      await exited(h);
      // The killed holder's lock stays, as any killed holder's does (the next fix of the file takes it over): removed here.
      rmSync(join('/run/mchard', `.file-${createHash('sha256').update(path).digest('hex').slice(0, 32)}.mchard-lock`), { force: true });
    }
  });
});
