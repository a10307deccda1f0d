/**
 * Quick fixes for the editor, planned by `mchard fix`'s own planner (`src/fix/plan.ts`, the dialect
 * editors of `src/fix/editors.ts`): the fixed text is what `mchard fix` would write, and the edit sent
 * to the editor is the difference between the document and that text, in as few and as small ranges as
 * a line diff and a character trim give.
 *
 * Two plans: one finding's fix (its quick fix), and every safe fix of the file (`source.fixAll.mchard`).
 * The planner takes the fixes the findings offer; to plan a subset, each rule is wrapped so that the
 * findings outside the subset are reported without their fix. They are still reported, so suppressions
 * are used and severities apply exactly as in `mchard fix`.
 */
import { diffChars, diffLines, type ChangeObject } from 'diff';
import type { TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../source.js';
import { fixContextOf, type LintSettings } from '../engine/lint.js';
import type { FixContext } from '../engine/rule.js';
import type { Finding, FindingInput, Rule } from '../engine/types.js';
import { fixSafety as decideSafety, planFix, type FixPlan, type FixSettings } from '../fix/plan.js';
import type { DocumentLint } from './analysis.js';

type Linted = Extract<DocumentLint, { outcome: 'linted' }>;

/**
 * The safety of the fix a finding offers, or null for none: the rule's declared safety, or, given the
 * document's lint, the safety the rule decides for this case (as `mchard fix` does, without host checks:
 * an editor's document is not this machine's service file).
 */
export function fixSafety(f: Finding, lint?: Linted): 'safe' | 'unsafe' | null {
  if (!f.fix) return null;
  const fix = fixOf(f, lint);
  if (!fix) return f.fix.safety;
  return decideSafety(fix.rule, fix.ctx, f.fix.state, fix.settings).safety;
}

/** What a finding's fix does, in a few words (the rule builds it from the finding; titles of actions resolved later). */
export function fixDescription(f: Finding, lint?: Linted): string {
  const fix = fixOf(f, lint);
  const built = fix ? fix.rule.fix!.build(fix.ctx, f.fix!.state) : null;
  return built?.description ?? `fix ${f.ruleId}`;
}

/** The rule of a finding's fix and what its fix reads (without host checks), given the document's lint; else null. */
function fixOf(f: Finding, lint: Linted | undefined): { rule: Rule; ctx: FixContext; settings: LintSettings } | null {
  if (!lint || !f.fix) return null;
  const rule = lint.settings.rules.find((r) => r.id === f.ruleId);
  if (!rule?.fix) return null;
  // A file that starts several instances: the finding's own instance, as mchard fix plans it (src/fix/plan.ts).
  return { rule, ctx: fixContextOf(lint.result.parts?.[f.part ?? 0] ?? lint.result, lint.settings, null), settings: lint.settings };
}

function sameSpan(a: Span | null, b: Span | null): boolean {
  return a === b || (a !== null && b !== null && a.start === b.start && a.end === b.end);
}

/** The rules, each reporting its findings without their fix unless `keep` says otherwise. */
function keepingFixes(rules: readonly Rule[], keep: (rule: Rule, input: FindingInput<unknown>) => boolean): Rule[] {
  return rules.map((rule) => ({
    ...rule,
    check: (ctx) =>
      rule.check({
        ...ctx,
        report: (input: FindingInput<unknown>) => {
          if (!input.fix || keep(rule, input)) return ctx.report(input);
          const { fix: _dropped, ...rest } = input;
          return ctx.report(rest);
        },
      }),
  }));
}

function plan(lint: Linted, settings: FixSettings): FixPlan {
  return planFix(lint.source, lint.dialect, settings);
}

/**
 * Every safe fix of the document, as `mchard fix` plans them (unsafe fixes are not applied, as `fix`
 * does without `--unsafe-fixes`).
 */
export function planSafeFixes(lint: Linted): FixPlan {
  return plan(lint, { ...lint.settings, unsafeFixes: false });
}

/**
 * The fix of one finding alone (the same rule's other findings keep theirs out of it), unsafe or not: the
 * caller says which it offers.
 */
export function planFindingFix(lint: Linted, finding: Finding): FixPlan {
  const keep = (rule: Rule, input: FindingInput<unknown>) => rule.id === finding.ruleId && sameSpan(input.span, finding.span) && input.message === finding.message;
  return plan(lint, { ...lint.settings, rules: keepingFixes(lint.settings.rules, keep), unsafeFixes: true });
}

/** A span of the old text and what replaces it. */
export interface Replacement {
  start: number;
  end: number;
  text: string;
}

/** A changed piece: `before[a0, a1)` became `after[b0, b1)`; between two pieces the texts agree. */
interface Piece {
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/** Hunks larger than this (either side, UTF-16 units) are not diffed character by character. */
const CHAR_DIFF_LIMIT = 16 * 1024;
/** The diff gives up after this long (a hostile document); the replacement is then coarser, never wrong. */
const DIFF_TIMEOUT_MS = 1000;

/** A boundary no edit may split: inside `\r\n` (an editor's position cannot point there) or inside a surrogate pair. */
function splits(s: string, at: number): boolean {
  if (at <= 0 || at >= s.length) return false;
  const a = s.charCodeAt(at - 1);
  const b = s.charCodeAt(at);
  return (a === 13 && b === 10) || (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff);
}

/** The common prefix and suffix taken off a piece. */
function trimmed(before: string, after: string, p: Piece): Piece {
  let { a0, a1, b0, b1 } = p;
  while (a0 < a1 && b0 < b1 && before.charCodeAt(a0) === after.charCodeAt(b0)) a0++, b0++;
  while (a1 > a0 && b1 > b0 && before.charCodeAt(a1 - 1) === after.charCodeAt(b1 - 1)) a1--, b1--;
  return { a0, a1, b0, b1 };
}

/** The changed pieces of a diff's parts (removed and added runs, grouped), at offsets from `a` and `b`. */
function changedPieces(parts: readonly ChangeObject<string>[], a: number, b: number): Piece[] {
  const out: Piece[] = [];
  let cur: Piece | null = null;
  for (const part of parts) {
    const n = part.value.length;
    if (part.added || part.removed) {
      cur ??= { a0: a, a1: a, b0: b, b1: b };
      if (part.added) b += n;
      else a += n;
      cur.a1 = a;
      cur.b1 = b;
    } else {
      if (cur) out.push(cur);
      cur = null;
      a += n;
      b += n;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** The pieces of one changed hunk: character by character when it is small, else the hunk less its common ends. */
function hunkPieces(before: string, after: string, hunk: Piece): Piece[] {
  const old = before.slice(hunk.a0, hunk.a1);
  const neu = after.slice(hunk.b0, hunk.b1);
  const parts = old.length <= CHAR_DIFF_LIMIT && neu.length <= CHAR_DIFF_LIMIT ? diffChars(old, neu, { timeout: DIFF_TIMEOUT_MS }) : undefined;
  return parts ? changedPieces(parts, hunk.a0, hunk.b0) : [trimmed(before, after, hunk)];
}

/**
 * The replacements that turn `before` into `after`: the changed lines (a line diff), then the changed
 * characters inside them, widened so that none splits a CRLF or a surrogate pair.
 */
export function replacements(before: string, after: string): Replacement[] {
  if (before === after) return [];
  const lines = diffLines(before, after, { timeout: DIFF_TIMEOUT_MS });
  const pieces = lines
    ? changedPieces(lines, 0, 0).flatMap((hunk) => hunkPieces(before, after, hunk))
    : [trimmed(before, after, { a0: 0, a1: before.length, b0: 0, b1: after.length })];
  // Widen each piece over the common text around it until no boundary splits a character or a CRLF; two
  // pieces that then touch become one (the text between them is the same in both).
  const out: Piece[] = [];
  for (const p of pieces) {
    const w = { ...p };
    while (w.a0 > 0 && w.b0 > 0 && (splits(before, w.a0) || splits(after, w.b0))) w.a0--, w.b0--;
    while (w.a1 < before.length && w.b1 < after.length && (splits(before, w.a1) || splits(after, w.b1))) w.a1++, w.b1++;
    const last = out[out.length - 1];
    if (last && w.a0 <= last.a1) {
      last.a1 = Math.max(last.a1, w.a1);
      last.b1 = Math.max(last.b1, w.b1);
    } else out.push(w);
  }
  return out.map((p) => ({ start: p.a0, end: p.a1, text: after.slice(p.b0, p.b1) }));
}

/**
 * The LSP text edits that turn `before` (the text as linted, of the document's current version) into
 * `after`; positions from the document, whose offsets are the same.
 */
export function textEdits(doc: TextDocument, before: string, after: string): TextEdit[] {
  return replacements(before, after).map((r) => ({ range: { start: doc.positionAt(r.start), end: doc.positionAt(r.end) }, newText: r.text }));
}
