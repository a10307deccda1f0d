/**
 * `mchard fix` as root on a file whose path goes through a folder another user can change. That user can
 * swap the folder for a symbolic link between mchard's checks and its writes (rename(2) is atomic, and
 * inotify tells them when mchard creates its lock and temporary files): mchard's temporary file is then
 * created in, and renamed over, a file of the same name elsewhere (/etc/memcached.conf, which they can
 * read and copy, so every "same bytes" check passes), owned by them (the owner mchard copies is their
 * file's). Nothing mchard checks by path holds while another user can re-point the path, so it does not
 * write there: every folder on the way must be changeable only by root or the user running mchard (a
 * sticky folder such as /tmp counts when the entry in it is root's or that user's).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeWrite, WriteError } from '../../src/fix/write.js';
import { privateGroup } from '../../src/system/changeable.js';
import { aclWriter } from '../../src/fix/xattrs.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

(isRoot ? describe : describe.skip)('a file behind a folder another user can change (as root)', () => {
  let base = '';
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), `mchard-foreign-${process.pid}-`));
    chmodSync(base, 0o755);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  function conf(dir: string, owner = NOBODY): { path: string; bytes: Buffer } {
    const path = join(dir, 'memcached.conf');
    writeFileSync(path, '-l 0.0.0.0\n');
    chownSync(path, owner, owner);
    return { path, bytes: readFileSync(path) };
  }

  it("a folder of another user's: refused, nothing written", async () => {
    const dir = join(base, 'theirs');
    mkdirSync(dir);
    chownSync(dir, NOBODY, NOBODY);
    const f = conf(dir);
    const err = await safeWrite(f.path, f.bytes, '-l 127.0.0.1\n').catch((e) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect(err.message).toBe(
      `${f.path}: ${dir} can be changed by uid ${NOBODY} (its owner), who could point this path at another file while mchard replaces it as root; mchard does not write there (run mchard fix as that user, or move the file)`,
    );
    expect(readFileSync(f.path, 'utf8')).toBe('-l 0.0.0.0\n');
  });

  it("a folder above it of another user's, or one a group can write: refused", async () => {
    const top = join(base, 'above');
    mkdirSync(join(top, 'etc'), { recursive: true });
    chownSync(top, NOBODY, NOBODY);
    const f = conf(join(top, 'etc'), 0);
    await expect(safeWrite(f.path, f.bytes, 'x\n')).rejects.toThrow(`${top} can be changed by uid ${NOBODY} (its owner)`);
    const shared = join(base, 'group');
    mkdirSync(shared);
    chownSync(shared, 0, NOBODY);
    chmodSync(shared, 0o775);
    const g = conf(shared, 0);
    await expect(safeWrite(g.path, g.bytes, 'x\n')).rejects.toThrow(`${shared} can be changed by group ${NOBODY}`);
  });

  it("a sticky folder every user can write (as /tmp): refused behind another user's folder in it, written otherwise", async () => {
    const tmp = join(base, 'sticky');
    mkdirSync(tmp);
    chmodSync(tmp, 0o1777);
    const theirs = join(tmp, 'work');
    mkdirSync(theirs);
    chownSync(theirs, NOBODY, NOBODY);
    const f = conf(theirs);
    // Its owner can rename `work` in the sticky folder.
    await expect(safeWrite(f.path, f.bytes, 'x\n')).rejects.toThrow(`${tmp} can be changed by every user`);
    const mine = join(tmp, 'mine');
    mkdirSync(mine);
    const g = conf(mine);
    await safeWrite(g.path, g.bytes, '-l 127.0.0.1\n', { backup: false });
    expect(readFileSync(g.path, 'utf8')).toBe('-l 127.0.0.1\n');
    // Directly in the sticky folder: no one else can rename root's temporary file or the folder.
    const h = conf(tmp);
    await safeWrite(h.path, h.bytes, '-l 127.0.0.1\n', { backup: false });
    expect(readFileSync(h.path, 'utf8')).toBe('-l 127.0.0.1\n');
  });

  // setfacl -m u:deploy:rwx on a root-owned folder: its mode reads 0775 root:root (the group bits are
  // the ACL's mask), as if only root's group could write, but the named user can rename its entries.
  it('a folder another user may write through its ACL (a named user or group): refused; an ACL that lets no one else write: written', async () => {
    const acl = join(base, 'acl');
    mkdirSync(acl);
    chmodSync(acl, 0o755);
    execFileSync('setfacl', ['-m', `u:${NOBODY}:rwx`, acl]);
    expect(statSync(acl).mode & 0o777).toBe(0o775);
    expect(statSync(acl).gid).toBe(0);
    // The ACL is real: that user creates and renames files there.
    execFileSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'touch', join(acl, 'planted')]);
    const f = conf(acl, 0);
    await expect(safeWrite(f.path, f.bytes, 'x\n')).rejects.toThrow(`${acl} can be changed by uid ${NOBODY} (its ACL), who could point this path at another file`);
    expect(readFileSync(f.path, 'utf8')).toBe('-l 0.0.0.0\n');
    // A named group.
    const byGroup = join(base, 'acl-group');
    mkdirSync(byGroup);
    chmodSync(byGroup, 0o755);
    execFileSync('setfacl', ['-m', `g:${NOBODY}:rwx`, byGroup]);
    const g = conf(byGroup, 0);
    await expect(safeWrite(g.path, g.bytes, 'x\n')).rejects.toThrow(`${byGroup} can be changed by group ${NOBODY} (its ACL)`);
    // Another user named with read only (root's group writes, so the mask shows write): written.
    const readOnly = join(base, 'acl-read');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o775);
    execFileSync('setfacl', ['-m', `u:${NOBODY}:r-x`, readOnly]);
    const h = conf(readOnly, 0);
    await safeWrite(h.path, h.bytes, '-l 127.0.0.1\n', { backup: false });
    expect(readFileSync(h.path, 'utf8')).toBe('-l 127.0.0.1\n');
  });

  // redteam7: in a sticky folder (/tmp) root may fix another user's file, and that user may rename and
  // replace their entry at any moment. Swapped for a link to a secret of root's between the last check and
  // the backup's link(2), the "backup" was that link (which the rollback advice's `cp -p BACKUP FILE`
  // follows), and the new file replaced the link. Now the backup must be the file read.
  it("another user's file in a sticky folder swapped for a link right after the last check: nothing written, no backup left", async () => {
    const tmp = join(base, 'sticky-swap');
    mkdirSync(tmp);
    chmodSync(tmp, 0o1777);
    const secret = join(base, 'secret');
    writeFileSync(secret, 'root:$y$secret\n', { mode: 0o600 });
    const f = conf(tmp);
    const err = await safeWrite(f.path, f.bytes, '-l 127.0.0.1\n', {
      onStep: (s) => {
        if (s !== 'checked') return;
        // What its owner can do in the sticky folder: rename their file away and put a link in its place.
        execFileSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'sh', '-c', `mv ${f.path} ${f.path}.old && ln -s ${secret} ${f.path}`]);
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect(err.message).toBe(`${f.path}: the file changed since mchard read it; nothing was written (run mchard fix again)`);
    // No backup name is left (before: a link to the secret), the link is still the owner's, the secret unchanged.
    expect(readdirSync(tmp).sort()).toEqual(['memcached.conf', 'memcached.conf.old']);
    expect(lstatSync(f.path).isSymbolicLink()).toBe(true);
    expect(readFileSync(secret, 'utf8')).toBe('root:$y$secret\n');
  });

  it('a folder every user can write, without the sticky bit: refused', async () => {
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const f = conf(open, 0);
    await expect(safeWrite(f.path, f.bytes, 'x\n')).rejects.toThrow(`${open} can be changed by every user`);
  });
});

describe('privateGroup: a user private group (Fedora, RHEL) is the user\'s alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mchard-upg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = (passwd: string, group: string) => {
    writeFileSync(join(dir, 'passwd'), passwd);
    writeFileSync(join(dir, 'group'), group);
    return { passwd: join(dir, 'passwd'), group: join(dir, 'group') };
  };
  it("alice's own group: hers alone", () => {
    expect(privateGroup(1000, 1000, files('root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n', 'root:x:0:\nalice:x:1000:\n'))).toBe(true);
  });
  it("shared: another user's primary group too, or another member listed; and never for root", () => {
    expect(privateGroup(100, 1000, files('alice:x:1000:100::/h:/bin/sh\nbob:x:1001:100::/h:/bin/sh\n', 'users:x:100:\n'))).toBe(false);
    expect(privateGroup(1000, 1000, files('alice:x:1000:1000::/h:/bin/sh\n', 'alice:x:1000:bob\n'))).toBe(false);
    expect(privateGroup(1000, 1000, files('alice:x:1000:1000::/h:/bin/sh\n', 'alice:x:1000:alice\n'))).toBe(true);
    expect(privateGroup(0, 0, files('root:x:0:0::/root:/bin/sh\n', 'root:x:0:\n'))).toBe(false);
  });
});

describe('aclWriter: who an access ACL lets write', () => {
  // The kernel's form: version 2, then (tag, permissions, id) entries.
  const acl = (...entries: [number, number, number][]) => {
    const b = Buffer.alloc(4 + 8 * entries.length);
    b.writeUInt32LE(2, 0);
    entries.forEach(([tag, perm, id], k) => {
      b.writeUInt16LE(tag, 4 + 8 * k);
      b.writeUInt16LE(perm, 6 + 8 * k);
      b.writeUInt32LE(id, 8 + 8 * k);
    });
    return b;
  };
  const base: [number, number, number][] = [[0x01, 7, 0xffffffff], [0x04, 5, 0xffffffff], [0x20, 5, 0xffffffff]];
  it('a named user or group with write, under a mask that allows it', () => {
    expect(aclWriter(acl(...base, [0x02, 7, 1234], [0x10, 7, 0xffffffff]), 0)).toBe('uid 1234');
    expect(aclWriter(acl(...base, [0x08, 6, 4321], [0x10, 7, 0xffffffff]), 0)).toBe('group 4321');
  });
  it('none: no ACL, root or this user named, read only, or a mask without write', () => {
    expect(aclWriter(null, 0)).toBeNull();
    expect(aclWriter(acl(...base, [0x02, 7, 0], [0x10, 7, 0xffffffff]), 0)).toBeNull();
    expect(aclWriter(acl(...base, [0x02, 7, 1000], [0x10, 7, 0xffffffff]), 1000)).toBeNull();
    expect(aclWriter(acl(...base, [0x02, 5, 1234], [0x10, 7, 0xffffffff]), 0)).toBeNull();
    expect(aclWriter(acl(...base, [0x02, 7, 1234], [0x10, 5, 0xffffffff]), 0)).toBeNull();
  });
  it('an ACL it cannot read counts as one that lets others write', () => {
    expect(aclWriter(Buffer.from([1, 0, 0, 0]), 0)).toMatch(/cannot read/);
    expect(aclWriter(Buffer.from([2, 0, 0, 0, 1]), 0)).toMatch(/cannot read/);
  });
});
