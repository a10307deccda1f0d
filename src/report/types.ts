/** What every output format receives: one entry per file, findings already sorted and filtered. */
import type { DialectName } from '../dialects/types.js';
import type { Detection } from '../dialects/detect.js';
import type { Finding, Rule, Severity } from '../engine/types.js';

export interface FileReport {
  path: string;
  dialect: DialectName | null;
  findings: Finding[];
  /**
   * Which program reads the file and why (a choice), or why mchard did not read it (a refusal: no
   * findings, reported as a refusal in every format, never as an error finding about memcached).
   */
  detection?: Detection;
}

/** True for a file mchard refused to read. */
export function isRefused(f: FileReport): boolean {
  return f.detection?.refused === true;
}

export interface ReportInput {
  files: FileReport[];
  rules: readonly Rule[];
  color: boolean;
  toolVersion: string;
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
