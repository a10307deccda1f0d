/**
 * The C number parsers. Expectations follow C semantics on x86-64 glibc: atoi is (int) strtol(s, NULL, 10),
 * strtol saturates at LONG_MAX / LONG_MIN, an int cast keeps the low 32 bits, memcached's safe_strtol /
 * safe_strtoul (util.c) store into 32-bit variables.
 */
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
