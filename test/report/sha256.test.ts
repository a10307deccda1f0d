/**
 * sha256Hex is SHA-256: FIPS 180-4's own examples, the padding's edge lengths (55, 56, 63, 64 bytes...),
 * and node:crypto itself on generated strings (ASCII, any code point, lone surrogates, long ones).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha256Hex } from '../../src/report/sha256.js';

const node = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('sha256Hex', () => {
  test("the standard's examples", () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  test('every length around the padding boundaries', () => {
    for (let n = 0; n <= 200; n++) expect(sha256Hex('a'.repeat(n))).toBe(node('a'.repeat(n)));
  });

  test('the same digest as node:crypto on generated strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 })), (s) => {
        expect(sha256Hex(s)).toBe(node(s));
      }),
      { numRuns: 3000, seed: 18 },
    );
  });

  test('a long input (several blocks, a length beyond 2^16 bits)', () => {
    const s = 'mchard/v1 '.repeat(10_000);
    expect(sha256Hex(s)).toBe(node(s));
  });
});
