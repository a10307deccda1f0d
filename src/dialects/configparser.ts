/**
 * A lossless reading of an INI file the way supervisord reads it: CPython 3's
 * `configparser.RawConfigParser._read` with supervisor's `UnhosedConfigParser` settings
 * (`inline_comment_prefixes=(';', '#')`, `strict=False`, delimiters `=` and `:`, comment prefixes `#`
 * and `;`, `empty_lines_in_values=True`, option names lower-cased). Every line is kept with its offset
 * and end-of-line so the file prints back byte for byte, and every value character keeps its offset.
 *
 * What it reproduces:
 * - lines end at "\n", "\r\n" or a lone "\r" (Python opens the file with universal newlines);
 * - an inline comment starts at `;` or `#` at the start of a line or after whitespace, found the way
 *   CPython searches (round by round over the prefixes' successive occurrences);
 * - a line indented deeper than the option's first line continues its value (joined with "\n"); a blank
 *   line without a comment inside a value is kept as an empty line, trailing ones are dropped;
 * - `[header]` is `\[(.+)\]` at the start of the stripped line; a later section of the same name merges
 *   into the first, a later option of the same name replaces the earlier one;
 * - an option before any section header is fatal (MissingSectionHeaderError); a line that is neither a
 *   header nor `name=value` is a parsing error reported after the whole file is read.
 */
import type { Span } from '../source.js';
import { appendAll, literalChars, type SrcChar } from './sourced.js';

export interface IniLine {
  readonly start: number;
  /** The line without its end-of-line. */
  readonly text: string;
  readonly eol: '\n' | '\r\n' | '\r' | '';
}

export interface IniOption {
  readonly section: string;
  /** The name as written (before lower-casing and trimming). */
  readonly name: string;
  readonly nameSpan: Span;
  /** Where the value's first line starts (after `=` and blanks): the insertion point of an empty value. */
  readonly valueStart: number;
  /** The value as configparser stores it. */
  readonly value: string;
  /** One per UTF-16 unit of `value`; the "\n" joining continuation lines has a null span. */
  readonly chars: readonly SrcChar[];
  /** 0-based index of the option's first line, and of the last line its value uses. */
  readonly firstLine: number;
  readonly lastLine: number;
}

export interface IniSection {
  readonly name: string;
  /** The `[header]` spans (several when the section is repeated). */
  readonly headers: readonly Span[];
  /** The options that count (the last one of each name), by lower-cased name. */
  readonly options: ReadonlyMap<string, IniOption>;
  /** Every option line, in file order, including replaced ones. */
  readonly all: readonly IniOption[];
  /** 0-based index of the last line that belongs to the section (before the next header). */
  readonly lastLine: number;
}

export interface IniError {
  readonly kind: 'missing-section-header' | 'parsing-error';
  readonly span: Span;
  readonly message: string;
}

export interface IniFile {
  readonly lines: readonly IniLine[];
  readonly sections: ReadonlyMap<string, IniSection>;
  /** Set when configparser raises: supervisord then refuses the whole file. */
  readonly error: IniError | null;
}

/** Python's `str.isspace()` on one UTF-16 unit. */
const PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
export const isPySpace = (c: string | undefined): boolean => c !== undefined && PY_SPACE.test(c);

export function splitIniLines(text: string): IniLine[] {
  const out: IniLine[] = [];
  let start = 0;
  const re = /\r\n|\r|\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ start, text: text.slice(start, m.index), eol: m[0] as IniLine['eol'] });
    start = m.index + m[0].length;
  }
  if (start < text.length || out.length === 0) out.push({ start, text: text.slice(start), eol: '' });
  return out;
}

/** CPython's inline-comment search: the offset in `line` where the comment starts, or -1. */
export function inlineCommentStart(line: string): number {
  let found = Infinity;
  let prefixes = new Map<string, number>([[';', -1], ['#', -1]]);
  while (found === Infinity && prefixes.size > 0) {
    const next = new Map<string, number>();
    for (const [p, from] of prefixes) {
      const i = line.indexOf(p, from + 1);
      if (i === -1) continue;
      next.set(p, i);
      if (i === 0 || isPySpace(line[i - 1])) found = Math.min(found, i);
    }
    prefixes = next;
  }
  return found === Infinity ? -1 : found;
}

/** `s.strip()` bounds: [a, b) of `s` without leading and trailing Python whitespace. */
function stripBounds(s: string, a = 0, b = s.length): [number, number] {
  while (a < b && isPySpace(s[a])) a++;
  while (b > a && isPySpace(s[b - 1])) b--;
  return [a, b];
}

interface Building {
  name: string;
  headers: Span[];
  options: Map<string, { opt: IniOption; pieces: SrcChar[][] }>;
  all: { opt: IniOption; pieces: SrcChar[][] }[];
  lastLine: number;
}

export function parseIni(text: string): IniFile {
  const lines = splitIniLines(text);
  const sections = new Map<string, Building>();
  let cur: Building | null = null;
  let curOpt: { opt: IniOption; pieces: SrcChar[][] } | null = null;
  let indentLevel = 0;
  let error: IniError | null = null;

  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    const t = line.text;
    let commentStart = inlineCommentStart(t);
    const [sa, sb] = stripBounds(t);
    if (sa < sb && (t[sa] === '#' || t[sa] === ';')) commentStart = 0;
    const [va, vb] = stripBounds(t, 0, commentStart === -1 ? t.length : commentStart);
    if (cur) cur.lastLine = li;
    if (va >= vb) {
      if (commentStart === -1 && curOpt) curOpt.pieces.push([]);
      continue;
    }
    const indent = sa;
    if (cur && curOpt && indent > indentLevel) {
      curOpt.pieces.push(literalChars(t.slice(va, vb), line.start + va));
      (curOpt.opt as { lastLine: number }).lastLine = li;
      continue;
    }
    indentLevel = indent;
    const value = t.slice(va, vb);
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      const name = header[1];
      const span = { start: line.start + va, end: line.start + va + header[0].length };
      if (cur) cur.lastLine = li - 1;
      const existing = sections.get(name);
      if (existing) {
        existing.headers.push(span);
        cur = existing;
      } else {
        cur = { name, headers: [span], options: new Map(), all: [], lastLine: li };
        sections.set(name, cur);
      }
      cur.lastLine = li;
      curOpt = null;
      continue;
    }
    if (!cur) {
      return {
        lines,
        sections: finish(sections),
        error: { kind: 'missing-section-header', span: { start: line.start, end: line.start + t.length }, message: 'File contains no section headers' },
      };
    }
    const m = new RegExp(`^(.*?)${PY_SPACE.source}*([=:])`).exec(value);
    if (!m) {
      error ??= { kind: 'parsing-error', span: { start: line.start + va, end: line.start + vb }, message: `Source contains parsing errors: ${JSON.stringify(t)}` };
      continue;
    }
    const rawName = m[1];
    const [na, nb] = stripBounds(rawName);
    if (nb === 0) error ??= { kind: 'parsing-error', span: { start: line.start + va, end: line.start + vb }, message: `Source contains parsing errors: ${JSON.stringify(t)}` };
    const key = rawName.slice(0, nb).toLowerCase();
    const afterDelim = va + m[0].length;
    const [oa, ob] = stripBounds(t, afterDelim, vb);
    const opt: IniOption = {
      section: cur.name,
      name: rawName.slice(na, nb),
      nameSpan: { start: line.start + va + na, end: line.start + va + nb },
      valueStart: line.start + oa,
      value: '',
      chars: [],
      firstLine: li,
      lastLine: li,
    };
    curOpt = { opt, pieces: [literalChars(t.slice(oa, ob), line.start + oa)] };
    cur.options.set(key, curOpt);
    cur.all.push(curOpt);
  }
  return { lines, sections: finish(sections), error };
}

/** `'\n'.join(pieces).rstrip()`, with the character sources. */
function finish(sections: Map<string, Building>): Map<string, IniSection> {
  const out = new Map<string, IniSection>();
  const done = new Map<object, IniOption>();
  const build = (b: { opt: IniOption; pieces: SrcChar[][] }): IniOption => {
    let o = done.get(b);
    if (o) return o;
    const chars: SrcChar[] = [];
    b.pieces.forEach((p, k) => {
      if (k > 0) chars.push({ ch: '\n', span: null });
      appendAll(chars, p);
    });
    while (chars.length > 0 && isPySpace(chars[chars.length - 1].ch)) chars.pop();
    o = { ...b.opt, chars, value: chars.map((c) => c.ch).join('') };
    done.set(b, o);
    return o;
  };
  for (const [name, s] of sections) {
    out.set(name, {
      name,
      headers: s.headers,
      options: new Map([...s.options].map(([k, v]) => [k, build(v)])),
      all: s.all.map(build),
      lastLine: s.lastLine,
    });
  }
  return out;
}
