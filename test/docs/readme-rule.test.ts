/**
 * The README's "Adding a rule" example is a real module: compiled from the README as written, it declares
 * a valid rule, reports its bad example and not its good one, and its fix works through mchard fix.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';
import { SourceText } from '../../src/source.js';
import { lintSource } from '../../src/engine/lint.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { planFix } from '../../src/fix/plan.js';
import type { Rule } from '../../src/engine/rule.js';
import { ROOT } from '../helpers/paths.js';

function example(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Adding a rule'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README: no ts example under "Adding a rule"');
  return m[1];
}

let rule: Rule;
let dir = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), `mchard-readme-${process.pid}-`));
  const out = join(dir, 'rule.mjs');
  await build({
    stdin: { contents: example(), resolveDir: join(ROOT, 'rules'), loader: 'ts', sourcefile: 'README example' },
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  rule = (await import(pathToFileURL(out).href)).rule as Rule;
}, 60_000);
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await stop(); // this test file's esbuild service process (see test/fix/helpers.ts)
});

describe('the README example rule', () => {
  const lint = (text: string) => lintSource(new SourceText('/srv/memcached.conf', text), 'debian', { rules: [rule], options: defaultRuleOptions() });

  it('is a rule declaration the engine accepts', () => {
    expect(rule).toMatchObject({ id: 'MC599', phase: 'settings', dialects: 'all', fix: expect.objectContaining({ safety: 'unsafe' }) });
  });

  it('reports its bad example, fixably, and not its good one', () => {
    const bad = lint(rule.docs.example.bad).findings;
    expect(bad).toEqual([expect.objectContaining({ ruleId: 'MC599', line: 4, fix: expect.objectContaining({ safety: 'unsafe' }) })]);
    expect(lint(rule.docs.example.good).findings).toEqual([]);
  });

  it('its fix is held back without --unsafe-fixes and removes -k with it', () => {
    const plan = (unsafeFixes: boolean) =>
      planFix(new SourceText('/srv/memcached.conf', rule.docs.example.bad), 'debian', { rules: [rule], options: defaultRuleOptions(), unsafeFixes });
    expect(plan(false).heldBack.map((h) => h.ruleId)).toEqual(['MC599']);
    expect(plan(true).text).toBe('-u memcache\n-l 127.0.0.1\n-U 0\n# mchard: -k removed (MC599 example-lock-memory)\n');
  });
});
