import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './paths.js';

/** test/fixtures/real: real files from public repositories (MANIFEST.tsv gives each one's provenance). */
export const REAL_FIXTURES = join(ROOT, 'test', 'fixtures', 'real');

/** A real fixture's text. */
export const realText = (fixture: string): string => readFileSync(join(REAL_FIXTURES, fixture), 'utf8');

/** Copies a real fixture to `path` under `dir` (its folders made), byte for byte; returns the copy's path. */
export function placeReal(dir: string, fixture: string, path: string): string {
  const p = join(dir, path);
  mkdirSync(dirname(p), { recursive: true });
  copyFileSync(join(REAL_FIXTURES, fixture), p);
  return p;
}
