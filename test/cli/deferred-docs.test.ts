/**
 * The bundle defers every rule's documentation and sources (scripts/build.mjs, lazyRuleDocs): a start of
 * `lint` builds none of it, and V8's code cache carries none of its text. What `explain`, the docs and
 * SARIF read must still be exactly the rules' own: the built core's docsOf/sourcesOf of each rule equal the
 * sources' values, and linting a file makes none of them.
 */
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { RULES } from '../../rules/index.js';
import { ensureBuilt, ROOT, SAMPLES } from './helpers.js';

interface BuiltRule {
  id: string;
  docs: unknown;
  sources: unknown;
}
interface Core {
  RULES: BuiltRule[];
  main(argv: string[], io: unknown): Promise<number>;
  modules: Record<string, Record<string, (r: BuiltRule) => unknown>>;
}

let core: Core;
beforeAll(() => {
  ensureBuilt();
  const bin = createRequire(import.meta.url)(join(ROOT, 'bin', 'mchard.js')) as { loadCore(dist: string, cache: string): { exports: Core } };
  core = bin.loadCore(join(ROOT, 'dist'), 'none').exports;
});

describe('the built core', () => {
  it('holds every rule, its docs and sources deferred, and makes them equal to the sources\' values', () => {
    expect(core.RULES.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const rule = core.modules['src/engine/rule.ts'];
    for (const [k, built] of core.RULES.entries()) {
      expect([built.id, typeof built.docs, typeof built.sources]).toEqual([built.id, 'function', 'function']);
      expect(rule.docsOf(built)).toEqual(RULES[k].docs);
      expect(rule.sourcesOf(built)).toEqual(RULES[k].sources);
    }
  });

  it('lints and inspects without making any rule\'s documentation; explain makes it', () => {
    // A child process counts the deferred functions docsOf/sourcesOf remember (their WeakMap's set).
    const script = `
      const set = WeakMap.prototype.set;
      let deferred = new Set(), made = 0;
      WeakMap.prototype.set = function (k, v) { if (deferred.has(k)) made++; return set.call(this, k, v); };
      const core = require(${JSON.stringify(join(ROOT, 'bin', 'mchard.js'))}).loadCore(${JSON.stringify(join(ROOT, 'dist'))}, 'none').exports;
      deferred = new Set(core.RULES.flatMap((r) => [r.docs, r.sources]));
      const io = { out() {}, err() {}, stdoutStream: {}, stdinIsTTY: false };
      (async () => {
        for (const cmd of ['lint', 'inspect']) await core.main([cmd, process.argv[1]], io);
        const afterLint = made;
        await core.main(['explain', 'MC101'], io);
        process.stdout.write(JSON.stringify([afterLint, made]));
      })();`;
    const r = spawnSync(process.execPath, ['-e', script, join(SAMPLES, 'insecure-debian.conf')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([0, 2]);
  });
});
