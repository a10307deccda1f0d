/**
 * Which service on this machine reads a configuration file, and under which service manager:
 * - /etc/memcached.conf: systemd `memcached.service`, the SysV script `memcached`, OpenRC `memcached`;
 * - /etc/memcached_NAME.conf (Debian's instances): `memcached@NAME.service`, the SysV script's instance
 *   NAME (`/etc/init.d/memcached restart NAME`), OpenRC `memcached.NAME`;
 * - /etc/sysconfig/memcached (RHEL): `memcached.service`, the SysV script `memcached`.
 * A service counts only when it exists here (a loaded unit, an init script). `--service NAME` names it
 * instead, for any file. Every other file (a configuration repository, a copy) has no service.
 */
import { visible } from '../report/visible.js';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Machine } from './machine.js';

export type ManagerName = 'systemd' | 'sysv' | 'openrc';

export interface ServiceTarget {
  manager: ManagerName;
  /** The systemd unit, the OpenRC service, or the SysV script's name. */
  name: string;
  /** The Debian SysV script's instance (`memcached_NAME`), else null. */
  instance: string | null;
  /** The SysV script. */
  script: string | null;
  /** Pid files the service manager or the start script writes (SysV, OpenRC), most specific first. */
  pidFiles: string[];
  /** How messages name it: `memcached.service`, `memcached (instance server1)`. */
  label: string;
}

export type TargetResult = { target: ServiceTarget; reason?: undefined } | { target: null; reason: string };

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9@_.:-]*$/;
const SYSV_SCRIPTS = ['/etc/init.d', '/etc/rc.d/init.d'];

/** Validates a `--service` value; returns a message when it is not a service name. */
export function serviceNameProblem(name: string): string | null {
  if (!SERVICE_NAME.test(name) || name.includes('..')) return `--service: "${name}" is not a service name`;
  return null;
}

/** systemd when it runs as the init system (sd_booted: /run/systemd/system), OpenRC when it has booted, else SysV. */
export function detectManager(m: Machine): ManagerName | null {
  if (m.exists('/run/systemd/system') && m.which('systemctl')) return 'systemd';
  if (m.exists('/run/openrc/softlevel') && m.which('rc-service')) return 'openrc';
  if (SYSV_SCRIPTS.some((d) => m.exists(d))) return 'sysv';
  return null;
}

type FileKind = { kind: 'main' } | { kind: 'instance'; name: string } | { kind: 'sysconfig' };

function kindOfPath(path: string): FileKind | null {
  if (path === '/etc/memcached.conf') return { kind: 'main' };
  if (path === '/etc/sysconfig/memcached') return { kind: 'sysconfig' };
  const m = /^\/etc\/memcached_([^/]+)\.conf$/.exec(path);
  return m ? { kind: 'instance', name: m[1] } : null;
}

/**
 * The kind of service file `path` is, as given or once links are followed, and its path as the service
 * names it (the one the kind was read from).
 */
function serviceFileOf(path: string): { kind: FileKind; path: string } | null {
  const abs = resolve(path);
  const direct = kindOfPath(abs);
  if (direct) return { kind: direct, path: abs };
  try {
    const real = realpathSync(abs);
    const kind = kindOfPath(real);
    return kind ? { kind, path: real } : null;
  } catch {
    return null;
  }
}

/** The kind of service file `path` is, as given or once links are followed. */
export function serviceFileKind(path: string): FileKind | null {
  return serviceFileOf(path)?.kind ?? null;
}

/** The kind of service file `path` is as given, without following a symbolic link. */
export function serviceFileKindAsGiven(path: string): FileKind | null {
  return kindOfPath(resolve(path));
}

/** An instance named in `--service`: `memcached@NAME` or `memcached_NAME`. */
function instanceOf(service: string): string | null {
  const m = /^memcached[@_]([^.@]+)(\.service)?$/.exec(service);
  return m ? m[1] : null;
}

async function systemdTarget(m: Machine, unit: string, file: string | null = null): Promise<TargetResult> {
  const r = await m.runner.run('systemctl', ['show', '--property=LoadState', '--value', unit], { timeoutMs: 15_000 });
  const state = r.stdout.trim();
  if (r.exitCode !== 0 || state !== 'loaded') return { target: null, reason: `systemd has no unit ${unit}${state && state !== 'loaded' ? ` (${state})` : ''}` };
  if (file !== null) {
    const why = await unitReadsFile(m, unit, file);
    if (why !== null) return { target: null, reason: why };
  }
  return { target: { manager: 'systemd', name: unit, instance: null, script: null, pidFiles: [], label: unit } };
}

/**
 * Whether the unit systemd has loaded reads `file`, as its command's argument (Debian's wrapper is run
 * on /etc/memcached.conf) or one of its environment files (RHEL's EnvironmentFile=/etc/sysconfig/memcached):
 * null when it does, else why not. Asked of systemd (`systemctl show`: the unit file, its drop-ins and
 * specifiers such as %i resolved), so a unit under memcached's name that reads another file (memcached's
 * own memcached@.service reads /etc/sysconfig/memcached, not /etc/memcached_NAME.conf; a RHEL unit does
 * not read a stray /etc/memcached.conf) is not restarted for this file: its restart would prove nothing
 * about the file (the verification could even pass on listeners that happen to agree).
 */
async function unitReadsFile(m: Machine, unit: string, file: string): Promise<string | null> {
  const r = await m.runner.run('systemctl', ['show', '--property=ExecStart', '--property=EnvironmentFiles', '--', unit], { timeoutMs: 15_000 });
  if (r.exitCode !== 0) return `systemd could not say what ${unit} reads (systemctl show: exit status ${r.exitCode ?? 'none'}); name the service with --service if it reads ${file}`;
  const lines = r.stdout.split('\n');
  // ExecStart={ path=/usr/share/memcached/scripts/systemd-memcached-wrapper ; argv[]=/usr/share/... /etc/memcached.conf ; ... }
  const argv = lines.filter((l) => l.startsWith('ExecStart=')).map((l) => /argv\[\]=([^;]*)/.exec(l)?.[1].trim() ?? null);
  // EnvironmentFiles=/etc/sysconfig/memcached (ignore_errors=no), one line per file.
  const envFiles = lines.filter((l) => l.startsWith('EnvironmentFiles=')).map((l) => l.slice('EnvironmentFiles='.length).replace(/ \(ignore_errors=(yes|no)\)$/, '').trim());
  if (argv.length === 0 || argv.some((a) => a === null)) return `systemd did not show ${unit}'s command in a form mchard reads; name the service with --service if it reads ${file}`;
  if (argv.some((a) => a!.split(/\s+/).includes(file)) || envFiles.includes(file)) return null;
  // systemd's answer is text from outside (the unit's command may hold any byte): escaped where it is quoted.
  const reads = envFiles.length ? ` and its environment files are ${visible(envFiles.join(', '))}` : '';
  return `${unit} does not read ${file}: its command is "${visible(argv.join('; '))}"${reads}; restart the service that reads it yourself, or name it with --service`;
}

function sysvTarget(m: Machine, scriptName: string, instance: string | null, file: FileKind | null): TargetResult {
  const script = SYSV_SCRIPTS.map((d) => `${d}/${scriptName}`).find((p) => m.exists(p));
  if (!script) return { target: null, reason: `there is no init script ${SYSV_SCRIPTS[0]}/${scriptName}` };
  if (file?.kind === 'main' && scriptName === 'memcached' && m.list('/etc').some((n) => /^memcached_.+\.conf$/.test(n))) {
    // Debian's script starts one instance per /etc/memcached_*.conf when any exists, and then never reads /etc/memcached.conf.
    const instances = m.list('/etc').filter((n) => /^memcached_.+\.conf$/.test(n)).sort().map((n) => `/etc/${n}`);
    return {
      target: null,
      reason:
        `${script} starts the instances ${instances.join(', ')} and does not read /etc/memcached.conf while they exist, so no service runs this file: ` +
        `fix the instances instead (mchard fix ${instances.join(' ')}), or move them out of /etc and restart memcached (service memcached restart)`,
    };
  }
  const base = instance ? `memcached_${instance}` : scriptName;
  const pidFiles = [`/var/run/${base}.pid`, ...(instance ? [] : [`/var/run/${scriptName}/${scriptName}.pid`])];
  const label = instance ? `${scriptName} (instance ${instance})` : scriptName;
  return { target: { manager: 'sysv', name: scriptName, instance, script, pidFiles, label } };
}

function openrcTarget(m: Machine, name: string): TargetResult {
  if (!m.exists(`/etc/init.d/${name}`)) return { target: null, reason: `OpenRC has no service ${name} (/etc/init.d/${name})` };
  // OpenRC's start-stop-daemon records the pid file it was given under /run/openrc/options.
  const recorded = m.readText(`/run/openrc/options/${name}/pidfile`)?.trim();
  const pidFiles = [...(recorded ? [recorded] : []), `/run/memcached/${name}.pid`, `/run/${name}.pid`];
  return { target: { manager: 'openrc', name, instance: null, script: `/etc/init.d/${name}`, pidFiles, label: name } };
}

/**
 * The service that reads `path` on this machine, or why there is none. `service` (from `--service`)
 * names the unit, script or instance, and makes any file the service's.
 */
export async function serviceFor(path: string, service: string | undefined, m: Machine): Promise<TargetResult> {
  const found = serviceFileOf(path);
  const file = found?.kind ?? null;
  if (!service && !found) {
    return { target: null, reason: 'no service on this machine reads it (only /etc/memcached.conf, /etc/memcached_NAME.conf and /etc/sysconfig/memcached are, or name one with --service)' };
  }
  const manager = detectManager(m);
  if (!manager) return { target: null, reason: 'no service manager found (systemd is not running, there is no OpenRC and no /etc/init.d)' };
  const instance = service ? instanceOf(service) : file?.kind === 'instance' ? file.name : null;
  switch (manager) {
    case 'systemd': {
      let unit: string;
      if (service) unit = /\.(service|target|socket)$/.test(service) ? service : `${service}.service`;
      else unit = instance ? `memcached@${instance}.service` : 'memcached.service';
      // A unit chosen by the file's name must read that file; one named with --service is the user's word.
      return systemdTarget(m, unit, service ? null : found!.path);
    }
    case 'openrc':
      return openrcTarget(m, instance ? `memcached.${instance}` : (service ?? 'memcached'));
    case 'sysv':
      return sysvTarget(m, service && !instance ? service.replace(/\.service$/, '') : 'memcached', instance, service ? null : file);
  }
}
