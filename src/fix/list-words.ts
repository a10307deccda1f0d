/**
 * The word-level change of fix intents on an argument vector whose words are list items (Compose's
 * `command:` list, a Kubernetes container's `command`/`args`, a Dockerfile's exec-form `CMD`): which
 * words change or go, and which are added after which. The editors then write it in their own syntax.
 */
import type { ArgToken } from '../source.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { OptionEvent } from '../memcached/getopt.js';
import type { FixIntent } from '../engine/types.js';
import { ClusterCuts, occupancy, optionWords, PLAIN_WORD } from './words.js';
import { CannotEdit } from './word-edits.js';

export interface Plan {
  /** Per argv index: the new value, or null when removed; untouched indices are absent. */
  set: Map<number, string | null>;
  /** Words added after an argv index (-1: before the first). */
  after: Map<number, string[]>;
}

/** How the editor names its file and the place the words go, for refusals (`Compose files`, `command:`). */
export interface PlanPlace {
  readonly format: string;
  readonly place: string;
}

export function planWords(config: { readonly argv: readonly ArgToken[] }, model: MemcachedModel, intents: readonly FixIntent[], where: PlanPlace): Plan {
  const argv = config.argv;
  const set = new Map<number, string | null>();
  const after = new Map<number, string[]>();
  const add = (i: number, words: string[]) => after.set(i, [...(after.get(i) ?? []), ...words]);
  // Letters and tails removed from a cluster word (several may go: `-dv`), the word rewritten each time.
  const cuts = new ClusterCuts();
  const remove = (ev: OptionEvent): number => {
    const occ = occupancy(ev, argv);
    if (occ.kind === 'words') {
      for (let i = occ.first; i <= occ.last; i++) set.set(i, null);
      return occ.first;
    }
    set.set(cuts.add(occ), cuts.left(occ.word, argv[occ.word].value));
    if (occ.kind === 'tail' && occ.valueWord !== null) set.set(occ.valueWord, null);
    return occ.word;
  };
  for (const intent of intents) {
    if (intent.kind === 'remove-option') {
      remove(intent.option);
      continue;
    }
    if (intent.kind !== 'set-option') throw new CannotEdit(`a ${intent.kind} change does not apply to ${where.format}`);
    const words = optionWords(intent.letter, intent.value);
    if (!words.every((w) => PLAIN_WORD.test(w))) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely in ${where.place}`);
    const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
    const target = intent.replace ?? last;
    if (target && target.value === intent.value && target === last) continue;
    const occ = target ? occupancy(target, argv) : null;
    if (target && occ?.kind === 'words') {
      // Same place, word for word: `-l 0.0.0.0` → `-l 127.0.0.1`.
      const n = occ.last - occ.first + 1;
      for (let j = 0; j < n; j++) set.set(occ.first + j, j < words.length ? words[j] : null);
      if (words.length > n) add(occ.last, words.slice(n));
    } else if (target) add(remove(target), words);
    else {
      const dd = argv.findIndex((t) => t.value === '--');
      add(dd === -1 ? argv.length - 1 : dd - 1, words);
    }
  }
  return { set, after };
}

/** The argument vector the plan gives memcached. */
export function expectedOf(config: { readonly argv: readonly ArgToken[] }, plan: Plan): string[] {
  const out: string[] = [...(plan.after.get(-1) ?? [])];
  config.argv.forEach((t, i) => {
    const v = plan.set.has(i) ? plan.set.get(i)! : t.value;
    if (v !== null) out.push(v);
    out.push(...(plan.after.get(i) ?? []));
  });
  return out;
}
