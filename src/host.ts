/** Facts about this machine, for predictions about the service that reads a file under /etc. */
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { readRegularFile } from './input.js';
import type { HostFacts } from './memcached/startup.js';
import { binaryVersionReport } from './system/memcached-version.js';
import type { VersionReport } from './system/binary-version.js';
import { notRootControlled } from './system/trusted-path.js';
import { accountAbsent, groupNames } from './system/accounts.js';
import { pathExists } from './system/paths.js';
import { parseVersion, type Version } from './memcached/version.js';

// node:os is loaded when first needed: about 0.25 ms of every start of a lint that never asks.
const networkInterfaces = () => (createRequire(import.meta.url)('node:os') as typeof import('node:os')).networkInterfaces();

/** The most of /etc/passwd mchard reads (a larger one is not a realistic passwd file: it reads nothing). */
const PASSWD_LIMIT = 8 * 1024 * 1024;

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

/** The users of a passwd file (name, uid, primary gid). */
export function passwdEntries(path = '/etc/passwd'): Map<string, PasswdEntry> | null {
  let text: string;
  try {
    // A regular file of at most PASSWD_LIMIT bytes, not a link: no FIFO, device or huge file can make a lint hang or eat memory.
    text = readRegularFile(path, PASSWD_LIMIT, { noFollow: 'not read' }).toString('utf8');
  } catch {
    return null;
  }
  const out = new Map<string, PasswdEntry>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || f[0] === '' || f[0].startsWith('#')) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    if (!out.has(f[0])) out.set(f[0], { name: f[0], uid, gid });
  }
  return out;
}

export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.replace(/%.*$/, ''));
  return out;
}

type Access = 'r' | 'w' | 'x';

/**
 * Whether a process with this uid and gid (and no supplementary groups: memcached drops them) gets the
 * access from a file's permission bits. Only the bits: an ACL granting more is not read.
 */
function permits(st: { uid: number; gid: number; mode: number }, id: PasswdEntry, what: Access[]): boolean {
  const shift = st.uid === id.uid ? 6 : st.gid === id.gid ? 3 : 0;
  const bit: Record<Access, number> = { r: 4, w: 2, x: 1 };
  return what.every((a) => ((st.mode >> shift) & bit[a]) !== 0);
}

/** The first directory on the way to `path` that `id` cannot search, or null. */
function unsearchable(path: string, id: PasswdEntry): string | null {
  const parts = posix.normalize(path).split('/').filter(Boolean);
  let dir = '/';
  for (let k = 0; k < parts.length; k++) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      return null;
    }
    if (!permits(st, id, ['x'])) return dir;
    dir = posix.join(dir, parts[k]);
  }
  return null;
}


/**
 * This machine as the service sees it: memcached started as root; users from /etc/passwd; addresses from
 * the interfaces; what memcached's `-u` user may see and create (from the permission bits of the
 * directories, as memcached runs with that user's uid and primary group only).
 */
export function thisHost(): HostFacts {
  let users: Map<string, PasswdEntry> | null | undefined;
  /** The entry of a user; null when this machine has none; undefined when it cannot say (another passwd source). */
  const user = (name: string): PasswdEntry | null | undefined => {
    if (users === undefined) users = passwdEntries();
    if (users === null) return undefined;
    const found = users.get(name);
    if (found) return found;
    return accountAbsent('user', name) ? null : undefined;
  };
  let groups: Set<string> | null | undefined;
  let addrs: Set<string> | null = null;
  /** The identity memcached runs with: root (no drop) or the -u user; undefined when unknown. */
  const identity = (name: string | null): PasswdEntry | null | undefined => (name === null || name === 'root' ? null : user(name));
  return {
    root: true,
    userExists: (name) => {
      const u = user(name);
      return u === undefined ? undefined : u !== null;
    },
    uidExists: (uid) => {
      if (users === undefined) users = passwdEntries();
      if (users === null) return undefined;
      for (const u of users.values()) if (u.uid === uid) return true;
      // nss-systemd's dynamic users (DynamicUser=) come and go with their services.
      if (uid >= 61184 && uid <= 65519) return undefined;
      // userdb keeps a record under its uid too (UID.user).
      return accountAbsent('user', String(uid)) ? false : undefined;
    },
    groupExists: (name) => {
      if (groups === undefined) groups = groupNames();
      if (groups === null) return undefined;
      if (groups.has(name)) return true;
      return accountAbsent('group', name) ? false : undefined;
    },
    addressIsLocal: (address) => {
      // The whole of 127.0.0.0/8 is routed to lo on Linux, so any of it can be bound.
      if (/^127\./.test(address)) return true;
      addrs ??= localAddresses();
      return addrs.has(address.toLowerCase());
    },
    fileExists: pathExists,
    visibleTo: (path, name) => {
      const id = identity(name);
      if (id === undefined) return undefined;
      const exists = pathExists(path);
      if (exists !== true) return exists;
      return id === null || unsearchable(path, id) === null;
    },
    socketCreatable: (path, name) => {
      const id = identity(name);
      // As root (without a drop) mchard makes no claim: the unit's capability bounding set decides.
      if (!id) return undefined;
      const dir = posix.dirname(path);
      let st;
      try {
        st = statSync(dir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return code === 'ENOENT' ? { ok: false, reason: `the directory ${dir} does not exist` } : undefined;
      }
      if (!st.isDirectory()) return { ok: false, reason: `${dir} is not a directory` };
      const blocked = unsearchable(dir, id);
      if (blocked) return { ok: false, reason: `user ${id.name} (uid ${id.uid}, gid ${id.gid}) cannot enter ${blocked}` };
      if (!permits(st, id, ['w', 'x'])) {
        const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
        return { ok: false, reason: `user ${id.name} (uid ${id.uid}, gid ${id.gid}) cannot create files in ${dir} (mode ${mode}, owner uid ${st.uid}, group gid ${st.gid})` };
      }
      try {
        const existing = lstatSync(path);
        if (!existing.isSocket()) return { ok: false, reason: `${path} exists and is not a socket` };
      } catch {
        // nothing there: memcached creates it
      }
      return { ok: true, reason: `user ${id.name} can create ${path}` };
    },
  };
}

/** Files under /etc are the ones this machine's service reads. */
export function isSystemPath(path: string): boolean {
  return path.startsWith('/etc/');
}

/** Where the service's memcached is installed: the packages' path first, then a source build's. */
export const INSTALLED_BINARIES = ['/usr/bin/memcached', '/usr/sbin/memcached', '/usr/local/bin/memcached'];

export interface InstalledVersion {
  version: Version | null;
  report: VersionReport;
}

/**
 * The installed memcached's version, for linting this machine's own files. Nothing is run: the binary at
 * a fixed system path, only when root controls it and every directory above it, is looked up in the
 * package database or has its version string read from its bytes (src/system/memcached-version.ts). A
 * `memcached` on PATH or in the current folder is never considered.
 */
export function installedVersion(candidates: readonly string[] = INSTALLED_BINARIES): InstalledVersion {
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) return { version: null, report: { version: null, source: null, detail: `unknown: no memcached at ${candidates.join(', ')}` } };
  const unsafe = notRootControlled(path);
  if (unsafe) return { version: null, report: { version: null, source: null, detail: `unknown: ${path} is not believed: ${unsafe}` } };
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    return { version: null, report: { version: null, source: null, detail: `unknown: ${path}: ${(e as NodeJS.ErrnoException).code ?? 'gone'}` } };
  }
  // The resolved path, for the package database too: a link's owner says nothing about the file it names.
  const report = binaryVersionReport({ open: real, follow: false, packagePath: real, label: path });
  return { version: report.version === null ? null : parseVersion(report.version), report };
}
