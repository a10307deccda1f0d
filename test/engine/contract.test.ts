/**
 * The rule contract: what every rule declares, what defineRule refuses, the engine's checks of what a rule
 * reports, which rules run from their phase and dialects alone, and that lint never builds a fix.
 */
import { SourceText } from '../../src/source.js';
import { lintSource, ruleRuns } from '../../src/engine/lint.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import {
  appliesTo,
  checkRuleDocumentation,
  defineRule,
  docsOf,
  FIX_SAFETIES,
  noteRule,
  PHASE_NAMES,
  PHASES,
  RuleContractError,
  sourcesOf,
  type FindingInput,
  type Rule,
} from '../../src/engine/rule.js';
import { planFix } from '../../src/fix/plan.js';
import { loadAllDialects } from '../../src/dialects/index.js';
import type { DialectName } from '../../src/dialects/types.js';
import { RULES } from '../../rules/index.js';

const DOCS = {
  what: 'What it checks.',
  why: 'Why it matters.',
  example: { dialect: 'debian' as const, bad: '-l 0.0.0.0\n', good: '-l 127.0.0.1\n' },
  fix: 'What the fix does.',
};
const BASE = {
  slug: 'test-rule',
  severity: 'warning' as const,
  summary: 'a test rule',
  risk: { kind: 'correctness' as const },
  since: '0.1.0',
  sources: [{ kind: 'memcached-doc' as const, title: 'memcached(1)' }],
  docs: DOCS,
};

const lint = (text: string, rules: readonly Rule[], dialect: DialectName = 'debian') =>
  lintSource(new SourceText('/srv/memcached.conf', text), dialect, { rules, options: defaultRuleOptions() });

beforeAll(async () => {
  await loadAllDialects();
});

describe('every rule declares what the engine and the fixer need', () => {
  it.each(RULES.map((r) => [r.id, r] as const))('%s: phase, dialects, fix safety, since, sources', (_id, r) => {
    expect(PHASE_NAMES).toContain(r.phase);
    expect(r.dialects === 'all' || (r.dialects.length > 0 && r.dialects.every((d) => typeof d === 'string'))).toBe(true);
    expect(r.since).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.sources.length).toBeGreaterThan(0);
    if (r.fix) {
      expect(FIX_SAFETIES).toContain(r.fix.safety);
      expect(r.fix.why.trim()).not.toBe('');
      expect(PHASES[r.phase].fixOrder).not.toBeNull();
    }
  });

  it('every rule of the first release says so, and only the suppression rules, MC914, MC915, MC916, the image rules and the packet-filter rule are newer', () => {
    expect(RULES.filter((r) => r.since !== '0.1.0').map((r) => r.id)).toEqual(['MC002', 'MC003', 'MC914', 'MC915', 'MC916', 'MC920', 'MC921', 'MC954']);
  });
});

describe('defineRule refuses a declaration that breaks the contract', () => {
  const check = () => {};
  it.each([
    ['an ID that is not MCnnn', { id: 'X101', phase: 'settings', dialects: 'all', fix: null, check }],
    ['an unknown phase', { id: 'MC990', phase: 'options', dialects: 'all', fix: null, check }],
    ['an empty dialect list', { id: 'MC990', phase: 'settings', dialects: [], fix: null, check }],
    ['an unknown dialect', { id: 'MC990', phase: 'settings', dialects: ['nginx'], fix: null, check }],
    ['a fix on an audit rule', { id: 'MC990', phase: 'audit', dialects: 'all', fix: { safety: 'safe', why: 'x', build: () => null }, check }],
    ['a fix without what it can break', { id: 'MC990', phase: 'settings', dialects: 'all', fix: { safety: 'safe', why: ' ', build: () => null }, check }],
    ['a fix of unknown safety', { id: 'MC990', phase: 'settings', dialects: 'all', fix: { safety: 'maybe', why: 'x', build: () => null }, check }],
    ['a CVE that is not a CVE ID', { id: 'MC990', phase: 'settings', dialects: 'all', fix: null, check, sources: [{ kind: 'cve', id: 'CVE-18' }] }],
    ['no sources', { id: 'MC990', phase: 'settings', dialects: 'all', fix: null, check, sources: [] }],
    ['a version that is not one', { id: 'MC990', phase: 'settings', dialects: 'all', fix: null, check, since: 'next' }],
    ['no risk', { id: 'MC990', phase: 'settings', dialects: 'all', fix: null, check, risk: undefined }],
    ['a risk of unknown kind', { id: 'MC990', phase: 'settings', dialects: 'all', fix: null, check, risk: { kind: 'style' } }],
    ['a security score off the scale', { id: 'MC990', phase: 'settings', dialects: 'all', fix: null, check, risk: { kind: 'security', score: 11 } }],
    ['a security score with two decimals', { id: 'MC990', phase: 'settings', dialects: 'all', fix: null, check, risk: { kind: 'security', score: 7.25 } }],
    ['a case score off the scale', { id: 'MC990', phase: 'settings', dialects: 'all', fix: null, check, risk: { kind: 'security', score: 5, cases: { error: 0 } } }],
    ['a correctness rule with a score', { id: 'MC990', phase: 'settings', dialects: 'all', fix: null, check, risk: { kind: 'correctness', score: 5 } }],
  ])('%s', (_what, def) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(() => defineRule({ ...BASE, ...(def as any) })).toThrow(RuleContractError);
  });
});

describe('documentation the bundle defers (docs and sources given as functions, scripts/build.mjs)', () => {
  const check = () => {};
  const base = { ...BASE, id: 'MC990', phase: 'settings' as const, dialects: 'all' as const, fix: null, check };
  it.each([
    ['no sources', { sources: () => [] }],
    ['a CVE that is not a CVE ID', { sources: () => [{ kind: 'cve', id: 'CVE-18' }] }],
    ['an empty docs field', { docs: () => ({ ...BASE.docs, why: ' ' }) }],
  ])('%s: defineRule leaves it to checkRuleDocumentation, which refuses it', (_what, deferred) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const rule = defineRule({ ...base, ...(deferred as any) });
    expect(() => checkRuleDocumentation(rule)).toThrow(RuleContractError);
    // The same given as values: refused at once.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const values = Object.fromEntries(Object.entries(deferred).map(([k, f]) => [k, (f as () => unknown)()])) as any;
    expect(() => defineRule({ ...base, ...values })).toThrow(RuleContractError);
  });

  it('docsOf and sourcesOf make a deferred value once, and give a value as it is', () => {
    let made = 0;
    const rule = defineRule({ ...base, docs: (() => (made++, BASE.docs)) as unknown as typeof BASE.docs });
    expect(docsOf(rule)).toBe(BASE.docs);
    expect(docsOf(rule)).toBe(BASE.docs);
    expect(made).toBe(1);
    const plain = defineRule(base);
    expect(docsOf(plain)).toBe(BASE.docs);
    expect(sourcesOf(plain)).toBe(BASE.sources);
    expect(() => checkRuleDocumentation(plain)).not.toThrow();
  });
});

describe('the engine checks what a rule reports', () => {
  const reporting = (input: FindingInput<unknown>, withFix = false): Rule =>
    defineRule({
      ...BASE,
      id: 'MC990',
      phase: 'settings',
      dialects: 'all',
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      fix: withFix ? { safety: 'safe', why: 'x', build: () => null } : (null as any),
      check(ctx) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        ctx.report(input as any);
      },
    });
  it.each([
    ['a span past the end of the file', { span: { start: 3, end: 99 }, message: 'm' }, /outside the file/],
    ['a span that ends before it starts', { span: { start: 5, end: 2 }, message: 'm' }, /outside the file/],
    ['a span that is not whole offsets', { span: { start: 0.5, end: 1 }, message: 'm' }, /two whole offsets/],
    ['an empty message', { span: null, message: '  ' }, /empty message/],
    ['an unknown severity', { span: null, message: 'm', severity: 'critical' }, /unknown severity/],
    ['a fix state from a rule without a fix', { span: null, message: 'm', fix: true }, /declares no fix/],
  ])('%s is an internal failure naming the rule', (_what, input, problem) => {
    expect(() => lint('-l 0.0.0.0\n', [reporting(input as FindingInput<unknown>)])).toThrow(RuleContractError);
    expect(() => lint('-l 0.0.0.0\n', [reporting(input as FindingInput<unknown>)])).toThrow(problem);
    expect(() => lint('-l 0.0.0.0\n', [reporting(input as FindingInput<unknown>)])).toThrow(/rule MC990/);
  });

  it('accepts a good report, and a fix state from a rule with a fix', () => {
    const r = lint('-l 0.0.0.0\n', [reporting({ span: { start: 0, end: 2 }, message: 'm', fix: { any: 'state' } }, true)]);
    expect(r.findings).toEqual([expect.objectContaining({ ruleId: 'MC990', line: 1, column: 1, fix: { safety: 'safe', state: { any: 'state' } } })]);
  });
});

describe('which rules run is decided by phase and dialects alone', () => {
  const file = { dialect: 'debian' as DialectName, unreadable: false, argvUnknown: false, audit: false };
  const none = new Map();
  const of = (phase: Rule['phase'], dialects: Rule['dialects'] = 'all') =>
    ({ ...BASE, id: 'MC990', phase, dialects, fix: null, check() {} }) as unknown as Rule;

  it('an unreadable file: only the file phase', () => {
    for (const p of PHASE_NAMES) expect([p, ruleRuns(of(p), { ...file, unreadable: true }, none)]).toEqual([p, p === 'file']);
  });

  it('a command line the file does not decide: the file and dialect phases (and audit, from the process)', () => {
    const runs = PHASE_NAMES.filter((p) => ruleRuns(of(p), { ...file, argvUnknown: true, audit: true }, none));
    expect(runs).toEqual(['file', 'dialect', 'audit']);
  });

  it('the service fails before memcached runs: the file and dialect phases (and audit, from the process)', () => {
    expect(PHASE_NAMES.filter((p) => ruleRuns(of(p), { ...file, launchFails: true }, none))).toEqual(['file', 'dialect']);
    expect(PHASE_NAMES.filter((p) => ruleRuns(of(p), { ...file, launchFails: true, audit: true }, none))).toEqual(['file', 'dialect', 'audit']);
  });

  it('lint: every phase but audit; audit: every phase', () => {
    expect(PHASE_NAMES.filter((p) => ruleRuns(of(p), file, none))).toEqual(['file', 'dialect', 'command-line', 'settings']);
    expect(PHASE_NAMES.filter((p) => ruleRuns(of(p), { ...file, audit: true }, none))).toEqual(PHASE_NAMES);
  });

  it('a rule for other dialects, or turned off, does not run', () => {
    expect(ruleRuns(of('settings', ['sysconfig']), file, none)).toBe(false);
    expect(ruleRuns(of('settings', ['sysconfig', 'debian']), file, none)).toBe(true);
    expect(ruleRuns(of('settings'), file, new Map([['MC990', 'off']]))).toBe(false);
    expect(appliesTo(of('settings', 'all'), 'argv')).toBe(true);
  });

  it('the file-phase rules run after every other phase (they judge the others\' reports)', () => {
    const order: string[] = [];
    const rule = (id: string, phase: Rule['phase']) => defineRule({ ...BASE, slug: `s${id.toLowerCase()}`, id, phase, dialects: 'all', fix: null, check: () => void order.push(id) });
    lint('-l 0.0.0.0\n', [rule('MC001', 'file'), rule('MC999', 'settings'), rule('MC500', 'command-line'), rule('MC900', 'dialect')]);
    expect(order).toEqual(['MC999', 'MC500', 'MC900', 'MC001']);
  });
});

describe('lint never builds a fix', () => {
  it('build runs only when mchard fix plans, never while linting', () => {
    let built = 0;
    const rule = defineRule({
      ...BASE,
      id: 'MC990',
      phase: 'settings',
      dialects: 'all',
      fix: {
        safety: 'safe',
        why: 'x',
        build: (_ctx, state: { value: string }) => {
          built++;
          return { description: `set -m ${state.value}`, intents: [{ kind: 'set-option', letter: 'm', value: state.value }] };
        },
      },
      check(ctx) {
        if (!ctx.model.applied.options.some((o) => o.spec.short === 'm' && o.value === '128')) ctx.report({ span: null, message: 'no -m 128', fix: { value: '128' } });
      },
    });
    const r = lint('-m 64\n', [rule]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].fix).toEqual({ safety: 'safe', state: { value: '128' } });
    expect(built).toBe(0);
    const plan = planFix(new SourceText('/srv/memcached.conf', '-m 64\n'), 'debian', { rules: [rule], options: defaultRuleOptions() });
    expect(built).toBeGreaterThan(0);
    expect(plan.text).toContain('-m 128');
  });
});

describe('noteRule: the rules that report dialect notes as they are', () => {
  it('reports every note of its kinds, in its dialects only', () => {
    const rule = noteRule({ ...BASE, id: 'MC990', dialects: ['debian'], kinds: ['ignored-line'] });
    expect(rule.phase).toBe('dialect');
    const r = lint('-l 127.0.0.1\nfoo bar\n0\n', [rule]);
    expect(r.findings.map((f) => [f.line, f.message])).toEqual([
      [2, 'the wrapper silently ignores this line ("foo" is not an option)'],
      [3, 'a line that is just "0" is skipped by the wrapper (Perl treats it as false)'],
    ]);
    expect(lint('FOO=bar\nbaz\n', [rule], 'sysconfig').findings).toEqual([]);
  });
});

// Compile-time checks (tsc runs over the tests): a rule's dialects type its configuration, its notes, and
// its fix state. Each @ts-expect-error line fails the type check if the typing it proves is lost.
export const typed = [
  defineRule({
    ...BASE,
    id: 'MC990',
    phase: 'dialect',
    dialects: ['debian'],
    fix: null,
    check(ctx) {
      const shell: boolean = ctx.config.shellEvaluated; // a Debian field, no cast
      // @ts-expect-error a sysconfig field is not on a Debian configuration
      void ctx.config.environment;
      for (const n of ctx.config.notes) {
        if (n.kind === 'shell-line') void n.dangerous.length; // a typed note field
        // @ts-expect-error notes of another dialect are not in the union
        if (n.kind === 'text-after-quote') void shell;
      }
      // @ts-expect-error a rule without a fix cannot report a fix state
      ctx.report({ span: null, message: 'm', fix: true });
    },
  }),
  defineRule({
    ...BASE,
    id: 'MC991',
    phase: 'settings',
    dialects: ['sysconfig', 'systemd'],
    fix: { safety: 'safe', why: 'x', build: (_ctx, state: { key: string }) => ({ description: state.key, intents: [] }) },
    check(ctx) {
      if (ctx.config.dialect === 'sysconfig') void ctx.config.environment; // narrowed by the discriminant
      ctx.report({ span: null, message: 'm', fix: { key: 'PORT' } });
      // @ts-expect-error the fix state has the type the fix's build takes
      ctx.report({ span: null, message: 'm', fix: { port: 1 } });
    },
  }),
  noteRule({
    ...BASE,
    id: 'MC992',
    dialects: ['rcconf'],
    // @ts-expect-error a kind the dialect does not note
    kinds: ['not-enabled', 'export'],
  }),
];
