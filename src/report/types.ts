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
  for (const f of files) for (const x of f.findings) count(s, x.severity);
  return s;
}

export function count(s: Summary, sev: Severity): void {
  if (sev === 'error') s.errors++;
  else if (sev === 'warning') s.warnings++;
  else s.infos++;
}
