import { ruleHelpMarkdown, ruleHelpText } from '../../src/report/rule-doc.js';
import { RULES } from '../../rules/index.js';
import { rule } from './fixtures.js';

describe('rule documentation', () => {
  it('renders every section as text', () => {
    const text = ruleHelpText(rule('MC101', 'error', 'safe'));
    expect(text).toBe(
      [
        'MC101 slug-mc101 (error, fixable: safe)',
        'summary of MC101',
        '',
        'What it checks:',
        '  What MC101 checks, with code.',
        '',
        'Why it matters:',
        '  Why MC101 matters.',
        '',
        'Reported (debian):',
        '    -l 0.0.0.0',
        '',
        'Accepted:',
        '    -l 127.0.0.1',
        '',
        'Fix:',
        '  How MC101 is fixed.',
        '  Safety: safe. What the fix of MC101 can break.',
        '',
        'Sources:',
        '  - memcached(1)',
        '',
      ].join('\n'),
    );
  });

  it('wraps long paragraphs at 78 columns', () => {
    const r = rule('MC101', 'error');
    r.docs.why = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const lines = ruleHelpText(r).split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(78);
    expect(lines.filter((l) => l.startsWith('  word')).length).toBeGreaterThan(3);
  });

  it('renders Markdown with fenced examples (sh for sysconfig)', () => {
    const r = rule('MC905', 'warning');
    r.docs.example = { dialect: 'sysconfig', bad: 'export PORT=1\n', good: 'PORT=1\n' };
    const md = ruleHelpMarkdown(r);
    expect(md).toContain('# MC905 slug-mc905');
    for (const h of ['## What it checks', '## Why it matters', '## Example (sysconfig)', '## Fix', '## Sources']) expect(md).toContain(`\n${h}\n`);
    expect(md).toContain('```sh\nexport PORT=1\n```');
    expect(md).toContain('```sh\nPORT=1\n```');
    expect(md).toContain('Fix: none.');
  });

  it('shows control characters in examples visibly', () => {
    const r = rule('MC001', 'error');
    r.docs.example = { dialect: 'debian', bad: '-m 64\u0000\u0000\n', good: '-m 64\n' };
    expect(ruleHelpText(r)).toContain('    -m 64\\x00\\x00\n');
    expect(ruleHelpMarkdown(r)).toContain('-m 64\\x00\\x00\n');
    expect(ruleHelpText(r)).not.toContain('\u0000');
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s renders as text and Markdown', (_id, r) => {
    const text = ruleHelpText(r);
    const md = ruleHelpMarkdown(r);
    for (const h of ['What it checks:', 'Why it matters:', `Reported (${r.docs.example.dialect}):`, 'Accepted:', 'Fix:']) expect(text).toContain(`\n${h}\n`);
    for (const h of ['## What it checks', '## Why it matters', `## Example (${r.docs.example.dialect})`, '## Fix']) expect(md).toContain(`\n${h}\n`);
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(md).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});
