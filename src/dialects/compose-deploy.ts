/**
 * Which program deploys a Compose-format file: `docker compose up` (Compose) or `docker stack deploy`
 * (Swarm mode). Both read the same YAML, but they publish a port differently: Compose binds the host
 * address a `ports:` entry names (`127.0.0.1:11211:11211` stays on the loopback), while Swarm publishes
 * every port through its routing mesh on every address of every node and drops the host address (docker/cli
 * opts/swarmopts/port.go, ConvertPortToPortConfig: "ignoring IP-address ... service will listen on
 * '0.0.0.0'"; docs.docker.com/engine/swarm/ingress: "The routing mesh listens on the published port for any
 * IP address assigned to the node"). So the exposure verdict depends on the answer.
 *
 * Decided, each step with its reason:
 *   0. What `docker stack deploy` refuses decides for Compose: a `version:` of 1 or 2 (docker/cli
 *      cli/compose/schema/schema.go: "unsupported Compose file version"), a key its v3 schema does not have
 *      (top level `name:`, `include:`; a service's `profiles:`, `pull_policy:`, `platform:`, `extends:`,
 *      `mem_limit:` ...: cli/compose/schema/data/config_schema_v3.13.json, `additionalProperties: false`, and
 *      cli/compose/types/types.go ForbiddenProperties), a long-syntax port with `host_ip:` (the schema's port
 *      object has only mode, target, published, protocol). Only `docker compose` runs such a file.
 *   1. path: a folder named for Swarm (`swarm/`, `swarm-setup/`, `docker-swarm/`).
 *   2. name: a stack file's name (`docker-stack.yml`, `docker-stack.prod.yml`, `stack.yml`, `app.stack.yml`,
 *      `app-stack.yml`, `app_stack.yml`) or one with the word swarm (`docker-compose.swarm.yml`,
 *      `docker-swarm.yaml`). Not `stack-*.yml`: Docksal's Compose stacks are named so.
 *   3. content: a key only Swarm reads. docker compose reads only `deploy.replicas`, `deploy.resources` and
 *      `deploy.restart_policy` (docker/compose pkg/compose/convergence.go and create.go), so `deploy.mode`,
 *      `placement`, `update_config`, `rollback_config`, `endpoint_mode` and `labels` mean something only to
 *      `docker stack deploy`. A file that also has keys only Compose honours (`build:`, `restart:`,
 *      `network_mode:`, ...: docker/cli prints "Ignoring unsupported options") fits both, and so does a file of
 *      docker compose's own default names (`docker-compose.yml`, `compose.yaml`) with such a key.
 *   4. Otherwise mchard assumes `docker compose up` and says it assumes it: nothing in such a file is
 *      Swarm's, and treating every Compose file as "either" would leave no verdict at all.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import type { Deployment } from './container-reach.js';

/** The keys of a service that Docker's stack schema (v3.13, the newest) allows; any other is refused. */
const V3_SERVICE_KEYS: ReadonlySet<string> = new Set([
  'build', 'cap_add', 'cap_drop', 'cgroup_parent', 'cgroupns_mode', 'command', 'configs', 'container_name', 'credential_spec',
  'depends_on', 'deploy', 'devices', 'dns', 'dns_search', 'domainname', 'entrypoint', 'env_file', 'environment', 'expose',
  'external_links', 'extra_hosts', 'healthcheck', 'hostname', 'image', 'init', 'ipc', 'isolation', 'labels', 'links', 'logging',
  'mac_address', 'network_mode', 'networks', 'oom_score_adj', 'pid', 'ports', 'privileged', 'read_only', 'restart', 'secrets',
  'security_opt', 'shm_size', 'stdin_open', 'stop_grace_period', 'stop_signal', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'user',
  'userns_mode', 'volumes', 'working_dir',
]);
const V3_TOP_KEYS: ReadonlySet<string> = new Set(['version', 'services', 'networks', 'volumes', 'configs', 'secrets']);
/** `deploy:` keys docker compose ignores (it reads replicas, resources and restart_policy). */
const SWARM_ONLY_DEPLOY = ['mode', 'placement', 'update_config', 'rollback_config', 'endpoint_mode', 'labels'];
/** Service keys docker stack deploy ignores ("Ignoring unsupported options", docker/cli types.UnsupportedProperties). */
const COMPOSE_ONLY = ['build', 'restart', 'network_mode', 'links', 'external_links', 'privileged', 'devices', 'ipc', 'pid', 'security_opt', 'shm_size', 'userns_mode', 'cgroup_parent', 'container_name'];

const SWARM_FOLDER = /^(docker[-_.]?)?swarm([-_.].*)?$/i;
const STACK_NAME = /^(docker-stack([-_.][^/]*)?|stack|[^/]+[-_.]stack)\.ya?ml$/i;
const SWARM_WORD = /(^|[-_.])swarm([-_.]|$)/i;
const COMPOSE_NAME = /^(docker-)?compose[^/]*\.ya?ml$/i;

type Get = (map: YAMLMap, key: string) => Node | undefined;

const keysOf = (node: unknown, get: Get, known: readonly string[]): string[] => (isMap(node) ? known.filter((k) => get(node as YAMLMap, k) !== undefined) : []);

/** A key of the v3 schema's outside (`x-` extensions are allowed), or null. */
function unknownKey(map: YAMLMap, allowed: ReadonlySet<string>): string | null {
  for (const p of map.items) {
    const k = isScalar(p.key) ? String(p.key.value) : null;
    if (k !== null && k !== '<<' && !k.startsWith('x-') && !allowed.has(k)) return k;
  }
  return null;
}

/** Why docker stack deploy refuses the file, or null. */
function stackRefusal(doc: Document, services: [string, YAMLMap][], get: Get): string | null {
  const root = doc.contents;
  if (!isMap(root)) return null;
  const version = root.get('version');
  if (version !== undefined && version !== null && /^[12](\.|$)/.test(String(version))) return `version: ${String(version)}: it reads only version 3 files`;
  const top = unknownKey(root as YAMLMap, V3_TOP_KEYS);
  if (top) return `the top-level key ${top}:, which its version 3 schema does not have`;
  for (const [name, svc] of services) {
    const k = unknownKey(svc, V3_SERVICE_KEYS);
    if (k) return `service ${name} has ${k}:, which its version 3 schema does not have`;
    const ports = get(svc, 'ports');
    if (isSeq(ports) && ports.items.some((p) => isMap(p) && p.has('host_ip'))) return `service ${name} has a ports: entry with host_ip:, which its schema does not allow`;
  }
  return null;
}

/** What deploys the file at `path` (`-`: standard input, no path or name) holding `doc`. */
export function deploymentOf(path: string, doc: Document, get: Get): Deployment {
  const services: [string, YAMLMap][] = [];
  const svcNode = doc.get('services', true);
  if (isMap(svcNode)) {
    for (const p of svcNode.items) {
      const v = p.value;
      if (isScalar(p.key) && isMap(v)) services.push([String(p.key.value), v as YAMLMap]);
    }
  }
  const refused = stackRefusal(doc, services, get);
  if (refused) return { by: 'compose', assumed: false, why: `docker stack deploy refuses the file (${refused}), so only docker compose runs it` };
  const parts = path === '-' ? [] : path.split(/[\\/]+/);
  const base = parts.at(-1) ?? '';
  const folder = parts.slice(0, -1).find((d) => SWARM_FOLDER.test(d));
  if (folder) return { by: 'stack', assumed: false, why: `path: the folder ${folder}/ holds a Swarm deployment` };
  if (STACK_NAME.test(base) || SWARM_WORD.test(base.replace(/\.ya?ml$/i, ''))) return { by: 'stack', assumed: false, why: `name ${base}: a Swarm stack file's name` };
  const swarmOnly = services.flatMap(([name, svc]) => keysOf(get(svc, 'deploy'), get, SWARM_ONLY_DEPLOY).map((k) => `deploy.${k} (service ${name})`));
  if (swarmOnly.length) {
    const marker = `${swarmOnly[0]} is Swarm's alone (docker compose ignores it)`;
    if (COMPOSE_NAME.test(base)) return { by: 'either', assumed: false, why: `the name ${base} is docker compose's, but ${marker}` };
    const composeOnly = services.flatMap(([name, svc]) => keysOf(svc, get, COMPOSE_ONLY).map((k) => `${k}: (service ${name})`));
    if (composeOnly.length) return { by: 'either', assumed: false, why: `${marker}, and ${composeOnly[0]} Compose's alone (docker stack deploy ignores it)` };
    return { by: 'stack', assumed: false, why: `content: ${marker}` };
  }
  return { by: 'compose', assumed: true, why: 'nothing in the file is read only by docker stack deploy' };
}

/** The program that reads the file, for inspect's "read by" line. */
export function deploymentReader(d: Deployment): string {
  if (d.by === 'stack') return `Docker Swarm, through docker stack deploy (${d.why})`;
  if (d.by === 'either') return `docker compose up or docker stack deploy, whichever is run (${d.why})`;
  return d.assumed ? `Docker Compose, as docker compose up: assumed (${d.why})` : `Docker Compose (${d.why})`;
}
