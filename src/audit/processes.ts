/**
 * Finding the memcached processes of this machine in /proc: a process running a binary named `memcached`.
 * Kernel threads and zombies have an empty cmdline and are skipped.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import type { ProcessInfo } from './types.js';
import { systemdUnitOfCgroup, unitOfCgroup } from './unit.js';
import { netnsNames, processNamespaces } from '../system/namespaces.js';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** /proc/PID/cmdline: NUL-terminated words. */
export function parseCmdline(raw: string): string[] {
  if (raw === '') return [];
  const words = raw.split('\0');
  if (words.at(-1) === '') words.pop();
  return words;
}

/** The effective UID from /proc/PID/status (`Uid: real effective saved fs`). */
export function effectiveUid(status: string): number | null {
  const m = /^Uid:\s+\d+\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** User names by UID, from /etc/passwd. */
export function passwdNames(path = '/etc/passwd'): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of (read(path) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2]) && !out.has(Number(f[2]))) out.set(Number(f[2]), f[0]);
  }
  return out;
}

/**
 * When a process started: field 22 of /proc/PID/stat (clock ticks since boot) plus the boot time from
 * /proc/stat. Linux reports ticks at USER_HZ, 100 on every mainstream architecture.
 */
export function startTime(stat: string, procStat: string, ticksPerSecond = 100): number | null {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[19]);
  const boot = /^btime\s+(\d+)/m.exec(procStat);
  if (!Number.isFinite(ticks) || !boot) return null;
  return Number(boot[1]) * 1000 + Math.round((ticks * 1000) / ticksPerSecond);
}

/**
 * A memcached process runs the memcached binary: /proc/PID/exe (` (deleted)` after an upgrade replaced it)
 * names it. `comm` alone is not enough: a script run through its #! line (/etc/init.d/memcached) has the
 * script's name as `comm`. When the link cannot be read, argv[0] decides.
 */
export function isMemcached(exe: string | null, argv0: string): boolean {
  if (exe !== null) return basename(exe.replace(/ \(deleted\)$/, '')) === 'memcached';
  return basename(argv0) === 'memcached';
}

/**
 * The longest command line (its words, each with its NUL) audited: far beyond a real memcached's few hundred
 * bytes (a root-started one with 30,000 -v, 90 kB, is still audited), far below the 1.1 MB that 20 of nobody's
 * processes named memcached held a root audit with for minutes.
 */
export const MAX_ARGV_BYTES = 256 * 1024;
/** A command line longer than this (a real memcached's are a few hundred bytes) counts against LONG_ARGV_BUDGET. */
export const LONG_ARGV_BYTES = 8 * 1024;
/**
 * The most bytes of long command lines (over LONG_ARGV_BYTES) of processes not running as root that one
 * audit reads and lints. Reading and linting a 250 kB command line costs about 0.3 s and 13 MB kept until
 * the report: 300 of nobody's processes named memcached with 250 kB of -v each held root's audit 115 s
 * and then ended it out of memory (4 GB), reporting nothing, not even the real memcached. Past the budget
 * such a process's arguments are not read (`unread`), it is not audited, and the audit says so.
 */
export const LONG_ARGV_BUDGET = 1024 * 1024;

/** Which command lines one discovery reads into words: what of LONG_ARGV_BUDGET is used. */
export interface ArgvBudget {
  used: number;
}

/** Why a command line of `bytes` is not read into words, or null (and the budget is charged). */
function unreadReason(uid: number | null, bytes: number, budget: ArgvBudget): ProcessInfo['unread'] | null {
  if (bytes > MAX_ARGV_BYTES) return 'too-long';
  if (uid === 0 || bytes <= LONG_ARGV_BYTES) return null;
  if (budget.used + bytes > LONG_ARGV_BUDGET) return 'over-budget';
  budget.used += bytes;
  return null;
}

/** One process, or null when it is not (or no longer) a memcached process. */
export function readProcess(pid: number, proc = '/proc', users = passwdNames(), netns: ReadonlyMap<number, string> = netnsNames(), budget: ArgvBudget = { used: 0 }): ProcessInfo | null {
  const raw = read(`${proc}/${pid}/cmdline`) ?? '';
  if (raw === '') return null;
  // argv[0] alone first: the arguments are split only for a process audit will lint.
  const nul = raw.indexOf('\0');
  const argv0 = nul === -1 ? raw : raw.slice(0, nul);
  let exe: string | null = null;
  try {
    exe = readlinkSync(`${proc}/${pid}/exe`);
  } catch {
    // not ours to read, or the process ended
  }
  if (!isMemcached(exe, argv0)) return null;
  const uid = effectiveUid(read(`${proc}/${pid}/status`) ?? '');
  // The kernel's length in bytes: the words, each with its NUL (a last word without one counts one).
  const argvBytes = Buffer.byteLength(raw) + (raw.endsWith('\0') ? 0 : 1);
  const unread = unreadReason(uid, argvBytes, budget);
  const words = unread ? [argv0] : parseCmdline(raw);
  const stat = read(`${proc}/${pid}/stat`);
  const procStat = read(`${proc}/stat`);
  const cgroup = read(`${proc}/${pid}/cgroup`) ?? '';
  return {
    pid,
    argv0: words[0],
    words: words.slice(1),
    uid,
    user: uid === null ? null : (users.get(uid) ?? null),
    exe,
    argvBytes,
    ...(unread ? { unread } : {}),
    unit: unitOfCgroup(cgroup),
    cgroupUnit: systemdUnitOfCgroup(cgroup),
    startedAt: stat && procStat ? startTime(stat, procStat) : null,
    namespaces: processNamespaces(pid, proc, netns),
  };
}

/** Every memcached process, by pid; with `pids`, only those (a pid that is not memcached is left out). */
export function findMemcachedProcesses(proc = '/proc', pids?: readonly number[]): ProcessInfo[] {
  const users = passwdNames();
  const netns = netnsNames();
  let list: number[];
  if (pids) list = [...pids];
  else {
    try {
      list = readdirSync(proc).filter((e) => /^\d+$/.test(e)).map(Number);
    } catch {
      list = [];
    }
  }
  const out: ProcessInfo[] = [];
  const budget: ArgvBudget = { used: 0 };
  for (const pid of list.sort((a, b) => a - b)) {
    const p = readProcess(pid, proc, users, netns, budget);
    if (p) out.push(p);
  }
  return out;
}

/** What this process may not see of the machine's processes (each null when nothing is hidden that way). */
export interface ProcessVisibility {
  /** /proc hides other users' processes from this user (hidepid), and how. */
  hidden: string | null;
  /** mchard runs in a PID namespace other than the machine's first (a container's). */
  pidNamespace: string | null;
}

/** The inode of the kernel's initial PID namespace (PROC_PID_INIT_INO, include/linux/proc_ns.h). */
const INITIAL_PID_NAMESPACE = 'pid:[4026531836]';

/**
 * What `audit` cannot see, so that "no running memcached process" is never said of processes it could not
 * look at: the `hidepid` option of the proc mount (a user who is not root, and not in its `gid=` group,
 * sees only their own processes), and a PID namespace of its own (a container: the host's processes and
 * other containers' are outside it). Unknown (not readable) counts as nothing hidden, as before.
 */
export function processVisibility(proc = '/proc', euid = process.geteuid?.() ?? 0, groups: readonly number[] = process.getgroups?.() ?? []): ProcessVisibility {
  let hidden: string | null = null;
  if (euid !== 0) {
    // The proc file system mounted at `proc` (the last line for it is the one on top).
    let options: string | null = null;
    for (const line of (read(`${proc}/self/mountinfo`) ?? '').split('\n')) {
      const dash = line.indexOf(' - ');
      if (dash < 0) continue;
      const before = line.slice(0, dash).split(' ');
      const after = line.slice(dash + 3).split(' ');
      if (before[4] === proc && after[0] === 'proc') options = after[2] ?? '';
    }
    const opts = (options ?? '').split(',');
    const hidepid = opts.find((o) => o.startsWith('hidepid='))?.slice('hidepid='.length);
    const gid = opts.find((o) => o.startsWith('gid='))?.slice('gid='.length);
    const exempt = gid !== undefined && groups.includes(Number(gid));
    if (hidepid !== undefined && !['0', 'off'].includes(hidepid) && !exempt) {
      hidden = `${proc} is mounted with hidepid=${hidepid}: the processes of other users are hidden from this user${gid !== undefined ? ` (not in group ${gid})` : ''}`;
    }
  }
  let pidNamespace: string | null = null;
  try {
    const ns = readlinkSync(`${proc}/self/ns/pid`);
    if (ns !== INITIAL_PID_NAMESPACE) pidNamespace = `mchard runs in a PID namespace of its own (${ns}, a container's): the processes of the host and of other containers are not visible`;
  } catch {
    // not readable: nothing known
  }
  return { hidden, pidNamespace };
}
