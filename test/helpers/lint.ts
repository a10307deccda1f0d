import { SourceText } from '../../src/source.js';
import { fixContextOf, lintSource, type LintResult, type LintSettings } from '../../src/engine/lint.js';
import { fixSafety } from '../../src/fix/plan.js';
import type { FixProposal, FixSafety } from '../../src/engine/rule.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import type { Finding, Rule, RuleOptions } from '../../src/engine/types.js';
import type { DialectName } from '../../src/dialects/types.js';
import { RULES } from '../../rules/index.js';
import type { HostFacts } from '../../src/memcached/startup.js';

/** Lints text as the file at `path` would be, with every rule (or the given ones). */
export function lintText(
  text: string,
  opts: { dialect?: DialectName; path?: string; options?: Partial<RuleOptions>; rules?: readonly Rule[]; thisHost?: HostFacts } = {},
): LintResult {
  const dialect = opts.dialect ?? 'debian';
  const path = opts.path ?? (dialect === 'debian' ? '/etc/memcached.conf' : '/etc/sysconfig/memcached');
  const settings: LintSettings = { rules: opts.rules ?? RULES, options: { ...defaultRuleOptions(), ...opts.options }, ...(opts.thisHost ? { thisHost: opts.thisHost } : {}) };
  const result = lintSource(new SourceText(path, text), dialect, settings);
  for (const f of result.findings) linted.set(f, { result, settings });
  return result;
}

/** Where each finding of lintText came from, so fixOf can build its fix. */
const linted = new WeakMap<Finding, { result: LintResult; settings: LintSettings }>();

/**
 * The fix a finding of lintText offers, built as `mchard fix` builds it (the rule's fix.build on the
 * finding's state), with its safety for this case (no host checks); null when the finding offers none.
 */
export function fixOf(f: Finding): (FixProposal & { safety: FixSafety }) | null {
  if (!f.fix) return null;
  const from = linted.get(f);
  if (!from) throw new Error('fixOf: the finding does not come from lintText');
  const rule = from.settings.rules.find((r) => r.id === f.ruleId)!;
  const ctx = fixContextOf(from.result, from.settings, null);
  const proposal = rule.fix!.build(ctx, f.fix.state);
  return proposal && { ...proposal, safety: fixSafety(rule, ctx, f.fix.state, from.settings).safety };
}

/** The findings of one rule. */
export function findings(result: LintResult, ruleId: string): Finding[] {
  return result.findings.filter((f) => f.ruleId === ruleId);
}

/** The text a finding points at. */
export function pointedText(result: LintResult, f: Finding): string {
  return f.span ? result.config.source.text.slice(f.span.start, f.span.end) : '';
}
