/**
 * The packet filter's verdicts as the audit rules use them: the verdict for a held socket, and the sources
 * it accepts split into those inside and outside the trusted networks.
 */
import ipaddr from 'ipaddr.js';
import { parseCidrs } from '../../engine/exposure.js';
import { socketKey, type HeldSocket } from '../../system/sockets.js';
import type { AuditFacts } from '../types.js';
import { AddrSet, addressToBigInt, type Family } from './space.js';
import type { SocketFirewall } from './verdict.js';

export function firewallFor(a: AuditFacts, s: HeldSocket): SocketFirewall | null {
  const key = socketKey(s);
  return a.firewall?.find((f) => f.socket === key) ?? null;
}

/** The trusted networks of one family as an address set. */
export function trustedSet(family: Family, trusted: string[]): AddrSet {
  let out = AddrSet.empty(family);
  for (const [addr, len] of parseCidrs(trusted)) {
    const a = addr.kind() === 'ipv4' && family === 'ipv6' ? (addr as ipaddr.IPv4).toIPv4MappedAddress() : addr;
    if ((a.kind() === 'ipv4') !== (family === 'ipv4')) continue;
    out = out.union(AddrSet.prefix(family, addressToBigInt(a), a.kind() === addr.kind() ? len : len + 96));
  }
  return out;
}

/** The accepted sources outside and inside the trusted networks. */
export function splitByTrust(f: SocketFirewall, trusted: string[]): { outside: AddrSet; inside: AddrSet } {
  const t = trustedSet(f.sources.family, trusted);
  return { outside: f.sources.minus(t), inside: f.sources.intersect(t) };
}

/** CIDR blocks for a message: the first `max`, then how many more. */
export function cidrList(s: AddrSet, max = 8): string {
  if (s.isFull()) return 'any address';
  const all = s.toCidrs();
  return all.length > max ? `${all.slice(0, max).join(', ')} and ${all.length - max} more` : all.join(', ');
}

/** Where an `open` verdict accepts from: "any address", or its deny-list / per-interface description. */
export function openFrom(f: SocketFirewall): string {
  return f.from.length === 1 && (f.from[0] === '0.0.0.0/0' || f.from[0] === '::/0') ? 'any address' : f.from.join(', ');
}
