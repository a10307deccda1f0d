/**
 * What a systemd unit's own network restrictions (read by src/dialects/unit-network.ts, where their
 * semantics and sources are) mean for the exposure rules and inspect: the shapes, and the verdict the
 * rules ask for. A file that is no unit, or a unit that restricts nothing, needs nothing more from here;
 * the reading and the judging live with the systemd dialect (dialects.js), which a unit's lint loads.
 */
import type ipaddr from 'ipaddr.js';
import type { Span } from '../source.js';
import type { ParsedConfig } from './types.js';
import { unitReach } from './unit-network.js';

export type Net = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The families memcached's listeners use. */
export type SocketFamily = 'AF_INET' | 'AF_INET6' | 'AF_UNIX';

export interface UnitNetwork {
  /** RestrictAddressFamilies=: the state after every assignment (null: no restriction). */
  readonly families: { readonly allowList: boolean; readonly set: ReadonlySet<string>; readonly spans: readonly Span[] } | null;
  /** Families a drop-in's RestrictAddressFamilies= leaves to the unit it extends (its assignments merge with the unit's). */
  readonly familiesUndecided: ReadonlySet<SocketFamily>;
  /** The ExecStart= prefix `+` (full privileges): the seccomp filters, this one included, are not applied. */
  readonly fullPrivileges: boolean;
  readonly ipAllow: readonly { readonly text: string; readonly nets: readonly Net[] }[];
  readonly ipDeny: readonly { readonly text: string; readonly nets: readonly Net[] }[];
  /** The IPAddressAllow=/IPAddressDeny= assignments in force. */
  readonly ipSpans: readonly Span[];
  /** PrivateNetwork=yes, where it is set. */
  readonly privateNetwork: Span | null;
  /** JoinsNamespaceOf=: the units that share the private namespace. */
  readonly joins: readonly string[];
  /** NetworkNamespacePath=: a namespace the file does not describe. */
  readonly namespacePath: { readonly path: string; readonly span: Span } | null;
  readonly bindAllow: readonly BindRule[];
  readonly bindDeny: readonly BindRule[];
  readonly dropIn: boolean;
}

/** One SocketBindAllow=/SocketBindDeny= rule: `any`, or `[ipv4|ipv6:][tcp|udp:][PORT[-PORT]]`. */
export interface BindRule {
  readonly text: string;
  readonly span: Span;
  readonly family: 'ipv4' | 'ipv6' | null;
  readonly protocol: 'tcp' | 'udp' | null;
  readonly ports: readonly [number, number] | null;
}

export type UnitReachKind = 'public' | 'private' | 'loopback' | 'nobody' | 'namespace';

export interface UnitReach {
  readonly reach: UnitReachKind;
  /** What limits it, for messages. */
  readonly why: string;
  readonly span: Span;
}
/** The network restrictions of a systemd unit's reading, or null for other files. */
export function unitNetworkOf(config: ParsedConfig): UnitNetwork | null {
  return config.dialect === 'systemd' ? ((config as ParsedConfig & { network?: UnitNetwork }).network ?? null) : null;
}

/**
 * For the exposure rules: how a wildcard or non-loopback listener of a systemd unit should be judged when
 * the unit restricts who reaches it (the counterpart of containerVerdict). Null when it does not.
 */
export function unitVerdict(
  config: ParsedConfig,
  listeners: readonly { transport: string; address?: string | null }[],
): { reach: UnitReachKind; severity: 'warning' | 'info'; where: string; keepsFix: boolean } | null {
  const net = unitNetworkOf(config);
  if (!net) return null;
  const versions = new Set<4 | 6>();
  for (const l of listeners) {
    if (l.transport !== 'tcp' && l.transport !== 'udp') continue;
    // A host name may resolve to either.
    if (!l.address) {
      versions.add(4);
      versions.add(6);
    } else versions.add(l.address.includes(':') ? 6 : 4);
  }
  const r = unitReach(net, [...versions]);
  if (!r) return null;
  // Binding to loopback takes nothing from a client the unit lets through where only loopback (or nothing)
  // reaches it, and keeps it closed if a drop-in or a host without cgroup BPF drops the filter; where the
  // unit lets private addresses through, those clients are the ones the unit was written for.
  return { reach: r.reach, severity: r.reach === 'private' ? 'warning' : 'info', where: r.why, keepsFix: r.reach !== 'private' };
}
