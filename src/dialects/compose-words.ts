/**
 * The text-level steps between a Compose file's YAML scalar and memcached's argv, on sourced characters:
 * decoding a one-line YAML scalar with the offset of each character, Compose's variable interpolation
 * (compose-go `template`), and the splitting of a string `command:` (compose-go `types.ShellCommand`
 * uses `github.com/mattn/go-shellwords` v1.0.12 `Parse`, without environment or backtick expansion).
 * Kept apart from `compose.ts` and free of the YAML library so the editor can reuse it.
 */
import type { Span } from '../source.js';
import { appendAll, literalChars, spreadChars, valueOf, type SrcChar } from './sourced.js';

export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED' | string;

const DOUBLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};

/**
 * The characters of a scalar's value with their offsets, for one-line flow scalars; any other scalar
 * (multi-line, block) gets every character attributed to the whole scalar. `value` is what the YAML
 * parser decoded; a decoding that does not reproduce it falls back the same way.
 */
export function scalarChars(text: string, range: Span, style: ScalarStyle, value: string): SrcChar[] {
  const raw = text.slice(range.start, range.end);
  let out: SrcChar[] | null = null;
  if (!/[\r\n]/.test(raw)) {
    if (style === 'PLAIN') out = literalChars(raw, range.start);
    else if (style === 'QUOTE_SINGLE' && raw.length >= 2) {
      out = [];
      for (let k = 1; k < raw.length - 1; k++) {
        const at = range.start + k;
        if (raw[k] === "'" && raw[k + 1] === "'") {
          out.push({ ch: "'", span: { start: at, end: at + 2 } });
          k++;
        } else out.push({ ch: raw[k], span: { start: at, end: at + 1 } });
      }
    } else if (style === 'QUOTE_DOUBLE' && raw.length >= 2) {
      out = [];
      for (let k = 1; k < raw.length - 1; k++) {
        const at = range.start + k;
        if (raw[k] !== '\\') {
          out.push({ ch: raw[k], span: { start: at, end: at + 1 } });
          continue;
        }
        const e = raw[k + 1];
        const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        if (hex) {
          const code = parseInt(raw.slice(k + 2, k + 2 + hex), 16);
          const s = Number.isNaN(code) ? '' : String.fromCodePoint(code);
          for (const u of s.split('')) out.push({ ch: u, span: { start: at, end: at + 2 + hex } });
          k += 1 + hex;
        } else {
          out.push({ ch: DOUBLE_ESCAPES[e] ?? e, span: { start: at, end: at + 2 } });
          k++;
        }
      }
    }
  }
  if (out && valueOf(out) === value) return out;
  return spreadChars(value, range);
}

export interface Interpolated {
  chars: SrcChar[];
  /** compose-go's error for a malformed `$` expression ("Invalid template"). */
  error: string | null;
  /** The variables the value refers to. */
  variables: string[];
}

const NAME = /^[_A-Za-z][_A-Za-z0-9]*/;

/**
 * Compose's interpolation: `$$` is `$`; `$NAME` and `${NAME}` are the variable's value from the shell
 * or `.env` (host-dependent: kept as written, the best guess); `${NAME:-x}`/`${NAME-x}` take `x` as the
 * guess; `${NAME:?msg}`, `${NAME?msg}`, `${NAME:+x}`, `${NAME+x}` are kept as written. Any other `$`
 * is an invalid template, which Compose refuses.
 */
export function interpolate(chars: readonly SrcChar[]): Interpolated {
  const out: SrcChar[] = [];
  const variables: string[] = [];
  const text = valueOf(chars);
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k];
    if (c.ch !== '$') {
      out.push(c);
      continue;
    }
    const next = chars[k + 1]?.ch;
    if (next === '$') {
      out.push({ ch: '$', span: join(c.span, chars[k + 1].span) });
      k++;
      continue;
    }
    if (next === '{') {
      let e = k + 2;
      let depth = 1;
      while (e < chars.length) {
        if (chars[e].ch === '{') depth++;
        else if (chars[e].ch === '}' && --depth === 0) break;
        e++;
      }
      const body = text.slice(k + 2, e);
      const m = /^([_A-Za-z][_A-Za-z0-9]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
      if (e >= chars.length || !m) return { chars: out, error: `Invalid template: ${JSON.stringify(text)}`, variables };
      variables.push(m[1]);
      const whole = chars.slice(k, e + 1);
      const span = join(whole[0].span, whole[whole.length - 1].span);
      const dep = `\${${body}} is the variable ${m[1]} from the shell or the .env file of the project`;
      if (m[2] === ':-' || m[2] === '-') {
        const inner = interpolate(chars.slice(k + 2 + m[1].length + m[2].length, e));
        if (inner.error) return { chars: out, error: inner.error, variables };
        appendAll(variables, inner.variables);
        appendAll(out, inner.chars.map((x) => ({ ...x, dep: `${dep} (when it is unset${m[2] === ':-' ? ' or empty' : ''}, "${valueOf(inner.chars)}")` })));
      } else appendAll(out, spreadChars(valueOf(whole), span, dep));
      k = e;
      continue;
    }
    const name = NAME.exec(text.slice(k + 1));
    if (!name) return { chars: out, error: `Invalid template: ${JSON.stringify(text)}`, variables };
    variables.push(name[0]);
    const whole = chars.slice(k, k + 1 + name[0].length);
    appendAll(out, spreadChars(valueOf(whole), join(whole[0].span, whole[whole.length - 1].span), `$${name[0]} is the variable ${name[0]} from the shell or the .env file of the project`));
    k += name[0].length;
  }
  return { chars: out, error: null, variables };
}

function join(a: Span | null, b: Span | null): Span | null {
  if (!a || !b) return a ?? b;
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export interface SplitResult {
  words: SrcChar[][];
  /** The characters each word was read from, quotes and backslashes included. */
  raws: SrcChar[][];
  error: string | null;
  /** Text after an unquoted `;`, `&`, `|`, `<` or `>`, which go-shellwords silently drops. */
  dropped: SrcChar[] | null;
}

const GO_SPACE = ' \t\r\n';

/** go-shellwords v1.0.12 `Parse` (ParseEnv and ParseBacktick off), on sourced characters. */
export function goShellwords(chars: readonly SrcChar[]): SplitResult {
  const words: SrcChar[][] = [];
  const raws: SrcChar[][] = [];
  let raw: SrcChar[] = [];
  let buf: SrcChar[] = [];
  let escaped = false;
  let dq = false;
  let sq = false;
  let bq = false;
  let dollar = false;
  let got = false;
  let dropped: SrcChar[] | null = null;
  const invalid = (): SplitResult => ({ words, raws, error: 'invalid command line string', dropped });
  const push = () => {
    words.push(buf);
    raws.push(raw);
    buf = [];
    raw = [];
  };
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k];
    const r = c.ch;
    if (escaped || sq || dq || bq || dollar || !(GO_SPACE.includes(r) || ';&|<>'.includes(r))) raw.push(c);
    if (escaped) {
      buf.push(c);
      escaped = false;
      got = true;
      continue;
    }
    if (r === '\\') {
      if (sq) buf.push(c);
      else escaped = true;
      continue;
    }
    if (GO_SPACE.includes(r)) {
      if (sq || dq || bq || dollar) buf.push(c);
      else if (got) {
        push();
        got = false;
      } else raw = [];
      continue;
    }
    let literal = true;
    switch (r) {
      case '`':
        if (!sq && !dq && !dollar) bq = !bq;
        break;
      case ')':
        if (!sq && !dq && !bq) dollar = !dollar;
        break;
      case '(':
        if (!sq && !dq && !bq) {
          if (!dollar && buf.length > 0 && buf[buf.length - 1].ch === '$') {
            dollar = true;
            buf.push(c);
            continue;
          }
          return invalid();
        }
        break;
      case '"':
        if (!sq && !dollar) {
          if (dq) got = true;
          dq = !dq;
          literal = false;
        }
        break;
      case "'":
        if (!dq && !dollar) {
          if (sq) got = true;
          sq = !sq;
          literal = false;
        }
        break;
      case ';':
      case '&':
      case '|':
      case '<':
      case '>':
        if (!(sq || dq || bq || dollar)) {
          if (r === '>' && buf.length > 0 && buf[0].ch >= '0' && buf[0].ch <= '9') got = false;
          dropped = chars.slice(k) as SrcChar[];
          if (got) push();
          return { words, raws, error: null, dropped };
        }
    }
    if (!literal) continue;
    got = true;
    buf.push(c);
  }
  if (got) push();
  if (escaped || sq || dq || bq || dollar) return invalid();
  return { words, raws, error: null, dropped };
}
