/**
 * Debian's wrapper, line by line: what `systemd-memcached-wrapper` (Perl) keeps of each line of
 * `/etc/memcached.conf`, and what it makes of it. The parser (debian.ts) and the fix editor
 * (src/fix/edit-debian.ts) both read lines through this module, so they cannot disagree about it.
 *
 * Per line, as the wrapper does: remove every `#` not preceded by a backslash up to the next `#` (the
 * Perl substitution `(?<!\\)\#[^\#]*` with an empty replacement), trim ASCII whitespace, skip empty
 * lines and a line that is exactly `0` (Perl falsiness), drop lines starting `-d` or `-h`, ignore
 * non-dash lines containing whitespace unless their first word is `0`, and keep everything else.
 */
import type { DebianNote } from './debian.js';
import type { SourcedChar } from './shell.js';
import { isMaskChar } from './template.js';

export interface DebianLine {
  /** Offset of the line's first character. */
  start: number;
  /** The line without its "\n" (a CR of a CRLF ending stays here, as in Perl). */
  text: string;
  eol: '\n' | '';
  kind: 'blank' | 'comment' | 'option' | 'dropped' | 'ignored' | 'stray';
  /** The part the wrapper keeps (comments removed, trimmed), with offsets. Empty for blank/comment lines. */
  kept: SourcedChar[];
}

/** Perl's `\s` on a byte string, and C isSPACE: ASCII whitespace only. */
export const PERL_SPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);

/** The lines of `text` (a last line without "\n" when there is text after the last "\n"; one empty line for ""). */
export function splitLines(text: string): { start: number; text: string; eol: '\n' | '' }[] {
  const out: { start: number; text: string; eol: '\n' | '' }[] = [];
  forEachLine(text, (start, line, eol) => out.push({ start, text: line, eol }));
  return out;
}

/**
 * The wrapper's comment substitution (it deletes every match of this expression): keptRanges finds its
 * matches with indexOf (test/dialects/debian-scan.test.ts holds it to the expression).
 */
export const COMMENT = /(?<!\\)#[^#]*/g;
const NO_CHARS: SourcedChar[] = [];

/**
 * The part of a line the wrapper keeps: comments removed (the substitution above), then trimmed. Given as
 * ranges of the line, `[from0, to0, from1, to1, ...]`, so a comment line costs no per-character objects.
 */
export function keptRanges(text: string): number[] {
  const r: number[] = [];
  let pos = 0;
  // The matches of COMMENT, found with indexOf: a `#` not after a backslash, to the next `#` or the end.
  let h = text.indexOf('#');
  while (h !== -1) {
    if (h > 0 && text.charCodeAt(h - 1) === 92 /* backslash */) {
      h = text.indexOf('#', h + 1);
      continue;
    }
    if (h > pos) r.push(pos, h);
    const next = text.indexOf('#', h + 1);
    pos = next === -1 ? text.length : next;
    h = next;
  }
  if (pos < text.length) r.push(pos, text.length);
  // Trim Perl's whitespace at both ends, across the pieces.
  let first = 0;
  while (first < r.length) {
    while (r[first] < r[first + 1] && PERL_SPACE.has(text[r[first]])) r[first]++;
    if (r[first] < r[first + 1]) break;
    first += 2;
  }
  let last = r.length - 2;
  while (last >= first) {
    while (r[last + 1] > r[last] && PERL_SPACE.has(text[r[last + 1] - 1])) r[last + 1]--;
    if (r[last + 1] > r[last]) break;
    last -= 2;
  }
  return first === 0 && last === r.length - 2 ? r : r.slice(first, last + 2);
}

export function keptString(text: string, ranges: number[]): string {
  if (ranges.length === 2) return text.slice(ranges[0], ranges[1]);
  let s = '';
  for (let k = 0; k < ranges.length; k += 2) s += text.slice(ranges[k], ranges[k + 1]);
  return s;
}

function keptChars(text: string, start: number, ranges: number[]): SourcedChar[] {
  const out: SourcedChar[] = [];
  for (let k = 0; k < ranges.length; k += 2) for (let i = ranges[k]; i < ranges[k + 1]; i++) out.push({ ch: text[i], offset: start + i });
  return out;
}

/** What the wrapper makes of one line. */
export interface LineVerdict {
  kind: DebianLine['kind'];
  /** The kept text (empty for blank, comment and "0" lines) and its ranges in the line. */
  str: string;
  ranges: number[];
}

/** The wrapper's loop body for one line; notes go to `notes` when given. */
export function readLine(start: number, text: string, notes: DebianNote[] | null): LineVerdict {
  const ranges = keptRanges(text);
  const str = keptString(text, ranges);
  const lineSpan = ranges.length ? { start: start + ranges[0], end: start + ranges[ranges.length - 1] } : { start, end: start + text.length };
  if (str === '' || str === '0') {
    if (str === '0') notes?.push({ kind: 'ignored-line', span: lineSpan, message: 'a line that is just "0" is skipped by the wrapper (Perl treats it as false)', directive: null });
    return { kind: text.trim() === '' ? 'blank' : str === '0' ? 'ignored' : 'comment', str: '', ranges: [] };
  }
  // A line that starts with a template tag (or whose option letter is one): what the wrapper makes of the
  // rendered line depends on the template, so it is kept and its words are unknown.
  if (isMaskChar(str[0]) || (str[0] === '-' && isMaskChar(str[1]))) return { kind: 'option', str, ranges };
  if (str[0] === '-' && (str[1] === 'd' || str[1] === 'h')) {
    notes?.push({
      kind: 'dropped-option-line',
      span: lineSpan,
      message: `the wrapper drops every line starting "-${str[1]}"${str.length > 2 ? `, including the rest of it ("${str}")` : ''}`,
      letter: str[1],
      rest: str.slice(2).trim(),
    });
    return { kind: 'dropped', str, ranges };
  }
  if (str[0] !== '-') {
    const m = firstWordAndRest(str);
    if (m && m[1] !== '0') {
      if (m[1] === 'logfile') {
        notes?.push({ kind: 'logfile', span: lineSpan, message: 'logfile is honoured only by the SysV start script; under systemd output goes to the journal', path: m[2] });
      } else {
        notes?.push({ kind: 'ignored-line', span: lineSpan, message: `the wrapper silently ignores this line ("${m[1]}" is not an option)`, directive: m[1] });
      }
      return { kind: 'ignored', str, ranges };
    }
    return { kind: 'stray', str, ranges };
  }
  return { kind: 'option', str, ranges };
}

/**
 * `/^(.*?)[ \t\n\r\f\v]+(.*)$/s.exec(str)` as a scan: the text before the first run of Perl's whitespace
 * ([1]) and after it ([2]); null without whitespace (test/dialects/debian-scan.test.ts).
 */
export function firstWordAndRest(str: string): [string, string, string] | null {
  let k = 0;
  while (k < str.length && !PERL_SPACE.has(str[k])) k++;
  if (k === str.length) return null;
  let j = k + 1;
  while (j < str.length && PERL_SPACE.has(str[j])) j++;
  return [str, str.slice(0, k), str.slice(j)];
}

/** Calls `fn` for each line of `text`, as splitLines would list them, without building the list. */
export function forEachLine(text: string, fn: (start: number, line: string, eol: '\n' | '') => void): void {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      if (start < text.length || start === 0) fn(start, text.slice(start), '');
      return;
    }
    fn(start, text.slice(start, nl), '\n');
    start = nl + 1;
  }
}

/** Every line with what the wrapper makes of it (built when asked for: `lint` never needs them). */
export function debianLines(text: string): DebianLine[] {
  const lines: DebianLine[] = [];
  forEachLine(text, (start, line, eol) => {
    const v = readLine(start, line, null);
    lines.push({ start, text: line, eol, kind: v.kind, kept: v.ranges.length ? keptChars(line, start, v.ranges) : NO_CHARS });
  });
  return lines;
}

/** What the wrapper keeps of a line (comments removed, trimmed), as a string. */
export function keptText(line: string): string {
  return keptString(line, keptRanges(line));
}

/** The end of the kept text inside a line, and where a trailing comment starts (-1: none). */
export function lineParts(body: string): { keptEnd: number; commentStart: number } {
  const ranges = keptRanges(body);
  const keptEnd = ranges.length ? ranges[ranges.length - 1] : 0;
  let commentStart = -1;
  if (body.includes('#')) {
    COMMENT.lastIndex = 0;
    for (let m = COMMENT.exec(body); m; m = COMMENT.exec(body)) {
      if (m.index >= keptEnd) {
        commentStart = m.index;
        break;
      }
    }
  }
  return { keptEnd, commentStart };
}

/** Text made safe to sit inside a comment: an escaped `\\#` would end the comment there, so it is split. */
export function commentSafe(text: string): string {
  return text.replace(/\\#/g, '\\ #').replace(/[\r\n]/g, ' ');
}
