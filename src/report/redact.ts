/**
 * Values mchard used but must not show: those a systemd unit took from an `EnvironmentFile=` the user did
 * not name (read under host checks, so a unit from a repository cannot make mchard print a line of
 * /root/.credentials). Every message, fix description and inspect value passes `redact`, which puts
 * "(a value from FILE)" in place of each such value.
 *
 * What counts as the value: the whole argument, and its parts between `,`, `:`, `=` and spaces (a `-l`
 * list, `user:password`), each where it stands as a whole word; in a word of options, every end of it
 * getopt could take as an attached argument (`-lVALUE`, `-vvuVALUE`); and the leading digits of each,
 * which atoi reads as the number memcached uses, and the text after them, which it drops. Option names (`-l`, `--listen`) and
 * one-character values are left: they are memcached's vocabulary, not content of the file. A word of a
 * message that happens to equal a hidden value is replaced too: hiding too much is the safe mistake.
 */
import type { ArgToken } from '../source.js';

export interface HiddenValue {
  readonly value: string;
  readonly from: string;
}

const OPTION_WORD = /^(?:-[A-Za-z]|-v+|--[a-z][a-z-]*)$/;
/** How far into a word of bundled option letters an attached argument is looked for (memcached has fewer options). */
const MAX_BUNDLE = 64;

/** The values of an argument vector that must not be shown, longest first. */
export function hiddenValues(argv: readonly ArgToken[]): HiddenValue[] {
  // Most files take no value from a host file: no map, no lists (asked once per file of a run).
  let any = false;
  for (let k = 0; k < argv.length && !any; k++) any = !!argv[k].hiddenFrom;
  if (!any) return [];
  const out = new Map<string, string>();
  const add = (v: string, from: string) => {
    if (v.length < 2 || OPTION_WORD.test(v)) return;
    if (!out.has(v)) out.set(v, from);
    const quoted = JSON.stringify(v).slice(1, -1);
    if (quoted !== v && !out.has(quoted)) out.set(quoted, from);
  };
  for (const t of argv) {
    if (!t.hiddenFrom) continue;
    const words = [t.value];
    // getopt takes an argument attached to its option from the rest of the word (`-lVALUE`, `-vvuVALUE`):
    // wherever in a word of option letters that may start (the first MAX_BUNDLE places).
    if (/^-[^-]/.test(t.value)) for (let k = 2; k < t.value.length && k <= MAX_BUNDLE; k++) words.push(t.value.slice(k));
    // And until one takes the rest, getopt reads each character of such a word as an option letter, which
    // messages name (`memcached has no option -Q`, `invalid option -- 'Q'`): a unit's `-vv${TOKEN}` had
    // MC801 spell out the token one letter at a time. Every letter after the first is hidden as an option,
    // and the first too where the file's value may start there (`-${TOKEN}`, or a word wholly from it: `$OPTS`)
    // (a word that is only an option's name, `-vvv`, stays vocabulary).
    if (/^-[^-]/.test(t.value) && !OPTION_WORD.test(t.value)) {
      for (let k = (t.hiddenAt ?? 0) <= 1 ? 1 : 2; k < t.value.length && k <= MAX_BUNDLE; k++) {
        for (const v of [`-${t.value[k]}`, `'${t.value[k]}'`]) if (!out.has(v)) out.set(v, t.hiddenFrom);
      }
    }
    for (const w of words) {
      for (const v of [w, ...w.split(/[,:=\s]+/)]) {
        add(v, t.hiddenFrom);
        // atoi and strtol read a value's leading digits ("98765zz" is 98765), which messages quote, and so is
        // what they leave ("memcached reads 1 and silently drops "f9a0c..."", a token that starts with a
        // digit), after a decimal, octal, hexadecimal or floating-point number (atof: -f).
        const digits = /^\s*[+-]?(\d+)/.exec(v);
        if (digits) add(digits[1], t.hiddenFrom);
        for (const number of [/^\s*[+-]?\d+/, /^\s*[+-]?[0-7]+/, /^\s*[+-]?0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*(?:[pP][+-]?\d+)?/, /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/]) {
          const m = number.exec(v);
          if (m && m[0].length < v.length) {
            add(v.slice(m[0].length), t.hiddenFrom);
            add(v.slice(m[0].length).trim(), t.hiddenFrom);
          }
        }
      }
    }
  }
  return [...out].map(([value, from]) => ({ value, from })).sort((a, b) => b.value.length - a.value.length);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with every hidden value, where it stands as a whole word, replaced by "(a value from FILE)". */
export function redact(text: string, hidden: readonly HiddenValue[]): string {
  let out = text;
  for (const h of hidden) {
    if (!out.includes(h.value)) continue;
    out = out.replace(new RegExp(`(?<![A-Za-z0-9_])${escapeRe(h.value)}(?![A-Za-z0-9_])`, 'g'), `(a value from ${h.from})`);
  }
  return out;
}

/** Every string inside a plain value (inspect's JSON) redacted, and every number that is such a value. */
export function redactDeep<T>(value: T, hidden: readonly HiddenValue[]): T {
  if (hidden.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, hidden);
    // A number memcached reads from such a value (`-c` from "98765zz": maxConnections 98765) is one too.
    if (typeof v === 'number') {
      const shown = redact(String(v), hidden);
      return shown === String(v) ? v : shown;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
