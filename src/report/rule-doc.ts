/** A rule's documentation rendered as text (for `mchard explain`) and Markdown (SARIF help, docs pages). */
import type { Rule } from '../engine/types.js';
import { DOC_LANGUAGE } from '../dialects/detect.js';
// Control characters in an example (MC001's NUL bytes) are shown as `\xNN`, never raw.
import { visibleBlock as visible } from './visible.js';

export function ruleHelpMarkdown(r: Rule): string {
  const d = r.docs;
  const lang = DOC_LANGUAGE[d.example.dialect];
  return [
    `# ${r.id} ${r.slug}`,
    '',
    `${r.summary}. Default severity: **${r.severity}**. Fix: ${r.fixable ? `${r.fixable}` : 'none'}.`,
    '',
    '## What it checks',
    '',
    d.what,
    '',
    '## Why it matters',
    '',
    d.why,
    '',
    `## Example (${d.example.dialect})`,
    '',
    'Reported:',
    '',
    '```' + lang,
    visible(d.example.bad.replace(/\n$/, '')),
    '```',
    '',
    'Accepted:',
    '',
    '```' + lang,
    visible(d.example.good.replace(/\n$/, '')),
    '```',
    '',
    '## Fix',
    '',
    d.fix,
    '',
    '## References',
    '',
    ...d.references.map((x) => `- ${x}`),
    '',
  ].join('\n');
}

export function ruleHelpText(r: Rule): string {
  const d = r.docs;
  const indent = (s: string) => visible(s).replace(/\n$/, '').split('\n').map((l) => `    ${l}`).join('\n');
  return [
    `${r.id} ${r.slug} (${r.severity}${r.fixable ? `, fixable: ${r.fixable}` : ''})`,
    r.summary,
    '',
    'What it checks:',
    wrap(d.what),
    '',
    'Why it matters:',
    wrap(d.why),
    '',
    `Reported (${d.example.dialect}):`,
    indent(d.example.bad),
    '',
    'Accepted:',
    indent(d.example.good),
    '',
    'Fix:',
    wrap(d.fix),
    '',
    'References:',
    ...d.references.map((x) => `  - ${x}`),
    '',
  ].join('\n');
}

function wrap(text: string, width = 78): string {
  const words = text.replace(/`/g, '').split(/\s+/);
  const lines: string[] = [];
  let cur = ' ';
  for (const w of words) {
    if (cur.length + w.length + 1 > width && cur.trim()) {
      lines.push(cur);
      cur = ' ';
    }
    cur += ` ${w}`;
  }
  if (cur.trim()) lines.push(cur);
  return lines.join('\n');
}
