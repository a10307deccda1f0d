/**
 * The text report's list of where each reported rule is documented: one line per rule seen, after the
 * findings and before the summary, as ShellCheck ends its output with its wiki links. The same pages
 * print offline with `mchard explain ID`. Off with `--no-doc-links` or `doc-links = false` in `.mchardrc`.
 */
import { ruleDocUrl } from './rule-link.js';
import type { paint } from './color.js';

export function docLinkLines(ruleIds: Iterable<string>, c: ReturnType<typeof paint>): string[] {
  const ids = [...new Set(ruleIds)].sort();
  if (!ids.length) return [];
  return [c.dim('Rule documentation (also: mchard explain ID):'), ...ids.map((id) => `  ${id}  ${c.dim(ruleDocUrl(id))}`)];
}
