/**
 * GitLab Code Quality report (`artifacts: reports: codequality:`): a JSON array of issues, each with the
 * fields GitLab reads (`description`, `check_name`, `fingerprint`, `severity`, `location.path`,
 * `location.lines.begin`) and the Code Climate fields that cost nothing (`type`, `categories`,
 * `engine_name`, `location.lines.end`).
 *
 * GitLab keeps one issue per fingerprint (a report with two equal fingerprints loses one), so the
 * fingerprint is mchard's identity of the finding (rule, file, subject; never the line, see
 * src/report/fingerprint.ts) together with its occurrence. Severity: `info`, `minor` (warning), `major`
 * (error), `critical` (an error whose case scores 9.0 or more on the security scale, src/report/security.ts).
 * Paths are relative to the working folder with forward slashes (GitLab matches them to the repository),
 * absolute only for files outside it. A file mchard did not examine (unreadable, refused) is not an
 * issue; it is reported on standard error and in the exit status.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { identities, reportPath } from './fingerprint.js';
import { caseScore } from './security.js';
import { safeJson } from './visible.js';
import { notReadOf, type ReportInput } from './types.js';
import { sha256Hex } from './sha256.js';


export type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface GitlabIssue {
  type: 'issue';
  engine_name: 'mchard';
  check_name: string;
  description: string;
  categories: string[];
  fingerprint: string;
  severity: GitlabSeverity;
  location: { path: string; lines: { begin: number; end: number } };
}

function gitlabPath(path: string, cwd: string): string {
  const p = reportPath(path);
  if (!isAbsolute(p)) return p;
  const rel = relative(cwd, p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : p;
}

export function gitlabIssues(input: ReportInput, cwd = process.cwd()): GitlabIssue[] {
  const byId = new Map(input.rules.map((r) => [r.id, r]));
  const out: GitlabIssue[] = [];
  for (const file of input.files) {
    if (notReadOf(file)) continue;
    const ids = identities(file.path, file.findings);
    file.findings.forEach((f, k) => {
      const rule = byId.get(f.ruleId);
      const risk = rule ? rule.risk : null;
      const score = risk ? caseScore(risk, f.caseSeverity) : undefined;
      const severity: GitlabSeverity =
        f.severity === 'error' ? (score !== undefined && score >= 9 ? 'critical' : 'major') : f.severity === 'warning' ? 'minor' : 'info';
      out.push({
        type: 'issue',
        engine_name: 'mchard',
        check_name: `mchard/${f.ruleId}`,
        description: `${f.message} (${f.ruleId} ${f.slug})`,
        categories: [risk?.kind === 'correctness' ? 'Bug Risk' : 'Security'],
        fingerprint: sha256Hex(`${ids[k].hash}:${ids[k].occurrence}`).slice(0, 32),
        severity,
        location: { path: gitlabPath(file.path, cwd), lines: { begin: Math.max(1, f.line), end: Math.max(1, f.line, f.endLine) } },
      });
    });
  }
  return out;
}

export function formatGitlab(input: ReportInput, cwd?: string): string {
  return safeJson(gitlabIssues(input, cwd)) + '\n';
}
