/**
 * Real files a new user brings (test/fixtures/real 804 and later, provenance in its MANIFEST.tsv) that
 * mchard read with the wrong program: what reads each file, and that mchard says so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectDialect, type Detection, type DialectRefusal } from '../../src/dialects/detect.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');
const refused = (d: Detection): DialectRefusal => {
  if (!d.refused) throw new Error(`read as ${d.dialect}: ${d.explanation}`);
  return d;
};

describe("a CI pipeline's services: list is no Compose file", () => {
  const travis = ['other/804-pinterest-pymemcache-.travis.yml', 'other/805-linsomniac-python-memcached-.travis.yml'];

  it.each(travis)('%s, at its own name .travis.yml, is a CI pipeline definition', (rel) => {
    // Before: read as a Compose file ("a Compose services: mapping that runs memcached"), because the
    // indented "- memcached" item looked like a command.
    const r = refused(detectDialect('/srv/project/.travis.yml', real(rel)));
    expect(r.reason).toBe('name');
    expect(r.looksLike).toMatch(/^a CI pipeline definition: the CI starts the memcached it lists/);
    expect(r.candidates).toEqual([]);
  });

  it.each(travis)('%s, under another name, is still no Compose file: its services: is a list', (rel) => {
    const r = refused(detectDialect('/srv/project/ci.yml', real(rel)));
    expect(r.reason).toBe('content');
    expect(r.looksLike).toMatch(/^a CI pipeline definition: .*\(its services: is a list; Compose.s is a mapping\)$/);
  });

  it("GitLab's and Drone's services: lists of containers are refused alike; a Compose services: mapping is still Compose", () => {
    const gitlab = 'image: ruby:3.2\nservices:\n  # the cache\n  - name: memcached:1.6\n    alias: cache\ntest:\n  script: bundle exec rake\n';
    expect(refused(detectDialect('/srv/p/.gitlab-ci.yml', gitlab)).reason).toBe('name');
    expect(refused(detectDialect('/srv/p/pipeline.yml', gitlab)).looksLike).toMatch(/^a CI pipeline definition: .*\(its services: is a list; Compose.s is a mapping\)$/);
    const drone = 'kind: pipeline\nname: default\nservices:\n- name: cache\n  image: memcached:alpine\n  command: [ -vv ]\n';
    expect(refused(detectDialect('/srv/p/.drone.yml', drone)).reason).toBe('name');
    expect(refused(detectDialect('/srv/p/build.yml', drone)).looksLike).toMatch(/^a CI pipeline definition: .*\(its services: is a list; Compose.s is a mapping\)$/);
    const compose = 'services:\n  cache:\n    image: memcached:1.6.45\n    command: ["-U", "0"]\n';
    expect(detectDialect('/srv/p/stack.yml', compose)).toMatchObject({ dialect: 'compose' });
  });
});

describe("an operator's kind: Memcached that names no image (KubeDB's quickstart, fixture 806)", () => {
  it('is refused as a custom resource whose operator runs memcached, not as a manifest with no memcached', () => {
    // Before: "a Kubernetes manifest with no container that runs memcached": KubeDB picks the image from
    // spec.version and runs memcached from it.
    const r = refused(detectDialect('/srv/k8s/memcached.yaml', real('kubernetes/806-kubedb-docs-demo-v1.yaml')));
    expect(r.reason).toBe('content');
    expect(r.looksLike).toMatch(/^a Kubernetes manifest whose objects \(kind Memcached\) have no pod template: the operator or controller that reads them makes the workloads that run memcached/);
  });

  it('a Secret or a Service alone is still a manifest with no memcached container', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: mc-configuration\nstringData:\n  memcached.conf: |\n    --conn-limit=500\n';
    expect(refused(detectDialect('/srv/k8s/secret.yaml', secret)).looksLike).toBe('a Kubernetes manifest with no container that runs memcached');
  });
});
