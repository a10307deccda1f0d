/**
 * Fix intents → edits of a RHEL/Fedora `/etc/sysconfig/memcached` (a systemd EnvironmentFile).
 *
 * - Options change inside the existing `OPTIONS="..."` value, keeping its quotes (an unquoted OPTIONS
 *   value is rewritten in double quotes, which systemd and a shell read alike); a missing OPTIONS is added.
 * - `PORT`, `USER`, `CACHESIZE`, `MAXCONN` change on their own line, or are added after the others.
 * - Comments must be whole lines: what was removed or replaced is recorded on a `# mchard:` line added
 *   above the assignment (`# mchard: removed -A from OPTIONS (MC501)`, `# mchard: USER was "root" (MC201)`).
 * Every other line stays byte for byte. The result is checked by parsing it as systemd would: the
 * variables and OPTIONS words must come out as the intents describe, or the edit is refused.
 */
import { SourceText, type Span } from '../source.js';
import { parseSysconfig, type SysconfigAssignment, type SysconfigConfig } from '../dialects/sysconfig.js';
import type { OptionEvent } from '../memcached/getopt.js';
import { applyEdits, dominantEol, type CharEdit, type LineInsert } from './text-edit.js';
import { ExpectedWords, optionWords, PLAIN_WORD, sameWords, shownOption } from './words.js';
import { appendOptionWords, attempt, CannotEdit, finishClusters, mergeDeletions, removeOption, replaceOption, type WordEditContext } from './word-edits.js';
import type { EditAttempt, EditSession } from './types.js';

/** The variables the unit turns into an option, by option letter. */
const VARIABLE_OF: Record<string, string> = { p: 'PORT', u: 'USER', m: 'CACHESIZE', c: 'MAXCONN' };
const REQUIRED = new Set(['PORT', 'USER', 'CACHESIZE', 'MAXCONN']);

/** A value as systemd's EnvironmentFile parser reads it back, in the given quote style where possible. */
export function encodeValue(value: string, quote: '"' | "'" | null): string {
  if (quote === "'" && !value.includes("'")) return `'${value}'`;
  if (quote === null && value !== '' && PLAIN_WORD.test(value)) return value;
  return `"${value.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}

/** A `# mchard:` line: one line, and never ending in a backslash (systemd v252 would join the next line to it). */
function note(text: string): string {
  const one = text.replace(/[\r\n]+/g, ' ');
  return one.endsWith('\\') ? `${one} ` : one;
}

/** The offset just after the closing quote of a quoted value starting at `start`, or -1. */
function closingQuote(text: string, start: number, quote: '"' | "'"): number {
  for (let k = start + 1; k < text.length; k++) {
    if (quote === '"' && text[k] === '\\') {
      k++;
      continue;
    }
    if (text[k] === quote) return k;
  }
  return -1;
}

export function editSysconfig(session: EditSession<SysconfigConfig>): EditAttempt {
  return attempt(() => build(session));
}

function build({ config, model, intents, label }: EditSession<SysconfigConfig>) {
  const text = config.source.text;
  const argv = config.argv;
  const eol = dominantEol(text);
  const opts = config.environment.get('OPTIONS');
  const within = (sp: Span | null, outer: Span) => !!sp && sp.start >= outer.start && sp.end <= outer.end;
  const optIdx = new Set<number>();
  if (opts) argv.forEach((t, i) => t.origin === 'file' && within(t.span, opts.valueSpan) && optIdx.add(i));

  // The inside of OPTIONS' quotes (or its whole unquoted value): where its words and their blanks are.
  let optRegion = { lo: 0, hi: 0 };
  if (opts) {
    if (opts.quote) {
      const close = closingQuote(text, opts.valueSpan.start, opts.quote);
      optRegion = { lo: opts.valueSpan.start + 1, hi: close === -1 ? opts.valueSpan.end : close };
    } else optRegion = { lo: opts.valueSpan.start, hi: opts.valueSpan.end };
  }
  const expected = new ExpectedWords(argv.map((t) => t.value));
  const ctx: WordEditContext = { text, argv, hashComments: false, expected, edits: [], clusters: new Map(), region: () => optRegion };
  const charEdits: CharEdit[] = [];
  const lineInserts: LineInsert[] = [];
  const notes = new Map<number, string[]>();
  const addNote = (asg: SysconfigAssignment, line: string) => {
    const at = lineStartOf(config, asg.keySpan.start);
    notes.set(at, [...(notes.get(at) ?? []), note(line)]);
  };
  const expectedEnv = new Map<string, string>();
  const skipKeys = new Set<string>();
  let skipOptions = false;
  let optionsTouched = false;
  let addedOptions: string[] = [];
  const removed: string[] = [];
  const tag = `(${label.ruleId})`;
  const inOptions = (ev: OptionEvent) => optIdx.has(ev.index) && (ev.valueIndex === null || optIdx.has(ev.valueIndex));

  const setVariable = (key: string, value: string) => {
    if (expectedEnv.has(key) && expectedEnv.get(key) !== value) throw new CannotEdit(`${key} would be set twice`);
    if (expectedEnv.get(key) === value) return;
    expectedEnv.set(key, value);
    const asg = config.environment.get(key);
    if (asg) {
      if (asg.value === value) return;
      charEdits.push({ start: asg.valueSpan.start, end: asg.valueSpan.end, text: encodeValue(value, asg.quote) });
      if (asg.value !== '') addNote(asg, `# mchard: ${key} was ${text.slice(asg.valueSpan.start, asg.valueSpan.end)} ${tag}`);
      return;
    }
    addLine(`${key}=${encodeValue(value, dominantQuote(config))}`, key);
  };

  const addLine = (line: string, key: string) => {
    const anchor = [...config.environment.values()].filter((a) => REQUIRED.has(a.key) || a.key === key).sort((a, b) => a.valueSpan.end - b.valueSpan.end).at(-1)
      ?? [...config.environment.values()].sort((a, b) => a.valueSpan.end - b.valueSpan.end).at(-1);
    let at = text.length;
    if (anchor) {
      const last = Math.max(anchor.valueSpan.end - 1, anchor.keySpan.end);
      const nl = text.indexOf('\n', last);
      at = nl === -1 ? text.length : nl + 1;
    }
    // A comment ending in a backslash would swallow the new line (systemd v252): put a blank line between.
    const before = text.slice(0, at).replace(/\r?\n$/, '');
    const prevLine = before.slice(before.lastIndexOf('\n') + 1).replace(/\r$/, '');
    lineInserts.push({ at, lines: prevLine.endsWith('\\') ? ['', line] : [line] });
  };

  const addToOptions = (words: string[]) => {
    optionsTouched = true;
    addedOptions = [...addedOptions, ...words];
    if (!opts) return;
    appendOptionWords(ctx, [...optIdx], optRegion.lo, words);
  };

  // The assignment holding an offset: assignments do not overlap, so it can only be the last one starting
  // at or before it, found by binary search (a find() per intent made a file of many assignments quadratic).
  const byStart = [...config.assignments].sort((a, b) => a.keySpan.start - b.keySpan.start);
  const assignmentAt = (pos: number, holds: (a: (typeof byStart)[number]) => boolean) => {
    let lo = 0;
    let hi = byStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byStart[mid].keySpan.start <= pos) lo = mid + 1;
      else hi = mid;
    }
    const near = byStart[lo - 1];
    return near && holds(near) ? near : undefined;
  };
  for (const intent of intents) {
    switch (intent.kind) {
      case 'set-variable':
        setVariable(intent.key, intent.value);
        break;
      case 'set-option': {
        const words = optionWords(intent.letter, intent.value);
        if (!words.every((w) => PLAIN_WORD.test(w))) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely in OPTIONS`);
        const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
        const target = intent.replace ?? last;
        if (target && inOptions(target)) {
          if (target.spec.short === intent.letter && target.value === intent.value && target === last) break;
          const shown = shownOption(target, argv);
          replaceOption(ctx, target, words, shown);
          optionsTouched = true;
          addNote(opts!, `# mchard: replaced ${shown} with ${words.join(' ')} in OPTIONS ${tag}`);
        } else if (target && argv[target.index]?.origin === 'unit' && target.spec.short === intent.letter && VARIABLE_OF[intent.letter] && intent.value !== null) {
          setVariable(VARIABLE_OF[intent.letter], intent.value);
        } else if (last && inOptions(last)) {
          const shown = shownOption(last, argv);
          replaceOption(ctx, last, words, shown);
          optionsTouched = true;
          addNote(opts!, `# mchard: replaced ${shown} with ${words.join(' ')} in OPTIONS ${tag}`);
        } else {
          addToOptions(words);
        }
        break;
      }
      case 'remove-option': {
        if (!inOptions(intent.option)) throw new CannotEdit(`${intent.option.written} is not written in OPTIONS`);
        const shown = intent.option.value === null ? intent.option.written : shownOption(intent.option, argv);
        removeOption(ctx, intent.option, shown);
        optionsTouched = true;
        removed.push(shown);
        break;
      }
      case 'drop-text': {
        charEdits.push(dropText(config, intent.span));
        const asg = assignmentAt(intent.span.start, (a) => a.keySpan.start <= intent.span.start && intent.span.start < Math.max(a.keySpan.end, a.valueSpan.end));
        if (asg) {
          const name = asg.key.replace(/^export[ \t]+/, '');
          skipKeys.add(name);
          if (name === 'OPTIONS') skipOptions = true;
        }
        break;
      }
      case 'move-comment': {
        const glued = text.slice(intent.span.start, intent.span.end);
        if (!glued.startsWith('#') || /[\r\n]/.test(glued)) throw new CannotEdit('the text after the quote is not a one-line comment');
        const asg = assignmentAt(intent.span.start, (a) => a.valueSpan.start <= intent.span.start && intent.span.start < a.valueSpan.end);
        if (!asg) throw new CannotEdit('no assignment holds the comment');
        let s = intent.span.start;
        while (s > asg.valueSpan.start && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
        let e = intent.span.end;
        while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
        charEdits.push({ start: s, end: e, text: '' });
        const at = lineStartOf(config, asg.keySpan.start);
        notes.set(at, [...(notes.get(at) ?? []), note(glued.replace(/[ \t]+$/, ''))]);
        if (asg.effective) {
          const kept = asg.valueSources.map((src, k) => (src.start < intent.span.start ? asg.value[k] : '')).join('');
          expectedEnv.set(asg.key, kept);
          if (asg.key === 'OPTIONS') skipOptions = true;
        }
        break;
      }
    }
  }
  finishClusters(ctx);
  if (removed.length) {
    if (!opts) throw new CannotEdit('there is no OPTIONS to remove options from');
    addNote(opts, `# mchard: removed ${removed.join(', ')} from OPTIONS ${tag}`);
  }

  // OPTIONS: edits in place inside quotes; an unquoted value is rewritten quoted; a missing one is added.
  const optWords = () => expected.resultOf(optIdx, true);
  if (opts && optionsTouched && opts.quote === null) {
    const words = optWords();
    if (!words.every((w) => !/[\s'"\\]/.test(w))) throw new CannotEdit('OPTIONS is unquoted and holds words that cannot be quoted safely');
    charEdits.push({ start: opts.valueSpan.start, end: opts.valueSpan.end, text: encodeValue(words.join(' '), '"') });
  } else {
    charEdits.push(...mergeDeletions(ctx.edits).map(({ start, end, text: t }) => ({ start, end, text: t })));
  }
  if (!opts && addedOptions.length) addLine(`OPTIONS=${encodeValue(addedOptions.join(' '), '"')}`, 'OPTIONS');

  for (const [at, lines] of notes) lineInserts.unshift({ at, lines });
  const output = applyEdits(text, charEdits, lineInserts, eol);

  // Check the result the way systemd reads it.
  const after = parseSysconfig(new SourceText(config.source.path, output.text), { unit: config.unit });
  if (after.loadError && !config.loadError) throw new CannotEdit(`systemd could not load the edited file: ${after.loadError.reason}`);
  for (const [key, value] of expectedEnv) {
    const got = after.environment.get(key)?.value;
    if (got !== value) throw new CannotEdit(`the edited file would set ${key} to ${JSON.stringify(got ?? null)} instead of ${JSON.stringify(value)}`);
  }
  for (const [key, asg] of config.environment) {
    if (expectedEnv.has(key) || skipKeys.has(key) || key === 'OPTIONS') continue;
    if (after.environment.get(key)?.value !== asg.value) throw new CannotEdit(`the edit would change ${key}`);
  }
  for (const key of after.environment.keys()) {
    if (!config.environment.has(key) && !expectedEnv.has(key) && !skipKeys.has(key) && !(key === 'OPTIONS' && addedOptions.length)) {
      throw new CannotEdit(`the edit would add ${key}`);
    }
  }
  if (!skipOptions) {
    const want = opts ? optWords() : addedOptions;
    const newOpts = after.environment.get('OPTIONS');
    const got = newOpts ? after.argv.filter((t) => t.origin === 'file' && within(t.span, newOpts.valueSpan)).map((t) => t.value) : [];
    if (!sameWords(want, got)) throw new CannotEdit(`the edited OPTIONS would be "${got.join(' ')}" instead of "${want.join(' ')}"`);
  }
  return output;
}

function lineStartOf(config: SysconfigConfig, offset: number): number {
  return config.source.lineStart(config.source.position(offset).line);
}

/** The quote most assignments use (double quotes when there are none, or as many unquoted as quoted). */
function dominantQuote(config: SysconfigConfig): '"' | "'" | null {
  let q = 0;
  let u = 0;
  for (const a of config.environment.values()) {
    if (a.quote) q++;
    else if (a.value !== '') u++;
  }
  return u > q ? null : '"';
}

/** Deletes a span; a line left blank goes entirely. */
function dropText(config: SysconfigConfig, span: Span): CharEdit {
  const src = config.source;
  const { line } = src.position(span.start);
  const l = config.lines[line - 1];
  const rest = l.text.slice(0, span.start - l.start) + l.text.slice(Math.min(l.text.length, span.end - l.start));
  if (rest.trim() === '' && span.end <= l.start + l.text.length) return { start: l.start, end: l.start + l.text.length + l.eol.length, text: '' };
  return { start: span.start, end: span.end, text: '' };
}
