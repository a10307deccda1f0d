/**
 * Real files (test/fixtures/real 1350 and later, provenance in its MANIFEST.tsv) of formats a new user
 * brings that mchard judged confidently wrong: each placed at its repository path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-h-');
});
afterEach(() => tmp.cleanup());

type FileJson = { dialect: string | null; refused?: { looksLike: string | null; reason: string; message: string }; findings: { ruleId: string; line: number; message: string; severity: string }[] };
const lintJson = async (f: string, extra: string[] = []) => {
  const r = await run(['lint', '--format', 'json', ...extra, f]);
  return { ...r, file: JSON.parse(r.out).files[0] as FileJson };
};

describe("a Podman Quadlet file is podman's generator's, not a systemd service unit (fixture 1350: podman's other-sections.container)", () => {
  const quadlet = () => real('other/1350-containers-podman-other-sections.container');

  it.each([
    ['test/e2e/quadlet/other-sections.container', 'name'],
    // The same bytes under a name that says nothing (a copy kept as memcached-quadlet.conf): its [Container] section tells.
    ['deploy/memcached-quadlet.conf', 'content'],
  ])('%s is refused in one line as a Quadlet file, with no finding', async (at, reason) => {
    // Before: "read by systemd, as a service unit (content: a [Unit] section)" and an MC914 error: "the unit
    // has no ExecStart=, so systemd refuses to load it"; podman's generator writes that ExecStart= itself.
    const f = tmp.write(at, quadlet());
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused).toMatchObject({ reason });
    expect(file.refused!.looksLike).toMatch(/^a Podman Quadlet file \(podman makes a service of it that runs the image: the image and its Exec= decide memcached's options\)$/);
    expect(err.trim().split('\n')).toHaveLength(1);
    const i = await run(['inspect', f]);
    expect(i.code).toBe(2);
    expect(i.out).not.toContain('systemd refuses');
  });

  it('fix --yes writes nothing', async () => {
    const f = tmp.write('test/e2e/quadlet/other-sections.container', quadlet());
    const before = readFileSync(f);
    const r = await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f]);
    expect(r.code).toBe(2);
    expect(readFileSync(f).equals(before)).toBe(true);
  });

  it('a systemd unit is still a systemd unit (its [Service] section holds the ExecStart=)', async () => {
    const f = tmp.write('memcached.service', '[Unit]\nDescription=memcached\n\n[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 -u memcache\n');
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('systemd');
  });
});

describe("OpenRC's global /etc/rc.conf is not FreeBSD's (fixture 1351: OpenRC's own etc/rc.conf, as Gentoo and Alpine install it)", () => {
  const rcConf = () => real('rcconf/1351-OpenRC-openrc-rc.conf');

  it.each([['etc/rc.conf'], ['rc.conf']])('%s is refused as OpenRC\'s, with no finding', async (at) => {
    // Before: "read by FreeBSD's rc.d/memcached script (path etc/rc.conf)" for certain, MC101 and MC601
    // errors for a file that says nothing about memcached, and fix appended memcached_flags="-l 127.0.0.1 -U 0",
    // which no OpenRC memcached script reads.
    const f = tmp.write(at, rcConf());
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused).toMatchObject({ reason: 'content' });
    expect(file.refused!.looksLike).toMatch(/^OpenRC's global \/etc\/rc\.conf \(Gentoo, Alpine\): memcached's settings are in \/etc\/conf\.d\/memcached$/);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('fix --yes appends nothing to it', async () => {
    const f = tmp.write('etc/rc.conf', rcConf());
    const before = readFileSync(f);
    const r = await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f]);
    expect(r.code).toBe(2);
    expect(readFileSync(f).equals(before)).toBe(true);
  });

  it('a FreeBSD rc.conf that sets the port\'s variables is still read as FreeBSD\'s, OpenRC comments or not', async () => {
    const text = `${rcConf().toString('utf8')}memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\n`;
    const { file } = await lintJson(tmp.write('etc/rc.conf', text));
    expect(file.dialect).toBe('rcconf');
  });
});

describe("Void Linux's /etc/rc.conf is not FreeBSD's (fixture 1352: void-runit's stock rc.conf)", () => {
  it('is refused, naming its capitals, with no finding; fix writes nothing', async () => {
    // Before: read as FreeBSD's rc.conf by its path, for certain: MC101 and MC601 errors, and fix appended
    // memcached_flags= to a file runit's stage 1 sources for the host name and the keymap.
    const f = tmp.write('etc/rc.conf', real('rcconf/1352-void-linux-void-runit-rc.conf'));
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused).toMatchObject({ reason: 'content' });
    expect(file.refused!.looksLike).toMatch(/^a Linux system's \/etc\/rc\.conf \(HOSTNAME=, HARDWARECLOCK=, TIMEZONE=, KEYMAP=: Void's or Arch's\), not FreeBSD's$/);
    const before = readFileSync(f);
    expect((await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f])).code).toBe(2);
    expect(readFileSync(f).equals(before)).toBe(true);
  });
});

describe("a YAML file whose services: sits beside keys no Compose file has is not a Compose file (fixture 1353: Lando's memcached example)", () => {
  const lando = () => real('compose/1353-lando-memcached-.lando.yml').toString('utf8');
  const expectRefused = async (f: string) => {
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^a YAML file with a top-level plugins:, which no Compose file has \(Lando's, a CI's\)$/);
    expect(err.trim().split('\n')).toHaveLength(1);
  };

  it('as it is, it is refused naming the keys, not as "a Compose file with no memcached service"', async () => {
    await expectRefused(tmp.write('examples/custom/.lando.yml', lando()));
  });

  it('with its service named memcached (as Lando users name it), it is still refused, not read as a Compose override', async () => {
    // Before: "read by Docker Compose (docker stack deploy refuses the file (the top-level key name:...), so
    // only docker compose runs it)" and MC910 "an override that Compose merges onto another Compose file";
    // docker compose refuses the file ("Additional property plugins is not allowed"), and Lando runs it.
    const text = lando().replace(/^  custom:$/m, '  memcached:');
    expect(text).toContain('  memcached:\n    type: memcached:1.5.22');
    const f = tmp.write('examples/custom/.lando.yml', text);
    await expectRefused(f);
    const before = readFileSync(f);
    expect((await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f])).code).toBe(2);
    expect(readFileSync(f).equals(before)).toBe(true);
  });
});

describe("an RPM spec file is refused as one, with no --dialect debian hint (fixture 1354: OpenMandriva's memcached.spec)", () => {
  it('names rpmbuild and the files the package installs', async () => {
    // Before: "it looks like memcached options, one or more on each line (as Debian's /etc/memcached.conf holds
    // them) ... pass --dialect debian if that is what reads it".
    const { code, file } = await lintJson(tmp.write('memcached.spec', real('other/1354-OpenMandrivaAssociation-memcached-memcached.spec')));
    expect(code).toBe(2);
    expect(file.refused).toMatchObject({ reason: 'name' });
    expect(file.refused!.looksLike).toMatch(/^an RPM spec file \(rpmbuild reads it/);
    expect(file.refused!.message).not.toContain('--dialect debian');
  });
});

describe("Debian's README.Debian is documentation, not Debian's memcached.conf (fixture 1355: the memcached package's debian/README.Debian)", () => {
  it.each([['debian/README.Debian'], ['README.md']])('%s is refused, and fix writes nothing', async (at) => {
    // Before: "read by Debian's systemd-memcached-wrapper (name README.Debian, and it holds option lines)":
    // MC801 for the signature line "--Jay Bonci", MC101, MC202 and MC601 errors, and fix appended
    // -l 127.0.0.1, -U 0 and -u memcache to the README.
    const f = tmp.write(at, real('other/1355-pexip-os-memcached-README.Debian'));
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused).toMatchObject({ reason: 'name' });
    expect(file.refused!.looksLike).toMatch(/^documentation \(README, NEWS, changelog, Markdown\)$/);
    const before = readFileSync(f);
    expect((await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f])).code).toBe(2);
    expect(readFileSync(f).equals(before)).toBe(true);
  });

  it('a configuration file whose name merely starts with one of those words is not documentation (news.yml)', async () => {
    const { file } = await lintJson(tmp.write('news.yml', real('compose/127-alisaifee-memcachio-docker-compose.yml')));
    expect(file.dialect).toBe('compose');
  });
});

describe("a YAML file whose name holds Debian is YAML, not Debian's memcached.conf (fixture 1356: boxen's Hiera data/Debian.yaml)", () => {
  it('is refused as a YAML file, and fix writes nothing', async () => {
    // Before: "read by Debian's systemd-memcached-wrapper (name Debian.yaml, and it holds option lines)": its
    // --- document marker read as the option "---" (MC801), MC101, MC202 and MC601 errors, and fix appended
    // memcached options to Puppet's Hiera data.
    const f = tmp.write('data/Debian.yaml', real('other/1356-boxen-puppet-memcached-Debian.yaml'));
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.findings).toEqual([]);
    expect(file.refused).toMatchObject({ looksLike: "a YAML file (another program's settings)", reason: 'name' });
    const before = readFileSync(f);
    expect((await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f])).code).toBe(2);
    expect(readFileSync(f).equals(before)).toBe(true);
  });
});

describe("a Compose service named memcached that builds its image runs what its Dockerfile runs (fixtures 1357-1359: washingtonpost/docker-memcached)", () => {
  it('the override with build: . is read with unknown options (MC910), not "no service of the file runs memcached"', async () => {
    // Before: MC001 error "no service of the file runs memcached (by image, entrypoint or command)" for the
    // override whose memcached service builds the Dockerfile beside it (an image that runs memcached).
    tmp.write('docker-compose.yml', real('compose/1358-washingtonpost-docker-memcached-docker-compose.yml'));
    tmp.write('Dockerfile', real('dockerfile/1359-washingtonpost-docker-memcached-Dockerfile'));
    const f = tmp.write('docker-compose.override.yml', real('compose/1357-washingtonpost-docker-memcached-docker-compose.override.yml'));
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('compose');
    expect(file.findings.map((x) => x.ruleId)).toEqual(['MC910']);
    expect(file.findings[0].message).toMatch(/^service memcached runs an image built from build:, which mchard does not know/);
    const before = readFileSync(f);
    await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f]);
    expect(readFileSync(f).equals(before)).toBe(true);
  });
});
