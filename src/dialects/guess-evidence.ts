/**
 * Whether a file mchard refuses on a guess (lines that start with "-") holds memcached's options: only then
 * does the refusal suggest `--dialect debian`. Asked of refused files alone, so it lives outside the core
 * (more.js): a lint of a file mchard reads never loads it.
 */
import { OPTIONS, optionByShort } from '../memcached/options.js';

/**
 * What a memcached option's value looks like, by letter (a template's or a variable's value passes): a line
 * `-I lib` (RSpec's) is not memcached's `-I SIZE`. Letters not here take any word that is no option.
 */
const NUM = /^\d+$/;
const OPTION_VALUE: Readonly<Record<string, RegExp>> = {
  p: NUM, U: NUM, c: NUM, t: NUM, R: NUM, b: NUM, n: NUM, m: /^\d+[kmgt]?$/i, I: /^\d+[km]?$/i, f: /^\d*\.?\d+$/,
  a: /^[0-7]{3,4}$/, B: /^(auto|binary|ascii)$/, s: /^\//, P: /^\//, e: /^\//, Y: /^\//, D: /^\S$/,
  u: /^[A-Za-z_][\w.-]*\$?$/, l: /^[\w.:\[\],%-]+$/, o: /^[a-z_]+(=[^,\s]*)?(,[a-z_]+(=[^,\s]*)?)*,?$/,
};
const valueFits = (letter: string, value: string | undefined) =>
  value !== undefined && !value.startsWith('-') && (/^[{<$%@]/.test(value) || (OPTION_VALUE[letter]?.test(value) ?? true));

/**
 * Whether a line is memcached options and nothing else (`-m 64`, `-vv`, `--port=11211`, `-o modern # note`):
 * each word an option memcached knows, with a value of the kind it takes. Asked only of a file refused on
 * a guess, to decide whether the refusal suggests `--dialect debian`.
 */
function memcachedOptionLine(line: string): boolean {
  const words = line.trim().split(/[ \t]+/);
  const hash = words.findIndex((w) => w.startsWith('#'));
  if (hash !== -1) words.length = hash;
  if (words.length === 0) return false;
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = w.slice(2, eq === -1 ? undefined : eq);
      const spec = OPTIONS.find((o) => o.long === name);
      if (!spec) return false;
      if (spec.longArg === 'none' && eq !== -1) return false;
      if (spec.longArg === 'required' && !valueFits(spec.short, eq === -1 ? words[++k] : w.slice(eq + 1))) return false;
      continue;
    }
    if (!w.startsWith('-') || w.length < 2) return false;
    for (let j = 1; j < w.length; j++) {
      const spec = optionByShort(w[j]);
      if (!spec) return false;
      if (spec.arg === 'required') {
        if (!valueFits(spec.short, j + 1 < w.length ? w.slice(j + 1) : words[++k])) return false;
        break;
      }
    }
  }
  return true;
}

/** Whether a line of the text is memcached options and nothing else, or Debian's `logfile` directive. */
export function holdsMemcachedOptions(text: string): boolean {
  return text.split('\n').some((l) => (/^[ \t]*-/.test(l) && memcachedOptionLine(l)) || /^[ \t]*logfile[ \t]+\//.test(l));
}

