/**
 * Turning word-level option changes into character edits, for both dialects: removing an option (a
 * whole word, a letter of a cluster, the tail of a cluster), replacing it with new words, and inserting
 * words after a word. Each change is also recorded in the expected argument vector.
 */
import type { ArgToken } from '../source.js';
import type { OptionEvent } from '../memcached/getopt.js';
import { ExpectedWords, occupancy, PLAIN_WORD } from './words.js';
import { EditConflict, type EditOutput } from './text-edit.js';
import type { EditAttempt } from './types.js';

/** A fix that cannot be expressed in the file; the finding stays, with this reason. */
export class CannotEdit extends Error {}

/** An editor's answer from its build: the output, or the reason when the build refuses (CannotEdit) or its edits collide (EditConflict). */
export function attempt(build: () => EditOutput): EditAttempt {
  try {
    return { ok: true, output: build() };
  } catch (e) {
    if (e instanceof CannotEdit || e instanceof EditConflict) return { ok: false, reason: e.message };
    throw e;
  }
}

export interface DescribedEdit {
  start: number;
  end: number;
  text: string;
  /** What the edit does, for the note (`-A removed`). */
  desc: string;
}

export interface WordEditContext {
  readonly text: string;
  readonly argv: readonly ArgToken[];
  /** The stretch of text a token's neighbours share (a Debian line, the inside of OPTIONS' quotes). */
  region(tokenIndex: number): { lo: number; hi: number };
  /** Whether an unescaped `#` after whitespace starts a comment inside the region (Debian). */
  readonly hashComments: boolean;
  readonly expected: ExpectedWords;
  readonly edits: DescribedEdit[];
  /** Pending changes inside option clusters, written by finishClusters(). */
  readonly clusters: Map<number, ClusterEdit>;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

function spanOf(ctx: WordEditContext, i: number) {
  const tok = ctx.argv[i];
  if (!tok) throw new CannotEdit(`argument ${i} does not exist`);
  if (!tok.span) throw new CannotEdit(`"${tok.value}" does not come from the file`);
  if (tok.origin !== 'file') throw new CannotEdit(`"${tok.value}" is added by the ${tok.origin}, not written in the file`);
  return tok.span;
}

function verbatim(ctx: WordEditContext, i: number): boolean {
  const tok = ctx.argv[i];
  return !!tok?.span && ctx.text.slice(tok.span.start, tok.span.end) === tok.value;
}

/** The range to delete for text [s, e): with the whitespace after it when more follows on the line, else before it. */
function deletionRange(ctx: WordEditContext, s: number, e: number, lo: number, hi: number): { start: number; end: number } {
  let e2 = e;
  while (e2 < hi && isBlank(ctx.text[e2])) e2++;
  const more = e2 < hi && !(ctx.hashComments && ctx.text[e2] === '#');
  if (e2 > e && more) return { start: s, end: e2 };
  let s2 = s;
  while (s2 > lo && isBlank(ctx.text[s2 - 1])) s2--;
  return { start: s2, end: e };
}

/** Words first..last written next to each other (only blanks between, inside one region). */
function contiguous(ctx: WordEditContext, first: number, last: number): boolean {
  const { lo, hi } = ctx.region(first);
  for (let i = first; i <= last; i++) {
    const sp = spanOf(ctx, i);
    if (sp.start < lo || sp.end > hi) return false;
    if (i > first) {
      const prev = spanOf(ctx, i - 1);
      if (sp.start < prev.end) return false;
      for (let k = prev.end; k < sp.start; k++) if (!isBlank(ctx.text[k])) return false;
    }
  }
  return true;
}

export function removeWords(ctx: WordEditContext, first: number, last: number, desc: string): void {
  if (contiguous(ctx, first, last)) {
    const { lo, hi } = ctx.region(first);
    const r = deletionRange(ctx, spanOf(ctx, first).start, spanOf(ctx, last).end, lo, hi);
    ctx.edits.push({ ...r, text: '', desc });
  } else {
    for (let i = first; i <= last; i++) {
      const sp = spanOf(ctx, i);
      const { lo, hi } = ctx.region(i);
      ctx.edits.push({ ...deletionRange(ctx, sp.start, sp.end, lo, hi), text: '', desc });
    }
  }
  for (let i = first; i <= last; i++) ctx.expected.remove(i);
}

export interface ClusterEdit {
  removed: Set<number>;
  truncateAt: number | null;
  inserts: string[][];
  descs: string[];
}

function cluster(ctx: WordEditContext, i: number): ClusterEdit {
  spanOf(ctx, i);
  let c = ctx.clusters.get(i);
  if (!c) {
    c = { removed: new Set(), truncateAt: null, inserts: [], descs: [] };
    ctx.clusters.set(i, c);
  }
  return c;
}

/**
 * Writes the pending changes inside option clusters (letters taken out, a tail cut off, words added
 * after): in place when the file holds the word verbatim, else by rewriting the word plainly. A word left
 * as a bare "-" goes altogether.
 */
export function finishClusters(ctx: WordEditContext): void {
  for (const [i, c] of ctx.clusters) {
    const tok = ctx.argv[i];
    const sp = spanOf(ctx, i);
    const end = c.truncateAt ?? tok.value.length;
    let value = '';
    for (let k = 0; k < end; k++) if (!c.removed.has(k)) value += tok.value[k];
    const desc = [...new Set(c.descs)].join(', ');
    const added = c.inserts.flat();
    if (value === '-' || value === '') {
      removeWords(ctx, i, i, desc);
      if (added.length) {
        ctx.edits.push({ start: sp.start, end: sp.start, text: added.join(' '), desc });
        ctx.expected.insertAfter(i, added);
      }
      continue;
    }
    if (verbatim(ctx, i)) {
      for (const k of [...c.removed].filter((k) => k < end).sort((a, b) => a - b)) {
        ctx.edits.push({ start: sp.start + k, end: sp.start + k + 1, text: '', desc });
      }
      if (end < tok.value.length) ctx.edits.push({ start: sp.start + end, end: sp.end, text: '', desc });
      if (added.length) ctx.edits.push({ start: sp.end, end: sp.end, text: ' ' + added.join(' '), desc });
    } else {
      // Rewritten from its value, the word would put a value from a file the user did not name into this one.
      if (tok.hiddenFrom) throw new CannotEdit(`a word of ExecStart= takes its value from ${tok.hiddenFrom}: change it there`);
      if (!PLAIN_WORD.test(value)) throw new CannotEdit(`"${tok.value}" is not written plainly in the file`);
      ctx.edits.push({ start: sp.start, end: sp.end, text: [value, ...added].join(' '), desc });
    }
    ctx.expected.set(i, value);
    if (added.length) ctx.expected.insertAfter(i, added);
  }
  ctx.clusters.clear();
}

export function removeOption(ctx: WordEditContext, ev: OptionEvent, desc: string): void {
  const occ = occupancy(ev, ctx.argv);
  switch (occ.kind) {
    case 'words':
      removeWords(ctx, occ.first, occ.last, desc);
      return;
    case 'letter': {
      const c = cluster(ctx, occ.word);
      c.removed.add(occ.k);
      c.descs.push(desc);
      return;
    }
    case 'tail': {
      const c = cluster(ctx, occ.word);
      c.truncateAt = Math.min(c.truncateAt ?? occ.k, occ.k);
      c.descs.push(desc);
      if (occ.valueWord !== null) removeWords(ctx, occ.valueWord, occ.valueWord, desc);
      return;
    }
  }
}

export function replaceOption(ctx: WordEditContext, ev: OptionEvent, words: string[], desc: string): void {
  const occ = occupancy(ev, ctx.argv);
  switch (occ.kind) {
    case 'words': {
      if (contiguous(ctx, occ.first, occ.last)) {
        ctx.edits.push({ start: spanOf(ctx, occ.first).start, end: spanOf(ctx, occ.last).end, text: words.join(' '), desc });
        for (let i = occ.first + 1; i <= occ.last; i++) ctx.expected.remove(i);
      } else {
        const sp = spanOf(ctx, occ.first);
        ctx.edits.push({ start: sp.start, end: sp.end, text: words.join(' '), desc });
        for (let i = occ.first + 1; i <= occ.last; i++) removeWords(ctx, i, i, desc);
      }
      ctx.expected.set(occ.first, words[0]);
      if (words.length > 1) ctx.expected.insertAfter(occ.first, words.slice(1));
      return;
    }
    case 'letter':
    case 'tail':
      removeOption(ctx, ev, desc);
      cluster(ctx, occ.word).inserts.push(words);
      return;
  }
}

/** Deletions that overlap (two removed words sharing the blank between them) become one. */
export function mergeDeletions<T extends { start: number; end: number; text: string }>(edits: T[]): T[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: T[] = [];
  for (const e of sorted) {
    const prev = out.at(-1);
    if (prev && prev.text === '' && e.text === '' && e.start < prev.end) {
      out[out.length - 1] = { ...prev, end: Math.max(prev.end, e.end) };
    } else out.push(e);
  }
  return out;
}


/**
 * Adds option words at the end of a run of option words (`indexes`, in argv order): before a `--`, since
 * memcached ignores what follows it; else after the last word; else at `regionStart` (an empty value).
 */
export function appendOptionWords(ctx: WordEditContext, indexes: readonly number[], regionStart: number, words: string[]): void {
  const dd = indexes.find((i) => ctx.argv[i].value === '--');
  if (dd !== undefined) {
    const sp = ctx.argv[dd].span!;
    ctx.edits.push({ start: sp.start, end: sp.start, text: words.join(' ') + ' ', desc: 'added' });
    ctx.expected.insertAfter(indexes.filter((i) => i < dd).at(-1) ?? -1, words);
    return;
  }
  const last = indexes.at(-1);
  if (last !== undefined) {
    const sp = ctx.argv[last].span!;
    ctx.edits.push({ start: sp.end, end: sp.end, text: ' ' + words.join(' '), desc: 'added' });
    ctx.expected.insertAfter(last, words);
  } else {
    ctx.edits.push({ start: regionStart, end: regionStart, text: words.join(' '), desc: 'added' });
    ctx.expected.insertAfter(-1, words);
  }
}
