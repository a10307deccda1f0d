/**
 * Whether a file is under root's sole control: the file and every directory on the way to it (symbolic
 * links resolved) are owned by root and writable by no one else (group write only for group root). Only
 * such a file may be run by mchard (the package tools) or believed about the installed memcached.
 */
import { lstatSync, realpathSync } from 'node:fs';

/** The reason `path` is not root-controlled, or null when it is. */
export function notRootControlled(path: string, aclWriterOf?: (path: string) => string | null): string | null {
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
    // `aclWriterOf` (src/fix/xattrs.ts, outside the core): also ask the access ACL where the group bits
    // show write (they are then its mask): a named user or group may write there (setfacl -m u:deploy:rwx),
    // though the mode reads root:root 0775.
    if (aclWriterOf && st.mode & 0o020) {
      let who: string | null;
      try {
        who = aclWriterOf(p);
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
