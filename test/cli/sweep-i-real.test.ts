/**
 * Real files (test/fixtures/real 1460 and later, provenance in its MANIFEST.tsv) that mchard refused with a
 * hint to read them as one of its formats although nothing in them is memcached's: each placed at its
 * repository path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-i-');
});
afterEach(() => tmp.cleanup());

type FileJson = { dialect: string | null; refused?: { looksLike: string | null; reason: string; message: string }; findings: { ruleId: string; severity: string; message: string }[] };
const lintJson = async (f: string, extra: string[] = []) => {
  const r = await run(['lint', '--format', 'json', ...extra, f]);
  return { ...r, file: JSON.parse(r.out).files[0] as FileJson };
};

/** `fixture`'s bytes at `at`: refused (status 2), no finding, its description matching `looks`, no --dialect hint. */
async function refusedWithoutHint(fixture: string, at: string, looks: RegExp): Promise<void> {
  const f = tmp.write(at, real(fixture));
  const { code, file } = await lintJson(f);
  expect(code).toBe(2);
  expect(file.findings).toEqual([]);
  expect(file.refused!.looksLike).toMatch(looks);
  expect(file.refused!.message).not.toMatch(/--dialect/);
}

describe('a refusal suggests --dialect only when something in the file is memcached configuration in that format', () => {
  // Before: .rspec and .puppet-lint.rc ("--default-path test/spec", "--fail-on-warnings") were "memcached
  // options ... pass --dialect debian if that is what reads it"; .flaskenv, .envrc and debian/watch
  // (FLASK_APP=, export KITCHEN_GLOBAL_YAML=, version=4) "KEY=value assignments ... pass --dialect sysconfig";
  // Gemfile and Jenkinsfile "mchard cannot tell which program reads it ... pass --dialect NAME"; debian/control
  // "a YAML document".
  it.each([
    ['other/1460-sous-chefs-memcached-.rspec', '.rspec', /^RSpec's options file/],
    ['other/1461-sous-chefs-memcached-Gemfile', 'Gemfile', /^Ruby code of a Ruby tool \(Bundler's Gemfile/],
    ['other/1462-goosechooser-benwaonline-Jenkinsfile', 'Jenkinsfile', /^a Jenkins pipeline \(Groovy\)/],
    ['other/1463-pexip-os-memcached-watch', 'debian/watch', /^a file of a Debian source package's packaging/],
    ['other/1464-saz-puppet-memcached-.puppet-lint.rc', '.puppet-lint.rc', /^another program's options or settings \(a dotfile named like a tool's rc file\)/],
    ['other/1465-goosechooser-benwaonline-.flaskenv', '.flaskenv', /^KEY=value assignments, none of them a setting of memcached's service/],
    ['other/1466-sous-chefs-memcached-.envrc', '.envrc', /^direnv's \.envrc/],
    ['other/1467-pexip-os-memcached-control', 'debian/control', /^a file of a Debian source package's packaging/],
  ])('%s at %s: refused as what it is, with no --dialect hint', async (fixture, at, looks) => {
    const f = tmp.write(at, real(fixture));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(looks);
    expect(file.refused!.message).not.toMatch(/--dialect/);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/--dialect/);
    const i = await run(['inspect', f]);
    expect(i.code).toBe(2);
    expect(i.out + i.err).not.toMatch(/--dialect/);
  });

  it.each([
    // Before: RSpec's options (fixture 1460's bytes) under a name holding "ubuntu" were read as Debian's
    // memcached.conf: an MC801 error "memcached has no option --default-path: it exits 1". Flask's .flaskenv
    // (fixture 1465's bytes) under a name holding "centos" was "another distribution's /etc/sysconfig/memcached".
    // (The names are this test's; the bytes are the real files'.)
    ['other/1460-sous-chefs-memcached-.rspec', 'spec/ubuntu.opts', /^option lines that are not memcached's/],
    ['other/1465-goosechooser-benwaonline-.flaskenv', 'deploy/centos-flask.env', /^KEY=value assignments, none of them a setting of memcached's service/],
  ])('%s under a distribution\'s name (%s): refused, no finding, no hint', (fixture, at, looks) => refusedWithoutHint(fixture, at, looks));

  it("memcached's options under a distribution's name are still read as Debian's", async () => {
    const f = tmp.write('conf/ubuntu-cache.opts', '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n');
    expect((await lintJson(f)).file.dialect).toBe('debian');
  });

  it(".mchardrc is mchard's own settings, not another program's rc file", async () => {
    const f = tmp.write('repo/.mchardrc', 'memcached-version = "1.6.21"\n');
    const { file } = await lintJson(f);
    expect(file.refused!.looksLike).toBe("mchard's own settings (.mchardrc), not memcached's");
  });

  it('memcached option lines under a name that says nothing still get the debian hint', async () => {
    // The same flow with memcached's own options: the hint is still given, and --dialect debian reads it.
    const f = tmp.write('conf/cache-options', '# cache\n-m 64\n-p 11211\n-l 0.0.0.0\n');
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.refused!.message).toMatch(/pass --dialect debian if that is what reads it$/);
    const forced = await lintJson(f, ['--dialect', 'debian']);
    expect(forced.file.dialect).toBe('debian');
  });

  it('the RHEL variables under a name that says nothing still get the sysconfig hint', async () => {
    const f = tmp.write('conf/cache-env', 'OPTIONS="-l 127.0.0.1 -U 0"\n');
    const { file } = await lintJson(f);
    expect(file.refused!.message).toMatch(/pass --dialect sysconfig if that is what reads it$/);
  });

  it('an .rspec whose lines happen to use memcached letters (-I lib, -r helper) gets no hint', async () => {
    const f = tmp.write('proj/opts', '-I lib\n-r spec_helper\n--color\n');
    const { file } = await lintJson(f);
    expect(file.refused!.message).not.toMatch(/--dialect/);
    expect(file.refused!.looksLike).toMatch(/^option lines that are not memcached's/);
  });

  it("Debian's memcached.conf in a packaging folder is still read as Debian's (debian/memcached.conf)", async () => {
    const f = tmp.write('debian/memcached.conf', '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n');
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('debian');
  });
});

describe('a Dockerfile that builds memcached from source it changes first is not judged as the stock release', () => {
  // No real Dockerfile found both changes memcached's source and runs memcached from its own CMD:
  // tiredofit's (fixture 109) deletes a line of queue.h with sed before ./autogen.sh but runs memcached from
  // an entrypoint script, and fgrehm's (fixture 1468) builds the release unchanged. The tests take those
  // real files with the smallest change that makes the case: a CMD appended to tiredofit's, one sed line
  // (or that and a root base image) inserted in fgrehm's.
  const fgrehm = () => real('dockerfile/1468-fgrehm-ventriloquist-Dockerfile').toString();
  const SED = '    sed -i "s/if (getuid() == 0 || geteuid() == 0)/if (0)/" memcached.c && \\\n';
  const patched = (text: string) => text.replace(/( {4}cd memcached-1\.4\.17 && \\\n)/, `$1${SED}`);
  const noU = (text: string) => text.replace(', "-u", "daemon"]', ']');
  const rootBase = (text: string) => text.replace(/^FROM .*$/m, 'FROM ubuntu:14.04');
  type Inspect = { startup: { ok: boolean | null; reason?: string; exitCode?: number; asWritten?: { ok: boolean; exitCode?: number } } };
  const inspectJson = async (f: string) => JSON.parse((await run(['inspect', '--format', 'json', f])).out) as Inspect;

  it("fgrehm's Dockerfile as it is: built unchanged, it starts (no unknown from the build)", async () => {
    const st = (await inspectJson(tmp.write('services/memcached/Dockerfile', fgrehm()))).startup;
    expect(st.ok).toBe(true);
  });

  it('with a sed on memcached.c before ./configure: whether it starts is unknown, naming the line', async () => {
    // Before: "starts yes", as for the stock 1.4.17.
    const st = (await inspectJson(tmp.write('services/memcached/Dockerfile', patched(fgrehm())))).startup;
    expect(st.ok).toBeNull();
    expect(st.reason).toMatch(/builds memcached from source it changes first \(line 9: "sed -i \\"s\/if \(getuid\(\) == 0 \|\| geteuid\(\) == 0\)\/if \(0\)\/\\" memcached\.c"\)/);
  });

  it('started as root without -u: the root check (exit 64) is the stock release\'s; with the sed, a warning that says it is unknown', async () => {
    // Control: the unchanged build on a root base image is certain to exit 64 (MC202 error).
    const plain = await lintJson(tmp.write('a/Dockerfile', rootBase(noU(fgrehm()))));
    expect(plain.file.findings).toContainEqual(expect.objectContaining({ ruleId: 'MC202', severity: 'error', message: expect.stringMatching(/exits 64/) }));
    // Before: the same MC202 error, "exits 64", for a binary whose root check the sed removed.
    const changed = await lintJson(tmp.write('b/Dockerfile', rootBase(noU(patched(fgrehm())))));
    const f = changed.file.findings.find((x) => x.ruleId === 'MC202')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toMatch(/that is what the stock release does: this image builds memcached from source changed on line 9, so whether its binary does is unknown/);
    expect(changed.file.findings.some((x) => x.severity === 'error')).toBe(false);
  });

  it("tiredofit's real sed on queue.h (fixture 109, a CMD appended): the start-up names line 36", async () => {
    const text = real('dockerfile/109-tiredofit-docker-memcached-Dockerfile').toString() + 'CMD ["memcached", "-l", "0.0.0.0"]\n';
    const st = (await inspectJson(tmp.write('Dockerfile', text))).startup;
    expect(st.ok).toBeNull();
    expect(st.reason).toMatch(/line 36: "sed -i \\"\/#include <sys\\\\\/cdefs\.h>\/d\\" \.\/queue\.h"/);
  });

  it('a sed on /etc/memcached.conf, or one before the source is fetched, is not a change of the source', async () => {
    const etc = fgrehm().replace(/( {4}cd memcached-1\.4\.17 && \\\n)/, "$1    sed -i 's/^-d/# -d/' /etc/memcached.conf && \\\n");
    expect((await inspectJson(tmp.write('c/Dockerfile', etc))).startup.ok).toBe(true);
    const before = fgrehm().replace(/^RUN wget/m, "RUN sed -i 's/a/b/' /tmp/x && wget");
    expect((await inspectJson(tmp.write('d/Dockerfile', before))).startup.ok).toBe(true);
  });

  it("a base image whose USER mchard does not know, and no -u: whether it starts is unknown (not 'starts yes')", async () => {
    // Before: the user read as a user named "unknown (...)" that is not root, so "starts yes" for certain;
    // a root base image (most are) makes memcached exit 64 without -u.
    const st = (await inspectJson(tmp.write('Dockerfile', noU(fgrehm())))).startup;
    expect(st.ok).toBeNull();
    expect(st.reason).toMatch(/the user is set by the base image fgrehm\/ventriloquist-base, which mchard does not know/);
  });
});

describe("Compose's user: from a variable (fixture 1469: OpenPanel's user: \"${USER_ID:-0}\")", () => {
  const compose = () => real('compose/1469-stefanpejcic-openpanel-configuration-docker-compose.yml');
  type Inspect = { runsAs: string | null; startedAs?: string; unknown: Record<string, { depends: string; reason: string }>; argv: string[]; startup: { ok: boolean | null } };

  it('the user is unknown (the variable decides it), not a user named "${USER_ID"', async () => {
    // Before: inspect said "user      ${USER_ID" (the value cut at its ":-"), a certain user that is not root.
    const f = tmp.write('docker/compose/1.0/docker-compose.yml', compose());
    const r = await run(['inspect', '--format', 'json', f]);
    const i = JSON.parse(r.out) as Inspect;
    expect(i.startedAs).not.toBe('${USER_ID');
    expect(i.runsAs).toBeNull();
    expect(i.unknown.user).toMatchObject({ depends: 'host', reason: expect.stringMatching(/user: \$\{USER_ID:-0\} is the value of USER_ID in the shell or the project's \.env file \(0 when unset\)/) });
    // The healthcheck's "memcached -h" is not the service's command: memcached serves with -u root.
    expect(i.argv).toEqual(['-u', 'root', '-l', '0.0.0.0', '-p', '11211']);
    expect(i.startup.ok).toBe(true);
    const text = await run(['inspect', f]);
    expect(text.out).not.toMatch(/^ {2}user {6}\$\{USER_ID$/m);
  });
});

describe('files of a source package that name memcached but are no configuration of its service (fixtures 1470-1473, pexip/os-memcached)', () => {
  it.each([
    // Before: read as a systemd unit (its context lines hold [Unit] and [Service]): an MC914 error "the unit
    // has no ExecStart=, so systemd refuses to load it" and MC903 warnings for its "+" lines.
    ['other/1470-pexip-os-memcached-0002-Additions-for-service-unit-file.patch', 'debian/patches/0002-Additions-for-service-unit-file.patch', /^a patch \(a diff that patch, quilt or git apply applies/],
    // Before: "mchard cannot tell which program reads it ... pass --dialect NAME".
    ['other/1471-pexip-os-memcached-memcached.1', 'doc/memcached.1', /^a manual page/],
    ['other/1472-pexip-os-memcached-memcached.tmpfile', 'debian/memcached.tmpfile', /^a file of a Debian source package's packaging/],
    // memcached's proxy routes (Lua). Before: "shell code (a fragment of a script)", from its `local x = y` lines.
    ['other/1473-pexip-os-memcached-startfile.lua', 't/startfile.lua', /^a Lua script \(memcached's proxy routes or another program's\)$/],
  ])('%s at %s: refused as what it is, no finding', (fixture, at, looks) => refusedWithoutHint(fixture, at, looks));
});

describe("a memcached client's repository: files whose lines look like options or sections (fixtures 1474-1477, pinterest/pymemcache)", () => {
  it.each([
    // Before: "option lines" for a certificate's -----BEGIN line and for pip's "-r test-requirements.txt"
    // (and, before the first fix of this round, "pass --dialect debian"); "an INI file with [section]
    // headers" for a TOML file; "mchard cannot tell ... pass --dialect NAME" for CODEOWNERS (it names pymemcache).
    ['other/1474-pinterest-pymemcache-client.crt', 'pymemcache/test/certs/client.crt', /^a PEM certificate or key/],
    ['other/1475-pinterest-pymemcache-mypy-requirements.txt', 'mypy-requirements.txt', /^a pip requirements file/],
    ['other/1476-pinterest-pymemcache-pyproject.toml', 'pyproject.toml', /^a TOML file/],
    ['other/1477-pinterest-pymemcache-CODEOWNERS', '.github/CODEOWNERS', null],
  ])('%s at %s: refused as what it is, no --dialect hint', async (fixture, at, looks) => {
    const f = tmp.write(at, real(fixture));
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    if (looks) expect(file.refused!.looksLike).toMatch(looks);
    else expect(file.refused!.message).toMatch(/^not read: nothing in it is memcached configuration/);
    expect(file.refused!.message).not.toMatch(/--dialect/);
  });

  it('an INI file keeps its section in the description (tox.ini is not just "an INI file")', async () => {
    const f = tmp.write('tox.ini', '[tox]\nenvlist = py3\n');
    expect((await lintJson(f)).file.refused!.looksLike).toMatch(/^an INI file with \[section\] headers \(\[tox\]/);
  });
});

describe("a program's source code is its language's, whatever its lines look like (fixtures 1620-1622, Django settings modules)", () => {
  it.each([
    // Before: "KEY=value assignments, none of them a setting of memcached's service" (CACHES = {, NAME = value).
    ['other/1620-chrisflav-kompass-cache.py', 'jdav_web/jdav_web/settings/components/cache.py'],
    // Before: "a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached" (its `from os.path import` lines).
    ['other/1621-abqrnd-django-startup-template-caches.py', 'project_name/settings/production/caches.py'],
    ['other/1622-sajid1189-celery_test-settings_pymema_cache.py', 'celery_test/settings_pymema_cache.py'],
  ])('%s at %s: Python source code, no finding, no hint', (fixture, at) => refusedWithoutHint(fixture, at, /^Python source code /));

  it('named memcached.py, with lines that are memcached options and assignments: still Python', async () => {
    const f = tmp.write('deploy/memcached.py', 'MEMCACHED_OPTIONS = "-l 0.0.0.0 -U 0"\nPORT=11211\n-l 0.0.0.0\n');
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.refused!.looksLike).toMatch(/^Python source code/);
    // --dialect still decides, for the user who knows better.
    expect((await lintJson(f, ['--dialect', 'debian'])).file.dialect).toBe('debian');
  });
});
