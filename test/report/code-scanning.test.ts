/**
 * SARIF for GitHub code scanning, on real lints: valid against the SARIF 2.1.0 schema and GitHub's
 * documented ingestion rules, fingerprints that survive a moved line and change with the value, security
 * severities per rule and per case, links to the rule pages, regions inside the file, unread files as
 * notifications, the category, and GitHub's result limit.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSarif, sarifCategoryId } from '../../src/report/sarif.js';
import { findingSubject, reportPath, withSubjects } from '../../src/report/fingerprint.js';
import { ruleDocUrl, RULE_DOCS_BASE } from '../../src/report/rule-link.js';
import { decodeConfig } from '../../src/input.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { loadDialect } from '../../src/dialects/index.js';
import { lintSource } from '../../src/engine/lint.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import type { FileReport } from '../../src/report/types.js';
import { RULES } from '../../rules/index.js';
import { lintText } from '../helpers/lint.js';
import { ROOT, SHARED } from '../helpers/paths.js';
import { sarifErrors } from './sarif-schema.js';
import { githubIngestionProblems } from './github-ingestion.js';
import { finding } from './fixtures.js';
import { run, TempDir } from '../cli/helpers.js';

const SAMPLE = readFileSync(join(ROOT, 'samples', 'insecure-debian.conf'), 'utf8');

/** The SARIF log of texts linted as Debian files at the given paths. */
function sarifOf(files: Record<string, string>, extra: { sarifCategory?: string } = {}) {
  const reports: FileReport[] = Object.entries(files).map(([path, text]) => {
    const r = lintText(text, { path });
    return { path, dialect: 'debian', findings: withSubjects(r) };
  });
  return JSON.parse(formatSarif({ files: reports, rules: RULES, color: false, toolVersion: '0.1.0', ...extra }, { cwd: '/work/repo' }));
}

type Res = { ruleId: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { region: { startLine: number } } }[]; properties?: Record<string, string> };
const results = (log: any): Res[] => log.runs[0].results;
const fp = (r: Res) => r.partialFingerprints.primaryLocationLineHash;
const line = (r: Res) => r.locations[0].physicalLocation.region.startLine;

describe('a real sample as a code-scanning upload', () => {
  const log = sarifOf({ 'etc/memcached.conf': SAMPLE });

  it('is valid SARIF 2.1.0 and meets GitHub\'s ingestion rules', () => {
    expect(sarifErrors(log)).toEqual([]);
    expect(githubIngestionProblems(log)).toEqual([]);
    expect(results(log).length).toBeGreaterThan(5);
  });

  it('the checker itself catches what GitHub rejects', () => {
    const broken = JSON.parse(JSON.stringify(log));
    const byId = (id: string) => broken.runs[0].tool.driver.rules.find((r: any) => r.id === id);
    byId('MC101').properties['security-severity'] = 8.2;
    byId('MC102').properties.tags = ['memcached'];
    byId('MC103').fullDescription.text = 'x'.repeat(1025);
    delete broken.runs[0].results[0].partialFingerprints;
    delete broken.runs[0].results[1].locations[0].physicalLocation.region.endColumn;
    broken.runs[0].results[2].message.text = '';
    expect(githubIngestionProblems(broken)).toHaveLength(6);
  });

  it('every rule links to its page at the tag of the running version, and the page exists', () => {
    for (const r of log.runs[0].tool.driver.rules) {
      expect(r.helpUri).toBe(`${RULE_DOCS_BASE}/v0.1.0/docs/rules/${r.id}.md`);
      expect(existsSync(join(ROOT, 'docs', 'rules', `${r.id}.md`))).toBe(true);
    }
    expect(ruleDocUrl('MC101', 'dev')).toBe(`${RULE_DOCS_BASE}/main/docs/rules/MC101.md`);
    expect(ruleDocUrl('MC101', '1.2.3-rc.1')).toBe(`${RULE_DOCS_BASE}/v1.2.3-rc.1/docs/rules/MC101.md`);
  });

  it('ranks security rules by security-severity (a string) and the others by problem.severity', () => {
    const rules = new Map<string, any>(log.runs[0].tool.driver.rules.map((r: any) => [r.id, r]));
    expect(rules.get('MC101').properties).toMatchObject({ tags: ['security', 'memcached'], 'security-severity': '8.2' }); // high
    expect(rules.get('MC110').properties['security-severity']).toBe('7.5'); // UDP amplification: high
    expect(rules.get('MC301').properties['security-severity']).toBe('2.0'); // the default port: low
    expect(rules.get('MC952').properties['security-severity']).toBe('9.3'); // answers without auth, live: critical
    expect(rules.get('MC806').properties).toMatchObject({ tags: ['correctness', 'memcached'], 'problem.severity': 'error' });
    expect(rules.get('MC806').properties).not.toHaveProperty('security-severity');
    // Every rule is ranked one way or the other, from its own declaration.
    for (const r of rules.values()) expect('security-severity' in r.properties || 'problem.severity' in r.properties).toBe(true);
  });

  it('every region names lines that exist (the missing options point at the end of the last line)', () => {
    const lines = SAMPLE.endsWith('\n') ? SAMPLE.split('\n').length - 1 : SAMPLE.split('\n').length;
    for (const r of results(log)) {
      const reg = r.locations[0].physicalLocation.region as any;
      expect(reg.startLine).toBeLessThanOrEqual(lines);
      expect(reg.endLine).toBeLessThanOrEqual(lines);
    }
    const mc601 = results(log).find((r) => r.ruleId === 'MC601')!;
    expect(mc601.locations[0].physicalLocation.region).toEqual({ startLine: 16, startColumn: 3, endLine: 16, endColumn: 3 });
  });
});

describe('fingerprints', () => {
  const moved = [
    '# a comment added at the top',
    '# and another',
    ...SAMPLE.split('\n').filter((l) => l !== '-l 0.0.0.0' && l !== '-u root'),
  ].join('\n').replace(/\n*$/, '\n') + '-u root\n  -l   0.0.0.0\n';

  it('say exactly what goes in: the rule, the path, the option as memcached reads it', () => {
    const r = lintText(SAMPLE, { path: 'etc/memcached.conf' });
    const f = r.findings.find((x) => x.ruleId === 'MC101')!;
    expect(findingSubject(r.config, r.model, f)).toBe('-l 0.0.0.0');
    const hash = createHash('sha256').update(JSON.stringify(['mchard/v1', 'MC101', 'etc/memcached.conf', '-l 0.0.0.0'])).digest('hex');
    const res = results(sarifOf({ 'etc/memcached.conf': SAMPLE })).find((x) => x.ruleId === 'MC101')!;
    expect(res.partialFingerprints).toEqual({ primaryLocationLineHash: `${hash.slice(0, 16)}:1`, 'mchard/v1': `${hash}:1` });
    // A finding about a missing option has the empty subject: one per rule and file.
    const m = r.findings.find((x) => x.ruleId === 'MC601')!;
    expect(findingSubject(r.config, r.model, m)).toBe('');
  });

  it('stay the same when lines move, comments are added and whitespace changes', () => {
    const a = results(sarifOf({ 'etc/memcached.conf': SAMPLE }));
    const b = results(sarifOf({ 'etc/memcached.conf': moved }));
    const mc101a = a.find((r) => r.ruleId === 'MC101')!;
    const mc101b = b.find((r) => r.ruleId === 'MC101')!;
    expect(line(mc101b)).not.toBe(line(mc101a)); // the line did move
    expect(fp(mc101b)).toBe(fp(mc101a));
    const byRule = (rs: Res[]) => Object.fromEntries(rs.map((r) => [r.ruleId, fp(r)]));
    expect(byRule(b)).toEqual(byRule(a));
  });

  it('are the same however the option is spelled, and change with its value', () => {
    const fpOf = (text: string, rule: string) => fp(results(sarifOf({ 'm.conf': text })).find((r) => r.ruleId === rule)!);
    const base = '-u memcache\n-U 0\n-l 10.0.0.1\n';
    expect(fpOf('-u memcache\n-U 0\n-l10.0.0.1\n', 'MC103')).toBe(fpOf(base, 'MC103'));
    expect(fpOf('-u memcache\n-U 0\n--listen=10.0.0.1\n', 'MC103')).toBe(fpOf(base, 'MC103'));
    expect(fpOf('-u memcache\n-U 0\n-l 10.0.0.2\n', 'MC103')).not.toBe(fpOf(base, 'MC103'));
    // And with the file and the rule.
    expect(fp(results(sarifOf({ 'other.conf': base })).find((r) => r.ruleId === 'MC103')!)).not.toBe(fpOf(base, 'MC103'));
  });

  it('tell equal findings apart by their order, and the key GitHub reads is unique in the run', () => {
    const log = sarifOf({ 'm.conf': '-u memcache\n-U 0\n-l 127.0.0.1\n-m 64\n-m 64\n-m 64\n' });
    const dup = results(log).filter((r) => r.ruleId === 'MC803');
    expect(dup.map((r) => fp(r).split(':')[1])).toEqual(['1', '2']);
    expect(new Set(dup.map((r) => fp(r).split(':')[0])).size).toBe(1);
    const all = results(sarifOf({ 'a.conf': SAMPLE, 'b.conf': SAMPLE }));
    expect(new Set(all.map(fp)).size).toBe(all.length);
  });

  it('normalise the path the way the report names the file', () => {
    expect(reportPath('./etc/../etc/memcached.conf')).toBe('etc/memcached.conf');
    expect(fp(results(sarifOf({ './etc/memcached.conf': SAMPLE }))[0])).toBe(fp(results(sarifOf({ 'etc/memcached.conf': SAMPLE }))[0]));
  });
});

describe('security-severity per case', () => {
  const caseOf = (text: string, rule: string) => results(sarifOf({ 'm.conf': text })).find((r) => r.ruleId === rule)!.properties?.['security-severity'];

  it('MC501 -A: medium for loopback, high when reachable from the network', () => {
    expect(caseOf('-u memcache\n-U 0\n-l 127.0.0.1\n-A\n', 'MC501')).toBe('5.5');
    expect(caseOf('-u memcache\n-U 0\n-l 10.0.0.1\n-A\n', 'MC501')).toBe('7.5');
  });

  it('MC601 no authentication: high on a private address, critical on a public one or every interface', () => {
    expect(caseOf('-u memcache\n-U 0\n-l 10.0.0.1\n', 'MC601')).toBe('7.5');
    expect(caseOf('-u memcache\n-U 0\n-l 8.8.8.8\n', 'MC601')).toBe('9.1');
    expect(caseOf('-u memcache\n-U 0\n-l 0.0.0.0\n', 'MC601')).toBe('9.1');
  });

  it('follows the case, not a severity changed in .mchardrc', () => {
    const r = lintText('-u memcache\n-U 0\n-l 10.0.0.1\n', { path: 'm.conf' });
    const raised = withSubjects(r).map((f) => (f.ruleId === 'MC601' ? { ...f, severity: 'error' as const } : f));
    const log = JSON.parse(formatSarif({ files: [{ path: 'm.conf', dialect: 'debian', findings: raised }], rules: RULES, color: false, toolVersion: '0.1.0' }));
    const res = results(log).find((x) => x.ruleId === 'MC601')!;
    expect(res.properties?.['security-severity']).toBe('7.5');
  });
});

describe('the run', () => {
  it('--sarif-category sets automationDetails.id, with the / that makes it a category for GitHub', () => {
    expect(sarifOf({ 'm.conf': SAMPLE }, { sarifCategory: 'memcached' }).runs[0].automationDetails).toEqual({ id: 'memcached/' });
    expect(sarifCategoryId('fleet/web/')).toBe('fleet/web/');
    expect(sarifOf({ 'm.conf': SAMPLE }).runs[0]).not.toHaveProperty('automationDetails');
  });

  it('files not examined are tool execution notifications, and the execution is then not successful', () => {
    const files: FileReport[] = [
      { path: 'etc/memcached.conf', dialect: 'debian', findings: withSubjects(lintText(SAMPLE, { path: 'etc/memcached.conf' })) },
      { path: 'gone.conf', dialect: null, findings: [finding('MC001', 'error', 'cannot read the file: no such file', [1, 1, 1, 1])], notRead: { kind: 'unreadable', reason: 'no such file' } },
      { path: 'Dockerfile', dialect: null, findings: [], notRead: { kind: 'refused', reason: 'a Dockerfile: mchard does not read this format' } },
    ];
    const log = JSON.parse(formatSarif({ files, rules: RULES, color: false, toolVersion: '0.1.0' }, { cwd: '/work/repo' }));
    expect(sarifErrors(log)).toEqual([]);
    expect(githubIngestionProblems(log)).toEqual([]);
    expect(results(log).some((r) => r.ruleId === 'MC001')).toBe(false);
    expect(log.runs[0].invocations).toEqual([
      {
        executionSuccessful: false,
        workingDirectory: { uri: 'file:///work/repo/' },
        toolExecutionNotifications: [
          { level: 'error', message: { text: 'gone.conf: no such file' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'gone.conf' } } }], descriptor: { id: 'unreadable' } },
          {
            level: 'error',
            message: { text: 'Dockerfile: a Dockerfile: mchard does not read this format' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'Dockerfile' } } }],
            descriptor: { id: 'refused' },
          },
        ],
      },
    ]);
    const ok = sarifOf({ 'm.conf': SAMPLE }).runs[0].invocations;
    expect(ok).toEqual([{ executionSuccessful: true, workingDirectory: { uri: 'file:///work/repo/' } }]);
  });

  it('keeps to GitHub\'s 25,000 results a run: the most severe are kept, a notification says how many were left out', () => {
    const many: FileReport[] = [
      {
        path: 'big.conf',
        dialect: 'debian',
        findings: Array.from({ length: 30 }, (_, i) => finding(i % 3 === 0 ? 'MC101' : 'MC301', i % 3 === 0 ? 'error' : 'info', `m${i}`, [i + 1, 1, i + 1, 2])),
      },
    ];
    const log = JSON.parse(formatSarif({ files: many, rules: RULES, color: false, toolVersion: '0.1.0' }, { maxResults: 12, cwd: '/' }));
    expect(sarifErrors(log)).toEqual([]);
    const rs = results(log);
    expect(rs).toHaveLength(12);
    expect(rs.filter((r) => r.ruleId === 'MC101')).toHaveLength(10);
    expect(log.runs[0].invocations[0].toolExecutionNotifications).toEqual([
      expect.objectContaining({ level: 'warning', descriptor: { id: 'results-truncated' }, message: { text: expect.stringContaining('18 of 30 results were left out') } }),
    ]);
    // The default is GitHub's limit.
    const full = JSON.parse(formatSarif({ files: many, rules: RULES, color: false, toolVersion: '0.1.0' }));
    expect(results(full)).toHaveLength(30);
  });
});

describe('every region of every real file lies inside the file', () => {
  const roots = [join(SHARED, 'corpus'), join(ROOT, 'test', 'fixtures', 'real')].filter(existsSync);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (!/\.(md|tsv|txt)$/.test(e.name)) files.push(join(d, e.name));
    }
  };
  roots.forEach(walk);

  it('in the shared corpus and the real-file fixtures', async () => {
    expect(files.length).toBeGreaterThan(100);
    let checked = 0;
    let atEnd = 0;
    for (const path of files) {
      const bytes = readFileSync(path);
      let source;
      try {
        source = decodeConfig(path, bytes);
      } catch {
        continue;
      }
      const dialect = chooseDialect(path, source.text);
      if (!dialect) continue;
      await loadDialect(dialect);
      const r = lintSource(source, dialect, { rules: RULES, options: defaultRuleOptions() });
      // GitHub's count of lines: a final newline ends the last line, it does not start another.
      const text = source.text;
      const lines = text === '' ? 1 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      const log = JSON.parse(formatSarif({ files: [{ path: 'f', dialect, findings: withSubjects(r) }], rules: RULES, color: false, toolVersion: '0.1.0' }));
      for (const res of log.runs[0].results) {
        const reg = res.locations[0].physicalLocation.region;
        expect([path, reg.startLine <= lines && reg.endLine <= lines]).toEqual([path, true]);
        if (reg.startLine === lines && text.endsWith('\n')) atEnd++;
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(atEnd).toBeGreaterThan(50); // the end-of-file findings were among them
  });
});

describe('the command line', () => {
  let dir: TempDir;
  beforeAll(() => {
    dir = new TempDir('mchard-sarif-');
  });
  afterAll(() => dir.cleanup());

  it('lint --format sarif --sarif-category writes the category; without --format sarif it is a usage error', async () => {
    const f = dir.write('memcached.conf', SAMPLE);
    const r = await run(['lint', '--format', 'sarif', '--sarif-category', 'fleet/memcached', f]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(log.runs[0].automationDetails).toEqual({ id: 'fleet/memcached/' });
    expect(githubIngestionProblems(log)).toEqual([]);
    const bad = await run(['lint', '--sarif-category', 'x', f]);
    expect([bad.code, bad.err]).toEqual([2, 'mchard: --sarif-category applies to --format sarif\n']);
    const ctl = await run(['lint', '--format', 'sarif', '--sarif-category', 'a\x1bb', f]);
    expect(ctl.code).toBe(2);
  });
});
