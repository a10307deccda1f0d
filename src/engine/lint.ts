/**
 * Linting one file: dialect parse → memcached model → every enabled rule → suppressions → severities
 * from the configuration → findings sorted by position.
 */
import type { SourceText, Span } from '../source.js';
import type { DialectName, ParsedConfig } from '../dialects/types.js';
import { dialectOf, parseConfig } from '../dialects/index.js';
import { analyze, type MemcachedModel } from '../memcached/model.js';
import type { OptionEvent } from '../memcached/getopt.js';
import type { HostFacts } from '../memcached/startup.js';
import { assessExposure } from './exposure.js';
import { findSuppressions, isSuppressed } from './suppressions.js';
import type { Finding, FindingInput, Rule, RuleContext, RuleOptions, Severity } from './types.js';

export interface LintSettings {
  rules: readonly Rule[];
  options: RuleOptions;
  /** Per rule ID: a severity, or 'off'. */
  severities?: ReadonlyMap<string, Severity | 'off'>;
  host?: HostFacts;
}

export interface LintResult {
  config: ParsedConfig;
  model: MemcachedModel;
  findings: Finding[];
}

export function analyzeConfig(config: ParsedConfig, options: RuleOptions, host?: HostFacts): MemcachedModel {
  const model = analyze(config.argv, { version: options.version, host });
  if (config.launchFailure) {
    const f = config.launchFailure;
    return { ...model, runsAs: null, startup: { ok: false, warnings: [], exitCode: f.exitCode, reason: f.reason, option: null, certain: true } };
  }
  return model;
}

export function lintSource(source: SourceText, dialect: DialectName, settings: LintSettings): LintResult {
  const config = parseConfig(source, dialect);
  const model = analyzeConfig(config, settings.options, settings.host);
  const exposure = assessExposure(model.listeners, settings.options.trustedNetworks);
  const raw: { rule: Rule; input: FindingInput }[] = [];
  const severities = settings.severities ?? new Map();
  for (const rule of settings.rules) {
    if (severities.get(rule.id) === 'off') continue;
    if (rule.dialects && !rule.dialects.includes(dialect)) continue;
    const ctx = makeContext(config, model, exposure, settings.options, (input) => raw.push({ rule, input }));
    rule.check(ctx);
  }
  const sups = findSuppressions(source);
  const findings: Finding[] = [];
  for (const { rule, input } of raw) {
    const range = input.span ? source.range(input.span) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
    if (isSuppressed(sups, rule.id, rule.slug, range.line)) continue;
    const configured = severities.get(rule.id);
    const severity = configured && configured !== 'off' ? configured : (input.severity ?? rule.severity);
    findings.push({ ruleId: rule.id, slug: rule.slug, severity, message: input.message, ...range, span: input.span, fix: input.fix ?? null });
  }
  const unused = settings.rules.find((r) => r.id === 'MC002');
  if (unused && severities.get('MC002') !== 'off') {
    for (const s of sups) {
      const idle = s.rules.filter((r) => !s.used.has(r));
      if (idle.length === 0) continue;
      const configured = severities.get('MC002');
      findings.push({
        ruleId: 'MC002',
        slug: unused.slug,
        severity: configured && configured !== 'off' ? configured : unused.severity,
        message: `suppression of ${idle.join(', ')} silences nothing${s.scope === 'next-line' && s.targetLine === null ? ' (no line follows it)' : ''}`,
        ...source.range(s.span),
        span: s.span,
        fix: { safety: 'safe', description: 'remove the unused suppression comment', intents: [{ kind: 'drop-text', span: s.span }] },
      });
    }
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  return { config, model, findings };
}

function unionSpan(a: Span | null, b: Span | null): Span | null {
  if (!a) return b;
  if (!b) return a;
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export function makeContext(
  config: ParsedConfig,
  model: MemcachedModel,
  exposure: RuleContext['exposure'],
  options: RuleOptions,
  sink: (f: FindingInput) => void,
): RuleContext {
  const tokenSpan = (index: number | null): Span | null => (index === null ? null : (config.argv[index]?.span ?? null));
  const letterSpan = (ev: OptionEvent): Span | null => {
    const tok = config.argv[ev.index];
    if (!tok?.span) return null;
    // Narrow to the letter inside a cluster when the file text is the token verbatim.
    if (ev.clusterOffset > 1 && tok.span.end - tok.span.start === tok.value.length) {
      return { start: tok.span.start + ev.clusterOffset, end: tok.span.start + ev.clusterOffset + 1 };
    }
    return tok.span;
  };
  return {
    config,
    model,
    exposure,
    options,
    spanOf: (ev) => unionSpan(letterSpan(ev), ev.valueIndex !== null && ev.valueIndex !== ev.index ? tokenSpan(ev.valueIndex) : null),
    valueSpanOf: (ev) => tokenSpan(ev.valueIndex),
    insertionPoint: () => insertionPoint(config),
    defaultUser: () => options.fixUser ?? dialectOf(config.dialect).defaultUser,
    report: sink,
  };
}

/** Where a missing option goes, in the file's dialect. */
export function insertionPoint(config: ParsedConfig): Span {
  return dialectOf(config.dialect).insertionPoint(config);
}
