/** Choosing an output format. */
import { formatText } from './text.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatGithub } from './github.js';
import type { ReportInput } from './types.js';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export function formatReport(format: Format, input: ReportInput): string {
  switch (format) {
    case 'text': return formatText(input);
    case 'json': return formatJson(input);
    case 'sarif': return formatSarif(input);
    case 'github': return formatGithub(input);
  }
}
