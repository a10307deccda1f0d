/**
 * Where mchard's own pages live: the project's repository, and each rule's page (`docs/rules/ID.md`,
 * generated from rules/) at the tag of the running version, so a report links to the documentation of
 * the release that made it. One constant for every output that links to a rule (SARIF's helpUri, the
 * text output's link).
 */
import { VERSION } from '../version.js';

/** The project's repository. */
export const PROJECT_URL = 'https://github.com/mchard/mchard';

/** Rule pages are `${RULE_DOCS_BASE}/<ref>/docs/rules/<ID>.md`. */
export const RULE_DOCS_BASE = `${PROJECT_URL}/blob`;

/** The page of a rule's documentation for this version of mchard: the tag `vX.Y.Z`, or `main` when run from source. */
export function ruleDocUrl(ruleId: string, version: string = VERSION): string {
  return `${RULE_DOCS_BASE}/${refOf(version)}/docs/rules/${encodeURIComponent(ruleId)}.md`;
}

/** The last version asked about and its ref: a report links every rule at one version (one test of it, not one a link). */
let last: { version: string; ref: string } | null = null;

function refOf(version: string): string {
  if (last?.version !== version) last = { version, ref: /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(version) ? `v${version}` : 'main' };
  return last.ref;
}
