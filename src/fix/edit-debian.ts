/**
 * Fix intents → edits of a Debian `/etc/memcached.conf`, one option a line.
 *
 * - A changed line is kept, commented out, with a `# mchard:` note saying what changed and why, and the
 *   new line follows it: `# -l 0.0.0.0  # mchard: -l 0.0.0.0 replaced (MC101 listen-all-interfaces)`.
 * - A line left without options becomes the note alone, followed by the line's own comment if it had
 *   one: `# mchard: -A removed (MC501 shutdown-command-enabled)`.
 * - An added option goes on a line of its own after the line of a related option (`-U` after `-p`), or
 *   after the last line the wrapper keeps.
 * Every other line stays byte for byte. The result is checked: the wrapper must hand memcached exactly
 * the argument vector the intents describe, or the edit is refused.
 */
import { SourceText, type Span } from '../source.js';
import { parseDebian, type DebianConfig, type DebianLine } from '../dialects/debian.js';
import { commentSafe, keptText, lineParts } from '../dialects/debian-lines.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { OptionEvent } from '../memcached/getopt.js';
import { applyEdits, dominantEol, lineIndexOf, type CharEdit, type LineInsert } from './text-edit.js';
import { ExpectedWords, optionWords, PLAIN_WORD, sameWords, shownOption } from './words.js';
import { attempt, CannotEdit, finishClusters, mergeDeletions, removeOption, replaceOption, type WordEditContext } from './word-edits.js';
import type { EditAttempt, EditSession } from './types.js';

/** Options an added option is best placed next to, in order of preference. */
const RELATED: Record<string, string[]> = {
  l: ['p', 'U', 's'],
  U: ['p', 'l'],
  p: ['l', 'U'],
  u: ['m', 'p', 'l'],
  a: ['s'],
  s: ['a'],
  X: ['l', 'p'],
};

function bodyOf(line: DebianLine): { body: string; cr: string } {
  return line.text.endsWith('\r') ? { body: line.text.slice(0, -1), cr: '\r' } : { body: line.text, cr: '' };
}

/**
 * `fresh`: 0-based indexes of lines an earlier fix of the same run wrote. A fresh option line right after
 * its fresh commented-out original is edited in place, its note extended, rather than commented out again.
 */
export function editDebian(session: EditSession<DebianConfig>): EditAttempt {
  return attempt(() => build(session));
}

/** A commented-out line with its note, as this editor writes it. */
const COMMENTED_OUT = /^# .*  # mchard: .*\)$/;

function build({ config, model, intents, label, fresh }: EditSession<DebianConfig>) {
  const text = config.source.text;
  const lines = config.lines;
  const argv = config.argv;
  const eol = dominantEol(text);
  const expected = new ExpectedWords(argv.map((t) => (t.origin === 'file' ? t.value : '')));
  argv.forEach((t, i) => t.origin !== 'file' && expected.remove(i));
  const ctx: WordEditContext = {
    text,
    argv,
    hashComments: true,
    expected,
    edits: [],
    clusters: new Map(),
    region: (i) => {
      const sp = argv[i]?.span;
      if (!sp) throw new CannotEdit(`"${argv[i]?.value}" has no place in the file`);
      const line = lines[lineIndexOf(lines, sp.start)];
      return { lo: line.start, hi: line.start + bodyOf(line).body.length };
    },
  };
  const inserts: { at: number; words: string[] }[] = [];
  const extraEdits: CharEdit[] = [];
  const fromFile = (ev: OptionEvent | undefined): ev is OptionEvent => !!ev && argv[ev.index]?.origin === 'file' && !!argv[ev.index]?.span;

  for (const intent of intents) {
    switch (intent.kind) {
      case 'set-option': {
        const words = optionWords(intent.letter, intent.value);
        if (!words.every((w) => PLAIN_WORD.test(w))) throw new CannotEdit(`"${words.join(' ')}" cannot be written safely in a Debian file`);
        const last = model.applied.options.filter((o) => o.spec.short === intent.letter).at(-1);
        const target = intent.replace ?? last;
        if (fromFile(target)) {
          if (target.spec.short === intent.letter && target.value === intent.value && target === last) break;
          replaceOption(ctx, target, words, `${shownOption(target, argv)} replaced`);
        } else {
          if (last && fromFile(last)) {
            // The last occurrence wins: change it rather than adding one that an earlier line would not override.
            replaceOption(ctx, last, words, `${shownOption(last, argv)} replaced`);
          } else {
            inserts.push({ at: insertionOffset(config, model, intent.letter), words });
          }
        }
        break;
      }
      case 'remove-option': {
        const option: OptionEvent = intent.option;
        if (!fromFile(option)) throw new CannotEdit(`-${intent.option.spec.short} is not written in the file`);
        removeOption(ctx, option, `${shownOption(option, argv)} removed`);
        break;
      }
      case 'drop-text':
        extraEdits.push(dropText(config, intent.span));
        break;
      case 'set-variable':
      case 'move-comment':
        throw new CannotEdit(`a ${intent.kind} change applies to sysconfig files, not to a Debian file`);
    }
  }
  finishClusters(ctx);

  // Rebuild each touched line: the old one commented out with a note, then the new one.
  const byLine = new Map<number, typeof ctx.edits>();
  for (const e of ctx.edits) {
    const li = lineIndexOf(lines, e.start);
    const line = lines[li];
    const { body } = bodyOf(line);
    if (e.end > line.start + body.length || e.start < line.start) throw new CannotEdit('an option spans several lines');
    byLine.set(li, [...(byLine.get(li) ?? []), e]);
  }
  const charEdits: CharEdit[] = [...extraEdits];
  const tag = `(${label.ruleId} ${label.slug})`;
  for (const [li, edits] of byLine) {
    const line = lines[li];
    const { body, cr } = bodyOf(line);
    const sorted = mergeDeletions(edits.map((e) => ({ ...e, start: e.start - line.start, end: e.end - line.start })));
    let newBody = '';
    let pos = 0;
    for (const e of sorted) {
      if (e.start < pos) throw new CannotEdit('two changes overlap on one line');
      newBody += body.slice(pos, e.start) + e.text;
      pos = e.end;
    }
    newBody += body.slice(pos);
    const descs = [...new Set(edits.map((e) => e.desc))].join(', ');
    const prev = li > 0 ? lines[li - 1] : undefined;
    const prevBody = prev ? bodyOf(prev).body : '';
    if (prev && fresh.has(li) && fresh.has(li - 1) && !byLine.has(li - 1) && COMMENTED_OUT.test(prevBody)) {
      // This run already replaced the line: change the new one in place and add to the note above it.
      const more = commentSafe(`, ${descs} ${tag}`);
      const prevEnd = prev.start + prevBody.length;
      if (keptText(newBody) === '') {
        charEdits.push({ start: prevEnd, end: line.start + body.length, text: more });
      } else {
        charEdits.push({ start: prevEnd, end: prevEnd, text: more });
        charEdits.push({ start: line.start, end: line.start + body.length, text: newBody });
      }
      continue;
    }
    const parts = lineParts(body);
    const comment = parts.commentStart >= 0 ? body.slice(parts.commentStart) : '';
    let replacement: string;
    if (keptText(newBody) === '') {
      replacement = commentSafe(`# mchard: ${descs} ${tag}`) + (comment ? `  ${comment}` : '');
      if (keptText(replacement) !== '') throw new CannotEdit('the note would not be a comment');
    } else {
      const np = lineParts(newBody);
      const newLine = np.commentStart >= 0 ? newBody.slice(0, np.keptEnd) : newBody;
      const old = `# ${commentSafe(body)}  # mchard: ${commentSafe(descs)} ${tag}`;
      if (keptText(old) !== '') throw new CannotEdit('the line cannot be commented out safely');
      replacement = `${old}${cr}\n${newLine}`;
    }
    charEdits.push({ start: line.start, end: line.start + body.length, text: replacement });
  }

  const lineInserts: LineInsert[] = [];
  for (const ins of inserts) {
    const at = ins.at;
    lineInserts.push({ at, lines: [ins.words.join(' ')] });
    // The words land after every argument that comes from text before `at`.
    let after = -1;
    argv.forEach((t, i) => {
      if (t.origin === 'file' && t.span && t.span.end <= at) after = i;
    });
    expected.insertAfter(after, ins.words);
  }

  const output = applyEdits(text, charEdits, lineInserts, eol);
  const after = parseDebian(new SourceText(config.source.path, output.text));
  const want = expected.result();
  const got = after.argv.map((t) => t.value);
  if (!sameWords(want, got)) {
    throw new CannotEdit(`the edited file would give memcached "${got.join(' ')}" instead of "${want.join(' ')}"`);
  }
  if (after.launchFailure && !config.launchFailure) throw new CannotEdit('the edited file would make the wrapper fail');
  return output;
}

/**
 * Where an added option goes: after the line of a related option, else after the last line the wrapper
 * keeps; always before a `--` (memcached ignores everything after it).
 */
function insertionOffset(config: DebianConfig, model: MemcachedModel, letter: string): number {
  const lines = config.lines;
  const text = config.source.text;
  const afterLine = (li: number) => lines[li + 1]?.start ?? text.length;
  const lineOfSpan = (sp: Span | null | undefined) => (sp ? lineIndexOf(lines, sp.end - 1) : null);
  let at: number | null = null;
  for (const rel of RELATED[letter] ?? []) {
    const o = model.applied.options.filter((x) => x.spec.short === rel && config.argv[x.index]?.origin === 'file').at(-1);
    if (!o) continue;
    const li = lineOfSpan(config.argv[o.valueIndex ?? o.index]?.span ?? config.argv[o.index]?.span);
    if (li !== null) {
      at = afterLine(li);
      break;
    }
  }
  if (at === null) {
    const last = config.argv.filter((t) => t.origin === 'file' && t.span).at(-1);
    const li = last ? lineOfSpan(last.span) : null;
    at = li === null ? text.length : afterLine(li);
  }
  const dd = config.argv.find((t) => t.origin === 'file' && t.span && t.value === '--');
  if (dd?.span && dd.span.start < at) at = lines[lineIndexOf(lines, dd.span.start)].start;
  return at;
}

/** Deletes a span; a line left blank goes entirely. */
function dropText(config: DebianConfig, span: Span): CharEdit {
  const lines = config.lines;
  const li = lineIndexOf(lines, span.start);
  const line = lines[li];
  const { body } = bodyOf(line);
  const rest = body.slice(0, span.start - line.start) + body.slice(Math.min(body.length, span.end - line.start));
  if (rest.trim() === '' && span.end <= line.start + line.text.length) {
    return { start: line.start, end: line.start + line.text.length + line.eol.length, text: '' };
  }
  let s = span.start;
  while (s > line.start && (config.source.text[s - 1] === ' ' || config.source.text[s - 1] === '\t')) s--;
  return { start: s, end: span.end, text: '' };
}
