#!/usr/bin/env node
/**
 * mchard's benchmark: `npm run bench` (or `node bench/run.mjs`).
 *
 * Generates its inputs in a temporary folder, then runs every case *paired* with `node -e 0`: each pair
 * runs the baseline and mchard back to back (alternating which goes first), so a machine that is busy
 * slows both alike and the ratio of the medians stays meaningful. Peak memory comes from one extra run
 * under GNU time (`/usr/bin/time -v`, "Maximum resident set size"). One line per case:
 *
 *   case, mchard's median, the baseline's median, the ratio, mchard's mean CPU time (and its ratio),
 *   peak RSS, time per MB, target, verdict
 *
 * The verdicts judge the ratio of wall-time medians, as issue 18 sets its targets. The CPU ratio (mean
 * user + system time per run, mchard's over the baseline's, from /proc/self/stat's children times) is
 * shown beside it: on a machine that other work keeps busy, wall time stretches with the waiting and a
 * longer run waits more, while CPU time stays close to what a quiet machine would see.
 * The targets are issue 18's. Both sides run with the same environment, cleaned the same way: every
 * variable that makes Node.js do work when it starts (NODE_EXTRA_CA_CERTS reads a certificate bundle at
 * every start; NODE_OPTIONS can preload modules; the others in START_TIME below) is removed for the
 * baseline and mchard alike, and the benchmark prints which ones it removed. The few variables a case
 * sets for mchard alone (where its code cache lives, or that it has none) are printed with the case.
 *
 * Two floors are measured like cases, with no target: a start from a start-up snapshot that holds nothing
 * of mchard's (`node --snapshot-blob` of an empty one), and a single executable carrying such a snapshot
 * (built only when the single executable is). Both are trimmed of the built-in modules' code cache as
 * mchard's are, so no start of either kind can be faster: a case's ratio less its floor's is what
 * mchard's own heap and work cost, the rest is Node.js's.
 *
 * The large-file cases raise mchard's size limit (--max-file-size): real configuration files are tiny,
 * these measure how time and memory grow with the input. `fix --dry-run` on files of the same sizes but
 * sparser options (fix plans at most 10,000 fixes in a file) checks that the fix stays linear (its diff is built from the fix's own line alignment, not a general diff).
 *
 * Options:
 *   --smoke      every case once, with small inputs, no verdicts: checks that the benchmark still runs (CI)
 *   --runs N     pairs per start-up case (default 40; the throughput cases run fewer)
 *   --only RE    only the cases whose name matches the regular expression RE
 *   --bin FILE   measure another build's bin/mchard.js (its dist/ beside it), e.g. a copy made before a change
 *   --sea FILE   measure this single executable instead of building one from the sources (build/sea/mchard)
 *   --keep       keep the generated inputs (their folder is printed)
 *
 * mchard is run as npm's link runs it, bin/mchard.js as a program (its shell starts the V8 start-up
 * snapshot when it is this node's; the benchmark prints whether it was); "node bin/mchard.js" cases run
 * the file with node, as a build without the snapshot did.
 *
 * Exit status: 0 when every case ran, 2 when one failed to run (wrong exit status, nothing printed,
 * crash). A missed target is reported in the verdict column, not in the exit status: timings belong to
 * the machine, and the smoke run in CI must not depend on them.
 *
 * MB here is 10^6 bytes, for file sizes and memory alike.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPOSE_FILE, ONE_FILE, writeBigFile, writeFleet } from './inputs.mjs';
import { dropBuiltinCodeCache, injectSeaBlob } from '../scripts/sea-blob.mjs';

const { dropFromSnapshot } = createRequire(import.meta.url)('../bin/snapshot.js');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.execPath;
const GNU_TIME = '/usr/bin/time';
const MB = 1e6;

/**
 * Variables that make a Node.js start do more (or different) work, removed for both sides: NODE_* (the
 * CA bundle, NODE_OPTIONS' --require/--import/flags, coverage, the compile cache, ICU data, warnings'
 * redirection...), OpenSSL's configuration and certificate locations, and the dynamic loader's preloads.
 */
const START_TIME = (name) => /^NODE_/.test(name) || ['OPENSSL_CONF', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'LD_PRELOAD'].includes(name);
/** The environment of every run, mchard's and the baseline's alike. */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !START_TIME(k)));
// mchard runs as users run it, as a program (bin/mchard.js's shell, which runs the first `node` in PATH):
// that node is the baseline's, first in PATH for both.
ENV.PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(':');
const REMOVED = Object.keys(process.env).filter(START_TIME).sort();

const args = process.argv.slice(2);
const option = (name) => {
  const k = args.indexOf(name);
  return k === -1 ? undefined : args[k + 1];
};
const smoke = args.includes('--smoke');
const keep = args.includes('--keep');
const runs = option('--runs') !== undefined ? Number(option('--runs')) : 40;
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench: --runs takes a positive whole number\n');
  process.exit(2);
}
const only = option('--only') !== undefined ? new RegExp(option('--only')) : null;
const BIN = resolve(option('--bin') ?? join(ROOT, 'bin', 'mchard.js'));

// ---------------------------------------------------------------------------------------------------
// Measuring

/**
 * CPU time (user + system) of this process's waited-for children so far, in clock ticks (Linux: fields
 * cutime and cstime of /proc/self/stat); null elsewhere. Each run's difference is whole ticks, but their
 * sum over a case is exact to a tick, so a case's mean CPU time per run is precise.
 */
function childrenCpuTicks() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[13]) + Number(fields[14]);
  } catch {
    return null;
  }
}
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** One run of a command: [file, ...argv], with ENV plus `extra` (mchard's side only). */
function runOnce(cmd, cwd, extra) {
  const c0 = childrenCpuTicks();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, env: { ...ENV, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c1 = childrenCpuTicks();
  const cpu = c0 === null || c1 === null ? null : (c1 - c0) * TICK_MS;
  return { ms, cpu, status: r.status, signal: r.signal, error: r.error, out: r.stdout?.length ?? 0, err: r.stderr ? String(r.stderr) : '' };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Peak resident set size of one run, in MB, from GNU time; null when GNU time is not installed. */
function peakRss(cmd, cwd, extra, dir) {
  if (!existsSync(GNU_TIME)) return null;
  const report = join(dir, 'time.txt');
  const r = spawnSync(GNU_TIME, ['-v', '-o', report, ...cmd], { cwd, env: { ...ENV, ...extra }, stdio: ['ignore', 'ignore', 'ignore'] });
  if (r.error) return null;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(report, 'utf8'));
  return m ? (Number(m[1]) * 1024) / MB : null;
}

/**
 * Runs a case: `warmup` unrecorded pairs, then `pairs` recorded ones. Each mchard run must exit with a
 * status in `ok` and print something (unless `silentOk`); anything else makes the case fail.
 */
function measure(c, dir) {
  const mchard = c.cmd ?? (c.node ? [NODE, c.bin ?? BIN, ...c.args] : [c.bin ?? BIN, ...c.args]);
  const baseline = [NODE, '-e', '0'];
  const times = { mchard: [], base: [] };
  const cpu = { mchard: 0, base: 0, known: true };
  for (let k = 0; k < c.warmup + c.pairs; k++) {
    const order = k % 2 === 0 ? ['base', 'mchard'] : ['mchard', 'base'];
    for (const which of order) {
      const r = runOnce(which === 'base' ? baseline : mchard, c.cwd, which === 'base' ? {} : c.env);
      if (which === 'mchard') {
        if (r.error) throw new Error(`could not start: ${r.error.message}`);
        if (r.signal) throw new Error(`killed by ${r.signal}`);
        if (!c.ok.includes(r.status)) throw new Error(`exit status ${r.status} (expected ${c.ok.join(' or ')}): ${r.err.split('\n')[0]}`);
        if (r.out === 0 && !c.silentOk) throw new Error('printed nothing');
        if (r.err !== '' && !c.stderrOk) throw new Error(`printed on standard error: ${r.err.split('\n')[0]}`);
      }
      if (k >= c.warmup) {
        times[which].push(r.ms);
        if (r.cpu === null) cpu.known = false;
        else cpu[which] += r.cpu;
      }
    }
  }
  return {
    mchard: median(times.mchard),
    base: median(times.base),
    // Mean CPU time per run, each side: less disturbed by other work on the machine than wall time.
    cpu: cpu.known && cpu.base > 0 ? { mchard: cpu.mchard / c.pairs, base: cpu.base / c.pairs } : null,
    rss: peakRss(mchard, c.cwd, c.env, dir),
  };
}

// ---------------------------------------------------------------------------------------------------
// Output

const COLS = [
  ['case', 36],
  ['mchard', 11],
  ['node -e 0', 11],
  ['ratio', 8],
  ['CPU (ratio)', 21],
  ['peak RSS', 10],
  ['per MB', 11],
  ['target (issue 18)', 62],
  ['verdict', 0],
];

function row(cells) {
  return cells.map((v, k) => (COLS[k][1] ? String(v).padEnd(COLS[k][1]) : String(v))).join('').trimEnd();
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const fmtMb = (mb) => (mb === null ? 'n/a' : `${mb.toFixed(1)} MB`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

function machine() {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1];
  } catch {
    // not Linux: os.cpus() is all there is
  }
  return `machine: ${cpus().length} CPUs (nproc), ${model}, node ${process.version}, load average ${load()}`;
}

/** Why a build step (a spawnSync run) failed, in one line. */
const failedLine = (what, r) => `${what} failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n')[0]}`;

/** A ratio target: mchard's median over the baseline's at most `max`. */
const ratioAtMost = (max, what = '') => (m) => ({ target: `ratio <= ${max.toFixed(2)}${what}`, met: m.mchard / m.base <= max });

/**
 * The single executable (scripts/build-sea.mjs), built afresh into build/sea/ so it holds the current
 * sources; null and the reason when it cannot be built here.
 */
function buildSea() {
  const r = spawnSync(NODE, [join(ROOT, 'scripts', 'build-sea.mjs')], { cwd: ROOT, env: ENV, encoding: 'utf8' });
  const exe = join(ROOT, 'build', 'sea', 'mchard');
  if (r.status !== 0 || !existsSync(exe)) return { exe: null, why: failedLine('scripts/build-sea.mjs', r) };
  return { exe, why: null };
}

/**
 * The floors of the two snapshot starts: what a start-up snapshot holding nothing of mchard's costs on
 * this node, as mchard's own are made. Its main script only sets a main function that does nothing, and
 * the built-in modules' code cache Node.js puts in every snapshot is left out entirely (mchard's keep
 * the caches of the modules a run may load; none here). `node --snapshot-blob` of it is the floor of
 * the "lint 1 file" cases that start from the snapshot; an executable carrying it as its single
 * executable application, the floor of the single executable's. A mchard case's ratio less its
 * floor's is what mchard's own heap and work add. Each is null, with the reason, when it cannot be made.
 */
const FLOOR_MAIN = "require('node:v8').startupSnapshot.setDeserializeMainFunction(() => {});\n";

function buildFloorSnapshot(dir) {
  const main = join(dir, 'floor-main.js');
  const made = join(dir, 'floor-made.blob');
  const blob = join(dir, 'floor.blob');
  writeFileSync(main, FLOOR_MAIN);
  const r = spawnSync(NODE, ['--no-warnings', '--snapshot-blob', made, '--build-snapshot', main], { cwd: dir, env: ENV, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(made)) return { blob: null, why: failedLine('node --build-snapshot', r) };
  try {
    writeFileSync(blob, dropFromSnapshot(readFileSync(made), () => true).snapshot);
  } catch (e) {
    return { blob: null, why: `the empty snapshot could not be trimmed (${e.message})` };
  }
  return { blob, why: null };
}

function buildFloorSea(dir) {
  const main = join(dir, 'floor-sea-main.js');
  const config = join(dir, 'floor-sea.json');
  const blob = join(dir, 'floor-sea.blob');
  const exe = join(dir, 'floor-sea');
  writeFileSync(main, FLOOR_MAIN);
  writeFileSync(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useSnapshot: true }));
  const fail = (what, r) => ({ exe: null, why: failedLine(what, r) });
  const r = spawnSync(NODE, ['--no-warnings', '--experimental-sea-config', config], { cwd: dir, env: ENV, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(blob)) return fail('node --experimental-sea-config', r);
  try {
    writeFileSync(blob, dropBuiltinCodeCache(readFileSync(blob), () => true).blob);
  } catch (e) {
    return { exe: null, why: `the empty executable's snapshot could not be trimmed (${e.message})` };
  }
  const p = injectSeaBlob(exe, blob, { cwd: dir, env: ENV });
  if (p.status !== 0) return fail('postject', p);
  return { exe, why: null };
}

/**
 * A copy of the package as an install for another Node.js without its postinstall sees it
 * (`npm install --ignore-scripts`; with it, bin/install-cache.js writes the caches beside the bundles
 * again and a run is the "lint 1 file" case): bin/ and dist/ without the code cache the build wrote (it
 * belongs to the Node.js that ran the build), so mchard makes its own in the user's cache folder on the
 * first run.
 */
function installWithoutShippedCache(dir) {
  const home = join(dir, 'install');
  const binDir = dirname(BIN);
  mkdirSync(home, { recursive: true });
  cpSync(binDir, join(home, 'bin'), { recursive: true });
  // Nor a start-up snapshot: only an install's postinstall or a build makes one.
  cpSync(join(binDir, '..', 'dist'), join(home, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.cache') && !src.includes('mchard.snapshot') });
  const cache = join(dir, 'xdg-cache');
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  return { bin: join(home, 'bin', 'mchard.js'), env: { XDG_CACHE_HOME: cache } };
}

/** Whether the bin, run as a program, starts from the start-up snapshot (what MCHARD_DEBUG=1 says). */
function snapshotUsed(dir, file) {
  const r = spawnSync(BIN, ['lint', file], { cwd: dir, env: { ...ENV, MCHARD_DEBUG: '1' }, encoding: 'utf8' });
  const said = /mchard: start-up snapshot: (.*)/.exec(r.stderr ?? '');
  return said ? said[1] : 'not used (the bin said nothing of one: a build without it)';
}

// ---------------------------------------------------------------------------------------------------
// The cases

function main() {
  if (!option('--bin') && !existsSync(join(ROOT, 'dist', 'mchard.js'))) {
    process.stderr.write('bench: building the bundle first (node scripts/build.mjs)\n');
    const b = spawnSync(NODE, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'mchard-bench-'));
  const fleetSize = smoke ? 500 : 10_000;
  const bigSizes = smoke ? [1, 2, 4] : [12.5, 25, 50];
  const startupPairs = smoke ? 1 : runs;
  const startupWarmup = smoke ? 0 : 3;
  const wanted = (name) => !only || only.test(name);

  const one = join(dir, 'memcached.conf');
  writeFileSync(one, ONE_FILE);
  const compose = join(dir, 'docker-compose.yml');
  writeFileSync(compose, COMPOSE_FILE);
  const fleet = writeFleet(dir, fleetSize);
  const bigs = bigSizes.map((mb) => {
    const p = join(dir, `memcached_big-${mb}MB.conf`);
    if (wanted(`lint ${mb} MB file`)) writeBigFile(p, Math.round(mb * MB));
    // fix plans at most 10,000 fixes in a file (src/fix/plan.ts): its large files hold an option pair every
    // 500 lines rather than every 50 (50 MB: about 4,000 fixes), so the fix is measured, not its refusal.
    const fixPath = join(dir, `memcached_sparse-${mb}MB.conf`);
    if (wanted(`fix --dry-run ${mb} MB`)) writeBigFile(fixPath, Math.round(mb * MB), 498);
    return { mb, path: p, fixPath };
  });
  const fresh = installWithoutShippedCache(dir);
  const emptyCache = join(dir, 'xdg-empty');
  mkdirSync(emptyCache, { recursive: true, mode: 0o700 });
  // The single executable: built only when measured for real (it takes seconds, and 100 MB).
  const sea = !wanted('single executable: lint 1 file') ? { exe: null, why: 'not selected' } : option('--sea') ? { exe: resolve(option('--sea')), why: null } : smoke ? { exe: null, why: 'smoke run (npm run bench builds it)' } : buildSea();

  const floor = wanted('floor: empty start-up snapshot') ? buildFloorSnapshot(dir) : { blob: null, why: 'not selected' };
  const floorSea = !wanted('floor: empty single executable') ? { exe: null, why: 'not selected' } : smoke ? { exe: null, why: 'smoke run (npm run bench builds it)' } : buildFloorSea(dir);

  const startup = (c) => ({ pairs: startupPairs, warmup: startupWarmup, ...c });
  const cases = [
    floor.blob
      ? startup({ name: 'floor: empty start-up snapshot', cmd: [NODE, '--snapshot-blob', floor.blob], ok: [0], silentOk: true, floor: true, note: "a snapshot holding nothing of mchard's, trimmed as mchard's are: no start from a snapshot is faster" })
      : { name: 'floor: empty start-up snapshot', skipped: floor.why },
    startup({ name: 'lint 1 file', args: ['lint', one], ok: [1], check: ratioAtMost(1.3, ', with the code cache') }),
    startup({ name: 'lint 1 file, node bin/mchard.js', args: ['lint', one], node: true, note: 'node bin/mchard.js: no start-up snapshot, the core compiled from its code cache', ok: [1] }),
    startup({ name: 'lint 1 file, no code cache', args: ['lint', one], env: { MCHARD_CODE_CACHE: 'off' }, note: 'MCHARD_CODE_CACHE=off for mchard', ok: [1], check: ratioAtMost(1.5, ', without the code cache') }),
    startup({
      name: 'lint 1 file, cache made at 1st run',
      args: ['lint', one],
      bin: fresh.bin,
      env: fresh.env,
      note: `a copy without the build's cache and start-up snapshot (as an install whose postinstall did not run); XDG_CACHE_HOME=${fresh.env.XDG_CACHE_HOME} for mchard (the warm-up run makes the cache)`,
      ok: [1],
      warmup: smoke ? 1 : startupWarmup,
      check: ratioAtMost(1.3, ', with the code cache'),
    }),
    startup({ name: 'lint 1 file --format sarif', args: ['lint', '--format', 'sarif', one], ok: [1], check: ratioAtMost(1.4) }),
    // As code scanning runs it in CI: the report written to a file (a temporary file, flushed, renamed).
    startup({ name: 'lint 1 file, SARIF to a file', args: ['lint', '--format', 'sarif', '--output', join(dir, 'report.sarif'), one], ok: [1], silentOk: true, check: ratioAtMost(1.4, ' (SARIF\'s)') }),
    startup({ name: 'inspect 1 file', args: ['inspect', one], ok: [0], check: ratioAtMost(1.3, ' (no target of its own: lint\'s)') }),
    startup({ name: '--version', args: ['--version'], ok: [0] }),
    // No targets of issue 18's, shown because users run them: a Compose file (the YAML bundle) and fix.
    startup({ name: 'lint 1 Compose file', args: ['lint', compose], ok: [1] }),
    startup({ name: 'fix --dry-run 1 file', args: ['fix', '--dry-run', one], ok: [1] }),
    sea.exe
      ? startup({ name: 'single executable: lint 1 file', cmd: [sea.exe, 'lint', one], ok: [1], check: ratioAtMost(1.25) })
      : { name: 'single executable: lint 1 file', skipped: sea.why },
    floorSea.exe
      ? startup({ name: 'floor: empty single executable', cmd: [floorSea.exe], ok: [0], silentOk: true, floor: true, note: "the node binary with an empty snapshot as its application, trimmed as mchard's is: no single executable starts faster" })
      : { name: 'floor: empty single executable', skipped: floorSea.why },
    // As pre-commit calls a hook: names relative to the repository's top, all in one call.
    ...[1, 10, 30, 100].map((n) =>
      startup({
        name: `pre-commit: ${n} file${n > 1 ? 's' : ''}`,
        args: ['lint', '--hook', ...fleet.slice(0, n)],
        ok: [0, 1],
        silentOk: true,
        check: n === 100 ? ratioAtMost(2.0) : null,
      }),
    ),
    {
      name: `lint ${fleetSize} files`,
      args: ['lint', ...fleet],
      ok: [1],
      pairs: smoke ? 1 : 5,
      warmup: smoke ? 0 : 1,
      check: (m) => ({
        target: 'wall <= 1.5 s, peak RSS <= 150 MB',
        met: m.mchard <= 1500 && m.rss !== null && m.rss <= 150,
      }),
    },
    ...bigs.map((b, k) => ({
      name: `lint ${b.mb} MB file`,
      args: ['lint', '--max-file-size', '256M', b.path],
      ok: [0],
      pairs: smoke ? 1 : 3,
      warmup: 0,
      mb: b.mb,
      check:
        k === bigs.length - 1
          ? (m, all) => {
              const first = all.find((x) => !x.fix && x.mb === bigs[0].mb);
              if (!first) return { target: `linear (needs the ${bigs[0].mb} MB case)`, met: false };
              const growth = m.mchard / b.mb / (first.mchard / first.mb);
              return {
                target: `linear: per MB <= 1.3x ${bigs[0].mb} MB's (${growth.toFixed(2)}x); peak RSS <= ${4 * b.mb} MB`,
                met: m.rss !== null && m.rss <= 4 * b.mb && growth <= 1.3,
              };
            }
          : null,
    })),
    ...bigs.map((b, k) => ({
      name: `fix --dry-run ${b.mb} MB`,
      // Exit 1: changes would be made (the file repeats -m and -c: every earlier one is commented out).
      args: ['fix', '--dry-run', '--max-file-size', '256M', b.fixPath],
      ok: [1],
      pairs: smoke ? 1 : 3,
      warmup: 0,
      mb: b.mb,
      fix: true,
      check:
        k === bigs.length - 1
          ? (m, all) => {
              const first = all.find((x) => x.fix && x.mb === bigs[0].mb);
              if (!first) return { target: `linear (needs the ${bigs[0].mb} MB case)`, met: false };
              const growth = m.mchard / b.mb / (first.mchard / first.mb);
              const memGrowth = m.rss !== null && first.rss !== null ? m.rss / b.mb / (first.rss / first.mb) : null;
              return {
                target: `linear: per MB <= 1.3x ${bigs[0].mb} MB's (${growth.toFixed(2)}x), RSS per MB too (${memGrowth === null ? 'n/a' : `${memGrowth.toFixed(2)}x`})`,
                met: growth <= 1.3 && memGrowth !== null && memGrowth <= 1.3,
              };
            }
          : null,
    })),
  ]
    // A private, empty cache folder unless a case has its own: a cache an earlier run (a test's copy of
    // this build without its caches) left in the user's folder is taken before the build's, and would
    // measure that run's cache, not what a user of this package gets.
    .map((c) => ({ cwd: dir, ...c, env: { XDG_CACHE_HOME: emptyCache, ...c.env } }))
    .filter((c) => wanted(c.name));

  const out = (line) => process.stdout.write(`${line}\n`);
  out(`mchard benchmark${smoke ? ' (smoke run: one run per case, small inputs, no verdicts)' : ''}${option('--bin') ? ` of ${BIN}` : ''}`);
  out(machine());
  out(
    `environment: the same for node -e 0 and mchard; removed for both: ${REMOVED.length ? REMOVED.join(', ') : 'nothing (none of the start-time variables was set)'} ` +
      '(every NODE_* variable, OPENSSL_CONF, SSL_CERT_FILE, SSL_CERT_DIR, LD_PRELOAD)',
  );
  out(`pairs: ${startupPairs} per start-up case (medians), order alternated in each pair; inputs in ${dir}`);
  out(`start-up snapshot: ${snapshotUsed(dir, one)}`);
  const busy = () => loadavg()[0] > cpus().length;
  if (!smoke && busy()) out(`warning: the machine is busy (load average ${load()} on ${cpus().length} CPUs): wall-time ratios and verdicts are unreliable; see the CPU ratio`);
  out(row(COLS.map((c) => c[0])));
  let failed = 0;
  let missed = 0;
  let checked = 0;
  const done = [];
  const notes = [];
  for (const c of cases) {
    if (c.skipped) {
      out(row([c.name, '-', '-', '-', '-', '-', '-', '-', `skipped: ${c.skipped}`]));
      continue;
    }
    if (c.note) notes.push(`${c.name}: ${c.note}`);
    let m;
    try {
      m = measure(c, dir);
    } catch (e) {
      failed++;
      out(row([c.name, 'FAILED', '', '', '', '', '', '', e.message]));
      continue;
    }
    const rec = { ...m, mb: c.mb, fix: c.fix === true };
    done.push(rec);
    const verdict = smoke || !c.check ? null : c.check(m, done);
    if (verdict) checked++;
    if (verdict && !verdict.met) missed++;
    out(
      row([
        c.name,
        fmtMs(m.mchard),
        fmtMs(m.base),
        `${(m.mchard / m.base).toFixed(2)}x`,
        m.cpu ? `${fmtMs(m.cpu.mchard)} (${(m.cpu.mchard / m.cpu.base).toFixed(2)}x)` : 'n/a',
        fmtMb(m.rss),
        c.mb ? `${fmtMs(m.mchard / c.mb)}` : '-',
        verdict ? verdict.target : c.floor ? '(floor: no target)' : '-',
        verdict ? (verdict.met ? 'met' : 'NOT MET') : smoke ? 'ran' : '-',
      ]),
    );
  }
  for (const n of notes) out(`note: ${n}`);
  if (!smoke) out(`targets: ${checked - missed} met, ${missed} not met; load average at the end ${load()}${busy() ? ' (busy: the verdicts are unreliable)' : ''}`);
  if (!keep) rmSync(dir, { recursive: true, force: true });
  if (failed) {
    process.stderr.write(`bench: ${failed} case(s) failed to run\n`);
    process.exit(2);
  }
}

main();
