/**
 * `mchard fix` restarts the machine's real memcached service and proves the fix is live, or rolls back.
 * Debian's own init script starts memcached from an insecure /etc/memcached.conf (loopback only, but
 * running as root with UDP on); the built CLI runs `mchard fix --yes`; `ss` must then show memcached on
 * 127.0.0.1 TCP only, no UDP, as user memcache. The failure path: a fix that memcached cannot start with
 * ends with the original file back byte for byte, memcached running it again, and exit status 3.
 * Holds the system-service lock throughout; restores /etc/memcached.conf byte for byte and leaves the
 * service as found. Needs root, the memcached package (init script), ss, perl; skipped otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { buildCli } from '../fix/helpers.js';
import { BACKUP, CONF, freePort, INIT, inNs, memcachedSockets, serviceSockets, serviceTestsMissing, useServiceSession, sh, userOf, waitFor } from '../helpers/debian-service.js';

const missing = serviceTestsMissing();
const d = missing.length ? describe.skip : describe;
if (missing.length) console.warn(`skipping the real service restart test: needs ${missing.join(', ')}`);

const t = useServiceSession(missing, 'mchard-service-', buildCli);

function mchard(args: string[], ns: string | null = null) {
  const [cmd, argv] = inNs(ns, process.execPath, [t.cli, ...args]);
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    timeout: 120_000,
    cwd: '/',
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', NO_COLOR: '1', LANG: 'C' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Writes /etc/memcached.conf, starts the service with Debian's init script, and waits until it listens on `port`. */
async function startWith(text: string, port: number, ns: string | null = null) {
  writeFileSync(CONF, text);
  const started = sh(...inNs(ns, INIT, ['start']));
  expect(started.status).toBe(0);
  return waitFor(`memcached on port ${port}`, () => {
    const mine = memcachedSockets(ns).filter((s) => s.local.endsWith(`:${port}`));
    return mine.length ? mine : null;
  });
}

d('mchard fix restarts the real service', () => {
  it('an insecure /etc/memcached.conf, fixed with --yes: memcached listens on 127.0.0.1 TCP only, no UDP, as memcache', async () => {
    const port = freePort();
    const insecure = `# insecure on purpose: root, UDP, verbose (loopback only)\nlogfile ${t.dir}/memcached.log\n-m 64\n-p ${port}\n-u root\n-l 127.0.0.1\n-U ${port}\n-vv\n`;
    const before = await startWith(insecure, port);
    // It really was insecure: root, and UDP on.
    expect(before.map((s) => s.netid).sort()).toEqual(['tcp', 'udp']);
    expect(userOf(before[0].pid)).toBe('root');

    const r = mchard(['fix', '--yes', CONF]);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/restarted: memcached(\.service)? runs the fixed \/etc\/memcached.conf/);

    const after = serviceSockets(port);
    expect(after.map(({ netid, local }) => ({ netid, local }))).toEqual([{ netid: 'tcp', local: `127.0.0.1:${port}` }]);
    expect(after[0].pid).not.toBe(before[0].pid);
    expect(userOf(after[0].pid)).toBe('memcache');
    const backup = /backup in (\S+)$/m.exec(r.out)?.[1];
    expect(backup).toMatch(BACKUP);
    expect(readFileSync(backup!, 'utf8')).toBe(insecure);
  });

  it('a fix memcached cannot start with is rolled back: the original file byte for byte, memcached running it again, exit 3', async () => {
    const port = freePort();
    // Works as it is (loopback, TCP only) but runs as root; the fix makes it switch to a user this machine lacks.
    const original = `# runs as root\nlogfile ${t.dir}/memcached.log\n-m 64\n-p ${port}\n-u root\n-l 127.0.0.1\n-U 0\n`;
    const before = await startWith(original, port);
    const r = mchard(['fix', '--yes', '--unsafe-fixes', '--no-host-checks', '--user', 'mchard_no_such_user', CONF]);
    expect(r.code).toBe(3);
    expect(r.out).toContain("can't find the user mchard_no_such_user to switch to");
    expect(r.err).toMatch(/did not run the fixed file; the original is back and memcached(\.service)? runs it again/);
    expect(readFileSync(CONF)).toEqual(Buffer.from(original));
    const after = serviceSockets(port);
    expect(after.map(({ netid, local }) => ({ netid, local }))).toEqual([{ netid: 'tcp', local: `127.0.0.1:${port}` }]);
    expect(after[0].pid).not.toBe(before[0].pid);
    expect(userOf(after[0].pid)).toBe('root');
  });
});

/**
 * The lead's failure case exactly: `--listen 192.0.2.1` (TEST-NET-1, on no interface) makes memcached fail
 * to bind (exit 71). The listen fix only applies to a file that listens beyond loopback, so the service
 * runs in a network namespace of its own whose only interface is lo: its `-l 0.0.0.0` reaches loopback
 * only. Only where systemd is not the init system (the init script would hand the start to systemd,
 * outside the namespace) and network namespaces can be made.
 */
const NS = `mchard-svc-${process.pid}`;
const netnsOk = missing.length === 0 && !existsSync('/run/systemd/system') && sh('ip', ['netns', 'add', NS]).status === 0;
if (netnsOk) sh('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
afterAll(() => {
  if (netnsOk) sh('ip', ['netns', 'delete', NS]);
});
(netnsOk ? describe : describe.skip)('mchard fix restarts the real service (network namespace)', () => {
  it('--listen 192.0.2.1 --no-host-checks: memcached cannot bind, the original comes back and runs, exit 3', async () => {
    const port = freePort();
    const original = `# everything, but the namespace has only lo\nlogfile ${t.dir}/memcached.log\n-m 64\n-p ${port}\n-u memcache\n-l 0.0.0.0\n-U 0\n`;
    const before = await startWith(original, port, NS);
    expect(before.map(({ netid, local }) => ({ netid, local }))).toEqual([{ netid: 'tcp', local: `0.0.0.0:${port}` }]);
    const r = mchard(['fix', '--yes', '--no-host-checks', '--listen', '192.0.2.1', CONF], NS);
    expect(r.out).toContain('+-l 192.0.2.1');
    expect(r.out).toMatch(/bind\(\): Cannot assign requested address\n +failed to listen on one of interface\(s\) 192.0.2.1/);
    expect(r.err).toMatch(/did not run the fixed file; the original is back and memcached(\.service)? runs it again/);
    expect(r.code).toBe(3);
    expect(readFileSync(CONF)).toEqual(Buffer.from(original));
    const after = serviceSockets(port, NS);
    expect(after.map(({ netid, local }) => ({ netid, local }))).toEqual([{ netid: 'tcp', local: `0.0.0.0:${port}` }]);
    expect(after[0].pid).not.toBe(before[0].pid);
  });
});
