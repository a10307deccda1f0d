/**
 * rememberingFolders: the lint run's remembered realpath(3) of folders must answer exactly as the kernel
 * does, on trees full of symbolic links (relative, absolute, to parents, chains, dangling, to files),
 * for names written with `.`, `..`, doubled and trailing slashes. The oracle is realpath(3) itself
 * (fs.realpathSync.native), asked afresh for every name.
 */
import { lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { locateInTree, rememberingFolders } from '../../src/system/links.js';

let root: string;
const cwd = process.cwd();

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'mchard-links-')));
  for (const d of ['a', 'a/b', 'a/b/c', 'd', 'd/e']) mkdirSync(join(root, d));
  writeFileSync(join(root, 'a/b/file'), 'x');
  symlinkSync('../d', join(root, 'a/up'));
  symlinkSync(join(root, 'd/e'), join(root, 'a/b/abs'));
  symlinkSync('..', join(root, 'd/e/parent'));
  symlinkSync('up', join(root, 'a/chain'));
  symlinkSync('nowhere', join(root, 'a/dangling'));
  symlinkSync('b/file', join(root, 'a/tofile'));
  symlinkSync('/', join(root, 'd/slash'));
  process.chdir(root);
});

afterAll(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
});

/** The answer, or that there is none (node's errors come from another realm than jest's: no instanceof). */
function answer(f: () => string): { ok: true; value: string } | { ok: false } {
  try {
    return { ok: true, value: f() };
  } catch {
    return { ok: false };
  }
}

const COMPONENTS = ['a', 'b', 'c', 'd', 'e', 'up', 'abs', 'parent', 'chain', 'dangling', 'tofile', 'slash', 'file', '.', '..', ''];

describe('rememberingFolders', () => {
  test('answers as realpath(3) does, one resolver over many names (remembered answers reused)', () => {
    const resolve = rememberingFolders();
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...COMPONENTS), { minLength: 1, maxLength: 7 }), fc.boolean(), fc.boolean(), (parts, absolute, trailing) => {
        const p = (absolute ? `${root}/` : '') + parts.join('/') + (trailing ? '/' : '');
        if (p === '') return;
        expect(answer(() => resolve(p))).toEqual(answer(() => realpathSync.native(p)));
      }),
      { numRuns: 3000, seed: 18 },
    );
  });

  test('a name through a link then .. is where the kernel goes, not the lexical parent', () => {
    const resolve = rememberingFolders();
    expect(resolve('a/b')).toBe(join(root, 'a/b'));
    // a/up -> ../d, so a/up/.. is the tree's root, not a/.
    expect(resolve('a/up/..')).toBe(root);
    expect(resolve('a/b/abs/..')).toBe(join(root, 'd'));
  });

  test('locateInTree gives the same answers with and without a resolver', () => {
    const resolve = rememberingFolders();
    for (const p of ['a/b/file', 'a/tofile', 'a/up/e/parent/e', 'a/b/abs/parent', join(root, 'a/b/file'), 'd/slash/etc']) {
      let plain: unknown;
      let fast: unknown;
      try {
        plain = locateInTree(p);
      } catch (e) {
        plain = (e as NodeJS.ErrnoException).code;
      }
      try {
        const { fileStat, ...located } = locateInTree(p, undefined, resolve);
        // The file's own lstat, when taken, is of the file named (no link), as readRegularFile uses it.
        if (fileStat) expect([fileStat.isSymbolicLink(), fileStat.ino]).toEqual([false, lstatSync(p).ino]);
        fast = located;
      } catch (e) {
        fast = (e as NodeJS.ErrnoException).code;
      }
      expect(fast).toEqual(plain);
    }
  });
});
