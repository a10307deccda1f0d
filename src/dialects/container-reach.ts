/**
 * Where a memcached inside a container can be reached from, as the compose dialect records it in its
 * `container-reach` note. memcached binds the container's own network namespace, so its listen address
 * alone says little: what reaches the host's networks is what `ports:` publishes. The exposure rules
 * (MC101, MC601) read this through `containerReach()`. Free of the YAML library.
 */
import type { Span } from '../source.js';
import type { ParsedConfig } from './types.js';
import { podVerdict, type PodVerdict } from './pod-reach.js';
import type { ContainerNote } from './container-notes.js';
import { swarmVerdict } from './swarm-reach.js';

export interface PublishedPort {
  /** The host address it is published on; null: every interface of the host. */
  readonly hostIp: string | null;
  /** The container port or range (`11211`, `11211-11212`). */
  readonly container: string;
  readonly protocol: string;
  readonly text: string;
  readonly span: Span;
  /** The host address comes from a variable (`${BIND:-127.0.0.1}`): why, and `hostIp` is its default's guess. */
  readonly hostIpDepends?: string;
  /** The long syntax's `mode: host` (Swarm publishes it on the node that runs the task, not through the routing mesh). */
  readonly hostMode?: boolean;
}

/**
 * Which program deploys a Compose file (compose-deploy.ts): `docker compose up`, `docker stack deploy`
 * (Swarm, which ignores a port's host address and publishes it on every node), or either; `assumed`: nothing
 * in the file says, and mchard takes docker compose up.
 */
export interface Deployment {
  readonly by: 'compose' | 'stack' | 'either';
  readonly assumed: boolean;
  readonly why: string;
}

export interface ReachData {
  /** `host`: network_mode: host, memcached binds the host's interfaces itself. */
  readonly mode: 'container' | 'host';
  readonly published: readonly PublishedPort[];
  /**
   * How to say where an unpublished port is reachable from (a Dockerfile: "whoever runs the image
   * decides"); the Compose wording when absent.
   */
  readonly unpublished?: string;
  /** For a Compose file: what deploys it. */
  readonly deploy?: Deployment;
}

export interface ContainerReach {
  /** `none`: only containers on the Compose network; `loopback`: published on the host's loopback only; `host`: published on (or bound to) the host's interfaces. */
  readonly reach: 'none' | 'loopback' | 'host';
  /** The `ports:` entries that publish memcached's port. */
  readonly ports: readonly PublishedPort[];
  readonly span: Span;
  /** For `none`: the dialect's own wording of who can reach it. */
  readonly unpublished?: string;
  /** A publishing host address comes from a variable: why (the reach is then the host's to decide). */
  readonly depends?: string;
  readonly deploy?: Deployment;
}

function covers(range: string, port: number): boolean {
  const m = /^(\d+)(?:-(\d+))?$/.exec(range.trim());
  if (!m) return true; // a variable or something unusual: assume it may be memcached's
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  return port >= lo && port <= hi;
}

/** The dialects containerReach and podReachOf read (test/dialects/container-verdict.test.ts). */
const CONTAINER_DIALECTS: ReadonlySet<string> = new Set(['compose', 'dockerfile', 'kubernetes', 'helm']);

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** How far the container's memcached reaches, for the ports it listens on; null when the file is not a container service. */
export function containerReach(config: ParsedConfig, ports: readonly { port: number; transport: 'tcp' | 'udp' }[]): ContainerReach | null {
  // Compose's ports:, and a Dockerfile (which publishes nothing).
  if (config.dialect !== 'compose' && config.dialect !== 'dockerfile') return null;
  const note = (config.notes as readonly ContainerNote[]).find((n) => n.kind === 'container-reach');
  if (note?.kind !== 'container-reach') return null;
  const data: ReachData = note;
  if (data.mode === 'host') return { reach: 'host', ports: [], span: note.span };
  const hits = data.published.filter((p) => ports.some((l) => l.transport === p.protocol && covers(p.container, l.port)));
  if (hits.length === 0) return { reach: 'none', ports: [], span: note.span, ...(data.unpublished ? { unpublished: data.unpublished } : {}), ...(data.deploy ? { deploy: data.deploy } : {}) };
  const depends = hits.find((p) => p.hostIpDepends)?.hostIpDepends;
  const loopback = hits.every((p) => p.hostIp !== null && LOOPBACK.test(p.hostIp));
  // Swarm drops the host address: a stack publishes the port on every node whatever it names.
  return { reach: loopback && data.deploy?.by !== 'stack' ? 'loopback' : 'host', ports: hits, span: note.span, ...(depends ? { depends } : {}), ...(data.deploy ? { deploy: data.deploy } : {}) };
}

/**
 * For the exposure rules: how a wildcard or non-loopback listener inside a container should be judged.
 * `host`: published on the host's interfaces (as serious as a host listener); `loopback`: only the
 * host itself; `none`: only containers on the same Compose network.
 */
export function containerVerdict(
  config: ParsedConfig,
  listeners: readonly { transport: string; port?: number }[],
): { reach: ContainerReach['reach']; severity: 'error' | 'warning' | 'info'; where: string; swarm?: true } | null {
  // Only a container's file publishes a listener: for any other file both readers below answer null (asked
  // by the exposure rules for every file of a run, they scanned its notes and built a port list first).
  if (!CONTAINER_DIALECTS.has(config.dialect)) return null;
  const pod = podReachOf(config, listeners);
  if (pod) {
    // Kubernetes: only the node network and publication beyond the cluster are as serious as a host listener.
    const published = pod.verdict === 'node-network' || pod.verdict === 'beyond-cluster';
    return { reach: published ? 'host' : 'none', severity: published ? 'error' : 'info', where: pod.where };
  }
  if (config.notes.some((n) => n.kind === 'pod-reach')) return null;
  const ports = listeners.flatMap((l) => (l.transport === 'tcp' || l.transport === 'udp') && typeof l.port === 'number' ? [{ port: l.port, transport: l.transport as 'tcp' | 'udp' }] : []);
  const r = containerReach(config, ports);
  if (!r) return null;
  const shown = r.ports.map((p) => p.text).join(', ');
  const d = r.deploy;
  // A Swarm stack (or a file docker stack deploy may deploy): swarm-reach.ts, loaded only then.
  if (d && d.by !== 'compose' && r.ports.length) return swarmVerdict(r, d, shown);
  // A host address from a variable: as written (its default, or every interface while it is unset), and
  // the host decides; a publication on every interface is then a warning, not a certain error.
  const dependsOnHost = r.depends ? `; the host address depends on the host: ${r.depends}` : '';
  if (r.depends && r.reach === 'host' && r.ports.every((p) => p.hostIpDepends)) {
    return {
      reach: r.reach,
      severity: 'warning',
      where: `inside the container, and ports: publishes it on ${r.ports.some((p) => p.hostIp === null) ? 'every interface of the host unless the variable names an address' : 'the host'} (${shown})${dependsOnHost}`,
    };
  }
  switch (r.reach) {
    case 'host':
      return {
        reach: r.reach,
        severity: 'error',
        where: r.ports.length
          ? `inside the container, and ports: publishes it on ${r.ports.some((p) => p.hostIp === null) ? "every interface of the host" : 'the host'} (${shown}); publish it as "127.0.0.1:HOST:CONTAINER" or drop the ports: entry`
          : 'and network_mode: host puts it on every interface of the host',
      };
    case 'loopback':
      return { reach: r.reach, severity: 'info', where: `inside the container; ports: publishes it only on the host's loopback (${shown})${dependsOnHost}${d?.assumed ? `; mchard assumes docker compose up: ${d.why} (which would ignore the address)` : ''}` };
    case 'none':
      return { reach: r.reach, severity: 'info', where: r.unpublished ?? `inside the container; no ports: entry publishes it, so only ${d && d.by !== 'compose' ? "containers on the file's networks" : 'containers on the same Compose network'} reach it` };
  }
}

/**
 * For a memcached in a Kubernetes pod (the `pod-reach` note of the Kubernetes and Helm dialects): who can
 * connect to its listeners, from what the file publishes (see pod-reach.ts). Null for other files, and
 * when no listener is on TCP or UDP.
 */
export function podReachOf(config: ParsedConfig, listeners: readonly { transport: string; port?: number }[]): PodVerdict | null {
  if (config.dialect !== 'kubernetes' && config.dialect !== 'helm') return null;
  const note = (config.notes as readonly ContainerNote[]).find((n) => n.kind === 'pod-reach');
  if (note?.kind !== 'pod-reach') return null;
  return podVerdict(note.reach, listeners);
}
