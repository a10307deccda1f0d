/** The start-up model's dotted-quad test, held to the reading it replaced (the regular expression, then each part split at the dots at most 255). */
import fc from 'fast-check';
import { isIPv4, isUnspecified } from '../../src/memcached/startup.js';

const ref = (text: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text) && text.split('.').every((p) => Number(p) <= 255);

describe('isIPv4', () => {
  it('is the regular expression with every part at most 255', () => {
    const part = fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.constantFrom('', '00', '010', '255', '256', '1e2', ' 1', '٣', 'x'));
    const text = fc.oneof(fc.array(part, { minLength: 1, maxLength: 6 }).map((p) => p.join('.')), fc.string({ unit: fc.constantFrom(...'0123456789.: x'), maxLength: 18 }));
    fc.assert(fc.property(text, (t) => expect(isIPv4(t)).toBe(ref(t))), { numRuns: 5000 });
    const quad = fc.tuple(part, part, part, part).map((p) => p.join('.'));
    fc.assert(fc.property(quad, (t) => expect(isIPv4(t)).toBe(ref(t))), { numRuns: 5000 });
    for (const t of ['0.0.0.0', '255.255.255.255', '256.1.1.1', '1.256.1.1', '1.1.256.1', '1.1.1.256', '1.2.3', '1.2.3.4.', '127.0.0.1\n']) expect(isIPv4(t)).toBe(ref(t));
  });
});

describe('isUnspecified', () => {
  const ref = (text: string) => (isIPv4(text) ? text.split('.').every((p) => Number(p) === 0) : /^[0:]+$/.test(text));
  it('is a dotted quad of zeros, or zeros and colons, as splitting the parts says', () => {
    const part = fc.constantFrom('0', '00', '000', '0000', '1', '10', '255', '', '0x0');
    const text = fc.oneof(fc.tuple(part, part, part, part).map((p) => p.join('.')), fc.string({ unit: fc.constantFrom(...'0:.1'), maxLength: 12 }));
    fc.assert(fc.property(text, (t) => expect(isUnspecified(t)).toBe(ref(t))), { numRuns: 5000 });
  });
});
