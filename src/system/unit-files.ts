/**
 * systemd's unit files as mchard reads them from beside a unit or from the system's folders: where systemd
 * looks (its load path), the drop-ins it merges into a unit (only the keys each sets, never its values), and
 * the unit of the same name it loads instead. Lint, fix, inspect and the language server (src/cli/companions.ts)
 * and audit (src/audit/unit.ts) read them through here alike.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { readRegularFile } from '../input.js';
import { notOwnersOwn } from './changeable.js';
import { aclWriterOf } from '../fix/xattrs.js';
import { absolutePath } from './paths.js';
import { basename, dirname, join, resolve } from 'node:path';
import { descriptorPath } from './links.js';
import type { UnitDropIn } from '../dialects/types.js';

/** The folders systemd reads the system manager's units from (systemd.unit(5), "unit load path"), highest first. */
export const SYSTEM_UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/**
 * The drop-ins systemd merges into the unit at `path` (a `NAME.service` file; none for a drop-in itself or
 * standard input): `NAME.service.d/*.conf` beside it, and for a unit in one of systemd's own folders, that
 * folder in each of them, with the template's `NAME@.service.d` for an instance. Each is read as a regular
 * file of at most 64 KiB, never through a symbolic link; only the keys it sets are kept (its values are
 * never shown). One that cannot be read that way is listed with `read: false`: it may set anything. Beside
 * a unit outside systemd's folders (a repository's), a `NAME.service.d` that is a symbolic link is not
 * listed either (the repository decides where it leads: `-> /root/private` must not make a root-run
 * mchard list and read that folder's files): it is one `read: false` entry, which may set anything.
 */
export function unitDropInsOf(path: string): UnitDropIn[] {
  const base = basename(path);
  if (path === '-' || !/^[^/]+\.service$/.test(base) || /\.service\.d$/.test(dirname(path))) return [];
  const names = [base];
  const instance = /^([^@]+@)[^@]+(\.service)$/.exec(base);
  if (instance) names.push(`${instance[1]}${instance[2]}`);
  const here = dirname(resolve(path));
  return SYSTEM_UNIT_DIRS.includes(here) ? dropInsOf(names, SYSTEM_UNIT_DIRS) : dropInsOf(names, [dirname(path)], false);
}

/**
 * The drop-ins of the units `names` (`NAME.d/*.conf`) in `dirs`, in the order systemd reads them (a drop-in
 * of the same name in a folder read earlier hides a later one), each read as readDropIn does.
 * `followLinks` false: a `NAME.d` that is a symbolic link is one unread entry, not a folder listed.
 */
export function dropInsOf(names: readonly string[], dirs: readonly string[], followLinks = true): UnitDropIn[] {
  const out: UnitDropIn[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    for (const name of names) {
      const folder = join(dir, `${name}.d`);
      const held = holdFolder(folder, followLinks);
      if (held === 'link') {
        out.push({ path: folder, read: false, keys: [] });
        continue;
      }
      if (held === null) continue;
      if (!followLinks && !trustedBeside(folder, held.fd)) {
        closeSync(held.fd);
        continue;
      }
      try {
        let entries: string[];
        try {
          entries = readdirSync(held.at).filter((e) => e.endsWith('.conf')).sort();
        } catch {
          continue;
        }
        for (const e of entries) {
          // A drop-in of the same name in a folder read earlier hides this one (systemd.unit(5)).
          if (seen.has(`${name}/${e}`)) continue;
          seen.add(`${name}/${e}`);
          out.push(readDropIn(join(folder, e), join(held.at, e)));
        }
      } finally {
        closeSync(held.fd);
      }
    }
  }
  return out;
}

/**
 * Whether a `NAME.d` folder beside a unit outside systemd's folders (held open as `fd`) is the unit's: its
 * owner's own, as a `.mchardrc` found above the files must be (notOwnersOwn). A unit in a shared folder (/tmp
 * is every user's) took the drop-in another user made beside it: `memcached.service.d/override.conf` setting
 * ExecStart= turned root's lint of a unit running memcached as root on every interface into "0 errors" (the
 * checks skipped, MC910). Such a folder is not the unit's, and is not read.
 */
function trustedBeside(folder: string, fd: number): boolean {
  let st;
  try {
    st = fstatSync(fd);
  } catch {
    return false;
  }
  return notOwnersOwn(folder, st, aclWriterOf) === null;
}

/**
 * A folder held open, its entries reached through the descriptor (`/proc/self/fd/N`, Linux), never by its
 * name again: a folder checked and then listed and read by name could be swapped for a symbolic link in
 * between by whoever can write the folder above it (a repository's owner, under a root-run lint: `-> /root`
 * would have had root's files listed and read). `followLinks` false: a symbolic link is 'link' (opened
 * with O_NOFOLLOW, so a link put there at any moment is seen as one). null: no such folder.
 */
function holdFolder(folder: string, followLinks: boolean): { fd: number; at: string } | 'link' | null {
  let fd: number;
  try {
    fd = openSync(folder, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NONBLOCK | (followLinks ? 0 : constants.O_NOFOLLOW));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!followLinks && (code === 'ELOOP' || (code === 'ENOTDIR' && lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink()))) return 'link';
    return null;
  }
  return { fd, at: descriptorPath(fd, folder) };
}

/**
 * For a unit in one of systemd's own folders: the unit of the same name in a folder systemd reads first,
 * which it loads instead (`masked`: a link to /dev/null there, so it starts neither); null when there is
 * none (or the file is not in one of those folders).
 */
export function unitShadowOf(path: string): { path: string; masked: boolean } | null {
  const base = basename(path);
  const here = dirname(resolve(path));
  const at = SYSTEM_UNIT_DIRS.indexOf(here);
  if (at <= 0 || !/^[^/]+\.service$/.test(base)) return null;
  let self: { dev: number; ino: number } | null = null;
  try {
    self = statSync(path);
  } catch {
    // not there: any earlier one shadows it
  }
  for (const dir of SYSTEM_UNIT_DIRS.slice(0, at)) {
    const other = join(dir, base);
    try {
      const l = lstatSync(other);
      if (l.isSymbolicLink() && readlinkSync(other) === '/dev/null') return { path: other, masked: true };
      const st = statSync(other);
      // The same file under another name (/lib is /usr/lib on a merged /usr): not another unit.
      if (self && st.dev === self.dev && st.ino === self.ino) continue;
      return { path: other, masked: false };
    } catch {
      // none there
    }
  }
  return null;
}

/** A drop-in named `path`, read from `at` (the same file, through its held folder: holdFolder). */
function readDropIn(path: string, at = path): UnitDropIn {
  let text: string;
  try {
    text = readRegularFile(at, 64 * 1024, { noFollow: 'not read' }).toString('utf8');
  } catch {
    return { path, read: false, keys: [] };
  }
  // The keys it sets, by section: `Service.ExecStart`. A line continued with a backslash is one value.
  const keys = new Set<string>();
  let section = '';
  let continued = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const wasContinued = continued;
    continued = line.endsWith('\\');
    if (wasContinued || line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[([^\]]+)\]$/.exec(line);
    if (head) {
      section = head[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) keys.add(`${section}.${line.slice(0, eq).trim()}`);
  }
  return { path, read: true, keys: [...keys].sort() };
}


/**
 * The distributions' option files a packaged service reads (`/etc/memcached.conf`, Debian's instances
 * `/etc/memcached_NAME.conf`, `/etc/sysconfig/memcached`), by absolute path: which one `path` names, or null.
 * Cheap: a lint of any other file asks no more (src/system/host-unit.ts reads the host's units for these).
 */
export function packagedOptionFile(path: string): string | null {
  // By the name first (no path arithmetic for the other files of a many-file run), then the absolute path.
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name !== 'memcached.conf' && name !== 'memcached' && !(name.startsWith('memcached_') && name.endsWith('.conf'))) return null;
  // A name with no `.`/`..` component and no `//` stays under its folder: outside /etc it names none of
  // these, whatever its last component (a checkout's hosts/web1/memcached.conf, a many-file run's usual).
  if (!path.includes('/.') && path.charCodeAt(0) !== 46 /* . */ && !path.includes('//')) {
    const under = path.charCodeAt(0) === 47 /* / */ ? path : process.cwd();
    if (under !== '/' && under !== '/etc' && !under.startsWith('/etc/')) return null;
  }
  const file = absolutePath(path);
  return file === '/etc/memcached.conf' || file === '/etc/sysconfig/memcached' || /^\/etc\/memcached_[^/]+\.conf$/.test(file) ? file : null;
}
