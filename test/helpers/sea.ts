/**
 * The single executable (build/sea/mchard) for the tests that run it: built with scripts/build-sea.mjs
 * when it is missing or older than its sources, once even when several test files ask at the same
 * time (they wait on a lock directory that holds the builder's pid).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export const SEA = join(ROOT, 'build', 'sea', 'mchard');
const LOCK = join(ROOT, 'build', '.sea-lock');

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((e) => newest(join(path, e))));
}

function fresh(): boolean {
  if (!existsSync(SEA)) return false;
  const inputs = ['src', 'rules', 'scripts/build-sea.mjs', 'package.json', 'package-lock.json'];
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
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-sea.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      if (r.status !== 0) throw new Error(`npm run build:sea failed: ${r.stderr || r.error}`);
      return Date.now() - started;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
