/**
 * The Debian dialect's scans of the command line (Perl's metacharacters, its words) and of a line (the
 * wrapper's comment substitution, the first word of a line that is not an option). Held here to the
 * character-by-character readings and to the regular expressions they stand for, on any text of letters,
 * digits, Perl's whitespace, every metacharacter, backslashes, "#" and " 2>&1" endings.
 */
import fc from 'fast-check';
import { metacharsOf, perlExecDecision, perlWords, PERL_SHELL_METACHARS } from '../../src/dialects/debian.js';
import { COMMENT, firstWordAndRest, keptRanges, PERL_SPACE } from '../../src/dialects/debian-lines.js';

function metacharsRef(str: string): string[] {
  const chars: string[] = [];
  for (let i = 0; i < str.length; i++) if (PERL_SHELL_METACHARS.includes(str[i]) && !chars.includes(str[i])) chars.push(str[i]);
  return chars;
}

function decisionRef(params: string): { shell: boolean; end: number; stripped?: [number, number] } {
  const n = params.length;
  for (let k = 0; k < n; k++) {
    const ch = params[k];
    if (ch === ' ' || !PERL_SHELL_METACHARS.includes(ch)) continue;
    if (ch === '\n' && k === n - 1) return { shell: false, end: k };
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

function wordsRef(text: string, end: number): [number, number][] {
  const out: [number, number][] = [];
  let k = 0;
  while (k < end) {
    while (k < end && PERL_SPACE.has(text[k])) k++;
    const from = k;
    while (k < end && !PERL_SPACE.has(text[k])) k++;
    if (k > from) out.push([from, k]);
  }
  return out;
}

const unit = fc.constantFrom(...'-m64lpcU0 ', ...'\t\n\r\f\v', ...PERL_SHELL_METACHARS, '2>&1', ' 2>&1', 'é', '\u00a0', '#');
const text = fc.string({ unit, maxLength: 30 });

describe('the Debian dialect\'s scans of the command line', () => {
  it('metacharsOf is the characters of PERL_SHELL_METACHARS in order of first occurrence', () => {
    fc.assert(fc.property(text, (t) => expect(metacharsOf(t)).toEqual(metacharsRef(t))), { numRuns: 3000 });
  });

  it('perlExecDecision is decided by the first metacharacter, as Perl scans', () => {
    fc.assert(fc.property(text, (t) => expect(perlExecDecision(t)).toEqual(decisionRef(t))), { numRuns: 3000 });
    for (const t of ['-m 64 2>&1', '-m 64 2>&1 ', '-m 64 2>&1x', '2>&1', '-p 1\n', '-p $X', '']) expect(perlExecDecision(t)).toEqual(decisionRef(t));
  });

  it('perlWords splits on Perl\'s whitespace before the end given', () => {
    fc.assert(
      fc.property(text, fc.nat(), (t, cut) => {
        const end = t.length === 0 ? 0 : cut % (t.length + 1);
        expect(perlWords(t, end)).toEqual(wordsRef(t, end));
      }),
      { numRuns: 3000 },
    );
  });
});

/**
 * The ranges the wrapper keeps, from the expression: the text between its matches, then the characters
 * at both ends that are Perl's whitespace dropped (a piece left empty dropped with them).
 */
function keptRangesRef(text: string): number[] {
  const pieces: [number, number][] = [];
  let pos = 0;
  COMMENT.lastIndex = 0;
  for (let m = COMMENT.exec(text); m; m = COMMENT.exec(text)) {
    if (m.index > pos) pieces.push([pos, m.index]);
    pos = m.index + m[0].length;
  }
  if (pos < text.length) pieces.push([pos, text.length]);
  const kept = pieces.flatMap(([from, to]) => Array.from({ length: to - from }, (_, k) => from + k));
  const inner = kept.filter((_, k) => kept.slice(0, k + 1).some((i) => !PERL_SPACE.has(text[i])) && kept.slice(k).some((i) => !PERL_SPACE.has(text[i])));
  return pieces.flatMap(([from, to]) => {
    const mine = inner.filter((i) => i >= from && i < to);
    return mine.length ? [mine[0], mine[mine.length - 1] + 1] : [];
  });
}

describe('the Debian dialect\'s scans of a line', () => {
  const line = fc.string({ unit: fc.constantFrom(...'-m64 #\\', '##', '\\#', '\t', '\r', '\v', 'é', 'x'), maxLength: 20 });

  it('keptRanges removes the matches of the wrapper\'s comment expression, then trims Perl\'s whitespace', () => {
    expect(String(COMMENT)).toBe('/(?<!\\\\)#[^#]*/g');
    fc.assert(fc.property(line, (t) => expect(keptRanges(t)).toEqual(keptRangesRef(t))), { numRuns: 5000 });
    for (const t of ['-m 64 # x', '#', '\\#a#b', 'a\\##b', '-p 1 \\# 2 # c', '# a \\# b', '']) expect(keptRanges(t)).toEqual(keptRangesRef(t));
  });

  it('firstWordAndRest is /^(.*?)[ \\t\\n\\r\\f\\v]+(.*)$/s', () => {
    const ref = (s: string) => {
      const m = /^(.*?)[ \t\n\r\f\v]+(.*)$/s.exec(s);
      return m ? [...m] : null;
    };
    fc.assert(fc.property(line, (t) => expect(firstWordAndRest(t)).toEqual(ref(t))), { numRuns: 5000 });
    for (const t of ['logfile /var/log/memcached.log', 'x', ' x', 'x ', 'a \t\n b c', '']) expect(firstWordAndRest(t)).toEqual(ref(t));
  });
});
