/**
 * Who besides root and this process's user can change the folders on the way to a file fix writes
 * (changeableBy); who besides root and a service's user can change a file it wrote, such as a pid file
 * (fileChangeableBy); whether a group is a user's own (privateGroup). Used by fix, audit and the service
 * code, so kept out of trusted-path.ts, which every lint loads.
 */
import { lstatSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

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

/**
 * Why a user other than root and `me` could change the folder `dir` (whose lstat is `st`) so that its entry
 * `child` names something else, or null. A folder's owner and, for a group-writable folder, its group can
 * rename its entries (a folder for a symbolic link); every user can, in a folder every user can write,
 * unless it is sticky (/tmp) and the entry is root's or `me`'s (or the entry is the last on the way, `last`:
 * the caller checks it itself).
 */
function folderChangeableBy(dir: string, st: Stats, child: string, last: boolean, me: number, aclWriterOf: (dir: string, me: number) => string | null): string | null {
  const ours = (uid: number) => uid === 0 || uid === me;
  if (!ours(st.uid)) return `${dir} can be changed by uid ${st.uid} (its owner)`;
  const byGroup = (st.mode & 0o020) !== 0 && st.gid !== 0 && !privateGroup(st.gid, me);
  const byAll = (st.mode & 0o002) !== 0;
  // With an ACL the group bits of the mode are its mask: write there may be a named user's or group's
  // (setfacl -m u:deploy:rwx), not the owning group's. Asked only of such a folder (rare: /etc is 0755).
  const byAcl = !byGroup && !byAll && (st.mode & 0o020) !== 0 ? aclWriterOf(dir, me) : null;
  if (byGroup || byAll || byAcl) {
    const sticky = (st.mode & 0o1000) !== 0;
    if (!sticky || !(last || ours(lstatSync(child).uid))) return byAll ? `${dir} can be changed by every user` : byAcl ? `${dir} can be changed by ${byAcl} (its ACL)` : `${dir} can be changed by group ${st.gid}`;
  }
  return null;
}

/**
 * Why another user could re-point `target` (a resolved path, no links left in it) while this process writes
 * it, or null: the first folder on the way that a user other than root and this process's can change, and
 * who (folderChangeableBy; in the file's own folder the file itself is checked by the writer: the folder
 * stays where it is).
 */
export function changeableBy(target: string, aclWriterOf: (dir: string, me: number) => string | null): string | null {
  const me = process.geteuid?.() ?? -1;
  const parts = target.split('/').filter((p) => p !== '');
  let dir = '/';
  for (let k = 0; k < parts.length; k++) {
    const child = dir === '/' ? `/${parts[k]}` : `${dir}/${parts[k]}`;
    const why = folderChangeableBy(dir, lstatSync(dir), child, k === parts.length - 1, me, aclWriterOf);
    if (why) return why;
    dir = child;
  }
  return null;
}

/**
 * Who other than root and `me` can make new entries in the folder `dir` (a resolved path), or null: its
 * owner, its group (when not root's or `me`'s private group), every user, or a user or group its ACL names.
 * Such a user can make any name there first: a lock file, say. Throws when the folder cannot be looked at.
 */
export function othersCreateIn(dir: string, me: number, aclWriterOf: (dir: string, me: number) => string | null): string | null {
  const st = lstatSync(dir);
  if (st.uid !== 0 && st.uid !== me) return `uid ${st.uid} (its owner)`;
  const w = otherWriter(dir, st, me, aclWriterOf);
  return w === null ? null : w.acl ? `${w.who} (its ACL)` : w.who;
}

/**
 * Who besides its owner, root and `me` may write the file or folder at `path` (whose lstat is `st`) by its
 * mode or its access ACL: every user, a group that is not root's or `me`'s private group, or a user or
 * group the ACL names (`acl`: the group bits are then its mask, asked only when they show write); or null.
 */
export function otherWriter(path: string, st: { mode: number; gid: number }, me: number, aclWriterOf: (path: string, me: number) => string | null): { who: string; acl: boolean } | null {
  if (st.mode & 0o002) return { who: 'every user', acl: false };
  if (!(st.mode & 0o020)) return null;
  if (st.gid !== 0 && !privateGroup(st.gid, me)) return { who: `group ${st.gid}`, acl: false };
  const acl = aclWriterOf(path, me);
  return acl ? { who: acl, acl: true } : null;
}

/**
 * Why a file or folder found beside or above the files mchard was given (a `.mchardrc`, a kustomization, a
 * unit's drop-in folder) is not theirs to decide by, or null. Such a find counts only when it is root's, the
 * running user's, or the owner's of the folder it is in, and no one but its owner can change it: not every
 * user (a world-writable file, or any file in /tmp's neighbourhood), not a group that is not its owner's
 * private one, nor a user or group its ACL names (asked only when the group bits show write). The folders
 * above the files are often shared (/tmp, /srv), and another user's plant there would otherwise decide what
 * root's lint of a file beside it says. `writer`: someone else can change it; `owner`: another user owns it.
 */
export function notOwnersOwn(
  path: string,
  st: { mode: number; uid: number; gid: number },
  aclWriterOf: (path: string, me: number) => string | null,
): { kind: 'writer' | 'owner'; why: string } | null {
  let w: { who: string } | null;
  try {
    w = otherWriter(path, st, st.uid, aclWriterOf);
  } catch (e) {
    // getfattr missing or failing: who can write it is unknown.
    return { kind: 'writer', why: (e as Error).message };
  }
  if (w) return { kind: 'writer', why: `writable by ${w.who}` };
  if (st.uid === 0 || st.uid === process.geteuid?.()) return null;
  try {
    if (lstatSync(dirname(path)).uid === st.uid) return null;
  } catch {
    // the folder is gone: no owner to trust
  }
  return { kind: 'owner', why: `owned by uid ${st.uid}, who owns neither its folder nor this run` };
}

/** The most symbolic links followed on the way to a file (the kernel's own limit is 40). */
const MAX_LINKS = 40;

/**
 * Why a user other than root and `me` could write the regular file at `path` or put another file in its
 * place, or null when none can: the file is root's or `me`'s, writable by no one else (its group only when
 * that is root's or `me`'s private group, no ACL entry for anyone else), and every folder on the way,
 * through each symbolic link followed one step at a time (a link's own folder decides where it points), is
 * one only they can change (folderChangeableBy). The file itself must not be a link. Throws when a part of
 * the way cannot be looked at (no such file, permission).
 */
export function fileChangeableBy(path: string, me: number, aclWriterOf: (path: string, me: number) => string | null): string | null {
  const ours = (uid: number) => uid === 0 || uid === me;
  let rest = path.split('/').filter((p) => p !== '' && p !== '.');
  let dir = '/';
  let links = 0;
  while (rest.length > 0) {
    const name = rest.shift()!;
    if (name === '..') {
      // `dir` holds no links, so its parent is the folder a `..` leads to.
      dir = dirname(dir);
      continue;
    }
    const child = dir === '/' ? `/${name}` : `${dir}/${name}`;
    const last = rest.length === 0;
    const why = folderChangeableBy(dir, lstatSync(dir), child, last, me, aclWriterOf);
    if (why) return why;
    const st = lstatSync(child);
    if (st.isSymbolicLink()) {
      if (last) return `${child} is a symbolic link`;
      if (++links > MAX_LINKS) return `${path} leads through more than ${MAX_LINKS} symbolic links`;
      const to = readlinkSync(child);
      rest = [...to.split('/').filter((p) => p !== '' && p !== '.'), ...rest];
      if (to.startsWith('/')) dir = '/';
      continue;
    }
    if (last) {
      if (!st.isFile()) return `${child} is not a regular file`;
      if (!ours(st.uid)) return `uid ${st.uid} can write ${child} (its owner)`;
      const w = otherWriter(child, st, me, aclWriterOf);
      return w === null ? null : `${w.who} can write ${child} (${w.acl ? 'its ACL' : `mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}`})`;
    }
    if (!st.isDirectory()) return `${child} is not a folder`;
    dir = child;
  }
  return `${path} names a folder, not a file`;
}
