/**
 * Whether a file is under root's sole control: the file and every directory on the way to it (symbolic
 * links resolved) are owned by root and writable by no one else (group write only for group root). Only
 * such a file may be run by mchard (the package tools) or believed about the installed memcached.
 */
import { lstatSync, readFileSync, realpathSync } from 'node:fs';

/** The reason `path` is not root-controlled, or null when it is. */
export function notRootControlled(path: string, acl?: (path: string) => Buffer | null): string | null {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    return `${path}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be resolved'}`;
  }
  const parts = real.split('/').filter((p) => p !== '');
  const chain = ['/', ...parts.map((_, i) => '/' + parts.slice(0, i + 1).join('/'))];
  for (const p of chain) {
    let st;
    try {
      st = lstatSync(p);
    } catch (e) {
      return `${p}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be read'}`;
    }
    if (st.uid !== 0) return `${p} is owned by uid ${st.uid}, not root`;
    if (st.mode & 0o002) return `${p} is writable by every user`;
    if (st.mode & 0o020 && st.gid !== 0) return `${p} is writable by group ${st.gid}`;
    // `acl`: also read the access ACL where the group bits show write (they are then its mask): a named
    // user or group may write there (setfacl -m u:deploy:rwx), though the mode reads root:root 0775.
    if (acl && st.mode & 0o020) {
      let who: string | null;
      try {
        who = aclWriter(acl(p), 0);
      } catch (e) {
        return `${p}: ${(e as Error).message}`;
      }
      if (who) return `${p} is writable by ${who} (its ACL)`;
    }
  }
  return null;
}

/** The first of `paths` that exists and is root-controlled, as its resolved path, or null. */
export function rootControlledFile(path: string): string | null {
  if (notRootControlled(path) !== null) return null;
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Where the service manager's programs (systemctl, service, rc-service, journalctl) are looked for. */
export const SYSTEM_PROGRAM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
/** The PATH the programs mchard starts get (as the package tools do, src/system/run-tool.ts). */
export const SYSTEM_PATH = SYSTEM_PROGRAM_DIRS.join(':');

/**
 * A service manager's program (`systemctl`) as the first root-controlled file of that name in the system
 * folders, or null: never the caller's PATH, whose folders may be another user's (a home's bin, a
 * project's node_modules/.bin that npx puts first, a relative entry), and mchard runs them as root.
 */
export function systemProgram(name: string): string | null {
  if (name.includes('/')) return null;
  for (const dir of SYSTEM_PROGRAM_DIRS) {
    const p = `${dir}/${name}`;
    if (lstatSync(p, { throwIfNoEntry: false }) && notRootControlled(p) === null) return p;
  }
  return null;
}

/**
 * Why another user could re-point `target` (a resolved path, no links left in it) while this process writes
 * it, or null: the first folder on the way that a user other than root and this process's can change, and
 * who. A folder's owner and, for a group-writable folder, its group can rename its entries (a folder for
 * a symbolic link); every user can, in a folder every user can write, unless it is sticky (/tmp) and the
 * entry in it is root's or this process's user's (in the file's own folder the file itself is checked by
 * the writer: the folder stays where it is).
 */
/**
 * Whether `gid` is the private group of user `uid` (not root): the group of that user alone, as a user
 * private group is (Fedora's and RHEL's users make their folders group-writable with umask 002): no other
 * user has it as their primary group (/etc/passwd), and /etc/group lists no other member. Unreadable: no.
 */
export function privateGroup(gid: number, uid: number, files = { passwd: '/etc/passwd', group: '/etc/group' }): boolean {
  if (uid === 0) return false;
  try {
    const users = readFileSync(files.passwd, 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => f.length >= 4);
    // Its primary group to this user alone.
    const primary = users.filter((f) => Number(f[3]) === gid);
    if (primary.length === 0 || primary.some((f) => Number(f[2]) !== uid)) return false;
    const me = primary[0][0];
    for (const line of readFileSync(files.group, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length < 4 || Number(f[2]) !== gid) continue;
      if (f[3].split(',').some((m) => m !== '' && m !== me)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

export function changeableBy(target: string, acl: (dir: string) => Buffer | null): string | null {
  const me = process.geteuid?.() ?? -1;
  const ours = (uid: number) => uid === 0 || uid === me;
  const parts = target.split('/').filter((p) => p !== '');
  let dir = '/';
  for (let k = 0; k < parts.length; k++) {
    const child = dir === '/' ? `/${parts[k]}` : `${dir}/${parts[k]}`;
    const st = lstatSync(dir);
    if (!ours(st.uid)) return `${dir} can be changed by uid ${st.uid} (its owner)`;
    const byGroup = (st.mode & 0o020) !== 0 && st.gid !== 0 && !privateGroup(st.gid, me);
    const byAll = (st.mode & 0o002) !== 0;
    // With an ACL the group bits of the mode are its mask: write there may be a named user's or group's
    // (setfacl -m u:deploy:rwx), not the owning group's. Asked only of such a folder (rare: /etc is 0755).
    const byAcl = !byGroup && !byAll && (st.mode & 0o020) !== 0 ? aclWriter(acl(dir), me) : null;
    if (byGroup || byAll || byAcl) {
      const last = k === parts.length - 1;
      const sticky = (st.mode & 0o1000) !== 0;
      if (!sticky || !(last || ours(lstatSync(child).uid))) return byAll ? `${dir} can be changed by every user` : byAcl ? `${dir} can be changed by ${byAcl} (its ACL)` : `${dir} can be changed by group ${st.gid}`;
    }
    dir = child;
  }
  return null;
}

/**
 * Who other than root and `me` an access ACL lets write (a named user's or group's entry with write, the
 * mask allowing it), as "uid N" or "group N", or null. The kernel's form (linux/posix_acl_xattr.h): a
 * 4-byte version 2, then 8-byte entries (tag, permissions, id), little-endian. An ACL it cannot read
 * counts as one that lets others write.
 */
export function aclWriter(acl: Buffer | null, me: number): string | null {
  if (acl === null) return null;
  if (acl.length < 4 || (acl.length - 4) % 8 !== 0 || acl.readUInt32LE(0) !== 2) return 'users its ACL names (an ACL mchard cannot read)';
  const entries: { tag: number; perm: number; id: number }[] = [];
  for (let at = 4; at < acl.length; at += 8) entries.push({ tag: acl.readUInt16LE(at), perm: acl.readUInt16LE(at + 2), id: acl.readUInt32LE(at + 4) });
  const mask = entries.find((e) => e.tag === 0x10);
  const maskWrite = mask === undefined || (mask.perm & 2) !== 0;
  if (!maskWrite) return null;
  for (const e of entries) {
    if ((e.perm & 2) === 0) continue;
    if (e.tag === 0x02 && e.id !== 0 && e.id !== me) return `uid ${e.id}`;
    if (e.tag === 0x08 && e.id !== 0 && !privateGroup(e.id, me)) return `group ${e.id}`;
  }
  return null;
}
