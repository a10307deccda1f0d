/**
 * Scans that stand for regular expressions on a one-file lint's path (src/ascii.ts and its callers): a
 * lint ran each expression for the first time, which compiles it, and a second time, which compiles it
 * again to machine code. Each scan is held here to the expression it replaced, on strings built from the
 * characters that decide it (digits, dots, letters of both cases, hyphens, JavaScript's white space and
 * the non-ASCII letters whose case maps onto ASCII), and on any string.
 */
import fc from 'fast-check';
import { countOf, digitsBetween, dottedGroups, isAsciiLetterCode, isDigitCode, isEnvName, isPrintableAscii, isRegExpSpace } from '../../src/ascii.js';
import { isKebabCase, isRuleIdText } from '../../src/engine/rule.js';
import { looksLikeRedirection, misleadingMemoryUnit, optionLikeName } from '../../src/engine/helpers.js';
import { boundedMessage, shorten } from '../../src/report/visible.js';
import { clusterHasD } from '../../src/dialects/systemd.js';
import { parseVersion } from '../../src/memcached/version.js';
import { ruleDocUrl, RULE_DOCS_BASE } from '../../src/report/rule-link.js';

const SPACES = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u200b', '\u0085', '\u180e'];
const TRICKY = ['\u212a', 'ſ', 'ı', 'İ', 'é', '٣', '０', '\u00ad', '\x7f', '\x1f', '~', '\u{1f600}'];
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'0123456789..,,--mMbBiIcCkKgGaAzZ_', ...SPACES, ...TRICKY) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) },
);
const text = fc.string({ unit, maxLength: 14 });
const anyText = fc.oneof(text, fc.string({ unit: 'binary', maxLength: 10 }), fc.string({ maxLength: 10 }));
const holds = <T>(arb: fc.Arbitrary<T>, check: (x: T) => void) => fc.assert(fc.property(arb, check), { numRuns: 4000 });

describe('the character classes', () => {
  it('isRegExpSpace is \\s, isDigitCode \\d, isAsciiLetterCode [a-z] under i, for every UTF-16 code unit', () => {
    const differ: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (isRegExpSpace(c) !== /\s/.test(ch)) differ.push(`space ${c.toString(16)}`);
      if (isDigitCode(c) !== /\d/.test(ch)) differ.push(`digit ${c.toString(16)}`);
      if (isAsciiLetterCode(c) !== /[a-z]/i.test(ch)) differ.push(`letter ${c.toString(16)}`);
    }
    expect(differ).toEqual([]);
  });

  it('isPrintableAscii is /^[\\x20-\\x7e]*$/', () => {
    holds(anyText, (s) => expect(isPrintableAscii(s)).toBe(/^[\x20-\x7e]*$/.test(s)));
    for (const s of ['', ' ', '~', 'a\x7f', '\x1fb', 'plain text: -m 64']) expect(isPrintableAscii(s)).toBe(/^[\x20-\x7e]*$/.test(s));
  });

  it('isEnvName is /^[A-Za-z_][A-Za-z0-9_]*$/', () => {
    const nameText = fc.string({ unit: fc.constantFrom(...'aZ_09 -', 'é', '\u212a'), maxLength: 6 });
    holds(fc.oneof(nameText, anyText), (s) => expect(isEnvName(s)).toBe(/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)));
  });

  it('countOf is the number of matches of the character class', () => {
    const quoted = fc.string({ unit: fc.constantFrom('"', "'", '\\', ' ', '\t', '\n', 'a'), maxLength: 12 });
    holds(fc.oneof(quoted, anyText), (s) => {
      expect(countOf(s, '"\'')).toBe(s.match(/["']/g)?.length ?? 0);
      expect(countOf(s, '\\')).toBe(s.match(/\\/g)?.length ?? 0);
      expect(countOf(s, ' \t')).toBe(s.match(/[ \t]/g)?.length ?? 0);
    });
  });

  it('digitsBetween over a whole string is /^[0-9]+$/', () => {
    holds(anyText, (s) => expect(digitsBetween(s, 0, s.length)).toBe(/^[0-9]+$/.test(s)));
  });

  it('dottedGroups is ^\\d+(\\.\\d+)*$ with the count and width of the groups', () => {
    const ref = (s: string, min: number, max: number, width: number) => {
      if (!/^\d+(\.\d+)*$/.test(s)) return null;
      const groups = s.split('.');
      if (groups.length < min || groups.length > max || groups.some((g) => g.length > width)) return null;
      const ends: number[] = [];
      let at = -1;
      for (const g of groups) ends.push((at += g.length + 1));
      return ends;
    };
    const shape = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom(1, 2, 3, Infinity));
    holds(fc.tuple(text, shape), ([s, [min, extra, width]]) => expect(dottedGroups(s, min, min + extra, width)).toEqual(ref(s, min, min + extra, width)));
  });
});

describe('the rule contract\'s tests of a declaration', () => {
  it('isRuleIdText is /^MC\\d{3}$/', () => {
    const id = fc.oneof(text, text.map((s) => `MC${s}`), fc.integer({ min: 0, max: 9999 }).map((n) => `MC${n}`));
    holds(id, (s) => expect(isRuleIdText(s)).toBe(/^MC\d{3}$/.test(s)));
    for (const s of ['MC101', 'MC1011', 'mc101', 'MC10', 'MC٣01', 'MC10a']) expect(isRuleIdText(s)).toBe(/^MC\d{3}$/.test(s));
  });

  it('isKebabCase is /^[a-z0-9]+(-[a-z0-9]+)*$/', () => {
    const slug = fc.string({ unit: fc.constantFrom(...'ab09-', 'A', '_', ' ', 'é'), maxLength: 10 });
    holds(fc.oneof(slug, anyText), (s) => expect(isKebabCase(s)).toBe(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(s)));
    for (const s of ['listen-all-interfaces', '-a', 'a-', 'a--b', '', 'a', 'udp-enabled2']) expect(isKebabCase(s)).toBe(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(s));
  });
});

describe('parseVersion', () => {
  it('is /^(\\d+)\\.(\\d+)(?:\\.(\\d+))?$/ on the trimmed text, each group a Number, the third 0 when absent', () => {
    const ref = (t: string) => {
      const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(t.trim());
      return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
    };
    const version = fc.oneof(text, fc.tuple(fc.constantFrom('', ' ', '\n', '\u00a0'), fc.array(fc.nat(2000), { minLength: 1, maxLength: 4 }), fc.constantFrom('', ' ', '\t')).map(([a, v, b]) => `${a}${v.join('.')}${b}`));
    holds(version, (t) => expect(parseVersion(t)).toEqual(ref(t)));
    for (const t of ['1.6.18', ' 1.4 ', '1.6.', '.1.6', '1..6', '01.006.0010', '99999999999999999999.1', '1.6.18.1', '']) expect(parseVersion(t)).toEqual(ref(t));
  });
});

describe('ruleDocUrl', () => {
  it('links the tag of a version such as 1.2.3 or 1.2.3-rc.1 and main for anything else, whatever was asked before', () => {
    const ref = (id: string, v: string) => `${RULE_DOCS_BASE}/${/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(v) ? `v${v}` : 'main'}/docs/rules/${encodeURIComponent(id)}.md`;
    const version = fc.oneof(text, fc.constantFrom('0.1.0', '1.2.3-rc.1', '1.2.3+b', 'dev', '1.2', '1.2.3 '));
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('MC101', 'MC9 1'), version), { minLength: 1, maxLength: 6 }), (asks) => {
      for (const [id, v] of asks) expect(ruleDocUrl(id, v)).toBe(ref(id, v));
    }), { numRuns: 1000 });
  });
});

describe('misleadingMemoryUnit', () => {
  it('is the word of /^(?:[.,]\\d*)?\\s*([a-z]+)\\s*$/i unless /^(m|mb|mib|mbyte|mbytes|megabytes?)$/i', () => {
    const ref = (rest: string) => {
      const m = /^(?:[.,]\d*)?\s*([a-z]+)\s*$/i.exec(rest);
      if (!m) return null;
      return /^(m|mb|mib|mbyte|mbytes|megabytes?)$/i.test(m[1]) ? null : m[1];
    };
    const word = fc.constantFrom('m', 'M', 'mb', 'MiB', 'mbyte', 'MBytes', 'megabyte', 'Megabytes', 'megabytess', 'g', 'GB', 'k', 'kb', 'b', '\u212aB', 'ſ');
    const rest = fc.oneof(text, fc.tuple(fc.constantFrom('', '.', ',', '.5', ',25', '.x'), fc.constantFrom('', ' ', '\t', '\u00a0', '\u3000'), word, fc.constantFrom('', ' ', '\n', 'x', '1')).map((p) => p.join('')));
    holds(rest, (r) => expect(misleadingMemoryUnit(r)).toBe(ref(r)));
  });
});

describe('optionLikeName', () => {
  it('is the capture of /^-(-[a-z][a-z-]*|[A-Za-z])/', () => {
    const ref = (v: string) => /^-(-[a-z][a-z-]*|[A-Za-z])/.exec(v)?.[1] ?? null;
    const word = fc.string({ unit: fc.constantFrom(...'--aZz1=_ ', 'é', '\u212a'), maxLength: 8 });
    holds(fc.oneof(word, anyText), (v) => expect(optionLikeName(v)).toBe(ref(v)));
    for (const v of ['-p', '--port=1', '--', '---', '-1', '--a-b-', '-é', 'p']) expect(optionLikeName(v)).toBe(ref(v));
  });
});

describe('clusterHasD', () => {
  it('is /^-[A-Za-z]*d/', () => {
    const word = fc.string({ unit: fc.constantFrom(...'-dvDx1=', 'é'), maxLength: 6 });
    holds(fc.oneof(word, anyText), (w) => expect(clusterHasD(w)).toBe(/^-[A-Za-z]*d/.test(w)));
  });
});

describe('looksLikeRedirection', () => {
  it('is /^[0-9]*(>>?|<)/', () => {
    const word = fc.string({ unit: fc.constantFrom(...'0129><&-x', '٣'), maxLength: 6 });
    holds(fc.oneof(word, anyText), (w) => expect(looksLikeRedirection(w)).toBe(/^[0-9]*(>>?|<)/.test(w)));
  });
});

describe('boundedMessage', () => {
  /** The message split at the matches of /\s+/g, each run longer than 200 characters shortened (as it was written). */
  const ref = (message: string) => {
    if (message.length <= 200) return message;
    const spaces = /\s+/g;
    const parts: string[] = [];
    let at = 0;
    for (let m = spaces.exec(message); ; m = spaces.exec(message)) {
      const end = m ? m.index : message.length;
      const run = message.slice(at, end);
      parts.push(run.length > 200 ? shorten(run, 200, 80) : run);
      if (!m) break;
      parts.push(m[0]);
      at = m.index + m[0].length;
    }
    const out = parts.join('');
    return out.length > 2000 ? shorten(out, 2000, 1960) : out;
  };
  it('shortens every run of more than 200 characters between white space, and the whole to 2,000, as splitting at /\\s+/g does', () => {
    const run = fc.oneof(fc.string({ unit: fc.constantFrom('a', 'é', '\u{1f600}'), maxLength: 30 }), fc.integer({ min: 150, max: 450 }).map((n) => 'x'.repeat(n)));
    const space = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff', '\u200b'), minLength: 1, maxLength: 3 });
    const message = fc.array(fc.tuple(run, space), { maxLength: 12 }).chain((p) => fc.tuple(fc.constantFrom('', ' ', 'y'.repeat(300))).map(([tail]) => p.flat().join('') + tail));
    fc.assert(fc.property(message, (m) => expect(boundedMessage(m)).toBe(ref(m))), { numRuns: 1500 });
    for (const m of ['', 'short', 'z'.repeat(201), ` ${'z'.repeat(201)} `, `${'a '.repeat(1500)}`, `${'w'.repeat(200)} x`, `x ${'w'.repeat(200)}`, `x\u00a0${'w'.repeat(201)}`]) expect(boundedMessage(m)).toBe(ref(m));
  });
});
