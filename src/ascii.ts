/**
 * Character tests for the short strings a one-file lint checks once or a few times: a rule's ID, a
 * version, a dotted quad. A regular expression is compiled on its first execution and compiled again to
 * machine code on its second (tens of microseconds each); a lint runs every one of them for the first
 * time, so these few loops replace the expressions on that path. Each caller names the expression it
 * stands for, and a property test holds it to that expression (test/ascii.test.ts and the callers' tests).
 */

/** Whether `c` (a UTF-16 code unit) is an ASCII digit, `\d` without the `u` flag. */
export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether `s[from, to)` is one or more ASCII digits. */
export function digitsBetween(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let k = from; k < to; k++) if (!isDigitCode(s.charCodeAt(k))) return false;
  return true;
}

/**
 * The ends of `s`'s groups of ASCII digits separated by single dots, when `s` is exactly `min` to `max` such
 * groups (`^\d+\.\d+\.\d+$` is min = max = 3), each of 1 to `width` digits; null otherwise. `ends[k]` is
 * the offset just after group k (group k starts after `ends[k - 1]` and its dot).
 */
export function dottedGroups(s: string, min: number, max: number, width = Infinity): number[] | null {
  const ends: number[] = [];
  let from = 0;
  for (let k = 0; k <= s.length; k++) {
    if (k < s.length && isDigitCode(s.charCodeAt(k))) continue;
    if (k === from || k - from > width) return null;
    ends.push(k);
    if (ends.length > max) return null;
    if (k === s.length) break;
    if (s.charCodeAt(k) !== 46 /* . */) return null;
    from = k + 1;
  }
  return ends.length >= min ? ends : null;
}

/**
 * Whether `c` is white space as a regular expression's `\s` reads it (ECMAScript's WhiteSpace and
 * LineTerminator: tab, line feed, vertical tab, form feed, carriage return, space, U+00A0, U+1680,
 * U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF).
 */
export function isRegExpSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Whether `c` is an ASCII letter (what `[a-z]` matches under the `i` flag without `u`, and `[A-Za-z]`). */
export function isAsciiLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Whether every character of `s` is printable ASCII, U+0020–U+007E (`/^[\x20-\x7e]*$/`). */
export function isPrintableAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Whether `s` is a variable's name, `/^[A-Za-z_][A-Za-z0-9_]*$/`. */
export function isEnvName(s: string): boolean {
  if (s.length === 0) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (!(isAsciiLetterCode(c) || c === 95 || (k > 0 && isDigitCode(c)))) return false;
  }
  return true;
}

/** How many characters of `s` are one of `chars` (`s.match(/[chars]/g)?.length ?? 0`). */
export function countOf(s: string, chars: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) if (chars.includes(s[k])) n++;
  return n;
}
