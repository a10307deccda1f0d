/**
 * Differential test: the memcached model against the real /usr/bin/memcached (Debian 12 ships 1.6.18).
 * Each argument vector is started as root, briefly, on loopback addresses only; its exit status (or
 * "running") and its listening sockets (from /proc/net, matched to the process's socket inodes) must be
 * what analyze() predicts for the installed version.
 *
 * Safety: every vector either lists only loopback addresses with -l, or uses -s, or turns TCP and UDP
 * off; assertLoopbackOnly() refuses anything else before a process is started.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { analyze } from '../../src/memcached/model.js';
import type { HostFacts, Listener } from '../../src/memcached/startup.js';
import { parseVersion, type Version } from '../../src/memcached/version.js';
import { argv } from '../helpers/argv.js';
import { processSockets } from '../../src/system/sockets.js';

const BIN = '/usr/bin/memcached';
const isRoot = process.getuid?.() === 0;
const installedVersion = readInstalledVersion();
const skipReason = !fs.existsSync(BIN)
  ? `${BIN} is not installed`
  : !isRoot
    ? 'not running as root (memcached must be started as root to test -u and privileged ports)'
    : installedVersion === null
      ? `could not read the version from "${BIN} -V"`
      : null;
if (skipReason) console.warn(`memcached-real: skipping the differential test: ${skipReason}`);
const describeReal = skipReason ? describe.skip : describe;

function readInstalledVersion(): Version | null {
  if (!fs.existsSync(BIN)) return null;
  const out = spawnSync(BIN, ['-V'], { encoding: 'utf8', timeout: 5000 }).stdout ?? '';
  const m = /^memcached (\d+\.\d+\.\d+)/.exec(out);
  return m ? parseVersion(m[1]) : null;
}

/** How long a process gets before it counts as running and its sockets are read. */
const SETTLE_MS = 700;

// ---------------------------------------------------------------------------------------------------
// The cases

interface Ports {
  /** Three free ports in 30000–39999, distinct for every case. */
  a: number;
  b: number;
  c: number;
}

interface Case {
  name: string;
  args: (p: Ports, tmp: string) => string[];
  /** The real port is random: compare listeners without their port. */
  ephemeral?: boolean;
}

const U = ['-u', 'nobody'];
const LO = (p: Ports) => ['-l', '127.0.0.1', '-p', String(p.a)];

const CASES: Case[] = [
  { name: 'plain loopback', args: (p) => [...U, ...LO(p)] },
  { name: 'attached -pA and clustered -vk', args: (p) => [...U, '-l', '127.0.0.1', `-p${p.a}`, '-vk'] },
  { name: '--port A (separate word)', args: (p) => [...U, '-l', '127.0.0.1', '--port', String(p.a)] },
  { name: '-p A -p B: the last wins', args: (p) => [...U, '-l', '127.0.0.1', '-p', String(p.a), '-p', String(p.b)] },
  { name: '-o accumulates: hot_lru_pct=30 then 60 with warm 30', args: (p) => [...U, ...LO(p), '-o', 'hot_lru_pct=30', '-o', 'hot_lru_pct=60,warm_lru_pct=30'] },
  { name: '-l 127.0.0.1 -p A -U B', args: (p) => [...U, ...LO(p), '-U', String(p.b)] },
  { name: '-U N without -p moves TCP to N', args: (p) => [...U, '-l', '127.0.0.1', '-U', String(p.a)] },
  { name: '-l host:port overrides -p (and -U)', args: (p) => [...U, '-l', `127.0.0.1:${p.a}`, '-p', String(p.b), '-U', String(p.c)] },
  { name: '-l 127.0.0.11 -l 127.0.0.1 drops the second (strstr)', args: (p) => [...U, '-l', '127.0.0.11', '-l', '127.0.0.1', '-p', String(p.a)] },
  { name: '-l ::1', args: (p) => [...U, '-l', '::1', '-p', String(p.a)] },
  { name: '-l [::1]:PORT', args: (p) => [...U, '-l', `[::1]:${p.a}`] },
  { name: '-l 127.0.0.1,::1 with UDP', args: (p) => [...U, '-l', '127.0.0.1,::1', '-p', String(p.a), '-U', String(p.b)] },
  { name: "-l '127.0.0.1;127.0.0.2'", args: (p) => [...U, '-l', '127.0.0.1;127.0.0.2', '-p', String(p.a)] },
  { name: '-l with tag[] and proto[] prefixes', args: (p) => [...U, '-l', `tag[web]:127.0.0.1:${p.a},proto[ascii]:127.0.0.2:${p.b}`] },
  { name: '-l "," has no entry: nothing bound', args: (p) => [...U, '-l', ',', '-p', String(p.a)] },
  { name: '-p 0 -U 0: no listener at all', args: () => [...U, '-p', '0', '-U', '0'] },
  { name: '-p abc: atoi 0 turns TCP off', args: () => [...U, '-l', '127.0.0.1', '-p', 'abc'] },
  { name: '-p -m: "-m" is the port', args: () => [...U, '-l', '127.0.0.1', '-p', '-m', '64'] },
  { name: '-p 2^32+A: atoi truncation', args: (p) => [...U, '-l', '127.0.0.1', '-p', String(2 ** 32 + p.a)] },
  { name: '-l 127.0.0.1:A+65536 binds A', args: (p) => [...U, '-l', `127.0.0.1:${p.a + 65536}`] },
  { name: '-l 127.0.0.1:2^32+A: safe_strtol truncation', args: (p) => [...U, '-l', `127.0.0.1:${2 ** 32 + p.a}`] },
  { name: '-p 0 -U A+65536: UDP port is not range-checked', args: (p) => [...U, '-l', '127.0.0.1', '-p', '0', '-U', String(p.a + 65536)] },
  { name: '-p -1: ephemeral port', args: () => [...U, '-l', '127.0.0.1', '-p', '-1'], ephemeral: true },
  { name: '-s with -a 0660', args: (_p, tmp) => [...U, '-s', path.join(tmp, 'a.sock'), '-a', '0660'] },
  { name: '-s disables -l/-p/-U', args: (p, tmp) => [...U, '-s', path.join(tmp, 'b.sock'), '-l', '127.0.0.1', '-p', String(p.a), '-U', String(p.b)] },
  { name: '-s with -a rw: mode 0', args: (_p, tmp) => [...U, '-s', path.join(tmp, 'c.sock'), '-a', 'rw'] },
  { name: '-m 1', args: (p) => [...U, ...LO(p), '-m', '1'] },
  { name: '-m 2g is 2 MB', args: (p) => [...U, ...LO(p), '-m', '2g'] },
  { name: '-m -1 wraps to a huge limit', args: (p) => [...U, ...LO(p), '-m', '-1'] },
  { name: '-I 2k', args: (p) => [...U, ...LO(p), '-I', '2k'] },
  { name: '-I 600k', args: (p) => [...U, ...LO(p), '-I', '600k'] },
  { name: '-I 2m', args: (p) => [...U, ...LO(p), '-I', '2m'] },
  { name: '-I 4194305k wraps to 1024', args: (p) => [...U, ...LO(p), '-I', '4194305k'] },
  { name: '-c 0', args: (p) => [...U, ...LO(p), '-c', '0'] },
  { name: '-vc 0', args: (p) => [...U, ...LO(p), '-vc', '0'] },
  { name: '-c 2: getpwnam has no descriptor', args: (p) => [...U, ...LO(p), '-c', '2'] },
  { name: '-c 5', args: (p) => [...U, ...LO(p), '-c', '5'] },
  { name: '-t 8 -c 40: Maxconns setting is too low', args: (p) => [...U, ...LO(p), '-t', '8', '-c', '40'] },
  { name: '-t 8 -c 43', args: (p) => [...U, ...LO(p), '-t', '8', '-c', '43'] },
  { name: '-t 0', args: (p) => [...U, ...LO(p), '-t', '0'] },
  { name: '-R -1 (accepted before 1.6.24)', args: (p) => [...U, ...LO(p), '-R', '-1'] },
  { name: '-n -5 (accepted before 1.6.24)', args: (p) => [...U, ...LO(p), '-n', '-5'] },
  { name: '-f 0x2 (strtod reads hex)', args: (p) => [...U, ...LO(p), '-f', '0x2'] },
  { name: '-f nan (SIGFPE)', args: (p) => [...U, ...LO(p), '-f', 'nan'] },
  { name: '-B bogus', args: (p) => [...U, ...LO(p), '-B', 'bogus'] },
  { name: '-B " ascii" (no whitespace strip before 1.6.32)', args: (p) => [...U, ...LO(p), '-B', ' ascii'] },
  { name: "-l ' 127.0.0.1' (no whitespace strip before 1.6.32)", args: (p) => [...U, '-l', ' 127.0.0.1', '-p', String(p.a)] },
  { name: '-S -U PORT', args: (p) => [...U, ...LO(p), '-S', '-U', String(p.b)] },
  { name: '-S without a SASL configuration', args: (p) => [...U, ...LO(p), '-S'] },
  { name: '-Y file -U PORT', args: (p, tmp) => [...U, ...LO(p), '-Y', path.join(tmp, 'auth'), '-U', String(p.b)] },
  { name: '-Y file', args: (p, tmp) => [...U, ...LO(p), '-Y', path.join(tmp, 'auth')] },
  { name: '-Y missing file', args: (p, tmp) => [...U, ...LO(p), '-Y', path.join(tmp, 'no-such-auth')] },
  { name: '-Z without certificate', args: (p) => [...U, ...LO(p), '-Z'] },
  { name: '-x', args: (p) => [...U, ...LO(p), '-x'] },
  { name: '--mem=64 (ambiguous)', args: (p) => [...U, ...LO(p), '--mem=64'] },
  { name: '--conn=100 (prefix)', args: (p) => [...U, ...LO(p), '--conn=100'] },
  { name: '--port=A --listen 127.0.0.1 --verbose=3', args: (p) => [...U, `--port=${p.a}`, '--listen', '127.0.0.1', '--verbose=3'] },
  { name: '--enable-shutdown=yes', args: (p) => [...U, ...LO(p), '--enable-shutdown=yes'] },
  { name: 'non-options and -- are ignored', args: (p) => [...U, 'foo', ...LO(p), 'bar', '--', '-c', '0'] },
  { name: '-u nosuchuser', args: (p) => ['-u', 'nosuchuser-mchard', ...LO(p)] },
  { name: 'no -u as root', args: (p) => [...LO(p)] },
  { name: '-u memcache', args: (p) => ['-u', 'memcache', ...LO(p)] },
  { name: '-p 80 -u nobody: privileged port', args: () => [...U, '-l', '127.0.0.1', '-p', '80'] },
  { name: '-p -5: getaddrinfo refuses the service', args: () => [...U, '-l', '127.0.0.1', '-p', '-5'] },
  { name: '-p 70000: range check', args: () => [...U, '-l', '127.0.0.1', '-p', '70000'] },
  { name: 'notls: without -Z', args: (p) => [...U, '-l', `notls:127.0.0.1:${p.a}`] },
  { name: '-l 127.0.0.1:abc', args: () => [...U, '-l', '127.0.0.1:abc'] },
  { name: '-o bogus', args: (p) => [...U, ...LO(p), '-o', 'bogus'] },
  { name: '-o hashpower=5', args: (p) => [...U, ...LO(p), '-o', 'hashpower=5'] },
  { name: '-o slab_chunk_max=16384 (bytes before 1.6.24)', args: (p) => [...U, ...LO(p), '-o', 'slab_chunk_max=16384'] },
  { name: '-o slab_chunk_max=abc', args: (p) => [...U, ...LO(p), '-o', 'slab_chunk_max=abc'] },
  { name: '-o worker_logbuf_size=16 (falls into slab_sizes before 1.6.40)', args: (p) => [...U, ...LO(p), '-o', 'worker_logbuf_size=16'] },
  { name: '-o slab_sizes=64-60', args: (p) => [...U, ...LO(p), '-o', 'slab_sizes=64-60'] },
  { name: '-o sock_cookie_id=abc', args: (p) => [...U, ...LO(p), '-o', 'sock_cookie_id=abc'] },
  { name: '-o slab_automove_window=5000', args: (p) => [...U, ...LO(p), '-o', 'slab_automove_window=5000'] },
  { name: '-h', args: (p) => [...U, ...LO(p), '-h'] },
  { name: '-V', args: (p) => [...U, ...LO(p), '-V'] },
];

// ---------------------------------------------------------------------------------------------------
// Safety

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\])$/;

/** Refuses an argument vector that could make memcached listen on anything but loopback. */
function assertLoopbackOnly(args: string[]): void {
  if (args.includes('-s')) return;
  const i = args.indexOf('-p');
  const j = args.indexOf('-U');
  if (i !== -1 && j !== -1 && args[i + 1] === '0' && args[j + 1] === '0') return;
  const lists = args.flatMap((a, k) => (a === '-l' || a === '--listen' ? [args[k + 1]] : []));
  if (lists.length === 0) throw new Error(`unsafe case (no -l): ${args.join(' ')}`);
  for (const list of lists) {
    for (const raw of list.split(/[,;]/)) {
      const entry = raw.trim().replace(/^notls:/, '').replace(/^proto\[[a-z]*\]:/, '').replace(/^tag\[[a-z]*\]:/, '');
      if (entry === '') continue;
      const host = entry.startsWith('[') ? entry.slice(0, entry.indexOf(']') + 1) : entry.split(':').length === 2 ? entry.split(':')[0] : entry;
      if (!LOOPBACK_HOST.test(host)) throw new Error(`unsafe case (${host} is not loopback): ${args.join(' ')}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Running the real binary and reading its sockets

interface Observed {
  status: number | 'running';
  sockets: string[];
  stderr: string;
}

/** A held socket as the test compares it: `tcp 127.0.0.1:PORT`, `unix PATH MODE`. */
function heldSockets(pid: number): string[] {
  return processSockets(pid).map((s) => (s.transport === 'unix' ? `unix ${s.path} ${s.mode}` : `${s.transport} ${s.address}:${s.port}`));
}

/** Children still alive, killed in afterAll should a case be interrupted. */
const live = new Set<ReturnType<typeof spawn>>();

function runReal(args: string[]): Promise<Observed> {
  assertLoopbackOnly(args);
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    live.add(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let settled = false;
    let sockets: string[] = [];
    const timer = setTimeout(() => {
      if (settled || child.pid === undefined) return;
      settled = true;
      try {
        sockets = heldSockets(child.pid);
      } catch (e) {
        stderr += `\n(reading sockets failed: ${String(e)})`;
      }
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }, SETTLE_MS);
    child.on('exit', (code, signal) => {
      live.delete(child);
      clearTimeout(timer);
      const status = code ?? 128 + (os.constants.signals[signal as NodeJS.Signals] ?? 0);
      resolve({ status: settled ? 'running' : status, sockets: sockets.sort(), stderr: stderr.trim() });
      settled = true;
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// The model's prediction

const PASSWD = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8') : '';

function userExists(name: string): boolean {
  return PASSWD.split('\n').some((l) => l.split(':')[0] === name);
}

function unprivilegedPortStart(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    return 1024;
  }
}

const HOST: HostFacts = {
  root: true,
  userExists,
  addressIsLocal: (a) => a.startsWith('127.') || a === '::1',
  unprivilegedPortStart: unprivilegedPortStart(),
  fileExists: (p) => fs.existsSync(p),
};

function describeListener(l: Listener): string {
  if (l.transport === 'unix') return `unix ${l.path} ${l.mode}`;
  const address = l.address ?? l.host ?? '?';
  return `${l.transport} ${ipaddr.isValid(address) ? ipaddr.parse(address).toString() : address}:${l.port}`;
}

function predict(args: string[]): { status: number | 'running'; sockets: string[]; reason: string } {
  const m = analyze(argv(...args), { version: installedVersion!, host: HOST });
  if (!m.startup.ok) return { status: m.startup.exitCode, sockets: [], reason: m.startup.reason };
  return { status: 'running', sockets: m.listeners.map(describeListener).sort(), reason: '' };
}

const withoutPort = (s: string) => s.replace(/:\d+$/, ':*');

// ---------------------------------------------------------------------------------------------------
// Ports: a random block in 30000–39999 with none of its ports in use

function portsInUse(): Set<number> {
  const used = new Set<number>();
  for (const file of ['tcp', 'tcp6', 'udp', 'udp6']) {
    try {
      for (const line of fs.readFileSync(`/proc/net/${file}`, 'utf8').trim().split('\n').slice(1)) {
        used.add(parseInt(line.trim().split(/\s+/)[1].split(':')[1], 16));
      }
    } catch {
      // no such table (no IPv6)
    }
  }
  return used;
}

function allocatePorts(count: number): Ports[] {
  const used = portsInUse();
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30000 + Math.floor(Math.random() * (10000 - 3 * count));
    const all = Array.from({ length: 3 * count }, (_, k) => base + k);
    if (all.some((p) => used.has(p))) continue;
    return Array.from({ length: count }, (_, k) => ({ a: all[3 * k], b: all[3 * k + 1], c: all[3 * k + 2] }));
  }
  throw new Error('no free block of ports in 30000-39999');
}

// ---------------------------------------------------------------------------------------------------

describeReal('the model agrees with the real memcached', () => {
  let tmp = '';
  const results = new Map<string, { args: string[]; observed: Observed }>();

  beforeAll(async () => {
    // A directory the unprivileged user can create sockets in, and an auth file it can read.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mchard-real-'));
    fs.chmodSync(tmp, 0o777);
    fs.writeFileSync(path.join(tmp, 'auth'), 'user:secret\n', { mode: 0o644 });
    const ports = allocatePorts(CASES.length);
    const batch = 16;
    for (let i = 0; i < CASES.length; i += batch) {
      await Promise.all(
        CASES.slice(i, i + batch).map(async (c, k) => {
          const args = c.args(ports[i + k], tmp);
          results.set(c.name, { args, observed: await runReal(args) });
        }),
      );
    }
  }, 60000);

  afterAll(() => {
    for (const child of live) child.kill('SIGKILL');
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = results.get(c.name);
    expect(r).toBeDefined();
    const { args, observed } = r!;
    const expected = predict(args);
    const fmt = (o: { status: number | 'running'; sockets: string[] }) => ({
      status: o.status,
      sockets: c.ephemeral ? o.sockets.map(withoutPort) : o.sockets,
    });
    // The context makes a failure readable: the argv, memcached's stderr and the model's reason.
    expect({ args: args.join(' '), ...fmt(observed), stderr: observed.stderr }).toEqual({
      args: args.join(' '),
      ...fmt(expected),
      stderr: expect.any(String),
    });
  });

  it('runs the version the model was compared with', () => {
    expect(installedVersion).not.toBeNull();
  });
});
