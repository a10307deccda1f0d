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
import { aliasProblem } from '../../src/dialects/yaml-graph.js';
import { SourceText } from '../../src/source.js';
import { InputError } from '../../src/input.js';
import { parseDocument } from 'yaml';

const PATH = '/srv/k8s/memcached.yaml';
const k8s = (text: string) => parseKubernetes(new SourceText(PATH, text));

/** A "billion laughs" document: nine levels of nine aliases each (9^9 strings once expanded). */
export function aliasBomb(indent = ''): string {
  const names = 'abcdefghi';
  const lines = [`${indent}x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let k = 1; k < names.length; k++) lines.push(`${indent}x-${names[k]}: &${names[k]} [${Array(9).fill(`*${names[k - 1]}`).join(',')}]`);
  return lines.join('\n') + '\n';
}

const HEAD = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\n';
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
