/**
 * YAML aliases and merge keys in the container readers (yaml-graph.ts): read as go-yaml reads them for
 * Kubernetes and Helm (sigs.k8s.io/yaml over go-yaml v2: a merge key sets the merged keys where it stands,
 * a later key wins), an alias bomb refused before anything expands it, an anchor inside itself and a merge
 * of something else than mappings refused as Kubernetes refuses them, and fix never editing text at an
 * anchor that other places of the file use.
 *
 * No real manifest or values file of a memcached workload with a merge key was found in public
 * repositories (searched by content); the documents here follow the real patterns that were found: pod
 * labels given by an alias of the selector's (`labels: *MemcachedDeploymentLabels`,
 * GoogleCloudPlatform/click-to-deploy k8s/memcached/manifest/manifests.yaml.template at 1a795146), labels
 * by `<<: *labels`, and containers built from `<<: *container_template` (Prow job files).
 */
import { parseKubernetes } from '../../src/dialects/kubernetes.js';
import { parseHelm } from '../../src/dialects/helm.js';
import { parseCompose } from '../../src/dialects/compose.js';
import { loadDialect } from '../../src/dialects/index.js';
import { podReachOf } from '../../src/dialects/container-reach.js';
import { aliasProblem } from '../../src/dialects/yaml-graph.js';
import { SourceText } from '../../src/source.js';
import { InputError } from '../../src/input.js';
import { lintText } from '../helpers/lint.js';
import { fixText } from '../fix/helpers.js';
import { parseDocument } from 'yaml';

const PATH = '/srv/k8s/memcached.yaml';
const k8s = (text: string) => parseKubernetes(new SourceText(PATH, text));
const lint = (text: string) => lintText(text, { dialect: 'kubernetes', path: PATH });

/** A "billion laughs" document: nine levels of nine aliases each (9^9 strings once expanded). */
export function aliasBomb(indent = ''): string {
  const names = 'abcdefghi';
  const lines = [`${indent}x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let k = 1; k < names.length; k++) lines.push(`${indent}x-${names[k]}: &${names[k]} [${Array(9).fill(`*${names[k - 1]}`).join(',')}]`);
  return lines.join('\n') + '\n';
}

const HEAD = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\n';
const POD = (containers: string, labels = '      labels:\n        app: cache\n') =>
  `${HEAD}spec:\n  selector:\n    matchLabels:\n      app: cache\n  template:\n    metadata:\n${labels}    spec:\n      containers:\n${containers}`;
const SERVICE = '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n  type: LoadBalancer\n  selector:\n    app: cache\n  ports:\n    - port: 11211\n';

beforeAll(async () => {
  await loadDialect('kubernetes');
  await loadDialect('helm');
  await loadDialect('compose');
});

describe('an alias bomb is refused before it expands', () => {
  it('Kubernetes, helm and Compose readers: one InputError naming the problem, quickly', () => {
    const t0 = process.hrtime.bigint();
    const manifest = `${HEAD}${aliasBomb()}spec:\n  template:\n    spec:\n      containers:\n        - name: m\n          image: memcached:1.6\n`;
    expect(() => k8s(manifest)).toThrow(InputError);
    expect(() => k8s(manifest)).toThrow(/alias bomb: 99% of the first \d+ nodes decoded are copies made by aliases\); Kubernetes refuses such a document \("document contains excessive aliasing"\)/);
    expect(() => parseHelm(new SourceText('/srv/chart/values.yaml', `image:\n  repository: bitnami/memcached\n${aliasBomb()}`))).toThrow(/helm refuses such a document/);
    expect(() => parseCompose(new SourceText('/srv/docker-compose.yml', `${aliasBomb()}services:\n  cache:\n    image: memcached\n`))).toThrow(/Compose refuses such a document/);
    // Far less than a second: the bomb is never expanded (without the bound, lint took minutes).
    expect(Number(process.hrtime.bigint() - t0) / 1e9).toBeLessThan(5);
  });

  it("go-yaml's rule: real reuse (Sentry's 100+ aliases, a list of 5,000 aliases of one small anchor) is read", () => {
    const many = `base: &b {k: v}\nitems:\n${'  - *b\n'.repeat(5000)}`;
    expect(aliasProblem(parseDocument(many, { version: '1.1' }), 'Kubernetes')).toBeNull();
    // Nine levels of two aliases each: a few thousand decodes, nearly all copies: refused as go-yaml does.
    const small = aliasBomb().replace(/\[(\*[a-h],?){9}\]/g, (m) => `[${m.slice(1, 3)},${m.slice(1, 3)}]`);
    expect(aliasProblem(parseDocument(small, { version: '1.1' }), 'Kubernetes')?.kind).toBe('excessive');
  });
});

describe('Kubernetes: aliases and merge keys as go-yaml v2 applies them', () => {
  it('a container built from <<: *template takes image, args, securityContext and ports from it', () => {
    const text =
      `x-memcached: &memcached\n  image: memcached:1.6.21\n  args: ["-m", "64", "-U", "0"]\n  securityContext:\n    runAsUser: 0\n  ports:\n    - containerPort: 11211\n      hostPort: 11211\n` +
      POD('        - <<: *memcached\n          name: memcached\n');
    const c = k8s(text);
    expect(c.workload?.via).toBe('official');
    expect(c.argv.map((t) => t.value)).toEqual(['-m', '64', '-U', '0']);
    // Found where the fact is written: the anchor's text.
    expect(text.slice(c.argv[1].span!.start, c.argv[1].span!.end)).toBe('64');
    expect(c.argv[1].span!.start).toBeLessThan(text.indexOf('kind:'));
    expect(c.startsAs).toBe('root');
    const r = lint(text);
    expect(podReachOf(r.config, r.model.listeners)?.verdict).toBe('node-network');
  });

  it('order decides, as in go-yaml v2: a key after the merge key wins, a merge key after a key overrides it; in a list the first wins', () => {
    const base = 'x-a: &a\n  args: ["-m", "1"]\nx-b: &b\n  args: ["-m", "2"]\n';
    expect(k8s(base + POD('        - name: m\n          image: memcached\n          <<: *a\n          args: ["-m", "3"]\n')).argv.map((t) => t.value)).toEqual(['-m', '3']);
    expect(k8s(base + POD('        - name: m\n          image: memcached\n          args: ["-m", "3"]\n          <<: *a\n')).argv.map((t) => t.value)).toEqual(['-m', '1']);
    expect(k8s(base + POD('        - name: m\n          image: memcached\n          <<: [*b, *a]\n')).argv.map((t) => t.value)).toEqual(['-m', '2']);
  });

  it('aliases of values, of list items and of whole containers', () => {
    const text = `x-args: &args ["-p", "11311"]\nx-c: &c {name: m, image: memcached, args: *args}\n` + POD('        - *c\n');
    expect(k8s(text).argv.map((t) => t.value)).toEqual(['-p', '11311']);
    const cmd = `x-bin: &bin /usr/bin/memcached\n` + POD('        - name: m\n          image: registry.example.com/cache:2\n          command: [*bin, "-vv"]\n');
    expect(k8s(cmd).argv.map((t) => t.value)).toEqual(['-vv']);
  });

  it("pod labels given by an alias or a merge key: the file's Service selects the pod (click-to-deploy's pattern)", () => {
    const byAlias = `${HEAD}spec:\n  selector:\n    matchLabels: &labels\n      app: cache\n  template:\n    metadata:\n      labels: *labels\n    spec:\n      containers:\n        - name: m\n          image: memcached:1.6\n${SERVICE}`;
    const byMerge = byAlias.replace('      labels: *labels\n', '      labels:\n        <<: *labels\n        tier: cache\n');
    for (const text of [byAlias, byMerge]) {
      const r = lint(text);
      const v = podReachOf(r.config, r.model.listeners);
      expect(v?.verdict).toBe('beyond-cluster');
      expect(v?.where).toMatch(/LoadBalancer/);
    }
  });

  it('an anchor inside itself and a merge of a list or a scalar: Kubernetes refuses the file', () => {
    const cycle = k8s(`x: &x [*x]\n` + POD('        - name: m\n          image: memcached\n'));
    expect(cycle.launchFailure?.reason).toMatch(/Kubernetes refuses the file: the anchor &x holds an alias of itself/);
    const scalar = k8s(POD('        - name: m\n          image: memcached\n          <<: 5\n'));
    expect(scalar.launchFailure?.reason).toMatch(/merge key \(<<\) takes a mapping or a list of mappings/);
    const list = k8s(`x: &l [a]\n` + POD('        - name: m\n          image: memcached\n          <<: *l\n'));
    expect(list.launchFailure?.reason).toMatch(/map merge requires map/);
  });
});

describe('Helm values: aliases and merge keys', () => {
  it("a values section built from <<: *defaults, and extraEnvVars by an alias", () => {
    const text =
      `x-defaults: &defaults\n  image:\n    repository: bitnami/memcached\n    tag: 1.6.39-debian-12-r0\n  args: ["/opt/bitnami/scripts/memcached/run.sh", "-vv"]\nx-env: &env\n  - name: MEMCACHED_CACHE_SIZE\n    value: "512"\n` +
      `memcached:\n  <<: *defaults\n  extraEnvVars: *env\n`;
    const c = parseHelm(new SourceText('/srv/app/values.yaml', text));
    expect(c.values?.section).toBe('memcached');
    expect(c.argv.map((t) => t.value)).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-m', '512', '-vv']);
  });
});

describe('fix never edits text at an anchor other places use', () => {
  const shared = `x-memcached: &memcached\n  image: memcached:1.6.21\n  args: ["-m", "64"]\n` + POD('        - <<: *memcached\n          name: memcached\n');
  it('options from a shared anchor: refused, naming the anchor; the file is unchanged', () => {
    const p = fixText(shared, 'kubernetes', {}, PATH);
    expect(p.applied).toEqual([]);
    expect(p.failed.length).toBeGreaterThan(0);
    for (const f of p.failed) expect(f.reason).toMatch(/written at the anchor &memcached, which other places of the file use/);
    expect(p.text).toBe(shared);
  });

  it("the container's own args next to a merged image: edited in the container", () => {
    const own = `x-memcached: &memcached\n  image: memcached:1.6.21\n` + POD('        - <<: *memcached\n          name: memcached\n          args: ["-m", "64"]\n');
    const p = fixText(own, 'kubernetes', {}, PATH);
    expect(p.failed).toEqual([]);
    expect(p.text).toContain('x-memcached: &memcached\n  image: memcached:1.6.21\n');
    expect(lintText(p.text, { dialect: 'kubernetes', path: PATH }).config.argv.map((t) => t.value)).toEqual(['-m', '64', '-U', '0', '-X']);
  });
});
