/**
 * The safe write on real files: atomic replace, mode/owner kept, symbolic links inside and out of the tree
 * named on the command line, hard links, numbered backups (never overwritten, only when the file is really
 * replaced), changes behind mchard's back, stale temporary files, read-only folders.
 * ACLs and extended attributes: write-attrs.test.ts; the lock: write-lock.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWritable, lockForWrite, readAgain, safeWrite, WriteError, BACKUP_SUFFIX } from '../../src/fix/write.js';
import { backupNames, backupStamp, isBackupName, tempOwner } from '../../src/fix/names.js';
import { hookPicked } from '../helpers/hook-pattern.js';
import { standInEtc } from './helpers.js';

const isRoot = process.getuid?.() === 0;
let dir = '';

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'mchard-write-')));
});
afterEach(() => {
  spawnSync('chattr', ['-R', '-i', dir]);
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): { path: string; bytes: Buffer } {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, bytes: readFileSync(path) };
}

const BACKUP = /^memcached\.conf\.mchard-backup-\d{8}T\d{6}Z(-\d+)?$/;
const backupsIn = (d: string, name = 'memcached.conf') => readdirSync(d).filter((n) => isBackupName(name, n)).sort();

/** A pid that no process has now: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('safeWrite', () => {
  it('replaces the file and keeps a dated backup of the original beside it; nothing else is left', async () => {
    const f = file('memcached.conf', '-l 0.0.0.0\n');
    const r = await safeWrite(f.path, f.bytes, '-l 127.0.0.1\n');
    expect(readFileSync(f.path, 'utf8')).toBe('-l 127.0.0.1\n');
    expect(r.backup).toMatch(new RegExp(`^${dir}/memcached\\.conf\\.mchard-backup-\\d{8}T\\d{6}Z$`));
    expect(readFileSync(r.backup!, 'utf8')).toBe('-l 0.0.0.0\n');
    // No temporary file, no lock.
    expect(readdirSync(dir).sort()).toEqual(['memcached.conf', r.backup!.slice(dir.length + 1)]);
    expect(r.outsideTree).toBeNull();
  });

  it('writes no backup when asked not to', async () => {
    const f = file('memcached.conf', '-A\n');
    const r = await safeWrite(f.path, f.bytes, '# gone\n', { backup: false });
    expect(r.backup).toBeNull();
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });

  it('keeps the mode, on the new file and on the backup', async () => {
    const f = file('memcached.conf', 'x\n');
    chmodSync(f.path, 0o640);
    const r = await safeWrite(f.path, f.bytes, 'y\n');
    expect(statSync(f.path).mode & 0o7777).toBe(0o640);
    expect(statSync(r.backup!).mode & 0o7777).toBe(0o640);
  });

  it('keeps the setgid bit, which giving the new file its owner clears', async () => {
    const f = file('memcached.conf', 'x\n');
    if (isRoot) chownSync(f.path, 65534, 65534);
    chmodSync(f.path, 0o2640);
    await safeWrite(f.path, f.bytes, 'y\n');
    expect(statSync(f.path).mode & 0o7777).toBe(0o2640);
  });

  (isRoot ? it : it.skip)('keeps owner and group (file owned by nobody, 0640)', async () => {
    const f = file('memcached.conf', 'x\n');
    chownSync(f.path, 65534, 65534);
    chmodSync(f.path, 0o640);
    const ino = statSync(f.path).ino;
    const r = await safeWrite(f.path, f.bytes, 'y\n');
    const st = statSync(f.path);
    expect({ uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 }).toEqual({ uid: 65534, gid: 65534, mode: 0o640 });
    // A new inode: the file was replaced by rename, not rewritten in place. The backup is the old inode itself.
    expect(st.ino).not.toBe(ino);
    expect(statSync(r.backup!).ino).toBe(ino);
    expect(readFileSync(f.path, 'utf8')).toBe('y\n');
  });

  it('aborts when the file changed between reading and renaming, and leaves no temporary file and no backup', async () => {
    const f = file('memcached.conf', 'old\n');
    const err = await safeWrite(f.path, f.bytes, 'fixed\n', {
      beforeRename: () => writeFileSync(f.path, 'edited by someone else\n'),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect(err.message).toMatch(/changed since mchard read it/);
    expect(readFileSync(f.path, 'utf8')).toBe('edited by someone else\n');
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });

  it('aborts when only the mode changed meanwhile (same bytes)', async () => {
    const f = file('memcached.conf', 'old\n');
    chmodSync(f.path, 0o600);
    const err = await safeWrite(f.path, f.bytes, 'fixed\n', { beforeRename: () => chmodSync(f.path, 0o640) }).catch((e) => e);
    expect(err.message).toMatch(/changed since mchard read it/);
    expect(readFileSync(f.path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });

  it('aborts when the file no longer matches what was read before anything is written', async () => {
    const f = file('memcached.conf', 'old\n');
    writeFileSync(f.path, 'newer\n');
    await expect(safeWrite(f.path, f.bytes, 'fixed\n')).rejects.toThrow(/changed since/);
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });

  it('refuses what is not a regular file', async () => {
    await expect(safeWrite(dir, Buffer.from(''), 'x')).rejects.toThrow(/is a directory, not a file/);
    await expect(safeWrite(join(dir, 'missing'), Buffer.from(''), 'x')).rejects.toThrow(/no such file/);
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await expect(safeWrite(fifo, Buffer.from(''), 'x')).rejects.toThrow(/is a named pipe \(FIFO\), not a regular file/);
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
      // As root the folder is immutable (chattr +i), which lsattr shows: said before anything is tried.
      expect(err.message).toMatch(
        isRoot
          ? /: the folder is immutable \(chattr \+i, lsattr -d shows it\): no file can be made or replaced in it; nothing was written$/
          : /cannot create a file in this folder \((permission denied|read-only file system)\); the original is unchanged/,
      );
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

describe('backups', () => {
  it('every fix keeps its own backup: the true original survives a second and a third fix; 0.1.0\'s FILE.mchard-backup is left alone', async () => {
    const f = file('memcached.conf', 'original\n');
    writeFileSync(`${f.path}${BACKUP_SUFFIX}`, 'from mchard 0.1.0\n');
    const texts = ['first fix\n', 'second fix\n', 'third fix\n'];
    let previous = f.bytes;
    const backups: string[] = [];
    for (const t of texts) {
      const r = await safeWrite(f.path, previous, t);
      backups.push(r.backup!);
      previous = readFileSync(f.path);
    }
    expect(new Set(backups).size).toBe(3);
    expect(backups.map((b) => readFileSync(b, 'utf8'))).toEqual(['original\n', 'first fix\n', 'second fix\n']);
    // Names sort in the order they were made, after 0.1.0's.
    const names = backupsIn(dir);
    expect(names).toEqual([`memcached.conf${BACKUP_SUFFIX}`, ...backups.map((b) => b.slice(dir.length + 1))]);
    for (const n of names.slice(1)) expect(n).toMatch(BACKUP);
    expect(readFileSync(`${f.path}${BACKUP_SUFFIX}`, 'utf8')).toBe('from mchard 0.1.0\n');
  });

  it('never overwrites a file that already has the backup name: the next free name is used', async () => {
    const f = file('memcached.conf', 'original\n');
    // This second's and the next second's names are taken by files that are not backups.
    const now = Date.now();
    const taken = [new Date(now), new Date(now + 1000)].map((d) => `memcached.conf${BACKUP_SUFFIX}-${backupStamp(d)}`);
    for (const t of taken) writeFileSync(join(dir, t), `someone's ${t}\n`);
    const r = await safeWrite(f.path, f.bytes, 'fixed\n');
    for (const t of taken) expect(readFileSync(join(dir, t), 'utf8')).toBe(`someone's ${t}\n`);
    expect(taken).not.toContain(r.backup!.slice(dir.length + 1));
    expect(readFileSync(r.backup!, 'utf8')).toBe('original\n');
  });

  it('names: UTC stamps that sort, -2, -3 within one second; exact matching', () => {
    const at = new Date(Date.UTC(2026, 11, 5, 10, 15, 0, 999));
    const it = backupNames('memcached.conf', at);
    expect([it.next().value, it.next().value, it.next().value]).toEqual([
      'memcached.conf.mchard-backup-20261205T101500Z',
      'memcached.conf.mchard-backup-20261205T101500Z-2',
      'memcached.conf.mchard-backup-20261205T101500Z-3',
    ]);
    expect(isBackupName('memcached.conf', 'memcached.conf.mchard-backup')).toBe(true);
    expect(isBackupName('memcached.conf', 'memcached.conf.mchard-backup-20261205T101500Z-2')).toBe(true);
    expect(isBackupName('memcached.conf', 'memcachedXconf.mchard-backup')).toBe(false);
    expect(isBackupName('memcached.conf', 'memcached.conf.mchard-backup-x')).toBe(false);
    // None ends in .conf: Debian's init script reads /etc/memcached_*.conf, systemd *.service.d/*.conf.
    expect('memcached_a.conf.mchard-backup-20261205T101500Z').not.toMatch(/\.conf$/);
    // The pre-commit hook picks the files, never their backups (pre-commit's patterns are Python re.search).
    expect(hookPicked(['etc/memcached.conf', 'etc/memcached_a.conf', 'etc/sysconfig/memcached'])).toHaveLength(3);
    for (const name of ['etc/memcached_a.conf', 'etc/sysconfig/memcached']) {
      expect(hookPicked([`${name}.mchard-backup-20261205T101500Z`, `${name}.mchard-backup-20261205T101500Z-2`, `${name}.mchard-backup`])).toEqual([]);
    }
  });

  it('no backup is left when the replace then fails (immutable file, its flag unread as without lsattr: the backup is a copy, checked, then removed)', async () => {
    if (!isRoot) return console.warn('skipping: chattr +i needs root');
    const f = file('memcached.conf', 'original\n');
    chmodSync(f.path, 0o640);
    // An ACL and a user attribute, which the copy must carry too.
    const dump = (p: string) => spawnSync('getfattr', ['--absolute-names', '--dump', '--match=-', '--encoding=hex', '--', p], { encoding: 'utf8' }).stdout.replace(/^# file: .*\n/, '');
    spawnSync('setfacl', ['-m', 'u:nobody:r', f.path]);
    spawnSync('setfattr', ['-n', 'user.origin', '-v', 'kept', f.path]);
    const attrs = dump(f.path);
    if (spawnSync('chattr', ['+i', f.path]).status !== 0) return console.warn('skipping: chattr +i is not available here');
    let seen: { text: string; mode: number; linked: boolean; attrs: string } | null = null;
    const err = await safeWrite(f.path, f.bytes, 'fixed\n', {
      // With the flags read, the immutable file is refused before anything is made (test/fix/append-only.test.ts).
      inodeFlags: () => null,
      onStep: (s) => {
        if (s !== 'backup-placed') return;
        const b = backupsIn(dir)[0];
        const st = statSync(join(dir, b));
        seen = { text: readFileSync(join(dir, b), 'utf8'), mode: st.mode & 0o7777, linked: st.ino === statSync(f.path).ino, attrs: dump(join(dir, b)) };
      },
    }).catch((e) => e);
    spawnSync('chattr', ['-i', f.path]);
    expect(err).toBeInstanceOf(WriteError);
    expect(err.message).toMatch(/cannot replace the file \(permission denied\); the original is unchanged/);
    // An immutable file cannot be hard-linked: the backup was a copy with the original's content, mode, ACL and attributes.
    expect(seen).toEqual({ text: 'original\n', mode: 0o640, linked: false, attrs });
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
    expect(readFileSync(f.path, 'utf8')).toBe('original\n');
  });
});

describe('hard links', () => {
  it('a file with another name is refused, both names keep their content, nothing is left', async () => {
    const f = file('memcached.conf', '-l 0.0.0.0\n');
    const other = join(dir, 'copy-elsewhere.conf');
    linkSync(f.path, other);
    const err = await safeWrite(f.path, f.bytes, '-l 127.0.0.1\n').catch((e) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect(err.message).toMatch(/has 2 hard links: the other name would keep the old content .* mchard does not fix hard-linked files/);
    expect(readFileSync(f.path, 'utf8')).toBe('-l 0.0.0.0\n');
    expect(statSync(other).nlink).toBe(2);
    expect(statSync(other).ino).toBe(statSync(f.path).ino);
    expect(readdirSync(dir).sort()).toEqual(['copy-elsewhere.conf', 'memcached.conf']);
  });

  it('a backup name linked to the file (a run killed just before its rename) is not another name: it becomes this run\'s backup', async () => {
    const f = file('memcached.conf', 'original\n');
    const leftover = join(dir, 'memcached.conf.mchard-backup-20200101T000000Z');
    linkSync(f.path, leftover);
    const r = await safeWrite(f.path, f.bytes, 'fixed\n');
    expect(r.backup).toBe(leftover);
    expect(readFileSync(leftover, 'utf8')).toBe('original\n');
    expect(statSync(leftover).nlink).toBe(1);
    expect(backupsIn(dir)).toEqual(['memcached.conf.mchard-backup-20200101T000000Z']);
  });
});

describe('symbolic links', () => {
  let etc = '';
  let repo = '';
  beforeEach(() => {
    ({ etc, repo } = standInEtc(dir, '-l 0.0.0.0\n'));
    mkdirSync(join(repo, 'sub'));
  });

  it('a link inside the file\'s folder tree is followed; the link stays a link', async () => {
    const target = join(repo, 'sub', 'real.conf');
    writeFileSync(target, 'old\n');
    const link = join(repo, 'memcached.conf');
    symlinkSync('sub/real.conf', link);
    const r = await safeWrite(link, readFileSync(target), 'new\n');
    expect(r.target).toBe(target);
    expect(r.outsideTree).toBeNull();
    expect(readlinkSync(link)).toBe('sub/real.conf');
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    expect(r.backup).toMatch(/\/repo\/sub\/real\.conf\.mchard-backup-/);
  });

  it('a link out of the folder (into a stand-in for /etc) is refused without --follow-symlinks; nothing there changes', async () => {
    const link = join(repo, 'memcached.conf');
    symlinkSync(join(etc, 'memcached.conf'), link);
    const before = statSync(join(etc, 'memcached.conf'));
    const err = await safeWrite(link, Buffer.from('-l 0.0.0.0\n'), '-l 127.0.0.1\n').catch((e) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect(err.message).toBe(
      `${link}: is a symbolic link to ${etc}/memcached.conf, outside ${repo}, the folder named on the command line; mchard does not follow it there without --follow-symlinks`,
    );
    expect(readFileSync(join(etc, 'memcached.conf'), 'utf8')).toBe('-l 0.0.0.0\n');
    expect(statSync(join(etc, 'memcached.conf')).ctimeMs).toBe(before.ctimeMs);
    expect(readdirSync(etc)).toEqual(['memcached.conf']);
    // A relative link that climbs out, and a chain of links, are the same.
    rmSync(link);
    symlinkSync('../etc/memcached.conf', link);
    await expect(safeWrite(link, Buffer.from('-l 0.0.0.0\n'), 'x\n')).rejects.toThrow(/outside/);
    rmSync(link);
    symlinkSync('sub/hop', link);
    symlinkSync('../../etc/memcached.conf', join(repo, 'sub', 'hop'));
    await expect(safeWrite(link, Buffer.from('-l 0.0.0.0\n'), 'x\n')).rejects.toThrow(/outside/);
    expect(readdirSync(etc)).toEqual(['memcached.conf']);
  });

  it('--follow-symlinks writes there and says which tree the link left', async () => {
    const link = join(repo, 'memcached.conf');
    symlinkSync(join(etc, 'memcached.conf'), link);
    const r = await safeWrite(link, Buffer.from('-l 0.0.0.0\n'), '-l 127.0.0.1\n', { followSymlinks: true });
    expect(r.target).toBe(join(etc, 'memcached.conf'));
    expect(r.outsideTree).toBe(repo);
    expect(readFileSync(join(etc, 'memcached.conf'), 'utf8')).toBe('-l 127.0.0.1\n');
  });

  it('a folder named on the command line is the tree: a link to a sibling folder inside it is followed', async () => {
    writeFileSync(join(repo, 'real.conf'), 'old\n');
    const link = join(repo, 'sub', 'memcached.conf');
    symlinkSync('../real.conf', link);
    // As a FILE argument its tree is repo/sub, which the link leaves; inside the folder argument repo it stays.
    await expect(safeWrite(link, Buffer.from('old\n'), 'new\n')).rejects.toThrow(/outside/);
    await expect(safeWrite(link, Buffer.from('old\n'), 'new\n', { tree: repo })).resolves.toMatchObject({ outsideTree: null });
    expect(readFileSync(join(repo, 'real.conf'), 'utf8')).toBe('new\n');
    const elsewhere = join(repo, 'sub', 'elsewhere.conf');
    symlinkSync('../../etc/memcached.conf', elsewhere);
    await expect(safeWrite(elsewhere, Buffer.from('-l 0.0.0.0\n'), 'x\n', { tree: repo })).rejects.toThrow(/outside/);
  });

  it('a relative argument whose folder is a link out of the current folder is refused (repo/conf -> /etc)', async () => {
    symlinkSync(etc, join(repo, 'conf'));
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const err = await safeWrite('conf/memcached.conf', Buffer.from('-l 0.0.0.0\n'), 'x\n').catch((e) => e);
      expect(err).toBeInstanceOf(WriteError);
      expect(err.message).toBe(
        `conf/memcached.conf: conf leads through a symbolic link to ${etc}, outside the current folder ${repo}; mchard does not follow it there without --follow-symlinks`,
      );
      // `..` after a folder link is resolved as the kernel does: it climbs from where the link leads.
      mkdirSync(join(etc, 'sub'));
      symlinkSync(join(etc, 'sub'), join(repo, 'a'));
      writeFileSync(join(repo, 'memcached.conf'), 'the repository file\n');
      await expect(safeWrite('a/../memcached.conf', Buffer.from('-l 0.0.0.0\n'), 'x\n')).rejects.toThrow(/^a\/\.\.\/memcached\.conf: a\/\.\. leads through a symbolic link to .*\/etc, outside the current folder/);
      expect(readFileSync(join(repo, 'memcached.conf'), 'utf8')).toBe('the repository file\n');
      // Named by its full path, the folder is what the user named.
      expect(checkWritable(join(repo, 'conf', 'memcached.conf')).outsideTree).toBeNull();
    } finally {
      process.chdir(cwd);
    }
    expect(readFileSync(join(etc, 'memcached.conf'), 'utf8')).toBe('-l 0.0.0.0\n');
  });

  it('a link pointed elsewhere meanwhile aborts the write', async () => {
    const a = join(repo, 'a.conf');
    writeFileSync(a, 'same\n');
    writeFileSync(join(repo, 'b.conf'), 'same\n');
    const link = join(repo, 'memcached.conf');
    symlinkSync('a.conf', link);
    await expect(
      safeWrite(link, Buffer.from('same\n'), 'fixed\n', {
        beforeRename: () => {
          rmSync(link);
          symlinkSync('b.conf', link);
        },
      }),
    ).rejects.toThrow(/changed since/);
    expect(readFileSync(a, 'utf8')).toBe('same\n');
    expect(readFileSync(join(repo, 'b.conf'), 'utf8')).toBe('same\n');
  });
});

describe('temporary files', () => {
  it('are named .FILE.mchard-tmp-PID-HEX8; a dead process\'s are removed on the next run, nothing else', async () => {
    const f = file('memcached.conf', 'old\n');
    const dead = deadPid();
    const stale = [`.memcached.conf.mchard-tmp-${dead}-0123abcd`, `.memcached.conf.mchard-${dead}-0123abcd`, `.memcached.conf.mchard-backup.mchard-${dead}-89abcdef`];
    const kept = [
      `.memcached.conf.mchard-tmp-${process.pid}-0123abcd`, // a live process's
      `.memcached.conf.mchard-tmp-${dead}-0123abcd.orig`, // not exactly the name
      `.memcached.conf.mchard-tmp-${dead}-0123ABCD`,
      `.other.conf.mchard-tmp-${dead}-0123abcd`, // another file's
      `memcached.conf.mchard-tmp-${dead}-0123abcd`,
    ];
    for (const n of [...stale, ...kept]) writeFileSync(join(dir, n), 'leftover\n');
    // A link with a matching name is not removed (only regular files are).
    const linkName = `.memcached.conf.mchard-tmp-${dead}-fedcba98`;
    symlinkSync('memcached.conf', join(dir, linkName));
    const r = await safeWrite(f.path, f.bytes, 'new\n');
    const left = readdirSync(dir).sort();
    expect(left).toEqual([...kept, linkName, 'memcached.conf', r.backup!.slice(dir.length + 1)].sort());
    expect(tempOwner('memcached.conf', stale[0])).toBe(dead);
    expect(tempOwner('memcached.conf', kept[1])).toBeNull();
  });

  it('are removed as soon as the lock is taken, even when nothing is then written', async () => {
    const f = file('memcached.conf', 'old\n');
    const dead = deadPid();
    writeFileSync(join(dir, `.memcached.conf.mchard-tmp-${dead}-0123abcd`), '');
    const held = await lockForWrite(f.path);
    held.release();
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });
});

/**
 * Root may fix another user's file in a sticky folder (/tmp): that user owns the entry and can swap it,
 * between mchard's look at the path and its reading it again under the lock, for a named pipe (the read
 * blocked for good), a link (followed) or a huge file (read whole). The re-read never does any of these.
 */
describe('readAgain: the file read again before it is replaced', () => {
  let d = '';
  beforeAll(() => {
    d = mkdtempSync(join(tmpdir(), 'mchard-readagain-'));
  });
  afterAll(() => rmSync(d, { recursive: true, force: true }));
  const original = Buffer.from('-l 0.0.0.0\n');

  it('the same bytes: read', () => {
    writeFileSync(join(d, 'same'), original);
    expect(readAgain(join(d, 'same'), original)).toEqual(original);
  });

  it('a named pipe with no writer: a reason at once, no hang', () => {
    execFileSync('mkfifo', [join(d, 'fifo')]);
    expect(readAgain(join(d, 'fifo'), original)).toBeNull();
  });

  it('a symbolic link: not followed', () => {
    writeFileSync(join(d, 'secret'), original);
    symlinkSync(join(d, 'secret'), join(d, 'link'));
    expect(readAgain(join(d, 'link'), original)).toBeNull();
  });

  it('a file larger than the original: not read whole', () => {
    writeFileSync(join(d, 'huge'), Buffer.alloc(8 << 20, 0x41));
    expect(readAgain(join(d, 'huge'), original)).toBeNull();
    // Nor a device read (one the size of the original would not be a regular file either).
    expect(readAgain('/dev/zero', original)).toBeNull();
  });
});
