/**
 * Fix intents → edits of a memcached command line written as text (the `argv` dialect).
 *
 * Options change in place, word by word (a cluster letter, a value, a whole option); an added option
 * goes after the last argument, before a `--` (memcached ignores what follows it). Comments and the
 * layout of the other words stay as they were; there is no room for `# mchard:` notes in a command line,
 * so none are written. The result is parsed again and must give exactly the intended argument vector.
 */
import { SourceText } from '../source.js';
import { parseArgvText, type ArgvConfig } from '../dialects/argv.js';
import { applyEdits, dominantEol } from './text-edit.js';
import { ExpectedWords, optionWords, PLAIN_WORD, sameWords, shownOption } from './words.js';
import { attempt, CannotEdit, finishClusters, mergeDeletions, removeOption, replaceOption, type WordEditContext } from './word-edits.js';
import type { EditAttempt, EditSession } from './types.js';

export function editArgv(session: EditSession<ArgvConfig>): EditAttempt {
  return attempt(() => build(session));
}

function build({ config, model, intents }: EditSession<ArgvConfig>) {
  const text = config.source.text;
  const argv = config.argv;
  if (config.launchFailure) throw new CannotEdit('the command line does not parse (unterminated quote)');
  const expected = new ExpectedWords(argv.map((t) => t.value));
  const ctx: WordEditContext = { text, argv, hashComments: true, expected, edits: [], clusters: new Map(), region: () => ({ lo: config.program ? config.program.span.end : 0, hi: text.length }) };
  const append = (words: string[]) => {
    const dd = argv.findIndex((t) => t.value === '--');
    if (dd !== -1) {
      const sp = argv[dd].span!;
      ctx.edits.push({ start: sp.start, end: sp.start, text: words.join(' ') + ' ', desc: 'added' });
      expected.insertAfter(dd - 1, words);
      return;
    }
    const last = argv.at(-1)?.span ?? config.program?.span;
    // After the last word; with none, at the very start (before any comment or continuation).
    if (last) ctx.edits.push({ start: last.end, end: last.end, text: ' ' + words.join(' '), desc: 'added' });
    else ctx.edits.push({ start: 0, end: 0, text: words.join(' ') + (text === '' ? '' : ' '), desc: 'added' });
    expected.insertAfter(argv.length - 1, words);
  };

  for (const intent of intents) {
    switch (intent.kind) {
      case 'set-option': {
        const words = optionWords(intent.letter, intent.value);
        if (!words.every((w) => PLAIN_WORD.test(w))) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely in a command line`);
        const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
        const target = intent.replace ?? last;
        if (target) {
          if (target.spec.short === intent.letter && target.value === intent.value && target === last) break;
          replaceOption(ctx, target, words, `${shownOption(target, argv)} replaced`);
        } else append(words);
        break;
      }
      case 'remove-option':
        removeOption(ctx, intent.option, `${shownOption(intent.option, argv)} removed`);
        break;
      default:
        throw new CannotEdit(`a ${intent.kind} change does not apply to a command line`);
    }
  }
  finishClusters(ctx);
  const edits = mergeDeletions(ctx.edits).map(({ start, end, text: t }) => ({ start, end, text: t }));
  const output = applyEdits(text, edits, [], dominantEol(text));
  const after = parseArgvText(new SourceText(config.source.path, output.text));
  const want = expected.result();
  const got = after.argv.map((t) => t.value);
  if (after.launchFailure || !sameWords(want, got)) {
    throw new CannotEdit(`the edited command line would give memcached "${got.join(' ')}" instead of "${want.join(' ')}"`);
  }
  return output;
}
