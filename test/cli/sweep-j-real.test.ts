/**
 * Real files (test/fixtures/real 1502 and later, provenance in its MANIFEST.tsv) in shapes mchard had not
 * been tried on, each placed at its repository path (or the path it is installed at) and linted and inspected
 * as a new user would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-j-');
});
afterEach(() => tmp.cleanup());

type FileJson = { dialect: string | null; refused?: { looksLike: string | null; reason: string; message: string }; findings: { ruleId: string; severity: string; message: string }[] };
const lintJson = async (f: string, extra: string[] = []) => {
  const r = await run(['lint', '--format', 'json', ...extra, f]);
  return { ...r, file: JSON.parse(r.out).files[0] as FileJson };
};

describe("OpenBSD's rc.conf.local is not FreeBSD's rc.conf", () => {
  // Before: Synchro/mailserv's rc.conf.local (pkg_scripts="memcached ...", memcached_flags="... -u _memcached
  // ...") was read as FreeBSD's: "read by FreeBSD's rc.d/memcached script", "user nobody" (FreeBSD's script
  // appends -u nobody; OpenBSD's does not) and MC911 "memcached_enable is not set ... rc does not start
  // memcached", where OpenBSD's rc starts it because pkg_scripts lists it.
  it.each([['install/templates/rc.conf.local'], ['etc/rc.conf.local'], ['deploy/openbsd-flags']])('at %s: refused in one line naming OpenBSD, no finding', async (at) => {
    const f = tmp.write(at, real('rcconf/1502-Synchro-mailserv-rc.conf.local'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('content');
    expect(file.refused!.looksLike).toMatch(/^OpenBSD's rc\.conf\.local \(pkg_scripts=/);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain(f);
    if (at === 'etc/rc.conf.local') expect(file.refused!.message).toContain('installed as /etc/rc.conf.local)');
    const i = await run(['inspect', f]);
    expect(i.code).toBe(2);
    expect(i.out + i.err).not.toMatch(/FreeBSD's rc\.d\/memcached script \(|user +nobody/);
  });

  it("FreeBSD's rc.conf with memcached_flags is still read as FreeBSD's", async () => {
    const f = tmp.write('etc/rc.conf', 'sshd_enable="YES"\nmemcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\n');
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('rcconf');
  });
});

describe('a GitHub Actions workflow is refused as the CI pipeline it is', () => {
  // Before: pymemcache's workflow (services: memcached: image: memcached:latest) was "a YAML file (another
  // program's settings)", the words for an application's YAML; .travis.yml and .gitlab-ci.yml already said CI.
  it('.github/workflows/ci.yml: refused by its path as a CI pipeline definition, no hint', async () => {
    const f = tmp.write('.github/workflows/ci.yml', real('other/1503-pinterest-pymemcache-ci.yml'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('path');
    expect(file.refused!.looksLike).toMatch(/^a CI pipeline definition/);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/--dialect/);
  });
});

describe("Windows files that start memcached are refused as what they are, not as 'nothing' or 'cannot tell'", () => {
  // Before: StartMemCached.bat (memcached.exe -l %ipAddr% -m %distributeMem% -d start) was "mchard cannot tell
  // which program reads it ... pass --dialect NAME to read it as one of them", though none of them reads it.
  it('a .bat file: refused by its name as a Windows script, no hint', async () => {
    const f = tmp.write('windows/cache/StartMemCached.bat', real('other/1504-dearcode2018-os-StartMemCached.bat'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('name');
    expect(file.refused!.looksLike).toMatch(/^a Windows batch file or PowerShell script/);
    expect(err).not.toMatch(/--dialect/);
  });

  // Before: MemcachedService64's App.config (appSettings -p 11211, -m 64, custom options -l 127.0.0.1) was
  // "nothing in it is memcached configuration", which is false: a wrapper passes those to memcached.
  it('a .NET App.config: refused by its content as an XML document, not "nothing in it is memcached configuration"', async () => {
    const f = tmp.write('App.config', real('other/1505-eric-b-MemcachedService64-App.config'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.reason).toBe('content');
    expect(file.refused!.looksLike).toMatch(/^an XML document/);
    expect(err).not.toMatch(/nothing in it is memcached configuration/);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('an ERB template that starts with a tag is still no XML document', async () => {
    const f = tmp.write('templates/memcached.conf.erb', '<%- if @listen -%>\n-l <%= @listen %>\n<%- end -%>\n-m 64\n-u memcache\n');
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('debian');
  });
});

describe('a JSON definition that starts memcached is not "a client\'s settings"', () => {
  // Before: kolla-ansible's memcached.json.j2 ("command": "/usr/bin/memcached -v -l {{ api_interface_address }}
  // ...", which kolla_start runs in the container) was refused as "a JSON file (a client's or an application's
  // settings)".
  it("kolla's config.json template: refused as a definition that runs memcached", async () => {
    const f = tmp.write('ansible/roles/memcached/templates/memcached.json.j2', real('ansible/1506-openstack-kolla-ansible-memcached.json.j2'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^a JSON definition whose command or image runs memcached/);
    expect(err).not.toMatch(/a client's or an application's settings/);
  });

  it("a client's JSON naming memcached servers, or an exporter's image, is still a client's or application's", async () => {
    for (const [name, body] of [['app.json', '{"servers": ["memcached:11211"]}\n'], ['exporter.json', '{"image": "prom/memcached-exporter:v0.5.0"}\n']]) {
      const { file } = await lintJson(tmp.write(name, body));
      expect(file.refused!.looksLike).toMatch(/^a JSON file \(a client's or an application's settings\)/);
    }
  });
});

describe('an ERB template whose Ruby code builds memcached\'s options is not "option lines that are not memcached\'s"', () => {
  // Before: saz/puppet-memcached's memcached_svcprop.erb and memcached_windows.erb were "option lines that are
  // not memcached's (another program's command-line options)": the only "option line" was the ERB close tag
  // -%> at the start of a line, and the Ruby lines inside the <%- ... -%> block counted as the file's own.
  it('memcached_svcprop.erb (one Ruby block and one <%= %>): refused as a template whose lines are all code', async () => {
    const f = tmp.write('templates/memcached_svcprop.erb', real('erb/1507-saz-puppet-memcached-memcached_svcprop.erb'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^a template whose lines are all its own code and tags/);
    expect(err).not.toMatch(/not memcached's/);
  });

  // Before: a Salt formula's map.jinja (fixture 1512, {% set ... %} blocks spanning lines) was "mchard cannot tell
  // which program reads it ... pass --dialect NAME to read it as one of them".
  it('map.jinja (Jinja2 set blocks spanning lines): refused as a template whose lines are all code, no hint', async () => {
    const f = tmp.write('memcached/map.jinja', real('other-templates/1512-saltstack-formulas-memcached-formula-map.jinja'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.refused!.looksLike).toMatch(/^a template whose lines are all its own code and tags/);
    expect(err).not.toMatch(/--dialect/);
  });

  it('memcached_windows.erb (c:\\memcached\\memcached.exe -d runservice <%= ... %>): refused as a Windows command line', async () => {
    const f = tmp.write('templates/memcached_windows.erb', real('erb/1508-saz-puppet-memcached-memcached_windows.erb'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(err).not.toMatch(/not memcached's|KEY=value/);
    expect(file.refused!.looksLike).toMatch(/^a Windows command line of memcached\.exe/);
  });

  it('a Debian template with a block of code spanning lines is still read as Debian\'s (the lines after the block count)', async () => {
    const f = tmp.write('templates/memcached.conf.erb', '<%-\n  listen = @listen || "127.0.0.1"\n-%>\n-m 64\n-u memcache\n-l <%= listen %>\n-U 0\n');
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('debian');
    expect(file.findings.map((x) => x.ruleId)).not.toContain('MC801');
  });
});

describe('a [Service] file with no ExecStart= under a name that is no unit\'s is a drop-in', () => {
  // Before: openstack-ansible's systemd.limits.conf.j2 (installed as memcached.service.d/limits.conf; [Service]
  // LimitNOFILE= only) was read as a service unit of its own: error MC914 "the unit has no ExecStart=, so systemd
  // refuses to load it", and inspect "starts no".
  it('systemd.limits.conf.j2: read as a drop-in, no MC914, the command line left to the unit it extends', async () => {
    const f = tmp.write('templates/systemd.limits.conf.j2', real('ansible/1509-openstack-openstack-ansible-memcached_server-systemd.limits.conf.j2'));
    const { code, file } = await lintJson(f);
    expect(file.dialect).toBe('systemd');
    expect(file.findings.map((x) => x.ruleId)).toEqual(['MC910']);
    expect(file.findings[0].message).toMatch(/this drop-in does not set ExecStart=/);
    expect(code).toBe(0);
    const i = await run(['inspect', f]);
    expect(i.out).toMatch(/read by +systemd, as a drop-in/);
    expect(i.out).not.toMatch(/starts +no/);
  });

  it('a unit named *.service with no ExecStart= is still refused by systemd (MC914)', async () => {
    const f = tmp.write('etc/systemd/system/memcached.service', '[Service]\nLimitNOFILE=4096\n');
    const { file } = await lintJson(f);
    expect(file.findings.map((x) => x.ruleId)).toContain('MC914');
  });
});

describe('what decides a ${VAR} of Compose or a $(VAR) of Kubernetes is named, not "the host" and "shell expansion"', () => {
  // Before: getsentry's compose file (fixture 123: command: ["-I", "${SENTRY_MAX_EXTERNAL_SOURCEMAP_SIZE:-1M}"]) was
  // "command memcached -I 1M (depends on the host: shell expansion)" and MC910 "...: the host decides whether it
  // starts; ... (the host memcached runs on decides)": Compose interpolates the variable from the environment
  // docker compose runs in (its shell and the project's .env file), no shell is involved, and memcached's host
  // may be another machine (a remote Docker context).
  it("getsentry's compose file: Compose's environment decides, in lint and inspect", async () => {
    const f = tmp.write('docker-compose.yml', real('compose/123-getsentry-self-hosted-docker-compose.yml'));
    const { file } = await lintJson(f, ['--dialect', 'compose']);
    const mc910 = file.findings.filter((x) => x.ruleId === 'MC910' && x.message.includes('SENTRY_MAX_EXTERNAL_SOURCEMAP_SIZE'));
    expect(mc910).toHaveLength(1);
    expect(mc910[0].message).toMatch(/: the environment docker compose runs in \(its shell's variables and the project's \.env file\) decides whether it starts; the checks that need it were skipped$/);
    const i = await run(['inspect', '--dialect', 'compose', f]);
    expect(i.out).toMatch(/command +memcached -I 1M +\(depends on the environment docker compose runs in: Compose's variable interpolation\)/);
    expect(i.out).toMatch(/starts +unknown: depends on the environment docker compose runs in/);
    expect(i.out).not.toMatch(/shell expansion|the host memcached runs on decides/);
  });

  // No real manifest found with $(VAR) in memcached's args (this one is written for the test): the kubelet replaces
  // $(POD_IP) and $(MEM) with what valueFrom names, which is neither the host's shell nor the host.
  it('a $(VAR) set from valueFrom: the object it is set from decides', async () => {
    const f = tmp.write('k8s/pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: mc\nspec:\n  containers:\n  - name: memcached\n    image: memcached:1.6.45\n    env:\n    - name: MEM\n      valueFrom:\n        configMapKeyRef:\n          name: mc\n          key: mem\n    args: ["-m", "$(MEM)", "-l", "127.0.0.1", "-U", "0"]\n');
    const { file } = await lintJson(f, ['--dialect', 'kubernetes']);
    const mc910 = file.findings.find((x) => x.ruleId === 'MC910');
    expect(mc910!.message).toMatch(/^\$\(MEM\) is set from configMapKeyRef mc\/mem, which the file does not show: the object it is set from \(a ConfigMap, a Secret, the pod's fields\) decides whether it starts/);
    const i = await run(['inspect', '--dialect', 'kubernetes', f]);
    expect(i.out).toMatch(/\(depends on what the file does not show: the kubelet's \$\(VAR\) replacement\)/);
    expect(i.out).not.toMatch(/shell expansion|depends on the host/);
  });
});

describe("a Dockerfile whose base image sets the user: the base image decides, not the host", () => {
  // Before: ventriloquist's Dockerfile (fixture 1468, FROM fgrehm/ventriloquist-base) had MC910 "...: the host
  // decides the user it runs as; ... (the base image's USER ... decides)" and inspect "user unknown: depends on the
  // host": the base image's USER is fixed when the image is built, whatever host runs it.
  it('fixture 1468: MC910 and inspect name the base image as what decides the user', async () => {
    const f = tmp.write('services/memcached/Dockerfile', real('dockerfile/1468-fgrehm-ventriloquist-Dockerfile'));
    const { file } = await lintJson(f);
    const mc910 = file.findings.find((x) => x.ruleId === 'MC910' && x.message.startsWith('the user is set by the base image'));
    expect(mc910!.message).toMatch(/: the base image's USER \(docker image inspect --format '\{\{\.Config\.User\}\}' IMAGE\) decides the user it runs as; the checks that need it were skipped$/);
    const i = await run(['inspect', f]);
    expect(i.out).toMatch(/user +unknown: depends on the base image's USER/);
    expect(i.out).not.toMatch(/user +unknown: depends on the host/);
  });
});

describe("God's process monitor configuration is refused as what it is", () => {
  // Before: mailserv's memcached.god (God.watch, w.start = "/usr/local/bin/memcached -d ... -l 127.0.0.1") was
  // "mchard cannot tell which program reads it ... pass --dialect NAME to read it as one of them".
  it('memcached.god: refused by its name, no --dialect hint', async () => {
    const f = tmp.write('install/templates/fs/god/memcached.god', real('other/1510-Synchro-mailserv-memcached.god'));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^a God process monitor configuration/);
    expect(err).not.toMatch(/--dialect/);
  });
});

describe('a licence file is documentation, not a YAML document', () => {
  // Before: docker-library/memcached's LICENSE was "a YAML document (another program's settings: a key alone on a
  // line, such as `jobs:`)", for its line "met:".
  it('LICENSE: refused by its name as documentation', async () => {
    const f = tmp.write('LICENSE', real('other/1511-docker-library-memcached-LICENSE'));
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.refused!.reason).toBe('name');
    expect(file.refused!.looksLike).toMatch(/^documentation/);
  });
});

describe("a unit that takes SUSE's variables from its EnvironmentFile= gets no hint to lint that file as RHEL's", () => {
  // Before: openstack-ansible's memcached.service.suse (ExecStart=/usr/sbin/memcached -u $MEMCACHED_USER
  // $MEMCACHED_PARAMS) had MC910 "... lint that file (mchard lint --dialect sysconfig /etc/sysconfig/memcached)":
  // that reads the file as RHEL's unit does (PORT=, USER=, OPTIONS=), where this unit takes MEMCACHED_PARAMS.
  it('memcached.service.suse: MC910 says mchard reads the file only as RHEL\'s, no --dialect sysconfig', async () => {
    const f = tmp.write('files/memcached.service', real('systemd/1513-openstack-openstack-ansible-memcached_server-memcached.service.suse'));
    const { file } = await lintJson(f);
    const mc910 = file.findings.find((x) => x.ruleId === 'MC910');
    expect(mc910!.message).toMatch(/mchard reads such a file only as RHEL's memcached\.service reads it \(PORT=, USER=, MAXCONN=, CACHESIZE=, OPTIONS=\), not for this unit's \$MEMCACHED_USER, \$MEMCACHED_PARAMS/);
    expect(mc910!.message).not.toMatch(/--dialect sysconfig/);
  });

  it("a unit that takes RHEL's variables keeps the hint", async () => {
    const f = tmp.write('files/memcached.service', '[Service]\nEnvironmentFile=/etc/sysconfig/memcached\nExecStart=/usr/bin/memcached -p ${PORT} -u ${USER} -m ${CACHESIZE} -c ${MAXCONN} $OPTIONS\n');
    const { file } = await lintJson(f);
    expect(file.findings.find((x) => x.ruleId === 'MC910')!.message).toMatch(/lint that file \(mchard lint --dialect sysconfig \/etc\/sysconfig\/memcached\)/);
  });
});
