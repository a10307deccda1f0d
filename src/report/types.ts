/** What every output format receives: one entry per file, findings already sorted and filtered. */
import type { DialectName } from '../dialects/types.js';
import type { Detection } from '../dialects/detect.js';
import type { Finding, Rule, Severity } from '../engine/types.js';
import type { BaselineOutcome } from '../engine/baseline.js';
import type { ReportFinding } from './fingerprint.js';

export interface FileReport {
  path: string;
  dialect: DialectName | null;
  /** Findings (with their subjects when the report needs identities: SARIF, GitLab, baselines). */
  findings: ReportFinding[];
  /**
   * Which program reads the file and why (a choice), or why mchard did not read it (a refusal: no
   * findings, reported as a refusal in every format, never as an error finding about memcached).
   */
  detection?: Detection;
  /** Who reads the file, when its reading says more than detection (a Compose file's deploying program, a drop-in's unit). */
  readBy?: string;
  /**
   * The file could not be read. The text and JSON reports show the MC001 finding that stands for it;
   * SARIF makes it a tool execution notification, not an alert, and GitLab leaves it out (neither is a
   * finding about memcached). A refusal (`detection.refused`) is treated the same way: see notReadOf.
   */
  notRead?: { kind: 'unreadable' | 'refused' | 'failed'; reason: string };
  /** Findings left out of `findings` by -q (shown in the text summary, so it never reads "no problems found"). */
  hidden?: number;
  /**
   * Findings left out of `findings` because the file has more than a report lists (capFindings), by
   * severity. Every format says how many, and every summary counts them.
   */
  omitted?: Summary;
  /** What `mchard fix` did to the file (fix's JSON output only); the findings are then those of the file on disk. */
  fix?: FixFileOutcome;
}

/** A fix by rule, as `mchard fix` reports it. */
export interface FixEntry {
  ruleId: string;
  slug: string;
  description: string;
}

/**
 * Why a fix is not in the file on disk: refused (the editor could not write it faithfully), unsafe (held
 * back without --unsafe-fixes), not-written (answered no, no terminal, dry run, host checks, a failed
 * write, interrupted), rolled-back (the service did not run the fixed file, or a signal came).
 */
export type NotFixedKind = 'refused' | 'unsafe' | 'not-written' | 'rolled-back';

export interface FixFileOutcome {
  /** The fixes change the file's text (there is a diff), whether or not it was written. */
  changed: boolean;
  /** The fixed text is on disk now, written by this run (false once a rollback put the original back). */
  written: boolean;
  /** The backup of the original this run kept, or null. */
  backup: string | null;
  /** The fixes now in the file on disk. */
  fixed: FixEntry[];
  /** Fixes that are not in the file on disk, with the reason. */
  notFixed: (FixEntry & { kind: NotFixedKind; reason: string })[];
  /** The service that reads the file: null when none on this machine does. */
  restart: { service: string | null; outcome: 'verified' | 'rolled-back' | 'rollback-failed' | 'not-restarted' | 'failed'; reason: string } | null;
}

export interface ReportInput {
  files: FileReport[];
  rules: readonly Rule[];
  color: boolean;
  toolVersion: string;
  /** Text output: end with the documentation link of each rule reported (src/report/doc-links.ts). */
  docLinks?: boolean;
  /** SARIF `runs[].automationDetails.id` (--sarif-category). */
  sarifCategory?: string;
  /** What the baseline did in this run (--baseline), or absent. */
  baseline?: BaselineOutcome | null;
}

/** Why a file was not examined (unreadable, or refused by the dialect detection), or null. */
export function notReadOf(file: FileReport): { kind: 'unreadable' | 'refused' | 'failed'; reason: string } | null {
  if (file.notRead) return file.notRead;
  if (file.detection?.refused) return { kind: 'refused', reason: file.detection.message };
  return null;
}

export type Summary = { errors: number; warnings: number; infos: number };

export function summarize(files: FileReport[]): Summary {
  const s: Summary = { errors: 0, warnings: 0, infos: 0 };
  for (const f of files) {
    for (const x of f.findings) count(s, x.severity);
    if (f.omitted) addSummary(s, f.omitted);
  }
  return s;
}

export function addSummary(s: Summary, more: Summary): void {
  s.errors += more.errors;
  s.warnings += more.warnings;
  s.infos += more.infos;
}

/**
 * How many findings of one file a report lists: the first PER_RULE of each rule, and PER_FILE in all (the
 * most severe first). A real file has tens of findings; a hostile one (a megabyte of repeated lines) had
 * about 100,000, and its text report was 14 MB. --all-findings lists every one.
 */
export const FINDINGS_CAP = { perRule: 100, perFile: 1000 } as const;

/** How a report says it listed only some of a file's findings, after the number left out. */
export const CAP_WORDS = `not listed (at most ${FINDINGS_CAP.perRule} of a rule and ${FINDINGS_CAP.perFile} of a file are; --all-findings lists every one)`;

/**
 * The findings a report lists (in their order) and, when some are left out, how many of each severity.
 * The exit status is decided from all of them, never from these.
 */
export function capFindings<T extends { ruleId: string; severity: Severity }>(findings: T[], all = false): { shown: T[]; omitted?: Summary } {
  const keep = all ? null : capIndices(findings);
  if (keep === null) return { shown: findings };
  const shown = keep.map((k) => findings[k]);
  const omitted: Summary = { errors: 0, warnings: 0, infos: 0 };
  const listed = new Set(keep);
  findings.forEach((f, k) => {
    if (!listed.has(k)) count(omitted, f.severity);
  });
  return { shown, omitted };
}

/** The indices (ascending) of the findings capFindings lists, or null when it lists them all. */
export function capIndices(findings: readonly { ruleId: string; severity: Severity }[]): number[] | null {
  if (findings.length <= FINDINGS_CAP.perRule) return null;
  const perRule = new Map<string, number>();
  const candidates: number[] = [];
  for (let k = 0; k < findings.length; k++) {
    const id = findings[k].ruleId;
    const n = perRule.get(id) ?? 0;
    if (n < FINDINGS_CAP.perRule) candidates.push(k);
    perRule.set(id, n + 1);
  }
  let keep = candidates;
  if (candidates.length > FINDINGS_CAP.perFile) {
    // The most severe first (stable), then back in the findings' order.
    const rank = (k: number) => (findings[k].severity === 'error' ? 0 : findings[k].severity === 'warning' ? 1 : 2);
    keep = [...candidates].sort((a, b) => rank(a) - rank(b) || a - b).slice(0, FINDINGS_CAP.perFile).sort((a, b) => a - b);
  }
  return keep.length === findings.length ? null : keep;
}

/** How many findings of a file a report left out (capFindings), by severity. */
export function omittedText(o: Summary): string {
  const parts = ([[o.errors, 'error'], [o.warnings, 'warning'], [o.infos, 'info']] as const).filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}${n === 1 ? '' : 's'}`);
  return `${total(o)} more finding${total(o) === 1 ? '' : 's'} (${parts.join(', ')}) ${CAP_WORDS}`;
}

/** The number of findings a Summary holds. */
export function total(s: Summary): number {
  return s.errors + s.warnings + s.infos;
}

export function count(s: Summary, sev: Severity): void {
  if (sev === 'error') s.errors++;
  else if (sev === 'warning') s.warnings++;
  else s.infos++;
}
