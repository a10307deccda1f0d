/**
 * Whether a text report ends with the documentation link of each rule it reports
 * (src/report/doc-links.ts): yes, unless `--no-doc-links`, or a `.mchardrc` that applies to one of the
 * files says `doc-links = false`. The `.mchardrc` files are read as lint and fix read them (an invalid
 * one has already ended the run with its own message by the time the report is made).
 */
import { OptionResolver } from './files.js';
import type { Rule } from '../engine/types.js';

export const DOC_LINKS_OPTIONS = { 'no-doc-links': { type: 'boolean' } } as const;

export const DOC_LINKS_HELP = '  --no-doc-links                    no links to the rules\' documentation after the\n                                    findings (also doc-links = false in .mchardrc)\n';

export function docLinksWanted(values: { 'no-doc-links'?: boolean; config?: string }, paths: readonly string[], rules: readonly Rule[]): boolean {
  if (values['no-doc-links']) return false;
  const resolver = new OptionResolver(rules, { config: values.config });
  for (const p of paths) {
    try {
      if (resolver.projectConfig(p)?.docLinks === false) return false;
    } catch {
      // An unusable .mchardrc is reported where the file is checked, not here.
    }
  }
  return true;
}
