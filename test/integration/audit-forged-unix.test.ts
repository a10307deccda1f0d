/**
 * The kernel writes a unix socket's name into /proc/net/unix as it is, a line break too. Any user can bind
 * a socket (an abstract one: no file needed) whose name is a line break and then a whole record of their
 * making: the inode of a socket root's memcached holds, and any path. audit then said of the real
 * memcached "listens on: tcp 127.0.0.1:P, unix /etc/shadow" and "MC950 restart needed ... the process
 * listens on ..., unix /etc/shadow" (and a restart's verification saw the same listener). A path with a
 * space was also cut at it (`-s "/run/my sock"` listened on "unix /run/my").
 *
 * Real: memcached started here, and the forger, a Node.js process run as nobody, binding the forged name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { run, TempDir } from '../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, stopAll, type Started } from '../audit/memcached.js';

const describeReal = haveMemcached ? describe : describe.skip;
if (!haveMemcached) console.warn('audit-forged-unix: skipped (needs root and /usr/bin/memcached)');

/** The inodes of the sockets a process holds. */
function socketInodes(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`)
    .map((fd) => /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1])
    .filter((x): x is string => x !== undefined);
}

const forgers: ChildProcess[] = [];

/** A process of nobody's listening on an abstract unix socket whose name ends in a forged record for `inode`. */
async function forge(inode: string, path: string): Promise<void> {
  const name = `\0mchard-test\n0000000000000000: 00000002 00000000 00010000 0001 01 ${inode} ${path}`;
  const script = `const s = require('node:net').createServer(); s.listen(${JSON.stringify(name)}, () => console.log('ok'));`;
  const child = spawn(process.execPath, ['-e', script], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'inherit'] });
  forgers.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the forger exited (${code})`)));
  });
}

interface Audited {
  files: { process: { pid: number; sockets: string[] | null; socketsUnreadable: string | null }; findings: { ruleId: string; message: string }[] }[];
}

describeReal('a forged record of /proc/net/unix', () => {
  let tmp: TempDir;
  afterAll(async () => {
    for (const f of forgers) f.kill('SIGKILL');
    await stopAll();
    tmp?.cleanup();
  });
  beforeAll(() => {
    tmp = new TempDir('mchard-forged-');
  });

  it("naming a TCP listener's inode is not taken for a unix listener of memcached's", async () => {
    const [port] = freePorts(1, 58000, 58499);
    const conf = tmp.write('memcached_tcp.conf', `-u nobody\n-m 64\n-l 127.0.0.1\n-p ${port}\n-U 0\n`);
    const m: Started = await startMemcached(['-u', 'nobody', '-m', '64', '-l', '127.0.0.1', '-p', String(port), '-U', '0'], 1);
    // Its TCP listener's inode (a record naming one of its unix socketpairs would be ambiguous: below).
    const tcp = readFileSync(`/proc/${m.pid}/net/tcp`, 'utf8').split('\n').map((l) => l.trim().split(/\s+/)[9]);
    const inodes = socketInodes(m.pid).filter((i) => tcp.includes(i));
    expect(inodes).toHaveLength(1);
    await forge(inodes[0], '/etc/shadow');
    const r = await run(['audit', '--no-firewall', '--format', 'json', '--dialect', 'debian', '--pid', String(m.pid), conf]);
    const [a] = (JSON.parse(r.out) as Audited).files;
    expect(a.process.sockets).toEqual([`tcp 127.0.0.1:${port}`]);
    expect(a.findings.filter((f) => f.ruleId === 'MC950')).toEqual([]);
    expect(r.out + r.err).not.toContain('/etc/shadow');
  });

  it("naming a unix listener's inode makes its sockets unknown, never another path; a path with a space is whole", async () => {
    const sock = tmp.join('my sock');
    const m: Started = await startMemcached(['-u', 'root', '-m', '64', '-s', sock, '-a', '0700'], 1);
    // Unforged first: the whole path, space included (it was cut at the space).
    let r = await run(['audit', '--no-firewall', '--format', 'json', '--pid', String(m.pid)]);
    expect((JSON.parse(r.out) as Audited).files[0].process.sockets).toEqual([`unix ${sock}`]);
    const unix = readFileSync(`/proc/${m.pid}/net/unix`, 'utf8');
    const inode = socketInodes(m.pid).find((i) => unix.includes(` ${i} ${sock}`))!;
    await forge(inode, '/etc/shadow');
    r = await run(['audit', '--no-firewall', '--format', 'json', '--pid', String(m.pid)]);
    const [a] = (JSON.parse(r.out) as Audited).files;
    expect(a.process.sockets).toBeNull();
    expect(a.process.socketsUnreadable).toMatch(/lists its socket \d+ 2 times: a socket name holding a line break/);
    expect(r.code).toBe(2);
    // Not "permission denied ... run mchard audit as root": it ran as root.
    expect(r.err).toMatch(/the sockets of process \d+ cannot be told/);
    expect(r.err).not.toContain('permission denied');
    const text = await run(['audit', '--no-firewall', '--pid', String(m.pid)]);
    expect(text.out).not.toContain('unix /etc/shadow');
    expect(text.out).not.toContain('run mchard audit as root');
  });
});
