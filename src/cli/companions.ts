/** The files beside a file that detection may read to tell what it is (a Helm values file's Chart.yaml). */
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, constants as fsConstants } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Companions } from '../dialects/detect.js';
import type { DialectName, ParseContext, UnitDropIn } from '../dialects/types.js';

/**
 * Files beside `path` that tell what it is: for a Helm `values*.yaml`, the `Chart.yaml` of its folder
 * (whether it is Bitnami's memcached chart or depends on it). Only a regular file of at most 64 KiB is
 * read, never through a symbolic link; anything else counts as absent.
 */
export function companionsOf(path: string): Companions {
  return companionsRead(path);
}

/** The context a file's dialect parses it in, from the files beside it: a Compose override, a unit's drop-ins. */
export function parseContextOf(path: string, dialect: DialectName): Pick<ParseContext, 'composeOverride' | 'unitDropIns' | 'unitShadowedBy'> {
  if (dialect === 'compose') return { composeOverride: companionsOf(path).composeOverride ?? null };
  if (dialect === 'systemd') return { unitDropIns: unitDropInsOf(path), unitShadowedBy: unitShadowOf(path) };
  return {};
}

function companionsRead(path: string): Companions {
  if (path === '-') return {};
  if (/^(docker-)?compose\.ya?ml$/.test(basename(path))) return { composeOverride: composeOverrideOf(path) };
  if (!/^values([.-][^/]*)?\.ya?ml$/.test(basename(path))) return {};
  for (const name of ['Chart.yaml', 'Chart.yml']) {
    const chart = join(dirname(path), name);
    try {
      if (!lstatSync(chart).isFile()) continue;
      const fd = openSync(chart, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
      try {
        const st = fstatSync(fd);
        if (!st.isFile() || st.size > 64 * 1024) continue;
        const buf = Buffer.alloc(st.size);
        const n = readSync(fd, buf, 0, st.size, 0);
        return { chartYaml: buf.subarray(0, n).toString('utf8') };
      } finally {
        closeSync(fd);
      }
    } catch {
      // no Chart.yaml there (or not readable): nothing beside the file says what it is
    }
  }
  return {};
}

/**
 * The override file docker compose merges onto a file of one of its default names found in the same folder
 * (compose.override.yaml, compose.override.yml, docker-compose.override.yaml, docker-compose.override.yml):
 * its name, or null. Only whether it is there is looked at: mchard never reads it.
 */
function composeOverrideOf(path: string): string | null {
  for (const name of ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml']) {
    try {
      lstatSync(join(dirname(path), name));
      return name;
    } catch {
      // not there
    }
  }
  return null;
}

/** The folders systemd reads a system unit's drop-ins from (systemd.unit(5), "unit load path"), highest first. */
const SYSTEM_UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/**
 * The drop-ins systemd merges into the unit at `path` (a `NAME.service` file; none for a drop-in itself or
 * standard input): `NAME.service.d/*.conf` beside it, and for a unit in one of systemd's own folders, that
 * folder in each of them, with the template's `NAME@.service.d` for an instance. Each is read as a regular
 * file of at most 64 KiB, never through a symbolic link; only the keys it sets are kept (its values are
 * never shown). One that cannot be read that way is listed with `read: false`: it may set anything.
 */
export function unitDropInsOf(path: string): UnitDropIn[] {
  const base = basename(path);
  if (path === '-' || !/^[^/]+\.service$/.test(base) || /\.service\.d$/.test(dirname(path))) return [];
  const names = [base];
  const instance = /^([^@]+@)[^@]+(\.service)$/.exec(base);
  if (instance) names.push(`${instance[1]}${instance[2]}`);
  const here = dirname(resolve(path));
  const dirs = SYSTEM_UNIT_DIRS.includes(here) ? SYSTEM_UNIT_DIRS : [dirname(path)];
  const out: UnitDropIn[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    for (const name of names) {
      const folder = join(dir, `${name}.d`);
      let entries: string[];
      try {
        entries = readdirSync(folder).filter((e) => e.endsWith('.conf')).sort();
      } catch {
        continue;
      }
      for (const e of entries) {
        // A drop-in of the same name in a folder read earlier hides this one (systemd.unit(5)).
        if (seen.has(`${name}/${e}`)) continue;
        seen.add(`${name}/${e}`);
        out.push(readDropIn(join(folder, e)));
      }
    }
  }
  return out;
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

function readDropIn(path: string): UnitDropIn {
  let fd: number | null = null;
  try {
    if (!lstatSync(path).isFile()) return { path, read: false, keys: [] };
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > 64 * 1024) return { path, read: false, keys: [] };
    const buf = Buffer.alloc(st.size);
    const n = readSync(fd, buf, 0, st.size, 0);
    // The keys it sets, by section: `Service.ExecStart`. A line continued with a backslash is one value.
    const keys = new Set<string>();
    let section = '';
    let continued = false;
    for (const raw of buf.subarray(0, n).toString('utf8').split(/\r?\n/)) {
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
  } catch {
    return { path, read: false, keys: [] };
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
