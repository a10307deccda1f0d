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
import { parseShellCommand, type SourcedChar } from './shell.js';

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

/** The wrapper's comment removal, keeping each surviving character's offset. */
function stripComments(text: string, start: number): SourcedChar[] {
  const removed = new Array<boolean>(text.length).fill(false);
  for (const m of text.matchAll(/(?<!\\)#[^#]*/g)) {
    for (let k = m.index!; k < m.index! + m[0].length; k++) removed[k] = true;
  }
  const out: SourcedChar[] = [];
  for (let k = 0; k < text.length; k++) if (!removed[k]) out.push({ ch: text[k], offset: start + k });
  return out;
}

function trim(chars: SourcedChar[]): SourcedChar[] {
  let a = 0;
  let b = chars.length;
  while (a < b && PERL_SPACE.has(chars[a].ch)) a++;
  while (b > a && PERL_SPACE.has(chars[b - 1].ch)) b--;
  return chars.slice(a, b);
}

function spanOfChars(chars: SourcedChar[]): Span | null {
  const offs = chars.map((c) => c.offset).filter((o): o is number => o !== null);
  return offs.length ? { start: Math.min(...offs), end: Math.max(...offs) + 1 } : null;
}

export function parseDebian(source: SourceText): DebianConfig {
  const notes: DialectNote[] = [];
  const lines: DebianLine[] = [];
  const keptLines: DebianLine[] = [];
  for (const raw of splitLines(source.text)) {
    const line: DebianLine = { ...raw, kind: 'blank', kept: [] };
    lines.push(line);
    const kept = trim(stripComments(raw.text, raw.start));
    const str = kept.map((c) => c.ch).join('');
    const lineSpan = spanOfChars(kept) ?? { start: raw.start, end: raw.start + raw.text.length };
    if (str === '' || str === '0') {
      line.kind = raw.text.trim() === '' ? 'blank' : str === '0' ? 'ignored' : 'comment';
      if (str === '0') notes.push({ kind: 'ignored-line', span: lineSpan, message: 'a line that is just "0" is skipped by the wrapper (Perl treats it as false)' });
      continue;
    }
    line.kept = kept;
    if (/^-[dh]/.test(str)) {
      line.kind = 'dropped';
      notes.push({
        kind: 'dropped-option-line',
        span: lineSpan,
        message: `the wrapper drops every line starting "-${str[1]}"${str.length > 2 ? `, including the rest of it ("${str}")` : ''}`,
        data: { letter: str[1], rest: str.slice(2).trim() },
      });
      continue;
    }
    if (str[0] !== '-') {
      const m = /^(.*?)[ \t\n\r\f\v]+(.*)$/s.exec(str);
      if (m && m[1] !== '0') {
        line.kind = 'ignored';
        if (m[1] === 'logfile') {
          notes.push({ kind: 'logfile', span: lineSpan, message: 'logfile is honoured only by the SysV start script; under systemd output goes to the journal', data: { path: m[2] } });
        } else {
          notes.push({ kind: 'ignored-line', span: lineSpan, message: `the wrapper silently ignores this line ("${m[1]}" is not an option)`, data: { directive: m[1] } });
        }
        continue;
      }
      line.kind = 'stray';
    } else {
      line.kind = 'option';
    }
    keptLines.push(line);
  }

  let argv: ArgToken[] = [];
  let argvExact = true;
  let launchFailure: LaunchFailure | null = null;
  let shellEvaluated = false;
  if (keptLines.length === 0) {
    argv = [
      { value: '-u', span: null, origin: 'wrapper', exact: true, note: 'appended by the wrapper for an empty configuration' },
      { value: 'root', span: null, origin: 'wrapper', exact: true, note: 'appended by the wrapper for an empty configuration' },
    ];
    notes.push({ kind: 'root-default', span: { start: 0, end: 0 }, message: 'the file sets no option, so the wrapper starts memcached with "-u root"' });
  } else {
    // The wrapper runs exec "/usr/bin/memcached " . join(" ", @lines).
    const params: SourcedChar[] = [];
    keptLines.forEach((l, k) => {
      if (k > 0) params.push({ ch: ' ', offset: null });
      params.push(...l.kept);
    });
    for (const l of keptLines) {
      const chars = [...new Set(l.kept.map((c) => c.ch).filter((ch) => PERL_SHELL_METACHARS.includes(ch)))];
      if (chars.length) {
        const dangerous = chars.filter((ch) => DANGEROUS_METACHARS.includes(ch));
        notes.push({
          kind: 'shell-line',
          span: spanOfChars(l.kept)!,
          message: `this line holds ${chars.map((c) => `"${c}"`).join(' ')}, so the wrapper runs the whole command line through /bin/sh as root`,
          data: { chars, dangerous },
        });
      }
    }
    const decision = perlExecDecision(params);
    if (decision.stripped) {
      notes.push({ kind: 'shell-redirect', span: spanOfChars(decision.stripped)!, message: 'Perl strips a trailing "2>&1" itself; memcached never sees it' });
    }
    if (decision.shell) {
      shellEvaluated = true;
      const sh = parseShellCommand(decision.chars);
      argv = sh.words.map((w) => ({
        value: w.value,
        span: w.span,
        origin: 'file' as const,
        exact: w.exact,
        ...(w.inexact ? { note: `depends on the host: ${w.inexact}` } : w.unquoted ? { note: 'quotes and backslashes removed by /bin/sh' } : {}),
      }));
      argvExact = sh.words.every((w) => w.exact) && sh.extraCommands.length === 0;
      for (const r of sh.redirects) {
        notes.push({ kind: 'shell-redirect', span: r.span ?? { start: 0, end: 0 }, message: `"${r.text.trim()}" is a shell redirection, not an argument for memcached`, data: { text: r.text } });
      }
      for (const e of sh.extraCommands) {
        notes.push({ kind: 'shell-extra-command', span: e.span ?? { start: 0, end: 0 }, message: `after "${e.operator}" the shell runs further commands as root`, data: { operator: e.operator } });
      }
      for (const h of sh.hostDependent) {
        notes.push({ kind: 'host-dependent', span: h.span ?? { start: 0, end: 0 }, message: `the argument depends on the host: ${h.what}`, data: { what: h.what } });
      }
      if (sh.syntaxError) {
        launchFailure = { exitCode: 2, reason: `/bin/sh: ${sh.syntaxError.message}; memcached never starts`, span: sh.syntaxError.span };
      }
    } else {
      argv = splitWords(decision.chars);
    }
  }

  return {
    dialect: 'debian',
    source,
    argv,
    argvExact,
    launchFailure,
    notes,
    lines,
    shellEvaluated,
    print: () => lines.map((l) => l.text + l.eol).join(''),
  };
}

/**
 * Perl's `exec STRING` (doio.c): scanning the command, the first metacharacter sends it to /bin/sh,
 * except a trailing newline (removed) and a final " 2>&1" (Perl dups stderr itself and strips it).
 */
function perlExecDecision(params: SourcedChar[]): { shell: boolean; chars: SourcedChar[]; stripped?: SourcedChar[] } {
  for (let k = 0; k < params.length; k++) {
    const ch = params[k].ch;
    if (ch === ' ' || !PERL_SHELL_METACHARS.includes(ch)) continue;
    if (ch === '\n' && k === params.length - 1) return { shell: false, chars: params.slice(0, k) };
    // "/usr/bin/memcached " precedes params, so s[-2] always exists; at k=1 it is that trailing space.
    const prev2 = k >= 2 ? params[k - 2].ch : ' ';
    if (ch === '>' && params[k + 1]?.ch === '&' && params[k + 2]?.ch === '1' && k >= 1 && params[k - 1].ch === '2' && PERL_SPACE.has(prev2)) {
      const after = params.slice(k + 3);
      if (after.length === 0 || PERL_SPACE.has(after[0].ch)) {
        if (after.every((c) => PERL_SPACE.has(c.ch))) {
          return { shell: false, chars: params.slice(0, Math.max(0, k - 2)), stripped: params.slice(k - 1, k + 3) };
        }
      }
    }
    return { shell: true, chars: params };
  }
  return { shell: false, chars: params };
}

function splitWords(chars: SourcedChar[]): ArgToken[] {
  const out: ArgToken[] = [];
  let cur: SourcedChar[] = [];
  const flush = () => {
    if (cur.length) out.push({ value: cur.map((c) => c.ch).join(''), span: spanOfChars(cur), origin: 'file', exact: true });
    cur = [];
  };
  for (const c of chars) {
    if (PERL_SPACE.has(c.ch)) flush();
    else cur.push(c);
  }
  flush();
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
    const last = config.argv.filter((t) => t.span).at(-1);
    if (!last?.span) return { start: text.length, end: text.length };
    const nl = text.indexOf('\n', last.span.end);
    const at = nl === -1 ? text.length : nl + 1;
    return { start: at, end: at };
  },
};
