/**
 * The model when the file does not decide the release (an image tag from a variable, a distribution's
 * package): the command line read by the oldest release the model knows and by each release from which
 * memcached reads it differently (BEHAVIOUR_CHANGES below). A setting, the listeners, the user and the
 * start-up outcome stay known only when every release agrees on them; otherwise they are unknown, naming
 * the releases that differ and what would decide the release. Loaded with the dialects that name images.
 */
import { getopt, } from './getopt.js';
import { applyOptions, type Settings } from './settings.js';
import { evaluateStartup, type HostFacts, type Listener, type Startup, type StartupResult } from './startup.js';
import { getoptWords, type Known, type Unknown } from './certainty.js';
import { formatVersion, OLDEST_MODELLED, parseVersion, type Version } from './version.js';
import type { AcrossReleases, MemcachedModel, VersionUnknown } from './model.js';

/**
 * Every release after the oldest the model reads (version.ts OLDEST_MODELLED) from which it reads a command line differently:
 * the literals its `atLeast` calls compare with (src/memcached, rules/) and the first release of each option
 * and `-o` setting. A command line read at the oldest and at each of these is read as every release in
 * between would read it, so comparing those readings says which conclusions hold for every release
 * (test/memcached/version.test.ts checks the list against the code).
 */
export const BEHAVIOUR_CHANGES: readonly string[] = [
  '1.4.2', '1.4.3', '1.4.6', '1.4.8', '1.4.11', '1.4.14', '1.4.16', '1.4.17', '1.4.18', '1.4.22', '1.4.23', '1.4.24', '1.4.25', '1.4.28', '1.4.31', '1.4.34',
  '1.5.0', '1.5.1', '1.5.4', '1.5.6', '1.5.7', '1.5.13', '1.5.15', '1.5.18', '1.5.21',
  '1.6.0', '1.6.3', '1.6.9', '1.6.11', '1.6.16', '1.6.17', '1.6.23', '1.6.24', '1.6.30', '1.6.32', '1.6.35', '1.6.40', '1.6.43', '1.6.45',
];

/** Structural equality of the model's plain values (settings hold a Map of -o settings). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && same(v, b.get(k)));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The model when the file does not decide the release: the command line read by the oldest release the
 * model knows and by each release from which memcached reads it differently. A setting, the listeners, the
 * user and the start-up outcome stay known only when every release agrees on them; otherwise they are
 * unknown, naming a release that differs and what would decide the release.
 */
export const acrossReleases: AcrossReleases = (m, start, host, given) => across([OLDEST_MODELLED, ...BEHAVIOUR_CHANGES].map((t) => parseVersion(t)!), m, start, host, given);

const older = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * The same reading over the releases from `min` to `max` only (a floating tag of a closed series, `memcached:1.5`:
 * whichever of its releases the host pulled last): `min` and each release from which memcached reads the command
 * line differently up to `max`.
 */
export function acrossBetween(min: Version, max: Version): AcrossReleases {
  const probes = [min, ...BEHAVIOUR_CHANGES.map((t) => parseVersion(t)!).filter((v) => older(v, min) > 0 && older(v, max) <= 0)];
  return (m, start, host, given) => across(probes, m, start, host, given);
}

function across(probes: readonly Version[], m: MemcachedModel, start: StartupResult, host: HostFacts, given: VersionUnknown): MemcachedModel {
  const differs = new Map<string, Set<Version>>();
  const note = (what: string, v: Version) => {
    const set = differs.get(what) ?? new Set<Version>();
    differs.set(what, set.add(v));
  };
  // UDP listeners are told apart: before 1.5.6 memcached opens UDP by default, and that one difference
  // leaves whether UDP is on unknown, not where TCP listens.
  const tcp = (ls: readonly Listener[]) => ls.filter((l) => l.transport !== 'udp');
  const udp = (ls: readonly Listener[]) => ls.filter((l) => l.transport === 'udp');
  for (const v of probes) {
    if (same(v, m.version)) continue;
    const parsed = getopt(getoptWords(m.argv, v), v);
    const applied = applyOptions(parsed, v);
    const other = evaluateStartup(applied, v, host);
    if (other.startup.ok !== start.startup.ok || (!other.startup.ok && !start.startup.ok && other.startup.exitCode !== start.startup.exitCode)) note('startup', v);
    // A release that refuses the command line (an option it does not have) runs no memcached whose settings
    // could differ: whether it starts is what is unknown then.
    if (start.startup.ok && !other.startup.ok) continue;
    for (const key of Object.keys(applied.settings) as (keyof Settings)[]) {
      if (!same(applied.settings[key], m.applied.settings[key])) note(key, v);
    }
    if (!same(tcp(other.listeners), tcp(start.listeners))) note('listeners', v);
    if (!same(udp(other.listeners), udp(start.listeners))) note('udpport', v);
    if (other.runsAs !== start.runsAs) note('runsAs', v);
  }
  const base: Unknown & { oldest: Version } = { depends: 'host', reason: given.reason, decide: given.decide, span: given.span ?? null, oldest: probes[0] };
  if (differs.size === 0) return { ...m, versionUnknown: base };
  /** Which releases read it differently: those before a release, from one on, or one of them. */
  const which = (d: Set<Version>): string => {
    const agree = probes.filter((v) => !d.has(v));
    const first = [...d].sort(older)[0];
    const last = [...d].sort(older).at(-1)!;
    if (agree.length && agree.every((v) => older(v, last) > 0)) return `releases before ${formatVersion(agree.sort(older)[0])} differ from ${formatVersion(m.version)} here`;
    if (agree.length && agree.every((v) => older(v, first) < 0)) return `releases from ${formatVersion(first)} on differ from ${formatVersion(m.version)} here`;
    // Mixed: the differing release nearest above the one judged (else below it).
    const near = [...d].sort(older).find((x) => older(x, m.version) > 0) ?? last;
    return `memcached ${formatVersion(near)} differs from ${formatVersion(m.version)} here`;
  };
  const unknown = (what: string): Unknown | null => {
    const d = differs.get(what);
    return d ? { ...base, reason: `${given.reason}, and ${which(d)}` } : null;
  };
  const known = <K extends keyof Settings>(key: K): Known<Settings[K]> => {
    const k = m.known(key);
    const u = k.known ? unknown(key) : null;
    return u ? { known: false, value: k.value, unknown: u } : k;
  };
  const listenersU = m.listenersKnown.known ? unknown('listeners') : null;
  const runsAsU = m.runsAsKnown.known ? unknown('runsAs') : null;
  const startupU = m.startup.certain !== false && !m.startup.unknown ? unknown('startup') : null;
  // Whether UDP is on is unknown: the listeners are those every release opens alike (MC111 says the rest).
  const listeners = differs.has('udpport') ? tcp(m.listeners) : m.listeners;
  return {
    ...m,
    versionUnknown: base,
    known,
    listeners,
    listenersKnown: listenersU ? { known: false, value: listeners, unknown: listenersU } : { ...m.listenersKnown, value: listeners },
    runsAsKnown: runsAsU ? { known: false, value: m.runsAsKnown.value, unknown: runsAsU } : m.runsAsKnown,
    startup: startupU ? ({ ...m.startup, certain: false, unknown: startupU } as Startup) : m.startup,
    unknownOf: (...what) => {
      for (const w of what) {
        const u = m.unknownOf(w) ?? unknown(w);
        if (u) return u;
      }
      return null;
    },
  };
}
