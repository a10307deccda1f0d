/**
 * Who can reach a held socket, reasoned from the socket table and this machine's interfaces (nothing is
 * sent): a wildcard bind is reachable from every network the host is on; a specific non-loopback address
 * from the network of the interface that carries it; loopback from this machine only.
 */
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import { classifyAddress, parseCidrs, type AddressClass } from '../engine/exposure.js';
import { socketKey, type HeldSocket } from '../system/sockets.js';
import type { HostNetwork } from './types.js';
import { describeNamespace, type Namespace } from '../system/namespaces.js';

// node:os is loaded when first needed: about 0.25 ms of every start of a lint that never asks.
const networkInterfaces = () => (createRequire(import.meta.url)('node:os') as typeof import('node:os')).networkInterfaces();

/** This machine's interface addresses and their networks. */
export function hostNetworks(): HostNetwork[] {
  const out: HostNetwork[] = [];
  for (const [name, list] of Object.entries(networkInterfaces())) {
    for (const a of list ?? []) {
      if (!a.cidr) continue;
      const address = a.address.replace(/%.*$/, '');
      let network = a.cidr;
      try {
        const cidr = a.cidr.replace(/%[^/]*/, '');
        const bits = cidr.split('/')[1];
        const net = a.family === 'IPv4' ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
        network = `${net.toString()}/${bits}`;
      } catch {
        // keep the interface's own notation
      }
      out.push({ name, address, network, internal: a.internal });
    }
  }
  return out;
}

export type NetSocket = Extract<HeldSocket, { transport: 'tcp' | 'udp' }>;

export interface Reach {
  /** `wildcard`: every network; otherwise the bound address. */
  address: string;
  cls: AddressClass;
  sockets: NetSocket[];
  /** For a specific address: the interface network that carries it, if this machine has it. */
  network: HostNetwork | null;
}

/** The held TCP/UDP sockets that something other than this machine can reach, grouped by bound address. */
export function reachableSockets(held: readonly HeldSocket[], networks: readonly HostNetwork[], trusted: string[] = []): Reach[] {
  const nets = parseCidrs(trusted);
  const groups = new Map<string, Reach>();
  for (const s of held) {
    if (s.transport === 'unix') continue;
    const cls = classifyAddress(s.address, nets);
    if (cls === 'loopback' || cls === 'trusted') continue;
    const address = cls === 'wildcard' ? 'wildcard' : s.address;
    let g = groups.get(address);
    if (!g) {
      const network = cls === 'wildcard' ? null : (networks.find((n) => n.address === s.address) ?? null);
      g = { address, cls, sockets: [], network };
      groups.set(address, g);
    }
    g.sockets.push(s);
  }
  return [...groups.values()];
}

/**
 * "reachable from every network this host is on (eth0 10.0.0.0/24)" / "reachable from the network of
 * 10.0.0.5 (10.0.0.0/24 on eth0)"; for a process in another network namespace (`ns`), the networks are that
 * namespace's, and the message names it.
 */
export function describeReach(r: Reach, networks: readonly HostNetwork[], ns: Namespace | null = null): string {
  const list = r.sockets.map(socketKey).join(', ');
  const inNs = ns ? ` in network namespace ${describeNamespace(ns)}` : '';
  if (r.address === 'wildcard') {
    const external = networks.filter((n) => !n.internal && classifyAddress(n.address) !== 'loopback');
    const where = external.length ? ` (${external.map((n) => `${n.name} ${n.network}`).join(', ')})` : ' (none besides loopback right now, and any added later)';
    const scope = ns ? `every network of network namespace ${describeNamespace(ns)}` : 'every network this host is on';
    return `${list} ${r.sockets.length === 1 ? 'is' : 'are'} bound to the wildcard address: reachable from ${scope}${where}`;
  }
  const net = r.network ? ` (${r.network.network} on ${r.network.name})` : '';
  return `${list} ${r.sockets.length === 1 ? 'is' : 'are'} reachable from the network of ${r.address}${net}${inNs}`;
}
