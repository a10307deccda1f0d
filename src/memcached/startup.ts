/**
 * What memcached does after reading its options, in the order of `main()` (memcached.c 1.6.45): the
 * cross-option checks, the privilege drop, then the listeners. Yields the listeners it would open and
 * whether it starts, with the exit status and message when it does not.
 */
import { parseListenList, type ListenEntry } from './listen.js';
import type { Applied, Failure, Settings } from './settings.js';
import type { OptionEvent } from './getopt.js';
import { atLeast, type Version } from './version.js';

/** Facts about the machine memcached starts on. Each answer may be `undefined`: not known. */
export interface HostFacts {
  /** Whether memcached is started as root (the Debian wrapper and the RHEL unit both start it as root). */
  readonly root: boolean;
  userExists?(name: string): boolean | undefined;
  /** Whether a numeric address is assigned to an interface of this machine. */
  addressIsLocal?(address: string): boolean | undefined;
}

export const SERVICE_HOST: HostFacts = { root: true };

export type Listener =
  | { transport: 'tcp' | 'udp'; address: string | null; host: string | null; port: number; tls: boolean; entry: ListenEntry | null }
  | { transport: 'unix'; path: string; mode: string };

export type Startup =
  | { ok: true; warnings: string[] }
  | ({ ok: false; warnings: string[] } & Failure);

export interface StartupResult {
  startup: Startup;
  listeners: Listener[];
  entries: ListenEntry[];
  /** The user memcached ends up running as (null: unknown / not started as root and no drop). */
  runsAs: string | null;
}

const ITEM_SIZE_MIN = 1024;
const ITEM_SIZE_MAX = 1024 * 1024 * 1024;
const SLAB_PAGE = 1024 * 1024;

function isIPv4(text: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text) && text.split('.').every((p) => Number(p) <= 255);
}
function isIPv6(text: string): boolean {
  return text.includes(':') && /^[0-9a-fA-F:.]+(%[\w.-]+)?$/.test(text);
}

/** The port getaddrinfo ends up binding for memcached's decimal port string (-1 means ephemeral). */
function effectivePort(port: number): number | null {
  if (port === -1) return 0;
  if (port < 0) return null; // "Servname not supported for ai_socktype"
  return port % 65536;
}

export function evaluateStartup(applied: Applied, version: Version, host: HostFacts): StartupResult {
  const s = applied.settings;
  const warnings: string[] = [];
  const byKey = (k: keyof Settings): OptionEvent | null => applied.setBy[k] ?? null;
  const result = (failure: Failure | null, listeners: Listener[], entries: ListenEntry[], runsAs: string | null): StartupResult => ({
    startup: failure ? { ok: false, warnings, ...failure } : { ok: true, warnings },
    listeners,
    entries,
    runsAs,
  });
  const entries = s.inter !== null ? parseListenList(s.inter, { sslEnabled: s.sslEnabled, authFile: s.authFile !== null, version }) : [];
  const runsAs = host.root ? (s.username && s.username !== '' ? s.username : null) : null;
  const listeners = computeListeners(s, entries);

  if (applied.exitsEarly) {
    const letter = applied.exitsEarly.spec.short;
    const what = letter === 'h' ? 'prints its usage' : letter === 'V' ? 'prints its version' : 'prints its licence';
    return result({ exitCode: 0, reason: `${applied.exitsEarly.written} ${what} and exits without serving`, option: applied.exitsEarly, certain: true }, [], entries, runsAs);
  }
  if (applied.failure) return result(applied.failure, [], entries, runsAs);

  const fail = (exitCode: number, reason: string, option: OptionEvent | null, certain = true): StartupResult =>
    result({ exitCode, reason, option, certain }, [], entries, runsAs);

  if (s.largePages) warnings.push('-L fails with exit 1 when transparent huge pages are set to [never] on the host');
  if (s.napiIds > s.threads) {
    return fail(64, `Number of napi_ids(${s.napiIds}) cannot be greater than number of threads(${s.threads})`, byKey('napiIds'));
  }
  if (s.itemSizeMax < ITEM_SIZE_MIN) return fail(64, 'Item max size cannot be less than 1024 bytes.', byKey('itemSizeMax'));
  const maxbytes = s.memoryMB * 1024 * 1024;
  if (s.itemSizeMax > maxbytes / 2) {
    return fail(64, 'Cannot set item size limit higher than 1/2 of memory max.', byKey('memoryMB') ?? byKey('itemSizeMax'));
  }
  if (s.itemSizeMax > ITEM_SIZE_MAX) return fail(64, 'Cannot set item size limit higher than a gigabyte.', byKey('itemSizeMax'));
  let chunkMax = s.slabChunkMax;
  if (s.itemSizeMax > SLAB_PAGE && !s.slabChunkChanged) chunkMax = SLAB_PAGE / 2;
  if (atLeast(version, '1.4.28')) {
    if (chunkMax > s.itemSizeMax) {
      return fail(64, `slab_chunk_max (bytes: ${chunkMax}) cannot be larger than -I (item_size_max ${s.itemSizeMax})`, byKey('itemSizeMax'));
    }
    if (s.itemSizeMax % chunkMax !== 0) {
      return fail(64, `-I (item_size_max: ${s.itemSizeMax}) must be evenly divisible by slab_chunk_max (bytes: ${chunkMax})`, byKey('itemSizeMax'));
    }
    if (SLAB_PAGE % chunkMax !== 0) {
      return fail(64, `slab_chunk_max (bytes: ${chunkMax}) must divide evenly into ${SLAB_PAGE} (slab_page_size)`, byKey('extended'));
    }
  }
  if (s.hotLruPct + s.warmLruPct > 80) return fail(64, 'hot_lru_pct + warm_lru_pct cannot be more than 80% combined', byKey('extended'));
  if (s.tempLru && !s.lruMaintainer) return fail(64, 'temporary_ttl requires lru_maintainer to be enabled', byKey('extended'));

  if (s.sasl) {
    if (s.protocolSpecified && s.protocol !== 'binary') {
      return fail(64, 'ERROR: You cannot allow the ASCII protocol while using SASL.', byKey('protocol'));
    }
    if (s.udpport !== 0) return fail(64, 'ERROR: Cannot enable UDP while using binary SASL authentication.', byKey('udpport') ?? byKey('sasl'));
  }
  if (s.authFile && s.protocolSpecified && s.protocol !== 'ascii') {
    return fail(64, 'ERROR: You cannot allow the BINARY protocol while using ascii authentication tokens.', byKey('protocol'));
  }
  let port = s.port;
  if (s.udpSpecified && s.udpport !== 0 && !s.tcpSpecified) port = s.udpport;
  if (port > 65535) return fail(64, `ERROR: Invalid port number ${port}.`, byKey('port') ?? byKey('udpport'));
  if (s.sslEnabled) {
    if (!port) return fail(64, 'ERROR: You cannot enable SSL without a TCP port.', byKey('sslEnabled'));
    if (!s.extended.has('ssl_chain_cert') || !s.extended.has('ssl_key')) {
      return fail(64, 'Error loading the certificate chain: -Z needs -o ssl_chain_cert=FILE,ssl_key=FILE', byKey('sslEnabled'));
    }
  }
  // RLIMIT_NOFILE is set to -c; as root this succeeds up to fs.nr_open (1048576 by default).
  if (s.maxconns > 1048576) {
    return fail(71, 'failed to set rlimit for open files. Try starting as root or requesting smaller maxconns value.', byKey('maxconns'), false);
  }
  if (host.root) {
    if (s.username === null || s.username === '') {
      const msg = atLeast(version, '1.6.36') ? "must add '-u root' to start as root" : "can't run as root without the -u switch";
      return fail(64, msg, byKey('username'));
    }
    const exists = host.userExists?.(s.username);
    if (exists === false) return fail(67, `can't find the user ${s.username} to switch to`, byKey('username'));
  }
  if (s.authFile && s.udpport !== 0) {
    return fail(64, 'Cannot use UDP with ascii authentication enabled (-U 0 to disable)', byKey('udpport') ?? byKey('authFile'));
  }
  // Too few connections for the listeners, worker threads and their event pipes: measured on memcached
  // 1.6.18, a start needs -c of at least about 4 per thread plus 8 (the exit status varies: 1, 67 or 71).
  const minConns = 4 * s.threads + 8;
  if (s.maxconns < minConns) {
    return fail(1, `-c ${s.maxconns} leaves too few file descriptors for ${s.threads} threads (about ${minConns} needed): start-up fails with "Too many open files"`, byKey('maxconns'), false);
  }
  if (s.socketpath !== null) {
    if (s.socketpath.length > 107) warnings.push('the unix socket path is longer than 107 bytes and is silently truncated');
    return result(null, listeners, entries, runsAs);
  }
  const nonRoot = host.root && s.username !== 'root';
  for (const [transport, basePort] of [['tcp', port], ['udp', s.udpport]] as const) {
    if (!basePort) continue;
    const list = entries.length ? entries : [null];
    for (const e of list) {
      const opt = byKey('inter');
      if (e?.error) return fail(71, `${e.error}; failed to listen on one of interface(s) ${s.inter}`, opt);
      const p = effectivePort(e?.port ?? basePort);
      if (p === null) {
        return fail(71, `getaddrinfo(): Servname not supported for ai_socktype (port ${e?.port ?? basePort})`, e ? opt : byKey(transport === 'tcp' ? 'port' : 'udpport'));
      }
      if (p > 0 && p < 1024 && nonRoot) {
        return fail(71, `bind(): Permission denied: port ${p} is privileged and memcached binds after switching to user ${s.username}`, e ? opt : byKey(transport === 'tcp' ? 'port' : 'udpport'));
      }
      const h = e?.host ?? null;
      if (h !== null && (isIPv4(h) || isIPv6(h))) {
        const local = host.addressIsLocal?.(h);
        if (local === false) return fail(71, `bind(): Cannot assign requested address: ${h} is not an address of this machine`, opt);
      } else if (h !== null) {
        warnings.push(`"${h}" is resolved when memcached starts; start-up fails with exit 71 if it does not resolve to an address of this machine`);
      }
    }
  }
  return result(null, listeners, entries, runsAs);
}

function computeListeners(s: Settings, entries: ListenEntry[]): Listener[] {
  if (s.socketpath !== null) {
    return [{ transport: 'unix', path: s.socketpath.slice(0, 107), mode: `0${(s.access & 0o777).toString(8).padStart(3, '0')}` }];
  }
  const out: Listener[] = [];
  let tcpPort = s.port;
  if (s.udpSpecified && s.udpport !== 0 && !s.tcpSpecified) tcpPort = s.udpport;
  for (const [transport, base] of [['tcp', tcpPort], ['udp', s.udpport]] as const) {
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
      } else if (isIPv4(e.host) || isIPv6(e.host)) {
        out.push({ transport, address: e.host, host: null, port: p, tls, entry: e });
      } else {
        out.push({ transport, address: null, host: e.host, port: p, tls, entry: e });
      }
    }
  }
  return out;
}
