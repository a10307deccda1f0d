/**
 * The memcached model: from an argument vector to what memcached does with it. getopt, then the option
 * switch, then the start-up sequence, then what of it is certain. This is the one entry point the rest of
 * mchard uses.
 */
import type { ArgToken } from '../source.js';
import { getopt, type GetoptResult, type OptionEvent } from './getopt.js';
import { applyOptions, type Applied, type Settings } from './settings.js';
import { evaluateStartup, SERVICE_HOST, type HostFacts, type Listener, type Startup, type StartupResult } from './startup.js';
import { atLeast, NEWEST_KNOWN, OLDEST_MODELLED, parseVersion, type Version } from './version.js';
import type { Span } from '../source.js';
import type { ImageVersion } from '../dialects/images/index.js';
import { Certainty, getoptWords, type Known, type Unknown } from './certainty.js';

export type { Known, Unknown } from './certainty.js';

export interface ModelOptions {
  version?: Version;
  host?: HostFacts;
  /**
   * Set when the file does not decide the release (an image tag from a variable, a distribution's package):
   * `version` is only the one the file names by default. What every release would not do alike is unknown.
   */
  versionUnknown?: VersionUnknown;
}

/**
 * The file does not decide the release: why, what would, and the reading across releases (releases.ts),
 * which the dialects that make such versions bring (a lint of a Debian file never loads it).
 */
export interface VersionUnknown {
  readonly reason: string;
  readonly decide: string;
  readonly span?: Span | null;
  readonly across: AcrossReleases;
}

export type AcrossReleases = (m: MemcachedModel, start: StartupResult, host: HostFacts, given: VersionUnknown) => MemcachedModel;

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
  /**
   * Set when the file does not decide the release `version` is (ModelOptions.versionUnknown); `oldest` is the
   * oldest release it may be (the model's oldest, or a floating tag's first release).
   */
  versionUnknown?: Unknown & { readonly oldest?: Version };
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
  return opts.versionUnknown ? opts.versionUnknown.across(model, start, host, opts.versionUnknown) : model;
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
  if (!m.versionUnknown || atLeast(m.versionUnknown.oldest ?? parseVersion(OLDEST_MODELLED)!, since)) return has;
  return null;
}

/**
 * The release a model is judged for, from the image: an exact tag's; with `depends`, the default's, and
 * `versionUnknown` says the file does not decide it; a closed series' final release, and `versionUnknown` says
 * the host holds whichever of the series' releases it pulled last (read across them alone); otherwise (no image,
 * a floating tag of the current series, an image mchard does not know) `fallback`.
 */
export function imageModelVersion(v: ImageVersion | undefined, fallback: Version, span: Span | null = null): { version: Version; versionUnknown?: VersionUnknown } {
  const named = v?.kind === 'depends' ? v.assumed : v;
  const version = named?.kind === 'exact' ? named.version : named?.kind === 'range' && named.max !== null ? named.max : fallback;
  if (v?.kind === 'depends') return { version, versionUnknown: { reason: v.why, decide: v.decide, span, across: v.across } };
  if (v?.kind === 'range' && v.series) return { version, versionUnknown: { reason: v.series.reason, decide: v.series.decide, span, across: v.series.across } };
  return { version };
}
