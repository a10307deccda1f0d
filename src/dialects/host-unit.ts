/**
 * A distribution's option file read with what this host says about it: Debian's `/etc/memcached.conf` and
 * `/etc/memcached_NAME.conf` and RHEL's `/etc/sysconfig/memcached` are what the package's service reads, but
 * on this host an administrator's unit in /etc/systemd/system, a drop-in that sets its command, a masked
 * unit, a missing instance unit or Debian's SysV script's instance files may mean that no memcached gets the
 * file's options (src/system/host-unit.ts, hostUnitReading, finds out). The file is still read as its
 * service would read it (what memcached does whenever it is read); a `not-read` note, which MC911 reports,
 * says that on this host it is not (`reads: false`) or that what runs decides (`reads: null`).
 */
import type { HostUnitReading, ParsedConfig } from './types.js';

export function withHostUnit<C extends ParsedConfig>(config: C, host: HostUnitReading | null | undefined): C {
  if (!host || host.reads === true) return config;
  const span = config.argv.find((a) => a.span)?.span ?? { start: 0, end: 0 };
  const wrapped = Object.create(config) as C;
  Object.defineProperties(wrapped, {
    notes: { value: [...config.notes, { kind: 'not-read', span, message: host.why, path: host.path }], enumerable: true },
    hostUnit: { value: host, enumerable: true },
  });
  return wrapped;
}
