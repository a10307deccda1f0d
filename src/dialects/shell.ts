/**
 * Enough of a POSIX shell (dash, Debian's /bin/sh) to know what argv a `sh -c "memcached ..."` command
 * line gives memcached: quoting, expansions, redirections, command separators and the syntax errors dash
 * stops on. Expansions, globs and tildes depend on the host; the words they touch are marked inexact and
 * keep their literal text as the best guess.
 */
import type { Span } from '../source.js';

/** A character of the command line with the file offset it came from (null: inserted by the wrapper). */
export interface SourcedChar {
  ch: string;
  offset: number | null;
}

export interface ShellWord {
  value: string;
  span: Span | null;
  exact: boolean;
  /** What makes it inexact, for messages. */
  inexact?: string;
  /** True when quotes or backslashes were removed. */
  unquoted: boolean;
}

export interface ShellResult {
  /** Words of the first simple command, after the command name. */
  words: ShellWord[];
  redirects: { text: string; span: Span | null }[];
  /** Text run as further commands after `;`, `&`, `|`, `&&`, `||`. */
  extraCommands: { operator: string; span: Span | null }[];
  /** dash refuses the line: nothing runs, sh exits 2. */
  syntaxError: { message: string; span: Span | null } | null;
  hostDependent: { what: string; span: Span | null }[];
}

const BLANK = new Set([' ', '\t', '\n']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAM = /[@*#?$!\-0-9]/;

function spanOf(chars: SourcedChar[], from: number, to: number): Span | null {
  let start: number | null = null;
  let end: number | null = null;
  for (let i = from; i < to; i++) {
    const o = chars[i].offset;
    if (o === null) continue;
    if (start === null || o < start) start = o;
    if (end === null || o + 1 > end) end = o + 1;
  }
  return start === null || end === null ? null : { start, end };
}

export function parseShellCommand(chars: SourcedChar[]): ShellResult {
  const res: ShellResult = { words: [], redirects: [], extraCommands: [], syntaxError: null, hostDependent: [] };
  let i = 0;
  const n = chars.length;
  const at = (k: number) => (k < n ? chars[k].ch : '');

  /** Reads one word starting at i; returns null at a blank/operator. */
  const readWord = (): { word: ShellWord; from: number; to: number } | null => {
    const from = i;
    let value = '';
    let exact = true;
    let inexact: string | undefined;
    let unquoted = false;
    const markInexact = (what: string, a: number, b: number) => {
      exact = false;
      inexact ??= what;
      res.hostDependent.push({ what, span: spanOf(chars, a, b) });
    };
    if (at(i) === '~') markInexact('tilde expansion (the home directory of the user running the wrapper)', i, i + 1);
    while (i < n) {
      const c = at(i);
      if (BLANK.has(c) || ';&|<>()'.includes(c)) break;
      if (c === '\\' && at(i + 1) === '\n') {
        // A line continuation: removed before the line is split into words.
        i += 2;
        continue;
      }
      if (c === '\\') {
        unquoted = true;
        if (i + 1 < n) {
          value += at(i + 1);
          i += 2;
        } else {
          value += '\\';
          i++;
        }
        continue;
      }
      if (c === "'") {
        unquoted = true;
        // Searched from here on (findIndex from the start made a line of quotes quadratic).
        let close = -1;
        for (let k = i + 1; k < n; k++) {
          if (chars[k].ch === "'") {
            close = k;
            break;
          }
        }
        if (close === -1) {
          res.syntaxError = { message: 'Syntax error: Unterminated quoted string', span: spanOf(chars, i, n) };
          i = n;
          break;
        }
        for (let k = i + 1; k < close; k++) value += chars[k].ch;
        i = close + 1;
        continue;
      }
      if (c === '"') {
        unquoted = true;
        let k = i + 1;
        let closed = false;
        while (k < n) {
          const d = at(k);
          if (d === '"') {
            closed = true;
            break;
          }
          if (d === '\\' && k + 1 < n && '$`"\\\n'.includes(at(k + 1))) {
            if (at(k + 1) !== '\n') value += at(k + 1);
            k += 2;
            continue;
          }
          if (d === '$' || d === '`') {
            const end = skipExpansion(k);
            if (end > k + 1 || d === '`') {
              markInexact(d === '`' ? 'command substitution' : 'parameter expansion', k, end);
              for (let q = k; q < end; q++) value += at(q);
              k = end;
              continue;
            }
          }
          value += d;
          k++;
        }
        if (!closed) {
          res.syntaxError = { message: 'Syntax error: Unterminated quoted string', span: spanOf(chars, i, n) };
          i = n;
          break;
        }
        i = k + 1;
        continue;
      }
      if (c === '$' || c === '`') {
        const end = skipExpansion(i);
        if (end > i + 1 || c === '`') {
          markInexact(c === '`' ? 'command substitution' : 'parameter expansion', i, end);
          for (let q = i; q < end; q++) value += at(q);
          i = end;
          continue;
        }
      }
      if (c === '*' || c === '?' || c === '[') {
        markInexact('pathname expansion (glob) in the service\'s working directory', i, i + 1);
      }
      value += c;
      i++;
    }
    if (i === from) return null;
    return { word: { value, span: spanOf(chars, from, i), exact, inexact, unquoted }, from, to: i };
  };

  /** Index just past a `$...` or backtick expansion starting at k (k+1 when `$` is literal). */
  const skipExpansion = (k: number): number => {
    if (at(k) === '`') {
      let q = k + 1;
      while (q < n && at(q) !== '`') q += at(q) === '\\' ? 2 : 1;
      return Math.min(q + 1, n);
    }
    const d = at(k + 1);
    if (d === '{' || d === '(') {
      const open = d;
      const close = d === '{' ? '}' : ')';
      let depth = 0;
      let q = k + 1;
      while (q < n) {
        if (at(q) === open) depth++;
        else if (at(q) === close) {
          depth--;
          if (depth === 0) return q + 1;
        }
        q++;
      }
      return n;
    }
    if (NAME_START.test(d)) {
      let q = k + 1;
      while (q < n && NAME_CHAR.test(at(q))) q++;
      return q;
    }
    if (d !== '' && SPECIAL_PARAM.test(d)) return k + 2;
    return k + 1;
  };

  let pendingIoNumber = false;
  while (i < n) {
    const c = at(i);
    if (BLANK.has(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      // A word starting with # begins a comment to the end of the line.
      break;
    }
    if (c === ';' || c === '&' || c === '|') {
      let op = c;
      if ((c === '&' || c === '|' || c === ';') && at(i + 1) === c) op = c + c;
      res.extraCommands.push({ operator: op, span: spanOf(chars, i, n) });
      break;
    }
    if (c === '(' || c === ')') {
      res.syntaxError = { message: `Syntax error: "${c}" unexpected`, span: spanOf(chars, i, i + 1) };
      break;
    }
    if (c === '<' || c === '>') {
      const from = i;
      let op = c;
      const d = at(i + 1);
      if ((c === '>' && (d === '>' || d === '|' || d === '&')) || (c === '<' && (d === '<' || d === '>' || d === '&'))) op += d;
      i += op.length;
      if (op === '<<' && at(i) === '-') i++;
      while (i < n && BLANK.has(at(i))) i++;
      const target = readWord();
      if (!target) {
        // dash names what it found instead of the file name: the end of the string, or the next operator.
        const found = i >= n ? 'end of file' : `"${at(i)}${at(i + 1) === at(i) ? at(i) : ''}"`;
        res.syntaxError = { message: `Syntax error: ${found} unexpected`, span: spanOf(chars, from, i) };
        break;
      }
      if (pendingIoNumber) res.words.pop();
      pendingIoNumber = false;
      res.redirects.push({ text: chars.slice(from, i).map((x) => x.ch).join(''), span: spanOf(chars, from, i) });
      continue;
    }
    if (c === '\\' && at(i + 1) === '\n') {
      i += 2;
      continue;
    }
    const w = readWord();
    if (!w) {
      i++;
      continue;
    }
    res.words.push(w.word);
    // dash reads an all-digit word directly followed by < or > as the redirection's descriptor number.
    pendingIoNumber = /^\d+$/.test(w.word.value) && !w.word.unquoted && (at(i) === '<' || at(i) === '>');
    if (res.syntaxError) break;
  }
  return res;
}
