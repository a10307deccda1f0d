/**
 * The rule contract. A rule is one declaration, written with `defineRule` (or `noteRule` for the common
 * "report these dialect notes" case), in a module of its own under `rules/`:
 *
 *   export const rule = defineRule({
 *     id: 'MC503', slug: 'coredumps-enabled', severity: 'info', summary: '...', since: '0.1.0',
 *     phase: 'settings', dialects: 'all', fix: null,
 *     sources: [{ kind: 'manual', page: 'memcached(1)', section: '-r, --enable-coredumps' }],
 *     docs: { what, why, example, fix },
 *     check(ctx) { ... ctx.report({ span, message }) ... },
 *   });
 *
 * Everything the engine and the fixer decide about a rule comes from what it declares, never from its ID:
 * - `phase` says what the rule reads, and with it when it runs and when its fix applies (PHASES below);
 * - `dialects` says which files it applies to, and types `ctx.config` as those dialects' configuration;
 * - `fix` is the one fix declaration: its safety, what it can break, and `build`, which turns the small
 *   state a finding carries into fix intents. Only `mchard fix` calls `build`: `lint` reports whether a
 *   finding is fixable and never builds the edits.
 * The engine checks what a rule reports (`validateReport`) and fails loudly on a report that breaks the
 * contract, so a bug in a rule is an error in the tests rather than a silently wrong finding.
 */
import type { Span } from '../source.js';
import type { DialectName } from '../dialects/types.js';
import type { ConfigOf } from '../dialects/configs.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { OptionEvent } from '../memcached/getopt.js';
import type { AuditFacts } from '../audit/types.js';
import type { Exposure } from './exposure.js';
import type { Directives } from './suppressions.js';
import { digitsBetween, dottedGroups, isDigitCode, isRegExpSpace } from '../ascii.js';
import { SEVERITIES, type FixIntent, type RuleOptions, type Severity } from './types.js';

/**
 * What a rule reads:
 * - `file`: the file's bytes and mchard's own comments in it (a file its service cannot read, suppression
 *   directives). Runs on every file, a file its service cannot read included, after every other phase
 *   (what it judges, such as whether a suppression silenced anything, depends on their reports).
 * - `dialect`: the service's reading of the file (the dialect's notes: lines it ignores, text systemd glues
 *   onto a value, the unit's variables). Runs on every readable file, also when the file does not decide
 *   memcached's command line (its findings are then the useful ones).
 * - `command-line`: getopt-level well-formedness of the argument vector (an unknown option, a missing
 *   value, an option given twice, a word memcached ignores). Skipped when the command line is unknown, and
 *   when the service fails before memcached runs (`config.launchFailure`: a shell syntax error, a unit
 *   systemd refuses): memcached never reads that command line. Also when only some renderings of a
 *   template fail so: the parse stopped at the failure, so the vector is none of the renderings'.
 * - `settings`: what memcached does with the command line (its listeners, user, limits, start-up). Skipped
 *   when the command line is unknown, and when the service fails before memcached runs, or may (as above:
 *   nothing listens, no user is switched to, no exit status of memcached's own).
 * - `audit`: a running memcached process (`ctx.audit`); only `mchard audit` runs these.
 */
export type Phase = 'file' | 'dialect' | 'command-line' | 'settings' | 'audit';

export interface PhasePolicy {
  /** Runs on a file its service cannot read at all (a dialect's parse-error note). */
  readonly onUnreadable: boolean;
  /** Runs when the file does not decide memcached's command line (`config.argvUnknown`). */
  readonly whenArgvUnknown: boolean;
  /**
   * Runs when the service fails before memcached runs (`config.launchFailure`, also one only some renderings
   * of a template meet): memcached never reads its command line, so nothing about it can be reported.
   */
  readonly whenLaunchFails: boolean;
  /**
   * Runs when memcached certainly prints its usage, version or licence and exits 0 (`-h`, `-V`, `-i`
   * reached by getopt): it serves nothing and reads no option after it, so its listeners, user and values
   * are no server's. A rule that reports that outcome declares `whenPrintsAndExits`.
   */
  readonly whenPrintsAndExits: boolean;
  /** Runs only with a running process's observations (`mchard audit`). */
  readonly needsAudit: boolean;
  /** Runs after the other phases, on their reports (suppression directives are judged then). */
  readonly last: boolean;
  /** Position of the phase's fixes in a round of `mchard fix` (lower first); null: its rules offer no fix. */
  readonly fixOrder: number | null;
}

/**
 * The one place that says what a phase means to the engine and to the fixer. Fixes apply in the order
 * dialect → command line → settings → file: what the file means at all first (once `export` is gone,
 * OPTIONS counts), then the command line's form, then what memcached does, and the clean-up of mchard's
 * own comments last.
 */
export const PHASES: Readonly<Record<Phase, PhasePolicy>> = {
  file: { onUnreadable: true, whenArgvUnknown: true, whenLaunchFails: true, whenPrintsAndExits: true, needsAudit: false, last: true, fixOrder: 3 },
  dialect: { onUnreadable: false, whenArgvUnknown: true, whenLaunchFails: true, whenPrintsAndExits: true, needsAudit: false, last: false, fixOrder: 0 },
  'command-line': { onUnreadable: false, whenArgvUnknown: false, whenLaunchFails: false, whenPrintsAndExits: false, needsAudit: false, last: false, fixOrder: 1 },
  settings: { onUnreadable: false, whenArgvUnknown: false, whenLaunchFails: false, whenPrintsAndExits: false, needsAudit: false, last: false, fixOrder: 2 },
  // A running process's command line: memcached did run, whatever a file would do.
  audit: { onUnreadable: false, whenArgvUnknown: true, whenLaunchFails: true, whenPrintsAndExits: true, needsAudit: true, last: false, fixOrder: null },
};

export const PHASE_NAMES = Object.keys(PHASES) as Phase[];

/**
 * Where a rule's facts come from. Only references that were checked: the memcached source or
 * documentation that shows the behaviour, the CVE, the same check in another tool.
 */
export type RuleSource =
  /** memcached's own source: `memcached.c`, `main()`, and what to look for there. */
  | { readonly kind: 'memcached-source'; readonly file: string; readonly at: string; readonly detail?: string }
  /** memcached's documentation: the manual page, `-h`, the wiki, release notes, protocol.txt. */
  | { readonly kind: 'memcached-doc'; readonly title: string; readonly url?: string }
  /** Another program's manual page (`systemd.exec(5)`, `getopt(3)`). */
  | { readonly kind: 'manual'; readonly page: string; readonly section?: string }
  | { readonly kind: 'cve'; readonly id: string }
  /** The equivalent check of another tool (a scanner's plugin, a benchmark's item). */
  | { readonly kind: 'other-tool'; readonly tool: string; readonly check: string; readonly url?: string }
  /** Anything else checked: another project's source (Debian's wrapper, systemd), an RFC, a vendor article. */
  | { readonly kind: 'reference'; readonly title: string; readonly url?: string };

export function describeSource(s: RuleSource): string {
  switch (s.kind) {
    case 'memcached-source':
      return `memcached source, ${s.file} ${s.at}${s.detail ? `: ${s.detail}` : ''}`;
    case 'memcached-doc':
      return s.url ? `${s.title} (${s.url})` : s.title;
    case 'manual':
      return s.section ? `${s.page}: ${s.section}` : s.page;
    case 'cve':
      return `${s.id} (https://nvd.nist.gov/vuln/detail/${s.id})`;
    case 'other-tool':
      return `${s.tool}: ${s.check}${s.url ? ` (${s.url})` : ''}`;
    case 'reference':
      return s.url ? `${s.title} (${s.url})` : s.title;
  }
}

export interface RuleDocs {
  /** What the rule checks, in a paragraph. */
  readonly what: string;
  /** Why it matters. */
  readonly why: string;
  /** A file that triggers the rule, and the same file made good (both are tests). */
  readonly example: { readonly dialect: DialectName; readonly bad: string; readonly good: string };
  /** What `mchard fix` does, or why it does nothing. */
  readonly fix: string;
}

/** What a finding reports. `fix`: the state the rule's fix builds its edits from; omitted: no fix for this finding. */
export interface FindingInput<S = never> {
  /** Where the finding points; null: the file as a whole (line 1, column 1). */
  readonly span: Span | null;
  readonly message: string;
  /** Overrides the rule's severity for this finding (rules whose severity depends on the case). */
  readonly severity?: Severity;
  readonly fix?: S;
  /**
   * The finding itself says what a template decides (MC910 names the tag): the engine does not turn it into
   * a "depends on the template" note. Any other finding whose span touches a tag becomes one, an info
   * finding included (its claim about the text holds only for some renderings).
   */
  readonly namesTemplate?: true;
}

/** What a rule's check can read. `D`: the dialects it applies to; `S`: its fix state. */
export interface RuleContext<D extends DialectName = DialectName, S = never> {
  readonly config: ConfigOf<D>;
  readonly model: MemcachedModel;
  readonly exposure: Exposure;
  readonly options: RuleOptions;
  /** What `mchard audit` observed about the running process (audit-phase rules only). */
  readonly audit?: AuditFacts;
  /** The file's suppression directives and what they silenced (complete for the file-phase rules, which run last). */
  readonly directives: Directives;
  /** The span covering an option and its value in the file (null when they came from a wrapper/unit). */
  spanOf(option: OptionEvent): Span | null;
  /** Just the value's span. */
  valueSpanOf(option: OptionEvent): Span | null;
  /** Where an option that is missing would be added (a zero-width span). */
  insertionPoint(letter?: string): Span;
  /** The user name a fix should set: `--user`, else the distribution's (`memcache` / `memcached`). */
  defaultUser(): string;
  /**
   * The model worked out again with the facts of the machine the file is on (its users, addresses and
   * folders), when host checks apply (a file under /etc, `--host-checks`); null otherwise. `model` stays the
   * service's on any host.
   */
  onThisHost(): MemcachedModel | null;
  report(finding: FindingInput<S>): void;
}

/** What a fix may ask about this machine: given only when host checks apply (a file under /etc, `--host-checks`). */
export interface FixHost {
  /** The account, or null when it does not exist; undefined when /etc/passwd cannot be read. */
  account(name: string): FixAccount | null | undefined;
  /** Whether the account can create and remove entries in the directory; undefined when it cannot be told. */
  canWriteDirectory(account: FixAccount, dir: string): boolean | undefined;
  /** Whether the account can read the file; undefined when it cannot be told. */
  canReadFile(account: FixAccount, path: string): boolean | undefined;
}

export interface FixAccount {
  readonly name: string;
  readonly uid: number;
  readonly gids: readonly number[];
}

/** What a fix's `build` and `decide` read: the check's context without `report`, and the host when checks apply. */
export type FixContext<D extends DialectName = DialectName> = Omit<RuleContext<D, never>, 'report'> & {
  readonly host: FixHost | null;
};

export type FixSafety = 'safe' | 'unsafe';
export const FIX_SAFETIES: readonly FixSafety[] = ['safe', 'unsafe'];

/** The edits a fix wants, independent of the file's syntax. */
export interface FixProposal {
  readonly description: string;
  readonly intents: readonly FixIntent[];
}

/** A safety decided for one finding, with its reason (shown when an unsafe fix is held back). */
export interface SafetyDecision {
  readonly safety: FixSafety;
  readonly reason: string;
}

export interface FixDeclaration<D extends DialectName = DialectName, S = never> {
  /**
   * `safe`: the fix changes only what the rule is about (the hardening itself); `unsafe`: it can change what
   * the service does for its clients or whether it starts. `mchard fix` applies unsafe fixes only with
   * `--unsafe-fixes` (or `extend-safe-fixes` in `.mchardrc`).
   */
  readonly safety: FixSafety;
  /** What the fix can break, or why it cannot: one sentence, for the docs and for a fix held back as unsafe. */
  readonly why: string;
  /** When the safety depends on the case: the case in words (for the docs), and the decision for one finding. */
  readonly depends?: {
    readonly when: string;
    decide(ctx: FixContext<D>, state: S): SafetyDecision;
  };
  /** The edits for one finding, from the state its check reported; null when there is nothing to do after all. */
  build(ctx: FixContext<D>, state: S): FixProposal | null;
}

/**
 * What a rule's findings mean for security, for reports that rank alerts (SARIF's `security-severity`,
 * GitLab's severity):
 * - `security`: about who can reach memcached, what they can do or read, or what runs as root. A score on
 *   GitHub's scale (critical 9.0–10.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9) for the rule's default
 *   case, and `cases`: the score of a case the rule reports with another severity (a worse or milder one).
 * - `correctness`: memcached does not start, or does something other than the file says; the security
 *   consequence, if any, is reported by the exposure rules from the model.
 * Each rule argues its score in a comment beside the declaration.
 */
export interface RuleRisk {
  readonly kind: 'security' | 'correctness';
  /** security: the score of the rule's default case. */
  readonly score?: number;
  /** security: the score of a case the rule reports with another severity. */
  readonly cases?: Partial<Record<Severity, number>>;
}

/** A security rule's risk: its default case's score, and the scores of cases reported with another severity. */
export function security(score: number, cases?: Partial<Record<Severity, number>>): RuleRisk {
  return { kind: 'security', score, ...(cases ? { cases } : {}) };
}

/** A correctness rule's risk (no security score: ranked by its severity). */
export function correctness(): RuleRisk {
  return { kind: 'correctness' };
}

/** Every dialect, for a rule that applies to all of them. */
export type AllDialects = 'all';

/** What every rule declares whatever its dialects and fix state. */
interface RuleIdentity {
  /** Stable ID, `MCnnn`. It names the rule; nothing depends on its number. */
  readonly id: string;
  /** Stable kebab-case name; works wherever the ID does. */
  readonly slug: string;
  readonly severity: Severity;
  /** What a finding of the rule means for security: how reports that rank alerts rank it (SARIF, GitLab). */
  readonly risk: RuleRisk;
  readonly summary: string;
  /** The mchard version that added the rule. */
  readonly since: string;
  readonly sources: readonly RuleSource[];
  readonly phase: Phase;
  /** Runs also when memcached prints and exits (PhasePolicy.whenPrintsAndExits): the rule reports that outcome. */
  readonly whenPrintsAndExits?: true;
  readonly docs: RuleDocs;
}

export interface RuleDefinition<D extends DialectName, S> extends RuleIdentity {
  /** The dialects the rule applies to; the engine skips it for any other. */
  readonly dialects: AllDialects | readonly D[];
  readonly fix: FixDeclaration<D, S> | null;
  check(ctx: RuleContext<D, S>): void;
}

/** A rule as the engine, the fixer and the reports hold it (its types erased). */
export interface Rule extends RuleIdentity {
  readonly dialects: AllDialects | readonly DialectName[];
  // `any` (not unknown): the rule's own state type is erased here; only its own check and build see it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly fix: FixDeclaration<any, any> | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  check(ctx: RuleContext<any, any>): void;
}

/** A contract violation: a rule declared or reported something the engine refuses. Always a bug in mchard. */
export class RuleContractError extends Error {
  constructor(ruleId: string, problem: string) {
    super(`rule ${ruleId} breaks the rule contract: ${problem}`);
    this.name = 'RuleContractError';
  }
}

const ALL_DIALECTS: readonly DialectName[] = ['debian', 'sysconfig', 'systemd', 'openrc', 'rcconf', 'compose', 'dockerfile', 'supervisord', 'argv', 'kubernetes', 'helm'];

/**
 * A rule's fix in a word, for tables: `safe`, `unsafe`, with `*` when the safety depends on the case (the
 * rule's documentation says when); null without a fix.
 */
export function fixLabel(rule: Pick<Rule, 'fix'>): string | null {
  if (!rule.fix) return null;
  return rule.fix.depends ? `${rule.fix.safety}*` : rule.fix.safety;
}

/** Whether a rule applies to files of this dialect. */
export function appliesTo(rule: Pick<Rule, 'dialects'>, dialect: DialectName): boolean {
  return rule.dialects === 'all' || rule.dialects.includes(dialect);
}

/**
 * Declares a rule. Checks the declaration itself (the report checks happen as the rule runs).
 *
 * A rule's `docs` and `sources` are read only by `explain`, the docs and SARIF's descriptors, always
 * through docsOf and sourcesOf. In the bundle the build wraps each in a function (scripts/build.mjs,
 * lazyRuleDocs), so a start never builds 80 rules' documentation and V8's code cache carries none of its
 * text; the build checks them then (checkRuleDocumentation on every rule it ships). Given as values (the
 * sources, the tests), they are checked here.
 */
export function defineRule<const D extends DialectName = DialectName, S = never>(def: RuleDefinition<D, S>): Rule {
  const bad = (problem: string): never => {
    throw new RuleContractError(def.id, problem);
  };
  if (!isRuleIdText(String(def.id))) bad(`the ID "${def.id}" is not MC and three digits`);
  if (!isKebabCase(String(def.slug))) bad(`the slug "${def.slug}" is not kebab-case`);
  if (!(SEVERITIES as readonly string[]).includes(def.severity)) bad(`unknown severity "${def.severity}"`);
  if (!(def.phase in PHASES)) bad(`unknown phase "${def.phase}"`);
  if (dottedGroups(String(def.since), 3, 3) === null) bad(`since "${def.since}" is not a version such as 0.1.0`);
  if (def.summary.trim() === '') bad('empty summary');
  if (def.dialects !== 'all') {
    if (def.dialects.length === 0) bad('an empty dialect list (use "all", or name the dialects)');
    for (const d of def.dialects) if (!ALL_DIALECTS.includes(d)) bad(`unknown dialect "${d}"`);
  }
  const scoreOk = (n: unknown) => typeof n === 'number' && n >= 0.1 && n <= 10 && Math.round(n * 10) === n * 10;
  if (def.risk?.kind === 'security') {
    if (!scoreOk(def.risk.score)) bad(`security score ${String(def.risk.score)} is not 0.1–10.0 with one decimal`);
    for (const v of Object.values(def.risk.cases ?? {})) if (!scoreOk(v)) bad(`case score ${String(v)} is not 0.1–10.0 with one decimal`);
  } else if (def.risk?.kind !== 'correctness') bad('no risk (security(score) or correctness())');
  else if (def.risk.score !== undefined || def.risk.cases) bad('a correctness rule has no security score');
  if (typeof def.sources !== 'function') checkSources(def);
  if (typeof def.docs !== 'function') checkDocs(def);
  if (def.fix) {
    if (!(FIX_SAFETIES as readonly string[]).includes(def.fix.safety)) bad(`unknown fix safety "${def.fix.safety}"`);
    if (def.fix.why.trim() === '') bad('the fix does not say what it can break (fix.why)');
    if (PHASES[def.phase].fixOrder === null) bad(`a fix on a ${def.phase}-phase rule, which mchard fix never applies`);
  }
  if (def.phase === 'audit' && def.fix) bad('an audit rule cannot offer a fix');
  return Object.freeze({ ...def }) as unknown as Rule;
}

/** `/^MC\d{3}$/`: a rule's ID (held to the expression by test/engine/contract.test.ts). */
export function isRuleIdText(s: string): boolean {
  return s.length === 5 && s.startsWith('MC') && digitsBetween(s, 2, 5);
}

/** `/^[a-z0-9]+(-[a-z0-9]+)*$/`: a slug, words of lower-case letters and digits joined by single hyphens. */
export function isKebabCase(s: string): boolean {
  if (s.length === 0 || s.charCodeAt(0) === 45 || s.charCodeAt(s.length - 1) === 45) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 45) {
      if (s.charCodeAt(k + 1) === 45) return false;
    } else if (!((c >= 97 && c <= 122) || isDigitCode(c))) return false;
  }
  return true;
}

function checkSources(rule: Pick<Rule, 'id' | 'sources'>): void {
  const sources = sourcesOf(rule);
  if (sources.length === 0) throw new RuleContractError(rule.id, 'no sources');
  for (const s of sources) if (s.kind === 'cve' && !/^CVE-\d{4}-\d{4,}$/.test(s.id)) throw new RuleContractError(rule.id, `"${s.id}" is not a CVE ID`);
}

function checkDocs(rule: Pick<Rule, 'id' | 'docs'>): void {
  for (const [k, v] of Object.entries(docsOf(rule))) if (typeof v === 'string' && v.trim() === '') throw new RuleContractError(rule.id, `empty docs.${k}`);
}

/** The checks of a rule's `docs` and `sources`, which defineRule leaves to the build when the bundle defers them. */
export function checkRuleDocumentation(rule: Rule): void {
  checkSources(rule);
  checkDocs(rule);
}

/** What the bundle holds in place of a value it defers: a function that makes it (lazyRuleDocs). */
type Deferred<T> = T | (() => T);
const made = new WeakMap<object, unknown>();
function valueOf<T>(v: Deferred<T>): T {
  if (typeof v !== 'function') return v;
  if (!made.has(v)) made.set(v, (v as () => T)());
  return made.get(v) as T;
}

/** A rule's documentation (what, why, example, fix), made on first use in the bundle. */
export function docsOf(rule: Pick<Rule, 'docs'>): RuleDocs {
  return valueOf(rule.docs as Deferred<RuleDocs>);
}

/** The sources a rule's facts come from, made on first use in the bundle. */
export function sourcesOf(rule: Pick<Rule, 'sources'>): readonly RuleSource[] {
  return valueOf(rule.sources as Deferred<readonly RuleSource[]>);
}

/** The note kinds of the dialects `D`. */
export type NoteKind<D extends DialectName> = ConfigOf<D>['notes'][number]['kind'];

/**
 * The common case: a rule that reports every note of the given kinds of its dialects, with the note's own
 * message (or `message(note)`), as hadolint's simple rules do. Its phase is `dialect` unless given.
 */
export function noteRule<const D extends DialectName>(
  def: Omit<RuleDefinition<D, never>, 'check' | 'fix' | 'phase' | 'dialects'> & {
    readonly dialects: readonly D[];
    readonly kinds: readonly NoteKind<D>[];
    readonly phase?: Phase;
    message?(note: ConfigOf<D>['notes'][number]): string;
  },
): Rule {
  const { kinds, message, phase, ...rest } = def;
  const wanted = new Set<string>(kinds);
  return defineRule<D>({
    ...rest,
    phase: phase ?? 'dialect',
    fix: null,
    check(ctx) {
      for (const note of ctx.config.notes as readonly ConfigOf<D>['notes'][number][]) {
        if (wanted.has(note.kind)) ctx.report({ span: note.span, message: message ? message(note) : note.message });
      }
    },
  });
}

/** `s.trim() === ''` without the trimmed copy (asked for every finding; test/engine/per-file-cuts.test.ts). */
export function blank(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (!isRegExpSpace(s.charCodeAt(k))) return false;
  return true;
}

/**
 * The engine-side check of one report: a span inside the file, a non-empty message, a known severity, a fix
 * state only from a rule that declares a fix. Throws RuleContractError, naming the rule and the problem.
 */
export function validateReport(rule: Rule, input: FindingInput<unknown>, textLength: number): void {
  const bad = (problem: string): never => {
    throw new RuleContractError(rule.id, problem);
  };
  if (typeof input !== 'object' || input === null) bad('report() needs an object');
  const sp = input.span;
  if (sp !== null) {
    if (typeof sp !== 'object' || !Number.isInteger(sp.start) || !Number.isInteger(sp.end)) bad(`a span that is not two whole offsets (${JSON.stringify(sp)})`);
    if (sp.start < 0 || sp.end < sp.start || sp.end > textLength) bad(`the span ${sp.start}-${sp.end} is outside the file (${textLength} characters)`);
  }
  // Messages may quote the file (control characters included): the reports escape them, not the rules.
  if (typeof input.message !== 'string' || blank(input.message)) bad('an empty message');
  if (input.severity !== undefined && !(SEVERITIES as readonly string[]).includes(input.severity)) bad(`unknown severity "${String(input.severity)}"`);
  if (input.fix !== undefined && !rule.fix) bad('a fix state, but the rule declares no fix');
}
