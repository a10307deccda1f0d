/** memcached release numbers: parsing and comparison. */

import { dottedGroups } from '../ascii.js';

export type Version = readonly [number, number, number];

/** The release whose behaviour applies when nothing else says which: the newest 1.6 this model knows. */
export const NEWEST_KNOWN = '1.6.45';

/** The oldest release the model reads (memcached/releases.ts lists the releases after it that read a command line differently). */
export const OLDEST_MODELLED = '1.4.0';

/** `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` of ASCII digits, around white space (`/^(\d+)\.(\d+)(?:\.(\d+))?$/` on the trimmed text; test/memcached/version.test.ts). */
export function parseVersion(text: string): Version | null {
  const t = text.trim();
  const ends = dottedGroups(t, 2, 3);
  if (!ends) return null;
  return [Number(t.slice(0, ends[0])), Number(t.slice(ends[0] + 1, ends[1])), ends.length === 3 ? Number(t.slice(ends[1] + 1)) : 0];
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
  // compareVersions(v, s) >= 0, written out (asked for every option of every file).
  return v[0] !== s[0] ? v[0] > s[0] : v[1] !== s[1] ? v[1] > s[1] : v[2] >= s[2];
}

export function formatVersion(v: Version): string {
  return v.join('.');
}
