/**
 * The language server lists a document's findings as a report does (capFindings): at most 100 of a rule
 * and 1000 of a document, the most severe first, and one more diagnostic saying how many it left out.
 * Before, it sent the first 1000 in the document's order: a document of repeated options filled them with
 * warnings, and what was left out said `mchard lint` would list it (lint now caps too).
 */
import { ensureBuilt, TempDir } from '../cli/helpers.js';
import { fileUri, LspSession } from './client.js';

let tmp: TempDir;
let session: LspSession;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-lsp-cap-');
}, 180_000);
afterAll(() => tmp?.cleanup());
afterEach(() => session?.kill());

it('a document of thousands of findings: 100 of each rule, and one diagnostic with the count left out', async () => {
  session = LspSession.start({ cwd: tmp.path });
  await session.initialize();
  const uri = fileUri(tmp.join('etc', 'memcached.conf'));
  await session.open(uri, '-l 0.0.0.0\n-U 11211\n-p 11211\n-X\n--foo\n-c 1\n'.repeat(2000));
  const diags = await session.diagnosticsOf(uri, 1);
  const byCode = new Map<string, number>();
  for (const d of diags) byCode.set(String(d.code ?? '-'), (byCode.get(String(d.code ?? '-')) ?? 0) + 1);
  expect(byCode.get('MC803')).toBe(100);
  expect(byCode.get('MC801')).toBe(100);
  const last = diags[diags.length - 1];
  expect(last.code).toBeUndefined();
  expect(last.message).toMatch(/^\d+ more findings not shown \(at most 100 of a rule and 1000 of a document are; mchard lint --all-findings lists them all\)$/);
  const left = Number(/^\d+/.exec(String(last.message))![0]);
  // Every finding is either a diagnostic or counted in the last one.
  expect(diags.length - 1 + left).toBeGreaterThan(7000);
  expect(diags.length).toBeLessThan(300);
}, 60_000);
