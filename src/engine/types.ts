/**
 * Types the engine, the rules, the fixer and the reports share. The rule contract itself (how a rule is
 * declared, its phase, its fix declaration) is in `rule.ts`.
 */
import type { Span } from '../source.js';
import type { OptionEvent } from '../memcached/getopt.js';
import type { Version } from '../memcached/version.js';
import type { FixSafety } from './rule.js';

export type { Rule, RuleContext, RuleDocs, FindingInput, FixDeclaration, FixProposal, FixSafety, Phase } from './rule.js';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/**
 * A change a fix wants, independent of the file's syntax; the dialect's editor turns it into text.
 * - `set-option`: make the option have this value (replace the last occurrence, or add it).
 * - `remove-option`: take this occurrence out (commented out with a `# mchard:` note where the dialect allows).
 * - `set-variable` (sysconfig): make KEY have this value, adding the line if it is missing.
 * - `drop-text` (sysconfig): delete this span (the `export ` keyword).
 * - `move-comment` (sysconfig): move text glued after a closing quote onto a comment line above.
 * - `edit-comment`: replace a comment of mchard's own (a suppression directive) with `text`; an empty text
 *   removes it, with its line when the comment is the whole line. Applied the same way in every dialect.
 */
export type FixIntent =
  | { kind: 'set-option'; letter: string; value: string | null; replace?: OptionEvent }
  | { kind: 'remove-option'; option: OptionEvent }
  | { kind: 'set-variable'; key: string; value: string }
  | { kind: 'drop-text'; span: Span }
  | { kind: 'move-comment'; key: string; span: Span }
  | { kind: 'edit-comment'; span: Span; text: string };

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
  /** The fix the finding offers, or null. Its edits are built only by `mchard fix` (the rule's `fix.build`). */
  fix: FindingFix | null;
  /**
   * For a file that starts several memcached instances (`ParsedConfig.parts`): the index of the instance
   * the finding is about. Absent for a file with one.
   */
  part?: number;
  /**
   * The severity the rule gave this case (its default, or the one it reported for the case), before
   * `.mchardrc` and flags change it: what the case means, for reports that rank by it (SARIF's
   * security-severity). Absent on findings not made by a rule's check.
   */
  caseSeverity?: Severity;
}

/** A finding's fix, as `lint` knows it: the rule's declared safety and the state its fix builds from. */
export interface FindingFix {
  readonly safety: FixSafety;
  readonly state: unknown;
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
  /** `.mchardrc` `require-reason = true`: a suppression directive without ` -- reason` is reported (MC003). */
  requireReason?: boolean;
  /** `--user`, `--listen`, `--port` from `fix`. */
  fixUser?: string;
  fixListen?: string[];
  fixPort?: number;
}
