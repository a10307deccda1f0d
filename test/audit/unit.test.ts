import { unitConfigFile, unitOfCgroup } from '../../src/audit/unit.js';
import { TempDir } from '../cli/helpers.js';

describe('the systemd unit of a process', () => {
  it('reads memcached units from cgroup v2 and v1 paths', () => {
    expect(unitOfCgroup('0::/system.slice/memcached.service\n')).toBe('memcached.service');
    expect(unitOfCgroup('12:pids:/system.slice/memcached@cache2.service\n1:name=systemd:/system.slice/memcached@cache2.service\n')).toBe('memcached@cache2.service');
    expect(unitOfCgroup('0::/user.slice/user-0.slice/session-3.scope\n')).toBeNull();
    expect(unitOfCgroup('0::/\n')).toBeNull();
    expect(unitOfCgroup('0::/system.slice/memcached-exporter.service\n')).toBeNull();
    // A user's own systemd's memcached.service is not the system's: it reads no /etc/memcached.conf.
    expect(unitOfCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/memcached.service\n')).toBeNull();
  });

  it('maps a unit to the file that exists: Debian, RHEL, or the template instance', () => {
    const tmp = new TempDir();
    try {
      expect(unitConfigFile('memcached.service', tmp.path)).toBeNull();
      const rhel = tmp.write('sysconfig/memcached', 'PORT="11211"\n');
      expect(unitConfigFile('memcached.service', tmp.path)).toBe(rhel);
      const deb = tmp.write('memcached.conf', '-u memcache\n');
      expect(unitConfigFile('memcached.service', tmp.path)).toBe(deb);
      expect(unitConfigFile('memcached@cache2.service', tmp.path)).toBeNull();
      const inst = tmp.write('memcached_cache2.conf', '-u memcache\n');
      expect(unitConfigFile('memcached@cache2.service', tmp.path)).toBe(inst);
    } finally {
      tmp.cleanup();
    }
  });
});
