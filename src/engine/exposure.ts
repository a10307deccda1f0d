/**
 * Classifying listen addresses (with ipaddr.js): loopback, private, public, wildcard or host name, and
 * whether the instance is "network-exposed": a TCP or UDP listener on anything but loopback.
 */
import ipaddr from 'ipaddr.js';
import type { Listener } from '../memcached/startup.js';

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

export function parseCidrs(list: string[]): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return list.map((c) => {
    try {
      return ipaddr.parseCIDR(c.includes('/') ? c : `${c}/${c.includes(':') ? 128 : 32}`);
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
