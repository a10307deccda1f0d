/**
 * Python's `shlex.split(s)` (posix=True, comments=False, whitespace_split=True), which supervisord applies
 * to `command=` (supervisor/process.py `get_execv_args`). Follows `shlex.read_token` of CPython 3.x:
 * - whitespace is " \t\r\n"; a backslash outside quotes takes the next character literally (a
 *   backslash-newline is a newline inside the word, not a continuation);
 * - inside '...' nothing is special; inside "..." a backslash escapes only `"` and `\` (otherwise both
 *   characters stay);
 * - quotes may sit inside a word (`-l"127.0.0.1"`); an empty quoted word (`''`) is an argument;
 * - an unclosed quote raises "No closing quotation", a final backslash "No escaped character".
 */
import type { SrcChar } from './sourced.js';

export interface ShlexResult {
  words: SrcChar[][];
  /** Every character each word was read from, quotes and backslashes included (its extent in the file). */
  raws: SrcChar[][];
  /** Python's ValueError message, when shlex refuses the text. */
  error: string | null;
}

const WHITESPACE = ' \t\r\n';

export function pyShlexSplit(chars: readonly SrcChar[]): ShlexResult {
  const words: SrcChar[][] = [];
  const raws: SrcChar[][] = [];
  let raw: SrcChar[] = [];
  let token: SrcChar[] = [];
  let quoted = false;
  let inWord = false;
  let quote: '"' | "'" | null = null;
  let k = 0;
  const emit = () => {
    if (token.length > 0 || quoted) {
      words.push(token);
      raws.push(raw);
    }
    token = [];
    raw = [];
    quoted = false;
    inWord = false;
  };
  while (k < chars.length) {
    const c = chars[k];
    if (quote !== null || !WHITESPACE.includes(c.ch)) {
      raw.push(c);
      if ((c.ch === '\\') && k + 1 < chars.length) raw.push(chars[k + 1]);
    }
    if (quote === null) {
      if (WHITESPACE.includes(c.ch)) {
        if (inWord) emit();
        k++;
      } else if (c.ch === '\\') {
        inWord = true;
        if (k + 1 >= chars.length) return { words, raws, error: 'No escaped character' };
        token.push(chars[k + 1]);
        k += 2;
      } else if (c.ch === '"' || c.ch === "'") {
        inWord = true;
        quote = c.ch;
        quoted = true;
        k++;
      } else {
        inWord = true;
        token.push(c);
        k++;
      }
      continue;
    }
    if (c.ch === quote) {
      quote = null;
      k++;
    } else if (quote === '"' && c.ch === '\\') {
      if (k + 1 >= chars.length) return { words, raws, error: 'No escaped character' };
      const next = chars[k + 1];
      if (next.ch !== '"' && next.ch !== '\\') token.push(c);
      token.push(next);
      k += 2;
    } else {
      token.push(c);
      k++;
    }
  }
  if (quote !== null) return { words, raws, error: 'No closing quotation' };
  if (inWord) emit();
  return { words, raws, error: null };
}
