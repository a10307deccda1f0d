/**
 * classifyAddress remembers the class of an address seen without trusted networks (the same addresses
 * recur in every file of a run). The remembered class must be what classifying afresh says, for any
 * address text asked in any order and asked again, and trusted networks must bypass it.
 */
import fc from 'fast-check';
import { classifyAddress, classifyAddressAfresh, parseCidrs } from '../../src/engine/exposure.js';

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom('256', '010', '0x1', '', '1e2'));
const v4 = fc.tuple(octet, octet, octet, octet).map((p) => p.join('.'));
const v6 = fc.array(fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdefF'), maxLength: 4 }), fc.constantFrom('', 'ffff', '::', '1')), { minLength: 1, maxLength: 9 }).map((p) => p.join(':'));
const known = fc.constantFrom('0.0.0.0', '::', '127.0.0.1', '127.1', '::1', '::ffff:127.0.0.1', '::ffff:10.1.2.3', '10.0.0.1', '192.168.1.1', '172.16.5.4', '100.64.0.1', 'fe80::1%eth0', 'fd00::1', '8.8.8.8', '2001:db8::1', 'localhost', 'cache.example.com', '169.254.1.1', '224.0.0.1', '255.255.255.255');
const address = fc.oneof(known, v4, v6, fc.string({ maxLength: 12 }));

describe('classifyAddress, remembered', () => {
  it('is what classifying afresh says, asked in any order, again and again', () => {
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 30 }), (addrs) => {
        for (const a of [...addrs, ...addrs]) expect(classifyAddress(a)).toBe(classifyAddressAfresh(a, []));
      }),
      { numRuns: 400 },
    );
  });

  it('does not remember across trusted networks: a trusted address is trusted only with them', () => {
    const trusted = parseCidrs(['10.0.0.0/8']);
    expect(classifyAddress('10.1.2.3')).toBe('private');
    expect(classifyAddress('10.1.2.3', trusted)).toBe('trusted');
    expect(classifyAddress('10.1.2.3')).toBe('private');
    expect(classifyAddress('8.8.8.8', trusted)).toBe('public');
  });

  it('stays right past the bound of remembered addresses', () => {
    for (let i = 0; i < 5000; i++) {
      const a = `10.${(i >> 8) & 255}.${i & 255}.1`;
      expect(classifyAddress(a)).toBe('private');
    }
    expect(classifyAddress('8.8.8.8')).toBe('public');
    expect(classifyAddress('127.0.0.1')).toBe('loopback');
  });
});
