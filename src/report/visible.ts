/**
 * Text from outside (file content, file names, other users' process arguments, probe replies) made safe
 * to show on a terminal: every character that is invisible, moves the cursor, starts an escape sequence,
 * reorders text or passes for a space is shown as a visible escape instead.
 *
 * Escaped (the choice, for every output a person reads):
 * - C0 controls U+0000–U+001F (`\t`, `\n`, `\r`, otherwise `\xNN`: ESC is `\x1b`), DEL (`\x7f`) and the
 *   C1 controls U+0080–U+009F (`\x9b`, which some terminals take for CSI);
 * - the bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and
 *   every other format character (Unicode category Cf: zero-width spaces and joiners, U+FEFF, soft
 *   hyphen, invisible operators, the tag characters U+E0000–U+E007F that can smuggle hidden text);
 * - the line and paragraph separators U+2028/U+2029, lone surrogates, noncharacters (U+FDD0–U+FDEF,
 *   U+xFFFE/U+xFFFF), variation selectors and the fillers that render as nothing (Hangul fillers,
 *   U+034F, U+17B4/U+17B5, the Mongolian selectors);
 * - every space other than U+0020 (no-break space, en/em spaces, U+3000...): in a configuration file it
 *   is not a word separator, so it must not look like one.
 * Escapes use `\uNNNN` (`\u{NNNNN}` above U+FFFF) beyond U+00FF. A backslash is left as it is (paths and
 * systemd escapes would double everywhere), so a literal `\x1b` in a file reads the same as an escaped
 * ESC: ambiguous to the eye, harmless to the terminal. Everything else, letters of every script and
 * emoji included, is shown as it is.
 */

import { isPrintableAscii, isRegExpSpace } from '../ascii.js';

const UNSAFE_SOURCE =
  '\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\p{Noncharacter_Code_Point}' +
  '\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000' +
  '\\u034f\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u3164\\uffa0\\ufe00-\\ufe0f\\u{e0100}-\\u{e01ef}';

/**
 * A regular expression built on first use (each costs a fraction of a millisecond, which every start-up
 * would pay), and only for text that is not plain printable ASCII: the usual path, and `--version`, never
 * build them.
 */
function lazyRegExp(source: string, flags: string): () => RegExp {
  let re: RegExp | null = null;
  return () => (re ??= new RegExp(source, flags));
}
const unsafeOne = lazyRegExp(`[${UNSAFE_SOURCE}]`, 'u');
const unsafeGlobal = lazyRegExp(`[${UNSAFE_SOURCE}]`, 'gu');
/**
 * The unsafe characters of a block: all but its layout, the line feeds and tabs a block keeps. Searching
 * for these, not for every unsafe character, matters for large blocks with a few characters beyond ASCII
 * (a SARIF log's rule help): every line feed would otherwise make the text look unsafe and cost a
 * replacement callback (thousands per SARIF log, milliseconds of a run).
 */
// \p{Cc} is exactly U+0000–U+001F and U+007F–U+009F (a stable category): written out, less TAB and LF.
const BLOCK_UNSAFE_SOURCE = `[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f${UNSAFE_SOURCE.replace('\\p{Cc}', '')}]`;
const unsafeInBlockOne = lazyRegExp(BLOCK_UNSAFE_SOURCE, 'u');
const unsafeInBlockGlobal = lazyRegExp(BLOCK_UNSAFE_SOURCE, 'gu');
/** Characters a block may hold that are not printable ASCII, LF or TAB: the only ones worth a closer look. */
const NOT_PLAIN = /[^\x20-\x7e\n\t]/g;
/**
 * Whether a block holds an unsafe character other than its layout. A regular expression of Unicode
 * properties is slow to run over a whole large text (milliseconds for a 250 kB SARIF log); this asks it
 * only about the characters beyond printable ASCII, found by a plain scan.
 */
function blockHasUnsafe(s: string): boolean {
  NOT_PLAIN.lastIndex = 0;
  for (let m = NOT_PLAIN.exec(s); m !== null; m = NOT_PLAIN.exec(s)) {
    const at = m.index;
    const hi = s.charCodeAt(at);
    if (knownSafe(hi)) continue;
    const lo = s.charCodeAt(at + 1);
    // A surrogate pair is one character (one code point) to the regular expression.
    const ch = hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff ? s.slice(at, at + 2) : s[at];
    if (unsafeInBlockOne().test(ch)) return true;
    NOT_PLAIN.lastIndex = at + ch.length;
  }
  return false;
}

/**
 * Characters beyond ASCII known to be safe without the Unicode regular expression, which costs about
 * half a millisecond to build (a SARIF log's rule help holds a few dashes, ellipses and arrows, and
 * nothing else beyond ASCII): Latin-1's printable characters but the soft hyphen; general punctuation
 * U+2010–U+2027 and U+2030–U+205E (not the spaces, separators and format characters around them); arrows,
 * mathematical operators and technical symbols U+2190–U+23FF; box drawing to dingbats U+2500–U+27BF.
 * test/report/visible.test.ts holds every one of them to the regular expression.
 */
export function knownSafe(c: number): boolean {
  return (c >= 0xa1 && c <= 0xff && c !== 0xad) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205e) || (c >= 0x2190 && c <= 0x23ff) || (c >= 0x2500 && c <= 0x27bf);
}
/**
 * Printable ASCII only, one line (isPrintableAscii, a loop where `/^[\x20-\x7e]*$/` was: a report tests
 * every path and message, and a lint's first tests compiled the expression twice); with line breaks and
 * tabs, a block (a whole report: an expression, since a loop over thousands of characters run cold makes
 * V8 compile it on the stack, which costs a lint more than the expression). Nothing in them is unsafe.
 */
const PLAIN_BLOCK = /^[\x20-\x7e\n\t]*$/;

const SHORT: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One character's visible escape. */
export function escapeChar(ch: string): string {
  const short = SHORT[ch];
  if (short) return short;
  const cp = ch.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

/**
 * `unsafeOne().test(s)`, asking the expression only about the characters that are neither printable ASCII
 * nor knownSafe (each code point alone, a surrogate pair as one): a message with a typographic character
 * (an ellipsis, a dash, an arrow) no longer builds the expression of Unicode properties, about half a
 * millisecond of a lint (test/report/visible-same.test.ts holds the two to each other).
 */
export function lineHasUnsafe(s: string): boolean {
  for (let at = 0; at < s.length; at++) {
    const hi = s.charCodeAt(at);
    if ((hi >= 0x20 && hi <= 0x7e) || knownSafe(hi)) continue;
    const lo = s.charCodeAt(at + 1);
    const pair = hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
    if (unsafeOne().test(pair ? s.slice(at, at + 2) : s[at])) return true;
    if (pair) at++;
  }
  return false;
}

/** Whether a string holds anything `visible` would escape. */
export function hasUnsafe(s: string): boolean {
  return !isPrintableAscii(s) && lineHasUnsafe(s);
}

/** A one-line value (a path, a word, a message): every unsafe character escaped, newlines and tabs included. */
export function visible(s: string): string {
  if (isPrintableAscii(s) || !lineHasUnsafe(s)) return s;
  return s.replace(unsafeGlobal(), escapeChar);
}

/**
 * Several lines of text from outside (a diff, a service's log excerpt): unsafe characters escaped, but
 * the line breaks (LF, and a CR right before one) and tabs kept, since they are the layout.
 */
export function visibleBlock(s: string): string {
  if (PLAIN_BLOCK.test(s) || !blockHasUnsafe(s)) return s;
  return s.replace(unsafeInBlockGlobal(), (ch, at: number, all: string) => {
    if (ch === '\r' && all[at + 1] === '\n') return ch;
    return escapeChar(ch);
  });
}

/**
 * The last guard before bytes leave for a terminal (every command's standard output and error go
 * through it, see src/cli/main.ts): like `visibleBlock`, but mchard's own terminal sequences pass: the
 * SGR colour and weight codes it writes (`ESC [ 31 m`, ...; no other) and, at the start of a write, the
 * progress line's "carriage return, erase line". Text from
 * outside reaches this point already escaped by `visible`; this guard makes sure that an output that
 * forgot to escape can at worst change a colour, never clear the screen, set the clipboard, hide a link,
 * overwrite a line or reorder text.
 */
export function guardTerminal(s: string): string {
  s = guardWorkflowCommands(s);
  if (PLAIN_BLOCK.test(s) || !blockHasUnsafe(s)) return s;
  return s.replace(ownOrUnsafe(), (m: string, at: number, all: string) => {
    if (m.length > 1) return m; // one of mchard's own sequences
    if (m === '\r' && all[at + 1] === '\n') return m;
    return escapeChar(m);
  });
}
/**
 * GitHub Actions takes workflow commands from every line a step prints, on standard output and error:
 * `::NAME ...::DATA` at the start of a line (after spaces and tabs), and the older `##[NAME ...]DATA`
 * anywhere in a line (actions/runner, ActionCommand.TryParseV2 and TryParse, tried in that order). A
 * file name, a value or a process argument shown in any output of a run in CI (lint's text under
 * pre-commit, an error line of `--format github`) could otherwise stop the processing of every later
 * command (`stop-commands`, which hides the annotations that follow), mask text, set a step's outputs or
 * make annotations. So `##[` is always written `##\x5b`, and `::` starting a line as a command would
 * (`::NAME::`, `::NAME ...::`) is written `\x3a:`, unless the line is one of `--format github`'s own
 * annotations (`::error file=`, `::warning file=`, `::notice file=`, whose properties and message
 * github.ts escapes). Each write is taken to start a line.
 */
export function guardWorkflowCommands(s: string): string {
  if (!s.includes('##[') && !s.includes('::')) return s;
  return s.replace(workflowCommand(), (m: string, lead: string | undefined) => {
    if (lead === undefined) return '##\\x5b';
    return /^::(?:error|warning|notice) file=/.test(m.slice(lead.length)) ? m : `${lead}\\x3a:`;
  });
}
// A line's `::` only when a command follows (a name, then `::` or a space and a later `::`): mchard's own
// text wraps lines that start with an IPv6 address (`::, every IPv4 and IPv6 interface`, `::1`).
const workflowCommand = lazyRegExp('##\\[|(?<=^|[\\n\\r])([ \\t]*)::(?=[A-Za-z][A-Za-z0-9_-]*(?:::| [^\\n\\r]*::))(?:(?:error|warning|notice) file=)?', 'g');

// mchard's own sequences, exactly (src/report/color.ts, src/service/progress.ts): the SGR codes paint()
// writes (bold, dim, normal weight, red, green, yellow, blue, cyan, default colour), and CR + erase line
// only where a progress line's rewrite puts it, at the start of a write. Any other SGR can hide text
// (8: concealed; 30 on 40: black on black) and CR + erase line anywhere else can wipe out a line already
// written ("not written: FILE"), so an output that forgot to escape a name holding them must not pass them.
const ownOrUnsafe = lazyRegExp(`^\\r\\x1b\\[2K|\\x1b\\[(?:1|2|22|3[1-46]|39)m|${BLOCK_UNSAFE_SOURCE}`, 'gu');

/**
 * A long value cut for a message: its first `keep` characters, a visible ellipsis and its length, so a
 * 10 MB value never becomes 10 MB of output. Short values come back unchanged.
 */
export function shorten(s: string, max = 120, keep = 60): string {
  if (s.length <= max) return s;
  let cut = keep;
  // Never split a surrogate pair.
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return `${s.slice(0, cut)}…(${s.length} characters)`;
}

/** Longest run of non-space characters a finding's message keeps, and the longest message. */
const MAX_RUN = 200;
const MAX_MESSAGE = 2000;

/**
 * A message that quotes values from a file, bounded: every run of more than 200 non-space characters is
 * shortened (`shorten`), and the whole message to 2,000 characters. Messages of ordinary files are far
 * below both and come back unchanged.
 */
export function boundedMessage(message: string): string {
  if (message.length <= MAX_RUN) return message;
  // A scan from space to space (`\s` as a regular expression reads it: isRegExpSpace); the message is
  // copied only when a run is shortened.
  const n = message.length;
  let out = '';
  let copied = 0;
  for (let at = 0; at < n; ) {
    while (at < n && isRegExpSpace(message.charCodeAt(at))) at++;
    const start = at;
    while (at < n && !isRegExpSpace(message.charCodeAt(at))) at++;
    if (at - start > MAX_RUN) {
      out += message.slice(copied, start) + shorten(message.slice(start, at), MAX_RUN, 80);
      copied = at;
    }
  }
  out = copied === 0 ? message : out + message.slice(copied);
  return out.length > MAX_MESSAGE ? shorten(out, MAX_MESSAGE, MAX_MESSAGE - 40) : out;
}

/** A word shown as the shell would need it: bare, in single quotes, or in `$'...'` with escapes when it holds unsafe characters. */
export function shellQuote(w: string): string {
  if (/^[\w@%+=:,./-]+$/.test(w)) return w;
  if (!hasUnsafe(w)) return `'${w.replace(/'/g, `'\\''`)}'`;
  const body = w.replace(/[\\']/g, (c) => `\\${c}`).replace(unsafeGlobal(), (ch) => {
    const cp = ch.codePointAt(0)!;
    if (SHORT[ch]) return SHORT[ch];
    if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
    if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
    return `\\U${cp.toString(16).padStart(8, '0')}`;
  });
  return `$'${body}'`;
}

/**
 * JSON.stringify, with every character `visible` escapes written as a `\uXXXX` escape (JSON.stringify
 * already does so below U+0020; this adds DEL, the C1 controls, bidirectional and other format
 * characters, separators). The document parses to the same values, and a terminal it is printed on sees
 * no control character. But a lone surrogate (a YAML or JSON escape `\ud800` in a file, or a language
 * client's text) is written as the text `\ud800`, as `visible` shows it: parsed back, it made a string no
 * UTF-8 can hold (Python's json.dump to a file raised UnicodeEncodeError, jq printed U+FFFD). `exact`
 * keeps it (the baseline, whose keys must read back as written).
 */
export function safeJson(value: unknown, indent = 2, exact = false): string {
  // `##[` as `##\u005b`: the same value, and no workflow command in a CI log it is printed in (guardWorkflowCommands).
  let text = JSON.stringify(value, null, indent);
  // JSON.stringify writes a surrogate pair as it is and a lone one as `\udXXX`; `\\` pairs are skipped.
  if (!exact && /\\ud[89a-f]/.test(text)) text = text.replace(/\\(\\|ud[89a-f]..)/g, (m, g: string) => (g[0] === 'u' ? `\\${m}` : m));
  if (text.includes('##[')) text = text.replace(/##\[/g, '##\\u005b');
  // Characters below U+0020 only appear as JSON's own layout (newlines of the indentation): JSON.stringify
  // escapes them in strings.
  if (PLAIN_BLOCK.test(text) || !blockHasUnsafe(text)) return text;
  return text.replace(unsafeInBlockGlobal(), (ch) => {
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
