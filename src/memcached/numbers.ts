/**
 * The C library number parsers memcached uses, reproduced exactly: `atoi` (glibc: `(int) strtol(s, NULL, 10)`),
 * `atof`, `strtol(s, NULL, 8)` and memcached's own `safe_strtol` / `safe_strtoul`.
 */

const C_SPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);

export function isCSpace(ch: string | undefined): boolean {
  return ch !== undefined && C_SPACE.has(ch);
}

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

export interface StrtolResult {
  /** The value as `long` (saturated on overflow, like strtol). */
  value: bigint;
  /** Index just past the last character consumed (0 when nothing was). */
  end: number;
  /** Whether any digit was read. */
  digits: boolean;
  /** Whether the number did not fit in a `long` (strtol sets ERANGE and saturates). */
  overflow: boolean;
}

/**
 * What strtol and strtoul share: leading C blanks, an optional sign, then digits of the base. The
 * magnitude stops growing once it passes `cap` (the caller only needs to know it overflowed).
 *
 * The digits are summed in a double while the sum stays exact (below 2^53 / 10, far below any cap, which
 * are LONG_MAX + 1 and ULONG_MAX), and in BigInt only beyond: a BigInt per digit made every option value
 * of every file cost two allocations a digit (test/memcached/numbers.test.ts holds this to the plain
 * BigInt reading, property-style).
 */
function scanNumber(text: string, base: 8 | 10, cap: bigint): { negative: boolean; magnitude: bigint; end: number; digits: boolean } {
  let i = 0;
  while (isCSpace(text[i])) i++;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    negative = sign === 45;
    i++;
  }
  // Base 8 takes an optional leading "0" like any digit; no "0x" handling is needed for 8 or 10.
  const start = i;
  const maxDigit = base === 8 ? 55 /* 7 */ : 57 /* 9 */;
  let small = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > maxDigit) break;
    if (small >= EXACT_LIMIT) break;
    small = small * base + (c - 48);
  }
  let magnitude = BigInt(small);
  const big = BigInt(base);
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > maxDigit) break;
    if (magnitude <= cap) magnitude = magnitude * big + BigInt(c - 48);
  }
  return { negative, magnitude, end: i, digits: i > start };
}

/** Below this, `n * 10 + 9` is still an exact double (2^53 / 10, rounded down). */
const EXACT_LIMIT = 900_719_925_474_099;

const LONG_OVER = LONG_MAX + 1n;

/** C `strtol(text, &end, base)` for base 8 or 10, with saturation at LONG_MIN/LONG_MAX. */
export function strtol(text: string, base: 8 | 10): StrtolResult {
  const n = scanNumber(text, base, LONG_OVER);
  if (!n.digits) return { value: 0n, end: 0, digits: false, overflow: false };
  let overflow = n.magnitude > LONG_OVER;
  let v = n.negative ? -n.magnitude : n.magnitude;
  if (overflow || v > LONG_MAX || v < LONG_MIN) {
    overflow = true;
    v = n.negative ? LONG_MIN : LONG_MAX;
  }
  return { value: v, end: n.end, digits: true, overflow };
}

/** Truncate a `long` to a 32-bit `int`, as a C cast does on x86-64. */
export function toInt32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** glibc `atoi`: `(int) strtol(s, NULL, 10)`. */
export function atoi(text: string): number {
  return toInt32(strtol(text, 10).value);
}

/** How much of `text` atoi actually used, and whether anything was left over. */
export function atoiDetail(text: string): { value: number; consumed: string; rest: string; digits: boolean } {
  const r = strtol(text, 10);
  const end = r.digits ? r.end : 0;
  return { value: toInt32(r.value), consumed: text.slice(0, end), rest: text.slice(end), digits: r.digits };
}

/** `strtol(s, NULL, 8)` cast to int (used for `-a`). */
export function octal(text: string): number {
  return toInt32(strtol(text, 8).value);
}

/**
 * C `atof` (glibc strtod): leading blanks, then the longest prefix that is a number — decimal, hexadecimal
 * (`0x1p3`), `inf`/`infinity` or `nan`/`nan(...)`; 0 when there is none. So `-f 0x2` is a factor of 2.
 */
export function atof(text: string): number {
  let i = 0;
  while (isCSpace(text[i])) i++;
  const rest = text.slice(i);
  const hex = /^([+-]?)0[xX](?=\.?[0-9a-fA-F])([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?/.exec(rest);
  if (hex) return hexFloat(hex[1] === '-', hex[2], hex[3] ?? '', hex[4]);
  const m = /^[+-]?(?:inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/i.exec(rest);
  if (!m) return 0;
  const s = m[0].toLowerCase();
  if (s.includes('inf')) return s.startsWith('-') ? -Infinity : Infinity;
  if (s.includes('nan')) return NaN;
  return Number(s);
}

function hexFloat(negative: boolean, whole: string, fraction: string, exponent: string | undefined): number {
  let value = 0;
  for (const d of whole + fraction) value = value * 16 + parseInt(d, 16);
  const scaled = value * 2 ** (Number(exponent ?? 0) - 4 * fraction.length);
  return negative ? -scaled : scaled;
}

/**
 * memcached's `safe_strtol` (util.c): strtol base 10 must read digits and be followed by whitespace or the
 * end. Only a `long` overflow (ERANGE) fails; the result is then stored in an `int32_t` and so truncated:
 * `4294978507` is accepted as 11211.
 */
export function safeStrtol(text: string): number | null {
  const r = strtol(text, 10);
  if (!r.digits || r.overflow) return null;
  const next = text[r.end];
  if (!(next === undefined || isCSpace(next))) return null;
  return toInt32(r.value);
}

const ULONG_MAX = (1n << 64n) - 1n;

/**
 * memcached's `safe_strtoul` (util.c): C `strtoul` base 10 — which accepts a sign and negates in unsigned
 * arithmetic, failing only beyond ULONG_MAX — then a "negative" result (one that is negative as a `long`)
 * is refused when the number was written with a `-`. The value is stored in a `uint32_t`, so it is
 * truncated: `4294967296` is accepted as 0, `-1` is refused.
 */
export function safeStrtoul(text: string): number | null {
  const { negative, magnitude, end, digits } = scanNumber(text, 10, ULONG_MAX);
  if (!digits || magnitude > ULONG_MAX) return null;
  const next = text[end];
  if (!(next === undefined || isCSpace(next))) return null;
  const value = negative ? BigInt.asUintN(64, -magnitude) : magnitude;
  // (long) l < 0 and a '-' among the characters strtoul consumed (1.6.45; 1.6.18 looks at the whole string).
  if (value > LONG_MAX && negative) return null;
  return Number(BigInt.asUintN(32, value));
}
