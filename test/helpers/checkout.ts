/**
 * This working tree as a fresh clone of it would have it: the files git tracks or would track (so no
 * dist/ and no node_modules/), copied to another folder. For the tests that build or install mchard
 * from a checkout (the npm package, the GitHub Action) without committing first.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../cli/helpers.js';

export function copyCheckout(to: string): void {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  for (const f of r.stdout.split('\0')) {
    if (!f || !existsSync(join(ROOT, f)) || lstatSync(join(ROOT, f)).isDirectory()) continue;
    mkdirSync(dirname(join(to, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(to, f));
  }
}
