/**
 * This machine's user and group database beyond /etc/passwd, for host checks: whether a name the files
 * lack is missing for getpwnam(3)/getgrnam(3) too (nsswitch.conf's sources, systemd's userdb records), and
 * the groups of /etc/group. Asked only when a name is not in /etc/passwd or a unit names a Group=: in
 * more.js, out of the core a lint of every file loads.
 */
import { readRegularFile } from '../input.js';
import { pathExists } from './paths.js';

/** The most of a passwd or group file read (a larger one is not a realistic one: nothing is read). */
const PASSWD_LIMIT = 8 * 1024 * 1024;

/** The names of a group file's groups. */
export function groupNames(path = '/etc/group'): Set<string> | null {
  let text: string;
  try {
    text = readRegularFile(path, PASSWD_LIMIT, { noFollow: 'not read' }).toString('utf8');
  } catch {
    return null;
  }
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || f[0] === '' || f[0].startsWith('#')) continue;
    out.add(f[0]);
  }
  return out;
}

/** The folders systemd's userdb reads JSON user and group records from (nss-systemd answers with them). */
export const USERDB_FOLDERS = ['/etc/userdb', '/run/userdb', '/run/host/userdb', '/usr/local/lib/userdb', '/usr/lib/userdb'];

/**
 * Whether a name the files lack is missing from the database: false when nss-systemd is a source and a
 * userdb record of that name exists (`NAME.user`, `NAME.group`; systemd.exec's User= accepts them too).
 */
function absentFromUserdb(kind: 'user' | 'group', name: string, folders = USERDB_FOLDERS): boolean {
  return !name.includes('/') && folders.every((dir) => pathExists(`${dir}/${name}.${kind}`) === false);
}

/**
 * The sources glibc asks for a database (`passwd`, `group`), as nsswitch.conf(5) says (its last line for
 * it; action items such as [NOTFOUND=return] change when the lookup stops, not where it looks), when none
 * but the files and nss-systemd (which adds DynamicUser= accounts, root, nobody and userdb records) answer;
 * null when another source (`sss`, `ldap`, `nis`, `winbind`, `extrausers`, `compat` with a `+`/`-` line)
 * may hold a name the file lacks. No nsswitch.conf: glibc's default, the files; an unreadable one: null.
 */
function nsswitchSources(database: 'passwd' | 'group', nsswitch: string, file: string): string[] | null {
  let text: string;
  try {
    text = readRegularFile(nsswitch, 1024 * 1024, { noFollow: 'not read' }).toString('utf8');
  } catch {
    // No nsswitch.conf: glibc's default, the files. An unreadable one: unknown.
    return pathExists(nsswitch) === false ? ['files'] : null;
  }
  let sources: string[] = ['files'];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim() !== database) continue;
    // Action items ([NOTFOUND=return]) change when the lookup stops, not where it looks.
    sources = line.slice(colon + 1).replace(/\[[^\]]*\]/g, ' ').split(/\s+/).filter(Boolean);
  }
  for (const source of sources) {
    if (source === 'files' || source === 'systemd') continue;
    if (source !== 'compat') return null;
    // compat reads the file, and a +/- line in it asks NIS.
    try {
      const body = readRegularFile(file, PASSWD_LIMIT, { noFollow: 'not read' }).toString('utf8');
      if (/^[+-]/m.test(body)) return null;
    } catch {
      return null;
    }
  }
  return sources;
}

/**
 * Whether this machine has no account of this name at all, as getpwnam(3)/getgrnam(3) would answer: true
 * only when the files lack it and nothing else could hold it (another nsswitch source, a userdb record).
 */
export function accountAbsent(kind: 'user' | 'group', name: string, nsswitch = '/etc/nsswitch.conf', file = kind === 'user' ? '/etc/passwd' : '/etc/group', userdb = USERDB_FOLDERS): boolean {
  const sources = nsswitchSources(kind === 'user' ? 'passwd' : 'group', nsswitch, file);
  return sources !== null && (!sources.includes('systemd') || absentFromUserdb(kind, name, userdb));
}
