/**
 * Real memcached processes for the audit tests: started directly or through Debian's own
 * systemd-memcached-wrapper (which execs memcached in place, so the pid stays), waited for until their
 * sockets show in /proc, and stopped by pid. Ports come from 55000–59999 and are checked to be unused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processSockets, type HeldSocket } from '../../src/system/sockets.js';

export const MEMCACHED = '/usr/bin/memcached';
export const WRAPPER = '/usr/share/memcached/scripts/systemd-memcached-wrapper';
export const isRoot = process.getuid?.() === 0;
export const haveMemcached = existsSync(MEMCACHED) && isRoot;

/** Ports any socket of this machine uses (every TCP/UDP table, every state). */
function usedPorts(): Set<number> {
  const out = new Set<number>();
  for (const t of ['tcp', 'tcp6', 'udp', 'udp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/net/${t}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local) out.add(parseInt(local.split(':')[1], 16));
    }
  }
  return out;
}

const handedOut = new Set<number>();

/** `n` distinct unused ports within [lo, hi]. */
export function freePorts(n: number, lo: number, hi: number): number[] {
  const used = usedPorts();
  const out: number[] = [];
  for (let tries = 0; out.length < n && tries < 10000; tries++) {
    const p = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (used.has(p) || handedOut.has(p) || out.includes(p)) continue;
    out.push(p);
    handedOut.add(p);
  }
  if (out.length < n) throw new Error(`no ${n} free ports in ${lo}-${hi}`);
  return out;
}

export interface Started {
  pid: number;
  child: ChildProcess;
  held: HeldSocket[];
}

const children: ChildProcess[] = [];

/** Waits until the process is memcached and holds `sockets` sockets (or 5 s pass). */
async function settle(child: ChildProcess, sockets: number): Promise<Started> {
  const pid = child.pid!;
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const until = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`memcached exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
    let comm = '';
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      // not there yet
    }
    const held = comm === 'memcached' ? processSockets(pid) : [];
    if (held.length >= sockets) return { pid, child, held };
    if (Date.now() > until) throw new Error(`memcached pid ${pid} holds ${held.length} sockets, expected ${sockets}: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** memcached with these arguments, holding `sockets` listening sockets once started. */
export async function startMemcached(args: string[], sockets: number): Promise<Started> {
  const child = spawn(MEMCACHED, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return settle(child, sockets);
}

/**
 * memcached with these arguments, started by user `uid` (not root: memcached then ignores -u and runs as that
 * user); `binary` another copy of it.
 */
export async function startMemcachedAs(uid: number, args: string[], sockets: number, binary = MEMCACHED): Promise<Started> {
  const child = spawn(binary, args, { uid, gid: uid, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return settle(child, sockets);
}

/** memcached with these arguments inside the named network namespace (`ip netns exec` execs it: same pid). */
export async function startInNetns(ns: string, args: string[], sockets: number): Promise<Started> {
  const child = spawn('ip', ['netns', 'exec', ns, MEMCACHED, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return settle(child, sockets);
}

/** memcached with these arguments in a mount namespace of its own, as in a container (`unshare` execs it: same pid). */
export async function startInMountNamespace(args: string[], sockets: number): Promise<Started> {
  const child = spawn('unshare', ['--mount', '--propagation', 'private', MEMCACHED, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return settle(child, sockets);
}

/** memcached as Debian's service starts it from `file`. */
export async function startFromDebianFile(file: string, sockets: number): Promise<Started> {
  const child = spawn('/usr/bin/perl', [WRAPPER, file], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return settle(child, sockets);
}

/** Stops every process this file started (by pid) and waits for them to go. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    children.splice(0).map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => {
            if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
          }, 2000).unref();
        }),
    ),
  );
}

/**
 * A program named memcached in `dir`: this Node.js binary under that name (audit recognises a process by
 * /proc/PID/exe's name), hard-linked where the file system allows, else copied. Its path.
 */
export function fakeMemcached(dir: string): string {
  const fake = join(dir, 'memcached');
  try {
    linkSync(process.execPath, fake);
  } catch {
    copyFileSync(process.execPath, fake);
  }
  return fake;
}
