/**
 * The Debian/Ubuntu dialect: `/etc/memcached.conf` as Debian's `systemd-memcached-wrapper` (Perl) reads
 * it, followed by Perl's one-string `exec`, which runs the line through /bin/sh when it holds a shell
 * metacharacter and otherwise splits it on whitespace.
 *
 * What the wrapper keeps of each line is debian-lines.ts (shared with the fix editor); here the kept
 * lines are joined into the command line. `-u root` is appended only when nothing was kept.
 */
import { SourceText, type ArgToken, type Span } from '../source.js';
import type { Dialect, HostUnitReading, LaunchFailure, Note, ParsedConfig } from './types.js';
import { parseShellCommand, type ShellWord, type SourcedChar } from './shell.js';
import { withHostUnit } from './host-unit.js';
import { debianLines, firstWordAndRest, forEachLine, PERL_SPACE, readLine, type DebianLine } from './debian-lines.js';
import { shorten } from '../report/visible.js';

export type { DebianLine } from './debian-lines.js';

/**
 * What the Debian dialect notes about a file, one variant per kind:
 * - `ignored-line`: a non-option line the wrapper drops (`directive`: its first word; null for a line "0");
 * - `dropped-option-line`: a line starting `-d`/`-h`, removed by the wrapper with the rest of the line;
 * - `logfile`: a `logfile PATH` line, honoured only by the SysV script;
 * - `shell-line`: a line holding shell metacharacters (`chars`; `dangerous`: those that change what runs);
 * - `shell-extra-command`: text after `;`, `&`, `|` that the shell runs as root;
 * - `shell-redirect`: a redirection memcached never sees (`text`; absent for the "2>&1" Perl strips);
 * - `host-dependent`: a glob, `$VAR` or command substitution (`what`);
 * - `root-default`: the file sets no option, so the wrapper appends `-u root`;
 * - `not-read`: on this host no service runs memcached from this file (`reads: false`), or what runs decides (null): host-unit.ts.
 */
export type DebianNote =
  | (Note<'ignored-line'> & { readonly directive: string | null })
  | (Note<'dropped-option-line'> & { readonly letter: string; readonly rest: string })
  | (Note<'logfile'> & { readonly path: string })
  | (Note<'shell-line'> & { readonly chars: readonly string[]; readonly dangerous: readonly string[] })
  | (Note<'shell-extra-command'> & { readonly operator: string })
  | (Note<'shell-redirect'> & { readonly text?: string })
  | (Note<'host-dependent'> & { readonly what: string })
  | Note<'root-default'>
  | (Note<'not-read'> & { readonly path: string });

export interface DebianConfig extends ParsedConfig<DebianNote> {
  readonly dialect: 'debian';
  readonly lines: readonly DebianLine[];
  /** True when the command line goes through /bin/sh. */
  readonly shellEvaluated: boolean;
}

/** Characters that make Perl's exec hand the command to /bin/sh (doio.c, `do_exec3`). */
export const PERL_SHELL_METACHARS = "$&*(){}[]'\";\\|?<>~`\n";
/**
 * PERL_SHELL_METACHARS by character code (all are ASCII). The scans below test each character against it:
 * regular expressions did this before, and a lint compiled each of them twice (on its first execution and
 * again to machine code on its second), where a loop over the char codes costs nothing to start and runs
 * as fast on a large file (test/dialects/debian-scan.test.ts holds them to the character-by-character
 * readings).
 */
const METACHAR_CODES = new Uint8Array(128);
for (let k = 0; k < PERL_SHELL_METACHARS.length; k++) METACHAR_CODES[PERL_SHELL_METACHARS.charCodeAt(k)] = 1;

/** The offset of the first character of PERL_SHELL_METACHARS in `str` at or after `from`, or -1. */
function nextMetachar(str: string, from: number): number {
  for (let k = from; k < str.length; k++) {
    const c = str.charCodeAt(k);
    if (c < 128 && METACHAR_CODES[c] === 1) return k;
  }
  return -1;
}

/** The metacharacters of PERL_SHELL_METACHARS in `str`, each once, in the order they first occur. */
export function metacharsOf(str: string): string[] {
  const chars: string[] = [];
  for (let k = nextMetachar(str, 0); k !== -1; k = nextMetachar(str, k + 1)) if (!chars.includes(str[k])) chars.push(str[k]);
  return chars;
}

/** Perl's whitespace (PERL_SPACE) by character code: space, \t, \n, \v, \f, \r. */
const isPerlSpaceCode = (c: number) => c === 32 || (c >= 9 && c <= 13);
/** The metacharacters that change what runs (rule MC902 reports these as errors). */
export const DANGEROUS_METACHARS = ";|&$`<>()*?";

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
  const notes: DebianNote[] = [];
  // The wrapper runs exec "/usr/bin/memcached " . join(" ", @lines): the kept lines are joined as they
  // come, so no line's verdict outlives its line (a 50 MB file has a million lines).
  const params: Params = { text: '', offsets: [] };
  const parts: string[] = [];
  // Notes on shell metacharacters come after every line's own notes, as the wrapper's two passes go.
  const shellNotes: DebianNote[] = [];
  let sysvStops: SysvStop | null = null;
  forEachLine(source.text, (start, text) => {
    const v = readLine(start, text, notes);
    sysvStops ??= sysvStopAt(start, v);
    if (v.kind !== 'option' && v.kind !== 'stray') return;
    if (parts.length > 0) {
      parts.push(' ');
      params.offsets.push(-1);
    }
    parts.push(v.str);
    const r = v.ranges;
    for (let j = 0; j < r.length; j += 2) for (let i = r[j]; i < r[j + 1]; i++) params.offsets.push(start + i);
    const chars = metacharsOf(v.str);
    if (chars.length === 0) return;
    const dangerous = chars.filter((ch) => DANGEROUS_METACHARS.includes(ch));
    shellNotes.push({
      kind: 'shell-line',
      span: { start: start + r[0], end: start + r[r.length - 1] },
      message: `this line holds ${chars.map((c) => `"${c}"`).join(' ')}, so the wrapper runs the whole command line through /bin/sh as root`,
      chars,
      dangerous,
    });
  });
  for (const n of shellNotes) notes.push(n);

  let argv: ArgToken[] = [];
  let argvExact = true;
  let startupUnknown: DebianConfig['startupUnknown'];
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
      const sh = parseShellCommand(chars, { commandName: '/usr/bin/memcached', path: source.path });
      argv = sh.words.map((w) => shellToken(w));
      // Commands after ";" or "&&" run after memcached: they do not change its arguments.
      argvExact = sh.words.every((w) => w.exact) && sh.hostDependent.length === 0;
      for (const r of sh.redirects) {
        notes.push({ kind: 'shell-redirect', span: r.span ?? { start: 0, end: 0 }, message: `"${r.text.trim()}" is a shell redirection, not an argument for memcached`, text: r.text });
      }
      for (const e of sh.extraCommands) {
        notes.push({ kind: 'shell-extra-command', span: e.span ?? { start: 0, end: 0 }, message: `after "${e.operator}" the shell runs further commands as root`, operator: e.operator });
      }
      for (const h of sh.hostDependent) {
        notes.push({ kind: 'host-dependent', span: h.span ?? { start: 0, end: 0 }, message: `the argument depends on the host: ${h.what}`, what: h.what });
      }
      if (sh.background) {
        // sh forks memcached and exits 0 at once: the service's main process is gone while memcached starts, and
        // systemd (Type=simple) then stops what is left of the unit, memcached with it, and restarts it.
        const what = '"&" runs memcached in the background: /bin/sh does not wait for it and exits at once, so the service\'s main process ends while memcached is still starting, and the service manager stops what is left of the unit (memcached with it); whether memcached serves, and for how long, is timing';
        notes.push({ kind: 'host-dependent', span: sh.background.span ?? { start: 0, end: 0 }, message: what, what });
        startupUnknown = { reason: 'the wrapper\'s /bin/sh runs memcached in the background ("&"), so whether it starts and keeps running depends on timing', decide: 'the line without the "&" (memcached must run in the foreground under the wrapper)' };
      } else if (sh.mayFail.length && !sh.syntaxError && !sh.runtimeError) {
        startupUnknown = { reason: `/bin/sh may fail before memcached runs: ${sh.mayFail[0].what}`, decide: 'the host memcached runs on' };
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

  const stops = sysvStops as SysvStop | null;
  if (stops && !startupUnknown && !launchFailure) {
    startupUnknown = {
      reason: `on a host without systemd, Debian's init script starts memcached through ${sysvStopText(source, stops)}; systemd's wrapper ${stops.stray ? 'passes the word on to memcached' : 'ignores the line'}`,
      decide: SYSV_DECIDES,
    };
  }
  return debianConfig(source, { argv, argvExact, launchFailure, notes, shellEvaluated, ...(startupUnknown ? { startupUnknown } : {}) });
}

/**
 * The first line Debian's SysV start script refuses. On a host without systemd, Debian's init script starts
 * memcached through start-memcached, which reads the file as the wrapper does but calls a line's first word
 * as a directive and knows only "logfile": any other word, or a line with no space (a "stray" word the
 * wrapper passes on to memcached), stops it before memcached runs (Perl: "Can't use an undefined value as a
 * subroutine reference", exit 255). systemd's wrapper ignores such a line.
 */
interface SysvStop {
  start: number;
  word: string;
  stray: boolean;
}
const SYSV_DECIDES = "whether systemd (the wrapper) or Debian's SysV init script (start-memcached) starts memcached on the host, or the line removed";

function sysvStopAt(start: number, v: { kind: DebianLine['kind']; str: string; ranges: number[] }): SysvStop | null {
  if (v.kind === 'stray') return { start: start + (v.ranges[0] ?? 0), word: v.str, stray: true };
  if (v.kind !== 'ignored' || v.str === '') return null;
  const word = firstWordAndRest(v.str)?.[1] ?? v.str;
  return word === 'logfile' ? null : { start: start + (v.ranges[0] ?? 0), word, stray: false };
}

function sysvStopText(source: SourceText, stop: SysvStop): string {
  return `start-memcached, which stops at line ${source.position(stop.start).line} ("${shorten(stop.word, 40, 20)}": it knows no directive but "logfile") before memcached runs`;
}

/**
 * A host file read with what reads it there (src/system/host-unit.ts, `reader`): where the host says which
 * program reads the file, a line start-memcached stops at no longer leaves the start-up unknown. Debian's wrapper,
 * which systemd runs, ignores the line (memcached starts as the options say); start-memcached, which this
 * host's SysV script runs, stops there (memcached never starts: exit 255), and is named as the file's reader.
 */
function withReader(config: DebianConfig, host: HostUnitReading | null | undefined): DebianConfig {
  if (!host?.reader || host.reads !== true) return config;
  let stop: SysvStop | null = null;
  if (config.startupUnknown?.reason.includes('start-memcached')) {
    forEachLine(config.source.text, (start, text) => {
      stop ??= sysvStopAt(start, readLine(start, text, null));
    });
  }
  const found = stop as SysvStop | null;
  if (host.reader === 'wrapper' && !found) return config;
  const wrapped = Object.create(config) as DebianConfig;
  const props: PropertyDescriptorMap = {};
  if (found) props.startupUnknown = { value: undefined, enumerable: true };
  if (host.reader === 'start-memcached') {
    props.readBy = { value: `Debian's SysV init script on this host (${host.path}), through start-memcached (this host is not run by systemd)`, enumerable: true };
    if (found) {
      const span = { start: found.start, end: found.start + found.word.length };
      const reason = `this host's init script (${host.path}) starts memcached through ${sysvStopText(config.source, found)}: Perl exits 255 ("Can't use an undefined value as a subroutine reference")`;
      props.launchFailure = { value: { exitCode: 255, reason, span } satisfies LaunchFailure, enumerable: true };
    }
  }
  Object.defineProperties(wrapped, props);
  return wrapped;
}

/**
 * The parse result. Built here rather than inside parseDebian: closures created there would keep the
 * whole parse's working data (every kept line, every character offset) alive as long as the result.
 *
 * A class, not an object literal: a literal with a getter (`get lines()`) is made in V8's dictionary mode,
 * so every read of the configuration's fields by the model and the rules was a hash lookup, and making it
 * a runtime call per file. The fields are own properties in the literal's order; `lines`, read only by the
 * fix editor, is worked out on its first read (test/dialects/debian-config-shape.test.ts).
 */
class DebianParsed {
  // Declared only: each is assigned in the constructor, in this order, and startupUnknown only when there is one.
  declare readonly dialect: 'debian';
  declare readonly source: SourceText;
  declare readonly argv: readonly ArgToken[];
  declare readonly argvExact: boolean;
  declare readonly launchFailure: LaunchFailure | null;
  declare readonly notes: readonly DebianNote[];
  declare readonly shellEvaluated: boolean;
  declare readonly startupUnknown?: DebianConfig['startupUnknown'];
  declare readonly print: () => string;
  #lines: DebianLine[] | undefined;

  constructor(source: SourceText, parts: Pick<DebianConfig, 'argv' | 'argvExact' | 'launchFailure' | 'notes' | 'shellEvaluated' | 'startupUnknown'>) {
    this.dialect = 'debian';
    this.source = source;
    this.argv = parts.argv;
    this.argvExact = parts.argvExact;
    this.launchFailure = parts.launchFailure;
    this.notes = parts.notes;
    this.shellEvaluated = parts.shellEvaluated;
    if (parts.startupUnknown) this.startupUnknown = parts.startupUnknown;
    this.print = () => this.lines.map((l) => l.text + l.eol).join('');
  }

  get lines(): readonly DebianLine[] {
    // Read through an object made from this one (the template layer's Object.create): this one's lines, as
    // the literal's getter gave them.
    let own: object | null = this;
    while (own !== null && !(#lines in own)) own = Object.getPrototypeOf(own);
    const parsed = (own ?? this) as DebianParsed;
    return (parsed.#lines ??= debianLines(parsed.source.text));
  }
}

function debianConfig(
  source: SourceText,
  parts: Pick<DebianConfig, 'argv' | 'argvExact' | 'launchFailure' | 'notes' | 'shellEvaluated' | 'startupUnknown'>,
): DebianConfig {
  return new DebianParsed(source, parts);
}

/**
 * Perl's `exec STRING` (doio.c): scanning the command, the first metacharacter sends it to /bin/sh,
 * except a trailing newline (removed) and a final " 2>&1" (Perl dups stderr itself and strips it).
 * Returns how much of the parameters memcached gets (`end`) and the range Perl stripped, if any.
 */
export function perlExecDecision(params: string): { shell: boolean; end: number; stripped?: [number, number] } {
  const n = params.length;
  // The first metacharacter decides.
  const k = nextMetachar(params, 0);
  if (k !== -1) {
    const ch = params[k];
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
  for (const [from, to] of perlWords(params.text, end)) out.push({ value: params.text.slice(from, to), span: spanOfRange(params.offsets, from, to), origin: 'file', exact: true });
  return out;
}

/** Where the words of `text` before `end` are, split on Perl's whitespace (PERL_SPACE): [from, to) pairs. */
export function perlWords(text: string, end: number): [number, number][] {
  const out: [number, number][] = [];
  const t = end === text.length ? text : text.slice(0, end);
  const stop = t.length;
  for (let k = 0; k < stop; ) {
    while (k < stop && isPerlSpaceCode(t.charCodeAt(k))) k++;
    const from = k;
    while (k < stop && !isPerlSpaceCode(t.charCodeAt(k))) k++;
    if (k > from) out.push([from, k]);
  }
  return out;
}

/** Debian's `/etc/memcached.conf`: one option per line, read by the wrapper. */
export const debianDialect: Dialect = {
  name: 'debian',
  title: 'Debian /etc/memcached.conf',
  defaultUser: 'memcache',
  commentChars: '#',
  parse: (source, context) => withHostUnit(withReader(parseDebian(source), context?.hostUnit), context?.hostUnit),
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
