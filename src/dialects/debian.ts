/**
 * The Debian/Ubuntu dialect: `/etc/memcached.conf` as Debian's `systemd-memcached-wrapper` (Perl) reads
 * it, followed by Perl's one-string `exec`, which runs the line through /bin/sh when it holds a shell
 * metacharacter and otherwise splits it on whitespace.
 *
 * Per line, as the wrapper does: remove every `#` not preceded by a backslash up to the next `#`
 * (the Perl substitution `(?<!\\)\#[^\#]*` with an empty replacement), trim ASCII whitespace, skip empty lines and a line that is exactly `0` (Perl
 * falsiness), drop lines starting `-d` or `-h`, ignore non-dash lines containing whitespace unless their
 * first word is `0`, and keep everything else. `-u root` is appended only when nothing was kept.
 */
import { SourceText, type ArgToken, type Span } from '../source.js';
import type { Dialect, DialectNote, LaunchFailure, ParsedConfig } from './types.js';
import { parseShellCommand, type ShellWord, type SourcedChar } from './shell.js';
import { isMaskChar } from './template.js';

export interface DebianLine {
  /** Offset of the line's first character. */
  start: number;
  /** The line without its "\n" (a CR of a CRLF ending stays here, as in Perl). */
  text: string;
  eol: '\n' | '';
  kind: 'blank' | 'comment' | 'option' | 'dropped' | 'ignored' | 'stray';
  /** The part the wrapper keeps (comments removed, trimmed), with offsets. Empty for blank/comment lines. */
  kept: SourcedChar[];
}

export interface DebianConfig extends ParsedConfig {
  readonly dialect: 'debian';
  readonly lines: readonly DebianLine[];
  /** True when the command line goes through /bin/sh. */
  readonly shellEvaluated: boolean;
}

/** Perl's `\s` on a byte string, and C isSPACE: ASCII whitespace only. */
const PERL_SPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);
/** Characters that make Perl's exec hand the command to /bin/sh (doio.c, `do_exec3`). */
export const PERL_SHELL_METACHARS = "$&*(){}[]'\";\\|?<>~`\n";
/** The metacharacters that change what runs (rule MC902 reports these as errors). */
export const DANGEROUS_METACHARS = ";|&$`<>()*?";

export function splitLines(text: string): { start: number; text: string; eol: '\n' | '' }[] {
  const out: { start: number; text: string; eol: '\n' | '' }[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      if (start < text.length || out.length === 0) out.push({ start, text: text.slice(start), eol: '' });
      break;
    }
    out.push({ start, text: text.slice(start, nl), eol: '\n' });
    start = nl + 1;
  }
  return out;
}

const COMMENT = /(?<!\\)#[^#]*/g;
const NO_CHARS: SourcedChar[] = [];

/**
 * The part of a line the wrapper keeps: comments removed (the substitution above), then trimmed. Given as
 * ranges of the line, `[from0, to0, from1, to1, ...]`, so a comment line costs no per-character objects.
 */
function keptRanges(text: string): number[] {
  const r: number[] = [];
  let pos = 0;
  if (text.includes('#')) {
    COMMENT.lastIndex = 0;
    for (let m = COMMENT.exec(text); m; m = COMMENT.exec(text)) {
      if (m.index > pos) r.push(pos, m.index);
      pos = m.index + m[0].length;
    }
  }
  if (pos < text.length) r.push(pos, text.length);
  // Trim Perl's whitespace at both ends, across the pieces.
  let first = 0;
  while (first < r.length) {
    while (r[first] < r[first + 1] && PERL_SPACE.has(text[r[first]])) r[first]++;
    if (r[first] < r[first + 1]) break;
    first += 2;
  }
  let last = r.length - 2;
  while (last >= first) {
    while (r[last + 1] > r[last] && PERL_SPACE.has(text[r[last + 1] - 1])) r[last + 1]--;
    if (r[last + 1] > r[last]) break;
    last -= 2;
  }
  return first === 0 && last === r.length - 2 ? r : r.slice(first, last + 2);
}

function keptString(text: string, ranges: number[]): string {
  if (ranges.length === 2) return text.slice(ranges[0], ranges[1]);
  let s = '';
  for (let k = 0; k < ranges.length; k += 2) s += text.slice(ranges[k], ranges[k + 1]);
  return s;
}

function keptChars(text: string, start: number, ranges: number[]): SourcedChar[] {
  const out: SourcedChar[] = [];
  for (let k = 0; k < ranges.length; k += 2) for (let i = ranges[k]; i < ranges[k + 1]; i++) out.push({ ch: text[i], offset: start + i });
  return out;
}

/** What the wrapper makes of one line. */
interface LineVerdict {
  kind: DebianLine['kind'];
  /** The kept text (empty for blank, comment and "0" lines) and its ranges in the line. */
  str: string;
  ranges: number[];
}

/** The wrapper's loop body for one line; notes go to `notes` when given. */
function readLine(start: number, text: string, notes: DialectNote[] | null): LineVerdict {
  const ranges = keptRanges(text);
  const str = keptString(text, ranges);
  const lineSpan = ranges.length ? { start: start + ranges[0], end: start + ranges[ranges.length - 1] } : { start, end: start + text.length };
  if (str === '' || str === '0') {
    if (str === '0') notes?.push({ kind: 'ignored-line', span: lineSpan, message: 'a line that is just "0" is skipped by the wrapper (Perl treats it as false)' });
    return { kind: text.trim() === '' ? 'blank' : str === '0' ? 'ignored' : 'comment', str: '', ranges: [] };
  }
  // A line that starts with a template tag (or whose option letter is one): what the wrapper makes of the
  // rendered line depends on the template, so it is kept and its words are unknown.
  if (isMaskChar(str[0]) || (str[0] === '-' && isMaskChar(str[1]))) return { kind: 'option', str, ranges };
  if (str[0] === '-' && (str[1] === 'd' || str[1] === 'h')) {
    notes?.push({
      kind: 'dropped-option-line',
      span: lineSpan,
      message: `the wrapper drops every line starting "-${str[1]}"${str.length > 2 ? `, including the rest of it ("${str}")` : ''}`,
      data: { letter: str[1], rest: str.slice(2).trim() },
    });
    return { kind: 'dropped', str, ranges };
  }
  if (str[0] !== '-') {
    const m = /^(.*?)[ \t\n\r\f\v]+(.*)$/s.exec(str);
    if (m && m[1] !== '0') {
      if (m[1] === 'logfile') {
        notes?.push({ kind: 'logfile', span: lineSpan, message: 'logfile is honoured only by the SysV start script; under systemd output goes to the journal', data: { path: m[2] } });
      } else {
        notes?.push({ kind: 'ignored-line', span: lineSpan, message: `the wrapper silently ignores this line ("${m[1]}" is not an option)`, data: { directive: m[1] } });
      }
      return { kind: 'ignored', str, ranges };
    }
    return { kind: 'stray', str, ranges };
  }
  return { kind: 'option', str, ranges };
}

/** Calls `fn` for each line of `text`, as splitLines would list them, without building the list. */
function forEachLine(text: string, fn: (start: number, line: string, eol: '\n' | '') => void): void {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      if (start < text.length || start === 0) fn(start, text.slice(start), '');
      return;
    }
    fn(start, text.slice(start, nl), '\n');
    start = nl + 1;
  }
}

/** Every line with what the wrapper makes of it (built when asked for: `lint` never needs them). */
function debianLines(text: string): DebianLine[] {
  const lines: DebianLine[] = [];
  forEachLine(text, (start, line, eol) => {
    const v = readLine(start, line, null);
    lines.push({ start, text: line, eol, kind: v.kind, kept: v.ranges.length ? keptChars(line, start, v.ranges) : NO_CHARS });
  });
  return lines;
}

/**
 * The command line's parameters: the kept lines joined with single spaces, as one string with each
 * character's file offset (-1 for a space the wrapper put between two lines).
 */
interface Params {
  text: string;
  offsets: number[];
}

function spanOfRange(offsets: number[], from: number, to: number): Span | null {
  let start = -1;
  let end = -1;
  for (let i = from; i < to; i++) {
    const o = offsets[i];
    if (o < 0) continue;
    if (start < 0 || o < start) start = o;
    if (o + 1 > end) end = o + 1;
  }
  return start < 0 ? null : { start, end };
}

export function parseDebian(source: SourceText): DebianConfig {
  const notes: DialectNote[] = [];
  // The wrapper runs exec "/usr/bin/memcached " . join(" ", @lines): the kept lines are joined as they
  // come, so no line's verdict outlives its line (a 50 MB file has a million lines).
  const params: Params = { text: '', offsets: [] };
  const parts: string[] = [];
  // Notes on shell metacharacters come after every line's own notes, as the wrapper's two passes go.
  const shellNotes: DialectNote[] = [];
  forEachLine(source.text, (start, text) => {
    const v = readLine(start, text, notes);
    if (v.kind !== 'option' && v.kind !== 'stray') return;
    if (parts.length > 0) {
      parts.push(' ');
      params.offsets.push(-1);
    }
    parts.push(v.str);
    const r = v.ranges;
    for (let j = 0; j < r.length; j += 2) for (let i = r[j]; i < r[j + 1]; i++) params.offsets.push(start + i);
    const str = v.str;
    const chars: string[] = [];
    for (let i = 0; i < str.length; i++) if (PERL_SHELL_METACHARS.includes(str[i]) && !chars.includes(str[i])) chars.push(str[i]);
    if (chars.length === 0) return;
    const dangerous = chars.filter((ch) => DANGEROUS_METACHARS.includes(ch));
    shellNotes.push({
      kind: 'shell-line',
      span: { start: start + r[0], end: start + r[r.length - 1] },
      message: `this line holds ${chars.map((c) => `"${c}"`).join(' ')}, so the wrapper runs the whole command line through /bin/sh as root`,
      data: { chars, dangerous },
    });
  });
  for (const n of shellNotes) notes.push(n);

  let argv: ArgToken[] = [];
  let argvExact = true;
  let launchFailure: LaunchFailure | null = null;
  let shellEvaluated = false;
  if (parts.length === 0) {
    argv = [
      { value: '-u', span: null, origin: 'wrapper', exact: true, note: 'appended by the wrapper for an empty configuration' },
      { value: 'root', span: null, origin: 'wrapper', exact: true, note: 'appended by the wrapper for an empty configuration' },
    ];
    notes.push({ kind: 'root-default', span: { start: 0, end: 0 }, message: 'the file sets no option, so the wrapper starts memcached with "-u root"' });
  } else {
    params.text = parts.join('');
    const decision = perlExecDecision(params.text);
    if (decision.stripped) {
      notes.push({ kind: 'shell-redirect', span: spanOfRange(params.offsets, decision.stripped[0], decision.stripped[1])!, message: 'Perl strips a trailing "2>&1" itself; memcached never sees it' });
    }
    if (decision.shell) {
      shellEvaluated = true;
      const chars: SourcedChar[] = [];
      for (let i = 0; i < decision.end; i++) chars.push({ ch: params.text[i], offset: params.offsets[i] < 0 ? null : params.offsets[i] });
      const sh = parseShellCommand(chars, { commandName: '/usr/bin/memcached' });
      argv = sh.words.map((w) => shellToken(w));
      // Commands after ";" or "&&" run after memcached: they do not change its arguments.
      argvExact = sh.words.every((w) => w.exact) && sh.hostDependent.length === 0;
      for (const r of sh.redirects) {
        notes.push({ kind: 'shell-redirect', span: r.span ?? { start: 0, end: 0 }, message: `"${r.text.trim()}" is a shell redirection, not an argument for memcached`, data: { text: r.text } });
      }
      for (const e of sh.extraCommands) {
        notes.push({ kind: 'shell-extra-command', span: e.span ?? { start: 0, end: 0 }, message: `after "${e.operator}" the shell runs further commands as root`, data: { operator: e.operator } });
      }
      for (const h of sh.hostDependent) {
        notes.push({ kind: 'host-dependent', span: h.span ?? { start: 0, end: 0 }, message: `the argument depends on the host: ${h.what}`, data: { what: h.what } });
      }
      // dash refuses the line, or fails before running memcached: it prints "sh: 1: MESSAGE" and exits 2.
      const shFailure = sh.syntaxError ?? sh.runtimeError;
      if (shFailure) {
        const after = shFailure.exitCode === null ? '; sh goes on with the commands after it, whose status the wrapper exits with' : '';
        launchFailure = { exitCode: shFailure.exitCode ?? 2, reason: `/bin/sh: sh: 1: ${shFailure.message} (memcached never starts${after})`, span: shFailure.span, ...(shFailure.exitCode === null ? { certain: false } : {}) };
      }
    } else {
      argv = splitWords(params, decision.end);
    }
  }

  return debianConfig(source, { argv, argvExact, launchFailure, notes, shellEvaluated });
}

/**
 * The parse result. Built here rather than inside parseDebian: closures created there would keep the
 * whole parse's working data (every kept line, every character offset) alive as long as the result.
 */
function debianConfig(
  source: SourceText,
  parts: Pick<DebianConfig, 'argv' | 'argvExact' | 'launchFailure' | 'notes' | 'shellEvaluated'>,
): DebianConfig {
  let lines: DebianLine[] | undefined;
  const allLines = () => (lines ??= debianLines(source.text));
  return {
    dialect: 'debian',
    source,
    argv: parts.argv,
    argvExact: parts.argvExact,
    launchFailure: parts.launchFailure,
    notes: parts.notes,
    shellEvaluated: parts.shellEvaluated,
    get lines() {
      return allLines();
    },
    print: () => allLines().map((l) => l.text + l.eol).join(''),
  };
}

/**
 * Perl's `exec STRING` (doio.c): scanning the command, the first metacharacter sends it to /bin/sh,
 * except a trailing newline (removed) and a final " 2>&1" (Perl dups stderr itself and strips it).
 * Returns how much of the parameters memcached gets (`end`) and the range Perl stripped, if any.
 */
function perlExecDecision(params: string): { shell: boolean; end: number; stripped?: [number, number] } {
  const n = params.length;
  for (let k = 0; k < n; k++) {
    const ch = params[k];
    if (ch === ' ' || !PERL_SHELL_METACHARS.includes(ch)) continue;
    if (ch === '\n' && k === n - 1) return { shell: false, end: k };
    // "/usr/bin/memcached " precedes params, so s[-2] always exists; at k=1 it is that trailing space.
    const prev2 = k >= 2 ? params[k - 2] : ' ';
    if (ch === '>' && params[k + 1] === '&' && params[k + 2] === '1' && k >= 1 && params[k - 1] === '2' && PERL_SPACE.has(prev2)) {
      let rest = k + 3;
      while (rest < n && PERL_SPACE.has(params[rest])) rest++;
      if (rest === n) return { shell: false, end: Math.max(0, k - 2), stripped: [k - 1, k + 3] };
    }
    return { shell: true, end: n };
  }
  return { shell: false, end: n };
}

/** An argument /bin/sh gives memcached, with what depends on the host. */
function shellToken(w: ShellWord): ArgToken {
  if (!w.exact) {
    return {
      value: w.value,
      span: w.span,
      origin: 'file',
      exact: false,
      note: `depends on the host: ${w.inexact}`,
      unknown: { kind: w.kind ?? 'value', depends: 'host', reason: w.inexact ?? 'shell expansion', decide: 'the host memcached runs on', at: w.unknownAt ?? 0, ...(w.pathname ? { pathname: true } : {}) },
    };
  }
  return { value: w.value, span: w.span, origin: 'file', exact: true, ...(w.unquoted ? { note: 'quotes and backslashes removed by /bin/sh' } : {}) };
}

function splitWords(params: Params, end: number): ArgToken[] {
  const out: ArgToken[] = [];
  let k = 0;
  while (k < end) {
    while (k < end && PERL_SPACE.has(params.text[k])) k++;
    const from = k;
    while (k < end && !PERL_SPACE.has(params.text[k])) k++;
    if (k > from) out.push({ value: params.text.slice(from, k), span: spanOfRange(params.offsets, from, k), origin: 'file', exact: true });
  }
  return out;
}

/** Debian's `/etc/memcached.conf`: one option per line, read by the wrapper. */
export const debianDialect: Dialect = {
  name: 'debian',
  title: 'Debian /etc/memcached.conf',
  defaultUser: 'memcache',
  parse: parseDebian,
  /** A missing option goes on its own line after the last line the wrapper keeps. */
  insertionPoint(config) {
    const text = config.source.text;
    // After the last argument every rendering of a template has (not inside a block, not a template piece).
    const last = config.argv.filter((t) => t.span && !t.conditional && t.unknown?.depends !== 'template').at(-1);
    if (!last?.span) return { start: text.length, end: text.length };
    const nl = text.indexOf('\n', last.span.end);
    const at = nl === -1 ? text.length : nl + 1;
    return { start: at, end: at };
  },
};
