/**
 * JSON output: `{"files": [{path, dialect, findings: [...]}], "summary": {errors, warnings, infos}}`. For
 * `mchard fix`, each file also says `changed`, `written`, `backup`, `fixed`, `notFixed` and `restart`. With
 * --baseline, `baseline`: `{path, suppressed, stale: [{file, ruleId, recorded, found, reason}], written}`.
 */
import { summarize, type ReportInput } from './types.js';

export function formatJson(input: ReportInput): string {
  const files = input.files.map((f) => ({
    path: f.path,
    dialect: f.dialect,
    ...(f.fix ?? {}),
    findings: f.findings.map((x) => ({
      ruleId: x.ruleId,
      slug: x.slug,
      severity: x.severity,
      message: x.message,
      line: x.line,
      column: x.column,
      endLine: x.endLine,
      endColumn: x.endColumn,
      fixable: x.fix !== null,
    })),
  }));
  const b = input.baseline;
  const baseline = b ? { baseline: { path: b.path, suppressed: b.suppressed, stale: b.stale, written: b.written } } : {};
  return JSON.stringify({ files, summary: summarize(input.files), ...baseline }, null, 2) + '\n';
}
