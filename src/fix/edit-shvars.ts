/**
 * Fix intents → edits of a shell-sourced variable file (OpenRC `conf.d`, FreeBSD `rc.conf`). The two
 * dialect editors differ only in their variables; this module does the writing.
 *
 * - An option given by a variable of the init script (`-U ${UDPPORT}`, `-u ${memcached_user}`) is changed
 *   by setting the variable on its own line (or adding the assignment); removing one that the script adds
 *   only for a non-empty variable (OpenRC's `-l ${LISTENON}`) empties the variable.
 * - Other options change inside the options variable (MISC_OPTS, memcached_flags), keeping its quotes; an
 *   unquoted value is rewritten in double quotes; a missing one is added.
 * - What was removed or replaced is noted on a `# mchard:` comment line above the assignment.
 * Every other line stays byte for byte. The result is parsed again: the variables, the option words and
 * the options memcached ends up with must be the intended ones, or the edit is refused.
 */
import type { Span } from '../source.js';
import type { ParsedConfig } from '../dialects/types.js';
import { encodeShValue, type ShAssignment, type ShVarsFile } from '../dialects/sh-vars.js';
import { analyze } from '../memcached/model.js';
import type { OptionEvent } from '../memcached/getopt.js';
import { applyEdits, dominantEol, type CharEdit, type LineInsert } from './text-edit.js';
import { ExpectedWords, optionWords, PLAIN_WORD, sameWords, shownOption } from './words.js';
import { appendOptionWords, attempt, CannotEdit, finishClusters, mergeDeletions, removeOption, replaceOption, type WordEditContext } from './word-edits.js';
import type { EditAttempt, EditSession } from './types.js';

export type ShVarsConfig = ParsedConfig & { readonly vars: ShVarsFile };

export interface ShVarsDialectEdits<C extends ShVarsConfig> {
  /** The variable whose words are memcached options as written. */
  readonly optionsVariable: string;
  /** The variable the script passes as option -letter's argument, or null. */
  variableOf(letter: string): string | null;
  /** The variable that, emptied, makes the script leave option -letter out (OpenRC's LISTENON), or null. */
  omittedWhenEmpty(letter: string): string | null;
  /** Whether a variable is one of the service's (new assignments go after the last of them). */
  isServiceVariable(name: string): boolean;
  reparse(text: string): C;
}

export function editShVars<C extends ShVarsConfig>(session: EditSession<C>, spec: ShVarsDialectEdits<C>): EditAttempt {
  return attempt(() => build(session, spec));
}

/** A `# mchard:` note line (one line). */
const note = (text: string) => text.replace(/[\r\n]+/g, ' ');

function build<C extends ShVarsConfig>({ config, model, intents, label }: EditSession<C>, spec: ShVarsDialectEdits<C>) {
  const text = config.source.text;
  const argv = config.argv;
  const env = config.vars.env;
  const eol = dominantEol(text);
  const optName = spec.optionsVariable;
  const opts = env.get(optName);
  const within = (sp: Span | null, outer: Span) => !!sp && sp.start >= outer.start && sp.end <= outer.end;
  const optIdx = new Set<number>();
  if (opts) argv.forEach((t, i) => t.origin === 'file' && within(t.span, opts.valueSpan) && optIdx.add(i));

  let optRegion = { lo: 0, hi: 0 };
  if (opts) {
    const v = opts.valueSpan;
    const close = opts.quote === null ? -1 : closingQuote(text, v.start, opts.quote);
    optRegion = close !== -1 && close < v.end ? { lo: v.start + 1, hi: close } : { lo: v.start, hi: v.end };
  }
  const expected = new ExpectedWords(argv.map((t) => t.value));
  const ctx: WordEditContext = { text, argv, hashComments: false, expected, edits: [], clusters: new Map(), region: () => optRegion };
  const charEdits: CharEdit[] = [];
  const lineInserts: LineInsert[] = [];
  const notes = new Map<number, string[]>();
  const lineStartOf = (offset: number) => config.source.lineStart(config.source.position(offset).line);
  const addNote = (asg: ShAssignment, line: string) => {
    const at = lineStartOf(asg.nameSpan.start);
    notes.set(at, [...(notes.get(at) ?? []), note(line)]);
  };
  const tag = `(${label.ruleId})`;
  const expectedEnv = new Map<string, string>();
  const expectedOptions: { letter: string; value: string | null }[] = [];
  const removed: string[] = [];
  let optionsTouched = false;
  let addedOptions: string[] = [];
  const inOptions = (ev: OptionEvent) => optIdx.has(ev.index) && (ev.valueIndex === null || optIdx.has(ev.valueIndex));

  const addLine = (line: string) => {
    const anchors = config.vars.assignments.filter((a) => spec.isServiceVariable(a.name));
    const anchor = anchors.sort((a, b) => a.valueSpan.end - b.valueSpan.end).at(-1);
    let at = text.length;
    if (anchor) {
      const nl = text.indexOf('\n', Math.max(anchor.valueSpan.end - 1, anchor.nameSpan.end));
      at = nl === -1 ? text.length : nl + 1;
    }
    lineInserts.push({ at, lines: [line] });
  };

  const setVariable = (key: string, value: string) => {
    if (expectedEnv.has(key) && expectedEnv.get(key) !== value) throw new CannotEdit(`${key} would be set twice`);
    if (expectedEnv.get(key) === value) return;
    expectedEnv.set(key, value);
    const asg = env.get(key);
    if (asg) {
      if (asg.value === value && asg.exact) return;
      charEdits.push({ start: asg.valueSpan.start, end: asg.valueSpan.end, text: encodeShValue(value, asg.quote === "'" ? "'" : '"') });
      const old = text.slice(asg.valueSpan.start, asg.valueSpan.end);
      if (old !== '') addNote(asg, `# mchard: ${key} was ${old} ${tag}`);
      return;
    }
    addLine(`${key}=${encodeShValue(value, '"')}`);
  };

  const addToOptions = (words: string[]) => {
    optionsTouched = true;
    addedOptions = [...addedOptions, ...words];
    if (!opts) return;
    appendOptionWords(ctx, [...optIdx], optRegion.lo, words);
  };

  const fromUnit = (ev: OptionEvent) => argv[ev.index]?.origin === 'unit';

  for (const intent of intents) {
    switch (intent.kind) {
      case 'set-variable':
        setVariable(intent.key, intent.value);
        break;
      case 'set-option': {
        const words = optionWords(intent.letter, intent.value);
        if (!words.every((w) => PLAIN_WORD.test(w))) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely in ${optName}`);
        expectedOptions.push({ letter: intent.letter, value: intent.value });
        const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
        const target = intent.replace ?? last;
        const variable = spec.variableOf(intent.letter);
        if (target && inOptions(target)) {
          if (target.spec.short === intent.letter && target.value === intent.value && target === last) break;
          const shown = shownOption(target, argv);
          replaceOption(ctx, target, words, shown);
          optionsTouched = true;
          addNote(opts!, `# mchard: replaced ${shown} with ${words.join(' ')} in ${optName} ${tag}`);
        } else if (variable && intent.value !== null && (!target || (fromUnit(target) && target.spec.short === intent.letter))) {
          setVariable(variable, intent.value);
        } else if (last && inOptions(last)) {
          const shown = shownOption(last, argv);
          replaceOption(ctx, last, words, shown);
          optionsTouched = true;
          addNote(opts!, `# mchard: replaced ${shown} with ${words.join(' ')} in ${optName} ${tag}`);
        } else {
          addToOptions(words);
        }
        break;
      }
      case 'remove-option': {
        const o = intent.option;
        if (inOptions(o)) {
          const shown = o.value === null ? o.written : shownOption(o, argv);
          removeOption(ctx, o, shown);
          optionsTouched = true;
          removed.push(shown);
          break;
        }
        const variable = fromUnit(o) ? spec.omittedWhenEmpty(o.spec.short) : null;
        if (!variable) throw new CannotEdit(`${o.written} is not written in ${optName}`);
        setVariable(variable, '');
        break;
      }
      case 'drop-text':
        charEdits.push(dropText(config, intent.span));
        break;
      case 'move-comment':
        throw new CannotEdit('there is no text glued after a quote in a shell file');
    }
  }
  finishClusters(ctx);
  if (removed.length) addNote(opts!, `# mchard: removed ${removed.join(', ')} from ${optName} ${tag}`);

  const optWords = () => expected.resultOf(optIdx, true);
  if (opts && optionsTouched && opts.quote === null) {
    const words = optWords();
    if (!words.every((w) => PLAIN_WORD.test(w))) throw new CannotEdit(`${optName} is unquoted and holds words that cannot be quoted safely`);
    charEdits.push({ start: opts.valueSpan.start, end: opts.valueSpan.end, text: encodeShValue(words.join(' '), '"') });
  } else {
    charEdits.push(...mergeDeletions(ctx.edits).map(({ start, end, text: t }) => ({ start, end, text: t })));
  }
  if (!opts && addedOptions.length) addLine(`${optName}=${encodeShValue(addedOptions.join(' '), '"')}`);

  for (const [at, lines] of notes) lineInserts.unshift({ at, lines });
  const output = applyEdits(text, charEdits, lineInserts, eol);

  // Check the result the way the shell and the init script read it.
  const after = spec.reparse(output.text);
  if (after.launchFailure && !config.launchFailure) throw new CannotEdit(`the edited file would not start memcached: ${after.launchFailure.reason}`);
  if (config.argvExact && !after.argvExact) throw new CannotEdit('the edited file would depend on the host');
  for (const [key, value] of expectedEnv) {
    const got = after.vars.env.get(key)?.value;
    if (got !== value) throw new CannotEdit(`the edited file would set ${key} to ${JSON.stringify(got ?? null)} instead of ${JSON.stringify(value)}`);
  }
  for (const [key, asg] of env) {
    if (expectedEnv.has(key) || key === optName) continue;
    if (after.vars.env.get(key)?.value !== asg.value) throw new CannotEdit(`the edit would change ${key}`);
  }
  for (const key of after.vars.env.keys()) {
    if (!env.has(key) && !expectedEnv.has(key) && !(key === optName && addedOptions.length)) throw new CannotEdit(`the edit would add ${key}`);
  }
  const want = opts ? optWords() : addedOptions;
  const newOpts = after.vars.env.get(optName);
  const got = newOpts ? after.argv.filter((t) => t.origin === 'file' && within(t.span, newOpts.valueSpan)).map((t) => t.value) : [];
  if (!sameWords(want, got)) throw new CannotEdit(`the edited ${optName} would give "${got.join(' ')}" instead of "${want.join(' ')}"`);
  const applied = analyze(after.argv, { version: model.version }).applied.options;
  // A variable set for an option must reach memcached as that option's value.
  for (const [key, value] of expectedEnv) {
    const letter = [...'pUlmcusa'].find((l) => spec.variableOf(l) === key);
    if (letter && value !== '' && !expectedOptions.some((e) => e.letter === letter)) expectedOptions.push({ letter, value });
  }
  for (const e of expectedOptions) {
    const last = applied.filter((o) => o.spec.short === e.letter).at(-1);
    if (!last || (e.value !== null && last.value !== e.value)) {
      throw new CannotEdit(`memcached would not get -${e.letter}${e.value === null ? '' : ` ${e.value}`} from the edited file`);
    }
  }
  return output;
}

/** The offset of the quote that closes the one at `start`, or -1. */
function closingQuote(text: string, start: number, quote: '"' | "'"): number {
  for (let k = start + 1; k < text.length; k++) {
    if (quote === '"' && text[k] === '\\') k++;
    else if (text[k] === quote) return k;
  }
  return -1;
}

/** Deletes a span; a line left blank goes entirely. */
function dropText(config: ShVarsConfig, span: Span): CharEdit {
  const src = config.source;
  const { line } = src.position(span.start);
  const l = config.vars.lines[line - 1];
  const rest = l.text.slice(0, span.start - l.start) + l.text.slice(Math.min(l.text.length, span.end - l.start));
  if (rest.trim() === '' && span.end <= l.start + l.text.length) return { start: l.start, end: l.start + l.text.length + l.eol.length, text: '' };
  return { start: span.start, end: span.end, text: '' };
}

