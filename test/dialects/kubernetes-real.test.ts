/**
 * Real Kubernetes manifests, rendered charts and Helm values (test/fixtures/real, provenance in its
 * MANIFEST.tsv), each with what a reviewer sees in it, checked by hand against the file and the notes:
 * which program reads it (at its repository path), memcached's argument vector, the user, who can
 * connect, and every finding with its severity and place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceText } from '../../src/source.js';
import { loadDialect } from '../../src/dialects/index.js';
import { detectDialect } from '../../src/dialects/detect.js';
import { podReachOf } from '../../src/dialects/container-reach.js';
import type { DialectName } from '../../src/dialects/types.js';
import { lintText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'real');
const manifest = new Map(
  readFileSync(join(FIXTURES, 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .map((c) => [c[0], { repo: c[1], path: c[2] }]),
);

interface Expected {
  /** What detection says at the file's repository path: a dialect, or the refusal's "looks like". */
  readonly read: DialectName | { refused: RegExp };
  /** memcached's arguments; null: the file does not decide them (MC910). */
  readonly argv?: readonly string[] | null;
  readonly runsAs?: string | null;
  readonly reach?: string;
  /** Every finding, `RULE severity line:column`. */
  readonly findings?: readonly string[];
  /** Why, in a sentence: what the reviewer checked. */
  readonly why: string;
}

const CLUSTER_WIDE_DEFAULTS = (at: string) => [`MC101 info ${at}`, `MC111 info ${at}`, `MC301 info ${at}`, `MC504 info ${at}`, `MC505 info ${at}`, `MC506 info ${at}`, `MC601 warning ${at}`, `MC602 info ${at}`];

const EXPECTED: Record<string, Expected> = {
  'kubernetes/054-sameersbn-docker-memcached-pod.yml': {
    read: 'kubernetes',
    argv: null,
    reach: 'cluster-wide',
    findings: ['MC910 info 10:14'],
    why: "sameersbn/memcached (no tag) is not an image mchard knows: its entrypoint (-u nobody -vp 11211) decides, so only MC910; its Service is in another file (055), so this file alone publishes nothing beyond the cluster",
  },
  'kubernetes/055-sameersbn-docker-memcached-service.yml': {
    read: { refused: /a Kubernetes manifest with no container that runs memcached/ },
    why: 'a Service alone starts no memcached: refused, not linted',
  },
  'kubernetes/056-dongweiming-lyanna-memcached.yaml': {
    read: 'kubernetes',
    argv: ['-o', 'modern', '-v', '-I', '20m'],
    runsAs: '1001',
    reach: 'cluster-wide',
    findings: CLUSTER_WIDE_DEFAULTS('27:14'),
    why: 'command memcached -o modern -v -I 20m, runAsUser 1001; the headless Service adds nothing beyond the cluster, and no NetworkPolicy: every pod can connect (MC601 a warning, MC101 an info)',
  },
  'kubernetes/057-abdidarmawan007-k8s-single-memcahced-statefulset-memcached.yaml': {
    read: 'kubernetes',
    argv: null,
    reach: 'cluster-wide',
    findings: ['MC910 info 19:18'],
    why: "Google's marketplace image gcr.io/cloud-marketplace/google/memcached:1.5 is not one mchard knows, and the container has no command: unknown; ClusterIP Service",
  },
  'kubernetes/058-fluxcd-flux-memcache-dep.yaml': {
    read: 'kubernetes',
    argv: ['-m 512', '-I 5m', '-p 11211'],
    runsAs: '11211',
    reach: 'cluster-wide',
    findings: ['MC301 info 28:11', ...CLUSTER_WIDE_DEFAULTS('28:19').filter((f) => !f.startsWith('MC301'))],
    why: 'each args item is one argument with a space inside ("-m 512": -m with " 512", which memcached reads as 512); -p 11211 is MC301 at its item; runAsUser 11211',
  },
  'kubernetes/059-fluxcd-flux-memcache-svc.yaml': {
    read: { refused: /a Kubernetes manifest with no container that runs memcached/ },
    why: 'the Service of 058, in a file of its own: refused',
  },
  'kubernetes/060-eth-easl-cloud-comp-arch-project-memcache-t1-cpuset.yaml': {
    read: 'kubernetes',
    argv: null,
    reach: 'cluster-wide',
    findings: ['MC910 info 12:16'],
    why: 'the container runs /bin/sh -c "taskset ... ./memcached -t 1 -u memcache": a shell mchard does not evaluate, so unknown (MC910 points at the command)',
  },
  'kubernetes/061-femiwiki-kubernetes-memcached-deployment.yaml': {
    read: 'kubernetes',
    argv: [],
    runsAs: 'memcache',
    reach: 'cluster-wide',
    findings: CLUSTER_WIDE_DEFAULTS('16:34'),
    why: "the official image with no command or args: plain memcached as the image's user memcache, every interface of the pod, no Service or NetworkPolicy",
  },
  'kubernetes/119-iliadmitriev-taskcamp-memcached.yaml': {
    read: 'kubernetes',
    argv: [],
    runsAs: '11211',
    reach: 'cluster-wide',
    findings: CLUSTER_WIDE_DEFAULTS('10:39'),
    why: 'hardened Pod (runAsNonRoot with runAsUser 11211: the kubelet accepts it) with a ClusterIP Service: still every pod of the cluster can connect without authentication',
  },
  'kubernetes/120-sclorg-memcached-openshift-template.yml': {
    read: 'kubernetes',
    argv: null,
    reach: 'cluster-wide',
    findings: ['MC910 info 32:18'],
    why: "an OpenShift Template: its DeploymentConfig's container runs modularitycontainers/memcached, an image mchard does not know; the empty env: is no error",
  },
  'kubernetes/128-EDITD-kubetools-k8s_deployments.yml': {
    read: 'kubernetes',
    argv: ['-u', 'root', '-I', '10m'],
    reach: 'cluster-wide',
    // Each container's defaults, then one MC910 per workload for the unknown user, at its image line.
    findings: [
      ...[
        ['20:47', '24:16'],
        ['49:47', '53:16'],
        ['81:47', '85:16'],
        ['122:47', '126:16'],
      ].flatMap(([defaults, image]) => [...CLUSTER_WIDE_DEFAULTS(defaults), `MC910 info ${image}`]),
    ],
    why: "kubetools' generated Deployments: command [memcached, -u, root, -I, 10m] in an image mchard does not know (memcache:1.4.33), whose user is unknown; no Service or NetworkPolicy in this file",
  },
  'kubernetes/302-C5C3-memcached-operator-memcached_v1beta1_full.yaml': {
    read: { refused: /a Kubernetes manifest whose objects \(kind Memcached\) have no pod template: the operator or controller that reads them makes the workloads/ },
    why: "C5C3's operator turns this custom resource (image memcached:1.6, maxMemoryMB, threads ...) into a Deployment whose command line it decides: refused, not read as a manifest whose workloads start nothing (MC001 and 'starts: no' before)",
  },
  'kubernetes/806-kubedb-docs-demo-v1.yaml': {
    read: { refused: /a Kubernetes manifest whose objects \(kind Memcached\) have no pod template: the operator or controller that reads them makes the workloads/ },
    why: "KubeDB's kind: Memcached names no image (its operator takes one from spec.version) and decides the command line: refused as an operator's resource, not as a manifest with no memcached (before)",
  },
  'kubernetes/1101-kubedb-cli-mc-custom.yaml': {
    read: { refused: /a Kubernetes manifest whose objects \(kind Memcached\) have no pod template: the operator or controller that reads them makes the workloads/ },
    why: "KubeDB's Memcached resource (kubedb.com/v1alpha1) whose configSource takes the memcached.conf beside it (1100): the operator decides the command line; test/cli/sweep-f-real.test.ts puts the two side by side",
  },
  'helm/1102-bitnami-charts-values.yaml': {
    read: { refused: /^a Helm values file of a chart mchard does not read/ },
    why: "wordpress's values alone (their memcached: section names no repository); beside their Chart.yaml and Chart.lock (test/cli/sweep-f-real.test.ts) they are read as Bitnami's chart 7.9.7",
  },
  'helm/1103-bitnami-charts-Chart.yaml': {
    read: { refused: /^a Helm chart definition/ },
    why: 'a Chart.yaml is no memcached configuration: its 7.x.x decides, with the Chart.lock beside it, how the values beside it are read',
  },
  'helm/1104-bitnami-charts-Chart.lock': {
    read: { refused: /^a Helm chart's lock file/ },
    why: "a Chart.lock is no memcached configuration: it pins the chart (7.9.7) helm dependency build fetches for the Chart.yaml's 7.x.x",
  },
  'helm/1300-cortexproject-cortex-helm-chart-values.yaml': {
    read: { refused: /^a Helm values file of a chart mchard does not read/ },
    why: "cortex's values alone (five memcached sections under aliases, each naming the official image); beside their Chart.yaml (test/cli/sweep-g-real.test.ts) each section is one subchart of Bitnami's chart 6.14.0",
  },
  'helm/1301-cortexproject-cortex-helm-chart-Chart.yaml': {
    read: { refused: /^a Helm chart definition/ },
    why: "a Chart.yaml is no memcached configuration: its five dependencies on Bitnami's memcached chart decide how the values beside it are read",
  },
  'helm/1302-cortexproject-cortex-helm-chart-Chart.lock': {
    read: { refused: /^a Helm chart's lock file/ },
    why: 'a Chart.lock is no memcached configuration: it pins chart 6.14.0 for each of the five dependencies',
  },
  'kubernetes/1303-kubernetes-sigs-kustomize-kustomization.yaml': {
    read: { refused: /^a kustomization \(kustomize builds manifests/ },
    why: "kustomize's own example kustomization: no memcached configuration; test/cli/sweep-g-real.test.ts has it generate a ConfigMap from a memcached.conf",
  },
  'kubernetes/1624-hippocampus-dev-hippocampus-stateful_set.yaml': {
    read: { refused: /^a Kubernetes manifest with no container that runs memcached/ },
    why: "a kustomize overlay's patch of the memcached StatefulSet (a memory request only), alone: no image, no command; beside its kustomization (test/cli/sweep-k-real.test.ts) it is refused as the patch it is",
  },
  'kubernetes/1625-hippocampus-dev-hippocampus-kustomization.yaml': {
    read: { refused: /^a kustomization \(kustomize builds manifests/ },
    why: "the overlay's kustomization (kind: Kustomization): kustomize builds the manifests from it, no API server takes it",
  },
  'kubernetes/1626-hippocampus-dev-hippocampus-stateful_set.yaml': {
    read: 'kubernetes',
    argv: ['-C', '-m', '$(MEMORY_REQUESTS)M', '-I', '32m', '-c', '10240', '-t', '4', '-R', '100'],
    reach: 'cluster-wide',
    findings: ['MC910 info 40:15', ...CLUSTER_WIDE_DEFAULTS('48:19')],
    why: 'the base StatefulSet: image memcached, args from $(MEMORY_REQUESTS) (a resourceFieldRef the file does not show: MC910), no -l, no NetworkPolicy in this file (network_policy.yaml is another file of the base)',
  },
  'kubernetes/1725-mudkipme-52poke-deployment.yaml': {
    read: 'kubernetes',
    argv: [],
    runsAs: 'memcache',
    reach: 'cluster-wide',
    findings: CLUSTER_WIDE_DEFAULTS('18:25'),
    why: 'image memcached (latest, imagePullPolicy Always) with its default command: every interface of the pod, no NetworkPolicy in this file (its Service is service.yaml, another file)',
  },
  'kubernetes/1721-qclaogui-codelab-monitoring-kustomization.yaml': {
    read: { refused: /^a kustomization \(kustomize builds manifests/ },
    why: "a kustomization whose helmCharts renders Bitnami's memcached chart 8.1.5 with values-k3d-k3s.yaml: kustomize builds the manifests, no API server takes it",
  },
  'helm/1720-qclaogui-codelab-monitoring-values-k3d-k3s.yaml': {
    read: { refused: /^a Helm values file of a chart mchard does not read/ },
    why: "alone, values with no image: no Chart.yaml or kustomization beside them says whose; beside their kustomization (test/cli/sweep-n-real.test.ts) they are the helmCharts values of Bitnami's chart",
  },
  'kubernetes/1636-C5C3-memcached-operator-01-assert-deployment.yaml': {
    read: { refused: /^a kuttl or Chainsaw test's assertion/ },
    why: "a Chainsaw test's assertion (01-assert-deployment.yaml): the runner compares the cluster's Deployment with it, nothing applies it",
  },
  'kubernetes/1304-kubernetes-sigs-kustomize-deployment.yaml': {
    read: { refused: /^a Kubernetes manifest with no container that runs memcached/ },
    why: 'an openldap Deployment that mounts the generated ConfigMap: no memcached',
  },
  'kubernetes/1305-kubernetes-sigs-kustomize-service.yaml': {
    read: { refused: /^a Kubernetes manifest with no container that runs memcached/ },
    why: "the openldap Deployment's Service alone: no memcached",
  },
  'helm/800-zammad-zammad-helm-values.yaml': {
    read: { refused: /^a Helm values file of a chart mchard does not read/ },
    why: "zammad's values name no memcached image: alone they are another chart's values; beside their Chart.yaml (test/cli/helm-chart.test.ts) they are read as Bitnami's chart 5.15.5",
  },
  'helm/801-zammad-zammad-helm-Chart.yaml': {
    read: { refused: /^a Helm chart definition/ },
    why: 'a Chart.yaml is no memcached configuration: it decides how the values beside it are read',
  },
  'helm/802-sentry-kubernetes-charts-values.yaml': {
    read: { refused: /^a Helm values file of a chart mchard does not read/ },
    why: "sentry's values alone; beside their Chart.yaml (test/cli/helm-chart.test.ts) helm does not install the subchart with them (sourcemaps.enabled: false)",
  },
  'helm/803-sentry-kubernetes-charts-Chart.yaml': {
    read: { refused: /^a Helm chart definition/ },
    why: 'a Chart.yaml is no memcached configuration: it decides whether and how the values beside it are used',
  },
  'kubernetes/314-pbielak-mc-k8s-memcached.deployment.yaml': {
    read: 'kubernetes',
    argv: [],
    findings: ['MC914 error 1:1'],
    why: 'a Deployment in extensions/v1beta1, which Kubernetes stopped serving in 1.16: kubectl apply fails, so no pod runs memcached (MC914), and nothing about its options or reach is reported',
  },
  'kubernetes/136-EDITD-kubetools-k8s_services.yml': {
    read: { refused: /a Kubernetes manifest with no container that runs memcached/ },
    why: 'the NodePort Services of 128, in a file of their own: refused',
  },
  'kubernetes/121-oleq-neg-lab5_ambassador_memcache-memcached-shards.yaml': {
    read: 'kubernetes',
    argv: [],
    runsAs: 'memcache',
    reach: 'cluster-wide',
    findings: CLUSTER_WIDE_DEFAULTS('19:27'),
    why: 'StatefulSet of the official image (no tag) with no command: defaults, every pod can connect',
  },
  'helm/071-jangaraj-mimir-chunks-cache-statefulset.yaml': {
    read: 'kubernetes',
    argv: ['-m 8192', '-o', 'modern', '-I 1m', '-c 16384', '-v', '-u 11211'],
    runsAs: '10001',
    reach: 'cluster-wide',
    findings: ['MC920 info 57:18', ...CLUSTER_WIDE_DEFAULTS('75:23')],
    why: 'rendered chart: the pod runs as 10001, so "-u 11211" (an all-digit name) is ignored; the exporter sidecar (prom/memcached-exporter) is not memcached; memcached:1.6.19-alpine predates the proxy-mode fixes of 1.6.22, which -o modern does not turn on (MC920 info)',
  },
  'helm/072-goelankitt-mimir-results-cache-statefulset.yaml': {
    read: 'kubernetes',
    argv: ['-m 10', '-o', 'modern', '-I 1m', '-c 16384', '-v', '-u 11211'],
    runsAs: '11211',
    reach: 'cluster-wide',
    findings: ['MC920 info 55:18', ...CLUSTER_WIDE_DEFAULTS('70:23')],
    why: 'rendered chart with envFrom on the memcached container (mimir-minio-secret): unknown variables, but nothing in command/args refers to them; memcached:1.6.16-alpine predates the proxy-mode fixes of 1.6.22, proxy mode off (MC920 info)',
  },
  'helm/073-jangaraj-mimir-chunks-cache-svc-headless.yaml': {
    read: { refused: /a Kubernetes manifest with no container that runs memcached/ },
    why: 'the headless Service of 071 alone',
  },
  'helm/118-davidcollom-manifests-memcached.yaml': {
    read: 'kubernetes',
    argv: ['-u', 'memcached', '-p', '11211', '-v'],
    runsAs: '1001',
    reach: 'cluster-wide',
    findings: ['MC920 info 75:18', 'MC921 warning 75:18', ...CLUSTER_WIDE_DEFAULTS('75:65').filter((f) => !f.startsWith('MC301')), 'MC301 info 83:15'],
    why: "rendered Bitnami chart 6.5.5: Bitnami's run.sh builds -u memcached -p $MEMCACHED_PORT_NUMBER -v, no MEMCACHED_PASSWORD so no -S (MC601), runAsUser 1001, a ClusterIP Service and no NetworkPolicy; docker.io/bitnami/memcached:1.6.21-debian-11-r9 moved to the legacy repository (MC921); 1.6.21 predates the proxy-mode fixes of 1.6.22, proxy mode off (MC920 info)",
  },
  'helm/062-bitnami-charts-values.yaml': {
    read: 'helm',
    argv: null,
    reach: 'cluster-wide',
    findings: ['MC910 info 15:15', 'MC920 warning 15:15', 'MC920 warning 15:15', 'MC921 warning 15:15'],
    why: "chart 1.5.6's values: image 1.5.16-debian-9-r3 predates the start script mchard models (July 2020), so memcached's options are unknown; serviceType ClusterIP; 1.5.16 predates the fixes of CVE-2021-37519 (-Y) and CVE-2019-15026 (unix socket), whose features the unknown options may use: warnings, not errors (MC920)",
  },
  'helm/063-bitnami-charts-values.yaml': {
    read: 'helm',
    argv: ['-u', 'memcached', '-p', '11211', '-v'],
    runsAs: '1001',
    reach: 'cluster-wide',
    findings: ['MC301 info 53:15', 'MC921 warning 53:15', ...CLUSTER_WIDE_DEFAULTS('53:32').filter((f) => !f.startsWith('MC301'))],
    why: 'chart 5.15.2: arguments [/run.sh], memcachedPassword empty (no -S), securityContext runAsUser 1001, no NetworkPolicy in the 5.x chart',
  },
  'helm/064-bitnami-charts-values.yaml': {
    read: 'helm',
    argv: ['-u', 'memcached', '-p', '11211', '-v'],
    runsAs: '1001',
    reach: 'cluster-wide',
    findings: ['MC920 info 72:15', 'MC921 warning 72:15', ...CLUSTER_WIDE_DEFAULTS('72:32').filter((f) => !f.startsWith('MC301')), 'MC301 info 144:14'],
    why: 'chart 6.3.4: auth.enabled false, args [], containerPorts.memcached 11211 (MC301 points there), containerSecurityContext runAsUser 1001, ClusterIP; 1.6.17 predates the proxy-mode fixes of 1.6.22, proxy mode off (MC920 info)',
  },
  'helm/065-bitnami-charts-values.yaml': {
    read: 'helm',
    argv: ['-u', 'memcached', '-p', '11211', '-v'],
    runsAs: '1001',
    reach: 'cluster-wide',
    findings: ['MC921 warning 88:15', ...CLUSTER_WIDE_DEFAULTS('88:32').filter((f) => !f.startsWith('MC301')), 'MC301 info 161:14'],
    why: 'chart 7.9.7: networkPolicy.enabled true but allowExternal true, so the NetworkPolicy admits any source: cluster-wide; auth off',
  },
  'helm/066-zulip-docker-zulip-values.yaml': {
    read: 'helm',
    argv: ['-u', 'memcached', '-p', '11211', '-v', '-S'],
    runsAs: '1001',
    reach: 'cluster-wide',
    findings: ['MC301 info 254:17', 'MC921 warning 254:17', 'MC101 info 254:40', 'MC111 info 254:40', 'MC504 info 254:40', 'MC505 info 254:40', 'MC506 info 254:40', 'MC602 info 254:40'],
    why: "zulip's memcached: section: auth.enabled with a username, the password from the chart's Secret, so SASL (-S) and no MC601; bitnamilegacy/memcached:latest gets no updates (MC921)",
  },
  'helm/067-wunderio-drupal-project-k8s-values.yaml': {
    read: { refused: /Helm chart template|Helm values file/ },
    why: "a drupal chart's values with a memcached section for a fork of the chart (image wunderio/silta-memcached): not Bitnami's chart, refused",
  },
  'helm/068-slack-kubernetes-twemproxy-memcache-values.yaml': {
    read: { refused: /a Helm values file of a chart mchard does not read/ },
    why: "slack's own memcached chart (imageTag, memcacheMemory): refused by name",
  },
  'helm/069-lgfa29-tutor-helm-chart-values.yaml': {
    read: { refused: /a Helm values file of a chart mchard does not read/ },
    why: "tutor's own memcached chart (image memcached:1.4.38): refused by name",
  },
  'helm/070-fluxcd-flux-values.yaml': {
    read: { refused: /a Helm values file of a chart mchard does not read/ },
    why: "flux's chart values: its memcached: section is flux's own template's",
  },
};

beforeAll(async () => {
  await loadDialect('kubernetes');
  await loadDialect('helm');
});

describe('real Kubernetes manifests and Helm values', () => {
  it('every kubernetes and helm fixture has reviewed expectations', () => {
    const files = [...manifest.keys()].filter((f) => /^(kubernetes|helm)\//.test(f));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, want] of Object.entries(EXPECTED)) {
    it(`${file}: ${want.why}`, () => {
      const m = manifest.get(file)!;
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      // Detection at the file's own path in its repository.
      const d = detectDialect(`/src/${m.repo}/${m.path}`, text);
      if (typeof want.read === 'object') {
        expect(d.refused).toBe(true);
        expect(d.refused && d.looksLike).toMatch(want.read.refused);
        return;
      }
      expect(d.refused ? d.message : d.dialect).toBe(want.read);
      const r = lintText(text, { dialect: want.read, path: `/src/${m.repo}/${m.path}` });
      expect(r.config.argvUnknown ? null : r.config.argv.map((t) => t.value)).toEqual(want.argv);
      if (want.runsAs !== undefined && want.argv !== null) expect(r.model.runsAs).toBe(want.runsAs);
      const v = podReachOf(r.config, r.config.argvUnknown ? [{ transport: 'tcp', port: 11211 }] : r.model.listeners);
      expect(v?.verdict).toBe(want.reach);
      expect(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column}`)).toEqual(want.findings);
      // Nothing the file leaves open is predicted: no option finding when the options are unknown.
      if (want.argv === null) expect(r.findings.filter((f) => /^MC[1-8]\d\d$/.test(f.ruleId))).toEqual([]);
    });
  }

  it("zulip's values beside its Chart.yaml (a dependency on Bitnami's memcached chart) are read by their path", () => {
    const chart = 'apiVersion: v2\nname: zulip\nversion: 1.11.52\ndependencies:\n  - name: memcached\n    repository: oci://registry-1.docker.io/bitnamicharts\n    tags:\n      - memcached\n    version: 8.1.5\n  - name: rabbitmq\n    repository: oci://registry-1.docker.io/bitnamicharts\n    version: 16.0.14\n';
    const text = readFileSync(join(FIXTURES, 'helm/066-zulip-docker-zulip-values.yaml'), 'utf8');
    const d = detectDialect('/src/zulip/docker-zulip/helm/zulip/values.yaml', text, undefined, { chartYaml: chart });
    expect(d).toMatchObject({ refused: false, dialect: 'helm', reason: 'path', confidence: 'certain' });
    // Another chart's Chart.yaml beside it says nothing for it: the content decides.
    const other = detectDialect('/src/x/values.yaml', 'image:\n  repository: memcached\n', undefined, { chartYaml: 'name: memcached\nversion: 0.1.0\n' });
    expect(other.refused).toBe(true);
  });

  it("the chart's own values.yaml beside Bitnami's Chart.yaml is read by its path", () => {
    const cy = 'apiVersion: v2\nname: memcached\nversion: 7.9.7\nhome: https://bitnami.com\nsources:\n- https://github.com/bitnami/charts/tree/main/bitnami/memcached\n';
    const d = detectDialect('/src/bitnami/charts/bitnami/memcached/values.yaml', 'auth:\n  enabled: false\n', undefined, { chartYaml: cy });
    expect(d).toMatchObject({ refused: false, dialect: 'helm', reason: 'path' });
    // Without it, a values.yaml that does not name Bitnami's image is refused by name.
    expect(detectDialect('/src/bitnami/charts/bitnami/memcached/values.yaml', 'auth:\n  enabled: false\n').refused).toBe(true);
  });

  it('lint of real files keeps the source text: the configuration prints back byte for byte', () => {
    for (const file of Object.keys(EXPECTED)) {
      const want = EXPECTED[file];
      if (typeof want.read === 'object') continue;
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      const r = lintText(text, { dialect: want.read, path: `/x/${file}` });
      expect(r.config.print()).toBe(text);
      expect(r.config.source).toEqual(new SourceText(`/x/${file}`, text));
    }
  });
});
