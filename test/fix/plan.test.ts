/** Planning: rounds until no fixable finding is left, rule order, line bookkeeping, text edits. */
import { applyEdits, composeOrigin, dominantEol, EditConflict } from '../../src/fix/text-edit.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixText } from './helpers.js';
import { ROOT } from '../cli/helpers.js';
import { lintText } from '../helpers/lint.js';

describe('applyEdits', () => {
  it('maps every untouched line to where it came from', () => {
    const out = applyEdits('a\nb\nc\n', [{ start: 2, end: 3, text: 'B' }], [{ at: 4, lines: ['x', 'y'] }], '\n');
    expect(out.text).toBe('a\nB\nx\ny\nc\n');
    expect(out.origin).toEqual([0, null, null, null, 2]);
  });

  it('inserts at the end of a file without a final newline and keeps it without one', () => {
    const out = applyEdits('a\nb', [], [{ at: 3, lines: ['c'] }], '\n');
    expect(out.text).toBe('a\nb\nc');
    // "b" only gains the newline that separates it from the new line: it counts as kept.
    expect(out.origin).toEqual([0, 1, null]);
  });

  it('inserts into an empty text', () => {
    expect(applyEdits('', [], [{ at: 0, lines: ['a', 'b'] }], '\r\n').text).toBe('a\r\nb\r\n');
  });

  it('refuses overlapping edits and insertions inside a line', () => {
    expect(() => applyEdits('abc\n', [{ start: 0, end: 2, text: '' }, { start: 1, end: 3, text: '' }], [], '\n')).toThrow(EditConflict);
    expect(() => applyEdits('abc\n', [], [{ at: 1, lines: ['x'] }], '\n')).toThrow(EditConflict);
  });

  it('composes origins across rounds', () => {
    expect(composeOrigin([0, null, 2], [null, 0, 2, 1])).toEqual([null, 0, 2, null]);
  });

  it('finds the dominant line ending', () => {
    expect(dominantEol('a\r\nb\r\nc\n')).toBe('\r\n');
    expect(dominantEol('a\nb\r\n')).toBe('\n');
  });
});

describe('planFix', () => {
  it('a fix that would touch a template expression is not made, and says which language (real Chef template, fixture 037)', () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/real/erb/037-mbulat-chef-memcached-memcached.sysconfig.erb'), 'utf8');
    const p = fixText(text, 'sysconfig', {}, '/srv/cookbook/templates/default/memcached.sysconfig.erb');
    expect(p.failed.map((f) => [f.ruleId, f.reason])).toEqual([['MC111', 'the edit would move or change a template expression (an ERB template: mchard edits only its literal lines)']]);
  });

  it('converges: binding to loopback first makes "add -X" unnecessary', () => {
    const p = fixText('-m 64\n-p 11211\n-u memcache\n-l 0.0.0.0\n-U 0\n');
    expect(p.applied.map((a) => a.ruleId)).toEqual(['MC101']);
    expect(p.text).not.toContain('-X');
  });

  it('dialect rules run first: once export is gone, OPTIONS is fixed in a later round', () => {
    const p = fixText('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nexport OPTIONS="-l 0.0.0.0 -A"\n', 'sysconfig');
    expect(p.applied[0].ruleId).toBe('MC905');
    expect(p.rounds).toBeGreaterThanOrEqual(2);
    expect(p.unfixed).toEqual([]);
    expect(lintText(p.text, { dialect: 'sysconfig' }).findings.filter((f) => f.fix)).toEqual([]);
  });

  it('reports the touched lines of the original', () => {
    const p = fixText('# keep\n-m 64\n-u root\n-p 11211\n-l 127.0.0.1\n-U 0\n-A\n');
    expect(p.touchedLines).toEqual([3, 7]);
  });

  it('changes nothing on a clean file', () => {
    const p = fixText('-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n');
    expect(p.changed).toBe(false);
    expect(p.rounds).toBe(0);
    expect(p.text).toBe('-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n');
  });

  it('keeps a fix it cannot write as a finding, with the reason', () => {
    // The wrapper drops a line starting with -d, so "-d -l ..." cannot be rewritten faithfully (MC901, which
    // would remove the -d, is off). (With -h this was the case too, until memcached's own -h, reached on the
    // line, was read as printing its usage and exiting: no listener, no MC101.)
    const p = fixText('# mchard-disable MC901\n-m 64\n-p 11211\n-u memcache\n-U 0\n-l 10.0.0.1 -d -l ::\n');
    expect(p.failed.map((f) => f.ruleId)).toEqual(['MC101']);
    expect(p.unfixed.map((f) => f.ruleId)).toContain('MC101');
  });

  it('adds options before a "--" (memcached ignores what follows it)', () => {
    const p = fixText('-m 64\n-p 11211\n-u memcache\n--\n-A\n');
    expect(p.unfixed).toEqual([]);
    expect(p.text.indexOf('-l 127.0.0.1')).toBeLessThan(p.text.indexOf('--\n'));
    const s = fixText('PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-v -- -A"\n', 'sysconfig');
    expect(s.text).toContain('OPTIONS="-v -l 127.0.0.1 -U 0 -- -A"');
  });

  it('honours rules turned off and suppressions', () => {
    const p = fixText('# mchard-disable MC111\n-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n');
    expect(p.changed).toBe(false);
  });
});
