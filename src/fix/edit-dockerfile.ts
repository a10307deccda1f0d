/**
 * Fix intents → edits of a Dockerfile's `CMD`/`ENTRYPOINT`, the instruction whose words memcached
 * receives:
 * - exec form (a JSON array): items are replaced, removed or added one by one, as JSON strings, with the
 *   array's own separator; a `CMD` is added at the end of the file when the image's default command
 *   (the official image's `memcached`) runs;
 * - shell form (and `sh -c "..."`): only when every word involved is written plainly in the file, so the
 *   edit is exact; otherwise the fix is refused with the reason;
 * - each edit gets a `# mchard:` comment line above the instruction (a Dockerfile has no trailing comments).
 * Bitnami's image takes its options from `ENV MEMCACHED_*`, which mchard does not rewrite in a Dockerfile.
 * The result is parsed again: memcached must get exactly the intended words and every other instruction
 * must read as before, or the edit is refused. `-l 127.0.0.1` is never offered inside a container (MC101
 * has no fix there).
 */
import { SourceText, type ArgToken } from '../source.js';
import type { DockerfileConfig, ExecItem } from '../dialects/dockerfile.js';
import { dialectOf } from '../dialects/index.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { FixIntent } from '../engine/types.js';
import { valueOf } from '../dialects/sourced.js';
import { applyEdits, dominantEol, lineStartAt, type CharEdit, type LineInsert } from './text-edit.js';
import { ExpectedWords, optionWords, PLAIN_WORD, sameWords } from './words.js';
import { appendOptionWords, attempt, CannotEdit, finishClusters, mergeDeletions, removeOption, replaceOption, type WordEditContext } from './word-edits.js';
import type { BatchLabel, EditAttempt, EditSession } from './types.js';
import { expectedOf, planWords } from './list-words.js';

export function editDockerfile({ config, model, intents, label }: EditSession<DockerfileConfig>): EditAttempt {
  return attempt(() => build(config, model, intents, label));
}

function describe(intent: FixIntent, argv: readonly ArgToken[]): string {
  if (intent.kind === 'set-option') return `${optionWords(intent.letter, intent.value).join(' ')} set`;
  if (intent.kind === 'remove-option') return `${intent.option.written}${intent.option.value !== null ? ` ${argv[intent.option.valueIndex ?? -1]?.value ?? ''}` : ''} removed`;
  return intent.kind;
}

function build(config: DockerfileConfig, model: MemcachedModel, intents: readonly FixIntent[], label: BatchLabel) {
  const text = config.source.text;
  if (config.launchFailure) throw new CannotEdit('Docker would not start memcached from this image as the file is');
  if (config.argvUnknown) throw new CannotEdit(config.argvUnknown);
  if (config.image?.info.family === 'bitnami' || config.argv.some((a) => (a as { from?: unknown }).from)) {
    throw new CannotEdit("Bitnami's image takes memcached's options from ENV MEMCACHED_* variables, which mchard does not rewrite in a Dockerfile; set them where the container runs (Compose environment:)");
  }
  const src = config.argvSource;
  if (!src) throw new CannotEdit('the file does not hold the instruction memcached gets its options from');
  const eol = dominantEol(text);
  const edits: CharEdit[] = [];
  const inserts: LineInsert[] = [];
  const note = `# mchard: ${[...new Set(intents.map((i) => describe(i, config.argv)))].join(', ')} (${label.ruleId} ${label.slug})`;
  let expected: string[];

  if (src.form === null) {
    // The image's default command runs (the official image's `memcached`): add a CMD at the end.
    const plan = planWords(config, model, intents, { format: 'a Dockerfile', place: 'the command' });
    expected = expectedOf(config, plan);
    if (expected.length === 0) return applyEdits(text, [], [], eol);
    if (!expected.every((w) => PLAIN_WORD.test(w))) throw new CannotEdit(`"${expected.join(' ')}" cannot be written safely`);
    const lines = [note, `CMD ${JSON.stringify(['memcached', ...expected]).replace(/","/g, '", "')}`];
    if (text.length > 0 && !text.endsWith('\n')) edits.push({ start: text.length, end: text.length, text: eol + lines.join(eol) + eol });
    else inserts.push({ at: text.length, lines });
  } else if (src.form.form === 'exec' && src.script === null) {
    const plan = planWords(config, model, intents, { format: 'a Dockerfile', place: 'the command' });
    expected = expectedOf(config, plan);
    const itemOf = itemsByToken(config);
    const holder = src.form;
    const items = holder.items;
    const sep = items.length >= 2 ? text.slice(items[0].span.end, items[1].span.start) : ', ';
    const separator = /^[ \t]*,[ \t]*$/.test(sep) ? sep : ', ';
    for (const [i, v] of plan.set) {
      const it = itemOf(i);
      if (v !== null) {
        edits.push({ start: it.span.start, end: it.span.end, text: JSON.stringify(v) });
        continue;
      }
      const k = items.indexOf(it);
      const range = k + 1 < items.length ? { start: it.span.start, end: items[k + 1].span.start } : { start: k > 0 ? items[k - 1].span.end : holder.open + 1, end: it.span.end };
      if (/[\r\n]/.test(text.slice(range.start, range.end))) throw new CannotEdit('the item to remove is on a continued line; mchard does not rewrite it');
      edits.push({ ...range, text: '' });
    }
    for (const [i, words] of plan.after) {
      const enc = words.map((w) => JSON.stringify(w)).join(separator);
      const at = i < 0 ? (src.skip > 0 ? items[src.skip - 1].span.end : null) : itemOf(i).span.end;
      if (at === null) {
        edits.push({ start: holder.open + 1, end: holder.open + 1, text: items.length ? `${enc}${separator}` : enc });
      } else edits.push({ start: at, end: at, text: `${separator}${enc}` });
    }
    // The note goes above each instruction an edit touches (the options may continue in CMD after ENTRYPOINT).
    const instrs = [holder.instr, ...(src.cmd ? [src.cmd.instr] : [])];
    for (const instr of instrs) if (edits.some((e) => e.start >= instr.span.start && e.start <= instr.span.end)) inserts.push({ at: lineStartAt(text, instr.span.start), lines: [note] });
  } else {
    // A shell script: word edits, exact only when the words are written plainly.
    const script = src.script ?? (src.form.form === 'shell' ? src.form.text : null);
    if (!script) throw new CannotEdit('mchard does not edit this command');
    const spans = script.map((c) => c.span);
    if (spans.some((s, k) => !s || s.end - s.start !== 1 || (k > 0 && s.start !== spans[k - 1]!.end))) {
      throw new CannotEdit('the command is in shell form with escapes or continued lines; mchard edits only what it can write exactly (use the exec form, a JSON array)');
    }
    if (src.script && src.form.form === 'exec' && /[\\"]/.test(valueOf(script))) throw new CannotEdit('the sh -c script holds quotes or backslashes inside its JSON string; mchard does not rewrite it');
    const lo = spans[0]!.start;
    const hi = spans.at(-1)!.end;
    const argv = config.argv;
    if (argv.some((a) => !a.exact || (a.span && text.slice(a.span.start, a.span.end) !== a.value))) {
      throw new CannotEdit('a word of the command is not written plainly (quotes, $VAR); mchard edits the shell form only when the edit is exact');
    }
    const ex = new ExpectedWords(argv.map((t) => t.value));
    const ctx: WordEditContext = { text, argv, hashComments: false, expected: ex, edits: [], clusters: new Map(), region: () => ({ lo, hi }) };
    for (const intent of intents) {
      if (intent.kind === 'remove-option') removeOption(ctx, intent.option, 'removed');
      else if (intent.kind === 'set-option') {
        const words = optionWords(intent.letter, intent.value);
        if (!words.every((w) => PLAIN_WORD.test(w))) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely`);
        const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
        const target = intent.replace ?? last;
        if (target && target.value === intent.value && target === last) continue;
        if (target) replaceOption(ctx, target, words, 'replaced');
        else if (argv.length === 0) {
          // After the program's name: `memcached` → `memcached -U 0`.
          ctx.edits.push({ start: hi, end: hi, text: ` ${words.join(' ')}`, desc: 'added' });
          ex.insertAfter(-1, words);
        } else appendOptionWords(ctx, argv.map((_, i) => i), hi, words);
      } else throw new CannotEdit(`a ${intent.kind} change does not apply to a Dockerfile`);
    }
    finishClusters(ctx);
    edits.push(...mergeDeletions(ctx.edits).map(({ start, end, text: t }) => ({ start, end, text: t })));
    expected = ex.result();
    if (edits.length) inserts.push({ at: lineStartAt(text, src.form.instr.span.start), lines: [note] });
  }
  const output = applyEdits(text, mergeDeletions(edits), inserts, eol);
  check(config, output.text, expected);
  return output;
}

/** The exec-form item each argv token was read from. */
function itemsByToken(config: DockerfileConfig): (i: number) => ExecItem {
  const forms = [config.argvSource!.form, config.argvSource!.cmd].filter((f) => f?.form === 'exec') as { items: readonly ExecItem[] }[];
  const all = forms.flatMap((f) => f.items);
  return (i: number) => {
    const sp = config.argv[i]?.span;
    const it = sp && all.find((x) => x.span.start <= sp.start && sp.end <= x.span.end);
    if (!it) throw new CannotEdit(`"${config.argv[i]?.value}" is not an item of the command in the file`);
    return it;
  };
}

/** The edited file must give memcached `expected` and read the same everywhere else. */
function check(config: DockerfileConfig, edited: string, expected: string[]): void {
  const after = dialectOf('dockerfile').parse(new SourceText(config.source.path, edited)) as DockerfileConfig;
  if (after.launchFailure) throw new CannotEdit(`Docker would not start the edited image: ${after.launchFailure.reason}`);
  if (after.argvUnknown) throw new CannotEdit(`the edited file would not decide memcached's options: ${after.argvUnknown}`);
  const got = after.argv.map((t) => t.value);
  if (!sameWords(got, expected)) throw new CannotEdit(`the edited file would give memcached "${got.join(' ')}" instead of "${expected.join(' ')}"`);
  const holder = (c: DockerfileConfig) => c.argvSource?.form?.instr.keyword ?? null;
  const isCommand = (c: DockerfileConfig, i: { span: { start: number } }) =>
    [c.argvSource?.form?.instr, c.argvSource?.cmd?.instr].some((h) => h && h.span.start === i.span.start);
  const others = (c: DockerfileConfig) =>
    c.instructions.filter((i) => !isCommand(c, i) && !(i.keyword === 'CMD' && !config.argvSource?.form)).map((i) => `${i.keyword} ${valueOf(i.args)}`);
  const a = others(config);
  const b = others(after);
  if (a.length !== b.length || a.some((x, k) => x !== b[k])) throw new CannotEdit('the edit would change more of the file than the command');
  if (config.argvSource?.form && holder(after) !== holder(config)) throw new CannotEdit('the edit would change which instruction runs memcached');
  if (after.startsAs !== config.startsAs) throw new CannotEdit('the edit would change the user memcached runs as');
}
