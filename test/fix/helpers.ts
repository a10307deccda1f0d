/** Shared helpers of the fix tests: planning a fix of a text, and a private build of the CLI. */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, stop } from 'esbuild';
import { SourceText } from '../../src/source.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import type { RuleOptions } from '../../src/engine/types.js';
import type { DialectName } from '../../src/dialects/types.js';
import { planFix, type FixPlan, type FixSettings } from '../../src/fix/plan.js';
import { RULES } from '../../rules/index.js';
import { ROOT } from '../helpers/paths.js';
import { runFix, type FixHooks } from '../../src/cli/fix.js';
import type { Io } from '../../src/cli/io.js';

/**
 * Plans the fix of a text with every rule. Unsafe fixes are applied too (`unsafeFixes`, as `--unsafe-fixes`)
 * unless `fix` says otherwise: these tests are about what the fixes write; test/fix/safety.test.ts is about which apply.
 */
export function fixText(
  text: string,
  dialect: DialectName = 'debian',
  options: Partial<RuleOptions> = {},
  path?: string,
  fix: Partial<Omit<FixSettings, 'rules' | 'options'>> = {},
): FixPlan {
  const p = path ?? (dialect === 'debian' ? '/srv/test/memcached.conf' : '/srv/test/sysconfig/memcached');
  return planFix(new SourceText(p, text), dialect, { rules: RULES, options: { ...defaultRuleOptions(), ...options }, unsafeFixes: true, ...fix });
}

/** The folders buildCli and buildProgram made for the running test file: removed after its tests. */
const built: string[] = [];
afterAll(async () => {
  for (const d of built.splice(0)) rmSync(d, { recursive: true, force: true });
  // Each test file has its own esbuild module, and so its own esbuild service process: ended here, not
  // left to the end of the run (a CI run once hung after its last test with 46 of them still connected).
  await stop();
});
function builtFolder(): string {
  const out = mkdtempSync(join(tmpdir(), 'mchard-build-'));
  built.push(out);
  return out;
}

/**
 * Builds the CLI the way scripts/build.mjs does, into a private folder (so tests running in parallel
 * never see dist/ half rebuilt). Returns the path of the entry file to run with node.
 */
export async function buildCli(): Promise<string> {
  const out = builtFolder();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  await build({
    entryPoints: { mchard: join(ROOT, 'src/cli/entry.ts') },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { __MCHARD_VERSION__: JSON.stringify(pkg.version) },
    banner: { js: "import { createRequire as __mchardRequire } from 'node:module'; const require = __mchardRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return join(out, 'mchard.js');
}

/** Bundles a test's helper program (a TypeScript entry point) into a private folder readable by every user; returns the file to run with node. */
export async function buildProgram(entry: string): Promise<string> {
  const out = builtFolder();
  chmodSync(out, 0o755);
  await build({ entryPoints: { program: entry }, outdir: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', outExtension: { '.js': '.mjs' }, logLevel: 'silent' });
  return join(out, 'program.mjs');
}

/** Starts the bundled test/fix/lock-holder.ts on `path` for `holdMs`; resolves once it holds the lock. */
export async function startLockHolder(program: string, path: string, holdMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [program, path, String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
  });
  return child;
}

/** A stand-in for /etc (`dir/etc/memcached.conf` holding `text`) beside a repository checkout (`dir/repo`). */
export function standInEtc(dir: string, text: string): { etc: string; repo: string } {
  const etc = join(dir, 'etc');
  const repo = join(dir, 'repo');
  mkdirSync(etc);
  mkdirSync(repo);
  writeFileSync(join(etc, 'memcached.conf'), text);
  return { etc, repo };
}

/** A fresh temporary folder for each test of the file (removed after it), and a way to put files in it. */
export function tempFolderPerTest(prefix: string): { readonly path: string; put(name: string, text: string): string } {
  const state = { path: '' };
  beforeEach(() => {
    state.path = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => rmSync(state.path, { recursive: true, force: true }));
  return {
    get path() {
      return state.path;
    },
    put(name: string, text: string): string {
      const p = join(state.path, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** `mchard fix ARGS` in process, its output captured; `tty`: standard input is a terminal. */
export async function runFixCaptured(args: string[], opts: { tty?: boolean; hooks?: FixHooks } = {}) {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), stdoutStream: { isTTY: false }, stdinIsTTY: opts.tty ?? false };
  const code = await runFix(args, io, opts.hooks);
  return { code, out, err };
}
