/**
 * Fixed files really start a hardened memcached. Insecure Debian and sysconfig files are fixed with
 * `mchard fix --yes --unsafe-fixes --no-host-checks --port N` (every fix, the unsafe ones included), then started the way their distribution does:
 * - Debian: a copy of Debian's systemd-memcached-wrapper (its `$memcached` set to /usr/bin/memcached)
 *   with the fixed file;
 * - sysconfig: the unit's `ExecStart=/usr/bin/memcached -p ${PORT} -u ${USER} -m ${CACHESIZE} -c ${MAXCONN} $OPTIONS`
 *   expanded from the file as systemd reads it (mchard's EnvironmentFile parser).
 * Then `ss -Hlntup` must show the process listening on loopback TCP only, no UDP, and `ps` a non-root user.
 * Needs root, /usr/bin/memcached, Debian's wrapper and ss; skipped with a message otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFix } from '../../src/cli/fix.js';
import type { Io } from '../../src/cli/io.js';
import { SourceText } from '../../src/source.js';
import { parseSysconfig } from '../../src/dialects/sysconfig.js';
import { ROOT } from '../helpers/paths.js';

const MEMCACHED = '/usr/bin/memcached';
const WRAPPER = '/usr/share/memcached/scripts/systemd-memcached-wrapper';
const missing = [
  !existsSync(MEMCACHED) && `${MEMCACHED} (apt-get install memcached)`,
  !existsSync(WRAPPER) && WRAPPER,
  process.getuid?.() !== 0 && 'root (memcached drops privileges only when started as root)',
  spawnSync('ss', ['-V']).status !== 0 && 'ss (iproute2)',
  spawnSync('perl', ['-v']).status !== 0 && 'perl',
  spawnSync('id', ['memcache']).status !== 0 && 'the "memcache" user',
].filter(Boolean);
const d = missing.length ? describe.skip : describe;
if (missing.length) console.warn(`skipping the real-memcached fix test: needs ${missing.join(', ')}`);

let dir = '';
let wrapper = '';
const children: ChildProcess[] = [];

beforeAll(() => {
  if (missing.length) return;
  dir = mkdtempSync(join(tmpdir(), 'mchard-fixreal-'));
  const src = readFileSync(WRAPPER, 'utf8');
  const patched = src.replace(/^my \$memcached = .*$/m, `my $memcached = "${MEMCACHED}";`);
  wrapper = join(dir, 'systemd-memcached-wrapper');
  writeFileSync(wrapper, patched);
  chmodSync(wrapper, 0o755);
});

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          c.kill('SIGKILL');
          r(null);
        }, 3000);
        c.once('exit', () => {
          clearTimeout(t);
          r(null);
        });
      });
    }
  }
});

afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

/** A TCP and UDP port in 40000–49999 that nothing listens on. */
function freePort(): number {
  const used = spawnSync('ss', ['-Hlntu'], { encoding: 'utf8' }).stdout;
  for (;;) {
    const p = 40000 + Math.floor(Math.random() * 10000);
    if (!used.includes(`:${p} `)) return p;
  }
}

async function fix(path: string, args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (out += t), stdoutStream: {}, stdinIsTTY: false };
  const code = await runFix(['--yes', '--unsafe-fixes', '--no-host-checks', '--no-color', ...args, path], io);
  return { code, out };
}

interface Socket {
  netid: string;
  local: string;
}

/** Waits until the process listens, then returns its sockets; fails if it exits first. */
async function socketsOf(child: ChildProcess, port: number, stderr: () => string): Promise<Socket[]> {
  const deadline = Date.now() + 10000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`memcached exited (${child.exitCode ?? child.signalCode}): ${stderr()}`);
    const out = spawnSync('ss', ['-Hlntup'], { encoding: 'utf8' }).stdout;
    const mine = out.split('\n').filter((l) => l.includes(`pid=${child.pid},`));
    if (mine.some((l) => l.includes(`:${port} `))) {
      // Let every listener come up before reading the full list.
      await new Promise((r) => setTimeout(r, 300));
      const again = spawnSync('ss', ['-Hlntup'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(`pid=${child.pid},`));
      return again.map((l) => {
        const f = l.trim().split(/\s+/);
        return { netid: f[0], local: f[4] };
      });
    }
    if (Date.now() > deadline) throw new Error(`memcached did not listen on ${port}: ${stderr()}\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(cmd: string, args: string[]): { child: ChildProcess; stderr: () => string } {
  let err = '';
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/bin:/bin', LANG: 'C' }, cwd: dir });
  child.stderr!.on('data', (b: Buffer) => {
    if (err.length < 20000) err += b.toString();
  });
  children.push(child);
  return { child, stderr: () => err };
}

async function expectHardened(child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  const sockets = await socketsOf(child, port, stderr);
  expect(sockets.length).toBeGreaterThan(0);
  for (const s of sockets) {
    expect({ netid: s.netid, local: s.local }).toEqual({ netid: 'tcp', local: expect.stringMatching(new RegExp(`^(127\\.\\d+\\.\\d+\\.\\d+|\\[::1\\]):${port}$`)) });
  }
  expect(sockets.some((s) => s.netid === 'udp')).toBe(false);
  const user = spawnSync('ps', ['-o', 'user=', '-p', String(child.pid)], { encoding: 'utf8' }).stdout.trim();
  expect(user).not.toBe('root');
  expect(user).not.toBe('');
}

const DEBIAN: [string, string][] = [
  ['no -l', '-m 64\n-p 11211\n-u memcache\n'],
  ['-l 0.0.0.0', '# listen everywhere\n-m 64\n-p 11211\n-u memcache\n-l 0.0.0.0\n'],
  ['-u root', '-m 64\n-p 11211\n-u root\n-l 127.0.0.1\n'],
  ['-U 11211', '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 11211\n'],
  ['-U 11211 without -p', '-m 64\n-u memcache\n-l 127.0.0.1\n-U 11211\n'],
  ['-A -vv', '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-A -vv\n'],
  ['everything at once, CRLF', '-m 64\r\n-p 11211\r\n-u root\r\n-l 0.0.0.0\r\n-U 11211\r\n-A\r\n-vv\r\n'],
  ['an empty file (the wrapper would add -u root)', ''],
  ['samples/insecure-debian.conf', readFileSync(join(ROOT, 'samples', 'insecure-debian.conf'), 'utf8')],
  ['samples/insecure-ubuntu-quirks.conf', readFileSync(join(ROOT, 'samples', 'insecure-ubuntu-quirks.conf'), 'utf8')],
];

const SYSCONFIG: [string, string][] = [
  // USER is this machine's memcached user where the file does not set root: the RHEL "memcached" does not exist here.
  ['OPTIONS="-l 0.0.0.0 -U 11211"', 'PORT="11211"\nUSER="memcache"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 0.0.0.0 -U 11211"\n'],
  ['USER="root"', 'PORT="11211"\nUSER="root"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1"\n'],
  ['export OPTIONS=...', 'PORT="11211"\nUSER="memcache"\nMAXCONN="1024"\nCACHESIZE="64"\nexport OPTIONS="-l 0.0.0.0 -U 11211"\n'],
  ['missing variables', 'OPTIONS="-l 0.0.0.0"\n'],
  ['samples/insecure-rhel.sysconfig', readFileSync(join(ROOT, 'samples', 'insecure-rhel.sysconfig'), 'utf8')],
];

d('fixed files start a hardened memcached', () => {
  it.each(DEBIAN)('Debian: %s', async (_name, text) => {
    const port = freePort();
    const file = join(dir, `memcached-${port}.conf`);
    writeFileSync(file, text);
    const r = await fix(file, ['--port', String(port)]);
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.any(String) });
    const fixed = readFileSync(file, 'utf8');
    expect(fixed).toContain(`-p ${port}`);
    const { child, stderr } = start(wrapper, [file]);
    await expectHardened(child, port, stderr);
  });

  it.each(SYSCONFIG)('sysconfig: %s', async (_name, text) => {
    const port = freePort();
    // At a sysconfig/memcached path, so the path says who reads it.
    const sub = join(dir, String(port), 'sysconfig');
    mkdirSync(sub, { recursive: true });
    const file = join(sub, 'memcached');
    writeFileSync(file, text);
    // The RHEL user "memcached" does not exist on this Debian machine: use Debian's.
    const r = await fix(file, ['--port', String(port), '--user', 'memcache']);
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.any(String) });
    const config = parseSysconfig(new SourceText(file, readFileSync(file, 'utf8')));
    expect(config.loadError).toBeNull();
    const argv = config.argv.map((t) => t.value);
    expect(argv.slice(0, 8)).toEqual(['-p', String(port), '-u', 'memcache', '-m', expect.any(String), '-c', expect.any(String)]);
    const { child, stderr } = start(MEMCACHED, argv);
    await expectHardened(child, port, stderr);
  });

  it('the unfixed files really were exposed (the check above would have caught them)', async () => {
    const port = freePort();
    const file = join(dir, `unfixed-${port}.conf`);
    writeFileSync(file, `-m 64\n-p ${port}\n-U ${port}\n-u memcache\n-l 0.0.0.0\n`);
    const { child, stderr } = start(wrapper, [file]);
    const sockets = await socketsOf(child, port, stderr);
    expect(sockets.some((s) => s.netid === 'udp')).toBe(true);
    expect(sockets.some((s) => s.local.startsWith('0.0.0.0:'))).toBe(true);
  });
});
