/**
 * Helpers for the command-line tests: running `main` in-process with a capturing Io, temporary folders,
 * and running the built executable (`bin/mchard.js`) as a real process.
 */
import { mkdtempSync, rmSync, statSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync, execFileSync, type SpawnSyncOptions } from 'node:child_process';
import type { Io } from '../../src/cli/io.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SAMPLES = join(ROOT, 'samples');
export const BIN = join(ROOT, 'bin', 'mchard.js');

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

export interface RunOptions {
  /** Whether standard output is a terminal. */
  tty?: boolean;
  /** Environment variables to set (undefined: unset) for the call; NO_COLOR, FORCE_COLOR and TERM are unset unless given. */
  env?: Record<string, string | undefined>;
}

/** A capturing Io. */
export function captureIo(tty = false): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    stdoutStream: { isTTY: tty },
    stdinIsTTY: false,
  };
}

/**
 * Runs `mchard ARGV` in-process. `main` is imported when called, so a test file that mocks the rule
 * catalogue (jest.unstable_mockModule) gets the mocked one.
 */
export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { main } = await import('../../src/cli/main.js');
  const io = captureIo(opts.tty ?? false);
  // Colour follows the test's own choices, never the terminal the tests run in (TERM=dumb turns it off).
  const env = { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: undefined, ...opts.env };
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await main(argv, io);
    return { code, out: io.stdout.join(''), err: io.stderr.join('') };
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A temporary folder, removed by `cleanup()`. */
export class TempDir {
  readonly path: string;

  constructor(prefix = 'mchard-test-') {
    this.path = mkdtempSync(join(tmpdir(), prefix));
  }

  /** Writes a file (creating folders) and returns its absolute path. */
  write(rel: string, content: string | Uint8Array): string {
    const p = join(this.path, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  }

  join(...parts: string[]): string {
    return join(this.path, ...parts);
  }

  cleanup(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/**
 * The test file's folder for the built program's runs: the build is checked before its tests (beforeAll,
 * which may build), and the folder removed after them.
 */
export function builtTempDir(): TempDir {
  const dir = new TempDir();
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(() => dir.cleanup());
  return dir;
}

/** The error lines a command wrote: each must be a single `mchard: ...` line, never a stack trace. */
export function errorLines(err: string): string[] {
  return err.split('\n').filter((l) => l !== '');
}

export const NO_STACK = /\n\s+at |Error:|node:internal|\.ts:\d+/;

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** Builds the bundle (`node scripts/build.mjs`) when dist/mchard.js is missing or older than its sources. */
export function ensureBuilt(): void {
  const out = join(ROOT, 'dist', 'mchard.js');
  const sources = Math.max(
    newestMtime(join(ROOT, 'src')),
    newestMtime(join(ROOT, 'rules')),
    newestMtime(join(ROOT, 'scripts', 'build.mjs')),
    newestMtime(join(ROOT, 'package.json')),
  );
  if (existsSync(out) && statSync(out).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

export interface BinResult extends RunResult {
  signal: NodeJS.Signals | null;
}

/**
 * Runs the built executable as a real process, as users run it: bin/mchard.js as a program (its shell
 * starts the start-up snapshot when it is this node's: the node first in PATH here is this one), or with
 * MCHARD_TEST_NODE_BIN=1 in the test's environment as `node bin/mchard.js` (no snapshot).
 * `prefix` runs it through another program (setpriv).
 */
export function runBin(
  args: string[],
  opts: { input?: string | Uint8Array; cwd?: string; env?: Record<string, string | undefined>; prefix?: string[] } = {},
): BinResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: undefined, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const prefix = opts.prefix ?? [];
  env.PATH = `${dirname(process.execPath)}:${env.PATH ?? ''}`;
  const cmd = [...prefix, ...(process.env.MCHARD_TEST_NODE_BIN === '1' ? [process.execPath] : []), BIN, ...args];
  const options: SpawnSyncOptions = {
    cwd: opts.cwd ?? tmpdir(),
    env: env as NodeJS.ProcessEnv,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 30000,
    maxBuffer: 256 * 1024 * 1024,
  };
  const r = spawnSync(cmd[0], cmd.slice(1), options);
  if (r.error) throw r.error;
  return { code: r.status ?? -1, signal: r.signal, out: String(r.stdout), err: String(r.stderr) };
}
