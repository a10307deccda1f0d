/**
 * A code-action request for a range holding many diagnostics (redteam7): the server planned the fix of
 * every one, each plan linting the document a few times, and answered nothing else meanwhile: 100
 * diagnostics of a 45 kB document held it 25 s. Now it plans at most MAX_PLANNED_ACTIONS per request; a
 * client that resolves code actions gets the others unplanned (their edits come with resolve).
 */
import { ensureBuilt, TempDir } from '../cli/helpers.js';
import { CLIENT_CAPABILITIES, fileUri, LspSession } from './client.js';
import { MAX_PLANNED_ACTIONS } from '../../src/lsp/server.js';

let tmp: TempDir;
let session: LspSession;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-lsp-actions-');
}, 180_000);
afterAll(() => tmp?.cleanup());
afterEach(() => session?.kill());

const TEXT = '-u memcache\n-l 127.0.0.1\n-U 0\n' + '-t 4\n'.repeat(9000);
const whole = { start: { line: 0, character: 0 }, end: { line: 9003, character: 0 } };

it('plans at most 8 quick fixes for one request, and the fix-all action', async () => {
  session = LspSession.start({ cwd: tmp.path });
  await session.initialize();
  const uri = fileUri(tmp.join('a', 'memcached.conf'));
  await session.open(uri, TEXT);
  const diags = (await session.diagnosticsOf(uri, 1)).filter((d) => d.code === 'MC803');
  expect(diags).toHaveLength(100);
  const t0 = Date.now();
  const actions = await session.codeActions(uri, whole, diags);
  const ms = Date.now() - t0;
  expect(MAX_PLANNED_ACTIONS).toBe(8);
  const quick = actions.filter((a) => a.kind === 'quickfix');
  expect(quick).toHaveLength(8);
  for (const a of quick) expect(a.edit).toBeDefined();
  expect(actions.filter((a) => a.kind === 'source.fixAll.mchard')).toHaveLength(1);
  // Before: 25 s for 100 plans (about 0.25 s each).
  expect(ms).toBeLessThan(15_000);
  // Asked again, the same eight come from the cache, and the next request plans no more than eight new ones.
  const again = await session.codeActions(uri, whole, diags);
  expect(again.filter((a) => a.kind === 'quickfix').length).toBeLessThanOrEqual(16);
}, 90_000);

it('a client that resolves code actions gets every quick fix, the ones past the limit unplanned', async () => {
  session = LspSession.start({ cwd: tmp.path });
  const caps = structuredClone(CLIENT_CAPABILITIES);
  caps.textDocument!.codeAction!.resolveSupport = { properties: ['edit'] };
  await session.initialize(caps);
  const uri = fileUri(tmp.join('b', 'memcached.conf'));
  await session.open(uri, TEXT);
  const diags = (await session.diagnosticsOf(uri, 1)).filter((d) => d.code === 'MC803');
  const actions = (await session.codeActions(uri, whole, diags)).filter((a) => a.kind === 'quickfix');
  expect(actions).toHaveLength(100);
  expect(actions.filter((a) => a.edit).length).toBe(8);
  expect(actions.filter((a) => !a.edit && a.data).length).toBe(92);
}, 90_000);
