/**
 * GitHub Actions workflow commands: `::error file=...,line=...,col=...::message`.
 *
 * Escaping as the runner unescapes (actions/toolkit `command.ts`, "Workflow commands for GitHub Actions"):
 * in the message `%` → `%25`, CR → `%0D`, LF → `%0A`; in a property value also `:` → `%3A` and `,` →
 * `%2C`. The runner decodes nothing else, so any other control character (ESC, which the log viewer
 * renders, bidirectional overrides...) is shown as a visible escape (`\x1b`), like every output a person
 * reads.
 */
import type { Finding } from '../engine/types.js';
import type { FileReport, ReportInput } from './types.js';
import { visible } from './visible.js';
import { readingNote } from '../dialects/detect.js';
import { omittedText } from './types.js';

const escData = (s: string) => visible(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
const escProp = (s: string) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One finding's workflow command, without its newline. */
export function githubLine(path: string, f: Finding): string {
  const cmd = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
  const props = [
    `file=${escProp(path)}`,
    `line=${f.line}`,
    `col=${f.column}`,
    `endLine=${f.endLine}`,
    `endColumn=${f.endColumn}`,
    `title=${escProp(`${f.ruleId} ${f.slug}`)}`,
  ].join(',');
  return `::${cmd} ${props}::${escData(`${f.message} (${f.ruleId})`)}`;
}

/** A refused file's workflow command: an error annotation on the file, titled as a refusal, not a rule. */
function githubRefusalLine(path: string, message: string): string {
  return `::error file=${escProp(path)},title=${escProp('mchard did not read this file')}::${escData(message)}`;
}

/** A file's note (readingNote) as a notice annotation on the file, titled as how mchard read it, not a rule. */
function githubNoteLine(path: string, note: string): string {
  return `::notice file=${escProp(path)},title=${escProp('how mchard read this file')}::${escData(note)}`;
}

/** A file's workflow commands, each handed to `emit` without its newline: a refusal, its note (readingNote), its findings. */
export function githubFileLines(file: FileReport, emit: (line: string) => void): void {
  if (file.detection?.refused) emit(githubRefusalLine(file.path, file.detection.message));
  const note = readingNote(file.detection);
  if (note) emit(githubNoteLine(file.path, note));
  for (const f of file.findings) emit(githubLine(file.path, f));
  if (file.omitted) emit(`::warning file=${escProp(file.path)},title=${escProp('mchard listed some findings only')}::${escData(omittedText(file.omitted))}`);
}

export function formatGithub(input: ReportInput): string {
  const out: string[] = [];
  for (const file of input.files) githubFileLines(file, (l) => out.push(l));
  return out.length ? out.join('\n') + '\n' : '';
}
