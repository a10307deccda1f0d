/**
 * The docker-compose dialect: a service of a Compose file that runs memcached, read the way Docker
 * Compose v2 (compose-go) does.
 *
 * - A service runs memcached when its `image:` names memcached, or its `entrypoint:`/`command:` starts
 *   with a program named `memcached`. The first such service is checked; the others get a note.
 * - The official image (`memcached`, docker-library/memcached) has `ENTRYPOINT ["docker-entrypoint.sh"]`,
 *   `CMD ["memcached"]` and `USER memcache`; its entrypoint prepends `memcached` when the first argument
 *   starts with `-`. So `command: ["-m", "128"]` is `memcached -m 128`, no `command:` is plain
 *   `memcached`, and memcached runs as `memcache` (not root: `-u` is neither needed nor honoured)
 *   unless `user:` says otherwise. An `entrypoint:` replaces the image's and then starts the argv.
 * - `command:` as a list is one argument per item; as a string it is split by go-shellwords (no shell:
 *   `;`, `|`, `>` end the parsing and the rest is dropped). `$VAR`, `${VAR}` and friends are
 *   interpolated by Compose from the shell and `.env` (host-dependent: the argument is inexact); `$$`
 *   is a literal `$`.
 * - Reachability: memcached binds the container's own network namespace; `ports:` publishes it on the
 *   host (all interfaces unless a host IP is given), `expose:` or nothing leaves it reachable only from
 *   containers on the same Compose network, `network_mode: host` binds the host's interfaces directly.
 *   This is recorded in a `container-reach` note (see `container-reach.ts`) that the exposure rules read.
 * - Bitnami's image (`bitnami/memcached`, `bitnamilegacy/memcached`, ...) takes its options from
 *   `MEMCACHED_*` variables: `environment:` (map or list form, interpolated like the rest of the file, a
 *   `${VAR:-default}` default taken as the guess and marked so) goes through the model of its start script
 *   (`images/bitnami.ts`), which gives the argument vector, the user (1001) and SASL (on only with a
 *   non-empty `MEMCACHED_PASSWORD`). `env_file:` is never read: a variable the file does not set may be
 *   set there, so the ones that decide the options are unknown.
 * - `extends:` of a service of this file is followed as Compose follows it: the keys a service does not set
 *   come from the service it extends (its command:, entrypoint:, image:, user:...), `ports:`, `expose:`,
 *   `env_file:` and `environment:` add up (the extending service's variables winning). `extends:` naming
 *   another file (`file:`) is never followed (mchard does not read a file because a file it checks names
 *   it): memcached's options are unknown, and the message says which service of which file decides them.
 * - Any other image (or one built with `build:`) has an ENTRYPOINT, CMD, USER and environment mchard cannot
 *   see, so unless the file's own `entrypoint:` runs memcached, memcached's arguments are unknown
 *   (`argvUnknown`): the option rules stay quiet, MC910 says where the options are, fix adds nothing.
 */
import { CST, isAlias, isMap, isScalar, isSeq, parseDocument, Parser, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { ArgToken, SourceText, Span } from '../source.js';
import type { Dialect, LaunchFailure, Note, ParseContext, ParseErrorNote, ParsedConfig } from './types.js';
import { goShellwords, interpolate, scalarChars } from './compose-words.js';
import { tokenOf, valueOf, type SrcChar } from './sourced.js';
import type { Deployment, PublishedPort, ReachData } from './container-reach.js';
import { fromVariables, identifyImage, pulledEachStart, type ImageInfo } from './images/index.js';
import { bitnamiStart, type BitnamiStart, type EnvValue } from './images/bitnami.js';
import { bitnamiNote, type ContainerImageNote } from './container-notes.js';
import { memcachedImageName } from './detect.js';
import { InputError } from '../input.js';
import { aliasProblem, deref as derefIndexed, indexAliases } from './yaml-graph.js';
import { deploymentOf, deploymentReader } from './compose-deploy.js';

/**
 * Deepest nesting of collections read. Compose files nest a handful of levels; the YAML library's parser,
 * composer and printer recurse once per level and run out of stack a few thousand levels down, so deeper
 * files are refused before they reach it (Compose's own go-yaml stops at 10,000).
 */
export const MAX_YAML_DEPTH = 500;

/**
 * Where the YAML library places an error, within the text: it can place one a character past the end (an
 * unclosed quote or flow sequence at the end of the file), and a span outside the file is a rule's bug.
 */
export function yamlErrorSpan(pos: readonly [number, number], text: string): Span {
  const at = (n: number) => Math.min(Math.max(n, 0), text.length);
  return { start: at(pos[0]), end: at(Math.max(pos[0], pos[1])) };
}

/**
 * An upper bound of a YAML text's nesting, from the text alone (the parser itself recurses, so the bound
 * must come before it): flow brackets still open (outside quotes and comments), and for each line its
 * indentation plus the block indicators (`-`, `?`, `:` followed by a space) on it, since every block level
 * costs at least one of those characters. Ordinary files are far below the limit.
 */
export function yamlNestingBound(text: string): number {
  let max = 0;
  let flow = 0;
  let lineStart = true;
  let indent = 0;
  let indicators = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      indicators = 0;
      continue;
    }
    if (lineStart && (c === ' ' || c === '\t')) {
      indent++;
      continue;
    }
    if (lineStart) {
      lineStart = false;
      // Indentation counts where something follows it (not on blank or comment lines).
      if (c !== '#' && c !== '\r' && indent > max) max = indent;
    }
    if ((c === '-' || c === '?' || c === ':') && (i + 1 === text.length || text[i + 1] === ' ' || text[i + 1] === '\t' || text[i + 1] === '\n' || text[i + 1] === '\r')) {
      indicators++;
      if (indent + indicators > max) max = indent + indicators;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      i = (nl === -1 ? text.length : nl) - 1;
    } else if (c === '"' || c === "'") {
      // A quoted scalar on this line: brackets inside it are text.
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += c === '"' && text[j] === '\\' ? 2 : 1;
      i = text[j] === '\n' ? j - 1 : j;
    } else if (c === '[' || c === '{') {
      flow++;
      if (flow > max) max = flow;
    } else if ((c === ']' || c === '}') && flow > 0) flow--;
  }
  return max;
}


export interface ComposeService {
  readonly name: string;
  readonly keySpan: Span;
  /** The service's mapping node (the editor adds `command:` to it). */
  readonly node: YAMLMap;
  readonly image: string | null;
  /** The `command:` node, when the service has one. */
  readonly command: Node | null;
  readonly entrypoint: Node | null;
  /**
   * Where memcached's argv comes from: the command (after `memcached` or the official entrypoint), the
   * entrypoint, the official image's default, or Bitnami's start script (from `environment:`); `other`:
   * a memcached image whose command runs another program (a shell that may start memcached), so the
   * options are unknown.
   */
  readonly argvFrom: 'command' | 'entrypoint' | 'image' | 'bitnami' | 'other';
  /** Index of the first `command:` word memcached receives (1 when the command starts with `memcached`). */
  readonly commandSkip: number;
  /** The image, when the reference can be read. */
  readonly imageInfo: ImageInfo | null;
  /** For Bitnami's image: the `environment:` node and each variable in it. */
  readonly environment?: { readonly node: Node | null; readonly vars: ReadonlyMap<string, ComposeEnvVar> };
  /** For Bitnami's image: what its start script runs. */
  readonly bitnami?: BitnamiStart;
  /**
   * The service's keys whose value comes from a YAML merge key (`<<: *defaults`), as Compose (go-yaml)
   * merges them: the node lives at the anchor, shared with every service that merges it, so the editors
   * leave it alone.
   */
  readonly merged: ReadonlySet<string>;
  /**
   * The service's keys whose value comes from the service it extends (`extends:` in this file): written in
   * that service, which other services may extend too, so the editors leave them alone.
   */
  readonly inherited: ReadonlySet<string>;
  /** For an image reference a variable with no default decides (`image: ${CACHE_IMAGE}`): the variables. */
  readonly imageVariables?: readonly string[];
}

/** A variable of `environment:`, with its node (the editor changes its value). */
export interface ComposeEnvVar extends EnvValue {
  /** The map pair's value node, or the list item. */
  readonly node: Node | null;
  readonly form: 'map' | 'list';
}

/**
 * What the Compose dialect notes: a file Compose cannot read or without memcached (`parse-error`), a
 * `command:` item that is not a string, text Compose drops while splitting a string command, a service
 * of the memcached image that runs something else, another service running memcached, an argument that
 * depends on the environment (`value`), the user the container runs memcached as, where the
 * container's port can be reached from (`container-reach`: `mode`, `published`), and a service whose
 * image mchard does not know, so that the image decides memcached's options (`delegated`: `image`, null
 * for an image built from `build:`).
 */
export type ComposeNote =
  | ParseErrorNote
  | Note<'non-string'>
  | Note<'dropped-text'>
  | Note<'not-memcached'>
  | (Note<'other-service'> & { readonly service: string })
  | (Note<'container-reach'> & ReachData)
  | (Note<'delegated'> & { readonly image: string | null })
  // Bitnami's start script and the official image's settings (container-notes.ts).
  | ContainerImageNote;

export interface ComposeConfig extends ParsedConfig<ComposeNote> {
  readonly dialect: 'compose';
  readonly document: Document | null;
  readonly service: ComposeService | null;
  /** Every service that runs memcached, in the file's order (each an instance of the file: parseComposeFile). */
  readonly memcachedServices?: readonly string[];
}

/** What deploys each file read (compose-deploy.ts), decided once per file. */
const DEPLOYMENTS = new WeakMap<SourceText, Deployment>();

/** The most memcached services read one by one; beyond, the notes name the ones not checked. */
const MAX_SERVICES = 32;

/**
 * A Compose file: every service that runs memcached is an instance of the file (`parts`, as a manifest's
 * workloads), read on its own; the file-level fields are the first's.
 */
export function parseComposeFile(source: SourceText, context?: ParseContext): ComposeConfig {
  const first = parseCompose(source, context, null);
  const names = first.memcachedServices ?? [];
  if (names.length <= 1 || !first.service) return first;
  const parts = names.slice(0, MAX_SERVICES).map((n) => Object.assign(n === first.service!.name ? first : parseCompose(source, context, n), { partName: `service ${n}` }));
  return Object.assign(first, { parts });
}

/** The image a service names, identified; a reference built from variables keeps its family, but not its release. */
function imageOf(node: Node | undefined, image: string | null, text: string): ImageInfo | null {
  if (image === null) return null;
  const it = isScalar(node) ? interpolatedScalar(node, text) : null;
  const info = identifyImage(it && !it.error ? valueOf(it.chars) : image);
  const dep = it?.chars.find((c) => c.dep)?.dep;
  if (!info || !dep) return info;
  const names = it!.variables;
  return fromVariables(info, image, names, `the reference depends on the host: ${dep}`, `the value of ${names.join(' and ') || 'its variables'} in the shell or the project's .env file when Compose creates the container`);
}
const isMemcachedWord = (w: string) => /(^|\/)memcached$/.test(w);

/** A YAML node's span in the text (the Kubernetes and Helm dialects read their nodes with it too). */
export function spanOf(node: unknown): Span | null {
  const r = (node as Node | null | undefined)?.range;
  return r ? { start: r[0], end: r[1] } : null;
}

interface Words {
  tokens: ArgToken[];
  error: { reason: string; span: Span | null } | null;
  notes: ComposeNote[];
}

/** A `command:`/`entrypoint:` node as Compose turns it into words. */
function commandWords(node: Node, text: string, key: string): Words {
  const notes: ComposeNote[] = [];
  const sp = spanOf(node);
  const fromScalar = (s: Scalar): { chars: SrcChar[]; err: string | null } => {
    const range = spanOf(s)!;
    const value = typeof s.value === 'string' ? s.value : text.slice(range.start, range.end);
    if (typeof s.value !== 'string' && s.value !== null) {
      notes.push({ kind: 'non-string', span: range, message: `${key} item ${text.slice(range.start, range.end)} is not a YAML string; Compose's schema wants strings (quote it)` });
    }
    const chars = scalarChars(text, range, String(s.type ?? 'PLAIN'), value === null ? '' : value);
    const it = interpolate(chars);
    return { chars: it.chars, err: it.error };
  };
  if (isSeq(node)) {
    const tokens: ArgToken[] = [];
    for (const item of node.items) {
      if (!isScalar(item)) return { tokens, error: { reason: `Compose refuses the file: ${key} items must be strings`, span: spanOf(item as Node) ?? sp }, notes };
      const { chars, err } = fromScalar(item);
      if (err) return { tokens, error: { reason: `Compose refuses the file: ${err}`, span: spanOf(item) }, notes };
      tokens.push(tokenOf(chars, text, 'Compose'));
    }
    return { tokens, error: null, notes };
  }
  if (isScalar(node)) {
    if (node.value === null) return { tokens: [], error: null, notes };
    const { chars, err } = fromScalar(node);
    if (err) return { tokens: [], error: { reason: `Compose refuses the file: ${err}`, span: sp }, notes };
    const split = goShellwords(chars);
    if (split.error) return { tokens: [], error: { reason: `Compose refuses the file: '${key}' ${split.error}`, span: sp }, notes };
    if (split.dropped) {
      const dsp = split.dropped.map((c) => c.span).filter((s): s is Span => !!s);
      notes.push({
        kind: 'dropped-text',
        span: dsp.length ? { start: dsp[0].start, end: dsp[dsp.length - 1].end } : sp!,
        message: `Compose does not run a shell: it stops splitting ${key} at ${JSON.stringify(split.dropped[0].ch)} and silently drops ${JSON.stringify(valueOf(split.dropped))}`,
      });
    }
    return { tokens: split.words.map((w, i) => tokenOf(w, text, 'Compose', split.raws[i])), error: null, notes };
  }
  return { tokens: [], error: { reason: `Compose refuses the file: ${key} must be a string or a list of strings`, span: sp }, notes };
}

/** The node an alias names, or the node itself (the document's aliases are indexed once, yaml-graph.ts). */
function deref(doc: Document, node: unknown): unknown {
  if (!isAlias(node)) return node;
  indexAliases(doc);
  return derefIndexed(node);
}

/**
 * A key of a mapping as Compose reads it: go-yaml applies YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`),
 * the mapping's own keys first, then each merged mapping in order (an earlier one wins), recursively.
 * `merged` says the value came through a merge key.
 */
export function mergedGet(doc: Document, map: YAMLMap, key: string, depth = 0): { node: Node | undefined; merged: boolean } {
  const own = map.items.find((p) => scalarString(p.key) === key && !isAlias(p.key));
  if (own) return { node: (own.value ?? undefined) as Node | undefined, merged: false };
  if (depth > 50) return { node: undefined, merged: false };
  for (const p of map.items) {
    if (!isScalar(p.key) || p.key.value !== '<<' || p.key.type !== 'PLAIN') continue;
    const v = deref(doc, p.value);
    const sources = isSeq(v) ? v.items.map((i) => deref(doc, i)) : [v];
    for (const src of sources) {
      if (!isMap(src)) continue;
      const got = mergedGet(doc, src as YAMLMap, key, depth + 1);
      if (got.node !== undefined) return { node: got.node, merged: true };
    }
  }
  return { node: undefined, merged: false };
}

/** A service's `extends:` (`extends: base`, or `{service:, file:}`): the service it extends and the file, null for this one. */
function extendsOf(node: YAMLMap, value?: unknown): { service: string; file: string | null } | null {
  const e = (value !== undefined ? value : node.get('extends', true)) as Node | undefined;
  if (isScalar(e) && typeof e.value === 'string') return { service: e.value, file: null };
  if (isMap(e)) return { service: scalarString(e.get('service', true)) ?? '?', file: scalarString(e.get('file', true)) };
  return null;
}

/** A scalar's value as text, whatever its type; null for null and collections. */
export function scalarString(node: unknown): string | null {
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : null;
}

/** One scalar's characters, interpolated as Compose does; null with the error when the template is invalid. */
function interpolatedScalar(node: Scalar, text: string): { chars: SrcChar[]; error: string | null; variables: string[] } {
  const range = spanOf(node)!;
  const value = typeof node.value === 'string' ? node.value : text.slice(range.start, range.end);
  const it = interpolate(scalarChars(text, range, String(node.type ?? 'PLAIN'), node.value === null ? '' : value));
  return { chars: it.chars, error: it.error, variables: it.variables };
}

/** The variables of an image reference one with no default is part of (`${REGISTRY}/memcached:1.6`), or undefined. */
function variablesDeciding(imageNode: Node | undefined, text: string): readonly string[] | undefined {
  if (!isScalar(imageNode)) return undefined;
  const it = interpolatedScalar(imageNode, text);
  return !it.error && bareVariable(it.chars) ? it.variables : undefined;
}

/** A value built from a variable without a default (`${X}`, `$X`): the file does not decide it. */
function bareVariable(chars: readonly SrcChar[]): string | null {
  return chars.find((c) => c.dep && c.ch === '$' && !/when it is unset/.test(c.dep))?.dep ?? null;
}

/** A known value, or unknown when a variable without default decides it; `dep` for a default's guess. */
function envValue(chars: readonly SrcChar[], variables: readonly string[], span: Span | null, raw: string, node: Node | null, form: 'map' | 'list'): ComposeEnvVar {
  const bare = bareVariable(chars);
  if (bare) return { chars: null, text: raw, why: bare, span, node, form };
  // A variable whose default is empty leaves no character to carry the dependency.
  const dep = chars.find((c) => c.dep)?.dep ?? (variables.length ? `${variables.map((v) => `\${${v}}`).join(', ')} from the shell or the .env file of the project (empty by default)` : undefined);
  return { chars, span, node, form, ...(dep ? { dep } : {}) };
}

/**
 * `environment:` in map form (`KEY: value`; `KEY:` alone takes the variable from the environment Compose
 * runs in) or list form (`- KEY=value`; `- KEY` alone, the same). Values are interpolated like the rest of
 * the file. An invalid template is Compose's error for the whole file.
 */
function environmentOf(node: unknown, text: string): { vars: Map<string, ComposeEnvVar>; error: { reason: string; span: Span | null } | null; notes: ComposeNote[] } {
  const vars = new Map<string, ComposeEnvVar>();
  const notes: ComposeNote[] = [];
  const fromShell = (name: string) => `${name} is taken from the environment docker compose runs in (no value in the file)`;
  if (isMap(node)) {
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const name = scalarString(pair.key);
      if (name === null) continue;
      const keySpan = spanOf(pair.key);
      const v = pair.value;
      const span = keySpan && spanOf(v) ? { start: keySpan.start, end: spanOf(v)!.end } : keySpan;
      if (v === null || (isScalar(v) && v.value === null && !/\S/.test(text.slice(spanOf(v)?.start ?? 0, spanOf(v)?.end ?? 0)))) {
        vars.set(name, { chars: null, text: `$${name}`, why: fromShell(name), span, node: v ?? null, form: 'map' });
        continue;
      }
      if (!isScalar(v)) return { vars, error: { reason: `Compose refuses the file: environment value of ${name} must be a string, number, boolean or null`, span: spanOf(v) }, notes };
      if (typeof v.value !== 'string') notes.push({ kind: 'non-string', span: spanOf(v)!, message: `environment value of ${name} is a YAML ${typeof v.value}, which Compose turns into text: quote it to be sure of the text` });
      const { chars, error, variables } = interpolatedScalar(v, text);
      if (error) return { vars, error: { reason: `Compose refuses the file: ${error}`, span: spanOf(v) }, notes };
      const r = spanOf(v)!;
      vars.set(name, envValue(chars, variables, span, text.slice(r.start, r.end), v, 'map'));
    }
  } else if (isSeq(node)) {
    for (const item of node.items as Node[]) {
      if (!isScalar(item) || item.value === null) continue;
      const { chars, error, variables } = interpolatedScalar(item, text);
      const r = spanOf(item)!;
      if (error) return { vars, error: { reason: `Compose refuses the file: ${error}`, span: r }, notes };
      const eq = chars.findIndex((c) => c.ch === '=');
      if (eq === -1) {
        const name = valueOf(chars);
        vars.set(name, { chars: null, text: `$${name}`, why: fromShell(name), span: r, node: item, form: 'list' });
        continue;
      }
      const name = valueOf(chars.slice(0, eq));
      vars.set(name, envValue(chars.slice(eq + 1), variables, r, text.slice(r.start, r.end), item, 'list'));
    }
  } else if (node !== undefined && node !== null && !(isScalar(node) && node.value === null)) {
    return { vars, error: { reason: 'Compose refuses the file: environment must be a mapping or a list', span: spanOf(node as Node) }, notes };
  }
  return { vars, error: null, notes };
}

/** `environment:` along extends: each service's variables over those of the service it extends (given first). */
function environmentAlong(nodes: readonly unknown[], text: string): ReturnType<typeof environmentOf> {
  if (nodes.length <= 1) return environmentOf(nodes[0], text);
  const vars = new Map<string, ComposeEnvVar>();
  const notes: ComposeNote[] = [];
  for (const n of nodes) {
    const e = environmentOf(n, text);
    if (e.error) return { vars, error: e.error, notes: [...notes, ...e.notes] };
    for (const [k, v] of e.vars) vars.set(k, v);
    notes.push(...e.notes);
  }
  return { vars, error: null, notes };
}

/**
 * `ports:` entries: the host address each publishes on, and the container port(s), interpolated as Compose
 * does (`"${MEMCACHED_BIND:-127.0.0.1}:11211:11211"`). A host address from a variable is the host's to
 * decide (`hostIpDepends`): its default is the guess, and a variable without one may be unset (empty: every
 * interface).
 */
function publishedPorts(node: unknown, text: string): PublishedPort[] {
  if (!isSeq(node)) return [];
  const out: PublishedPort[] = [];
  const interpolated = (n: unknown): { value: string; dep: string | null; bare: boolean } | null => {
    if (!isScalar(n) || n.value === null || n.value === undefined) return null;
    const it = interpolatedScalar(n, text);
    if (it.error) return { value: String(n.value), dep: null, bare: false };
    const bare = bareVariable(it.chars);
    const dep = it.chars.find((c) => c.dep)?.dep ?? (it.variables.length ? `\${${it.variables[0]}} from the shell or the .env file of the project (empty by default)` : null);
    return { value: valueOf(it.chars), dep: bare ?? dep, bare: bare !== null };
  };
  for (const item of node.items) {
    const span = spanOf(item as Node) ?? { start: 0, end: 0 };
    if (isMap(item)) {
      const target = interpolated(item.get('target', true))?.value ?? null;
      const host = interpolated(item.get('host_ip', true));
      const protocol = scalarString(item.get('protocol', true)) ?? 'tcp';
      const hostIp = host === null || host.bare || host.value === '' ? null : host.value;
      // Shown in the short syntax's order (the entry's own text spans several lines).
      const published = interpolated(item.get('published', true))?.value ?? null;
      const hostMode = scalarString(item.get('mode', true)) === 'host';
      const shown = `${host && host.value !== '' ? `${host.value.includes(':') ? `[${host.value}]` : host.value}:` : ''}${published ? `${published}:` : ''}${target}${protocol !== 'tcp' ? `/${protocol}` : ''}`;
      if (target) out.push({ hostIp, container: target, protocol, text: shown, span, ...(host?.dep ? { hostIpDepends: host.dep } : {}), ...(hostMode ? { hostMode } : {}) });
      continue;
    }
    if (!isScalar(item) || item.value === null || item.value === undefined) continue;
    const it = interpolatedScalar(item, text);
    const chars = it.error ? null : it.chars;
    const v = chars ? valueOf(chars) : String(item.value);
    // [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]; an IPv6 host address is in brackets.
    const m = /^(?:(\[[^\]]*\]|[^:]*):)??(?:([^:]*):)?([^:/]+)(?:\/(\w+))?$/.exec(v);
    const raw = scalarString(item)!;
    if (!m) continue;
    const ipDep = m[1] !== undefined && chars ? (chars.slice(0, m[1].length).find((c) => c.dep)?.dep ?? null) : null;
    const ip = m[1] !== undefined ? m[1].replace(/^\[|\]$/g, '') : null;
    // A variable without a default stays as written: unknown, every interface while it is unset.
    const bare = ipDep !== null && /^\$/.test(ip ?? '');
    out.push({ hostIp: ip === '' || bare ? null : ip, container: m[3], protocol: m[4] ?? 'tcp', text: raw, span, ...(ipDep ? { hostIpDepends: ipDep } : {}) });
  }
  return out;
}

/**
 * The services a service takes its keys from with `extends:` in this file, as Compose follows them: the
 * service itself, then the one it extends, and so on. A reference to another file (`file:`) ends the chain
 * there: mchard never reads a file because a file it checks names it, so what that service sets is
 * unknown (`external`). A service the file does not define, or a loop, is Compose's refusal (`error`).
 */
interface ExtendsChain {
  readonly nodes: readonly YAMLMap[];
  readonly external: { readonly service: string; readonly file: string; readonly from: string; readonly span: Span | null } | null;
  readonly error: { readonly reason: string; readonly span: Span | null } | null;
}

function extendsChain(doc: Document, services: unknown, start: YAMLMap): ExtendsChain {
  const nodes: YAMLMap[] = [start];
  const byName = (name: string): YAMLMap | null => {
    if (!isMap(services)) return null;
    const pair = (services.items as Pair<unknown, unknown>[]).find((p) => scalarString(p.key) === name);
    const v = pair ? deref(doc, pair.value) : null;
    return isMap(v) ? (v as YAMLMap) : null;
  };
  const nameOf = (m: YAMLMap): string => {
    const pair = isMap(services) ? (services.items as Pair<unknown, unknown>[]).find((p) => deref(doc, p.value) === m) : undefined;
    return scalarString(pair?.key) ?? '?';
  };
  let node = start;
  for (;;) {
    const extNode = mergedGet(doc, node, 'extends').node;
    const ext = extendsOf(node, extNode);
    if (!ext) return { nodes, external: null, error: null };
    const span = spanOf(extNode);
    if (ext.file !== null) return { nodes, external: { service: ext.service, file: ext.file, from: nameOf(node), span }, error: null };
    const base = byName(ext.service);
    if (!base) return { nodes, external: null, error: { reason: `Compose refuses the file: service ${nameOf(node)} extends service ${ext.service}, which the file does not define`, span } };
    if (nodes.includes(base)) return { nodes, external: null, error: { reason: `Compose refuses the file: extends: makes a loop through service ${ext.service}`, span } };
    nodes.push(base);
    node = base;
  }
}

/** A Compose file's YAML as parsed once: its printed tokens, its document, and why Compose refuses it. */
interface ParsedYaml {
  readonly printed: string;
  readonly doc: Document | null;
  readonly failures: readonly { reason: string; span: Span | null }[];
}

/**
 * Each file's YAML, parsed once for all the services read from it (parseComposeFile reads up to
 * MAX_SERVICES of them, each as an instance of the file; parsing for each made a hostile 1 MiB file of
 * many memcached services cost minutes and gigabytes). Nothing changes a parsed document: fixes edit the
 * text by spans.
 */
const PARSED = new WeakMap<SourceText, ParsedYaml>();

function parsedYaml(source: SourceText): ParsedYaml {
  const known = PARSED.get(source);
  if (known) return known;
  const text = source.text;
  const depth = yamlNestingBound(text);
  if (depth > MAX_YAML_DEPTH) {
    throw new InputError(source.path, `YAML nested up to ${depth} levels deep; mchard reads at most ${MAX_YAML_DEPTH} levels (a Compose file needs a handful)`);
  }
  const printed = [...new Parser().parse(text)].map((t) => CST.stringify(t)).join('');
  const failures: { reason: string; span: Span | null }[] = [];
  let doc: Document | null = null;
  try {
    doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    failures.push({ reason: `the file is not valid YAML (${(e as Error).message}), so Compose refuses it`, span: null });
  }
  if (doc && doc.errors.length > 0) {
    const err = doc.errors[0];
    failures.push({ reason: `the file is not valid YAML (${err.message.split('\n')[0]}), so Compose refuses it`, span: yamlErrorSpan(err.pos, text) });
  }
  // Aliases and merge keys: Compose's YAML reader (go-yaml) refuses a document they expand without bound
  // (an alias bomb: mchard refuses to read it, as it does a file nested too deep), an anchor inside
  // itself, and a merge key of something else than mappings.
  if (doc && failures.length === 0 && (text.includes('*') || text.includes('<<'))) {
    const p = aliasProblem(doc, 'Compose');
    if (p?.kind === 'excessive') throw new InputError(source.path, p.reason);
    if (p) failures.push({ reason: p.reason, span: p.span });
  }
  const parsed = { printed, doc, failures };
  PARSED.set(source, parsed);
  return parsed;
}

/** The file read for one memcached service (`serviceName`; null: the first that runs memcached). */
export function parseCompose(source: SourceText, context?: ParseContext, serviceName: string | null = null): ComposeConfig {
  const text = source.text;
  const { printed, doc, failures } = parsedYaml(source);
  const print = () => printed;
  const notes: ComposeNote[] = [];
  let launchFailure: LaunchFailure | null = null;
  const fail = (reason: string, span: Span | null) => {
    launchFailure ??= { exitCode: -1, reason, span };
    notes.push({ kind: 'parse-error', span: span ?? { start: 0, end: 0 }, message: reason });
  };
  const base = { dialect: 'compose' as const, source, print };
  for (const f of failures) fail(f.reason, f.span);
  const services = doc && !launchFailure ? doc.get('services', true) : null;
  // The keys each service takes through a merge key, filled as they are read.
  const mergedKeys = new Map<YAMLMap, Set<string>>();
  const mergedOf = (m: YAMLMap) => mergedKeys.get(m) ?? mergedKeys.set(m, new Set()).get(m)!;
  // The keys each service takes from the service it extends (extends: in this file), filled as they are read.
  const inheritedKeys = new Map<YAMLMap, Set<string>>();
  const inheritedOf = (m: YAMLMap) => inheritedKeys.get(m) ?? inheritedKeys.set(m, new Set()).get(m)!;
  const chains = new Map<YAMLMap, ExtendsChain>();
  const chainOf = (m: YAMLMap): ExtendsChain => chains.get(m) ?? chains.set(m, extendsChain(doc!, services, m)).get(m)!;
  /** A key of a service as Compose reads it: its own (merge keys applied), else the extended service's. */
  const get = (m: YAMLMap, key: string): Node | undefined => {
    for (const n of chainOf(m).nodes) {
      const r = mergedGet(doc!, n, key);
      if (r.node === undefined) continue;
      if (n !== m) inheritedOf(m).add(key);
      else if (r.merged) mergedOf(m).add(key);
      return r.node;
    }
    return undefined;
  };
  /** A key Compose merges along extends: (ports:, expose:, env_file:, environment:): each service's value, the extended first. */
  const getAll = (m: YAMLMap, key: string): Node[] => {
    const out: Node[] = [];
    for (const n of chainOf(m).nodes) {
      const r = mergedGet(doc!, n, key);
      if (r.node === undefined) continue;
      if (n !== m) inheritedOf(m).add(key);
      else if (r.merged) mergedOf(m).add(key);
      out.unshift(r.node);
    }
    return out;
  };
  const found: ComposeService[] = [];
  // Services of a memcached image that run another program (`sh -c '... exec memcached'`): the one
  // read, with unknown options, when no service runs memcached itself.
  const others: { svc: ComposeService; program: string }[] = [];
  // Services that take their keys from another with extends: and are named after memcached (Docksal's
  // stacks: `memcached: extends: {file: services.yml, service: memcached}`): read, with unknown options,
  // when no service runs memcached by what this file shows.
  const extendedOnly: ComposeService[] = [];
  // Services named after memcached with neither image: nor build: (an override file's `memcached:
  // ports: [...]`): another Compose file merged with this one decides what they run.
  const fragments: ComposeService[] = [];
  // Services named after memcached whose image is built here (`memcached: build: .`, washingtonpost's
  // docker-compose.override.yml): the Dockerfile they build decides what runs, as for an image mchard does
  // not know; read, with unknown options, when no service runs memcached by what this file shows.
  const built: ComposeService[] = [];
  const words = new Map<ComposeService, Words>();
  if (isMap(services)) {
    for (const pair of services.items as Pair<Node, Node>[]) {
      const name = scalarString(pair.key);
      // A service can be an alias of another mapping (`cache: *memcached`): the anchor's keys, all shared.
      const value = deref(doc!, pair.value);
      if (name === null || !isMap(value)) continue;
      const node = value as YAMLMap;
      if (value !== pair.value) mergedOf(node).add('*');
      const chain = chainOf(node);
      // Compose refuses the whole file when a service extends one it does not define, or in a loop.
      if (chain.error) fail(chain.error.reason, chain.error.span);
      const image = scalarString(get(node, 'image'));
      const ext = chain.external;
      const command = (get(node, 'command') as Node | undefined) ?? null;
      const entrypoint = (get(node, 'entrypoint') as Node | undefined) ?? null;
      const cmd = command ? commandWords(command, text, 'command') : { tokens: [], error: null, notes: [] };
      const ep = entrypoint ? commandWords(entrypoint, text, 'entrypoint') : null;
      const imageNode = get(node, 'image') as Node | undefined;
      const identified = imageOf(imageNode, image, text);
      const imageInfo = identified && scalarString(get(node, 'pull_policy')) === 'always' ? pulledEachStart(identified, 'pull_policy: always') : identified;
      const official = imageInfo?.family === 'official';
      let svc: ComposeService | null = null;
      const common = { name, keySpan: spanOf(pair.key)!, node, image, command, entrypoint, imageInfo, merged: mergedOf(node) as ReadonlySet<string>, inherited: inheritedOf(node) as ReadonlySet<string> };
      const wordNotes = [...cmd.notes, ...(ep?.notes ?? [])];
      if (imageInfo?.family === 'bitnami') {
        // Bitnami's image: its start script decides, from the environment, the command and the user.
        const envNode = get(node, 'environment') as Node | undefined;
        const env = environmentAlong(getAll(node, 'environment'), text);
        const envFiles = getAll(node, 'env_file');
        const userNode = get(node, 'user') as Node | undefined;
        const userText = isScalar(userNode) ? interpolatedScalar(userNode, text) : null;
        const userBare = userText ? bareVariable(userText.chars) : null;
        const error = cmd.error ?? ep?.error ?? env.error;
        const start = bitnamiStart({
          image: imageInfo,
          env: env.vars,
          otherSources: envFiles.map((f) => ({ what: `env_file: ${text.slice(spanOf(f)!.start, spanOf(f)!.end).replace(/\s+/g, ' ')}`, span: spanOf(f) })),
          program: ep && ep.tokens.length > 0 ? [...ep.tokens, ...cmd.tokens] : command ? cmd.tokens : null,
          entrypointReplaced: !!ep && ep.tokens.length > 0,
          user: userText ? { value: userBare ? null : valueOf(userText.chars), span: spanOf(userNode), ...(userBare ? { why: userBare } : {}) } : null,
          text,
          anchor: spanOf(imageNode),
        });
        if (start.runs === 'other' && !error) {
          notes.push({ kind: 'not-memcached', span: spanOf(command) ?? spanOf(entrypoint) ?? common.keySpan, message: `service ${name} uses ${imageInfo.title} but runs ${JSON.stringify(start.program)}, so mchard cannot tell memcached's options` });
          others.push({ svc: { ...common, argvFrom: 'other', commandSkip: 0 }, program: start.program });
        } else {
          svc = { ...common, argvFrom: 'bitnami', commandSkip: 0, environment: { node: envNode ?? null, vars: env.vars }, bitnami: start };
          found.push(svc);
          words.set(svc, { tokens: start.runs === 'memcached' ? [...start.argv] : [], error, notes: [...wordNotes, ...env.notes] });
        }
        continue;
      }
      if (ep && ep.tokens.length > 0) {
        if (isMemcachedWord(ep.tokens[0].value)) svc = { ...common, argvFrom: 'entrypoint', commandSkip: 0 };
      } else if (cmd.tokens.length > 0 && isMemcachedWord(cmd.tokens[0].value)) {
        svc = { ...common, argvFrom: 'command', commandSkip: 1 };
      } else if (official || (image !== null && memcachedImageName(image))) {
        const first = cmd.tokens[0]?.value;
        if (first === undefined || first.startsWith('-')) svc = { ...common, argvFrom: command ? 'command' : 'image', commandSkip: 0 };
        else if (!cmd.error) {
          notes.push({ kind: 'not-memcached', span: spanOf(command) ?? common.keySpan, message: `service ${name} uses the memcached image but runs ${JSON.stringify(first)}, so mchard cannot tell memcached's options` });
          others.push({ svc: { ...common, argvFrom: 'other', commandSkip: 0 }, program: first });
        }
      }
      if (cmd.error || ep?.error) {
        if (svc || (image && memcachedImageName(image))) svc ??= { ...common, argvFrom: 'command', commandSkip: 0 };
      }
      if (!svc && ext && (/memcache/i.test(name) || /memcache/i.test(ext.service))) {
        extendedOnly.push({ ...common, argvFrom: 'other', commandSkip: 0 });
      } else if (!svc && !ext && image === null && get(node, 'build') === undefined && /memcache/i.test(name)) {
        fragments.push({ ...common, argvFrom: 'other', commandSkip: 0 });
      } else if (!svc && !ext && get(node, 'build') !== undefined && !cmd.error && !ep?.error && /memcache/i.test(name)) {
        const b: ComposeService = { ...common, argvFrom: 'image', commandSkip: 0 };
        built.push(b);
        words.set(b, { tokens: [], error: null, notes: wordNotes });
      } else if (!svc && !ext && !cmd.error && !ep?.error && isScalar(imageNode) && [name, image ?? ''].some((n) => /memcache/i.test(n) && !/exporter/i.test(n))) {
        // A memcached service whose image a variable with no default names (`image: ${CACHE_IMAGE}`):
        // the environment Compose runs in decides the image, so whether and how memcached runs.
        const it = interpolatedScalar(imageNode, text);
        if (!it.error && (bareVariable(it.chars) || (it.variables.length > 0 && valueOf(it.chars) === ''))) {
          const b: ComposeService = { ...common, argvFrom: 'image', commandSkip: 0, imageVariables: it.variables };
          built.push(b);
          words.set(b, { tokens: [], error: null, notes: wordNotes });
        }
      }
      if (svc) {
        found.push(svc);
        const tokensOut = svc.argvFrom === 'entrypoint' ? [...ep!.tokens.slice(1), ...cmd.tokens] : cmd.tokens.slice(svc.commandSkip);
        words.set(svc, { tokens: tokensOut, error: cmd.error ?? ep?.error ?? null, notes: wordNotes });
      }
    }
  } else if (doc && !launchFailure) {
    // Compose's legacy version 1 format: service definitions at the top level (sameersbn's example file).
    const root = doc.contents;
    const legacy = isMap(root)
      ? (root.items as Pair<Node, Node>[]).filter((p) => isMap(p.value) && ['image', 'build', 'command'].some((k) => (p.value as YAMLMap).has(k))).map((p) => scalarString(p.key))
      : [];
    fail(
      legacy.length
        ? `the file has no services: mapping: it is in Compose's legacy version 1 format (services at the top level: ${legacy.join(', ')}), which the Compose Specification that docker compose reads does not have; only the docker-compose 1.x tool, unsupported since June 2023, ran it`
        : 'the file has no services: mapping, so it starts no memcached',
      null,
    );
  }

  const other = found.length === 0 ? (others[0] ?? null) : null;
  const service = (serviceName !== null ? found.find((f) => f.name === serviceName) : undefined) ?? found[0] ?? other?.svc ?? (found.length === 0 ? (extendedOnly[0] ?? fragments[0] ?? built[0] ?? null) : null);
  const fragment = service !== null && !other && fragments.includes(service);
  const ext = service ? chainOf(service.node).external : null;
  // Every service that runs memcached is an instance of its own (parseComposeFile); one beyond those read is noted.
  for (const other of found.slice(MAX_SERVICES)) {
    notes.push({ kind: 'other-service', span: other.keySpan, message: `service ${other.name} also runs memcached; mchard checks the first ${MAX_SERVICES} services that do`, service: other.name });
  }
  let argv: ArgToken[] = [];
  let startsAs: string | undefined;
  let userUnknown: { reason: string; decide: string; span: Span | null } | undefined;
  let argvUnknown: string | null = null;
  const unknownImage = service && service.argvFrom !== 'entrypoint' && service.argvFrom !== 'bitnami' && service.argvFrom !== 'other' && service.imageInfo?.family !== 'official';
  if (service && ext && !launchFailure) {
    // extends: with file: Compose takes every key the service (or the one it extends here) does not set
    // from a service of another file (and merges ports:, expose:, environment:). mchard never reads a file
    // because a file it checks names it, so what memcached runs with, as whom and where it is published
    // are not decided here. (extends: of a service of this file is followed: chainOf.)
    argvUnknown =
      `service ${service.name} ${ext.from === service.name ? 'extends' : `extends service ${ext.from} of this file, which extends`} service ${ext.service} of ${ext.file}: Compose takes the keys ` +
      `${ext.from === service.name ? 'this service does not set' : 'neither sets'} (command:, entrypoint:, image:, user:, environment:) from there and adds its ports:, so memcached's options, user and reach are decided there, ` +
      `which mchard does not read because this file names it; unknown (service ${ext.service} of ${ext.file} would decide them: check that file, or what docker compose config prints)`;
    notes.push({ kind: 'delegated', span: ext.span ?? service.keySpan, message: argvUnknown, image: service.image });
  } else if (service && fragment) {
    // An override file: Compose merges it onto the file that defines the service (docker compose -f
    // BASE -f THIS, or docker-compose.override.yml onto docker-compose.yml beside it). That file decides
    // the image, its command and user; this one only adds keys. Nothing says memcached does not run.
    argvUnknown =
      `service ${service.name} sets neither image: nor build:, so this file does not run it alone: it is an override that Compose merges onto another Compose file ` +
      `(docker compose -f BASE -f THIS, or a docker-compose.override.yml onto the docker-compose.yml beside it), which decides the image, memcached's options and its user; ` +
      `unknown (docker compose config, given the same files, prints the merged service: lint that)`;
    notes.push({ kind: 'delegated', span: service.keySpan, message: argvUnknown, image: null });
  } else if (service && other) {
    // The memcached image running another program, which may start memcached (zulip's `sh -euc '...
    // exec memcached -S'`): memcached runs, with options and a user this file does not decide.
    const shell = /^(\S*\/)?(sh|bash|dash|ash|busybox)$/.test(other.program);
    argvUnknown =
      `service ${service.name} runs ${JSON.stringify(other.program)} in ${service.image !== null ? `the image ${JSON.stringify(service.image)}` : 'its image'}, ` +
      `${shell ? 'a shell whose script mchard does not evaluate' : 'a program mchard does not read'}, not memcached directly, so mchard cannot tell memcached's options or user`;
  } else if (service && unknownImage) {
    // An image mchard does not know (or one built here): its own ENTRYPOINT, CMD and environment decide
    // what memcached runs with and as whom, and command: only feeds that entrypoint. Nothing in this file
    // decides memcached's argument vector, so it is unknown: no option is judged, and fix adds nothing.
    const imageNode = get(service.node, 'image') as Node | undefined;
    const what = service.image !== null ? `image ${JSON.stringify(service.image)}` : 'an image built from build:';
    // A reference a variable with no default is part of (`${REGISTRY}/memcached:1.6`): the environment decides it too.
    const vars = service.imageVariables ?? variablesDeciding(imageNode, text);
    argvUnknown = vars
      ? `service ${service.name} runs ${what}, a reference a variable with no default decides: the environment Compose runs in decides the image, and so whether memcached runs and with which options and user; ` +
        `unknown (the value of ${vars.join(' and ')} in the shell or the project's .env file when Compose creates the container decides)`
      : `service ${service.name} runs ${what}, which mchard does not know: the image's own command and environment decide memcached's options and user` +
        (service.command ? ', and command: only feeds its entrypoint' : '') +
        `; unknown (an entrypoint: that runs memcached would decide them in this file)`;
    notes.push({ kind: 'delegated', span: spanOf(imageNode) ?? service.keySpan, message: argvUnknown, image: service.image });
    const w = words.get(service)!;
    notes.push(...w.notes);
    if (w.error) fail(w.error.reason, w.error.span);
  } else if (!service) {
    if (!launchFailure) fail('no service of the file runs memcached (by image, entrypoint or command)', null);
  } else {
    const w = words.get(service)!;
    for (const n of w.notes) notes.push(n);
    if (w.error) fail(w.error.reason, w.error.span);
    argv = w.tokens;
    for (const t of argv.filter((t) => !t.exact)) notes.push({ kind: 'host-dependent', span: t.span ?? service.keySpan, message: `the argument ${t.note}`, value: t.value });
    const node = service.node;
    const official = service.imageInfo?.family === 'official';
    const userNode = get(node, 'user') as Node | undefined;
    const user = scalarString(userNode);
    const start = service.bitnami;
    if (start && start.runs === 'memcached') {
      const anchor = service.keySpan;
      if (start.failure && !w.error) {
        launchFailure ??= { exitCode: start.failure.exitCode ?? -1, reason: start.failure.reason, span: start.failure.span };
        notes.push({ kind: 'image-refuses', span: start.failure.span ?? anchor, message: start.failure.reason });
      }
      if (start.argvUnknown) {
        argvUnknown = `service ${service.name}: ${start.argvUnknown}`;
        const u = start.unknown.find((x) => x.span) ?? start.unknown[0];
        notes.push({ kind: 'unknown-variable', span: u?.span ?? spanOf(get(node, 'image') as Node) ?? anchor, message: argvUnknown });
      }
      if (start.sasl.on === null) notes.push({ kind: 'auth-unknown', span: start.sasl.span ?? anchor, message: start.sasl.why });
      // What the image silently ignores is reported (MC903); the rest are notes.
      for (const n of start.notes) notes.push(bitnamiNote(n, n.span ?? anchor));
      startsAs = start.startsAs ?? `unknown (${start.userWhy})`;
      notes.push({
        kind: 'starts-as',
        span: start.userSpan ?? anchor,
        message: start.startsAs === null ? `the user memcached runs as is unknown: ${start.userWhy}` : start.startsAs === 'root' ? `${start.userWhy}` : `${start.userWhy}: memcached is not root and ignores -u`,
        user: start.startsAs,
      });
    } else if (start) {
      // (a Bitnami service whose command is not memcached is not selected)
    } else if (user !== null && user.includes('$') && isScalar(userNode)) {
      // `user: "${USER_ID:-0}"`: Compose substitutes the variable from the shell or the project's .env file;
      // its default only names one user (root here), not the one a host gives.
      const it = interpolatedScalar(userNode, text);
      const given = it.chars.map((c) => c.ch).join('').split(':')[0];
      const vars = it.variables.length ? it.variables.join(', ') : 'a variable';
      startsAs = given === '0' || given === 'root' ? 'root' : given || 'root';
      userUnknown = {
        reason: `user: ${user} is the value of ${vars} in the shell or the project's .env file (${given === '' ? 'empty' : given} when unset)`,
        decide: `the value of ${vars} when Compose creates the container`,
        span: spanOf(userNode),
      };
      notes.push({ kind: 'starts-as', span: spanOf(userNode)!, message: `the user the container runs memcached as is unknown: ${userUnknown.reason}`, user: null });
    } else if (user !== null) {
      const name = user.split(':')[0];
      startsAs = name === '0' || name === 'root' ? 'root' : name;
      notes.push({ kind: 'starts-as', span: spanOf(userNode)!, message: startsAs === 'root' ? 'the container runs memcached as root' : `the container runs memcached as ${name}, so it is not root and ignores -u`, user: startsAs });
    } else if (official) {
      startsAs = 'memcache';
      notes.push({ kind: 'starts-as', span: spanOf(get(node, 'image') as Node) ?? service.keySpan, message: 'the official memcached image runs as user memcache (USER memcache), so memcached is not root and ignores -u', user: 'memcache' });
    }
    if (official) {
      // Bitnami's variables mean nothing to the official image: its command is memcached's options.
      const env = environmentAlong(getAll(node, 'environment'), text);
      const given = [...env.vars.entries()].filter(([k]) => /^MEMCACHED_/.test(k));
      if (given.length) {
        notes.push({
          kind: 'ignored-setting',
          span: given[0][1].span ?? service.keySpan,
          message: `the official memcached image ignores ${given.map(([k]) => k).join(', ')}: its command: is memcached's options, and only Bitnami's image reads MEMCACHED_* variables`,
        });
      }
    }
  }
  // Which program deploys the file: docker compose up or docker stack deploy (Swarm drops a port's host address).
  // (Once per file: parseComposeFile reads the file again for each memcached service.)
  const deploy = doc && !launchFailure ? (DEPLOYMENTS.get(source) ?? DEPLOYMENTS.set(source, deploymentOf(source.path, doc, (m, k) => mergedGet(doc!, m, k).node)).get(source)!) : null;
  if (service && !argvUnknown) {
    const node = service.node;
    // Where the container's port can be reached from. docker stack deploy ignores network_mode: (docker/cli
    // types.UnsupportedProperties: "Ignoring unsupported options") and merges no override file.
    const swarm = deploy?.by === 'stack';
    const mode = swarm ? null : scalarString(get(node, 'network_mode'));
    // ports: and expose: add up along extends: (the extended service's first).
    const portNodes = getAll(node, 'ports');
    const portsNode = portNodes.at(-1);
    const exposeNode = getAll(node, 'expose').at(-1);
    // (An entry both services give is published once; a service's own list is taken as written.)
    const seen = new Set<string>();
    const published = portNodes.length > 1 ? portNodes.flatMap((n) => publishedPorts(n, text)).filter((p) => !seen.has(p.text) && seen.add(p.text)) : publishedPorts(portsNode, text);
    // docker compose merges the override file beside a file of its default name (docker-compose.override.yml):
    // its ports: may publish what this file does not, and mchard does not read it.
    const override = swarm ? null : (context?.composeOverride ?? null);
    const unpublished = override
      ? `inside the container; no ports: entry of this file publishes it, but docker compose merges ${override} beside it, which mchard does not read and whose ports: may (docker compose config shows the merged service)`
      : undefined;
    const reach: ReachData = mode === 'host' ? { mode: 'host', published: [] } : { mode: 'container', published, ...(unpublished && !published.length ? { unpublished } : {}), ...(deploy ? { deploy } : {}) };
    const reachSpan = spanOf(portsNode) ?? spanOf(exposeNode) ?? service.keySpan;
    notes.push({
      kind: 'container-reach',
      span: reachSpan,
      message:
        mode === 'host'
          ? `network_mode: host: memcached binds the host's own interfaces`
          : published.length
            ? `ports: publishes ${published.map((p) => p.text).join(', ')} on ${swarm ? 'every node of the swarm (docker stack deploy)' : 'the host'}`
            : override
              ? `no ports: of this file are published, but docker compose merges ${override} beside it, which mchard does not read and whose ports: may publish memcached`
              : `no ports: are published: memcached is reachable only from ${swarm ? "services on the stack's networks" : 'containers on the same Compose network'}${exposeNode ? ' (expose: does not publish)' : ''}`,
      ...reach,
    });
  }
  // A service in profiles: docker compose up starts it only when one of them is enabled (COMPOSE_PROFILES,
  // --profile) or the service is named on the command line: whether memcached runs is the host's to decide.
  let startupUnknown: { reason: string; decide: string } | undefined;
  const profilesNode = service ? get(service.node, 'profiles') : undefined;
  const profiles = isSeq(profilesNode) ? profilesNode.items.map((i) => scalarString(i)).filter((p): p is string => p !== null && p !== '') : [];
  if (service && profiles.length) {
    startupUnknown = {
      reason: `service ${service.name} is in the profile${profiles.length > 1 ? 's' : ''} ${profiles.join(', ')}: docker compose up starts it only when ${profiles.length > 1 ? 'one is' : 'it is'} enabled, or when the service is named on the command line`,
      decide: `COMPOSE_PROFILES in the environment or the project's .env file, docker compose --profile ${profiles[0]}, or docker compose up ${service.name}`,
    };
  }
  notes.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return {
    ...base,
    ...(deploy ? { readBy: deploymentReader(deploy) } : {}),
    ...(startupUnknown ? { startupUnknown } : {}),
    argv,
    argvExact: !argvUnknown && argv.every((t) => t.exact),
    launchFailure,
    notes,
    ...(startsAs !== undefined ? { startsAs } : {}),
    ...(userUnknown ? { startsAsUnknown: userUnknown } : {}),
    ...(argvUnknown ? { argvUnknown } : {}),
    ...(service?.imageInfo ? { image: { info: service.imageInfo, span: spanOf(get(service.node, 'image') as Node) } } : {}),
    document: doc,
    service,
    memcachedServices: found.map((f) => f.name),
  };
}

/**
 * Whether every "{{", "{%" and "{#" of a valid Compose file lies in the value of a `labels:` entry (of a
 * service, its `deploy:`, a network, a volume...). Compose hands labels to Docker as they are; a Go template
 * there (caddy-docker-proxy's `caddy.reverse_proxy: "{{upstreams 80}}"`, Traefik's) is read by the proxy
 * that reads the label, so the braces are data of the file, not a template that renders it.
 */
export function bracesInLabelsOnly(text: string): boolean {
  let doc: Document;
  try {
    doc = parseDocument(text, { uniqueKeys: false });
  } catch {
    return false;
  }
  if (doc.errors.length) return false;
  const ranges: [number, number][] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.value === 'labels' && (pair.value as Node | null)?.range) {
          const r = (pair.value as Node).range!;
          ranges.push([r[0], r[1]]);
        } else walk(pair.value);
      }
    } else if (isSeq(node)) node.items.forEach(walk);
  };
  walk(doc.contents);
  for (const m of text.matchAll(/\{[{%#]/g)) {
    if (!ranges.some(([a, b]) => m.index! >= a && m.index! < b)) return false;
  }
  return ranges.length > 0;
}

export const composeDialect: Dialect = {
  name: 'compose',
  title: 'docker-compose service command:',
  defaultUser: 'memcache',
  commentChars: '#',
  parse: (source, context) => parseComposeFile(source, context),
  bracesAreData: bracesInLabelsOnly,
  /** The end of the last `command:` word that memcached receives; without a command, the service key. */
  insertionPoint(config) {
    const c = config as ComposeConfig;
    const last = c.argv.filter((t) => t.span).at(-1);
    const cmd = c.service?.command?.range;
    const at = last?.span ? last.span.end : cmd ? cmd[1] : (c.service?.keySpan.end ?? config.source.text.length);
    return { start: at, end: at };
  },
};
