/**
 * Whether a text report ends with the documentation link of each rule it reports
 * (src/report/doc-links.ts): yes, unless `--no-doc-links`, or a `.mchardrc` that applies to one of the
 * files says `doc-links = false`. The `.mchardrc` files are read as lint and fix read them (an invalid
 * one has already ended the run with its own message by the time the report is made).
 */
import { OptionResolver } from './files.js';
import type { Rule } from '../engine/types.js';
import type { ProjectConfig } from '../engine/config.js';

export const DOC_LINKS_OPTIONS = { 'no-doc-links': { type: 'boolean' } } as const;

export const DOC_LINKS_HELP = '  --no-doc-links                    no links to the rules\' documentation after the\n                                    findings (also doc-links = false in .mchardrc)\n';

/** From the `.mchardrc` of each file, already read (lint reads them all before its report). */
export function docLinksFrom(values: { 'no-doc-links'?: boolean }, configs: readonly (ProjectConfig | null)[]): boolean {
  return !values['no-doc-links'] && !configs.some((c) => c?.docLinks === false);
}

/** The same, reading the `.mchardrc` files of `paths` (fix, which reads them file by file). */
export function docLinksWanted(values: { 'no-doc-links'?: boolean; config?: string }, paths: readonly string[], rules: readonly Rule[]): boolean {
  if (values['no-doc-links']) return false;
  const resolver = new OptionResolver(rules, { config: values.config });
  const configs = paths.map((p) => {
    try {
      return resolver.projectConfig(p);
    } catch {
      // An unusable .mchardrc is reported where the file is checked, not here.
      return null;
    }
  });
  return docLinksFrom(values, configs);
}
