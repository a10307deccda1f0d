/**
 * A machine for the service tests: files, programs and processes are declared, commands go to a fake
 * runner that records them and answers through handlers, and the clock only moves when code sleeps.
 * The sockets a fake process holds can point at a real loopback server, so the version probe is real.
 */
import { createServer, type Server } from 'node:net';
import type { Machine } from '../../src/service/machine.js';
import type { CommandResult } from '../../src/service/runner.js';
import type { HeldSocket } from '../../src/system/sockets.js';

type Handler = (command: string[]) => Partial<CommandResult> | undefined;

export class FakeMachine implements Machine {
  files = new Map<string, string>();
  paths = new Set<string>();
  programs = new Set<string>(['systemctl', 'journalctl', 'service', 'rc-service']);
  processes = new Map<number, { name: string; sockets: HeldSocket[]; words?: string[]; user?: string }>();
  calls: string[][] = [];
  clock = 1_700_000_000_000;
  ipv6 = true;
  hosts = new Map<string, string[]>();
  private handlers: Handler[] = [];

  /** Answers commands: the first handler that returns something wins; unanswered commands exit 0 with no output. */
  on(handler: Handler): this {
    this.handlers.push(handler);
    return this;
  }

  /** Sees every command before the other handlers (to act on it, such as sending a signal, and answer nothing). */
  watch(handler: (command: string[]) => void): this {
    this.handlers.unshift((c) => void handler(c));
    return this;
  }

  runner = {
    run: async (file: string, args: readonly string[]): Promise<CommandResult> => {
      const command = [file, ...args];
      this.calls.push(command);
      for (const h of this.handlers) {
        const r = h(command);
        if (r) return { command, exitCode: 0, stdout: '', stderr: '', timedOut: false, failure: null, ...r };
      }
      return { command, exitCode: 0, stdout: '', stderr: '', timedOut: false, failure: null };
    },
  };

  /** Pid files someone other than root and the service's user could change, and why. */
  doubts = new Map<string, string>();
  pidFileDoubt = (path: string) => this.doubts.get(path) ?? null;
  exists = (path: string) => this.paths.has(path) || this.files.has(path);
  readText = (path: string) => this.files.get(path) ?? null;
  list = (dir: string) => [...this.files.keys(), ...this.paths].filter((p) => p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes('/')).map((p) => p.slice(dir.length + 1));
  which = (program: string) => (this.programs.has(program) ? `/usr/bin/${program}` : null);
  processName = (pid: number) => this.processes.get(pid)?.name ?? null;
  sockets = (pid: number) => this.processes.get(pid)?.sockets ?? [];
  socketDoubt?: (pid: number) => string | null;
  processArgs = (pid: number) => {
    const p = this.processes.get(pid);
    return p?.words ? { words: p.words, user: p.user ?? null } : null;
  };
  hasIPv6 = () => this.ipv6;
  resolve = async (host: string) => this.hosts.get(host) ?? [];
  now = () => this.clock;
  sleep = async (ms: number) => {
    this.clock += ms;
  };

  /** The commands run, as shell-like strings, without the status queries. */
  actions(): string[] {
    return this.calls.filter((c) => !(c[0] === 'systemctl' && c[1] === 'show')).map((c) => c.join(' '));
  }
}

/** A loopback server that answers `version` the way memcached does (or with `reply`). */
export async function versionServer(reply = 'VERSION 1.6.18\r\n'): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((sock) => {
    sock.on('data', (d) => {
      if (d.toString().startsWith('version')) sock.write(reply);
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { port, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * `systemctl show --property=ExecStart --property=EnvironmentFiles` as systemd 252 prints it
 * (src/systemctl/systemctl-show.c): Debian's units, the wrapper run on the unit's file (%i resolved).
 */
export function debianExecStart(unit: string): string {
  const file = unit === 'memcached.service' ? '/etc/memcached.conf' : `/etc/memcached_${/@(.+)\.service$/.exec(unit)?.[1]}.conf`;
  const wrapper = '/usr/share/memcached/scripts/systemd-memcached-wrapper';
  return `ExecStart={ path=${wrapper} ; argv[]=${wrapper} ${file} ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n`;
}
