/**
 * Real files (test/fixtures/real 1300 and later, provenance in its MANIFEST.tsv) that mchard judged
 * confidently wrong, or judged in part: a parent chart with several memcached dependencies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';
import { chartReadings, readChartLock } from '../../src/dialects/helm-chart.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-g-');
});
afterEach(() => tmp.cleanup());

type FileJson = { dialect: string | null; refused?: { looksLike: string | null; reason: string; message: string; candidates: string[] }; findings: { ruleId: string; line: number; message: string; severity: string }[] };
const lintJson = async (f: string, extra: string[] = []) => {
  const r = await run(['lint', '--format', 'json', ...extra, f]);
  return { ...r, file: JSON.parse(r.out).files[0] as FileJson };
};

describe("a parent chart with five dependencies on Bitnami's memcached chart (fixtures 1300-1302: cortexproject/cortex-helm-chart)", () => {
  const ALIASES = ['memcached-frontend', 'memcached-blocks-index', 'memcached-blocks', 'memcached-blocks-metadata', 'memcached-parquet-labels'];
  const place = (values: Buffer | string = real('helm/1300-cortexproject-cortex-helm-chart-values.yaml')) => {
    tmp.write('cortex-helm-chart/Chart.yaml', real('helm/1301-cortexproject-cortex-helm-chart-Chart.yaml'));
    tmp.write('cortex-helm-chart/Chart.lock', real('helm/1302-cortexproject-cortex-helm-chart-Chart.lock'));
    return tmp.write('cortex-helm-chart/values.yaml', values);
  };
  const lineOf = (text: string, key: string) => text.split('\n').indexOf(`${key}:`) + 1;

  it('every subchart is judged on the values under its own alias, each named (before: memcached-frontend alone)', async () => {
    const f = place();
    const text = readFileSync(f, 'utf8');
    const i = JSON.parse((await run(['inspect', '--format', 'json', f])).out) as { workload: string; startup: { reason: string } }[];
    expect(i.map((x) => x.workload)).toEqual(ALIASES.map((a, k) => `subchart ${a} (Chart.yaml's dependency ${k + 1}, Bitnami's memcached chart)`));
    // Each runs the official image (memcached:1.6.42), whose command the chart's values do not decide.
    for (const [k, a] of ALIASES.entries()) expect(i[k].startup.reason).toContain(`(${a}: section): image docker.io/memcached:1.6.42 is not Bitnami's`);
    const { file } = await lintJson(f);
    const mc910 = file.findings.filter((x) => x.ruleId === 'MC910');
    expect(mc910.map((x) => x.message.match(/\(([\w-]+): section\)/)![1])).toEqual(ALIASES);
    for (const [k, a] of ALIASES.entries()) expect(mc910[k].line).toBeGreaterThan(lineOf(text, a));
    // memcached-parquet-labels.enabled: false: helm installs that one not at all (its condition).
    expect(file.findings.filter((x) => x.ruleId === 'MC911').map((x) => [x.line, x.message.slice(0, 40)])).toEqual([[lineOf(text, 'memcached-parquet-labels') + 2, 'memcached-parquet-labels.enabled: false,']]);
  });

  it("with Bitnami's image in every section (derived from 1300): each subchart gets its own findings, and fix edits each section, checked against its own subchart", async () => {
    const derived = real('helm/1300-cortexproject-cortex-helm-chart-values.yaml')
      .toString('utf8')
      .replaceAll('  image:\n    repository: memcached\n    tag: "1.6.42"', '  image:\n    repository: bitnami/memcached\n    tag: "1.6.39"')
      .replaceAll('  args:\n    # -- The amount of memory allocated to memcached for object storage\n    - -m 1024\n', '');
    expect(derived.match(/repository: bitnami\/memcached/g)).toHaveLength(5);
    const f = place(derived);
    const { file } = await lintJson(f);
    const mc101 = file.findings.filter((x) => x.ruleId === 'MC101');
    expect(mc101.map((x) => x.message.match(/NetworkPolicy <release>-([\w-]+) admits/)![1])).toEqual(ALIASES);
    const r = await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f]);
    expect(r.code).toBe(0);
    const after = readFileSync(f, 'utf8');
    expect(after.match(/- name: MEMCACHED_EXTRA_FLAGS {2}# mchard: added/g)).toHaveLength(5);
    for (const a of ALIASES) {
      const section = after.slice(after.indexOf(`\n${a}:\n`) + 1).split(/\n(?=\S)/)[0];
      expect(section).toContain('MEMCACHED_EXTRA_FLAGS');
    }
  });

  it("Chart.yaml's readings: one per alias, in order, each pinned by its own line of the Chart.lock; one alias twice is read once", () => {
    const chart = real('helm/1301-cortexproject-cortex-helm-chart-Chart.yaml').toString('utf8');
    const lock = real('helm/1302-cortexproject-cortex-helm-chart-Chart.lock').toString('utf8');
    const readings = chartReadings(chart);
    expect(readings.map((r) => [r.valuesKey, r.index, r.versionText, r.condition])).toEqual(ALIASES.map((a, k) => [a, k, '6.14.0', [`${a}.enabled`]]));
    for (const r of readings) expect(readChartLock(chart, lock, r.index)).toEqual({ state: 'pinned', version: '6.14.0' });
    // A lock whose fourth entry says another version is out of sync (its digest no longer matches).
    const lines = lock.split('\n');
    const fourth = lines.map((l, k) => (l.includes('version: 6.14.0') ? k : -1)).filter((k) => k >= 0)[3];
    lines[fourth] = lines[fourth].replace('6.14.0', '6.13.0');
    expect(readChartLock(chart, lines.join('\n'), 3).state).toBe('stale');
    const twice = chart.replace('alias: memcached-blocks-index', 'alias: memcached-frontend');
    expect(chartReadings(twice).map((r) => r.valuesKey)).toEqual(['memcached-frontend', 'memcached-blocks', 'memcached-blocks-metadata', 'memcached-parquet-labels']);
  });
});
