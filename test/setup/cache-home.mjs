/**
 * The test run's own code-cache folder. mchard writes a code cache to the user's cache folder after a
 * run that had none V8 took (bin/mchard.js), and several tests run copies of the package without the
 * build's caches: without this, a test run fills the developer's ~/.cache/mchard (and the CI machine's),
 * and those caches, looked for before the build's, then shape later runs outside the tests. Jest's
 * workers inherit this environment; tests that are about the cache folder set their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'mchard-test-cache-'));
  process.env.XDG_CACHE_HOME = dir;
  process.env.MCHARD_TEST_CACHE_HOME = dir;
}

export function teardown() {
  const dir = process.env.MCHARD_TEST_CACHE_HOME;
  if (dir && dir.startsWith(join(tmpdir(), 'mchard-test-cache-'))) rmSync(dir, { recursive: true, force: true });
}
