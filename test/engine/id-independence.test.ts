/**
 * Behaviour never hangs on a rule's number. Every file of samples/, the shared corpus and test/fixtures that
 * mchard reads (templates included), and every rule's documented examples, are linted and fixed twice: with the real rules, and with the rule IDs replaced by a
 * random permutation of themselves (MC101 may become MC953, MC001 may become MC505) and the rule list
 * reversed (IDs written in a file, as in a suppression comment, are renamed alike). Modulo the renaming,
 * the findings, the fixed texts, the fixes applied (in their order), failed and held back must be the same.
 * An engine or a fixer that decides anything from an ID pattern (which rules run on an unknown command
 * line, which one reports an unreadable file, the order fixes apply in) fails here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeConfig } from '../../src/input.js';
import { SourceText } from '../../src/source.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { loadAllDialects } from '../../src/dialects/index.js';
import type { DialectName } from '../../src/dialects/types.js';
import { lintSource } from '../../src/engine/lint.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import type { Rule } from '../../src/engine/rule.js';
import { planFix, type FixSettings } from '../../src/fix/plan.js';
import { RULES } from '../../rules/index.js';
import { ROOT, SHARED } from '../helpers/paths.js';

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** A seeded shuffle (mulberry32), so a failure can be reproduced from the seed in the test name. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Input {
  name: string;
  path: string;
  text: string;
  dialect: DialectName;
}

const inputs: Input[] = [];
// The real files of test/fixtures too: templates (Jinja2, ERB, EPP), whose findings pass the template layer of
// the report sink, and the formats detection reads from their names and content.
const FIXTURES = [...files(join(ROOT, 'test/fixtures/real')), ...files(join(ROOT, 'test/fixtures/detect'))];
for (const p of [...files(join(ROOT, 'samples')), ...files(join(SHARED, 'corpus')), ...FIXTURES]) {
  if (p.endsWith('.tsv') || p.endsWith('.md')) continue;
  let text: string;
  let dialect: DialectName;
  try {
    text = decodeConfig(p, readFileSync(p)).text;
    const chosen = chooseDialect(p, text, undefined);
    if (!chosen) continue; // a refused file: the command line reports it before any rule runs
    dialect = chosen;
  } catch {
    continue; // unreadable bytes: the command line reports those before any rule runs
  }
  inputs.push({ name: p.slice(p.indexOf(p.includes('/corpus/') ? 'corpus/' : p.includes('/fixtures/') ? 'fixtures/' : 'samples/')), path: p, text, dialect });
}
// And every rule's documented examples (the only place bare command lines, the argv dialect, occur).
for (const r of RULES) {
  for (const which of ['bad', 'good'] as const) {
    const { dialect } = r.docs.example;
    inputs.push({ name: `${r.slug} (${which} example)`, path: dialect === 'sysconfig' ? '/srv/sysconfig/memcached' : '/srv/memcached.conf', text: r.docs.example[which], dialect });
  }
}

/**
 * What a run produced, with every rule ID passed through `back` (the identity for the real rules); `name`
 * renames the IDs written in the file the same way the rules were renamed.
 */
function outcome(input: Input, rules: readonly Rule[], name: (id: string) => string, back: (id: string) => string, extra: Partial<FixSettings>) {
  const unname = (s: string) => s.replace(/\bMC\d{3}\b/g, back);
  const text = input.text.replace(/\bMC\d{3}\b/g, name);
  const settings: FixSettings = { rules, options: { ...defaultRuleOptions(), fixPort: 21211 }, ...extra };
  const lint = lintSource(new SourceText(input.path, text), input.dialect, settings);
  const plan = planFix(new SourceText(input.path, text), input.dialect, settings);
  return {
    findings: lint.findings
      .map((f) => [back(f.ruleId), f.severity, f.line, f.column, f.endLine, f.endColumn, unname(f.message), f.fix?.safety ?? null].join(' | '))
      .sort(),
    text: unname(plan.text),
    applied: plan.applied.map((a) => `${back(a.ruleId)} ${a.round} ${unname(a.description)}`),
    failed: plan.failed.map((f) => `${back(f.ruleId)} ${unname(f.reason)}`),
    heldBack: plan.heldBack.map((h) => `${back(h.ruleId)} ${unname(h.reason)}`),
    touched: plan.touchedLines,
  };
}

beforeAll(async () => {
  await loadAllDialects();
});

it('has files to check in every dialect', () => {
  expect(inputs.length).toBeGreaterThan(80);
  // Templates among them (their findings go through the template layer of the report sink).
  expect(inputs.filter((i) => /\.(j2|erb|epp|tmpl)$/.test(i.path)).length).toBeGreaterThan(10);
  expect(new Set(inputs.map((i) => i.dialect)).size).toBe(11);
});

describe.each([1, 2, 3])('rule IDs permuted (seed %i), rule list reversed', (seed) => {
  const ids = RULES.map((r) => r.id);
  const to = new Map(ids.map((id, k) => [id, shuffled(ids, seed)[k]]));
  const from = new Map([...to].map(([a, b]) => [b, a]));
  const renamed: Rule[] = RULES.map((r) => ({ ...r, id: to.get(r.id)! })).reverse();

  it('renames every rule (a permutation with no fixed point would be better; few are fixed)', () => {
    expect(new Set(renamed.map((r) => r.id)).size).toBe(RULES.length);
    expect([...to].filter(([a, b]) => a === b).length).toBeLessThan(RULES.length / 4);
  });

  it.each([
    ['safe fixes only', { unsafeFixes: false }],
    ['with unsafe fixes', { unsafeFixes: true }],
  ] as const)('gives the same findings and fixes for every file, %s', (_label, extra) => {
    for (const input of inputs) {
      const real = outcome(input, RULES, (id) => id, (id) => id, extra);
      const permuted = outcome(input, renamed, (id) => to.get(id) ?? id, (id) => from.get(id) ?? id, extra);
      expect({ file: input.name, ...permuted }).toEqual({ file: input.name, ...real });
    }
  });
});
