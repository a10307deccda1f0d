/**
 * What the memcached binaries cost a root audit. Before: every process's binary was read whole and the
 * package database asked about it, once per process: 30 instances of one 60 MB memcached took 6.6–7.6 s
 * (now 0.5 s), and 100 processes any user started as nobody, each from its own sparse 64 MB copy named
 * memcached, held a root audit for 46 s (now 1.2 s). Now one audit looks at each distinct binary once
 * (device, inode, size, modification and change times, from the descriptor read), and reads binaries
 * owned by users other than root only up to a bound, saying so for the processes beyond it.
 *
 * Real: copies of /usr/bin/memcached, the real dpkg-query, memcached processes started by nobody.
 */
import { chmodSync, chownSync, copyFileSync, mkdirSync, renameSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from '../cli/helpers.js';
import { binaryLooks, FOREIGN_BINARIES, processVersion } from '../../src/audit/binary.js';
import { runTool } from '../../src/system/packages.js';
import type { ProcessInfo } from '../../src/audit/types.js';
import { freePorts, haveMemcached, MEMCACHED, startMemcached, startMemcachedAs, stopAll } from '../audit/memcached.js';

const describeReal = haveMemcached ? describe : describe.skip;
if (!haveMemcached) console.warn('audit-binary-once: skipped (needs root and /usr/bin/memcached)');

const NOBODY = 65534;

function processAt(proc: string, pid: number, exe: string): ProcessInfo {
  mkdirSync(join(proc, String(pid)), { recursive: true });
  symlinkSync(exe, join(proc, String(pid), 'exe'));
  const ns = (kind: 'net' | 'mnt') => ({ kind, inode: 1, name: null, own: true });
  return { pid, argv0: exe, words: [], uid: 0, user: 'root', exe, unit: null, cgroupUnit: null, startedAt: null, namespaces: { net: ns('net'), mnt: ns('mnt') } };
}

describeReal('the binaries of the processes one audit looks at', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir('mchard-binary-once-');
    chmodSync(tmp.path, 0o755);
  });
  afterAll(async () => {
    await stopAll();
    tmp.cleanup();
  });

  it('reads a binary many processes run once, and asks the package database about it once', () => {
    const bin = join(tmp.path, 'shared', 'memcached');
    mkdirSync(join(tmp.path, 'shared'));
    copyFileSync(MEMCACHED, bin);
    const proc = tmp.join('proc-shared');
    const asked: string[][] = [];
    const counting = (cmd: string, args: string[]) => {
      asked.push([cmd, ...args]);
      return runTool(cmd, args);
    };
    const looks = binaryLooks();
    const reports = [101, 102, 103, 104, 105].map((pid) => processVersion(processAt(proc, pid, bin), null, proc, { run: counting }, looks));
    // Before: dpkg-query asked 5 times as often (every process), and the binary read 5 times.
    const once = asked.length;
    expect(once).toBeGreaterThan(0);
    const alone: string[][] = [];
    processVersion(processAt(tmp.join('proc-alone'), 101, bin), null, tmp.join('proc-alone'), { run: (c, a) => (alone.push([c, ...a]), runTool(c, a)) });
    expect(once).toBe(alone.length);
    for (const [i, r] of reports.entries()) {
      expect(r).toMatchObject({ version: expect.stringMatching(/^1\.\d+\.\d+$/), source: 'binary' });
      // Each process's report names its own /proc/PID/exe.
      expect(r.detail).toContain(`/proc/${101 + i}/exe's bytes`);
      expect(r.detail.match(/\/proc\/\d+\/exe/g)).toEqual([`/proc/${101 + i}/exe`]);
    }
  });

  it('looks again at a binary replaced at the same path', () => {
    mkdirSync(tmp.join('replaced'));
    const bin = tmp.join('replaced', 'memcached');
    writeFileSync(bin, Buffer.from('\x7fELF\0memcached 1.6.9\0VERSION 1.6.9\0', 'latin1'));
    const proc = tmp.join('proc-replaced');
    const looks = binaryLooks();
    expect(processVersion(processAt(proc, 201, bin), null, proc, { run: () => null }, looks).version).toBe('1.6.9');
    writeFileSync(bin + '.new', Buffer.from('\x7fELF\0memcached 1.6.21\0VERSION 1.6.21\0', 'latin1'));
    renameSync(bin + '.new', bin);
    expect(processVersion(processAt(proc, 202, bin), null, proc, { run: () => null }, looks).version).toBe('1.6.21');
  });

  it("reads other users' binaries only up to a bound, and says so for the processes beyond it", async () => {
    const count = FOREIGN_BINARIES + 2;
    const ports = freePorts(count + 2, 55000, 59999);
    const pids: number[] = [];
    // Any user's processes named memcached, each running its own copy (sparse: no disk for them; up to 64 MB).
    for (let i = 0; i < count; i++) {
      const dir = tmp.join(`nobody-${i}`);
      mkdirSync(dir);
      const bin = join(dir, 'memcached');
      copyFileSync(MEMCACHED, bin);
      truncateSync(bin, 16 * 1024 * 1024);
      chownSync(bin, NOBODY, NOBODY);
      chmodSync(dir, 0o755);
      pids.push((await startMemcachedAs(NOBODY, ['-p', String(ports[i]), '-U', '0', '-l', '127.0.0.1', '-m', '8'], 1, bin)).pid);
    }
    // Root's memcached, started after them: it runs a binary owned by root, which no bound touches.
    for (let i = 0; i < 2; i++) pids.push((await startMemcached(['-u', 'nobody', '-p', String(ports[count + i]), '-U', '0', '-l', '127.0.0.1', '-m', '8'], 1)).pid);
    const r = await run(['audit', '--no-firewall', '--format', 'json', ...pids.flatMap((p) => ['--pid', String(p)])]);
    const files = (JSON.parse(r.out) as { files: { process: { pid: number; version: { version: string | null; detail: string } } }[] }).files;
    expect(files.map((f) => f.process.pid)).toEqual(pids);
    const versions = files.map((f) => f.process.version);
    // Before: all ten of nobody's binaries read whole (and dpkg-query asked about each).
    expect(versions.slice(0, FOREIGN_BINARIES).every((v) => /^1\.\d+\.\d+$/.test(v.version ?? ''))).toBe(true);
    for (const [i, v] of versions.slice(FOREIGN_BINARIES, count).entries()) {
      expect(v.version).toBeNull();
      expect(v.detail).toBe(
        `unknown: /proc/${pids[FOREIGN_BINARIES + i]}/exe not read: the binary belongs to uid ${NOBODY}, not root, and this audit already read ${FOREIGN_BINARIES} binaries (${FOREIGN_BINARIES * 16} MiB) of users other than root, of the ${FOREIGN_BINARIES} binaries and 128 MiB it reads of them`,
      );
    }
    for (const v of versions.slice(count)) expect(v.version).toMatch(/^1\.\d+\.\d+$/);
  }, 60000);
});
