/** memcached release numbers: parsing and comparison. */

export type Version = readonly [number, number, number];

/** The release whose behaviour applies when nothing else says which: the newest 1.6 this model knows. */
export const NEWEST_KNOWN = '1.6.45';

export function parseVersion(text: string): Version | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}

/** The version literals of the option table and the rules, parsed once (atLeast runs for every option of every file). */
const LITERALS = new Map<string, Version>();

/** True when `v` is `since` or newer. */
export function atLeast(v: Version, since: string): boolean {
  let s = LITERALS.get(since);
  if (!s) {
    const parsed = parseVersion(since);
    if (!parsed) throw new Error(`bad version literal ${since}`);
    LITERALS.set(since, (s = parsed));
  }
  return compareVersions(v, s) >= 0;
}

export function formatVersion(v: Version): string {
  return v.join('.');
}
