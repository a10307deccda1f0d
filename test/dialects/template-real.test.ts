/**
 * Every real template mchard has (test/fixtures/real with its MANIFEST, and test/fixtures/shared/corpus): read by the
 * program its manifest names, it is recognised as a template, `fix` never changes one of its template tags
 * (every tag is in the fixed text byte for byte, in order, and no line holding one is edited), and
 * `inspect` says which values are templated and "unknown" where the template decides.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeConfig } from '../../src/input.js';
import { loadAllDialects, parseConfig } from '../../src/dialects/index.js';
import { chooseDialect, detectDialect, type DialectChoice } from '../../src/dialects/detect.js';
import { templateOf } from '../../src/dialects/template.js';
import { planFix } from '../../src/fix/plan.js';
import { analyzeConfig } from '../../src/engine/lint.js';
import { inspectionOf } from '../../src/cli/inspection.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { RULES } from '../../rules/index.js';
import type { DialectName } from '../../src/dialects/types.js';
import { ROOT, SHARED } from '../helpers/paths.js';

/** The manifest's "reader" column: the program that reads the rendered file, as mchard's dialect. */
const READERS: Record<string, DialectName> = {
  'debian-wrapper': 'debian',
  'systemd-environmentfile': 'sysconfig',
  'systemd-unit': 'systemd',
  'openrc-init': 'openrc',
  'freebsd-rc': 'rcconf',
};

interface Case {
  file: string;
  path: string;
  dialect: DialectName;
}

function cases(): Case[] {
  const out: Case[] = [];
  const real = join(ROOT, 'test', 'fixtures', 'real');
  const manifest = join(real, 'MANIFEST.tsv');
  if (existsSync(manifest)) {
    const rows = readFileSync(manifest, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const head = rows[0];
    const col = (name: string) => head.indexOf(name);
    for (const r of rows.slice(1)) {
      const template = r[col('template')];
      const dialect = READERS[r[col('reader')]];
      // Jinja2, ERB, EPP and Go templates, and %name% or @NAME@ placeholders a script substitutes (a
      // Python %(name)s format is not a template language mchard reads).
      if (!dialect || !['jinja2', 'erb', 'epp', 'go', 'placeholder'].includes(template)) continue;
      // A template that holds no tag (Salt rendering a plain file) is a plain file.
      if (!/\{\{|\{%|\{#|<%|%[A-Za-z_]\w+%|@[A-Za-z_]\w+@/.test(readFileSync(join(real, r[col('file')]), 'utf8'))) continue;
      // The repository path the file had (templates/...), which is what mchard sees in a checkout.
      out.push({ file: join(real, r[col('file')]), path: r[col('path')], dialect });
    }
  }
  const corpus = join(SHARED, 'corpus');
  for (const sub of ['debian', 'sysconfig']) {
    const d = join(corpus, sub);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      const text = readFileSync(join(d, f), 'utf8');
      if (!/\{\{|\{%|<%/.test(text)) continue;
      const dialect = chooseDialect(f, text);
      if (dialect) out.push({ file: join(d, f), path: f, dialect });
    }
  }
  return out;
}

const all = cases();

beforeAll(async () => {
  await loadAllDialects();
});

describe('real templates', () => {
  it('there are many of them (Ansible, Puppet, Chef, placeholder scripts)', () => {
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(all.filter((c) => c.file.includes('101-heedley')).length).toBe(1);
    expect(all.filter((c) => c.file.includes('1690-andy0mg')).length).toBe(1);
  });

  it.each(all.map((c) => [c.path, c] as const))('%s: a template; fix keeps every tag; inspect says what the template decides', (_p, c) => {
    const source = decodeConfig(c.path, readFileSync(c.file));
    const config = parseConfig(source, c.dialect);
    const tpl = templateOf(config);
    expect(tpl).not.toBeNull();
    // its tags are found (a .tpl name alone made a Go template of no tag of andy0mg/bitrix_al9's @NAME@ file)
    expect(tpl!.tags.length).toBeGreaterThan(0);
    expect(config.print()).toBe(source.text);
    const settings = { rules: RULES, options: { ...defaultRuleOptions(), fixUser: 'memcache', fixListen: ['127.0.0.1'] } };
    const plan = planFix(source, c.dialect, settings);
    // every tag, byte for byte and in order
    let at = 0;
    for (const t of tpl!.tags) {
      const text = source.text.slice(t.start, t.end);
      const k = plan.text.indexOf(text, at);
      expect({ tag: text, found: k !== -1 }).toEqual({ tag: text, found: true });
      at = k + text.length;
    }
    // no line that holds a tag was touched
    const tagLines = new Set<number>();
    for (const t of tpl!.tags) for (let l = source.position(t.start).line; l <= source.position(Math.max(t.start, t.end - 1)).line; l++) tagLines.add(l);
    expect(plan.touchedLines.filter((l) => tagLines.has(l))).toEqual([]);
    // the fixed text is still a template mchard reads the same way
    expect(templateOf(parseConfig(decodeConfig(c.path, Buffer.from(plan.text)), c.dialect))?.tags.length).toBe(tpl!.tags.length);
    // inspect: templated values listed; anything the template decides is "unknown", never a guess
    const model = analyzeConfig(config, settings.options);
    const j = inspectionOf(c.path, config, model, detectDialect(c.path, source.text, c.dialect) as DialectChoice);
    expect(j.template?.language).toBe(tpl!.language);
    const templatedArgs = config.argv.some((a) => a.unknown?.depends === 'template' || a.conditional);
    if (templatedArgs) {
      expect(j.argvExact).toBe(false);
      expect(j.template!.templated!.length + j.template!.conditionalLines!.length).toBeGreaterThan(0);
    }
    if (model.startup.unknown?.depends === 'template') expect(j.startup.ok).toBeNull();
    if (!model.runsAsKnown.known) expect(j.unknown.user).toBeDefined();
    if (!model.listenersKnown.known) expect(j.unknown.listeners).toBeDefined();
  });
});
