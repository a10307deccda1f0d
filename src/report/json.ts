/**
 * JSON output: `{"files": [{path, dialect, dialectReason, dialectConfidence, readBy, detection, findings: [...]}],
 * "summary": {errors, warnings, infos, refused}}`. A file mchard did not read has `dialect: null`, a
 * `refused` object (`looksLike`, `reason`, `message`) and no findings. A finding of a file that starts
 * several memcached instances has `part`, the instance's index. For `mchard fix`, each file also
 * says `changed`, `written`, `backup`, `fixed`, `notFixed` and `restart`. With --baseline, `baseline`:
 * `{path, suppressed, stale: [{file, ruleId, recorded, found, reason}], unchecked, written}` (unchecked: entries not looked up, see src/engine/baseline.ts). A file with more findings
 * than a report lists (capFindings) has `omitted`: `{errors, warnings, infos}` not in `findings`, counted
 * in `summary`.
 */
import { detectionFields } from '../dialects/detect.js';
import { summarize, type ReportInput } from './types.js';
import { safeJson } from './visible.js';

export function formatJson(input: ReportInput): string {
  const files = input.files.map((f) => ({
    path: f.path,
    dialect: f.dialect,
    ...(f.detection ? detectionFields(f.detection) : {}),
    ...(f.readBy ? { readBy: f.readBy } : {}),
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
      // Which memcached instance of a file that starts several (a manifest with several workloads).
      ...(x.part !== undefined ? { part: x.part } : {}),
    })),
    // Findings left out of `findings` (capFindings), by severity; the summary counts them.
    ...(f.omitted ? { omitted: f.omitted } : {}),
  }));
  const refused = input.files.filter((f) => f.detection?.refused).length;
  const b = input.baseline;
  const baseline = b ? { baseline: { path: b.path, suppressed: b.suppressed, stale: b.stale, unchecked: b.unchecked, written: b.written } } : {};
  return safeJson({ files, summary: { ...summarize(input.files), refused }, ...baseline }) + '\n';
}
