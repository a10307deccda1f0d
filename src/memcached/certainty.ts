/**
 * What the model knows and what it does not. An argument may be a literal, a value that depends on the
 * host or on the template, an opaque piece that may stand for any number of arguments, or a line a
 * template renders only under a condition (see `ArgToken.unknown` and `ArgToken.conditional`). From them:
 * each setting is known, or unknown with the reason and what would decide it; so are the listeners, the
 * user, and the start-up outcome.
 *
 * The rules of the reading:
 * - a setting the last occurrence of its option decides is unknown when that occurrence's option or value
 *   is unknown or conditional, or when an opaque piece comes after it (the piece may set it again);
 * - a setting no option sets ("no -l, so every interface") is unknown when an opaque piece exists;
 * - a flag that can only be switched on (-A, -S, -X, ...) is known to be on once a certain occurrence
 *   turns it on, whatever comes later;
 * - `-l` accumulates: the list is unknown when any part of it is, or an opaque piece exists;
 * - a template piece is assumed to render whole options: it does not take the next word as its value.
 */
import type { ArgToken, ArgUnknown, Span } from '../source.js';
import type { GetoptResult, OptionEvent } from './getopt.js';
import { LONG_OPTIONS_SINCE, optionByShort } from './options.js';
import type { Applied, Settings } from './settings.js';
import type { Version } from './version.js';
import { atLeast } from './version.js';

export interface Unknown {
  readonly depends: 'template' | 'host';
  /** What it depends on, for messages. */
  readonly reason: string;
  /** What would decide it. */
  readonly decide: string;
  /** The argument it comes from (argv index), when one does. */
  readonly index?: number;
  /** Where in the file the fact comes from when no argument does (a container's image line for its USER). */
  readonly span?: Span | null;
}

export type Known<T> = { readonly known: true; readonly value: T } | { readonly known: false; readonly value: T; readonly unknown: Unknown };

/** What is unknown about one argument after getopt has placed it. */
export interface TokenState {
  /** `value`: its text is unknown; `opaque`: it may stand for any number of arguments; `absent`: it may be missing. */
  readonly kind: 'value' | 'opaque' | 'absent';
  readonly unknown: Unknown;
}

/** Flags that an option can only switch one way: once a certain occurrence sets them, nothing undoes it. */
const ONE_WAY: ReadonlySet<keyof Settings> = new Set<keyof Settings>([
  'shutdownCommand', 'sslEnabled', 'sasl', 'daemonize', 'coreDumps', 'lockMemory', 'largePages', 'useCas', 'evictions',
  'flushEnabled', 'dumpEnabled', 'watchEnabled', 'tcpSpecified', 'udpSpecified', 'protocolSpecified',
]);

/** Options whose value never changes whether memcached starts (the pid file is written after start-up). */
const INERT_OPTIONS = new Set(['P', 'v', 'D']);

function fromArg(t: ArgToken | undefined): ArgUnknown | null {
  if (!t) return null;
  if (t.unknown) return t.unknown;
  if (t.exact === false && !t.conditional) {
    return { kind: 'value', depends: 'host', reason: t.note?.replace(/^depends on the host: /, '') ?? 'depends on the host', decide: 'the host memcached runs on', at: 0 };
  }
  return null;
}

/**
 * Whether an unknown part starting at `at` of a word that starts with "-" falls where getopt reads option
 * letters (then the word may be any options: opaque), rather than inside an option's value.
 */
function unknownInOptionLetters(value: string, at: number, version: Version): boolean {
  if (at <= 1) return true;
  if (value.startsWith('--') && atLeast(version, LONG_OPTIONS_SINCE)) {
    const eq = value.indexOf('=');
    return eq === -1 || at <= eq;
  }
  for (let k = 1; k < value.length; k++) {
    if (k >= at) return true;
    const spec = optionByShort(value[k]);
    if (spec && spec.arg === 'required') return false; // the rest of the word is its value
  }
  return true;
}

/** The words getopt should see: an argument whose option letters are unknown becomes a plain word. */
export function getoptWords(argv: readonly ArgToken[], version: Version): readonly ArgToken[] {
  if (argv.every((t) => t.exact !== false && !t.unknown)) return argv;
  return argv.map((t) => {
    const u = fromArg(t);
    if (!u || !t.value.startsWith('-') || !unknownInOptionLetters(t.value, u.at, version)) return t;
    return { ...t, value: '\uFFFF' };
  });
}

export interface CertaintyInput {
  argv: readonly ArgToken[];
  parsed: GetoptResult;
  applied: Applied;
  version: Version;
}

export class Certainty {
  /** Per argv index: what is unknown about it, or null (empty when nothing is: `clean`). */
  readonly tokens: (TokenState | null)[];
  /** Indexes of the opaque pieces, ascending. */
  readonly opaque: number[];
  private readonly consumed = new Map<number, OptionEvent>();

  constructor(private readonly input: CertaintyInput) {
    const { argv, parsed } = input;
    if (argv.every((t) => t.exact !== false && !t.unknown && !t.conditional)) {
      // Every argument is a certain literal: nothing to work out.
      this.tokens = [];
      this.opaque = [];
      this.clean = true;
      return;
    }
    for (const ev of parsed.events) {
      if (ev.kind !== 'option') continue;
      this.consumed.set(ev.index, ev);
      if (ev.valueIndex !== null) this.consumed.set(ev.valueIndex, ev);
    }
    const ignored = new Set(parsed.events.filter((e) => e.kind === 'ignored').map((e) => e.index));
    this.tokens = argv.map((t, i) => {
      const u = fromArg(t);
      if (u) {
        const unknown: Unknown = { depends: u.depends, reason: u.reason, decide: u.decide, index: i };
        // A word getopt did not take as a value, and that is not a file name, may be any options.
        const opaque = !u.pathname && (u.kind === 'opaque' ? !this.isValue(i) : ignored.has(i) && !this.isValue(i));
        return { kind: opaque ? 'opaque' : 'value', unknown };
      }
      if (t.conditional) return { kind: 'absent', unknown: { depends: 'template', reason: t.conditional.reason, decide: t.conditional.decide, index: i } };
      return null;
    });
    this.opaque = this.tokens.flatMap((s, i) => (s?.kind === 'opaque' ? [i] : []));
    this.clean = this.tokens.every((s) => s === null);
  }

  /** Nothing about the arguments is unknown (the common case: every answer is "known", at once). */
  readonly clean: boolean;
  private readonly memo = new Map<string, Unknown | null>();

  private isValue(i: number): boolean {
    const ev = this.consumed.get(i);
    return ev !== undefined && ev.valueIndex === i && ev.index !== i;
  }

  /** What is unknown about an option occurrence (its word or its value), or null. */
  optionUnknown(ev: OptionEvent): Unknown | null {
    if (this.clean) return null;
    for (const i of ev.valueIndex !== null && ev.valueIndex !== ev.index ? [ev.index, ev.valueIndex] : [ev.index]) {
      const s = this.tokens[i];
      if (s) return s.unknown;
    }
    return null;
  }

  /** The first opaque piece after argv index `after` (-1: anywhere). */
  opaqueAfter(after: number): Unknown | null {
    const i = this.opaque.find((k) => k > after);
    return i === undefined ? null : this.mayAlsoSet(i);
  }

  private mayAlsoSet(i: number): Unknown {
    const u = this.tokens[i]!.unknown;
    // A template's reason names the text that decides (`{{ opts }} (line 5)`); the host's says why in a clause.
    if (u.depends === 'template') return { ...u, reason: `${u.reason} may add options` };
    const why = u.reason === 'depends on the host' ? '' : ` (${u.reason})`;
    return { ...u, reason: `an argument that depends on the host${why} may add options` };
  }

  /** The occurrences that decide a setting (for -l every part, for -v every one, for -o every one). */
  private deciders(key: keyof Settings): OptionEvent[] {
    const a = this.input.applied;
    if (key === 'inter') return [...a.listenParts.map((p) => p.option), ...a.droppedListen.map((d) => d.option)];
    if (key === 'verbose') return a.options.filter((o) => o.spec.short === 'v');
    if (key === 'extended' || key === 'slabChunkMax' || key === 'slabSizes' || key === 'hotLruPct' || key === 'warmLruPct' || key === 'tempLru' || key === 'lruMaintainer' || key === 'slabChunkChanged') {
      return a.options.filter((o) => o.spec.short === 'o');
    }
    const ev = a.setBy[key];
    return ev ? [ev] : [];
  }

  known<K extends keyof Settings>(key: K): Known<Settings[K]> {
    const value = this.input.applied.settings[key];
    if (this.clean) return { known: true, value };
    const u = this.directly(key) ?? this.overridable(key);
    return u ? { known: false, value, unknown: u } : { known: true, value };
  }

  /** What is unknown about the occurrences that decide a setting (null: they are certain, or there are none). */
  private directly(key: keyof Settings): Unknown | null {
    const deciders = this.deciders(key);
    // A one-way flag set by a certain occurrence stays set.
    // (whether the option is there is what counts, not its value: `-p {{ port }}` gives TCP a port)
    if (ONE_WAY.has(key) && deciders.some((d) => !this.tokens[d.index])) return null;
    for (const d of deciders) {
      const u = this.optionUnknown(d);
      if (u) return u;
    }
    return null;
  }

  /** An opaque piece that may set the setting again (after its last occurrence, or anywhere when it accumulates or is unset). */
  private overridable(key: keyof Settings): Unknown | null {
    const deciders = this.deciders(key);
    // (whether the option is there is what counts, not its value: `-p {{ port }}` gives TCP a port)
    if (ONE_WAY.has(key) && deciders.some((d) => !this.tokens[d.index])) return null;
    const accumulates = key === 'inter' || key === 'verbose' || deciders.some((d) => d.spec.short === 'o');
    const last = deciders.length && !accumulates ? Math.max(...deciders.map((d) => d.index)) : -1;
    return this.opaqueAfter(last);
  }

  /** The first of several settings that is unknown (one its own occurrences make unknown first), or null. */
  firstUnknown(keys: readonly (keyof Settings)[]): Unknown | null {
    if (this.clean) return null;
    const id = keys.join(',');
    if (this.memo.has(id)) return this.memo.get(id)!;
    const u = this.firstUnknownOf(keys);
    this.memo.set(id, u);
    return u;
  }

  private firstUnknownOf(keys: readonly (keyof Settings)[]): Unknown | null {
    for (const k of keys) {
      const u = this.directly(k);
      if (u) return u;
    }
    for (const k of keys) {
      const u = this.overridable(k);
      if (u) return u;
    }
    return null;
  }

  /** Any argument that matters for start-up and is not certain, or null (pid file and verbosity do not matter). */
  anyUnknown(skip?: (index: number) => boolean): { index: number; unknown: Unknown } | null {
    if (this.clean) return null;
    for (let i = 0; i < this.tokens.length; i++) {
      const s = this.tokens[i];
      if (!s || skip?.(i)) continue;
      const ev = this.consumed.get(i);
      if (s.kind !== 'opaque' && ev && INERT_OPTIONS.has(ev.spec.short)) continue;
      return { index: i, unknown: s.kind === 'opaque' ? this.mayAlsoSet(i) : s.unknown };
    }
    return null;
  }

  /** Whether an argv index holds something unknown. */
  at(i: number): TokenState | null {
    return this.tokens[i] ?? null;
  }
}
