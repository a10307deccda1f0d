/**
 * What a finding means for security, for reports that rank alerts (SARIF's `security-severity`, GitLab's
 * severity). Each rule declares its risk (`risk` in rules/, `RuleRisk` in src/engine/rule.ts).
 * GitHub ranks alerts by the rule's score only (result property bags are not read by code scanning);
 * the per-case score is written on the result as well, for other consumers and for people.
 */
import type { RuleRisk } from '../engine/rule.js';
import type { Severity } from '../engine/types.js';

/** GitHub reads `security-severity` as a string holding a number with one decimal. */
export function scoreText(score: number): string {
  return score.toFixed(1);
}

/** The score of one finding's case (its rule's score unless the rule reported the case as another severity). */
export function caseScore(risk: RuleRisk, caseSeverity: Severity | undefined): number | undefined {
  if (risk.kind !== 'security') return undefined;
  return (caseSeverity !== undefined ? risk.cases?.[caseSeverity] : undefined) ?? risk.score;
}
