/**
 * A systemd service's own network restrictions, as systemd v252 reads them from the unit's `[Service]`
 * section, and what they do to memcached's listeners.
 *
 * - `RestrictAddressFamilies=` (systemd.exec(5); load-fragment.c `config_parse_address_families()`,
 *   seccomp-util.c `seccomp_restrict_address_families()`): a seccomp filter on socket(2). The first
 *   assignment after a reset decides the mode: an allow-list, or with a leading `~` a deny-list; later
 *   assignments of the same mode add their families, of the other mode remove them; `none` (v249+) blocks
 *   every family; an empty assignment resets to no restriction; names systemd does not know are ignored
 *   (the mode still holds: an allow-list of only unknown names blocks every family). socket() of a blocked
 *   family fails with EAFNOSUPPORT. memcached's server_socket() skips an address whose socket() fails and
 *   fails the `-l` entry (or the default listener) only when none of its addresses could be used: then
 *   "failed to listen on TCP port N" (or "... on one of interface(s) LIST", or the UDP one) and exit 71
 *   (EX_OSERR); with `-s`, server_socket_unix() fails the same way for AF_UNIX. systemd cannot filter
 *   socket(2) where it goes through socketcall(2) (32-bit x86, s390x, ppc64: the setting does nothing
 *   there); commands with the `+` prefix are not restricted; sockets passed in (socket activation) and
 *   socketpair() are not affected.
 * - `IPAddressAllow=` / `IPAddressDeny=` (systemd.resource-control(5); load-fragment.c
 *   `config_parse_in_addr_prefixes()`, bpf-firewall.c): a cgroup BPF filter on every IP packet of the
 *   unit's sockets, checking the remote address (the source of an incoming packet): allowed when it
 *   matches IPAddressAllow=, else dropped when it matches IPAddressDeny=, else allowed. Lists of
 *   addresses with optional prefix lengths and the names any, localhost, link-local and multicast;
 *   assignments merge, an empty one resets that list. The lists of the unit's slices are merged in too
 *   (system.slice has none on a stock system), and systemd applies them only where the kernel supports
 *   cgroup BPF (Linux 4.11+ with the unified or hybrid cgroup hierarchy: every current distribution; a
 *   systemd inside a container that withholds cgroup BPF, as some LXC setups do, logs it and goes on).
 * - `PrivateNetwork=yes` (systemd.exec(5)): a network namespace of the unit's own with only the loopback
 *   device: nothing outside it reaches memcached (units that name it in `JoinsNamespaceOf=` share it), and
 *   an address other than loopback or the wildcard does not exist there (bind(): EADDRNOTAVAIL, exit 71).
 *   `NetworkNamespacePath=` joins a namespace the file does not describe.
 * - `SocketBindAllow=` / `SocketBindDeny=` (systemd.resource-control(5), v249+): bind(2) of an address
 *   whose family, protocol and port match SocketBindDeny= and not SocketBindAllow= fails with EPERM;
 *   memcached's server_socket() then fails ("bind(): Operation not permitted") and exits 71. systemd
 *   applies them only when built with its BPF framework (Fedora's and Arch's are; Debian 12's is not, and
 *   ignores them): the host decides.
 *
 * A drop-in (`memcached.service.d/*.conf`) may add to or reset every one of these: the file shows what it
 * sets itself, and says so.
 */
import ipaddr from 'ipaddr.js';
import type { Span } from '../source.js';
import type { UnitAssignment } from './systemd-unit.js';
import type { BindRule, Net, SocketFamily, UnitNetwork, UnitReach, UnitReachKind } from './unit-reach.js';

const NAMED: Record<string, string[]> = {
  any: ['0.0.0.0/0', '::/0'],
  localhost: ['127.0.0.0/8', '::1/128'],
  'link-local': ['169.254.0.0/16', 'fe80::/64'],
  multicast: ['224.0.0.0/4', 'ff00::/8'],
};

const TRUE = /^(1|yes|y|true|t|on)$/i;
const FALSE = /^(0|no|n|false|f|off)$/i;

/** A list setting after one assignment: an empty value resets it, any other adds each word that parses. */
function extended<T>(list: readonly T[], value: string, parse: (word: string) => T | null): T[] {
  const next = value === '' ? [] : [...list];
  for (const w of words(value)) {
    const x = parse(w);
    if (x) next.push(x);
  }
  return next;
}

function words(value: string): string[] {
  // The lists are split like command-line words; quotes are rare in them and unquoted here.
  return value.split(/[ \t\n\r]+/).filter((w) => w !== '').map((w) => w.replace(/^"(.*)"$|^'(.*)'$/, '$1$2'));
}

/** An address with an optional prefix length, parsed by its own family (ipaddr's generic parsers throw inside for the other one). */
function cidr(text: string): Net | null {
  const v6 = text.includes(':');
  const [addr, bits] = text.split('/', 2);
  const family = v6 ? ipaddr.IPv6 : ipaddr.IPv4;
  if (v6 ? !ipaddr.IPv6.isValid(addr) : !ipaddr.IPv4.isValidFourPartDecimal(addr)) return null; // inet_pton: four decimal parts
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return null;
  const len = bits === undefined ? (v6 ? 128 : 32) : Number(bits);
  if (len > (v6 ? 128 : 32)) return null;
  return [family.parse(addr), len];
}

function prefixes(word: string): Net[] | null {
  const named = NAMED[word];
  const list = named ?? [word];
  const out: Net[] = [];
  for (const text of list) {
    const n = cidr(text);
    if (!n) return null; // systemd logs "Address prefix is invalid, ignoring assignment" and skips the word
    out.push(n);
  }
  return out;
}

function bindRule(word: string, span: Span): BindRule | null {
  if (word === 'any') return { text: word, span, family: null, protocol: null, ports: null };
  const parts = word.split(':');
  let family: BindRule['family'] = null;
  let protocol: BindRule['protocol'] = null;
  let ports: BindRule['ports'] = null;
  if (parts[0] === 'ipv4' || parts[0] === 'ipv6') family = parts.shift() as 'ipv4' | 'ipv6';
  if (parts[0] === 'tcp' || parts[0] === 'udp') protocol = parts.shift() as 'tcp' | 'udp';
  if (parts.length > 1) return null;
  if (parts.length === 1 && parts[0] !== '') {
    const m = /^(\d+)(?:-(\d+))?$/.exec(parts[0]);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    if (hi > 65535 || lo > hi) return null;
    ports = [lo, hi];
  }
  if (!family && !protocol && !ports) return null;
  return { text: word, span, family, protocol, ports };
}

/** The unit's network restrictions from its `[Service]` assignments; `prefixes` are those of the ExecStart= that runs memcached. */
export function readUnitNetwork(assignments: readonly UnitAssignment[], execPrefixes: string, dropIn: boolean): UnitNetwork {
  const famAssignments: UnitAssignment[] = [];
  let ipAllow: { text: string; nets: Net[]; span: Span }[] = [];
  let ipDeny: { text: string; nets: Net[]; span: Span }[] = [];
  let privateNetwork: Span | null = null;
  let joins: string[] = [];
  let namespacePath: UnitNetwork['namespacePath'] = null;
  let bindAllow: BindRule[] = [];
  let bindDeny: BindRule[] = [];
  for (const a of assignments) {
    if (a.section === 'Unit' && a.key === 'JoinsNamespaceOf') {
      joins = a.value === '' ? [] : [...joins, ...words(a.value)];
      continue;
    }
    if (a.section !== 'Service') continue;
    switch (a.key) {
      case 'RestrictAddressFamilies':
        famAssignments.push(a);
        break;
      case 'IPAddressAllow':
      case 'IPAddressDeny': {
        const entry = (w: string) => {
          const nets = prefixes(w);
          return nets ? { text: w, nets, span: a.valueSpan } : null;
        };
        if (a.key === 'IPAddressAllow') ipAllow = extended(ipAllow, a.value, entry);
        else ipDeny = extended(ipDeny, a.value, entry);
        break;
      }
      case 'PrivateNetwork':
        if (TRUE.test(a.value)) privateNetwork = a.valueSpan;
        else if (FALSE.test(a.value) || a.value === '') privateNetwork = null;
        break;
      case 'NetworkNamespacePath':
        namespacePath = a.value === '' ? null : { path: a.value, span: a.valueSpan };
        break;
      case 'SocketBindAllow':
      case 'SocketBindDeny': {
        const rule = (w: string) => bindRule(w, a.valueSpan);
        if (a.key === 'SocketBindAllow') bindAllow = extended(bindAllow, a.value, rule);
        else bindDeny = extended(bindDeny, a.value, rule);
        break;
      }
    }
  }
  const asWritten = applyFamilies(famAssignments, { set: null, allowList: false });
  const active = asWritten.set === null ? asWritten.allowList : asWritten.allowList || asWritten.set.size > 0;
  // A drop-in's assignments merge with those of the unit it extends (and of earlier drop-ins), unless it
  // resets them first: a family is decided only when every state the unit may leave gives the same answer.
  const undecided = new Set<SocketFamily>();
  if (dropIn) {
    const all = ['AF_INET', 'AF_INET6', 'AF_UNIX'];
    const starts: FamilyState[] = [
      { set: null, allowList: false },
      { set: null, allowList: true },
      { set: new Set(all), allowList: true },
      { set: new Set(), allowList: false },
      { set: new Set(all), allowList: false },
    ];
    const ends = starts.map((st) => applyFamilies(famAssignments, st));
    for (const f of all as SocketFamily[]) {
      const answers = new Set(ends.map((e) => blockedIn(e, f)));
      if (answers.size > 1) undecided.add(f);
    }
  }
  return {
    families: active ? { allowList: asWritten.allowList, set: asWritten.set ?? new Set(), spans: asWritten.spans } : null,
    familiesUndecided: undecided,
    fullPrivileges: execPrefixes.includes('+'),
    ipAllow,
    ipDeny,
    ipSpans: [...ipAllow, ...ipDeny].map((x) => x.span).filter((s, i, all) => all.findIndex((o) => o.start === s.start) === i),
    privateNetwork: namespacePath ? null : privateNetwork,
    joins,
    namespacePath,
    bindAllow,
    bindDeny,
    dropIn,
  };
}

interface FamilyState {
  set: Set<string> | null;
  allowList: boolean;
  spans?: Span[];
}

/** RestrictAddressFamilies= assignments applied in order to a state, as config_parse_address_families() does. */
function applyFamilies(assignments: readonly UnitAssignment[], start: FamilyState): { set: Set<string> | null; allowList: boolean; spans: Span[] } {
  let set = start.set === null ? null : new Set(start.set);
  let allowList = start.allowList;
  let spans: Span[] = [];
  for (const a of assignments) {
    if (a.value === '') {
      set = null;
      allowList = false;
      spans = [];
      continue;
    }
    if (a.value === 'none') {
      set = null;
      allowList = true;
      spans = [a.valueSpan];
      continue;
    }
    const invert = a.value.startsWith('~');
    if (set === null) {
      set = new Set();
      // After `none` the allow-list mode stays; a new set takes the mode of its first assignment.
      allowList = !invert;
      if (!allowList) spans = [];
    }
    spans.push(a.valueSpan);
    for (const w of words(invert ? a.value.slice(1) : a.value)) {
      if (!/^AF_[A-Z0-9_]+$/.test(w)) continue; // "Failed to parse address family, ignoring"
      if (!invert === allowList) set.add(w);
      else set.delete(w);
    }
  }
  return { set, allowList, spans };
}

function blockedIn(st: { set: Set<string> | null; allowList: boolean }, family: string): boolean {
  if (st.set === null) return st.allowList;
  return st.allowList ? !st.set.has(family) : st.set.has(family);
}

/** Whether the unit makes socket() of this family fail (EAFNOSUPPORT): the words that do, or null. */
export function familyBlocked(net: UnitNetwork, family: SocketFamily): string | null {
  const f = net.families;
  if (!f || net.fullPrivileges) return null;
  const blocked = f.allowList ? !f.set.has(family) : f.set.has(family);
  if (!blocked) return null;
  if (f.allowList) return f.set.size ? `RestrictAddressFamilies=${[...f.set].join(' ')}` : 'RestrictAddressFamilies=none';
  return `RestrictAddressFamilies=~${[...f.set].join(' ')}`;
}

/** Whether SocketBindDeny= refuses bind() of this address: the rule that does, or null. */
export function bindBlocked(net: UnitNetwork, family: 'ipv4' | 'ipv6', protocol: 'tcp' | 'udp', port: number): BindRule | null {
  const match = (r: BindRule) => (r.family === null || r.family === family) && (r.protocol === null || r.protocol === protocol) && (r.ports === null || (port >= r.ports[0] && port <= r.ports[1]));
  if (net.bindAllow.some(match)) return null;
  return net.bindDeny.find(match) ?? null;
}

// ---- Who the IP filter lets through ----

const LOOPBACK_TEXT = ['127.0.0.0/8', '::1/128'];
/** Addresses no client on the internet has: private, shared, link-local, unique-local, multicast, "this network". */
const NOT_PUBLIC_TEXT = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/3', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8'];
/** Parsed when a unit first needs them, not when the module loads (every lint loads it through the exposure rules). */
let ranges: { loopback: Net[]; notPublic: Net[] } | null = null;
function knownRanges(): { loopback: Net[]; notPublic: Net[] } {
  ranges ??= { loopback: LOOPBACK_TEXT.map((c) => cidr(c)!), notPublic: NOT_PUBLIC_TEXT.map((c) => cidr(c)!) };
  return ranges;
}

function within(n: Net, ranges: readonly Net[]): boolean {
  const [addr, bits] = n;
  return ranges.some(([r, rb]) => r.kind() === addr.kind() && bits >= rb && addr.match(r, rb));
}

function listText(list: UnitNetwork['ipAllow']): string {
  return list.map((x) => x.text).join(' ');
}

/**
 * Who can reach a listener of the unit on these IP versions (`4` for 0.0.0.0 or an IPv4 address, `6` for
 * `::` or an IPv6 one): its own namespace only (PrivateNetwork=), or the remote addresses the IP filter
 * lets through. Null when the unit does not restrict it.
 */
export function unitReach(net: UnitNetwork, versions: readonly (4 | 6)[]): UnitReach | null {
  const scope = net.dropIn ? 'this drop-in' : 'the unit';
  const mayChange = net.dropIn ? 'the unit and its other drop-ins may change it' : 'a drop-in may change it';
  if (net.privateNetwork) {
    const joined = net.joins.length ? `, and the units it names in JoinsNamespaceOf= (${net.joins.join(' ')})` : '';
    return {
      reach: 'namespace',
      why: `PrivateNetwork=yes in ${scope}: memcached runs in a network namespace of its own with only loopback, so only processes in it${joined} reach it, nothing on the network or elsewhere on the host; ${mayChange}`,
      span: net.privateNetwork,
    };
  }
  if (net.ipDeny.length === 0 || versions.length === 0) return null;
  const kind = (v: 4 | 6) => (v === 4 ? 'ipv4' : 'ipv6');
  const nets = (list: UnitNetwork['ipAllow'], v: 4 | 6) => list.flatMap((x) => x.nets).filter(([a]) => a.kind() === kind(v));
  let level = 0; // 0 nobody, 1 loopback, 2 private, 3 public
  for (const v of versions) {
    const deny = nets(net.ipDeny, v);
    // Only a deny-list that covers the whole address space of this version is judged; anything narrower
    // leaves public addresses through.
    if (!deny.some(([, bits]) => bits === 0)) return null;
    const allow = nets(net.ipAllow, v);
    const { loopback, notPublic } = knownRanges();
    for (const n of allow) {
      const l = within(n, loopback) ? 1 : within(n, notPublic) ? 2 : 3;
      level = Math.max(level, l);
    }
  }
  if (level === 3) return null;
  const reach: UnitReachKind = level === 2 ? 'private' : level === 1 ? 'loopback' : 'nobody';
  const lists = `IPAddressDeny=${listText(net.ipDeny)}${net.ipAllow.length ? ` with IPAddressAllow=${listText(net.ipAllow)}` : ''} in ${scope}`;
  const who =
    reach === 'private'
      ? 'only clients with those private addresses reach it'
      : reach === 'loopback'
        ? 'only this host reaches it, over loopback'
        : 'no client reaches it at all, this host included';
  // A container that withholds cgroup BPF from the systemd inside it (some LXC setups) leaves the lists without effect.
  const caveat = `systemd's per-unit BPF firewall, which every current kernel supports (not a systemd inside a container that withholds cgroup BPF, as some LXC setups do); ${mayChange}, and so may IPAddressAllow= on its slice`;
  return { reach, why: `${lists}: ${who}; ${caveat}`, span: net.ipSpans[0] };
}
