/**
 * A folder thousands of levels deep (an editor's URI, `--stdin-filename`): no .mchardrc can be opened at a
 * path of 4096 bytes or more (PATH_MAX), and findConfig no longer asks for one there. Before, it asked in
 * every folder, and every ask copied the whole path and built an error quoting it: 64,000 levels held the
 * language server 4 s, 200,000 about half a minute, 500,000 minutes.
 */
import { findConfig } from '../../src/engine/config.js';

it('findConfig from a folder 200,000 levels deep returns at once', () => {
  const started = Date.now();
  expect(findConfig(`/nonexistent-mchard-test/${'a/'.repeat(200_000)}etc`)).toBeNull();
  expect(Date.now() - started).toBeLessThan(5_000);
}, 120_000);
