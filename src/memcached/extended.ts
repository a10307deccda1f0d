/**
 * `-o` sub-options, read with getsubopt(): comma-separated `name` or `name=value`. Validation follows
 * memcached.c 1.6.45 (and storage.c for extstore names); every failure exits 1.
 */
import { atof, atoi, safeStrtol, safeStrtoul } from './numbers.js';
import { atLeast, type Version } from './version.js';

export interface SubOption {
  name: string;
  value: string | null;
  /** Offset of `name` inside the `-o` value. */
  offset: number;
}

export function splitSubOptions(text: string): SubOption[] {
  const out: SubOption[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === ',') {
      const part = text.slice(start, i);
      // getsubopt returns an empty token for ",," — memcached's loop then reports it as an illegal suboption.
      if (i < text.length || part.length > 0) {
        const eq = part.indexOf('=');
        out.push({ name: eq === -1 ? part : part.slice(0, eq), value: eq === -1 ? null : part.slice(eq + 1), offset: start });
      }
      start = i + 1;
    }
  }
  return out;
}

/** The message memcached prints for a value, or null when it accepts it; `version` for checks that changed. */
type Check = (value: string | null, version: Version) => string | null;

const flag: Check = () => null;
function required(name: string, inner: (v: string, version: Version) => string | null): Check {
  return (v, version) => (v === null ? `Missing ${name} argument` : inner(v, version));
}
function intRange(name: string, lo: number, hi: number): Check {
  return required(name, (v) => {
    const n = atoi(v);
    return n < lo || n > hi ? `${name} must be between ${lo} and ${hi} (got ${n})` : null;
  });
}
function uint(name: string): Check {
  return required(name, (v) => (safeStrtoul(v) === null ? `could not parse argument to ${name}` : null));
}

const CORE: Record<string, { since: string; check: Check; tls?: boolean }> = {
  maxconns_fast: { since: '1.4.23', check: flag },
  no_maxconns_fast: { since: '1.5.0', check: flag },
  hashpower: { since: '1.4.8', check: intRange('hashpower', 12, 32) },
  no_hashexpand: { since: '1.4.23', check: flag },
  slab_reassign: { since: '1.4.11', check: flag },
  no_slab_reassign: { since: '1.5.0', check: flag },
  slab_automove: {
    since: '1.4.11',
    check: (v) => (v === null ? null : atoi(v) < 0 || atoi(v) > 2 ? 'slab_automove must be between 0 and 2' : null),
  },
  no_slab_automove: { since: '1.5.0', check: flag },
  slab_automove_ratio: {
    since: '1.5.4',
    check: required('slab_automove_ratio', (v) => (atof(v) <= 0 || atof(v) > 1 ? 'slab_automove_ratio must be > 0 and < 1' : null)),
  },
  // The upper bound arrived in 1.6.45 (commit 6ab74b585); before, only `< 3` was refused.
  slab_automove_window: {
    since: '1.5.4',
    check: required('slab_automove_window', (v, version) => {
      const n = atoi(v);
      const hi = atLeast(version, '1.6.45') ? 1800 : Infinity;
      return n < 3 || n > hi ? `slab_automove_window must be > 2${hi === Infinity ? '' : ' and < 1800'} (got ${n})` : null;
    }),
  },
  tail_repair_time: {
    since: '1.4.14',
    check: required('tail_repair_time', (v) => (atoi(v) < 10 ? 'Cannot set tail_repair_time to less than 10 seconds' : null)),
  },
  hash_algorithm: {
    since: '1.4.14',
    check: required('hash_algorithm', (v) =>
      ['jenkins', 'murmur3', 'xxh3'].includes(v) ? null : 'Unknown hash_algorithm option (jenkins, murmur3, xxh3)',
    ),
  },
  lru_crawler: { since: '1.4.18', check: flag },
  no_lru_crawler: { since: '1.5.0', check: flag },
  lru_crawler_sleep: { since: '1.4.18', check: intRange('lru_crawler_sleep', 0, 1000000) },
  lru_crawler_tocrawl: { since: '1.4.18', check: uint('lru_crawler_tocrawl') },
  lru_maintainer: { since: '1.4.24', check: flag },
  no_lru_maintainer: { since: '1.5.0', check: flag },
  hot_lru_pct: { since: '1.4.24', check: intRange('hot_lru_pct', 1, 79) },
  warm_lru_pct: { since: '1.4.24', check: intRange('warm_lru_pct', 1, 79) },
  hot_max_factor: { since: '1.5.7', check: required('hot_max_factor', (v) => (atof(v) <= 0 ? 'hot_max_factor must be > 0' : null)) },
  warm_max_factor: { since: '1.5.7', check: required('warm_max_factor', (v) => (atof(v) <= 0 ? 'warm_max_factor must be > 0' : null)) },
  temporary_ttl: { since: '1.4.24', check: required('temporary_ttl', () => null) },
  idle_timeout: { since: '1.4.24', check: required('idle_timeout', () => null) },
  watcher_logbuf_size: { since: '1.4.31', check: uint('watcher_logbuf_size') },
  worker_logbuf_size: { since: '1.4.31', check: uint('worker_logbuf_size') },
  slab_sizes: { since: '1.4.31', check: () => null },
  slab_chunk_max: {
    since: '1.4.28',
    check: required('slab_chunk_max', (v, version) => {
      // Before 1.6.24 (commit 1b3b85557) the value was bytes and a bad one only printed a message.
      if (!atLeast(version, '1.6.24')) return null;
      const n = safeStrtol(v);
      if (n === null) return 'could not parse argument to slab_chunk_max';
      if (n <= 0) return 'slab_chunk_max must be >= 0';
      if (n > 1024) return 'slab_chunk_max must be specified in kilobytes.';
      return null;
    }),
  },
  track_sizes: { since: '1.4.31', check: flag },
  no_inline_ascii_resp: { since: '1.4.31', check: flag },
  inline_ascii_resp: { since: '1.5.0', check: flag },
  modern: { since: '1.4.31', check: flag },
  no_modern: { since: '1.5.0', check: flag },
  no_chunked_items: { since: '1.4.31', check: flag },
  drop_privileges: { since: '1.5.1', check: flag },
  no_drop_privileges: { since: '1.5.1', check: flag },
  resp_obj_mem_limit: { since: '1.6.0', check: flag },
  read_buf_mem_limit: { since: '1.6.0', check: uint('read_buf_mem_limit') },
  ssl_chain_cert: { since: '1.5.13', tls: true, check: required('ssl_chain_cert', () => null) },
  ssl_key: { since: '1.5.13', tls: true, check: required('ssl_key', () => null) },
  ssl_verify_mode: {
    since: '1.5.13',
    tls: true,
    check: required('ssl_verify_mode', (v) => {
      const n = safeStrtol(v);
      if (n === null) return 'could not parse argument to ssl_verify_mode';
      return n < 0 || n > 3 ? 'Invalid ssl_verify_mode. Use help to see valid options.' : null;
    }),
  },
  ssl_keyformat: {
    since: '1.5.13',
    tls: true,
    check: required('ssl_keyformat', (v) => (safeStrtol(v) === null ? 'could not parse argument to ssl_keyformat' : null)),
  },
  ssl_ciphers: { since: '1.5.13', tls: true, check: required('ssl_ciphers', () => null) },
  ssl_ca_cert: { since: '1.5.13', tls: true, check: required('ssl_ca_cert', () => null) },
  ssl_wbuf_size: { since: '1.5.13', tls: true, check: uint('ssl_wbuf_size') },
  ssl_session_cache: { since: '1.6.3', tls: true, check: flag },
  ssl_kernel_tls: { since: '1.6.16', tls: true, check: flag },
  ssl_min_version: {
    since: '1.6.11',
    tls: true,
    check: required('ssl_min_version', (v) => {
      const n = safeStrtol(v);
      if (n === null) return 'could not parse argument to ssl_min_version';
      return n < 0 || n > 3 ? 'Invalid ssl_min_version. Use help to see valid options.' : null;
    }),
  },
  // `(void)safe_strtoul(...)`: any value is accepted (a bad one leaves 0); only a missing one crashes, below.
  sock_cookie_id: { since: '1.6.16', check: flag },
};

/** Sub-options extstore's storage_read_config() accepts (storage.c). */
const EXTSTORE = new Set([
  'ext_path', 'ext_page_size', 'ext_wbuf_size', 'ext_threads', 'ext_io_depth', 'ext_item_size', 'ext_item_age',
  'ext_low_ttl', 'ext_recache_rate', 'ext_compact_under', 'ext_drop_under', 'ext_max_sleep', 'ext_max_frag',
  'ext_drop_unread', 'slab_automove_freeratio',
]);

export function isKnownSubOption(name: string, version: Version): boolean {
  const core = CORE[name];
  if (core) return atLeast(version, core.since);
  return EXTSTORE.has(name) && atLeast(version, '1.5.4');
}

/** The error memcached prints for this sub-option, or null when it accepts it. */
export function checkSubOption(sub: SubOption, version: Version): string | null {
  return subOptionFailure(sub, version)?.message ?? null;
}

/**
 * How memcached fails on this sub-option: normally exit 1 with a message, but a few sub-options without a
 * value hand NULL to a C string function and crash (SIGSEGV, status 139) — verified on 1.6.18.
 */
export function subOptionFailure(sub: SubOption, version: Version): { exitCode: number; message: string } | null {
  if (sub.value === null && crashesWithoutValue(sub.name, version)) {
    return { exitCode: 139, message: `${sub.name} without a value makes memcached crash (segmentation fault)` };
  }
  const message = checkMessage(sub, version);
  return message === null ? null : { exitCode: 1, message };
}

function crashesWithoutValue(name: string, version: Version): boolean {
  if (!isKnownSubOption(name, version)) return false;
  // slab_sizes: strdup(NULL). sock_cookie_id: safe_strtoul(NULL). slab_chunk_max before 1.6.24: it printed
  // "Missing slab_chunk_max argument" and went on to safe_strtol(NULL).
  return name === 'slab_sizes' || name === 'sock_cookie_id' || (name === 'slab_chunk_max' && !atLeast(version, '1.6.24'));
}

/**
 * `slab_chunk_max` in bytes, as memcached stores it: kilobytes since 1.6.24; before, the safe_strtol value
 * as bytes, 0 when it does not parse (memcached then divides by it and dies of SIGFPE).
 */
export function subOptionChunkMax(value: string, version: Version): number {
  if (atLeast(version, '1.6.24')) return (safeStrtol(value) ?? 0) * 1024;
  return safeStrtol(value) ?? 0;
}

function checkMessage(sub: SubOption, version: Version): string | null {
  const core = CORE[sub.name];
  if (core && atLeast(version, core.since)) return core.check(sub.value, version);
  if (EXTSTORE.has(sub.name) && atLeast(version, '1.5.4')) {
    return sub.name !== 'ext_drop_unread' && sub.value === null ? `Missing ${sub.name} argument` : null;
  }
  return `Illegal suboption "${sub.value === null ? sub.name : `${sub.name}=${sub.value}`}"`;
}

export function isTlsSubOption(name: string): boolean {
  return CORE[name]?.tls === true;
}
