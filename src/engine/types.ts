/**
 * The contract between the engine and the rules in `rules/`. A rule is one object: its identity, its
 * documentation, a check that reports findings through the context, and the fix intents it offers.
 */
import type { Span } from '../source.js';
import type { ParsedConfig, DialectName } from '../dialects/types.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { OptionEvent } from '../memcached/getopt.js';
import type { Version } from '../memcached/version.js';
import type { Exposure } from './exposure.js';
import type { AuditFacts } from '../audit/types.js';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface RuleDocs {
  /** What the rule checks, in a paragraph. */
  what: string;
  /** Why it matters. */
  why: string;
  /** A file that triggers the rule, and the same file made good. */
  example: { dialect: DialectName; bad: string; good: string };
  /** What `mchard fix` does, or why it does nothing. */
  fix: string;
  references: string[];
}

/**
 * A change a fix wants, independent of the file's syntax; the dialect's editor turns it into text.
 * - `set-option`: make the option have this value (replace the last occurrence, or add it).
 * - `remove-option`: take this occurrence out (commented out with a `# mchard:` note where the dialect allows).
 * - `set-variable` (sysconfig): make KEY have this value, adding the line if it is missing.
 * - `drop-text` (sysconfig): delete this span (the `export ` keyword).
 * - `move-comment` (sysconfig): move text glued after a closing quote onto a comment line above.
 */
export type FixIntent =
  | { kind: 'set-option'; letter: string; value: string | null; replace?: OptionEvent }
  | { kind: 'remove-option'; option: OptionEvent }
  | { kind: 'set-variable'; key: string; value: string }
  | { kind: 'drop-text'; span: Span }
  | { kind: 'move-comment'; key: string; span: Span };

export interface Fix {
  /** Safe fixes keep the service's behaviour apart from the hardening; unsafe ones may change it. */
  safety: 'safe' | 'unsafe';
  description: string;
  intents: FixIntent[];
}

export interface FindingInput {
  /** Where the finding points; null: the file as a whole (line 1, column 1). */
  span: Span | null;
  message: string;
  /** Overrides the rule's severity for this finding (rules whose severity depends on the case). */
  severity?: Severity;
  fix?: Fix;
}

export interface Finding {
  ruleId: string;
  slug: string;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  span: Span | null;
  fix: Fix | null;
  /**
   * For a file that starts several memcached instances (`ParsedConfig.parts`): the index of the instance
   * the finding is about. Absent for a file with one.
   */
  part?: number;
}

/** Settings the rules read, from `.mchardrc` and the command line. */
export interface RuleOptions {
  /** The memcached version whose behaviour applies. */
  version: Version;
  /** Whether the version was chosen by the user (config or flag) rather than defaulted. */
  versionExplicit: boolean;
  /** Where an explicit version comes from, for messages: `--memcached-version`, `.mchardrc`, `the installed memcached`, `the running binary`. */
  versionSource?: string;
  /** CIDRs in which a private listen address is acceptable (MC103). */
  trustedNetworks: string[];
  /** MC402 thresholds. */
  maxconnLow: number;
  maxconnHigh: number;
  /** `--user`, `--listen`, `--port` from `fix`. */
  fixUser?: string;
  fixListen?: string[];
  fixPort?: number;
}

export interface RuleContext {
  readonly config: ParsedConfig;
  readonly model: MemcachedModel;
  readonly exposure: Exposure;
  readonly options: RuleOptions;
  /** The span covering an option and its value in the file (null when they came from a wrapper/unit). */
  spanOf(option: OptionEvent): Span | null;
  /** Just the value's span. */
  valueSpanOf(option: OptionEvent): Span | null;
  /** Where an option that is missing would be added (a zero-width span). */
  insertionPoint(letter?: string): Span;
  /** What `mchard audit` observed about the running process (set only for audit runs). */
  readonly audit?: AuditFacts;
  /** The user name a fix should set: `--user`, else the distribution's (`memcache` / `memcached`). */
  defaultUser(): string;
  report(finding: FindingInput): void;
}

export interface Rule {
  id: string;
  slug: string;
  severity: Severity;
  summary: string;
  /** Whether the rule offers a fix, and how safe it is. */
  fixable: 'safe' | 'unsafe' | null;
  /** Restrict to one dialect; omitted: all. */
  dialects?: DialectName[];
  /** `audit`: the rule reads a running process (`ctx.audit`); `lint` and `fix` skip it. */
  scope?: 'audit';
  docs: RuleDocs;
  check(ctx: RuleContext): void;
}
