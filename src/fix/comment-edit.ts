/**
 * Edits of mchard's own comments (suppression directives), the same in every dialect: replace the comment,
 * or remove it (with its line when it is the whole line, with the blanks before it when it trails code).
 * The result must read the same to the service: the dialect parses it to the same argument vector, notes
 * and start-up verdict, or the edit is refused.
 */
import { SourceText } from '../source.js';
import type { ParsedConfig } from '../dialects/types.js';
import type { FixIntent } from '../engine/types.js';
import { applyEdits, dominantEol, EditConflict, type CharEdit } from './text-edit.js';
import type { EditAttempt } from './types.js';

type CommentIntent = Extract<FixIntent, { kind: 'edit-comment' }>;

export function isCommentIntent(i: FixIntent): i is CommentIntent {
  return i.kind === 'edit-comment';
}

function sameReading(a: ParsedConfig, b: ParsedConfig): boolean {
  const words = (c: ParsedConfig) => JSON.stringify(c.argv.map((t) => [t.value, t.origin, t.exact]));
  const notes = (c: ParsedConfig) => JSON.stringify(c.notes.map((n) => n.kind).sort());
  return words(a) === words(b) && notes(a) === notes(b) && (a.launchFailure === null) === (b.launchFailure === null) && a.argvUnknown === b.argvUnknown;
}

export function editComments(config: ParsedConfig, intents: readonly CommentIntent[], parse: (source: SourceText) => ParsedConfig): EditAttempt {
  const text = config.source.text;
  const edits: CharEdit[] = [];
  for (const i of intents) {
    const lineStart = text.lastIndexOf('\n', i.span.start - 1) + 1;
    const nl = text.indexOf('\n', i.span.end);
    const lineEnd = nl === -1 ? text.length : nl + 1;
    const before = text.slice(lineStart, i.span.start);
    if (i.text !== '') {
      edits.push({ start: i.span.start, end: i.span.end, text: i.text });
    } else if (before.trim() === '') {
      // The whole line goes (a line without a final newline takes the newline before it along).
      const start = nl === -1 && lineStart > 0 ? lineStart - 1 : lineStart;
      edits.push({ start, end: nl === -1 ? text.length : lineEnd, text: '' });
    } else {
      let start = i.span.start;
      while (start > lineStart && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
      edits.push({ start, end: i.span.end, text: '' });
    }
  }
  let output;
  try {
    output = applyEdits(text, edits, [], dominantEol(text));
  } catch (e) {
    if (e instanceof EditConflict) return { ok: false, reason: e.message };
    throw e;
  }
  const after = parse(new SourceText(config.source.path, output.text));
  if (!sameReading(config, after)) return { ok: false, reason: 'without the comment the service would read the file differently' };
  return { ok: true, output };
}
