/**
 * Who can connect to a memcached running in a Kubernetes pod, from what one file publishes: the pod's
 * `hostNetwork` and `hostPort`s, the Services that select the pod, and the NetworkPolicies that select it.
 * The Kubernetes and Helm dialects gather these facts into a `pod-reach` note; the exposure rules (MC101,
 * MC601) read the verdict through `containerVerdict()` (container-reach.ts), as for Compose. Free of the
 * YAML library.
 *
 * The verdicts, for each TCP or UDP port memcached listens on:
 * - `node-network`: the port is on the node's own interfaces: `hostNetwork: true` (memcached binds them
 *   itself, and NetworkPolicies do not apply to host-network pods), a `hostPort`, or a Service of type
 *   NodePort or LoadBalancer (every node's port; a LoadBalancer allocates one unless
 *   `allocateLoadBalancerNodePorts: false`);
 * - `beyond-cluster`: a LoadBalancer Service (the cloud's load balancer, limited to
 *   `loadBalancerSourceRanges` when set) or a Service's `externalIPs`;
 * - `cluster-wide`: no NetworkPolicy of the file selects the pod, so every pod of the cluster (and the
 *   nodes) can connect to the pod's address;
 * - `restricted`: the NetworkPolicies that select the pod admit only named peers (pods, namespaces,
 *   address blocks) to the port;
 * - `closed`: they admit nobody to the port.
 * NetworkPolicies are additive and may live anywhere in the namespace, and Services may be defined in
 * other files: every verdict is "from this file only", and says so.
 *
 * As with Compose, memcached listening on every interface inside the pod is normal; only `node-network`
 * and `beyond-cluster` make MC101 and MC601 errors.
 */
import ipaddr from 'ipaddr.js';
import type { Span } from '../source.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** A `ports:` entry of one of the pod's containers. */
export interface PodPort {
  readonly container: string;
  readonly name: string | null;
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly hostPort: number | null;
  readonly hostIP: string | null;
  readonly span: Span;
}

export interface ServicePort {
  readonly name: string | null;
  readonly port: number;
  /** A number, or the name of a container port. */
  readonly targetPort: number | string;
  readonly protocol: Protocol;
  readonly nodePort: number | null;
  readonly span: Span;
}

/** A Service of the file that selects the pod. */
export interface ServiceFacts {
  readonly name: string;
  readonly type: string;
  /** `clusterIP: None`. */
  readonly headless: boolean;
  readonly ports: readonly ServicePort[];
  readonly externalIPs: readonly string[];
  readonly sourceRanges: readonly string[];
  /** The annotation that makes a LoadBalancer internal to the cloud network, as `key: value`. */
  readonly internal: string | null;
  /** `allocateLoadBalancerNodePorts` (true unless set to false). */
  readonly nodePorts: boolean;
  readonly span: Span;
  /** Set when the Service's namespace is not certainly the pod's (one of them names none). */
  readonly namespaceNote: string | null;
}

export interface PolicyPeer {
  readonly kind: 'pods' | 'namespaces' | 'ipBlock';
  /** For people: `pods labelled app=web`, `10.0.0.0/8 except 10.0.5.0/24`. */
  readonly text: string;
  readonly cidr?: string;
  readonly except?: readonly string[];
}

export interface PolicyPortFacts {
  /** Null: every port of the protocol. */
  readonly port: number | string | null;
  readonly endPort: number | null;
  readonly protocol: Protocol;
}

export interface PolicyRule {
  /** Null: from anywhere (the rule has no `from`, or an empty one). */
  readonly peers: readonly PolicyPeer[] | null;
  /** Null: every port. */
  readonly ports: readonly PolicyPortFacts[] | null;
}

/** A NetworkPolicy of the file that selects the pod and restricts ingress. */
export interface PolicyFacts {
  readonly name: string;
  readonly rules: readonly PolicyRule[];
  readonly span: Span;
  readonly namespaceNote: string | null;
}

export interface PodReachData {
  /** `Deployment memcached`, `values memcached` (Helm). */
  readonly workload: string;
  readonly namespace: string | null;
  /** The pod's labels (null: the file does not show them, as in Helm values). */
  readonly labels: Readonly<Record<string, string>> | null;
  readonly hostNetwork: Span | null;
  readonly ports: readonly PodPort[];
  readonly services: readonly ServiceFacts[];
  readonly policies: readonly PolicyFacts[];
  /** Where pod-level findings point. */
  readonly span: Span;
  /** What the file does not decide about who reaches the pod (templated selectors, extra objects). */
  readonly unknowns: readonly string[];
  /** Helm values: how to change what the chart renders, instead of manifest snippets. */
  readonly helm?: boolean;
}

export type PodVerdictKind = 'node-network' | 'beyond-cluster' | 'cluster-wide' | 'restricted' | 'closed';

export interface PodVerdict {
  readonly verdict: PodVerdictKind;
  /** The finding's place: what publishes the port, or the workload. */
  readonly span: Span;
  /** Completes "memcached listens on every interface (...)": where that reaches. */
  readonly where: string;
  /** What changes would restrict it, for people (Service/NetworkPolicy snippets are not edited by fix). */
  readonly suggestion: string | null;
}

const RANK: Record<PodVerdictKind, number> = { 'beyond-cluster': 4, 'node-network': 3, 'cluster-wide': 2, restricted: 1, closed: 0 };

const PROTOCOL: Record<string, Protocol> = { tcp: 'TCP', udp: 'UDP' };

/** The listener's port, as a named port of the pod resolves. */
function resolvePort(data: PodReachData, ref: number | string, protocol: Protocol): number | null {
  if (typeof ref === 'number') return ref;
  const named = data.ports.find((p) => p.name === ref && p.protocol === protocol);
  return named ? named.containerPort : null;
}

function privateOnly(cidr: string): boolean {
  try {
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    if (bits === 0) return false;
    const r = addr.range();
    return ['private', 'uniqueLocal', 'loopback', 'linkLocal', 'carrierGradeNat'].includes(r);
  } catch {
    return false;
  }
}

function everywhere(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

interface Admission {
  readonly kind: 'all' | 'peers' | 'none';
  readonly peers: readonly PolicyPeer[];
  readonly policies: readonly PolicyFacts[];
}

/** What the selecting NetworkPolicies admit to one port. */
function admission(data: PodReachData, port: number, protocol: Protocol): Admission {
  if (data.policies.length === 0) return { kind: 'all', peers: [], policies: [] };
  const peers: PolicyPeer[] = [];
  for (const pol of data.policies) {
    for (const rule of pol.rules) {
      const portMatches =
        rule.ports === null ||
        rule.ports.length === 0 ||
        rule.ports.some((p) => {
          if (p.protocol !== protocol) return false;
          if (p.port === null) return true;
          const lo = resolvePort(data, p.port, protocol);
          if (lo === null) return false;
          return port >= lo && port <= (p.endPort ?? lo);
        });
      if (!portMatches) continue;
      if (rule.peers === null || rule.peers.length === 0) return { kind: 'all', peers: [], policies: data.policies };
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock' && peer.cidr && everywhere(peer.cidr) && (peer.except?.length ?? 0) === 0) {
          return { kind: 'all', peers: [], policies: data.policies };
        }
        peers.push(peer);
      }
    }
  }
  return peers.length ? { kind: 'peers', peers, policies: data.policies } : { kind: 'none', peers: [], policies: data.policies };
}

interface Publication {
  readonly verdict: 'node-network' | 'beyond-cluster' | 'in-cluster';
  readonly text: string;
  readonly span: Span;
  /** Source ranges a LoadBalancer admits (empty: any). */
  readonly ranges?: readonly string[];
}

function publications(data: PodReachData, port: number, protocol: Protocol): Publication[] {
  const out: Publication[] = [];
  for (const p of data.ports) {
    if (p.hostPort === null || p.containerPort !== port || p.protocol !== protocol) continue;
    const ip = p.hostIP && p.hostIP !== '0.0.0.0' && p.hostIP !== '::' ? p.hostIP : null;
    const loop = ip !== null && /^(127\.|::1$)/.test(ip);
    out.push({
      verdict: loop ? 'in-cluster' : 'node-network',
      text: ip ? `hostPort ${p.hostPort} on the node's address ${ip}` : `hostPort ${p.hostPort} on every interface of its node`,
      span: p.span,
    });
  }
  for (const s of data.services) {
    const hits = s.ports.filter((sp) => sp.protocol === protocol && resolvePort(data, sp.targetPort, protocol) === port);
    if (hits.length === 0) continue;
    const ns = s.namespaceNote ? ` (${s.namespaceNote})` : '';
    const nodePorts = hits.map((h) => (h.nodePort !== null ? String(h.nodePort) : 'an allocated port')).join(', ');
    if (s.type === 'NodePort') out.push({ verdict: 'node-network', text: `Service ${s.name} (NodePort) publishes it on ${nodePorts} of every node${ns}`, span: s.span });
    else if (s.type === 'LoadBalancer') {
      const ranges = s.sourceRanges;
      const lb = s.internal
        ? `Service ${s.name} (LoadBalancer, internal: ${s.internal}) publishes it to the cloud network beyond the cluster`
        : ranges.length
          ? `Service ${s.name} (LoadBalancer) publishes it beyond the cluster to ${ranges.join(', ')} (loadBalancerSourceRanges)`
          : `Service ${s.name} (LoadBalancer, no loadBalancerSourceRanges) publishes it beyond the cluster`;
      out.push({ verdict: 'beyond-cluster', text: `${lb}${ns}`, span: s.span, ranges });
      if (s.nodePorts) out.push({ verdict: 'node-network', text: `Service ${s.name} also publishes it on ${nodePorts} of every node (a LoadBalancer allocates node ports unless allocateLoadBalancerNodePorts: false)`, span: s.span });
    } else if (s.type !== 'ExternalName') {
      out.push({ verdict: 'in-cluster', text: s.headless ? `headless Service ${s.name} names it in the cluster's DNS${ns}` : `Service ${s.name} (ClusterIP) gives it an address inside the cluster${ns}`, span: s.span });
    }
    if (s.externalIPs.length) out.push({ verdict: 'beyond-cluster', text: `Service ${s.name} routes its externalIPs ${s.externalIPs.join(', ')} to it`, span: s.span });
  }
  return out;
}

function describePeers(peers: readonly PolicyPeer[]): string {
  return [...new Set(peers.map((p) => p.text))].join('; ');
}

function policyNames(a: Admission): string {
  const names = a.policies.map((p) => p.name);
  return `NetworkPolic${names.length === 1 ? 'y' : 'ies'} ${names.join(', ')}`;
}

/** The verdict for one port memcached listens on. */
function portVerdict(data: PodReachData, port: number, protocol: Protocol): { verdict: PodVerdictKind; span: Span; where: string } {
  const what = `${protocol} ${port}`;
  if (data.hostNetwork) {
    return { verdict: 'node-network', span: data.hostNetwork, where: `and hostNetwork: true puts it on every interface of the node it runs on (NetworkPolicies do not apply to host-network pods)` };
  }
  const adm = admission(data, port, protocol);
  const pubs = publications(data, port, protocol);
  const out = pubs.filter((p) => p.verdict !== 'in-cluster');
  const inCluster = pubs.filter((p) => p.verdict === 'in-cluster').map((p) => p.text);
  const alsoIn = inCluster.length ? `; ${inCluster.join('; ')}` : '';
  if (adm.kind === 'none') {
    return { verdict: 'closed', span: adm.policies[0].span, where: `inside the pod; ${policyNames(adm)} in this file admit${adm.policies.length === 1 ? 's' : ''} no connection to ${what} (from this file only: another NetworkPolicy of the namespace may admit more)` };
  }
  if (adm.kind === 'peers') {
    const wide = adm.peers.filter((p) => p.kind === 'ipBlock' && p.cidr && !privateOnly(p.cidr));
    if (out.length && wide.length) {
      const worst = out.find((p) => p.verdict === 'beyond-cluster') ?? out[0];
      return {
        verdict: worst.verdict as PodVerdictKind,
        span: worst.span,
        where: `inside the pod, and ${out.map((p) => p.text).join('; ')}; ${policyNames(adm)} admit${adm.policies.length === 1 ? 's' : ''} ${describePeers(wide)} to ${what}`,
      };
    }
    const published = out.length
      ? `; ${out.map((p) => p.text).join('; ')}, but only the admitted peers get through (with externalTrafficPolicy: Cluster, traffic through a node port arrives from a node's address, which some network plugins admit)`
      : '';
    return {
      verdict: 'restricted',
      span: adm.policies[0].span,
      where: `inside the pod; ${policyNames(adm)} admit${adm.policies.length === 1 ? 's' : ''} only ${describePeers(adm.peers)} to ${what}${published}${alsoIn} (from this file only: another NetworkPolicy of the namespace may admit more)`,
    };
  }
  if (out.length) {
    const worst = out.reduce((a, b) => (RANK[b.verdict as PodVerdictKind] > RANK[a.verdict as PodVerdictKind] ? b : a));
    const lbRanges = out.filter((p) => p.verdict === 'beyond-cluster' && p.ranges && p.ranges.length > 0);
    const onlyPrivate = worst.verdict === 'beyond-cluster' && lbRanges.length === out.length && lbRanges.every((p) => p.ranges!.every(privateOnly));
    return {
      verdict: onlyPrivate ? 'restricted' : (worst.verdict as PodVerdictKind),
      span: worst.span,
      where: `inside the pod, and ${out.map((p) => p.text).join('; ')}${data.policies.length ? `; ${policyNames(adm)} admit${adm.policies.length === 1 ? 's' : ''} any source to ${what}` : '; no NetworkPolicy in this file restricts it'}`,
    };
  }
  return {
    verdict: 'cluster-wide',
    span: data.span,
    where: data.policies.length
      ? `inside the pod; ${policyNames(adm)} admit${adm.policies.length === 1 ? 's' : ''} any source to ${what}, so every pod in the cluster can connect${alsoIn}`
      : data.helm
        ? `inside the pod; the chart renders no NetworkPolicy that restricts it, so every pod in the cluster can connect${alsoIn} (from these values only: a NetworkPolicy outside the chart may restrict it)`
        : `inside the pod; no NetworkPolicy in this file selects the pod, so every pod in the cluster can connect${alsoIn} (from this file only: a NetworkPolicy elsewhere in the namespace may restrict it)`,
  };
}

/**
 * The verdict for memcached's listeners: the widest of their ports' verdicts, with what publishes it.
 * Null when no listener is on TCP or UDP.
 */
export function podVerdict(data: PodReachData, listeners: readonly { transport: string; port?: number }[]): PodVerdict | null {
  const seen = new Set<string>();
  let best: { verdict: PodVerdictKind; span: Span; where: string } | null = null;
  for (const l of listeners) {
    const protocol = PROTOCOL[l.transport];
    if (!protocol || typeof l.port !== 'number') continue;
    const key = `${protocol}/${l.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const v = portVerdict(data, l.port, protocol);
    if (!best || RANK[v.verdict] > RANK[best.verdict]) best = v;
  }
  if (!best) return null;
  const unknowns = data.unknowns.length ? ` (this file leaves open: ${data.unknowns.join('; ')})` : '';
  return { ...best, where: `${best.where}${unknowns}`, suggestion: suggestion(data, best.verdict, [...seen]) };
}

/** Who may connect, in one phrase for inspect: `cluster-wide: every pod in the cluster can connect ...`. */
export function describeVerdict(v: PodVerdict): string {
  const head: Record<PodVerdictKind, string> = {
    'node-network': 'node network',
    'beyond-cluster': 'published beyond the cluster',
    'cluster-wide': 'cluster-wide',
    restricted: 'restricted to named peers',
    closed: 'closed',
  };
  return `${head[v.verdict]}: ${v.where.replace(/^(inside the pod(, and|;) |and )/, '')}`;
}

const yamlKey = (k: string) => (/^[A-Za-z0-9_./-]+$/.test(k) && !/^(true|false|null|yes|no|on|off|~|[-+.0-9].*)$/i.test(k) ? k : JSON.stringify(k));
const yamlValue = (v: string) => JSON.stringify(v);

/**
 * The change that would restrict the pod, as text to review: for a manifest, a NetworkPolicy admitting
 * only labelled client pods (and what to change in a publishing Service); for Helm values, the values.
 * mchard never writes these: they change who may connect, which only the operator can decide.
 */
function suggestion(data: PodReachData, verdict: PodVerdictKind, ports: string[]): string | null {
  if (verdict === 'restricted' || verdict === 'closed') return null;
  const lines: string[] = [];
  if (data.helm) {
    lines.push('# suggested values for the chart (review, then helm upgrade); mchard does not write them');
    if (data.hostNetwork) lines.push('hostNetwork: false');
    if (data.services.some((s) => s.type === 'NodePort' || s.type === 'LoadBalancer')) lines.push('service:', '  type: ClusterIP');
    lines.push('networkPolicy:', '  enabled: true', '  allowExternal: false   # then only pods labelled <release>-memcached-client: "true" (and the chart\'s own) may connect');
    return lines.join('\n');
  }
  if (data.hostNetwork) lines.push('# remove hostNetwork: true from the pod spec: memcached then listens in the pod\'s own network namespace');
  for (const p of data.ports) if (p.hostPort !== null) lines.push(`# remove hostPort: ${p.hostPort} from container ${p.container}'s port ${p.containerPort}`);
  for (const s of data.services) {
    if (s.type === 'NodePort' || s.type === 'LoadBalancer') lines.push(`# change Service ${s.name} to type: ClusterIP (or, for a LoadBalancer, set loadBalancerSourceRanges and allocateLoadBalancerNodePorts: false)`);
    if (s.externalIPs.length) lines.push(`# remove externalIPs from Service ${s.name}`);
  }
  if (data.labels && Object.keys(data.labels).length) {
    const name = data.workload.split(' ').pop()!.replace(/[^a-z0-9.-]/gi, '-').toLowerCase();
    lines.push(`# ${lines.length ? 'and ' : ''}admit only the pods that use memcached (label them), with a NetworkPolicy such as:`);
    lines.push('apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', `  name: ${name}-clients`);
    if (data.namespace) lines.push(`  namespace: ${yamlKey(data.namespace)}`);
    lines.push('spec:', '  podSelector:', '    matchLabels:');
    for (const [k, v] of Object.entries(data.labels)) lines.push(`      ${yamlKey(k)}: ${yamlValue(v)}`);
    lines.push('  policyTypes: [Ingress]', '  ingress:', '    - from:', '        - podSelector:', '            matchLabels:', `              ${yamlKey(`${name}-client`)}: "true"`, '      ports:');
    for (const p of ports) {
      const [protocol, port] = p.split('/');
      lines.push(`        - protocol: ${protocol}`, `          port: ${port}`);
    }
  }
  return lines.length ? lines.join('\n') : null;
}
