/**
 * Planning the fix of one file: lint, take the fixes the findings offer, write them into the file in its
 * dialect, lint again, and repeat until no fixable finding is left (at most `maxRounds` rounds), so fixes
 * that depend on one another settle (binding to loopback makes "add -X" unnecessary; dropping `export`
 * makes OPTIONS count).
 *
 * Within a round the rules take turns, each on a fresh lint of the text as it stands: the dialect rules
 * first (MC9xx: what the file means at all), then the command-line ones (MC8xx), then the rest by ID. One
 * rule's fixes are applied together; an edit that cannot be written faithfully is refused and its
 * finding stays, with the reason.
 */
import { SourceText } from '../source.js';
import type { DialectName } from '../dialects/types.js';
import { lintSource, type LintResult, type LintSettings } from '../engine/lint.js';
import type { Finding, FixIntent } from '../engine/types.js';
import { editorFor } from './editors.js';
import { composeOrigin, identityOrigin, type EditOutput } from './text-edit.js';
import { TEMPLATE_TITLES, templateOf } from '../dialects/template.js';
import { intentKey } from './words.js';
import type { EditAttempt } from './types.js';

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

export interface FixPlan {
  path: string;
  dialect: DialectName;
  original: string;
  /** The text after every fix that could be applied. */
  text: string;
  changed: boolean;
  applied: AppliedFix[];
  failed: FailedFix[];
  /** Lint of the original and of the fixed text. */
  before: LintResult;
  after: LintResult;
  /** Findings of the fixed text that still offer a fix (fixes that failed or did not settle). */
  unfixed: Finding[];
  rounds: number;
  /** 1-based lines of the original that the fixes changed or removed; every other line is in the result unchanged. */
  touchedLines: number[];
  /** For each line of `text`: the 0-based line of the original it is an unchanged copy of, or null (the diff's alignment). */
  origin: (number | null)[];
}

/** Rule order inside a round: MC9xx (dialect), MC8xx (command line), then the rest by ID. */
function priority(ruleId: string): number {
  const n = Number(/\d+/.exec(ruleId)?.[0] ?? 0);
  if (n >= 900) return n - 2000;
  if (n >= 800) return n - 1000;
  return n;
}

function applyRule(result: LintResult, dialect: DialectName, findings: Finding[], fresh: ReadonlySet<number>): EditAttempt {
  const seen = new Set<string>();
  const intents: FixIntent[] = [];
  for (const f of findings) {
    for (const i of f.fix!.intents) {
      const key = intentKey(i);
      if (seen.has(key)) continue;
      seen.add(key);
      intents.push(i);
    }
  }
  const label = { ruleId: findings[0].ruleId, slug: findings[0].slug };
  return editorFor(dialect)(result.config, result.model, intents, label, fresh);
}

/** An editor's output for this round's text: as it is, or, for a template, turned back into the template. */
function restoreTemplate(current: LintResult, output: EditOutput): { ok: true; text: string; origin: (number | null)[] } | { ok: false; reason: string } {
  const tpl = templateOf(current.config);
  if (!tpl) return { ok: true, text: output.text, origin: output.origin };
  const r = tpl.restore(current.config.source.text, output.text, output.origin);
  return r.ok ? r : { ok: false, reason: `${r.reason} (a ${TEMPLATE_TITLES[tpl.language]} template: mchard edits only its literal lines)` };
}

export function planFix(source: SourceText, dialect: DialectName, settings: LintSettings, maxRounds = 5): FixPlan {
  const lint = (text: string) => lintSource(new SourceText(source.path, text), dialect, settings);
  const before = lintSource(source, dialect, settings);
  let current = before;
  let text = source.text;
  let origin = identityOrigin(text);
  const applied: AppliedFix[] = [];
  const failures = new Map<string, FailedFix>();
  let rounds = 0;

  for (let round = 1; round <= maxRounds; round++) {
    const rules = [...new Set(current.findings.filter((f) => f.fix).map((f) => f.ruleId))].sort((a, b) => priority(a) - priority(b) || a.localeCompare(b));
    if (rules.length === 0) break;
    rounds = round;
    let progressed = false;
    for (const ruleId of rules) {
      const findings = current.findings.filter((f) => f.ruleId === ruleId && f.fix);
      if (findings.length === 0) continue;
      // Lines the fixes wrote (a plain loop: flatMap made an array per line of a multi-megabyte file).
      const fresh = new Set<number>();
      for (let k = 0; k < origin.length; k++) if (origin[k] === null) fresh.add(k);
      const attempt = applyRule(current, dialect, findings, fresh);
      const description = [...new Set(findings.map((f) => f.fix!.description))].join('; ');
      if (!attempt.ok) {
        failures.set(ruleId, { ruleId, slug: findings[0].slug, description, reason: attempt.reason });
        continue;
      }
      // A template: the editor worked on the masked text; every tag must come back unchanged and untouched.
      const output = restoreTemplate(current, attempt.output);
      if (!output.ok) {
        failures.set(ruleId, { ruleId, slug: findings[0].slug, description, reason: output.reason });
        continue;
      }
      if (output.text === text) continue;
      text = output.text;
      origin = composeOrigin(origin, output.origin);
      current = lint(text);
      applied.push({ ruleId, slug: findings[0].slug, description, round });
      failures.delete(ruleId);
      progressed = true;
    }
    if (!progressed) break;
  }

  const unfixed = current.findings.filter((f) => f.fix);
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
    before,
    after: current,
    unfixed,
    rounds,
    touchedLines,
    origin,
  };
}
