/**
 * systemd v252's command-line syntax (`ExecStart=`, `Environment=`), character by character and with
 * the source offset of every character produced, so each word of memcached's argv keeps its place.
 *
 * - `extractWord()`: `extract_first_word()` with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE (src/basic/extract-word.c,
 *   `cunescape_one()` in src/basic/escape.c). Quotes may open anywhere in a word; a backslash is an escape
 *   inside quotes too (single quotes included, unlike sh). `extract_first_word_and_warn()` retries an
 *   invalid escape in relaxed mode, keeping `\` and the character; an unbalanced quote stays an error.
 * - `expandSpecifiers()`: `%` specifiers (src/shared/specifier.c, src/core/unit-printf.c). Those derived
 *   from the unit name are computed from the file name (and marked as an assumption); the others depend on
 *   the host or the user and are kept as text, marked inexact.
 * - `replaceEnvWord()`: `replace_env_argv()` (src/basic/env-util.c, v252): a word that starts with `$`
 *   (not `${` or `$$`) names a variable (the whole rest of the word) whose value is split into words with
 *   `extract_first_word(EXTRACT_RELAX|EXTRACT_UNQUOTE)`; in other words `${NAME}` is replaced by the value
 *   and `$$` by `$`; `${NAME:-x}` is not syntax in v252 and stays literally.
 */
import { splitWordsRelaxUnquote } from './envfile.js';

/** A character of a logical line or value, with the offset of the source character it comes from. */
export interface SChar {
  readonly ch: string;
  readonly at: number;
}

export interface SWord {
  readonly chars: SChar[];
  /** Source offsets of the word's text: from its first character to its last, quotes included. */
  readonly start: number;
  readonly end: number;
  /** An escape produced a byte above 0x7f (`\xff`, `\377`): the value is not what mchard shows. */
  readonly eightBit: boolean;
}

export type ExtractResult = { ok: true; word: SWord | null; rest: number } | { ok: false; reason: string; rest: number };

const WHITESPACE = ' \t\n\r';
const HEX = '0123456789abcdefABCDEF';

const text = (cs: readonly SChar[]) => cs.map((c) => c.ch).join('');
export { text as charsText };

/** `cunescape_one()`: the length consumed after the backslash and the character, or null when invalid. */
function cunescapeOne(cs: readonly SChar[], k: number): { len: number; ch: string; eightBit: boolean } | null {
  const c = cs[k]?.ch;
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' };
  if (c === undefined) return null;
  if (c in simple) return { len: 1, ch: simple[c], eightBit: false };
  const hex = (from: number, n: number) => {
    let v = 0;
    for (let j = 0; j < n; j++) {
      const d = cs[from + j]?.ch;
      if (d === undefined || !HEX.includes(d)) return -1;
      v = v * 16 + parseInt(d, 16);
    }
    return v;
  };
  if (c === 'x') {
    const v = hex(k + 1, 2);
    if (v <= 0) return null;
    return { len: 3, ch: String.fromCharCode(v), eightBit: true };
  }
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    const v = hex(k + 1, n);
    if (v <= 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return null;
    return { len: n + 1, ch: String.fromCodePoint(v), eightBit: false };
  }
  if (c >= '0' && c <= '7') {
    const b = cs[k + 1]?.ch;
    const d = cs[k + 2]?.ch;
    if (b === undefined || d === undefined || b < '0' || b > '7' || d < '0' || d > '7') return null;
    const v = parseInt(c + b + d, 8);
    if (v === 0 || v > 255) return null;
    return { len: 3, ch: String.fromCharCode(v), eightBit: true };
  }
  return null;
}

function extractOnce(cs: readonly SChar[], from: number, relax: boolean): ExtractResult {
  let p = from;
  while (p < cs.length && WHITESPACE.includes(cs[p].ch)) p++;
  if (p >= cs.length) return { ok: true, word: null, rest: cs.length };
  const start = cs[p].at;
  let end = start + 1;
  const out: SChar[] = [];
  let quote = '';
  let eightBit = false;
  for (;;) {
    if (p >= cs.length) {
      if (quote) return { ok: false, reason: 'unbalanced quoting', rest: p };
      break;
    }
    const c = cs[p];
    if (c.ch === '\\') {
      end = c.at + 1;
      const next = cs[p + 1];
      if (!next) {
        if (relax && !quote) {
          out.push(c);
          p++;
          break;
        }
        return { ok: false, reason: 'a trailing backslash', rest: p };
      }
      const u = cunescapeOne(cs, p + 1);
      if (u) {
        out.push({ ch: u.ch, at: c.at });
        eightBit ||= u.eightBit && u.ch.charCodeAt(0) > 0x7f;
        end = cs[p + u.len].at + 1;
        p += 1 + u.len;
      } else if (relax) {
        out.push(c, next);
        end = next.at + 1;
        p += 2;
      } else return { ok: false, reason: `an unknown escape "\\${next.ch}"`, rest: p };
      continue;
    }
    if (quote) {
      end = c.at + 1;
      if (c.ch === quote) quote = '';
      else out.push(c);
      p++;
      continue;
    }
    if (c.ch === "'" || c.ch === '"') {
      quote = c.ch;
      end = c.at + 1;
      p++;
      continue;
    }
    if (WHITESPACE.includes(c.ch)) break;
    out.push(c);
    end = c.at + 1;
    p++;
  }
  while (p < cs.length && WHITESPACE.includes(cs[p].ch)) p++;
  return { ok: true, word: { chars: out, start, end, eightBit }, rest: p };
}

/**
 * One word as `extract_first_word_and_warn(..., EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE)` reads it: strict
 * first, then with unknown escapes kept (systemd warns "Ignoring unknown escape sequences").
 */
export function extractWord(cs: readonly SChar[], from: number, strict = false): ExtractResult & { relaxed?: boolean } {
  const r = extractOnce(cs, from, false);
  if (r.ok || strict) return r;
  const again = extractOnce(cs, from, true);
  return again.ok ? { ...again, relaxed: true } : again;
}

// ---- Specifiers ----

export interface UnitName {
  /** `memcached.service`, `memcached@11211.service`. */
  readonly name: string;
  /** True when the name is mchard's guess (the file's name may not be the unit's). */
  readonly guessed: boolean;
}

function unescapeName(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})|-/g, (m, h: string | undefined) => (h ? String.fromCharCode(parseInt(h, 16)) : m === '-' ? '/' : m));
}

/** The value of a name-derived specifier, or undefined for the others. */
export function nameSpecifier(letter: string, unit: UnitName): string | undefined {
  const full = unit.name;
  const dot = full.lastIndexOf('.');
  const base = dot === -1 ? full : full.slice(0, dot);
  const at = base.indexOf('@');
  const prefix = at === -1 ? base : base.slice(0, at);
  const instance = at === -1 ? '' : base.slice(at + 1);
  const last = prefix.slice(prefix.lastIndexOf('-') + 1);
  switch (letter) {
    case 'n': return full;
    case 'N': return base;
    case 'p': return prefix;
    case 'P': return unescapeName(prefix);
    case 'i': return instance;
    case 'I': return unescapeName(instance);
    case 'j': return last;
    case 'J': return unescapeName(last);
    default: return undefined;
  }
}

/** Every specifier systemd 252 knows in unit files (`unit_full_printf()`, `system_and_tmp_specifier_table`). */
const KNOWN_SPECIFIERS = 'nNpPiIjJfcrRCdELSthsuUgGaAbBHlmMovwWTV%';

export interface SpecifierResult {
  chars: SChar[];
  /** What the value depends on that mchard cannot know, or null. */
  inexact: string | null;
  /** A `%x` systemd does not know: the setting is rejected. */
  unknown: string | null;
}

/** Resolves `%` specifiers in a word; unknown host-dependent ones stay as their text. */
export function expandSpecifiers(cs: readonly SChar[], unit: UnitName): SpecifierResult {
  const out: SChar[] = [];
  let inexact: string | null = null;
  let unknown: string | null = null;
  for (let k = 0; k < cs.length; k++) {
    const c = cs[k];
    if (c.ch !== '%') {
      out.push(c);
      continue;
    }
    const n = cs[k + 1];
    if (!n) {
      out.push(c);
      continue;
    }
    k++;
    if (n.ch === '%') {
      out.push(c);
      continue;
    }
    if (!KNOWN_SPECIFIERS.includes(n.ch)) {
      unknown ??= `%${n.ch}`;
      out.push(c, n);
      continue;
    }
    const v = nameSpecifier(n.ch, unit);
    if (v !== undefined) {
      for (const ch of v) out.push({ ch, at: c.at });
      // A template (memcached@.service) has no instance: each memcached@NAME.service started from it has its own.
      if ((n.ch === 'i' || n.ch === 'I') && /@\.[^.]+$/.test(unit.name)) {
        inexact ??= `%${n.ch} is the instance name, which the template ${JSON.stringify(unit.name)} leaves open: the name each instance is started as (${unit.name.replace('@.', '@NAME.')}) decides it`;
      } else if (unit.guessed || n.ch === 'i' || n.ch === 'I') inexact ??= `%${n.ch} is taken from the unit name ${JSON.stringify(unit.name)}, which depends on how the unit is installed`;
      continue;
    }
    inexact ??= `%${n.ch} depends on the host or the user the manager runs as`;
    out.push(c, n);
  }
  return { chars: out, inexact, unknown };
}

// ---- Environment expansion at start ----

export interface EnvValue {
  readonly value: string;
  /** Where the value comes from, for notes: `Environment= (line 7)`, `/etc/sysconfig/memcached`. */
  readonly from: string;
  /** The value comes from a file the user did not name: used, never shown. */
  readonly hidden?: boolean;
}

/** How the environment answers a name: a value, unset, or unknown (a file mchard cannot read may set it). */
export type EnvLookup = (name: string) => EnvValue | 'unset' | 'unknown';

export type EnvExpansion =
  /** `$NAME` as a whole word: the value split into words (none when unset or blank). */
  | { kind: 'split'; name: string; lookup: EnvValue | 'unset' | 'unknown'; words: string[] }
  /** Any other word: one argument, `${NAME}` replaced, `$$` turned into `$`. */
  | { kind: 'word'; value: string; names: string[]; unknown: string[]; unset: string[] };

/** `strv_split_full(value, WHITESPACE, EXTRACT_RELAX|EXTRACT_UNQUOTE)`: quotes honoured, escapes taken literally. */
export function splitRelaxUnquote(value: string): string[] {
  return splitWordsRelaxUnquote(value).map((w) => w.value);
}

export function replaceEnvWord(word: string, env: EnvLookup): EnvExpansion {
  if (word[0] === '$' && word[1] !== '{' && word[1] !== '$') {
    const name = word.slice(1);
    const lookup = name === '' ? 'unset' : env(name);
    return { kind: 'split', name, lookup, words: typeof lookup === 'object' ? splitRelaxUnquote(lookup.value) : [] };
  }
  let out = '';
  const names: string[] = [];
  const unknown: string[] = [];
  const unset: string[] = [];
  let k = 0;
  while (k < word.length) {
    const c = word[k];
    if (c === '$' && word[k + 1] === '$') {
      out += '$';
      k += 2;
      continue;
    }
    if (c === '$' && word[k + 1] === '{') {
      let e = k + 2;
      while (e < word.length && word[e] !== '}' && word[e] !== ':') e++;
      if (e < word.length && word[e] === '}') {
        const name = word.slice(k + 2, e);
        names.push(name);
        const v = name === '' ? 'unset' : env(name);
        if (v === 'unknown') unknown.push(name);
        else if (v === 'unset') unset.push(name);
        else out += v.value;
        k = e + 1;
        continue;
      }
      // `${NAME:...}` or an unterminated `${`: no replacement; the text stays.
      out += word.slice(k, e);
      k = e;
      continue;
    }
    out += c;
    k++;
  }
  return { kind: 'word', value: out, names, unknown, unset };
}
