import { systemdUnitOfCgroup, unitConfigFile, unitOfCgroup } from '../../src/audit/unit.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TempDir } from '../cli/helpers.js';

describe('the systemd unit of a process', () => {
  it('reads memcached units from cgroup v2 and v1 paths', () => {
    expect(unitOfCgroup('0::/system.slice/memcached.service\n')).toBe('memcached.service');
    expect(unitOfCgroup('12:pids:/system.slice/memcached@cache2.service\n1:name=systemd:/system.slice/memcached@cache2.service\n')).toBe('memcached@cache2.service');
    expect(unitOfCgroup('0::/user.slice/user-0.slice/session-3.scope\n')).toBeNull();
    expect(unitOfCgroup('0::/\n')).toBeNull();
    expect(unitOfCgroup('0::/system.slice/memcached-exporter.service\n')).toBeNull();
    // A user's own systemd's memcached.service is not the system's: it reads no /etc/memcached.conf.
    expect(unitOfCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/memcached.service\n')).toBeNull();
    // Nor is a container's own systemd's (systemd-nspawn, Podman, LXC): it reads the container's /etc/memcached.conf.
    expect(unitOfCgroup('0::/machine.slice/machine-web.scope/payload/system.slice/memcached.service\n')).toBeNull();
    expect(unitOfCgroup('0::/machine.slice/libpod-0123abcd.scope/container/system.slice/memcached.service\n')).toBeNull();
    expect(unitOfCgroup('0::/lxc.payload.web/system.slice/memcached.service\n')).toBeNull();
    expect(systemdUnitOfCgroup('0::/machine.slice/machine-web.scope/payload/system.slice/memcached.service\n')).toBe('machine-web.scope');
    expect(systemdUnitOfCgroup('0::/lxc.payload.web/system.slice/memcached.service\n')).toBeNull();
    // A slice of the administrator's own, and a v1 controller's path systemd does not manage beside it.
    expect(unitOfCgroup('4:memory:/process_api/59e2\n1:name=systemd:/cache.slice/memcached.service\n')).toBe('memcached.service');
  });

  it("maps a unit to the file its own unit file names, when that file exists: Debian's, RHEL's and Fedora's, a template naming memcached_%i.conf", () => {
    const tmp = new TempDir();
    try {
      const etc = tmp.join('etc');
      const units = tmp.join('units');
      const lib = tmp.join('lib');
      const dirs = [units, lib];
      // No unit file found: nothing says what it reads.
      tmp.write('etc/memcached.conf', '-u memcache\n');
      expect(unitConfigFile('memcached.service', etc, dirs)).toBeNull();
      // Debian's unit as its package installs it on this machine (/lib/systemd/system/memcached.service).
      const debian = '/lib/systemd/system/memcached.service';
      if (!existsSync(debian)) throw new Error('memcached is not installed (scripts/test-all.sh installs it)');
      tmp.write('lib/memcached.service', readFileSync(debian));
      expect(unitConfigFile('memcached.service', etc, dirs)).toBe(join(etc, 'memcached.conf'));
      // memcached's own unit (Fedora's) reads /etc/sysconfig/memcached (real file).
      const rhel = tmp.write('etc/sysconfig/memcached', 'PORT="11211"\n');
      tmp.write('units/memcached.service', readFileSync(join(ROOT, 'test/fixtures/real/systemd/208-memcached-memcached-memcached.service')));
      expect(unitConfigFile('memcached.service', etc, dirs)).toBe(rhel);
      // RHEL 7's order of the same options (-u $USER -p $PORT ...), with its EnvironmentFile=-.
      tmp.write('units/memcached.service', '[Service]\nEnvironmentFile=-/etc/sysconfig/memcached\nExecStart=/usr/bin/memcached -u $USER -p $PORT -m $CACHESIZE -c $MAXCONN $OPTIONS\n');
      expect(unitConfigFile('memcached.service', etc, dirs)).toBe(rhel);
      // Clear Linux's unit runs that command with /etc/memcached/memcached.conf, not /etc/sysconfig/memcached (real file).
      tmp.write('units/memcached.service', readFileSync(join(ROOT, 'test/fixtures/real/systemd/207-clearlinux-pkgs-memcached-memcached.service')));
      expect(unitConfigFile('memcached.service', etc, dirs)).toBeNull();
      // The administrator's own unit under that name (a command of its own): no one file decides.
      tmp.write('units/memcached.service', readFileSync(join(ROOT, 'test/fixtures/real/systemd/219-dangerousvasil-cobraK8sInfo-memcached.service')));
      expect(unitConfigFile('memcached.service', etc, dirs)).toBeNull();
      // Debian's unit again, with a drop-in that replaces its command: not modelled by the file.
      tmp.write('units/memcached.service', readFileSync(debian));
      tmp.write('units/memcached.service.d/override.conf', '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -u nobody\n');
      expect(unitConfigFile('memcached.service', etc, dirs)).toBeNull();
      tmp.write('units/memcached.service.d/override.conf', '[Service]\nIPAddressDeny=any\n');
      expect(unitConfigFile('memcached.service', etc, dirs)).toBe(join(etc, 'memcached.conf'));
      // Templates: memcached's own and OpenMandriva's run -p %i with the sysconfig variables (real files): no file.
      tmp.write('etc/memcached_cache2.conf', '-u memcache\n');
      for (const real of ['209-memcached-memcached-memcached@.service', '206-OpenMandrivaAssociation-memcached-memcached@.service']) {
        tmp.write('units/memcached@.service', readFileSync(join(ROOT, 'test/fixtures/real/systemd', real)));
        expect([real, unitConfigFile('memcached@cache2.service', etc, dirs)]).toEqual([real, null]);
      }
      // A template whose command names /etc/memcached_%i.conf reads that file per instance.
      tmp.write('units/memcached@.service', '[Service]\nExecStart=/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached_%i.conf\n');
      expect(unitConfigFile('memcached@cache2.service', etc, dirs)).toBe(join(etc, 'memcached_cache2.conf'));
      expect(unitConfigFile('memcached@other.service', etc, dirs)).toBeNull(); // no such file
    } finally {
      tmp.cleanup();
    }
  });
});
