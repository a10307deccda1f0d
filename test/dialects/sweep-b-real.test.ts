/**
 * Real files of containers and configuration management (test/fixtures/real 300-311, provenance in its
 * MANIFEST.tsv) that mchard got wrong: what reads each file, and what it can and cannot tell.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectDialect, holdsMemcached, type Detection, type DialectRefusal } from '../../src/dialects/detect.js';
import { loadDialect } from '../../src/dialects/index.js';
import { findings, lintText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');
const refused = (d: Detection): DialectRefusal => {
  if (!d.refused) throw new Error(`read as ${d.dialect}: ${d.explanation}`);
  return d;
};

beforeAll(async () => {
  await loadDialect('compose');
  await loadDialect('kubernetes');
});

describe("a Compose override file (vinted's docker-compose.ci.yml, fixture 300)", () => {
  const text = real('compose/300-vinted-vmemcached-rs-docker-compose.ci.yml');

  it('is read as Compose, and its memcached service (no image:, no build:) is unknown, not "memcached is not run"', () => {
    // Before: MC001 error "no service of the file runs memcached" and inspect's "starts: no", although
    // docker compose -f docker-compose.base.yml -f docker-compose.ci.yml runs memcached -U 11211 with
    // 11211 published on every host interface.
    const d = detectDialect('/srv/vmemcached-rs/dockerfiles/docker-compose.ci.yml', text);
    expect(d).toMatchObject({ dialect: 'compose', reason: 'name' });
    expect(d.refused ? null : (d.caveat ?? null)).toBeNull();
    const r = lintText(text, { dialect: 'compose', path: '/srv/vmemcached-rs/dockerfiles/docker-compose.ci.yml' });
    expect(findings(r, 'MC001')).toEqual([]);
    expect(r.config.launchFailure).toBeNull();
    expect(r.config.argvUnknown).toMatch(/^service memcached sets neither image: nor build:.*an override that Compose merges onto another Compose file.*unknown/);
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column}`)).toEqual(['MC910 info 4:3']);
  });

  it('its base file (301) is still read in full: UDP from a string command, nothing published by that file', () => {
    const r = lintText(real('compose/301-vinted-vmemcached-rs-docker-compose.base.yml'), { dialect: 'compose', path: '/srv/vmemcached-rs/dockerfiles/docker-compose.base.yml' });
    expect(r.config.argvUnknown ?? null).toBeNull();
    expect(r.config.argv.map((t) => t.value)).toEqual(['-p', '11211', '-U', '11211']);
    expect(findings(r, 'MC110').map((f) => f.severity)).toEqual(['error']);
  });

  it('a memcached named only under depends_on: or volumes: is no memcached service (a folder walk passes the file over)', () => {
    const app = 'services:\n  app:\n    image: nginx\n    depends_on:\n      memcached:\n        condition: service_healthy\nvolumes:\n  memcached:\n';
    expect(holdsMemcached('compose', app)).toBe(false);
    expect(holdsMemcached('compose', real('compose/300-vinted-vmemcached-rs-docker-compose.ci.yml'))).toBe(true);
  });

  it('a service not named after memcached in an override is still no memcached service', () => {
    const r = lintText('services:\n  web:\n    ports: ["80:80"]\n', { dialect: 'compose', path: '/srv/app/docker-compose.override.yml' });
    expect(findings(r, 'MC001').map((f) => f.message)).toEqual(['no service of the file runs memcached (by image, entrypoint or command)']);
  });
});

describe('files that are not memcached configuration, refused as what they are', () => {
  it("an operator's custom resource naming a memcached image (C5C3's kind: Memcached, fixture 302) is refused", () => {
    // Before: read as a Kubernetes manifest, then MC001 "no workload of the file runs memcached" and
    // inspect's "starts: no": the operator makes the Deployment that runs memcached from it.
    const r = refused(detectDialect('/srv/memcached-operator/config/samples/memcached_v1beta1_full.yaml', real('kubernetes/302-C5C3-memcached-operator-memcached_v1beta1_full.yaml')));
    expect(r.looksLike).toMatch(/^a Kubernetes manifest whose objects \(kind Memcached\) have no pod template: the operator or controller that reads them makes the workloads/);
    // A workload beside it is still read.
    const both = `${real('kubernetes/302-C5C3-memcached-operator-memcached_v1beta1_full.yaml')}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: m\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          image: memcached:1.6\n`;
    expect(detectDialect('/srv/x/all.yaml', both)).toMatchObject({ dialect: 'kubernetes' });
  });

  it("a Nomad job (femiwiki's memcached.nomad, fixture 303) is a Nomad job, by its name and by its content", () => {
    // Before: "it looks like KEY=value assignments (as /etc/sysconfig/memcached holds them)", with
    // "pass --dialect sysconfig".
    const text = real('other/303-femiwiki-nomad-memcached.nomad');
    const byName = refused(detectDialect('/srv/nomad/jobs/memcached.nomad', text));
    expect(byName).toMatchObject({ reason: 'name', looksLike: 'a Nomad job specification (HCL), which Nomad runs', candidates: [] });
    const byContent = refused(detectDialect('/srv/nomad/jobs/memcached.hcl', text));
    expect(byContent).toMatchObject({ reason: 'content', looksLike: 'a Nomad job specification (HCL), which Nomad runs', candidates: [] });
  });

  it("a Salt state (t-nova's init.sls, fixture 304) is a Salt state, not memcached option lines", () => {
    // Before: "it looks like memcached options, one or more a line", with "pass --dialect debian".
    const r = refused(detectDialect('/srv/t-nova/salt/storage/proxy/memcached/init.sls', real('other/304-dngroup-t-nova-init.sls')));
    expect(r).toMatchObject({ reason: 'name', candidates: [] });
    expect(r.looksLike).toMatch(/^a Salt state or pillar file/);
    // The file it installs as /etc/memcached.conf is read as Debian's (fixture 305).
    expect(detectDialect('/srv/t-nova/salt/storage/proxy/memcached/memcached.conf', real('debian/305-dngroup-t-nova-memcached.conf'))).toMatchObject({ dialect: 'debian' });
  });

  it("an Ansible task that runs the container (elnebuloso's tasks/main.yml, fixture 309) kept under another name is a task file, not option lines", () => {
    const text = real('ansible/309-elnebuloso-ansible-role-docker-memcached-main.yml');
    expect(refused(detectDialect('/srv/role/tasks/main.yml', text)).reason).toBe('path');
    // A role's defaults are not "installed as roles/NAME/tasks/main.yml", as the message said before.
    const defaults = refused(detectDialect('/srv/role/defaults/main.yml', 'docker_memcached_version: "1.5"\n'));
    expect(defaults.message).toMatch(/\(path defaults\/main\.yml, installed as a file of an Ansible role \(roles\/NAME\/…\), which a playbook runs\)/);
    const r = refused(detectDialect('/srv/playbooks/memcached.yml', text));
    expect(r.looksLike).toBe('an Ansible playbook or task file');
    expect(r.candidates).toEqual([]);
    // Any other YAML with option-like list items is YAML, not Debian's file.
    const y = refused(detectDialect('/srv/x/cache.yaml', '- -m 64\n- -p 11211\n'));
    expect(y.looksLike).toMatch(/^a YAML file/);
    expect(y.candidates).toEqual([]);
  });
});

describe('a floating tag of a closed series names its final release (kimkelen\'s memcached:1.4, fixture 312)', () => {
  it('is judged as memcached 1.4.39: UDP 11211 on by default, MC110 and MC920 errors', () => {
    // Before: judged as mchard's newest known release (TCP only, "UDP is off" in MC920), although every
    // 1.4 release opens UDP 11211 on every interface unless -U 0 is given.
    const r = lintText(real('compose/312-Desarrollo-CeSPI-kimkelen-docker-compose.yml'), { dialect: 'compose', path: '/srv/kimkelen/docker/docker-compose.yml' });
    expect(r.model.version).toEqual([1, 4, 39]);
    expect(r.model.listeners.map((l) => (l.transport === 'unix' ? l.path : `${l.transport} ${l.address}:${l.port}`))).toEqual(['tcp 0.0.0.0:11211', 'tcp :::11211', 'udp 0.0.0.0:11211', 'udp :::11211']);
    expect(findings(r, 'MC110').map((f) => `${f.severity} ${f.line}:${f.column}`)).toEqual(['error 31:20']);
    expect(findings(r, 'MC920').map((f) => f.severity)).toEqual(['error']);
  });

  it("an open series (memcached:1.6) or an exact tag is judged as before; e-petitions' memcached:1.5 (313) as 1.5.22", () => {
    const compose = (image: string) => lintText(`services:\n  cache:\n    image: ${image}\n`, { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
    expect(compose('memcached:1.4.20').model.version).toEqual([1, 4, 20]);
    expect(compose('memcached:1.6').model.version).toEqual(compose('memcached:latest').model.version);
    const e = lintText(real('compose/313-alphagov-e-petitions-docker-compose.yml'), { dialect: 'compose', path: '/srv/e-petitions/docker-compose.yml' });
    expect(e.model.version).toEqual([1, 5, 22]);
    expect(e.model.listeners.map((l) => l.transport)).toEqual(['tcp', 'tcp']);
    expect(findings(e, 'MC101').map((f) => f.severity)).toEqual(['info']);
  });
});

describe("a workload in an API version the API server no longer serves (pbielak's extensions/v1beta1 Deployment, fixture 314)", () => {
  it('starts no memcached: kubectl apply fails for it on Kubernetes 1.16 and later', () => {
    // Before: read as running memcached (starts: yes), with findings and a fix for a pod that is never made.
    const r = lintText(real('kubernetes/314-pbielak-mc-k8s-memcached.deployment.yaml'), { dialect: 'kubernetes', path: '/srv/mc-k8s/memcached/memcached.deployment.yaml' });
    expect(r.config.launchFailure?.reason).toMatch(/^Deployment in extensions\/v1beta1 is not served since Kubernetes 1\.16: the API server rejects the object .*use apiVersion: apps\/v1$/);
    expect(r.model.listeners).toEqual([]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column}`)).toEqual(['MC914 error 1:1']);
  });

  it('apps/v1, and kinds served in the old version still, are read as before', () => {
    const text = real('kubernetes/314-pbielak-mc-k8s-memcached.deployment.yaml');
    const now = lintText(text.replace('extensions/v1beta1', 'apps/v1'), { dialect: 'kubernetes', path: '/srv/x/m.yaml' });
    expect(now.config.launchFailure).toBeNull();
    expect(now.model.listeners.length).toBe(2);
    const cron = (api: string) => lintText(`apiVersion: ${api}\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: m\n              image: memcached:1.6.21\n`, { dialect: 'kubernetes', path: '/srv/x/c.yaml' });
    expect(cron('batch/v1').config.launchFailure).toBeNull();
    expect(cron('batch/v1beta1').config.launchFailure?.reason).toMatch(/^CronJob in batch\/v1beta1 is not served since Kubernetes 1\.25/);
  });
});
