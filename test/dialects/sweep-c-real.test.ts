/**
 * Real files whose memcached release the file does not decide (test/fixtures/real 400-, provenance in its
 * MANIFEST.tsv): an image tag from a variable, a distribution's package installed in the image. mchard used
 * to judge them as its newest known release and state every listener as certain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDialect } from '../../src/dialects/index.js';
import { fixOf, findings, lintText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';
import { packageInstall } from '../../src/dialects/dockerfile.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');
const compose = (text: string) => lintText(text, { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
const dockerfile = (text: string) => lintText(text, { dialect: 'dockerfile', path: '/srv/app/Dockerfile' });

beforeAll(async () => {
  await loadDialect('compose');
  await loadDialect('dockerfile');
});

describe('an image tag from a variable', () => {
  it("zammad's stack (400): 1.6.45 unless MEMCACHE_VERSION is set; whether UDP is on is unknown, TCP is not", () => {
    const r = compose(real('compose/400-zammad-zammad-docker-compose-docker-compose.yml'));
    const v = r.config.image?.info.version;
    expect(v?.kind === 'depends' && v.short).toBe('1.6.45 unless MEMCACHE_VERSION is set');
    expect(r.model.versionUnknown?.decide).toMatch(/MEMCACHE_VERSION in the shell or the project's \.env file/);
    expect(r.model.unknownOf('udpport')?.reason).toMatch(/releases before 1\.5\.6 differ from 1\.6\.45 here$/);
    // TCP is the same on every release: still reported.
    expect(r.model.listenersKnown.known).toBe(true);
    expect(findings(r, 'MC601').map((f) => f.severity)).toEqual(['warning']);
    const udp = findings(r, 'MC111');
    expect(udp.map((f) => f.severity)).toEqual(['info']);
    expect(udp[0].message).toMatch(/^no -U 0: whether UDP is on depends on the memcached release, which the file does not decide/);
    expect(fixOf(udp[0])?.intents).toEqual([
      expect.objectContaining({ kind: 'set-option', letter: 'U', value: '0' }),
      expect.objectContaining({ kind: 'set-option', letter: 'p', value: '11211' }),
    ]);
    // The release the default names is not vulnerable: nothing from MC920; nor does MC910 repeat MC111.
    expect(findings(r, 'MC920')).toEqual([]);
    expect(findings(r, 'MC910')).toEqual([]);
  });

  it("a default before 1.5.6 opens UDP: a warning that names it, and MC920's one conditional warning", () => {
    const r = compose('services:\n  cache:\n    image: memcached:${MEMCACHED_VERSION:-1.4.35}\n    command: memcached -l 0.0.0.0\n');
    expect(r.model.version).toEqual([1, 4, 35]);
    // UDP is not stated as on (a set MEMCACHED_VERSION may name 1.5.6 or later), nor as off.
    expect(r.model.listeners.map((l) => l.transport)).toEqual(['tcp']);
    expect(findings(r, 'MC110')).toEqual([]);
    const udp = findings(r, 'MC111');
    expect(udp.map((f) => f.severity)).toEqual(['warning']);
    expect(udp[0].message).toMatch(/releases before 1\.5\.6 open UDP on every listen address, 1\.4\.35 among them/);
    expect(findings(r, 'MC920').map((f) => f.severity)).toEqual(['warning']);
  });

  it.each([
    ['compose/404-cytopia-devilbox-docker-compose.yml', 'MEMCD_SERVER'],
    ['compose/405-monasca-monasca-docker-docker-compose-metric.yml', 'MEMCACHED_VERSION'],
  ])('%s: a tag from a variable without a default names no release', (file, variable) => {
    const r = compose(real(file));
    const v = r.config.image?.info.version;
    expect(v?.kind === 'depends' && v.short).toBe(`unknown: the tag comes from ${variable}`);
    expect(r.model.unknownOf('udpport')?.reason).toMatch(/releases before 1\.5\.6 differ from 1\.6\.45 here$/);
    expect(findings(r, 'MC111')[0].message).toMatch(new RegExp(`the value of ${variable} in the shell or the project's \\.env file`));
    expect(findings(r, 'MC110')).toEqual([]);
  });

  it('a Kubernetes manifest whose image holds ${VAR} (envsubst, Flux): the tool that substitutes it decides', async () => {
    await loadDialect('kubernetes');
    const manifest = (image: string) =>
      lintText(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: m\nspec:\n  selector:\n    matchLabels: {app: m}\n  template:\n    metadata:\n      labels: {app: m}\n    spec:\n      containers:\n        - name: m\n          image: ${image}\n          args: ["-m", "64"]\n`,
        { dialect: 'kubernetes', path: '/srv/k8s/memcached.yaml' },
      );
    const plain = manifest('memcached:${MEMCACHED_TAG}');
    const v = plain.config.image?.info.version;
    expect(v?.kind === 'depends' && v.short).toBe('unknown: the tag comes from MEMCACHED_TAG');
    expect(plain.model.versionUnknown?.reason).toMatch(/which Kubernetes does not expand/);
    // Flux's ${VAR:=default}: the default names the release.
    const flux = manifest('memcached:${MEMCACHED_TAG:=1.4.39}');
    expect(flux.model.version).toEqual([1, 4, 39]);
    expect(findings(flux, 'MC111').map((f) => f.severity)).toEqual(['warning']);
    expect(manifest('memcached:1.6.21').model.versionUnknown).toBeUndefined();
  });

  it("wodby's Dockerfile (401): a build argument without a default names no release", () => {
    const r = dockerfile(real('dockerfile/401-wodby-memcached-Dockerfile'));
    const v = r.config.image?.info.version;
    expect(v?.kind === 'depends' && v.short).toBe('unknown: the tag comes from MEMCACHED_VER');
    expect(v?.kind === 'depends' && v.assumed).toBeNull();
    expect(r.model.versionUnknown?.decide).toMatch(/docker build --build-arg MEMCACHED_VER=/);
  });
});

describe("memcached from the distribution's packages", () => {
  it('the package commands that install memcached itself, and those that do not', () => {
    expect(packageInstall('apt-get update && apt-get install --yes memcached && rm -rf /var/lib/apt/lists/*')).toBe('apt-get install memcached');
    expect(packageInstall('DEBIAN_FRONTEND=noninteractive apt-get -y install memcached')).toBe('apt-get install memcached');
    expect(packageInstall('apk add --no-cache memcached')).toBe('apk add memcached');
    expect(packageInstall('yum install -y memcached-1.4.15')).toBe('yum install memcached');
    expect(packageInstall('apt-get install -y memcached=1.6.18-1')).toBe('apt-get install memcached');
    expect(packageInstall('apt-get install -y php-memcached libmemcached-tools')).toBeNull();
    expect(packageInstall('apk add --no-cache bash make')).toBeNull();
    expect(packageInstall('apk install memcached')).toBeNull();
  });

  it('greg0ire/dockerony (402): the release is unknown, and what depends on it is said to', () => {
    const r = dockerfile(real('dockerfile/402-greg0ire-dockerony-memcached-Dockerfile'));
    const v = r.config.image?.info.version;
    expect(v?.kind === 'depends' && v.short).toBe("unknown: ubuntu:trusty's package");
    expect(r.model.versionUnknown?.reason).toMatch(/^memcached is the package `apt-get install memcached` installs in ubuntu:trusty/);
    expect(r.model.runsAs).toBe('memcache');
    expect(r.model.unknownOf('udpport')).not.toBeNull();
    expect(findings(r, 'MC111')[0].message).toMatch(/whether UDP is on depends on the memcached release/);
    // "watch" came in 1.5.21: only if the release has it; -X came in 1.4.34: no fix that an older release refuses.
    expect(findings(r, 'MC506')[0].message).toMatch(/if the release is 1\.5\.21 or later, which has it/);
    expect(findings(r, 'MC504')[0].fix).toBeNull();
    // The fix keeps TCP on 11211 with -p: from 1.4.3 to 1.5.3 a lone -U 0 turns TCP off too.
    expect(fixOf(findings(r, 'MC111')[0])?.intents).toEqual([
      expect.objectContaining({ kind: 'set-option', letter: 'U', value: '0' }),
      expect.objectContaining({ kind: 'set-option', letter: 'p', value: '11211' }),
    ]);
  });

  it('a lone -U 0 on a release the file does not decide: where TCP listens is unknown, and MC910 says so', () => {
    const r = dockerfile('FROM ubuntu:trusty\nRUN apt-get install -y memcached\nUSER memcache\nENTRYPOINT ["memcached", "-U", "0"]\n');
    expect(r.model.unknownOf('listeners')?.reason).toMatch(/and memcached 1\.\d\.\d+ differs from 1\.6\.45 here$/);
    expect(findings(r, 'MC910').map((f) => f.message)).toEqual([expect.stringMatching(/: the host decides where memcached listens; the checks that need it were skipped/)]);
    expect(findings(r, 'MC601')).toEqual([]);
  });

  it('VinceBarresi/docker-memcached (403): as root without -u memcached refuses to start on every release: certain', () => {
    const r = dockerfile(real('dockerfile/403-VinceBarresi-docker-memcached-Dockerfile'));
    expect(r.model.versionUnknown).toBeDefined();
    expect(r.model.startup.ok).toBe(false);
    expect(r.model.startup.unknown).toBeUndefined();
    expect(findings(r, 'MC202').map((f) => f.severity)).toEqual(['error']);
  });

  it("an image mchard does not know (406, RHEL 7 with a package list in a variable): its release is that image's", () => {
    const r = dockerfile(real('dockerfile/406-fheng-memcached-container-Dockerfile'));
    const v = r.config.image?.info.version;
    expect(v?.kind === 'depends' && v.short).toBe('unknown: built on registry.access.redhat.com/rhel7:latest');
    expect(r.model.unknownOf('udpport')).not.toBeNull();
    expect(findings(r, 'MC110')).toEqual([]);
    expect(findings(r, 'MC502').map((f) => f.severity)).toEqual(['warning']);
  });

  it("centminmod (407): Remi's package on centos:7; -o slab_reassign came in 1.4.11, so whether it starts is unknown", () => {
    const r = dockerfile(real('dockerfile/407-centminmod-docker-centos7-memcached-Dockerfile'));
    const v = r.config.image?.info.version;
    expect(v?.kind === 'depends' && v.short).toBe("unknown: centos:7's package");
    expect(r.model.startup.ok).toBe(true);
    expect(r.model.startup.unknown?.reason).toMatch(/releases before 1\.4\.11 differ from 1\.6\.45 here$/);
    // Where it listens, if it starts, is the same on every release that starts.
    expect(r.model.listenersKnown.known).toBe(true);
  });

  it('a known image with a pinned tag is still judged for its release', () => {
    const r = dockerfile('FROM memcached:1.4.25\nRUN echo\nCMD ["-l", "0.0.0.0"]\n');
    expect(r.model.versionUnknown).toBeUndefined();
    expect(findings(r, 'MC110').length).toBe(1);
  });
});
