/**
 * `mchard fix` and the restart, in process, on a fake machine (systemd, fake runner): when it restarts,
 * asks, or does not, and the exit status 3 with the original file back byte for byte after a failure.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFix, type FixHooks } from '../../src/cli/fix.js';
import type { Io } from '../../src/cli/io.js';
import { Signals } from '../helpers/signals.js';
import { debianExecStart, FakeMachine, versionServer } from './fake-machine.js';

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
  m.on((c) => (c[2] === '--property=LoadState' ? { stdout: 'loaded' } : c[2] === '--property=ExecStart' ? { stdout: debianExecStart(c[c.length - 1]) } : undefined));
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

  // The file's name in the restart's messages: a line break in it made a line of its own, which could say
  // anything ("restarted: ... runs the fixed file") under a failed restart.
  it('a file name with a line break is one escaped line in every restart message, never a line of its own', async () => {
    const { text } = insecure();
    const forged = 'restarted: memcached.service runs the fixed memcached.conf';
    const path = join(dir, `memcached\n${forged}\n.conf`);
    writeFileSync(path, text);
    const m = machine('fail');
    const r = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--dialect', 'debian', '--service', 'memcached', path], { service: { machine: m, verifyTimeoutMs: 3000 } });
    expect(r.code).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe(text);
    const shownPath = path.replace(/\n/g, '\\n');
    expect(r.err).toBe(`mchard: ${shownPath}: memcached.service did not run the fixed file; the original is back and memcached.service runs it again\n`);
    expect(`${r.out}\n${r.err}`.split('\n').filter((l) => l.startsWith(forged))).toEqual([]);
    const kept = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--dialect', 'debian', '--no-restart', path], { service: { machine: machine('tcp-only') } });
    expect(kept.out.split('\n').filter((l) => l.startsWith(forged) || l === '.conf until it restarts')).toEqual([]);
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

describe('mchard fix: signals during the restart (fake systemd)', () => {
  it('a signal during the restart command: the command finishes, the original goes back, the service runs it again; exit 130', async () => {
    const { path, text } = insecure();
    const m = machine('tcp-only');
    const signals = new Signals();
    m.watch((c) => c[1] === 'restart' && m.calls.filter((x) => x[1] === 'restart').length === 1 && signals.emit('SIGINT'));
    const r = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--format', 'json', '--service', 'memcached', path], { signals, service: { machine: m, verifyTimeoutMs: 3000 } });
    expect(r.code).toBe(130);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(m.actions().filter((a) => a.startsWith('systemctl'))).toEqual(['systemctl restart memcached.service', 'systemctl reset-failed memcached.service', 'systemctl restart memcached.service']);
    expect(r.err).toContain('mchard: SIGINT: putting the original');
    expect(r.err).toContain(`mchard: ${path}: interrupted (SIGINT); the original is back and memcached.service runs it again`);
    const [f] = JSON.parse(r.out).files;
    expect(f).toMatchObject({ changed: true, written: false, backup: expect.stringMatching(/\/memcached\.conf\.mchard-backup-\d{8}T\d{6}Z$/), fixed: [] });
    expect(f.restart).toEqual({ service: 'memcached.service', outcome: 'rolled-back', reason: 'interrupted (SIGINT); the original is back and memcached.service runs it again' });
    expect(f.notFixed[0]).toMatchObject({ kind: 'rolled-back' });
    // The report is the original's (runs as root).
    expect(f.findings.map((x: { ruleId: string }) => x.ruleId)).toContain('MC201');
  });

  it('a second signal during the rollback is reported and the rollback goes on; a third stops mchard at once, naming the backup', async () => {
    const { path } = insecure();
    const m = machine('tcp-only');
    const signals = new Signals();
    const exits: number[] = [];
    let restarts = 0;
    m.watch((c) => {
      if (c[1] !== 'restart') return;
      restarts++;
      if (restarts === 1) signals.emit('SIGTERM');
      if (restarts === 2) signals.emit('SIGINT');
    });
    const r = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--service', 'memcached', path], { signals, exit: (c) => void exits.push(c), service: { machine: m, verifyTimeoutMs: 3000 } });
    expect(r.err).toMatch(/mchard: SIGINT again: still putting memcached.service back as it was \(restarting it with the original .*\); one more signal stops mchard at once/);
    expect(exits).toEqual([]);
    expect(r.code).toBe(143);

    // Again, with a third signal while the original is restarted.
    const again = insecure();
    const m2 = machine('tcp-only');
    const signals2 = new Signals();
    let n = 0;
    m2.watch((c) => {
      if (c[1] !== 'restart') return;
      n++;
      if (n === 1) signals2.emit('SIGTERM');
      if (n === 2) {
        signals2.emit('SIGTERM');
        signals2.emit('SIGTERM');
      }
    });
    const r2 = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--service', 'memcached', again.path], { signals: signals2, exit: (c) => void exits.push(c), service: { machine: m2, verifyTimeoutMs: 3000 } });
    expect(exits).toEqual([143]);
    expect(r2.err).toContain(`mchard: SIGTERM: STOPPED DURING THE ROLLBACK of ${again.path}. The original is back in ${again.path}, but memcached.service may be down or still running the fixed file: systemctl restart memcached.service`);
  });

  it('a third signal before the original is back names the backup and the command to run', async () => {
    const { path } = insecure();
    const m = machine('tcp-only');
    const signals = new Signals();
    const exits: number[] = [];
    m.watch((c) => c[1] === 'restart' && ['SIGINT', 'SIGINT', 'SIGINT'].forEach((s) => signals.emit(s)));
    const r = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--service', 'memcached', path], { signals, exit: (c) => void exits.push(c), service: { machine: m, verifyTimeoutMs: 3000 } });
    expect(exits[0]).toBe(130);
    const backup = /; backup in (\S+)$/m.exec(r.out)?.[1];
    expect(backup).toMatch(/\/memcached\.conf\.mchard-backup-\d{8}T\d{6}Z$/);
    expect(r.err).toContain(
      `STOPPED DURING THE ROLLBACK of ${path}. ${path} may still hold the fixed file, and memcached.service may be down or running it; the original is in ${backup}: cp -p ${backup} ${path} && systemctl restart memcached.service`,
    );
  });
});

describe('mchard fix: a service that is not running stays stopped', () => {
  function stopped() {
    const m = new FakeMachine();
    m.paths.add('/run/systemd/system');
    let state = { active: 'inactive', pid: 0 };
    m.on((c) => (c[2] === '--property=LoadState' ? { stdout: 'loaded' } : c[2] === '--property=ExecStart' ? { stdout: debianExecStart(c[c.length - 1]) } : undefined));
    m.on((c) => (c[2] === '--property=ActiveState,MainPID' ? { stdout: `ActiveState=${state.active}\nMainPID=${state.pid}` } : undefined));
    m.on((c) => {
      if (c[1] !== 'start') return undefined;
      m.processes.set(300, { name: 'memcached', sockets: [{ transport: 'tcp', address: '127.0.0.1', port: server.port }] });
      state = { active: 'active', pid: 300 };
      return {};
    });
    return m;
  }

  it('--yes writes the file and leaves the service stopped; the new file is judged by inspection', async () => {
    const { path } = insecure();
    const m = stopped();
    const r = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--format', 'json', '--service', 'memcached', path], { service: { machine: m } });
    expect(r.code).toBe(0);
    expect(m.actions()).toEqual([]);
    expect(r.err).toContain(`not restarted: memcached.service is not running and stays stopped (--start starts it); when it starts, it reads the fixed ${path}: by inspection, memcached starts as memcache, listening on tcp 127.0.0.1:${server.port}`);
    const [f] = JSON.parse(r.out).files;
    expect(f).toMatchObject({ written: true, restart: { service: 'memcached.service', outcome: 'not-restarted' } });
  });

  it('--start starts it and verifies it', async () => {
    const { path } = insecure();
    const m = stopped();
    const r = await fix(['--yes', '--unsafe-fixes', '--start', '--no-host-checks', '--service', 'memcached', path], { service: { machine: m, verifyTimeoutMs: 3000 } });
    expect(r.code).toBe(0);
    expect(m.actions()).toEqual(['systemctl start memcached.service']);
    expect(r.out).toContain(`restarted: memcached.service runs the fixed ${path}`);
  });
});

describe('mchard fix: a clean file whose running service differs (drift)', () => {
  /** The service runs `words` and holds TCP and UDP; a restart makes it run the file as it is (TCP only). */
  function drifted(words: string[]) {
    const m = new FakeMachine();
    m.paths.add('/run/systemd/system');
    let state = { active: 'active', pid: 100 };
    const port = server.port;
    m.processes.set(100, { name: 'memcached', words, user: 'root', sockets: [{ transport: 'tcp', address: '127.0.0.1', port }, { transport: 'udp', address: '127.0.0.1', port }] });
    m.on((c) => (c[2] === '--property=LoadState' ? { stdout: 'loaded' } : c[2] === '--property=ExecStart' ? { stdout: debianExecStart(c[c.length - 1]) } : undefined));
    m.on((c) => (c[2] === '--property=ActiveState,MainPID' ? { stdout: `ActiveState=${state.active}\nMainPID=${state.pid}` } : undefined));
    m.on((c) => {
      if (c[1] !== 'restart') return undefined;
      m.processes.set(101, { name: 'memcached', sockets: [{ transport: 'tcp', address: '127.0.0.1', port }] });
      state = { active: 'active', pid: 101 };
      return {};
    });
    return m;
  }

  function clean(): string {
    const path = join(dir, 'memcached.conf');
    writeFileSync(path, `-m 64\n-p ${server.port}\n-u memcache\n-l 127.0.0.1\n-U 0\n`);
    return path;
  }

  it('--yes restarts it, so an interrupted provisioning run converges', async () => {
    const path = clean();
    const m = drifted(['-m', '64', '-p', String(server.port), '-u', 'root', '-l', '127.0.0.1', '-U', String(server.port)]);
    const r = await fix(['--yes', '--format', 'json', '--service', 'memcached', path], { service: { machine: m, verifyTimeoutMs: 3000 } });
    expect(r.code).toBe(0);
    expect(r.err).toContain(`memcached.service (pid 100) does not run ${path} as it is now; a restart loads it:`);
    expect(r.err).toContain(`  the file asks for tcp 127.0.0.1:${server.port}; the process listens on tcp 127.0.0.1:${server.port}, udp 127.0.0.1:${server.port}`);
    expect(r.err).toContain('  the file runs memcached as memcache; the process runs as root');
    expect(m.actions()).toEqual(['systemctl restart memcached.service']);
    const [f] = JSON.parse(r.out).files;
    expect(f).toMatchObject({ changed: false, written: false, restart: { service: 'memcached.service', outcome: 'verified', reason: `memcached.service runs ${path}` } });
  });

  it('on a terminal it asks; without one, and with --dry-run, it only says so', async () => {
    const path = clean();
    const words = ['-m', '64', '-p', String(server.port), '-u', 'root', '-l', '127.0.0.1', '-U', String(server.port)];
    const asked: string[] = [];
    const m = drifted(words);
    const r = await fix(['--service', 'memcached', path], { confirm: async (q) => (asked.push(q), false), service: { machine: m } }, true);
    expect(asked).toEqual([`Restart memcached.service now so that it runs ${path} as it is?`]);
    expect(m.actions()).toEqual([]);
    expect(r.code).toBe(0);
    const m2 = drifted(words);
    const none = await fix(['--service', 'memcached', path], { service: { machine: m2 } });
    expect(none.out).toContain('not restarted: no terminal to confirm; restart memcached.service to load it, or use --restart');
    expect(m2.actions()).toEqual([]);
    const m3 = drifted(words);
    const dry = await fix(['--dry-run', '--service', 'memcached', path], { service: { machine: m3 } });
    expect(dry.code).toBe(1);
    expect(dry.out).toContain('dry run: memcached.service was not restarted');
    expect(m3.actions()).toEqual([]);
  });

  it('a file that certainly fails is never restarted into: the running memcached keeps running', async () => {
    const words = ['-m', '64', '-p', String(server.port), '-u', 'memcache', '-l', '127.0.0.1', '-U', '0'];
    const path = join(dir, 'memcached.conf');
    // dash rejects the line (a pasted terminal hyperlink's ";;"): the service fails before memcached runs.
    writeFileSync(path, `-m 64\n-p ${server.port}\n-u memcache\n-l 127.0.0.1 ;;\n-U 0\n`);
    const m = drifted(words);
    const r = await fix(['--yes', '--format', 'json', '--service', 'memcached', path], { service: { machine: m, verifyTimeoutMs: 3000 } });
    expect(m.actions()).toEqual([]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`not restarted: memcached.service (pid 100) runs an earlier ${path}: ${path} as it is would not start it (the service fails before memcached runs (exit status 2): /bin/sh: sh: 1: Syntax error: ";;" unexpected`);
    expect(r.err).toContain('a restart would only stop the running memcached');
    expect(r.err).toContain(`not fixed  ${path}: the service fails before memcached runs`);
    const [f] = JSON.parse(r.out).files;
    expect(f).toMatchObject({ changed: false, written: false, restart: { service: 'memcached.service', outcome: 'not-restarted' }, notFixed: [{ ruleId: 'MC914' }] });
    // memcached itself would exit (no threads): the same.
    writeFileSync(path, `-m 64\n-p ${server.port}\n-u memcache\n-l 127.0.0.1\n-U 0\n-t 0\n`);
    const m2 = drifted(words);
    const r2 = await fix(['--yes', '--service', 'memcached', path], { service: { machine: m2, verifyTimeoutMs: 3000 } });
    expect(m2.actions()).toEqual([]);
    expect(r2.out).toContain('memcached would exit 1');
    expect(r2.out).toContain('a restart would only stop the running memcached');
  });

  it('a service that runs the file as it is is left alone', async () => {
    const path = clean();
    const m = drifted(['-m', '64', '-p', String(server.port), '-u', 'memcache', '-l', '127.0.0.1', '-U', '0']);
    m.processes.set(100, { ...m.processes.get(100)!, user: 'memcache', sockets: [{ transport: 'tcp', address: '127.0.0.1', port: server.port }] });
    const r = await fix(['--yes', '--service', 'memcached', path], { service: { machine: m } });
    expect(r.code).toBe(0);
    expect(m.actions()).toEqual([]);
    expect(r.out).not.toContain('does not run');
  });
});

describe('a file no service runs here, though it looks like one', () => {
  it('/etc/memcached.conf while /etc/memcached_*.conf exist (Debian SysV): says why and what to run', async () => {
    const m = new FakeMachine();
    m.paths.add('/etc/init.d');
    m.paths.add('/etc/init.d/memcached');
    m.paths.add('/etc/memcached_a.conf');
    m.paths.add('/etc/memcached_b.conf');
    let said = '';
    const { afterWrite } = await import('../../src/service/after-write.js');
    const { Progress } = await import('../../src/service/progress.js');
    const model = (await import('../helpers/argv.js')).run(['-u', 'memcache']);
    const report = await afterWrite(
      { path: '/etc/memcached.conf', dialect: 'debian', written: Buffer.from('-u memcache\n'), original: Buffer.from('-u root\n'), backup: null, before: model, after: model, exact: true },
      {
        decision: 'restart',
        explicit: false,
        start: false,
        ask: null,
        say: (t) => void (said += t),
        err: (t) => void (said += t),
        progress: new Progress({ write: () => undefined, tty: false, color: false }),
        machine: m,
        verifyTimeoutMs: 1000,
        commandTimeoutMs: 1000,
      },
    );
    expect(said).toBe(
      'not restarted: /etc/memcached.conf: /etc/init.d/memcached starts the instances /etc/memcached_a.conf, /etc/memcached_b.conf and does not read /etc/memcached.conf while they exist, so no service runs this file: fix the instances instead (mchard fix /etc/memcached_a.conf /etc/memcached_b.conf), or move them out of /etc and restart memcached (service memcached restart)\n',
    );
    expect(report).toMatchObject({ service: null, outcome: 'not-restarted' });
    expect(m.calls).toEqual([]);
  });
});

describe('SysV: a pid file others can change does not tell which process is the service', () => {
  // The file's own -P is /tmp/memcached.pid (0666, or in a folder others can write): another user writes
  // the pid of a memcached of their own there. It differs from the file, so fix --yes took it for the
  // service's memcached running an earlier file and restarted the service; after a write, its restart's
  // verification would judge that process.
  function sysv(): FakeMachine {
    const m = new FakeMachine();
    m.paths.add('/etc/init.d');
    m.paths.add('/etc/init.d/memcached');
    m.files.set('/tmp/memcached.pid', '66');
    m.processes.set(66, { name: 'memcached', words: ['-p', '11999', '-U', '11999'], user: 'mallory', sockets: [{ transport: 'tcp', address: '0.0.0.0', port: 11999 }] });
    m.doubts.set('/tmp/memcached.pid', 'every user can write /tmp/memcached.pid (mode 0666)');
    return m;
  }
  const unknown =
    'which process is memcached is unknown: /tmp/memcached.pid names memcached pid 66, but every user can write /tmp/memcached.pid (mode 0666); whoever can change a pid file can make it name any process (a pid file only root and the service\'s user can change would decide it)';

  it('a clean file: no drift is claimed and nothing is restarted; it says the state is unknown', async () => {
    const path = join(dir, 'memcached.conf');
    writeFileSync(path, `-m 64\n-p ${server.port}\n-u memcache\n-l 127.0.0.1\n-U 0\n-P /tmp/memcached.pid\n`);
    const m = sysv();
    const r = await fix(['--yes', '--format', 'json', '--service', 'memcached', path], { service: { machine: m, verifyTimeoutMs: 1000 } });
    expect(m.actions()).toEqual([]);
    expect(r.err).not.toContain('does not run');
    expect(r.err).toContain(`not restarted: memcached: whether it runs ${path} as it is now is unknown: ${unknown}`);
    const [f] = JSON.parse(r.out).files;
    expect(f).toMatchObject({ changed: false, written: false, restart: { service: 'memcached', outcome: 'not-restarted' } });
  });

  it('a fixed file: not restarted (its verification could not tell the service from another process), and says so', async () => {
    const path = join(dir, 'memcached.conf');
    writeFileSync(path, `-m 64\n-p ${server.port}\n-u memcache\n-U 0\n-P /tmp/memcached.pid\n`);
    const m = sysv();
    const r = await fix(['--yes', '--unsafe-fixes', '--no-host-checks', '--format', 'json', '--service', 'memcached', path], { service: { machine: m, verifyTimeoutMs: 1000 } });
    expect(m.actions()).toEqual([]);
    expect(r.err).toContain(`not restarted: ${unknown}; restart memcached yourself to load the fixed ${path}`);
    const [f] = JSON.parse(r.out).files;
    expect(f).toMatchObject({ written: true, restart: { service: 'memcached', outcome: 'not-restarted' } });
  });
});
