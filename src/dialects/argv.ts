/**
 * The `argv` dialect: memcached's command line as text (`mchard lint --dialect argv - <<< "-l 0.0.0.0"`),
 * or a running process's argument vector (`argvFromWords`, for /proc/PID/cmdline).
 *
 * The text is split into words the way a POSIX shell splits a simple command, without running any
 * expansion: blanks separate words; single quotes keep everything literally; double quotes keep
 * everything but `\` before `$`, `` ` ``, `"`, `\` and a newline; an unquoted backslash takes the next
 * character literally; backslash-newline is removed (a line continuation, as in sh, so `-l\` + newline +
 * `0.0.0.0` is one word); a `#` at the start of a word starts a comment up to the end of the line. Unlike
 * sh, a bare newline is just whitespace, so a command line pasted over several lines is one command.
 *
 * A first word that names memcached (`memcached`, `/usr/bin/memcached`) is argv[0] and is skipped. Words a
 * shell would change (`$VAR`, `` `cmd` ``, globs, a leading `~`) or that hold shell operators (`;`, `|`,
 * `&`, `<`, `>`, `(`, `)`) are kept literally and marked inexact: mchard does not know what the shell
 * that ran the command did with them.
 */
import { SourceText, type ArgToken, type Span } from '../source.js';
import type { Dialect, LaunchFailure, Note, ParsedConfig } from './types.js';

export interface ArgvWord {
  readonly value: string;
  /** The word's text in the file, quotes included. */
  readonly span: Span;
  /** What a shell would do to the word that mchard does not (expansion, globbing, an operator). */
  readonly shell: string | null;
  /** True when the file text is not the value verbatim (quotes or backslashes removed). */
  readonly unquoted: boolean;
}

/** What the argv dialect notes: argv[0] skipped, a word a shell would change (`what`), an unterminated quote. */
export type ArgvNote =
  | (Note<'program'> & { readonly program: string })
  | (Note<'host-dependent'> & { readonly what: string })
  | Note<'unterminated-quote'>;

export interface ArgvConfig extends ParsedConfig<ArgvNote> {
  readonly dialect: 'argv';
  /** Every word of the text, argv[0] included when there is one. */
  readonly words: readonly ArgvWord[];
  /** The argv[0] word that was skipped, or null. */
  readonly program: ArgvWord | null;
}

const BLANK = ' \t\r\n';
const OPERATORS = ';|&<>()';
const GLOB = '*?[';
/** A program name that is memcached: argv[0], skipped. */
const PROGRAM = /^(?:[^\s]*\/)?memcached$/;

interface Scan {
  words: ArgvWord[];
  unterminated: { quote: string; at: number } | null;
}

function scan(text: string): Scan {
  const words: ArgvWord[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (BLANK.includes(c)) {
      i++;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    let value = '';
    let shell: string | null = null;
    let unquoted = false;
    const mark = (what: string) => {
      shell ??= what;
    };
    if (c === '~') mark('tilde expansion');
    while (i < n && !BLANK.includes(text[i])) {
      const d = text[i];
      if (d === "'") {
        unquoted = true;
        const close = text.indexOf("'", i + 1);
        if (close === -1) return { words: [...words, { value: value + text.slice(i + 1), span: { start, end: n }, shell, unquoted }], unterminated: { quote: "'", at: i } };
        value += text.slice(i + 1, close);
        i = close + 1;
      } else if (d === '"') {
        unquoted = true;
        let k = i + 1;
        for (;;) {
          if (k >= n) {
            return { words: [...words, { value, span: { start, end: n }, shell, unquoted }], unterminated: { quote: '"', at: i } };
          }
          const e = text[k];
          if (e === '"') break;
          if (e === '\\' && k + 1 < n && '$`"\\\n'.includes(text[k + 1])) {
            if (text[k + 1] !== '\n') value += text[k + 1];
            k += 2;
            continue;
          }
          if (e === '$' || e === '`') mark(e === '$' ? 'parameter expansion' : 'command substitution');
          value += e;
          k++;
        }
        i = k + 1;
      } else if (d === '\\') {
        unquoted = true;
        if (i + 1 >= n) {
          // A trailing backslash: sh keeps it literally.
          value += '\\';
          i++;
        } else {
          if (text[i + 1] !== '\n') value += text[i + 1];
          i += 2;
        }
      } else {
        if (d === '$') mark('parameter expansion');
        else if (d === '`') mark('command substitution');
        else if (GLOB.includes(d)) mark('pathname expansion (globbing)');
        else if (OPERATORS.includes(d)) mark(`the shell operator "${d}"`);
        value += d;
        i++;
      }
    }
    words.push({ value, span: { start, end: i }, shell, unquoted });
  }
  return { words, unterminated: null };
}

export function parseArgvText(source: SourceText): ArgvConfig {
  const { words, unterminated } = scan(source.text);
  const notes: ArgvNote[] = [];
  let program: ArgvWord | null = null;
  let rest = words;
  if (words.length && !words[0].shell && PROGRAM.test(words[0].value)) {
    program = words[0];
    rest = words.slice(1);
    notes.push({ kind: 'program', span: program.span, message: `"${program.value}" is the program (argv[0]), not an option`, program: program.value });
  }
  const argv: ArgToken[] = rest.map((w) => {
    const raw = source.slice(w.span);
    const note = w.shell
      ? `a shell would apply ${w.shell} to ${JSON.stringify(raw)}; mchard reads it literally`
      : w.unquoted
        ? `the shell reads ${JSON.stringify(raw)} as ${JSON.stringify(w.value)}`
        : undefined;
    return { value: w.value, span: w.span, origin: 'file' as const, exact: w.shell === null, ...(note ? { note } : {}) };
  });
  for (const w of rest) {
    if (w.shell) notes.push({ kind: 'host-dependent', span: w.span, message: `a shell would apply ${w.shell} to this word; mchard reads it literally`, what: w.shell });
  }
  let launchFailure: LaunchFailure | null = null;
  if (unterminated) {
    const what = unterminated.quote === "'" ? 'single' : 'double';
    launchFailure = { exitCode: 2, reason: `unterminated ${what} quote: a shell refuses this command line and memcached never starts`, span: { start: unterminated.at, end: unterminated.at + 1 } };
    notes.push({ kind: 'unterminated-quote', span: launchFailure.span!, message: launchFailure.reason });
  }
  const text = source.text;
  return {
    dialect: 'argv',
    source,
    argv,
    argvExact: argv.every((t) => t.exact),
    launchFailure,
    notes,
    words,
    program,
    print: () => text,
  };
}

/** A word written so that a POSIX shell (and `parseArgvText`) reads it back as `value`. */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_.,:%@+=/-]+$/.test(value) && !value.startsWith('~')) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A process's argument vector (as /proc/PID/cmdline gives it, argv[0] included when it names memcached)
 * as a parsed file: the words shell-quoted on one line, each argument spanning its word.
 */
export function argvFromWords(words: readonly string[], path: string): ArgvConfig {
  const text = words.map(shellQuote).join(' ');
  const config = parseArgvText(new SourceText(path, text));
  const got = config.words.map((w) => w.value);
  if (got.length !== words.length || got.some((w, k) => w !== words[k])) {
    throw new Error(`internal: argv words did not survive quoting (${JSON.stringify(words)})`);
  }
  return config;
}

export const argvDialect: Dialect = {
  name: 'argv',
  title: 'memcached command line',
  /** No distribution decides this; Debian's name, which the official Docker image shares. */
  defaultUser: 'memcache',
  commentChars: '#',
  parse: (source) => parseArgvText(source),
  /** Just after the last word (or at the end of an empty text). */
  insertionPoint(config) {
    const words = (config as ArgvConfig).words;
    const at = words.length ? words[words.length - 1].span.end : config.source.text.length;
    return { start: at, end: at };
  },
};
