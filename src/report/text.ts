/**
 * Text output: one finding a line, `path:line:col  severity  ID  message  (slug)`, then a summary line.
 * The path and the message come from outside (a file name, values quoted from the file): they are shown
 * through `visible` here, the one place every text finding line is made.
 */
import { paint } from './color.js';
import { docLinkLines } from './doc-links.js';
import { visible } from './visible.js';
import { omittedText, summarize, total, type FileReport, type ReportInput, type Summary } from './types.js';
import type { Finding } from '../engine/types.js';
import { baselineTextLines } from '../engine/baseline.js';
import { readingNote } from '../dialects/detect.js';

type Paint = ReturnType<typeof paint>;

/** One finding's line, without its newline. */
export function textFindingLine(path: string, f: Finding, c: Paint): string {
  const sev = f.severity === 'error' ? c.red(f.severity) : f.severity === 'warning' ? c.yellow(f.severity) : c.blue(f.severity);
  return `${c.bold(`${visible(path)}:${f.line}:${f.column}`)}  ${sev}  ${f.ruleId}  ${visible(f.message)}  ${c.dim(`(${f.slug})`)}`;
}

/**
 * A file's note, without its newline: how mchard read a file whose content says something its reader
 * does not do with it (readingNote). Not a finding (no line, no rule, no effect on the exit status), and
 * shaped so no `FILE:LINE:COL` pattern takes it for one.
 */
function textNoteLine(path: string, note: string, c: Paint): string {
  return `${c.bold(visible(path))}  ${c.yellow('note')}  ${visible(note)}`;
}

/**
 * The last line: how many findings of each severity in how many files, how many -q left out, and how
 * many files mchard did not read (never "no problems found" when something was left out).
 */
export function textSummaryLine(s: Summary, files: number, c: Paint, hidden = 0, refused = 0, omitted = 0): string {
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const tally = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')} in ${plural(files, 'file')}`;
  const notes = [
    ...(hidden > 0 ? [`${plural(hidden, 'finding')} below error not shown (-q)`] : []),
    ...(omitted > 0 ? [`${plural(omitted, 'finding')} not listed (--all-findings lists them)`] : []),
    ...(refused > 0 ? [c.yellow(`${plural(refused, 'file')} not read`)] : []),
  ];
  if (notes.length) return [tally, ...notes].join('; ');
  return s.errors + s.warnings + s.infos === 0 ? c.green(`no problems found (${tally})`) : tally;
}

/** A file's lines, each handed to `emit` without its newline: its note (readingNote), then its findings. */
export function textFileLines(file: FileReport, c: Paint, emit: (line: string) => void): void {
  const note = readingNote(file.detection);
  if (note) emit(textNoteLine(file.path, note, c));
  for (const f of file.findings) emit(textFindingLine(file.path, f, c));
  if (file.omitted) emit(textNoteLine(file.path, omittedText(file.omitted), c));
}

export function formatText(input: ReportInput): string {
  const c = paint(input.color);
  const lines: string[] = [];
  for (const file of input.files) textFileLines(file, c, (l) => lines.push(l));
  const refused = input.files.filter((f) => f.detection?.refused).length;
  const hidden = input.files.reduce((n, f) => n + (f.hidden ?? 0), 0);
  const omitted = input.files.reduce((n, f) => n + (f.omitted ? total(f.omitted) : 0), 0);
  // Only a run with a baseline reads its module (the reports group).
  if (input.baseline) lines.push(...baselineTextLines(input.baseline));
  if (input.docLinks) lines.push(...docLinkLines(input.files.flatMap((f) => f.findings.map((x) => x.ruleId)), c));
  lines.push(textSummaryLine(summarize(input.files), input.files.length - refused, c, hidden, refused, omitted));
  return lines.join('\n') + '\n';
}
