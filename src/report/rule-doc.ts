/** A rule's documentation rendered as text (for `mchard explain`) and Markdown (SARIF help, docs pages). */
import { describeSource, docsOf, fixLabel, sourcesOf, type Rule } from '../engine/rule.js';
import { DOC_LANGUAGE } from '../dialects/detect.js';
// Control characters in an example (MC001's NUL bytes) are shown as `\xNN`, never raw.
import { visibleBlock as visible } from './visible.js';

export function ruleHelpMarkdown(r: Rule): string {
  const d = docsOf(r);
  const lang = DOC_LANGUAGE[d.example.dialect];
  return [
    `# ${r.id} ${r.slug}`,
    '',
    `${r.summary}. Default severity: **${r.severity}**. Fix: ${fixLabel(r) ?? 'none'}. Since mchard ${r.since}; ${phaseWords(r)}.`,
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
    ...(r.fix ? [safetyText(r), ''] : []),
    '## Sources',
    '',
    ...sourcesOf(r).map((x) => `- ${describeSource(x)}`),
    '',
  ].join('\n');
}

export function ruleHelpText(r: Rule): string {
  const d = docsOf(r);
  const indent = (s: string) => visible(s).replace(/\n$/, '').split('\n').map((l) => `    ${l}`).join('\n');
  return [
    `${r.id} ${r.slug} (${r.severity}${r.fix ? `, fixable: ${fixLabel(r)}` : ''})`,
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
    ...(r.fix ? [wrap(safetyText(r))] : []),
    '',
    'Sources:',
    ...sourcesOf(r).map((x) => `  - ${describeSource(x)}`),
    '',
  ].join('\n');
}

/** The fix's safety in a sentence: what it can break, and the case in which that differs. */
export function safetyText(r: Rule): string {
  const f = r.fix!;
  const base = `Safety: ${f.safety}. ${f.why}`;
  if (!f.depends) return base;
  return `${base} ${f.safety === 'safe' ? 'Unsafe' : 'Safe'} when ${f.depends.when}.`;
}

/** Which files the rule reads and when it runs, for the docs header. */
function phaseWords(r: Rule): string {
  const where = r.dialects === 'all' ? 'every dialect' : r.dialects.join(', ');
  return `phase ${r.phase}; ${where}`;
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
