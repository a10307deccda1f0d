/**
 * Folders and files whose inode flags refuse a replacement (chattr +a, +i), for real, on this machine's
 * file system (skipped where chattr does not work: tmpfs before Linux 6.0, some overlays). In an
 * append-only folder a new file can be made but never renamed or removed: the rename fails, and before
 * this was checked the temporary file, the backup link and the lock were left there for good.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeWrite, WriteError } from '../../src/fix/write.js';
import { run } from '../cli/helpers.js';

const chattr = (flag: string, path: string) => spawnSync('chattr', [flag, path], { encoding: 'utf8' });

let root = '';
let dir = '';
let path = '';
const ORIGINAL = Buffer.from('-m 64\n-p 11211\n-u memcache\n-l 0.0.0.0\n');

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'mchard-append-')));
  dir = join(root, 'etc');
  mkdirSync(dir);
  path = join(dir, 'memcached.conf');
  writeFileSync(path, ORIGINAL);
});
afterEach(() => {
  for (const p of [dir, path]) {
    chattr('-a', p);
    chattr('-i', p);
  }
  rmSync(root, { recursive: true, force: true });
});

const supported = (() => {
  const d = mkdtempSync(join(tmpdir(), 'mchard-chattr-'));
  try {
    return chattr('+a', d).status === 0;
  } finally {
    chattr('-a', d);
    rmSync(d, { recursive: true, force: true });
  }
})();

(supported ? describe : describe.skip)('inode flags that refuse the replacement', () => {
  it.each([
    ['+a', 'folder', /the folder is append-only \(chattr \+a, lsattr -d shows it\): a file in it can be added but never renamed or removed, so the file cannot be replaced and mchard makes nothing there; nothing was written; not fixed$/m],
    ['+i', 'folder', /the folder is immutable \(chattr \+i, lsattr -d shows it\): no file can be made or replaced in it; nothing was written; not fixed$/m],
    ['+a', 'file', /the file is append-only \(chattr \+a, lsattr shows it\): it cannot be replaced; nothing was written; not fixed$/m],
    ['+i', 'file', /the file is immutable \(chattr \+i, lsattr shows it\): it cannot be replaced; nothing was written; not fixed$/m],
  ])('chattr %s on the %s: fix says so, writes nothing and leaves nothing', async (flag, what, message) => {
    expect(chattr(flag, what === 'folder' ? dir : path).status).toBe(0);
    const r = await run(['fix', '--yes', '--no-restart', '--no-host-checks', path]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    // The findings and the change are still shown.
    expect(r.out).toContain('-l 127.0.0.1');
    expect(r.out).not.toMatch(/^fixed /m);
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
    expect(readFileSync(path)).toEqual(ORIGINAL);
  });

  it('a folder made append-only between the check and the rename: the failure names what could not be removed', async () => {
    const err = await safeWrite(path, ORIGINAL, '-l 127.0.0.1\n', {
      beforeRename: () => {
        expect(chattr('+a', dir).status).toBe(0);
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(WriteError);
    const left = readdirSync(dir).filter((n) => n !== 'memcached.conf' && !n.endsWith('.mchard-lock'));
    // What is left is exactly what the message names, so the report is true about the folder.
    expect(left.length).toBeGreaterThan(0);
    expect(err.message).toMatch(/cannot replace the file \(permission denied\); the original is unchanged; mchard could not remove the files? it made: /);
    for (const n of left) expect(err.message).toContain(`${join(dir, n)} (permission denied)`);
    expect(readFileSync(path)).toEqual(ORIGINAL);
  });
});
