/** memcached release numbers: parsing and comparison. */

import { dottedGroups } from '../ascii.js';

export type Version = readonly [number, number, number];

/** The release whose behaviour applies when nothing else says which: the newest 1.6 this model knows. */
export const NEWEST_KNOWN = '1.6.45';

/**
 * The oldest release the model reads, and every release from which it reads a command line differently:
 * the literals its `atLeast` calls compare with (src/memcached, rules/) and the first release of each option
 * and `-o` setting. A command line read at the oldest and at each of these is read as every release in
 * between would read it, so comparing those readings says which conclusions hold for every release
 * (test/memcached/version.test.ts checks the list against the code).
 */
export const OLDEST_MODELLED = '1.4.0';
export const BEHAVIOUR_CHANGES: readonly string[] = [
  '1.4.2', '1.4.3', '1.4.6', '1.4.8', '1.4.11', '1.4.14', '1.4.16', '1.4.17', '1.4.18', '1.4.22', '1.4.23', '1.4.24', '1.4.25', '1.4.28', '1.4.31', '1.4.34',
  '1.5.0', '1.5.1', '1.5.4', '1.5.6', '1.5.7', '1.5.13', '1.5.15', '1.5.18', '1.5.21',
  '1.6.0', '1.6.3', '1.6.9', '1.6.11', '1.6.16', '1.6.17', '1.6.23', '1.6.24', '1.6.30', '1.6.32', '1.6.35', '1.6.40', '1.6.43', '1.6.45',
];

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
