/**
 * A new user's real files (test/fixtures/real 600-, provenance in its MANIFEST.tsv): places where mchard
 * stated as certain what the file does not decide.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDialect } from '../../src/dialects/index.js';
import { findings, lintText } from '../helpers/lint.js';
import { analyze, type MemcachedModel } from '../../src/memcached/model.js';
import { parseConfig } from '../../src/dialects/index.js';
import { SourceText } from '../../src/source.js';
import { ROOT } from '../helpers/paths.js';
import { inspectionOf } from '../../src/cli/inspection.js';
import { detectDialect, type DialectChoice } from '../../src/dialects/detect.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');
/** The model of a /etc/sysconfig/memcached text on a host whose addresses `local` says. */
const analyzeOn = (text: string, local: (address: string) => boolean): MemcachedModel =>
  analyze(parseConfig(new SourceText('/etc/sysconfig/memcached', text), 'sysconfig').argv, { host: { root: true, addressIsLocal: local } });
const compose = (text: string) => lintText(text, { dialect: 'compose', path: '/srv/app/docker-compose.yml' });

beforeAll(async () => {
  await loadDialect('compose');
});

describe('a floating tag of a closed series: the host keeps whichever of its releases it pulled last', () => {
  it("Sentry's onpremise stack (600, memcached:1.5-alpine): whether UDP is on is unknown, TCP is not", () => {
    // Before: judged as 1.5.22 alone, UDP off for certain, no word that the tag named 1.5.0 to 1.5.5 (UDP on
    // by default) from July 2017 to February 2018, and that docker compose up pulls only a missing image.
    const r = compose(real('compose/600-getsentry-self-hosted-docker-compose.yml'));
    expect(r.model.version).toEqual([1, 5, 22]);
    expect(r.model.versionUnknown?.reason).toMatch(/^tag 1\.5-alpine floats with the newest 1\.5 release: the host runs whichever release from 1\.5\.0 to 1\.5\.22 it pulled last/);
    expect(r.model.versionUnknown?.decide).toBe('the release of the image on the host (docker image inspect memcached:1.5-alpine, or memcached -V in its container)');
    expect(r.model.unknownOf('udpport')?.reason).toMatch(/releases before 1\.5\.6 differ from 1\.5\.22 here$/);
    // TCP is the same on every 1.5 release: still known and reported.
    expect(r.model.listenersKnown.known).toBe(true);
    expect(r.model.listeners.map((l) => l.transport)).toEqual(['tcp', 'tcp']);
    expect(findings(r, 'MC601').map((f) => f.severity)).toEqual(['warning']);
    expect(findings(r, 'MC111')[0].message).toMatch(/^no -U 0: whether UDP is on depends on the memcached release, which the file does not decide/);
    // Read across 1.5.0 to 1.5.22 only: watch came in 1.5.21, -X (1.4.34) is in every 1.5 release.
    expect(findings(r, 'MC506')[0].message).toMatch(/if the release is 1\.5\.21 or later/);
    expect(findings(r, 'MC504')[0].message).not.toMatch(/depends on the release/);
  });

  it('inspect names the series and what decides it', () => {
    const text = real('compose/600-getsentry-self-hosted-docker-compose.yml');
    const r = compose(text);
    const i = inspectionOf('/srv/app/docker-compose.yml', r.config, r.model, detectDialect('/srv/app/docker-compose.yml', text, 'compose') as DialectChoice);
    expect(i.memcachedVersionText).toBe('1.5.0 to 1.5.22');
    expect(i.unknown.version?.decide).toMatch(/docker image inspect memcached:1\.5-alpine/);
    expect(i.unknown.listeners).toBeUndefined();
  });

  it('the 1.4 series opens UDP on each of its releases: still certain; a lone -U 0 is not (1.4.3 to 1.4.39 copy it to the TCP port)', () => {
    const r = compose('services:\n  cache:\n    image: memcached:1.4\n');
    expect(r.model.listeners.map((l) => l.transport)).toEqual(['tcp', 'tcp', 'udp', 'udp']);
    expect(r.model.unknownOf('udpport', 'listeners')).toBeNull();
    expect(findings(r, 'MC110').map((f) => f.severity)).toEqual(['error']);
    const lone = compose('services:\n  cache:\n    image: memcached:1.4\n    command: ["-U", "0"]\n');
    expect(lone.model.listenersKnown.known).toBe(false);
  });

  it('an exact tag and the current series are judged as before', () => {
    expect(compose('services:\n  cache:\n    image: memcached:1.5.4\n').model.versionUnknown).toBeUndefined();
    expect(compose('services:\n  cache:\n    image: memcached:1.6\n').model.versionUnknown).toBeUndefined();
  });
});

describe("a long-syntax ports: entry is named on one line", () => {
  it('MC101 shows host_ip:published:target, not the entry\'s YAML lines', () => {
    const r = compose('services:\n  cache:\n    image: memcached:1.6.21\n    ports:\n      - target: 11211\n        published: 11211\n        host_ip: 127.0.0.1\n      - "[::]:11212:11211"\n      - target: 11211\n        published: "11213"\n        host_ip: "::"\n        protocol: tcp\n');
    const f = findings(r, 'MC101');
    expect(f.map((x) => x.severity)).toEqual(['error']);
    expect(f[0].message).toContain('publishes it on the host (127.0.0.1:11211:11211, [::]:11212:11211, [::]:11213:11211)');
    expect(f[0].message).not.toContain('\n');
  });
});

describe('::1 exists only where IPv6 is on (test/integration/ipv6-loopback-real.test.ts runs the real memcached)', () => {
  const sysconfig = (text: string) => lintText(text, { dialect: 'sysconfig', path: '/etc/sysconfig/memcached' });

  it("Fedora's and RHEL's default /etc/sysconfig/memcached (601, -l 127.0.0.1,::1): whether it starts depends on the host", () => {
    // Before: "starts yes" for certain, though memcached exits 71 where IPv6 is off.
    const r = sysconfig(real('sysconfig/601-rdo-common-memcached-memcached.sysconfig'));
    expect(r.model.startup.ok).toBe(true);
    expect(r.model.startup.certain).toBe(false);
    expect(r.model.startup.unknown?.reason).toMatch(/^whether IPv6 is on where memcached runs: .* has no ::1, and binding it fails with exit 71$/);
    // Where it starts, it listens on both loopbacks: the listeners are the file's.
    expect(r.model.listeners.map((l) => (l.transport === 'unix' ? l.path : `${l.transport} ${l.address}`))).toEqual(['tcp 127.0.0.1', 'tcp ::1']);
  });

  it('the host decides it: ::1 present, it starts; absent, exit 71', () => {
    const text = real('sysconfig/601-rdo-common-memcached-memcached.sysconfig');
    const on = analyzeOn(text, (a) => a === '::1');
    expect(on.startup.ok && on.startup.certain !== false).toBe(true);
    const off = analyzeOn(text, () => false);
    expect(off.startup.ok).toBe(false);
    expect(!off.startup.ok && off.startup.exitCode).toBe(71);
  });

  it('localhost and ip6-localhost resolve to ::1 through /etc/hosts: the same; 127.0.0.1 and no -l stay certain', () => {
    for (const l of ['localhost', 'ip6-localhost', '[::1]', '0:0:0:0:0:0:0:1']) {
      expect(lintText(`-u memcache\n-l ${l}\n`).model.startup.certain).toBe(false);
    }
    for (const text of ['-u memcache\n-l 127.0.0.1\n', '-u memcache\n', '-u memcache\n-l ::\n']) {
      expect(lintText(text).model.startup.certain).not.toBe(false);
    }
  });
});

describe('an image pulled again at each start runs what its closed-series tag names now', () => {
  it("Compose's pull_policy: always and Kubernetes' imagePullPolicy: Always keep 1.5.22 certain", async () => {
    await loadDialect('kubernetes');
    const c = compose('services:\n  cache:\n    image: memcached:1.5\n    pull_policy: always\n');
    expect(c.model.versionUnknown).toBeUndefined();
    expect(c.model.version).toEqual([1, 5, 22]);
    const pod = (policy: string) =>
      lintText(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\nspec:\n  containers:\n    - name: m\n      image: memcached:1.5-alpine\n${policy}`, { dialect: 'kubernetes', path: '/srv/k8s/memcached.yaml' });
    expect(pod('      imagePullPolicy: Always\n').model.versionUnknown).toBeUndefined();
    // IfNotPresent (the default for a tag other than latest) keeps the node's copy.
    expect(pod('      imagePullPolicy: IfNotPresent\n').model.unknownOf('udpport')).not.toBeNull();
    expect(pod('').model.unknownOf('udpport')).not.toBeNull();
  });
});

describe('a numeric -l in any form glibc reads is that IPv4 address (test/integration/numeric-listen-real.test.ts runs the real memcached)', () => {
  it("OVH's guide (602): ExecStart=/usr/bin/memcached -l 0 -U 0 -o modern listens on every interface", async () => {
    await loadDialect('systemd');
    // The guide is prose: mchard refuses it; the line it has the reader put into the unit is what runs.
    const guide = real('other/602-ovh-docs-guide.fi-fi.md');
    const line = /^ExecStart=\/usr\/bin\/memcached -l 0 .*$/m.exec(guide)![0];
    const r = lintText(`[Unit]\nDescription=memcached daemon\n\n[Service]\nUser=memcached\n${line}\n`, { dialect: 'systemd', path: '/usr/lib/systemd/system/memcached.service' });
    // Before: "TCP 0:11211 (resolved at start)", starts unknown, no MC101, MC601 a warning.
    expect(r.model.listeners.map((l) => (l.transport === 'unix' ? l.path : `${l.transport} ${l.address}`))).toEqual(['tcp 0.0.0.0']);
    expect(r.model.startup.certain).not.toBe(false);
    expect(findings(r, 'MC101').map((f) => f.severity)).toEqual(['error']);
    expect(findings(r, 'MC601').map((f) => f.severity)).toEqual(['error']);
  });

  it.each([
    ['0', '0.0.0.0'],
    ['0.0', '0.0.0.0'],
    ['0x0', '0.0.0.0'],
    ['127.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['010.0.0.1', '8.0.0.1'],
    ['10.0.0.5', '10.0.0.5'],
  ])('-l %s is %s', (written, address) => {
    const r = lintText(`-u memcache\n-U 0\n-l ${written}\n`);
    expect(r.model.listeners.map((l) => (l.transport === 'unix' ? l.path : l.address))).toEqual([address]);
  });

  it('what glibc does not read as a number stays a name resolved at start', () => {
    for (const written of ['08.0.0.1', '0x', '1.2.3.4.5', '256.1.1.1.']) {
      const r = lintText(`-u memcache\n-U 0\n-l ${written}\n`);
      expect(r.model.listeners.map((l) => (l.transport === 'unix' ? l.path : `${l.address} ${l.host}`))).toEqual([`null ${written}`]);
    }
  });
});

describe("an instance unit's EnvironmentFile= with %i is named as written", () => {
  it("memcached's own memcached@.service (fixture 209): /etc/sysconfig/memcached.%i, not /etc/sysconfig/memcached.", async () => {
    await loadDialect('systemd');
    const r = lintText(real('systemd/209-memcached-memcached-memcached@.service'), { dialect: 'systemd', path: '/usr/lib/systemd/system/memcached@.service' });
    // Before: "may be set in /etc/sysconfig/memcached, /etc/sysconfig/memcached." (%i expanded to nothing).
    expect(r.config.argvUnknown).toContain('may be set in /etc/sysconfig/memcached, /etc/sysconfig/memcached.%i (EnvironmentFile=)');
  });
});
