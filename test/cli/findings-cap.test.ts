/**
 * A report's size is bounded whatever the file (redteam6): a hostile megabyte of repeated options made
 * about 100,000 findings, a 14 MB text report, and (every finding's subject looked up over every option)
 * a SARIF or GitLab report or a baseline run that took minutes. A report lists at most 100 findings of a
 * rule and 1000 of a file, says how many it left out, counts them in its summary, and decides the exit
 * status from all of them; --all-findings lists every one.
 */
import { ensureBuilt, run, runBin, TempDir } from './helpers.js';
import { FINDINGS_CAP, capFindings } from '../../src/report/types.js';

let dir: TempDir;
beforeAll(() => {
  ensureBuilt();
  dir = new TempDir();
});
afterAll(() => dir.cleanup());

/** A Debian memcached.conf of about `bytes` bytes: each line an MC801 (unknown option) or MC803 (repeated option). */
function hostile(bytes: number): string {
  const unit = '-l 0.0.0.0\n-U 11211\n-p 11211\n-X\n--foo\n-c 1\n';
  return unit.repeat(Math.floor(bytes / unit.length));
}

describe('capFindings', () => {
  const f = (ruleId: string, severity: 'error' | 'warning' | 'info') => ({ ruleId, severity });

  it('lists the first 100 of a rule and counts the rest by severity', () => {
    const all = [...Array.from({ length: 150 }, () => f('MC803', 'warning')), f('MC101', 'error')];
    const { shown, omitted } = capFindings(all);
    expect(shown).toHaveLength(101);
    expect(shown[100]).toBe(all[150]);
    expect(omitted).toEqual({ errors: 0, warnings: 50, infos: 0 });
    expect(capFindings(all, true)).toEqual({ shown: all });
  });

  it('keeps the errors when a file has more than 1000 to list', () => {
    const rules = Array.from({ length: 20 }, (_, k) => `MC${900 + k}`);
    const infos = rules.flatMap((id) => Array.from({ length: 100 }, () => f(id, 'info')));
    const all = [...infos, f('MC101', 'error')];
    const { shown, omitted } = capFindings(all);
    expect(shown).toHaveLength(FINDINGS_CAP.perFile);
    expect(shown[shown.length - 1]).toBe(all[all.length - 1]);
    expect(omitted).toEqual({ errors: 0, warnings: 0, infos: 1001 });
  });
});

describe('a megabyte of repeated options', () => {
  let file: string;
  /** Every finding's rule and severity (--all-findings), and what a capped report leaves out. */
  let all: { ruleId: string; severity: 'error' | 'warning' | 'info' }[];
  let omitted: { errors: number; warnings: number; infos: number };
  let omittedCount: number;
  const sev = (list: typeof all) => ({
    errors: list.filter((f) => f.severity === 'error').length,
    warnings: list.filter((f) => f.severity === 'warning').length,
    infos: list.filter((f) => f.severity === 'info').length,
  });
  const words = () => `${omittedCount} more findings (${omitted.errors} errors, ${omitted.warnings} warnings) not listed (at most 100 of a rule and 1000 of a file are; --all-findings lists every one)`;
  beforeAll(async () => {
    file = dir.write('etc/memcached.conf', hostile(1024 * 1024 - 64));
    const r = await run(['lint', '--all-findings', '--format', 'json', file]);
    all = JSON.parse(r.out).files[0].findings;
    const perRule = new Map<string, number>();
    const left = all.filter((f) => {
      const n = perRule.get(f.ruleId) ?? 0;
      perRule.set(f.ruleId, n + 1);
      return n >= 100;
    });
    omitted = sev(left);
    omittedCount = left.length;
  }, 120_000);

  it('has tens of thousands of findings of two rules, and a handful of others', () => {
    expect(all.length).toBeGreaterThan(90_000);
    expect(omitted.infos).toBe(0);
    expect(all.length - omittedCount).toBeLessThan(FINDINGS_CAP.perFile);
  });

  it('the built mchard prints a bounded text report with the real totals and exit status 1', async () => {
    const t0 = Date.now();
    const r = runBin(['lint', file]);
    const seconds = (Date.now() - t0) / 1000;
    expect(r.code).toBe(1);
    // Before: 14,364,040 bytes.
    expect(r.out.length).toBeLessThan(200_000);
    const lines = r.out.split('\n');
    expect(lines.filter((l) => / {2}warning {2}MC803 {2}/.test(l))).toHaveLength(100);
    expect(lines).toContain(`${file}  note  ${words()}`);
    const s = sev(all);
    expect(lines.at(-2)).toBe(`${s.errors} errors, ${s.warnings} warnings, ${s.infos} infos in 1 file; ${omittedCount} findings not listed (--all-findings lists them)`);
    expect(seconds).toBeLessThan(30);
    // -q: the warnings are hidden, and the errors past the cap still counted.
    const q = await run(['lint', '-q', file]);
    expect(q.code).toBe(1);
    expect(q.out.split('\n').at(-2)).toBe(`${s.errors} errors, 0 warnings, 0 infos in 1 file; ${s.warnings + s.infos} findings below error not shown (-q); ${omitted.errors} findings not listed (--all-findings lists them)`);
  }, 120_000);

  it('JSON lists the capped findings, says what it left out and counts it in the summary', async () => {
    const r = await run(['lint', '--format', 'json', file]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.files[0].findings).toHaveLength(all.length - omittedCount);
    expect(doc.files[0].omitted).toEqual(omitted);
    expect(doc.summary).toEqual({ ...sev(all), refused: 0 });
  }, 120_000);

  it('SARIF is made in seconds, lists the capped results and has a notification of the rest', async () => {
    const t0 = Date.now();
    const r = await run(['lint', '--format', 'sarif', file]);
    // Before: more than 9 minutes (a subject lookup over every option for each of about 97,500 findings).
    expect((Date.now() - t0) / 1000).toBeLessThan(40);
    expect(r.code).toBe(1);
    const run0 = JSON.parse(r.out).runs[0];
    expect(run0.results).toHaveLength(all.length - omittedCount);
    const notes = run0.invocations[0].toolExecutionNotifications;
    expect(notes).toEqual([expect.objectContaining({ level: 'warning', descriptor: { id: 'findings-not-listed' }, properties: omitted })]);
    expect(notes[0].message.text).toBe(`${file}: ${words()}`);
    expect(run0.invocations[0].executionSuccessful).toBe(true);
  }, 120_000);

  it('GitHub annotations end with a warning saying what was left out', async () => {
    const r = await run(['lint', '--format', 'github', file]);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(all.length - omittedCount + 1);
    expect(lines.at(-1)).toBe(`::warning file=${file.replace(/:/g, '%3A')},title=mchard listed some findings only::${words()}`);
  }, 120_000);

  it('GitLab: capped issues, and standard error says what was left out', async () => {
    const r = await run(['lint', '--format', 'gitlab', file]);
    expect(JSON.parse(r.out)).toHaveLength(all.length - omittedCount);
    expect(r.err).toBe(`mchard: ${file}: ${words()}\n`);
  }, 120_000);

  it('a baseline records every finding, and then reports none', async () => {
    const b = dir.join('b.json');
    const u = await run(['lint', '--update-baseline', '--baseline', b, file]);
    expect(u.code).toBe(0);
    const r = await run(['lint', '--baseline', b, file]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${b}: ${all.length} findings recorded in the baseline not shown\nno problems found (0 errors, 0 warnings, 0 infos in 1 file)\n`);
  }, 120_000);
});
