/**
 * Linting one file: dialect parse → memcached model → the rules that apply → suppressions → severities
 * from the configuration → findings sorted by position. Which rules run is decided from what each rule
 * declares (its phase and dialects, rule.ts), never from its ID. Every report passes one sink: the
 * contract's check of the report, then (in a template) a finding about text the template decides becomes
 * a note without a fix, then suppressions and severities, and the message is shown through `shownFor`.
 */
import { SourceText, type Range, type Span } from '../source.js';
import type { DialectName, HostUnitReading, LaunchFailure, ParseContext, ParsedConfig, UnitDropIn } from '../dialects/types.js';
import { dialectOf, parseConfig } from '../dialects/index.js';
import { analyze, imageModelVersion, type MemcachedModel } from '../memcached/model.js';
import type { OptionEvent } from '../memcached/getopt.js';
import { printsAndExits, SERVICE_HOST, type HostFacts, type Startup } from '../memcached/startup.js';
import { assessExposure, type Exposure } from './exposure.js';
import { findDirectives, isSuppressed, sameReading, type Directives } from './suppressions.js';
import type { AuditFacts } from '../audit/types.js';
import type { HostFileAccess } from '../input.js';
import { boundedMessage } from '../report/visible.js';
import { hiddenValues, redact } from '../report/redact.js';
import { dialectReading, templateOf, type TemplateInfo } from '../dialects/template.js';
import type { Finding, RuleOptions, Severity } from './types.js';
import { appliesTo, PHASES, validateReport, type FindingInput, type FixContext, type FixHost, type Rule, type RuleContext } from './rule.js';

export interface LintSettings {
  rules: readonly Rule[];
  options: RuleOptions;
  /** Per rule ID: a severity, or 'off'. */
  severities?: ReadonlyMap<string, Severity | 'off'>;
  host?: HostFacts;
  /**
   * The machine the file is on, when host checks apply (a file under /etc, `--host-checks`): the model
   * and the rules stay the service's (as without it); a rule that asks (`ctx.onThisHost()`, MC916) gets the
   * model worked out again with this machine's users, addresses and folders.
   */
  thisHost?: HostFacts;
  /** A running process's observations; without them the audit-phase rules are skipped. */
  audit?: AuditFacts;
  /** Other host files the file names (a unit's EnvironmentFile=) that may be read; default none. */
  hostFiles?: HostFileAccess;
  /** The Compose override file beside a Compose file (ParseContext.composeOverride). */
  composeOverride?: string | null;
  /** The drop-ins systemd merges into a unit (ParseContext.unitDropIns). */
  unitDropIns?: readonly UnitDropIn[];
  /** The unit of the same name systemd loads instead (ParseContext.unitShadowedBy). */
  unitShadowedBy?: { readonly path: string; readonly masked: boolean } | null;
  /** Whether this host's memcached.service reads a distribution's option file (ParseContext.hostUnit). */
  hostUnit?: HostUnitReading | null;
  /** The Chart.yaml beside a Helm values file (ParseContext.chartYaml). */
  chartYaml?: string | null;
  /** The Chart.lock beside that Chart.yaml (ParseContext.chartLock): what it pins decides the chart's version, as inspect reads it. */
  chartLock?: string | null;
}

export interface LintResult {
  config: ParsedConfig;
  model: MemcachedModel;
  exposure: Exposure;
  findings: Finding[];
  directives: Directives;
  /**
   * For a file that starts several memcached instances (`ParsedConfig.parts`): each one's result, its
   * findings marked with its index (`findings` holds them all). `config`, `model` and `exposure` are the first's.
   */
  parts?: LintResult[];
}

/** Whether the engine runs a rule on this file, from its declaration alone. */
export function ruleRuns(
  rule: Rule,
  file: FileTraits,
  severities: ReadonlyMap<string, Severity | 'off'>,
): boolean {
  if (severities.get(rule.id) === 'off') return false;
  if (!appliesTo(rule, file.dialect)) return false;
  const phase = PHASES[rule.phase];
  if (file.unreadable && !phase.onUnreadable) return false;
  if (file.argvUnknown && !phase.whenArgvUnknown) return false;
  if (file.launchFails && !phase.whenLaunchFails) return false;
  if (file.printsAndExits && !phase.whenPrintsAndExits && !rule.whenPrintsAndExits) return false;
  if (phase.needsAudit && !file.audit) return false;
  return true;
}

type FileTraits = { dialect: DialectName; unreadable: boolean; argvUnknown: boolean; launchFails?: boolean; printsAndExits?: boolean; audit: boolean };

/**
 * The rules the engine runs on a file, in the order of `rules`: [every phase but the file phase, the file
 * phase]. What ruleRuns decides depends only on the rules, the severities and the file's traits, so the
 * answer is remembered for each set of them: a run over many files builds each plan once instead of asking
 * ruleRuns about every rule of every file. Remembered by the identity of `rules` and `severities`, which
 * the engine never changes (a caller that changes a severities map after linting with it gets a stale plan:
 * none does; `test/engine/rule-plan.test.ts` holds the plan to ruleRuns).
 */
const NO_SEVERITIES: ReadonlyMap<string, Severity | 'off'> = new Map();
const NO_RULES: ReadonlySet<string> = new Set();

/** The rules a file runs: [every phase but the file phase, the file phase], and the IDs of both. */
export type RulePlan = readonly [Rule[], Rule[]] & { readonly ids: ReadonlySet<string> };

const plans = new WeakMap<readonly Rule[], WeakMap<ReadonlyMap<string, Severity | 'off'>, Map<string, RulePlan>>>();

export function rulePlan(rules: readonly Rule[], file: FileTraits, severities: ReadonlyMap<string, Severity | 'off'>): RulePlan {
  let bySeverities = plans.get(rules);
  if (!bySeverities) plans.set(rules, (bySeverities = new WeakMap()));
  let byTraits = bySeverities.get(severities);
  if (!byTraits) bySeverities.set(severities, (byTraits = new Map()));
  const key = `${file.dialect}:${+file.unreadable}${+file.argvUnknown}${+!!file.launchFails}${+!!file.printsAndExits}${+file.audit}`;
  let plan = byTraits.get(key);
  if (!plan) {
    const runs = rules.filter((rule) => ruleRuns(rule, file, severities));
    plan = Object.assign([runs.filter((rule) => !PHASES[rule.phase].last), runs.filter((rule) => PHASES[rule.phase].last)] as [Rule[], Rule[]], { ids: new Set(runs.map((rule) => rule.id)) as ReadonlySet<string> });
    byTraits.set(key, plan);
  }
  return plan;
}

/** The service fails before memcached runs, whatever a template renders: memcached never starts. */
export function certainLaunchFailure(config: ParsedConfig): boolean {
  return !!config.launchFailure && !config.launchFailure.unknown;
}

export function analyzeConfig(config: ParsedConfig, options: RuleOptions, host?: HostFacts): MemcachedModel {
  // A service manager that starts memcached as another user (supervisord's user=, a container's USER):
  // memcached is not root, so -u is neither needed nor honoured, and it runs as that user.
  const startsAs = config.startsAs;
  const asUserHost = startsAs === undefined ? host : { ...(host ?? SERVICE_HOST), root: startsAs === 'root' };
  // A unit's own limits on memcached's sockets (RestrictAddressFamilies=, PrivateNetwork=, SocketBindDeny=).
  const started = config.sandbox ? { ...(asUserHost ?? SERVICE_HOST), sandbox: config.sandbox } : asUserHost;
  // A container image whose tag names the release decides the version the file is judged for; a floating
  // tag of a closed series (`memcached:1.4`, `1.5-alpine`) has named its final release since the series
  // ended (1.4.39, 1.5.22), which is what a pull gets: UDP on by default in every 1.4, for one.
  // A tag from a variable, or a distribution's package: judged for the release its default names, and what
  // every release would not do alike is unknown (memcached/model.ts imageModelVersion).
  // Without an image (every host file) the options' version, in a literal of one shape: spreading the
  // image's answer into a new object cost a many-file lint about 6 µs a file.
  const image = config.image ? imageModelVersion(config.image.info.version, options.version, config.image.span) : null;
  const analyzed = analyze(config.argv, image?.versionUnknown ? { version: image.version, versionUnknown: image.versionUnknown, host: started } : { version: image ? image.version : options.version, host: started });
  const asUser = startsAs !== undefined && startsAs !== 'root' ? { ...analyzed, runsAs: startsAs } : analyzed;
  // The program that starts memcached may not run it, or not for long (sh runs it in the background): whatever
  // the options say, whether it starts depends on the host.
  const su = config.startupUnknown;
  const model: MemcachedModel = su ? { ...asUser, startup: { ...asUser.startup, certain: false, unknown: { depends: 'host', reason: su.reason, decide: su.decide } } as Startup } : asUser;
  const launchFailure = config.launchFailure ?? accountMissing(config, host);
  if (launchFailure) {
    // Stage 'launch': the program that starts memcached (the wrapper's /bin/sh, systemd, an init script)
    // fails first. memcached never runs: it opens no listener and switches to no user. Where only some
    // renderings of a template fail, what the others do is not known either: the parse stopped at the
    // failure, so the argument vector is not theirs.
    const f = launchFailure;
    const unknown = f.unknown ? { depends: 'template' as const, ...f.unknown } : undefined;
    const none = unknown ? { known: false as const, unknown } : { known: true as const };
    return {
      ...model,
      listeners: [],
      runsAs: null,
      listenersKnown: { ...none, value: [] },
      runsAsKnown: { ...none, value: null },
      startup: { ok: false, warnings: [], exitCode: f.exitCode, reason: f.reason, option: null, span: f.span, certain: !unknown && f.certain !== false, stage: 'launch', ...(unknown ? { unknown } : {}) },
    };
  }
  if (config.startsAsUnknown) {
    // A container whose user the file does not show (an image mchard does not know, no runAsUser): who
    // memcached runs as is unknown, and without -u so is whether it starts (memcached refuses to run as root).
    const u = { depends: 'host' as const, reason: config.startsAsUnknown.reason, decide: config.startsAsUnknown.decide, span: config.startsAsUnknown.span ?? null };
    const noU = model.applied.settings.username === null;
    return {
      ...model,
      runsAs: null,
      runsAsKnown: { known: false, value: null, unknown: u },
      unknownOf: (...what) => (what.includes('runsAs') ? u : null) ?? model.unknownOf(...what),
      // A start-up already unknown for another reason (a background "&", a modified build) keeps it.
      startup: noU && model.startup.ok && !model.startup.unknown ? { ...model.startup, unknown: u } : model.startup,
    };
  }
  return model;
}

/**
 * On a machine whose accounts are known (host checks), the service manager's start fails when it has no
 * user or group the file names for the manager itself (a unit's User=): memcached never runs.
 */
function accountMissing(config: ParsedConfig, host: HostFacts | undefined): LaunchFailure | null {
  if (!config.managerAccounts || !host?.userExists) return null;
  for (const a of config.managerAccounts) {
    const exists = a.kind === 'user' ? host.userExists(a.name) : a.kind === 'uid' ? host.uidExists?.(Number(a.name)) : host.groupExists?.(a.name);
    if (exists !== false) continue;
    return {
      exitCode: a.exitCode,
      reason: `${a.manager} fails with status ${a.status} before memcached runs: this machine has no ${a.kind === 'uid' ? `user with uid ${a.name}` : `${a.kind} ${a.name}`} (${a.setting})`,
      span: a.span,
    };
  }
  return null;
}

/**
 * What a lint's settings tell the dialect that parses the file (the files beside it, what the host says
 * of it): lint and fix's re-reading parse it with the same context, so they read the file alike.
 */
export function parseContextFrom(settings: LintSettings): ParseContext {
  return { hostFiles: settings.hostFiles, composeOverride: settings.composeOverride, unitDropIns: settings.unitDropIns, unitShadowedBy: settings.unitShadowedBy, hostUnit: settings.hostUnit, chartYaml: settings.chartYaml, chartLock: settings.chartLock };
}

export function lintSource(source: SourceText, dialect: DialectName, settings: LintSettings): LintResult {
  const context = parseContextFrom(settings);
  const config = parseConfig(source, dialect, context);
  const severities = settings.severities ?? NO_SEVERITIES;
  const reader = dialectOf(dialect);
  // A trailing comment is compared as the dialect reads the text (a template's masked text, without the
  // template layer's marks).
  const found = findDirectives(source, settings.rules, {
    commentChars: reader.commentChars,
    requireReason: settings.options.requireReason ?? false,
    trailingCommentIsComment: (span) => sameReading((text) => reader.parse(new SourceText(source.path, text), context), dialectReading(config), span),
  });
  // `ran` is filled in once the instances' plans are known, before any rule runs.
  const directives: { -readonly [K in keyof Directives]: Directives[K] } = { list: found.list, problems: found.problems, ran: NO_RULES, dialect };
  // Each report becomes its finding at once (or is dropped, when suppressed): a file with forty thousand
  // findings never holds a second list of what the rules reported.
  const findings: Finding[] = [];
  // A file that starts several memcached instances (a manifest with several memcached workloads): each is
  // linted on its own model, its findings marked with its index; the directives are the file's.
  const parts = config.parts && config.parts.length > 1 ? config.parts : null;
  const instances = (parts ?? [config]).map((part, i) => lintInstance(source, part, settings, severities, directives, findings, parts ? i : undefined));
  // The rules that run: every instance's rules of the other phases, and the first's file-phase rules.
  directives.ran = instances.length === 1 ? instances[0].plan.ids : new Set([...instances.flatMap((x) => x.plan[0].map((r) => r.id)), ...instances[0].plan[1].map((r) => r.id)]);
  // Every phase but the file phase first, in every instance: the file-phase rules judge the directives by
  // what the others reported, once for the file.
  for (const instance of instances) instance.run(false);
  instances[0].run(true);
  sortFindings(findings);
  // Instances that share a line (supervisord's numprocs= processes share command=): a finding every one of
  // them makes, at the same place in the same words, is one finding, the first instance's.
  if (parts) dropRepeats(findings);
  const results = instances.map((x) => x.result);
  const first = results[0];
  // Written out, not spread: one object literal of known shape per file.
  if (!parts) return { config: first.config, model: first.model, exposure: first.exposure, findings, directives: first.directives };
  return { config: first.config, model: first.model, exposure: first.exposure, findings, directives: first.directives, parts: results };
}

/** Removes, in place, a finding equal to an earlier one but for its instance (sorted: equal ones are adjacent runs). */
function dropRepeats(findings: Finding[]): void {
  const key = (f: Finding) => `${f.ruleId}\0${f.line}\0${f.column}\0${f.endLine}\0${f.endColumn}\0${f.severity}\0${f.message}`;
  const seen = new Set<string>();
  let w = 0;
  for (const f of findings) {
    const k = key(f);
    if (seen.has(k)) continue;
    seen.add(k);
    findings[w++] = f;
  }
  findings.length = w;
}

/** The order of a file's findings: by position, then rule ID, then instance. */
// Rule IDs are ASCII: a code-unit comparison, not localeCompare (whose first call loads ICU's collator, ~5 ms).
export const findingOrder = (a: Finding, b: Finding): number =>
  a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.part ?? 0) - (b.part ?? 0);

/**
 * Sorts a file's findings by findingOrder, stably, as Array.prototype.sort does. A file has a few findings:
 * those are sorted by insertion, without the generic sort's set-up (its work array, a call per comparison
 * through the builtin); more go to Array.prototype.sort (test/engine/per-file-cuts.test.ts).
 */
export function sortFindings(findings: Finding[]): void {
  const n = findings.length;
  if (n > 24) {
    findings.sort(findingOrder);
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = findings[i];
    let j = i - 1;
    while (j >= 0 && findingOrder(findings[j], x) > 0) {
      findings[j + 1] = findings[j];
      j--;
    }
    findings[j + 1] = x;
  }
}

/**
 * One memcached instance of a file: its model, exposure and rule context, and `run`, which runs the rules
 * of the file phase (`last`) or of every other phase on it; its findings go to the file's list, marked with
 * `part` when the file has several instances.
 */
function lintInstance(
  source: SourceText,
  config: ParsedConfig,
  settings: LintSettings,
  severities: ReadonlyMap<string, Severity | 'off'>,
  directives: Directives,
  all: Finding[],
  part: number | undefined,
): { result: LintResult; run: (last: boolean) => void; plan: RulePlan } {
  const model = analyzeConfig(config, settings.options, settings.host);
  // Every message passes here: values from a host file the user did not name are hidden, long values cut.
  const shown = shownFor(config);
  const exposure = assessExposure(model.listeners, settings.options.trustedNetworks);
  // A file its service cannot read at all (a dialect's parse-error note: invalid YAML, no memcached in it)
  // has nothing but itself to check: only the file-phase rules run on it. launchFails: the service fails
  // before memcached runs (a /bin/sh syntax error, a unit systemd refuses): memcached never reads the command
  // line, so no rule judges it. Where only some renderings of a template fail, the parse stopped at the
  // failure all the same: the argument vector is none of the renderings'.
  const file = {
    dialect: directives.dialect,
    unreadable: config.notes.some((n) => n.kind === 'parse-error'),
    argvUnknown: !!config.argvUnknown,
    launchFails: !!config.launchFailure,
    // memcached prints its usage, version or licence and exits 0: no server, so nothing a server does is judged.
    printsAndExits: printsAndExits(model.startup),
    audit: settings.audit !== undefined,
  };
  const findings: Finding[] = [];
  const textLength = source.text.length;
  let current: Rule | undefined;
  const tpl = templateOf(config);
  const report = (given: FindingInput<unknown>) => {
    const rule = current!;
    validateReport(rule, given, textLength);
    // In a template, a finding about text the template decides holds only for some renderings: a note, without a fix.
    const t = tpl ? templateFinding(tpl, given) : null;
    const input = t?.finding ?? given;
    const at = input.span ? source.range(input.span) : null;
    const range = at ? visibleRange(source, at) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
    // A directive may name the line the finding is shown on or the line its position really is (the end
    // of a file, where a missing option goes, is shown on the last line).
    if (isSuppressed(directives.list, rule.id, range.line, input.span) || (at && at.line !== range.line && isSuppressed(directives.list, rule.id, at.line, input.span))) return;
    const configured = severities.get(rule.id);
    let severity = t?.note ? 'info' : configured && configured !== 'off' ? configured : (input.severity ?? rule.severity);
    let message = input.message;
    // A binary built from changed source: an exit status memcached's own checks give is the stock release's;
    // whether this binary gives it is unknown (the change decides), so not an error.
    const built = config.startupUnknown?.modifiedBuild;
    if (built && (rule.phase === 'settings' || rule.phase === 'command-line') && /\b(exits|exit status|crashes)\b/.test(message)) {
      message = `${message}; that is what the stock release does: this image builds memcached from source changed on line ${built.line}, so whether its binary does is unknown`;
      if (severity === 'error') severity = 'warning';
    }
    // Every field written out, not `...range`: a literal of known shape keeps its fields in the object. The
    // fix's description is built (and shown through shownFor) only by mchard fix.
    const finding: Finding = {
      ruleId: rule.id,
      slug: rule.slug,
      severity,
      message: shown(message),
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
      span: input.span,
      fix: input.fix !== undefined ? { safety: rule.fix!.safety, state: input.fix } : null,
      caseSeverity: input.severity ?? rule.severity,
    };
    if (part !== undefined) finding.part = part;
    findings.push(finding);
    all.push(finding);
  };
  // One context for every rule of the instance (its sink reports for the rule running): building one per
  // rule cost a dozen closures per rule per file, which shows when a run lints thousands of files.
  const here = settings.thisHost;
  let onHost: MemcachedModel | undefined;
  const onThisHost = here ? () => (onHost ??= analyzeConfig(config, settings.options, here)) : undefined;
  const ctx = makeContext(config, model, exposure, settings.options, report, directives, settings.audit, onThisHost);
  const plan = rulePlan(settings.rules, file, severities);
  const run = (last: boolean) => {
    for (const rule of plan[last ? 1 : 0]) {
      current = rule;
      rule.check(ctx);
    }
  };
  return { result: { config, model, exposure, findings, directives }, run, plan };
}

/**
 * A finding on a template: its message with every masked tag shown as written; one whose span touches a
 * template tag or lies in a block the template renders only under a condition becomes a note saying so,
 * without a fix.
 */
function templateFinding(tpl: TemplateInfo, f: FindingInput<unknown>): { finding: FindingInput<unknown>; note: boolean } {
  const message = tpl.unmask(f.message);
  // A finding that names what the template decides (MC910) is that note already; any other claim about
  // text a tag decides holds only for some renderings, an info finding's too (memcached_enable="<%= x %>"
  // is not "neither yes nor no").
  const why = !f.namesTemplate && f.span && f.span.end > f.span.start ? tpl.touches(f.span) : null;
  if (!why) return { finding: message === f.message ? f : { ...f, message }, note: false };
  return { finding: { span: f.span, message: `depends on the template (${why.reason}): ${message}`, severity: 'info' }, note: true };
}

/**
 * How a text about this file is shown (a finding's message, a fix's description): the values a unit took from
 * a host file the user did not name hidden, long values cut.
 */
export function shownFor(config: ParsedConfig): (text: string) => string {
  const hidden = hiddenValues(config.argv);
  return (text) => boundedMessage(hidden.length ? redact(text, hidden) : text);
}

/**
 * A span's lines and columns (`r`, from source.range), never past the last line of the file. The offset
 * at the very end of a file that ends with a newline (where a missing option is appended) has no line of
 * its own: editors, GitHub and GitLab count the file's lines without it. Such a position is reported at
 * the end of the last line instead, so every report names a line that exists.
 */
function visibleRange(source: SourceText, r: Range): Range {
  const text = source.text;
  const count = source.lineCount;
  if (count < 2 || text.charCodeAt(text.length - 1) !== 10 || r.endLine < count) return r;
  const last = count - 1;
  const start = source.lineStart(last);
  // The last line's length without its line ending (\n or \r\n).
  const end = text.length - 1 - (text.charCodeAt(text.length - 2) === 13 ? 1 : 0);
  const col = end - start + 1;
  if (r.line >= count) return { line: last, column: col, endLine: last, endColumn: col };
  return { line: r.line, column: r.column, endLine: last, endColumn: col };
}

function unionSpan(a: Span | null, b: Span | null): Span | null {
  if (!a) return b;
  if (!b) return a;
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export function makeContext(
  config: ParsedConfig,
  model: MemcachedModel,
  exposure: Exposure,
  options: RuleOptions,
  sink: (f: FindingInput<unknown>) => void,
  directives: Directives,
  audit?: AuditFacts,
  onThisHost?: () => MemcachedModel,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): RuleContext<any, any> {
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
    directives,
    spanOf: (ev) => unionSpan(letterSpan(ev), ev.valueIndex !== null && ev.valueIndex !== ev.index ? tokenSpan(ev.valueIndex) : null),
    valueSpanOf: (ev) => tokenSpan(ev.valueIndex),
    insertionPoint: (letter) => insertionPoint(config, letter),
    defaultUser: () => options.fixUser ?? dialectOf(config.dialect).defaultUser,
    report: sink,
    audit,
    onThisHost: () => (onThisHost ? onThisHost() : null),
  };
}

/**
 * What a rule's fix reads for one lint result: the context its check had, without `report`, and the host
 * when host checks apply. Only `mchard fix` asks for it.
 */
export function fixContextOf(result: LintResult, settings: LintSettings, host: FixHost | null): FixContext {
  const refuse = () => {
    throw new Error('internal: a fix builder reported a finding');
  };
  const ctx = makeContext(result.config, result.model, result.exposure, settings.options, refuse, result.directives, settings.audit);
  return { ...ctx, host };
}

/** Where a missing option goes, in the file's dialect. */
export function insertionPoint(config: ParsedConfig, letter?: string): Span {
  return dialectOf(config.dialect).insertionPoint(config, letter);
}
