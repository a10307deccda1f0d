import { SourceText } from '../../src/source.js';
import { lintSource, type LintResult } from '../../src/engine/lint.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import type { Finding, Rule, RuleOptions } from '../../src/engine/types.js';
import type { DialectName } from '../../src/dialects/types.js';
import { RULES } from '../../rules/index.js';

/** Lints text as the file at `path` would be, with every rule (or the given ones). */
export function lintText(
  text: string,
  opts: { dialect?: DialectName; path?: string; options?: Partial<RuleOptions>; rules?: readonly Rule[] } = {},
): LintResult {
  const dialect = opts.dialect ?? 'debian';
  const path = opts.path ?? (dialect === 'debian' ? '/etc/memcached.conf' : '/etc/sysconfig/memcached');
  return lintSource(new SourceText(path, text), dialect, {
    rules: opts.rules ?? RULES,
    options: { ...defaultRuleOptions(), ...opts.options },
  });
}

/** The findings of one rule. */
export function findings(result: LintResult, ruleId: string): Finding[] {
  return result.findings.filter((f) => f.ruleId === ruleId);
}

/** The text a finding points at. */
export function pointedText(result: LintResult, f: Finding): string {
  return f.span ? result.config.source.text.slice(f.span.start, f.span.end) : '';
}
