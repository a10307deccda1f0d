/**
 * The safe write keeps ACLs and extended attributes, or refuses with the reason; permissions never widen.
 * Real setfacl/getfacl (package acl) and setfattr/getfattr (package attr) on a file system with user
 * extended attributes: the temporary folder when it has them, else (as root) a tmpfs the test mounts;
 * skipped with the reason otherwise. trusted.* and security.* need root.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { safeWrite, WriteError } from '../../src/fix/write.js';
import { systemXattrTools } from '../../src/fix/xattrs.js';
import { buildProgram } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

const isRoot = process.getuid?.() === 0;
const tools = ['setfacl', 'getfacl', 'setfattr', 'getfattr'].filter((t) => spawnSync(t, ['--version']).error);

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
}
/** The ACL as getfacl prints it (no header). */
const acl = (p: string) => sh('getfacl', ['--omit-header', '--absolute-names', '--', p]);
/** Every extended attribute, as getfattr dumps them in hex. */
const xattrs = (p: string) => sh('getfattr', ['--absolute-names', '--no-dereference', '--dump', '--match=-', '--encoding=hex', '--', p]).replace(/^# file: .*\n/, '');
const mode = (p: string) => statSync(p).mode & 0o7777;

let base = '';
let mounted = false;
let skipReason: string | null = tools.length ? `needs ${tools.join(', ')} (packages acl and attr)` : null;

function supportsUserXattrs(d: string): boolean {
  const probe = join(d, 'probe');
  writeFileSync(probe, '');
  const ok = spawnSync('setfattr', ['-n', 'user.mchard-probe', '-v', '1', probe]).status === 0;
  rmSync(probe);
  return ok;
}

beforeAll(() => {
  if (skipReason) return;
  base = realpathSync(mkdtempSync(join(tmpdir(), 'mchard-attrs-')));
  if (supportsUserXattrs(base)) return;
  if (!isRoot) {
    skipReason = `${tmpdir()} has no user extended attributes and mounting a tmpfs needs root`;
    return;
  }
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', `mchard-attrs-${process.pid}`, base]).status !== 0 || !supportsUserXattrs(base)) {
    skipReason = 'neither the temporary folder nor a tmpfs has user extended attributes here';
    return;
  }
  mounted = true;
});
afterAll(() => {
  if (mounted) spawnSync('umount', [base]);
  if (base) rmSync(base, { recursive: true, force: true });
});
if (skipReason) console.warn(`skipping the ACL and extended attribute tests: ${skipReason}`);

let dir = '';
beforeEach(() => {
  if (skipReason) return;
  dir = mkdtempSync(join(base, 'case-'));
});

function file(name: string, text: string, fileMode = 0o644): { path: string; bytes: Buffer } {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, fileMode);
  return { path, bytes: readFileSync(path) };
}

const t = (name: string, fn: () => Promise<void>, needsRoot = false) =>
  it(name, async () => {
    if (skipReason) return console.warn(`skipped: ${skipReason}`);
    if (needsRoot && !isRoot) return console.warn('skipped: needs root');
    await fn();
  });

describe('ACLs', () => {
  t('an ACL is kept: the named user keeps its access and the owning group gets no more than it had (the 0664 of issue 13)', async () => {
    const f = file('memcached.conf', '-l 0.0.0.0\n', 0o644);
    sh('setfacl', ['-m', 'u:nobody:rw', f.path]);
    // With an ACL the group bits of the mode show the mask (rw), not what the owning group may do (r).
    expect(mode(f.path)).toBe(0o664);
    const before = acl(f.path);
    expect(before).toContain('group::r--\n');
    const r = await safeWrite(f.path, f.bytes, '-l 127.0.0.1\n');
    expect(readFileSync(f.path, 'utf8')).toBe('-l 127.0.0.1\n');
    expect(acl(f.path)).toBe(before);
    expect(mode(f.path)).toBe(0o664);
    // The backup is the original file: the same ACL.
    expect(acl(r.backup!)).toBe(before);
  });

  t('a default ACL on the folder does not reach the new file of a file without an ACL', async () => {
    const f = file('memcached.conf', '-l 0.0.0.0\n', 0o640);
    const before = acl(f.path);
    sh('setfacl', ['-d', '-m', 'u:nobody:rwx', dir]);
    // A file created in this folder now inherits a named entry for nobody.
    writeFileSync(join(dir, 'probe'), '');
    expect(acl(join(dir, 'probe'))).toContain('user:nobody:');
    rmSync(join(dir, 'probe'));
    await safeWrite(f.path, f.bytes, '-l 127.0.0.1\n');
    expect(acl(f.path)).toBe(before);
    expect(acl(f.path)).not.toContain('nobody');
    expect(mode(f.path)).toBe(0o640);
    expect(xattrs(f.path)).not.toContain('system.posix_acl_access');
  });

  t('a file with an ACL in a folder with another default ACL keeps exactly its own', async () => {
    const f = file('memcached.conf', 'x\n', 0o600);
    sh('setfacl', ['-m', 'u:daemon:r,m::r', f.path]);
    sh('setfacl', ['-d', '-m', 'u:nobody:rwx,g:nogroup:rwx', dir]);
    const before = acl(f.path);
    const beforeMode = mode(f.path);
    await safeWrite(f.path, f.bytes, 'y\n');
    expect(acl(f.path)).toBe(before);
    expect(mode(f.path)).toBe(beforeMode);
  });
});

describe('extended attributes', () => {
  t('user.* attributes are kept, binary and empty values included, on the new file and the backup', async () => {
    const f = file('memcached.conf', 'x\n');
    sh('setfattr', ['-n', 'user.origin', '-v', 'ansible role memcached', f.path]);
    sh('setfattr', ['-n', 'user.bin', '-v', '0x00ff0a0d3d', f.path]);
    sh('setfattr', ['-n', 'user.empty', f.path]);
    const before = xattrs(f.path);
    expect(before).toContain('user.empty=');
    const r = await safeWrite(f.path, f.bytes, 'y\n');
    expect(xattrs(f.path)).toBe(before);
    expect(xattrs(r.backup!)).toBe(before);
  });

  t('trusted.* attributes and an SELinux label (security.selinux) are kept', async () => {
    const f = file('memcached.conf', 'x\n', 0o640);
    sh('setfattr', ['-n', 'trusted.mchard-test', '-v', 'kept', f.path]);
    // The label as the kernel stores it, with its final NUL.
    const set = spawnSync('setfattr', ['-n', 'security.selinux', '-v', '0x73797374656d5f753a6f626a6563745f723a6574635f743a733000', f.path], { encoding: 'utf8' });
    if (set.status !== 0) return console.warn(`skipped the label: ${set.stderr.trim()} (an SELinux policy here decides labels)`);
    sh('setfacl', ['-m', 'u:nobody:r', f.path]);
    const before = xattrs(f.path);
    expect(before).toMatch(/security\.selinux=0x73797374656d5f753a6f626a6563745f723a6574635f743a733000/);
    expect(before).toContain('trusted.mchard-test=');
    expect(before).toContain('system.posix_acl_access=');
    const beforeMode = mode(f.path);
    const r = await safeWrite(f.path, f.bytes, 'y\n');
    expect(xattrs(f.path)).toBe(before);
    expect(mode(f.path)).toBe(beforeMode);
    expect(xattrs(r.backup!)).toBe(before);
  }, true);

  t('a file system without extended attributes (ramfs) is written as before', async () => {
    const ram = join(dir, 'ram');
    mkdirSync(ram);
    if (spawnSync('mount', ['-t', 'ramfs', `mchard-ramfs-${process.pid}`, ram]).status !== 0) return console.warn('skipped: cannot mount a ramfs here');
    try {
      const path = join(ram, 'memcached.conf');
      writeFileSync(path, 'x\n');
      chmodSync(path, 0o640);
      expect(spawnSync('setfattr', ['-n', 'user.a', '-v', '1', path]).status).not.toBe(0);
      const r = await safeWrite(path, Buffer.from('x\n'), 'y\n');
      expect(readFileSync(path, 'utf8')).toBe('y\n');
      expect(mode(path)).toBe(0o640);
      expect(readFileSync(r.backup!, 'utf8')).toBe('x\n');
    } finally {
      spawnSync('umount', [ram]);
    }
  }, true);
});

describe('refusals', () => {
  t('without getfattr mchard cannot know what it would drop: nothing is written', async () => {
    const f = file('memcached.conf', 'x\n');
    const err = await safeWrite(f.path, f.bytes, 'y\n', { xattrTools: { getfattr: null, setfattr: null } }).catch((e) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect(err.message).toBe(
      `${f.path}: mchard cannot see its ACLs and extended attributes (SELinux label, user.*) to keep them: getfattr is not installed in /usr/bin (package "attr"); nothing was written`,
    );
    expect(readFileSync(f.path, 'utf8')).toBe('x\n');
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });

  t('without setfattr a file with attributes is refused; one without is written', async () => {
    const tools = { ...systemXattrTools(), setfattr: null };
    const plain = file('plain.conf', 'x\n');
    await expect(safeWrite(plain.path, plain.bytes, 'y\n', { xattrTools: tools, backup: false })).resolves.toBeTruthy();
    const f = file('memcached.conf', 'x\n');
    sh('setfacl', ['-m', 'u:nobody:rw', f.path]);
    const err = await safeWrite(f.path, f.bytes, 'y\n', { xattrTools: tools }).catch((e) => e);
    expect(err.message).toMatch(/cannot give the new file the same ACLs and extended attributes \(system\.posix_acl_access\): setfattr is not installed/);
    expect(readFileSync(f.path, 'utf8')).toBe('x\n');
    expect(readdirSync(dir).sort()).toEqual(['memcached.conf', 'plain.conf']);
  });

  t('an attribute the writer may not set (file capabilities, for a user other than root) is refused with the reason, not dropped', async () => {
    const driver = await buildProgram(join(ROOT, 'test/fix/write-driver.ts'));
    try {
      chmodSync(base, 0o711);
      // Sticky, as /tmp: nobody may create files in it, and no one else can rename theirs (a folder every
      // user can change without it is refused before anything is written: test/fix/foreign-folder.test.ts).
      chmodSync(dir, 0o1777);
      const f = file('memcached.conf', 'x\n', 0o644);
      chownSync(f.path, 65534, 65534);
      // cap_net_bind_service=ep (VFS_CAP_REVISION_2): only a process with CAP_SETFCAP may give a file capabilities.
      const set = spawnSync('setfattr', ['-n', 'security.capability', '-v', '0x0100000200040000000000000000000000000000', f.path], { encoding: 'utf8' });
      if (set.status !== 0) return console.warn(`skipped: ${set.stderr.trim()}`);
      const r = spawnSync(process.execPath, [driver, f.path, f.bytes.toString('base64'), Buffer.from('y\n').toString('base64')], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        cwd: '/',
      });
      const out = JSON.parse(r.stdout);
      expect(out.ok).toBe(false);
      expect(out.message).toMatch(/cannot give the new file security\.capability \(Operation not permitted\); nothing was written$/);
      expect(readFileSync(f.path, 'utf8')).toBe('x\n');
      expect(readdirSync(dir)).toEqual(['memcached.conf']);
    } finally {
      rmSync(dirname(driver), { recursive: true, force: true });
    }
  }, true);

  t('getfattr and setfattr run from /usr/bin, never from PATH', async () => {
    const fake = join(dir, 'bin');
    mkdirSync(fake);
    const marker = join(dir, 'ran');
    for (const name of ['getfattr', 'setfattr']) {
      writeFileSync(join(fake, name), `#!/bin/sh\necho ran > ${marker}\n`);
      chmodSync(join(fake, name), 0o755);
    }
    const f = file('memcached.conf', 'x\n');
    sh('setfattr', ['-n', 'user.a', '-v', '1', f.path]);
    const saved = process.env.PATH;
    process.env.PATH = `${fake}:${saved}`;
    try {
      await safeWrite(f.path, f.bytes, 'y\n', { backup: false });
    } finally {
      process.env.PATH = saved;
    }
    expect(xattrs(f.path)).toContain('user.a=0x31');
    expect(readdirSync(dir)).not.toContain('ran');
    expect(systemXattrTools().getfattr).toMatch(/^\/usr\/bin\/getfattr$|^\/bin\/getfattr$/);
  });
});
