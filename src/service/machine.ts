/**
 * What the service code needs to know about this machine, behind one interface: files, processes, the
 * sockets a process holds, name resolution, commands and the clock. `realMachine()` reads the real one;
 * tests give a fake with a fake command runner.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { processSockets, readProcessSockets, type HeldSocket } from '../system/sockets.js';
import { execaRunner, type CommandRunner } from './runner.js';
import { systemProgram } from '../system/trusted-path.js';
import { readRegularFile } from '../input.js';
import { pidFileDoubt } from '../system/pid-file.js';
import { effectiveUid, parseCmdline, passwdNames } from '../audit/processes.js';

export interface Machine {
  runner: CommandRunner;
  exists(path: string): boolean;
  /** A regular file's text (not through a link, at most 64 MiB), or null when it cannot be read so. */
  readText(path: string): string | null;
  /**
   * Why the pid file at `path` cannot tell which process is the service whose memcached runs as `user`
   * (someone other than root and that user can change it: src/system/pid-file.ts), or null when it can.
   */
  pidFileDoubt(path: string, user: string | null): string | null;
  /** The names in a folder (empty when unreadable). */
  list(dir: string): string[];
  /** The full path of a service manager's program in the system folders (root's alone; never PATH's), or null. */
  which(program: string): string | null;
  /** The command name of a live process (/proc/PID/comm), or null when there is no such process (or a zombie). */
  processName(pid: number): string | null;
  /** The sockets a process listens on. */
  sockets(pid: number): HeldSocket[];
  /** Why some of them cannot be told (a forged record of the unix socket table), or null. */
  socketDoubt?(pid: number): string | null;
  /** A live process's arguments (without argv[0]) and effective user name, or null when it cannot be read. */
  processArgs(pid: number): { words: string[]; user: string | null } | null;
  /** Whether the kernel has IPv6 (memcached skips the `::` wildcard without it). */
  hasIPv6(): boolean;
  /** The numeric addresses a listen host name resolves to. */
  resolve(host: string): Promise<string[]>;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The most of a pid file or log that readText reads (a log longer than this is not quoted). */
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

export function realMachine(runner: CommandRunner = execaRunner): Machine {
  return {
    runner,
    exists: (path) => existsSync(path),
    readText: (path) => {
      // Pid files and logs lie in folders the service's own user may write: a FIFO there would hang the
      // read, a device never end, a link lead to a root-only file that errorExcerpt quotes.
      try {
        return readRegularFile(path, MAX_TEXT_BYTES, { noFollow: 'not read through a link' }).toString('utf8');
      } catch {
        return null;
      }
    },
    pidFileDoubt: (path, user) => pidFileDoubt(path, user),
    list: (dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
    which: (program) => systemProgram(program),
    processName: (pid) => {
      try {
        // A zombie (dead, not yet reaped) still has a name; it is no longer running.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (/\)\s+[ZX]\s/.test(stat)) return null;
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        return null;
      }
    },
    sockets: (pid) => processSockets(pid),
    socketDoubt: (pid) => readProcessSockets(pid).unreadable,
    processArgs: (pid) => {
      try {
        const words = parseCmdline(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
        if (words.length === 0) return null;
        const uid = effectiveUid(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return { words: words.slice(1), user: uid === null ? null : (passwdNames().get(uid) ?? null) };
      } catch {
        return null;
      }
    },
    hasIPv6: () => {
      try {
        return readFileSync('/proc/net/if_inet6', 'utf8').trim() !== '';
      } catch {
        return false;
      }
    },
    resolve: async (host) => {
      try {
        return (await lookup(host, { all: true })).map((a) => a.address);
      } catch {
        return [];
      }
    },
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}
