/**
 * The engine remembers which rules run for a set of rules, severities and a file's traits (rulePlan, so a
 * run over many files does not ask ruleRuns about every rule of every file). The remembered plan must be
 * exactly what ruleRuns says, in the rules' order, for every combination, asked in any order, with the
 * same maps asked again (the remembered answers) and with new ones.
 */
import fc from 'fast-check';
import { lintSource, rulePlan, ruleRuns } from '../../src/engine/lint.js';
import { docsOf, PHASES, type Rule } from '../../src/engine/rule.js';
import type { Severity } from '../../src/engine/types.js';
import type { DialectName } from '../../src/dialects/types.js';
import { RULES } from '../../rules/index.js';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeConfig } from '../../src/input.js';
import { SourceText } from '../../src/source.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { loadAllDialects } from '../../src/dialects/index.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { ROOT, SHARED } from '../helpers/paths.js';

const DIALECTS: DialectName[] = ['debian', 'sysconfig', 'systemd', 'openrc', 'rcconf', 'compose', 'dockerfile', 'supervisord', 'argv', 'kubernetes', 'helm'];
const LEVELS: (Severity | 'off')[] = ['error', 'warning', 'info', 'off'];

const traits = fc.record({
  dialect: fc.constantFrom(...DIALECTS),
  unreadable: fc.boolean(),
  argvUnknown: fc.boolean(),
  launchFails: fc.option(fc.boolean(), { nil: undefined }),
  audit: fc.boolean(),
});

const severityMap = fc
  .array(fc.tuple(fc.constantFrom(...RULES.map((r) => r.id)), fc.constantFrom(...LEVELS)), { maxLength: 12 })
  .map((pairs) => new Map<string, Severity | 'off'>(pairs));

function expected(rules: readonly Rule[], file: Parameters<typeof ruleRuns>[1], severities: ReadonlyMap<string, Severity | 'off'>): [string[], string[]] {
  const runs = rules.filter((r) => ruleRuns(r, file, severities));
  return [runs.filter((r) => !PHASES[r.phase].last).map((r) => r.id), runs.filter((r) => PHASES[r.phase].last).map((r) => r.id)];
}

describe('rulePlan', () => {
  it('is what ruleRuns says, in the order of the rules, for any traits and severities, asked again or not', () => {
    // A few maps shared by every case: later cases meet plans remembered by earlier ones.
    const shared = [new Map<string, Severity | 'off'>(), new Map<string, Severity | 'off'>([['MC101', 'off'], ['MC002', 'off']]), new Map<string, Severity | 'off'>([['MC001', 'warning']])];
    const reversed = [...RULES].reverse();
    fc.assert(
      fc.property(fc.array(fc.tuple(traits, fc.oneof(severityMap, fc.constantFrom(...shared)), fc.boolean()), { minLength: 1, maxLength: 20 }), (asks) => {
        for (const [file, severities, rev] of asks) {
          const rules = rev ? reversed : RULES;
          const plan = rulePlan(rules, file, severities);
          expect(plan.map((p) => p.map((r) => r.id))).toEqual(expected(rules, file, severities));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart traits that differ in one flag only', () => {
    const severities = new Map<string, Severity | 'off'>();
    const base = { dialect: 'debian' as DialectName, unreadable: false, argvUnknown: false, launchFails: false, audit: false };
    const plain = rulePlan(RULES, base, severities);
    for (const flag of ['unreadable', 'argvUnknown', 'launchFails', 'audit'] as const) {
      const other = rulePlan(RULES, { ...base, [flag]: true }, severities);
      expect(other.map((p) => p.map((r) => r.id))).toEqual(expected(RULES, { ...base, [flag]: true }, severities));
      expect(other).not.toEqual(plain);
    }
    // launchFails absent is launchFails false.
    const { launchFails: _, ...noLaunch } = base;
    expect(rulePlan(RULES, noLaunch, severities)).toBe(plain);
  });
});

describe('directives.ran', () => {
  it('is the IDs of the rules whose check ran on the file, for every real file and every rule example (files with several instances included)', async () => {
    await loadAllDialects();
    const called = new Set<string>();
    // The same rules, each recording that its check ran.
    const recording: Rule[] = RULES.map((r) => ({ ...r, check: (ctx) => (called.add(r.id), r.check(ctx)) }) as Rule);
    const list = (dir: string): string[] =>
      existsSync(dir) ? readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? list(join(dir, f)) : [join(dir, f)])) : [];
    const inputs: { path: string; text: string; dialect: DialectName }[] = [];
    for (const p of [...list(join(ROOT, 'samples')), ...list(join(SHARED, 'corpus')), ...list(join(ROOT, 'test/fixtures/real')), ...list(join(ROOT, 'test/fixtures/detect'))]) {
      try {
        const text = decodeConfig(p, readFileSync(p)).text;
        const dialect = chooseDialect(p, text, undefined);
        if (dialect) inputs.push({ path: p, text, dialect });
      } catch {
        // unreadable: never linted
      }
    }
    for (const r of RULES) for (const which of ['bad', 'good'] as const) inputs.push({ path: '/srv/memcached.conf', text: docsOf(r).example[which], dialect: docsOf(r).example.dialect });
    let several = 0;
    for (const input of inputs) {
      called.clear();
      const result = lintSource(new SourceText(input.path, input.text), input.dialect, { rules: recording, options: defaultRuleOptions() });
      if (result.parts) several++;
      expect([...result.directives.ran].sort()).toEqual([...called].sort());
    }
    expect(inputs.length).toBeGreaterThan(100);
    expect(several).toBeGreaterThan(0);
  });
});
