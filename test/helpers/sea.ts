/**
 * The single executable (build/sea/mchard) for the tests that run it: built with scripts/build-sea.mjs
 * when it is missing or older than its sources, once even when several test files ask at the same
 * time (they wait on a lock directory that holds the builder's pid).
 *
 * The executable starts from a V8 start-up snapshot taken on the build machine, so the tests build it
 * the way a build machine unlike any server would: in a folder of its own, with an environment no test
 * runs it with (BUILD_ENV: colours forced, debugging on, the code cache off, another HOME, cache folder,
 * PATH, terminal and time zone). A value the snapshot kept from the build would then show in the tests'
 * runs (test/integration/sea.test.ts compares every output with the npm package's). An executable built
 * any other way (npm run build:sea, the benchmark) is rebuilt: build/sea/mchard.test-build records the
 * modification time of the one the tests built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export const SEA = join(ROOT, 'build', 'sea', 'mchard');
const LOCK = join(ROOT, 'build', '.sea-lock');
const MARK = join(ROOT, 'build', 'sea', 'mchard.test-build');

/** The build's environment: what the tests' runs never have (see above). */
export const BUILD_ENV: Record<string, string> = {
  FORCE_COLOR: '1',
  MCHARD_DEBUG: '1',
  MCHARD_CODE_CACHE: 'off',
  TERM: 'xterm-256color',
  TZ: 'Pacific/Kiritimati',
  LANG: 'de_DE.UTF-8',
  PATH: `/opt/mchard-build-only/bin:${process.env.PATH ?? '/usr/bin:/bin'}`,
  // A value found nowhere else: the executable's bytes must not hold it.
  MCHARD_SEA_BUILD_MARK: 'mchard-build-environment-only-7f3a',
};
/** The prefix of the folder the tests build in (its cwd, HOME and cache folder are inside). */
export const BUILD_PLACE_PREFIX = 'mchard-sea-build-';

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((e) => newest(join(path, e))));
}

function fresh(): boolean {
  if (!existsSync(SEA) || !existsSync(MARK)) return false;
  if (readFileSync(MARK, 'utf8') !== String(statSync(SEA).mtimeMs)) return false;
  const inputs = ['src', 'rules', 'samples', 'scripts/build-sea.mjs', 'scripts/sea-top-level.mjs', 'scripts/build.mjs', 'package.json', 'package-lock.json'];
  return statSync(SEA).mtimeMs >= Math.max(...inputs.map((p) => newest(join(ROOT, p))));
}

function lockOwnerAlive(): boolean {
  try {
    process.kill(Number(readFileSync(join(LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/** Builds the executable if needed; returns how long the build took in milliseconds (0: none). */
export async function ensureSea(): Promise<number> {
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  for (;;) {
    if (fresh()) return 0;
    try {
      mkdirSync(LOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      await new Promise((r) => setTimeout(r, 500));
      if (existsSync(join(LOCK, 'pid')) && !lockOwnerAlive()) rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    try {
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      if (fresh()) return 0;
      const started = Date.now();
      // A folder and a home of the build's own, removed afterwards: the runs never see them.
      const place = mkdtempSync(join(tmpdir(), BUILD_PLACE_PREFIX));
      try {
        const env: NodeJS.ProcessEnv = { ...process.env, ...BUILD_ENV, HOME: join(place, 'home'), XDG_CACHE_HOME: join(place, 'cache') };
        delete env.NO_COLOR;
        const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-sea.mjs')], { cwd: place, env, encoding: 'utf8', timeout: 300_000 });
        if (r.status !== 0) throw new Error(`npm run build:sea failed: ${r.stderr || r.error}`);
      } finally {
        rmSync(place, { recursive: true, force: true });
      }
      writeFileSync(MARK, String(statSync(SEA).mtimeMs));
      return Date.now() - started;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
