/**
 * The C number parsers. Expectations follow C semantics on x86-64 glibc: atoi is (int) strtol(s, NULL, 10),
 * strtol saturates at LONG_MAX / LONG_MIN, an int cast keeps the low 32 bits, memcached's safe_strtol /
 * safe_strtoul (util.c) store into 32-bit variables.
 */
import fc from 'fast-check';
import { atoi, atoiDetail, atof, octal, safeStrtol, safeStrtoul, strtol } from '../../src/memcached/numbers.js';

describe('atoi', () => {
  it.each([
    ['64', 64],
    ['2g', 2], // -m 2g is 2 MB
    ['64M', 64],
    ['21217x', 21217],
    ['  12', 12],
    ['\t+5', 5],
    ['-1', -1],
    ['abc', 0],
    ['', 0],
    ['0x10', 0],
    ['1e3', 1],
    ['4294978507', 11211], // 2^32 + 11211: the int cast drops the high bits
    ['2147483648', -2147483648],
    ['99999999999999999999', -1], // saturates to LONG_MAX = 0x7fff...ffff, low 32 bits are all ones
    ['-99999999999999999999', 0], // LONG_MIN = 0x8000...0000, low 32 bits are 0
    ['9223372036854775807', -1],
  ])('atoi(%j) = %d', (text, expected) => {
    expect(atoi(text)).toBe(expected);
  });

  it('reports what it read and what it ignored', () => {
    expect(atoiDetail('64M')).toEqual({ value: 64, consumed: '64', rest: 'M', digits: true });
    expect(atoiDetail('abc')).toEqual({ value: 0, consumed: '', rest: 'abc', digits: false });
  });

  it('strtol flags overflow', () => {
    expect(strtol('9223372036854775807', 10)).toMatchObject({ value: (1n << 63n) - 1n, overflow: false });
    expect(strtol('9223372036854775808', 10)).toMatchObject({ value: (1n << 63n) - 1n, overflow: true });
    expect(strtol('-9223372036854775808', 10)).toMatchObject({ value: -(1n << 63n), overflow: false });
    expect(strtol('-9223372036854775809', 10)).toMatchObject({ value: -(1n << 63n), overflow: true });
  });
});

describe('octal (-a)', () => {
  it.each([
    ['0660', 0o660],
    ['660', 0o660],
    ['777', 0o777],
    ['0777', 0o777],
    ['1777', 0o1777],
    ['0999', 0], // stops at the 9: just "0"
    ['abc', 0],
    ['0x1ff', 0],
    [' 755', 0o755],
  ])('strtol(%j, NULL, 8) = %o', (text, expected) => {
    expect(octal(text)).toBe(expected);
  });
});

describe('atof (-f)', () => {
  it.each([
    ['1.25', 1.25],
    ['2', 2],
    ['.5', 0.5],
    ['1e3x', 1000],
    ['1e', 1],
    [' 2.5', 2.5],
    ['abc', 0],
    ['0x2', 2], // strtod reads hexadecimal
    ['0x1p3', 8],
    ['0x.8', 0.5],
    ['0x', 0],
    ['-1.5', -1.5],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
  ])('atof(%j) = %d', (text, expected) => {
    expect(atof(text)).toBe(expected);
  });

  it('reads nan and nan(chars)', () => {
    expect(atof('nan')).toBeNaN();
    expect(atof('NAN(123)')).toBeNaN();
  });
});

describe('safe_strtol (listener ports, ssl_* numbers)', () => {
  it.each([
    ['11211', 11211],
    ['11211 ', 11211],
    [' 11211', 11211],
    ['-1', -1],
    ['+7', 7],
    ['4294978507', 11211], // fits a long: stored into int32_t, truncated
    ['9223372036854775807', -1],
  ])('accepts %j as %d', (text, expected) => {
    expect(safeStrtol(text)).toBe(expected);
  });

  it.each(['', 'abc', '12x', '12.5', '-', '9223372036854775808', '-9223372036854775809'])('refuses %j', (text) => {
    expect(safeStrtol(text)).toBeNull();
  });
});

describe('safe_strtoul (sizes, lru_crawler_tocrawl, …)', () => {
  it.each([
    ['5', 5],
    ['4294967295', 4294967295],
    ['4294967296', 0], // uint32_t truncation
    ['-0', 0],
    ['18446744073709551615', 4294967295], // (long) l < 0, but no '-' was written
    ['7 ', 7],
  ])('accepts %j as %d', (text, expected) => {
    expect(safeStrtoul(text)).toBe(expected);
  });

  it.each(['-1', '-5', '18446744073709551616', '', 'x', '5x'])('refuses %j', (text) => {
    expect(safeStrtoul(text)).toBeNull();
  });
});

/**
 * scanNumber sums the digits in a double while that is exact and in BigInt beyond. Held here to the
 * reading it replaced, one BigInt step per digit, on any text: signs, C blanks, long runs of digits
 * around 2^53, LONG_MAX and ULONG_MAX, other characters after them.
 */
describe('the number scan, against a BigInt reading digit by digit', () => {
  const SPACES = new Set([' ', '\t', '\n', '\v', '\f', '\r']);
  const LMAX = (1n << 63n) - 1n;
  const LMIN = -(1n << 63n);
  const UMAX = (1n << 64n) - 1n;
  function scan(text: string, base: 8 | 10, cap: bigint) {
    let i = 0;
    while (SPACES.has(text[i])) i++;
    let negative = false;
    if (text[i] === '+' || text[i] === '-') {
      negative = text[i] === '-';
      i++;
    }
    const start = i;
    let magnitude = 0n;
    const maxDigit = base === 8 ? '7' : '9';
    while (i < text.length && text[i] >= '0' && text[i] <= maxDigit) {
      if (magnitude <= cap) magnitude = magnitude * BigInt(base) + BigInt(text.charCodeAt(i) - 48);
      i++;
    }
    return { negative, magnitude, end: i, digits: i > start };
  }
  function refStrtol(text: string, base: 8 | 10) {
    const n = scan(text, base, LMAX + 1n);
    if (!n.digits) return { value: 0n, end: 0, digits: false, overflow: false };
    let overflow = n.magnitude > LMAX + 1n;
    let v = n.negative ? -n.magnitude : n.magnitude;
    if (overflow || v > LMAX || v < LMIN) {
      overflow = true;
      v = n.negative ? LMIN : LMAX;
    }
    return { value: v, end: n.end, digits: true, overflow };
  }
  function refStrtoul(text: string): number | null {
    const { negative, magnitude, end, digits } = scan(text, 10, UMAX);
    if (!digits || magnitude > UMAX) return null;
    const next = text[end];
    if (!(next === undefined || SPACES.has(next))) return null;
    const value = negative ? BigInt.asUintN(64, -magnitude) : magnitude;
    if (value > LMAX && negative) return null;
    return Number(BigInt.asUintN(32, value));
  }
  const edges = ['900719925474099', '900719925474100', '9007199254740991', '9007199254740993', '9223372036854775807', '9223372036854775808', '18446744073709551615', '18446744073709551616', '777777777777777777777', '1000000000000000000000000000'];
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom('0', '1', '7', '8', '9', '5', '-', '+', ' ', '\t', '\v', 'x', 'k', '.') , maxLength: 40 }),
    fc.tuple(fc.constantFrom('', ' ', '-', '+', ' -', '\t+'), fc.constantFrom(...edges), fc.constantFrom('', '0', '9', ' ', 'x', '12')).map(([a, b, c]) => a + b + c),
    fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map((n) => n.toString()),
  );

  it('strtol (bases 10 and 8), safe_strtoul, atoi and octal read what digit-by-digit BigInt reads', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(strtol(t, 10)).toEqual(refStrtol(t, 10));
        expect(strtol(t, 8)).toEqual(refStrtol(t, 8));
        expect(safeStrtoul(t)).toBe(refStrtoul(t));
        expect(atoi(t)).toBe(Number(BigInt.asIntN(32, refStrtol(t, 10).value)));
        expect(octal(t)).toBe(Number(BigInt.asIntN(32, refStrtol(t, 8).value)));
      }),
      { numRuns: 3000 },
    );
  });
});
