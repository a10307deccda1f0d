/**
 * The Chart.yaml beside a Helm values file decides how its memcached values are used: which version of
 * Bitnami's memcached chart reads them (the generation of its templates, its default image tag), under
 * which key of a parent chart's values (an alias), and whether helm installs the subchart at all (the
 * dependency's condition and tags). Real charts (test/fixtures/real, MANIFEST.tsv): zammad 6.0.3, which
 * pins Bitnami's chart 5.15.5, and sentry, whose memcached dependency is installed only when
 * sourcemaps.enabled, which its values set false.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';
import { allAtLeast, allBelow, chartFacts, chartRange, chartReleases, exactOf } from '../../src/dialects/helm-chart.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-helm-chart-');
});
afterEach(() => tmp.cleanup());

/** A chart folder: values.yaml, and the Chart.yaml beside it when given. */
function chart(dir: string, values: string, chartYaml: string | null): string {
  if (chartYaml !== null) tmp.write(`${dir}/Chart.yaml`, chartYaml);
  return tmp.write(`${dir}/values.yaml`, values);
}

const inspectJson = async (f: string) => {
  const r = await run(['inspect', '--format', 'json', f]);
  return { ...r, doc: JSON.parse(r.out) };
};

describe("Helm's version constraints, as the smallest range that holds every version they allow", () => {
  it.each([
    ['7.5.2', [7, 5, 2], [7, 5, 3]],
    ['=5.15.5', [5, 15, 5], [5, 15, 6]],
    ['6.x.x', [6, 0, 0], [7, 0, 0]],
    ['6.*', [6, 0, 0], [7, 0, 0]],
    ['6', [6, 0, 0], [7, 0, 0]],
    ['~7.x', [7, 0, 0], [8, 0, 0]],
    ['~6.9.0', [6, 9, 0], [6, 10, 0]],
    ['^6.3.1', [6, 3, 1], [7, 0, 0]],
    ['^0.2.3', [0, 2, 3], [0, 3, 0]],
    ['>=5.0.0 <7.0.0', [5, 0, 0], [7, 0, 0]],
    ['>= 6.0.0, < 7', [6, 0, 0], [7, 0, 0]],
    ['5.9.0 - 6.2.0', [5, 9, 0], [6, 2, 1]],
    ['5.x || 7.x', [5, 0, 0], [8, 0, 0]],
    ['>=6.10.0', [6, 10, 0], null],
    ['*', [0, 0, 0], null],
  ])('%s', (text, min, below) => {
    expect(chartRange(text)).toEqual({ min, below });
  });

  it('what is not a constraint is not read', () => {
    expect(chartRange('latest')).toBeNull();
    expect(chartRange('{{ .Values.v }}')).toBeNull();
  });

  it('questions answered for every version of the range', () => {
    const r = chartRange('~6.9.0')!;
    expect(allAtLeast(r, [6, 0, 0])).toBe(true);
    expect(allBelow(r, [6, 10, 0])).toBe(true);
    expect(exactOf(r)).toBeNull();
    expect(exactOf(chartRange('7.5.2')!)).toEqual([7, 5, 2]);
    expect(allBelow(chartRange('>=6.0.0')!, [8, 0, 0])).toBe(false);
  });
});

describe("the release the default image of Bitnami's chart versions names (bitnami/charts history)", () => {
  it.each([
    ['5.15.5', [1, 6, 12], [1, 6, 12]],
    ['7.5.2', [1, 6, 32], [1, 6, 32]],
    ['~6.9.0', [1, 6, 23], [1, 6, 23]],
    ['5.x.x', [1, 6, 8], [1, 6, 13]],
    ['0.4.x', [1, 4, 33], [1, 5, 10]],
    ['8.0.0', [1, 6, 39], [1, 6, 39]],
  ])('%s', (text, min, max) => {
    expect(chartReleases(chartRange(text)!)).toMatchObject({ min, max });
  });

  it('a chart after the newest there is: not in the table', () => {
    expect(chartReleases(chartRange('9.x')!)).toBeNull();
    expect(chartReleases(chartRange('>=7.0.0')!)).toMatchObject({ min: [1, 6, 24], max: [1, 6, 39], beyond: true });
  });
});

describe('what a Chart.yaml says of Bitnami\'s memcached chart', () => {
  it("zammad 6.0.3 depends on chart 5.15.5 under the condition zammadConfig.memcached.enabled", () => {
    expect(chartFacts(real('helm/801-zammad-zammad-helm-Chart.yaml'))).toMatchObject({ kind: 'dependency', versionText: '5.15.5', valuesKey: 'memcached', condition: ['zammadConfig.memcached.enabled'], tags: [] });
  });

  it('sentry depends on chart 7.5.2 from the OCI registry under the condition sourcemaps.enabled', () => {
    expect(chartFacts(real('helm/803-sentry-kubernetes-charts-Chart.yaml'))).toMatchObject({ kind: 'dependency', versionText: '7.5.2', repository: 'oci://registry-1.docker.io/bitnamicharts', condition: ['sourcemaps.enabled'] });
  });

  it('a memcached chart from elsewhere, or not YAML, says nothing', () => {
    expect(chartFacts('apiVersion: v2\nname: app\ndependencies:\n  - name: memcached\n    version: 0.14.6\n    repository: oci://ghcr.io/cloudpirates-io/helm-charts\n')).toBeNull();
    expect(chartFacts('name: [\n')).toBeNull();
  });
});

describe('values beside a Chart.yaml that depends on Bitnami\'s memcached chart', () => {
  it('zammad: the pinned chart 5.15.5 reads the section with its 4.x/5.x templates (no NetworkPolicy) and runs its default tag, memcached 1.6.12', async () => {
    const values = real('helm/800-zammad-zammad-helm-values.yaml');
    const f = chart('zammad', values, real('helm/801-zammad-zammad-helm-Chart.yaml'));
    const { doc } = await inspectJson(f);
    expect(doc.dialect).toBe('helm');
    // Chart 5.15.5's values.yaml (bitnami/charts 49ddc92784) names image.tag 1.6.12-debian-10-r0.
    expect(doc.memcachedVersion).toBe('1.6.12');
    expect(doc.memcachedVersionText).toBeUndefined();
    expect(doc.unknown.version).toBeUndefined();
    // Charts before 6.10.0 render no NetworkPolicy: nothing left open about one.
    expect(doc.exposure.verdict).toBe('cluster-wide');
    expect(doc.exposure.reason).not.toContain('leaves open');
    // The condition is zammadConfig.memcached.enabled, true here: installed.
    expect(doc.notInstalled).toBeUndefined();
    // lint reads the Chart.yaml too: the 5.15.5 templates render no NetworkPolicy.
    const lint = await run(['lint', '--format', 'json', f]);
    const mc101 = JSON.parse(lint.out).files[0].findings.find((x: { ruleId: string }) => x.ruleId === 'MC101');
    expect(mc101.message).toContain('the chart renders no NetworkPolicy that restricts it');
  });

  it('sentry: sourcemaps.enabled: false turns the dependency off, and lint and inspect say so', async () => {
    const f = chart('sentry', real('helm/802-sentry-kubernetes-charts-values.yaml'), real('helm/803-sentry-kubernetes-charts-Chart.yaml'));
    const { doc } = await inspectJson(f);
    expect(doc.notInstalled).toContain("sourcemaps.enabled: false, and Chart.yaml installs the memcached subchart only when sourcemaps.enabled is true (its dependency's condition)");
    expect(doc.notInstalled).toContain('helm install --set sourcemaps.enabled=true');
    expect(doc.memcachedVersion).toBe('1.6.32');
    const text = await run(['inspect', f]);
    expect(text.out).toMatch(/\n {2}installs {2}no: sourcemaps\.enabled: false/);
    const lint = await run(['lint', '--format', 'json', f]);
    const mc911 = JSON.parse(lint.out).files[0].findings.filter((x: { ruleId: string }) => x.ruleId === 'MC911');
    expect(mc911).toHaveLength(1);
    expect(mc911[0].message).toContain('sourcemaps.enabled: false');
    // Its line: sourcemaps.enabled in the values.
    expect(mc911[0].line).toBe(real('helm/802-sentry-kubernetes-charts-values.yaml').split('\n').indexOf('sourcemaps:') + 2);
  });

  it('sentry with sourcemaps.enabled: true: installed, and memcached.enabled (not its condition) changes nothing', async () => {
    const values = real('helm/802-sentry-kubernetes-charts-values.yaml').replace('sourcemaps:\n  enabled: false', 'sourcemaps:\n  enabled: true').replace('memcached:\n  memoryLimit', 'memcached:\n  enabled: false\n  memoryLimit');
    const f = chart('sentry-on', values, real('helm/803-sentry-kubernetes-charts-Chart.yaml'));
    const { doc } = await inspectJson(f);
    expect(doc.notInstalled).toBeUndefined();
    const lint = await run(['lint', '--format', 'json', f]);
    expect(JSON.parse(lint.out).files[0].findings.filter((x: { ruleId: string }) => x.ruleId === 'MC911')).toEqual([]);
  });

  it("the dependency's tags decide when no condition path is set: off when one is false and none true", async () => {
    const cy = 'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: memcached\n    version: 7.5.2\n    repository: https://charts.bitnami.com/bitnami\n    tags:\n      - cache\n';
    const off = await inspectJson(chart('tags-off', 'tags:\n  cache: false\nmemcached:\n  replicaCount: 1\n', cy));
    expect(off.doc.notInstalled).toContain('tags.cache: false');
    const on = await inspectJson(chart('tags-on', 'tags:\n  cache: true\nmemcached:\n  replicaCount: 1\n', cy));
    expect(on.doc.notInstalled).toBeUndefined();
  });

  it("an alias names the section; the parent's own image and args are not the subchart's", async () => {
    const cy = 'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: memcached\n    alias: cache\n    version: 7.5.2\n    repository: https://charts.bitnami.com/bitnami\n';
    const values = 'image:\n  repository: ghcr.io/example/app\n  tag: "1.0"\nargs: ["serve"]\ncache:\n  image:\n    repository: bitnami/memcached\n    tag: 1.6.29-debian-12-r0\n  args: ["/run.sh", "-U", "0"]\n';
    const { doc } = await inspectJson(chart('alias', values, cy));
    expect(doc.memcachedVersion).toBe('1.6.29');
    expect(doc.argv).toContain('-U');
    expect(doc.workload ?? '').not.toContain('ghcr.io');
  });

  it('a parent whose values set nothing for the subchart: its defaults, not the parent\'s own image', async () => {
    const cy = 'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: memcached\n    version: 7.5.2\n    repository: https://charts.bitnami.com/bitnami\n';
    const { doc } = await inspectJson(chart('nosection', 'image:\n  repository: ghcr.io/example/app\n  tag: "1.0"\nreplicaCount: 2\n', cy));
    expect(doc.memcachedVersion).toBe('1.6.32');
    expect(doc.warnings.join('\n')).toContain('the values set nothing under memcached:');
    expect(JSON.stringify(doc)).not.toContain('ghcr.io/example/app');
  });

  it('a range of chart versions: the releases their default images name, and what differs across them is unknown', async () => {
    const dep = (v: string) => `apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: memcached\n    version: "${v}"\n    repository: https://charts.bitnami.com/bitnami\n`;
    // Charts 0.4.x ran memcached 1.4.33 to 1.5.10: UDP on by default before 1.5.6, off after.
    const old = await inspectJson(chart('old', 'memcached:\n  replicaCount: 1\n', dep('~0.4.0')));
    expect(old.doc.memcachedVersionText).toBe('1.4.33 to 1.5.10');
    expect(old.doc.unknown.version.reason).toContain('1.4.33 to 1.5.10');
    expect(old.doc.unknown.version.decide).toContain('Chart.lock');
    // Those images predate Bitnami's start script mchard models: where memcached listens is unknown, not certain.
    expect(old.doc.unknown.listeners).toBeDefined();
    // A chart Bitnami's history does not hold (8.1.5 is on its OCI registry, zulip's chart names it): its
    // default tag is unknown, and what would tell it is named.
    const later = await inspectJson(chart('later', 'memcached:\n  replicaCount: 1\n', dep('8.1.5')));
    expect(later.doc.memcachedVersionText).toBe("unknown: chart 8.1.5's default tag");
    expect(later.doc.unknown.version.decide).toContain('helm show values bitnami/memcached --version 8.1.5');
    // A range reaching past 8.0.0: from its lowest chart's release up to the newest mchard knows, not 8.0.0's.
    const open = await inspectJson(chart('open', 'memcached:\n  replicaCount: 1\n', dep('>=7.9.4')));
    expect(open.doc.memcachedVersionText).toBe('1.6.39 to 1.6.45');
    expect(open.doc.unknown.version.reason).toContain('a later chart than 8.0.0');
  });

  it('auth without readOnlyRootFilesystem: false fails helm install with a chart of 6.14.0 or later, and is fine before', async () => {
    const values = 'memcached:\n  auth:\n    enabled: true\n    username: app\n';
    const dep = (v: string) => `apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: memcached\n    version: ${v}\n    repository: https://charts.bitnami.com/bitnami\n`;
    const late = await inspectJson(chart('late', values, dep('7.5.2')));
    expect(late.doc.startup.ok).toBe(false);
    expect(late.doc.startup.reason).toContain('helm install fails');
    const early = await inspectJson(chart('early', values, dep('6.9.0')));
    expect(early.doc.startup.reason ?? '').not.toContain('readOnlyRootFilesystem');
    expect(early.doc.warnings.join('\n')).not.toContain('readOnlyRootFilesystem');
  });
});
