/** The safe write: atomic replace, mode/owner kept, links followed, backups, concurrent changes, read-only folders. */
import { spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeWrite, WriteError, BACKUP_SUFFIX } from '../../src/fix/write.js';

const isRoot = process.getuid?.() === 0;
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mchard-write-'));
});
afterEach(() => {
  spawnSync('chattr', ['-i', dir]);
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): { path: string; bytes: Buffer } {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, bytes: readFileSync(path) };
}

describe('safeWrite', () => {
  it('replaces the file and keeps a backup of the original beside it', async () => {
    const f = file('memcached.conf', '-l 0.0.0.0\n');
    const r = await safeWrite(f.path, f.bytes, '-l 127.0.0.1\n');
    expect(readFileSync(f.path, 'utf8')).toBe('-l 127.0.0.1\n');
    expect(r.backup).toBe(`${f.path}${BACKUP_SUFFIX}`);
    expect(readFileSync(r.backup!, 'utf8')).toBe('-l 0.0.0.0\n');
    expect(readdirSync(dir).sort()).toEqual(['memcached.conf', `memcached.conf${BACKUP_SUFFIX}`]);
  });

  it('writes no backup when asked not to', async () => {
    const f = file('memcached.conf', '-A\n');
    const r = await safeWrite(f.path, f.bytes, '# gone\n', { backup: false });
    expect(r.backup).toBeNull();
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });

  it('keeps the mode', async () => {
    const f = file('memcached.conf', 'x\n');
    chmodSync(f.path, 0o640);
    await safeWrite(f.path, f.bytes, 'y\n');
    expect(statSync(f.path).mode & 0o7777).toBe(0o640);
    expect(statSync(`${f.path}${BACKUP_SUFFIX}`).mode & 0o7777).toBe(0o640);
  });

  (isRoot ? it : it.skip)('keeps owner and group (file owned by nobody, 0640)', async () => {
    const f = file('memcached.conf', 'x\n');
    chownSync(f.path, 65534, 65534);
    chmodSync(f.path, 0o640);
    const ino = statSync(f.path).ino;
    await safeWrite(f.path, f.bytes, 'y\n');
    const st = statSync(f.path);
    expect({ uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 }).toEqual({ uid: 65534, gid: 65534, mode: 0o640 });
    // A new inode: the file was replaced by rename, not rewritten in place.
    expect(st.ino).not.toBe(ino);
    expect(readFileSync(f.path, 'utf8')).toBe('y\n');
  });

  it('follows a symbolic link and replaces its target; the link stays a link', async () => {
    const target = file('real.conf', 'old\n');
    const link = join(dir, 'memcached.conf');
    symlinkSync('real.conf', link);
    const r = await safeWrite(link, target.bytes, 'new\n');
    expect(r.target).toBe(target.path);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.conf');
    expect(readFileSync(target.path, 'utf8')).toBe('new\n');
    expect(r.backup).toBe(`${target.path}${BACKUP_SUFFIX}`);
  });

  it('aborts when the file changed between reading and renaming, and leaves no temporary file', async () => {
    const f = file('memcached.conf', 'old\n');
    const err = await safeWrite(f.path, f.bytes, 'fixed\n', {
      beforeRename: () => writeFileSync(f.path, 'edited by someone else\n'),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect(err.message).toMatch(/changed since mchard read it/);
    expect(readFileSync(f.path, 'utf8')).toBe('edited by someone else\n');
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });

  it('aborts when the file no longer matches what was read before anything is written', async () => {
    const f = file('memcached.conf', 'old\n');
    writeFileSync(f.path, 'newer\n');
    await expect(safeWrite(f.path, f.bytes, 'fixed\n')).rejects.toThrow(/changed since/);
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });

  it('aborts when a link is pointed elsewhere meanwhile', async () => {
    const a = file('a.conf', 'same\n');
    file('b.conf', 'same\n');
    const link = join(dir, 'memcached.conf');
    symlinkSync('a.conf', link);
    await expect(
      safeWrite(link, a.bytes, 'fixed\n', {
        beforeRename: () => {
          rmSync(link);
          symlinkSync('b.conf', link);
        },
      }),
    ).rejects.toThrow(/changed since/);
    expect(readFileSync(a.path, 'utf8')).toBe('same\n');
  });

  it('refuses what is not a regular file', async () => {
    await expect(safeWrite(dir, Buffer.from(''), 'x')).rejects.toThrow(WriteError);
    await expect(safeWrite(join(dir, 'missing'), Buffer.from(''), 'x')).rejects.toThrow(/no such file/);
  });

  it('reports a read-only folder without touching the file (chattr +i, or chmod when not root)', async () => {
    const f = file('memcached.conf', 'old\n');
    if (isRoot) {
      const r = spawnSync('chattr', ['+i', dir]);
      if (r.status !== 0) {
        console.warn(`skipping: chattr +i is not available here (${String(r.stderr).trim()})`);
        return;
      }
    } else {
      chmodSync(dir, 0o555);
    }
    try {
      const before = statSync(f.path);
      const err = await safeWrite(f.path, f.bytes, 'new\n').catch((e) => e);
      expect(err).toBeInstanceOf(WriteError);
      expect(err.message).toMatch(/cannot create a file in this folder \((permission denied|read-only file system)\); the original is unchanged/);
      expect(readFileSync(f.path, 'utf8')).toBe('old\n');
      expect(statSync(f.path).mtimeMs).toBe(before.mtimeMs);
      expect(readdirSync(dir)).toEqual(['memcached.conf']);
    } finally {
      if (isRoot) spawnSync('chattr', ['-i', dir]);
      else chmodSync(dir, 0o755);
    }
    expect(existsSync(`${f.path}${BACKUP_SUFFIX}`)).toBe(false);
  });
});
