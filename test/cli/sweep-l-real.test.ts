/**
 * Real files (test/fixtures/real 1639 and later, provenance in its MANIFEST.tsv) in shapes mchard had read
 * wrongly or not named, each placed at its repository path (and where it is installed) and linted and
 * inspected as a new user would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, runBin, TempDir } from './helpers.js';
import { lintJson, refusedEverywhere as refusedByAll, type RefusedFile as FileJson } from '../helpers/refused.js';
import { ROOT, SHARED } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-l-');
});
afterEach(() => tmp.cleanup());

// Their descriptions are long: inspect's text is checked by the first 40 characters of each.
const refusedEverywhere = (f: string) => refusedByAll(f, 40);

describe("Arch Linux's former /etc/conf.d/memcached is named as Arch's, not read as OpenRC's", () => {
  // Before: archlinuxarm/PKGBUILDs' extra/memcached/memcached.conf (MEMCACHED_USER="nobody", MEMCACHED_ARGS="-l
  // 127.0.0.1 -t 1"), installed by its PKGBUILD as /etc/conf.d/memcached and sourced by its /etc/rc.d/memcached
  // (memcached -d -P ... -u $MEMCACHED_USER $MEMCACHED_ARGS), was read at that path as OpenRC's file: error MC914
  // "the service fails before memcached runs (exit status 1): MEMCACHED_BINARY is not set", and inspect "starts no",
  // for a script that never reads it. At its repository path: "pass --dialect debian or --dialect sysconfig".
  const arch = () => real('other/1639-archlinuxarm-PKGBUILDs-memcached.conf');

  it('at /etc/conf.d/memcached (where the PKGBUILD installs it): refused as Arch\'s, no MC914, --dialect openrc offered', async () => {
    const f = tmp.write('etc/conf.d/memcached', arch());
    const file = await refusedEverywhere(f);
    expect(file.refused!.reason).toBe('content');
    expect(file.refused!.looksLike).toMatch(/^Arch Linux's former \/etc\/conf\.d\/memcached \(MEMCACHED_USER=, MEMCACHED_ARGS=\): its rc\.d script ran memcached -d -u \$MEMCACHED_USER \$MEMCACHED_ARGS/);
    expect(file.refused!.message).toContain('(path conf.d/memcached, installed as /etc/conf.d/memcached)');
    expect(file.refused!.message).toContain('pass --dialect openrc if that is what reads it');
    const { err } = await lintJson(f);
    expect(err).not.toMatch(/MC914|MEMCACHED_BINARY/);
  });

  it('at its repository path extra/memcached/memcached.conf: refused as Arch\'s, with no --dialect debian or sysconfig hint', async () => {
    const f = tmp.write('extra/memcached/memcached.conf', arch());
    const file = await refusedEverywhere(f);
    expect(file.refused!.looksLike).toMatch(/^Arch Linux's former \/etc\/conf\.d\/memcached/);
    expect(file.refused!.message).not.toMatch(/--dialect (debian|sysconfig)/);
  });

  it('a conf.d/memcached that sets none of the variables OpenRC\'s scripts read is refused, naming what it sets', async () => {
    const f = tmp.write('etc/conf.d/memcached', 'MEMCACHED_OPTS="-m 64 -l 127.0.0.1"\n');
    const file = await refusedEverywhere(f);
    expect(file.refused!.looksLike).toBe("another init system's /etc/conf.d/memcached (MEMCACHED_OPTS=: none of OpenRC's)");
  });

  it("control: Gentoo's variables (and openrc-run's rc_*) are still read as OpenRC's", async () => {
    const gentoo = await lintJson(tmp.write('etc/conf.d/memcached', 'MEMCACHED_BINARY="/usr/bin/memcached"\nMEMUSAGE="64"\nMEMCACHED_RUNAS="memcached"\nMAXCONN="1024"\nLISTENON="127.0.0.1"\nPORT="11211"\nUDPPORT="0"\nPIDBASE="/run/memcached/memcached"\n'));
    expect(gentoo.file.dialect).toBe('openrc');
    const rc = await lintJson(tmp.write('b/etc/conf.d/memcached', 'rc_need="net"\n'));
    expect(rc.file.dialect).toBe('openrc');
    // --dialect still forces the reader (the Arch file then fails as OpenRC's script would run it).
    const forced = await lintJson(tmp.write('c/etc/conf.d/memcached', arch()), ['--dialect', 'openrc']);
    expect(forced.file.findings.map((x) => x.ruleId)).toContain('MC914');
  });
});

describe('a Procfile is refused as a process manager\'s, saying the manager decides $PORT', () => {
  // Before: livinginthepast/archiver's Procfile (foreman start: dnsmasq, memcached: memcached -l 127.0.0.1 -p
  // 11211, nginx, postgres...) was "mchard cannot tell which program reads it ... pass --dialect NAME".
  it('the real Procfile: refused by name, no --dialect hint', async () => {
    const f = tmp.write('Procfile', real('other/1640-livinginthepast-archiver-Procfile'));
    const file = await refusedEverywhere(f);
    expect(file.refused!.reason).toBe('name');
    expect(file.refused!.looksLike).toBe(
      'a Procfile (foreman, honcho, overmind or Heroku runs each NAME: COMMAND line with sh and sets its PORT: the process manager, not the file, decides a $PORT, from 5000 up by default; mchard does not read its lines)',
    );
    expect(file.refused!.message).not.toMatch(/--dialect|cannot tell/);
  });

  it.each(['Procfile.dev', 'Procfile.development', 'deploy/Procfile-local'])('%s with memcached -p $PORT: refused as a Procfile', async (name) => {
    const f = tmp.write(name, 'web: bundle exec puma -p $PORT\nmemcached: memcached -p $PORT -vv\n');
    const file = await refusedEverywhere(f);
    expect(file.refused!.looksLike).toMatch(/^a Procfile/);
  });
});

describe("Telegraf's [[inputs.memcached]] is named as a monitoring client's settings", () => {
  // Before: influxdata/telegraf's plugins/inputs/memcached/sample.conf was "KEY=value assignments, none of them a
  // setting of memcached's service"; named memcached.conf (as in /etc/telegraf/telegraf.d/), it was "its name
  // memcached.conf suggests Debian's /etc/memcached.conf, but it holds KEY=value assignments ... pass --dialect
  // debian or --dialect sysconfig".
  const telegraf = () => real('other/1641-influxdata-telegraf-sample.conf');
  const LOOKS = "a Telegraf configuration ([[inputs.memcached]]: the servers a plugin of the metrics agent polls, not memcached's settings)";

  it('at its repository path: refused by content as Telegraf\'s', async () => {
    const file = await refusedEverywhere(tmp.write('plugins/inputs/memcached/sample.conf', telegraf()));
    expect(file.refused!.reason).toBe('content');
    expect(file.refused!.looksLike).toBe(LOOKS);
  });

  it('as memcached.conf: Telegraf\'s, with no --dialect debian or sysconfig hint', async () => {
    const file = await refusedEverywhere(tmp.write('files/memcached.conf', telegraf()));
    expect(file.refused!.looksLike).toBe(LOOKS);
    expect(file.refused!.message).not.toMatch(/--dialect/);
  });

  it('in /etc/telegraf/telegraf.d/: refused by its folder', async () => {
    const file = await refusedEverywhere(tmp.write('etc/telegraf/telegraf.d/memcached.conf', telegraf()));
    expect(file.refused!.reason).toBe('path');
    expect(file.refused!.looksLike).toBe('a Telegraf configuration');
  });

  it('control: another TOML file\'s [[tables]] are a TOML file, and memcached option lines are still Debian\'s', async () => {
    const toml = await lintJson(tmp.write('memcached.conf', '[[servers]]\nhost = "127.0.0.1"\nport = 11211\n'));
    expect(toml.file.refused!.looksLike).toBe('a TOML file ([[servers]])');
    const debian = await lintJson(tmp.write('x/memcached.conf', '-m 64\n-l 127.0.0.1\n'));
    expect(debian.file.dialect).toBe('debian');
  });
});

describe("a template unit's -p %i: the listen port is unknown, and the instance name decides it", () => {
  type Unknown = Record<string, { depends: string; reason: string; decide: string }>;
  const inspectJson = async (f: string) => {
    const r = await run(['inspect', '--format', 'json', f]);
    return JSON.parse(r.out) as { listeners: unknown[]; unknown: Unknown; startup: { ok: boolean | null; reason?: string } };
  };
  const INSTANCE = '%i is the instance name, which the template "memcached@.service" leaves open: the name each instance is started as (memcached@NAME.service) decides it';

  // Before: "%i is taken from the unit name "memcached@.service", which depends on how the unit is installed",
  // as for any unit name, though a template has no instance at all.
  it('a template whose only unknown is %i: MC910 and inspect say the instance name decides', async () => {
    const f = tmp.write('memcached@.service', '[Unit]\nDescription=memcached on port %i\n\n[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -p %i -U 0 -l 127.0.0.1\n\n[Install]\nWantedBy=multi-user.target\n');
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('systemd');
    const mc910 = file.findings.find((x) => x.ruleId === 'MC910')!;
    expect(mc910.message).toContain(INSTANCE);
    const j = await inspectJson(f);
    expect(j.listeners).toEqual([]);
    expect(j.unknown.listeners.reason).toBe(INSTANCE);
    expect(j.startup.ok).toBeNull();
    const text = await run(['inspect', f]);
    expect(text.out).toMatch(/listens +unknown: depends on the host \(%i is the instance name, which the template "memcached@\.service" leaves open/);
  });

  // OpenMandriva's memcached@.service (fixture 206): -l $IPADDR -p %i -U %i with an EnvironmentFile=. Before, only
  // the environment file was named; now the instance's part in -p and -U is said too.
  it("OpenMandriva's memcached@.service: listeners unknown, the reason names the environment file and the instance", async () => {
    const f = tmp.write('memcached@.service', real('systemd/206-OpenMandrivaAssociation-memcached-memcached@.service'));
    const j = await inspectJson(f);
    expect(j.listeners).toEqual([]);
    expect(j.unknown.listeners.reason).toContain('/etc/sysconfig/memcached (EnvironmentFile=)');
    expect(j.unknown.listeners.reason).toContain(`; and ${INSTANCE}`);
    const { file } = await lintJson(f);
    expect(file.findings.find((x) => x.ruleId === 'MC910')!.message).toContain(INSTANCE);
  });

  it('control: an instance unit (memcached@11211.service) takes its port from its name', async () => {
    const f = tmp.write('memcached@11211.service', '[Service]\nUser=memcache\nExecStart=/usr/bin/memcached -p %i -U 0 -l 127.0.0.1\n');
    const j = await inspectJson(f);
    expect(JSON.stringify(j.unknown)).not.toContain('instance name');
    expect(JSON.stringify(j.unknown)).toContain('memcached@11211.service');
  });
});

describe("an env_file: of MEMCACHED_* variables is not offered to RHEL's reader", () => {
  // Before: yutfut/go-key-value's memcached.env (MEMCACHED_USERNAME=, MEMCACHED_PASSWORD=, the env_file: of an
  // official memcached:latest service) was "KEY=value assignments (as /etc/sysconfig/memcached holds them) ... pass
  // --dialect sysconfig if that is what reads it": RHEL's unit reads none of its variables.
  it('the real memcached.env: refused as variables for an image or a script, no --dialect hint', async () => {
    tmp.write('docker-compose.yml', "version: '3.8'\nservices:\n  memcached:\n    image: memcached:latest\n    env_file:\n      - ./memcached.env\n");
    const file = await refusedEverywhere(tmp.write('memcached.env', real('other/1642-yutfut-go-key-value-memcached.env')));
    expect(file.refused!.looksLike).toBe(
      "variables for a memcached image's or script's start (MEMCACHED_USERNAME=, MEMCACHED_PASSWORD=: the container's env_file:, docker's --env-file or the script that sources them decides what they do; RHEL's unit reads none of them)",
    );
    expect(file.refused!.message).not.toMatch(/--dialect/);
  });

  it("control: RHEL's variables in a file of another name still suggest --dialect sysconfig", async () => {
    const { file } = await lintJson(tmp.write('cache.env', 'OPTIONS="-l 127.0.0.1"\nMEMCACHED_EXTRA=1\n'));
    expect(file.refused!.message).toContain('pass --dialect sysconfig if that is what reads it');
  });
});

describe('a Makefile is named as make\'s, not as a YAML document', () => {
  // Before: Nikita99100/Fibonacci's Makefile (docker-mc: docker pull memcached; docker run -d --rm --name memcached
  // memcached) was "a YAML document (another program's settings: a key alone on a line, such as `jobs:`)": its
  // target: lines were taken for YAML keys.
  it('the real Makefile: refused by name as a Makefile', async () => {
    const file = await refusedEverywhere(tmp.write('Makefile', real('other/1643-Nikita99100-Fibonacci-Makefile')));
    expect(file.refused!.reason).toBe('name');
    expect(file.refused!.looksLike).toMatch(/^a Makefile \(make runs each target's recipe with sh/);
    expect(file.refused!.message).not.toMatch(/YAML|--dialect/);
  });

  it.each(['GNUmakefile', 'makefile', 'build/memcached.mk', 'Justfile'])('%s: a Makefile too', async (name) => {
    const file = await refusedEverywhere(tmp.write(name, 'memcached:\n\tmemcached -d -m 64 -p 11211\n'));
    expect(file.refused!.looksLike).toMatch(/^a Makefile/);
  });

  it('control: a YAML file of keys alone on lines is still a YAML document', async () => {
    const { file } = await lintJson(tmp.write('memcached-settings', 'jobs:\n  - name: local\n    url: 127.0.0.1:11211\n'));
    expect(file.refused!.looksLike).toMatch(/^a YAML document/);
  });
});

describe('a .env file is named as Compose\'s or a dotenv loader\'s, not offered to RHEL\'s reader', () => {
  // Before: stackored/stackored's .env (195 variables of a development stack, MEMCACHED_ENABLE=, MEMCACHED_VERSION=
  // among them; its CLI sources it and renders Compose files from it) was "KEY=value assignments (as
  // /etc/sysconfig/memcached holds them) ... pass --dialect sysconfig if that is what reads it".
  const env = () => real('other/1644-stackored-stackored-.env');

  it('the real .env: refused by name, no --dialect hint', async () => {
    const file = await refusedEverywhere(tmp.write('.env', env()));
    expect(file.refused!.reason).toBe('name');
    expect(file.refused!.looksLike).toMatch(/^a \.env file \(Docker Compose's values for the \$\{NAME\}s of the Compose file beside it/);
    expect(file.refused!.message).not.toMatch(/--dialect/);
  });

  it('the same variables under another name: its MEMCACHED_* variables are named, and RHEL\'s reader is not offered', async () => {
    const file = await refusedEverywhere(tmp.write('stack-settings', env()));
    expect(file.refused!.looksLike).toMatch(/^variables for a memcached image's or script's start \(MEMCACHED_ENABLE=, MEMCACHED_VERSION=, MEMCACHED_URL=: /);
    expect(file.refused!.message).not.toMatch(/--dialect/);
  });
});

describe('a memcached.conf under /usr/local/etc or /opt/homebrew/etc is not Debian\'s /etc/memcached.conf', () => {
  // Before: a Debian-style options file at /usr/local/etc/memcached.conf (where guides tell macOS and FreeBSD users
  // to write one) was "read by Debian's systemd-memcached-wrapper (path /usr/local/etc/memcached.conf)", certain,
  // and linted as such: Homebrew's service runs memcached -l localhost and FreeBSD's rc.d script reads rc.conf's
  // memcached_flags=; no packaged memcached reads that file. The content is c2theg/srvBuilds' memcached.conf
  // (shared corpus debian/005), its stock Debian header included; no repository in the index holds a file at
  // such a path, so the built program reads it as standard input named for the host path.
  const conf = readFileSync(join(SHARED, 'corpus', 'debian', '005-c2theg-srvBuilds-memcached.conf'));

  it.each(['/usr/local/etc/memcached.conf', '/opt/homebrew/etc/memcached.conf', '/usr/local/etc/memcached_sessions.conf'])('%s: refused by its path, no finding', (path) => {
    const r = runBin(['lint', '--format', 'json', '--stdin-filename', path, '-'], { input: conf });
    expect(r.code).toBe(2);
    const file = JSON.parse(r.out).files[0] as FileJson;
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('path');
    expect(file.refused!.looksLike).toMatch(/^a memcached\.conf under a local prefix \(\/usr\/local\/etc, \/opt\/homebrew\/etc\): no packaged memcached reads one/);
    const i = runBin(['inspect', '--stdin-filename', path, '-'], { input: conf });
    expect(i.code).toBe(2);
    expect(i.err).not.toMatch(/systemd-memcached-wrapper \(path/);
  });

  it('control: /etc/memcached.conf and a repository\'s etc/memcached.conf are still Debian\'s', async () => {
    const r = runBin(['lint', '--format', 'json', '--stdin-filename', '/etc/memcached.conf', '-'], { input: conf });
    expect(JSON.parse(r.out).files[0]).toMatchObject({ dialect: 'debian', dialectConfidence: 'certain' });
    const { file } = await lintJson(tmp.write('files/etc/memcached.conf', conf));
    expect(file.dialect).toBe('debian');
  });
});

describe('an AWS CloudFormation template is named as one', () => {
  // Before: PRX/Infrastructure's db/elasticache-memcached.yml (an ElastiCache memcached cluster, a security group
  // open to 0.0.0.0/0 and ::/0 on 11211) was "a YAML file (another program's settings)"; as JSON or a .template,
  // "a JSON file (a client's or an application's settings)" or "a YAML document".
  const cfn = () => real('other/1645-PRX-Infrastructure-elasticache-memcached.yml');
  const LOOKS = /^an AWS CloudFormation template \(AWS runs the ElastiCache cluster or the containers it creates/;

  it.each(['db/elasticache-memcached.yml', 'cloudformation/cache.template'])('%s: refused by content as CloudFormation\'s', async (at) => {
    const file = await refusedEverywhere(tmp.write(at, cfn()));
    expect(file.refused!.reason).toBe('content');
    expect(file.refused!.looksLike).toMatch(LOOKS);
    expect(file.refused!.message).not.toMatch(/--dialect/);
  });

  it('the JSON form too', async () => {
    const json = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Cache: { Type: 'AWS::ElastiCache::CacheCluster', Properties: { Engine: 'memcached', CacheNodeType: 'cache.t3.micro', NumCacheNodes: 1 } } } }, null, 2);
    const file = await refusedEverywhere(tmp.write('elasticache.json', json));
    expect(file.refused!.looksLike).toMatch(LOOKS);
  });
});
