/**
 * A distribution's option file read with what this host's systemd says about it: Debian's
 * `/etc/memcached.conf` and RHEL's `/etc/sysconfig/memcached` are what the packaged memcached.service
 * reads, but an administrator's unit of that name in /etc/systemd/system, a drop-in that sets its command,
 * or a masked unit means the running memcached never gets the file's options. Linted as if the package's
 * unit read it, such a file would read as "hardened" while memcached runs with other options. Then the
 * file does not decide what runs (`argvUnknown`): the option checks wait, and MC910 names the unit that
 * decides (src/system/unit-files.ts, hostUnitReading, finds it).
 */
import type { HostUnitReading, ParsedConfig } from './types.js';

export function withHostUnit<C extends ParsedConfig>(config: C, host: HostUnitReading | null | undefined): C {
  if (!host || host.reads === true) return config;
  const span = config.argv.find((a) => a.span)?.span ?? { start: 0, end: 0 };
  const wrapped = Object.create(config) as C;
  Object.defineProperties(wrapped, {
    notes: { value: [...config.notes, { kind: 'delegated', span, message: host.why, path: host.path }], enumerable: true },
    argvUnknown: { value: host.why, enumerable: true },
  });
  return wrapped;
}
