/**
 * `mchard rules` and `mchard explain` over the real catalogue (every rule in RULES, however many there
 * are), and `mchard lint` checks that hold whatever the catalogue holds.
 */
import { join } from 'node:path';
import { RULES } from '../../rules/index.js';
import { describeSource, fixLabel } from '../../src/engine/rule.js';
import { safetyText } from '../../src/report/rule-doc.js';
import { run, errorLines, SAMPLES } from './helpers.js';
import { sarifErrors } from '../report/sarif-schema.js';

const flat = (s: string) => s.replace(/`/g, '').replace(/\s+/g, ' ').trim();

describe('mchard rules', () => {
  it('lists every rule with its ID, slug, severity and fixability', async () => {
    const r = await run(['rules']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SLUG\s+SEVERITY\s+FIX\s+SUMMARY$/);
    // The rules, a blank line and the legend of the FIX column.
    expect(lines).toHaveLength(RULES.length + 3);
    expect(lines.at(-1)).toMatch(/^FIX: safe, unsafe/);
    RULES.forEach((rule, i) => {
      const cols = lines[i + 1].split(/\s+/);
      expect(cols.slice(0, 4)).toEqual([rule.id, rule.slug, rule.severity, fixLabel(rule) ?? '-']);
      expect(lines[i + 1]).toContain(rule.summary);
    });
  });

  it('--format json lists the same', async () => {
    const r = await run(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out);
    expect(list).toEqual(
      RULES.map((x) => ({
        id: x.id,
        slug: x.slug,
        severity: x.severity,
        fixable: x.fix?.safety ?? null,
        ...(x.fix?.depends ? { fixSafetyDependsOn: x.fix.depends.when } : {}),
        summary: x.summary,
        since: x.since,
        phase: x.phase,
        dialects: x.dialects,
        sources: x.sources.map(describeSource),
      })),
    );
  });

  it('has unique IDs and slugs', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.slug)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^MC\d{3}$/);
      expect(r.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });
});

describe('mchard explain', () => {
  it.each(RULES.map((r) => [r.id, r] as const))('%s renders with its what, why, example and fix', async (_id, rule) => {
    const r = await run(['explain', rule.id]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const out = r.out;
    expect(out.split('\n')[0]).toBe(`${rule.id} ${rule.slug} (${rule.severity}${rule.fix ? `, fixable: ${fixLabel(rule)}` : ''})`);
    expect(out.split('\n')[1]).toBe(rule.summary);
    const at = (heading: RegExp) => {
      const m = heading.exec(out);
      expect(m).not.toBeNull();
      return m!.index;
    };
    const what = at(/^What it checks:$/m);
    const why = at(/^Why it matters:$/m);
    const bad = at(new RegExp(`^Reported \\(${rule.docs.example.dialect}\\):$`, 'm'));
    const good = at(/^Accepted:$/m);
    const fix = at(/^Fix:$/m);
    const refs = at(/^Sources:$/m);
    expect([what, why, bad, good, fix, refs]).toEqual([...[what, why, bad, good, fix, refs]].sort((a, b) => a - b));
    // Each section holds the rule's own text (wrapped, backticks dropped).
    const section = (from: number, to: number) => out.slice(from, to).split('\n').slice(1).join('\n');
    expect(rule.docs.what.trim()).not.toBe('');
    expect(rule.docs.why.trim()).not.toBe('');
    expect(rule.docs.fix.trim()).not.toBe('');
    expect(flat(section(what, why))).toBe(flat(rule.docs.what));
    expect(flat(section(why, bad))).toBe(flat(rule.docs.why));
    expect(flat(section(fix, refs))).toBe(flat(rule.docs.fix + (rule.fix ? ` ${safetyText(rule)}` : '')));
    // The examples are printed indented, line by line; control characters (MC001's NULs) made visible.
    const shown = (text: string) =>
      text
        .replace(/\n$/, '')
        .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
    expect(section(bad, good).replace(/\n+$/, '')).toBe(shown(rule.docs.example.bad));
    expect(section(good, fix).replace(/\n+$/, '')).toBe(shown(rule.docs.example.good));
    expect(rule.docs.example.bad).not.toBe(rule.docs.example.good);
    for (const ref of rule.sources) expect(out).toContain(`  - ${describeSource(ref)}`);
    // Nothing raw that a terminal would interpret.
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('takes a slug or a lower-case ID too', async () => {
    const rule = RULES[0];
    const byId = await run(['explain', rule.id]);
    expect((await run(['explain', rule.slug])).out).toBe(byId.out);
    expect((await run(['explain', rule.id.toLowerCase()])).out).toBe(byId.out);
  });

  it('an unknown rule is a one-line error, exit 2', async () => {
    const r = await run(['explain', 'MC9999']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toEqual(['mchard: unknown rule "MC9999" (did you mean MC909?)']);
    const far = await run(['explain', 'nothing-like-a-rule']);
    expect(errorLines(far.err)).toEqual(['mchard: unknown rule "nothing-like-a-rule" (mchard rules lists them)']);
  });

  it('needs exactly one rule', async () => {
    for (const args of [[], ['MC101', 'MC102']]) {
      const r = await run(['explain', ...args]);
      expect(r.code).toBe(2);
      expect(errorLines(r.err)).toEqual(['mchard: explain needs exactly one rule ID or slug']);
    }
  });
});

describe('mchard lint with the real catalogue', () => {
  it('reports MC101 for a file listening on 0.0.0.0 and exits 1', async () => {
    const r = await run(['lint', join(SAMPLES, 'insecure-debian.conf')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/insecure-debian\.conf:\d+:\d+ {2}error {2}MC101 {2}.* {2}\(listen-all-interfaces\)\n/);
  });

  it('the Debian default file has no errors', async () => {
    const r = await run(['lint', join(SAMPLES, 'debian-default.conf'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary.errors).toBe(0);
  });

  it('every finding names a rule of the catalogue (or MC001)', async () => {
    const r = await run(['lint', join(SAMPLES, 'insecure-debian.conf'), join(SAMPLES, 'insecure-rhel.sysconfig'), '--format', 'json']);
    const ids = new Set(RULES.map((x) => x.id));
    for (const f of JSON.parse(r.out).files) for (const x of f.findings) expect(ids.has(x.ruleId) || x.ruleId === 'MC001').toBe(true);
  });

  it('sarif over every sample is a valid log carrying every rule with help text', async () => {
    const samples = ['debian-default.conf', 'insecure-debian.conf', 'insecure-rhel.sysconfig', 'insecure-ubuntu-quirks.conf', 'unix-socket-world-debian.conf'];
    const r = await run(['lint', ...samples.map((s) => join(SAMPLES, s)), '--format', 'sarif']);
    expect([0, 1]).toContain(r.code);
    const log = JSON.parse(r.out);
    expect(sarifErrors(log)).toEqual([]);
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((x: { id: string }) => x.id)).toEqual(RULES.map((x) => x.id));
    for (const x of rules) {
      expect(x.help.text).toContain('What it checks:');
      expect(x.help.markdown).toContain('## What it checks');
    }
    for (const res of log.runs[0].results) expect(rules[res.ruleIndex].id).toBe(res.ruleId);
  });
});
