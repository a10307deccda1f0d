/**
 * Linting one file: dialect parse → memcached model → every enabled rule → suppressions → severities
 * from the configuration → findings sorted by position.
 */
import type { SourceText, Span } from '../source.js';
import type { DialectName, ParsedConfig } from '../dialects/types.js';
import { dialectOf, parseConfig } from '../dialects/index.js';
import { analyze, type MemcachedModel } from '../memcached/model.js';
import type { OptionEvent } from '../memcached/getopt.js';
import { SERVICE_HOST, type HostFacts } from '../memcached/startup.js';
import { assessExposure } from './exposure.js';
import { findSuppressions, isSuppressed } from './suppressions.js';
import type { AuditFacts } from '../audit/types.js';
import type { HostFileAccess } from '../input.js';
import { boundedMessage } from '../report/visible.js';
import { hiddenValues, redact } from '../report/redact.js';
import { templateOf, type TemplateInfo } from '../dialects/template.js';
import type { Finding, FindingInput, Rule, RuleContext, RuleOptions, Severity } from './types.js';

export interface LintSettings {
  rules: readonly Rule[];
  options: RuleOptions;
  /** Per rule ID: a severity, or 'off'. */
  severities?: ReadonlyMap<string, Severity | 'off'>;
  host?: HostFacts;
  /** A running process's observations; without them the audit-scope rules are skipped. */
  audit?: AuditFacts;
  /** Other host files the file names (a unit's EnvironmentFile=) that may be read; default none. */
  hostFiles?: HostFileAccess;
}

export interface LintResult {
  config: ParsedConfig;
  model: MemcachedModel;
  findings: Finding[];
}

export function analyzeConfig(config: ParsedConfig, options: RuleOptions, host?: HostFacts): MemcachedModel {
  // A service manager that starts memcached as another user (supervisord's user=, a container's USER):
  // memcached is not root, so -u is neither needed nor honoured, and it runs as that user.
  const startsAs = config.startsAs;
  const started = startsAs === undefined ? host : { ...(host ?? SERVICE_HOST), root: startsAs === 'root' };
  // A container image whose tag names the release decides the version the file is judged for.
  const imageVersion = config.image?.info.version.kind === 'exact' ? config.image.info.version.version : null;
  const analyzed = analyze(config.argv, { version: imageVersion ?? options.version, host: started });
  const model = startsAs !== undefined && startsAs !== 'root' ? { ...analyzed, runsAs: startsAs } : analyzed;
  if (config.launchFailure) {
    const f = config.launchFailure;
    const unknown = f.unknown ? { depends: 'template' as const, ...f.unknown } : undefined;
    return { ...model, runsAs: null, startup: { ok: false, warnings: [], exitCode: f.exitCode, reason: f.reason, option: null, certain: !unknown && f.certain !== false, ...(unknown ? { unknown } : {}) } };
  }
  return model;
}

export function lintSource(source: SourceText, dialect: DialectName, settings: LintSettings): LintResult {
  const config = parseConfig(source, dialect, { hostFiles: settings.hostFiles });
  const model = analyzeConfig(config, settings.options, settings.host);
  // Every message passes here: values from a host file the user did not name are hidden, long values cut.
  const hidden = hiddenValues(config.argv);
  const shown = (text: string) => boundedMessage(hidden.length ? redact(text, hidden) : text);
  const exposure = assessExposure(model.listeners, settings.options.trustedNetworks);
  const severities = settings.severities ?? new Map();
  // A file its service cannot read at all (a dialect's parse-error note: invalid YAML, no memcached in it)
  // has nothing else to check: only MC001 runs, as for a file mchard cannot read.
  const unreadable = config.notes.some((n) => n.kind === 'parse-error');
  const sups = findSuppressions(source);
  // Each report becomes its finding at once (or is dropped, when suppressed): a file with forty thousand
  // findings never holds a second list of what the rules reported.
  const findings: Finding[] = [];
  let current: Rule | undefined;
  const tpl = templateOf(config);
  const report = (given: FindingInput) => {
    const rule = current!;
    // In a template, a finding about text the template decides holds only for some renderings: a note.
    const t = tpl ? templateFinding(tpl, given, given.severity ?? rule.severity) : null;
    const input = t?.finding ?? given;
    const range = input.span ? source.range(input.span) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
    if (isSuppressed(sups, rule.id, rule.slug, range.line)) return;
    const configured = severities.get(rule.id);
    const severity = t?.note ? 'info' : configured && configured !== 'off' ? configured : (input.severity ?? rule.severity);
    // Every field written out, not `...range`: a literal of known shape keeps its fields in the object.
    findings.push({
      ruleId: rule.id,
      slug: rule.slug,
      severity,
      message: shown(input.message),
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
      span: input.span,
      fix: input.fix ? (hidden.length ? { ...input.fix, description: shown(input.fix.description) } : input.fix) : null,
    });
  };
  // One context for every rule of the file (its sink reports for the rule running): building one per
  // rule cost a dozen closures per rule per file, which shows when a run lints thousands of files.
  const ctx = makeContext(config, model, exposure, settings.options, report, settings.audit);
  for (const rule of settings.rules) {
    if (severities.get(rule.id) === 'off') continue;
    if (unreadable && rule.id !== 'MC001') continue;
    if (rule.dialects && !rule.dialects.includes(dialect)) continue;
    if (config.argvUnknown && /^MC[1-8]\d\d$/.test(rule.id)) continue;
    if (rule.scope === 'audit' && !settings.audit) continue;
    current = rule;
    rule.check(ctx);
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
  // Rule IDs are ASCII: a code-unit comparison, not localeCompare (whose first call loads ICU's collator, ~5 ms).
  findings.sort((a, b) => a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return { config, model, findings };
}

/**
 * A finding on a template: its message with every masked tag shown as written; one whose span touches a
 * template tag or lies in a block the template renders only under a condition becomes a note saying so,
 * without a fix.
 */
function templateFinding(tpl: TemplateInfo, f: FindingInput, severity: Severity): { finding: FindingInput; note: boolean } {
  const message = tpl.unmask(f.message);
  // A note already (MC910 naming what the template decides): nothing to downgrade.
  const why = severity !== 'info' && f.span && f.span.end > f.span.start ? tpl.touches(f.span) : null;
  if (!why) return { finding: message === f.message ? f : { ...f, message }, note: false };
  return { finding: { span: f.span, message: `depends on the template (${why.reason}): ${message}`, severity: 'info' }, note: true };
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
  audit?: AuditFacts,
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
    insertionPoint: (letter) => insertionPoint(config, letter),
    defaultUser: () => options.fixUser ?? dialectOf(config.dialect).defaultUser,
    report: sink,
    audit,
  };
}

/** Where a missing option goes, in the file's dialect. */
export function insertionPoint(config: ParsedConfig, letter?: string): Span {
  return dialectOf(config.dialect).insertionPoint(config, letter);
}
