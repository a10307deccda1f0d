/**
 * Any user can start a process named memcached (a copy of any program under that name) with megabytes of
 * arguments. 20 processes of nobody's, each a copy of python3 named memcached with 1.1 MB of `-l` options,
 * held a root `mchard audit` for more than 11 minutes (stopped then). Now a command line longer than
 * MAX_ARGV_BYTES is that process's one line (exit 2), and the model's search of -l values is bounded:
 * the same 20 processes cost 0.9 s. A real memcached beside them is audited as before.
 *
 * Real: processes started by nobody (a copy of the python3 binary named memcached), a real memcached.
 */
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { run, TempDir } from '../cli/helpers.js';
import { MAX_ARGV_BYTES } from '../../src/audit/run.js';
import { freePorts, haveMemcached, startMemcached, stopAll } from '../audit/memcached.js';

const PYTHON = ['/usr/bin/python3'].find((p) => existsSync(p));
const describeReal = haveMemcached && PYTHON ? describe : describe.skip;
if (!haveMemcached || !PYTHON) console.warn('audit-argv-cost: skipped (needs root, /usr/bin/memcached and /usr/bin/python3)');

const NOBODY = 65534;

describeReal('processes of another user with huge argument vectors', () => {
  let tmp: TempDir;
  const mine: ChildProcess[] = [];
  beforeAll(() => {
    tmp = new TempDir('mchard-argv-cost-');
    chmodSync(tmp.path, 0o755);
  });
  afterAll(async () => {
    for (const c of mine) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await stopAll();
    tmp.cleanup();
  });

  /** nobody's process named memcached (python3 under that name, sleeping) with `args` after its script. */
  async function fake(args: string[]): Promise<number> {
    const dir = tmp.join(`fake-${mine.length}`);
    mkdirSync(dir);
    const bin = join(dir, 'memcached');
    copyFileSync(realpathSync(PYTHON!), bin);
    chownSync(bin, NOBODY, NOBODY);
    chmodSync(dir, 0o755);
    const child = spawn(bin, ['-c', 'import time; time.sleep(600)', ...args], { uid: NOBODY, gid: NOBODY, stdio: 'ignore' });
    mine.push(child);
    const until = Date.now() + 5000;
    for (;;) {
      const words = (await import('node:fs')).readFileSync(`/proc/${child.pid}/cmdline`, 'latin1').split('\0');
      if (words.includes('import time; time.sleep(600)')) return child.pid!;
      if (Date.now() > until) throw new Error('the process did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a command line too long is its one line; a real memcached beside it is audited', async () => {
    const listen: string[] = [];
    for (let i = 0; listen.length < 40_000; i++) listen.push('-l', `10.${Math.floor(i / 62500) % 250}.${Math.floor(i / 250) % 250}.${i % 250}:${1000 + (i % 60000)}`);
    const big = await fake(listen);
    // Below the command-line bound, but past the model's search of -l values.
    const medium = await fake(listen.slice(0, 5000));
    const [port] = freePorts(1, 55000, 59999);
    const real = await startMemcached(['-u', 'nobody', '-p', String(port), '-U', '0', '-l', '127.0.0.1', '-m', '8'], 1);
    const started = Date.now();
    const r = await run(['audit', '--no-firewall', '--format', 'json', '--pid', String(big), '--pid', String(medium), '--pid', String(real.pid)]);
    // Before: minutes for 20 such processes (about 30 s for this one alone), all of it linted.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(2);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^mchard: /proc/${big}/cmdline: the command line is \\d+ bytes, more than the ${MAX_ARGV_BYTES} mchard reads of a process's arguments \\(a memcached's are a few hundred\\); not audited$`));
    expect(lines[1]).toMatch(new RegExp(`^mchard: /proc/${medium}/cmdline: more -l options than mchard follows: `));
    const files = (JSON.parse(r.out) as { files: { process: { pid: number } }[] }).files;
    expect(files.map((f) => f.process.pid)).toEqual([real.pid]);
  }, 60_000);
});
