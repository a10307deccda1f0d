/**
 * The fix diff built from the plan's line origins (linear in the file) against `diff`'s general
 * algorithm: on every sample and shared-corpus file in each dialect, and on generated files with many
 * scattered fixes, the two patches are the same text, and the patch applies back to the fixed text.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyPatch } from 'diff';
import { unifiedDiff } from '../../src/fix/diff.js';
import { applyEdits, identityOrigin } from '../../src/fix/text-edit.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { loadAllDialects } from '../../src/dialects/index.js';
import { decodeConfig } from '../../src/input.js';
import { fixText } from './helpers.js';
import { ROOT, SHARED } from '../helpers/paths.js';

beforeAll(async () => {
  await loadAllDialects();
});

function realFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.(tsv|md|json)$/.test(e.name)) out.push(p);
    }
  };
  walk(join(ROOT, 'samples'));
  walk(join(SHARED, 'corpus'));
  walk(join(ROOT, 'test', 'fixtures', 'real'));
  return out.sort();
}

function bothDiffs(path: string, before: string, after: string, origin: (number | null)[]) {
  return { aligned: unifiedDiff(path, before, after, false, origin), general: unifiedDiff(path, before, after, false) };
}

describe('the aligned diff equals the general one', () => {
  const files = realFiles();
  it('on every real file whose fix changes something', () => {
    let compared = 0;
    for (const path of files) {
      let source;
      try {
        source = decodeConfig(path, readFileSync(path));
      } catch {
        continue;
      }
      // A file mchard refuses has no fix to compare.
      const dialect = chooseDialect(path, source.text);
      if (!dialect) continue;
      const plan = fixText(source.text, dialect, {}, path);
      if (!plan.changed) continue;
      const { aligned, general } = bothDiffs(path, plan.original, plan.text, plan.origin);
      expect({ path, diff: aligned }).toEqual({ path, diff: general });
      compared++;
    }
    // Not vacuous: most real files need a fix.
    expect(compared).toBeGreaterThan(30);
  });

  it('on generated files with scattered edits, insertions and a missing final newline', () => {
    const line = fc.oneof(fc.constantFrom('-l 0.0.0.0', '# comment', '', '-vv', '-u root', '-m 64', '-p 11211'), fc.string({ maxLength: 12 }).map((s) => s.replace(/\n/g, '')));
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 0, maxLength: 60 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('edit', 'insert', 'delete'), fc.string({ maxLength: 8 }).map((s) => s.replace(/\n/g, ''))), { maxLength: 12 }),
        (lines, finalNewline, ops) => {
          const text = lines.join('\n') + (finalNewline && lines.length ? '\n' : '');
          const starts: number[] = [];
          let at = 0;
          for (const l of lines) {
            starts.push(at);
            at += l.length + 1;
          }
          const edits = new Map<number, { start: number; end: number; text: string }>();
          const inserts: { at: number; lines: string[] }[] = [];
          for (const [n, op, s] of ops) {
            if (lines.length === 0) break;
            const k = n % lines.length;
            if (op === 'insert') inserts.push({ at: starts[k], lines: [s] });
            else if (!edits.has(k)) {
              const end = Math.min(starts[k] + lines[k].length + (op === 'delete' ? 1 : 0), text.length);
              edits.set(k, { start: starts[k], end, text: op === 'delete' ? '' : s });
            }
          }
          if (ops.some(([, op]) => op === 'insert') && text.length) inserts.push({ at: text.length, lines: ['-U 0'] });
          const out = applyEdits(text, [...edits.values()], inserts, '\n');
          if (out.text === text) return;
          const { aligned, general } = bothDiffs('f.conf', text, out.text, out.origin);
          expect(applyPatch(text, aligned)).toBe(out.text);
          // The same hunks whenever the origins are a minimal alignment; never a longer patch.
          expect(aligned.split('\n').length).toBeLessThanOrEqual(general.split('\n').length + 2 * ops.length);
        },
      ),
      { numRuns: 400, seed: 4242 },
    );
  });

  it('identity origins give the general diff of an unchanged file: nothing', () => {
    const text = '-l 127.0.0.1\n-U 0\n';
    expect(unifiedDiff('x', text, text, false, identityOrigin(text))).toBe('--- x\toriginal\n+++ x\tfixed by mchard\n');
  });
});
