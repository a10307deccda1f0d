/**
 * `audit` never says "no running memcached process" of processes it could not see, nor "listens on:
 * nothing" of sockets it could not read. Real kernels' rules, in namespaces of the test's own
 * (`unshare --pid --fork --mount --net --mount-proc`: a PID namespace whose /proc the test remounts, and a
 * network namespace with only its own loopback, gone with it):
 *
 * - /proc mounted with `hidepid=2`: a user who is not root sees only their own processes. Before: "no
 *   running memcached process found", exit 0, while memcached ran as another user.
 * - A plain /proc, audited by a user who is not root: another user's /proc/PID/fd cannot be read. Before:
 *   "listens on: nothing" for a memcached listening on a TCP port, exit 0.
 * - As root in the PID namespace: the process is audited, with a note that the host's are not visible.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processVisibility } from '../../src/audit/processes.js';
import { BIN, ensureBuilt } from '../cli/helpers.js';

const usable =
  process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync('/usr/bin/setpriv') && existsSync('/usr/bin/memcached') && spawnSync('id', ['memcache']).status === 0;
if (!usable) console.warn('audit-visibility: skipped (needs root, unshare, setpriv, the memcached package and its memcache user)');
const maybe = usable ? describe : describe.skip;

/**
 * In fresh PID, mount and network namespaces: /proc mounted with `procOptions`, memcached started as
 * memcache on the namespace's loopback, then `mchard audit ARGS` as `asUser` (nobody or root).
 */
function auditInNamespaces(procOptions: string, asUser: 'nobody' | 'root', args: string[] = []) {
  const drop = asUser === 'nobody' ? 'setpriv --reuid=65534 --regid=65534 --clear-groups' : '';
  const script = [
    'set -e',
    'ip link set lo up',
    `mount -t proc -o ${procOptions} proc /proc`,
    '/usr/bin/memcached -u memcache -l 127.0.0.1 -p 11311 -U 0 &',
    // Until it listens (its socket in the namespace's table: port 11311 is 2C2F).
    'for i in $(seq 50); do grep -q ":2C2F 00000000:0000 0A" /proc/net/tcp && break; sleep 0.05; done',
    'set +e',
    `cd / && ${drop} "$@"`,
    'echo "--- rc $?"',
  ].join('\n');
  const r = spawnSync('unshare', ['--pid', '--fork', '--mount', '--net', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', process.execPath, BIN, 'audit', '--no-firewall', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', MCHARD_CODE_CACHE: 'off', HOME: '/' },
    timeout: 30_000,
  });
  const at = r.stdout.lastIndexOf('--- rc ');
  return { out: r.stdout.slice(0, at), code: Number(r.stdout.slice(at + 7).trim()), err: r.stderr };
}

maybe('audit: what it cannot see is said, never taken for nothing', () => {
  beforeAll(() => ensureBuilt());

  it('hidepid=2, as nobody: not "no running memcached process found" (exit 0) but what is hidden, exit 2', () => {
    const r = auditInNamespaces('hidepid=2', 'nobody');
    expect(r.out).not.toContain('no running memcached process found\n');
    expect(r.out).toMatch(/no running memcached process found among those mchard can see \(\/proc is mounted with hidepid=(2|invisible): the processes of other users are hidden from this user; mchard runs in a PID namespace of its own/);
    expect(r.err).toMatch(/^mchard: \/proc is mounted with hidepid=(2|invisible): the processes of other users are hidden from this user: their memcached processes were not audited; run mchard audit as root\n$/);
    expect(r.code).toBe(2);
  });

  it("a plain /proc, as nobody: memcache's process is found, its sockets are unknown (not 'nothing'), exit 2; JSON says null, and why", () => {
    const r = auditInNamespaces('rw', 'nobody');
    expect(r.out).toMatch(/memcached pid \d+ \(user memcache\): \/usr\/bin\/memcached -u memcache -l 127\.0\.0\.1 -p 11311 -U 0\n/);
    expect(r.out).toMatch(/ {2}listens on: unknown \(\/proc\/\d+\/fd: permission denied: run mchard audit as root to see its sockets\)\n/);
    expect(r.out).not.toContain('listens on: nothing');
    expect(r.err).toMatch(/^mchard: the sockets of process \d+ could not be read \(permission denied\): what it listens on, and who can reach it, was not checked; run mchard audit as root\n$/);
    expect(r.code).toBe(2);
    const j = auditInNamespaces('rw', 'nobody', ['--format', 'json']);
    const p = JSON.parse(j.out).files[0].process;
    expect(p.sockets).toBeNull();
    expect(p.socketsUnreadable).toMatch(/^\/proc\/\d+\/fd: permission denied$/);
    expect(JSON.parse(j.out).visibility).toEqual({ hidden: null, pidNamespace: expect.stringMatching(/^mchard runs in a PID namespace of its own/) });
  });

  it('as root in the PID namespace: the process and its listener, and a note that the host\'s processes are not visible', () => {
    const r = auditInNamespaces('hidepid=2', 'root');
    expect(r.out).toMatch(/^note: mchard runs in a PID namespace of its own \(pid:\[\d+\], a container's\): the processes of the host and of other containers are not visible\n/m);
    expect(r.out).toContain('  listens on: tcp 127.0.0.1:11311\n');
    expect(r.err).toBe('');
    expect([0, 1]).toContain(r.code);
  });
});

describe('processVisibility: the proc mount\'s hidepid, read from mountinfo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mchard-vis-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const proc = (superOptions: string) => {
    const p = join(dir, String(Math.random()).slice(2));
    mkdirSync(join(p, 'self'), { recursive: true });
    // As the kernel writes it: the proc mount at `p` (a later line for the same point is the one on top).
    writeFileSync(join(p, 'self', 'mountinfo'), `22 27 0:21 / ${p} rw,nosuid - proc proc rw\n25 22 0:30 / ${p} rw - proc proc ${superOptions}\n`);
    return p;
  };

  it('hidepid=2 or invisible hides others from a user who is not root', () => {
    expect(processVisibility(proc('rw,hidepid=2'), 1000, [1000]).hidden).toMatch(/is mounted with hidepid=2: the processes of other users are hidden from this user$/);
    expect(processVisibility(proc('rw,hidepid=invisible'), 1000, [1000]).hidden).toMatch(/hidepid=invisible/);
  });
  it('not from root, nor from a member of its gid= group; hidepid=0 hides nothing', () => {
    expect(processVisibility(proc('rw,hidepid=2'), 0, [0]).hidden).toBeNull();
    expect(processVisibility(proc('rw,hidepid=2,gid=4'), 1000, [1000, 4]).hidden).toBeNull();
    expect(processVisibility(proc('rw,hidepid=2,gid=4'), 1000, [1000]).hidden).toMatch(/\(not in group 4\)$/);
    expect(processVisibility(proc('rw,hidepid=0'), 1000, [1000]).hidden).toBeNull();
    expect(processVisibility(proc('rw'), 1000, [1000]).hidden).toBeNull();
  });
});
