/**
 * The language server on a Compose file of a default name with the override docker compose merges beside
 * it (vinted/vmemcached-rs's base and override, fixtures 301 and 300): its diagnostics are what `mchard
 * lint` reports for the same file, which says the override may publish memcached, not "only containers
 * on the same Compose network reach it".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, ROOT, runBin, TempDir } from '../cli/helpers.js';
import { fileUri, LspSession } from './client.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');
const SEVERITY: Record<string, number> = { error: 1, warning: 2, info: 3 };

let tmp: TempDir;
let session: LspSession | undefined;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-lsp-override-');
}, 180_000);
afterAll(() => {
  session?.kill();
  tmp?.cleanup();
});

it('diagnostics of a Compose file with an override beside it equal mchard lint, which names the override', async () => {
  const text = real('compose/301-vinted-vmemcached-rs-docker-compose.base.yml');
  const base = tmp.write('app/docker-compose.yml', text);
  tmp.write('app/docker-compose.override.yml', real('compose/300-vinted-vmemcached-rs-docker-compose.ci.yml'));
  const lint = JSON.parse(runBin(['lint', '--format', 'json', base], { cwd: tmp.path }).out) as { files: { findings: { ruleId: string; severity: string; message: string }[] }[] };
  const want = lint.files[0].findings.map((f) => `${f.ruleId} ${SEVERITY[f.severity]} ${f.message}`).sort();
  expect(want.some((w) => w.includes('docker compose merges docker-compose.override.yml beside it'))).toBe(true);
  session = LspSession.start({ cwd: tmp.path });
  await session.initialize();
  await session.open(fileUri(base), text);
  const diags = await session.diagnosticsOf(fileUri(base), 1);
  const got = diags.map((d) => `${d.code} ${d.severity} ${String(d.message).replace(/ \([a-z0-9-]+\)$/, '')}`).sort();
  expect(got).toEqual(want);
  expect(got.join('\n')).not.toContain('only containers on the same Compose network reach it');
}, 120_000);
