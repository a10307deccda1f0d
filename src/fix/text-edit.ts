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

/** Offsets of each line's start, and the text's length after the last (lines as `rawLines` counts them). */
export function lineStartOffsets(text: string): Uint32Array {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const n = text.length === 0 ? 0 : text.endsWith('\n') ? count : count + 1;
  const starts = new Uint32Array(n + 1);
  let k = 1;
  for (let i = text.indexOf('\n'); i !== -1 && k < n; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  starts[n] = text.length;
  return starts;
}

/** Number of lines of a piece of new text (a piece ends at a line end, or is the open last line). */
function lineCountOf(piece: string): number {
  let n = 0;
  for (let i = piece.indexOf('\n'); i !== -1; i = piece.indexOf('\n', i + 1)) n++;
  if (piece.length > 0 && !piece.endsWith('\n')) n++;
  return n;
}

/**
 * Applies the edits. Character edits must not overlap (touching is fine); insertions at the same place keep
 * their order, and come before a character edit that starts there. An insertion at the end of a file
 * without a final newline starts a new line and leaves the last line without one, as the file was.
 *
 * Linear in the text and the edits: runs of untouched lines are copied as one piece, and insertions are
 * looked up by offset (a multi-megabyte file with thousands of edits must not cost lines × edits).
 */
export function applyEdits(text: string, edits: readonly CharEdit[], inserts: readonly LineInsert[], eol: string): EditOutput {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].start < sorted[k - 1].end) throw new EditConflict(`overlapping edits at offset ${sorted[k].start}`);
  }
  for (const e of sorted) if (e.start < 0 || e.end > text.length || e.end < e.start) throw new EditConflict(`edit out of range (${e.start}-${e.end})`);
  const starts = lineStartOffsets(text);
  const lineCount = starts.length - 1;
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const byOffset = new Map<number, LineInsert[]>();
  for (const ins of inserts) {
    if (ins.at !== text.length && (ins.at < 0 || ins.at > text.length || starts[lineOf(ins.at)] !== ins.at)) {
      throw new EditConflict(`insertion not at a line start (offset ${ins.at})`);
    }
    const list = byOffset.get(ins.at);
    if (list) list.push(ins);
    else byOffset.set(ins.at, [ins]);
  }

  // Which lines the character edits touch.
  const touched = new Uint8Array(lineCount);
  for (const e of sorted) {
    if (lineCount === 0) break;
    const a = lineOf(Math.min(e.start, text.length - 1));
    const b = e.end > e.start ? lineOf(e.end - 1) : a;
    touched.fill(1, a, b + 1);
  }

  const pieces: string[] = [];
  const origin: (number | null)[] = [];
  const fresh = (piece: string) => {
    pieces.push(piece);
    for (let n = lineCountOf(piece); n > 0; n--) origin.push(null);
  };
  const emitInserts = (at: number) => {
    for (const ins of byOffset.get(at) ?? []) {
      if (ins.lines.length === 0) continue;
      if (at === text.length && text.length > 0 && !text.endsWith('\n')) {
        // Keep the missing final newline: end the old last line, and leave the new last line open.
        pieces.push(eol + ins.lines.join(eol));
        for (let n = ins.lines.length; n > 0; n--) origin.push(null);
      } else fresh(ins.lines.map((l) => l + eol).join(''));
    }
  };

  let ei = 0;
  let li = 0;
  while (li < lineCount) {
    emitInserts(starts[li]);
    if (!touched[li]) {
      // A run of untouched lines, up to the next touched line or insertion point.
      let lj = li;
      while (lj + 1 < lineCount && !touched[lj + 1] && !byOffset.has(starts[lj + 1])) lj++;
      pieces.push(text.slice(starts[li], starts[lj + 1]));
      for (let k = li; k <= lj; k++) origin.push(k);
      li = lj + 1;
      continue;
    }
    // A run of touched lines, with the edits inside it.
    let lj = li;
    while (lj + 1 < lineCount && touched[lj + 1]) lj++;
    const runStart = starts[li];
    const runEnd = starts[lj + 1];
    let out = '';
    let pos = runStart;
    while (ei < sorted.length && sorted[ei].start < runEnd + (lj === lineCount - 1 ? 1 : 0)) {
      const e = sorted[ei];
      if (e.start < runStart) throw new EditConflict('edit outside its lines');
      out += text.slice(pos, e.start) + e.text;
      pos = e.end;
      ei++;
    }
    out += text.slice(pos, runEnd);
    fresh(out);
    li = lj + 1;
  }
  // Edits at the very end of an empty text.
  while (ei < sorted.length) {
    fresh(sorted[ei].text);
    ei++;
  }
  emitInserts(text.length);

  const newText = pieces.join('');
  // Untouched lines end in "\n" except the last, and edited runs end where their last line ended.
  return { text: newText, origin: normaliseOrigin(newText, origin) };
}

/** Makes `origin` exactly as long as the new text's line count (segments never split a line, so this only trims). */
function normaliseOrigin(text: string, origin: (number | null)[]): (number | null)[] {
  const count = text.length === 0 ? 0 : lineStartOffsets(text).length - 1;
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
  const n = lineStartOffsets(text).length - 1;
  const out = new Array<number | null>(n);
  for (let k = 0; k < n; k++) out[k] = k;
  return out;
}

/** The offset where the line holding `offset` starts. */
export function lineStartAt(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just past the line holding `offset` (after its "\n"), or the text's length on the last line. */
export function lineEndAt(text: string, offset: number): number {
  const n = text.indexOf('\n', offset);
  return n === -1 ? text.length : n + 1;
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
