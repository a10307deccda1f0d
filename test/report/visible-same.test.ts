/**
 * The block guards (visibleBlock, guardTerminal, safeJson) look for unsafe characters other than the
 * layout (line feeds, tabs) before replacing anything, so a large output with a few characters beyond
 * ASCII (a SARIF log's rule help) is not rewritten line feed by line feed. This proves that the result
 * is exactly what the plain definition gives (the reference implementations below: every unsafe
 * character matched, the layout put back in the callback), on generated text mixing layout, mchard's own
 * terminal sequences, characters beyond ASCII and unsafe ones.
 */
import fc from 'fast-check';
import { escapeChar, guardTerminal, lineHasUnsafe, safeJson, visibleBlock } from '../../src/report/visible.js';

const UNSAFE_SOURCE =
  '\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\p{Noncharacter_Code_Point}' +
  '\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000' +
  '\\u034f\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u3164\\uffa0\\ufe00-\\ufe0f\\u{e0100}-\\u{e01ef}';
const ALL = new RegExp(`[${UNSAFE_SOURCE}]`, 'gu');

function refBlock(s: string): string {
  return s.replace(ALL, (ch, at: number, all: string) => {
    if (ch === '\n' || ch === '\t') return ch;
    if (ch === '\r' && all[at + 1] === '\n') return ch;
    return escapeChar(ch);
  });
}

function refGuard(s: string): string {
  const re = new RegExp(`^\\r\\x1b\\[2K|\\x1b\\[(?:1|2|22|31|32|33|34|36|39)m|[${UNSAFE_SOURCE}]`, 'gu');
  return s.replace(re, (m: string, at: number, all: string) => {
    if (m.length > 1) return m;
    if (m === '\n' || m === '\t') return m;
    if (m === '\r' && all[at + 1] === '\n') return m;
    return escapeChar(m);
  });
}

/** A lone surrogate as the text `\udXXX` (safeJson's default: no string UTF-8 cannot hold). */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const lonesAsText = (v: unknown): unknown =>
  typeof v === 'string' ? v.replace(LONE, (ch) => `\\u${ch.charCodeAt(0).toString(16)}`) : Array.isArray(v) ? v.map(lonesAsText) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [lonesAsText(k), lonesAsText(x)])) : v;

function refJson(value: unknown, exact = true): string {
  return JSON.stringify(exact ? value : lonesAsText(value), null, 2).replace(ALL, (ch) => {
    if (ch === '\n') return ch;
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

const PIECES = ['a', 'memcached -l 0.0.0.0', ' ', '\n', '\t', '\r', '\r\n', '\x1b[31m', '\x1b[1;39m', '\x1b[8m', '\x1b[22m', '\r\x1b[2K', '\x1b', '\x1b[2J', '—', '×', 'é', '≤', '日本', '😀', '\u00a0', '\u202e', '\u200b', '\u0085', '\u009b', '\x7f', '\x00', '\u2028', '\ufeff', '\ud800', '\udc00', '\u{e0041}', '\ufe0f', '\\x1b'];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((xs) => xs.join(''));

describe('the block guards give what the plain definition gives', () => {
  it('visibleBlock', () => {
    fc.assert(fc.property(text, (s) => visibleBlock(s) === refBlock(s)), { numRuns: 2000 });
  });

  it('guardTerminal', () => {
    fc.assert(fc.property(text, (s) => guardTerminal(s) === refGuard(s)), { numRuns: 2000 });
  });

  it('safeJson', () => {
    fc.assert(fc.property(fc.array(text, { maxLength: 5 }), (xs) => safeJson({ xs, n: 1 }, 2, true) === refJson({ xs, n: 1 })), { numRuns: 2000 });
    fc.assert(fc.property(fc.array(text, { maxLength: 5 }), (xs) => safeJson({ xs, n: 1 }) === refJson({ xs, n: 1 }, false)), { numRuns: 2000 });
  });

  it('a large block with layout and a few characters beyond ASCII comes back unchanged', () => {
    const big = Array.from({ length: 5000 }, (_, k) => `line ${k} — ok\t×`).join('\n') + '\n';
    expect(visibleBlock(big)).toBe(big);
    expect(guardTerminal(big)).toBe(big);
    expect(guardTerminal(`${big}\x1b[2J`)).toBe(`${big}\\x1b[2J`);
  });
});

describe('lineHasUnsafe', () => {
  it('is the unsafe expression\'s test of the whole string, asked only about characters beyond printable ASCII and knownSafe', () => {
    const one = new RegExp(`[${UNSAFE_SOURCE}]`, 'u');
    const unit = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('a', ' ', '~', '\u2026', '\u2014', '\u2192', '\u00e9', '\t', '\n', '\x1b', '\u00a0', '\u200b', '\u202e', '\ufeff', '\u{1f600}', '\u{e0041}', '\ud800', '\udc00', '\ufdd0', '\u034f', '\u00ad') },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
    );
    fc.assert(fc.property(fc.string({ unit, maxLength: 12 }), (s) => expect(lineHasUnsafe(s)).toBe(one.test(s))), { numRuns: 10000 });
    for (const s of ['plain', 'memcached rec\u2026', 'a\u2014b\u2192c', '\ud800\udc00', '\udc00\ud800', 'x\ud800', '\u{e0100}']) expect(lineHasUnsafe(s)).toBe(one.test(s));
  });
});
