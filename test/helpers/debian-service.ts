/**
 * The machine's own memcached service, run through Debian's init script, for the tests that restart it:
 * what they need to have (root, the package, ss, perl, the memcache user), commands with a clean
 * environment, memcached's sockets as `ss` lists them, and a session that takes the system-service lock,
 * keeps /etc/memcached.conf, its backups and whether the service ran, and puts all of it back at the end.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lockSystemService } from './system-lock.js';

export const CONF = '/etc/memcached.conf';
/** The backups mchard fix keeps of CONF (FILE.mchard-backup-TIME, -2 within one second). */
export const BACKUP = /^\/etc\/memcached\.conf\.mchard-backup-\d{8}T\d{6}Z(-\d+)?$/;
export const INIT = '/etc/init.d/memcached';

/** What the real-service tests need and this machine lacks (empty: they can run). */
export function serviceTestsMissing(): string[] {
  return [
    !existsSync('/usr/bin/memcached') && '/usr/bin/memcached (apt-get install memcached)',
    !existsSync(INIT) && INIT,
    process.getuid?.() !== 0 && 'root',
    spawnSync('ss', ['-V']).status !== 0 && 'ss (iproute2)',
    spawnSync('perl', ['-v']).status !== 0 && 'perl',
    spawnSync('id', ['memcache']).status !== 0 && 'the "memcache" user',
  ].filter((x): x is string => Boolean(x));
}

export function sh(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' } });
}

/** `cmd args` inside network namespace `ns` (or here). */
export function inNs(ns: string | null, cmd: string, args: string[]): [string, string[]] {
  return ns ? ['ip', ['netns', 'exec', ns, cmd, ...args]] : [cmd, args];
}

export interface MemcachedSocket {
  netid: string;
  local: string;
  pid: number;
}

/** The memcached processes' listening sockets, as `ss` shows them: netid, local address, pid. */
export function memcachedSockets(ns: string | null = null): MemcachedSocket[] {
  return sh(...inNs(ns, 'ss', ['-Hlntup']))
    .stdout.split('\n')
    .filter((l) => l.includes('"memcached"'))
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return { netid: f[0], local: f[4], pid: Number(/pid=(\d+)/.exec(l)?.[1]) };
    });
}

/**
 * Every socket of the memcached process(es) listening on `port`: the service's own, whatever other
 * memcached processes (other tests, other checkouts) hold on this machine at the same time.
 */
export function serviceSockets(port: number, ns: string | null = null): MemcachedSocket[] {
  const all = memcachedSockets(ns);
  const pids = new Set(all.filter((s) => s.local.endsWith(`:${port}`)).map((s) => s.pid));
  return all.filter((s) => pids.has(s.pid));
}

export async function waitFor<T>(what: string, probe: () => T | null, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function userOf(pid: number): string {
  return sh('ps', ['-o', 'user=', '-p', String(pid)]).stdout.trim();
}

/** A port in [lo, lo + span) that nothing listens on (TCP or UDP). */
export function freePort(lo = 50000, span = 5000): number {
  const used = sh('ss', ['-Hlntu']).stdout;
  for (;;) {
    const p = lo + Math.floor(Math.random() * span);
    if (!used.includes(`:${p} `)) return p;
  }
}

export function serviceRunning(): boolean {
  return memcachedSockets().length > 0 || sh(INIT, ['status']).status === 0;
}

/** The processes below `pid` (children, their children, ...): pid and command line. */
export function descendants(pid: number): { pid: number; args: string }[] {
  const rows = sh('ps', ['-e', '-o', 'pid=,ppid=,args='])
    .stdout.split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const below = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) {
      if (below.has(r.ppid) && !below.has(r.pid)) {
        below.add(r.pid);
        grew = true;
      }
    }
  }
  return rows.filter((r) => r.pid !== pid && below.has(r.pid)).map(({ pid: p, args }) => ({ pid: p, args }));
}

/**
 * A test's hold on the system service: the lock, then what /etc/memcached.conf, its backups and
 * /etc/memcached_*.conf were and whether the service ran; `restore()` stops the service, puts every file
 * back byte for byte, removes files the test left, starts the service again if it ran, and unlocks.
 */
export class ServiceSession {
  private release: () => void = () => undefined;
  private saved = new Map<string, Buffer | null>();
  private wasRunning = false;

  private static watched(): string[] {
    return readdirSync('/etc')
      .filter((n) => n === 'memcached.conf' || n.startsWith('memcached.conf.mchard-backup') || /^memcached_.+\.conf$/.test(n))
      .map((n) => `/etc/${n}`);
  }

  async begin(): Promise<void> {
    this.release = await lockSystemService();
    for (const p of [CONF, ...ServiceSession.watched()]) this.saved.set(p, existsSync(p) ? readFileSync(p) : null);
    this.wasRunning = serviceRunning();
    if (this.wasRunning) sh(INIT, ['stop']);
  }

  /** Stops the service and removes the files a test added (instance files first: the script then stops the main one). */
  reset(): void {
    for (const p of ServiceSession.watched()) if (p !== CONF && !this.saved.has(p)) rmSync(p, { force: true });
    sh(INIT, ['stop']);
  }

  restore(): void {
    try {
      this.reset();
      for (const [p, bytes] of this.saved) {
        if (bytes) writeFileSync(p, bytes);
        else rmSync(p, { force: true });
      }
      if (this.wasRunning) sh(INIT, ['start']);
    } finally {
      this.release();
    }
  }
}

/**
 * Registers the hooks of a real-service test file: the session (lock, saved state) and a private build of
 * the CLI before all, the service reset after each test, everything put back (and the build removed)
 * after all. `missing` non-empty:
 * nothing is done (the tests are skipped).
 */
export function useServiceSession(missing: readonly string[], tempPrefix: string, build: () => Promise<string>): { readonly cli: string; readonly dir: string } {
  const session = new ServiceSession();
  const state = { cli: '', dir: '' };
  beforeAll(async () => {
    if (missing.length) return;
    await session.begin();
    state.cli = await build();
    state.dir = mkdtempSync(join(tmpdir(), tempPrefix));
    chmodSync(state.dir, 0o755);
  }, 120_000);
  afterEach(() => {
    if (missing.length) return;
    session.reset();
  });
  afterAll(() => {
    if (missing.length) return;
    try {
      session.restore();
    } finally {
      rmSync(state.dir, { recursive: true, force: true });
      if (state.cli) rmSync(dirname(state.cli), { recursive: true, force: true });
    }
  }, 120_000);
  return state;
}
