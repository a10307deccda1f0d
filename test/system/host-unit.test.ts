/**
 * hostUnitReading: whether the memcached.service systemd loads on a host reads Debian's /etc/memcached.conf or
 * RHEL's /etc/sysconfig/memcached. The units are real ones (test/fixtures/real, provenance in MANIFEST.tsv, and
 * the installed Debian package's own unit), put in a folder of the test's own that stands for systemd's folders.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { hostUnitReading } from '../../src/system/host-unit.js';
import { packagedOptionFile } from '../../src/system/unit-files.js';
import { ROOT } from '../helpers/paths.js';

const REAL = join(ROOT, 'test', 'fixtures', 'real');
const DEBIAN_UNIT = '/lib/systemd/system/memcached.service';

let root: string;
let etc: string;
let lib: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mchard-host-unit-'));
  etc = join(root, 'etc');
  lib = join(root, 'lib');
  mkdirSync(etc);
  mkdirSync(lib);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const booted = () => true;
/** Debian's own unit when installed, else one with its command line (the test's own). */
function DEBIAN_UNIT_OR_WRAPPER(): string {
  if (existsSync(DEBIAN_UNIT)) return DEBIAN_UNIT;
  writeFileSync(join(root, 'debian.service'), '[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n');
  return join(root, 'debian.service');
}
function unit(text: string, dir = lib) {
  writeFileSync(join(dir, 'memcached.service'), text);
}
function real(name: string) {
  return readFileSync(join(REAL, name), 'utf8');
}
const read = (file: string) => {
  const packaged = packagedOptionFile(file);
  return packaged === null ? null : hostUnitReading(packaged, [etc, lib], booted);
};

describe('hostUnitReading', () => {
  it('only for the packaged paths, and only on a host systemd runs', () => {
    unit(real('systemd/219-dangerousvasil-cobraK8sInfo-memcached.service'));
    // Not booted: the units say nothing (an /etc with no init script for memcached, so nothing else does either).
    expect(hostUnitReading('/etc/memcached.conf', [etc, lib], () => false, join(root, 'no-etc'))).toBeNull();
    expect(read('/srv/repo/memcached.conf')).toBeNull();
    expect(read('/etc/sysconfig/memcached.rpmnew')).toBeNull();
    expect(packagedOptionFile('/etc/../etc/memcached.conf')).toBe('/etc/memcached.conf');
    expect(packagedOptionFile('/etc/sysconfig/memcached')).toBe('/etc/sysconfig/memcached');
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: false });
  });

  it('no memcached.service in any folder: nothing says otherwise', () => {
    expect(read('/etc/memcached.conf')).toBeNull();
  });

  (existsSync(DEBIAN_UNIT) ? it : it.skip)("Debian's own unit reads /etc/memcached.conf (and says nothing certain of the sysconfig file)", () => {
    unit(readFileSync(DEBIAN_UNIT, 'utf8'));
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: true, path: join(lib, 'memcached.service') });
    expect(read('/etc/sysconfig/memcached')).toMatchObject({ reads: null });
  });

  it("memcached's own unit (RHEL, Fedora) reads /etc/sysconfig/memcached, not /etc/memcached.conf", () => {
    unit(real('systemd/208-memcached-memcached-memcached.service'));
    expect(read('/etc/sysconfig/memcached')).toMatchObject({ reads: true });
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: false, why: expect.stringContaining('runs memcached itself') });
  });

  it.each([
    ['systemd/207-clearlinux-pkgs-memcached-memcached.service', false, false],
    ['systemd/098-robertdebock-ansible-role-memcached-memcached.service', false, false],
    ['systemd/219-dangerousvasil-cobraK8sInfo-memcached.service', false, false],
    // Its own command with the file's variables: the unit says what runs.
    ['systemd/204-yuniers-systemd-services-memcached.service', false, null],
    ['systemd/205-codeyu-systemd-scripts-memcached.service', false, null],
    // Two ExecStart= lines (nginx, then memcached): systemd's to judge, not a guess.
    ['systemd/202-cyberty-my_script-memcached.service', null, null],
  ])('%s in /etc/systemd/system: /etc/memcached.conf %s, /etc/sysconfig/memcached %s', (name, debian, sysconfig) => {
    unit(real(name), etc);
    expect(read('/etc/memcached.conf')?.reads).toBe(debian);
    expect(read('/etc/sysconfig/memcached')?.reads).toBe(sysconfig);
  });

  it('the first folder wins; an alias link is followed, a link to /dev/null masks', () => {
    unit(real('systemd/208-memcached-memcached-memcached.service'));
    unit(real('systemd/219-dangerousvasil-cobraK8sInfo-memcached.service'), etc);
    expect(read('/etc/sysconfig/memcached')).toMatchObject({ reads: false, path: join(etc, 'memcached.service') });
    rmSync(join(etc, 'memcached.service'));
    symlinkSync(join(lib, 'memcached.service'), join(etc, 'memcached.service'));
    expect(read('/etc/sysconfig/memcached')).toMatchObject({ reads: true });
    rmSync(join(etc, 'memcached.service'));
    symlinkSync('/dev/null', join(etc, 'memcached.service'));
    expect(read('/etc/sysconfig/memcached')).toMatchObject({ reads: false, why: expect.stringContaining('is masked') });
  });

  it('a drop-in that sets the command (or, for sysconfig, the environment files) leaves it to the drop-in', () => {
    unit(real('systemd/208-memcached-memcached-memcached.service'));
    mkdirSync(join(etc, 'memcached.service.d'));
    writeFileSync(join(etc, 'memcached.service.d', 'limits.conf'), '[Service]\nLimitNOFILE=65536\n');
    expect(read('/etc/sysconfig/memcached')).toMatchObject({ reads: true });
    writeFileSync(join(etc, 'memcached.service.d', 'override.conf'), '[Service]\nEnvironmentFile=/etc/default/memcached\n');
    expect(read('/etc/sysconfig/memcached')).toMatchObject({ reads: null, path: join(etc, 'memcached.service.d', 'override.conf') });
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: false });
    writeFileSync(join(etc, 'memcached.service.d', 'override.conf'), '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -l 0.0.0.0\n');
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: null, why: expect.stringContaining('sets ExecStart=') });
    rmSync(join(etc, 'memcached.service.d', 'override.conf'));
    unit(readFileSync(DEBIAN_UNIT_OR_WRAPPER(), 'utf8'));
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: true });
    writeFileSync(join(etc, 'memcached.service.d', 'user.conf'), '[Service]\nUser=memcache\n');
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: null, why: expect.stringContaining('which sets User=:') });
  });

  it("Debian's wrapper: its one argument is the file, none or several mean /etc/memcached.conf", () => {
    const wrapper = (args: string) => unit(`[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper${args}\n`, etc);
    for (const [args, reads] of [
      ['', true],
      [' /etc/memcached.conf', true],
      [' "/etc/memcached.conf"', true],
      [' /etc/memcached.conf extra', true],
      [' /etc/memcached_cache.conf', false],
      [' /etc/memcached_%i.conf', null],
    ] as const) {
      wrapper(args);
      expect([args, read('/etc/memcached.conf')?.reads]).toEqual([args, reads]);
    }
    unit('[Service]\nExecStart=-@/usr/share/memcached/scripts/systemd-memcached-wrapper wrapper /etc/other.conf\n', etc);
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: false, why: expect.stringContaining('/etc/other.conf') });
    // The wrapper refuses any user but root ("Only root wants to run systemd-memcached-wrapper").
    unit('[Service]\nUser=memcache\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n', etc);
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: false, why: expect.stringContaining('as User=memcache') });
    unit('[Service]\nUser=memcache\nExecStart=+/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n', etc);
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: true });
    unit('[Service]\nUser=root\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n', etc);
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: true });
    unit('[Service]\nExecStart=/bin/sh -c "exec /usr/share/memcached/scripts/systemd-memcached-wrapper"\n', etc);
    expect(read('/etc/memcached.conf')).toMatchObject({ reads: null, why: expect.stringContaining('runs /bin/sh') });
  });

  it("Debian's instances, /etc/memcached_NAME.conf: read by a template that runs the wrapper with /etc/memcached_%i.conf, by nothing where only the package's memcached.service is", () => {
    expect(read('/etc/memcached_cache.conf')).toBeNull();
    unit(existsSync(DEBIAN_UNIT) ? readFileSync(DEBIAN_UNIT, 'utf8') : '[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf\n');
    expect(read('/etc/memcached_cache.conf')).toMatchObject({ reads: false, unit: 'memcached@cache.service', why: expect.stringContaining('nothing starts memcached from this file') });
    const template = (text: string, name = 'memcached@.service') => writeFileSync(join(etc, name), text);
    template('[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached_%i.conf\n');
    expect(read('/etc/memcached_cache.conf')).toMatchObject({ reads: true, path: join(etc, 'memcached@.service') });
    // memcached's own template (RHEL's: -p %i with the sysconfig variables) runs memcached itself.
    template(real('systemd/209-memcached-memcached-memcached@.service'));
    expect(read('/etc/memcached_cache.conf')).toMatchObject({ reads: false });
    // An instance's own unit comes before the template.
    template('[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached_cache.conf\n', 'memcached@cache.service');
    expect(read('/etc/memcached_cache.conf')).toMatchObject({ reads: true, path: join(etc, 'memcached@cache.service') });
    mkdirSync(join(etc, 'memcached@.service.d'));
    writeFileSync(join(etc, 'memcached@.service.d', 'cmd.conf'), '[Service]\nExecStart=\nExecStart=/usr/bin/memcached\n');
    expect(read('/etc/memcached_cache.conf')).toMatchObject({ reads: null });
  });

  (existsSync('/etc/init.d/memcached') ? it : it.skip)("a host systemd does not run: Debian's SysV script reads /etc/memcached.conf only while there is no /etc/memcached_NAME.conf", () => {
    const sysv = join(root, 'sysv-etc');
    mkdirSync(join(sysv, 'init.d'), { recursive: true });
    writeFileSync(join(sysv, 'init.d', 'memcached'), readFileSync('/etc/init.d/memcached'));
    const notBooted = (file: string) => hostUnitReading(file, [etc, lib], () => false, sysv);
    // No instance file: the script reads /etc/memcached.conf, through start-memcached.
    expect(notBooted('/etc/memcached.conf')).toMatchObject({ reads: true, reader: 'start-memcached', path: join(sysv, 'init.d', 'memcached') });
    writeFileSync(join(sysv, 'memcached_b.conf'), '-p 11311\n');
    writeFileSync(join(sysv, 'memcached_a.conf'), '-p 11312\n');
    expect(notBooted('/etc/memcached.conf')).toMatchObject({ reads: false, path: join(sysv, 'memcached_a.conf'), why: expect.stringContaining(`(here ${join(sysv, 'memcached_a.conf')}, ${join(sysv, 'memcached_b.conf')})`) });
    // The script reads the instances themselves, each through start-memcached; a name it does not glob, none.
    expect(notBooted('/etc/memcached_a.conf')).toMatchObject({ reads: true, reader: 'start-memcached', path: join(sysv, 'init.d', 'memcached') });
    expect(notBooted('/etc/memcached_c.conf')).toBeNull();
    // Another init script says nothing of these files.
    writeFileSync(join(sysv, 'init.d', 'memcached'), '#!/bin/sh\nexec /usr/bin/memcached -u memcache\n');
    expect(notBooted('/etc/memcached.conf')).toBeNull();
  });

  it("a host systemd does not run: /etc/sysconfig/memcached is read only by an init script that sources it (real scripts: RHEL's, Debian's)", () => {
    const sysv = join(root, 'sysv-etc');
    const notBooted = () => hostUnitReading('/etc/sysconfig/memcached', [etc, lib], () => false, sysv);
    // No init script: whatever starts memcached here decides (a container's command; a daemontools run script may source it).
    expect(notBooted()).toMatchObject({ reads: null, path: join(sysv, 'init.d', 'memcached'), why: expect.stringContaining('whatever starts memcached on this host') });
    mkdirSync(join(sysv, 'init.d'), { recursive: true });
    const script = (text: string) => writeFileSync(join(sysv, 'init.d', 'memcached'), text);
    // RHEL's SysV script shape (isucon3's copy of it): `. /etc/sysconfig/memcached`: it reads the file, as the package says.
    script(real('sysv/096-volanja-study-isucon3-yosen-memcached'));
    expect(notBooted()).toBeNull();
    // A Debian-style script (LEMPer's, one memcached per /etc/memcached_NAME.conf) never names it.
    script(real('sysv/095-joglomedia-LEMPer-memcached'));
    expect(notBooted()).toMatchObject({ reads: false, path: join(sysv, 'init.d', 'memcached'), why: expect.stringContaining('never names /etc/sysconfig/memcached') });
    if (existsSync('/etc/init.d/memcached')) {
      // This machine's own (Debian's package).
      script(readFileSync('/etc/init.d/memcached', 'utf8'));
      expect(notBooted()).toMatchObject({ reads: false });
    }
    // On a host systemd runs, the unit decides (above), whatever the init scripts say.
    expect(hostUnitReading('/etc/sysconfig/memcached', [etc, lib], booted, sysv)).toBeNull();
  });
});

describe('packagedOptionFile: its shortcut for names that cannot lead into /etc', () => {
  /** The reading without the shortcut: the absolute, normalised path, compared. */
  const full = (p: string) => {
    const file = resolve(p);
    return file === '/etc/memcached.conf' || file === '/etc/sysconfig/memcached' || /^\/etc\/memcached_[^/]+\.conf$/.test(file) ? file : null;
  };
  it('answers as path.resolve does, for names of every shape, from several working folders', () => {
    const start = process.cwd();
    const part = fc.constantFrom('etc', 'sysconfig', 'srv', 'hosts', '.', '..', '', 'memcached.conf', 'memcached', 'memcached_a.conf', '.git', 'etc.d');
    const last = fc.constantFrom('memcached.conf', 'memcached', 'memcached_web.conf', 'memcached_.conf');
    const name = fc.tuple(fc.boolean(), fc.array(part, { maxLength: 5 }), last).map(([abs, parts, l]) => `${abs ? '/' : ''}${[...parts, l].join('/')}`);
    try {
      for (const cwd of ['/', '/etc', '/etc/sysconfig', '/etc/default', '/tmp', '/usr/share'].filter((d) => existsSync(d))) {
        process.chdir(cwd);
        fc.assert(fc.property(name, (p) => packagedOptionFile(p) === full(p)), { numRuns: 400 });
      }
    } finally {
      process.chdir(start);
    }
  });
});
