/**
 * `mchard fix` tells the truth about the files on disk (issue 14 §4, §5), in process: after a declined, a
 * failed or an interrupted write the report is the file's as it is on disk; the diff comes right before its
 * own question; a signal or Ctrl-C at a question stops the whole command (exit 130, 143, 129); `-q` never
 * changes the exit status; `--dry-run` exits like lint when an error would remain; an unreadable file is
 * never "no problems found"; `--format json` says what was changed, written, fixed and not fixed.
 */
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runFix, type FixHooks } from '../../src/cli/fix.js';
import { runLint } from '../../src/cli/lint.js';
import type { Io } from '../../src/cli/io.js';
import { Signals } from '../helpers/signals.js';
import { runFixCaptured, tempFolderPerTest } from './helpers.js';

/** Four errors (MC101, MC201, MC501, MC601), a warning (MC502). */
const INSECURE = '# app servers\n-m 1024\n-p 11211\n-u root\n-l 0.0.0.0\n-vv\n-A\n';
/** One warning mchard cannot fix (MC104: a host name), and an info it can (MC504, -X). */
const WARNS = '-m 64\n-p 11211\n-u memcache\n-l cache.example\n-U 0\n';
/** Nothing to fix, nothing failing (an info: MC301). */
const CLEAN = '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n';
/** Nothing mchard can fix, one error it cannot fix (MC401: -c is not a number). */
const UNFIXABLE_ERROR = '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n-c lots\n';

const tmp = tempFolderPerTest('mchard-honest-');
const put = tmp.put;
// Every fix applies (--unsafe-fixes, -u root included): these tests are about what the report says.
const run = (args: string[], opts: { tty?: boolean; hooks?: FixHooks } = {}) => runFixCaptured(['--no-color', '--unsafe-fixes', ...args], opts);

/** The text report's last line. */
const summary = (out: string) => out.trimEnd().split('\n').at(-1);

describe('the report describes the file on disk', () => {
  it('answered no: "not written", the original\'s 4 errors, exit 1', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run([f], { tty: true, hooks: { confirm: async () => false } });
    expect(r.out).toContain(`not written: ${f} (answered no): 4 errors, 1 warning, 6 infos remain\n`);
    expect(summary(r.out)).toBe('4 errors, 1 warning, 6 infos in 1 file');
    expect(r.code).toBe(1);
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
  });

  it('a write refused because the file changed: the findings are said to be of the text read, not of the file now, exit 2', async () => {
    const f = put('memcached.conf', INSECURE);
    // Someone else's edit between mchard's read and its write: -d and -r (core dumps) are new, -vv gone.
    const edited = INSECURE.replace('-vv\n', '-d\n-r\n');
    const r = await run(['--yes', f], { hooks: { beforeRename: () => writeFileSync(f, edited) } });
    expect(r.err).toMatch(/changed since mchard read it/);
    // It said "4 errors, 1 warning, 6 infos remain" of a file that no longer held them.
    expect(r.out).not.toMatch(/remains?\n/);
    expect(r.out).toContain(`not written: ${f} (it changed since mchard read it): the report's findings are of the text mchard read (4 errors, 1 warning, 6 infos), not of the file on disk now; run mchard fix again\n`);
    expect(summary(r.out)).toBe('4 errors, 1 warning, 6 infos in 1 file');
    expect(readFileSync(f, 'utf8')).toBe(edited);
    expect(r.code).toBe(2);
  });

  it('no terminal: the original\'s findings, exit 1', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run([f]);
    expect(summary(r.out)).toBe('4 errors, 1 warning, 6 infos in 1 file');
    expect(r.code).toBe(1);
  });

  it('written: the fixed file\'s findings', async () => {
    const f = put('memcached.conf', INSECURE);
    const r = await run(['--yes', f]);
    expect(summary(r.out)).toBe('0 errors, 0 warnings, 1 info in 1 file');
    expect(r.code).toBe(0);
  });

  it('--yes on an unreadable file: its one error, never "no problems found" (exit 2)', async () => {
    const r = await run(['--yes', join(tmp.path, 'missing.conf')]);
    expect(r.out).not.toMatch(/no problems found/);
    expect(r.out).toContain(`${join(tmp.path, 'missing.conf')}:1:1  error  MC001  cannot read the file: no such file  (parse-error)`);
    expect(summary(r.out)).toBe('1 error, 0 warnings, 0 infos in 1 file');
    expect(r.code).toBe(2);
    const json = JSON.parse((await run(['--yes', '--format', 'json', join(tmp.path, 'missing.conf')])).out);
    expect(json.files[0]).toMatchObject({ changed: false, written: false, restart: null, findings: [{ ruleId: 'MC001' }] });
  });
});

describe('questions', () => {
  it('each file\'s diff comes right before its own question', async () => {
    const a = put('memcached_a.conf', INSECURE);
    const b = put('memcached_b.conf', INSECURE);
    let out = '';
    const seen: string[] = [];
    const io: Io = { out: (t) => void (out += t), err: (t) => void (out += t), stdoutStream: { isTTY: false }, stdinIsTTY: true };
    await runFix(['--no-color', a, b], io, {
      confirm: async (question) => {
        seen.push(`${question} after: ${[a, b].filter((p) => out.includes(`--- ${p}\toriginal`)).join(', ')}`);
        return false;
      },
    });
    expect(seen).toEqual([`Write these changes to ${a}? after: ${a}`, `Write these changes to ${b}? after: ${a}, ${b}`]);
    // The second diff follows the first answer.
    expect(out.indexOf(`not written: ${a}`)).toBeLessThan(out.indexOf(`--- ${b}\toriginal`));
  });

  it('Ctrl-C at the first of two questions stops everything: no second question, nothing written, exit 130', async () => {
    const a = put('memcached_a.conf', INSECURE);
    const b = put('memcached_b.conf', INSECURE);
    const asked: string[] = [];
    const r = await run([a, b], { tty: true, hooks: { confirm: async (q) => (asked.push(q), 'interrupted') } });
    expect(asked).toEqual([`Write these changes to ${a}?`]);
    expect(r.code).toBe(130);
    expect(r.out).toContain(`not written: ${a} (interrupted (SIGINT)): 4 errors, 1 warning, 6 infos remain`);
    expect(r.out).not.toContain(`--- ${b}`);
    expect(r.err).toContain('mchard: stopped by SIGINT (exit status 130): every file is as it was');
    expect(summary(r.out)).toBe('8 errors, 2 warnings, 12 infos in 2 files');
    expect(readFileSync(a, 'utf8')).toBe(INSECURE);
    expect(readFileSync(b, 'utf8')).toBe(INSECURE);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGINT', 130],
  ])('%s during the first of two writes (--yes): that write completes, nothing further is written, exit %i', async (sig, code) => {
    const a = put('memcached_a.conf', INSECURE);
    const b = put('memcached_b.conf', INSECURE);
    const signals = new Signals();
    const r = await run(['--yes', '--format', 'json', a, b], { hooks: { signals, beforeRename: () => void signals.emit(sig) } });
    expect(r.code).toBe(code);
    expect(readFileSync(a, 'utf8')).not.toBe(INSECURE);
    expect(readFileSync(b, 'utf8')).toBe(INSECURE);
    expect(readdirSync(tmp.path).filter((n) => n.startsWith('b.conf.mchard-backup'))).toEqual([]);
    const json = JSON.parse(r.out);
    expect(json.files.map((f: { written: boolean }) => f.written)).toEqual([true, false]);
    expect(json.files[1].notFixed[0]).toMatchObject({ kind: 'not-written', reason: `interrupted (${sig})` });
    expect(r.err).toContain(`mchard: stopped by ${sig} (exit status ${code}): ${a} holds the fixes; every other file is as it was`);
    expect(signals.listenerCount(sig)).toBe(0);
  });

  it('a second signal where nothing is at stake ends mchard at once', async () => {
    const f = put('memcached_a.conf', INSECURE);
    const signals = new Signals();
    const exits: number[] = [];
    const r = await run(['--yes', f], {
      hooks: {
        signals,
        exit: (c) => void exits.push(c),
        beforeRename: () => {
          signals.emit('SIGTERM');
          signals.emit('SIGINT');
        },
      },
    });
    expect(exits).toEqual([143]);
    expect(r.err).toContain('mchard: SIGINT again: stopped at once');
  });
});

describe('exit statuses: -q and --dry-run', () => {
  it('-q --fail-on warning on a file with a warning exits 1 (fix and lint); -q hides the warning only', async () => {
    const f = put('memcached.conf', WARNS);
    const fix = await run(['--yes', '-q', '--fail-on', 'warning', f]);
    expect(fix.code).toBe(1);
    expect(fix.out).not.toContain('MC104');
    expect(fix.out).not.toMatch(/no problems found/);
    expect(summary(fix.out)).toBe('0 errors, 0 warnings, 0 infos in 1 file; 6 findings below error not shown (-q)');
    let out = '';
    const io: Io = { out: (t) => void (out += t), err: () => undefined, stdoutStream: {}, stdinIsTTY: false };
    expect(await runLint(['-q', '--no-color', '--fail-on', 'warning', f], io)).toBe(1);
    expect(out).not.toContain('MC104');
    expect(out).not.toMatch(/no problems found/);
    expect(await runLint(['-q', '--no-color', f], io)).toBe(0);
  });

  it('--dry-run exits 1 when an error it cannot fix would remain, 0 when nothing would change or remain', async () => {
    const err = await run(['--dry-run', put('memcached_err.conf', UNFIXABLE_ERROR)]);
    expect(err.out).toContain('nothing to fix');
    expect(err.code).toBe(1);
    expect((await run(['--dry-run', put('memcached_clean.conf', CLEAN)])).code).toBe(0);
    expect((await run(['--dry-run', '--fail-on', 'warning', put('memcached_warn.conf', `${WARNS}-X\n`)])).code).toBe(1);
    expect((await run(['--dry-run', put('memcached_warn2.conf', `${WARNS}-X\n`)])).code).toBe(0);
    expect((await run(['--dry-run', put('memcached_insecure.conf', INSECURE)])).code).toBe(1);
  });
});

describe('--format json', () => {
  it('per file: changed, written, backup, fixed, notFixed with reasons, restart, and the findings on disk', async () => {
    const a = put('memcached_a.conf', INSECURE);
    const b = put('memcached_b.conf', INSECURE);
    const c = put('memcached_c.conf', '# mchard-disable MC901\n-m 64\n-p 11211\n-u memcache\n-U 0\n-l 10.0.0.1 -d -l ::\n');
    const r = await run(['--format', 'json', a, b, c], { tty: true, hooks: { confirm: async (q) => !q.includes('b.conf') } });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    const [fa, fb, fc] = json.files;
    expect(fa).toMatchObject({ path: a, changed: true, written: true, backup: expect.stringMatching(/\/memcached_a\.conf\.mchard-backup-\d{8}T\d{6}Z$/), restart: null, notFixed: [] });
    // In the order the fixes applied (by phase, severity and position: src/fix/plan.ts).
    expect(fa.fixed.map((x: { ruleId: string }) => x.ruleId)).toEqual(['MC201', 'MC101', 'MC501', 'MC502', 'MC111']);
    expect(fa.fixed[1]).toEqual({ ruleId: 'MC101', slug: 'listen-all-interfaces', description: 'listen on 127.0.0.1 only' });
    expect(fa.findings.map((x: { ruleId: string }) => x.ruleId)).toEqual(['MC301']);
    expect(fb).toMatchObject({ path: b, changed: true, written: false, backup: null, fixed: [], restart: null });
    expect(fb.notFixed).toHaveLength(5);
    expect(fb.notFixed[1]).toEqual({ ruleId: 'MC101', slug: 'listen-all-interfaces', description: 'listen on 127.0.0.1 only', kind: 'not-written', reason: 'answered no' });
    expect(fb.findings.filter((x: { severity: string }) => x.severity === 'error')).toHaveLength(4);
    expect(fc.notFixed).toContainEqual(expect.objectContaining({ ruleId: 'MC101', kind: 'refused', reason: expect.stringContaining('the edited file would give memcached') }));
    const count = (sev: string) => json.files.reduce((n: number, f: { findings: { severity: string }[] }) => n + f.findings.filter((x) => x.severity === sev).length, 0);
    expect(json.summary).toEqual({ errors: count('error'), warnings: count('warning'), infos: count('info'), refused: 0 });
    expect(json.summary.errors).toBeGreaterThanOrEqual(4);
  });

  it('--dry-run: changed but not written', async () => {
    const f = put('memcached.conf', INSECURE);
    const json = JSON.parse((await run(['--dry-run', '--format', 'json', f])).out);
    expect(json.files[0]).toMatchObject({ changed: true, written: false, backup: null, fixed: [] });
    expect(json.files[0].notFixed[0]).toMatchObject({ kind: 'not-written', reason: 'dry run' });
  });

  it('lint\'s JSON is unchanged: no fix fields', async () => {
    const f = put('memcached.conf', INSECURE);
    let out = '';
    const io: Io = { out: (t) => void (out += t), err: () => undefined, stdoutStream: {}, stdinIsTTY: false };
    await runLint(['--format', 'json', f], io);
    expect(Object.keys(JSON.parse(out).files[0])).toEqual(['path', 'dialect', 'dialectReason', 'dialectConfidence', 'readBy', 'detection', 'findings']);
  });
});

describe('one file under several names', () => {
  it('is fixed once, under the first name; the others are said to be the same file, not reported as not written', async () => {
    const f = put('memcached.conf', INSECURE);
    const dot = join(dirname(f), '.', 'memcached.conf');
    const link = join(dirname(f), 'link.conf');
    symlinkSync('memcached.conf', link);
    const r = await run(['--yes', '--format', 'json', '--no-backup', f, dot, link]);
    expect(r.err.split('\n').filter((l) => l.startsWith('mchard:'))).toEqual([
      `mchard: ${dot}: the same file as ${f}: fixed once, under that name`,
      `mchard: ${link}: the same file as ${f}: fixed once, under that name`,
    ]);
    const json = JSON.parse(r.out);
    expect(json.files.map((x: { path: string; written: boolean }) => [x.path, x.written])).toEqual([[f, true]]);
    // What the report says remains is what is on disk.
    const disk = JSON.parse((await runFixCaptured(['--dry-run', '--format', 'json', '--unsafe-fixes', f])).out).files[0];
    expect(disk.changed).toBe(false);
    expect(json.files[0].findings).toEqual(disk.findings);
    expect(r.code).toBe(0);
  });
});
