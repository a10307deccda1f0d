/**
 * A decimal IPv4 address without trusted networks is classified from ipaddr.js's table of IPv4 ranges
 * written out (classOfQuad), not by ipaddr.js's parser: the class must be the one ipaddr.js gives, for
 * every first and second number, with the third numbers that start, end and lie inside the /24 ranges, and
 * for address texts ipaddr.js reads otherwise (octal `010`, hexadecimal, three parts, a zone).
 */
import fc from 'fast-check';
import { classifyAddressAfresh, classifyWithIpaddr, decimalQuad } from '../../src/engine/exposure.js';

describe('the class of a decimal IPv4 address', () => {
  it('is ipaddr.js\'s for every a.b with c and d at the ends of a /16, and every a.b.c where a /24 range lies', () => {
    const differ: string[] = [];
    const check = (a: number, b: number, c: number, d: number) => {
      const text = `${a}.${b}.${c}.${d}`;
      if (classifyAddressAfresh(text, []) !== classifyWithIpaddr(text, [])) differ.push(text);
    };
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) for (const c of [0, 255]) for (const d of [0, 255]) check(a, b, c, d);
    for (const a of [192, 198, 203, 255]) for (let b = 0; b < 256; b++) for (let c = 0; c < 256; c++) for (const d of [0, 255]) check(a, b, c, d);
    expect(differ.slice(0, 20)).toEqual([]);
  });

  it('is ipaddr.js\'s for any address text', () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom('0', '00', '010', '08', '0x1', '0xff', '256', '999', '', ' 1', '1 ', '٣'));
    const text = fc.oneof(
      fc.tuple(octet, octet, octet, octet).map((p) => p.join('.')),
      fc.array(octet, { minLength: 1, maxLength: 5 }).map((p) => p.join('.')),
      fc.tuple(octet, octet, octet, octet, fc.constantFrom('%eth0', '%', '/8', ':1')).map((p) => `${p.slice(0, 4).join('.')}${p[4]}`),
    );
    fc.assert(fc.property(text, (t) => expect([t, classifyAddressAfresh(t, [])]).toEqual([t, classifyWithIpaddr(t, [])])), { numRuns: 20000 });
  });

  it('reads only what ipaddr.js reads in decimal: no leading zeros, no part above 255', () => {
    expect(decimalQuad('127.0.0.1')).toEqual([127, 0, 0, 1]);
    for (const t of ['010.0.0.1', '1.2.3.04', '256.1.1.1', '1.2.3', '1.2.3.4.5', '0x7f.0.0.1', '127.0.0.1%lo', ' 1.2.3.4']) expect(decimalQuad(t)).toBeNull();
  });
});
