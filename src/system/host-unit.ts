/**
 * Whether this host's systemd runs memcached from a distribution's option file: Debian's /etc/memcached.conf
 * and RHEL's /etc/sysconfig/memcached are what the packaged memcached.service reads, unless an
 * administrator's unit, a drop-in or a mask says otherwise (src/dialects/host-unit.ts uses the answer).
 * Outside the core bundle (scripts/build.mjs, "more"): only a lint of one of those two files runs it.
 */
import { accessSync, constants, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readRegularFile } from '../input.js';
import { dropInsOf, SYSTEM_UNIT_DIRS } from './unit-files.js';
import type { HostUnitReading } from '../dialects/types.js';

/** Whether systemd runs this host (sd_booted(3): /run/systemd/system is a folder). */
export function systemdBooted(): boolean {
  try {
    return lstatSync('/run/systemd/system').isDirectory();
  } catch {
    return false;
  }
}

/**
 * Whether a command is the one RHEL's and Fedora's units run with /etc/sysconfig/memcached's variables
 * (what the sysconfig dialect models): `/usr/bin/memcached` with `-p $PORT`, `-u $USER`, `-m $CACHESIZE`
 * and `-c $MAXCONN` in any order (Fedora's `${PORT}` form or RHEL 7's `$PORT`), then `$OPTIONS`, and
 * nothing else.
 */
function stockSysconfigCommand(command: string): boolean {
  const words = command.replace(/\$\{(\w+)\}/g, '$$$1').split(/[ \t]+/);
  if (words[0] !== '/usr/bin/memcached' || words.length !== 10 || words[9] !== '$OPTIONS') return false;
  const pairs = new Set<string>();
  for (let i = 1; i < 9; i += 2) pairs.add(`${words[i]} ${words[i + 1]}`);
  return ['-p $PORT', '-u $USER', '-m $CACHESIZE', '-c $MAXCONN'].every((p) => pairs.has(p));
}


/** The values of `key` in a unit's [Service] section, in order, a line continued with a backslash joined; an empty assignment resets the list. */
function serviceValues(text: string, key: string): string[] {
  const out: string[] = [];
  let section = '';
  const lines = text.split(/\r?\n/);
  for (let k = 0; k < lines.length; k++) {
    let line = lines[k].trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      section = line;
      continue;
    }
    while (line.endsWith('\\') && k + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++k].trim()}`;
    const eq = line.indexOf('=');
    if (section !== '[Service]' || eq <= 0 || line.slice(0, eq).trim() !== key) continue;
    const value = line.slice(eq + 1).trim();
    if (value === '') out.length = 0;
    else out.push(value);
  }
  return out;
}

/**
 * For a distribution's option file on this host (`/etc/memcached.conf`, `/etc/memcached_NAME.conf`,
 * `/etc/sysconfig/memcached`: packagedOptionFile of src/system/unit-files.ts): whether what starts memcached
 * here reads it. Null when nothing on this host says otherwise than the package does. On a host run by
 * systemd, the unit file systemd loads (the first of its name in `dirs`: memcached.service, or for
 * `/etc/memcached_NAME.conf` memcached@NAME.service, else the template memcached@.service) and:
 * - `reads: true`: its command is the package's (Debian's wrapper with this file, or no file, which the wrapper
 *   takes to be /etc/memcached.conf; RHEL's `EnvironmentFile=` of this file with the stock command), and no
 *   drop-in sets the command (or the environment files, or for the wrapper the user);
 * - `reads: false`: masked, or its command runs memcached itself (or Debian's wrapper with another file, or as a
 *   user other than root, which the wrapper refuses) and, for the sysconfig file, names no `EnvironmentFile=` of
 *   it; for `/etc/memcached_NAME.conf`, no unit for it at all where memcached.service is installed (Debian's
 *   package has none: only its SysV script reads these files): memcached then never sees this file's options;
 * - `reads: null`: it runs another program, several commands, reads this file's variables into a command of
 *   its own, or a drop-in sets the command: what runs is that unit's to say.
 * On a host systemd does not run, Debian's SysV script (`etc`/init.d/memcached) reads /etc/memcached.conf only
 * when there is no /etc/memcached_NAME.conf (it starts one memcached per such file instead): `reads: false` then,
 * else `reads: true` through start-memcached; /etc/sysconfig/memcached is read only by an init script that
 * names it (sysvSysconfig). A Debian file's `reads: true` names its `reader`: the wrapper (systemd) or
 * start-memcached (the SysV script), which read a line that is no option differently (src/dialects/debian.ts).
 * Unit files and the script are read as regular files of at most 256 KiB (a link in systemd's folders is
 * followed, as systemd follows it); only the command, user and environment file settings are looked at.
 */
export function hostUnitReading(file: string, dirs: readonly string[] = SYSTEM_UNIT_DIRS, booted: () => boolean = systemdBooted, etc = '/etc'): HostUnitReading | null {
  if (!booted()) {
    if (file === '/etc/memcached.conf') return sysvInstances(etc);
    if (file === '/etc/sysconfig/memcached') return sysvSysconfig(etc);
    return /^\/etc\/memcached_[^/]+\.conf$/.test(file) ? sysvInstanceFile(etc, file) : null;
  }
  return systemdReading(file, dirs);
}

/**
 * hostUnitReading's answer on a host systemd runs: what the unit systemd loads for `file` (in `dirs`) says of
 * it. Also audit's (src/audit/unit.ts): which file the unit of a running memcached reads.
 */
export function systemdReading(file: string, dirs: readonly string[] = SYSTEM_UNIT_DIRS): HostUnitReading | null {
  const instance = /^\/etc\/memcached_([^/]+)\.conf$/.exec(file)?.[1];
  const kind = file === '/etc/memcached.conf' ? 'debian' : instance !== undefined ? 'instance' : 'sysconfig';
  if (instance === undefined) {
    const found = firstUnit(['memcached.service'], dirs);
    return found === null ? null : judgeUnit(kind, file, 'memcached.service', found, dirs, ['memcached.service']);
  }
  const unit = `memcached@${instance}.service`;
  const found = firstUnit([unit, 'memcached@.service'], dirs);
  if (found) return judgeUnit('instance', file, unit, found, dirs, ['memcached@.service', unit], instance);
  const main = firstUnit(['memcached.service'], dirs);
  if (!main) return null;
  return {
    unit,
    path: main,
    reads: false,
    why:
      `on this host systemd runs memcached from ${main}, which reads /etc/memcached.conf, and there is no ${unit} or memcached@.service ` +
      `for /etc/memcached_NAME.conf files (Debian's package has none: only its SysV script reads them, on a host systemd does not run): ` +
      `nothing starts memcached from this file`,
  };
}

/** The first of `names` in `dirs` (each name in every folder before the next name, as systemd looks for an instance, then its template), or null. */
function firstUnit(names: readonly string[], dirs: readonly string[]): string | null {
  for (const name of names) {
    for (const dir of dirs) {
      try {
        lstatSync(join(dir, name));
        return join(dir, name);
      } catch {
        // not in this folder
      }
    }
  }
  return null;
}

/**
 * Debian's SysV script on a host systemd does not run (`etc`/init.d/memcached, FILES=(/etc/memcached_*.conf)):
 * its path and the instance files it starts memcached from, one start-memcached each, when the first of them
 * (in the shell's glob order) is readable; none: it starts memcached from /etc/memcached.conf. Null when the
 * script is not Debian's (another says nothing of these files) or what it would do cannot be read.
 */
function debianSysv(etc: string): { script: string; instances: string[] } | null {
  const script = join(etc, 'init.d', 'memcached');
  let text: string;
  try {
    text = readRegularFile(script, 256 * 1024).toString('utf8');
  } catch {
    return null;
  }
  if (!text.includes('/etc/memcached_*.conf')) return null;
  let names: string[];
  try {
    names = readdirSync(etc).filter((n) => n.startsWith('memcached_') && n.endsWith('.conf') && n.length > 'memcached_.conf'.length);
  } catch {
    return null;
  }
  // bash sorts a glob by the locale's collation: for such names the byte order, unless they differ only in case or punctuation.
  names.sort();
  const instances = names.map((n) => join(etc, n));
  try {
    // The script's own test: [ -r "${FILES[0]}" ]. Every one readable: whichever sorts first, the script reads them.
    for (const f of instances) accessSync(f, constants.R_OK);
  } catch {
    return null;
  }
  return { script, instances };
}

/** /etc/memcached.conf without systemd: read through start-memcached unless the script starts the instance files instead. */
function sysvInstances(etc: string): HostUnitReading | null {
  const sysv = debianSysv(etc);
  if (!sysv) return null;
  const { script, instances: files } = sysv;
  if (files.length === 0) {
    return { unit: 'memcached (SysV init script)', path: script, reads: true, why: `on this host (not run by systemd) Debian's init script ${script} starts memcached from this file through start-memcached`, reader: 'start-memcached' };
  }
  return {
    unit: 'memcached (SysV init script)',
    path: files[0],
    reads: false,
    why:
      `on this host (not run by systemd) Debian's init script ${script} starts one memcached for each /etc/memcached_NAME.conf when there is one ` +
      `(here ${files.join(', ')}), and none from this file; lint ${files.length === 1 ? 'that file' : 'those files'}`,
  };
}

/** An /etc/memcached_NAME.conf without systemd: Debian's script starts a memcached from it through start-memcached. */
function sysvInstanceFile(etc: string, file: string): HostUnitReading | null {
  const sysv = debianSysv(etc);
  if (!sysv || !sysv.instances.includes(join(etc, file.slice('/etc/'.length)))) return null;
  return { unit: 'memcached (SysV init script)', path: sysv.script, reads: true, why: `on this host (not run by systemd) Debian's init script ${sysv.script} starts a memcached from this file through start-memcached`, reader: 'start-memcached' };
}

/**
 * On a host systemd does not run, /etc/sysconfig/memcached is read only by what sources it: RHEL 6's and
 * Fedora's SysV script (`etc`/init.d/memcached, `. /etc/sysconfig/memcached`) or a script of the
 * administrator's. A script there that never names the file (Debian's, OpenRC's, which read their own
 * files) starts memcached without it: `reads: false`. No script at all: whatever starts memcached here (a
 * container's command, a supervisor) decides: `reads: null`. A script that names it, or one mchard cannot
 * read: null, no claim.
 */
function sysvSysconfig(etc: string): HostUnitReading | null {
  const script = join(etc, 'init.d', 'memcached');
  const file = '/etc/sysconfig/memcached';
  try {
    statSync(script);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
    return {
      unit: 'memcached (no init script)',
      path: script,
      reads: null,
      why: `this host is not run by systemd and has no ${script}: nothing here starts memcached as a service from this file; whatever starts memcached on this host (a container's command, a supervisor, a script) decides whether it reads it`,
    };
  }
  let text: string;
  try {
    text = readRegularFile(script, 256 * 1024).toString('utf8');
  } catch {
    return null;
  }
  if (text.includes(file)) return null;
  return {
    unit: 'memcached (SysV init script)',
    path: script,
    reads: false,
    why: `this host is not run by systemd, and its init script ${script} never names ${file}: the memcached it starts does not get this file's settings (Debian's script reads /etc/memcached.conf, OpenRC's /etc/conf.d/memcached; RHEL's and Fedora's read this file through systemd's memcached.service or their own SysV script)`,
  };
}

/** What the unit file systemd loads (`at`) says about `file`, with the drop-ins of `dropInNames`. */
function judgeUnit(kind: 'debian' | 'instance' | 'sysconfig', file: string, unit: string, at: string, dirs: readonly string[], dropInNames: readonly string[], instance?: string): HostUnitReading {
  try {
    if (lstatSync(at).isSymbolicLink() && readlinkSync(at) === '/dev/null') {
      return { unit, path: at, reads: false, why: `${unit} is masked on this host (${at} links to /dev/null): systemd starts no memcached from this file` };
    }
  } catch {
    // gone since: read below
  }
  let text: string;
  try {
    text = readRegularFile(at, 256 * 1024).toString('utf8');
  } catch (e) {
    return { unit, path: at, reads: null, why: `systemd loads ${at} for ${unit} on this host, which mchard cannot read (${e instanceof Error ? e.message : String(e)}): whether memcached reads this file is that unit's to say` };
  }
  const lintIt = `lint that unit (mchard lint ${at})`;
  // Debian's wrapper exits at once for any user but root: a drop-in's User= decides whether memcached starts.
  const commandKeys = kind === 'sysconfig' ? ['Service.ExecStart', 'Service.EnvironmentFile'] : ['Service.ExecStart', 'Service.User'];
  const dropIn = dropInsOf(dropInNames, dirs).find((d) => !d.read || d.keys.some((k) => commandKeys.includes(k)));
  if (dropIn) {
    return {
      unit,
      path: dropIn.path,
      reads: null,
      why:
        `systemd merges ${dropIn.path} into ${unit} on this host, which ${dropIn.read ? `sets ${dropIn.keys.filter((k) => commandKeys.includes(k)).map((k) => `${k.slice(8)}=`).join(' and ')}` : 'mchard cannot read'}: ` +
        `whether memcached reads this file is that drop-in's to say (systemctl cat ${unit} shows the merged unit; mchard lint ${dropIn.path})`,
    };
  }
  const exec = serviceValues(text, 'ExecStart');
  if (exec.length !== 1) {
    return { unit, path: at, reads: null, why: `systemd loads ${at} for ${unit} on this host, which has ${exec.length === 0 ? 'no' : exec.length} ExecStart= commands: whether memcached reads this file is that unit's to say; ${lintIt}` };
  }
  const words = exec[0].split(/[ \t]+/);
  const prefix = /^[-@:+!|]*/.exec(words[0])![0];
  const program = words[0].slice(prefix.length);
  // With "@", the second word is the program's argv[0] (systemd.service(5)); its arguments follow it.
  const args = words.slice(prefix.includes('@') ? 2 : 1);
  const name = basename(program);
  const loads = `systemd loads ${at} for ${unit} on this host, and it`;
  if (kind !== 'sysconfig') {
    if (name === 'systemd-memcached-wrapper') {
      // "Only root wants to run systemd-memcached-wrapper": it exits before reading any file unless its real or
      // effective user is root, which a User= other than root makes it not be (the "+" and "!" prefixes run it as root).
      const user = serviceValues(text, 'User').at(-1);
      if (user !== undefined && user !== 'root' && user !== '0' && !/[+!]/.test(prefix)) {
        return { unit, path: at, reads: false, why: `${loads} runs Debian's wrapper as User=${user}, and the wrapper exits at once for any user but root ("Only root wants to run systemd-memcached-wrapper"): memcached never starts from this file; ${lintIt}` };
      }
      // The wrapper takes a file only when given exactly one argument; otherwise it reads /etc/memcached.conf.
      let arg = args.length === 1 ? args[0].replace(/^(["'])(.*)\1$/, '$2') : '/etc/memcached.conf';
      // A template's instance name (%i, and %I unescaped: the same for a name without escapes).
      if (instance !== undefined && !instance.includes('\\')) arg = arg.replace(/%[iI]/g, instance);
      if (/[%$\\]/.test(arg)) return { unit, path: at, reads: null, why: `${loads} runs Debian's wrapper with ${arg}, which systemd expands: whether that is this file is that unit's to say; ${lintIt}` };
      if (arg === file) return { unit, path: at, reads: true, why: `${loads} runs Debian's wrapper with this file`, reader: 'wrapper' };
      return { unit, path: at, reads: false, why: `${loads} runs Debian's wrapper with ${arg}, not this file: memcached does not get this file's options; lint ${arg}` };
    }
    if (name === 'memcached') return { unit, path: at, reads: false, why: `${loads} runs memcached itself, not Debian's wrapper with this file: memcached does not get this file's options; ${lintIt}` };
    return { unit, path: at, reads: null, why: `${loads} runs ${program}, not Debian's wrapper: whether that reads this file is that program's to say; ${lintIt}` };
  }
  const envFiles = serviceValues(text, 'EnvironmentFile').map((v) => v.replace(/^-/, ''));
  if (!envFiles.includes(file)) {
    if (name === 'memcached') return { unit, path: at, reads: false, why: `${loads} names no EnvironmentFile=${file}: memcached does not get this file's variables; ${lintIt}` };
    return { unit, path: at, reads: null, why: `${loads} names no EnvironmentFile=${file} and runs ${program}: whether that reads this file is that program's to say; ${lintIt}` };
  }
  if (stockSysconfigCommand(exec[0])) return { unit, path: at, reads: true, why: `${loads} reads this file into the packaged command` };
  return { unit, path: at, reads: null, why: `${loads} reads this file's variables into a command of its own: what runs is that unit's to say; ${lintIt} (which reads this file)` };
}
