/**
 * Fix intents → edits of a systemd unit or drop-in.
 *
 * Options change inside the `ExecStart=` that runs memcached, word by word, keeping the words' quoting
 * where they stay (a changed word is written plainly); an added option goes at the end of the command
 * (after `$OPTIONS`, so it wins), or before a `--`. What changed is recorded on a `# mchard:` comment line
 * added above the `ExecStart=` line (systemd skips comment lines, even inside a continued line). A word
 * that gives one argument is edited even when it is a variable (`-p ${PORT}` → `-p 11211`); an option
 * among the words a `$OPTIONS` splits into is refused, with the place where the variable is set.
 * Every other line stays byte for byte. The result is parsed again as systemd reads it and must give
 * memcached exactly the intended arguments, with the environment, user and type unchanged.
 */
import { SourceText, type Span } from '../source.js';
import { parseSystemd, type SystemdConfig } from '../dialects/systemd.js';
import type { OptionEvent } from '../memcached/getopt.js';
import { applyEdits, dominantEol, type CharEdit, type LineInsert } from './text-edit.js';
import { ExpectedWords, optionWords, PLAIN_WORD, sameWords, shownOption } from './words.js';
import { attempt, CannotEdit, finishClusters, mergeDeletions, removeOption, replaceOption, type WordEditContext } from './word-edits.js';
import type { EditAttempt, EditSession } from './types.js';

export function editSystemd(session: EditSession<SystemdConfig>): EditAttempt {
  return attempt(() => build(session));
}

/** A `# mchard:` line: one line, never ending in a backslash. */
function note(text: string): string {
  const one = text.replace(/[\r\n]+/g, ' ');
  return one.endsWith('\\') ? `${one} ` : one;
}

function build({ config, model, intents, label }: EditSession<SystemdConfig>) {
  const text = config.source.text;
  const exec = config.exec;
  const needsExec = intents.some((i) => i.kind === 'set-option' || i.kind === 'remove-option');
  if (needsExec && (!exec || config.argvUnknown)) throw new CannotEdit(config.argvUnknown ?? 'the unit has no ExecStart= to change');
  // An argument is editable when its ExecStart= word gives exactly that one argument (`-l`, `"x"`,
  // `${PORT}`); the words a `$OPTIONS` splits into are not: present them as the unit's own text.
  const perWord = new Map<number, number>();
  for (const s of config.tokenSources) perWord.set(s.word, (perWord.get(s.word) ?? 0) + 1);
  const shared = (i: number) => (perWord.get(config.tokenSources[i]?.word ?? -1) ?? 0) > 1;
  const argv = config.argv.map((t, i) => (shared(i) ? { ...t, origin: 'unit' as const } : t));
  const fromVariable = (ev: OptionEvent) => [ev.index, ev.valueIndex ?? ev.index].filter(shared).map((i) => config.tokenSources[i]?.variable).find((v) => v) ?? null;
  const refuseVariable = (ev: OptionEvent) => {
    const v = fromVariable(ev);
    if (!v) return;
    const env = config.environment.get(v);
    const where = env ? `Environment= on line ${env.assignment.line}` : config.environmentFiles.map((f) => f.path).join(', ') || 'the environment';
    throw new CannotEdit(`${shown(ev)} comes from $${v} (${where}): change it there`);
  };
  // An option whose word holds a value from an EnvironmentFile= the user did not name is shown as the
  // unit writes it (`-U${PORT}`), never as its value: the note goes into the file.
  const shown = (ev: OptionEvent) => {
    const at = [...new Set([ev.index, ev.valueIndex ?? ev.index])];
    // (Words of a `$OPTIONS` split are refused before a note: their messages are redacted where shown.)
    if (!at.some((i) => config.argv[i]?.hiddenFrom) || at.some(shared)) return shownOption(ev, config.argv);
    return at.map((i) => config.argv[i]?.span).map((sp) => (sp ? text.slice(sp.start, sp.end) : '?')).join(' ');
  };
  const value = exec?.assignment.valueSpan ?? { start: 0, end: 0 };
  const expected = new ExpectedWords(config.argv.map((t) => t.value));
  const ctx: WordEditContext = { text, argv, hashComments: false, expected, edits: [], clusters: new Map(), region: () => ({ lo: value.start, hi: value.end }) };
  const descs: string[] = [];
  const charEdits: CharEdit[] = [];
  const lineInserts: LineInsert[] = [];
  const append = (words: string[]) => {
    const dd = config.argv.findIndex((t, i) => t.value === '--' && !config.tokenSources[i]?.variable);
    if (dd !== -1) {
      const sp = config.argv[dd].span!;
      ctx.edits.push({ start: sp.start, end: sp.start, text: words.join(' ') + ' ', desc: 'added' });
      expected.insertAfter(dd - 1, words);
      return;
    }
    ctx.edits.push({ start: value.end, end: value.end, text: ' ' + words.join(' '), desc: 'added' });
    expected.insertAfter(config.argv.length - 1, words);
  };

  for (const intent of intents) {
    switch (intent.kind) {
      case 'set-option': {
        const words = optionWords(intent.letter, intent.value);
        if (!words.every((w) => PLAIN_WORD.test(w) && !w.includes('%'))) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely in ExecStart=`);
        const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
        const target = intent.replace ?? last;
        if (target) {
          if (target.spec.short === intent.letter && target.value === intent.value && target === last) break;
          refuseVariable(target);
          replaceOption(ctx, target, words, shown(target));
          descs.push(`replaced ${shown(target)} with ${words.join(' ')}`);
        } else {
          append(words);
          descs.push(`added ${words.join(' ')}`);
        }
        break;
      }
      case 'remove-option': {
        refuseVariable(intent.option);
        removeOption(ctx, intent.option, shown(intent.option));
        descs.push(`removed ${shown(intent.option)}`);
        break;
      }
      case 'drop-text':
        charEdits.push(dropText(text, intent.span));
        break;
      default:
        throw new CannotEdit(`a ${intent.kind} change does not apply to a systemd unit`);
    }
  }
  finishClusters(ctx);
  charEdits.push(...mergeDeletions(ctx.edits).map(({ start, end, text: t }) => ({ start, end, text: t })));
  if (descs.length && exec) lineInserts.push({ at: exec.assignment.lineStart, lines: [note(`# mchard: ${descs.join(', ')} in ExecStart= (${label.ruleId})`)] });
  const output = applyEdits(text, charEdits, lineInserts, dominantEol(text));

  const after = parseSystemd(new SourceText(config.source.path, output.text));
  if (after.launchFailure && !config.launchFailure) throw new CannotEdit(`systemd would refuse the edited unit: ${after.launchFailure.reason}`);
  if (needsExec) {
    const want = expected.result();
    const got = after.argv.map((t) => t.value);
    if (after.argvUnknown || !sameWords(want, got)) throw new CannotEdit(`the edited unit would give memcached "${got.join(' ')}" instead of "${want.join(' ')}"`);
  }
  const env = (c: SystemdConfig) => JSON.stringify([...c.environment.values()].map((e) => [e.name, e.value]));
  if (env(after) !== env(config) || after.user !== config.user || after.serviceType !== config.serviceType) {
    throw new CannotEdit('the edit would change the unit beyond memcached\'s options');
  }
  return output;
}

/** Deletes a span; a line left blank goes entirely. */
function dropText(text: string, span: Span): CharEdit {
  const ls = text.lastIndexOf('\n', span.start - 1) + 1;
  let le = text.indexOf('\n', span.end);
  if (le === -1) le = text.length;
  const rest = text.slice(ls, span.start) + text.slice(span.end, le);
  if (rest.trim() === '') return { start: ls, end: le === text.length ? le : le + 1, text: '' };
  return { start: span.start, end: span.end, text: '' };
}
