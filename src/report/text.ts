/** Text output: one finding a line, `path:line:col  severity  ID  message  (slug)`, then a summary line. */
import { paint } from './color.js';
import { summarize, type ReportInput } from './types.js';

export function formatText(input: ReportInput): string {
  const c = paint(input.color);
  const lines: string[] = [];
  for (const file of input.files) {
    for (const f of file.findings) {
      const sev = f.severity === 'error' ? c.red(f.severity) : f.severity === 'warning' ? c.yellow(f.severity) : c.blue(f.severity);
      lines.push(`${c.bold(`${file.path}:${f.line}:${f.column}`)}  ${sev}  ${f.ruleId}  ${f.message}  ${c.dim(`(${f.slug})`)}`);
    }
  }
  const s = summarize(input.files);
  const n = input.files.length;
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const tally = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')} in ${plural(n, 'file')}`;
  lines.push(s.errors + s.warnings + s.infos === 0 ? c.green(`no problems found (${tally})`) : tally);
  return lines.join('\n') + '\n';
}
