/**
 * The C library number parsers memcached uses, reproduced exactly: `atoi` (glibc: `(int) strtol(s, NULL, 10)`),
 * `atof`, `strtol(s, NULL, 8)` and memcached's own strict `safe_strtol`.
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
}

/** C `strtol(text, &end, base)` for base 8 or 10, with saturation at LONG_MIN/LONG_MAX. */
export function strtol(text: string, base: 8 | 10): StrtolResult {
  let i = 0;
  while (isCSpace(text[i])) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  // strtol with base 8 accepts an optional leading "0" like any digit; no "0x" handling needed for 8/10.
  const start = i;
  let value = 0n;
  let overflow = false;
  const maxDigit = base === 8 ? '7' : '9';
  while (i < text.length && text[i] >= '0' && text[i] <= maxDigit) {
    if (!overflow) {
      value = value * BigInt(base) + BigInt(text.charCodeAt(i) - 48);
      if (value > LONG_MAX + 1n) overflow = true;
    }
    i++;
  }
  if (i === start) return { value: 0n, end: 0, digits: false };
  let v = negative ? -value : value;
  if (overflow || v > LONG_MAX) v = negative ? LONG_MIN : LONG_MAX;
  if (v < LONG_MIN) v = LONG_MIN;
  return { value: v, end: i, digits: true };
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

/** C `atof` (strtod): leading blanks, the longest prefix that is a decimal number; 0 when none. */
export function atof(text: string): number {
  let i = 0;
  while (isCSpace(text[i])) i++;
  const m = /^[+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/i.exec(text.slice(i));
  if (!m) return 0;
  const s = m[0].toLowerCase();
  if (s.includes('inf')) return s.startsWith('-') ? -Infinity : Infinity;
  if (s.includes('nan')) return NaN;
  return Number(s);
}

/**
 * memcached's `safe_strtol` (util.c): strtol base 10, must have read digits, may be followed only by
 * whitespace or the end, and must fit in an int.
 */
export function safeStrtol(text: string): number | null {
  const r = strtol(text, 10);
  if (!r.digits) return null;
  const next = text[r.end];
  if (!(next === undefined || isCSpace(next))) return null;
  if (r.value > 2147483647n || r.value < -2147483648n) return null;
  return Number(r.value);
}

/**
 * memcached's `safe_strtoul`: strtoul base 10 into a uint32. A leading minus is accepted by strtoul
 * but memcached rejects a "negative" number that wrapped around.
 */
export function safeStrtoul(text: string): number | null {
  const r = strtol(text, 10);
  if (!r.digits) return null;
  const next = text[r.end];
  if (!(next === undefined || isCSpace(next))) return null;
  if (r.value < 0n || r.value > 4294967295n) return null;
  return Number(r.value);
}
