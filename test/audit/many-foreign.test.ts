/**
 * What other users' processes named memcached can cost root's `mchard audit`: real memcached processes
 * started as nobody (setuid by the spawn, as a user starting their own would), stopped by pid even when a
 * test fails. The built executable audits them, as root runs it.
 *
 * - Socket tables: the kernel writes /proc/PID/net/tcp by walking its whole socket hash (~3 ms for five
 *   tables, however few sockets), and audit read them for every process: 300 of nobody's processes cost
 *   root's audit 1.5 s, 0.95 s of it in the same tables. Now once per network namespace.
 * - Long command lines: 300 of nobody's processes with 250 kB of -v each held root's audit 115 s and ended
 *   it out of memory (4 GB), reporting nothing. Now at most 1 MiB of such command lines is linted, and one
 *   line names every process left out, how many, and why.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ensureBuilt, runBin, TempDir } from '../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, startMemcachedAs, stopAll, type Started } from './memcached.js';

const NOBODY = 65534;
const hasStrace = spawnSync('strace', ['-V']).status === 0;

let tmp: TempDir;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-many-foreign-');
}, 180_000);
afterAll(() => tmp?.cleanup());
afterEach(() => stopAll(), 30_000);

(haveMemcached ? describe : describe.skip)("other users' processes named memcached", () => {
  (hasStrace ? it : it.skip)('the socket tables of one network namespace are read once for all its processes', async () => {
    const ports = freePorts(6, 55000, 59999);
    const started: Started[] = [];
    for (const p of ports) started.push(await startMemcachedAs(NOBODY, ['-l', '127.0.0.1', '-p', String(p), '-U', '0', '-m', '8'], 1));
    const trace = tmp.join('trace.txt');
    const r = runBin(['audit', '--pid', started.map((s) => s.pid).join(','), '--format', 'json'], { prefix: ['strace', '-f', '-qq', '-e', 'trace=openat', '-o', trace] });
    const json = JSON.parse(r.out) as { files: { process: { pid: number; listens: unknown[] } }[] };
    // Every process is reported, each with its own listener.
    expect(json.files.map((f) => f.process.pid)).toEqual(started.map((s) => s.pid));
    for (const [i, f] of json.files.entries()) expect(JSON.stringify(f.process)).toContain(`127.0.0.1:${ports[i]}`);
    const tcpReads = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => /openat\(AT_FDCWD, "\/proc\/\d+\/net\/tcp"/.test(l));
    expect(tcpReads).toHaveLength(1);
  }, 60_000);

  it('long command lines of users other than root: linted up to 1 MiB, the others named on one line; a short one is always audited', async () => {
    // 12 of nobody's memcached with 80,000 -v each (240 kB: under the 256 KiB audit reads of one process).
    const many = Array.from({ length: 80_000 }, () => '-v');
    const ports = freePorts(13, 55000, 59999);
    const long: Started[] = [];
    for (const p of ports.slice(0, 12)) long.push(await startMemcachedAs(NOBODY, ['-l', '127.0.0.1', '-p', String(p), '-U', '0', '-m', '8', ...many], 1));
    // Started last (the highest pid): a memcached with a usual command line, started by root as the service is.
    const real = await startMemcached(['-u', 'nobody', '-l', '127.0.0.1', '-p', String(ports[12]), '-U', '0', '-m', '8'], 1);
    const pids = [...long, real].map((s) => s.pid);
    const started = Date.now();
    const r = runBin(['audit', '--pid', pids.join(','), '--format', 'json']);
    const took = Date.now() - started;
    const bytes = ['/usr/bin/memcached', '-l', '127.0.0.1', '-p', String(ports[0]), '-U', '0', '-m', '8', ...many].reduce((n, w) => n + w.length + 1, 0);
    // 1 MiB holds four of them.
    const audited = long.slice(0, 4).map((s) => s.pid);
    const left = long.slice(4).map((s) => s.pid);
    const json = JSON.parse(r.out) as { files: { process: { pid: number } }[]; unaudited: { pid: number; uid: number; user: string; bytes: number }[] };
    expect(json.files.map((f) => f.process.pid)).toEqual([...audited, real.pid]);
    expect(json.unaudited).toEqual(left.map((pid) => ({ pid, uid: NOBODY, user: 'nobody', bytes })));
    expect(r.err).toBe(
      `mchard: 8 processes named memcached not audited (pids ${left.join(', ')}; user nobody (uid 65534)): each command line is ${bytes} bytes or more, and this audit already linted the most it lints of command lines over 8192 bytes of processes not running as root (1048576 bytes); mchard audit --pid PID audits one\n`,
    );
    expect(r.code).toBe(2);
    // Bounded: the twelve were linted one after another before (about 0.35 s and 13 MB each).
    expect(took).toBeLessThan(15_000);
    // One of those left out, asked for alone, is audited.
    const one = runBin(['audit', '--pid', String(left[0]), '--format', 'json']);
    expect((JSON.parse(one.out) as { files: { process: { pid: number } }[] }).files.map((f) => f.process.pid)).toEqual([left[0]]);
  }, 120_000);
});
