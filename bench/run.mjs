#!/usr/bin/env node
/**
 * mchard's benchmark: `npm run bench` (or `node bench/run.mjs`).
 *
 * Generates its inputs in a temporary folder, then runs every case *paired* with `node -e 0`: each pair
 * runs the baseline and mchard back to back (alternating which goes first), so a machine that is busy
 * slows both alike and the ratio of the medians stays meaningful. Peak memory comes from one extra run
 * under GNU time (`/usr/bin/time -v`, "Maximum resident set size"). One line per case:
 *
 *   case, mchard's median, the baseline's median, the ratio, peak RSS, time per MB, target, verdict
 *
 * Both sides run with the same environment, cleaned the same way: NODE_EXTRA_CA_CERTS (set on some
 * machines; Node.js then reads a certificate bundle at every start) is removed for both.
 *
 * The large-file cases raise mchard's size limit (--max-file-size): real configuration files are tiny,
 * these measure how time and memory grow with the input. `fix --dry-run` on them checks that the fix
 * stays linear (its diff is built from the fix's own line alignment, not a general diff).
 *
 * Options:
 *   --smoke     every case once, with small inputs, no verdicts: checks that the benchmark still runs (CI)
 *   --runs N    pairs per start-up case (default 40; the throughput cases run fewer)
 *   --keep      keep the generated inputs (their folder is printed)
 *
 * Exit status: 0 when every case ran, 2 when one failed to run (wrong exit status, nothing printed,
 * crash). A missed target is reported in the verdict column, not in the exit status: timings belong to
 * the machine, and the smoke run in CI must not depend on them.
 *
 * MB here is 10^6 bytes, for file sizes and memory alike.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ONE_FILE, writeBigFile, writeFleet } from './inputs.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'mchard.js');
const NODE = process.execPath;
const GNU_TIME = '/usr/bin/time';
const MB = 1e6;

/** The environment of every run, mchard's and the baseline's alike. */
const ENV = { ...process.env };
delete ENV.NODE_EXTRA_CA_CERTS;

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const keep = args.includes('--keep');
const runsAt = args.indexOf('--runs');
const runs = runsAt !== -1 ? Number(args[runsAt + 1]) : 40;
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench: --runs takes a positive whole number\n');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------------
// Measuring

function runOnce(argv, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(NODE, argv, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status, signal: r.signal, error: r.error, out: r.stdout?.length ?? 0, err: r.stderr ? String(r.stderr) : '' };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Peak resident set size of one run, in MB, from GNU time; null when GNU time is not installed. */
function peakRss(argv, cwd, dir) {
  if (!existsSync(GNU_TIME)) return null;
  const report = join(dir, 'time.txt');
  const r = spawnSync(GNU_TIME, ['-v', '-o', report, NODE, ...argv], { cwd, env: ENV, stdio: ['ignore', 'ignore', 'ignore'] });
  if (r.error) return null;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(report, 'utf8'));
  return m ? (Number(m[1]) * 1024) / MB : null;
}

/**
 * Runs a case: `warmup` unrecorded pairs, then `pairs` recorded ones. Each mchard run must exit with a
 * status in `ok` and print something; anything else makes the case fail.
 */
function measure(c, dir) {
  const mchard = [BIN, ...c.args];
  const baseline = ['-e', '0'];
  const times = { mchard: [], base: [] };
  for (let k = 0; k < c.warmup + c.pairs; k++) {
    const order = k % 2 === 0 ? ['base', 'mchard'] : ['mchard', 'base'];
    for (const which of order) {
      const r = runOnce(which === 'base' ? baseline : mchard, c.cwd);
      if (which === 'mchard') {
        if (r.error) throw new Error(`could not start: ${r.error.message}`);
        if (r.signal) throw new Error(`killed by ${r.signal}`);
        if (!c.ok.includes(r.status)) throw new Error(`exit status ${r.status} (expected ${c.ok.join(' or ')}): ${r.err.split('\n')[0]}`);
        if (r.out === 0) throw new Error('printed nothing');
      }
      if (k >= c.warmup) times[which].push(r.ms);
    }
  }
  return { mchard: median(times.mchard), base: median(times.base), rss: peakRss(mchard, c.cwd, dir) };
}

// ---------------------------------------------------------------------------------------------------
// Output

const COLS = [
  ['case', 26],
  ['mchard', 11],
  ['node -e 0', 11],
  ['ratio', 8],
  ['peak RSS', 10],
  ['per MB', 11],
  ['target', 60],
  ['verdict', 0],
];

function row(cells) {
  return cells.map((v, k) => (COLS[k][1] ? String(v).padEnd(COLS[k][1]) : String(v))).join('').trimEnd();
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const fmtMb = (mb) => (mb === null ? 'n/a' : `${mb.toFixed(1)} MB`);

function machine() {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1];
  } catch {
    // not Linux: os.cpus() is all there is
  }
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  return `machine: ${cpus().length} CPUs (nproc), ${model}, node ${process.version}, load average ${load}`;
}

// ---------------------------------------------------------------------------------------------------
// The cases

function main() {
  if (!existsSync(join(ROOT, 'dist', 'mchard.js'))) {
    process.stderr.write('bench: building the bundle first (node scripts/build.mjs)\n');
    const b = spawnSync(NODE, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'mchard-bench-'));
  const fleetSize = smoke ? 500 : 10_000;
  const bigSizes = smoke ? [1, 2, 4] : [12.5, 25, 50];
  const startupPairs = smoke ? 1 : runs;

  const one = join(dir, 'memcached.conf');
  writeFileSync(one, ONE_FILE);
  const fleet = writeFleet(dir, fleetSize);
  const bigs = bigSizes.map((mb) => {
    const p = join(dir, `memcached_big-${mb}MB.conf`);
    writeBigFile(p, Math.round(mb * MB));
    return { mb, path: p };
  });

  /** @type {{name: string, args: string[], cwd: string, ok: number[], pairs: number, warmup: number, check?: (m: any) => {target: string, met: boolean} | null, mb?: number}[]} */
  const cases = [
    {
      name: 'lint 1 file',
      args: ['lint', one],
      ok: [1],
      pairs: startupPairs,
      warmup: smoke ? 0 : 3,
      check: (m) => ({ target: 'ratio <= 1.25', met: m.mchard / m.base <= 1.25 }),
    },
    {
      name: 'inspect 1 file',
      args: ['inspect', one],
      ok: [0],
      pairs: startupPairs,
      warmup: smoke ? 0 : 3,
      check: (m) => ({ target: 'ratio <= 1.25', met: m.mchard / m.base <= 1.25 }),
    },
    {
      name: '--version',
      args: ['--version'],
      ok: [0],
      pairs: startupPairs,
      warmup: smoke ? 0 : 3,
    },
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
              const first = all.find((x) => x.mb === bigs[0].mb);
              const growth = m.mchard / b.mb / (first.mchard / first.mb);
              return {
                target: `peak RSS <= ${4 * b.mb} MB, per MB <= 1.3x ${bigs[0].mb} MB's (${growth.toFixed(2)}x)`,
                met: m.rss !== null && m.rss <= 4 * b.mb && growth <= 1.3,
              };
            }
          : null,
    })),
    ...bigs.map((b, k) => ({
      name: `fix --dry-run ${b.mb} MB`,
      // Exit 1: changes would be made (the file repeats -m and -c: every earlier one is commented out).
      args: ['fix', '--dry-run', '--max-file-size', '256M', b.path],
      ok: [1],
      pairs: smoke ? 1 : 3,
      warmup: 0,
      mb: b.mb,
      fix: true,
      check:
        k === bigs.length - 1
          ? (m, all) => {
              const first = all.find((x) => x.fix && x.mb === bigs[0].mb);
              const growth = m.mchard / b.mb / (first.mchard / first.mb);
              const memGrowth = m.rss !== null && first.rss !== null ? m.rss / b.mb / (first.rss / first.mb) : null;
              return {
                target: `linear: per MB <= 1.3x ${bigs[0].mb} MB's (${growth.toFixed(2)}x), RSS per MB too (${memGrowth === null ? 'n/a' : `${memGrowth.toFixed(2)}x`})`,
                met: growth <= 1.3 && memGrowth !== null && memGrowth <= 1.3,
              };
            }
          : null,
    })),
  ].map((c) => ({ cwd: dir, ...c }));

  const out = (line) => process.stdout.write(`${line}\n`);
  out(`mchard benchmark${smoke ? ' (smoke run: one run per case, small inputs, no verdicts)' : ''}`);
  out(machine());
  out(`pairs: ${startupPairs} per start-up case (medians); inputs in ${dir}`);
  out(row(COLS.map((c) => c[0])));
  let failed = 0;
  let missed = 0;
  const done = [];
  for (const c of cases) {
    let m;
    try {
      m = measure(c, dir);
    } catch (e) {
      failed++;
      out(row([c.name, 'FAILED', '', '', '', '', '', e.message]));
      continue;
    }
    const rec = { ...m, mb: c.mb, fix: c.fix === true };
    done.push(rec);
    const verdict = smoke || !c.check ? null : c.check(m, done);
    if (verdict && !verdict.met) missed++;
    out(
      row([
        c.name,
        fmtMs(m.mchard),
        fmtMs(m.base),
        `${(m.mchard / m.base).toFixed(2)}x`,
        fmtMb(m.rss),
        c.mb ? `${fmtMs(m.mchard / c.mb)}` : '-',
        verdict ? verdict.target : '-',
        verdict ? (verdict.met ? 'met' : 'NOT MET') : smoke ? 'ran' : '-',
      ]),
    );
  }
  if (!smoke) out(`targets: ${cases.filter((c) => c.check).length - missed} met, ${missed} missed`);
  if (!keep) rmSync(dir, { recursive: true, force: true });
  if (failed) {
    process.stderr.write(`bench: ${failed} case(s) failed to run\n`);
    process.exit(2);
  }
}

main();
