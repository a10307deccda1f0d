/**
 * YAML aliases and merge keys as the Go programs that read container files see them: Kubernetes and Helm
 * (sigs.k8s.io/yaml over go-yaml v2) and Compose (compose-go over go-yaml v3).
 *
 * - An alias (`*name`) is the node of the last anchor of that name before it in its document. The YAML
 *   library resolves an alias by walking the whole document each time; `indexAliases` walks it once and
 *   `deref` answers from that index.
 * - go-yaml expands every alias while it decodes a document, and refuses a document whose expansion is
 *   mostly copies ("document contains excessive aliasing": more than 100 alias decodes, more than 1,000
 *   decodes, and a share of alias decodes above 99% up to 400,000 decodes, falling to 10% at 4,000,000),
 *   and an anchor whose value holds an alias of itself ("anchor 'x' value contains itself").
 *   `aliasProblem` counts the decodes the same way, in the same order, and stops at the first refusal,
 *   so its cost is bounded by the document's size whatever the aliases would expand to (a "billion
 *   laughs" document is refused after a few thousand steps).
 * - A merge key (`<<: *base`, `<<: [*a, *b]`, `<<: {...}`) as go-yaml v2 applies it (Kubernetes, Helm):
 *   the mapping's pairs in order, each setting its key, a merge key setting each key of the merged
 *   mapping(s) (of a list, the last first, so the first wins): whatever comes later in the mapping wins,
 *   a merge key after a key included. A merge value that is not a mapping or a list of mappings is
 *   refused ("map merge requires map or sequence of maps as the value").
 */
import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Span } from '../source.js';

/** Each alias of an indexed document, with the node it names (null: no such anchor before it). */
const targets = new WeakMap<object, Node | null>();
/** The anchored nodes some alias of an indexed document names. */
const shared = new WeakMap<object, Set<Node>>();

/**
 * Resolves every alias of `doc` once (the last anchor of the name before the alias, as YAML and go-yaml
 * do), so that `deref` is a lookup. Idempotent.
 */
export function indexAliases(doc: Document): void {
  if (shared.has(doc)) return;
  const current = new Map<string, Node>();
  const used = new Set<Node>();
  visit(doc, {
    Node(_key, node) {
      // Visited before its children: an alias inside its own anchor's node names that node (a cycle).
      if (isAlias(node)) {
        const t = current.get(node.source) ?? null;
        targets.set(node, t);
        if (t) used.add(t);
      } else if (node.anchor) current.set(node.anchor, node);
    },
  });
  shared.set(doc, used);
}

/** The node an alias names (once its document is indexed), or the node itself. */
export function deref(node: unknown): unknown {
  if (!isAlias(node)) return node;
  const t = targets.get(node);
  return t === undefined ? node : t;
}

/** The anchored nodes of `doc` that an alias names (what more than one place of the file uses). */
export function sharedNodes(doc: Document): ReadonlySet<Node> {
  indexAliases(doc);
  return shared.get(doc)!;
}

/** Whether a mapping key is YAML 1.1's merge key (`<<` plain, or tagged !!merge). */
export function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  if (typeof key.value === 'symbol') return true;
  return key.value === '<<' && (key.type === 'PLAIN' || key.tag === 'tag:yaml.org,2002:merge');
}

/** The text of a mapping key (an alias of a scalar gives that scalar's), null for a collection or the merge key. */
function keyText(key: unknown): string | null {
  const k = deref(key);
  if (!isScalar(k) || isMergeKey(k)) return null;
  return String(k.value);
}

/** One key of a mapping once go-yaml v2 has merged it. */
export interface Entry {
  /** The pair that gives the value (in the mapping itself, or in a merged one). */
  readonly pair: Pair<unknown, unknown>;
  /** The value, aliases resolved. */
  readonly value: Node | null;
  /** The value comes through a merge key. */
  readonly merged: boolean;
}

const merged = new WeakMap<object, Map<string, Entry>>();

/**
 * A mapping's keys as go-yaml v2 decodes them (Kubernetes, Helm): pairs in order, a later one winning,
 * merge keys applied where they stand. Cached per mapping; the mapping's document must be indexed and
 * checked (`aliasProblem`) first, which bounds the work and excludes cycles.
 */
export function entriesV2(map: YAMLMap, depth = 0): Map<string, Entry> {
  const cached = merged.get(map);
  if (cached) return cached;
  const out = new Map<string, Entry>();
  if (depth > 200) return out;
  for (const pair of map.items as Pair<unknown, unknown>[]) {
    if (isMergeKey(pair.key)) {
      const v = deref(pair.value);
      const sources = isSeq(v) ? [...v.items].reverse().map(deref) : [v];
      for (const src of sources) {
        if (!isMap(src)) continue;
        for (const [k, e] of entriesV2(src as YAMLMap, depth + 1)) out.set(k, { ...e, merged: true });
      }
      continue;
    }
    const k = keyText(pair.key);
    if (k === null) continue;
    out.set(k, { pair, value: (deref(pair.value) as Node | null) ?? null, merged: false });
  }
  merged.set(map, out);
  return out;
}

/** go-yaml's refusal of a document, as the reader would report it. */
export interface AliasProblem {
  readonly kind: 'excessive' | 'cycle' | 'merge';
  readonly reason: string;
  readonly span: Span | null;
}

const RANGE_LOW = 400_000;
const RANGE_HIGH = 4_000_000;

/** go-yaml's allowed share of alias decodes for a document of `decodes` decodes so far. */
function allowedAliasRatio(decodes: number): number {
  if (decodes <= RANGE_LOW) return 0.99;
  if (decodes >= RANGE_HIGH) return 0.1;
  return 0.99 - 0.89 * ((decodes - RANGE_LOW) / (RANGE_HIGH - RANGE_LOW));
}

const spanOf = (n: unknown): Span | null => {
  const r = (n as Node | null | undefined)?.range;
  return r ? { start: r[0], end: r[1] } : null;
};

/**
 * Whether go-yaml refuses `doc` for its aliases or merge keys: it decodes the document as go-yaml does
 * (each node once, an alias's node again at each alias, counting the decodes made under an alias) and
 * stops at the first refusal. `reader` names the program in the reason (`Kubernetes' YAML reader`).
 * Indexes the document's aliases.
 */
export function aliasProblem(doc: Document, reader: string): AliasProblem | null {
  indexAliases(doc);
  let decodes = 1; // the document node
  let aliased = 0;
  let depth = 0;
  const active = new Set<Node>();
  type Task = { n: unknown; merge?: boolean; leave?: Node };
  const stack: Task[] = [{ n: doc.contents }];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.leave) {
      depth--;
      active.delete(t.leave);
      continue;
    }
    const n = t.n;
    if (t.merge) {
      // A merge key's value: a mapping, an alias of one, or a list of those (the list itself is not decoded).
      const v = deref(n);
      const items = isSeq(v) ? (isAlias(n) ? null : v.items) : [n];
      const bad = items === null || items.some((i) => !isMap(deref(i)));
      if (bad) {
        return { kind: 'merge', reason: `${reader} refuses the file: a merge key (<<) takes a mapping or a list of mappings ("map merge requires map or sequence of maps as the value")`, span: spanOf(n) };
      }
      // The last of a list first: go-yaml steps backwards so that the earlier ones win.
      for (const i of items) stack.push({ n: i });
      continue;
    }
    // A pair without a value is a null scalar to go-yaml: decoded too.
    if (n === undefined) continue;
    decodes++;
    if (depth > 0) aliased++;
    if (aliased > 100 && decodes > 1000 && aliased / decodes > allowedAliasRatio(decodes)) {
      return {
        kind: 'excessive',
        reason: `YAML aliases expand the document far beyond its text (an alias bomb: ${Math.floor((aliased / decodes) * 100)}% of the first ${decodes} nodes decoded are copies made by aliases); ${reader} refuses such a document ("document contains excessive aliasing"), and mchard does not expand it`,
        span: null,
      };
    }
    if (isAlias(n)) {
      const target = targets.get(n) ?? null;
      if (target === null) continue;
      if (active.has(target)) {
        return { kind: 'cycle', reason: `${reader} refuses the file: the anchor &${n.source} holds an alias of itself ("anchor '${n.source}' value contains itself")`, span: spanOf(n) };
      }
      active.add(target);
      depth++;
      stack.push({ n: null, leave: target });
      stack.push({ n: target });
      continue;
    }
    if (isMap(n)) {
      const pairs = n.items as Pair<unknown, unknown>[];
      for (let k = pairs.length - 1; k >= 0; k--) {
        const p = pairs[k];
        if (isMergeKey(p.key)) stack.push({ n: p.value, merge: true });
        else {
          stack.push({ n: p.value ?? null });
          stack.push({ n: p.key });
        }
      }
    } else if (isSeq(n)) {
      for (let k = n.items.length - 1; k >= 0; k--) stack.push({ n: n.items[k] });
    }
  }
  return null;
}
