/**
 * Applying edits to a file's text while keeping track of which lines stay byte for byte as they were.
 * Editors in either dialect express a change as character edits (which "touch" the lines they overlap)
 * and whole-line insertions at a line boundary (which touch nothing). Lines are counted on "\n", as
 * SourceText does; a "\r" before it stays part of the line.
 */

export interface CharEdit {
  start: number;
  /** Exclusive. */
  end: number;
  text: string;
}

export interface LineInsert {
  /** A line start offset, or the text's length (the end of the file). */
  at: number;
  /** The lines to insert, without their end-of-line. */
  lines: string[];
}

export interface EditOutput {
  text: string;
  /** For each line of the new text: the index (0-based) of the input line it is an unchanged copy of, or null. */
  origin: (number | null)[];
}

export class EditConflict extends Error {}

interface RawLine {
  start: number;
  /** Including the "\n" when there is one. */
  end: number;
}

function rawLines(text: string): RawLine[] {
  const out: RawLine[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl + 1;
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** The end-of-line most of the file's lines use ("\r\n" when they mostly end that way, else "\n"). */
export function dominantEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text[i - 1] === '\r') crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/**
 * Applies the edits. Character edits must not overlap (touching is fine); insertions at the same place keep
 * their order, and come before a character edit that starts there. An insertion at the end of a file
 * without a final newline starts a new line and leaves the last line without one, as the file was.
 */
export function applyEdits(text: string, edits: readonly CharEdit[], inserts: readonly LineInsert[], eol: string): EditOutput {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].start < sorted[k - 1].end) throw new EditConflict(`overlapping edits at offset ${sorted[k].start}`);
  }
  for (const e of sorted) if (e.start < 0 || e.end > text.length || e.end < e.start) throw new EditConflict(`edit out of range (${e.start}-${e.end})`);
  const lines = rawLines(text);
  const lineStarts = new Set(lines.map((l) => l.start));
  for (const ins of inserts) {
    if (ins.at !== text.length && !lineStarts.has(ins.at)) throw new EditConflict(`insertion not at a line start (offset ${ins.at})`);
  }

  // Which lines the character edits touch.
  const touched = new Array<boolean>(lines.length).fill(false);
  const lineOf = (offset: number) => lineIndexOf(lines, offset);
  for (const e of sorted) {
    if (lines.length === 0) break;
    const a = lineOf(Math.min(e.start, text.length - 1));
    const b = e.end > e.start ? lineOf(e.end - 1) : a;
    for (let k = a; k <= b; k++) touched[k] = true;
  }

  interface Segment {
    text: string;
    origin: number | null;
  }
  const segs: Segment[] = [];
  const insertsAt = (at: number) => inserts.filter((i) => i.at === at);
  const emitInserts = (at: number) => {
    for (const ins of insertsAt(at)) {
      if (ins.lines.length === 0) continue;
      if (at === text.length && text.length > 0 && !text.endsWith('\n')) {
        // Keep the missing final newline: end the old last line, and leave the new last line open.
        segs.push({ text: eol + ins.lines.join(eol), origin: null });
      } else {
        segs.push({ text: ins.lines.map((l) => l + eol).join(''), origin: null });
      }
    }
  };

  let ei = 0;
  let li = 0;
  while (li < lines.length) {
    emitInserts(lines[li].start);
    if (!touched[li]) {
      segs.push({ text: text.slice(lines[li].start, lines[li].end), origin: li });
      li++;
      continue;
    }
    // A run of touched lines, with the edits inside it.
    let lj = li;
    while (lj + 1 < lines.length && touched[lj + 1]) lj++;
    const runStart = lines[li].start;
    const runEnd = lines[lj].end;
    let out = '';
    let pos = runStart;
    while (ei < sorted.length && sorted[ei].start < runEnd + (lj === lines.length - 1 ? 1 : 0)) {
      const e = sorted[ei];
      if (e.start < runStart) throw new EditConflict('edit outside its lines');
      out += text.slice(pos, e.start) + e.text;
      pos = e.end;
      ei++;
    }
    out += text.slice(pos, runEnd);
    segs.push({ text: out, origin: null });
    li = lj + 1;
  }
  // Edits at the very end of an empty text.
  while (ei < sorted.length) {
    segs.push({ text: sorted[ei].text, origin: null });
    ei++;
  }
  emitInserts(text.length);

  const newText = segs.map((s) => s.text).join('');
  const origin: (number | null)[] = [];
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k];
    if (s.origin !== null) {
      origin.push(s.origin);
      continue;
    }
    let n = 0;
    for (let i = s.text.indexOf('\n'); i !== -1; i = s.text.indexOf('\n', i + 1)) n++;
    if (s.text.length > 0 && !s.text.endsWith('\n')) n++;
    for (let i = 0; i < n; i++) origin.push(null);
  }
  // A final segment without "\n" merged into the previous line count is impossible: untouched lines end
  // in "\n" except the last, and edited runs end where their last line ended.
  return { text: newText, origin: normaliseOrigin(newText, origin) };
}

/** Makes `origin` exactly as long as the new text's line count (segments never split a line, so this only trims). */
function normaliseOrigin(text: string, origin: (number | null)[]): (number | null)[] {
  const count = text.length === 0 ? 0 : rawLines(text).length;
  if (origin.length === count) return origin;
  // Segments that end mid-line (an edited run at the end of a file without a final newline, followed by an
  // insertion) are counted twice; fall back to marking the tail as changed.
  const out = origin.slice(0, count);
  while (out.length < count) out.push(null);
  return out;
}

/** Composes line origins across rounds: `next` maps new lines to `prev`'s lines, which map to the original's. */
export function composeOrigin(prev: (number | null)[], next: (number | null)[]): (number | null)[] {
  return next.map((o) => (o === null ? null : (prev[o] ?? null)));
}

/** Identity origin for a text (every line is itself). */
export function identityOrigin(text: string): (number | null)[] {
  return rawLines(text).map((_, k) => k);
}

/** Index of the line (sorted by start offset) that holds `offset`. */
export function lineIndexOf(lines: readonly { start: number }[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
