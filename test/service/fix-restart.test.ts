/**
 * `mchard fix` and the restart, in process, on a fake machine (systemd, fake runner): when it restarts,
 * asks, or does not, and the exit status 3 with the original file back byte for byte after a failure.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFix, type FixHooks } from '../../src/cli/fix.js';
import type { Io } from '../../src/cli/io.js';
import { FakeMachine, versionServer } from './fake-machine.js';

let dir = '';
let server: Awaited<ReturnType<typeof versionServer>>;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mchard-fixrestart-'));
  server = await versionServer();
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server.close();
});

/** A systemd machine whose memcached.service, once restarted, holds `after` (or fails when null). */
function machine(after: 'tcp-only' | 'fail') {
  const m = new FakeMachine();
  m.paths.add('/run/systemd/system');
  let state = { active: 'active', pid: 100 };
  let restarts = 0;
  const port = server.port;
  m.processes.set(100, { name: 'memcached', sockets: [{ transport: 'tcp', address: '127.0.0.1', port }, { transport: 'udp', address: '127.0.0.1', port }] });
  m.on((c) => (c[2] === '--property=LoadState' ? { stdout: 'loaded' } : undefined));
  m.on((c) => (c[2] === '--property=ActiveState,MainPID' ? { stdout: `ActiveState=${state.active}\nMainPID=${state.pid}` } : undefined));
  m.on((c) => {
    if (c[1] !== 'restart') return undefined;
    restarts++;
    const pid = 100 + restarts;
    if (after === 'fail' && restarts === 1) {
      state = { active: 'failed', pid: 0 };
    } else {
      // The first restart runs the fixed file (TCP only); a second one, the rollback, runs the original (TCP and UDP).
      const udp = restarts > 1 ? [{ transport: 'udp' as const, address: '127.0.0.1', port }] : [];
      m.processes.set(pid, { name: 'memcached', sockets: [{ transport: 'tcp', address: '127.0.0.1', port }, ...udp] });
      state = { active: 'active', pid };
    }
    return {};
  });
  m.on((c) => (c[0] === 'journalctl' ? { stdout: 'memcached.service: Main process exited, code=exited, status=71/OSERR' } : undefined));
  return m;
}

async function fix(args: string[], hooks: FixHooks, tty = false) {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), stdoutStream: { isTTY: false }, stdinIsTTY: tty };
  const code = await runFix(['--no-color', ...args], io, hooks);
  return { code, out, err };
}

function insecure(): { path: string; text: string } {
  const text = `# cache\n-m 64\n-p ${server.port}\n-u root\n-l 127.0.0.1\n-U ${server.port}\n`;
  const path = join(dir, 'memcached.conf');
  writeFileSync(path, text);
  return { path, text };
}

describe('mchard fix: restarting the service', () => {
  it('--yes writes and restarts, and the verified restart exits 0', async () => {
    const { path } = insecure();
    const m = machine('tcp-only');
    const r = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--service', 'memcached', path], { service: { machine: m, verifyTimeoutMs: 3000 } });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(m.actions()).toEqual(['systemctl restart memcached.service']);
    expect(r.out).toContain(`it listens on exactly tcp 127.0.0.1:${server.port}`);
    expect(r.out).toContain(`restarted: memcached.service runs the fixed ${path}`);
  });

  it('a failed restart puts the original back byte for byte, restarts it, and exits 3', async () => {
    const { path, text } = insecure();
    const m = machine('fail');
    const r = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--service', 'memcached', path], { service: { machine: m, verifyTimeoutMs: 3000 } });
    expect(r.code).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(m.actions().filter((a) => a.startsWith('systemctl'))).toEqual(['systemctl restart memcached.service', 'systemctl reset-failed memcached.service', 'systemctl restart memcached.service']);
    expect(r.out).toContain('status=71/OSERR');
    expect(r.err).toBe(`mchard: ${path}: memcached.service did not run the fixed file; the original is back and memcached.service runs it again\n`);
    // The report is the original file's again: it still runs as root.
    expect(r.out).toMatch(/MC201/);
  });

  it('--no-restart writes and does not restart', async () => {
    const { path } = insecure();
    const m = machine('tcp-only');
    const r = await fix(['--yes', '--unsafe-fixes', '--no-restart', '--no-host-checks', path], { service: { machine: m } });
    expect(r.code).toBe(0);
    expect(m.actions()).toEqual([]);
  });

  it('on a terminal it asks a second question; no means no restart', async () => {
    const { path } = insecure();
    const m = machine('tcp-only');
    const asked: string[] = [];
    const confirm = async (q: string) => {
      asked.push(q);
      return q.startsWith('Write');
    };
    const r = await fix(['--unsafe-fixes', '--no-host-checks', '--service', 'memcached', path], { confirm, service: { machine: m } }, true);
    expect(asked).toEqual([`Write these changes to ${path}?`, `Restart memcached.service now so that it runs the fixed ${path}?`]);
    expect(m.actions()).toEqual([]);
    expect(r.out).toContain('not restarted: memcached.service runs the old');
    expect(r.code).toBe(0);
  });

  it('a file no service reads is never followed by a restart; --restart says so in one line', async () => {
    const { path } = insecure();
    const m = machine('tcp-only');
    m.paths.add('/etc/init.d');
    const r = await fix(['--yes', '--unsafe-fixes', '--restart', '--no-host-checks', path], { service: { machine: m } });
    expect(r.code).toBe(0);
    expect(m.calls).toEqual([]);
    expect(r.out.split('\n').filter((l) => l.startsWith('not restarted'))).toEqual([`not restarted: ${path}: no service on this machine reads it (only /etc/memcached.conf, /etc/memcached_NAME.conf and /etc/sysconfig/memcached are, or name one with --service)`]);
  });

  it.each([
    [['--service', 'a b'], /not a service name/],
    [['--service', 'memcached', '--no-restart'], /contradict/],
  ])('usage error %j', async (args, msg) => {
    const { path, text } = insecure();
    await expect(fix([...args, path], {})).rejects.toThrow(msg);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
