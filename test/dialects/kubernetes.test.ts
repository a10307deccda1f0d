/**
 * The Kubernetes dialect: which containers run memcached, their argument vector through the kubelet's
 * expansion, the user, the kubelet's and API server's refusals, several memcached workloads in one file,
 * and who can connect (hostNetwork, hostPort, Services and NetworkPolicies of the same file).
 */
import { parseKubernetes, type KubeConfig } from '../../src/dialects/kubernetes.js';
import { loadDialect } from '../../src/dialects/index.js';
import { detectDialect } from '../../src/dialects/detect.js';
import { podReachOf } from '../../src/dialects/container-reach.js';
import { SourceText } from '../../src/source.js';
import { findings, lintText, pointedText } from '../helpers/lint.js';

const PATH = '/srv/k8s/memcached.yaml';
const parse = (text: string) => parseKubernetes(new SourceText(PATH, text));
const lint = (text: string) => lintText(text, { dialect: 'kubernetes', path: PATH });
const argvOf = (text: string) => parse(text).argv.map((t) => t.value);

/** A Deployment with one container (its YAML lines given indented under `- `), labels app=cache. */
function deployment(container: string, podExtra = '', name = 'cache'): string {
  const c = container.split('\n').map((l, i) => (i === 0 ? `        - ${l}` : `          ${l}`)).join('\n');
  const extra = podExtra ? `${podExtra.split('\n').map((l) => `      ${l}`).join('\n')}\n` : '';
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n${extra}      containers:\n${c}\n`;
}
const OFFICIAL = 'name: memcached\nimage: memcached:1.6.21';
const verdict = (text: string) => {
  const r = lint(text);
  return podReachOf(r.config, r.model.listeners);
};

beforeAll(async () => {
  await loadDialect('kubernetes');
});

describe('kubernetes: the memcached container and its argument vector', () => {
  it('the official image: args are options (entrypoint), command replaces the entrypoint', () => {
    expect(argvOf(deployment(`${OFFICIAL}\nargs: ["-m", "64", "-U", "0"]`))).toEqual(['-m', '64', '-U', '0']);
    expect(argvOf(deployment(`${OFFICIAL}\nargs: ["memcached", "-v"]`))).toEqual(['-v']);
    expect(argvOf(deployment(`${OFFICIAL}\ncommand: ["memcached", "-l", "0.0.0.0"]\nargs: ["-p", "11212"]`))).toEqual(['-l', '0.0.0.0', '-p', '11212']);
    expect(argvOf(deployment(OFFICIAL))).toEqual([]);
    // command that is memcached decides whatever the image.
    expect(argvOf(deployment('name: m\nimage: registry.example.com/ops/cache:2\ncommand:\n  - /usr/bin/memcached\n  - -m\n  - "128"'))).toEqual(['-m', '128']);
  });

  it('containers that do not run memcached are not instances: exporters, other images', () => {
    const text = deployment(`${OFFICIAL}\nargs: ["-m", "64"]\n`).replace('      containers:\n', '      containers:\n        - name: exporter\n          image: prom/memcached-exporter:v0.11.2\n          args: ["--memcached.address=localhost:11211"]\n        - name: app\n          image: nginx\n');
    const c = parse(text);
    expect(c.parts).toBeUndefined();
    expect(c.workload?.containerName).toBe('memcached');
    // A manifest without memcached: the file's reading says so (detection refuses it before).
    expect(parse(deployment('name: web\nimage: nginx:1.25')).notes[0].kind).toBe('parse-error');
  });

  it('command and args go through $(VAR) expansion from env; valueFrom and envFrom are unknown', () => {
    const c = parse(
      deployment(`${OFFICIAL}\nenv:\n  - name: MEM\n    value: "256"\n  - name: ADDR\n    valueFrom:\n      fieldRef:\n        fieldPath: status.podIP\n  - name: LATER\n    value: "$(MEM)m"\nargs: ["-m", "$(MEM)", "-l", "$(ADDR)", "-o", "x=$$(MEM)", "-I", "$(LATER)", "-c", "$(NOPE)"]`),
    );
    expect(c.argv.map((t) => t.value)).toEqual(['-m', '256', '-l', '$(ADDR)', '-o', 'x=$(MEM)', '-I', '256m', '-c', '$(NOPE)']);
    // Known values are exact; the pod's address is not in the file.
    expect(c.argv[1].exact).toBe(true);
    expect(c.argv[1].note).toMatch(/Kubernetes reads "\$\(MEM\)" as "256"/);
    expect(c.argv[3].exact).toBe(false);
    expect(c.argv[3].note).toMatch(/fieldRef status\.podIP \(the pod's address\)/);
    expect(c.argvExact).toBe(false);
    // An undefined variable stays as written, for certain (no envFrom, not a Service link name).
    expect(c.argv[9].exact).toBe(true);
    // With envFrom, any undefined name may come from there.
    const e = parse(deployment(`${OFFICIAL}\nenvFrom:\n  - configMapRef:\n      name: cache-env\nargs: ["-c", "$(CONN)"]`));
    expect(e.argv[1].exact).toBe(false);
    expect(e.argv[1].note).toMatch(/envFrom configMapRef cache-env may set it/);
  });

  it('an env value refers only to the entries above it (and Service links)', () => {
    const c = parse(deployment(`${OFFICIAL}\nenv:\n  - name: A\n    value: "-m $(B)"\n  - name: B\n    value: "64"\nargs: ["$(A)", "$(B)"]`));
    // A was expanded before B existed: "$(B)" stays inside A's value; args see both.
    expect(c.argv.map((t) => t.value)).toEqual(['-m $(B)', '64']);
    const links = parse(deployment(`${OFFICIAL}\nargs: ["-l", "$(MEMCACHED_SERVICE_HOST)"]`));
    expect(links.argv[1].exact).toBe(false);
    const off = parse(deployment(`${OFFICIAL}\nargs: ["-l", "$(MEMCACHED_SERVICE_HOST)"]`, 'enableServiceLinks: false'));
    expect(off.argv[1].exact).toBe(true);
  });

  it('the API server refuses an item or env value that is not a string', () => {
    for (const bad of [`${OFFICIAL}\nargs: ["-p", 11212]`, `${OFFICIAL}\nargs: [-U, 0]`, `${OFFICIAL}\nenv:\n  - name: X\n    value: 1`, `${OFFICIAL}\nargs: ["-v", yes]`]) {
      const c = parse(deployment(bad));
      expect({ bad, reason: c.launchFailure?.reason }).toEqual({ bad, reason: expect.stringMatching(/^Kubernetes refuses the object: .* is not a string \(quote it\)$/) });
    }
    // YAML 1.1 as Kubernetes reads it: "on" is a boolean there.
    expect(parse(deployment(`${OFFICIAL}\nargs: ["-o", on]`)).launchFailure?.reason).toMatch(/args item on is not a string/);
  });

  it('unknown images and shells leave the options unknown (MC910), never guessed', () => {
    const shell = lint(deployment('name: m\nimage: memcached:1.6\ncommand: ["sh", "-c", "exec memcached -l 0.0.0.0"]'));
    expect(shell.config.argvUnknown).toMatch(/runs "sh", a shell whose script mchard does not evaluate/);
    expect(findings(shell, 'MC910')).toHaveLength(1);
    expect(shell.findings.filter((f) => /^MC[1-8]/.test(f.ruleId))).toEqual([]);
    const other = lint(deployment('name: m\nimage: ghcr.io/acme/memcached:5\nargs: ["-l", "0.0.0.0"]'));
    expect(other.config.argvUnknown).toMatch(/image ghcr\.io\/acme\/memcached:5 is not one mchard knows.*args only feed its entrypoint/);
  });
});

describe('kubernetes: who memcached runs as', () => {
  it("runAsUser (the container's over the pod's), else the image's user", () => {
    expect(lint(deployment(OFFICIAL)).model.runsAs).toBe('memcache');
    expect(lint(deployment(`${OFFICIAL}\nsecurityContext:\n  runAsUser: 11211`)).model.runsAs).toBe('11211');
    expect(lint(deployment(OFFICIAL, 'securityContext:\n  runAsUser: 2000')).model.runsAs).toBe('2000');
    expect(lint(deployment(`${OFFICIAL}\nsecurityContext:\n  runAsUser: 3000`, 'securityContext:\n  runAsUser: 2000')).model.runsAs).toBe('3000');
  });

  it('runAsUser: 0 starts memcached as root: without -u it refuses to start (MC202); with -u it drops', () => {
    const root = lint(deployment(`${OFFICIAL}\nsecurityContext:\n  runAsUser: 0`));
    expect(root.model.startup.ok).toBe(false);
    expect(findings(root, 'MC202')).toHaveLength(1);
    const dropped = lint(deployment(`${OFFICIAL}\nargs: ["-u", "memcache"]\nsecurityContext:\n  runAsUser: 0`));
    expect(dropped.model.runsAs).toBe('memcache');
  });

  it("runAsNonRoot: the kubelet refuses root, and the official image's user name it cannot check", () => {
    const named = parse(deployment(`${OFFICIAL}\nsecurityContext:\n  runAsNonRoot: true`));
    expect(named.launchFailure?.reason).toMatch(/image has non-numeric user \(memcache\), cannot verify user is non-root.*set runAsUser: 11211/);
    const numeric = parse(deployment(`${OFFICIAL}\nsecurityContext:\n  runAsNonRoot: true\n  runAsUser: 11211`));
    expect(numeric.launchFailure).toBeNull();
    const root = parse(deployment(`${OFFICIAL}\nsecurityContext:\n  runAsUser: 0`, 'securityContext:\n  runAsNonRoot: true'));
    expect(root.launchFailure?.reason).toMatch(/breaks non-root policy/);
    // Bitnami's image has USER 1001: numeric, accepted.
    expect(parse(deployment('name: m\nimage: bitnami/memcached:1.6.21\nsecurityContext:\n  runAsNonRoot: true')).launchFailure).toBeNull();
  });

  it("an image mchard does not know, run with command: memcached: its user is unknown, so no root finding is guessed", () => {
    const r = lint(deployment('name: m\nimage: registry.example.com/cache:1\ncommand: ["memcached", "-m", "64"]'));
    expect(r.model.runsAsKnown).toMatchObject({ known: false, unknown: { reason: expect.stringMatching(/runs as its own USER, which the file does not show/) } });
    // Without -u, whether it starts depends on that user too (as root memcached refuses to run).
    expect(r.model.startup).toMatchObject({ ok: true, unknown: { decide: 'runAsUser in the securityContext' } });
    expect(findings(r, 'MC202')).toEqual([]);
    expect(findings(r, 'MC201')).toEqual([]);
    expect(findings(r, 'MC910')[0].message).toMatch(/runs as its own USER/);
    // At the image line, where the fact comes from (it was reported at 1:1).
    expect(findings(r, 'MC910').map((f) => pointedText(r, f))).toEqual(['registry.example.com/cache:1']);
  });
});

describe('kubernetes: Bitnami image', () => {
  it('run.sh builds the vector from MEMCACHED_* env; SASL only with a password; envFrom leaves it open', () => {
    const c = parse(deployment('name: m\nimage: docker.io/bitnami/memcached:1.6.21-debian-11-r9\nenv:\n  - name: MEMCACHED_CACHE_SIZE\n    value: "128"\n  - name: MEMCACHED_EXTRA_FLAGS\n    value: "-U 0 -A"'));
    expect(c.argv.map((t) => t.value)).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-m', '128', '-U', '0', '-A']);
    expect(c.startsAs).toBe('1001');
    expect(c.workload?.sources.slice(-3)).toEqual([{ kind: 'env', name: 'MEMCACHED_EXTRA_FLAGS' }, { kind: 'env', name: 'MEMCACHED_EXTRA_FLAGS' }, { kind: 'env', name: 'MEMCACHED_EXTRA_FLAGS' }]);
    const sasl = parse(deployment('name: m\nimage: bitnami/memcached:1.6.21\nenv:\n  - name: MEMCACHED_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: mc\n        key: password'));
    expect(sasl.notes.find((n) => n.kind === 'auth-unknown')?.message).toMatch(/secretKeyRef mc\/password/);
    const r = lint(deployment('name: m\nimage: bitnami/memcached:1.6.21\nenv:\n  - name: MEMCACHED_PASSWORD\n    value: "s3cret"'));
    expect(r.config.argv.map((t) => t.value)).toContain('-S');
    expect(findings(r, 'MC601')).toEqual([]);
  });

  it('an options-first args list is handed to bash exec, not memcached (the container exits 2)', () => {
    const c = parse(deployment('name: m\nimage: bitnami/memcached:1.6.21\nargs: ["-m", "64"]'));
    expect(c.launchFailure?.exitCode).toBe(2);
  });
});

describe('kubernetes: several memcached workloads in one file', () => {
  const two = [deployment(`${OFFICIAL}\nargs: ["-l", "0.0.0.0", "-U", "11211"]`, '', 'sessions'), deployment(OFFICIAL, 'hostNetwork: true', 'pages')].join('---\n');

  it('each is an instance of its own: its own argv, user, reach and findings, pointing into it', () => {
    const c = parse(two) as KubeConfig;
    expect(c.parts).toHaveLength(2);
    expect(c.parts!.map((p) => p.partName)).toEqual(['Deployment sessions, container memcached', 'Deployment pages, container memcached']);
    const r = lint(two);
    const mc110 = findings(r, 'MC110');
    expect(mc110).toHaveLength(1);
    expect(mc110[0].part).toBe(0);
    expect(mc110[0].line).toBeLessThan(25);
    // hostNetwork makes the second one's wildcard an error; the first one's stays cluster-wide.
    const mc101 = findings(r, 'MC101');
    expect(mc101.map((f) => [f.part, f.severity])).toEqual([[0, 'info'], [1, 'error']]);
    expect(mc101[1].message).toMatch(/hostNetwork: true puts it on every interface of the node/);
    expect(mc101[1].line).toBeGreaterThan(25);
  });

  it('List items, CronJob and DaemonSet pod templates, and OpenShift Template objects are workloads too', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n  - ${deployment(OFFICIAL).replace(/\n/g, '\n    ').trimEnd()}\n`;
    expect(parse(list).workload?.title).toBe('Deployment cache, container memcached');
    const cron = `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: warm\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: memcached\n              image: memcached\n              args: ["-m", "8"]\n`;
    expect(parse(cron).argv.map((t) => t.value)).toEqual(['-m', '8']);
    const ds = deployment(OFFICIAL).replace('kind: Deployment', 'kind: DaemonSet');
    expect(parse(ds).workload?.kind).toBe('DaemonSet');
    const tmpl = `apiVersion: template.openshift.io/v1\nkind: Template\nmetadata:\n  name: t\nparameters:\n  - name: MEM\nobjects:\n  - ${deployment(`${OFFICIAL}\nargs: ["-m", "\${MEM}"]`).replace(/\n/g, '\n    ').trimEnd()}\n`;
    const t = lint(tmpl);
    expect((t.config as KubeConfig).workload?.title).toBe('Deployment cache, container memcached');
    expect(podReachOf(t.config, t.model.listeners)?.where).toMatch(/OpenShift template's parameters/);
  });
});

describe('kubernetes: who can connect (from this file only)', () => {
  const service = (spec: string, name = 'cache', meta = '') => `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${meta}spec:\n  selector:\n    app: cache\n${spec.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
  const policy = (spec: string, name = 'cache-clients') => `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n${spec.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
  const base = deployment(`${OFFICIAL}\nports:\n  - name: client\n    containerPort: 11211`);

  it('nothing publishes it and no NetworkPolicy selects it: cluster-wide, MC101 info and MC601 warning', () => {
    const r = lint(base);
    expect(podReachOf(r.config, r.model.listeners)?.verdict).toBe('cluster-wide');
    expect(findings(r, 'MC101')[0].severity).toBe('info');
    expect(findings(r, 'MC601')[0].severity).toBe('warning');
    expect(findings(r, 'MC601')[0].message).toMatch(/from this file only: a NetworkPolicy elsewhere in the namespace may restrict it/);
    // A ClusterIP Service adds nothing beyond the cluster.
    expect(verdict(base + service('ports:\n  - port: 11211'))?.verdict).toBe('cluster-wide');
  });

  it('hostNetwork and hostPort: the node network, errors', () => {
    expect(verdict(deployment(OFFICIAL, 'hostNetwork: true'))?.verdict).toBe('node-network');
    const hp = lint(deployment(`${OFFICIAL}\nports:\n  - containerPort: 11211\n    hostPort: 11211`));
    expect(podReachOf(hp.config, hp.model.listeners)).toMatchObject({ verdict: 'node-network', where: expect.stringMatching(/hostPort 11211 on every interface of its node/) });
    expect(findings(hp, 'MC101')[0].severity).toBe('error');
    expect(findings(hp, 'MC601')[0].severity).toBe('error');
    // A hostPort on the node's loopback only reaches the node itself.
    expect(verdict(deployment(`${OFFICIAL}\nports:\n  - containerPort: 11211\n    hostPort: 11211\n    hostIP: 127.0.0.1`))?.verdict).toBe('cluster-wide');
    // A hostPort for another port publishes nothing of memcached's.
    expect(verdict(deployment(`${OFFICIAL}\nports:\n  - containerPort: 9150\n    hostPort: 9150`))?.verdict).toBe('cluster-wide');
  });

  it('NodePort and LoadBalancer Services: the node network, and beyond the cluster', () => {
    expect(verdict(base + service('type: NodePort\nports:\n  - port: 11211\n    nodePort: 31211'))).toMatchObject({ verdict: 'node-network', where: expect.stringMatching(/NodePort\) publishes it on 31211 of every node/) });
    const lb = verdict(base + service('type: LoadBalancer\nports:\n  - port: 11211\n    targetPort: client'));
    expect(lb).toMatchObject({ verdict: 'beyond-cluster', where: expect.stringMatching(/no loadBalancerSourceRanges\) publishes it beyond the cluster/) });
    expect(lb?.where).toMatch(/also publishes it on an allocated port of every node/);
    // Source ranges that are private, and no node ports: restricted to those ranges.
    expect(verdict(base + service('type: LoadBalancer\nallocateLoadBalancerNodePorts: false\nloadBalancerSourceRanges: ["10.0.0.0/8"]\nports:\n  - port: 11211'))?.verdict).toBe('restricted');
    expect(verdict(base + service('type: LoadBalancer\nallocateLoadBalancerNodePorts: false\nloadBalancerSourceRanges: ["0.0.0.0/0"]\nports:\n  - port: 11211'))?.verdict).toBe('beyond-cluster');
    // An internal load balancer is still beyond the cluster (the cloud network).
    expect(verdict(base + service('type: LoadBalancer\nallocateLoadBalancerNodePorts: false\nports:\n  - port: 11211', 'cache', '  annotations:\n    networking.gke.io/load-balancer-type: "Internal"\n'))?.where).toMatch(/internal: networking\.gke\.io\/load-balancer-type: Internal/);
    expect(verdict(base + service('externalIPs: ["203.0.113.7"]\nports:\n  - port: 11211'))).toMatchObject({ verdict: 'beyond-cluster', where: expect.stringMatching(/externalIPs 203\.0\.113\.7/) });
  });

  it('a Service that does not select the pod, or targets another port, or is in another namespace, publishes nothing', () => {
    const other = service('type: LoadBalancer\nports:\n  - port: 11211').replace('app: cache', 'app: web');
    expect(verdict(base + other)?.verdict).toBe('cluster-wide');
    expect(verdict(base + service('type: LoadBalancer\nports:\n  - port: 9150\n    targetPort: 9150'))?.verdict).toBe('cluster-wide');
    const ns = deployment(`${OFFICIAL}`).replace('  name: cache\n', '  name: cache\n  namespace: a\n') + service('type: NodePort\nports:\n  - port: 11211', 'cache', '  namespace: b\n');
    expect(verdict(ns)?.verdict).toBe('cluster-wide');
  });

  it('NetworkPolicies: restricted to named peers, closed, or admitting everyone', () => {
    const peers = verdict(base + policy('podSelector:\n  matchLabels:\n    app: cache\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            role: web\n    ports:\n      - port: 11211'));
    expect(peers).toMatchObject({ verdict: 'restricted', where: expect.stringMatching(/admits only pods labelled role=web in the policy's namespace to TCP 11211/) });
    expect(peers?.suggestion).toBeNull();
    // Deny all: a policy that selects the pod with no ingress rule.
    expect(verdict(base + policy('podSelector: {}\npolicyTypes: [Ingress]'))?.verdict).toBe('closed');
    // A rule for another port admits nobody to memcached's.
    expect(verdict(base + policy('podSelector: {}\ningress:\n  - ports:\n      - port: 9150'))?.verdict).toBe('closed');
    // A named port resolves against the pod's container ports.
    expect(verdict(base + policy('podSelector: {}\ningress:\n  - ports:\n      - port: client\n    from:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except: [10.9.0.0/16]'))).toMatchObject({ verdict: 'restricted', where: expect.stringMatching(/10\.0\.0\.0\/8 except 10\.9\.0\.0\/16/) });
    // A rule with no from, an ipBlock of everything, every namespace: everyone.
    expect(verdict(base + policy('podSelector: {}\ningress:\n  - {}'))?.verdict).toBe('cluster-wide');
    expect(verdict(base + policy('podSelector: {}\ningress:\n  - from:\n      - ipBlock:\n          cidr: 0.0.0.0/0'))?.verdict).toBe('cluster-wide');
    expect(verdict(base + policy('podSelector: {}\ningress:\n  - from:\n      - namespaceSelector: {}'))?.verdict).toBe('cluster-wide');
    // An Egress-only policy does not restrict ingress; one for other pods does not select this one.
    expect(verdict(base + policy('podSelector: {}\npolicyTypes: [Egress]'))?.verdict).toBe('cluster-wide');
    expect(verdict(base + policy('podSelector:\n  matchExpressions:\n    - key: app\n      operator: NotIn\n      values: [cache]\npolicyTypes: [Ingress]'))?.verdict).toBe('cluster-wide');
  });

  it('a published port behind a NetworkPolicy: only the admitted peers get through, unless it admits outside ranges', () => {
    const lb = service('type: LoadBalancer\nports:\n  - port: 11211');
    const pods = verdict(base + lb + policy('podSelector: {}\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            role: web'));
    expect(pods).toMatchObject({ verdict: 'restricted', where: expect.stringMatching(/but only the admitted peers get through/) });
    const wide = verdict(base + lb + policy('podSelector: {}\ningress:\n  - from:\n      - ipBlock:\n          cidr: 198.51.100.0/24'));
    expect(wide?.verdict).toBe('beyond-cluster');
  });

  it('a suggestion to restrict it, for review: never written by fix', () => {
    const v = verdict(base + service('type: NodePort\nports:\n  - port: 11211'));
    expect(v?.suggestion).toContain('# change Service cache to type: ClusterIP');
    expect(v?.suggestion).toContain('kind: NetworkPolicy');
    expect(v?.suggestion).toMatch(/podSelector:\n {4}matchLabels:\n {6}app: "cache"/);
  });
});

describe('kubernetes: detection', () => {
  it('a manifest with a memcached container is read; one without is refused; a chart template is refused', () => {
    expect(detectDialect('/r/k8s/cache.yaml', deployment(OFFICIAL))).toMatchObject({ refused: false, dialect: 'kubernetes', reason: 'content' });
    expect(detectDialect('/r/k8s/cache.yaml', deployment('name: m\nimage: x\ncommand: ["memcached"]'))).toMatchObject({ refused: false, dialect: 'kubernetes' });
    expect(detectDialect('/r/k8s/exporter.yaml', deployment('name: e\nimage: prom/memcached-exporter'))).toMatchObject({ refused: true, looksLike: 'a Kubernetes manifest with no container that runs memcached' });
    expect(detectDialect('/r/chart/templates/d.yaml', `${deployment(OFFICIAL)}  annotations: {{ .Values.x }}\n`)).toMatchObject({ refused: true, looksLike: 'a Helm chart template (a Kubernetes manifest)' });
  });
});
