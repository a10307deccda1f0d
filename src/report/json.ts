/**
 * JSON output: `{"files": [{path, dialect, findings: [...]}], "summary": {errors, warnings, infos}}`. For
 * `mchard fix`, each file also says `changed`, `written`, `backup`, `fixed`, `notFixed` and `restart`.
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
  return JSON.stringify({ files, summary: summarize(input.files) }, null, 2) + '\n';
}
