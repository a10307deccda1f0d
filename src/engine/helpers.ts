/** Small helpers rules share: finding options, building fixes, naming things in messages. */
import { isAsciiLetterCode, isDigitCode, isRegExpSpace } from '../ascii.js';
import { followedPorts } from '../memcached/startup.js';
import type { OptionEvent } from '../memcached/getopt.js';
import type { ListenEntry } from '../memcached/listen.js';
import { applyOptions, type Failure } from '../memcached/settings.js';
import type { Span } from '../source.js';
import { classifyAddress, parseCidrs, type AddressClass, type ClassifiedListener } from './exposure.js';
import type { FixIntent } from './types.js';
import type { FixDeclaration, FixProposal, RuleContext, RuleSource } from './rule.js';
import type { DialectName } from '../dialects/types.js';
import { dialectOf } from '../dialects/index.js';
import { SYSCONFIG_VARIABLES } from '../dialects/sysconfig.js';

/** What the helpers read: a rule's context in its check or its fix, whatever its dialects (no `report`). */
type Reader = Omit<RuleContext, 'report'>;

/** Every occurrence of an option, in argv order. */
export function occurrences(ctx: Reader, letter: string): OptionEvent[] {
  return ctx.model.applied.options.filter((o) => o.spec.short === letter);
}

/** The occurrence that wins (memcached keeps the last one). */
export function lastOccurrence(ctx: Reader, letter: string): OptionEvent | undefined {
  return occurrences(ctx, letter).at(-1);
}

export function describeListener(c: ClassifiedListener): string {
  const l = c.listener;
  const host = l.address ?? l.host ?? '?';
  const shown = host.includes(':') ? `[${host}]` : host;
  return `${l.transport.toUpperCase()} ${shown}:${l.port}`;
}

/** The fix that binds memcached to loopback (or the `--listen` addresses): replaces every -l, or adds one. */
export function bindLoopbackFix(ctx: Reader): FixProposal {
  const addrs = ctx.options.fixListen?.length ? ctx.options.fixListen : ['127.0.0.1'];
  const ls = ctx.model.applied.options.filter((o) => o.spec.short === 'l');
  const intents: FixIntent[] = [];
  ls.slice(0, -1).forEach((o) => intents.push({ kind: 'remove-option', option: o }));
  intents.push({ kind: 'set-option', letter: 'l', value: addrs.join(','), replace: ls.at(-1) });
  return { description: `listen on ${addrs.join(', ')} only`, intents };
}

/** The fix of the rules about listening beyond loopback (MC101, MC102): bind loopback, or the `--listen` addresses. */
export const BIND_LOOPBACK: FixDeclaration<DialectName, true> = {
  safety: 'safe',
  why: 'Clients on other machines lose access: that is the hardening itself (give the addresses they use with `mchard fix --listen` to keep a private network).',
  build: (ctx) => bindLoopbackFix(ctx),
};

/** Where memcached's listen addresses are documented (the MC1xx rules about them cite these). */
export const LISTEN_SOURCES: readonly RuleSource[] = [
  { kind: 'memcached-doc', title: 'memcached(1): -l, --listen' },
  { kind: 'memcached-doc', title: 'memcached wiki: ConfiguringServer, section networking', url: 'https://github.com/memcached/memcached/wiki/ConfiguringServer#networking' },
];

export function disableUdpFix(ctx: Reader): FixProposal {
  return { description: 'disable UDP with -U 0', intents: setOptionIntents(ctx, 'U', '0') };
}

export function setUserFix(ctx: Reader): FixProposal {
  const user = ctx.defaultUser();
  return { description: `run as ${user}`, intents: setOptionIntents(ctx, 'u', user) };
}

/**
 * Intents that give option `-letter` the value `value`. When the service's fixed command line takes that
 * option from a variable (sysconfig's `-u ${USER}`), the variable is set, and an occurrence written in
 * the file itself (inside OPTIONS, which comes later and wins) is removed; otherwise the option is set.
 */
export function setOptionIntents(ctx: Reader, letter: string, value: string): FixIntent[] {
  const variable = dialectOf(ctx.config.dialect).variableFor?.(letter) ?? null;
  const last = lastOccurrence(ctx, letter);
  if (variable === null) return [{ kind: 'set-option', letter, value, replace: last }];
  const intents: FixIntent[] = [{ kind: 'set-variable', key: variable, value }];
  if (last && fromFile(ctx, last)) intents.push({ kind: 'remove-option', option: last });
  return intents;
}

/** Whether the option came from the file (rather than the unit's fixed text or the wrapper). */
export function fromFile(ctx: Reader, o: OptionEvent): boolean {
  return ctx.config.argv[o.index]?.origin === 'file';
}

// ---- Listen entries, ports and value positions (added for the MC1xx–MC4xx rules) ----

/** The `-l` option an entry of the accumulated listen string came from. */
export function listenOptionOf(ctx: Reader, entry: ListenEntry): OptionEvent | undefined {
  let found: OptionEvent | undefined;
  for (const part of ctx.model.applied.listenParts) if (part.offset <= entry.offset) found = part.option;
  return found;
}

/**
 * The span of `from`..`to` (offsets into the option's value as memcached sees it, after its
 * leading-whitespace strip) when the file holds the value verbatim; else the option's whole span.
 */
export function valuePartSpan(ctx: Reader, o: OptionEvent, from = 0, to?: number): Span | null {
  const whole = ctx.spanOf(o);
  if (o.valueIndex === null || o.value === null || o.rawValue === null) return whole;
  const tok = ctx.config.argv[o.valueIndex];
  if (!tok?.span || ctx.config.source.slice(tok.span) !== tok.value) return whole;
  // The raw value is always a suffix of its word (`-p11211`, `--port=11211`, or the whole next word).
  const valueStart = tok.span.start + (tok.value.length - o.rawValue.length) + (o.rawValue.length - o.value.length);
  const end = to ?? o.value.length;
  if (end <= from) return whole;
  return { start: valueStart + from, end: valueStart + end };
}

/** The span of one `-l` entry's text, narrowed inside its option where the file allows. */
export function listenEntrySpan(ctx: Reader, entry: ListenEntry): Span | null {
  const o = listenOptionOf(ctx, entry);
  if (!o) return ctx.insertionPoint();
  const part = ctx.model.applied.listenParts.find((p) => p.option === o)!;
  const rel = entry.offset - part.offset;
  return valuePartSpan(ctx, o, rel, rel + entry.text.length);
}

/** The TCP port before `-l` entry ports: `-p`, or the `-U` value when `-U N` is given without `-p`. */
export function baseTcpPort(ctx: Reader): number {
  return followedPorts(ctx.model.applied.settings, ctx.model.version).tcp;
}

/** Whether memcached opens any TCP or UDP socket at all (no `-s`, and a non-zero TCP or UDP port). */
export function networkEnabled(ctx: Reader): boolean {
  const ports = followedPorts(ctx.model.applied.settings, ctx.model.version);
  return ctx.model.applied.settings.socketpath === null && (ports.tcp !== 0 || ports.udp !== 0);
}

/** The `-l` entries memcached binds (those it accepts), each with its address class. */
export function classifiedEntries(ctx: Reader): { entry: ListenEntry; cls: AddressClass }[] {
  if (!networkEnabled(ctx)) return [];
  // The service's own restrictions certainly leave memcached no listener (a systemd unit's
  // RestrictAddressFamilies= or PrivateNetwork=): it never listens on any of them (MC915 reports it).
  const st = ctx.model.startup;
  if (!st.ok && st.cause && st.certain) return [];
  const trusted = parseCidrs(ctx.options.trustedNetworks);
  return ctx.model.entries
    .filter((e) => e.error === null)
    .map((entry) => ({ entry, cls: entry.host === null ? ('wildcard' as const) : classifyAddress(entry.host, trusted) }));
}

/** The port number getaddrinfo binds for a port memcached passes as a decimal string; null when it fails. */
export function boundPort(port: number): number | null {
  if (port === -1) return 0;
  if (port < 0) return null;
  return port % 65536;
}

/** An option whose value was filled in by the unit from an unset/empty variable (rule MC907 reports those). */
export function emptyFromUnit(ctx: Reader, o: OptionEvent): boolean {
  return (o.value ?? '') === '' && ctx.config.argv[o.index]?.origin === 'unit';
}

// ---- Exposure wording, cluster letters, `-o` sub-options, start-up failure kinds (added for the MC5xx–MC8xx rules) ----

/** The network-exposed (non-loopback) listeners, named for a message, at most `max` of them ("…, and 2 more"). */
export function exposedListenerList(ctx: Reader, filter?: (c: ClassifiedListener) => boolean, max = 3): string {
  if (filter !== undefined || max !== 3) return listenerList(ctx.exposure.listeners, filter ?? ANY_LISTENER, max);
  // Without a filter it is one text per file (several rules' messages name the same listeners): made once
  // for the file's list of listeners, which nothing changes (test/engine/per-file-cuts.test.ts).
  const listeners = ctx.exposure.listeners;
  let text = defaultLists.get(listeners);
  if (text === undefined) defaultLists.set(listeners, (text = listenerList(listeners, ANY_LISTENER, 3)));
  return text;
}

const ANY_LISTENER = (): boolean => true;
const defaultLists = new WeakMap<readonly ClassifiedListener[], string>();

function listenerList(listeners: readonly ClassifiedListener[], filter: (c: ClassifiedListener) => boolean, max: number): string {
  const seen = new Set<string>();
  for (const c of listeners) if (c.cls !== 'loopback' && filter(c)) seen.add(describeListener(c));
  const all = [...seen];
  return all.length > max ? `${all.slice(0, max).join(', ')} and ${all.length - max} more` : all.join(', ');
}

/** Whether a token's file text is its value verbatim, remembered per token (a cluster of 100,000 letters asks once per letter). */
const verbatimTokens = new WeakMap<object, boolean>();
function verbatim(ctx: Reader, tok: NonNullable<Reader['config']['argv'][number]>): boolean {
  let v = verbatimTokens.get(tok);
  if (v === undefined) {
    v = tok.span !== null && tok.span.end - tok.span.start === tok.value.length && ctx.config.source.slice(tok.span) === tok.value;
    verbatimTokens.set(tok, v);
  }
  return v;
}

/**
 * The span of argv word `index`, narrowed to the letter at `clusterOffset` inside a cluster (`-vx`) when the
 * file holds the word verbatim; the whole word for the first letter, as `ctx.spanOf` does.
 */
export function wordLetterSpan(ctx: Reader, index: number, clusterOffset: number): Span | null {
  const tok = ctx.config.argv[index];
  if (!tok?.span) return null;
  if (clusterOffset > 1 && verbatim(ctx, tok)) {
    return { start: tok.span.start + clusterOffset, end: tok.span.start + clusterOffset + 1 };
  }
  return tok.span;
}

/** The text of one `-o` sub-option as written (`name` or `name=value`). */
export function subOptionText(sub: { name: string; value: string | null }): string {
  return sub.value === null ? sub.name : `${sub.name}=${sub.value}`;
}

/** The span of one `-o` sub-option inside its option's value (the option's span when the file does not hold it verbatim). */
export function subOptionSpan(ctx: Reader, o: OptionEvent, sub: { name: string; value: string | null; offset: number }): Span | null {
  return valuePartSpan(ctx, o, sub.offset, sub.offset + Math.max(1, subOptionText(sub).length));
}

/** The UDP port memcached uses before `-l` entry ports; before 1.5.6, `-p N` without `-U` moved UDP to N too. */
export function baseUdpPort(ctx: Reader): number {
  return followedPorts(ctx.model.applied.settings, ctx.model.version).udp;
}

/** An option as the file shows it: `-p 80`, `--port=80`, or `PORT="80"` when a sysconfig unit built it from a variable. */
export function describeOption(ctx: Reader, o: OptionEvent): string {
  const variable = dialectOf(ctx.config.dialect).variableFor?.(o.spec.short) ?? SYSCONFIG_VARIABLES[o.spec.short];
  if (ctx.config.argv[o.index]?.origin === 'unit' && variable) {
    const valueTok = o.valueIndex === null ? undefined : ctx.config.argv[o.valueIndex];
    if (valueTok && valueTok.span === null && valueTok.origin === 'unit') return `${variable} (not set)`;
    return `${variable}="${o.value ?? ''}"`;
  }
  if (o.value === null) return o.written;
  const tok = ctx.config.argv[o.index];
  const attached = o.valueIndex === o.index;
  if (attached && tok) return o.written.startsWith('--') ? `${o.written}=${o.rawValue}` : `${o.written}${o.rawValue}`;
  return `${o.written} ${o.rawValue}`;
}

/**
 * For `-m`: the unit after the number (after an optional fraction, `1.5g`) when it is not megabytes, i.e. when
 * memcached, which reads megabytes and drops the rest, ends up with a size other than the one written.
 */
export function misleadingMemoryUnit(rest: string): string | null {
  // `/^(?:[.,]\d*)?\s*([a-z]+)\s*$/i`, then the word against `/^(m|mb|mib|mbyte|mbytes|megabytes?)$/i`, as a
  // scan (both expressions were compiled on every lint of a -m; test/engine/memory-unit.test.ts).
  let k = 0;
  const n = rest.length;
  if (rest.charCodeAt(0) === 46 || rest.charCodeAt(0) === 44) {
    k = 1;
    while (k < n && isDigitCode(rest.charCodeAt(k))) k++;
  }
  while (k < n && isRegExpSpace(rest.charCodeAt(k))) k++;
  const from = k;
  while (k < n && isAsciiLetterCode(rest.charCodeAt(k))) k++;
  if (k === from) return null;
  const word = rest.slice(from, k);
  while (k < n && isRegExpSpace(rest.charCodeAt(k))) k++;
  if (k !== n) return null;
  return MEGABYTE_WORDS.has(word.toLowerCase()) ? null : word;
}
const MEGABYTE_WORDS: ReadonlySet<string> = new Set(['m', 'mb', 'mib', 'mbyte', 'mbytes', 'megabyte', 'megabytes']);

/** The sysconfig variables the memcached unit passes with a fixed option, and what a fix sets them to. */
export const SYSCONFIG_REQUIRED: readonly { key: 'PORT' | 'USER' | 'CACHESIZE' | 'MAXCONN'; letter: string; fallback: string }[] = [
  { key: 'PORT', letter: 'p', fallback: '11211' },
  { key: 'USER', letter: 'u', fallback: 'memcached' },
  { key: 'CACHESIZE', letter: 'm', fallback: '64' },
  { key: 'MAXCONN', letter: 'c', fallback: '1024' },
];

/**
 * What happens when a sysconfig variable the unit reads is unset or empty. `braced` is the upstream/Fedora
 * unit (`-p ${PORT}`: one empty argument), `unbraced` the RHEL 7 unit (`-p $PORT`: no argument at all, so
 * the option takes the next word). Null for variables the unit does not read.
 */
export function unsetVariableEffect(unit: 'braced' | 'unbraced', key: string): string | null {
  if (key === 'OPTIONS') return 'memcached starts without any of the options in it (no -l means every interface)';
  const req = SYSCONFIG_REQUIRED.find((r) => r.key === key);
  if (!req) return null;
  if (unit === 'unbraced') {
    return `the RHEL 7 unit's $${key} expands to no argument at all, so -${req.letter} takes the next argument on the command line as its value`;
  }
  const braced: Record<string, string> = {
    PORT: 'the unit passes -p "": port 0, TCP silently off',
    USER: 'the unit passes -u "": memcached, started as root, refuses to run without -u and exits 64',
    CACHESIZE: 'the unit passes -m "": memcached exits 64 (item size larger than half the memory)',
    MAXCONN: 'the unit passes -c "": memcached exits 1 ("Maximum connections must be greater than 0")',
  };
  return braced[key];
}

/**
 * The failure an option causes on its own, checked where memcached reads it (`-t 0`, `-B foo`, `-f 1`, a bad
 * `-o` sub-option: the first of them), whatever the other options say; null when its value is accepted there.
 */
export function ownFailure(ctx: Reader, o: OptionEvent): Failure | null {
  return applyOptions({ events: [o], firstError: -1 }, ctx.model.version).failure;
}

/**
 * What follows the `-` of a word that looks like an option: `-name` (with its lower-case letters and
 * hyphens) of `--name`, or the letter of `-x`; null for any other word (`-1`, `--`, `x`). The capture of
 * `/^-(-[a-z][a-z-]*|[A-Za-z])/`, as a scan (test/engine/char-scans.test.ts); MC802 asks it of a value word.
 */
export function optionLikeName(v: string): string | null {
  if (v.charCodeAt(0) !== 45) return null;
  const c = v.charCodeAt(1);
  if (c !== 45) return isAsciiLetterCode(c) ? v[1] : null;
  const lower = (x: number) => x >= 97 && x <= 122;
  if (!lower(v.charCodeAt(2))) return null;
  let k = 3;
  while (k < v.length && (lower(v.charCodeAt(k)) || v.charCodeAt(k) === 45)) k++;
  return v.slice(1, k);
}

/** A word a shell would take for a redirection: digits, then `>` or `<` (`/^[0-9]*(>>?|<)/`, as a scan; test/engine/char-scans.test.ts). */
export function looksLikeRedirection(w: string): boolean {
  let k = 0;
  while (k < w.length && isDigitCode(w.charCodeAt(k))) k++;
  return w[k] === '>' || w[k] === '<';
}
