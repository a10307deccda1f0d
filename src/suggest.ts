/**
 * "Did you mean ...?": the closest known names to a mistyped command, option, rule ID or slug, dialect or
 * value. One helper for every such message, so they all judge closeness the same way.
 *
 * Closeness is the optimal string alignment distance (Damerau–Levenshtein restricted to adjacent
 * transpositions: `lnit` is one edit from `lint`), compared case-insensitively. A name is suggested when
 * it is within a third of the longer word's length (at least one edit, at most three), or when the typed
 * word is a prefix of exactly one name (`--fail` → `--fail-on`). The nearest names win; at most three are
 * offered, in the order of the candidates.
 */

/** The optimal string alignment distance between `a` and `b`; `limit` lets it stop early (returns limit + 1). */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Three rows: the one before the previous (for transpositions), the previous, the current.
  let older: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, older[j - 2] + 1);
      cur.push(d);
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    older = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The candidates closest to `word` (at most three), or none when nothing is close enough. */
export function closest(word: string, candidates: readonly string[]): string[] {
  const w = word.toLowerCase();
  if (!w) return [];
  const scored: { name: string; d: number }[] = [];
  for (const name of new Set(candidates)) {
    const n = name.toLowerCase();
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(w.length, n.length) / 3)));
    const d = editDistance(w, n, limit);
    if (d <= limit) scored.push({ name, d });
  }
  if (scored.length) {
    const best = Math.min(...scored.map((s) => s.d));
    return scored.filter((s) => s.d === best).slice(0, 3).map((s) => s.name);
  }
  // A unique prefix: `--fail` for `--fail-on`, `listen-all` for `listen-all-interfaces`.
  const prefixed = [...new Set(candidates)].filter((c) => w.length >= 3 && c.toLowerCase().startsWith(w));
  return prefixed.length === 1 ? prefixed : [];
}

/** `did you mean X?`, `did you mean X or Y?`, or null when nothing is close. */
export function suggestion(word: string, candidates: readonly string[]): string | null {
  const names = closest(word, candidates);
  if (!names.length) return null;
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return `did you mean ${list}?`;
}

/** ` (did you mean X?)` to end a message with, or '' when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = suggestion(word, candidates);
  return s ? ` (${s})` : '';
}

/** The names a rule can be given by: its ID and its slug. */
export function ruleNames(rules: readonly { id: string; slug: string }[]): string[] {
  return rules.flatMap((r) => [r.id, r.slug]);
}
