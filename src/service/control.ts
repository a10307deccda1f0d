/**
 * Talking to the service manager about one service: the restart and stop commands, which process is the
 * service now, and the service's own account of a failure (the journal, or the log file the Debian start
 * script writes memcached's output to).
 */
import type { Machine } from './machine.js';
import { outputOf, type CommandResult } from './runner.js';
import type { ServiceTarget } from './target.js';

export type ServiceAction = 'restart' | 'start' | 'stop';

/** The command that does `action` to the service, as an argument array. */
export function serviceCommand(t: ServiceTarget, action: ServiceAction, m: Machine): string[] {
  switch (t.manager) {
    case 'systemd':
      return ['systemctl', action, t.name];
    case 'openrc':
      return ['rc-service', t.name, action];
    case 'sysv': {
      const extra = t.instance ? [t.instance] : [];
      // `service` runs the script with a clean environment, as at boot; the script itself when there is no `service`.
      return m.which('service') ? ['service', t.name, action, ...extra] : [t.script!, action, ...extra];
    }
  }
}

export async function runServiceCommand(t: ServiceTarget, action: ServiceAction, m: Machine, timeoutMs: number): Promise<CommandResult> {
  const [file, ...args] = serviceCommand(t, action, m);
  return m.runner.run(file, args, { timeoutMs });
}

export interface ServiceState {
  /** The memcached process that is the service, or null. */
  pid: number | null;
  /** The manager's own word: systemd's ActiveState; null for SysV and OpenRC. */
  activeState: string | null;
  /** The service has stopped for good: nothing will start it again without being asked. */
  down: boolean;
  /**
   * SysV and OpenRC: set when no pid file that counts names a live memcached but one that does not count
   * does (someone other than root and the service's user can change it): which process is the service, and
   * whether it runs, is then unknown, and this says why.
   */
  unknown?: string;
}

/** Pid files beside the service manager's, and the user the service's memcached runs as (who may write them). */
export interface PidFileSource {
  pidFiles: readonly string[];
  user: string | null;
}

function parsePid(text: string | null): number | null {
  const n = Number((text ?? '').trim().split(/\s+/)[0]);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** A pid that is a live memcached, else null (a stale pid file can name a process that reused the number). */
function liveMemcached(pid: number | null, m: Machine): number | null {
  if (pid === null) return null;
  const name = m.processName(pid);
  return name === 'memcached' ? pid : null;
}

/**
 * Which process is the service now. systemd: `systemctl show -p ActiveState,MainPID`. SysV and OpenRC: the
 * first pid file (the script's, then `extra.pidFiles` such as the file's own `-P`) naming a live memcached,
 * of those no one but root and the service's user can change (another user's pid file in /tmp can name
 * their own memcached, which a restart's verification or a drift check would then take for the service).
 */
export async function serviceState(t: ServiceTarget, m: Machine, extra: PidFileSource = { pidFiles: [], user: null }): Promise<ServiceState> {
  if (t.manager === 'systemd') {
    const r = await m.runner.run('systemctl', ['show', '--property=ActiveState,MainPID', t.name], { timeoutMs: 15_000 });
    const props = new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    const activeState = props.get('ActiveState') ?? null;
    const pid = activeState === 'active' ? liveMemcached(parsePid(props.get('MainPID') ?? null), m) : null;
    return { pid, activeState, down: activeState === 'failed' || activeState === 'inactive' };
  }
  const doubts: string[] = [];
  for (const file of [...t.pidFiles, ...extra.pidFiles]) {
    const pid = liveMemcached(parsePid(m.readText(file)), m);
    if (pid === null) continue;
    const doubt = m.pidFileDoubt(file, extra.user);
    if (doubt === null) return { pid, activeState: null, down: false };
    doubts.push(`${file} names memcached pid ${pid}, but ${doubt}`);
  }
  if (doubts.length) {
    return {
      pid: null,
      activeState: null,
      down: false,
      unknown: `which process is ${t.label} is unknown: ${doubts.join('; ')}; whoever can change a pid file can make it name any process (a pid file only root and the service's user can change would decide it)`,
    };
  }
  return { pid: null, activeState: null, down: true };
}

/** The `logfile` the Debian start script sends memcached's output to (the last such line), or null. */
export function debianLogfile(text: string): string | null {
  let found: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(?<!\\)#[^#]*/g, '').trim();
    const m = /^logfile\s+(\S.*)$/.exec(line);
    if (m) found = m[1].trim();
  }
  return found;
}

/** Where the service's own error messages are, captured before a restart so only new ones are quoted. */
export interface ErrorSource {
  sinceMs: number;
  logfile: string | null;
  logLength: number;
}

export function errorSource(m: Machine, logfile: string | null): ErrorSource {
  return { sinceMs: m.now(), logfile, logLength: logfile ? Buffer.byteLength(m.readText(logfile) ?? '') : 0 };
}

/**
 * The service's own words about what went wrong since `src` was taken: the journal under systemd, the new
 * part of the log file under SysV and OpenRC; the restart command's output when there is nothing else.
 */
export async function errorExcerpt(t: ServiceTarget, m: Machine, src: ErrorSource, command: CommandResult | null, maxLines = 12): Promise<string> {
  const lines: string[] = [];
  if (t.manager === 'systemd') {
    const since = `@${Math.floor(src.sinceMs / 1000)}`;
    const r = await m.runner.run('journalctl', ['--unit', t.name, '--since', since, '--no-pager', '--output', 'cat', '--lines', String(maxLines)], { timeoutMs: 15_000 });
    if (r.exitCode === 0) lines.push(...r.stdout.split('\n').filter((l) => l.trim() && !/^-- /.test(l)));
  } else if (src.logfile) {
    const all = Buffer.from(m.readText(src.logfile) ?? '');
    // A log rotated meanwhile starts again from the beginning.
    const fresh = all.length >= src.logLength ? all.subarray(src.logLength) : all;
    lines.push(...fresh.toString('utf8').split('\n').filter((l) => l.trim()));
  }
  if (lines.length === 0 && command && command.exitCode !== 0) lines.push(...outputOf(command, maxLines).split('\n').filter((l) => l.trim()));
  return lines.slice(-maxLines).join('\n');
}
