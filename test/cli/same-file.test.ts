/**
 * One file named twice (the same path twice, `./f` and `f`, a link and its target, a folder and a file in
 * it) is one file: lint reports its findings once, under the first name, as fix fixes it once
 * (test/fix/honest-report.test.ts). Counted twice, the summary said twice the errors the files hold.
 */
import { symlinkSync } from 'node:fs';
import { run, TempDir } from './helpers.js';

/**
 * A tree for both commands, the working folder in it: etc/memcached.conf, a link to it (etc/link.conf) and
 * etc/other/memcached.conf. `tree.tmp` and `tree.f` (the first file) once beforeAll ran.
 */
function sameFileTree() {
  const tree = { tmp: undefined as unknown as TempDir, f: '' };
  let cwd: string;
  beforeAll(() => {
    tree.tmp = new TempDir();
    cwd = process.cwd();
    tree.f = tree.tmp.write('etc/memcached.conf', '-l 0.0.0.0\n-u memcache\n-U 0\n');
    tree.tmp.write('etc/other/memcached.conf', '-l 127.0.0.1\n-u memcache\n-U 0\n');
    symlinkSync('memcached.conf', tree.tmp.join('etc', 'link.conf'));
    process.chdir(tree.tmp.join('etc'));
  });
  afterAll(() => {
    process.chdir(cwd);
    tree.tmp.cleanup();
  });
  return tree;
}

describe('lint: one file under two names is reported once', () => {
  const tree = sameFileTree();

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
    const r = await run(['lint', '--format', 'json', '--dialect', 'debian', tree.f, 'link.conf', 'other/memcached.conf']);
    const doc = JSON.parse(r.out);
    expect(doc.files.map((x: { path: string }) => x.path)).toEqual([tree.f, 'other/memcached.conf']);
    expect(doc.summary.files ?? doc.files.length).toBe(2);
    const errors = doc.files.flatMap((x: { findings: { severity: string }[] }) => x.findings).filter((x: { severity: string }) => x.severity === 'error').length;
    expect(doc.summary.errors).toBe(errors);
  });

  it('a folder and a file in it: the file once', async () => {
    const r = await run(['lint', '--dialect', 'debian', tree.tmp.join('etc', 'other'), 'other/memcached.conf']);
    expect(r.err).toContain('other/memcached.conf: the same file as');
    expect(r.out.match(/ 1 file\b/)).not.toBeNull();
  });
});

describe('inspect: one file under two names is shown once, as lint reports it', () => {
  const tree = sameFileTree();

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
    const r = await run(['inspect', '--format', 'json', '--dialect', 'debian', tree.f, 'link.conf', 'other/memcached.conf']);
    const doc = JSON.parse(r.out);
    expect(doc.map((x: { path: string }) => x.path)).toEqual([tree.f, 'other/memcached.conf']);
  });

  it('a folder and a file in it: the file once', async () => {
    const r = await run(['inspect', '--format', 'json', '--dialect', 'debian', tree.tmp.join('etc', 'other'), 'other/memcached.conf']);
    expect(r.err).toContain('other/memcached.conf: the same file as');
    expect(JSON.parse(r.out)).toHaveLength(1);
  });
});
