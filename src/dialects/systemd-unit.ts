/**
 * The unit-file syntax of systemd v252 (src/shared/conf-parser.c `config_parse()`/`parse_line()`), kept
 * lossless: physical lines with their endings, and the assignments systemd sees, each value character
 * mapped back to its source offset.
 *
 * - A line ending in an odd number of backslashes continues: the final backslash becomes a space and
 *   the next line is appended. Comment lines (`#`/`;` after blanks) are skipped, also in the middle of a
 *   continuation, and a comment line ending in a backslash does not continue.
 * - The logical line is stripped of whitespace; empty lines and lines starting `#` or `;` are skipped;
 *   `[Name]` opens a section (a `[` line without the closing `]` fails the whole file); an assignment
 *   outside a section or without `=` is ignored; key and value are stripped.
 * - Line ends are "\n", "\r\n" and a lone "\r" (`read_line()`).
 */
import type { Span } from '../source.js';
import type { SChar } from './systemd-exec.js';

export interface UnitLine {
  readonly start: number;
  /** Without the line end. */
  readonly text: string;
  readonly eol: string;
}

export interface UnitAssignment {
  /** The section the assignment is in. */
  readonly section: string;
  readonly key: string;
  readonly keySpan: Span;
  /** The value as systemd receives it (continuations joined, stripped). */
  readonly value: string;
  readonly valueChars: readonly SChar[];
  /** From the first to the last source character of the value (the offset after `=` when empty). */
  readonly valueSpan: Span;
  /** 1-based physical lines of the key and of the value's end. */
  readonly line: number;
  readonly endLine: number;
  /** Offset of the first character of the assignment's first line, and the end of its last line (before the EOL). */
  readonly lineStart: number;
  readonly lineEnd: number;
}

export interface UnitIssue {
  readonly kind: 'line-without-equals' | 'outside-section' | 'bad-section' | 'missing-key';
  readonly span: Span;
  readonly text: string;
}

export interface UnitSyntax {
  readonly lines: readonly UnitLine[];
  readonly assignments: readonly UnitAssignment[];
  readonly sections: readonly { name: string; span: Span }[];
  readonly issues: readonly UnitIssue[];
  /** Set when systemd refuses the whole file (an unterminated section header). */
  readonly fatal: UnitIssue | null;
}

export function splitUnitLines(text: string): UnitLine[] {
  const out: UnitLine[] = [];
  let start = 0;
  let k = 0;
  while (k < text.length) {
    const c = text[k];
    if (c === '\n' || c === '\r') {
      const eol = c === '\r' && text[k + 1] === '\n' ? '\r\n' : c;
      out.push({ start, text: text.slice(start, k), eol });
      k += eol.length;
      start = k;
      continue;
    }
    k++;
  }
  if (start < text.length || out.length === 0) out.push({ start, text: text.slice(start), eol: '' });
  return out;
}

const WS = ' \t\n\r';
const isComment = (chars: readonly SChar[]) => {
  const first = chars.find((c) => !WS.includes(c.ch));
  return first !== undefined && (first.ch === '#' || first.ch === ';');
};

function endsEscaped(chars: readonly SChar[]): boolean {
  let escaped = false;
  for (const c of chars) escaped = escaped ? false : c.ch === '\\';
  return escaped;
}

function strip(chars: SChar[]): SChar[] {
  let a = 0;
  let b = chars.length;
  while (a < b && WS.includes(chars[a].ch)) a++;
  while (b > a && WS.includes(chars[b - 1].ch)) b--;
  return chars.slice(a, b);
}

const spanOf = (cs: readonly SChar[], fallback: number): Span => (cs.length ? { start: cs[0].at, end: cs[cs.length - 1].at + 1 } : { start: fallback, end: fallback });

export function parseUnitSyntax(text: string): UnitSyntax {
  const lines = splitUnitLines(text);
  const assignments: UnitAssignment[] = [];
  const sections: { name: string; span: Span }[] = [];
  const issues: UnitIssue[] = [];
  let fatal: UnitIssue | null = null;
  let section: string | null = null;

  let cont: SChar[] | null = null;
  let contFirstLine = 0;
  for (let li = 0; li < lines.length && !fatal; li++) {
    const l = lines[li];
    let chars: SChar[] = Array.from({ length: l.text.length }, (_, k) => ({ ch: l.text[k], at: l.start + k }));
    if (li === 0 && chars[0]?.ch === '\uFEFF') chars = chars.slice(1);
    let firstLine = li;
    // A comment line is skipped whole, inside a continuation too, and never continues itself.
    if (isComment(chars)) {
      if (cont && li === lines.length - 1) chars = [];
      else continue;
    }
    // This line's own characters: a continued line ends in a blank (its backslash, replaced below), so
    // whether the whole ends escaped is whether this line does. The line is added to the continued one in
    // place: copying the whole for each line made a unit of 10,000 continued lines cost seconds per line.
    const own = chars;
    if (cont) {
      for (let k = 0; k < own.length; k++) cont.push(own[k]);
      chars = cont;
      firstLine = contFirstLine;
    }
    if (endsEscaped(own)) {
      const last = chars[chars.length - 1];
      chars[chars.length - 1] = { ch: ' ', at: last.at };
      if (!cont) contFirstLine = li;
      cont = chars;
      if (li < lines.length - 1) continue;
    }
    cont = null;
    const s = strip(chars);
    if (s.length === 0 || s[0].ch === '#' || s[0].ch === ';') continue;
    const lineText = s.map((c) => c.ch).join('');
    const span = spanOf(s, l.start);
    if (s[0].ch === '[') {
      if (s[s.length - 1].ch !== ']') {
        fatal = { kind: 'bad-section', span, text: lineText };
        break;
      }
      section = lineText.slice(1, -1);
      sections.push({ name: section, span });
      continue;
    }
    if (section === null) {
      issues.push({ kind: 'outside-section', span, text: lineText });
      continue;
    }
    const eq = s.findIndex((c) => c.ch === '=');
    if (eq === -1) {
      issues.push({ kind: 'line-without-equals', span, text: lineText });
      continue;
    }
    if (eq === 0) {
      issues.push({ kind: 'missing-key', span, text: lineText });
      continue;
    }
    const keyChars = strip(s.slice(0, eq));
    const valueChars = strip(s.slice(eq + 1));
    const startLine = lines[firstLine];
    assignments.push({
      section,
      key: keyChars.map((c) => c.ch).join(''),
      keySpan: spanOf(keyChars, s[0].at),
      value: valueChars.map((c) => c.ch).join(''),
      valueChars,
      valueSpan: spanOf(valueChars, s[eq].at + 1),
      line: firstLine + 1,
      endLine: li + 1,
      lineStart: startLine.start,
      lineEnd: l.start + l.text.length,
    });
  }
  return { lines, assignments, sections, issues, fatal };
}
