/**
 * Running the service manager's commands: an interface the service code calls, so tests can answer in
 * its place, and the real one over execa. A command is a program and an argument array, never a shell
 * string; it never throws for a failing command, it reports how it ended.
 */
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { shellQuote } from '../report/visible.js';
import { aclWriterOf } from '../fix/xattrs.js';
import { notRootControlled, SYSTEM_PATH, SYSTEM_PROGRAM_DIRS, systemProgram } from '../system/trusted-path.js';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CommandResult {
  /** The program and its arguments, for messages. */
  command: string[];
  /** Exit status; null when the program could not be run, was killed or timed out. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why the program did not run or did not end by itself (not found, timeout, signal). */
  failure: string | null;
}

export interface RunOptions {
  timeoutMs?: number;
}

export interface CommandRunner {
  run(file: string, args: readonly string[], opts?: RunOptions): Promise<CommandResult>;
}

/** `systemctl restart memcached.service` as a person would type it (for messages only). */
export function shown(command: readonly string[]): string {
  return command.map(shellQuote).join(' ');
}

/** The output a person wants to see when a command failed: stderr, else stdout, trimmed to a few lines. */
export function outputOf(r: CommandResult, maxLines = 10): string {
  const text = (r.stderr.trim() || r.stdout.trim()).split('\n');
  return text.slice(-maxLines).join('\n');
}

/** Whether the command ran and exited 0. */
export function succeeded(r: CommandResult): boolean {
  return r.exitCode === 0;
}

const DEFAULT_TIMEOUT_MS = 90_000;

/**
 * A file for a command's output that has no name: created in the temporary folder and unlinked at once,
 * so nothing is left behind however mchard ends (even killed with SIGKILL), while the open descriptor
 * keeps it readable.
 */
function anonymousFile(): number {
  const path = join(tmpdir(), `.mchard-cmd-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = openSync(path, 'wx+', 0o600);
  unlinkSync(path);
  return fd;
}

/** Output kept of a command: its last 64 KiB (messages quote a few lines of it). */
const KEEP_BYTES = 64 * 1024;

/** What a command wrote to a descriptor (its last KEEP_BYTES), without the final newline. */
function readBack(fd: number): string {
  const size = fstatSync(fd).size;
  const start = Math.max(0, size - KEEP_BYTES);
  const buf = Buffer.alloc(size - start);
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, start + off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off).toString('utf8').replace(/\n$/, '');
}

/** execa hands any file descriptor to spawn(); its types only list the standard ones. */
const descriptor = (fd: number) => fd as unknown as 'inherit';

export const execaRunner: CommandRunner = {
  async run(file, args, opts = {}) {
    const { execa } = await import('execa');
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // A bare name (systemctl) from the system folders only, never the caller's PATH: mchard runs it as root.
    // A path (an init script with no `service` here) only when it and its folders are root's alone.
    const program = file.includes('/') ? file : systemProgram(file);
    const refused = program === null ? `not found as a program only root can change in ${SYSTEM_PROGRAM_DIRS.join(', ')}` : notRootControlled(program, aclWriterOf);
    if (program === null || refused !== null) {
      return { command: [file, ...args], exitCode: null, stdout: '', stderr: '', timedOut: false, failure: `not run: ${refused}` };
    }
    // Output goes to files, not pipes: a daemon that an init script starts may keep the descriptors it
    // inherited, and a pipe would then stay open (and the command seem to run) as long as the daemon lives.
    const outFd = anonymousFile();
    const errFd = anonymousFile();
    let r;
    let stdout = '';
    let stderr = '';
    try {
      r = await execa(program, [...args], {
        reject: false,
        timeout,
        stdin: 'ignore',
        stdout: descriptor(outFd),
        stderr: descriptor(errFd),
        // Service scripts then print in the C locale, which the messages quoted to the user expect.
        // And the system PATH: `service` hands its own PATH to the init script.
        env: { LANG: 'C', LC_ALL: 'C', PATH: SYSTEM_PATH },
        // A session of its own: Ctrl-C at mchard's terminal reaches mchard (which finishes or rolls back),
        // never a service script half-way through a restart.
        detached: true,
      });
      stdout = readBack(outFd);
      stderr = readBack(errFd);
    } finally {
      closeSync(outFd);
      closeSync(errFd);
    }
    let failure: string | null = null;
    if (r.timedOut) failure = `timed out after ${Math.round(timeout / 1000)} s`;
    else if (r.exitCode === undefined && r.signal) failure = `killed by ${r.signal}`;
    else if (r.exitCode === undefined) failure = r.shortMessage ?? 'could not be run';
    return { command: [file, ...args], exitCode: r.exitCode ?? null, stdout, stderr, timedOut: r.timedOut === true, failure };
  },
};
