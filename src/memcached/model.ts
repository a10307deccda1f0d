/**
 * The memcached model: from an argument vector to what memcached does with it. getopt, then the option
 * switch, then the start-up sequence, then what of it is certain. This is the one entry point the rest of
 * mchard uses.
 */
import type { ArgToken } from '../source.js';
import { getopt, type GetoptResult, type OptionEvent } from './getopt.js';
import { applyOptions, type Applied, type Settings } from './settings.js';
import { evaluateStartup, SERVICE_HOST, type HostFacts, type Listener, type Startup, type StartupResult } from './startup.js';
import { atLeast, BEHAVIOUR_CHANGES, formatVersion, NEWEST_KNOWN, OLDEST_MODELLED, parseVersion, type Version } from './version.js';
import type { Span } from '../source.js';
import { Certainty, getoptWords, type Known, type Unknown } from './certainty.js';

export type { Known, Unknown } from './certainty.js';

export interface ModelOptions {
  version?: Version;
  host?: HostFacts;
  /**
   * Set when the file does not decide the release (an image tag from a variable, a distribution's package):
   * `version` is only the one the file names by default. What every release would not do alike is unknown.
   */
  versionUnknown?: { readonly reason: string; readonly decide: string; readonly span?: Span | null };
}

export interface MemcachedModel extends StartupResult {
  version: Version;
  argv: readonly ArgToken[];
  parsed: GetoptResult;
  applied: Applied;
  /** What is known about each argument. */
  certainty: Certainty;
  /** A setting, known or not (with why and what would decide it). */
  known<K extends keyof Settings>(key: K): Known<Settings[K]>;
  /** The listeners, known when every setting they come from is. */
  listenersKnown: Known<Listener[]>;
  /** The user memcached drops to, known when `-u` is. */
  runsAsKnown: Known<string | null>;
  /**
   * What is unknown among these (settings, or `listeners` / `runsAs`), or null when all are known: rules
   * call it to stay quiet where the file does not decide what they would report.
   */
  unknownOf(...what: (keyof Settings | 'listeners' | 'runsAs')[]): Unknown | null;
  /** What is unknown about one option occurrence (its word or its value), or null. */
  optionUnknown(option: OptionEvent): Unknown | null;
  /** Set when the file does not decide the release `version` is (ModelOptions.versionUnknown). */
  versionUnknown?: Unknown;
}

export const DEFAULT_VERSION: Version = parseVersion(NEWEST_KNOWN)!;

/** The settings the listeners come from. */
export const LISTENER_SETTINGS: readonly (keyof Settings)[] = ['socketpath', 'inter', 'port', 'udpport', 'sslEnabled', 'access', 'authFile'];

export function analyze(argv: readonly ArgToken[], opts: ModelOptions = {}): MemcachedModel {
  const version = opts.version ?? DEFAULT_VERSION;
  const host = opts.host ?? SERVICE_HOST;
  const parsed = getopt(getoptWords(argv, version), version);
  const applied = applyOptions(parsed, version);
  const start = evaluateStartup(applied, version, host);
  const certainty = new Certainty({ argv, parsed, applied, version });
  const known = <K extends keyof Settings>(key: K) => certainty.known(key);
  const listenersUnknown = certainty.firstUnknown(LISTENER_SETTINGS);
  const userUnknown = host.root ? certainty.firstUnknown(['username']) : null;
  const startup = certainStartup(start.startup, applied, certainty, argv, start.hostUnknowns);
  // Nothing about the arguments unknown (most files): every answer is null, without the rules' lists of
  // settings being walked, on every rule of every file.
  const unknownOf: MemcachedModel['unknownOf'] = certainty.clean ? () => null : (...what) => {
    for (const w of what) {
      const u = w === 'listeners' ? listenersUnknown : w === 'runsAs' ? userUnknown : certainty.firstUnknown([w]);
      if (u) return u;
    }
    return null;
  };
  const model: MemcachedModel = {
    version,
    argv,
    parsed,
    applied,
    // StartupResult's fields one by one, in its order (a spread in the middle of a literal copied them one
    // at a time through the runtime, for every file).
    startup,
    refusals: start.refusals,
    listeners: start.listeners,
    entries: start.entries,
    runsAs: start.runsAs,
    hostUnknowns: start.hostUnknowns,
    certainty,
    known,
    listenersKnown: listenersUnknown ? { known: false, value: start.listeners, unknown: listenersUnknown } : { known: true, value: start.listeners },
    runsAsKnown: userUnknown ? { known: false, value: start.runsAs, unknown: userUnknown } : { known: true, value: start.runsAs },
    unknownOf,
    optionUnknown: (option) => certainty.optionUnknown(option),
  };
  return opts.versionUnknown ? acrossReleases(model, start, host, opts.versionUnknown) : model;
}

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
function acrossReleases(m: MemcachedModel, start: StartupResult, host: HostFacts, given: NonNullable<ModelOptions['versionUnknown']>): MemcachedModel {
  const probes = [OLDEST_MODELLED, ...BEHAVIOUR_CHANGES].map((t) => parseVersion(t)!);
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
    for (const key of Object.keys(applied.settings) as (keyof Settings)[]) {
      if (!same(applied.settings[key], m.applied.settings[key])) note(key, v);
    }
    if (!same(tcp(other.listeners), tcp(start.listeners))) note('listeners', v);
    if (!same(udp(other.listeners), udp(start.listeners))) note('udpport', v);
    if (other.runsAs !== start.runsAs) note('runsAs', v);
    if (other.startup.ok !== start.startup.ok || (!other.startup.ok && !start.startup.ok && other.startup.exitCode !== start.startup.exitCode)) note('startup', v);
  }
  const base: Unknown = { depends: 'host', reason: given.reason, decide: given.decide, span: given.span ?? null };
  if (differs.size === 0) return { ...m, versionUnknown: base };
  /** Which releases read it differently: those before a release, from one on, or one of them. */
  const which = (d: Set<Version>): string => {
    const agree = probes.filter((v) => !d.has(v));
    const older = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
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

/**
 * The start-up outcome with what is certain about it. A failure is certain when what causes it is, and
 * nothing unknown could fail first (for a failure while the options are read: nothing unknown before its
 * option; for one after: nothing unknown at all, apart from the pid file and verbosity). Starting is
 * certain when nothing is unknown.
 */
function certainStartup(st: Startup, applied: Applied, c: Certainty, argv: readonly ArgToken[], hostUnknowns: readonly Unknown[]): Startup {
  const listen = listenFromPathname(applied, c, argv);
  const globSpan = listen ? argv[listen.valueIndex].span : null;
  const sameGlob = (i: number) => globSpan !== null && argv[i]?.unknown?.pathname === true && argv[i].span?.start === globSpan.start;
  if (listen && !c.anyUnknown(sameGlob)) {
    return {
      ok: false,
      warnings: st.warnings,
      exitCode: 71,
      reason: `getaddrinfo() fails for "${listen.value}": /bin/sh replaced the -l value with names of the files in /, its working directory, and no realistic host resolves such a name; failed to listen on one of interface(s) ${listen.value}`,
      option: listen.option,
      certain: true,
    };
  }
  const other = c.anyUnknown();
  const mark = (u: Unknown): Startup => ({ ...st, certain: false, unknown: u }) as Startup;
  if (st.ok) return other ? mark(other.unknown) : hostUnknowns.length ? mark(hostUnknowns[0]) : st;
  const cause = st.option ? c.optionUnknown(st.option) : st.index !== undefined && st.index !== null ? (c.at(st.index)?.unknown ?? null) : null;
  if (cause) return mark(cause);
  if (!other) return st;
  const causeIndex = st.option?.index ?? st.index ?? null;
  const whileReading = applied.failure !== null || applied.exitsEarly !== null;
  if (whileReading && causeIndex !== null && other.index > causeIndex) return st;
  return mark(other.unknown);
}

/**
 * `-l *` on a Debian line: /bin/sh expands the glob to names in `/` (never empty), so memcached gets one of
 * them as its listen address. No realistic host resolves a top-level directory name (`bin`), so start-up
 * fails with exit 71 whichever name it is, as long as memcached opens network listeners at all.
 */
function listenFromPathname(applied: Applied, c: Certainty, argv: readonly ArgToken[]): { option: NonNullable<Applied['setBy']['inter']>; value: string; valueIndex: number } | null {
  const s = applied.settings;
  if (applied.failure || applied.exitsEarly) return null;
  if (s.socketpath !== null || !c.known('socketpath').known) return null;
  if ((s.port === 0 && s.udpport === 0) || !c.known('port').known || !c.known('udpport').known) return null;
  for (const part of applied.listenParts) {
    const o = part.option;
    if (o.valueIndex === null || o.valueIndex === o.index) continue;
    const tok = argv[o.valueIndex];
    if (tok?.unknown?.pathname && tok.unknown.at === 0 && !tok.value.startsWith('/')) return { option: o, value: o.value ?? tok.value, valueIndex: o.valueIndex };
  }
  return null;
}

/**
 * Whether the release the file runs has what came in `since`: true or false when the release is known (or
 * every release the model reads agrees), null when the file does not decide the release (versionUnknown).
 */
export function releaseHas(m: MemcachedModel, since: string): boolean | null {
  const has = atLeast(m.version, since);
  if (!m.versionUnknown || atLeast(parseVersion(OLDEST_MODELLED)!, since)) return has;
  return null;
}
