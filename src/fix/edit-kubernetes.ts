/**
 * Fix intents → edits of a Kubernetes manifest's memcached container, or of the values of Bitnami's
 * memcached chart, in the file's own YAML:
 * - memcached's options in `command`/`args` (one argument per list item): items are replaced, removed or
 *   added one by one, in the style of their neighbours, keeping every comment and the layout; a container
 *   of the official image with no `args` gets an `args:` list after its `image:` line (the entrypoint
 *   prepends memcached to options);
 * - Bitnami's image: the image's variables in the container's `env` (the chart's `extraEnvVars`):
 *   `MEMCACHED_EXTRA_FLAGS` word by word and the variables run.sh turns into `-p`, `-l`, `-m`, `-c`,
 *   `-t`, `-I` (planned as for Compose, edit-compose-env.ts), a value replaced in its own scalar, an entry
 *   removed or added in the list's form;
 * - an item or value the kubelet expands from `$(VAR)`, a flow collection holding a comment, an item that
 *   shares its line with other text: refused, not guessed.
 * Never `-l 127.0.0.1` (the exposure rules offer no such fix in a pod: it would cut memcached off from
 * every client); who may connect is changed with a Service or a NetworkPolicy, which mchard suggests
 * (inspect) and does not write. The result is read again: memcached must get exactly the intended
 * arguments, and every document must mean what it meant apart from the edited list or variables.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, type Document, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { SourceText, type ArgToken } from '../source.js';
import type { KubeConfig, TokenSource } from '../dialects/kubernetes.js';
import type { HelmConfig } from '../dialects/helm.js';
import { dialectOf } from '../dialects/index.js';
import type { BitnamiArg } from '../dialects/images/bitnami.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { FixIntent } from '../engine/types.js';
import { applyEdits, dominantEol, lineEndAt, lineStartAt, type CharEdit, type LineInsert } from './text-edit.js';
import { sameWords } from './words.js';
import { attempt, CannotEdit, mergeDeletions } from './word-edits.js';
import { expectedOf, planWords } from './list-words.js';
import { checkOptionsApplied, planBitnamiVariables } from './edit-compose-env.js';
import type { BatchLabel, EditAttempt, EditSession } from './types.js';
import { sharedNodes } from '../dialects/yaml-graph.js';
import { field, seqItems } from '../dialects/k8s-yaml.js';

type Style = 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'PLAIN';

/**
 * A list item or env value in a YAML style Kubernetes reads back as exactly `word`, a string (YAML 1.1,
 * as go-yaml reads it: `y`, `on`, digits would not be strings). `$` is doubled: the kubelet expands
 * `$(VAR)` in these values, and `$$` is its escape.
 */
export function encodeK8sString(word: string, style: Style | string | undefined): string {
  const escaped = word.replace(/\$/g, '$$$$');
  if (style === 'PLAIN' && /^-{1,2}[A-Za-z][A-Za-z0-9_-]*$/.test(escaped)) return escaped;
  if (style === 'QUOTE_SINGLE' && !/[\x00-\x1f]/.test(escaped)) return `'${escaped.replace(/'/g, "''")}'`;
  return JSON.stringify(escaped);
}

/** An `env` entry and its value scalar (null when it has no plain `value:`). */
interface EnvEntry {
  readonly entry: Node | null;
  readonly value: Scalar | null;
}

/** What the editor needs of either dialect's reading. */
interface Target {
  readonly kind: 'kubernetes' | 'helm';
  readonly config: KubeConfig | HelmConfig;
  readonly argv: readonly ArgToken[];
  readonly sources: readonly TokenSource[];
  readonly via: 'command' | 'official' | 'bitnami' | 'unknown';
  /** The mapping that holds the lists and `env` (the container, or the chart's values). */
  readonly holder: YAMLMap;
  readonly command: Node | null;
  readonly args: Node | null;
  readonly argsKey: string;
  readonly env: Node | null;
  readonly envKey: string;
  /** The variables Bitnami's script reads, as the file sets them. */
  readonly envValues: ReadonlyMap<string, EnvEntry>;
}

function targetOf(config: KubeConfig | HelmConfig): Target {
  if (config.dialect === 'kubernetes') {
    const w = config.workload;
    if (!w) throw new CannotEdit('no workload of the file runs memcached');
    return {
      kind: 'kubernetes',
      config,
      argv: config.argv,
      sources: w.sources,
      via: w.via,
      holder: w.container,
      command: w.command,
      args: w.args,
      argsKey: 'args',
      env: w.env,
      envKey: 'env',
      envValues: envEntries(w.env),
    };
  }
  const v = config.values;
  if (!v) throw new CannotEdit("the file holds no values of Bitnami's memcached chart");
  return {
    kind: 'helm',
    config,
    argv: config.argv,
    sources: v.sources,
    via: 'bitnami',
    holder: v.node,
    command: v.command,
    args: v.args,
    argsKey: v.argsKey,
    env: v.env,
    envKey: v.envKey,
    envValues: envEntries(v.env),
  };
}

/** An `env` list's entries by name (the last of a repeated name), with the value scalar to edit. */
function envEntries(node: Node | null): Map<string, EnvEntry> {
  const out = new Map<string, EnvEntry>();
  // As the reader takes them: aliases resolved, merge keys applied.
  for (const item of seqItems(node)) {
    if (!isMap(item)) continue;
    const name = field(item, 'name');
    if (!isScalar(name) || typeof name.value !== 'string') continue;
    const value = field(item, 'value');
    out.set(name.value, { entry: item, value: value && isScalar(value) ? value : null });
  }
  return out;
}

export function editKubernetes({ config, model, intents, label }: EditSession<KubeConfig | HelmConfig>): EditAttempt {
  return attempt(() => build(config, model, intents, label));
}

const range = (n: unknown): [number, number, number] | null => ((n as Node | null)?.range as [number, number, number] | undefined) ?? null;

function build(config: KubeConfig | HelmConfig, model: MemcachedModel, intents: readonly FixIntent[], label: BatchLabel) {
  const text = config.source.text;
  const eol = dominantEol(text);
  // mchard's own comments (an unused suppression): removed with their line when they are the whole line.
  const drops = intents.filter((i): i is Extract<FixIntent, { kind: 'drop-text' }> => i.kind === 'drop-text');
  if (drops.length) {
    if (drops.length !== intents.length) throw new CannotEdit('mixed edits');
    const edits: CharEdit[] = drops.map((d) => {
      const ls = lineStartAt(text, d.span.start);
      const le = lineEndAt(text, d.span.end);
      return /^[ \t]*$/.test(text.slice(ls, d.span.start)) && /^[ \t]*\r?\n?$/.test(text.slice(d.span.end, le)) ? { start: ls, end: le, text: '' } : { start: d.span.start, end: d.span.end, text: '' };
    });
    return applyEdits(text, mergeDeletions(edits), [], eol);
  }
  if (config.launchFailure) throw new CannotEdit(`memcached does not start from this file as it is: ${config.launchFailure.reason}`);
  if (config.argvUnknown) throw new CannotEdit(config.argvUnknown);
  const t = targetOf(config);
  if (t.via === 'bitnami') return buildBitnami(t, model, intents, label);
  if (t.via !== 'command' && t.via !== 'official') throw new CannotEdit("the file does not decide memcached's options");

  const plan = planWords(t, model, intents, { format: 'Kubernetes manifests', place: `the container's ${t.argsKey}` });
  const expected = expectedOf(t, plan);
  if (sameWords(expected, t.argv.map((a) => a.value))) return applyEdits(text, [], [], eol);
  const edits: CharEdit[] = [];
  const inserts: LineInsert[] = [];
  const listOf = (s: TokenSource) => (s.kind === 'item' ? (s.list === 'command' ? t.command : t.args) : null);
  const itemOf = (i: number): { seq: YAMLSeq; item: Scalar; index: number } => {
    const s = t.sources[i];
    const seq = s ? listOf(s) : null;
    if (!s || s.kind !== 'item' || !isSeq(seq)) throw new CannotEdit('the option is not an item of the container\'s command or args');
    const item = seq.items[s.index] as Scalar;
    const tok = t.argv[i];
    const r = range(item)!;
    // An item the kubelet expands ($(VAR), $$) is not the word it shows: not rewritten.
    if (tok.note || text.slice(r[0], r[1]).includes('$')) throw new CannotEdit(`the item ${text.slice(r[0], r[1])} is expanded by the kubelet ($(VAR)); mchard does not rewrite it`);
    return { seq, item, index: s.index };
  };
  const styleOf = (item: Scalar): Style => (item.type === 'QUOTE_SINGLE' || item.type === 'PLAIN' ? item.type : 'QUOTE_DOUBLE');

  for (const [i, v] of plan.set) {
    const { seq, item, index } = itemOf(i);
    const r = range(item)!;
    if (v !== null) {
      edits.push({ start: r[0], end: r[1], text: encodeK8sString(v, styleOf(item)) });
      continue;
    }
    if (seq.flow) {
      const body = text.slice(range(seq)![0], range(seq)![1]);
      if (body.includes('#')) throw new CannotEdit(`the ${t.argsKey} list holds a comment; mchard does not rewrite it`);
      const next = seq.items[index + 1] as Node | undefined;
      if (next) edits.push({ start: r[0], end: range(next)![0], text: '' });
      else {
        const prev = seq.items[index - 1] as Node | undefined;
        edits.push({ start: prev ? range(prev)![1] : range(seq)![0] + 1, end: r[1], text: '' });
      }
      continue;
    }
    const ls = lineStartAt(text, r[0]);
    const le = lineEndAt(text, r[1]);
    if (!/^[ \t]*-[ \t]+$/.test(text.slice(ls, r[0])) || !/^[ \t]*\r?\n?$/.test(text.slice(r[1], le))) {
      throw new CannotEdit(`the item ${text.slice(r[0], r[1])} shares its line with other text (a comment); mchard does not remove it`);
    }
    edits.push({ start: ls, end: le, text: '' });
  }
  for (const [i, words] of plan.after) {
    addWords(t, i, words, edits, inserts, label);
  }
  refuseShared(t, edits, inserts);
  const output = applyEdits(text, mergeDeletions(edits), inserts, eol);
  check(t, output.text, { expected });
  return output;
}

/** New words after argv index `i` (-1: before the first), in the list that holds that word (or a new `args:`). */
function addWords(t: Target, i: number, words: string[], edits: CharEdit[], inserts: LineInsert[], label: BatchLabel): void {
  const text = t.config.source.text;
  const anchorIndex = i >= 0 ? i : t.argv.length > 0 ? 0 : -1;
  const s = anchorIndex >= 0 ? t.sources[anchorIndex] : null;
  if (s && s.kind === 'item') {
    const seq = (s.list === 'command' ? t.command : t.args) as YAMLSeq;
    const item = seq.items[s.index] as Scalar;
    const r = range(item)!;
    // The list's own style: plain when any item is (options stay plain, digits get quotes), else its quotes.
    const styles = (seq.items as Scalar[]).map((x) => x.type);
    const style: Style = styles.includes('PLAIN') ? 'PLAIN' : styles.includes('QUOTE_SINGLE') ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
    if (seq.flow) {
      const body = text.slice(range(seq)![0], range(seq)![1]);
      if (body.includes('#')) throw new CannotEdit(`the ${s.list} list holds a comment; mchard does not rewrite it`);
      const enc = words.map((w) => encodeK8sString(w, style)).join(', ');
      if (i < 0) edits.push({ start: r[0], end: r[0], text: `${enc}, ` });
      else edits.push({ start: r[1], end: r[1], text: `, ${enc}` });
      return;
    }
    const ls = lineStartAt(text, r[0]);
    const prefix = text.slice(ls, r[0]);
    if (!/^[ \t]*-[ \t]+$/.test(prefix)) throw new CannotEdit(`the ${s.list} items do not start their own lines`);
    const lines = words.map((w) => `${prefix}${encodeK8sString(w, style)}`);
    inserts.push({ at: Math.min(i < 0 ? ls : lineEndAt(text, r[1]), text.length), lines });
    return;
  }
  // No word of the file to put them next to.
  if (t.via === 'command') {
    // `command: [memcached]`: after the program.
    const seq = t.command as YAMLSeq;
    const first = seq.items[0] as Scalar;
    const r = range(first)!;
    if (seq.flow) {
      edits.push({ start: r[1], end: r[1], text: `, ${words.map((w) => encodeK8sString(w, 'QUOTE_DOUBLE')).join(', ')}` });
      return;
    }
    const prefix = text.slice(lineStartAt(text, r[0]), r[0]);
    if (!/^[ \t]*-[ \t]+$/.test(prefix)) throw new CannotEdit('the command items do not start their own lines');
    inserts.push({ at: Math.min(lineEndAt(text, r[1]), text.length), lines: words.map((w) => `${prefix}${encodeK8sString(w, 'QUOTE_DOUBLE')}`) });
    return;
  }
  // The official image with no args (or `args: []`): a new list.
  const list = `[${words.map((w) => encodeK8sString(w, 'QUOTE_DOUBLE')).join(', ')}]`;
  const args = t.args;
  if (args && isSeq(args) && args.items.length === 0 && args.flow) {
    const r = range(args)!;
    edits.push({ start: r[0], end: r[1], text: list });
    return;
  }
  if (args && !(isScalar(args) && args.value === null)) throw new CannotEdit('the container has an args: mchard cannot add to');
  if (t.holder.flow) throw new CannotEdit('the container is a flow mapping ({...}); mchard does not add keys to it');
  const pairs = t.holder.items as { key: Node; value: Node | null }[];
  const firstKey = range(pairs[0]?.key);
  if (!firstKey) throw new CannotEdit('the container has no key to align args: with');
  const indent = ' '.repeat(firstKey[0] - lineStartAt(text, firstKey[0]));
  if (args) {
    // `args:` with no value.
    const r = range(args)!;
    edits.push({ start: r[0], end: r[0], text: ` ${list}` });
    return;
  }
  const anchor = pairs.find((p) => isScalar(p.key) && (p.key as Scalar).value === 'image') ?? pairs[pairs.length - 1];
  const end = range(anchor.value)?.[1] ?? range(anchor.key)![1];
  if (/[\r\n]/.test(text.slice(range(anchor.key)![0], end))) throw new CannotEdit('the line to add args: after is not a one-line key');
  inserts.push({ at: Math.min(lineEndAt(text, end), text.length), lines: [`${indent}${t.argsKey}: ${list}  # mchard: added ${t.argsKey}: (${label.ruleId})`] });
}

/**
 * Edits inside a node that an alias names (`&base` used as `*base` or `<<: *base`) would change every place
 * that uses it, not only this container: refused, naming the anchor.
 */
function refuseShared(t: Target, edits: readonly CharEdit[], inserts: readonly LineInsert[]): void {
  for (const d of documentsOf(t.config)) {
    for (const node of sharedNodes(d)) {
      const r = range(node);
      if (!r) continue;
      const collection = isMap(node) || isSeq(node);
      const hit =
        edits.some((e) => (e.end > e.start ? e.start < r[1] && e.end > r[0] : collection ? e.start >= r[0] && e.start <= r[1] : e.start > r[0] && e.start < r[1])) ||
        inserts.some((i) => (collection ? i.at > r[0] && i.at <= r[2] : i.at > r[0] && i.at < r[1]));
      if (hit) {
        throw new CannotEdit(
          `the value to change is written at the anchor &${node.anchor}, which other places of the file use (*${node.anchor}${t.kind === 'kubernetes' ? ', or <<: *' + node.anchor : ''}); changing it there would change them all, so mchard does not edit it (write the value in this container instead)`,
        );
      }
    }
  }
}

/** Bitnami's image: the variables of the container's env (the chart's extraEnvVars). */
function buildBitnami(t: Target, model: MemcachedModel, intents: readonly FixIntent[], label: BatchLabel) {
  const text = t.config.source.text;
  const eol = dominantEol(text);
  const extra = t.envValues.get('MEMCACHED_EXTRA_FLAGS');
  const where = { command: t.argsKey, file: t.envKey, kind: t.kind === 'helm' ? 'Helm values' : 'Kubernetes manifests' };
  const extraChars = extra?.value ? [...String(extra.value.value ?? '')].map((ch) => ({ ch, span: null })) : null;
  const setVars = planBitnamiVariables(t.argv as readonly BitnamiArg[], extraChars, model, intents, where);
  if (setVars.size === 0) return applyEdits(text, [], [], eol);
  const edits: CharEdit[] = [];
  const inserts: LineInsert[] = [];
  const added: [string, string][] = [];
  for (const [name, value] of setVars) {
    const v = t.envValues.get(name);
    if (!v) {
      if (value === null) continue;
      // A variable only the chart or the script sets (MEMCACHED_PORT_NUMBER from containerPorts): not here.
      const fixedByChart = t.kind === 'helm' && ['MEMCACHED_PORT_NUMBER', 'MEMCACHED_USERNAME', 'MEMCACHED_PASSWORD'].includes(name);
      if (fixedByChart) throw new CannotEdit(`${name} is written by the chart's template (containerPorts, auth); change that value instead`);
      added.push([name, value]);
      continue;
    }
    const r = range(v.value);
    if (v.value && r && /\$/.test(text.slice(r[0], r[1]))) throw new CannotEdit(`${name}'s value is expanded by the kubelet ($(VAR)); mchard does not rewrite it`);
    // MEMCACHED_EXTRA_FLAGS left with no word keeps its entry, empty (run.sh passes nothing for an empty
    // value): a later fix of the same run writes its words there, next to the file's own comments.
    if (value === null && name === 'MEMCACHED_EXTRA_FLAGS' && v.value && r && !/[\r\n]/.test(text.slice(r[0], r[1]))) {
      edits.push({ start: r[0], end: r[1], text: '""' });
      continue;
    }
    if (value === null) {
      const er = range(v.entry)!;
      const ls = lineStartAt(text, er[0]);
      const le = lineEndAt(text, er[1] - 1);
      if (!/^[ \t]*-[ \t]+$/.test(text.slice(ls, er[0]))) throw new CannotEdit(`the env entry ${name} does not start its own line; mchard does not remove it`);
      if (/#/.test(text.slice(er[0], le))) throw new CannotEdit(`the env entry ${name} holds a comment; mchard does not remove it`);
      edits.push({ start: ls, end: le, text: '' });
      continue;
    }
    if (!v.value || !r || /[\r\n]/.test(text.slice(r[0], r[1]))) throw new CannotEdit(`${name}'s value is not a one-line string; mchard does not rewrite it`);
    edits.push({ start: r[0], end: r[1], text: encodeK8sString(value, v.value.type) });
  }
  if (added.length) addEnvEntries(t, added, edits, inserts, label);
  refuseShared(t, edits, inserts);
  const output = applyEdits(text, mergeDeletions(edits), inserts, eol);
  check(t, output.text, { setVars, intents, model });
  return output;
}

/** New `- name: X` / `value: "..."` entries after the last of the env list (or a new `env:` key). */
function addEnvEntries(t: Target, added: [string, string][], edits: CharEdit[], inserts: LineInsert[], label: BatchLabel): void {
  const text = t.config.source.text;
  const note = `  # mchard: added (${label.ruleId})`;
  const env = t.env;
  if (env && isSeq(env) && env.items.length > 0) {
    if (env.flow) throw new CannotEdit(`${t.envKey} is a flow list ([...]); mchard does not add entries to it`);
    const first = env.items[0] as YAMLMap;
    const last = env.items[env.items.length - 1] as Node;
    const fr = range(first)!;
    const prefix = text.slice(lineStartAt(text, fr[0]), fr[0]);
    if (!/^[ \t]*-[ \t]+$/.test(prefix)) throw new CannotEdit(`the ${t.envKey} entries do not start their own lines`);
    const inner = ' '.repeat(prefix.length);
    const lines = added.flatMap(([n, v]) => [`${prefix}name: ${n}${note}`, `${inner}value: ${encodeK8sString(v, 'QUOTE_DOUBLE')}`]);
    inserts.push({ at: Math.min(lineEndAt(text, range(last)![1] - 1), text.length), lines });
    return;
  }
  if (env && isSeq(env) && env.flow) {
    const r = range(env)!;
    edits.push({ start: r[0], end: r[1], text: `[${added.map(([n, v]) => `{name: ${n}, value: ${encodeK8sString(v, 'QUOTE_DOUBLE')}}`).join(', ')}]` });
    return;
  }
  if (env && !(isScalar(env) && env.value === null)) throw new CannotEdit(`the ${t.envKey} value is not a list`);
  if (t.holder.flow) throw new CannotEdit('the mapping is a flow mapping ({...}); mchard does not add keys to it');
  const pairs = t.holder.items as { key: Node; value: Node | null }[];
  const firstKey = range(pairs[0]?.key);
  if (!firstKey) throw new CannotEdit(`no key to align ${t.envKey}: with`);
  const indent = ' '.repeat(firstKey[0] - lineStartAt(text, firstKey[0]));
  const entryLines = added.flatMap(([n, v]) => [`${indent}  - name: ${n}${note}`, `${indent}    value: ${encodeK8sString(v, 'QUOTE_DOUBLE')}`]);
  if (env) {
    inserts.push({ at: Math.min(lineEndAt(text, range(env)![0]), text.length), lines: entryLines });
    return;
  }
  const anchor = pairs.find((p) => isScalar(p.key) && (p.key as Scalar).value === 'image') ?? pairs[pairs.length - 1];
  const lastLine = isScalar(anchor.value) || anchor.value === null ? (range(anchor.value)?.[1] ?? range(anchor.key)![1]) : null;
  if (lastLine === null || /[\r\n]/.test(text.slice(range(anchor.key)![0], lastLine))) {
    // After a nested mapping (the chart's `image:`): at its end.
    const end = range(anchor.value)![2] ?? range(anchor.value)![1];
    inserts.push({ at: Math.min(text[end - 1] === '\n' ? end : lineEndAt(text, end), text.length), lines: [`${indent}${t.envKey}:`, ...entryLines] });
    return;
  }
  inserts.push({ at: Math.min(lineEndAt(text, lastLine), text.length), lines: [`${indent}${t.envKey}:`, ...entryLines] });
}

/** The documents as Kubernetes (or helm) reads them, without the edited lists and variables of the target. */
function meaning(t: Target, documents: readonly Document[], holderPath: (string | number)[] | null): unknown[] {
  return documents.map((d, k) => {
    // The readers refused a document whose aliases go-yaml would refuse (yaml-graph.ts), so this expansion
    // is bounded already; the YAML library's own bound stays, against anything that got past them.
    let js: unknown;
    try {
      js = d.toJS({ maxAliasCount: 1_000_000 }) as unknown;
    } catch (e) {
      throw new CannotEdit(`the file expands its YAML aliases too many times to compare before and after (${(e as Error).message})`);
    }
    if (holderPath && holderPath[0] === k) {
      let h = js as Record<string | number, unknown>;
      for (const p of holderPath.slice(1)) h = h?.[p] as Record<string | number, unknown>;
      if (h && typeof h === 'object') for (const key of ['command', 'args', t.argsKey, t.envKey]) delete h[key];
    }
    return js;
  });
}

/** Where the target's holder (container or values section) is: document index, then keys. */
function pathTo(documents: readonly Document[], holder: YAMLMap): (string | number)[] | null {
  for (let k = 0; k < documents.length; k++) {
    const found = search(documents[k].contents, holder);
    if (found) return [k, ...found];
  }
  return null;
}

function search(node: unknown, target: unknown): (string | number)[] | null {
  if (node === target) return [];
  if (isMap(node)) {
    for (const p of node.items as { key: unknown; value: unknown }[]) {
      const r = search(p.value, target);
      if (r) return [isScalar(p.key) ? String(p.key.value) : '?', ...r];
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const r = search(node.items[i], target);
      if (r) return [i, ...r];
    }
  }
  return null;
}

function documentsOf(c: KubeConfig | HelmConfig): readonly Document[] {
  return c.dialect === 'kubernetes' ? c.documents : c.document ? [c.document] : [];
}

/** The instance of the edited file that is the target's (same place among the parts, same name). */
function sameInstance(t: Target, after: KubeConfig | HelmConfig): KubeConfig | HelmConfig {
  if (t.kind === 'helm') {
    // One subchart of a parent chart with several memcached dependencies: the same one, by its key.
    const name = t.config.partName;
    if (name === undefined) return after;
    const mine = ((after.parts ?? []) as HelmConfig[]).find((p) => p.partName === name);
    if (!mine) throw new CannotEdit('the edit would change which subcharts run memcached');
    return mine;
  }
  const before = t.config as KubeConfig;
  const mine = ((after.parts ?? [after]) as KubeConfig[])[before.workload!.index];
  if (!mine || mine.partName !== before.partName) throw new CannotEdit('the edit would change which workloads run memcached');
  return mine;
}

function check(t: Target, edited: string, want: { expected?: string[]; setVars?: ReadonlyMap<string, string | null>; intents?: readonly FixIntent[]; model?: MemcachedModel }): void {
  const before = t.config;
  // A parent chart's values are read again with the same Chart.yaml and Chart.lock.
  const context = before.dialect === 'helm' ? before.chartContext : undefined;
  const after = dialectOf(before.dialect).parse(new SourceText(before.source.path, edited), context) as KubeConfig | HelmConfig;
  const mine = sameInstance(t, after);
  if (mine.launchFailure) throw new CannotEdit(`memcached would not start from the edited file: ${mine.launchFailure.reason}`);
  if (mine.argvUnknown) throw new CannotEdit(mine.argvUnknown);
  if (mine.startsAs !== before.startsAs) throw new CannotEdit('the edit would change the user memcached runs as');
  const got = mine.argv.map((a) => a.value);
  if (want.expected && !sameWords(got, want.expected)) throw new CannotEdit(`the edited file would give memcached "${got.join(' ')}" instead of "${want.expected.join(' ')}"`);
  if (want.setVars) {
    const env = envEntries(targetOf(mine).env);
    for (const [k, v] of want.setVars) {
      const e = env.get(k);
      const now = e?.value && typeof e.value.value === 'string' ? e.value.value.replace(/\$\$/g, '$') : null;
      // MEMCACHED_EXTRA_FLAGS left with no word keeps its entry, empty (buildBitnami): run.sh passes nothing.
      if (now === v || (v === null && now === '' && k === 'MEMCACHED_EXTRA_FLAGS')) continue;
      throw new CannotEdit(`the edited ${t.envKey} would set ${k} to ${JSON.stringify(now)} instead of ${JSON.stringify(v)}`);
    }
    // The options set and removed, as memcached gets them (a removal, as an addition, must show).
    checkOptionsApplied(mine.argv, want.model!, want.intents!);
  }
  const holderBefore = pathTo(documentsOf(before), t.holder);
  const holderAfter = pathTo(documentsOf(mine), targetOf(mine).holder);
  if (!isDeepStrictEqual(holderBefore, holderAfter)) throw new CannotEdit('the edit would move the container');
  if (!isDeepStrictEqual(meaning(t, documentsOf(before), holderBefore), meaning(t, documentsOf(mine), holderAfter))) {
    throw new CannotEdit(`the edit would change more of the file than ${t.argsKey} and ${t.envKey}`);
  }
}
