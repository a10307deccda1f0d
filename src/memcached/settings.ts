/**
 * memcached's option switch: applies the options getopt hands it, in order, to a settings record with
 * the defaults of `settings_init()`. Some options fail on the spot (`-c 0` exits 1 before later options
 * are read); those failures are recorded with the option that caused them.
 */
import { atof, atoi, octal, atoiDetail } from './numbers.js';
import type { OptionEvent, GetoptResult } from './getopt.js';
import { splitSubOptions, subOptionFailure, subOptionChunkMax, type SubOption } from './extended.js';
import { atLeast, type Version } from './version.js';
import type { Unknown } from './certainty.js';
import type { Span } from '../source.js';
import { InputError } from '../input.js';

export type Protocol = 'auto' | 'binary' | 'ascii';

export interface Settings {
  port: number;
  udpport: number;
  /** The accumulated `-l` string, or null when no `-l` was given. */
  inter: string | null;
  socketpath: string | null;
  access: number;
  /** `-m` as memcached's atoi read it, in megabytes. */
  memoryMB: number;
  maxconns: number;
  threads: number;
  verbose: number;
  username: string | null;
  pidFile: string | null;
  factor: number;
  chunkSize: number;
  reqsPerEvent: number;
  backlog: number;
  protocol: Protocol;
  protocolSpecified: boolean;
  itemSizeMax: number;
  sasl: boolean;
  shutdownCommand: boolean;
  sslEnabled: boolean;
  flushEnabled: boolean;
  dumpEnabled: boolean;
  watchEnabled: boolean;
  authFile: string | null;
  memoryFile: string | null;
  daemonize: boolean;
  coreDumps: boolean;
  lockMemory: boolean;
  largePages: boolean;
  useCas: boolean;
  evictions: boolean;
  prefixDelimiter: string;
  napiIds: number;
  tcpSpecified: boolean;
  udpSpecified: boolean;
  /** Effective `-o` sub-options, later ones replacing earlier ones of the same name. */
  extended: Map<string, SubOption & { option: OptionEvent }>;
  slabChunkMax: number;
  slabChunkChanged: boolean;
  /** The unparsed `-o slab_sizes` list (checked after the options are read), or null. */
  slabSizes: string | null;
  hotLruPct: number;
  warmLruPct: number;
  tempLru: boolean;
  lruMaintainer: boolean;
}

export function defaultSettings(version: Version): Settings {
  return {
    port: 11211,
    udpport: atLeast(version, '1.5.6') ? 0 : 11211,
    inter: null,
    socketpath: null,
    access: 0o700,
    memoryMB: 64,
    maxconns: 1024,
    threads: 4,
    verbose: 0,
    username: null,
    pidFile: null,
    factor: 1.25,
    chunkSize: 48,
    reqsPerEvent: 20,
    backlog: 1024,
    protocol: 'auto',
    protocolSpecified: false,
    itemSizeMax: 1024 * 1024,
    sasl: false,
    shutdownCommand: false,
    sslEnabled: false,
    flushEnabled: true,
    dumpEnabled: true,
    watchEnabled: true,
    authFile: null,
    memoryFile: null,
    daemonize: false,
    coreDumps: false,
    lockMemory: false,
    largePages: false,
    useCas: true,
    evictions: true,
    prefixDelimiter: ':',
    napiIds: 0,
    tcpSpecified: false,
    udpSpecified: false,
    extended: new Map(),
    slabChunkMax: 512 * 1024,
    slabChunkChanged: false,
    slabSizes: null,
    hotLruPct: 20,
    warmLruPct: 40,
    tempLru: false,
    lruMaintainer: atLeast(version, '1.5.0'),
  };
}

/** A start-up failure and what caused it. */
export interface Failure {
  exitCode: number;
  /** memcached's own message, or a description where it prints none. */
  reason: string;
  /** The option responsible, when one is. */
  option: OptionEvent | null;
  /** False when the outcome depends on facts about the host mchard could not establish, or on the template. */
  certain: boolean;
  /** Where the file causes it, when that is not an option (a launch failure: the unit's setting). */
  span?: Span | null;
  /** The argv index of the word that causes it, when no option event does (a getopt error). */
  index?: number | null;
  /** Set when the outcome depends on something the file does not decide: what, and what would decide it. */
  unknown?: Unknown;
  /**
   * When it happens: before memcached runs at all (`launch`: the service's shell, systemd or init script
   * fails first), while reading the options (`read`), in the checks after them (`checks`), at the
   * privilege drop (`drop`), or after memcached has switched to its user (`after-drop`).
   */
  stage?: 'launch' | 'read' | 'checks' | 'drop' | 'after-drop';
  /** The service's own restriction that causes it (systemd's RestrictAddressFamilies=, SocketBindDeny=, PrivateNetwork=), when one does. */
  cause?: string;
  /**
   * Not a failure: `-h`, `-V` or `-i` make memcached print its usage, version or licence and exit 0 when
   * getopt reaches them, before any check, privilege drop or listener: it serves nothing.
   */
  prints?: 'usage' | 'version' | 'licence';
}

/** An `-l` value memcached dropped because it is a substring of what was already accumulated. */
export interface DroppedListen {
  option: OptionEvent;
  /** The accumulated string it was found in. */
  within: string;
}

export interface Applied {
  settings: Settings;
  /** For each setting, the option that last set it. */
  setBy: Partial<Record<keyof Settings, OptionEvent>>;
  /** Every `-l` option that contributed to `inter`, with the offset its value starts at. */
  listenParts: { option: OptionEvent; offset: number }[];
  droppedListen: DroppedListen[];
  /** Options that were given more than once where the last one wins, keyed by short letter. */
  options: OptionEvent[];
  /** The first failure while reading options (getopt error or an option's own check), if any. */
  failure: Failure | null;
  /** Options with exit-immediately semantics (-h, -V, -i) reached before any failure. */
  exitsEarly: OptionEvent | null;
}

/** The most characters of listen addresses one file's -l options are searched through, in all (about 0.1 s). */
export const MAX_LISTEN_SCAN = 1 << 25;

export function applyOptions(parsed: GetoptResult, version: Version): Applied {
  const s = defaultSettings(version);
  let scanned = 0;
  const setBy: Applied['setBy'] = {};
  const listenParts: Applied['listenParts'] = [];
  const droppedListen: DroppedListen[] = [];
  const options: OptionEvent[] = [];
  let failure: Failure | null = null;
  let exitsEarly: OptionEvent | null = null;
  const fail = (exitCode: number, reason: string, option: OptionEvent | null, index: number | null = option?.index ?? null) => {
    if (!failure && !exitsEarly) failure = { exitCode, reason, option, certain: true, index, stage: 'read' };
  };
  const set = <K extends keyof Settings>(key: K, value: Settings[K], o: OptionEvent) => {
    s[key] = value;
    setBy[key] = o;
  };

  for (const ev of parsed.events) {
    if (ev.kind === 'ignored') continue;
    if (ev.kind === 'error') {
      fail(1, `${ev.message} (memcached then prints: Illegal argument "?")`, null, ev.index);
      continue;
    }
    options.push(ev);
    const v = ev.value ?? '';
    switch (ev.spec.short) {
      case 'A': set('shutdownCommand', true, ev); break;
      case 'Z': set('sslEnabled', true, ev); break;
      case 'a': set('access', octal(v), ev); break;
      case 'U': set('udpport', atoi(v), ev); set('udpSpecified', true, ev); break;
      case 'p': set('port', atoi(v), ev); set('tcpSpecified', true, ev); break;
      case 's': set('socketpath', v, ev); break;
      case 'm': set('memoryMB', atoi(v), ev); break;
      case 'M': set('evictions', false, ev); break;
      case 'c':
        set('maxconns', atoi(v), ev);
        if (s.maxconns <= 0) fail(1, 'Maximum connections must be greater than 0', ev);
        break;
      case 'h': case 'i': case 'V':
        if (!failure && !exitsEarly) exitsEarly = ev;
        break;
      case 'k': set('lockMemory', true, ev); break;
      case 'v': s.verbose++; setBy.verbose = ev; break;
      case 'l': {
        // Since 1.4.25 a value already contained in the list (a plain strstr) is dropped.
        if (s.inter !== null && atLeast(version, '1.4.25')) {
          // Each -l searches all the addresses before it: a 1 MiB file of 48,000 -l lines took 52 s to lint,
          // and any user's process named memcached with such arguments held a root audit for minutes.
          if ((scanned += s.inter.length) > MAX_LISTEN_SCAN) {
            throw new InputError('', `more -l options than mchard follows: memcached compares each listen address with all those before it, and the first ${listenParts.length} name ${s.inter.length} characters of addresses (a memcached listens on a handful)`);
          }
          if (s.inter.includes(v)) {
            droppedListen.push({ option: ev, within: s.inter });
            break;
          }
        }
        if (atLeast(version, '1.4.6') && s.inter !== null) {
          listenParts.push({ option: ev, offset: s.inter.length + 1 });
          set('inter', `${s.inter},${v}`, ev);
        } else {
          listenParts.length = 0;
          listenParts.push({ option: ev, offset: 0 });
          set('inter', v, ev);
        }
        break;
      }
      case 'd': set('daemonize', true, ev); break;
      case 'r': set('coreDumps', true, ev); break;
      case 'R':
        set('reqsPerEvent', atoi(v), ev);
        if (belowOrZero(s.reqsPerEvent, version)) fail(1, 'Number of requests per event must be greater than 0', ev);
        break;
      case 'u': set('username', v, ev); break;
      case 'P': set('pidFile', v, ev); break;
      case 'e': set('memoryFile', v, ev); break;
      case 'f':
        set('factor', atof(v), ev);
        // `factor <= 1.0` in C: a NaN factor passes (and crashes slabs_init later).
        if (s.factor <= 1.0) fail(1, 'Factor must be greater than 1', ev);
        break;
      case 'n':
        set('chunkSize', atoi(v), ev);
        if (belowOrZero(s.chunkSize, version)) fail(1, 'Chunk size must be greater than 0', ev);
        break;
      case 't':
        set('threads', atoi(v), ev);
        if (s.threads <= 0) fail(1, 'Number of threads must be greater than 0', ev);
        break;
      case 'D':
        if (v === '') fail(1, 'No delimiter specified', ev);
        else set('prefixDelimiter', v[0], ev);
        break;
      case 'L': set('largePages', true, ev); break;
      case 'C': set('useCas', false, ev); break;
      case 'b': set('backlog', atoi(v), ev); break;
      case 'B':
        set('protocolSpecified', true, ev);
        if (v === 'auto' || v === 'binary' || v === 'ascii') set('protocol', v, ev);
        else fail(64, `Invalid value for binding protocol: ${v} -- should be one of auto, binary, or ascii`, ev);
        break;
      case 'I': set('itemSizeMax', itemSize(v), ev); break;
      case 'S': set('sasl', true, ev); break;
      case 'F': set('flushEnabled', false, ev); break;
      case 'X': set('dumpEnabled', false, ev); break;
      case 'W': set('watchEnabled', false, ev); break;
      case 'Y': set('authFile', v, ev); break;
      case 'N':
        set('napiIds', atoi(v), ev);
        if (s.napiIds <= 0) fail(1, 'Maximum number of NAPI IDs must be greater than 0', ev);
        break;
      case 'o':
        for (const sub of splitSubOptions(v)) {
          const err = subOptionFailure(sub, version);
          if (err) {
            fail(err.exitCode, err.message, ev);
            continue;
          }
          s.extended.set(sub.name, { ...sub, option: ev });
          setBy.extended = ev;
          applySubOption(s, sub, version);
        }
        break;
    }
  }
  return { settings: s, setBy, listenParts, droppedListen, options, failure, exitsEarly };
}

/**
 * `-R` and `-n` refuse `<= 0` since 1.6.24 (commit 2bc409e8b); before that only exactly 0, so `-R -1` and
 * `-n -5` were accepted.
 */
function belowOrZero(n: number, version: Version): boolean {
  return atLeast(version, '1.6.24') ? n <= 0 : n === 0;
}

/**
 * `-I`: a trailing k/K/m/M multiplies; anything else is plain atoi (so `2g` is 2 bytes). The product is an
 * `int` and wraps: `-I 4194305k` is 1024 bytes.
 */
export function itemSize(v: string): number {
  const unit = v[v.length - 1];
  if (unit === 'k' || unit === 'K') return Math.imul(atoi(v.slice(0, -1)), 1024);
  if (unit === 'm' || unit === 'M') return Math.imul(atoi(v.slice(0, -1)), 1024 * 1024);
  return atoi(v);
}

function applySubOption(s: Settings, sub: SubOption, version: Version): void {
  switch (sub.name) {
    case 'slab_chunk_max':
      s.slabChunkMax = subOptionChunkMax(sub.value ?? '', version);
      s.slabChunkChanged = true;
      break;
    case 'no_chunked_items': s.slabChunkMax = 1024 * 1024; break;
    case 'slab_sizes': s.slabSizes = sub.value; break;
    case 'worker_logbuf_size':
      // Until 1.6.40 this case fell through into slab_sizes: its value also became the slab size list.
      if (!atLeast(version, '1.6.40')) s.slabSizes = sub.value;
      break;
    case 'hot_lru_pct': s.hotLruPct = atoi(sub.value ?? ''); break;
    case 'warm_lru_pct': s.warmLruPct = atoi(sub.value ?? ''); break;
    case 'temporary_ttl': s.tempLru = true; break;
    case 'lru_maintainer': s.lruMaintainer = true; break;
    case 'no_lru_maintainer': s.lruMaintainer = false; break;
    case 'no_modern':
      if (!s.slabChunkChanged) s.slabChunkMax = 1024 * 1024;
      s.lruMaintainer = false;
      break;
  }
}

/** What atoi keeps and drops of a numeric option value, for findings about truncation. */
export function numericTail(value: string): { consumed: string; rest: string; digits: boolean } {
  const d = atoiDetail(value);
  return { consumed: d.consumed, rest: d.rest, digits: d.digits };
}
