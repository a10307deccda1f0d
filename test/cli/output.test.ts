/**
 * `--output FILE`: the report goes to the file (whole, through a temporary file and a rename), messages
 * stay on standard error, and a failed run leaves the file as it was.
 */
import { lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { run, runBin, TempDir, errorLines, BIN } from './helpers.js';
import { runFixCaptured } from '../fix/helpers.js';
import { AtomicFile, randomTag, writeFileAtomic } from '../../src/cli/write-atomic.js';

const INSECURE = '-u memcache\n-U 0\n-l 0.0.0.0\n-vv\n';

let dir: TempDir;
let conf: string;
beforeEach(() => {
  dir = new TempDir('mchard-out-');
  conf = dir.write('memcached.conf', INSECURE);
});
afterEach(() => dir.cleanup());

/** The folder's entries other than the given ones: leftovers such as temporary files. */
const others = (...keep: string[]) => readdirSync(dir.path).filter((e) => !keep.includes(e));

describe('lint --output', () => {
  it.each(['text', 'json', 'sarif', 'github', 'gitlab'])('%s: the file holds exactly what standard output would, and nothing goes there', async (format) => {
    const out = dir.join('report.out');
    const direct = await run(['lint', '--format', format, conf]);
    const r = await run(['lint', '--format', format, '--output', out, conf]);
    expect(r.code).toBe(direct.code);
    expect(r.out).toBe('');
    expect(r.err).toBe(direct.err);
    const written = readFileSync(out, 'utf8');
    expect(written.replace(/"uri": "file:\/\/[^"]*"/g, '')).toBe(direct.out.replace(/"uri": "file:\/\/[^"]*"/g, ''));
    expect(others('memcached.conf', 'report.out')).toEqual([]);
  });

  it('messages stay on standard error; "-" is standard output', async () => {
    const out = dir.join('r.sarif');
    const r = await run(['lint', '--format', 'sarif', '--output', out, conf, dir.join('missing.conf')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toEqual([`mchard: ${dir.join('missing.conf')}: no such file`]);
    expect(JSON.parse(readFileSync(out, 'utf8')).runs[0].invocations[0].executionSuccessful).toBe(false);
    const dash = await run(['lint', '--output', '-', conf]);
    expect(dash.out).toContain('MC101');
  });

  it('replaces the file by a rename (a new file, the old mode kept), never writing into it', async () => {
    const out = dir.write('report.txt', 'old report\n');
    chmodSync(out, 0o640);
    const inode = statSync(out).ino;
    await run(['lint', '--output', out, conf]);
    expect(readFileSync(out, 'utf8')).toContain('MC101');
    expect(statSync(out).ino).not.toBe(inode);
    expect(statSync(out).mode & 0o777).toBe(0o640);
  });

  (process.getuid?.() === 0 ? it : it.skip)("keeps the mode of the user's own file only: another user's, planted in a sticky folder, gives root's report no mode of theirs", async () => {
    // /tmp-like: another user creates the name first, writable by everyone; root's report replaced it
    // with that mode (0666), so the other user could rewrite what root reported.
    const sticky = dir.join('sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    const out = join(sticky, 'report.sarif');
    writeFileSync(out, 'theirs\n');
    chownSync(out, 65534, 65534);
    chmodSync(out, 0o6777);
    await run(['lint', '--format', 'sarif', '--output', out, conf]);
    const st = statSync(out);
    expect({ uid: st.uid, otherWrite: (st.mode & 0o022) !== 0, setid: (st.mode & 0o6000) !== 0 }).toEqual({ uid: 0, otherWrite: false, setid: false });
  });

  it('a failed run leaves the old report as it was, and no temporary file', async () => {
    const out = dir.write('report.txt', 'old report\n');
    writeFileSync(dir.join('.mchardrc'), 'no-such-key = 1\n');
    const r = await run(['lint', '--output', out, conf]);
    expect(r.code).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('old report\n');
    expect(others('memcached.conf', 'report.txt', '.mchardrc')).toEqual([]);
  });

  it('an interrupted write leaves the old file: the new content exists only in the temporary file until the rename', () => {
    const out = dir.write('r.json', '{"old": true}\n');
    const f = new AtomicFile(out);
    f.write('{"half": ');
    expect(readFileSync(out, 'utf8')).toBe('{"old": true}\n');
    expect(others('memcached.conf', 'r.json')).toHaveLength(1);
    f.abort();
    expect(readFileSync(out, 'utf8')).toBe('{"old": true}\n');
    expect(others('memcached.conf', 'r.json')).toEqual([]);
    writeFileAtomic(out, '{"new": true}\n');
    expect(readFileSync(out, 'utf8')).toBe('{"new": true}\n');
  });

  it('the temporary file is named with 6 random bytes (from /dev/urandom, node:crypto only where it cannot be read)', () => {
    const tags = Array.from({ length: 500 }, () => randomTag());
    for (const t of tags) expect(t).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(tags).size).toBe(500);
    const f = new AtomicFile(dir.join('r.txt'));
    expect(others('memcached.conf')[0]).toMatch(new RegExp(`^\\.r\\.txt\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    f.abort();
  });

  it('with /dev/urandom unreadable (here: /dev/null mounted over it, in a mount namespace of its own) the report is still written', () => {
    const probe = spawnSync('unshare', ['-m', 'true']);
    if (probe.status !== 0) throw new Error(`this test needs unshare -m (root): ${probe.stderr}`);
    const out = dir.join('report.txt');
    const script = 'mount --bind /dev/null /dev/urandom && head -c 6 /dev/urandom | wc -c && exec "$0" "$@"';
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script, process.execPath, BIN, 'lint', '--output', out, conf], { encoding: 'utf8' });
    // The device really reads nothing inside (wc says 0), and mchard still wrote its report.
    expect(r.stdout.trim()).toBe('0');
    expect(r.status).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('MC101');
    expect(others('memcached.conf', 'report.txt')).toEqual([]);
  });

  it('a symbolic link at the output path is replaced, not followed', async () => {
    const victim = dir.write('victim.txt', 'precious\n');
    const out = dir.join('report.txt');
    symlinkSync(victim, out);
    await run(['lint', '--output', out, conf]);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(out).isSymbolicLink()).toBe(false);
    expect(readFileSync(out, 'utf8')).toContain('MC101');
  });

  it("a relative path whose folder a link takes out of the current folder is not written (a checkout's results -> /etc); --update-baseline alike", () => {
    const repo = dir.join('repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'memcached.conf'), INSECURE);
    mkdirSync(dir.join('outside'));
    symlinkSync(dir.join('outside'), join(repo, 'results'));
    const r = runBin(['lint', '--format', 'sarif', '--output', 'results/mchard.sarif', '--', 'memcached.conf'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toEqual([
      `mchard: --output results/mchard.sarif: cannot write: its folder results leads through a symbolic link to ${dir.join('outside')}, outside the current folder ${repo}; not written (name it by a path outside the current folder to write there)`,
    ]);
    const b = runBin(['lint', '--baseline', 'results/baseline.json', '--update-baseline', '--', 'memcached.conf'], { cwd: repo });
    expect(b.code).toBe(2);
    expect(b.err).toContain('results/baseline.json: cannot write: its folder results leads through a symbolic link to');
    expect(readdirSync(dir.join('outside'))).toEqual([]);
    // Named by its real path, the folder is the user's choice: written.
    expect(runBin(['lint', '--output', dir.join('outside', 'r.txt'), '--', 'memcached.conf'], { cwd: repo }).code).toBe(1);
    expect(readdirSync(dir.join('outside'))).toEqual(['r.txt']);
    // A link inside the current folder is fine.
    mkdirSync(join(repo, 'reports'));
    symlinkSync('reports', join(repo, 'out'));
    expect(runBin(['lint', '--output', 'out/r.txt', '--', 'memcached.conf'], { cwd: repo }).code).toBe(1);
    expect(readdirSync(join(repo, 'reports'))).toEqual(['r.txt']);
  });

  it('refuses to overwrite a file being checked, and says so when the folder is missing or is not writable', async () => {
    const same = await run(['lint', '--output', conf, conf]);
    expect([same.code, same.err]).toEqual([2, `mchard: --output ${conf} would overwrite ${conf}, a file being checked\n`]);
    expect(readFileSync(conf, 'utf8')).toBe(INSECURE);
    const missing = await run(['lint', '--output', dir.join('no', 'such', 'r.txt'), conf]);
    expect(missing.code).toBe(2);
    expect(errorLines(missing.err)).toEqual([`mchard: --output ${dir.join('no', 'such', 'r.txt')}: cannot write: no such file`]);
    mkdirSync(dir.join('ro'));
    chmodSync(dir.join('ro'), 0o500);
    if (process.getuid?.() !== 0) {
      const ro = await run(['lint', '--output', dir.join('ro', 'r.txt'), conf]);
      expect(ro.code).toBe(2);
      expect(ro.err).toContain('permission denied');
    }
    chmodSync(dir.join('ro'), 0o700);
  });
});

describe('fix --output', () => {
  it('puts only the final report in the file: the diff and the messages stay on the terminal', async () => {
    const out = dir.join('fix.json');
    const r = await runFixCaptured(['--dry-run', '--format', 'json', '--output', out, conf]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('+++');
    expect(JSON.parse(readFileSync(out, 'utf8')).files[0].changed).toBe(true);
    const text = await runFixCaptured(['--dry-run', '--output', dir.join('fix.txt'), conf]);
    expect(text.out).toContain('+++'); // text mode: the diff on standard output, as without --output
    expect(text.out).not.toMatch(/ in 1 file\n/);
    expect(readFileSync(dir.join('fix.txt'), 'utf8')).toMatch(/MC101[\s\S]*2 errors, 1 warning, \d+ infos? in 1 file\n$/);
  });
});
