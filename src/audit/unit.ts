/**
 * The systemd unit that runs a process, from /proc/PID/cgroup, and the configuration file that unit
 * reads: `memcached.service` reads Debian's /etc/memcached.conf or RHEL's /etc/sysconfig/memcached;
 * Debian's template `memcached@NAME.service` reads /etc/memcached_NAME.conf.
 */
import { existsSync } from 'node:fs';
import { SYSTEM_UNIT_DIRS } from '../system/unit-files.js';
import { systemdReading } from '../system/host-unit.js';

const UNIT = /^memcached(@[^/]+)?\.service$/;

/**
 * The components of a cgroup path that name the system manager's units: its slices, then one unit. Units
 * do not nest; what lies below a unit is that unit's own delegated tree, another manager's: a user's
 * systemd (`.../user@1000.service/app.slice/memcached.service` is that user's memcached.service, not the
 * system's), or a container's (`/machine.slice/machine-web.scope/payload/system.slice/memcached.service`,
 * `/system.slice/docker-ID.scope/...`: the container's memcached.service reads the container's
 * /etc/memcached.conf). A path whose first component after the slices is no unit (LXC's
 * `/lxc.payload.web/system.slice/memcached.service`, `/kubepods/...`) is not the system manager's at all.
 */
function systemParts(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  const first = parts.findIndex((p) => !p.endsWith('.slice'));
  if (first < 0) return parts;
  return /\.(service|scope)$/.test(parts[first]) ? parts.slice(0, first + 1) : parts.slice(0, first);
}

/** The memcached unit among the process's cgroup paths (v2 `0::/system.slice/x.service`, or v1), or null. */
export function unitOfCgroup(cgroup: string): string | null {
  for (const line of cgroup.split('\n')) {
    const path = line.split(':').slice(2).join(':');
    for (const part of systemParts(path).reverse()) {
      if (UNIT.test(part)) return part;
    }
  }
  return null;
}

/**
 * The systemd unit whose cgroup holds the process, whatever its name: the innermost `.service` or `.scope`
 * of its path in the unified hierarchy (`0::/system.slice/cache.service`), else in systemd's own v1 one
 * (`1:name=systemd:/...`); null for a process in no unit (`0::/`, a slice only). Its slices are systemd's to name.
 * A unit of a user's own systemd, or of a container's, is not the system manager's to answer for: the
 * system manager's unit that holds it (`user@UID.service`, `machine-NAME.scope`) is the one named then.
 */
export function systemdUnitOfCgroup(cgroup: string): string | null {
  const lines = cgroup.split('\n');
  for (const prefix of ['0::', /^\d+:name=systemd:/]) {
    for (const line of lines) {
      const path = typeof prefix === 'string' ? (line.startsWith(prefix) ? line.slice(prefix.length) : null) : prefix.test(line) ? line.replace(prefix, '') : null;
      if (path === null) continue;
      const unit = systemParts(path).reverse().find((part) => /\.(service|scope)$/.test(part));
      if (unit) return unit;
    }
  }
  return null;
}

/** Where systemd looks for unit files, first found first (systemd.unit(5), the system manager's paths). */
export const UNIT_DIRS = SYSTEM_UNIT_DIRS;

/**
 * The file the unit reads, under `root` (default /etc), when the unit's own file says so and the file
 * exists: Debian's memcached.service runs `systemd-memcached-wrapper /etc/memcached.conf`; the unit
 * memcached ships for RHEL reads `EnvironmentFile=/etc/sysconfig/memcached` into its `-p ${PORT} -u
 * ${USER} ...` command; a template whose command names `/etc/memcached_%i.conf` reads that file per
 * instance. Any other unit (memcached's own memcached@.service and OpenMandriva's, which run `-p %i`
 * with the sysconfig file's variables; a unit of the administrator's own under that name; no unit file
 * found; a drop-in that sets ExecStart= or EnvironmentFile=) is not modelled by one file: null, and the
 * process is matched to a file by its arguments, pidfile or listeners instead.
 */
export function unitConfigFile(unit: string, root = '/etc', dirs: readonly string[] = UNIT_DIRS): string | null {
  const m = UNIT.exec(unit);
  if (!m) return null;
  // What the unit names (always under /etc), judged as lint judges the file on this host (src/system/host-unit.ts).
  const candidates = m[1] ? [`/etc/memcached_${m[1].slice(1)}.conf`] : ['/etc/memcached.conf', '/etc/sysconfig/memcached'];
  const file = candidates.find((f) => systemdReading(f, dirs)?.reads === true);
  const at = file === undefined ? null : `${root}${file.slice('/etc'.length)}`;
  return at !== null && existsSync(at) ? at : null;
}
