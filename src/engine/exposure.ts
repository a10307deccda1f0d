/**
 * Classifying listen addresses (with ipaddr.js): loopback, private, public, wildcard or host name, and
 * whether the instance is "network-exposed": a TCP or UDP listener on anything but loopback.
 */
import ipaddr from 'ipaddr.js';
import type { Listener } from '../memcached/startup.js';
import { dottedGroups } from '../ascii.js';

export type AddressClass = 'loopback' | 'private' | 'trusted' | 'public' | 'wildcard' | 'hostname' | 'unspecified-other';

export interface ClassifiedListener {
  listener: Extract<Listener, { transport: 'tcp' | 'udp' }>;
  cls: AddressClass;
}

export interface Exposure {
  listeners: ClassifiedListener[];
  /** At least one TCP/UDP listener on a non-loopback address (the wildcard included). */
  networkExposed: boolean;
  /** At least one listener on a public address or the wildcard. */
  publiclyExposed: boolean;
}

const PRIVATE_RANGES = new Set(['private', 'uniqueLocal', 'linkLocal', 'carrierGradeNat']);

/**
 * The networks of a list, parsed once per list: the same `trusted-networks` list is read by the
 * exposure of every file and by several rules. A `.mchardrc` of 1 MiB lists about 90,000 networks, and
 * parsing them again for each took a one-file lint 12.6 s.
 */
const parsedLists = new WeakMap<readonly string[], [ipaddr.IPv4 | ipaddr.IPv6, number][]>();

export function parseCidrs(list: string[]): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  let parsed = parsedLists.get(list);
  if (!parsed) parsedLists.set(list, (parsed = parseCidrList(list)));
  return parsed;
}

function parseCidrList(list: string[]): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return list.map((c) => {
    try {
      // An address without a colon is no IPv6 address: ipaddr.parseCIDR's IPv6 attempt, failing first for
      // each IPv4 network, was most of the time a long list took.
      const v6 = c.includes(':');
      const cidr = c.includes('/') ? c : `${c}/${v6 ? 128 : 32}`;
      return v6 ? ipaddr.parseCIDR(cidr) : ipaddr.IPv4.parseCIDR(cidr);
    } catch {
      throw new Error(`invalid network "${c}" (expected CIDR notation such as 10.0.0.0/8)`);
    }
  });
}

/**
 * The class of each address seen without trusted networks, for the run: the same few addresses
 * (127.0.0.1, 0.0.0.0, a private range) recur in every file, and several rules classify each file's
 * entries again. The class is a function of the address text alone; bounded, as a file can hold many.
 */
const plainClasses = new Map<string, AddressClass>();
const PLAIN_CLASSES_MAX = 4096;

export function classifyAddress(address: string, trusted: [ipaddr.IPv4 | ipaddr.IPv6, number][] = []): AddressClass {
  if (trusted.length !== 0) return classifyAddressAfresh(address, trusted);
  let cls = plainClasses.get(address);
  if (cls === undefined) {
    cls = classifyAddressAfresh(address, trusted);
    if (plainClasses.size >= PLAIN_CLASSES_MAX) plainClasses.clear();
    plainClasses.set(address, cls);
  }
  return cls;
}

/** classifyAddress without the remembered classes (the tests hold the two to each other). */
export function classifyAddressAfresh(address: string, trusted: [ipaddr.IPv4 | ipaddr.IPv6, number][]): AddressClass {
  if (address === '0.0.0.0' || address === '::') return 'wildcard';
  if (trusted.length === 0) {
    const quad = decimalQuad(address);
    if (quad !== null) return classOfQuad(quad);
  }
  return classifyWithIpaddr(address, trusted);
}

/**
 * The four numbers of an IPv4 address written as ipaddr.js reads it in decimal: four groups of one to
 * three digits, each at most 255 and without a leading zero (ipaddr.js reads `010` as octal); null for any
 * other text, which ipaddr.js classifies.
 */
export function decimalQuad(address: string): [number, number, number, number] | null {
  const ends = dottedGroups(address, 4, 4, 3);
  if (ends === null) return null;
  const quad: number[] = [];
  for (let k = 0, from = 0; k < 4; from = ends[k++] + 1) {
    if (ends[k] - from > 1 && address.charCodeAt(from) === 48) return null;
    const n = Number(address.slice(from, ends[k]));
    if (n > 255) return null;
    quad.push(n);
  }
  return quad as [number, number, number, number];
}

/**
 * The class of a decimal IPv4 address without trusted networks, from ipaddr.js's table of IPv4 ranges
 * (`IPv4.prototype.SpecialRanges`, version 2.5, its first match wins): a lint of 127.0.0.1 or a private
 * address no longer runs ipaddr.js's parser (six case-insensitive expressions, each compiled on first use).
 * test/engine/exposure-quad.test.ts holds it to classifyWithIpaddr on every first and second number with
 * the third and fourth that end and start each range.
 */
export function classOfQuad([a, b, c, d]: readonly [number, number, number, number]): AddressClass {
  if (a === 0) return 'wildcard'; // unspecified, 0.0.0.0/8
  if (a === 255 && b === 255 && c === 255 && d === 255) return 'unspecified-other'; // broadcast
  if (a >= 224 && a <= 239) return 'unspecified-other'; // multicast, 224.0.0.0/4
  if (a === 169 && b === 254) return 'private'; // linkLocal
  if (a === 127) return 'loopback';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrierGradeNat, 100.64.0.0/10
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  // reserved (192.0.0.0/24, 192.0.2.0/24, 192.88.99.0/24, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24,
  // 240.0.0.0/4), as112 (192.175.48.0/24, 192.31.196.0/24), amt (192.52.193.0/24)
  if (a >= 240) return 'unspecified-other';
  if (a === 192 && ((b === 0 && (c === 0 || c === 2)) || (b === 88 && c === 99) || (b === 175 && c === 48) || (b === 31 && c === 196) || (b === 52 && c === 193))) return 'unspecified-other';
  if (a === 198 && (b === 18 || b === 19 || (b === 51 && c === 100))) return 'unspecified-other';
  if (a === 203 && b === 0 && c === 113) return 'unspecified-other';
  return 'public'; // unicast
}

/** The class ipaddr.js's parser and range table give (any address text, trusted networks included). */
export function classifyWithIpaddr(address: string, trusted: [ipaddr.IPv4 | ipaddr.IPv6, number][]): AddressClass {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(address.replace(/%.*$/, ''));
  } catch {
    return 'hostname';
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  const range = addr.range();
  if (range === 'loopback') return 'loopback';
  if (range === 'unspecified') return 'wildcard';
  for (const [net, bits] of trusted) {
    if (net.kind() === addr.kind() && addr.match(net, bits)) return 'trusted';
  }
  if (PRIVATE_RANGES.has(range)) return 'private';
  if (range === 'unicast') return 'public';
  return 'unspecified-other';
}

export function assessExposure(listeners: readonly Listener[], trustedNetworks: string[]): Exposure {
  const trusted = parseCidrs(trustedNetworks);
  const out: ClassifiedListener[] = [];
  for (const l of listeners) {
    if (l.transport === 'unix') continue;
    // "localhost" resolves to loopback addresses through /etc/hosts on every mainstream system.
    const cls = l.address === null ? (isLocalhostName(l.host) ? 'loopback' : 'hostname') : classifyAddress(l.address, trusted);
    out.push({ listener: l, cls });
  }
  return {
    listeners: out,
    networkExposed: out.some((c) => c.cls !== 'loopback'),
    publiclyExposed: out.some((c) => c.cls === 'public' || c.cls === 'wildcard'),
  };
}

function isLocalhostName(host: string | null): boolean {
  return host !== null && /^(localhost|ip6-localhost|ip6-loopback)$|\.localhost$/i.test(host.replace(/\.$/, ''));
}
