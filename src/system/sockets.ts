/**
 * What a running process really listens on, read from the kernel's socket tables: the process's socket
 * inodes (the links in /proc/PID/fd) matched to /proc/PID/net/{tcp,tcp6,udp,udp6,unix}. Those are the
 * tables of the process's own network namespace (/proc/net is only mchard's), so a memcached in a container
 * or an `ip netns` namespace shows what it really holds there. Nothing is sent anywhere; this is `ss -lntup`
 * for one process, without needing `ss`.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import ipaddr from 'ipaddr.js';
import type { Listener } from '../memcached/startup.js';

export type HeldSocket =
  | { transport: 'tcp' | 'udp'; address: string; port: number }
  | { transport: 'unix'; path: string; mode: string | null };

/** The inodes of the sockets a process holds open; empty when the process is gone or not readable. */
export function socketInodes(pid: number, proc = '/proc'): Set<string> {
  return socketInodesOrWhy(pid, proc).inodes;
}

/**
 * The inodes of the sockets a process holds open, and why they could not be read (`unreadable`: another
 * user's process, read by a user who is not root) — not to be taken for "no sockets". A process that is
 * gone holds none.
 */
function socketInodesOrWhy(pid: number, proc: string): { inodes: Set<string>; unreadable: string | null } {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`${proc}/${pid}/fd`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { inodes: out, unreadable: code === 'EACCES' || code === 'EPERM' ? `${proc}/${pid}/fd: permission denied` : null };
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${proc}/${pid}/fd/${fd}`));
      if (m) out.add(m[1]);
    } catch {
      // the descriptor closed meanwhile
    }
  }
  return { inodes: out, unreadable: null };
}

/** /proc/net/tcp writes an address as 32-bit words in host (little-endian) order, in hex. */
export function procAddress(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  const addr = ipaddr.fromByteArray(bytes);
  // A v4-mapped address (::ffff:127.0.0.1) is the IPv4 address it carries.
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address().toString() : addr.toString();
}

function readTable(path: string): string[][] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => l.trim().split(/\s+/));
  } catch {
    return []; // no IPv6 table on a kernel without IPv6
  }
}

/** Every UDP socket bound in the network namespace of `net` (a /proc/PID/net folder): its address, port and inode. */
export function boundUdpSockets(net = '/proc/self/net'): { address: string; port: number; inode: string }[] {
  const out: { address: string; port: number; inode: string }[] = [];
  for (const file of ['udp', 'udp6']) {
    for (const f of readTable(`${net}/${file}`)) {
      const [addr, port] = f[1].split(':');
      out.push({ address: procAddress(addr), port: parseInt(port, 16), inode: f[9] });
    }
  }
  return out;
}

const TCP_LISTEN = '0A';
const UNIX_ACCEPTCON = 0x10000;

/**
 * A record of /proc/net/unix: `Num: RefCount Protocol Flags Type St Inode[ Path]`, the path all the rest
 * of the line (spaces included; `@name` for an abstract socket).
 */
const UNIX_RECORD = /^\s*[0-9a-fA-F]+: ([0-9A-Fa-f]{8}) ([0-9A-Fa-f]{8}) ([0-9A-Fa-f]{8}) ([0-9A-Fa-f]{4}) ([0-9A-Fa-f]{2}) +(\d+)(?: (.*))?$/;

function unixRecords(path: string): { inode: string; flags: number; path: string | null }[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: { inode: string; flags: number; path: string | null }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const m = UNIX_RECORD.exec(line);
    if (m) out.push({ inode: m[6], flags: parseInt(m[3], 16), path: m[7] ?? null });
  }
  return out;
}

/** The socket tables of one network namespace (a /proc/PID/net folder), as read. */
export interface NetTables {
  tcp: string[][];
  tcp6: string[][];
  udp: string[][];
  udp6: string[][];
  unix: { inode: string; flags: number; path: string | null }[];
}

export function readNetTables(net: string): NetTables {
  return { tcp: readTable(`${net}/tcp`), tcp6: readTable(`${net}/tcp6`), udp: readTable(`${net}/udp`), udp6: readTable(`${net}/udp6`), unix: unixRecords(`${net}/unix`) };
}

/**
 * The socket tables already read in one run, by network namespace (the link /proc/PID/ns/net names it).
 * The kernel writes a table by walking its whole socket hash, whatever few sockets it holds: reading the
 * five tables cost about 3 ms here, and an audit of 300 processes named memcached (any user can start
 * them) spent 0.95 s of its 1.5 s reading the same tables 300 times.
 */
export type NetTablesCache = Map<string, NetTables>;

/**
 * Listening TCP sockets, bound UDP sockets and listening unix sockets among `inodes`, from the socket tables
 * in `net` (a process's /proc/PID/net). A unix socket's path is looked up under `root` (the process's
 * /proc/PID/root), so its mode is the one of the file the process sees, in whatever mount namespace.
 *
 * The kernel writes a unix socket's name into /proc/net/unix as it is, a line break too: any user can bind
 * a socket (an abstract one needs no file) whose name is a line break and then a whole record of their
 * making, naming the inode of a socket memcached holds and any path (`unix /etc/shadow`). Socket inodes
 * are unique, so a unix record naming a TCP or UDP socket's inode is such a forgery and is left out; an
 * inode on two unix records cannot be told from its forgery: `doubts` says which, and its records are left
 * out.
 */
export function listeningSockets(inodes: ReadonlySet<string>, net: string, root: string | null = null, doubts: string[] = [], tables: NetTables = readNetTables(net)): HeldSocket[] {
  const out: HeldSocket[] = [];
  const inet = new Set<string>();
  for (const [file, transport] of [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']] as const) {
    for (const f of tables[file]) {
      inet.add(f[9]);
      if (!inodes.has(f[9])) continue;
      if (transport === 'tcp' && f[3] !== TCP_LISTEN) continue;
      const [addr, port] = f[1].split(':');
      out.push({ transport, address: procAddress(addr), port: parseInt(port, 16) });
    }
  }
  const records = tables.unix;
  const seen = new Map<string, number>();
  for (const r of records) if (inodes.has(r.inode)) seen.set(r.inode, (seen.get(r.inode) ?? 0) + 1);
  for (const [inode, n] of seen) {
    if (n > 1 && !inet.has(inode)) doubts.push(`${net}/unix lists its socket ${inode} ${n} times: a socket name holding a line break (any user can bind one) wrote the others, and which is the socket's own cannot be told`);
  }
  for (const r of records) {
    if (!inodes.has(r.inode) || inet.has(r.inode) || seen.get(r.inode)! > 1 || r.path === null || (r.flags & UNIX_ACCEPTCON) === 0) continue;
    // An abstract socket (`@name`) has no file; a removed one no longer has one.
    const st = r.path.startsWith('/') ? (root === null ? statOrNull(r.path) : statInRoot(root, r.path)) : null;
    const mode = st ? `0${(st.mode & 0o777).toString(8).padStart(3, '0')}` : null;
    out.push({ transport: 'unix', path: r.path, mode });
  }
  return out;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * `path` as a process with root directory `root` (its /proc/PID/root) sees it. Walking /proc/PID/root
 * resolves an absolute symbolic link against mchard's root, not the process's, so a path with a symbolic
 * link in it is not followed: unknown (null).
 */
export function statInRoot(root: string, path: string): Stats | null {
  let at = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    at = `${at}/${part}`;
    const st = lstatOrNull(at);
    if (!st || st.isSymbolicLink()) return null;
  }
  return lstatOrNull(at);
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** Whether the process sees the file system as mchard does: the same mount namespace and root directory. */
function sameFileSystemView(pid: number, proc: string): boolean {
  try {
    return readlinkSync(`${proc}/${pid}/ns/mnt`) === readlinkSync(`${proc}/self/ns/mnt`) && readlinkSync(`${proc}/${pid}/root`) === '/';
  } catch {
    return true; // not readable: the paths are all there is to go by (the mode is then read here, as before)
  }
}

/** What process `pid` listens on, in its own network namespace. */
export function processSockets(pid: number, proc = '/proc'): HeldSocket[] {
  return readProcessSockets(pid, proc).held;
}

/** What process `pid` listens on, and why that could not be read (null: it was; `held` is then all of it). */
export function readProcessSockets(pid: number, proc = '/proc', cache: NetTablesCache | null = null): { held: HeldSocket[]; unreadable: string | null } {
  const { inodes, unreadable } = socketInodesOrWhy(pid, proc);
  if (unreadable) return { held: [], unreadable };
  // No socket open: nothing to look up in the tables.
  if (inodes.size === 0) return { held: [], unreadable: null };
  const root = sameFileSystemView(pid, proc) ? null : `${proc}/${pid}/root`;
  const doubts: string[] = [];
  const net = `${proc}/${pid}/net`;
  let tables: NetTables | undefined;
  if (cache) {
    let ns: string | null = null;
    try {
      ns = readlinkSync(`${proc}/${pid}/ns/net`);
    } catch {
      // not readable: this process's tables are read for it alone
    }
    tables = ns === null ? undefined : cache.get(ns);
    if (!tables) {
      tables = readNetTables(net);
      if (ns !== null) cache.set(ns, tables);
    }
  }
  const held = listeningSockets(inodes, net, root, doubts, tables);
  return doubts.length ? { held: [], unreadable: doubts.join('; ') } : { held, unreadable: null };
}

/** One line per socket, the same for a held socket and a predicted listener: `tcp 127.0.0.1:11211`, `unix /run/m.sock`. */
export function socketKey(s: HeldSocket): string {
  if (s.transport === 'unix') return `unix ${s.path}`;
  return `${s.transport} ${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}`;
}

export function listenerKey(l: Listener): string {
  if (l.transport === 'unix') return `unix ${l.path}`;
  const raw = l.address ?? l.host ?? '?';
  const address = ipaddr.isValid(raw) ? ipaddr.parse(raw).toString() : raw;
  return socketKey({ transport: l.transport, address, port: l.port });
}

export interface ListenerComparison {
  /** Predicted but not held. */
  missing: string[];
  /** Held but not predicted. */
  unexpected: string[];
  matched: string[];
}

/** The predicted listeners against the sockets a process holds, as `socketKey` lines. */
export function compareListeners(predicted: readonly Listener[], held: readonly HeldSocket[]): ListenerComparison {
  const want = new Set(predicted.map(listenerKey));
  const have = new Set(held.map(socketKey));
  return {
    missing: [...want].filter((k) => !have.has(k)).sort(),
    unexpected: [...have].filter((k) => !want.has(k)).sort(),
    matched: [...want].filter((k) => have.has(k)).sort(),
  };
}
