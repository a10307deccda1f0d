/**
 * A hostile file's fix (redteam7): a 1 MiB memcached.conf made of one line repeated offers hundreds of
 * thousands of fixes. Planning them all overflowed the stack ("internal error") or took 11 s and 1.6 GB
 * (one -vv per line: MC502's one fix removing 524,287 letters, the file linted again after each rule).
 * Now such a file is linted and reported, not fixed, and one line says why; a normal file's fix is as before.
 * Through the built executable as a real process: its time and its peak memory (/proc's VmHWM is not the
 * child's: GNU time's %M is) are the process's own.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BIN, builtTempDir, errorLines, runBin } from '../cli/helpers.js';
import { MAX_PLANNED_FIXES, planFix } from '../../src/fix/plan.js';
import { SourceText } from '../../src/source.js';
import { loadDialect } from '../../src/dialects/index.js';
import { RULES } from '../../rules/index.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';

const tmp = builtTempDir();

/** 1 MiB (whole lines) of `line` repeated. */
function repeated(line: string): string {
  const s = `${line}\n`.repeat(Math.ceil((1 << 20) / (line.length + 1)));
  return s.slice(0, s.lastIndexOf('\n', 1 << 20) + 1);
}

/** `mchard ARGS` under GNU time: exit status, output, seconds and peak memory (MB). */
function timed(args: string[], cwd: string) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: '1' } });
  const m = /TIME ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  return { code: r.status, out: r.stdout, err: r.stderr.replace(/(Command exited with non-zero status \d+\n)?TIME [\d.]+ \d+\s*$/, ''), seconds: Number(m?.[1]), mb: Number(m?.[2]) / 1024 };
}

describe('fix of a file offering more fixes than a plan takes', () => {
  it.each([
    // 209,715 MC803 findings: Math.max over their spread overflowed the stack.
    ['-U 0', '209,717 findings offer a fix'],
    // One MC502 finding whose fix removes every repeated -v: 11 s, 1.6 GB.
    ['-vv', "MC502's fix makes 524,287 changes"],
  ])('%s on every line: one line naming the file, status 2, the findings reported, in seconds', (line, what) => {
    const dir = tmp.join(line.replace(/\W/g, ''));
    const conf = tmp.write(`${line.replace(/\W/g, '')}/memcached.conf`, repeated(line));
    const r = timed(['fix', '--dry-run', 'memcached.conf'], dir);
    expect(errorLines(r.err)).toEqual([`mchard: memcached.conf: not fixed: not planned: ${what}, more than mchard plans in one file (10,000); mchard lint lists them`]);
    expect(r.code).toBe(2);
    expect(r.out).not.toContain('internal error');
    expect(r.out).not.toContain('nothing to fix');
    expect(r.out).toMatch(/\d+ errors?, \d+ warnings?, \d+ infos? in 1 file/);
    expect(r.seconds).toBeLessThan(6);
    expect(r.mb).toBeLessThan(600);
    // --yes writes nothing either.
    const y = runBin(['fix', '--yes', '--format', 'json', 'memcached.conf'], { cwd: dir });
    expect(y.code).toBe(2);
    expect(readFileSync(conf, 'utf8')).toBe(repeated(line));
    const fix = JSON.parse(y.out).files[0];
    expect(fix).toMatchObject({ changed: false, written: false });
    expect(fix.notFixed.every((n: { kind: string; reason: string }) => n.kind === 'refused' && n.reason.startsWith(`not planned: ${what}`))).toBe(true);
  }, 120_000);
});

describe('the limit', () => {
  beforeAll(async () => {
    await loadDialect('debian');
  });
  const plan = (text: string) => planFix(new SourceText('/tmp/x/memcached.conf', text), 'debian', { rules: RULES, options: defaultRuleOptions() });

  it('plans a file at the limit as before', () => {
    // 10,001 -p lines: 10,000 MC803 findings, each fixed.
    const p = plan(`-u memcache\n-l 127.0.0.1\n-U 0\n${'-p 11211\n'.repeat(MAX_PLANNED_FIXES + 1)}`);
    expect(p.notPlanned).toBeNull();
    expect(p.changed).toBe(true);
    expect(p.text.split('\n').filter((l) => l === '-p 11211')).toHaveLength(1);
  }, 60_000);

  it('does not plan one more', () => {
    const p = plan(`-u memcache\n-l 127.0.0.1\n-U 0\n${'-p 11211\n'.repeat(MAX_PLANNED_FIXES + 2)}`);
    expect(p.notPlanned).toBe('not planned: 10,001 findings offer a fix, more than mchard plans in one file (10,000)');
    expect(p.changed).toBe(false);
    expect(p.text).toBe(p.original);
  });
});
