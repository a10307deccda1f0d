/**
 * What an option occupies in memcached's argument vector, and the word-level changes a fix makes to it.
 * Both dialect editors share this: they turn the word changes into text, and compare the argument vector
 * they expect with the one the edited file really gives.
 */
import type { OptionEvent } from '../memcached/getopt.js';
import type { FixIntent } from '../engine/types.js';

/**
 * Where an option sits:
 * - `words`: whole words `first`..`last` (`-p 11211`, `-p11211`, `--port=1`, `-A`);
 * - `letter`: one flag letter `k` inside a cluster of others (`-vd`: the `d`);
 * - `tail`: from letter `k` to the end of its word, plus the separate value word if any (`-vl 127.0.0.1`).
 */
export type Occupancy =
  | { kind: 'words'; first: number; last: number }
  | { kind: 'letter'; word: number; k: number }
  | { kind: 'tail'; word: number; k: number; valueWord: number | null };

export function occupancy(ev: OptionEvent, argv: readonly { value: string }[]): Occupancy {
  const i = ev.index;
  const v = ev.valueIndex;
  if (ev.written.startsWith('--')) return { kind: 'words', first: i, last: v ?? i };
  const word = argv[i]?.value ?? '';
  if (ev.spec.arg === 'none') {
    if (word.length === 2) return { kind: 'words', first: i, last: i };
    return { kind: 'letter', word: i, k: ev.clusterOffset };
  }
  if (ev.clusterOffset <= 1) return { kind: 'words', first: i, last: v ?? i };
  return { kind: 'tail', word: i, k: ev.clusterOffset, valueWord: v !== null && v !== i ? v : null };
}

/**
 * Options taken out of cluster words (`-vv` → `-v`, `-vl 127.0.0.1` → `-v`), for the planners that
 * rewrite whole words (list items, MEMCACHED_EXTRA_FLAGS): each word's removed letters and the earliest
 * cut of its tail, so the removals of one batch combine in any order.
 */
export class ClusterCuts {
  private readonly letters = new Map<number, Set<number>>();
  private readonly tails = new Map<number, number>();

  /** Records a letter or tail removal; returns its word's argv index. */
  add(occ: Extract<Occupancy, { kind: 'letter' | 'tail' }>): number {
    if (occ.kind === 'letter') this.letters.set(occ.word, (this.letters.get(occ.word) ?? new Set()).add(occ.k));
    else this.tails.set(occ.word, Math.min(occ.k, this.tails.get(occ.word) ?? Infinity));
    return occ.word;
  }

  /** The argv indices of the words cut. */
  words(): number[] {
    return [...new Set([...this.letters.keys(), ...this.tails.keys()])];
  }

  /** What is left of the word at `i` (as it was written, `word`): null when only "-" is. */
  left(i: number, word: string): string | null {
    const gone = this.letters.get(i) ?? new Set<number>();
    const kept = [...word.slice(0, this.tails.get(i) ?? word.length)].filter((_, k) => !gone.has(k)).join('');
    return kept === '-' ? null : kept;
  }
}

/** How the option reads in a note: `-A`, `-l 0.0.0.0`, `--port=11211`, `-d` (a letter of `-vd`). */
export function shownOption(ev: OptionEvent, argv: readonly { value: string }[]): string {
  if (ev.value === null) return ev.written;
  if (ev.valueIndex === ev.index) {
    const word = argv[ev.index]?.value ?? '';
    return ev.written.startsWith('--') ? word : `${ev.written}${ev.rawValue ?? ''}`;
  }
  return `${ev.written} ${ev.rawValue ?? ''}`;
}

/** The words a set-option intent adds: `-l 127.0.0.1`, `-X`. */
export function optionWords(letter: string, value: string | null): string[] {
  return value === null ? [`-${letter}`] : [`-${letter}`, value];
}

/** Characters safe in an added word in both dialects (no shell, Perl exec, systemd or comment syntax). */
export const PLAIN_WORD = /^[A-Za-z0-9_.,:%@+=/-]+$/;

/** A stable key for an intent, to drop duplicates (several findings offering the same fix). */
export function intentKey(i: FixIntent): string {
  switch (i.kind) {
    case 'set-option':
      return `set-option|${i.letter}|${i.value}|${i.replace ? `${i.replace.index}:${i.replace.clusterOffset}` : ''}`;
    case 'remove-option':
      return `remove-option|${i.option.index}:${i.option.clusterOffset}`;
    case 'set-variable':
      return `set-variable|${i.key}|${i.value}`;
    case 'drop-text':
      return `drop-text|${i.span.start}|${i.span.end}`;
    case 'move-comment':
      return `move-comment|${i.key}|${i.span.start}|${i.span.end}`;
    case 'edit-comment':
      return `edit-comment|${i.span.start}|${i.span.end}|${i.text}`;
  }
}

/**
 * The argument vector an edit should produce, built word by word: each original word is kept, changed,
 * or dropped, and new words can follow any position (-1: before the first).
 */
export class ExpectedWords {
  private readonly words: (string | null)[];
  private readonly after = new Map<number, string[][]>();

  constructor(original: readonly string[]) {
    this.words = [...original];
  }

  remove(i: number): void {
    this.words[i] = null;
  }

  set(i: number, value: string): void {
    this.words[i] = value;
  }

  get(i: number): string | null {
    return this.words[i];
  }

  insertAfter(i: number, words: string[]): void {
    const list = this.after.get(i) ?? [];
    list.push(words);
    this.after.set(i, list);
  }

  /** The words at the given positions (and those added after them; `start`: also those added before the first). */
  resultOf(indices: ReadonlySet<number>, start: boolean): string[] {
    const out: string[] = [];
    if (start) for (const w of this.after.get(-1) ?? []) out.push(...w);
    [...indices].sort((a, b) => a - b).forEach((i) => {
      const w = this.words[i];
      if (w !== null && w !== undefined) out.push(w);
      for (const ins of this.after.get(i) ?? []) out.push(...ins);
    });
    return out;
  }

  result(): string[] {
    const out: string[] = [];
    for (const w of this.after.get(-1) ?? []) out.push(...w);
    this.words.forEach((w, i) => {
      if (w !== null) out.push(w);
      for (const ins of this.after.get(i) ?? []) out.push(...ins);
    });
    return out;
  }
}

export function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((w, k) => w === b[k]);
}
