/**
 * Planning the fix of one file: lint, build the fixes the findings offer (each rule's `fix.build`, which
 * only `mchard fix` calls), write them into the file in its dialect, lint again, and repeat until no
 * fixable finding is left (at most `maxRounds` rounds), so fixes that depend on one another settle
 * (binding to loopback makes "add -X" unnecessary; dropping `export` makes OPTIONS count).
 *
 * Within a round the rules take turns, each on a fresh lint of the text as it stands, in an order that
 * comes from what they declare and what they found, never from their IDs: by phase (dialect, then
 * command line, then settings, then mchard's own comments; see PHASES), then the most severe finding
 * first, then the earliest in the file, then the finding's message. One rule's fixes are applied
 * together; an edit that cannot be written faithfully is refused and its finding stays, with the reason.
 *
 * Fix safety: a rule's fix declares whether it is safe (it changes only what the rule is about) or unsafe
 * (it can change what the service does for its clients, or whether it starts), possibly per case. Unsafe
 * fixes are applied only with `unsafeFixes` (`--unsafe-fixes`); `.mchardrc` can count a rule's fixes as
 * safe or unsafe whatever it declares (`extend-safe-fixes`, `extend-unsafe-fixes`). A fix held back as
 * unsafe is recorded in the plan with the reason.
 */
import { SourceText } from '../source.js';
import type { DialectName, ParseContext } from '../dialects/types.js';
import { fixContextOf, lintSource, parseContextFrom, shownFor, type LintResult, type LintSettings } from '../engine/lint.js';
import type { Finding, FixIntent, Severity } from '../engine/types.js';
import { PHASES, type FixContext, type FixHost, type FixProposal, type Rule, type SafetyDecision } from '../engine/rule.js';
import { editorFor } from './editors.js';
import { editComments, isCommentIntent } from './comment-edit.js';
import { dialectOf } from '../dialects/index.js';
import { composeOrigin, identityOrigin, type EditOutput } from './text-edit.js';
import { dialectReading, TEMPLATE_TITLES, templateOf } from '../dialects/template.js';
import { intentKey } from './words.js';
import type { EditAttempt } from './types.js';

export interface FixSettings extends LintSettings {
  /** `--unsafe-fixes`: apply the fixes that are unsafe too. */
  unsafeFixes?: boolean;
  /** Rule IDs whose fixes count as safe (`extend-safe-fixes` in `.mchardrc`). */
  extendSafeFixes?: ReadonlySet<string>;
  /** Rule IDs whose fixes count as unsafe (`extend-unsafe-fixes` in `.mchardrc`). */
  extendUnsafeFixes?: ReadonlySet<string>;
  /** What a fix may ask about this machine, when host checks apply to the file; null otherwise. */
  fixHost?: FixHost | null;
}

export interface AppliedFix {
  ruleId: string;
  slug: string;
  description: string;
  round: number;
}

export interface FailedFix {
  ruleId: string;
  slug: string;
  description: string;
  reason: string;
}

/** A fix `mchard fix` did not apply because it is unsafe and unsafe fixes were not asked for. */
export interface HeldBackFix {
  ruleId: string;
  slug: string;
  description: string;
  /** Why it is unsafe here (what it can break). */
  reason: string;
}

export interface FixPlan {
  path: string;
  dialect: DialectName;
  original: string;
  /** The text after every fix that could be applied. */
  text: string;
  changed: boolean;
  applied: AppliedFix[];
  failed: FailedFix[];
  /** Fixes held back as unsafe (run with --unsafe-fixes to apply them), one per rule and description. */
  heldBack: HeldBackFix[];
  /** Lint of the original and of the fixed text. */
  before: LintResult;
  after: LintResult;
  /** Findings of the fixed text that still offer a fix (held back, failed, or did not settle). */
  unfixed: Finding[];
  rounds: number;
  /** 1-based lines of the original that the fixes changed or removed; every other line is in the result unchanged. */
  touchedLines: number[];
  /** For each line of `text`: the 0-based line of the original it is an unchanged copy of, or null (the diff's alignment). */
  origin: (number | null)[];
  /**
   * Why no fix was planned at all: the file offers more fixes than one file's plan takes (MAX_PLANNED_FIXES);
   * the text is the original's. Null otherwise.
   */
  notPlanned: string | null;
}

/**
 * The most findings offering a fix, and the most changes one rule's fixes make, that one file's plan takes
 * on. A real configuration file has a few dozen at most; a hostile one of 1 MiB (one option repeated on
 * every line) offered about 200,000 (a stack overflow, reported as an internal error), and one `-vv` per
 * line made MC502's one fix remove 262,143 words (11 s, 1.6 GB). Beyond the limit the file is linted, not
 * fixed, and the run says why.
 */
export const MAX_PLANNED_FIXES = 10_000;

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** The safety of one finding's fix, after the rule's own case decision and `.mchardrc`. */
export function fixSafety(rule: Rule, ctx: FixContext, state: unknown, settings: FixSettings): SafetyDecision {
  const decl = rule.fix!;
  if (settings.extendSafeFixes?.has(rule.id)) return { safety: 'safe', reason: 'extend-safe-fixes in .mchardrc counts it as safe' };
  if (settings.extendUnsafeFixes?.has(rule.id)) return { safety: 'unsafe', reason: 'extend-unsafe-fixes in .mchardrc counts it as unsafe' };
  return decl.depends ? decl.depends.decide(ctx, state) : { safety: decl.safety, reason: decl.why };
}

interface Group {
  rule: Rule;
  findings: Finding[];
}

/** The fixable findings of a lint, by rule, in the order their fixes apply. */
function groups(result: LintResult, rules: readonly Rule[]): Group[] {
  const byRule = new Map<string, Group>();
  for (const f of result.findings) {
    if (!f.fix) continue;
    let g = byRule.get(f.ruleId);
    if (!g) {
      const rule = rules.find((r) => r.id === f.ruleId);
      if (!rule?.fix) continue;
      g = { rule, findings: [] };
      byRule.set(f.ruleId, g);
    }
    g.findings.push(f);
  }
  // Plain loops: spreading one rule's findings into Math.max's arguments overflowed the stack for a file
  // with a few hundred thousand of them.
  const key = (g: Group) => {
    let rank = -Infinity;
    let at = Infinity;
    let message = g.findings[0].message;
    for (const f of g.findings) {
      rank = Math.max(rank, RANK[f.severity]);
      at = Math.min(at, f.span?.start ?? -1);
      if (f.message < message) message = f.message;
    }
    return { phase: PHASES[g.rule.phase].fixOrder ?? Infinity, rank, at, message };
  };
  const keyed = [...byRule.values()].map((g) => ({ g, k: key(g) }));
  keyed.sort((a, b) => a.k.phase - b.k.phase || b.k.rank - a.k.rank || a.k.at - b.k.at || (a.k.message < b.k.message ? -1 : a.k.message > b.k.message ? 1 : 0));
  return keyed.map((x) => x.g);
}

function applyProposals(
  result: LintResult,
  dialect: DialectName,
  parseContext: ParseContext,
  label: { ruleId: string; slug: string },
  proposals: FixProposal[],
  fresh: ReadonlySet<number>,
): EditAttempt {
  const seen = new Set<string>();
  const intents: FixIntent[] = [];
  for (const p of proposals) {
    for (const i of p.intents) {
      const key = intentKey(i);
      if (seen.has(key)) continue;
      seen.add(key);
      intents.push(i);
    }
  }
  // mchard's own comments are edited the same way in every dialect; everything else by the dialect's editor.
  // A template's comments are compared as the dialect reads its masked text (the result is restored like any other edit).
  if (intents.length > 0 && intents.every(isCommentIntent)) return editComments(dialectReading(result.config), intents, (s) => dialectOf(dialect).parse(s, parseContext));
  if (intents.some(isCommentIntent)) return { ok: false, reason: 'internal: a fix mixes comment edits with option edits' };
  return editorFor(dialect)({ config: result.config, model: result.model, intents, label, fresh });
}

/** An editor's output for this round's text: as it is, or, for a template, turned back into the template. */
function restoreTemplate(current: LintResult, output: EditOutput): { ok: true; text: string; origin: (number | null)[] } | { ok: false; reason: string } {
  const tpl = templateOf(current.config);
  if (!tpl) return { ok: true, text: output.text, origin: output.origin };
  const r = tpl.restore(current.config.source.text, output.text, output.origin);
  return r.ok ? r : { ok: false, reason: `${r.reason} (${TEMPLATE_TITLES[tpl.language]}: mchard edits only its literal lines)` };
}

export function planFix(source: SourceText, dialect: DialectName, settings: FixSettings, maxRounds = 5): FixPlan {
  const lint = (text: string) => lintSource(new SourceText(source.path, text), dialect, settings);
  const host = settings.fixHost ?? null;
  const parseContext = parseContextFrom(settings);
  const before = lintSource(source, dialect, settings);
  let fixable = 0;
  for (const f of before.findings) if (f.fix) fixable++;
  if (fixable > MAX_PLANNED_FIXES) return notPlanned(source, dialect, before, settings.rules, `${count(fixable)} findings offer a fix`);
  // The changes the first round's fixes would make, counted before any is applied (each application lints
  // the file again): one finding's fix can make many (MC502 removes every repeated -v).
  const heavy = heaviestFix(before, settings, host);
  if (heavy && heavy.edits > MAX_PLANNED_FIXES) return notPlanned(source, dialect, before, settings.rules, `${heavy.ruleId}'s fix makes ${count(heavy.edits)} changes`);
  let current = before;
  let text = source.text;
  let origin = identityOrigin(text);
  const applied: AppliedFix[] = [];
  const failures = new Map<string, FailedFix>();
  let rounds = 0;

  for (let round = 1; round <= maxRounds; round++) {
    const order = groups(current, settings.rules);
    if (order.length === 0) break;
    rounds = round;
    let progressed = false;
    for (const { rule } of order) {
      // A file with several memcached instances: each instance's findings in turn, each on its own reading
      // and model (`LintResult.parts`), on the text as it stands after the previous one's fix.
      const partCount = current.parts?.length ?? 1;
      for (let p = 0; p < partCount; p++) {
        // The findings of this rule on the text as it stands now (an earlier fix of the round may have changed them).
        const findings = current.findings.filter((f) => f.ruleId === rule.id && f.fix && (f.part ?? 0) === p);
        if (findings.length === 0) continue;
        const instance = current.parts?.[p] ?? current;
        const ctx = fixContextOf(instance, settings, host);
        const proposals: FixProposal[] = [];
        for (const f of findings) {
          const state = f.fix!.state;
          const proposal = rule.fix!.build(ctx, state);
          if (!proposal) continue;
          if (!settings.unsafeFixes && fixSafety(rule, ctx, state, settings).safety === 'unsafe') continue;
          proposals.push(proposal);
        }
        if (proposals.length === 0) continue;
        let edits = 0;
        for (const p of proposals) edits += p.intents.length;
        if (edits > MAX_PLANNED_FIXES) return notPlanned(source, dialect, before, settings.rules, `${rule.id}'s fix makes ${count(edits)} changes`);
        // Lines the fixes wrote (a plain loop: flatMap made an array per line of a multi-megabyte file).
        const fresh = new Set<number>();
        for (let k = 0; k < origin.length; k++) if (origin[k] === null) fresh.add(k);
        const attempt = applyProposals(instance, dialect, parseContext, { ruleId: rule.id, slug: rule.slug }, proposals, fresh);
        const shown = shownFor(instance.config);
        const description = [...new Set(proposals.map((p) => shown(p.description)))].join('; ');
        if (!attempt.ok) {
          failures.set(rule.id, { ruleId: rule.id, slug: rule.slug, description, reason: shown(attempt.reason) });
          continue;
        }
        // A template: the editor worked on the masked text; every tag must come back unchanged and untouched.
        const output = restoreTemplate(current, attempt.output);
        if (!output.ok) {
          failures.set(rule.id, { ruleId: rule.id, slug: rule.slug, description, reason: shown(output.reason) });
          continue;
        }
        if (output.text === text) continue;
        text = output.text;
        origin = composeOrigin(origin, output.origin);
        current = lint(text);
        applied.push({ ruleId: rule.id, slug: rule.slug, description, round });
        failures.delete(rule.id);
        progressed = true;
      }
    }
    if (!progressed) break;
  }

  const unfixed = current.findings.filter((f) => f.fix);
  // What is held back: the unsafe fixes the fixed text still offers.
  const heldBack = new Map<string, HeldBackFix>();
  if (!settings.unsafeFixes) {
    // Each instance's own context (a file with several memcached instances), built once.
    const contexts = new Map<number, FixContext>();
    const contextOf = (part: number) => {
      let c = contexts.get(part);
      if (!c) contexts.set(part, (c = fixContextOf(current.parts?.[part] ?? current, settings, host)));
      return c;
    };
    const shown = shownFor(current.config);
    for (const f of unfixed) {
      const rule = settings.rules.find((r) => r.id === f.ruleId);
      if (!rule?.fix) continue;
      const ctx = contextOf(f.part ?? 0);
      const safety = fixSafety(rule, ctx, f.fix!.state, settings);
      const proposal = safety.safety === 'unsafe' ? rule.fix.build(ctx, f.fix!.state) : null;
      if (!proposal) continue;
      const description = shown(proposal.description);
      const reason = shown(safety.reason);
      const key = `${rule.id}|${description}|${reason}`;
      if (!heldBack.has(key)) heldBack.set(key, { ruleId: rule.id, slug: rule.slug, description, reason });
    }
  }
  const originalLines = identityOrigin(source.text).length;
  const kept = new Uint8Array(originalLines);
  for (const o of origin) if (o !== null) kept[o] = 1;
  const touchedLines: number[] = [];
  for (let k = 0; k < originalLines; k++) if (!kept[k]) touchedLines.push(k + 1);
  return {
    path: source.path,
    dialect,
    original: source.text,
    text,
    changed: text !== source.text,
    applied,
    failed: [...failures.values()].filter((f) => unfixed.some((u) => u.ruleId === f.ruleId)),
    heldBack: [...heldBack.values()],
    before,
    after: current,
    unfixed,
    rounds,
    touchedLines,
    origin,
    notPlanned: null,
  };
}

/** The rule whose fixes of `result`'s findings make the most changes (intents), and how many. */
function heaviestFix(result: LintResult, settings: FixSettings, host: FixHost | null): { ruleId: string; edits: number } | null {
  const edits = new Map<string, number>();
  const contexts = new Map<number, FixContext>();
  for (const f of result.findings) {
    if (!f.fix) continue;
    const rule = settings.rules.find((r) => r.id === f.ruleId);
    if (!rule?.fix) continue;
    const part = f.part ?? 0;
    let ctx = contexts.get(part);
    if (!ctx) contexts.set(part, (ctx = fixContextOf(result.parts?.[part] ?? result, settings, host)));
    const proposal = rule.fix.build(ctx, f.fix.state);
    if (proposal) edits.set(rule.id, (edits.get(rule.id) ?? 0) + proposal.intents.length);
  }
  let heaviest: { ruleId: string; edits: number } | null = null;
  for (const [ruleId, n] of edits) if (!heaviest || n > heaviest.edits) heaviest = { ruleId, edits: n };
  return heaviest;
}

const count = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

/** The plan of a file that offers too many fixes: nothing changed, each rule's fixes not planned, saying why. */
function notPlanned(source: SourceText, dialect: DialectName, before: LintResult, rules: readonly Rule[], what: string): FixPlan {
  const reason = `not planned: ${what}, more than mchard plans in one file (${count(MAX_PLANNED_FIXES)})`;
  const unfixed = before.findings.filter((f) => f.fix);
  const failed = new Map<string, FailedFix>();
  for (const f of unfixed) {
    if (failed.has(f.ruleId)) continue;
    const rule = rules.find((r) => r.id === f.ruleId);
    if (rule) failed.set(f.ruleId, { ruleId: rule.id, slug: rule.slug, description: rule.summary, reason });
  }
  return {
    path: source.path,
    dialect,
    original: source.text,
    text: source.text,
    changed: false,
    applied: [],
    failed: [...failed.values()],
    heldBack: [],
    before,
    after: before,
    unfixed,
    rounds: 0,
    touchedLines: [],
    origin: identityOrigin(source.text),
    notPlanned: reason,
  };
}
