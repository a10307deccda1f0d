/**
 * One file named twice (the same path twice, `./f` and `f`, a link and its target, a folder and a file in
 * it) is one file: lint reports its findings once, under the first name, as fix fixes it once
 * (test/fix/honest-report.test.ts). Counted twice, the summary said twice the errors the files hold.
 */
import { symlinkSync } from 'node:fs';
import { run, TempDir } from './helpers.js';

describe('lint: one file under two names is reported once', () => {
  let tmp: TempDir;
  let cwd: string;
  let f: string;
  beforeAll(() => {
    tmp = new TempDir();
    cwd = process.cwd();
    f = tmp.write('etc/memcached.conf', '-l 0.0.0.0\n-u memcache\n-U 0\n');
    tmp.write('etc/other/memcached.conf', '-l 127.0.0.1\n-u memcache\n-U 0\n');
    symlinkSync('memcached.conf', tmp.join('etc', 'link.conf'));
    process.chdir(tmp.join('etc'));
  });
  afterAll(() => {
    process.chdir(cwd);
    tmp.cleanup();
  });

  const mc101 = (out: string) => out.split('\n').filter((l) => l.includes('error  MC101')).length;

  it('the same path twice, ./FILE and a link to it: findings once, a line for each other name', async () => {
    const once = await run(['lint', '--dialect', 'debian', 'memcached.conf']);
    const r = await run(['lint', '--dialect', 'debian', 'memcached.conf', 'memcached.conf', './memcached.conf', 'link.conf']);
    expect(r.code).toBe(once.code);
    expect(mc101(r.out)).toBe(1);
    expect(r.out).toBe(once.out);
    expect(r.err.split('\n').filter((l) => l)).toEqual([
      'mchard: memcached.conf: the same file as memcached.conf: reported once, under that name',
      'mchard: ./memcached.conf: the same file as memcached.conf: reported once, under that name',
      'mchard: link.conf: the same file as memcached.conf: reported once, under that name',
    ]);
  });

  it('json: one file entry and a summary that counts each file once', async () => {
    const r = await run(['lint', '--format', 'json', '--dialect', 'debian', f, 'link.conf', 'other/memcached.conf']);
    const doc = JSON.parse(r.out);
    expect(doc.files.map((x: { path: string }) => x.path)).toEqual([f, 'other/memcached.conf']);
    expect(doc.summary.files ?? doc.files.length).toBe(2);
    const errors = doc.files.flatMap((x: { findings: { severity: string }[] }) => x.findings).filter((x: { severity: string }) => x.severity === 'error').length;
    expect(doc.summary.errors).toBe(errors);
  });

  it('a folder and a file in it: the file once', async () => {
    const r = await run(['lint', '--dialect', 'debian', tmp.join('etc', 'other'), 'other/memcached.conf']);
    expect(r.err).toContain('other/memcached.conf: the same file as');
    expect(r.out.match(/ 1 file\b/)).not.toBeNull();
  });
});

describe('inspect: one file under two names is shown once, as lint reports it', () => {
  let tmp: TempDir;
  let cwd: string;
  let f: string;
  beforeAll(() => {
    tmp = new TempDir();
    cwd = process.cwd();
    f = tmp.write('etc/memcached.conf', '-l 0.0.0.0\n-u memcache\n-U 0\n');
    tmp.write('etc/other/memcached.conf', '-l 127.0.0.1\n-u memcache\n-U 0\n');
    symlinkSync('memcached.conf', tmp.join('etc', 'link.conf'));
    process.chdir(tmp.join('etc'));
  });
  afterAll(() => {
    process.chdir(cwd);
    tmp.cleanup();
  });

  it('the same path twice, ./FILE and a link to it: one inspection, a line for each other name', async () => {
    const once = await run(['inspect', '--dialect', 'debian', 'memcached.conf']);
    const r = await run(['inspect', '--dialect', 'debian', 'memcached.conf', 'memcached.conf', './memcached.conf', 'link.conf']);
    expect(r.code).toBe(once.code);
    expect(r.out).toBe(once.out);
    expect(r.out.split('\n').filter((l) => l.startsWith('memcached.conf ('))).toHaveLength(1);
    expect(r.err.split('\n').filter((l) => l)).toEqual([
      'mchard: memcached.conf: the same file as memcached.conf: shown once, under that name',
      'mchard: ./memcached.conf: the same file as memcached.conf: shown once, under that name',
      'mchard: link.conf: the same file as memcached.conf: shown once, under that name',
    ]);
  });

  it('json: an array with one inspection per file, not per name', async () => {
    const r = await run(['inspect', '--format', 'json', '--dialect', 'debian', f, 'link.conf', 'other/memcached.conf']);
    const doc = JSON.parse(r.out);
    expect(doc.map((x: { path: string }) => x.path)).toEqual([f, 'other/memcached.conf']);
  });

  it('a folder and a file in it: the file once', async () => {
    const r = await run(['inspect', '--format', 'json', '--dialect', 'debian', tmp.join('etc', 'other'), 'other/memcached.conf']);
    expect(r.err).toContain('other/memcached.conf: the same file as');
    expect(JSON.parse(r.out)).toHaveLength(1);
  });
});
