/**
 * Compose files that `docker stack deploy` deploys (Docker Swarm). Swarm publishes a port through its routing
 * mesh on every address of every node and drops the host address of a `ports:` entry: docker/cli
 * opts/swarmopts/port.go (ConvertPortToPortConfig: `ignoring IP-address (%s:%s) service will listen on
 * '0.0.0.0'`, PublishMode ingress), cli/compose/convert/service.go (convertEndpointSpec: a swarm.PortConfig has
 * no host address), and docs.docker.com/engine/swarm/ingress ("The routing mesh listens on the published port
 * for any IP address assigned to the node"). `docker stack deploy` refuses a version 1 or 2 file and any key
 * its v3 schema lacks (cli/compose/schema/schema.go, data/config_schema_v3.13.json, additionalProperties:
 * false; the port object has no host_ip); docker compose reads only deploy.replicas, resources and
 * restart_policy (docker/compose pkg/compose/convergence.go, create.go). No dockerd (let alone a swarm) runs
 * here, so these tests hold mchard to those source lines, not to a live swarm.
 *
 * Real files: khs1994-docker/lnmp's memcached cluster (fixture 1000), deployed by its scripts both with
 * docker compose up and with docker stack deploy; The SENSIOT Framework's memcached stack (fixture 1001),
 * deployed with docker stack deploy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, type YAMLMap } from 'yaml';
import { run, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';
import { deploymentOf } from '../../src/dialects/compose-deploy.js';
import { mergedGet } from '../../src/dialects/compose.js';
import { detectDialect, configPathKind } from '../../src/dialects/detect.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');

let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-compose-swarm-');
});
afterEach(() => tmp.cleanup());

const deployed = (path: string, text: string) => {
  const doc = parseDocument(text);
  return deploymentOf(path, doc, (m: YAMLMap, k: string) => mergedGet(doc, m, k).node);
};

const LOOPBACK_STACK = `version: "3.8"
services:
  memcached:
    image: memcached:1.6
    command: ["-m", "64"]
    ports:
      - "127.0.0.1:11211:11211"
`;
const PLACED = `${LOOPBACK_STACK}    deploy:
      placement:
        constraints: [node.role == manager]
`;
const lineOf = (out: string, id: string) => out.split('\n').find((l) => l.includes(` ${id} `)) ?? '';

describe('which program deploys a Compose-format file', () => {
  it('path, then name, then content; what docker stack deploy refuses is docker compose only', () => {
    expect(deployed('/srv/app/docker-stack.yml', LOOPBACK_STACK)).toMatchObject({ by: 'stack', assumed: false, why: expect.stringContaining('name docker-stack.yml') });
    for (const name of ['stack.yml', 'docker-stack.prod.yml', 'app.stack.yaml', 'app-stack.yml', 'cache_stack.yml', 'docker-compose.swarm.yml', 'docker-swarm.yaml']) {
      expect([name, deployed(`/r/${name}`, LOOPBACK_STACK).by]).toEqual([name, 'stack']);
    }
    expect(deployed('/r/swarm-setup/templates/cache.yml', LOOPBACK_STACK)).toMatchObject({ by: 'stack', why: 'path: the folder swarm-setup/ holds a Swarm deployment' });
    // Docksal's Compose stacks are named stack-NAME.yml, and its folder is stacks/: not Swarm's.
    expect(deployed('/r/stacks/stack-acquia.yml', LOOPBACK_STACK)).toMatchObject({ by: 'compose', assumed: true });
    // A key only Swarm reads: a stack, unless the name is docker compose's own or a key only Compose honours is there too.
    expect(deployed('/r/cache.yml', PLACED)).toMatchObject({ by: 'stack', why: "content: deploy.placement (service memcached) is Swarm's alone (docker compose ignores it)" });
    expect(deployed('/r/docker-compose.yml', PLACED)).toMatchObject({ by: 'either', why: expect.stringContaining("the name docker-compose.yml is docker compose's") });
    expect(deployed('/r/cache.yml', PLACED.replace('    ports:', '    restart: always\n    ports:'))).toMatchObject({ by: 'either' });
    // deploy.replicas and resources: docker compose reads them too; they decide nothing.
    expect(deployed('/r/cache.yml', `${LOOPBACK_STACK}    deploy:\n      replicas: 2\n      resources: {limits: {memory: 64M}}\n`)).toMatchObject({ by: 'compose', assumed: true });
    // What docker stack deploy refuses: only docker compose runs it, whatever the name or the other keys.
    expect(deployed('/r/docker-stack.yml', PLACED.replace('"3.8"', '"2.4"'))).toMatchObject({ by: 'compose', assumed: false, why: expect.stringContaining('version: 2.4') });
    expect(deployed('/r/docker-stack.yml', `name: app\n${PLACED}`)).toMatchObject({ by: 'compose', assumed: false, why: expect.stringContaining('top-level key name:') });
    expect(deployed('/r/docker-stack.yml', PLACED.replace('    ports:', '    profiles: [cache]\n    ports:'))).toMatchObject({ by: 'compose', why: expect.stringContaining('profiles:') });
    const hostIp = 'services:\n  memcached:\n    image: memcached\n    ports:\n      - target: 11211\n        published: 11211\n        host_ip: 127.0.0.1\n';
    expect(deployed('/r/docker-stack.yml', hostIp)).toMatchObject({ by: 'compose', why: expect.stringContaining('host_ip:') });
    expect(deployed('-', LOOPBACK_STACK)).toMatchObject({ by: 'compose', assumed: true });
  });

  it('a stack file is read as Compose by its name when its content agrees, and found in a folder', () => {
    const d = detectDialect('/r/docker-stack.yml', LOOPBACK_STACK);
    expect(d).toMatchObject({ refused: false, dialect: 'compose', reason: 'name' });
    // OpenFaaS's stack.yml has no services: mapping: refused as before, not read as Compose.
    const faas = detectDialect('/r/stack.yml', 'version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  memcached-probe:\n    image: memcached-probe:latest\n');
    expect(faas.refused).toBe(true);
    expect(configPathKind('/r/deploy/docker-stack.yml')).toBe('shared');
    expect(configPathKind('/r/stacks/stack-acquia.yml')).toBeNull();
  });
});

describe('lint and inspect: a host address Swarm ignores is not "loopback only"', () => {
  it('a stack file: every node of the swarm, an error, and the way that works instead', async () => {
    const f = tmp.write('docker-stack.yml', LOOPBACK_STACK);
    const lint = await run(['lint', '--no-doc-links', f]);
    const mc101 = lineOf(lint.out, 'MC101');
    expect(mc101).toContain('  error  MC101');
    expect(mc101).toContain('docker stack deploy (name docker-stack.yml: a Swarm stack file\'s name) publishes 127.0.0.1:11211:11211 on every address of every node of the swarm (routing mesh), ignoring the host address');
    expect(mc101).toContain('drop the ports: entry and let clients reach it over the stack\'s overlay network, or publish it with mode: host and firewall the port on the nodes');
    expect(mc101).not.toContain('loopback');
    expect(mc101).not.toContain('publish it as "127.0.0.1:HOST:CONTAINER"');
    expect(lineOf(lint.out, 'MC601')).toContain('  error  MC601');
    expect(lint.code).toBe(1);
    const inspect = await run(['inspect', f]);
    expect(inspect.out).toContain("read by   Docker Swarm, through docker stack deploy (name docker-stack.yml: a Swarm stack file's name)");
    // lint's JSON says the same program.
    const json = JSON.parse((await run(['lint', '--format', 'json', f])).out);
    expect(json.files[0]).toMatchObject({ dialect: 'compose', dialectReason: 'name', readBy: "Docker Swarm, through docker stack deploy (name docker-stack.yml: a Swarm stack file's name)" });
  });

  it('docker stack deploy ignores network_mode: host: the routing mesh publishes the port, not the host network', async () => {
    const f = tmp.write('docker-stack.yml', 'services:\n  memcached:\n    image: memcached:1.6\n    network_mode: host\n    ports:\n      - "127.0.0.1:11211:11211"\n');
    const mc101 = lineOf((await run(['lint', '--no-doc-links', f])).out, 'MC101');
    expect(mc101).toContain('docker stack deploy (name docker-stack.yml: a Swarm stack file\'s name) publishes 127.0.0.1:11211:11211 on every address of every node');
    expect(mc101).not.toContain('network_mode: host puts it');
    const compose = tmp.write('compose/docker-compose.yml', readFileSync(f, 'utf8'));
    expect(lineOf((await run(['lint', '--no-doc-links', compose])).out, 'MC101')).toContain('network_mode: host puts it on every interface of the host');
  });

  it('mode: host publishes on each node that runs it', async () => {
    const f = tmp.write('app-stack.yml', 'services:\n  memcached:\n    image: memcached:1.6\n    ports:\n      - target: 11211\n        published: 11211\n        mode: host\n');
    const mc101 = lineOf((await run(['lint', '--no-doc-links', f])).out, 'MC101');
    expect(mc101).toContain('  error  MC101');
    expect(mc101).toContain('on every interface of each node that runs it (mode: host)');
  });

  it('a file that fits both: depends on the command, a warning, naming what decides', async () => {
    const f = tmp.write('docker-compose.yml', PLACED);
    const lint = await run(['lint', '--no-doc-links', f]);
    const mc101 = lineOf(lint.out, 'MC101');
    expect(mc101).toContain('  warning  MC101');
    expect(mc101).toContain("docker compose up publishes 127.0.0.1:11211:11211 on the host's loopback only, but docker stack deploy on every address of every node of the swarm (routing mesh)");
    expect(mc101).toContain('which of them deploys the file decides');
    expect(lineOf(lint.out, 'MC601')).toContain('  warning  MC601');
    const inspect = await run(['inspect', f]);
    expect(inspect.out).toContain('read by   docker compose up or docker stack deploy, whichever is run (the name docker-compose.yml is docker compose\'s, but deploy.placement (service memcached) is Swarm\'s alone');
  });

  it('a plain Compose file: loopback, as docker compose up publishes it, said to be assumed; certain when Swarm refuses the file', async () => {
    const plain = tmp.write('docker-compose.yml', LOOPBACK_STACK);
    const mc101 = lineOf((await run(['lint', '--no-doc-links', plain])).out, 'MC101');
    expect(mc101).toContain('  info  MC101');
    expect(mc101).toContain("publishes it only on the host's loopback (127.0.0.1:11211:11211); mchard assumes docker compose up: nothing in the file is read only by docker stack deploy");
    expect((await run(['inspect', plain])).out).toContain('read by   Docker Compose, as docker compose up: assumed (nothing in the file is read only by docker stack deploy)');
    const v2 = tmp.write('v2/docker-compose.yml', LOOPBACK_STACK.replace('"3.8"', '"2.4"'));
    const certain = lineOf((await run(['lint', '--no-doc-links', v2])).out, 'MC101');
    expect(certain).toContain("  info  MC101");
    expect(certain).toMatch(/publishes it only on the host's loopback \(127\.0\.0\.1:11211:11211\)  \(listen-all-interfaces\)$/);
    expect((await run(['inspect', v2])).out).toContain('read by   Docker Compose (docker stack deploy refuses the file (version: 2.4: it reads only version 3 files), so only docker compose runs it)');
  });
});

describe('fix on a stack file', () => {
  it('writes no host address, says why and what works, and reports the errors that remain', async () => {
    const f = tmp.write('docker-stack.yml', LOOPBACK_STACK);
    const fix = await run(['fix', '--dry-run', '--no-doc-links', f]);
    expect(fix.out).toContain(
      `  not fixed  ${f}: no edit of this file keeps memcached's published port off the swarm's nodes: docker stack deploy ignores a host address in ports: (127.0.0.1:HOST:CONTAINER changes nothing), and -l 127.0.0.1 inside the container would cut off every client, so mchard writes neither; what works: drop the ports: entry and let clients reach memcached over an overlay network of the stack, or publish it with mode: host and firewall the port on the nodes`,
    );
    expect(fix.out).toContain('after the fixes: 2 errors, 4 infos would remain');
    expect(fix.out).not.toMatch(/^\+.*127\.0\.0\.1/m);
    expect(fix.out).not.toMatch(/^\+.*-l/m);
    // Written for real: the options it can fix, and the same refusal; the ports stay as they were.
    const yes = await run(['fix', '--yes', '--no-doc-links', f]);
    expect(yes.out).toContain('not fixed');
    expect(readFileSync(f, 'utf8')).toContain('- "127.0.0.1:11211:11211"');
    expect(readFileSync(f, 'utf8')).toContain('command: ["-m", "64", "-U", "0", "-X"]');
    // Nothing else to fix: the refusal, not "nothing to fix".
    const again = await run(['fix', '--dry-run', '--no-doc-links', f]);
    expect(again.out).toContain('not fixed');
    expect(again.out).not.toContain('nothing to fix');
  });

  it('a plain Compose file gets no such line', async () => {
    const f = tmp.write('docker-compose.yml', LOOPBACK_STACK);
    const fix = await run(['fix', '--dry-run', '--no-doc-links', f]);
    expect(fix.out).not.toContain('not fixed');
  });
});

describe('real stack files', () => {
  it('khs1994-docker/lnmp: the same cluster file is run by docker compose up and by docker stack deploy', async () => {
    const f = tmp.write('cluster/docker-cluster.memcached.yml', real('compose/1000-khs1994-docker-lnmp-docker-cluster.memcached.yml'));
    const inspect = await run(['inspect', f]);
    expect(inspect.out).toContain(
      "read by   docker compose up or docker stack deploy, whichever is run (deploy.update_config (service memcached-1) is Swarm's alone (docker compose ignores it), and restart: (service memcached-1) Compose's alone (docker stack deploy ignores it))",
    );
    const lint = await run(['lint', '--no-doc-links', f]);
    const mc101 = lint.out.split('\n').filter((l) => l.includes(' MC101 '));
    expect(mc101.map((l) => /(\d+):\d+  (\w+)  MC101/.exec(l)?.slice(1, 3))).toEqual([['42', 'error'], ['63', 'error'], ['68', 'error']]);
    expect(mc101[1]).toContain('docker compose up publishes 21212:11211 on every interface of the host, but docker stack deploy on every address of every node of the swarm (routing mesh): which of them deploys the file decides');
    const fix = await run(['fix', '--dry-run', '--dialect', 'compose', '--no-doc-links', f]);
    for (const s of ['memcached-1', 'memcached-2', 'memcached-3']) expect(fix.out).toContain(`  not fixed  ${f}: service ${s}: no edit of this file keeps memcached's published port off the swarm's nodes`);
  });

  it("The SENSIOT Framework: a stack by its content, published nowhere: the stack's networks, no refusal", async () => {
    const f = tmp.write('swarm-templates/memcached.yml', real('compose/1001-uniba-ub-The-SENSIOT-Framework-memcached.yml'));
    const inspect = await run(['inspect', f]);
    expect(inspect.out).toContain("read by   Docker Swarm, through docker stack deploy (path: the folder swarm-templates/ holds a Swarm deployment)");
    const other = tmp.write('templates/memcached.yml', real('compose/1001-uniba-ub-The-SENSIOT-Framework-memcached.yml'));
    expect((await run(['inspect', other])).out).toContain("read by   Docker Swarm, through docker stack deploy (content: deploy.placement (service memcached) is Swarm's alone (docker compose ignores it))");
    const lint = await run(['lint', '--no-doc-links', other]);
    expect(lineOf(lint.out, 'MC101')).toContain("  info  MC101");
    expect(lineOf(lint.out, 'MC101')).toContain("no ports: entry publishes it, so only containers on the file's networks reach it");
    const fix = await run(['fix', '--dry-run', '--dialect', 'compose', '--no-doc-links', other]);
    expect(fix.out).not.toContain('not fixed');
  });

  it('the other real Compose files keep their verdicts: none of them is a stack', async () => {
    const names = ['078-bitnami-bitnami-docker-memcached-docker-compose.yml', '080-ametnes-nesis-compose.yml', '133-docksal-docksal-stack-acquia.yml', '600-getsentry-self-hosted-docker-compose.yml'];
    for (const n of names) {
      const out = (await run(['inspect', join(ROOT, 'test', 'fixtures', 'real', 'compose', n)])).out;
      expect([n, /read by   (Docker Compose)/.exec(out)?.[1]]).toEqual([n, 'Docker Compose']);
    }
  });
});
