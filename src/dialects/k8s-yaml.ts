/**
 * What the Kubernetes and Helm dialects share: reading YAML nodes the way Kubernetes' decoder does
 * (strings where the API wants strings, the last of duplicated keys), label selectors, a container's
 * environment as the kubelet builds it, and the container's user from its security contexts.
 *
 * Kubernetes reads manifests with sigs.k8s.io/yaml (YAML 1.1 through go-yaml, then JSON into typed
 * structures): a value where the API wants a string must be a YAML string (`args: [-p, 11211]` is
 * refused: 11211 is a number), and a key given twice keeps its last value.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Span } from '../source.js';
import { scalarChars } from './compose-words.js';
import { scalarString, spanOf } from './compose.js';
import { spreadChars, valueOf, type SrcChar } from './sourced.js';
import { kubeExpand, serviceLinkVariable, type EnvBinding } from './k8s-expand.js';
import type { BitnamiArg, BitnamiStart, EnvValue } from './images/bitnami.js';
import type { ArgToken } from '../source.js';
import type { LaunchFailure } from './types.js';
import { bitnamiNote, type ContainerNote } from './container-notes.js';
import type { TokenSource } from './kubernetes.js';
import { podVerdict, type PodReachData } from './pod-reach.js';
import { deref, entriesV2 } from './yaml-graph.js';

export { spanOf };

/**
 * The value of `key` in a mapping as Kubernetes reads it: aliases resolved, merge keys applied as go-yaml
 * v2 does, the last of a repeated key (yaml-graph.ts). The document must have been checked with
 * `aliasProblem` (the dialects do it as they parse).
 */
export function field(map: unknown, key: string): Node | null {
  const m = deref(map);
  if (!isMap(m)) return null;
  return entriesV2(m as YAMLMap).get(key)?.value ?? null;
}

/** A key and its value (aliases resolved), with the pair as written (in the mapping, or in one merged into it). */
export interface KeyValue {
  readonly key: Scalar;
  readonly value: Node | null;
  readonly written: Pair<unknown, unknown>;
}

/** The pair of `key`: its value as Kubernetes reads it, and where it is written. */
export function pairOf(map: unknown, key: string): KeyValue | null {
  const m = deref(map);
  if (!isMap(m)) return null;
  const e = entriesV2(m as YAMLMap).get(key);
  return e ? { key: e.pair.key as Scalar, value: e.value, written: e.pair } : null;
}

/** Whether `key`'s value comes to the mapping through a merge key (`<<: *base`). */
export function isMerged(map: unknown, key: string): boolean {
  const m = deref(map);
  return isMap(m) && entriesV2(m as YAMLMap).get(key)?.merged === true;
}

/** A pair's text: from its key to the end of its value. */
export function pairSpan(kv: Pair<unknown, unknown> | KeyValue | null): Span | null {
  if (!kv) return null;
  // As written: an alias value spans the alias (`runAsUser: *uid`), not the anchor's text elsewhere.
  const pair = 'written' in kv ? kv.written : kv;
  const k = spanOf(pair.key);
  const v = spanOf(pair.value);
  if (!k) return v;
  return { start: k.start, end: v ? v.end : k.end };
}

/** A YAML string's value; null for anything else (a number, a boolean, null, a collection). */
export function str(node: unknown): string | null {
  return isScalar(node) && typeof node.value === 'string' ? node.value : null;
}

/** A scalar's value as text, whatever its type (for names and messages). */
export const scalarText = scalarString;

/** An integer value (a YAML int, or a string of digits where Kubernetes accepts an IntOrString). */
export function intOf(node: unknown): number | null {
  if (!isScalar(node)) return null;
  if (typeof node.value === 'number' && Number.isInteger(node.value)) return node.value;
  return null;
}

/** A boolean value; null when absent or not a boolean. */
export function boolOf(node: unknown): boolean | null {
  return isScalar(node) && typeof node.value === 'boolean' ? node.value : null;
}

/** The characters of a string scalar, each with its place in the file (a multi-line one: the whole scalar). */
export function charsOf(node: Scalar, text: string): SrcChar[] {
  const range = spanOf(node)!;
  return scalarChars(text, range, String(node.type ?? 'PLAIN'), typeof node.value === 'string' ? node.value : String(node.value ?? ''));
}

/** A mapping of strings (labels, a Service selector); null when the node is not a mapping. */
export function stringMap(node: unknown): Record<string, string> | null {
  const m = deref(node);
  if (!isMap(m)) return null;
  const out: Record<string, string> = {};
  for (const [k, e] of entriesV2(m as YAMLMap)) {
    const v = scalarText(e.value);
    if (v !== null) out[k] = v;
  }
  return out;
}

/** A list's items, aliases resolved (an alias of a list gives that list's items). */
export function seqItems(node: unknown): Node[] {
  const s = deref(node);
  return isSeq(s) ? ((s as YAMLSeq).items as unknown[]).map((i) => deref(i) as Node) : [];
}

/**
 * Whether a LabelSelector (`matchLabels`, `matchExpressions`) selects a pod with these labels. An empty
 * selector selects every pod; null: the selector is not one mchard can read.
 */
export function selects(selector: unknown, labels: Readonly<Record<string, string>>): boolean | null {
  if (selector === null || selector === undefined) return true;
  if (!isMap(selector)) return null;
  const match = stringMap(field(selector, 'matchLabels')) ?? {};
  for (const [k, v] of Object.entries(match)) if (labels[k] !== v) return false;
  for (const expr of seqItems(field(selector, 'matchExpressions'))) {
    const key = scalarText(field(expr, 'key'));
    const op = scalarText(field(expr, 'operator'));
    const values = seqItems(field(expr, 'values')).map(scalarText);
    if (key === null || op === null) return null;
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    if (op === 'In' && !(has && values.includes(labels[key]))) return false;
    if (op === 'NotIn' && has && values.includes(labels[key])) return false;
    if (op === 'Exists' && !has) return false;
    if (op === 'DoesNotExist' && has) return false;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) return null;
  }
  return true;
}

/** A selector for people: `app=web, tier in (a, b)`; `{}` selects everything. */
export function describeSelector(selector: unknown): string {
  if (!isMap(selector)) return 'any';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(stringMap(field(selector, 'matchLabels')) ?? {})) parts.push(`${k}=${v}`);
  for (const expr of seqItems(field(selector, 'matchExpressions'))) {
    const key = scalarText(field(expr, 'key'));
    const op = scalarText(field(expr, 'operator'));
    const values = seqItems(field(expr, 'values')).map(scalarText);
    parts.push(op === 'Exists' ? `${key}` : op === 'DoesNotExist' ? `!${key}` : `${key} ${op === 'In' ? 'in' : 'notin'} (${values.join(', ')})`);
  }
  return parts.join(', ');
}

// ---- the container's environment ----

/** One `env` entry as written. */
export interface EnvEntry {
  readonly name: string;
  /** The value's characters (a YAML string), or null when the entry has none (`valueFrom`, or nothing). */
  readonly chars: readonly SrcChar[] | null;
  /** `value:`'s node, for the editor. */
  readonly valueNode: Scalar | null;
  /** For a `valueFrom`: what it reads, for people (`secretKeyRef memcached/password`). */
  readonly from: string | null;
  /** The whole entry. */
  readonly span: Span | null;
  /** The entry's node (null for an entry a chart's template writes). */
  readonly node: Node | null;
}

export interface EnvProblem {
  readonly reason: string;
  readonly span: Span | null;
}

/** What a `valueFrom` reads, for people. */
function describeValueFrom(node: unknown): string {
  const ref = (k: string) => field(node, k);
  const f = ref('fieldRef');
  if (f) {
    const path = scalarText(field(f, 'fieldPath')) ?? '?';
    const what: Record<string, string> = { 'status.podIP': "the pod's address", 'status.podIPs': "the pod's addresses", 'status.hostIP': "the node's address", 'spec.nodeName': "the node's name", 'metadata.name': "the pod's name" };
    return `fieldRef ${path}${what[path] ? ` (${what[path]})` : ''}`;
  }
  for (const k of ['secretKeyRef', 'configMapKeyRef']) {
    const r = ref(k);
    if (r) return `${k} ${scalarText(field(r, 'name')) ?? '?'}/${scalarText(field(r, 'key')) ?? '?'}`;
  }
  const r = ref('resourceFieldRef');
  if (r) return `resourceFieldRef ${scalarText(field(r, 'resource')) ?? '?'}`;
  return 'valueFrom';
}

/**
 * A container's `env` list as written. Kubernetes refuses the object when a value is not a string (an
 * unquoted number or boolean) or an entry has no name: that is the problem returned.
 */
export function readEnv(node: unknown, text: string): { entries: EnvEntry[]; problem: EnvProblem | null } {
  const entries: EnvEntry[] = [];
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return { entries, problem: null };
  if (!isSeq(node)) return { entries, problem: { reason: 'Kubernetes refuses the object: env must be a list', span: spanOf(node) } };
  for (const item of seqItems(node)) {
    const span = spanOf(item);
    if (!isMap(item)) return { entries, problem: { reason: 'Kubernetes refuses the object: each env entry must be a mapping with a name', span } };
    const name = str(field(item, 'name'));
    if (name === null) return { entries, problem: { reason: 'Kubernetes refuses the object: an env entry has no name (or a name that is not a string)', span } };
    const v = field(item, 'value');
    const vf = field(item, 'valueFrom');
    if (v !== null && !(isScalar(v) && (typeof v.value === 'string' || v.value === null))) {
      return { entries, problem: { reason: `Kubernetes refuses the object: env ${name}'s value ${text.slice(spanOf(v)!.start, spanOf(v)!.end)} is not a string (quote it)`, span: spanOf(v) } };
    }
    const hasValue = v !== null && isScalar(v) && typeof v.value === 'string';
    entries.push({
      name,
      chars: hasValue ? charsOf(v as Scalar, text) : vf ? null : [],
      valueNode: hasValue ? (v as Scalar) : null,
      from: !hasValue || (v as Scalar).value === '' ? (vf ? describeValueFrom(vf) : null) : null,
      span,
      node: item,
    });
  }
  return { entries, problem: null };
}

/** An `envFrom` source, for people: `configMapRef memcached-env`, with its prefix. */
export function readEnvFrom(node: unknown): { what: string; span: Span | null }[] {
  return seqItems(node).map((item) => {
    const cm = field(item, 'configMapRef');
    const sec = field(item, 'secretRef');
    const prefix = scalarText(field(item, 'prefix'));
    const name = scalarText(field(cm ?? sec, 'name')) ?? '?';
    return { what: `envFrom ${cm ? 'configMapRef' : sec ? 'secretRef' : 'source'} ${name}${prefix ? ` (prefix ${prefix})` : ''}`, span: spanOf(item) };
  });
}

/** The container's environment once the kubelet has built it, for `$(VAR)` in `command`/`args` and for an image's start script. */
export interface Environment {
  readonly lookup: (name: string) => EnvBinding | undefined;
  readonly maybe: (name: string) => string | null;
  /** Each variable as the image sees it (Bitnami's model). */
  readonly values: ReadonlyMap<string, EnvValue>;
  /** Where the variables the file does not show may come from. */
  readonly otherSources: readonly { what: string; span: Span | null }[];
}

/**
 * The kubelet's environment for a container: the `envFrom` sources first (unknown to the file), then
 * each `env` entry in order, its `$(VAR)` references expanded against the sources, the entries above it
 * and the Service link variables; an entry with an empty value and a `valueFrom` takes a value the file
 * does not show. A later entry of the same name wins.
 */
export function buildEnvironment(entries: readonly EnvEntry[], envFrom: readonly { what: string; span: Span | null }[], serviceLinks: boolean): Environment {
  const bindings = new Map<string, EnvBinding>();
  const values = new Map<string, EnvValue>();
  const from = envFrom.map((e) => e.what).join(', ');
  const maybe = (name: string): string | null => {
    if (envFrom.length) return `${from} may set it`;
    if (serviceLinkVariable(name, serviceLinks)) return 'the kubelet sets it for a Service of the namespace when one has that name';
    return null;
  };
  for (const e of entries) {
    let b: EnvBinding;
    if (e.chars !== null && e.chars.length > 0) {
      const x = kubeExpand(e.chars, (n) => bindings.get(n), maybe);
      b = { kind: 'value', chars: x.chars };
    } else if (e.from !== null) {
      b = { kind: 'unknown', why: `set from ${e.from}, which the file does not show` };
    } else {
      b = { kind: 'value', chars: [] };
    }
    bindings.set(e.name, b);
    values.set(
      e.name,
      b.kind === 'value'
        ? { chars: b.chars, span: e.span, ...(b.chars.find((c) => c.dep) ? { dep: b.chars.find((c) => c.dep)!.dep } : {}) }
        : { chars: null, text: `$(${e.name})`, why: b.why, span: e.span },
    );
  }
  return { lookup: (n) => bindings.get(n), maybe, values, otherSources: envFrom };
}

/** A list of strings (`command`, `args`) as Kubernetes reads it: each item a YAML string, then expanded. */
export function readWords(node: unknown, key: string, text: string, env: Environment): { words: { chars: SrcChar[]; node: Scalar }[]; problem: EnvProblem | null } {
  const words: { chars: SrcChar[]; node: Scalar }[] = [];
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return { words, problem: null };
  if (!isSeq(node)) return { words, problem: { reason: `Kubernetes refuses the object: ${key} must be a list of strings`, span: spanOf(node) } };
  for (const item of seqItems(node)) {
    if (!isScalar(item) || typeof item.value !== 'string') {
      const sp = spanOf(item);
      return { words, problem: { reason: `Kubernetes refuses the object: ${key} item ${sp ? text.slice(sp.start, sp.end) : '?'} is not a string (quote it)`, span: sp } };
    }
    const x = kubeExpand(charsOf(item, text), env.lookup, env.maybe);
    words.push({ chars: x.chars, node: item });
  }
  return { words, problem: null };
}

/** The characters of a value the file does not show, kept as written with why. */
export function unknownChars(text: string, span: Span | null, why: string): SrcChar[] {
  return spreadChars(text, span, why);
}

/** The reading of a file its reader refuses as a whole (invalid YAML, no memcached): a parse-error note, no argv. */
export function refusedReading(reason: string, span: Span | null): { argv: []; argvExact: true; launchFailure: LaunchFailure; notes: ContainerNote[] } {
  return { argv: [], argvExact: true, launchFailure: { exitCode: -1, reason, span }, notes: [{ kind: 'parse-error', span: span ?? { start: 0, end: 0 }, message: reason }] };
}

/** What a container of Bitnami's image gives memcached, as a dialect records it. */
export interface BitnamiReading {
  readonly argv: BitnamiArg[];
  readonly sources: TokenSource[];
  readonly launchFailure: LaunchFailure | null;
  readonly argvUnknown: string | null;
  readonly startsAs: string | undefined;
  readonly notes: ContainerNote[];
}

/**
 * A start of Bitnami's image (images/bitnami.ts) as the Kubernetes and Helm dialects record it: the vector
 * with where each argument comes from (`programSources`: the place of each word of the container's
 * program), the image's refusal, what stays unknown, SASL left undecided, what the image ignores (MC903),
 * and the user. `title` names the container for messages.
 */
export function readBitnamiStart(start: Extract<BitnamiStart, { runs: 'memcached' }>, title: string, anchor: Span, programSources: readonly TokenSource[]): BitnamiReading {
  const notes: ContainerNote[] = [];
  // The program's words memcached gets are those after its first (run.sh or memcached); all of them when
  // the image refuses the command before running it.
  const fromCommand = start.argv.filter((a) => a.from.kind === 'command').length;
  let word = fromCommand === programSources.length ? 0 : 1;
  const sources = start.argv.map((a): TokenSource => (a.from.kind === 'env' ? { kind: 'env', name: a.from.name } : a.from.kind === 'command' ? (programSources[word++] ?? { kind: 'script' }) : { kind: 'script' }));
  let launchFailure: LaunchFailure | null = null;
  if (start.failure) {
    launchFailure = { exitCode: start.failure.exitCode ?? -1, reason: start.failure.reason, span: start.failure.span };
    notes.push({ kind: 'image-refuses', span: start.failure.span ?? anchor, message: start.failure.reason });
  }
  let argvUnknown: string | null = null;
  if (start.argvUnknown) {
    const u = start.unknown.find((x) => x.span) ?? start.unknown[0];
    argvUnknown = `${title}: ${start.argvUnknown}`;
    notes.push({ kind: 'unknown-variable', span: u?.span ?? anchor, message: argvUnknown });
  }
  if (start.sasl.on === null) notes.push({ kind: 'auth-unknown', span: start.sasl.span ?? anchor, message: start.sasl.why });
  for (const n of start.notes) notes.push(bitnamiNote(n, n.span ?? anchor));
  notes.push({
    kind: 'starts-as',
    span: start.userSpan ?? anchor,
    message: start.startsAs === null ? `the user memcached runs as is unknown: ${start.userWhy}` : start.startsAs === 'root' ? start.userWhy : `${start.userWhy}: memcached is not root and ignores -u`,
    user: start.startsAs,
  });
  return { argv: [...start.argv], sources, launchFailure, argvUnknown, startsAs: start.startsAs ?? undefined, notes };
}

/**
 * When memcached's options are unknown, what the file publishes is still known: the reason, completed with
 * where memcached would be reachable if it listens on `port` (only when that is the node network or beyond
 * the cluster), also in the note that carries the reason.
 */
export function withExposure(argvUnknown: string, reach: PodReachData, port: number, notes: ContainerNote[]): string {
  const v = podVerdict(reach, [{ transport: 'tcp', port }]);
  if (!v || (v.verdict !== 'node-network' && v.verdict !== 'beyond-cluster')) return argvUnknown;
  const said = `${argvUnknown}. If it listens on ${port === 11211 ? 'the default port 11211' : `port ${port}`}: memcached is ${v.where.replace(/^and /, '')}`;
  for (let k = notes.length - 1; k >= 0; k--) {
    if (['delegated', 'other-program', 'unknown-variable'].includes(notes[k].kind)) {
      notes[k] = { ...notes[k], message: said };
      break;
    }
  }
  return said;
}

/** Where an option that is not in the file goes: after the last argument a list item gives, else after the image. */
export function insertionAfterItems(argv: readonly ArgToken[], sources: readonly TokenSource[] | undefined, fallback: number): Span {
  let last: ArgToken | null = null;
  argv.forEach((t, i) => {
    if (sources?.[i]?.kind === 'item' && t.span) last = t;
  });
  const at = last ? (last as ArgToken).span!.end : fallback;
  return { start: at, end: at };
}

export { valueOf };
