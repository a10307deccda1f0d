/**
 * Baselines through the commands: the round trip (create, a new finding reported, a fixed finding
 * reported as stale, prune), what does not break an entry, fix and JSON, and an unusable baseline.
 */
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, run, runBin, TempDir, errorLines } from './helpers.js';
import { execFileSync } from 'node:child_process';
import { runFixCaptured } from '../fix/helpers.js';

const FILE = [
  '# app servers',
  '-u memcache',
  '-m 64',
  '-p 11211',
  '-U 0',
  '-l 10.0.0.1',
  '-vv',
  '-A',
  '',
].join('\n');

let dir: TempDir;
let conf: string;
let base: string;
beforeEach(() => {
  dir = new TempDir('mchard-bl-');
  conf = dir.write('hosts/web/memcached.conf', FILE);
  base = dir.join('mchard-baseline.json');
});
afterEach(() => dir.cleanup());

const edit = (from: string, to: string) => writeFileSync(conf, readFileSync(conf, 'utf8').replace(from, to));
const baselineJson = () => JSON.parse(readFileSync(base, 'utf8'));

describe('the round trip', () => {
  it('create, report nothing, a new finding, a fixed finding as stale, prune', async () => {
    // Without a baseline: findings, exit 1 (MC501 is an error on a private address).
    const before = await run(['lint', conf]);
    expect(before.code).toBe(1);

    // 1. Create: every finding recorded, none reported, exit 0.
    const created = await run(['lint', '--baseline', base, '--update-baseline', conf]);
    expect(created.code).toBe(0);
    expect(errorLines(created.err)).toEqual([`mchard: created ${base}: 9 entries, 9 findings`]);
    expect(created.out).toContain('9 findings recorded in the baseline not shown');
    const b = baselineJson();
    expect(Object.keys(b)).toEqual(['version', 'files']);
    expect(Object.keys(b.files)).toEqual(['hosts/web/memcached.conf']);
    expect(b.files['hosts/web/memcached.conf']).toEqual({
      MC103: { count: 1, subjects: ['-l 10.0.0.1'] },
      MC301: { count: 1, subjects: ['-p 11211'] },
      MC501: { count: 1, subjects: ['-A'] },
      MC502: { count: 1, subjects: ['-v -v'] },
      MC504: { count: 1 },
      MC505: { count: 1 },
      MC506: { count: 1 },
      MC601: { count: 1 },
      MC602: { count: 1 },
    });
    const again = await run(['lint', '--baseline', base, conf]);
    expect([again.code, again.err]).toEqual([0, '']);
    expect(again.out).toBe(`${base}: 9 findings recorded in the baseline not shown\nno problems found (0 errors, 0 warnings, 0 infos in 1 file)\n`);

    // 2. A new finding of a recorded rule, beyond the count: reported (the new address, not the old one).
    edit('-l 10.0.0.1\n', '-l 10.0.0.1\n-l 10.0.0.2\n');
    const added = await run(['lint', '--baseline', base, '--fail-on', 'warning', conf]);
    expect(added.code).toBe(1);
    expect(added.out).toMatch(/memcached\.conf:7:4 {2}warning {2}MC103 {2}-l 10\.0\.0\.2 binds/);
    expect(added.out).not.toContain('-l 10.0.0.1 binds');

    // 3. A fixed finding: its entry is reported as stale, one line; the exit status does not change.
    edit('-vv\n', '');
    const fixed = await run(['lint', '--baseline', base, conf]);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toContain(`${base}: stale entry hosts/web/memcached.conf MC502: no longer occurs (1 recorded); remove it with --prune-baseline\n`);
    const json = JSON.parse((await run(['lint', '--baseline', base, '--format', 'json', conf])).out);
    expect(json.baseline).toEqual({
      path: base,
      suppressed: 8,
      stale: [{ file: 'hosts/web/memcached.conf', ruleId: 'MC502', recorded: 1, found: 0, reason: 'fixed' }],
      unchecked: 0,
      written: null,
    });
    expect(json.files[0].findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['MC103']);

    // 4. Prune: the stale entry goes, the new finding is not added.
    const pruned = await run(['lint', '--baseline', base, '--prune-baseline', conf]);
    expect(errorLines(pruned.err)).toEqual([`mchard: wrote ${base}: 8 entries, 8 findings; 1 stale entry removed`]);
    expect(pruned.out).toContain('MC103');
    const after = baselineJson().files['hosts/web/memcached.conf'];
    expect(after).not.toHaveProperty('MC502');
    expect(after.MC103).toEqual({ count: 1, subjects: ['-l 10.0.0.1'] });
    expect((await run(['lint', '--baseline', base, conf])).out).not.toContain('stale');
  });

  it('moving lines and editing other lines never breaks an entry', async () => {
    await run(['lint', '--baseline', base, '--update-baseline', conf]);
    writeFileSync(conf, ['-A', '# moved around', '-vv', '-U 0', '-p 11211', '-m 128', '-u memcache', '   -l   10.0.0.1', ''].join('\n'));
    const r = await run(['lint', '--baseline', base, conf]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${base}: 9 findings recorded in the baseline not shown\nno problems found (0 errors, 0 warnings, 0 infos in 1 file)\n`);
  });

  it('entries of files not linted in this run are kept; those of files that are gone are stale and pruned', async () => {
    const other = dir.write('other/memcached.conf', FILE);
    await run(['lint', '--baseline', base, '--update-baseline', conf, other]);
    await run(['lint', '--baseline', base, '--prune-baseline', conf]);
    expect(Object.keys(baselineJson().files)).toEqual(['hosts/web/memcached.conf', 'other/memcached.conf']);
    rmSync(other);
    const r = await run(['lint', '--baseline', base, conf]);
    expect(r.out).toContain('stale entry other/memcached.conf MC103: the file no longer exists (1 recorded)');
    await run(['lint', '--baseline', base, '--prune-baseline', conf]);
    expect(Object.keys(baselineJson().files)).toEqual(['hosts/web/memcached.conf']);
  });

  it('with sarif, stale entries go to standard error, one line each', async () => {
    await run(['lint', '--baseline', base, '--update-baseline', conf]);
    edit('-vv\n', '');
    const r = await run(['lint', '--baseline', base, '--format', 'sarif', conf]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).runs[0].results).toEqual([]);
    expect(errorLines(r.err)).toEqual([`mchard: ${base}: stale entry hosts/web/memcached.conf MC502: no longer occurs (1 recorded); remove it with --prune-baseline`]);
  });
});

describe('mchard fix --baseline', () => {
  it('fixes everything, reports only what the baseline does not record, and the exit status follows', async () => {
    await run(['lint', '--baseline', base, '--update-baseline', conf]);
    // The warnings fix cannot fix (MC103, MC601) remain: with --fail-on warning, exit 1 without the baseline.
    const plain = await runFixCaptured(['--yes', '--no-backup', '--fail-on', 'warning', '--format', 'json', dir.write('memcached_copy.conf', FILE)]);
    expect(plain.code).toBe(1);
    const r = await runFixCaptured(['--yes', '--no-backup', '--fail-on', 'warning', '--format', 'json', '--baseline', base, conf]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.files[0].written).toBe(true);
    expect(doc.files[0].findings).toEqual([]);
    // What fix removed or added (-vv, -A; -X) is stale now.
    expect(doc.baseline.stale.map((s: { ruleId: string }) => s.ruleId)).toEqual(["MC501", "MC502", "MC504"]);
  });

  it('--dry-run: the exit status counts what would remain after the fixes, less the baseline', async () => {
    const r0 = await runFixCaptured(['--dry-run', conf]);
    expect(r0.code).toBe(1);
    await run(['lint', '--baseline', base, '--update-baseline', conf]);
    const r = await runFixCaptured(['--dry-run', '--baseline', base, conf]);
    // Changes that are not written still make it 1.
    expect(r.code).toBe(1);
    expect(r.out).toContain('not shown');
  });
});

describe('an unusable baseline', () => {
  it.each([
    ['{"version": 1, "files": {"a": {"MC101": {"count": -1}}}}', 'not a valid mchard baseline: "a" MC101: "count" must be a whole number of at least 1'],
    ['{ nope', 'not a valid mchard baseline: invalid JSON at line 1, column 3'],
    ['{"version": 1,\n "files": {\n', 'not a valid mchard baseline: invalid JSON at line 3, column 1'],
  ])('%s: one line, exit 2, nothing on standard output', async (text, problem) => {
    writeFileSync(base, text);
    for (const cmd of [['lint'], ['fix', '--dry-run']]) {
      const r = await run([...cmd, '--baseline', base, conf]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(errorLines(r.err)).toHaveLength(1);
      expect(r.err).toContain(`mchard: ${base}: ${problem}`);
    }
  });

  it('a baseline that links to another file never quotes that file back (it may be /etc/shadow)', async () => {
    const secret = join(dir.path, 'secret');
    writeFileSync(secret, 'root:$y$j9T$s3cret:19000:0:99999:7:::\n');
    const link = join(dir.path, 'linked-baseline.json');
    symlinkSync(secret, link);
    for (const cmd of [['lint'], ['fix', '--dry-run']]) {
      const r = await run([...cmd, '--baseline', link, conf]);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`mchard: ${link}: not a valid mchard baseline: invalid JSON\n`);
      expect(r.err + r.out).not.toMatch(/root|s3cret|\$y\$/);
    }
  });

  it("a checkout's baseline that links out of the current folder is not read: a host's JSON file's keys are never quoted back", () => {
    ensureBuilt();
    // A JSON file of the host's whose keys are its secrets, and a repository whose baseline links to it.
    const secret = dir.write('private/tokens.json', '{"c2VjcmV0LXRva2Vu": {"user": "deploy"}}\n');
    const repo = dir.join('hosts');
    symlinkSync(secret, join(repo, 'mchard-baseline.json'));
    for (const extra of [[], ['--update-baseline'], ['--prune-baseline']]) {
      const r = runBin(['lint', '--baseline', 'mchard-baseline.json', ...extra, '--', 'web/memcached.conf'], { cwd: repo });
      expect([extra, r.code, r.out]).toEqual([extra, 2, '']);
      expect(errorLines(r.err)).toEqual([`mchard: mchard-baseline.json: cannot read the baseline: a symbolic link leads it to ${secret}, outside ${repo}; not read (name it by its real path to use it)`]);
      expect(r.err).not.toContain('c2VjcmV0');
    }
    expect(readFileSync(secret, 'utf8')).toBe('{"c2VjcmV0LXRva2Vu": {"user": "deploy"}}\n');
    // A link to a baseline inside the current folder is read.
    rmSync(join(repo, 'mchard-baseline.json'));
    writeFileSync(join(repo, 'real-baseline.json'), '{"version": 1, "files": {}}\n');
    symlinkSync('real-baseline.json', join(repo, 'mchard-baseline.json'));
    expect(runBin(['lint', '--baseline', 'mchard-baseline.json', '--', 'web/memcached.conf'], { cwd: repo }).code).toBe(1);
  });

  // The baseline usually lies in the repository a pull request changes: a link to /dev/zero grew the run
  // without bound, a named pipe (or a link to one) hung it for good, --update-baseline included. The
  // built mchard, as a real process: in process the hang would take the test runner with it.
  it('a link to a device or a named pipe: one line, exit 2, at once', () => {
    ensureBuilt();
    const zero = join(dir.path, 'zero-baseline.json');
    symlinkSync('/dev/zero', zero);
    const fifo = join(dir.path, 'fifo-baseline.json');
    execFileSync('mkfifo', [fifo]);
    for (const [b, why] of [[zero, 'is a character device, not a regular file'], [fifo, 'is a named pipe (FIFO), not a regular file']]) {
      for (const extra of [[], ['--update-baseline']]) {
        const r = runBin(['lint', '--baseline', b, ...extra, conf]);
        expect([b, extra, r.signal, r.code, r.out, r.err]).toEqual([b, extra, null, 2, '', `mchard: ${b}: cannot read the baseline: ${why}\n`]);
      }
    }
  });

  it('a missing baseline is an error unless it is being created; the flags need --baseline and exclude each other', async () => {
    const r = await run(['lint', '--baseline', join(dir.path, 'nope.json'), conf]);
    expect([r.code, r.err]).toEqual([2, `mchard: ${join(dir.path, 'nope.json')}: cannot read the baseline: no such file (create it with --update-baseline)\n`]);
    expect((await run(['lint', '--update-baseline', conf])).err).toBe('mchard: --update-baseline needs --baseline FILE\n');
    expect((await run(['lint', '--baseline', base, '--update-baseline', '--prune-baseline', conf])).err).toBe('mchard: --update-baseline and --prune-baseline contradict each other\n');
  });
});

describe("a baseline of a pull request's (redteam7)", () => {
  it('lists 100 stale entries in text and on standard error, then how many more; the JSON lists every one', async () => {
    // 5,000 entries naming files that do not exist: before, 5,000 lines (1,500,000 for a baseline of 45 MB).
    const files: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) files[`gone/f${i}.conf`] = { MC101: { count: 1 } };
    writeFileSync(base, JSON.stringify({ version: 1, files }));
    const text = runBin(['lint', '--baseline', base, conf]);
    const stale = text.out.split('\n').filter((l) => l.includes('stale entr'));
    expect(stale).toHaveLength(101);
    expect(stale[0]).toBe(`${base}: stale entry gone/f0.conf MC101: the file no longer exists (1 recorded); remove it with --prune-baseline`);
    expect(stale[100]).toBe(`${base}: 4900 more stale entries not listed (--format json lists them; --prune-baseline removes them)`);
    const sarif = runBin(['lint', '--format', 'sarif', '--baseline', base, conf]);
    expect(errorLines(sarif.err).filter((l) => l.includes('stale entr'))).toHaveLength(101);
    const json = runBin(['lint', '--format', 'json', '--baseline', base, conf]);
    expect(JSON.parse(json.out).baseline.stale).toHaveLength(5000);
  });

  // A baseline's keys are the pull request's: `../../x`, `/x` and a link committed beside them named files
  // anywhere on the host, and whether each was reported "no longer exists" told a root-run CI whether that
  // file exists (before: the missing one stale, the present one silently kept). Now such entries are never
  // looked up: both get the same answer, kept, and one line says so.
  it("never tells whether a file outside the repository exists: keys that leave it, or a link that does, are not looked up", () => {
    ensureBuilt();
    const repo = dir.join('hosts');
    const outside = dir.write('private/present.key', 'x\n');
    dir.write('private/sub/present.key', 'x\n');
    symlinkSync(dir.join('private'), join(repo, 'to-private'));
    symlinkSync(dir.join('private/nowhere'), join(repo, 'dangling'));
    const pairs: [string, string][] = [
      ['../private/present.key', '../private/absent.key'],
      [outside, dir.join('private/absent.key')],
      ['to-private/present.key', 'to-private/absent.key'],
      ['to-private/sub/present.key', 'to-private/nosub/absent.key'],
      ['dangling', 'dangling/absent.key'],
    ];
    const keys = pairs.flat();
    const files: Record<string, unknown> = Object.fromEntries(keys.map((k) => [k, { MC101: { count: 1 } }]));
    files['gone.conf'] = { MC101: { count: 1 } };
    const text = JSON.stringify({ version: 1, files });
    writeFileSync(join(repo, 'bl.json'), text);
    const r = runBin(['lint', '--baseline', 'bl.json', '--', 'web/memcached.conf'], { cwd: repo });
    const baselineLines = r.out.split('\n').filter((l) => l.startsWith('bl.json:'));
    expect(baselineLines).toEqual([
      'bl.json: stale entry gone.conf MC101: the file no longer exists (1 recorded); remove it with --prune-baseline',
      `bl.json: 10 entries name files this run did not lint, outside ${repo} or reached through a symbolic link out of it: not looked up, kept (lint those files to check them)`,
    ]);
    const json = JSON.parse(runBin(['lint', '--format', 'json', '--baseline', 'bl.json', '--', 'web/memcached.conf'], { cwd: repo }).out);
    expect([json.baseline.stale.map((s: { file: string }) => s.file), json.baseline.unchecked]).toEqual([['gone.conf'], 10]);
    // --prune-baseline keeps them all (it removes only what it knows is gone).
    expect(runBin(['lint', '--baseline', 'bl.json', '--prune-baseline', '--', 'web/memcached.conf'], { cwd: repo }).code).toBe(1);
    expect(Object.keys(JSON.parse(readFileSync(join(repo, 'bl.json'), 'utf8')).files).sort()).toEqual([...keys].sort());
  });
});
