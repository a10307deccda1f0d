/**
 * Fix intents → edits of the memcached service's `command:` in a Compose file, in the file's own YAML:
 * - a list (`["-m", "128"]` or a block `- -m` list): items are replaced, removed or added one by one,
 *   each in the quoting style of its neighbours (digits are always quoted, so they stay strings);
 * - a string (`memcached -m 64`): the words change inside the scalar, as in a command line;
 * - no `command:` (the image's default `memcached`): a `command: ["-U", "0"]` line is added after the
 *   service's `image:` line, indented like the service's other keys.
 * Bitnami's image is edited in `environment:` instead (`edit-compose-env.ts`).
 * Comments are never touched: an edit that would remove a line holding one is refused. The result is
 * parsed again: memcached must get exactly the intended argv, and everything else in the file must mean
 * what it meant, or the edit is refused. The editor uses the YAML tree the dialect already built (no
 * YAML library is loaded here).
 */
import type { ComposeConfig } from '../dialects/compose.js';
import { newServiceKey, rereadCompose } from './compose-service.js';
import { applyEdits, dominantEol, lineEndAt, lineStartAt, type CharEdit, type LineInsert } from './text-edit.js';
import { ExpectedWords, optionWords, PLAIN_WORD, sameWords } from './words.js';
import { attempt, CannotEdit, finishClusters, mergeDeletions, removeOption, replaceOption, type WordEditContext } from './word-edits.js';
import type { EditAttempt, EditSession } from './types.js';
import { expectedOf, planWords } from './list-words.js';

const COMPOSE_PLACE = { format: 'Compose files', place: 'command:' };
import { editBitnamiEnvironment } from './edit-compose-env.js';

type Style = 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'PLAIN';

/** A list item in a YAML quoting style that Compose reads back as the same string. */
export function encodeItem(word: string, style: Style): string {
  if (style === 'QUOTE_SINGLE') return `'${word.replace(/'/g, "''")}'`;
  if (style === 'PLAIN' && PLAIN_WORD.test(word) && !/^[0-9.+-]*$/.test(word.replace(/^-+[A-Za-z]/, 'x')) && !/^[-?:,]$/.test(word) && !/^(true|false|null|yes|no|on|off|~)$/i.test(word)) return word;
  return JSON.stringify(word);
}

export function editCompose(session: EditSession<ComposeConfig>): EditAttempt {
  // Bitnami's image takes memcached's options from environment: (its command is its start script).
  if (session.config.service?.argvFrom === 'bitnami') return editBitnamiEnvironment(session);
  return attempt(() => build(session));
}

function build({ config, model, intents, label }: EditSession<ComposeConfig>) {
  const text = config.source.text;
  const svc = config.service;
  if (!svc || config.launchFailure) throw new CannotEdit('Compose would not start memcached from this file as it is');
  if (svc.argvFrom === 'entrypoint') throw new CannotEdit("memcached's options start in entrypoint:, which mchard does not edit");
  if (svc.merged.has('*')) throw new CannotEdit(`service ${svc.name} is an alias of a mapping (*anchor) other keys share; mchard does not edit it`);
  if (svc.merged.has('command')) throw new CannotEdit(`service ${svc.name} takes command: from a merge key (<<: *anchor) other services may share; mchard does not edit it`);
  if (svc.inherited.has('command') || svc.inherited.has('entrypoint')) throw new CannotEdit(`service ${svc.name} takes its command from the service it extends (extends:), which other services may extend too; mchard does not edit it (a command: of its own would decide it)`);
  const eol = dominantEol(text);
  const edits: CharEdit[] = [];
  const inserts: LineInsert[] = [];
  let expected: string[];
  const cmd = svc.command as (typeof svc.command & { type?: string; items?: unknown[]; flow?: boolean; range?: [number, number, number] }) | null;

  if (!cmd || (cmd as { value?: unknown }).value === null) {
    // No command: the image's default, `memcached` with no option.
    const plan = planWords(config, model, intents, COMPOSE_PLACE);
    expected = expectedOf(config, plan);
    if (expected.length === 0) return applyEdits(text, [], [], eol);
    const { indent, at } = newServiceKey(config, 'command:');
    const list = `[${expected.map((w) => encodeItem(w, 'QUOTE_DOUBLE')).join(', ')}]`;
    const line = `${indent}command: ${list}  # mchard: added command: (${label.ruleId})`;
    if (cmd) {
      // `command:` with an empty value: write the list after the colon.
      const r = (cmd as { range?: number[] }).range!;
      edits.push({ start: r[0], end: r[0], text: list });
    } else {
      inserts.push({ at, lines: [line] });
    }
  } else if (cmd.items) {
    const plan = planWords(config, model, intents, COMPOSE_PLACE);
    expected = expectedOf(config, plan);
    const items = cmd.items as { range: [number, number, number]; type?: string }[];
    const skip = svc.commandSkip;
    const styles = items.map((it) => (it.type === 'QUOTE_SINGLE' || it.type === 'PLAIN' ? it.type : 'QUOTE_DOUBLE') as Style);
    const styleNear = (i: number): Style => styles[Math.min(Math.max(i + skip, 0), styles.length - 1)] ?? 'QUOTE_DOUBLE';
    const itemOf = (i: number) => items[i + skip];
    if (cmd.flow) {
      const open = cmd.range![0];
      const close = text.lastIndexOf(']', cmd.range![1]);
      const body = text.slice(open, close + 1);
      if (body.includes('#')) throw new CannotEdit('the command list holds a comment; mchard does not rewrite it');
      for (const [i, v] of plan.set) {
        const it = itemOf(i).range;
        if (v !== null) edits.push({ start: it[0], end: it[1], text: encodeItem(v, styleNear(i)) });
        else {
          const k = i + skip;
          const next = items[k + 1];
          if (next) edits.push({ start: it[0], end: next.range[0], text: '' });
          else {
            const prevEnd = k > 0 ? items[k - 1].range[1] : open + 1;
            edits.push({ start: prevEnd, end: it[1], text: '' });
          }
        }
      }
      for (const [i, words] of plan.after) {
        const enc = words.map((w) => encodeItem(w, styleNear(i))).join(', ');
        if (i + skip < 0 || items.length === 0) edits.push({ start: open + 1, end: open + 1, text: items.length ? `${enc}, ` : enc });
        else edits.push({ start: itemOf(i).range[1], end: itemOf(i).range[1], text: `, ${enc}` });
      }
    } else {
      for (const [i, v] of plan.set) {
        const it = itemOf(i).range;
        if (v !== null) {
          edits.push({ start: it[0], end: it[1], text: encodeItem(v, styleNear(i)) });
          continue;
        }
        const ls = lineStartAt(text, it[0]);
        const le = lineEndAt(text, it[1]);
        const rest = text.slice(it[1], le);
        if (!/^[ \t]*\r?\n?$/.test(rest) || !/^[ \t]*-[ \t]+$/.test(text.slice(ls, it[0]))) {
          throw new CannotEdit('a command item to remove shares its line with other text (a comment); mchard does not remove it');
        }
        edits.push({ start: ls, end: le, text: '' });
      }
      for (const [i, words] of plan.after) {
        const ref = itemOf(Math.max(i, 0 - skip)) ?? items[0];
        if (!ref) throw new CannotEdit('the command list is empty');
        const prefix = text.slice(lineStartAt(text, ref.range[0]), ref.range[0]);
        if (!/^[ \t]*-[ \t]+$/.test(prefix)) throw new CannotEdit('the command items do not start their own lines');
        const newLines = words.map((w) => `${prefix}${encodeItem(w, styleNear(i))}`);
        const at = i + skip < 0 ? lineStartAt(text, ref.range[0]) : lineEndAt(text, ref.range[1]);
        inserts.push({ at: Math.min(at, text.length), lines: newLines });
      }
    }
  } else {
    // A string: the words change inside the scalar, like a command line.
    const r = cmd.range!;
    const type = (cmd as { type?: string }).type;
    if (/[\r\n]/.test(text.slice(r[0], r[1]))) throw new CannotEdit('the command string spans several lines; mchard does not rewrite it');
    const inner = type === 'PLAIN' ? { lo: r[0], hi: r[1] } : { lo: r[0] + 1, hi: r[1] - 1 };
    const argv = config.argv;
    const ex = new ExpectedWords(argv.map((t) => t.value));
    const ctx: WordEditContext = { text, argv, hashComments: true, expected: ex, edits: [], clusters: new Map(), region: () => inner };
    for (const intent of intents) {
      if (intent.kind === 'remove-option') removeOption(ctx, intent.option, 'removed');
      else if (intent.kind === 'set-option') {
        const words = optionWords(intent.letter, intent.value);
        if (type === 'QUOTE_SINGLE' && words.some((w) => w.includes("'"))) throw new CannotEdit('cannot write a quote inside the command string');
        const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
        const target = intent.replace ?? last;
        if (target && target.value === intent.value && target === last) continue;
        if (target) replaceOption(ctx, target, words, 'replaced');
        else {
          const lastTok = argv.at(-1)?.span ?? null;
          const at = lastTok ? lastTok.end : inner.hi;
          ctx.edits.push({ start: at, end: at, text: (lastTok ? ' ' : at > inner.lo ? ' ' : '') + words.join(' '), desc: 'added' });
          ex.insertAfter(argv.length - 1, words);
        }
      } else throw new CannotEdit(`a ${intent.kind} change does not apply to Compose files`);
    }
    finishClusters(ctx);
    edits.push(...mergeDeletions(ctx.edits).map(({ start, end, text: t }) => ({ start, end, text: t })));
    expected = ex.result();
  }

  // No option left: drop a one-line `command:` altogether (the image's default is plain `memcached`).
  if (expected.length === 0 && cmd && svc.argvFrom !== 'image' && svc.commandSkip === 0) {
    const r = cmd.range!;
    const ls = lineStartAt(text, r[0]);
    const le = lineEndAt(text, r[1]);
    if (!/^[ ]*command:[ ]*$/.test(text.slice(ls, r[0])) || !/^[ \t]*\r?\n?$/.test(text.slice(r[1], le)) || /[\r\n]/.test(text.slice(r[0], r[1]))) {
      throw new CannotEdit('the command would be left without options, and its line holds more than command:');
    }
    edits.length = 0;
    inserts.length = 0;
    edits.push({ start: ls, end: le, text: '' });
  }
  const output = applyEdits(text, mergeDeletions(edits), inserts, eol);
  check(config, output.text, expected);
  return output;
}

/** The edited file must give memcached `expected` and mean the same everywhere else. */
function check(config: ComposeConfig, edited: string, expected: string[]): void {
  const after = rereadCompose(config, edited, 'command', 'the command');
  const got = after.argv.map((t) => t.value);
  if (!sameWords(got, expected)) throw new CannotEdit(`the edited command: would give memcached "${got.join(' ')}" instead of "${expected.join(' ')}"`);
}
