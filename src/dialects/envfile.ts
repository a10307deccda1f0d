/**
 * systemd's `EnvironmentFile=`: how systemd v252 (Debian 12, RHEL 9) reads an environment file, shared by
 * the sysconfig dialect (RHEL's `/etc/sysconfig/memcached`) and the systemd dialect (a unit's
 * `EnvironmentFile=`), and how it splits a `$X` value on the command line.
 *
 * Reading the file follows `src/basic/env-file.c` `parse_env_file_internal()`: a character-level state
 * machine (PRE_KEY, KEY, PRE_VALUE, VALUE, VALUE_ESCAPE, SINGLE_QUOTE_VALUE, DOUBLE_QUOTE_VALUE,
 * DOUBLE_QUOTE_VALUE_ESCAPE, COMMENT, COMMENT_ESCAPE) with NEWLINE = "\n\r", WHITESPACE = " \t\n\r",
 * COMMENTS = "#;". Facts worth knowing:
 * - a closing quote returns to PRE_VALUE, so whitespace after it is skipped and any further text is
 *   glued onto the value (`OPTIONS="-l 127.0.0.1" # c` is `-l 127.0.0.1# c`);
 * - quotes are special only where a value starts (PRE_VALUE); inside an unquoted value they are literal;
 * - in v252 a backslash in a comment swallows the next character, even a newline, so the line after a
 *   comment ending in `\` is part of the comment (v254 changed that);
 * - `load_env_file_push()` fails the whole file on invalid UTF-8 in a key or value, and
 *   `read_full_stream()` refuses a file with a NUL byte (EBADMSG);
 * - `exec_context_load_environment()` (src/core/execute.c) then drops assignments whose name is not a
 *   valid environment name, or whose value is longer than ARG_MAX allows (`strv_env_clean_with_callback()`,
 *   `env_assignment_is_valid()`; v252's `env_value_is_valid()` accepts control characters); a later
 *   assignment of the same name replaces an earlier one (`strv_env_replace_consume()`).
 * The notes also say where a POSIX shell sourcing the same file would read it differently.
 */
import type { SourceText, Span } from '../source.js';
import type { Note } from './types.js';
import { isEnvName } from '../ascii.js';

export interface EnvFileLine {
  /** Offset of the line's first character. */
  readonly start: number;
  /** The line without its end-of-line (a lone "\r" not followed by "\n" stays in the text). */
  readonly text: string;
  readonly eol: '\n' | '\r\n' | '';
}

export interface EnvAssignment {
  /** The key as systemd sees it (trailing whitespace removed), e.g. `export OPTIONS`. */
  readonly key: string;
  readonly keySpan: Span;
  /**
   * The raw value text: from its first character (after the whitespace following `=`) to its last,
   * quotes and glued text included, trailing whitespace of an unquoted value excluded. Empty (at the
   * offset after `=`) when the value is empty.
   */
  readonly valueSpan: Span;
  /** The decoded value systemd stores. */
  readonly value: string;
  /** For each UTF-16 unit of `value`, the source characters that produced it. */
  readonly valueSources: readonly Span[];
  /** The quote that opens the value, or null when it starts unquoted (or is empty). */
  readonly quote: '"' | "'" | null;
  /** 1-based line of the key. */
  readonly line: number;
  /** True when systemd keeps the assignment (valid name and value). */
  readonly valid: boolean;
  /** True when this is the assignment that gives the variable its final value. */
  readonly effective: boolean;
}

/** Why a shell sourcing the file would read it differently from systemd. */
export type ShellMismatch = 'semicolon-comment' | 'comment' | 'unquoted-whitespace' | 'literal-quotes' | 'command-substitution' | 'space-around-equals';

/**
 * What reading an environment file notes, one variant per kind (`key`: the variable concerned):
 * - `text-after-quote`: text systemd glues onto a value after its closing quote (`comment`: it starts with `#`);
 * - `export`: `export KEY=...`, which systemd drops (`span`: the keyword);
 * - `variable-reference`: `$NAME`/`${NAME}` in a value, which systemd does not expand;
 * - `line-without-equals`, `invalid-name`: lines and assignments systemd ignores;
 * - `invalid-value`: a value systemd refuses (`utf8`) or drops (`too-long`);
 * - `shell-mismatch`: text systemd and a shell read differently (`reason`);
 * - `comment-continuation`: a line systemd 252 reads as part of a comment ending in a backslash;
 * - `duplicate-key`: a later assignment of the same name (`first`: the earlier one).
 */
export type EnvFileNote =
  | (Note<'text-after-quote'> & { readonly key: string; readonly text: string; readonly afterWhitespace: boolean; readonly comment: boolean })
  | (Note<'export'> & { readonly key: string })
  | (Note<'variable-reference'> & { readonly name: string; readonly key: string })
  | (Note<'line-without-equals'> & { readonly text: string })
  | (Note<'invalid-name'> & { readonly key: string; readonly reason: 'characters' | 'empty' | 'utf8' | 'bom' | 'leading-digit' })
  | (Note<'invalid-value'> & { readonly key: string; readonly reason: 'utf8' | 'too-long' })
  | (Note<'shell-mismatch'> & { readonly reason: ShellMismatch; readonly key?: string })
  | (Note<'comment-continuation'> & { readonly text: string })
  | (Note<'duplicate-key'> & { readonly key: string; readonly first: Span });

/** An environment file as systemd reads it. */
export interface EnvironmentFile {
  readonly lines: readonly EnvFileLine[];
  /** Every `KEY=VALUE` systemd's parser produces, in file order, including ones it then drops. */
  readonly assignments: readonly EnvAssignment[];
  /** The environment the file gives the service: name to the assignment that wins. */
  readonly environment: ReadonlyMap<string, EnvAssignment>;
  readonly notes: EnvFileNote[];
  /** Set when systemd cannot load the file at all (NUL byte, invalid UTF-8 in a key or value). */
  readonly loadError: { readonly reason: string; readonly span: Span } | null;
}

const NEWLINE = '\n\r';
const WHITESPACE = ' \t\n\r';
const COMMENTS = '#;';
/** Characters a backslash unescapes inside double quotes (SHELL_NEED_ESCAPE, src/basic/escape.h). */
const SHELL_NEED_ESCAPE = '"\\`$';
/** sysconf(_SC_ARG_MAX) with the default 8 MiB stack limit: 2 MiB. */
const ARG_MAX = 2 * 1024 * 1024;

const isNewline = (c: string) => NEWLINE.includes(c);
const isWhitespace = (c: string) => WHITESPACE.includes(c);

/** Where a decoded value character came from. */
type CharContext =
  /** unquoted */
  | 'u'
  /** unquoted, after a backslash */
  | 'ue'
  /** single-quoted */
  | 's'
  /** double-quoted */
  | 'd'
  /** double-quoted, after a backslash (`\"`, `\\`, `` \` ``, `\$`) */
  | 'de';

interface DecodedChar {
  ch: string;
  start: number;
  end: number;
  ctx: CharContext;
}

/** One push of systemd's parser, with what we learned about its text. */
interface RawAssignment {
  key: string;
  keySpan: Span;
  /** Offset of the first key character; the key runs to `eq` (trailing whitespace included). */
  keyStart: number;
  eq: number;
  valueStart: number;
  valueEnd: number;
  chars: DecodedChar[];
  quote: '"' | "'" | null;
  /** First character glued on after a closing quote, or -1. */
  gluedStart: number;
  /** Whitespace was skipped between the closing quote and the glued text. */
  gluedAfterWhitespace: boolean;
  /** Whitespace skipped after `=` before a non-empty value. */
  wsAfterEq: boolean;
}

interface EnvFileParse {
  assignments: RawAssignment[];
  notes: EnvFileNote[];
}

function utf8Length(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < s.length && s.charCodeAt(k + 1) >= 0xdc00 && s.charCodeAt(k + 1) <= 0xdfff) {
      n += 4;
      k++;
    } else n += 3;
  }
  return n;
}

/** Offset of the first unpaired surrogate (text that has no UTF-8 form), or -1. */
function loneSurrogate(s: string, base = 0): number {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = k + 1 < s.length ? s.charCodeAt(k + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        k++;
        continue;
      }
      return base + k;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return base + k;
  }
  return -1;
}

export function show(s: string, max = 40): string {
  const t = s.length > max ? s.slice(0, max - 1) + '…' : s;
  return JSON.stringify(t);
}

/**
 * systemd v252's `parse_env_file_internal()`, character by character, recording source offsets and
 * the file-level notes (comments, lines without `=`).
 */
function parseEnvFile(text: string): EnvFileParse {
  const assignments: RawAssignment[] = [];
  const notes: EnvFileNote[] = [];

  type State =
    | 'PRE_KEY' | 'KEY' | 'PRE_VALUE' | 'VALUE' | 'VALUE_ESCAPE' | 'SINGLE_QUOTE_VALUE'
    | 'DOUBLE_QUOTE_VALUE' | 'DOUBLE_QUOTE_VALUE_ESCAPE' | 'COMMENT' | 'COMMENT_ESCAPE';
  let state: State = 'PRE_KEY';

  // KEY
  let keyStart = -1;
  let keyLen = 0;
  /** Length of the key without its trailing whitespace (systemd's last_key_whitespace), or -1. */
  let lastKeyWhitespace = -1;
  // value
  let eq = -1;
  let chars: DecodedChar[] = [];
  let lastValueWhitespace = -1;
  let valueStart = -1;
  let valueEnd = -1;
  let quote: '"' | "'" | null = null;
  let closedQuote = false;
  let gluedStart = -1;
  let gluedAfterWhitespace = false;
  let wsBeforeGlue = false;
  let wsAfterEq = false;
  let escStart = -1;
  // comments
  let commentStart = -1;
  /** Start of text v252 swallows into a comment after a backslash-newline, or -1. */
  let swallowStart = -1;

  const resetValue = (at: number) => {
    eq = at;
    chars = [];
    lastValueWhitespace = -1;
    valueStart = -1;
    valueEnd = -1;
    quote = null;
    closedQuote = false;
    gluedStart = -1;
    gluedAfterWhitespace = false;
    wsBeforeGlue = false;
    wsAfterEq = false;
  };

  /** A character that starts or continues the value text from PRE_VALUE. */
  const valueChar = (i: number, c: string) => {
    if (valueStart === -1) {
      valueStart = i;
      quote = c === '"' || c === "'" ? c : null;
    } else if (closedQuote && gluedStart === -1) {
      gluedStart = i;
      gluedAfterWhitespace = wsBeforeGlue;
    }
  };

  const push = (truncate: boolean) => {
    if (truncate && lastValueWhitespace !== -1) chars = chars.slice(0, lastValueWhitespace);
    const keyEnd = lastKeyWhitespace === -1 ? keyStart + keyLen : keyStart + lastKeyWhitespace;
    assignments.push({
      key: text.slice(keyStart, keyEnd),
      keySpan: { start: keyStart, end: keyEnd },
      keyStart,
      eq,
      valueStart: valueStart === -1 ? eq + 1 : valueStart,
      valueEnd: valueStart === -1 ? eq + 1 : valueEnd,
      chars,
      quote,
      gluedStart,
      gluedAfterWhitespace,
      wsAfterEq: wsAfterEq && valueStart !== -1,
    });
    keyStart = -1;
    keyLen = 0;
  };

  const endSwallow = (end: number) => {
    if (swallowStart === -1) return;
    const seg = text.slice(swallowStart, end);
    const lead = seg.length - seg.replace(/^[ \t]+/, '').length;
    const body = seg.slice(lead).replace(/[ \t]+$/, '');
    if (body !== '' && !COMMENTS.includes(body[0]) && !isNewline(body[0])) {
      const start = swallowStart + lead;
      notes.push({
        kind: 'comment-continuation',
        span: { start, end: start + body.length },
        message:
          'systemd v252 (Debian 12, RHEL 9) reads this line as part of the comment above, which ends in a backslash; systemd v254 and later read it as a line of its own',
        text: body,
      });
    }
    swallowStart = -1;
  };

  const endComment = (end: number) => {
    endSwallow(end);
    if (commentStart !== -1 && text[commentStart] === ';') {
      const body = text.slice(commentStart, end).replace(/[ \t\r]+$/, '');
      notes.push({
        kind: 'shell-mismatch',
        span: { start: commentStart, end: commentStart + body.length },
        message: 'systemd reads a line starting with ";" as a comment, but a shell sourcing the file reports a syntax error',
        reason: 'semicolon-comment',
      });
    }
    commentStart = -1;
  };

  const lineWithoutEquals = () => {
    const keyEnd = lastKeyWhitespace === -1 ? keyStart + keyLen : keyStart + lastKeyWhitespace;
    const line = text.slice(keyStart, keyEnd);
    notes.push({
      kind: 'line-without-equals',
      span: { start: keyStart, end: keyEnd },
      message: line.startsWith('=')
        ? 'this line starts with "=" and has no name before it, so systemd ignores it'
        : `this line has no "=", so systemd ignores it (${show(line)})`,
      text: line,
    });
    keyStart = -1;
    keyLen = 0;
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    switch (state) {
      case 'PRE_KEY':
        if (COMMENTS.includes(c)) {
          state = 'COMMENT';
          commentStart = i;
        } else if (!isWhitespace(c)) {
          state = 'KEY';
          keyStart = i;
          keyLen = 1;
          lastKeyWhitespace = -1;
        }
        break;

      case 'KEY':
        if (isNewline(c)) {
          state = 'PRE_KEY';
          lineWithoutEquals();
        } else if (c === '=') {
          state = 'PRE_VALUE';
          resetValue(i);
        } else {
          if (!isWhitespace(c)) lastKeyWhitespace = -1;
          else if (lastKeyWhitespace === -1) lastKeyWhitespace = keyLen;
          keyLen++;
        }
        break;

      case 'PRE_VALUE':
        if (isNewline(c)) {
          state = 'PRE_KEY';
          push(false);
        } else if (c === "'") {
          state = 'SINGLE_QUOTE_VALUE';
          valueChar(i, c);
          valueEnd = i + 1;
        } else if (c === '"') {
          state = 'DOUBLE_QUOTE_VALUE';
          valueChar(i, c);
          valueEnd = i + 1;
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
          valueChar(i, c);
          escStart = i;
          valueEnd = i + 1;
        } else if (!isWhitespace(c)) {
          state = 'VALUE';
          valueChar(i, c);
          chars.push({ ch: c, start: i, end: i + 1, ctx: 'u' });
          valueEnd = i + 1;
        } else if (valueStart === -1) {
          wsAfterEq = true;
        } else if (closedQuote && gluedStart === -1) {
          wsBeforeGlue = true;
        }
        break;

      case 'VALUE':
        if (isNewline(c)) {
          state = 'PRE_KEY';
          push(true);
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
          lastValueWhitespace = -1;
          escStart = i;
          valueEnd = i + 1;
        } else {
          if (!isWhitespace(c)) {
            lastValueWhitespace = -1;
            valueEnd = i + 1;
          } else if (lastValueWhitespace === -1) lastValueWhitespace = chars.length;
          chars.push({ ch: c, start: i, end: i + 1, ctx: 'u' });
        }
        break;

      case 'VALUE_ESCAPE':
        state = 'VALUE';
        if (!isNewline(c)) {
          chars.push({ ch: c, start: escStart, end: i + 1, ctx: 'ue' });
        }
        valueEnd = i + 1;
        break;

      case 'SINGLE_QUOTE_VALUE':
        if (c === "'") {
          state = 'PRE_VALUE';
          closedQuote = true;
          wsBeforeGlue = false;
        } else chars.push({ ch: c, start: i, end: i + 1, ctx: 's' });
        valueEnd = i + 1;
        break;

      case 'DOUBLE_QUOTE_VALUE':
        if (c === '"') {
          state = 'PRE_VALUE';
          closedQuote = true;
          wsBeforeGlue = false;
        } else if (c === '\\') {
          state = 'DOUBLE_QUOTE_VALUE_ESCAPE';
          escStart = i;
        } else chars.push({ ch: c, start: i, end: i + 1, ctx: 'd' });
        valueEnd = i + 1;
        break;

      case 'DOUBLE_QUOTE_VALUE_ESCAPE':
        state = 'DOUBLE_QUOTE_VALUE';
        if (SHELL_NEED_ESCAPE.includes(c)) {
          chars.push({ ch: c, start: escStart, end: i + 1, ctx: 'de' });
        } else if (c !== '\n') {
          chars.push({ ch: '\\', start: escStart, end: escStart + 1, ctx: 'd' });
          chars.push({ ch: c, start: i, end: i + 1, ctx: 'd' });
        }
        valueEnd = i + 1;
        break;

      case 'COMMENT':
        if (c === '\\') state = 'COMMENT_ESCAPE';
        else if (isNewline(c)) {
          state = 'PRE_KEY';
          endComment(i);
        }
        break;

      case 'COMMENT_ESCAPE':
        // v252: the character after a backslash is skipped whatever it is, a newline included.
        // v254+ ends the comment at that newline instead.
        state = 'COMMENT';
        if (isNewline(c)) {
          endSwallow(i);
          swallowStart = i + 1;
        }
        break;
    }
  }

  switch (state) {
    case 'PRE_VALUE':
    case 'VALUE_ESCAPE':
    case 'SINGLE_QUOTE_VALUE':
    case 'DOUBLE_QUOTE_VALUE':
    case 'DOUBLE_QUOTE_VALUE_ESCAPE':
      push(false);
      break;
    case 'VALUE':
      push(true);
      break;
    case 'KEY':
      lineWithoutEquals();
      break;
    case 'COMMENT':
    case 'COMMENT_ESCAPE':
      endComment(text.length);
      break;
    case 'PRE_KEY':
      break;
  }
  return { assignments, notes };
}

/**
 * `extract_first_word()` with EXTRACT_RELAX|EXTRACT_UNQUOTE and WHITESPACE separators, repeated
 * (`strv_split_full()`), as systemd splits a `$X` word: quotes are honoured and removed, a backslash
 * (inside quotes too) takes the next character literally, a trailing backslash or an unterminated quote
 * just ends the word. Returns each word with the index range of the input it consumed.
 */
export function splitWordsRelaxUnquote(input: string): { value: string; from: number; to: number }[] {
  const out: { value: string; from: number; to: number }[] = [];
  let p = 0;
  const n = input.length;
  for (;;) {
    while (p < n && isWhitespace(input[p])) p++;
    if (p >= n) break;
    const from = p;
    let s = '';
    let quote = '';
    let to = p;
    for (;;) {
      if (p >= n) {
        to = n;
        break;
      }
      const c = input[p];
      if (quote) {
        if (c === quote) quote = '';
        else if (c === '\\') {
          if (p + 1 >= n) {
            to = n;
            p = n;
            break;
          }
          p++;
          s += input[p];
        } else s += c;
        p++;
      } else if (c === "'" || c === '"') {
        quote = c;
        p++;
      } else if (c === '\\') {
        if (p + 1 >= n) {
          to = n;
          p = n;
          break;
        }
        p++;
        s += input[p];
        p++;
      } else if (isWhitespace(c)) {
        to = p;
        break;
      } else {
        s += c;
        p++;
      }
    }
    out.push({ value: s, from, to });
  }
  return out;
}

/** The text to write after `KEY=` so that systemd reads back exactly `value` (double-quoted). */
export function encodeEnvValue(value: string): string {
  let out = '"';
  for (const c of value) out += SHELL_NEED_ESCAPE.includes(c) ? '\\' + c : c;
  return out + '"';
}

function splitLines(text: string): EnvFileLine[] {
  const out: EnvFileLine[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      if (start < text.length || out.length === 0) out.push({ start, text: text.slice(start), eol: '' });
      break;
    }
    const crlf = nl > start && text[nl - 1] === '\r';
    out.push({ start, text: text.slice(start, crlf ? nl - 1 : nl), eol: crlf ? '\r\n' : '\n' });
    start = nl + 1;
  }
  return out;
}

/** How a POSIX shell sourcing the file would read an unquoted value, where that differs from systemd. */
function shellNotesForUnquoted(text: string, a: RawAssignment, key: string, notes: EnvFileNote[]): void {
  const raw = text.slice(a.valueStart, a.valueEnd);
  const base = a.valueStart;
  let inS = false;
  let inD = false;
  let afterSpace = false;
  let commandStart = -1;
  let commandEnd = -1;
  let firstQuote = -1;
  let lastQuote = -1;
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k];
    if (inS) {
      if (c === "'") {
        inS = false;
        lastQuote = k;
      }
      continue;
    }
    if (inD) {
      if (c === '\\') k++;
      else if (c === '"') {
        inD = false;
        lastQuote = k;
      }
      continue;
    }
    if (c === ' ' || c === '\t') {
      afterSpace = true;
      continue;
    }
    if (c === '#' && afterSpace) {
      const body = raw.slice(k).replace(/[ \t]+$/, '');
      notes.push({
        kind: 'shell-mismatch',
        span: { start: base + k, end: base + k + body.length },
        message: `systemd keeps ${show(body)} as part of the value of ${key}, while a shell reads it as a comment`,
        reason: 'comment',
        key,
      });
      break;
    }
    if (afterSpace && commandStart === -1) commandStart = k;
    afterSpace = false;
    if (c === '\\') {
      k++;
      if (commandStart !== -1) commandEnd = Math.min(k + 1, raw.length);
      continue;
    }
    if (c === "'" || c === '"') {
      if (firstQuote === -1) firstQuote = k;
      lastQuote = k;
      if (c === "'") inS = true;
      else inD = true;
    }
    if (commandStart !== -1) commandEnd = k + 1;
  }
  if (commandStart !== -1) {
    const cmd = raw.slice(commandStart, commandEnd === -1 ? raw.length : commandEnd);
    notes.push({
      kind: 'shell-mismatch',
      span: { start: base + commandStart, end: base + commandStart + cmd.length },
      message: `the value of ${key} is not quoted: systemd keeps the whole text, while a shell would set ${key} to the first word and run ${show(cmd)} as a command`,
      reason: 'unquoted-whitespace',
      key,
    });
  }
  if (firstQuote !== -1) {
    notes.push({
      kind: 'shell-mismatch',
      span: { start: base + firstQuote, end: base + Math.max(lastQuote, firstQuote) + 1 },
      message: `quotes inside the unquoted value of ${key} stay part of the value for systemd, while a shell removes them`,
      reason: 'literal-quotes',
      key,
    });
  }
}

/** `$VAR`, `${VAR}`, `$(...)` and backticks in a value: a shell would expand them, systemd does not. */
function expansionNotes(a: RawAssignment, key: string, notes: EnvFileNote[]): void {
  const cs = a.chars;
  const live = (k: number) => cs[k].ctx === 'u' || cs[k].ctx === 'd';
  /** Reports the command substitution from cs[k] to cs[e] (or the end of the value when unclosed). */
  const substitution = (k: number, e: number, what: string) => {
    const end = e < cs.length ? cs[e].end : cs[cs.length - 1].end;
    notes.push({
      kind: 'shell-mismatch',
      span: { start: cs[k].start, end },
      message: `systemd keeps the ${what} in the value of ${key} as literal text; a shell would run it`,
      reason: 'command-substitution',
      key,
    });
  };
  for (let k = 0; k < cs.length; k++) {
    if (!live(k)) continue;
    const c = cs[k].ch;
    if (c === '`') {
      let e = k + 1;
      while (e < cs.length && !(cs[e].ch === '`' && live(e))) e++;
      substitution(k, e, 'backquoted command');
      k = e;
      continue;
    }
    if (c !== '$' || k + 1 >= cs.length || !live(k + 1)) continue;
    const next = cs[k + 1].ch;
    if (next === '(') {
      let depth = 0;
      let e = k + 1;
      for (; e < cs.length; e++) {
        if (cs[e].ch === '(') depth++;
        else if (cs[e].ch === ')' && --depth === 0) break;
      }
      substitution(k, e, 'command substitution');
      k = e;
      continue;
    }
    let name = '';
    let e = k + 1;
    if (next === '{') {
      e = k + 2;
      while (e < cs.length && cs[e].ch !== '}') name += cs[e++].ch;
      if (e >= cs.length || name === '') continue;
    } else if (/[A-Za-z_]/.test(next)) {
      while (e < cs.length && /[A-Za-z0-9_]/.test(cs[e].ch) && live(e)) name += cs[e++].ch;
      e--;
    } else continue;
    notes.push({
      kind: 'variable-reference',
      span: { start: cs[k].start, end: cs[e].end },
      message: `systemd does not expand ${show(cs.slice(k, e + 1).map((x) => x.ch).join(''))} in ${key}: the value keeps the text literally`,
      name,
      key,
    });
    k = e;
  }
}

/** The characters' text: `chars.map((c) => c.ch).join('')` without the list of strings. */
function charsText(chars: readonly DecodedChar[]): string {
  let s = '';
  for (let k = 0; k < chars.length; k++) s += chars[k].ch;
  return s;
}

/** Reads an environment file the way systemd does: its assignments, the environment it gives, its notes. */
export function readEnvironmentFile(source: SourceText): EnvironmentFile {
  const text = source.text;
  const lines = splitLines(text);
  const { assignments: raws, notes } = parseEnvFile(text);

  let loadError: { reason: string; span: Span } | null = null;
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    loadError = { reason: 'the file contains a NUL byte, so systemd refuses to read it ("Bad message")', span: { start: nul, end: nul + 1 } };
  }

  // Per push: name and value validity (load_env_file_push, then strv_env_clean_with_callback).
  const validity: boolean[] = [];
  // Each assignment's value, made once (the checks below and the assignments list read it).
  const values: string[] = [];
  for (const a of raws) {
    const key = a.key;
    const value = charsText(a.chars);
    values.push(value);
    const keyBad = loneSurrogate(key, a.keySpan.start);
    const valueBadIdx = loneSurrogate(value);
    if (!loadError && keyBad !== -1) {
      loadError = { reason: 'a key is not valid UTF-8, so systemd refuses the whole file', span: { start: keyBad, end: keyBad + 1 } };
    }
    if (valueBadIdx !== -1) {
      const bad = a.chars[valueBadIdx];
      notes.push({
        kind: 'invalid-value',
        span: { start: bad.start, end: bad.end },
        message: `the value of ${key} is not valid UTF-8, so systemd rejects the whole file`,
        key,
        reason: 'utf8',
      });
      if (!loadError) loadError = { reason: `the value of ${key} is not valid UTF-8, so systemd refuses the whole file`, span: { start: bad.start, end: bad.end } };
    }

    let nameOk = isEnvName(key) && utf8Length(key) <= ARG_MAX - 2;
    const exportMatch = key.startsWith('export') ? /^export[ \t]+([A-Za-z_][A-Za-z0-9_]*)$/.exec(key) : null;
    if (!nameOk) {
      if (exportMatch) {
        const nameAt = a.keySpan.start + key.length - exportMatch[1].length;
        notes.push({
          kind: 'export',
          span: { start: a.keySpan.start, end: nameAt },
          message: `systemd does not understand "export": it reads the name ${show(key)}, which is invalid, and drops the assignment of ${exportMatch[1]}`,
          key: exportMatch[1],
        });
      } else {
        let reason: 'characters' | 'empty' | 'utf8' | 'bom' | 'leading-digit' = 'characters';
        let message = `${show(key)} is not a valid variable name, so systemd drops this assignment`;
        if (key === '') {
          reason = 'empty';
          message = 'there is no name before "=", so systemd drops this assignment';
        } else if (keyBad !== -1) {
          reason = 'utf8';
          message = 'this name is not valid UTF-8, so systemd rejects the whole file';
        } else if (key.startsWith('\uFEFF')) {
          reason = 'bom';
          message = 'the file starts with a byte-order mark, which systemd reads as part of the first name, so it drops this assignment';
        } else if (/^[0-9]/.test(key)) {
          reason = 'leading-digit';
          message = `${show(key)} starts with a digit, so it is not a valid variable name and systemd drops this assignment`;
        } else if (key === 'export') {
          message = 'the name "export" followed by "=" is dropped by systemd: it is not a valid variable name';
        }
        notes.push({ kind: 'invalid-name', span: a.keySpan, message, key, reason });
      }
    }
    const tooLong = utf8Length(value) > ARG_MAX - 3 || utf8Length(key) + 1 + utf8Length(value) > ARG_MAX - 1;
    if (tooLong) {
      notes.push({
        kind: 'invalid-value',
        span: { start: a.valueStart, end: a.valueEnd },
        message: `the value of ${key} is longer than the environment allows (ARG_MAX), so systemd drops it`,
        key,
        reason: 'too-long',
      });
    }
    nameOk = nameOk && !tooLong;
    validity.push(nameOk);

    const label = exportMatch ? exportMatch[1] : key;
    // Text glued after a closing quote.
    if (a.gluedStart !== -1) {
      const glued = text.slice(a.gluedStart, a.valueEnd);
      notes.push({
        kind: 'text-after-quote',
        span: { start: a.gluedStart, end: a.valueEnd },
        message: a.gluedAfterWhitespace
          ? `systemd drops the space after the closing quote and appends ${show(glued)} to the value of ${label} (a "#" here is not a comment)`
          : `${show(glued)} after the closing quote is appended to the value of ${label}`,
        key: label,
        text: glued,
        afterWhitespace: a.gluedAfterWhitespace,
        comment: glued.startsWith('#'),
      });
    }
    // Spaces around "=".
    const keyEndRaw = a.eq;
    const keyTrailingWs = a.keySpan.end < keyEndRaw;
    if (keyTrailingWs || a.wsAfterEq) {
      const start = keyTrailingWs ? a.keySpan.end : a.eq;
      const end = a.wsAfterEq ? a.valueStart : a.eq + 1;
      notes.push({
        kind: 'shell-mismatch',
        span: { start, end },
        message: keyTrailingWs
          ? `systemd ignores the whitespace around "=", but a shell would run ${show(label)} as a command instead of assigning it`
          : `systemd ignores the whitespace after "=", but a shell would set ${label} to an empty value and run the rest as a command`,
        reason: 'space-around-equals',
        key: label,
      });
    }
    if (a.quote === null && a.valueEnd > a.valueStart) shellNotesForUnquoted(text, a, label, notes);
    expansionNotes(a, label, notes);
  }

  // The environment: later assignments replace earlier ones; invalid ones are dropped after that.
  const lastPush = new Map<string, number>();
  raws.forEach((a, k) => lastPush.set(a.key, k));
  const effectiveIdx = new Set<number>();
  for (const [, k] of lastPush) if (validity[k]) effectiveIdx.add(k);

  const assignments: EnvAssignment[] = raws.map((a, k) => ({
    key: a.key,
    keySpan: a.keySpan,
    valueSpan: { start: a.valueStart, end: a.valueEnd },
    value: values[k],
    valueSources: a.chars.map((c) => ({ start: c.start, end: c.end })),
    quote: a.quote,
    line: source.position(a.keySpan.start).line,
    valid: validity[k],
    effective: effectiveIdx.has(k),
  }));
  const environment = new Map<string, EnvAssignment>();
  for (const k of [...effectiveIdx].sort((x, y) => x - y)) environment.set(assignments[k].key, assignments[k]);

  // Later assignments of the same (valid) name.
  const firstOf = new Map<string, number>();
  raws.forEach((a, k) => {
    if (!isEnvName(a.key)) return;
    const first = firstOf.get(a.key);
    if (first === undefined) {
      firstOf.set(a.key, k);
      return;
    }
    const f = raws[first];
    notes.push({
      kind: 'duplicate-key',
      span: { start: a.keySpan.start, end: Math.max(a.valueEnd, a.eq + 1) },
      message: `${a.key} is assigned again here; systemd uses the last assignment (line ${source.position(raws[lastPush.get(a.key)!].keySpan.start).line})`,
      key: a.key,
      first: { start: f.keySpan.start, end: Math.max(f.valueEnd, f.eq + 1) },
    });
  });

  notes.sort((x, y) => x.span.start - y.span.start || x.span.end - y.span.end);
  return { lines, assignments, environment, notes, loadError };
}
