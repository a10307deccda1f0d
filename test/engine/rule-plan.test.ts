/**
 * The engine remembers which rules run for a set of rules, severities and a file's traits (rulePlan, so a
 * run over many files does not ask ruleRuns about every rule of every file). The remembered plan must be
 * exactly what ruleRuns says, in the rules' order, for every combination, asked in any order, with the
 * same maps asked again (the remembered answers) and with new ones.
 */
import fc from 'fast-check';
import { rulePlan, ruleRuns } from '../../src/engine/lint.js';
import { PHASES, type Rule } from '../../src/engine/rule.js';
import type { Severity } from '../../src/engine/types.js';
import type { DialectName } from '../../src/dialects/types.js';
import { RULES } from '../../rules/index.js';

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
