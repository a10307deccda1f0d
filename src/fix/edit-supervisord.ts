/**
 * Fix intents → edits of a supervisord `[program:...]` section: the words of `command=` change in place
 * (each word keeps its quoting; an added option goes after the command's last word), and a
 * `; mchard:` comment line above `command=` says what changed. Every other line stays byte for byte.
 * The result is read back as supervisord reads it (configparser, `%` expansion, shlex): memcached must
 * get exactly the intended argv and start as the same user, or the edit is refused.
 */
import { SourceText } from '../source.js';
import { parseSupervisord, type SupervisordConfig } from '../dialects/supervisord.js';
import { applyEdits, dominantEol, type CharEdit, type LineInsert } from './text-edit.js';
import { ExpectedWords, optionWords, PLAIN_WORD, sameWords, shownOption } from './words.js';
import { attempt, CannotEdit, finishClusters, mergeDeletions, removeOption, replaceOption, type WordEditContext } from './word-edits.js';
import type { EditAttempt, EditSession } from './types.js';

/** Words an edit may add: plain, and without `%` (supervisord's expansion) or comment characters. */
const SAFE_WORD = (w: string) => PLAIN_WORD.test(w) && !/[%;#]/.test(w);

export function editSupervisord(session: EditSession<SupervisordConfig>): EditAttempt {
  return attempt(() => build(session));
}

function build({ config, model, intents, label }: EditSession<SupervisordConfig>) {
  const text = config.source.text;
  const program = config.program;
  const command = program?.command;
  if (!program || !command || !program.words || config.launchFailure) throw new CannotEdit('supervisord would not start memcached from this file as it is');
  const argv = config.argv;
  const lines = config.lines;
  // The value part of each line of command= (continuation lines included): where words and blanks are.
  const regions = new Map<number, { lo: number; hi: number }>();
  const lineOf = (offset: number) => {
    let k = 0;
    while (k + 1 < lines.length && lines[k + 1].start <= offset) k++;
    return k;
  };
  for (const c of command.chars) {
    if (!c.span) continue;
    const li = lineOf(c.span.start);
    const r = regions.get(li);
    regions.set(li, r ? { lo: Math.min(r.lo, c.span.start), hi: Math.max(r.hi, c.span.end) } : { lo: c.span.start, hi: c.span.end });
  }
  const region = (i: number) => {
    const sp = argv[i]?.span;
    if (!sp) throw new CannotEdit(`"${argv[i]?.value}" has no place in the file`);
    return regions.get(lineOf(sp.start)) ?? { lo: sp.start, hi: sp.end };
  };
  const expected = new ExpectedWords(argv.map((t) => t.value));
  const ctx: WordEditContext = { text, argv, hashComments: true, expected, edits: [], clusters: new Map(), region };
  const done: string[] = [];
  const tag = `(${label.ruleId})`;

  const addWords = (words: string[]) => {
    if (!words.every(SAFE_WORD)) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely in command=`);
    const dd = argv.findIndex((t) => t.value === '--');
    if (dd !== -1) {
      const sp = argv[dd].span;
      if (!sp) throw new CannotEdit('"--" has no place in the file');
      ctx.edits.push({ start: sp.start, end: sp.start, text: words.join(' ') + ' ', desc: 'added' });
      expected.insertAfter(dd - 1, words);
    } else {
      const last = argv.length ? argv[argv.length - 1].span : program.words![0].span;
      if (!last) throw new CannotEdit('the end of the command has no place in the file');
      ctx.edits.push({ start: last.end, end: last.end, text: ' ' + words.join(' '), desc: 'added' });
      expected.insertAfter(argv.length - 1, words);
    }
    done.push(`added ${words.join(' ')}`);
  };

  for (const intent of intents) {
    switch (intent.kind) {
      case 'set-option': {
        const words = optionWords(intent.letter, intent.value);
        if (!words.every(SAFE_WORD)) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely in command=`);
        const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
        const target = intent.replace ?? last;
        if (target) {
          if (target.value === intent.value && target === last) break;
          const shown = shownOption(target, argv);
          replaceOption(ctx, target, words, shown);
          done.push(`replaced ${shown} with ${words.join(' ')}`);
        } else addWords(words);
        break;
      }
      case 'remove-option': {
        const shown = intent.option.value === null ? intent.option.written : shownOption(intent.option, argv);
        removeOption(ctx, intent.option, shown);
        done.push(`removed ${shown}`);
        break;
      }
      default:
        throw new CannotEdit(`a ${intent.kind} change does not apply to supervisord files`);
    }
  }
  finishClusters(ctx);
  // A continuation line whose every word goes (and that holds no comment) goes entirely.
  for (const [li, r] of regions) {
    if (li === command.firstLine) continue;
    const onLine = argv.map((t, i) => (t.span && t.span.start >= r.lo && t.span.end <= r.hi ? i : -1)).filter((i) => i >= 0);
    const cleared = onLine.length > 0 && onLine.every((i) => expected.get(i) === null);
    const adds = ctx.edits.some((e) => e.text !== '' && e.start >= r.lo && e.start <= r.hi);
    const line = lines[li];
    if (cleared && !adds && /^[ \t]*$/.test(line.text.slice(r.hi - line.start))) {
      ctx.edits.push({ start: line.start, end: line.start + line.text.length + line.eol.length, text: '', desc: 'line' });
    }
  }
  const charEdits: CharEdit[] = mergeDeletions(ctx.edits).map(({ start, end, text: t }) => ({ start, end, text: t }));
  const at = lines[command.firstLine].start;
  const note = `; mchard: ${done.join(', ')} in command= ${tag}`.replace(/[\r\n]+/g, ' ');
  const inserts: LineInsert[] = done.length ? [{ at, lines: [note] }] : [];
  const output = applyEdits(text, charEdits, inserts, dominantEol(text));

  // Read it back the way supervisord does.
  const whole = parseSupervisord(new SourceText(config.source.path, output.text));
  // One of several memcached programs or processes (instances): the same one, read back.
  const after = config.partName === undefined ? whole : ((whole.parts ?? [whole]) as SupervisordConfig[]).find((p) => p.partName === config.partName);
  if (!after) throw new CannotEdit('the edit would change which programs run memcached');
  if (after.launchFailure) throw new CannotEdit(`supervisord would not start the edited program: ${after.launchFailure.reason}`);
  if (after.program?.section !== program.section) throw new CannotEdit('the edit would change which program runs memcached');
  if (after.startsAs !== config.startsAs) throw new CannotEdit('the edit would change the user memcached starts as');
  const want = expected.result();
  const got = after.argv.map((t) => t.value);
  if (!sameWords(want, got)) throw new CannotEdit(`the edited command would give memcached ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`);
  return output;
}

