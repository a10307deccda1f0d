/**
 * Fix intents → edits of a Compose service's `environment:` for Bitnami's memcached image, whose start
 * script builds memcached's command line from `MEMCACHED_*` variables (src/dialects/images/bitnami.ts):
 * - an option the script takes from a variable of its own (`-p`, `-l`, `-m`, `-c`, `-t`, `-I`) is set by
 *   changing (or adding) that variable, unless a later occurrence in `MEMCACHED_EXTRA_FLAGS` wins;
 * - any other option is added to, changed in or removed from `MEMCACHED_EXTRA_FLAGS`, word by word;
 * - what the script always passes (`-u memcached`, `-p`, `-v`) and the command's own words are refused.
 * Values are written in the style of the entry they replace (quoted when YAML or Compose could read them
 * otherwise: digits, `$`); a new entry goes after the last one of `environment:` (or a new `environment:`
 * after `image:`) with a `# mchard:` note. The result is parsed again: the service's variables must be
 * exactly the intended ones, memcached must get the intended options, and nothing else in the file may
 * change its meaning.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ArgToken } from '../source.js';
import type { ComposeConfig, ComposeEnvVar } from '../dialects/compose.js';
import { newServiceKey, rereadCompose } from './compose-service.js';
import type { BitnamiArg } from '../dialects/images/bitnami.js';
import type { SrcChar } from '../dialects/sourced.js';
import { getopt, type OptionEvent } from '../memcached/getopt.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { FixIntent } from '../engine/types.js';
import { applyEdits, dominantEol, lineEndAt, lineStartAt, type CharEdit, type LineInsert } from './text-edit.js';
import { ClusterCuts, occupancy, optionWords, PLAIN_WORD } from './words.js';
import { attempt, CannotEdit } from './word-edits.js';
import type { BatchLabel, EditAttempt, EditSession } from './types.js';

/** The variable run.sh turns into each option. */
const VARIABLE_OF: Readonly<Record<string, string>> = {
  p: 'MEMCACHED_PORT_NUMBER',
  l: 'MEMCACHED_LISTEN_ADDRESS',
  m: 'MEMCACHED_CACHE_SIZE',
  c: 'MEMCACHED_MAX_CONNECTIONS',
  t: 'MEMCACHED_THREADS',
  I: 'MEMCACHED_MAX_ITEM_SIZE',
};
const EXTRA = 'MEMCACHED_EXTRA_FLAGS';

type Scalar = { range?: [number, number, number]; type?: string; value?: unknown };

/** A value in a YAML style that Compose reads back as exactly `value` (`$` doubled against interpolation). */
export function encodeEnvValue(value: string, style: string | undefined): string {
  const escaped = value.replace(/\$/g, '$$$$');
  if (style === 'QUOTE_SINGLE') return `'${escaped.replace(/'/g, "''")}'`;
  if (style === 'PLAIN' && /^[A-Za-z_./-][A-Za-z0-9_.,:%@+=/ -]*$/.test(escaped) && !/ $|: | #|^-( |$)/.test(escaped) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(escaped)) return escaped;
  return JSON.stringify(escaped);
}

export function editBitnamiEnvironment({ config, model, intents, label }: EditSession<ComposeConfig>): EditAttempt {
  // A refusal (CannotEdit) or colliding edits (EditConflict) is this file's "not fixed", as in every editor.
  return attempt(() => build(config, model, intents, label));
}

function build(config: ComposeConfig, model: MemcachedModel, intents: readonly FixIntent[], label: BatchLabel) {
  const svc = config.service!;
  const start = svc.bitnami;
  if (!start || start.runs !== 'memcached' || start.via !== 'run.sh') throw new CannotEdit("the service does not run memcached through the image's run.sh; mchard edits only its MEMCACHED_* variables");
  if (config.argvUnknown) throw new CannotEdit(config.argvUnknown);
  if (svc.merged.has('*') || svc.merged.has('environment')) throw new CannotEdit(`service ${svc.name} takes environment: from a merge key or alias (*anchor) other services may share; mchard does not edit it`);
  if (svc.inherited.has('environment')) throw new CannotEdit(`service ${svc.name} takes environment: from the service it extends (extends:), which other services may extend too; mchard does not edit it`);
  const vars = svc.environment!.vars;
  const text = config.source.text;
  const setVars = planBitnamiVariables(config.argv as readonly BitnamiArg[], vars.get(EXTRA)?.chars, model, intents, { command: 'command:', file: 'environment:', kind: 'Compose files' });
  if (setVars.size === 0) return applyEdits(text, [], [], dominantEol(text));

  const output = writeVariables(config, vars, setVars, label);
  check(config, output.text, setVars, intents, model);
  return output;
}

/**
 * Which of Bitnami's variables an edit sets (a value) or removes (null) so memcached gets what the intents
 * ask: the planning of the edit, the same for every file that sets the container's environment (Compose's
 * `environment:`, a Kubernetes container's `env`, the Helm chart's `extraEnvVars`). `argv` is the start
 * script's vector with each argument's origin; `extraChars` the characters of MEMCACHED_EXTRA_FLAGS as
 * the file sets it; `where` names the file's places for messages.
 */
export function planBitnamiVariables(
  argv: readonly BitnamiArg[],
  extraChars: readonly SrcChar[] | null | undefined,
  model: MemcachedModel,
  intents: readonly FixIntent[],
  where: { command: string; file: string; kind: string },
): Map<string, string | null> {

  // The words of MEMCACHED_EXTRA_FLAGS (argv indices) and the new list, word by word.
  const extraIdx = argv.flatMap((a, i) => (a.from.kind === 'env' && a.from.name === EXTRA ? [i] : []));
  if (extraChars && extraChars.some((c, k) => c.ch === '\n' && extraChars.slice(k + 1).some((d) => d.ch.trim() !== ''))) {
    throw new CannotEdit('MEMCACHED_EXTRA_FLAGS spans several lines (run.sh reads only the first); mchard does not rewrite it');
  }
  if (extraIdx.some((i) => !argv[i].exact)) throw new CannotEdit('MEMCACHED_EXTRA_FLAGS depends on the host; mchard does not rewrite it');
  const extra = new Map<number, string | null>(extraIdx.map((i) => [i, argv[i].value]));
  const appended: string[] = [];
  let extraChanged = false;
  const setVars = new Map<string, string | null>();

  const tokenVar = (i: number): string | null => {
    const a = argv[i];
    if (!a) return null;
    if (a.from.kind === 'env') return a.from.name;
    // A script flag whose value comes from a variable: `-m` of `-m $MEMCACHED_CACHE_SIZE`.
    const next = argv[i + 1];
    if (a.from.kind === 'script' && next?.from.kind === 'env' && next.from.name !== EXTRA && next.from.name !== 'MEMCACHED_PASSWORD') return next.from.name;
    return null;
  };
  const refuse = (i: number, what: string): never => {
    const a = argv[i];
    if (a?.from.kind === 'script') throw new CannotEdit(`${what}: ${a.from.what}; mchard does not change the image's start script`);
    if (a?.from.kind === 'command') throw new CannotEdit(`${what} is in ${where.command}, which mchard does not edit for Bitnami's image`);
    throw new CannotEdit(`${what} cannot be changed in ${where.file}`);
  };
  const shown = (ev: OptionEvent) => `${ev.written}${ev.value !== null ? ` ${ev.value}` : ''}`;
  const wordsOf = (ev: OptionEvent): number[] => {
    const occ = occupancy(ev, argv);
    if (occ.kind === 'words') return Array.from({ length: occ.last - occ.first + 1 }, (_, k) => occ.first + k);
    return occ.kind === 'tail' && occ.valueWord !== null ? [occ.word, occ.valueWord] : [occ.word];
  };
  /** Letters and tails taken out of a cluster word (`-vv` → offsets 1 and 2), applied together at the end. */
  const cuts = new ClusterCuts();
  const removeFromExtra = (ev: OptionEvent) => {
    const occ = occupancy(ev, argv);
    if (occ.kind === 'words') for (let i = occ.first; i <= occ.last; i++) extra.set(i, null);
    else {
      cuts.add(occ);
      if (occ.kind === 'tail' && occ.valueWord !== null) extra.set(occ.valueWord, null);
    }
    extraChanged = true;
  };
  const finishCuts = () => {
    for (const i of cuts.words()) {
      const w = extra.get(i);
      if (w !== null && w !== undefined) extra.set(i, cuts.left(i, w));
    }
  };

  for (const intent of intents) {
    if (intent.kind === 'remove-option') {
      const ev = intent.option;
      const idx = wordsOf(ev);
      if (idx.every((i) => extra.has(i))) {
        removeFromExtra(ev);
        continue;
      }
      const v = tokenVar(ev.index);
      if (v && v !== EXTRA && VARIABLE_OF[ev.spec.short] === v) {
        setVars.set(v, null);
        continue;
      }
      refuse(ev.index, shown(ev));
    } else if (intent.kind === 'set-option') {
      const words = optionWords(intent.letter, intent.value);
      if (!words.every((w) => PLAIN_WORD.test(w))) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely in MEMCACHED_EXTRA_FLAGS`);
      if (intent.letter === 'u') throw new CannotEdit(`run.sh always passes -u memcached (MEMCACHED_DAEMON_USER is fixed); the container's user decides who memcached runs as`);
      const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
      const target = intent.replace ?? last;
      if (target && target.value === intent.value && target === last) continue;
      const variable = VARIABLE_OF[intent.letter];
      if (target && wordsOf(target).every((i) => extra.has(i))) {
        // Replace it where it is in MEMCACHED_EXTRA_FLAGS (a later word wins over the variable's).
        const idx = wordsOf(target);
        const occ = occupancy(target, argv);
        if (occ.kind !== 'words') throw new CannotEdit(`${shown(target)} shares a word with other options in MEMCACHED_EXTRA_FLAGS`);
        idx.forEach((i, k) => extra.set(i, k === 0 ? words.join(' ') : null));
        extraChanged = true;
        continue;
      }
      if (variable && (!target || tokenVar(target.index) === variable || argv[target.index]?.from.kind === 'script')) {
        if (intent.value === null) throw new CannotEdit(`-${intent.letter} needs a value`);
        if (target && argv[target.index]?.from.kind === 'script' && tokenVar(target.index) !== variable && variable !== 'MEMCACHED_PORT_NUMBER') refuse(target.index, shown(target));
        setVars.set(variable, intent.value);
        continue;
      }
      if (target) refuse(target.index, shown(target));
      appended.push(...words);
      extraChanged = true;
    } else {
      throw new CannotEdit(`a ${intent.kind} change does not apply to ${where.kind}`);
    }
  }
  finishCuts();
  if (extraChanged) {
    const list = [...extraIdx.map((i) => extra.get(i)).filter((w): w is string => w !== null && w !== undefined).flatMap((w) => w.split(' ')), ...appended];
    setVars.set(EXTRA, list.length ? list.join(' ') : null);
  }
  return setVars;
}

function writeVariables(config: ComposeConfig, vars: ReadonlyMap<string, ComposeEnvVar>, setVars: ReadonlyMap<string, string | null>, label: BatchLabel) {
  const text = config.source.text;
  const svc = config.service!;
  const eol = dominantEol(text);
  const edits: CharEdit[] = [];
  const inserts: LineInsert[] = [];
  const envNode = svc.environment?.node as (Scalar & { items?: { key?: Scalar; value?: Scalar | null; range?: number[] }[]; flow?: boolean }) | null;
  const isList = envNode !== null && Array.isArray(envNode.items) && envNode.items.length > 0 && !('key' in (envNode.items[0] as object));
  const added: string[] = [];
  for (const [name, value] of setVars) {
    const v = vars.get(name);
    if (v) {
      const node = v.node as Scalar | null;
      const r = node?.range;
      if (!r || /[\r\n]/.test(text.slice(r[0], r[1])) || (node!.type !== 'PLAIN' && node!.type !== 'QUOTE_DOUBLE' && node!.type !== 'QUOTE_SINGLE')) {
        throw new CannotEdit(`${name}'s value is not a one-line scalar; mchard does not rewrite it`);
      }
      if (value === null) {
        // The whole entry goes: its line must hold nothing else.
        const span = v.span!;
        const ls = lineStartAt(text, span.start);
        const le = lineEndAt(text, span.end);
        const before = text.slice(ls, span.start);
        const after = text.slice(r[1], le);
        if (!/^[ \t]*(-[ \t]+)?$/.test(before) || !/^[ \t]*\r?\n?$/.test(after)) throw new CannotEdit(`${name} shares its line with other text (a comment); mchard does not remove it`);
        edits.push({ start: ls, end: le, text: '' });
        continue;
      }
      const written = v.form === 'list' ? encodeEnvValue(`${name}=${value}`, node!.type) : encodeEnvValue(value, node!.type);
      edits.push({ start: r[0], end: r[1], text: written });
      continue;
    }
    if (value === null) continue;
    added.push(name);
  }
  if (added.length) {
    const note = `  # mchard: added (${label.ruleId})`;
    if (envNode && envNode.flow) throw new CannotEdit('environment: is a flow collection ({...} or [...]); mchard does not add entries to it');
    const items = envNode?.items ?? [];
    if (envNode && items.length > 0) {
      const lastItem = items[items.length - 1] as { key?: Scalar; value?: Scalar | null; range?: number[] };
      const first = (items[0] as { key?: Scalar; range?: number[] });
      const firstStart = (isList ? first.range : first.key?.range)![0];
      const prefix = text.slice(lineStartAt(text, firstStart), firstStart);
      if (!/^[ ]*(-[ ]+)?$/.test(prefix)) throw new CannotEdit('the environment entries do not start their own lines');
      const endOf = isList ? lastItem.range![1] : (lastItem.value?.range?.[1] ?? lastItem.key!.range![1]);
      const lines = added.map((name) => (isList ? `${prefix}${encodeEnvValue(`${name}=${setVars.get(name)!}`, 'PLAIN')}${note}` : `${prefix}${name}: ${encodeEnvValue(setVars.get(name)!, 'QUOTE_DOUBLE')}${note}`));
      inserts.push({ at: Math.min(lineEndAt(text, endOf), text.length), lines });
    } else {
      const { indent, at } = newServiceKey(config, 'environment:');
      const lines = added.map((name) => `${indent}  ${name}: ${encodeEnvValue(setVars.get(name)!, 'QUOTE_DOUBLE')}${note}`);
      if (envNode) {
        // `environment:` with no value: the entries go on the lines after it.
        const r = envNode.range!;
        inserts.push({ at: Math.min(lineEndAt(text, r[0]), text.length), lines });
      } else {
        inserts.push({ at, lines: [`${indent}environment:`, ...lines] });
      }
    }
  }
  return applyEdits(text, edits, inserts, eol);
}

/** The edited file must set exactly the intended variables and give memcached what the intents ask. */
function check(config: ComposeConfig, edited: string, setVars: ReadonlyMap<string, string | null>, intents: readonly FixIntent[], model: MemcachedModel): void {
  const after = rereadCompose(config, edited, 'environment', 'environment:');
  if (after.argvUnknown) throw new CannotEdit(after.argvUnknown);
  if (!after.service!.environment) throw new CannotEdit('the edit would change which service runs memcached');
  const decoded = (vars: ReadonlyMap<string, ComposeEnvVar>) => new Map([...vars].map(([k, v]) => [k, v.chars ? v.chars.map((c) => c.ch).join('') : `?${v.text}`]));
  const want = decoded(config.service!.environment!.vars);
  for (const [k, v] of setVars) {
    if (v === null) want.delete(k);
    else want.set(k, v);
  }
  const got = decoded(after.service!.environment.vars);
  if (!isDeepStrictEqual(new Map([...got].sort()), new Map([...want].sort()))) {
    throw new CannotEdit(`the edited environment: would read ${JSON.stringify(Object.fromEntries(got))} instead of ${JSON.stringify(Object.fromEntries(want))}`);
  }
  checkOptionsApplied(after.argv, model, intents);
}

/**
 * The re-check of what memcached gets from a file whose Bitnami variables were edited (Compose's
 * `environment:`, a Kubernetes container's `env`, the chart's `extraEnvVars`): each option an intent sets
 * comes last with its value; each option an intent removes occurs that many times fewer (unless the same
 * batch sets it again). A variable taken out can leave the option in place (run.sh passes `-p 11211`
 * without MEMCACHED_PORT_NUMBER): that removal did not happen, and the edit is refused.
 */
export function checkOptionsApplied(argv: readonly ArgToken[], model: MemcachedModel, intents: readonly FixIntent[]): void {
  const events = getopt(argv, model.version).events.filter((e): e is OptionEvent => e.kind === 'option');
  const count = (letter: string, evs: readonly OptionEvent[]) => evs.filter((e) => e.spec.short === letter).length;
  for (const i of intents) {
    if (i.kind === 'set-option') {
      const last = events.filter((e) => e.spec.short === i.letter).at(-1);
      if (!last || last.value !== i.value) throw new CannotEdit(`the edited file would not give memcached -${i.letter}${i.value !== null ? ` ${i.value}` : ''}`);
    } else if (i.kind === 'remove-option') {
      const letter = i.option.spec.short;
      const before = count(letter, model.applied.options);
      const removed = intents.filter((x) => x.kind === 'remove-option' && x.option.spec.short === letter).length;
      const set = intents.some((x) => x.kind === 'set-option' && x.letter === letter);
      if (!set && count(letter, events) !== before - removed) throw new CannotEdit(`the edited file would not remove ${i.option.written}`);
    }
  }
}
