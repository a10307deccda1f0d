/**
 * numericIPv4's fast path (a dotted quad with no octal group is its own dotted-decimal form) held to the
 * full reading of glibc's inet_aton forms, written out here as it was before the fast path.
 */
import fc from 'fast-check';
import { numericIPv4, plainDottedQuad } from '../../src/memcached/startup.js';

/** inet_aton's numbers: one to four parts, decimal, octal after a leading 0, hex after 0x; the last fills the rest. */
function reference(text: string): string | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    const m = /^(0[xX]([0-9a-fA-F]{1,12})|0([0-7]{1,12})|([1-9][0-9]{0,11}|0))$/.exec(part);
    if (!m) return null;
    values.push(m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? parseInt(m[3], 8) : parseInt(m[4], 10));
  }
  const last = values[values.length - 1];
  const head = values.slice(0, -1);
  if (head.some((v) => v > 0xff) || last >= 2 ** (8 * (5 - values.length))) return null;
  const n = head.reduce((acc, v, k) => acc + v * 2 ** (8 * (3 - k)), 0) + last;
  return [24, 16, 8, 0].map((sh) => Math.floor(n / 2 ** sh) % 256).join('.');
}

describe('numericIPv4', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['010.0.0.1', '8.0.0.1'],
    ['10.0.0.01', '10.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x7f000001', '127.0.0.1'],
    ['08.0.0.1', null],
    ['256.0.0.1', null],
    ['localhost', null],
  ])('%s', (text, want) => {
    expect(numericIPv4(text)).toBe(want);
    expect(reference(text)).toBe(want);
  });

  it('agrees with the full reading on dotted quads, with and without leading zeros', () => {
    const group = fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 })).map(([v, zeros]) => '0'.repeat(zeros) + String(v));
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 5 }), (groups) => {
        const text = groups.join('.');
        expect(numericIPv4(text)).toBe(reference(text));
        if (plainDottedQuad(text)) expect(reference(text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});
