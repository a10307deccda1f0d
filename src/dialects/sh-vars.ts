/**
 * Reading a shell-sourced variable file (OpenRC `/etc/conf.d/memcached`, FreeBSD `rc.conf`) the way
 * `sh` does when it sources it with `.`: assignments are performed in order, each value decoded from its
 * quotes and backslashes, with `$NAME` / `${NAME}` taken from the assignments made earlier in the file.
 * Assignment values are neither field-split nor globbed (POSIX 2.9.1).
 *
 * What we do not evaluate is reported, not guessed silently: any other command (`if`, `unset`, `. file`),
 * command substitution, arithmetic, tilde expansion, special parameters and variables the file never
 * assigns (their value comes from the service's environment) make the affected values inexact. A quote
 * or `${` left open is the syntax error that makes `sh` abandon the file.
 *
 * Each decoded character keeps the source range it came from; characters produced by an expansion point
 * at the whole `$NAME` text, so spans built from them cover the reference.
 */
import type { Span } from '../source.js';
import type { Note } from './types.js';
import { splitLines } from './debian-lines.js';
import { shorten } from '../report/visible.js';

/** What reading a shell variables file notes: a command mchard does not run, a value that depends on the host (`key`). */
export type ShVarsNote = Note<'shell-command'> | (Note<'host-dependent'> & { readonly key: string });

/** One character of a decoded value, with the source text that produced it. */
export interface ValueChar {
  readonly ch: string;
  readonly start: number;
  readonly end: number;
  /** True when the character came from outside quotes (an expansion there is split and globbed later). */
  readonly unquoted: boolean;
}

export interface ShAssignment {
  readonly name: string;
  readonly nameSpan: Span;
  /** The value word as written, quotes included; empty (at the offset after `=`) for `NAME=`. */
  readonly valueSpan: Span;
  /** `NAME=value`, without an `export` keyword before it. */
  readonly span: Span;
  readonly value: string;
  readonly chars: readonly ValueChar[];
  /** The quote the value starts with, or null. */
  readonly quote: '"' | "'" | null;
  /** False when the value depends on the host (see `inexact`). */
  readonly exact: boolean;
  readonly inexact?: string;
  readonly exported: boolean;
  /** 1-based line of the name. */
  readonly line: number;
  /** True for the assignment that gives the variable its final value. */
  effective: boolean;
}

export interface ShVarsFile {
  readonly lines: readonly { start: number; text: string; eol: '\n' | '' }[];
  /** Every assignment the shell performs, in order (prefix assignments of a command are not among them). */
  readonly assignments: readonly ShAssignment[];
  /** Name → the assignment that wins. */
  readonly env: ReadonlyMap<string, ShAssignment>;
  readonly notes: ShVarsNote[];
  /** `sh` stops reading the file here (the service then fails to start). */
  readonly syntaxError: { readonly message: string; readonly span: Span } | null;
  /** False when some line is a command we do not evaluate (it may change any variable). */
  readonly exact: boolean;
  /** The commands the file runs (not assignments), in order: each may change any variable (`. FILE`, `eval`, a function). */
  readonly commands: readonly ShCommand[];
}

export interface ShCommand {
  readonly span: Span;
  /** Its text as written (shown with `show` in messages). */
  readonly text: string;
  readonly line: number;
}

/** A command of the file, for messages: `line 3 runs a shell command (". /etc/rc.conf.local")`. */
export function describeCommand(cmd: ShCommand): string {
  return `line ${cmd.line} runs a shell command (${show(shorten(cmd.text, 60, 50))})`;
}

/** Why `name` may not have the value the file shows: `cmd` (commandThatMaySet) runs after it, or in its place. */
export function mayBeSetBy(vars: ShVarsFile, name: string, cmd: ShCommand): string {
  return `${describeCommand(cmd)}, which may ${vars.env.has(name) ? 'change' : 'set'} ${name}; mchard does not run it`;
}

/**
 * The first command the file runs after `name` is last assigned (or anywhere, when the file never assigns
 * it): what may give `name` another value than the file shows. Null when no command can.
 */
export function commandThatMaySet(vars: ShVarsFile, name: string): ShCommand | null {
  const a = vars.env.get(name);
  const after = a ? a.span.end : -1;
  return vars.commands.find((c) => c.span.start > after) ?? null;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAM = /[@*#?$!\-0-9]/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
/** Characters that end an unquoted word. */
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);

class ShSyntaxError extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

interface Word {
  chars: ValueChar[];
  start: number;
  end: number;
  quote: '"' | "'" | null;
  inexact: string | undefined;
  /** An expansion outside quotes (matters for `export NAME=$x`). */
  unquotedExpansion: boolean;
}

export const show = (s: string): string => JSON.stringify(s);

/** Field splitting with the default IFS (space, tab, newline), as an unquoted `${VAR}` on a command line. */
export function splitFields(chars: readonly ValueChar[]): ValueChar[][] {
  const out: ValueChar[][] = [];
  let cur: ValueChar[] = [];
  for (const c of chars) {
    if (c.ch === ' ' || c.ch === '\t' || c.ch === '\n') {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(c);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The source span covered by some value characters (null for none). */
export function spanOfChars(chars: readonly { start: number; end: number }[]): Span | null {
  if (chars.length === 0) return null;
  let start = Infinity;
  let end = -Infinity;
  for (const c of chars) {
    start = Math.min(start, c.start);
    end = Math.max(end, c.end);
  }
  return { start, end };
}

export function parseShVars(text: string): ShVarsFile {
  const notes: ShVarsNote[] = [];
  const assignments: ShAssignment[] = [];
  const env = new Map<string, ShAssignment>();
  const commands: ShCommand[] = [];
  const n = text.length;
  let i = 0;
  let exact = true;
  let syntaxError: ShVarsFile['syntaxError'] = null;
  // Lines counted on from the last question (assignments come in order): counting from the start each
  // time made a file of many assignments quadratic.
  let seenOffset = 0;
  let seenLine = 1;
  const lineOf = (offset: number) => {
    if (offset < seenOffset) {
      seenOffset = 0;
      seenLine = 1;
    }
    for (let k = text.indexOf('\n', seenOffset); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) seenLine++;
    seenOffset = offset;
    return seenLine;
  };

  /** Index just past the `${...}` starting at k (k points at `$`); throws when `}` is missing. */
  const closeBrace = (k: number): number => {
    let q = k + 2;
    while (q < n && text[q] !== '}') {
      if (text[q] === '\\') q++;
      else if (text[q] === "'" || text[q] === '"') {
        const c = text.indexOf(text[q], q + 1);
        if (c === -1) break;
        q = c;
      }
      q++;
    }
    if (q >= n) throw new ShSyntaxError("Syntax error: Missing '}'", { start: k, end: n });
    return q + 1;
  };

  /** Index just past a `$(...)` / `$((...))` starting at k. */
  const closeParen = (k: number): number => {
    let depth = 0;
    for (let q = k + 1; q < n; q++) {
      if (text[q] === '(') depth++;
      else if (text[q] === ')' && --depth === 0) return q + 1;
    }
    throw new ShSyntaxError('Syntax error: end of file unexpected (expecting ")")', { start: k, end: n });
  };

  const closeBacktick = (k: number): number => {
    for (let q = k + 1; q < n; q++) {
      if (text[q] === '\\') q++;
      else if (text[q] === '`') return q + 1;
    }
    throw new ShSyntaxError('Syntax error: EOF in backquote substitution', { start: k, end: n });
  };

  /**
   * The expansion starting at k (`$`): its characters and the index after it. `literal` is set when the `$`
   * starts nothing and stands for itself.
   */
  /** A shell command after the variable's assignment (`unset PORT`, `. file`) may have changed it: mchard does not run it. */
  const changedBy = (a: { span: { end: number }; name: string }): string | undefined => {
    const c = commands.find((x) => x.span.start > a.span.end);
    return c ? `line ${c.line} runs a shell command (${show(c.text)}), which may change ${a.name}; mchard does not run it` : undefined;
  };
  const expand = (k: number, unquoted: boolean): { chars: ValueChar[]; end: number; inexact?: string; literal?: boolean } => {
    const d = text[k + 1] ?? '';
    const literalText = (end: number, why: string) => ({
      chars: [...text.slice(k, end)].map((ch, x) => ({ ch, start: k + x, end: k + x + 1, unquoted })),
      end,
      inexact: why,
    });
    const valueOf = (name: string, end: number, why?: string): { chars: ValueChar[]; end: number; inexact?: string } => {
      const a = env.get(name);
      if (!a) {
        return { chars: [], end, inexact: why ?? `${show(text.slice(k, end))}: ${name} is not set in this file, so its value comes from the service's environment` };
      }
      return { chars: a.chars.map((c) => ({ ch: c.ch, start: k, end, unquoted })), end, inexact: a.exact ? changedBy(a) : a.inexact };
    };
    if (d === '(') return literalText(closeParen(k), `${show(text.slice(k, closeParen(k)))} is a command substitution or arithmetic the shell evaluates`);
    if (d === '{') {
      const end = closeBrace(k);
      const inner = text.slice(k + 2, end - 1);
      // dash gives up on the whole file at an expansion it cannot even parse ("Bad substitution").
      if (!/^#?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?:(?::?[-+=?]|%%?|##?)[\s\S]*)?$/.test(inner)) {
        throw new ShSyntaxError(`${show(text.slice(k, end))}: Bad substitution`, { start: k, end });
      }
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(inner);
      if (!m) return literalText(end, `${show(text.slice(k, end))} is an expansion mchard does not evaluate`);
      const [, name, op, word] = m;
      if (op === undefined) return valueOf(name, end);
      if (/["'\\$`]/.test(word)) return literalText(end, `${show(text.slice(k, end))} is an expansion mchard does not evaluate`);
      const a = env.get(name);
      const set = a !== undefined && (op.startsWith(':') ? a.value !== '' : true);
      const plus = op.endsWith('+');
      const wordChars = [...word].map((ch) => ({ ch, start: k, end, unquoted }));
      if (!a) {
        // Unset here; the environment may set it.
        return { chars: plus ? [] : wordChars, end, inexact: `${show(text.slice(k, end))}: ${name} is not set in this file, so its value comes from the service's environment` };
      }
      // Which branch is taken depends on the value: an inexact value makes the result inexact too.
      const why = a.exact ? changedBy(a) : a.inexact;
      if (plus) return { chars: set ? wordChars : [], end, inexact: why };
      return set ? valueOf(name, end) : { chars: wordChars, end, inexact: why };
    }
    if (NAME_START.test(d)) {
      let q = k + 1;
      while (q < n && NAME_CHAR.test(text[q])) q++;
      return valueOf(text.slice(k + 1, q), q);
    }
    if (d !== '' && SPECIAL_PARAM.test(d)) return { chars: [], end: k + 2, inexact: `${show(text.slice(k, k + 2))} is a special parameter of the shell sourcing the file` };
    return { chars: [{ ch: '$', start: k, end: k + 1, unquoted }], end: k + 1, literal: true };
  };

  /** Reads one word from i (decoded as the shell does); `value` is true for the value of an assignment. */
  const readWord = (value: boolean): Word => {
    const start = i;
    const chars: ValueChar[] = [];
    let inexact: string | undefined;
    let unquotedExpansion = false;
    const quote = text[i] === '"' || text[i] === "'" ? (text[i] as '"' | "'") : null;
    const mark = (why: string | undefined) => {
      if (why !== undefined) inexact ??= why;
    };
    while (i < n) {
      const c = text[i];
      if (WORD_END.has(c)) break;
      if (c === '\\') {
        if (text[i + 1] === '\n') {
          i += 2;
          continue;
        }
        if (i + 1 < n) chars.push({ ch: text[i + 1], start: i, end: i + 2, unquoted: false });
        else chars.push({ ch: '\\', start: i, end: i + 1, unquoted: true });
        i += 2;
        continue;
      }
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        if (close === -1) throw new ShSyntaxError('Syntax error: Unterminated quoted string', { start: i, end: n });
        for (let k = i + 1; k < close; k++) chars.push({ ch: text[k], start: k, end: k + 1, unquoted: false });
        i = close + 1;
        continue;
      }
      if (c === '"') {
        let k = i + 1;
        for (;;) {
          if (k >= n) throw new ShSyntaxError('Syntax error: Unterminated quoted string', { start: i, end: n });
          const d = text[k];
          if (d === '"') break;
          if (d === '\\' && k + 1 < n && '$`"\\\n'.includes(text[k + 1])) {
            if (text[k + 1] !== '\n') chars.push({ ch: text[k + 1], start: k, end: k + 2, unquoted: false });
            k += 2;
            continue;
          }
          if (d === '$') {
            const e = expand(k, false);
            for (const x of e.chars) chars.push(x);
            mark(e.inexact);
            k = e.end;
            continue;
          }
          if (d === '`') {
            const end = closeBacktick(k);
            for (let q = k; q < end; q++) chars.push({ ch: text[q], start: q, end: q + 1, unquoted: false });
            mark(`${show(text.slice(k, end))} is a command substitution the shell runs`);
            k = end;
            continue;
          }
          chars.push({ ch: d, start: k, end: k + 1, unquoted: false });
          k++;
        }
        i = k + 1;
        continue;
      }
      if (c === '$') {
        const e = expand(i, true);
        if (!e.literal) unquotedExpansion = true;
        for (const x of e.chars) chars.push(x);
        mark(e.inexact);
        i = e.end;
        continue;
      }
      if (c === '`') {
        const end = closeBacktick(i);
        for (let q = i; q < end; q++) chars.push({ ch: text[q], start: q, end: q + 1, unquoted: true });
        mark(`${show(text.slice(i, end))} is a command substitution the shell runs`);
        unquotedExpansion = true;
        i = end;
        continue;
      }
      if (c === '~' && (value ? i === start || text[i - 1] === ':' : i === start)) mark('"~" is a tilde expansion (a home directory on the host)');
      chars.push({ ch: c, start: i, end: i + 1, unquoted: true });
      i++;
    }
    return { chars, start, end: i, quote, inexact, unquotedExpansion };
  };

  const skipBlanks = () => {
    for (;;) {
      if (text[i] === ' ' || text[i] === '\t') i++;
      else if (text[i] === '\\' && text[i + 1] === '\n') i += 2;
      else break;
    }
  };

  try {
    while (i < n) {
      skipBlanks();
      if (i >= n) break;
      const c = text[i];
      if (c === '\n' || c === ';') {
        i++;
        continue;
      }
      if (c === '#') {
        const nl = text.indexOf('\n', i);
        i = nl === -1 ? n : nl;
        continue;
      }
      // One simple command: assignments, then maybe a command name and its words.
      const cmdStart = i;
      let exported = false;
      let isCommand = false;
      const pending: ShAssignment[] = [];
      let first = true;
      while (i < n) {
        skipBlanks();
        if (i >= n || text[i] === '\n' || text[i] === ';') break;
        if (text[i] === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) break;
        if (WORD_END.has(text[i])) {
          // `&`, `|`, `<`, `>`, `(`, `)`: a command list, pipeline, redirection or subshell.
          isCommand = true;
          i++;
          continue;
        }
        const m = isCommand && !exported ? null : ASSIGNMENT.exec(text.slice(i, i + 256));
        if (m) {
          const nameStart = i;
          i += m[0].length;
          const w = readWord(true);
          let inexact = w.inexact;
          if (exported && w.unquotedExpansion) inexact ??= `the value of ${m[1]} after "export" holds an unquoted expansion, which some shells split into words`;
          const a: ShAssignment = {
            name: m[1],
            nameSpan: { start: nameStart, end: nameStart + m[1].length },
            valueSpan: { start: w.start, end: w.end },
            span: { start: nameStart, end: w.end },
            value: w.chars.map((x) => x.ch).join(''),
            chars: w.chars,
            quote: w.quote,
            exact: inexact === undefined,
            ...(inexact !== undefined ? { inexact } : {}),
            exported,
            line: lineOf(nameStart),
            effective: false,
          };
          // Assignments of a line take effect one after the other (`A=1 B=$A`).
          if (!isCommand) env.set(a.name, a);
          pending.push(a);
          first = false;
          continue;
        }
        const wordStart = i;
        const w = readWord(false);
        const word = w.chars.map((x) => x.ch).join('');
        if (first && (word === 'export') && w.quote === null && w.end > wordStart) {
          exported = true;
          first = false;
          continue;
        }
        if (exported && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) continue; // `export NAME`
        isCommand = true;
        first = false;
      }
      if (isCommand) {
        exact = false;
        // A command's prefix assignments only reach that command; undo what was set provisionally.
        for (const a of pending) {
          const earlier = [...assignments].reverse().find((b) => b.name === a.name);
          if (env.get(a.name) === a) {
            if (earlier) env.set(a.name, earlier);
            else env.delete(a.name);
          }
        }
        let e = i;
        while (e > cmdStart && /[ \t]/.test(text[e - 1])) e--;
        commands.push({ span: { start: cmdStart, end: e }, text: text.slice(cmdStart, e), line: lineOf(cmdStart) });
        notes.push({
          kind: 'shell-command',
          span: { start: cmdStart, end: e },
          message: `${show(text.slice(cmdStart, e))} is a shell command, not an assignment; mchard does not run it, so variables it changes are not accounted for`,
        });
      } else {
        for (const a of pending) assignments.push(a);
      }
    }
  } catch (e) {
    if (!(e instanceof ShSyntaxError)) throw e;
    syntaxError = { message: e.message, span: e.span };
  }

  for (const a of env.values()) a.effective = true;
  for (const a of assignments) {
    if (!a.exact) {
      notes.push({ kind: 'host-dependent', span: a.valueSpan, message: `the value of ${a.name} depends on the host: ${a.inexact}`, key: a.name });
    }
  }
  notes.sort((x, y) => x.span.start - y.span.start);
  return { lines: splitLines(text), assignments, env, notes, syntaxError, exact, commands };
}

/** Text of the file from its lines, byte for byte. */
export function printLines(lines: ShVarsFile['lines']): string {
  return lines.map((l) => l.text + l.eol).join('');
}

/**
 * A value written so that `sh` reads it back exactly: as it is when it is a plain word and `quote` is null,
 * in single quotes when asked and possible, else in double quotes with `"`, `\`, `$` and backquote escaped.
 */
export function encodeShValue(value: string, quote: '"' | "'" | null): string {
  if (quote === null && value !== '' && /^[A-Za-z0-9_.,:%@+=/-]+$/.test(value)) return value;
  if (quote === "'" && !value.includes("'")) return `'${value}'`;
  return `"${value.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}
