/**
 * Who besides root and this process's user can change the folders on the way to a file fix writes
 * (changeableBy), and whether a group is a user's own (privateGroup). Used by fix alone (src/fix/write.ts),
 * so kept out of trusted-path.ts, which every lint loads.
 */
import { lstatSync, readFileSync } from 'node:fs';

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
 * Why another user could re-point `target` (a resolved path, no links left in it) while this process writes
 * it, or null: the first folder on the way that a user other than root and this process's can change, and
 * who. A folder's owner and, for a group-writable folder, its group can rename its entries (a folder for
 * a symbolic link); every user can, in a folder every user can write, unless it is sticky (/tmp) and the
 * entry in it is root's or this process's user's (in the file's own folder the file itself is checked by
 * the writer: the folder stays where it is).
 */
export function changeableBy(target: string, aclWriterOf: (dir: string, me: number) => string | null): string | null {
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
    const byAcl = !byGroup && !byAll && (st.mode & 0o020) !== 0 ? aclWriterOf(dir, me) : null;
    if (byGroup || byAll || byAcl) {
      const last = k === parts.length - 1;
      const sticky = (st.mode & 0o1000) !== 0;
      if (!sticky || !(last || ours(lstatSync(child).uid))) return byAll ? `${dir} can be changed by every user` : byAcl ? `${dir} can be changed by ${byAcl} (its ACL)` : `${dir} can be changed by group ${st.gid}`;
    }
    dir = child;
  }
  return null;
}
