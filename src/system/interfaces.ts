/**
 * The interface addresses of any network namespace, read from a process's /proc/PID/net (Node's
 * os.networkInterfaces() only knows mchard's own namespace, and entering another needs setns): IPv4
 * addresses from `fib_trie` (the `/32 host LOCAL` entries) placed on the interface and network of the
 * connected route in `route` that holds them; IPv6 addresses, prefixes and interfaces from `if_inet6`.
 */
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { procAddress } from './sockets.js';

export interface InterfaceNetwork {
  /** Interface name (`eth0`), or `?` when no route tells. */
  name: string;
  address: string;
  /** `10.0.0.0/24`. */
  network: string;
  /** The loopback interface. */
  internal: boolean;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The local IPv4 addresses in a `fib_trie` listing. */
export function fibTrieLocals(text: string): string[] {
  const out = new Set<string>();
  let leaf: string | null = null;
  for (const line of text.split('\n')) {
    const m = /\|-- (\d+\.\d+\.\d+\.\d+)$/.exec(line);
    if (m) leaf = m[1];
    else if (leaf && /^\s+\/32 host LOCAL$/.test(line)) out.add(leaf);
  }
  return [...out];
}

interface Route {
  iface: string;
  net: ipaddr.IPv4;
  bits: number;
}

/** The connected routes (no gateway) of a `route` listing. */
export function connectedRoutes(text: string): Route[] {
  const out: Route[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[2] !== '00000000') continue;
    const mask = ipaddr.IPv4.parse(procAddress(f[7]));
    const bits = mask.prefixLengthFromSubnetMask();
    if (bits === null) continue;
    out.push({ iface: f[0], net: ipaddr.IPv4.parse(procAddress(f[1])), bits });
  }
  return out;
}

/** `if_inet6` lines: address (32 hex digits, network order), index, prefix length, scope, flags, name. */
export function inet6Networks(text: string): InterfaceNetwork[] {
  const out: InterfaceNetwork[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !/^[0-9a-f]{32}$/i.test(f[0])) continue;
    const bytes = f[0].match(/../g)!.map((h) => parseInt(h, 16));
    const addr = ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
    const bits = parseInt(f[2], 16);
    const net = ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
    out.push({ name: f[5], address: addr.toString(), network: `${net.toString()}/${bits}`, internal: f[5] === 'lo' });
  }
  return out;
}

/** Every interface address of the network namespace `/proc/PID/net` shows. */
export function namespaceNetworks(pid: number | 'self', proc = '/proc'): InterfaceNetwork[] {
  const net = `${proc}/${pid}/net`;
  const routes = connectedRoutes(read(`${net}/route`));
  const out: InterfaceNetwork[] = [];
  for (const a of fibTrieLocals(read(`${net}/fib_trie`)).sort()) {
    const addr = ipaddr.IPv4.parse(a);
    if (addr.range() === 'loopback') {
      out.push({ name: 'lo', address: a, network: '127.0.0.0/8', internal: true });
      continue;
    }
    const best = routes.filter((r) => addr.match(r.net, r.bits)).sort((x, y) => y.bits - x.bits)[0];
    out.push(best ? { name: best.iface, address: a, network: `${best.net.toString()}/${best.bits}`, internal: false } : { name: '?', address: a, network: `${a}/32`, internal: false });
  }
  return [...out, ...inet6Networks(read(`${net}/if_inet6`))];
}

/** Every interface name of the namespace /proc/PID/net shows (from `dev`), with or without an address. */
export function interfaceNames(pid: number | 'self', proc = '/proc'): string[] {
  return read(`${proc}/${pid}/net/dev`)
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0].trim())
    .filter((n) => n !== '');
}
