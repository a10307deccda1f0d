/**
 * Whether this host's systemd runs memcached from a distribution's option file: Debian's /etc/memcached.conf
 * and RHEL's /etc/sysconfig/memcached are what the packaged memcached.service reads, unless an
 * administrator's unit, a drop-in or a mask says otherwise (src/dialects/host-unit.ts uses the answer).
 * Outside the core bundle (scripts/build.mjs, "more"): only a lint of one of those two files runs it.
 */
import { lstatSync, readlinkSync } from 'node:fs';
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
export function stockSysconfigCommand(command: string): boolean {
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
 * For a distribution's option file on this host (`/etc/memcached.conf`, `/etc/sysconfig/memcached`:
 * packagedOptionFile of src/system/unit-files.ts): whether the memcached.service systemd loads here reads
 * it. Null when nothing on this host says otherwise than the package does: a host not run by systemd (the
 * SysV script reads the file then), or no memcached.service in systemd's folders. Otherwise the unit file
 * systemd loads (the first of that name in `dirs`) and:
 * - `reads: true`: its command is the package's (Debian's wrapper with this file, or no file, which the wrapper
 *   takes to be this one; RHEL's `EnvironmentFile=` of this file with the stock command), and no drop-in sets
 *   the command (or the environment files);
 * - `reads: false`: masked, or its command runs memcached itself (or Debian's wrapper with another file) and,
 *   for the sysconfig file, names no `EnvironmentFile=` of it: memcached then never sees this file's options;
 * - `reads: null`: it runs another program, several commands, reads this file's variables into a command of
 *   its own, or a drop-in sets the command: what runs is that unit's to say.
 * Unit files are read as systemd finds them (a link in its folders is followed, as systemd follows it), as
 * regular files of at most 256 KiB; only the command and environment file settings are looked at.
 */
export function hostUnitReading(file: '/etc/memcached.conf' | '/etc/sysconfig/memcached', dirs: readonly string[] = SYSTEM_UNIT_DIRS, booted: () => boolean = systemdBooted): HostUnitReading | null {
  const kind = file === '/etc/memcached.conf' ? 'debian' : 'sysconfig';
  if (!booted()) return null;
  const unit = 'memcached.service';
  for (const dir of dirs) {
    const at = join(dir, unit);
    try {
      const l = lstatSync(at);
      if (l.isSymbolicLink() && readlinkSync(at) === '/dev/null') {
        return { unit, path: at, reads: false, why: `${unit} is masked on this host (${at} links to /dev/null): systemd starts no memcached from this file` };
      }
    } catch {
      continue;
    }
    let text: string;
    try {
      text = readRegularFile(at, 256 * 1024).toString('utf8');
    } catch (e) {
      return { unit, path: at, reads: null, why: `systemd loads ${at} for ${unit} on this host, which mchard cannot read (${e instanceof Error ? e.message : String(e)}): whether the running memcached reads this file is that unit's to say` };
    }
    const lintIt = `lint that unit (mchard lint ${at})`;
    // Debian's wrapper exits at once for any user but root: a drop-in's User= decides whether memcached starts.
    const commandKeys = kind === 'debian' ? ['Service.ExecStart', 'Service.User'] : ['Service.ExecStart', 'Service.EnvironmentFile'];
    const dropIn = dropInsOf([unit], dirs).find((d) => !d.read || d.keys.some((k) => commandKeys.includes(k)));
    if (dropIn) {
      return {
        unit,
        path: dropIn.path,
        reads: null,
        why:
          `systemd merges ${dropIn.path} into ${unit} on this host, which ${dropIn.read ? `sets ${dropIn.keys.filter((k) => commandKeys.includes(k)).map((k) => `${k.slice(8)}=`).join(' and ')}` : 'mchard cannot read'}: ` +
          `whether the running memcached reads this file is that drop-in's to say (systemctl cat ${unit} shows the merged unit; mchard lint ${dropIn.path})`,
      };
    }
    const exec = serviceValues(text, 'ExecStart');
    if (exec.length !== 1) {
      return { unit, path: at, reads: null, why: `systemd loads ${at} for ${unit} on this host, which has ${exec.length === 0 ? 'no' : exec.length} ExecStart= commands: whether the running memcached reads this file is that unit's to say; ${lintIt}` };
    }
    const words = exec[0].split(/[ \t]+/);
    const prefix = /^[-@:+!|]*/.exec(words[0])![0];
    const program = words[0].slice(prefix.length);
    // With "@", the second word is the program's argv[0] (systemd.service(5)); its arguments follow it.
    const args = words.slice(prefix.includes('@') ? 2 : 1);
    const name = basename(program);
    const loads = `systemd loads ${at} for ${unit} on this host, and it`;
    if (kind === 'debian') {
      if (name === 'systemd-memcached-wrapper') {
        // "Only root wants to run systemd-memcached-wrapper": it exits before reading any file unless its real or
        // effective user is root, which a User= other than root makes it not be (the "+" and "!" prefixes run it as root).
        const user = serviceValues(text, 'User').at(-1);
        if (user !== undefined && user !== 'root' && user !== '0' && !/[+!]/.test(prefix)) {
          return { unit, path: at, reads: false, why: `${loads} runs Debian's wrapper as User=${user}, and the wrapper exits at once for any user but root ("Only root wants to run systemd-memcached-wrapper"): memcached never starts from this file; ${lintIt}` };
        }
        // The wrapper takes a file only when given exactly one argument; otherwise it reads /etc/memcached.conf.
        const arg = args.length === 1 ? args[0].replace(/^(["'])(.*)\1$/, '$2') : undefined;
        if (arg !== undefined && /[%$\\]/.test(arg)) return { unit, path: at, reads: null, why: `${loads} runs Debian's wrapper with ${arg}, which systemd expands: whether that is this file is that unit's to say; ${lintIt}` };
        if (arg === undefined || arg === file) return { unit, path: at, reads: true, why: `${loads} runs Debian's wrapper with this file` };
        return { unit, path: at, reads: false, why: `${loads} runs Debian's wrapper with ${arg}, not this file: the running memcached does not get this file's options; lint ${arg}` };
      }
      if (name === 'memcached') return { unit, path: at, reads: false, why: `${loads} runs memcached itself, not Debian's wrapper with this file: the running memcached does not get this file's options; ${lintIt}` };
      return { unit, path: at, reads: null, why: `${loads} runs ${program}, not Debian's wrapper: whether that reads this file is that program's to say; ${lintIt}` };
    }
    const envFiles = serviceValues(text, 'EnvironmentFile').map((v) => v.replace(/^-/, ''));
    if (!envFiles.includes(file)) {
      if (name === 'memcached') return { unit, path: at, reads: false, why: `${loads} names no EnvironmentFile=${file}: the running memcached does not get this file's variables; ${lintIt}` };
      return { unit, path: at, reads: null, why: `${loads} names no EnvironmentFile=${file} and runs ${program}: whether that reads this file is that program's to say; ${lintIt}` };
    }
    if (stockSysconfigCommand(exec[0])) return { unit, path: at, reads: true, why: `${loads} reads this file into the packaged command` };
    return { unit, path: at, reads: null, why: `${loads} reads this file's variables into a command of its own: what runs is that unit's to say; ${lintIt} (which reads this file)` };
  }
  return null;
}
