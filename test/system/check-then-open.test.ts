/**
 * Check-then-open windows (redteam6): a path checked (no symbolic link, a folder) and then listed, opened
 * or written by name again can be swapped in between by whoever can write the folder above it. Here that
 * is a real race: another user (uid 4242, through setpriv) swaps a folder of theirs for a link to root's
 * private folder in a tight loop while mchard, as root, reads or writes through it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unitDropInsOf } from '../../src/system/unit-files.js';
import { AtomicFile, AtomicWriteError } from '../../src/cli/write-atomic.js';
import { ConfigError, loadConfig } from '../../src/engine/config.js';
import { BaselineError, readBaseline } from '../../src/engine/baseline.js';
import { RULES } from '../../rules/index.js';
import { loadFileNow } from '../../src/cli/files.js';
import { InputError } from '../../src/input.js';
import { BIN, TempDir } from '../cli/helpers.js';

const canRace = process.geteuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
const itRoot = canRace ? it : it.skip;

/**
 * Runs `script` as uid/gid 4242 in `cwd` until stopped, or until the test's process ends: a Jest worker
 * killed before its afterEach ran (a timeout, --forceExit, a killed run) left the endless loop swapping
 * folders on the host for good, so the kernel kills it with its parent (setpriv --pdeathsig).
 */
function swapper(cwd: string, script: string): ChildProcess {
  return spawn('setpriv', ['--reuid', '4242', '--regid', '4242', '--clear-groups', '--pdeathsig', 'SIGKILL', 'sh', '-c', script], { cwd, stdio: 'ignore' });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await done;
}

/**
 * Each test's folder (one uid 4242 can enter), and after it: the swapper stopped, the working folder
 * restored, the folder removed.
 */
function raceState(): { tmp: TempDir; child: ChildProcess | null; readonly cwd: string } {
  const state = { tmp: null as unknown as TempDir, child: null as ChildProcess | null, cwd: process.cwd() };
  beforeEach(() => {
    state.tmp = new TempDir('mchard-race-');
    chmodSync(state.tmp.path, 0o755);
  });
  afterEach(async () => {
    process.chdir(state.cwd);
    if (state.child) await stop(state.child);
    state.child = null;
    state.tmp.cleanup();
  });
  return state;
}

describe('a unit\'s drop-in folder swapped for a link to root\'s folder', () => {
  const race = raceState();

  itRoot('never lists or reads a file of the folder the link leads to', async () => {
    const repo = join(race.tmp.path, 'repo');
    mkdirSync(join(repo, 'memcached.service.d'), { recursive: true });
    writeFileSync(join(repo, 'memcached.service'), '[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1\n');
    writeFileSync(join(repo, 'memcached.service.d', 'override.conf'), '[Service]\nUser=nobody\n');
    const priv = join(race.tmp.path, 'private');
    mkdirSync(priv, { mode: 0o700 });
    writeFileSync(join(priv, 'secret.conf'), '[Service]\nExecStart=/root/secret\n');
    for (const p of [repo, join(repo, 'memcached.service.d'), join(repo, 'memcached.service'), join(repo, 'memcached.service.d', 'override.conf')]) chownSync(p, 4242, 4242);
    // The folder, then a link to root's folder, then the folder again, as fast as sh can.
    race.child = swapper(repo, 'while :; do mv memcached.service.d real.d; ln -s ../private memcached.service.d; rm memcached.service.d; mv real.d memcached.service.d; done');
    const seen = { folder: 0, link: 0, leaked: [] as string[] };
    const until = Date.now() + 4000;
    while (Date.now() < until && seen.leaked.length === 0) {
      for (const d of unitDropInsOf(join(repo, 'memcached.service'))) {
        if (d.path.endsWith('secret.conf')) seen.leaked.push(`${d.path} read=${d.read} keys=${d.keys.join(',')}`);
        else if (d.path.endsWith('override.conf') && d.read) seen.folder++;
        else if (d.path.endsWith('memcached.service.d') && !d.read) seen.link++;
      }
      await new Promise((r) => setImmediate(r));
    }
    await stop(race.child!);
    // Both states were seen, and nothing of root's folder, ever (before: its secret.conf listed and read
    // within a second or two).
    expect(seen.leaked).toEqual([]);
    expect(seen.folder).toBeGreaterThan(0);
    expect(seen.link).toBeGreaterThan(0);
    expect(existsSync(join(priv, 'secret.conf'))).toBe(true);
    expect(readdirSync(priv)).toEqual(['secret.conf']);
  }, 30_000);
});

describe('the folder of --output swapped for a link out of the current folder', () => {
  const race = raceState();

  itRoot('never writes in the folder the link leads to', async () => {
    const ws = join(race.tmp.path, 'ws');
    mkdirSync(join(ws, 'out'), { recursive: true });
    chownSync(ws, 4242, 4242);
    chownSync(join(ws, 'out'), 4242, 4242);
    const priv = join(race.tmp.path, 'private');
    mkdirSync(priv, { mode: 0o700 });
    race.child = swapper(ws, 'while :; do mv out real.d; ln -s ../private out; rm out; mv real.d out; done');
    process.chdir(ws);
    const seen = { written: 0, refused: 0, other: [] as string[] };
    const until = Date.now() + 4000;
    while (Date.now() < until && readdirSync(priv).length === 0) {
      try {
        const f = new AtomicFile('out/report.txt');
        f.write('report\n');
        f.commit();
        seen.written++;
      } catch (e) {
        if (!(e instanceof AtomicWriteError)) throw e;
        if (/leads through a symbolic link to .*private, outside the current folder/.test(e.message)) seen.refused++;
        else seen.other.push(e.message);
      }
      await new Promise((r) => setImmediate(r));
    }
    process.chdir(race.cwd);
    await stop(race.child!);
    // Before: the report (or its temporary file) landed in root's folder within a second or two.
    expect(readdirSync(priv)).toEqual([]);
    expect(seen.written).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 30_000);
});

describe('the code cache folder swapped for a link by the owner of the folder above it', () => {
  const race = raceState();

  // Root runs mchard with XDG_CACHE_HOME (or HOME) in another user's folder: its cache folder there is
  // root's and private, but the user can rename it and put a link in its place at any moment.
  itRoot('root never writes a cache in the folder the link leads to', async () => {
    const xdg = join(race.tmp.path, 'xdg');
    mkdirSync(join(xdg, 'mchard'), { recursive: true, mode: 0o700 });
    chmodSync(join(xdg, 'mchard'), 0o700);
    chownSync(xdg, 4242, 4242);
    const priv = join(race.tmp.path, 'private');
    mkdirSync(priv, { mode: 0o700 });
    race.child = swapper(xdg, 'while :; do mv mchard real.d; ln -s ../private mchard; rm mchard; mv real.d mchard; done');
    // V8 flags that make V8 reject the build's cache: every saveUserCache writes one in the user's folder.
    const code = `const b = require(${JSON.stringify(BIN)}); const c = b.loadCore(); let n = 0, w = 0; const until = Date.now() + 4000; while (Date.now() < until) { n++; if (b.saveUserCache(c)) w++; if (require('node:fs').readdirSync(${JSON.stringify(priv)}).length) break; } process.stdout.write(JSON.stringify({ n, w }));`;
    const r = spawnSync(process.execPath, ['--max-old-space-size=300', '-e', code], { env: { PATH: process.env.PATH, XDG_CACHE_HOME: xdg }, encoding: 'utf8', timeout: 20_000 });
    await stop(race.child!);
    expect(r.status).toBe(0);
    const { n, w } = JSON.parse(r.stdout);
    // Before: the cache (or its temporary file) landed in root's private folder.
    expect(readdirSync(priv)).toEqual([]);
    expect(n).toBeGreaterThan(10);
    expect(w).toBeGreaterThan(0);
  }, 30_000);
});

describe('a ruleset (--config) and a baseline named by relative paths, their folder swapped for a link out of the current folder', () => {
  const race = raceState();

  itRoot('never reads the file the link leads to', async () => {
    const ws = join(race.tmp.path, 'ws');
    mkdirSync(join(ws, 'ci'), { recursive: true });
    writeFileSync(join(ws, 'ci', 'mchard.ini'), '[rules]\nMC803 = off\n');
    writeFileSync(join(ws, 'ci', 'base.json'), '{"version": 1, "files": {}}\n');
    for (const p of [ws, join(ws, 'ci'), join(ws, 'ci', 'mchard.ini'), join(ws, 'ci', 'base.json')]) chownSync(p, 4242, 4242);
    const priv = join(race.tmp.path, 'private');
    mkdirSync(priv, { mode: 0o700 });
    writeFileSync(join(priv, 'mchard.ini'), '[rules]\nMC101 = off\n');
    writeFileSync(join(priv, 'base.json'), 'root-secret\n');
    race.child = swapper(ws, 'while :; do mv ci real.d; ln -s ../private ci; rm ci; mv real.d ci; done');
    process.chdir(ws);
    const seen = { ruleset: 0, baseline: 0, refused: 0, leaked: [] as string[] };
    const until = Date.now() + 4000;
    while (Date.now() < until && seen.leaked.length === 0) {
      try {
        const cfg = loadConfig('ci/mchard.ini', RULES);
        if (cfg.severities.has('MC101')) seen.leaked.push('ruleset: root\'s rules taken');
        else seen.ruleset++;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        if (/leads it to .*private, outside the current folder/.test(e.message)) seen.refused++;
      }
      try {
        readBaseline('ci/base.json');
        seen.baseline++;
      } catch (e) {
        if (!(e instanceof BaselineError)) throw e;
        if (/not a valid mchard baseline/.test(e.message)) seen.leaked.push(`baseline: ${e.message}`);
        else if (/leads it to .*private/.test(e.message)) seen.refused++;
      }
      await new Promise((r) => setImmediate(r));
    }
    process.chdir(race.cwd);
    await stop(race.child!);
    // Before: root's mchard.ini taken as the ruleset, root's base.json read (and judged), within a second.
    expect(seen.leaked).toEqual([]);
    expect(seen.ruleset).toBeGreaterThan(0);
    expect(seen.baseline).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 30_000);
});

describe('a file to lint whose folder is swapped for a link out of the current folder', () => {
  const race = raceState();

  itRoot('never reads the file the link leads to', async () => {
    const ws = join(race.tmp.path, 'ws');
    mkdirSync(join(ws, 'etc'), { recursive: true });
    writeFileSync(join(ws, 'etc', 'memcached.conf'), '-l 127.0.0.1\n');
    for (const p of [ws, join(ws, 'etc'), join(ws, 'etc', 'memcached.conf')]) chownSync(p, 4242, 4242);
    const priv = join(race.tmp.path, 'private');
    mkdirSync(priv, { mode: 0o700 });
    writeFileSync(join(priv, 'memcached.conf'), '-l 10.9.8.7 # root-secret\n');
    race.child = swapper(ws, 'while :; do mv etc real.d; ln -s ../private etc; rm etc; mv real.d etc; done');
    process.chdir(ws);
    const seen = { read: 0, refused: 0, leaked: [] as string[] };
    const until = Date.now() + 4000;
    while (Date.now() < until && seen.leaked.length === 0) {
      try {
        const f = await loadFileNow('etc/memcached.conf', undefined, { followLinks: false });
        if (f.source.text.includes('root-secret')) seen.leaked.push(f.source.text);
        else seen.read++;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        seen.refused++;
      }
      await new Promise((r) => setImmediate(r));
    }
    process.chdir(race.cwd);
    await stop(race.child!);
    // Before: root's file read as the repository's, within a second.
    expect(seen.leaked).toEqual([]);
    expect(seen.read).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 30_000);
});

describe("fix's lock, probe and leftover temporary files behind a folder another user can swap (redteam7)", () => {
  const race = raceState();

  // Root runs `mchard fix --yes` on a file behind a folder of another user's. The write is refused (its
  // checks cannot hold there), but before the refusal the lock (`.NAME.mchard-lock` beside the file), the
  // probe of whether the folder takes a new file, and the removal of dead runs' temporary files were made
  // by name in that folder: swapped for a link, they landed in root's folder.
  itRoot('makes and removes nothing through the link, and refuses the write', async () => {
    const ws = join(race.tmp.path, 'ws');
    mkdirSync(join(ws, 'etc'), { recursive: true });
    chownSync(ws, 4242, 4242);
    writeFileSync(join(ws, 'etc', 'memcached.conf'), '-l 0.0.0.0\n');
    const priv = join(race.tmp.path, 'private');
    mkdirSync(priv, { mode: 0o700 });
    race.child = swapper(ws, 'while :; do mv etc real.d; ln -s ../private etc; rm etc; mv real.d etc; done');
    const { lockForWrite, WriteError } = await import('../../src/fix/write.js');
    const seen = { refused: 0, locked: 0, other: [] as string[] };
    const until = Date.now() + 4000;
    while (Date.now() < until && readdirSync(priv).length === 0) {
      try {
        const h = await lockForWrite(join(ws, 'etc', 'memcached.conf'), { lockTimeoutMs: 50, inodeFlags: () => null });
        seen.locked++;
        h.release();
      } catch (e) {
        if (!(e instanceof WriteError)) throw e;
        if (/can be changed by uid 4242 \(its owner\), who could point this path at another file/.test(e.message)) seen.refused++;
        else seen.other.push(e.message);
      }
      await new Promise((r) => setImmediate(r));
    }
    await stop(race.child!);
    // Before: the lock or the probe was left in root's folder within a second or two.
    expect(readdirSync(priv)).toEqual([]);
    expect(seen.locked).toBe(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 30_000);
});
