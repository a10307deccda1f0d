/**
 * The helm dialect: values of Bitnami's memcached chart, read as the chart's templates render them
 * (bitnami/charts bitnami/memcached: values.yaml and templates at 1.5.6, 5.15.2, 6.3.4, 7.9.7 and the
 * history in between), with the chart's defaults for what the values leave out.
 */
import { parseHelm } from '../../src/dialects/helm.js';
import { loadDialect } from '../../src/dialects/index.js';
import { podReachOf } from '../../src/dialects/container-reach.js';
import { SourceText } from '../../src/source.js';
import { findings, lintText } from '../helpers/lint.js';

const PATH = '/srv/chart/values.yaml';
const parse = (text: string) => parseHelm(new SourceText(PATH, text));
const lint = (text: string) => lintText(text, { dialect: 'helm', path: PATH });
const IMAGE = 'image:\n  registry: docker.io\n  repository: bitnami/memcached\n  tag: 1.6.39-debian-12-r0\n';
const verdict = (text: string) => {
  const r = lint(text);
  return podReachOf(r.config, r.model.listeners);
};

beforeAll(async () => {
  await loadDialect('helm');
});

describe("helm: the chart's container", () => {
  it('defaults: run.sh with -u memcached -p 11211 -v, uid 1001, no SASL, a ClusterIP Service', () => {
    const r = lint(IMAGE);
    expect(r.config.argv.map((t) => t.value)).toEqual(['-u', 'memcached', '-p', '11211', '-v']);
    expect(r.model.runsAs).toBe('1001');
    expect(findings(r, 'MC601')).toHaveLength(1);
    expect(r.config.image?.info.version).toMatchObject({ kind: 'exact' });
    expect(r.model.version).toEqual([1, 6, 39]);
  });

  it('containerPorts, args and extraEnvVars become the container; $(VAR) and tpl values as Kubernetes and helm render them', () => {
    const c = parse(`${IMAGE}containerPorts:\n  memcached: 11311\nargs:\n  - /opt/bitnami/scripts/memcached/run.sh\n  - -vv\nextraEnvVars:\n  - name: MEMCACHED_CACHE_SIZE\n    value: "512"\n  - name: MEMCACHED_EXTRA_FLAGS\n    value: "-U 0 -c $(CONNS)"\n  - name: MEMCACHED_MAX_CONNECTIONS\n    value: "{{ .Values.conns }}"\n`);
    expect(c.argv.map((t) => t.value)).toEqual(['-u', 'memcached', '-p', '11311', '-v', '-m', '512', '-c', '{{ .Values.conns }}', '-U', '0', '-c', '$(CONNS)', '-vv']);
    expect(c.argv[8].exact).toBe(false);
    expect(c.argv[8].note).toMatch(/Helm template expression/);
    expect(c.values?.sources.at(-1)).toEqual({ kind: 'item', list: 'args', index: 1 });
  });

  it('auth.enabled: the Secret\'s password (given or generated) turns SASL on; an existing Secret leaves it undecided', () => {
    const on = lint(`${IMAGE}auth:\n  enabled: true\n  username: app\ncontainerSecurityContext:\n  readOnlyRootFilesystem: false\n`);
    expect(on.config.argv.map((t) => t.value)).toContain('-S');
    expect(findings(on, 'MC601')).toEqual([]);
    const existing = lint(`${IMAGE}auth:\n  enabled: true\n  username: app\n  existingPasswordSecret: mc-auth\ncontainerSecurityContext:\n  readOnlyRootFilesystem: false\n`);
    expect(existing.config.notes.find((n) => n.kind === 'auth-unknown')?.message).toMatch(/Secret mc-auth/);
    expect(findings(existing, 'MC601')[0]).toMatchObject({ severity: 'info', message: expect.stringMatching(/not decided by the file/) });
  });

  it("helm install's own refusals: auth without a username, auth with a read-only root file system", () => {
    expect(parse(`${IMAGE}auth:\n  enabled: true\n`).launchFailure?.reason).toMatch(/requires setting a valid admin username/);
    expect(parse(`${IMAGE}auth:\n  enabled: true\n  username: a\ncontainerSecurityContext:\n  readOnlyRootFilesystem: true\n`).launchFailure?.reason).toMatch(/not compatible with using a read-only filesystem/);
    // Not set: the chart version decides (true by default from 6.14.0): said, not predicted.
    const c = parse(`${IMAGE}auth:\n  enabled: true\n  username: a\n`);
    expect(c.launchFailure).toBeNull();
    expect(c.notes.find((n) => n.kind === 'chart-version')?.message).toMatch(/6\.14\.0 and later default it to true/);
  });

  it("the user: containerSecurityContext over podSecurityContext; disabled contexts leave the image's 1001", () => {
    expect(lint(`${IMAGE}containerSecurityContext:\n  runAsUser: 2001\n`).model.runsAs).toBe('2001');
    expect(lint(`${IMAGE}containerSecurityContext:\n  enabled: false\npodSecurityContext:\n  runAsUser: 3001\n`).model.runsAs).toBe('3001');
    // runAsUser 0: the image's run.sh drops to memcached.
    expect(lint(`${IMAGE}containerSecurityContext:\n  runAsUser: 0\n`).model.runsAs).toBe('memcached');
  });

  it('the generation from the keys: 4.x/5.x arguments and memcachedPassword, before 4.0 serviceType', () => {
    const g5 = parse(`${IMAGE}memcachedPassword: s3cret\narguments:\n  - /run.sh\n  - -m\n  - "64"\nservice:\n  type: NodePort\n  port: 11211\n`);
    expect(g5.values?.generation).toBe('4-5');
    expect(g5.argv.map((t) => t.value)).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-S', '-m', '64']);
    const g1 = parse('image:\n  repository: bitnami/memcached\n  tag: 1.6.9-debian-10-r80\nserviceType: LoadBalancer\n');
    expect(g1.values?.generation).toBe('<4');
  });

  it('a parent chart\'s section (by its name or its image), and memcached.enabled: false (MC911)', () => {
    const parent = `postgresql:\n  enabled: true\nmemcached:\n  enabled: false\n  ${IMAGE.replace(/\n(?=.)/g, '\n  ')}`;
    const r = lint(parent);
    expect(r.config.argv.map((t) => t.value)).toEqual(['-u', 'memcached', '-p', '11211', '-v']);
    expect(findings(r, 'MC911')[0].message).toMatch(/memcached\.enabled: false: the parent chart does not install the memcached subchart/);
    const alias = parse(`cache:\n  ${IMAGE.replace(/\n(?=.)/g, '\n  ')}`);
    expect(alias.values?.section).toBe('cache');
  });

  it("diagnosticMode and another image: the values do not decide memcached's options", () => {
    expect(parse(`${IMAGE}diagnosticMode:\n  enabled: true\n`).argvUnknown).toMatch(/sleep infinity/);
    expect(parse('image:\n  repository: acme/memcached\n  tag: "1"\n').argvUnknown).toMatch(/is not Bitnami's/);
  });
});

describe("helm: who can connect, from the chart's Service and NetworkPolicy", () => {
  it('ClusterIP (default): cluster-wide; NodePort: node network; LoadBalancer: beyond the cluster', () => {
    expect(verdict(IMAGE)?.verdict).toBe('cluster-wide');
    expect(verdict(`${IMAGE}service:\n  type: NodePort\n  nodePorts:\n    memcached: "31211"\n`)?.verdict).toBe('node-network');
    const lb = lint(`${IMAGE}service:\n  type: LoadBalancer\n`);
    expect(podReachOf(lb.config, lb.model.listeners)?.verdict).toBe('beyond-cluster');
    expect(findings(lb, 'MC101')[0].severity).toBe('error');
    expect(findings(lb, 'MC601')[0].severity).toBe('error');
    expect(podReachOf(lb.config, lb.model.listeners)?.suggestion).toMatch(/service:\n {2}type: ClusterIP\nnetworkPolicy:\n {2}enabled: true\n {2}allowExternal: false/);
    expect(verdict(`${IMAGE}hostNetwork: true\n`)?.verdict).toBe('node-network');
  });

  it('networkPolicy: allowExternal true admits anyone (the default); false admits only the chart\'s clients', () => {
    expect(verdict(`${IMAGE}networkPolicy:\n  enabled: true\n  allowExternal: true\n`)?.verdict).toBe('cluster-wide');
    const closed = verdict(`${IMAGE}networkPolicy:\n  enabled: true\n  allowExternal: false\n  ingressNSMatchLabels:\n    team: web\n`);
    expect(closed).toMatchObject({ verdict: 'restricted', where: expect.stringMatching(/pods labelled <release>-memcached-client=true.*namespaces labelled team=web/) });
    // Published, but the NetworkPolicy admits only pods.
    expect(verdict(`${IMAGE}service:\n  type: LoadBalancer\nnetworkPolicy:\n  allowExternal: false\n`)?.verdict).toBe('restricted');
    // Not set: whether the chart renders one depends on its version, said.
    expect(verdict(IMAGE)?.where).toMatch(/charts 6\.10\.0 and later do unless networkPolicy\.enabled: false/);
  });
});
