/** The systemd path with a fake command runner: which unit, the commands, verification, rollback, the journal. */
import { jest } from '@jest/globals';
import { run as model } from '../helpers/argv.js';
import { Progress } from '../../src/service/progress.js';
import { restartService, type RestartRequest } from '../../src/service/restart.js';
import { serviceFor, type ServiceTarget } from '../../src/service/target.js';
import { debianExecStart, FakeMachine, versionServer } from './fake-machine.js';

function systemdMachine(): FakeMachine {
  const m = new FakeMachine();
  m.paths.add('/run/systemd/system');
  m.on((c) => (c[0] === 'systemctl' && c[1] === 'show' && c[2] === '--property=LoadState' ? { stdout: ['memcached.service', 'memcached@cache1.service'].includes(c[4]) ? 'loaded' : 'not-found' } : undefined));
  m.on((c) => (c[0] === 'systemctl' && c[1] === 'show' && c[2] === '--property=ExecStart' ? { stdout: debianExecStart(c[c.length - 1]) } : undefined));
  return m;
}


/** The unit's state as `systemctl show -p ActiveState,MainPID` reports it, changed by what the test does. */
function unitState(m: FakeMachine, state: () => { active: string; pid: number }) {
  m.on((c) => {
    if (c[0] !== 'systemctl' || c[1] !== 'show' || c[2] !== '--property=ActiveState,MainPID') return undefined;
    const s = state();
    return { stdout: `MainPID=${s.pid}\nActiveState=${s.active}` };
  });
}

function progress() {
  let out = '';
  return { p: new Progress({ write: (t) => void (out += t), tty: false, color: false }), out: () => out };
}

describe('systemd: which unit reads a file', () => {
  it('maps /etc/memcached.conf to memcached.service and a Debian instance to memcached@NAME.service', async () => {
    const m = systemdMachine();
    expect((await serviceFor('/etc/memcached.conf', undefined, m)).target).toMatchObject({ manager: 'systemd', name: 'memcached.service' });
    expect((await serviceFor('/etc/memcached_cache1.conf', undefined, m)).target).toMatchObject({ manager: 'systemd', name: 'memcached@cache1.service' });
    expect(m.calls).toContainEqual(['systemctl', 'show', '--property=LoadState', '--value', 'memcached@cache1.service']);
  });

  it("a unit that does not read the file is not the file's service: memcached's own template, a RHEL unit and a stray /etc/memcached.conf", async () => {
    const m = new FakeMachine();
    m.paths.add('/run/systemd/system');
    m.on((c) => (c[2] === '--property=LoadState' ? { stdout: 'loaded' } : undefined));
    // memcached's memcached@.service (real: test/fixtures/real/systemd/209-...): -p %i, the sysconfig files.
    const upstream = (unit: string) => {
      const i = /@(.+)\.service$/.exec(unit)?.[1];
      return [
        `ExecStart={ path=/usr/bin/memcached ; argv[]=/usr/bin/memcached -p ${i} -u \${USER} -m \${CACHESIZE} -c \${MAXCONN} $OPTIONS ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }`,
        'EnvironmentFiles=/etc/sysconfig/memcached (ignore_errors=no)',
        `EnvironmentFiles=/etc/sysconfig/memcached.${i} (ignore_errors=yes)`,
      ].join('\n');
    };
    m.on((c) => (c[2] === '--property=ExecStart' ? { stdout: c[c.length - 1].includes('@') ? upstream(c[c.length - 1]) : upstream('memcached@11211.service').replace(/-p 11211/, '-p ${PORT}').replace(/\nEnvironmentFiles=\/etc\/sysconfig\/memcached\.11211.*$/, '') } : undefined));
    const inst = await serviceFor('/etc/memcached_11211.conf', undefined, m);
    expect(inst.target).toBeNull();
    expect(inst.reason).toBe(
      'memcached@11211.service does not read /etc/memcached_11211.conf: its command is "/usr/bin/memcached -p 11211 -u ${USER} -m ${CACHESIZE} -c ${MAXCONN} $OPTIONS" and its environment files are /etc/sysconfig/memcached, /etc/sysconfig/memcached.11211; restart the service that reads it yourself, or name it with --service',
    );
    expect(m.calls).toContainEqual(['systemctl', 'show', '--property=ExecStart', '--property=EnvironmentFiles', '--', 'memcached@11211.service']);
    // RHEL's unit reads /etc/sysconfig/memcached: that file's service, not a stray /etc/memcached.conf's.
    expect((await serviceFor('/etc/sysconfig/memcached', undefined, m)).target?.name).toBe('memcached.service');
    expect((await serviceFor('/etc/memcached.conf', undefined, m)).reason).toMatch(/^memcached\.service does not read \/etc\/memcached\.conf: /);
    // --service is the user's word: no question asked.
    const before = m.calls.length;
    expect((await serviceFor('/etc/memcached.conf', 'memcached', m)).target?.name).toBe('memcached.service');
    expect(m.calls.slice(before).filter((c) => c[2] === '--property=ExecStart')).toEqual([]);
    // systemd's answer is text from outside: a control character in the unit's command is escaped.
    const esc = new FakeMachine();
    esc.paths.add('/run/systemd/system');
    esc.on((c) => (c[2] === '--property=LoadState' ? { stdout: 'loaded' } : c[2] === '--property=ExecStart' ? { stdout: 'ExecStart={ path=/usr/bin/memcached ; argv[]=/usr/bin/memcached -m 64 \u001b[2J ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }' } : undefined));
    const escaped = (await serviceFor('/etc/memcached.conf', undefined, esc)).reason!;
    expect(escaped).not.toContain('\u001b');
    expect(escaped).toContain('/usr/bin/memcached -m 64 ');
    // An answer mchard does not read: no restart, and it says so.
    const odd = new FakeMachine();
    odd.paths.add('/run/systemd/system');
    odd.on((c) => (c[2] === '--property=LoadState' ? { stdout: 'loaded' } : undefined));
    expect((await serviceFor('/etc/memcached.conf', undefined, odd)).reason).toBe("systemd did not show memcached.service's command in a form mchard reads; name the service with --service if it reads /etc/memcached.conf");
  });

  it('a unit systemd does not have means no service, with the reason', async () => {
    const m = systemdMachine();
    const r = await serviceFor('/etc/memcached_other.conf', undefined, m);
    expect(r).toEqual({ target: null, reason: 'systemd has no unit memcached@other.service (not-found)' });
  });

  it('--service names the unit (".service" added) and makes any file the service\'s', async () => {
    const m = systemdMachine();
    expect((await serviceFor('/srv/repo/memcached.conf', 'memcached', m)).target?.name).toBe('memcached.service');
    expect((await serviceFor('/srv/repo/memcached.conf', 'memcached@cache1', m)).target?.name).toBe('memcached@cache1.service');
  });

  it('a file elsewhere has no service without --service, and no command is run', async () => {
    const m = systemdMachine();
    const r = await serviceFor('/srv/repo/memcached.conf', undefined, m);
    expect(r.target).toBeNull();
    expect(r.reason).toMatch(/no service on this machine reads it/);
    expect(m.calls).toEqual([]);
  });

  it('systemd counts only when it is the running init system (/run/systemd/system)', async () => {
    const m = systemdMachine();
    m.paths.delete('/run/systemd/system');
    m.paths.add('/etc/init.d');
    m.paths.add('/etc/init.d/memcached');
    expect((await serviceFor('/etc/memcached.conf', undefined, m)).target?.manager).toBe('sysv');
  });
});

describe('systemd: restart, verify, roll back', () => {
  const target: ServiceTarget = { manager: 'systemd', name: 'memcached.service', instance: null, script: null, pidFiles: [], label: 'memcached.service' };
  let server: Awaited<ReturnType<typeof versionServer>>;
  beforeEach(async () => {
    server = await versionServer();
  });
  afterEach(() => server.close());

  function request(port: number): RestartRequest {
    return {
      path: '/etc/memcached.conf',
      target,
      written: Buffer.from(`-u memcache\n-l 127.0.0.1\n-p ${port}\n-U 0\n`),
      original: Buffer.from(`-u root\n-l 127.0.0.1\n-p ${port}\n-U ${port}\n`),
      backup: '/etc/memcached.conf.mchard-backup',
      after: model(['-u', 'memcache', '-l', '127.0.0.1', '-p', String(port), '-U', '0']),
      before: model(['-u', 'root', '-l', '127.0.0.1', '-p', String(port), '-U', String(port)]),
    };
  }

  it('restarts with systemctl, finds MainPID, and proves the listeners and the version answer', async () => {
    const m = systemdMachine();
    let pid = 100;
    unitState(m, () => ({ active: 'active', pid }));
    m.processes.set(100, { name: 'memcached', sockets: [{ transport: 'tcp', address: '127.0.0.1', port: server.port }, { transport: 'udp', address: '127.0.0.1', port: server.port }] });
    m.processes.set(200, { name: 'memcached', sockets: [{ transport: 'tcp', address: '127.0.0.1', port: server.port }] });
    m.on((c) => (c.join(' ') === 'systemctl restart memcached.service' ? ((pid = 200), {}) : undefined));
    const restore = jest.fn(async (_p: string, _c: Uint8Array, _o: Uint8Array) => undefined);
    const { p, out } = progress();
    const r = await restartService(request(server.port), { machine: m, progress: p, verifyTimeoutMs: 5000, commandTimeoutMs: 1000, restore });
    expect(r.status).toBe('verified');
    expect(m.actions()).toEqual(['systemctl restart memcached.service']);
    expect(restore).not.toHaveBeenCalled();
    expect(out()).toContain(`ok: restart memcached.service: systemctl restart memcached.service`);
    expect(out()).toContain(`it listens on exactly tcp 127.0.0.1:${server.port}`);
    expect(out()).toContain(`tcp 127.0.0.1:${server.port} answers: VERSION 1.6.18`);
  });

  it('a unit that fails: quotes the journal, puts the original back, restarts and verifies it', async () => {
    const m = systemdMachine();
    let state = { active: 'active', pid: 100 };
    let restarts = 0;
    unitState(m, () => state);
    const oldSockets = [{ transport: 'tcp' as const, address: '127.0.0.1', port: server.port }, { transport: 'udp' as const, address: '127.0.0.1', port: server.port }];
    m.processes.set(100, { name: 'memcached', sockets: oldSockets });
    m.processes.set(300, { name: 'memcached', sockets: oldSockets });
    m.on((c) => {
      if (c.join(' ') !== 'systemctl restart memcached.service') return undefined;
      restarts++;
      m.processes.delete(100);
      state = restarts === 1 ? { active: 'failed', pid: 0 } : { active: 'active', pid: 300 };
      return {};
    });
    m.on((c) => (c[0] === 'journalctl' ? { stdout: 'failed to listen on TCP port 11211: Cannot assign requested address' } : undefined));
    const restore = jest.fn(async (_p: string, _c: Uint8Array, _o: Uint8Array) => undefined);
    const { p, out } = progress();
    const req = request(server.port);
    const r = await restartService(req, { machine: m, progress: p, verifyTimeoutMs: 5000, commandTimeoutMs: 1000, restore });
    expect(r.status).toBe('rolled-back');
    expect(r.summary).toBe('memcached.service did not run the fixed file; the original is back and memcached.service runs it again');
    expect(r.serviceError).toContain('Cannot assign requested address');
    expect(restore).toHaveBeenCalledWith('/etc/memcached.conf', req.written, req.original);
    expect(m.actions()).toEqual([
      'systemctl restart memcached.service',
      `journalctl --unit memcached.service --since @${Math.floor(1_700_000_000_000 / 1000)} --no-pager --output cat --lines 12`,
      'systemctl reset-failed memcached.service',
      'systemctl restart memcached.service',
    ]);
    expect(out()).toContain('failed: verify that memcached.service runs /etc/memcached.conf');
    expect(out()).toContain('the service is failed');
    expect(out()).toMatch(/memcached.service said:\n {4}failed to listen on TCP port 11211/);
  });

  it('a listener the file does not ask for (UDP left on) fails the check, by name', async () => {
    const m = systemdMachine();
    let pid = 100;
    unitState(m, () => ({ active: 'active', pid }));
    const both = [{ transport: 'tcp' as const, address: '127.0.0.1', port: server.port }, { transport: 'udp' as const, address: '127.0.0.1', port: server.port }];
    m.processes.set(100, { name: 'memcached', sockets: both });
    m.processes.set(200, { name: 'memcached', sockets: both });
    m.processes.set(300, { name: 'memcached', sockets: both });
    m.on((c) => (c.join(' ') === 'systemctl restart memcached.service' ? ((pid = pid === 100 ? 200 : 300), {}) : undefined));
    const { p, out } = progress();
    const r = await restartService(request(server.port), { machine: m, progress: p, verifyTimeoutMs: 5000, commandTimeoutMs: 1000, restore: jest.fn(async () => undefined) });
    expect(r.status).toBe('rolled-back');
    expect(out()).toContain(`listens on UDP 127.0.0.1:${server.port} though the file turns UDP off`);
  });

  it('a unit that never comes up times out; when the original does not come back either, the rollback fails loudly', async () => {
    const m = systemdMachine();
    let state = { active: 'active', pid: 100 };
    unitState(m, () => state);
    m.processes.set(100, { name: 'memcached', sockets: [] });
    m.on((c) => {
      if (c.join(' ') !== 'systemctl restart memcached.service') return undefined;
      m.processes.delete(100);
      state = { active: 'activating', pid: 0 };
      return {};
    });
    const { p } = progress();
    const r = await restartService(request(server.port), { machine: m, progress: p, verifyTimeoutMs: 3000, commandTimeoutMs: 1000, restore: jest.fn(async () => undefined) });
    expect(r.status).toBe('rollback-failed');
    expect(r.summary).toMatch(/^ROLLBACK FAILED: memcached.service did not run the fixed file; the original file is back, but memcached.service does not run it \(the service is activating after 3 s\)/);
  });

  it('a restart command that fails is a failure too; the original cannot be put back: says where the backup is', async () => {
    const m = systemdMachine();
    unitState(m, () => ({ active: 'active', pid: 100 }));
    m.processes.set(100, { name: 'memcached', sockets: [] });
    m.on((c) => (c[1] === 'restart' ? { exitCode: 1, stderr: 'Job for memcached.service failed because the control process exited with error code.' } : undefined));
    m.on((c) => (c[0] === 'journalctl' ? { stdout: '' } : undefined));
    const { p, out } = progress();
    const restore = jest.fn(async () => {
      throw new Error('read-only file system');
    });
    const r = await restartService(request(server.port), { machine: m, progress: p, verifyTimeoutMs: 3000, commandTimeoutMs: 1000, restore });
    expect(r.status).toBe('rollback-failed');
    expect(r.summary).toContain('Copy /etc/memcached.conf.mchard-backup over /etc/memcached.conf and restart memcached.service');
    expect(r.serviceError).toContain('Job for memcached.service failed');
    expect(out()).toContain('failed: restart memcached.service: systemctl restart memcached.service: exit status 1');
    expect(m.actions().filter((a) => a.includes('restart'))).toHaveLength(1);
  });

  it('a unit that was not running stays stopped: nothing is run, the fixed file is judged by inspection', async () => {
    const m = systemdMachine();
    unitState(m, () => ({ active: 'inactive', pid: 0 }));
    const { p } = progress();
    const restore = jest.fn(async () => undefined);
    const r = await restartService(request(server.port), { machine: m, progress: p, verifyTimeoutMs: 3000, commandTimeoutMs: 1000, restore });
    expect(r.status).toBe('not-restarted');
    expect(r.summary).toBe(
      `memcached.service is not running and stays stopped (--start starts it); when it starts, it reads the fixed /etc/memcached.conf: by inspection, memcached starts as memcache, listening on tcp 127.0.0.1:${server.port}`,
    );
    expect(m.actions()).toEqual([]);
    expect(restore).not.toHaveBeenCalled();
  });

  it('a stopped unit and a fixed file that would not start: the original goes back, the unit is not touched', async () => {
    const m = systemdMachine();
    unitState(m, () => ({ active: 'failed', pid: 0 }));
    const { p } = progress();
    const restore = jest.fn(async () => undefined);
    const req = { ...request(server.port), after: model(['-u', 'memcache', '-l', '127.0.0.1', '-p', String(server.port), '-U', '0', '-c', 'x']) };
    const r = await restartService(req, { machine: m, progress: p, verifyTimeoutMs: 3000, commandTimeoutMs: 1000, restore });
    expect(r.status).toBe('rolled-back');
    expect(r.summary).toMatch(/^memcached.service is not running and stays stopped; the fixed file would not start it \(memcached would exit 1 /);
    expect(restore).toHaveBeenCalledTimes(1);
    expect(m.actions()).toEqual([]);
  });

  it('--start: a unit that was not running is started; when the fixed file fails, the original goes back and it is stopped again', async () => {
    const m = systemdMachine();
    let state = { active: 'inactive', pid: 0 };
    unitState(m, () => state);
    m.on((c) => (c[1] === 'start' ? ((state = { active: 'failed', pid: 0 }), {}) : undefined));
    const { p } = progress();
    const r = await restartService(request(server.port), { machine: m, progress: p, verifyTimeoutMs: 3000, commandTimeoutMs: 1000, start: true, restore: jest.fn(async () => undefined) });
    expect(r.status).toBe('rolled-back');
    expect(r.summary).toBe('memcached.service did not run the fixed file; the original is back, and memcached.service, which was not running before, is stopped again');
    expect(m.actions().filter((a) => a.startsWith('systemctl'))).toEqual(['systemctl start memcached.service', 'systemctl stop memcached.service']);
  });
});
