/** Choosing an output format, and writing a report as it is made. */
import { formatText, textFileLines, textSummaryLine } from './text.js';
import { formatJson } from './json.js';
import { formatSarif, sarifPieces } from './sarif.js';
import { formatGithub, githubFileLines } from './github.js';
import { formatGitlab } from './gitlab.js';
import { baselineTextLines } from '../engine/baseline.js';
import { paint } from './color.js';
import { docLinkLines } from './doc-links.js';
import { addSummary, count, total, type FileReport, type ReportInput, type Summary } from './types.js';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'] as const;
export type Format = (typeof FORMATS)[number];

export function formatReport(format: Format, input: ReportInput): string {
  switch (format) {
    case 'text': return formatText(input);
    case 'json': return formatJson(input);
    case 'sarif': return formatSarif(input);
    case 'github': return formatGithub(input);
    case 'gitlab': return formatGitlab(input);
  }
}

/** The formats whose findings need their identities (subjects): fingerprints. */
export function needsIdentity(format: Format): boolean {
  return format === 'sarif' || format === 'gitlab';
}


/**
 * A report written file by file: `file()` for each file in order, then `end()` once, with what is known
 * only at the end (the baseline's outcome).
 */
export interface ReportWriter {
  file(report: FileReport): void;
  end(final?: Pick<ReportInput, 'baseline'>): void;
}

/** Output is handed to `write` in pieces of about this many characters. */
const PIECE = 1 << 16;

/**
 * Writes the same text as formatReport, as the files come. Text and GitHub output go out a file at a
 * time, so a run keeps neither every finding of ten thousand files nor one string of all their lines;
 * JSON and SARIF are one document, made at the end from the files kept until then.
 *
 * `writeBytes`, when the destination has one, takes bytes the build made and checked (the SARIF rules'
 * descriptors, prebuiltRulesBytes): they go out as they are, neither decoded nor guarded again.
 */
export function reportWriter(format: Format, input: Omit<ReportInput, 'files'>, write: (text: string) => void, writeBytes?: (data: Uint8Array) => void): ReportWriter {
  if (format === 'sarif' && writeBytes) {
    const files: FileReport[] = [];
    return {
      file: (r) => void files.push(r),
      end: (final) => {
        const { before, rules, after } = sarifPieces({ ...input, ...final, files });
        if (typeof rules === 'string') return write(`${before}${rules}${after}`);
        write(before);
        writeBytes(rules);
        write(after);
      },
    };
  }
  if (format === 'json' || format === 'sarif' || format === 'gitlab') {
    const files: FileReport[] = [];
    return { file: (r) => void files.push(r), end: (final) => write(formatReport(format, { ...input, ...final, files })) };
  }
  let pending: string[] = [];
  let size = 0;
  const line = (l: string) => {
    pending.push(l);
    size += l.length + 1;
    if (size >= PIECE) flush();
  };
  const flush = () => {
    // Joined with the last newline as one flat string: `join() + '\n'` made a two-piece string that the
    // terminal guard's test then copied whole into a flat one (64 kB per piece).
    if (pending.length) {
      pending.push('');
      write(pending.join('\n'));
    }
    pending = [];
    size = 0;
  };
  if (format === 'github') {
    return {
      file: (r) => githubFileLines(r, line),
      end: flush,
    };
  }
  const c = paint(input.color);
  const summary: Summary = { errors: 0, warnings: 0, infos: 0 };
  let files = 0;
  let refused = 0;
  let hidden = 0;
  let omitted = 0;
  const seen = new Set<string>();
  return {
    file: (r) => {
      if (r.detection?.refused) {
        refused++;
        return;
      }
      files++;
      hidden += r.hidden ?? 0;
      for (const f of r.findings) {
        count(summary, f.severity);
        seen.add(f.ruleId);
      }
      if (r.omitted) {
        addSummary(summary, r.omitted);
        omitted += total(r.omitted);
      }
      textFileLines(r, c, line);
    },
    end: (final) => {
      // Only a run with a baseline reads its module (the reports group).
      const baseline = final?.baseline ?? input.baseline;
      if (baseline) for (const l of baselineTextLines(baseline)) line(l);
      if (input.docLinks) for (const l of docLinkLines(seen, c)) line(l);
      line(textSummaryLine(summary, files, c, hidden, refused, omitted));
      flush();
    },
  };
}
