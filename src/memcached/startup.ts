/**
 * What memcached does after reading its options, in the order of `main()` (memcached.c 1.6.45): the
 * cross-option checks, the privilege drop, then the listeners. Yields the listeners it would open and
 * whether it starts, with the exit status and message when it does not.
 */
import { parseListenList, type ListenEntry } from './listen.js';
import type { Applied, Failure, Settings } from './settings.js';
import type { OptionEvent } from './getopt.js';
import { atLeast, type Version } from './version.js';
import { safeStrtoul } from './numbers.js';
import { digitsBetween, dottedGroups } from '../ascii.js';
import type { Unknown } from './certainty.js';

/** Facts about the machine memcached starts on. Each answer may be `undefined`: not known. */
export interface HostFacts {
  /** Whether memcached is started as root (the Debian wrapper and the RHEL unit both start it as root). */
  readonly root: boolean;
  userExists?(name: string): boolean | undefined;
  /** Whether a user with this uid exists (getpwuid: supervisord's numeric user=). */
  uidExists?(uid: number): boolean | undefined;
  /** Whether a group of this name exists (a service manager's Group=). */
  groupExists?(name: string): boolean | undefined;
  /** Whether a numeric address is assigned to an interface of this machine. */
  addressIsLocal?(address: string): boolean | undefined;
  /**
   * Linux `net.ipv4.ip_unprivileged_port_start`: ports below it need CAP_NET_BIND_SERVICE. 1024 unless
   * configured (container runtimes often set 0).
   */
  readonly unprivilegedPortStart?: number;
  /** Whether a file exists (the SASL configuration, the `-Y` file). */
  fileExists?(path: string): boolean | undefined;
  /**
   * Whether `user` (memcached after its privilege drop: that user's uid and primary group only, as
   * memcached calls setgroups(0)) can see `path` (access(F_OK): search permission on every directory on
   * the way). `null` user: memcached keeps running as root.
   */
  visibleTo?(path: string, user: string | null): boolean | undefined;
  /**
   * Whether `user` can create a unix socket at `path`: write and search permission on its directory and
   * search permission above it, and no other kind of file already there. `reason` says what stops it.
   */
  socketCreatable?(path: string, user: string | null): { ok: boolean; reason: string } | undefined;
  /** Whether the host's SASL library looks for its configuration through SASL_CONF_PATH (set for the service). */
  readonly saslConfPath?: string;
  /** What the service manager forbids memcached's sockets (a systemd unit's own restrictions). */
  readonly sandbox?: SocketSandbox;
}

/**
 * The service's own limits on memcached's sockets (systemd's RestrictAddressFamilies=, SocketBindDeny=,
 * PrivateNetwork=: see src/dialects/unit-network.ts for their semantics and sources).
 */
export interface SocketSandbox {
  /** Why socket() of this family fails with EAFNOSUPPORT (the setting), or null. */
  familyBlocked(family: 'AF_INET' | 'AF_INET6' | 'AF_UNIX'): string | null;
  /** Where the family filter holds, for messages ("; systemd's seccomp filter, on x86-64 and arm64 ..."). */
  readonly familyNote?: string;
  /** Set when the file does not decide whether this family is blocked (a drop-in merges with its unit): why. */
  familyUnknown?(family: 'AF_INET' | 'AF_INET6' | 'AF_UNIX'): Unknown | null;
  /** Why bind() of this address fails with EPERM, and what the host decides about it, or null. */
  bindBlocked?(family: 'ipv4' | 'ipv6', transport: 'tcp' | 'udp', port: number): { why: string; unknown?: Unknown } | null;
  /** Set when memcached runs in a network namespace with only loopback (why): no other address exists there. */
  readonly loopbackOnly?: string;
}

/**
 * User names made of digits only exist on no realistic system: Debian's adduser refuses them "to avoid
 * ambiguity with numerical UIDs", as do shadow's useradd (since 4.14) and systemd-sysusers. memcached looks
 * `-u 0` up by name with getpwnam("0"), which does not read it as uid 0.
 */
export function unrealisticUserName(name: string): boolean {
  return digitsBetween(name, 0, name.length); // /^[0-9]+$/
}

/**
 * A host name getaddrinfo resolves on no realistic host: DNS names and /etc/hosts entries are letters,
 * digits, "-", "_" and "." (white space, "#", "$", quotes and the like appear when a shell or systemd left a
 * variable or comment in the value: systemd's EnvironmentFile= passes `$LISTEN` literally).
 */
export function unresolvableHostName(host: string): boolean {
  return !/^[A-Za-z0-9._-]+$/.test(host);
}

export const SERVICE_HOST: HostFacts = { root: true };

export type Listener =
  | { transport: 'tcp' | 'udp'; address: string | null; host: string | null; port: number; tls: boolean; entry: ListenEntry | null }
  | { transport: 'unix'; path: string; mode: string };

/**
 * Whether memcached starts. `certain: false` with `unknown` set: the outcome depends on the template or the
 * host (the fields then give the outcome as the file is written, the best guess).
 */
export type Startup =
  | { ok: true; warnings: string[]; certain?: boolean; unknown?: Unknown }
  | ({ ok: false; warnings: string[] } & Failure);

/**
 * A start-up refusal caused by a combination of options. memcached stops at the first failure; every
 * refusal the configuration would meet is listed here (rule MC603 reports each), and the start-up checks
 * take theirs from this list, so both say the same thing.
 */
export interface Refusal extends Failure {
  readonly kind: 'sasl-protocol' | 'sasl-udp' | 'auth-protocol' | 'auth-udp' | 'ssl-no-tcp' | 'ssl-no-cert' | 'listener';
  /** The `-l` entry memcached refuses (kind `listener`). */
  readonly entry: ListenEntry | null;
}

/** memcached certainly prints its usage, version or licence and exits 0 (`-h`, `-V`, `-i`): it serves nothing. */
export const printsAndExits = (st: Startup): boolean => !st.ok && !!st.prints && st.certain && !st.unknown;

export interface StartupResult {
  startup: Startup;
  /** Every combination of options memcached refuses at start (it stops at the first one). */
  refusals: Refusal[];
  /** The listeners the configuration asks for; memcached opens them only when `startup.ok`. */
  listeners: Listener[];
  entries: ListenEntry[];
  /** The user memcached ends up running as (null: unknown / not started as root and no drop). */
  runsAs: string | null;
  /**
   * Facts only the host memcached runs on decides, which the start-up went past assuming the usual answer
   * (the address is this machine's, the user exists): with them the outcome is not certain.
   */
  hostUnknowns: Unknown[];
}

/** Users that exist wherever the memcached service is installed (the distributions' own, and the standard ones). */
const USUAL_USERS = new Set(['root', 'nobody', 'daemon', 'memcache', 'memcached']);

const ON_HOST = 'the host memcached runs on (inspect --host-checks there)';

const ITEM_SIZE_MIN = 1024;
const ITEM_SIZE_MAX = 1024 * 1024 * 1024;
const SLAB_PAGE = 1024 * 1024;

export function isIPv4(text: string): boolean {
  // Four groups of one to three digits, none above 255 (the groups are the parts split at the dots):
  // `/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/` and each group at most 255 (test/memcached/ipv4.test.ts).
  const ends = dottedGroups(text, 4, 4, 3);
  if (ends === null) return false;
  for (let k = 0, from = 0; k < 4; from = ends[k++] + 1) if (Number(text.slice(from, ends[k])) > 255) return false;
  return true;
}
/**
 * The address glibc's getaddrinfo() reads a host as when it is a number (inet_aton, which it tries before
 * any name lookup): one to four parts split at dots, each decimal, octal after a leading 0 or hexadecimal
 * after 0x, the last filling the remaining bytes (`0` is 0.0.0.0, `127.1` is 127.0.0.1, `010.0.0.1` is
 * 8.0.0.1, `0x7f000001` is 127.0.0.1; measured with memcached 1.6.18 and glibc). Its dotted-decimal form,
 * or null for anything else (a name, an IPv6 address, `08.0.0.1`, `0x`).
 */
export function numericIPv4(text: string): string | null {
  // The usual case, a dotted quad with no group in octal (no leading 0): its own dotted-decimal form, read
  // without the arrays below (held to the full reading by test/memcached/numeric-ipv4.test.ts).
  if (plainDottedQuad(text)) return text;
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    // Character by character (this runs for every -l entry of every lint): 0x hex, 0 octal, else decimal.
    const hex = part.length > 1 && part[0] === '0' && (part[1] === 'x' || part[1] === 'X');
    const base = hex ? 16 : part.length > 1 && part[0] === '0' ? 8 : 10;
    const digits = hex ? part.slice(2) : base === 8 ? part.slice(1) : part;
    if (digits.length === 0 || digits.length > 12) return null;
    for (let k = 0; k < digits.length; k++) {
      const c = digits.charCodeAt(k);
      const dec = c >= 48 && c <= 57;
      if (!(base === 10 ? dec : base === 8 ? c >= 48 && c <= 55 : dec || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return null;
    }
    values.push(parseInt(digits, base));
  }
  const last = values[values.length - 1];
  const head = values.slice(0, -1);
  if (head.some((v) => v > 0xff) || last >= 2 ** (8 * (5 - values.length))) return null;
  const n = head.reduce((acc, v, k) => acc + v * 2 ** (8 * (3 - k)), 0) + last;
  return [24, 16, 8, 0].map((sh) => Math.floor(n / 2 ** sh) % 256).join('.');
}

/** A dotted quad (isIPv4) none of whose groups has a leading 0 (which glibc reads as octal). */
export function plainDottedQuad(text: string): boolean {
  if (!isIPv4(text)) return false;
  for (let k = 0; k < text.length - 1; k++) {
    if (text.charCodeAt(k) === 48 /* 0 */ && (k === 0 || text.charCodeAt(k - 1) === 46) /* . */ && text.charCodeAt(k + 1) !== 46) return false;
  }
  return true;
}

function isIPv6(text: string): boolean {
  return text.includes(':') && /^[0-9a-fA-F:.]+(%[\w.-]+)?$/.test(text);
}
/** 127.0.0.0/8 and ::1: loopback. */
function isLoopback(text: string): boolean {
  return text.startsWith('127.') || isIPv6Loopback(text);
}

/** ::1 however written (`::1`, `0:0:0:0:0:0:0:1`, `::0001`). */
function isIPv6Loopback(text: string): boolean {
  if (text === '::1') return true;
  if (!text.includes(':')) return false;
  const t = text.toLowerCase();
  if (!/^[0-9a-f:]+$/.test(t)) return false;
  const halves = t.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = halves.length === 2 ? [...head, ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail] : head;
  return all.length === 8 && all.every((g, k) => /^[0-9a-f]{1,4}$/.test(g) && parseInt(g, 16) === (k === 7 ? 1 : 0));
}

/**
 * ::1 exists only where IPv6 is on: a host or container where it is off (net.ipv6.conf.*.disable_ipv6=1, the
 * ipv6.disable=1 boot option) has no ::1 on its loopback, and bind() to it fails with EADDRNOTAVAIL (exit 71,
 * measured with 1.6.18 in a network namespace whose lo has disable_ipv6=1). 127.0.0.1 is on every Linux machine.
 */
const IPV6_LOOPBACK_HOST = 'whether IPv6 is on where memcached runs: a host or container with IPv6 turned off (net.ipv6.conf.all.disable_ipv6=1, or the ipv6.disable=1 boot option) has no ::1, and binding it fails with exit 71';

/** 0.0.0.0 or ::, which bind on any machine. */
export function isUnspecified(text: string): boolean {
  // A dotted quad of zeros ("0", "00" or "000" each: `/^0{1,3}\.0{1,3}\.0{1,3}\.0{1,3}$/`), else only zeros
  // and colons (`/^[0:]+$/`).
  return isIPv4(text) ? onlyOf(text, 46 /* . */) : text.length > 0 && onlyOf(text, 58 /* : */);
}

/** Whether every character of `text` is `0` or the one given. */
function onlyOf(text: string, other: number): boolean {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c !== 48 && c !== other) return false;
  }
  return true;
}

/**
 * The port getaddrinfo ends up binding for memcached's decimal port string. memcached turns -1 into 0
 * (ephemeral); glibc reads the string with strtoul, takes a "negative" number for a service name (which
 * fails: "Servname not supported for ai_socktype") and keeps the low 16 bits of the rest (70000 → 4464).
 */
function effectivePort(port: number): number | null {
  if (port === -1) return 0;
  if (port < 0) return null;
  return port % 65536;
}

/** Descriptors a 1.6 memcached holds before its first listening socket: stdio, event bases, thread pipes. */
function descriptorsBeforeSockets(threads: number): number {
  return 4 * threads + 7;
}

export function evaluateStartup(applied: Applied, version: Version, host: HostFacts): StartupResult {
  const s = applied.settings;
  const warnings: string[] = [];
  const byKey = (k: keyof Settings): OptionEvent | null => applied.setBy[k] ?? null;
  const entries = s.inter !== null ? parseListenList(s.inter, { sslEnabled: s.sslEnabled, authFile: s.authFile !== null, version }) : [];
  const refusals = combinationRefusals(s, version, entries, byKey);
  const pending: Unknown[] = [];
  const result = (failure: Failure | null, listeners: Listener[], entries: ListenEntry[], runsAs: string | null): StartupResult => ({
    // A failure after a check whose answer was assumed (not known) is not certain: that check may fail first.
    startup: failure ? { ok: false, warnings, ...failure, certain: failure.certain && (pending.length === 0 || failure.stage === 'read' || failure.stage === 'checks') } : { ok: true, warnings },
    refusals,
    listeners,
    entries,
    runsAs,
    hostUnknowns: pending,
  });
  const runsAs = host.root ? (s.username && s.username !== '' ? s.username : null) : null;
  // An address whose family the service blocks gets no socket: memcached skips it (server_socket()).
  const blocked = host.sandbox;
  const listeners = computeListeners(s, version, entries).filter(
    (l) => {
      if (!blocked || l.transport === 'unix' || l.address === null) return true;
      const family = l.address.includes(':') ? 'AF_INET6' : 'AF_INET';
      return !blocked.familyBlocked(family) || !!blocked.familyUnknown?.(family);
    },
  );

  if (applied.exitsEarly) {
    const letter = applied.exitsEarly.spec.short;
    const prints = letter === 'h' ? 'usage' : letter === 'V' ? 'version' : 'licence';
    // It opens no listener and switches to no user (the root check and the drop come after the options).
    return result({ exitCode: 0, reason: `${applied.exitsEarly.written} prints its ${prints} and exits without serving`, option: applied.exitsEarly, certain: true, stage: 'read', prints }, [], entries, null);
  }
  if (applied.failure) return result(applied.failure, listeners, entries, runsAs);

  if (s.largePages) warnings.push('-L fails with exit 1 when transparent huge pages are set to [never] on the host');
  // The first refusal of these kinds, as the failure it is (without the list's own fields).
  const refused = (...kinds: Refusal['kind'][]): Failure | null => {
    const r = refusals.find((x) => kinds.includes(x.kind));
    return r ? { exitCode: r.exitCode, reason: r.reason, option: r.option, certain: r.certain } : null;
  };
  const staged = (stage: Failure['stage'], f: Failure | null): Failure | null => (f ? { ...f, stage } : null);
  const failure =
    staged('checks', optionChecks(s, version, byKey, refused)) ??
    staged('drop', privilegeChecks(s, version, host, byKey, pending)) ??
    staged('after-drop', beforeSockets(s, version, host, warnings, byKey, pending, refused)) ??
    staged('after-drop', s.socketpath !== null ? unixSocketCheck(s, version, host, warnings, byKey, pending) : networkChecks(s, version, entries, host, warnings, byKey, pending)) ??
    staged('after-drop', maxconnsCheck(s, listeners, byKey));
  // The service's own restrictions leave memcached no socket it can bind: in that service the listeners
  // cannot exist at all (where the host decides whether the restriction applies, they are kept).
  return result(failure, failure?.cause && failure.certain ? [] : listeners, entries, runsAs);
}

type ByKey = (k: keyof Settings) => OptionEvent | null;
type Refused = (...kinds: Refusal['kind'][]) => Failure | null;

/** The incompatible listener entries (their errors, from parseListenList) that depend on another option. */
const LISTENER_REFUSALS = [/option is valid only when SSL is enabled/, /binary protocol when ascii authentication/];

/** Every refusal of this configuration's option combinations, in the order memcached would meet them. */
function combinationRefusals(s: Settings, version: Version, entries: ListenEntry[], byKey: ByKey): Refusal[] {
  const out: Refusal[] = [];
  const add = (kind: Refusal['kind'], f: Failure, entry: ListenEntry | null = null) => out.push({ ...f, kind, entry });
  // An invalid -B stops memcached as it reads it: no protocol combination is checked then.
  const lastB = byKey('protocolSpecified');
  const protocolValid = lastB === null || ['auto', 'binary', 'ascii'].includes(lastB.value ?? '');
  const ports = followedPorts(s, version);
  if (s.sasl) {
    if (s.protocolSpecified && protocolValid && s.protocol !== 'binary') {
      add('sasl-protocol', failure(64, 'ERROR: You cannot allow the ASCII protocol while using SASL.', byKey('protocol')));
    }
    if (s.udpport !== 0) add('sasl-udp', failure(64, 'ERROR: Cannot enable UDP while using binary SASL authentication.', byKey('udpport') ?? byKey('sasl')));
  }
  if (s.authFile && s.protocolSpecified && protocolValid && s.protocol !== 'ascii') {
    add('auth-protocol', failure(64, 'ERROR: You cannot allow the BINARY protocol while using ascii authentication tokens.', byKey('protocol')));
  }
  if (s.sslEnabled) {
    if (!ports.tcp) add('ssl-no-tcp', failure(64, 'ERROR: You cannot enable SSL without a TCP port.', byKey('sslEnabled')));
    if (!s.extended.has('ssl_chain_cert') || !s.extended.has('ssl_key')) {
      add('ssl-no-cert', failure(64, 'Error loading the certificate chain: -Z needs -o ssl_chain_cert=FILE,ssl_key=FILE', byKey('sslEnabled')));
    }
  }
  if (s.authFile && ports.udp !== 0) {
    add('auth-udp', failure(64, 'Cannot use UDP with ascii authentication enabled (-U 0 to disable)', byKey('udpport') ?? byKey('authFile')));
  }
  // memcached parses the -l list only when it opens network listeners.
  if (s.socketpath === null && (ports.tcp !== 0 || ports.udp !== 0)) {
    for (const e of entries) {
      if (e.error && LISTENER_REFUSALS.some((re) => re.test(e.error!))) add('listener', failure(71, e.error, byKey('inter')), e);
    }
  }
  return out;
}

function failure(exitCode: number, reason: string, option: OptionEvent | null, certain = true): Failure {
  return { exitCode, reason, option, certain };
}

/**
 * The TCP and UDP ports after memcached makes them follow each other. Since 1.5.6 only `-U N` (N≠0)
 * without `-p` moves TCP to N. From 1.4.3 to 1.5.5 `-p N` without `-U` also moved UDP to N; before
 * 1.5.4 even a 0 was copied across (`-U 0` alone turned TCP off). Before 1.4.3 they were independent.
 */
export function followedPorts(s: Settings, version: Version): { tcp: number; udp: number } {
  if (!atLeast(version, '1.4.3')) return { tcp: s.port, udp: s.udpport };
  const zeroToo = !atLeast(version, '1.5.4');
  if (s.tcpSpecified && !s.udpSpecified && (zeroToo || s.port !== 0) && !atLeast(version, '1.5.6')) {
    return { tcp: s.port, udp: s.port };
  }
  if (s.udpSpecified && !s.tcpSpecified && (zeroToo || s.udpport !== 0)) return { tcp: s.udpport, udp: s.udpport };
  return { tcp: s.port, udp: s.udpport };
}

/** memcached's `maxbytes`: `(size_t) atoi(-m) * 1 MiB`, so a negative `-m` wraps to an enormous limit. */
function maxbytes(s: Settings): bigint {
  return BigInt.asUintN(64, BigInt.asUintN(64, BigInt(s.memoryMB)) * 1048576n);
}

/** The checks `main()` makes right after reading the options, in its order. */
function optionChecks(s: Settings, version: Version, byKey: ByKey, refused: Refused): Failure | null {
  if (s.napiIds > s.threads) {
    return failure(64, `Number of napi_ids(${s.napiIds}) cannot be greater than number of threads(${s.threads})`, byKey('napiIds'));
  }
  if (s.itemSizeMax < ITEM_SIZE_MIN) return failure(64, 'Item max size cannot be less than 1024 bytes.', byKey('itemSizeMax'));
  if (BigInt(s.itemSizeMax) > maxbytes(s) / 2n) {
    return failure(64, 'Cannot set item size limit higher than 1/2 of memory max.', byKey('memoryMB') ?? byKey('itemSizeMax'));
  }
  if (s.itemSizeMax > ITEM_SIZE_MAX) return failure(64, 'Cannot set item size limit higher than a gigabyte.', byKey('itemSizeMax'));
  const chunkMax = effectiveChunkMax(s);
  if (atLeast(version, '1.4.28')) {
    const chunk = chunkChecks(s, chunkMax, byKey);
    if (chunk) return chunk;
  }
  if (s.slabSizes !== null) {
    const err = slabSizesError(s.slabSizes, s.chunkSize, chunkMax);
    if (err) return failure(64, err, byKey('extended'));
  }
  if (s.hotLruPct + s.warmLruPct > 80) return failure(64, 'hot_lru_pct + warm_lru_pct cannot be more than 80% combined', byKey('extended'));
  if (s.tempLru && !s.lruMaintainer) return failure(64, 'temporary_ttl requires lru_maintainer to be enabled', byKey('extended'));
  const protocols = refused('sasl-protocol', 'sasl-udp', 'auth-protocol');
  if (protocols) return protocols;
  const port = followedPorts(s, version).tcp;
  // The range check arrived in 1.6.16; before it getaddrinfo kept the low 16 bits (70000 → 4464).
  if (port > 65535 && atLeast(version, '1.6.16')) return failure(64, `ERROR: Invalid port number ${port}.`, byKey('port') ?? byKey('udpport'));
  const ssl = refused('ssl-no-tcp') ?? refused('ssl-no-cert');
  if (ssl) return ssl;
  // RLIMIT_NOFILE is set to -c; as root this succeeds up to fs.nr_open (1048576 by default).
  if (s.maxconns > 1048576) {
    return failure(71, 'failed to set rlimit for open files. Try starting as root or requesting smaller maxconns value.', byKey('maxconns'), false);
  }
  return null;
}

/** `slab_chunk_max` after `-I`: an item size above 1 MiB halves the default unless it was set. */
function effectiveChunkMax(s: Settings): number {
  return s.itemSizeMax > SLAB_PAGE && !s.slabChunkChanged ? SLAB_PAGE / 2 : s.slabChunkMax;
}

function chunkChecks(s: Settings, chunkMax: number, byKey: ByKey): Failure | null {
  if (chunkMax > s.itemSizeMax) {
    return failure(64, `slab_chunk_max (bytes: ${chunkMax}) cannot be larger than -I (item_size_max ${s.itemSizeMax})`, byKey('itemSizeMax'));
  }
  // Only reachable before 1.6.24, when an unparsable slab_chunk_max left 0: `item_size_max % 0`.
  if (chunkMax === 0) return failure(136, 'slab_chunk_max is 0: memcached divides by it and dies of SIGFPE', byKey('extended'));
  if (s.itemSizeMax % chunkMax !== 0) {
    return failure(64, `-I (item_size_max: ${s.itemSizeMax}) must be evenly divisible by slab_chunk_max (bytes: ${chunkMax})`, byKey('itemSizeMax'));
  }
  if (SLAB_PAGE % chunkMax !== 0) {
    return failure(64, `slab_chunk_max (bytes: ${chunkMax}) must divide evenly into ${SLAB_PAGE} (slab_page_size)`, byKey('extended'));
  }
  return null;
}

/** `_parse_slab_sizes()`: `-` separated sizes, each within [-n, slab_chunk_max] and 8+ bytes above the last. */
export function slabSizesError(list: string, chunkSize: number, chunkMax: number): string | null {
  if (list === '') return 'slab_sizes is empty';
  const sizes = list.split('-').filter((p) => p !== ''); // strtok_r(s, "-"): empty fields are skipped
  let last = 0;
  let count = 0;
  for (const text of sizes) {
    const size = safeStrtoul(text);
    // size is a uint32_t: the int bounds are compared as unsigned, so a negative -n refuses every size.
    if (size === null || size < chunkSize >>> 0 || size > chunkMax >>> 0) return `slab size ${size ?? 0} is out of valid range`;
    if (last >= size) return `slab size ${size} cannot be lower than or equal to a previous class size`;
    if (size <= last + 8) return `slab size ${size} must be at least 8 bytes larger than previous class`;
    last = size;
    if (++count >= 63) return 'too many slab classes specified';
  }
  return null;
}

/** The privilege drop: as root memcached needs `-u`, and the user must exist. */
function privilegeChecks(s: Settings, version: Version, host: HostFacts, byKey: ByKey, pending: Unknown[]): Failure | null {
  if (!host.root) return null;
  if (s.username === null || s.username === '') {
    // Message changed in 1.6.35 (commit d5bff0314).
    const msg = atLeast(version, '1.6.35') ? "must add '-u root' to start as root" : "can't run as root without the -u switch";
    return failure(64, msg, byKey('username'));
  }
  const answer = host.userExists?.(s.username);
  // Without an answer from the host, a name of digits only is taken for one no system has.
  const assumedMissing = answer === undefined && unrealisticUserName(s.username);
  const exists = assumedMissing ? false : answer;
  if (exists === false) {
    const why = assumedMissing ? ' (no realistic system has a user named by digits only; memcached looks the name up, it does not read it as a uid)' : '';
    return failure(67, `can't find the user ${s.username} to switch to${why}`, byKey('username'));
  }
  if (exists === undefined && !USUAL_USERS.has(s.username)) pending.push({ depends: 'host', reason: `whether the user ${s.username} exists`, decide: ON_HOST });
  // With RLIMIT_NOFILE at 3 there is no descriptor left for getpwnam() to read /etc/passwd.
  if (s.maxconns <= 3) return failure(67, `-c ${s.maxconns} leaves getpwnam() no file descriptor: "can't find the user ${s.username} to switch to"`, byKey('maxconns'), false);
  return null;
}

/** Where memcached's SASL getconf callback looks when SASL_CONF_PATH is not set (sasl_defs.c). */
const SASL_CONFIG_FILES = ['/etc/sasl/memcached.conf', '/etc/sasl2/memcached.conf'];

/** What happens between the privilege drop and the listening sockets. */
function beforeSockets(s: Settings, version: Version, host: HostFacts, warnings: string[], byKey: ByKey, pending: Unknown[], refused: Refused): Failure | null {
  if (s.sasl && host.saslConfPath === undefined) {
    // Without a configuration file the getconf callback fails and so does sasl_server_init() (verified on
    // 1.6.18). memcached looks after its privilege drop, with access(F_OK), so the -u user must see it.
    const user = host.root ? s.username : null;
    const found = SASL_CONFIG_FILES.map((f) => host.visibleTo?.(f, user) ?? host.fileExists?.(f));
    const reason = `Error initializing sasl.: no SASL configuration (${SASL_CONFIG_FILES.join(', ')}) and no SASL_CONF_PATH`;
    // The host answered for both places: certain (unless the unit sets SASL_CONF_PATH, which saslConfPath says).
    if (found.every((f) => f === false)) return failure(1, reason, byKey('sasl'));
    if (!found.includes(true)) {
      warnings.push(`-S exits 1 at start-up unless a SASL configuration exists (${SASL_CONFIG_FILES.join(' or ')}, or $SASL_CONF_PATH)`);
      pending.push({ depends: 'host', reason: `whether a SASL configuration (${SASL_CONFIG_FILES.join(' or ')}) exists for -S`, decide: ON_HOST });
    }
  }
  const udp = refused('auth-udp');
  if (udp) return udp;
  if (s.authFile !== null) {
    const exists = host.fileExists?.(s.authFile);
    if (exists === false) return failure(1, `Could not stat authfile [${s.authFile}]`, byKey('authFile'));
    if (exists === undefined) pending.push({ depends: 'host', reason: `whether the -Y file ${s.authFile} exists`, decide: ON_HOST });
  }
  // atof("nan") passes `factor <= 1.0`; slabs_init() then computes a zero chunk size and divides by it.
  if (Number.isNaN(s.factor)) return failure(136, 'a NaN -f makes slabs_init() divide by zero (SIGFPE)', byKey('factor'));
  // Measured on memcached 1.6.18 / libevent 2.1: the event bases and worker threads need 4 per thread + 7.
  const needed = descriptorsBeforeSockets(s.threads);
  if (s.maxconns < needed) {
    return failure(1, `-c ${s.maxconns} leaves too few file descriptors for ${s.threads} threads (${needed} needed before any socket): start-up fails with "Too many open files"`, byKey('maxconns'), false);
  }
  return null;
}

function unixSocketCheck(s: Settings, version: Version, host: HostFacts, warnings: string[], byKey: ByKey, pending: Unknown[]): Failure | null {
  if (s.socketpath !== null && s.socketpath.length > 107) warnings.push('the unix socket path is longer than 107 bytes and is silently truncated');
  const unixBlocked = host.sandbox?.familyBlocked('AF_UNIX');
  if (s.socketpath !== null && unixBlocked) {
    // server_socket_unix(): socket() fails, then main() exits (measured on 1.6.18 under such a seccomp filter).
    const undecided = host.sandbox?.familyUnknown?.('AF_UNIX') ?? null;
    const out = { ...failure(71, `socket(): Address family not supported by protocol; failed to listen on UNIX socket: ${s.socketpath.slice(0, 107)} (${unixBlocked} blocks AF_UNIX${host.sandbox?.familyNote ?? ''})`, byKey('socketpath'), !undecided), cause: unixBlocked };
    return undecided ? { ...out, unknown: undecided } : out;
  }
  if (s.socketpath !== null) {
    // memcached binds the socket after switching to its user (relative paths are relative to /).
    const user = host.root ? (s.username ?? null) : null;
    const path = s.socketpath.slice(0, 107);
    const can = host.socketCreatable?.(path.startsWith('/') ? path : `/${path}`, user);
    if (can && !can.ok) {
      const errno = /exists/.test(can.reason) ? 'Address already in use' : 'Permission denied';
      return failure(71, `bind(): ${errno}: ${can.reason}; failed to listen on UNIX socket: ${path}`, byKey('socketpath'));
    }
    // The service's own socket directories exist with the right owner wherever it is installed.
    if (!can && user !== null && user !== 'root' && !/^\/(var\/)?run\/memcached\/[^/]+$|^\/(var\/)?tmp\/[^/]+$/.test(path)) {
      pending.push({ depends: 'host', reason: `whether the user ${user} can create ${path}`, decide: ON_HOST });
    }
  }
  if (s.maxconns < descriptorsBeforeSockets(s.threads) + 1) {
    return failure(71, `-c ${s.maxconns} leaves no file descriptor for the unix socket`, byKey('maxconns'), false);
  }
  return null;
}

/**
 * server_sockets() for TCP, then for UDP, in `-l` order: syntax errors, unusable ports, privileged ports,
 * addresses not on this machine, and running out of descriptors (RLIMIT_NOFILE = -c) all end in exit 71,
 * except a failed dup() of a UDP socket for the worker threads (exit 1).
 */
function networkChecks(s: Settings, version: Version, entries: ListenEntry[], host: HostFacts, warnings: string[], byKey: ByKey, pending: Unknown[]): Failure | null {
  const ports = followedPorts(s, version);
  const runsUnprivileged = !host.root || s.username !== 'root';
  const unprivilegedStart = host.unprivilegedPortStart ?? 1024;
  const udpConnsPerSocket = s.inter !== null && s.inter.includes(',') ? 1 : s.threads;
  let fds = descriptorsBeforeSockets(s.threads);
  for (const [transport, basePort] of [['tcp', ports.tcp], ['udp', ports.udp]] as const) {
    if (!basePort) continue;
    // `-l ""` or `-l ,` yields no entry at all: nothing is bound and nothing fails.
    const list = s.inter === null ? [null] : entries;
    for (const e of list) {
      const opt = byKey('inter');
      const portOpt = e ? opt : byKey(transport === 'tcp' ? 'port' : 'udpport');
      if (e?.error) return failure(71, `${e.error}; failed to listen on one of interface(s) ${s.inter}`, opt);
      const p = effectivePort(e?.port ?? basePort);
      if (p === null) return failure(71, `getaddrinfo(): Servname not supported for ai_socktype (port ${e?.port ?? basePort})`, portOpt);
      const sandboxed = host.sandbox ? sandboxCheck(host.sandbox, transport, e, p, s, opt, portOpt, pending) : null;
      if (sandboxed) return sandboxed;
      if (p > 0 && p < unprivilegedStart && runsUnprivileged) {
        const who = host.root ? `after switching to user ${s.username}` : 'as a non-root user';
        return failure(71, `bind(): Permission denied: port ${p} is privileged and memcached binds ${who}`, portOpt, host.root);
      }
      // A numeric host in any form glibc reads (`0`, `127.1`, `010.0.0.1`) is that IPv4 address.
      const h = e?.host == null ? null : (numericIPv4(e.host) ?? e.host);
      if (h !== null && isIPv6(h) && isIPv6Loopback(h)) {
        // The unit's own network namespace (PrivateNetwork=) has ::1 as the host's has: where IPv6 is on.
        const local = host.addressIsLocal?.('::1');
        if (local === false) return failure(71, `bind(): Cannot assign requested address: ${h} is not an address of this machine (IPv6 is off here); failed to listen on one of interface(s) ${s.inter}`, opt);
        if (local === undefined && !pending.some((u) => u.reason === IPV6_LOOPBACK_HOST)) pending.push({ depends: 'host', reason: IPV6_LOOPBACK_HOST, decide: ON_HOST });
      } else if (h !== null && (numericIPv4(h) !== null || isIPv6(h))) {
        const local = isUnspecified(h) || isLoopback(h) ? true : host.sandbox?.loopbackOnly ? false : host.addressIsLocal?.(h);
        if (local === false && host.sandbox?.loopbackOnly) {
          const why = host.sandbox.loopbackOnly;
          return { ...failure(71, `bind(): Cannot assign requested address: ${h} does not exist in the unit's own network namespace, which has only loopback (${why}); failed to listen on one of interface(s) ${s.inter}`, opt), cause: why };
        }
        if (local === false) return failure(71, `bind(): Cannot assign requested address: ${h} is not an address of this machine`, opt);
        if (local === undefined && !pending.some((u) => u.reason.includes(` ${h} `))) {
          pending.push({ depends: 'host', reason: `whether ${h} is an address of the machine memcached runs on`, decide: ON_HOST });
        }
      } else if (h !== null && unresolvableHostName(h)) {
        // No resolvable name holds white space, "#" or "$" (DNS refuses them, /etc/hosts treats "#" as a
        // comment): `-l " 127.0.0.1"` before 1.6.32, `127.0.0.1#` glued on by systemd, or `$LISTEN` passed
        // literally by EnvironmentFile=, exits 71.
        return failure(71, `getaddrinfo(): Name or service not known: "${h}"; failed to listen on one of interface(s) ${s.inter}`, opt);
      } else if (h !== null) {
        warnings.push(`"${h}" is resolved when memcached starts; start-up fails with exit 71 if it does not resolve to an address of this machine`);
        if (/^(localhost|ip6-localhost|ip6-loopback)$/i.test(h)) {
          // memcached binds every address the name resolves to: /etc/hosts gives ::1 for these names on Debian,
          // Ubuntu, RHEL and Fedora, which exists only where IPv6 is on. Where ::1 is there, all of them bind.
          if (host.addressIsLocal?.('::1') !== true && !pending.some((u) => u.reason.includes(`"${h}"`))) {
            pending.push({ depends: 'host', reason: `whether "${h}" resolves to ::1 (as /etc/hosts has it on Debian, Ubuntu, RHEL and Fedora) where IPv6 is off: memcached binds every address the name resolves to, and ::1 then fails with exit 71`, decide: ON_HOST });
          }
        } else if (!pending.some((u) => u.reason.includes(`"${h}"`))) {
          pending.push({ depends: 'host', reason: `what "${h}" resolves to when memcached starts`, decide: ON_HOST });
        }
      }
      for (let a = 0; a < (h === null ? 2 : 1); a++) {
        if (++fds > s.maxconns) return failure(71, `server_socket: Too many open files (-c ${s.maxconns})`, byKey('maxconns'), false);
        if (transport === 'udp') {
          fds += udpConnsPerSocket - 1;
          if (fds > s.maxconns) return failure(1, `Failed to duplicate file descriptor: Too many open files (-c ${s.maxconns})`, byKey('maxconns'), false);
        }
      }
    }
  }
  return null;
}

/**
 * The service's own limits on one listener (the default one, or one `-l` entry) at port `p`, in
 * server_socket()'s order: socket() for each address getaddrinfo gives (the wildcard: 0.0.0.0 and ::; a
 * host name: whatever it resolves to), skipping those whose family is blocked, and failing the listener
 * when none is left; then bind(), which fails the listener at once when refused (EPERM).
 */
function sandboxCheck(
  box: SocketSandbox,
  transport: 'tcp' | 'udp',
  e: ListenEntry | null,
  p: number,
  s: Settings,
  opt: OptionEvent | null,
  portOpt: OptionEvent | null,
  pending: Unknown[],
): Failure | null {
  const h = e?.host == null ? null : (numericIPv4(e.host) ?? e.host);
  const literal = h !== null && (numericIPv4(h) !== null || isIPv6(h));
  const families: ('AF_INET' | 'AF_INET6')[] = literal ? [numericIPv4(h!) !== null ? 'AF_INET' : 'AF_INET6'] : ['AF_INET', 'AF_INET6'];
  const usable = families.filter((f) => !box.familyBlocked(f));
  const listen = s.inter === null ? `failed to listen on ${transport.toUpperCase()} port ${p}` : `failed to listen on one of interface(s) ${s.inter}`;
  if (usable.length === 0) {
    const why = box.familyBlocked(families[0])!;
    const what = families.length === 2 ? 'both AF_INET and AF_INET6' : families[0];
    const undecided = families.map((f) => box.familyUnknown?.(f) ?? null).find((u) => u !== null) ?? null;
    const out = { ...failure(71, `${listen}: Address family not supported by protocol (${why} blocks ${what}${h !== null && !literal ? `, whichever ${h} resolves to` : ''}${box.familyNote ?? ''})`, s.inter === null ? portOpt : opt, !undecided), cause: why };
    return undecided ? { ...out, unknown: undecided } : out;
  }
  if (h !== null && !literal && usable.length < families.length) {
    pending.push({
      depends: 'host',
      reason: `whether "${h}" resolves to an ${usable[0] === 'AF_INET' ? 'IPv4' : 'IPv6'} address, the only family ${box.familyBlocked(families.find((f) => !usable.includes(f))!)} leaves`,
      decide: ON_HOST,
    });
  }
  if (box.bindBlocked) {
    for (const f of usable) {
      const refused = box.bindBlocked(f === 'AF_INET' ? 'ipv4' : 'ipv6', transport, p);
      if (!refused) continue;
      const out = { ...failure(71, `bind(): Operation not permitted (${refused.why}); ${listen}`, s.inter === null ? portOpt : opt, !refused.unknown), cause: refused.why };
      return refused.unknown ? { ...out, unknown: refused.unknown } : out;
    }
  }
  return null;
}

/**
 * "Maxconns setting is too low": the listening connections (each UDP socket counts once per worker
 * thread, or once when the `-l` list has a comma) plus 5 reserved descriptors per thread must stay below
 * `-c` minus 1. Measured exact on 1.6.18; UDP connections are registered asynchronously, hence uncertain.
 */
function maxconnsCheck(s: Settings, listeners: Listener[], byKey: ByKey): Failure | null {
  const udpConnsPerSocket = s.inter !== null && s.inter.includes(',') ? 1 : s.threads;
  let conns = 0;
  for (const l of listeners) conns += l.transport === 'udp' ? udpConnsPerSocket : 1;
  if (conns + 5 * s.threads >= s.maxconns - 1) {
    const hasUdp = listeners.some((l) => l.transport === 'udp');
    return failure(1, `Maxconns setting is too low, use -c to increase. (${conns} listening connections + ${5 * s.threads} reserved for ${s.threads} threads >= -c ${s.maxconns} - 1)`, byKey('maxconns'), !hasUdp);
  }
  return null;
}

function computeListeners(s: Settings, version: Version, entries: ListenEntry[]): Listener[] {
  if (s.socketpath !== null) {
    return [{ transport: 'unix', path: s.socketpath.slice(0, 107), mode: `0${(s.access & 0o777).toString(8).padStart(3, '0')}` }];
  }
  const out: Listener[] = [];
  const ports = followedPorts(s, version);
  for (const [transport, base] of [['tcp', ports.tcp], ['udp', ports.udp]] as const) {
    if (!base) continue;
    if (s.inter === null) {
      const p = effectivePort(base);
      if (p === null) continue;
      out.push({ transport, address: '0.0.0.0', host: null, port: p, tls: s.sslEnabled, entry: null });
      out.push({ transport, address: '::', host: null, port: p, tls: s.sslEnabled, entry: null });
      continue;
    }
    for (const e of entries) {
      if (e.error) continue;
      const p = effectivePort(e.port ?? base);
      if (p === null) continue;
      const tls = s.sslEnabled && e.tls !== 'notls' && transport === 'tcp';
      if (e.host === null) {
        out.push({ transport, address: '0.0.0.0', host: null, port: p, tls, entry: e });
        out.push({ transport, address: '::', host: null, port: p, tls, entry: e });
      } else if (numericIPv4(e.host) !== null || isIPv6(e.host)) {
        out.push({ transport, address: numericIPv4(e.host) ?? e.host, host: null, port: p, tls, entry: e });
      } else {
        out.push({ transport, address: null, host: e.host, port: p, tls, entry: e });
      }
    }
  }
  return out;
}
