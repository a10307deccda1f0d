/** The OpenRC and SysV paths with a fake command runner: detection, the commands, pid files, the log excerpt. */
import { jest } from '@jest/globals';
import { run as model } from '../helpers/argv.js';
import { errorExcerpt, errorSource, serviceCommand, serviceState } from '../../src/service/control.js';
import { Progress } from '../../src/service/progress.js';
import { restartService } from '../../src/service/restart.js';
import { detectManager, serviceFor } from '../../src/service/target.js';
import { FakeMachine, versionServer } from './fake-machine.js';

function openrcMachine(): FakeMachine {
  const m = new FakeMachine();
  m.paths.add('/run/openrc/softlevel');
  m.paths.add('/etc/init.d');
  m.paths.add('/etc/init.d/memcached');
  return m;
}

function sysvMachine(): FakeMachine {
  const m = new FakeMachine();
  m.paths.add('/etc/init.d');
  m.paths.add('/etc/init.d/memcached');
  return m;
}

/** restartService on /etc/memcached.conf written from `before`'s file to `after`'s (the rollback's restore a no-op): its outcome and progress text. */
async function restartEtc(m: FakeMachine, after: string[], before: string[], verifyTimeoutMs: number) {
  const target = (await serviceFor('/etc/memcached.conf', undefined, m)).target!;
  let out = '';
  const r = await restartService(
    { path: '/etc/memcached.conf', target, written: Buffer.from('new'), original: Buffer.from('old'), backup: null, after: model(after), before: model(before) },
    { machine: m, progress: new Progress({ write: (t) => void (out += t), tty: false, color: false }), verifyTimeoutMs, commandTimeoutMs: 1000, restore: jest.fn(async () => undefined) },
  );
  return { r, out };
}

describe('OpenRC', () => {
  it('is detected when it has booted (/run/openrc/softlevel) and rc-service exists', () => {
    const m = openrcMachine();
    expect(detectManager(m)).toBe('openrc');
    m.programs.delete('rc-service');
    expect(detectManager(m)).toBe('sysv');
  });

  it('restarts with rc-service; instances are memcached.NAME', async () => {
    const m = openrcMachine();
    m.paths.add('/etc/init.d/memcached.cache1');
    const main = (await serviceFor('/etc/memcached.conf', undefined, m)).target!;
    expect(serviceCommand(main, 'restart', m)).toEqual(['rc-service', 'memcached', 'restart']);
    expect(serviceCommand(main, 'stop', m)).toEqual(['rc-service', 'memcached', 'stop']);
    const inst = (await serviceFor('/srv/x.conf', 'memcached@cache1', m)).target!;
    expect(serviceCommand(inst, 'restart', m)).toEqual(['rc-service', 'memcached.cache1', 'restart']);
    expect((await serviceFor('/etc/memcached_cache2.conf', undefined, m)).reason).toBe('OpenRC has no service memcached.cache2 (/etc/init.d/memcached.cache2)');
  });

  it('finds the process through the pid file OpenRC recorded, and only a live memcached counts', async () => {
    const m = openrcMachine();
    m.files.set('/run/openrc/options/memcached/pidfile', '/run/memcached/custom.pid\n');
    m.files.set('/run/memcached/custom.pid', '4242\n');
    const t = (await serviceFor('/etc/memcached.conf', undefined, m)).target!;
    expect(t.pidFiles[0]).toBe('/run/memcached/custom.pid');
    expect(await serviceState(t, m)).toEqual({ pid: null, activeState: null, down: true });
    m.processes.set(4242, { name: 'sshd', sockets: [] });
    expect((await serviceState(t, m)).pid).toBeNull();
    m.processes.set(4242, { name: 'memcached', sockets: [] });
    expect((await serviceState(t, m)).pid).toBe(4242);
  });

  it('a full restart through rc-service, verified against the new file', async () => {
    const server = await versionServer();
    try {
      const m = openrcMachine();
      m.files.set('/run/memcached/memcached.pid', '10');
      m.processes.set(10, { name: 'memcached', sockets: [{ transport: 'tcp', address: '0.0.0.0', port: server.port }] });
      m.on((c) => {
        if (c.join(' ') !== 'rc-service memcached restart') return undefined;
        m.processes.delete(10);
        m.files.set('/run/memcached/memcached.pid', '11');
        m.processes.set(11, { name: 'memcached', sockets: [{ transport: 'tcp', address: '127.0.0.1', port: server.port }] });
        return { stdout: ' * Starting memcached ... [ ok ]' };
      });
      const { r, out } = await restartEtc(m, ['-l', '127.0.0.1', '-p', String(server.port)], ['-p', String(server.port)], 3000);
      expect(r.status).toBe('verified');
      expect(m.actions()).toEqual(['rc-service memcached restart']);
      expect(out).toContain('memcached is running (pid 11)');
    } finally {
      await server.close();
    }
  });
});

describe('the process a pid file names', () => {
  // The fixed file's own -P names a pid file in /tmp: any user can start a memcached of their own on the
  // port the file asks for (it answers "version" as well as the service's would) and write its pid there.
  // The service failed to start, yet that process made the restart "verified".
  it("another user's memcached named by a pid file others can write is not the service: not verified", async () => {
    const server = await versionServer();
    try {
      const m = openrcMachine();
      m.files.set('/run/memcached/memcached.pid', '10');
      m.processes.set(10, { name: 'memcached', sockets: [{ transport: 'tcp', address: '0.0.0.0', port: server.port }], words: ['-u', 'memcache'], user: 'memcache' });
      // Mallory's memcached holds the port the fixed file asks for; its pid is in /tmp/memcached.pid.
      m.files.set('/tmp/memcached.pid', '66');
      m.on((c) => {
        if (c.join(' ') !== 'rc-service memcached restart') return undefined;
        // The service's memcached does not come back (the new file fails).
        m.processes.delete(10);
        m.files.delete('/run/memcached/memcached.pid');
        m.processes.set(66, { name: 'memcached', sockets: [{ transport: 'tcp', address: '127.0.0.1', port: server.port }], words: ['-l', '127.0.0.1'], user: 'mallory' });
        return { stdout: ' * Starting memcached ... [ ok ]' };
      });
      const pidFile = ['-u', 'memcache', '-P', '/tmp/memcached.pid'];
      const { r, out } = await restartEtc(m, [...pidFile, '-l', '127.0.0.1', '-p', String(server.port)], [...pidFile, '-p', String(server.port)], 1500);
      expect(r.status).not.toBe('verified');
      expect(out).toContain('the process that holds them (pid 66) runs as mallory, not as memcache as the file says: it is not the service\'s memcached');
      expect(out).not.toContain('memcached is running (pid 66)');
    } finally {
      await server.close();
    }
  });
});

describe('SysV', () => {
  it('restarts through `service`, or the script itself when there is no `service`; an instance is its second argument', async () => {
    const m = sysvMachine();
    const main = (await serviceFor('/etc/memcached.conf', undefined, m)).target!;
    expect(serviceCommand(main, 'restart', m)).toEqual(['service', 'memcached', 'restart']);
    m.programs.delete('service');
    expect(serviceCommand(main, 'restart', m)).toEqual(['/etc/init.d/memcached', 'restart']);
    const inst = (await serviceFor('/etc/memcached_server1.conf', undefined, m)).target!;
    expect(serviceCommand(inst, 'restart', m)).toEqual(['/etc/init.d/memcached', 'restart', 'server1']);
    expect(inst.pidFiles[0]).toBe('/var/run/memcached_server1.pid');
    expect(main.pidFiles[0]).toBe('/var/run/memcached.pid');
  });

  it('Debian\'s script ignores /etc/memcached.conf while /etc/memcached_*.conf files exist', async () => {
    const m = sysvMachine();
    m.files.set('/etc/memcached_server1.conf', '-p 11212\n');
    const r = await serviceFor('/etc/memcached.conf', undefined, m);
    expect(r.target).toBeNull();
    expect(r.reason).toMatch(/does not read \/etc\/memcached.conf while they exist/);
  });

  it('no init script, no service', async () => {
    const m = sysvMachine();
    m.paths.delete('/etc/init.d/memcached');
    expect((await serviceFor('/etc/sysconfig/memcached', undefined, m)).reason).toBe('there is no init script /etc/init.d/memcached');
  });

  it('the error excerpt is what the log file gained since the restart began', async () => {
    const m = sysvMachine();
    m.files.set('/var/log/memcached.log', 'old line from yesterday\n');
    const t = (await serviceFor('/etc/memcached.conf', undefined, m)).target!;
    const src = errorSource(m, '/var/log/memcached.log');
    m.files.set('/var/log/memcached.log', 'old line from yesterday\nfailed to listen on TCP port 50001: Cannot assign requested address\n');
    expect(await errorExcerpt(t, m, src, null)).toBe('failed to listen on TCP port 50001: Cannot assign requested address');
  });
});
