/**
 * The exposure verdict for a Compose file that `docker stack deploy` deploys, or may (compose-deploy.ts):
 * Swarm publishes a port through its routing mesh on every address of every node and drops the host address
 * of a `ports:` entry (docker/cli opts/swarmopts/port.go, ConvertPortToPortConfig, which warns "ignoring
 * IP-address ... service will listen on '0.0.0.0'"; cli/compose/convert/service.go, convertEndpointSpec,
 * which has no host address to pass on); with the long syntax's `mode: host` it binds the port on every
 * interface of each node that runs a task (Docker Engine API, EndpointPortConfig.PublishMode). Its own
 * module (in dialects.js, which a Compose file loads anyway), so that the core does not carry its words.
 */
import type { ContainerReach, Deployment } from './container-reach.js';

export function swarmVerdict(r: ContainerReach, d: Deployment, shown: string): { reach: ContainerReach['reach']; severity: 'error' | 'warning'; where: string; swarm: true } {
  const mesh = r.ports.every((p) => p.hostMode) ? 'every interface of each node that runs it (mode: host)' : 'every address of every node of the swarm (routing mesh)';
  const ignored = r.ports.some((p) => p.hostIp !== null) ? ', ignoring the host address (docker/cli: "ignoring IP-address")' : '';
  const instead =
    "; a host address in ports: changes nothing under Swarm: drop the ports: entry and let clients reach it over the stack's overlay network, or publish it with mode: host and firewall the port on the nodes";
  if (d.by === 'stack') {
    return { reach: 'host', severity: 'error', where: `inside the container, and docker stack deploy (${d.why}) publishes ${shown} on ${mesh}${ignored}${instead}`, swarm: true };
  }
  // Either program: docker compose up keeps a loopback host address; docker stack deploy does not.
  const loop = r.reach === 'loopback';
  return {
    reach: r.reach,
    severity: loop ? 'warning' : 'error',
    where:
      `inside the container; docker compose up publishes ${shown} on ${loop ? "the host's loopback only" : 'every interface of the host'}, but docker stack deploy on ${mesh}${ignored}: ` +
      `which of them deploys the file decides (${d.why})${instead}`,
    swarm: true,
  };
}

/**
 * What `mchard fix` says for memcached published by a Swarm stack (or a file it may deploy): no edit of the
 * file hardens it. A host address in `ports:` is dropped by docker stack deploy, and `-l 127.0.0.1` inside the
 * container would cut off every client (published port included), so mchard writes neither and says what
 * would work. Null when the verdict is not a Swarm one.
 */
export function swarmFixRefusal(verdict: { swarm?: true } | null, part: string | null): string | null {
  if (!verdict?.swarm) return null;
  return (
    `${part ? `${part}: ` : ''}no edit of this file keeps memcached's published port off the swarm's nodes: docker stack deploy ignores a host address in ports: ` +
    "(127.0.0.1:HOST:CONTAINER changes nothing), and -l 127.0.0.1 inside the container would cut off every client, so mchard writes neither; " +
    "what works: drop the ports: entry and let clients reach memcached over an overlay network of the stack, or publish it with mode: host and firewall the port on the nodes"
  );
}
