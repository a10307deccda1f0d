/**
 * The benchmark still runs: `node bench/run.mjs --smoke` runs every case once on small inputs. This
 * checks that it ran them all and printed a well-formed line for each, never the timings themselves
 * (timings belong to `npm run bench` on a quiet machine, not to CI).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from '../cli/helpers.js';

const CASES = [
  'floor: empty start-up snapshot',
  'lint 1 file',
  'lint 1 file, node bin/mchard.js',
  'lint 1 file, no code cache',
  'lint 1 file, cache made at 1st run',
  'lint 1 file --format sarif',
  'lint 1 file, SARIF to a file',
  'inspect 1 file',
  '--version',
  'lint 1 Compose file',
  'fix --dry-run 1 file',
  'pre-commit: 1 file',
  'pre-commit: 10 files',
  'pre-commit: 30 files',
  'pre-commit: 100 files',
  'lint 500 files',
  'lint 1 MB file',
  'lint 2 MB file',
  'lint 4 MB file',
  'fix --dry-run 1 MB',
  'fix --dry-run 2 MB',
  'fix --dry-run 4 MB',
];
const TIME = String.raw`\d+(\.\d+)? (ms|s)`;
const LINE = new RegExp(String.raw`^(?<case>.+?)\s{2,}(?<mchard>${TIME})\s+(?<base>${TIME})\s+(?<ratio>\d+\.\d\dx)\s+(?<cpu>${TIME} \(\d+\.\d\dx\)|n/a)\s+(?<rss>\d+\.\d MB|n/a)\s+(?<perMb>${TIME}|-)\s+(?<target>-|\(floor: no target\))\s+ran$`);

let run: { status: number | null; stdout: string; stderr: string };

beforeAll(() => {
  ensureBuilt();
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'run.mjs'), '--smoke'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt' },
  });
  run = { status: r.status, stdout: r.stdout, stderr: r.stderr };
}, 300_000);

describe('bench/run.mjs --smoke', () => {
  it('exits 0 with nothing on standard error', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('says whether mchard started from the start-up snapshot (this build has one for this node)', () => {
    expect(run.stdout).toMatch(/^start-up snapshot: used$/m);
  });

  it('names the machine it ran on', () => {
    expect(run.stdout).toMatch(/^machine: \d+ CPUs \(nproc\), .+, node v\d+\.\d+\.\d+, load average /m);
  });

  it('says which start-time variables it removed, for node -e 0 and mchard alike', () => {
    expect(run.stdout).toMatch(/^environment: the same for node -e 0 and mchard; removed for both: /m);
    // The test runs it with NODE_EXTRA_CA_CERTS set (below), so the line must name it.
    expect(run.stdout).toMatch(/^environment: .*removed for both: [^(]*NODE_EXTRA_CA_CERTS/m);
  });

  it('says why the single executable is not measured in a smoke run', () => {
    expect(run.stdout).toMatch(/^single executable: lint 1 file\s+-.*skipped: smoke run/m);
  });

  it('says why the empty single executable (the floor of the single executable) is not measured in a smoke run', () => {
    expect(run.stdout).toMatch(/^floor: empty single executable\s+-.*skipped: smoke run/m);
  });

  it('measures the floor of a start from a snapshot: a snapshot holding nothing of mchard\'s, marked as a floor', () => {
    const floor = run.stdout.split('\n').filter((l) => LINE.test(l)).map((l) => LINE.exec(l)!.groups!);
    expect(floor.filter((g) => g.target !== '-').map((g) => g.case)).toEqual(['floor: empty start-up snapshot']);
    expect(run.stdout).toMatch(/^note: floor: empty start-up snapshot: a snapshot holding nothing of mchard's/m);
  });

  it('prints one well-formed line per case, every case, in order', () => {
    const rows = run.stdout.split('\n').filter((l) => LINE.test(l));
    expect(rows.map((l) => LINE.exec(l)!.groups!.case)).toEqual(CASES);
    expect(run.stdout).not.toMatch(/FAILED/);
  });

  it('gives the CPU ratio beside the wall-time ratio on Linux', () => {
    const cpu = run.stdout.split('\n').filter((l) => LINE.test(l)).map((l) => LINE.exec(l)!.groups!.cpu);
    expect(cpu.length).toBe(CASES.length);
    if (process.platform === 'linux') expect(cpu.filter((c) => c === 'n/a')).toEqual([]);
  });

  it('reports peak memory when GNU time is installed', () => {
    const rss = run.stdout.split('\n').filter((l) => LINE.test(l)).map((l) => LINE.exec(l)!.groups!.rss);
    if (existsSync('/usr/bin/time')) expect(rss.every((r) => r !== 'n/a')).toBe(true);
    else expect(rss.every((r) => r === 'n/a')).toBe(true);
  });

  it('gives a time per MB for the large files only', () => {
    const perMb = Object.fromEntries(run.stdout.split('\n').filter((l) => LINE.test(l)).map((l) => [LINE.exec(l)!.groups!.case, LINE.exec(l)!.groups!.perMb]));
    expect(perMb['lint 1 file']).toBe('-');
    expect(perMb['lint 4 MB file']).toMatch(new RegExp(`^${TIME}$`));
  });
});
