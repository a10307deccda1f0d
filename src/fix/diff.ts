/**
 * The unified diff `fix` shows before writing, coloured like git's when colour is on. The file's lines
 * and name come from outside: each is shown through `visible` (a line's own CR before its newline is
 * kept: it moves nothing).
 *
 * With the fix's line origins (which line of the original each fixed line is an unchanged copy of), the
 * alignment is already known: the diff is built from it in time linear in the file, and only each
 * changed block is compared line by line. A general diff (Myers, as `diff` does) costs time in
 * proportion to the file times the number of changes, which on a 200 MB file with a change every few
 * dozen lines took most of a minute. Without origins (a single small text) `diff`'s own algorithm is used.
 */
import { createTwoFilesPatch, diffArrays } from 'diff';
import { paint } from '../report/color.js';
import { visible } from '../report/visible.js';
import { lineStartOffsets as lineStarts } from './text-edit.js';

const CONTEXT = 3;
/** A changed block longer than this is shown as removed then added, without a line-by-line comparison. */
const REFINE_LIMIT = 2000;

/** A run of the alignment: lines [oldFrom, oldTo) of the original and [newFrom, newTo) of the fixed text. */
interface Run {
  kind: 'same' | 'change';
  oldFrom: number;
  oldTo: number;
  newFrom: number;
  newTo: number;
}

/** The alignment the origins give, as alternating runs of unchanged lines and changed blocks. */
function alignedRuns(before: string, after: string, oldAt: Uint32Array, newAt: Uint32Array, origin: readonly (number | null)[]): Run[] {
  const oldCount = oldAt.length - 1;
  const newCount = newAt.length - 1;
  const oldOpen = before.length > 0 && !before.endsWith('\n');
  const newOpen = after.length > 0 && !after.endsWith('\n');
  const runs: Run[] = [];
  const push = (kind: Run['kind'], oldFrom: number, oldTo: number, newFrom: number, newTo: number) => {
    if (oldFrom === oldTo && newFrom === newTo) return;
    const last = runs[runs.length - 1];
    if (last && last.kind === kind && last.oldTo === oldFrom && last.newTo === newFrom) {
      last.oldTo = oldTo;
      last.newTo = newTo;
    } else runs.push({ kind, oldFrom, oldTo, newFrom, newTo });
  };
  let i = 0;
  let changeOld = 0;
  let changeNew = 0;
  for (let j = 0; j < newCount; j++) {
    const o = origin[j];
    // A kept line is the same only if its end is too (the old last line without "\n" that got one is not).
    const same = o !== null && o !== undefined && o >= i && (o === oldCount - 1 && oldOpen) === (j === newCount - 1 && newOpen);
    if (!same) continue;
    // Lines before o not kept, and new lines before j not kept, form a changed block.
    push('change', changeOld, o, changeNew, j);
    push('same', o, o + 1, j, j + 1);
    i = o + 1;
    changeOld = i;
    changeNew = j + 1;
  }
  push('change', changeOld, oldCount, changeNew, newCount);
  return runs;
}

/** A changed block compared line by line (lines equal on both sides become unchanged ones). */
function refine(run: Run, before: string, after: string, oldAt: Uint32Array, newAt: Uint32Array): Run[] {
  const a = run.oldTo - run.oldFrom;
  const b = run.newTo - run.newFrom;
  if (a === 0 || b === 0 || a + b > REFINE_LIMIT) return [run];
  const oldLines: string[] = [];
  for (let k = run.oldFrom; k < run.oldTo; k++) oldLines.push(before.slice(oldAt[k], oldAt[k + 1]));
  const newLines: string[] = [];
  for (let k = run.newFrom; k < run.newTo; k++) newLines.push(after.slice(newAt[k], newAt[k + 1]));
  const out: Run[] = [];
  let oi = run.oldFrom;
  let ni = run.newFrom;
  let pending: Run | null = null;
  for (const part of diffArrays(oldLines, newLines)) {
    const n = part.count ?? part.value.length;
    if (!part.added && !part.removed) {
      if (pending) out.push(pending);
      pending = null;
      out.push({ kind: 'same', oldFrom: oi, oldTo: oi + n, newFrom: ni, newTo: ni + n });
      oi += n;
      ni += n;
      continue;
    }
    pending ??= { kind: 'change', oldFrom: oi, oldTo: oi, newFrom: ni, newTo: ni };
    if (part.removed) oi += n;
    else ni += n;
    pending.oldTo = oi;
    pending.newTo = ni;
  }
  if (pending) out.push(pending);
  return out;
}

/** The hunks of a unified diff with CONTEXT lines of context, as `diff` makes them, from aligned runs. */
function hunksOf(runs: Run[], lineOf: (side: 'old' | 'new', k: number) => string): string[] {
  const out: string[] = [];
  let open: { oldStart: number; newStart: number; lines: string[]; oldEnd: number; newEnd: number } | null = null;
  const add = (mark: string, line: string) => {
    open!.lines.push(mark + line.replace(/\n$/, ''));
    if (!line.endsWith('\n')) open!.lines.push('\\ No newline at end of file');
  };
  const close = () => {
    const h = open!;
    const oldLines = h.oldEnd - h.oldStart;
    const newLines = h.newEnd - h.newStart;
    // 1-based starts; an empty side names the line before it.
    const oldStart = oldLines === 0 ? h.oldStart : h.oldStart + 1;
    const newStart = newLines === 0 ? h.newStart : h.newStart + 1;
    out.push(`@@ -${oldStart},${oldLines} +${newStart},${newLines} @@`);
    // One by one: a hunk of a million lines is too many arguments for a spread.
    for (const l of h.lines) out.push(l);
    open = null;
  };
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    if (run.kind === 'change') {
      if (!open) {
        const prev = runs[r - 1];
        const ctx = prev ? Math.min(CONTEXT, prev.oldTo - prev.oldFrom) : 0;
        open = { oldStart: run.oldFrom - ctx, newStart: run.newFrom - ctx, lines: [], oldEnd: run.oldFrom, newEnd: run.newFrom };
        for (let k = run.oldFrom - ctx; k < run.oldFrom; k++) add(' ', lineOf('old', k));
      }
      for (let k = run.oldFrom; k < run.oldTo; k++) add('-', lineOf('old', k));
      for (let k = run.newFrom; k < run.newTo; k++) add('+', lineOf('new', k));
      open.oldEnd = run.oldTo;
      open.newEnd = run.newTo;
      continue;
    }
    if (!open) continue;
    const n = run.oldTo - run.oldFrom;
    const last = r === runs.length - 1;
    const take = n <= CONTEXT * 2 && !last ? n : Math.min(n, CONTEXT);
    for (let k = 0; k < take; k++) add(' ', lineOf('old', run.oldFrom + k));
    open.oldEnd = run.oldFrom + take;
    open.newEnd = run.newFrom + take;
    if (take < n || last) close();
  }
  if (open) close();
  return out;
}

/** The patch text (headers and hunks), from the fix's origins when given. */
function patchLines(name: string, before: string, after: string, origin?: readonly (number | null)[]): string[] {
  if (!origin) {
    const lines = createTwoFilesPatch(name, name, before, after, 'original', 'fixed by mchard', { context: CONTEXT }).split('\n');
    // The leading "Index:" and "====" lines add nothing for one file.
    if (lines[0]?.startsWith('Index:')) lines.shift();
    if (lines[0]?.startsWith('=')) lines.shift();
    if (lines.at(-1) === '') lines.pop();
    return lines;
  }
  const oldAt = lineStarts(before);
  const newAt = lineStarts(after);
  const runs: Run[] = [];
  for (const r of alignedRuns(before, after, oldAt, newAt, origin).flatMap((x) => (x.kind === 'change' ? refine(x, before, after, oldAt, newAt) : [x]))) {
    const last = runs[runs.length - 1];
    if (last && last.kind === r.kind) {
      last.oldTo = r.oldTo;
      last.newTo = r.newTo;
    } else runs.push({ ...r });
  }
  const lineOf = (side: 'old' | 'new', k: number) => (side === 'old' ? before.slice(oldAt[k], oldAt[k + 1]) : after.slice(newAt[k], newAt[k + 1]));
  return [`--- ${name}\toriginal`, `+++ ${name}\tfixed by mchard`, ...hunksOf(runs, lineOf)];
}

/**
 * The diff of `before` and `after`. `origin`, when given, is the fix plan's: for each line of `after`,
 * the 0-based line of `before` it is an unchanged copy of, or null.
 */
export function unifiedDiff(path: string, before: string, after: string, color: boolean, origin?: readonly (number | null)[]): string {
  const name = visible(path);
  const lines = patchLines(name, before, after, origin);
  const c = paint(color);
  const shown = (l: string) => (l.endsWith('\r') ? `${visible(l.slice(0, -1))}\r` : visible(l));
  const out = lines.map((l, i) => {
    // The two header lines hold the name (already shown safely) and a tab before the label.
    if (i < 2 && (l.startsWith('+++') || l.startsWith('---'))) return c.bold(l);
    if (l.startsWith('@@')) return c.cyan(l);
    if (l.startsWith('+')) return c.green(shown(l));
    if (l.startsWith('-')) return c.red(shown(l));
    if (l.startsWith('\\')) return c.dim(l);
    return shown(l);
  });
  return `${out.join('\n')}\n`;
}
