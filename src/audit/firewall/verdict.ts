/**
 * The packet filter's verdict for one socket a memcached process holds:
 * - `open`: new connections are accepted from any source address (or from all but a minority: a deny list
 *   that lets at least half the address space through) on at least one interface;
 * - `restricted`: only from the listed source ranges;
 * - `closed`: from nowhere;
 * - `unknown`: something on the way is not evaluated (named in `reason`); `from` then lists the sources
 *   accepted for certain.
 */
import { socketKey, type HeldSocket } from '../../system/sockets.js';
import { AddrSet, BITS, Interfaces, Region, familyOf, parseAddress, type Family } from './space.js';
import { evaluateTarget, inputChains, namedInterfaces, type Target } from './evaluate.js';
import type { Json, Ruleset } from './ruleset.js';

export type FirewallVerdict = 'open' | 'restricted' | 'closed' | 'unknown';

export interface SocketFirewall {
  /** `tcp 10.0.0.5:11211` */
  socket: string;
  verdict: FirewallVerdict;
  /** Sources accepted (CIDR blocks; `... via IF` when interfaces differ; `... except ...` for a deny list). */
  from: string[];
  reason: string;
  /** The accepted sources, whatever the interface (for the rules; not printed). */
  sources: AddrSet;
  /** Sources accepted per interface class, for the JSON output. */
  accepted: { interfaces: string[]; sources: string[] }[];
}

/** What the evaluator knows of the namespace the socket is in. */
export interface NamespaceFacts {
  /** Interface names (loopback included or not: it is left out). */
  interfaces: string[];
  /** Every local address of the namespace. */
  addresses: string[];
}

type NetSocket = Extract<HeldSocket, { transport: 'tcp' | 'udp' }>;

const isObj = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A destination NAT that could send packets addressed elsewhere to this socket (`tcp dport 8080 dnat to
 * :11211`): such a path is not evaluated, so its presence makes the verdict unknown. A rule whose own
 * matches pin the destination port to the socket's is no other path.
 */
function dnatPath(rs: Ruleset, t: Target, family: Family): string | null {
  for (const c of inputChains(rs, family)) {
    if (c.hook !== 'prerouting') continue;
    for (const r of c.rules) {
      const nat = r.expr.find((s) => isObj(s) && (isObj(s.dnat) || isObj(s.redirect)));
      if (!isObj(nat) || matchesOtherProtocol(r.expr, t.proto)) continue;
      const o = (nat.dnat ?? nat.redirect) as { [k: string]: Json };
      const port = typeof o.port === 'number' ? o.port : null;
      if (port !== null && port !== t.dport) continue;
      const addr = typeof o.addr === 'string' ? parseAddress(family, o.addr) : null;
      if (isObj(nat.dnat) && o.addr !== undefined && addr !== null && !(t.wildcard ? t.local.includes(addr) : addr === t.daddr)) continue;
      const pinsPort = r.expr.some(
        (s) => isObj(s) && isObj(s.match) && s.match.op === '==' && isObj(s.match.left) && isObj(s.match.left.payload) && s.match.left.payload.field === 'dport' && s.match.right === t.dport,
      );
      if (port === null && pinsPort) continue; // only the port's own packets, which the chains evaluate
      if (port !== null && pinsPort && o.addr === undefined) continue;
      return `destination NAT "${r.text}" in chain ${c.family} ${c.table} ${c.name} may send other packets to this socket (not evaluated)`;
    }
  }
  return null;
}

/** Whether a rule's matches name a transport protocol other than `proto` (`tcp dport 8080` for a UDP socket). */
function matchesOtherProtocol(expr: Json[], proto: 'tcp' | 'udp'): boolean {
  const other = proto === 'tcp' ? 'udp' : 'tcp';
  return expr.some((s) => {
    if (!isObj(s) || !isObj(s.match) || s.match.op !== '==') return false;
    const l = s.match.left;
    if (isObj(l) && isObj(l.payload) && l.payload.protocol === other) return true;
    return isObj(l) && isObj(l.meta) && l.meta.key === 'l4proto' && (s.match.right === other || s.match.right === (other === 'tcp' ? 6 : 17));
  });
}

function isMostOf(s: AddrSet): boolean {
  return s.size() * 2n >= 1n << BigInt(BITS[s.family]);
}

function describeSources(s: AddrSet): string {
  if (s.isFull()) return s.family === 'ipv4' ? '0.0.0.0/0' : '::/0';
  if (isMostOf(s)) {
    const except = s.complement().toCidrs();
    const shown = except.length > 8 ? [...except.slice(0, 8), `${except.length - 8} more`] : except;
    return `${s.family === 'ipv4' ? '0.0.0.0/0' : '::/0'} except ${shown.join(', ')}`;
  }
  return s.toCidrs().join(', ');
}

/** `from` strings, and the per-interface breakdown, for an accepted region. */
function describe(region: Region, ifaces: Interfaces): { from: string[]; accepted: SocketFirewall['accepted']; sources: AddrSet } {
  const groups: { sources: AddrSet; classes: number[] }[] = [];
  region.parts.forEach((p, i) => {
    if (p.isEmpty()) return;
    const g = groups.find((x) => x.sources.equals(p));
    if (g) g.classes.push(i);
    else groups.push({ sources: p, classes: [i] });
  });
  const family = region.parts[0].family;
  const sources = region.parts.reduce((a, p) => a.union(p), AddrSet.empty(family));
  const accepted = groups.map((g) => ({ interfaces: g.classes.map((i) => ifaces.classes[i]), sources: g.sources.toCidrs() }));
  const every = groups.length === 1 && groups[0].classes.length === ifaces.classes.length;
  let from: string[];
  if (every) from = isMostOf(groups[0].sources) ? [describeSources(groups[0].sources)] : groups[0].sources.toCidrs();
  else from = groups.map((g) => `${describeSources(g.sources)} via ${g.classes.map((i) => ifaces.label(i)).join(', ')}`);
  return { from, accepted, sources };
}

/**
 * A second filter on the way, after the packet filter: systemd's per-unit IP filter of the process
 * (src/audit/unit-filter.ts), as the remote addresses it lets through for the socket's family.
 */
export interface UnitGate {
  allowed: AddrSet;
  /** How it is named in reasons: `systemd's IP filter (IPAddressDeny=... of memcached.service)`. */
  label: string;
  /** Why it may not be applied at all (systemd in a container), or null. */
  caveat: string | null;
}

/**
 * The verdict for one socket under `rs` (already read for the socket's namespace) and, when the process
 * runs in a systemd unit with an IP filter, that filter too: a packet must pass both.
 */
export function socketVerdict(rs: Ruleset, s: NetSocket, ns: NamespaceFacts, unit: UnitGate | null = null): SocketFirewall {
  const v = packetFilterVerdict(rs, s, ns, unit && !unit.caveat ? unit : null);
  return unit && unit.caveat ? maybeGated(v, unit) : v;
}

/** The verdict when the packet filter could not be read, and the unit's IP filter (if any) could be. */
export function unknownVerdict(s: NetSocket, reason: string, unit: UnitGate | null = null): SocketFirewall {
  const v: SocketFirewall = { socket: socketKey(s), verdict: 'unknown', from: [], reason, sources: AddrSet.empty(familyOf(s.address)), accepted: [] };
  if (!unit || !unit.allowed.isEmpty()) return v;
  // The unit's filter drops every packet from other hosts, whatever the packet filter does.
  if (unit.caveat) return { ...v, reason: `${reason}; ${unit.label} drops every packet from other hosts, where systemd applies it: ${unit.caveat}` };
  return { ...v, verdict: 'closed', reason: `${unit.label} drops every packet from other hosts (the packet filter was not read: ${reason})` };
}

/**
 * An open or restricted verdict when the unit's filter may or may not be applied (caveat): unknown when
 * the filter would change it, with what it would let in; the sources accepted for certain are those both
 * let through.
 */
function maybeGated(v: SocketFirewall, unit: UnitGate): SocketFirewall {
  const narrowed = v.sources.intersect(unit.allowed);
  if (v.verdict === 'closed' || narrowed.equals(v.sources)) return v;
  const lets = unit.allowed.isEmpty() ? 'would drop every packet from other hosts' : `would let in only ${unit.allowed.toCidrs().join(', ')}`;
  const accepted = v.accepted
    .map((g) => ({ interfaces: g.interfaces, sources: setOfCidrs(v.sources.family, g.sources).intersect(unit.allowed).toCidrs() }))
    .filter((g) => g.sources.length > 0);
  return { ...v, verdict: 'unknown', reason: `${v.reason}; ${unit.label} ${lets}, where systemd applies it: ${unit.caveat}`, sources: narrowed, from: narrowed.toCidrs(), accepted };
}

function setOfCidrs(family: Family, cidrs: readonly string[]): AddrSet {
  let out = AddrSet.empty(family);
  for (const c of cidrs) {
    const [addr, len] = c.split('/');
    const base = parseAddress(family, addr);
    if (base !== null) out = out.union(AddrSet.prefix(family, base, Number(len)));
  }
  return out;
}

function packetFilterVerdict(rs: Ruleset, s: NetSocket, ns: NamespaceFacts, unit: UnitGate | null): SocketFirewall {
  const family = familyOf(s.address);
  const wildcard = s.address === '0.0.0.0' || s.address === '::';
  const local = ns.addresses
    .filter((a) => familyOf(a) === family)
    .map((a) => parseAddress(family, a))
    .filter((a): a is bigint => a !== null);
  const nonLoopback = local.filter((a) => (family === 'ipv4' ? a >> 24n !== 127n : a !== 1n));
  const named = namedInterfaces(rs);
  const ifaces = new Interfaces([...ns.interfaces, ...named.names], named.patterns);
  const daddrs: (bigint | null)[] = wildcard ? (nonLoopback.length ? nonLoopback : [null]) : [parseAddress(family, s.address)];
  let accepted = Region.empty(family, ifaces.classes.length);
  let unknown = Region.empty(family, ifaces.classes.length);
  let why: string | null = null;
  for (const daddr of daddrs) {
    const t: Target = { family, proto: s.transport, daddr, dport: s.port, local, wildcard };
    const path = dnatPath(rs, t, family);
    const o = evaluateTarget(rs, t, ifaces);
    accepted = accepted.union(o.accepted);
    if (path) {
      unknown = Region.full(family, ifaces.classes.length);
      why ??= path;
    } else if (!o.unknown.isEmpty()) {
      unknown = unknown.union(o.unknown);
      why ??= o.why;
    }
  }
  unknown = unknown.minus(accepted);
  // systemd's filter of the unit, applied (no caveat): a packet must pass it too. Named as an origin of
  // the verdict only where it takes something away.
  let gated = false;
  if (unit) {
    const a = accepted.withSources(unit.allowed);
    const u = unknown.withSources(unit.allowed);
    gated = !a.parts.every((p, i) => p.equals(accepted.parts[i])) || !u.parts.every((p, i) => p.equals(unknown.parts[i]));
    accepted = a;
    unknown = u;
  }
  const d = describe(accepted, ifaces);
  const base = { socket: socketKey(s), from: d.from, sources: d.sources, accepted: d.accepted };
  const origin = [...rs.origin, ...(gated && unit ? [unit.label] : [])].join(' and ');
  if (!unknown.isEmpty()) {
    const sure = accepted.isEmpty() ? '' : `; accepted for certain from ${d.from.join(', ')}`;
    return { ...base, verdict: 'unknown', reason: `${origin}: not decided: ${why ?? 'not understood'}${sure}` };
  }
  if (accepted.isEmpty()) return { ...base, verdict: 'closed', reason: `${origin} drops every new connection to it` };
  const open = accepted.parts.some(isMostOf);
  return {
    ...base,
    verdict: open ? 'open' : 'restricted',
    reason: open ? `${origin} accepts new connections from ${d.from.join(', ')}` : `${origin} accepts new connections only from ${d.from.join(', ')}`,
  };
}



/**
 * For a socket in another network namespace (a container's): a destination NAT in mchard's own (the
 * host's) ruleset that may send packets arriving at the host to it, as Docker does for a published port.
 * That path runs through the host's prerouting and forward chains, which are not evaluated: the verdict is
 * then unknown. Returns the rule, or null when no host rule can target the socket.
 */
export function hostDnatTo(host: Ruleset, s: NetSocket, nsAddresses: readonly string[]): string | null {
  const family = familyOf(s.address);
  const wildcard = s.address === '0.0.0.0' || s.address === '::';
  const targets = (wildcard ? nsAddresses : [s.address]).map((a) => (familyOf(a) === family ? parseAddress(family, a) : null)).filter((a): a is bigint => a !== null);
  // Every chain of a table with a prerouting base chain: Docker puts its DNAT rules in a chain of their own.
  const tables = new Set(host.chains.filter((c) => c.hook === 'prerouting').map((c) => `${c.family} ${c.table}`));
  for (const c of host.chains) {
    if (!tables.has(`${c.family} ${c.table}`)) continue;
    for (const r of c.rules) {
      for (const st of r.expr) {
        if (!isObj(st)) continue;
        if (isObj(st.xt) && st.xt.type === 'target' && String(st.xt.name).startsWith('DNAT')) return `"${r.text}" in the host's chain ${c.family} ${c.table} ${c.name} (its target cannot be read)`;
        if (!isObj(st.dnat)) continue;
        const o = st.dnat;
        if (o.port !== undefined && o.port !== s.port) continue;
        const a = typeof o.addr === 'string' ? parseAddress(family, o.addr) : null;
        if (typeof o.addr === 'string' && a === null) continue; // another family
        if (a !== null && !targets.includes(a)) continue;
        return `"${r.text}" in the host's chain ${c.family} ${c.table} ${c.name}`;
      }
    }
  }
  return null;
}
