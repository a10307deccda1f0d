/**
 * GNU `getopt_long` as memcached calls it: permuting, optstring without `+`/`-`/`:` prefix, no `W;`.
 * It walks the argument vector and reports, in order, every option it hands memcached, every word it
 * skips, and every error. memcached exits at the first error; later ones are still reported so a linter
 * can show them all, flagged `afterFatal`.
 */
import type { ArgToken } from '../source.js';
import { OPTIONS, optionByShort, LONG_OPTIONS_SINCE, type OptionSpec } from './options.js';
import { atLeast, type Version } from './version.js';

export interface OptionEvent {
  kind: 'option';
  spec: OptionSpec;
  /** How it was written: `-p`, `--port`, `--conn` (an abbreviation). */
  written: string;
  /** The value memcached sees (since 1.6.32 after its own leading-whitespace strip); null for flags. */
  value: string | null;
  /** The value before the whitespace strip. */
  rawValue: string | null;
  /** Index in argv of the word holding the option. */
  index: number;
  /** Index in argv of the word holding the value (same as `index` for `-p11211` / `--port=1`). */
  valueIndex: number | null;
  /** For clustered short options (`-vk`), the character offset of this letter inside its word. */
  clusterOffset: number;
}

export type GetoptErrorKind = 'unknown-option' | 'missing-argument' | 'ambiguous-option' | 'unexpected-argument';

export interface ErrorEvent {
  kind: 'error';
  error: GetoptErrorKind;
  /** The option as written (`-x`, `--bogus`, `--mem`). */
  written: string;
  index: number;
  clusterOffset: number;
  /** getopt's own message, as memcached prints it before `Illegal argument "?"`. */
  message: string;
  /** For ambiguous long options: the candidates. */
  candidates?: string[];
}

export interface IgnoredEvent {
  kind: 'ignored';
  index: number;
  /** `non-option`: a word memcached never looks at; `after-double-dash`: everything after `--`. */
  reason: 'non-option' | 'after-double-dash' | 'double-dash';
}

export type GetoptEvent = OptionEvent | ErrorEvent | IgnoredEvent;

export interface GetoptResult {
  events: GetoptEvent[];
  /** Index into `events` of the first error, or -1. */
  firstError: number;
}

/**
 * The long options of each version met in the run, by the version's identity (the files of a run share
 * one or a few Version arrays: the default, a configuration's), so getopt does not filter the option
 * table for every file. Read only.
 */
const longsByVersion = new WeakMap<Version, readonly OptionSpec[]>();

function longOptionsFor(version: Version): readonly OptionSpec[] {
  let longs = longsByVersion.get(version);
  if (longs === undefined) {
    longs = longOptionsAfresh(version);
    longsByVersion.set(version, longs);
  }
  return longs;
}

/** longOptionsFor without the remembered lists (test/memcached/getopt.test.ts holds the two to each other). */
export function longOptionsAfresh(version: Version): readonly OptionSpec[] {
  if (!atLeast(version, LONG_OPTIONS_SINCE)) return [];
  return OPTIONS.filter((o) => o.long !== null && atLeast(version, o.since));
}

export { longOptionsFor };

function shortKnown(letter: string, version: Version): OptionSpec | undefined {
  const spec = optionByShort(letter);
  return spec && atLeast(version, spec.since) ? spec : undefined;
}

/** memcached strips leading whitespace from every option argument since 1.6.32 (commit 3c03f2f0b). */
const STRIPS_ARGUMENT_SINCE = '1.6.32';

export function getopt(argv: readonly ArgToken[], version: Version): GetoptResult {
  const events: GetoptEvent[] = [];
  const strip = atLeast(version, STRIPS_ARGUMENT_SINCE);
  const optionEvent = (spec: OptionSpec, written: string, rawValue: string | null, index: number, valueIndex: number | null, clusterOffset: number): OptionEvent =>
    makeOptionEvent(spec, written, rawValue, index, valueIndex, clusterOffset, strip);
  const longs = longOptionsFor(version);
  const useLong = longs.length > 0;
  const words = argv.map((a) => a.value);
  let i = 0;
  while (i < words.length) {
    const w = words[i];
    if (w === '--') {
      events.push({ kind: 'ignored', index: i, reason: 'double-dash' });
      for (let j = i + 1; j < words.length; j++) events.push({ kind: 'ignored', index: j, reason: 'after-double-dash' });
      break;
    }
    if (w.length < 2 || w[0] !== '-') {
      events.push({ kind: 'ignored', index: i, reason: 'non-option' });
      i++;
      continue;
    }
    if (useLong && w.startsWith('--')) {
      i = longOption(words, i, longs, events, optionEvent);
      continue;
    }
    // A cluster of short options.
    let k = 1;
    let next = i + 1;
    while (k < w.length) {
      const letter = w[k];
      const spec = letter === ':' ? undefined : shortKnown(letter, version);
      if (!spec) {
        events.push({
          kind: 'error',
          error: 'unknown-option',
          written: `-${letter}`,
          index: i,
          clusterOffset: k,
          message: `invalid option -- '${letter}'`,
        });
        k++;
        continue;
      }
      if (spec.arg === 'none') {
        events.push(optionEvent(spec, `-${letter}`, null, i, null, k));
        k++;
        continue;
      }
      // Required argument: the rest of this word, else the next word whatever it looks like.
      if (k + 1 < w.length) {
        events.push(optionEvent(spec, `-${letter}`, w.slice(k + 1), i, i, k));
      } else if (next < words.length) {
        events.push(optionEvent(spec, `-${letter}`, words[next], i, next, k));
        next++;
      } else {
        events.push({
          kind: 'error',
          error: 'missing-argument',
          written: `-${letter}`,
          index: i,
          clusterOffset: k,
          message: `option requires an argument -- '${letter}'`,
        });
      }
      break;
    }
    i = next;
  }
  // getopt permutes non-options to the end; the order of events among options is argv order, which is
  // what memcached processes. Ignored words are reported at their own place.
  const firstError = events.findIndex((e) => e.kind === 'error');
  return { events, firstError };
}

type MakeOptionEvent = (
  spec: OptionSpec,
  written: string,
  rawValue: string | null,
  index: number,
  valueIndex: number | null,
  clusterOffset: number,
) => OptionEvent;

function makeOptionEvent(
  spec: OptionSpec,
  written: string,
  rawValue: string | null,
  index: number,
  valueIndex: number | null,
  clusterOffset: number,
  strip: boolean,
): OptionEvent {
  let value = rawValue;
  if (value !== null && strip) {
    // memcached: while (isspace(optarg[0])) optarg++;
    let s = 0;
    while (s < value.length && ' \t\n\v\f\r'.includes(value[s])) s++;
    value = value.slice(s);
  }
  return { kind: 'option', spec, written, value, rawValue, index, valueIndex, clusterOffset };
}

function longOption(words: readonly string[], i: number, longs: readonly OptionSpec[], events: GetoptEvent[], optionEvent: MakeOptionEvent): number {
  const w = words[i];
  const body = w.slice(2);
  const eq = body.indexOf('=');
  const name = eq === -1 ? body : body.slice(0, eq);
  const attached = eq === -1 ? null : body.slice(eq + 1);
  let spec = longs.find((o) => o.long === name);
  if (!spec) {
    const matches = longs.filter((o) => o.long!.startsWith(name));
    if (matches.length === 1) spec = matches[0];
    else if (matches.length > 1) {
      const list = matches.map((m) => `'--${m.long}'`).join(' ');
      events.push({
        kind: 'error',
        error: 'ambiguous-option',
        written: `--${name}`,
        index: i,
        clusterOffset: 0,
        message: `option '${w}' is ambiguous; possibilities: ${list}`,
        candidates: matches.map((m) => m.long!),
      });
      return i + 1;
    }
  }
  if (!spec) {
    events.push({
      kind: 'error',
      error: 'unknown-option',
      written: `--${name}`,
      index: i,
      clusterOffset: 0,
      message: `unrecognized option '${w}'`,
    });
    return i + 1;
  }
  const written = `--${name}`;
  switch (spec.longArg) {
    case 'none':
      if (attached !== null) {
        events.push({
          kind: 'error',
          error: 'unexpected-argument',
          written,
          index: i,
          clusterOffset: 0,
          message: `option '--${spec.long}' doesn't allow an argument`,
        });
        return i + 1;
      }
      events.push(optionEvent(spec, written, null, i, null, 0));
      return i + 1;
    case 'optional':
      // Only the attached form gives an optional argument a value; a following word stays a word.
      events.push(optionEvent(spec, written, attached, i, attached === null ? null : i, 0));
      return i + 1;
    case 'required':
      if (attached !== null) {
        events.push(optionEvent(spec, written, attached, i, i, 0));
        return i + 1;
      }
      if (i + 1 < words.length) {
        events.push(optionEvent(spec, written, words[i + 1], i, i + 1, 0));
        return i + 2;
      }
      events.push({
        kind: 'error',
        error: 'missing-argument',
        written,
        index: i,
        clusterOffset: 0,
        message: `option '--${spec.long}' requires an argument`,
      });
      return i + 1;
  }
}
