/**
 * What a fix may ask about this machine (the rule contract's FixHost), read from the real files: accounts
 * from /etc/passwd and /etc/group, and whether an account can use a path by the classic permission bits
 * of the path and every directory above it. POSIX ACLs, capabilities and read-only mounts are not taken
 * into account, so an answer of "can write" is the permission bits' answer. Used only when host checks
 * apply to the file being fixed (a file under /etc, or --host-checks).
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import type { FixAccount, FixHost } from '../engine/rule.js';

const R = 4;
const W = 2;
const X = 1;

function lines(path: string): string[] | null {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch {
    return null;
  }
}

/** Whether the permission bits of `st` give `account` all of `want` (R, W, X). */
function allowed(st: Stats, account: FixAccount, want: number): boolean {
  if (account.uid === 0) return true;
  const bits = st.uid === account.uid ? (st.mode >> 6) & 7 : account.gids.includes(st.gid) ? (st.mode >> 3) & 7 : st.mode & 7;
  return (bits & want) === want;
}

type Stat = Stats | 'missing' | 'unknown';

function stat(path: string): Stat {
  try {
    return statSync(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unknown';
  }
}

/** Whether the account can reach `path` (search permission on every directory above it). */
function reachable(account: FixAccount, path: string): boolean | undefined {
  const parts = posix.normalize(path).split('/').filter(Boolean);
  let dir = '/';
  for (let k = 0; k < parts.length; k++) {
    const st = stat(dir);
    if (st === 'missing') return false;
    if (st === 'unknown') return undefined;
    if (!allowed(st, account, X)) return false;
    dir = posix.join(dir, parts[k]);
  }
  return true;
}

export function hostAccess(files: { passwd?: string; group?: string } = {}): FixHost {
  const passwd = lines(files.passwd ?? '/etc/passwd');
  const group = lines(files.group ?? '/etc/group');
  return {
    account(name) {
      if (!passwd) return undefined;
      const row = passwd.map((l) => l.split(':')).find((f) => f[0] === name && f.length >= 4);
      if (!row) return null;
      const uid = Number(row[2]);
      const gid = Number(row[3]);
      const gids = [gid];
      for (const g of group ?? []) {
        const f = g.split(':');
        if (f.length >= 4 && f[3].split(',').includes(name)) gids.push(Number(f[2]));
      }
      return { name, uid, gids };
    },
    canWriteDirectory(account, dir) {
      const reach = reachable(account, dir);
      if (reach !== true) return reach;
      const st = stat(dir);
      if (st === 'missing') return false;
      if (st === 'unknown') return undefined;
      return st.isDirectory() && allowed(st, account, W | X);
    },
    canReadFile(account, path) {
      const reach = reachable(account, path);
      if (reach !== true) return reach;
      const st = stat(path);
      if (st === 'missing') return false;
      if (st === 'unknown') return undefined;
      return allowed(st, account, R);
    },
  };
}
