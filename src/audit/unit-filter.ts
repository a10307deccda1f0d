/**
 * systemd's per-unit IP filter, as it is in force for a running process: `IPAddressAllow=` and
 * `IPAddressDeny=` (systemd.resource-control(5)) of the unit whose cgroup holds the process and of the
 * slices above it. systemd compiles them into a cgroup BPF program that checks the remote address of
 * every IP packet of the unit's sockets: allowed when it matches an allow list, else dropped when it
 * matches a deny list, else allowed. The lists of the unit's slices are combined with the unit's own
 * (systemd's documented way to build an allow list: `IPAddressDeny=any` on system.slice, an
 * `IPAddressAllow=` per service), so the lists in force are the union over the chain.
 *
 * Read from systemd itself, not from unit files: `systemctl show --property=...` prints the lists the
 * manager holds for the unit (its files, drop-ins, `systemctl set-property` and transient settings
 * merged, and what a `daemon-reload` made of them), one prefix per word in systemd's own notation
 * (in_addr_prefix_to_string: `ADDRESS/LENGTH`, space-separated; src/systemctl/systemctl-show.c). A word
 * mchard does not read as exactly that makes the whole answer unavailable: never a guess.
 *
 * Where systemd cannot apply it: a systemd that runs in a container (it writes /run/systemd/container)
 * may have no cgroup BPF to attach the program to, and then runs the unit without it (it logs so once).
 * The filter is then reported with that caveat and the verdicts it touches become unknown.
 *
 * systemctl runs only from its fixed system path, root-controlled, with an argument vector, `--` before
 * the unit's name and a clean environment (src/system/run-tool.ts); the unit's name comes from the
 * kernel's /proc/PID/cgroup and must look like one.
 */
import { existsSync, readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { notRootControlled } from '../system/trusted-path.js';
import { runToolDetailed } from '../system/run-tool.js';
import { AddrSet, addressToBigInt, type Family } from './firewall/space.js';
import type { Runner } from './firewall/read.js';

export const SYSTEMCTL = ['/usr/bin/systemctl', '/bin/systemctl'];

export interface UnitIpFilter {
  /** The unit, then the slices above it (`memcached.service`, `system.slice`, `-.slice`). */
  chain: string[];
  /** Each unit's lists as systemd shows them (only the units that set one). */
  lists: { unit: string; allow: string[]; deny: string[] }[];
  /** The remote addresses whose packets the filter lets through, per family of the socket. */
  allowed: Record<Family, AddrSet>;
  /** Why the filter may not be applied at all on this host, or null. */
  caveat: string | null;
}

/** The filter in force (null: none is set anywhere on the chain), or why it could not be read. */
export type UnitFilterResult = { filter: UnitIpFilter | null } | { unavailable: string };

export type UnitFilterReader = (unit: string) => UnitFilterResult;

/** A unit name as systemd writes it in a cgroup path: no option, no control character, a known type. */
const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]{1,240}\.(service|scope|slice)$/;

/** How deep slices nest at most (systemd allows a handful; this only bounds a misbehaving answer). */
const MAX_DEPTH = 16;

export interface ReadOptions {
  run?: Runner;
  exists?: (path: string) => boolean;
  readFile?: (path: string) => string | null;
  /** Whether systemctl may be run from `path` (root-controlled); the reason when not. */
  untrusted?: (path: string) => string | null;
}

/** One CIDR word of systemctl's output, exactly as systemd prints it, or null. */
function prefixOf(word: string): { family: Family; base: bigint; len: number } | null {
  const cut = word.indexOf('/');
  if (cut < 0) return null;
  const addr = word.slice(0, cut);
  const bits = word.slice(cut + 1);
  if (!/^\d{1,3}$/.test(bits)) return null;
  const len = Number(bits);
  if (addr.includes(':')) {
    if (!ipaddr.IPv6.isValid(addr) || addr.includes('%') || len > 128) return null;
    return { family: 'ipv6', base: addressToBigInt(ipaddr.IPv6.parse(addr)), len };
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(addr) || len > 32) return null;
  return { family: 'ipv4', base: addressToBigInt(ipaddr.IPv4.parse(addr)), len };
}

/** IPv4 addresses as an AF_INET6 socket sees them (::ffff:a.b.c.d): the packets are IPv4 ones, so the IPv4 lists decide. */
function mapped(v4: AddrSet): AddrSet {
  const base = 0xffffn << 32n;
  return AddrSet.of(
    'ipv6',
    v4.intervals.map(([lo, hi]) => [base + lo, base + hi]),
  );
}

/** The address sets of a list of words, per family; null when a word is not one systemd prints. */
function setsOf(words: readonly string[]): Record<Family, AddrSet> | null {
  let v4 = AddrSet.empty('ipv4');
  let v6 = AddrSet.empty('ipv6');
  for (const w of words) {
    const p = prefixOf(w);
    if (!p) return null;
    const s = AddrSet.prefix(p.family, p.base, p.len);
    if (p.family === 'ipv4') v4 = v4.union(s);
    else v6 = v6.union(s);
  }
  return { ipv4: v4, ipv6: v6.union(mapped(v4)) };
}

/** `KEY=VALUE` lines of `systemctl show`, for the keys asked. */
function properties(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

const defaults: Required<ReadOptions> = {
  run: (tool, args) => runToolDetailed(tool, args, 1024 * 1024),
  exists: existsSync,
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  untrusted: notRootControlled,
};

/** The IP filter systemd holds for `unit` and its slices. */
export function readUnitIpFilter(unit: string, options: ReadOptions = {}): UnitFilterResult {
  const o = { ...defaults, ...options };
  // No systemd manages this host's services: no unit filter exists.
  if (!o.exists('/run/systemd/system')) return { filter: null };
  if (!UNIT_NAME.test(unit)) return { unavailable: `the process's cgroup names no systemd unit mchard can ask about` };
  const systemctl = SYSTEMCTL.find((p) => o.exists(p));
  if (!systemctl) return { unavailable: 'systemctl is not installed' };
  const why = o.untrusted(systemctl);
  if (why) return { unavailable: `${systemctl} not run: ${why}` };
  const chain: string[] = [];
  const lists: UnitIpFilter['lists'] = [];
  let allowWords: string[] = [];
  let denyWords: string[] = [];
  for (let name = unit; name !== ''; ) {
    if (chain.length >= MAX_DEPTH || chain.includes(name)) return { unavailable: `systemctl show gave a slice chain mchard does not follow (${[...chain, name].join(' in ')})` };
    if (!UNIT_NAME.test(name)) return { unavailable: `systemctl show named a slice mchard does not read as a unit name` };
    const r = o.run(systemctl, ['show', '--property=Id', '--property=Slice', '--property=IPAddressAllow', '--property=IPAddressDeny', '--', name]);
    if ('error' in r) return { unavailable: `systemctl show ${name}: ${r.error}` };
    const p = properties(r.stdout);
    chain.push(name);
    const allow = (p.get('IPAddressAllow') ?? '').split(' ').filter((w) => w !== '');
    const deny = (p.get('IPAddressDeny') ?? '').split(' ').filter((w) => w !== '');
    if (allow.length || deny.length) lists.push({ unit: name, allow, deny });
    allowWords = [...allowWords, ...allow];
    denyWords = [...denyWords, ...deny];
    name = p.get('Slice') ?? '';
  }
  if (allowWords.length === 0 && denyWords.length === 0) return { filter: null };
  const allow = setsOf(allowWords);
  const deny = setsOf(denyWords);
  if (!allow || !deny) {
    const odd = [...allowWords, ...denyWords].find((w) => !prefixOf(w)) ?? '';
    return { unavailable: `systemctl show printed an address list mchard does not read (${JSON.stringify(odd.slice(0, 60))})` };
  }
  // Sources on the loopback network are left out: the sockets judged here are reached from other hosts,
  // over interfaces other than lo, where the kernel drops a packet with a loopback source as a martian
  // (IPv6's ::1 always; IPv4's 127.0.0.0/8 unless route_localnet is set on the interface, and even then no
  // TCP connection can be made from elsewhere with such a source: the replies stay on this host).
  const loopback = setsOf(['127.0.0.0/8', '::1/128'])!;
  const allowed = {
    ipv4: allow.ipv4.union(deny.ipv4.complement()).minus(loopback.ipv4),
    ipv6: allow.ipv6.union(deny.ipv6.complement()).minus(loopback.ipv6),
  };
  const container = o.exists('/run/systemd/container') ? (o.readFile('/run/systemd/container') ?? '').trim() : null;
  const caveat =
    container === null
      ? null
      : `systemd runs in a container${/^[a-z0-9-]{1,32}$/.test(container) ? ` (${container})` : ''}, where it may have no cgroup BPF and then runs units without their IP filter`;
  return { filter: { chain, lists, allowed, caveat } };
}

/** `IPAddressDeny=0.0.0.0/0 ::/0 and IPAddressAllow=10.0.0.0/8 of memcached.service; IPAddressDeny=... of system.slice` */
export function describeUnitFilter(f: UnitIpFilter): string {
  return `systemd's IP filter (${f.lists.map((l) => `${listSettings(l).join(' and ')} of ${l.unit}`).join('; ')})`;
}

/** One unit's lists as its settings: `IPAddressDeny=0.0.0.0/0 ::/0`, `IPAddressAllow=10.0.0.0/8` (those it sets). */
export function listSettings(l: UnitIpFilter['lists'][number]): string[] {
  return [...(l.deny.length ? [`IPAddressDeny=${l.deny.join(' ')}`] : []), ...(l.allow.length ? [`IPAddressAllow=${l.allow.join(' ')}`] : [])];
}
