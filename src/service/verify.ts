/**
 * Proving that the service runs the file it was restarted with, within a time limit:
 * 1. the service is running, as a new memcached process (not the one from before the restart);
 * 2. that process holds exactly the listeners mchard predicts for the file (read from /proc/net), and no
 *    wildcard or UDP socket the file does not ask for;
 * 3. every TCP and unix listener answers a `version` request.
 */
import type { Listener } from '../memcached/startup.js';
import type { MemcachedModel } from '../memcached/model.js';
import { compareListeners, listenerKey, socketKey, type HeldSocket } from '../system/sockets.js';
import { serviceState } from './control.js';
import type { Machine } from './machine.js';
import { askVersion } from './probe.js';
import type { ServiceTarget } from './target.js';

export interface VerifyOptions {
  /** The process that was the service before the restart: the restarted one must be another. */
  oldPid: number | null;
  timeoutMs: number;
  pollMs?: number;
  /** How long a SysV/OpenRC service may look stopped before it counts as failed (the start script forks first). */
  graceMs?: number;
  /** Checked between polls: true stops the verification at once (a signal arrived), as not verified. */
  cancelled?: () => boolean;
}

export interface VerifyResult {
  ok: boolean;
  pid: number | null;
  /** What was proven, one line each. */
  passed: string[];
  /** What is wrong, one line each (empty when ok). */
  problems: string[];
  elapsedMs: number;
  /** The verification was stopped by `cancelled`, not failed. */
  cancelled: boolean;
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/**
 * The predicted listeners with listen host names replaced by the addresses they resolve to (memcached binds
 * each), and without the IPv6 wildcard on a kernel without IPv6 (memcached skips it there).
 */
export async function expectedListeners(model: MemcachedModel, m: Machine): Promise<{ listeners: Listener[]; problems: string[] }> {
  const listeners: Listener[] = [];
  const problems: string[] = [];
  for (const l of model.listeners) {
    if (l.transport !== 'unix' && l.address === '::' && !m.hasIPv6()) continue;
    if (l.transport === 'unix' || l.address !== null) {
      listeners.push(l);
      continue;
    }
    const addrs = await m.resolve(l.host ?? '');
    if (addrs.length === 0) problems.push(`the listen host "${l.host}" does not resolve here`);
    for (const a of new Set(addrs)) listeners.push({ ...l, address: a });
  }
  return { listeners, problems };
}

/** Why a socket the process holds but the file does not ask for is wrong. */
function describeUnexpected(key: string, held: readonly HeldSocket[], expected: readonly Listener[]): string {
  const s = held.find((h) => socketKey(h) === key);
  if (s && s.transport !== 'unix') {
    if (s.transport === 'udp' && !expected.some((l) => l.transport === 'udp')) return `listens on UDP ${key.slice(4)} though the file turns UDP off`;
    if (isWildcard(s.address) && !expected.some((l) => l.transport !== 'unix' && l.address !== null && isWildcard(l.address))) {
      return `listens on every interface (${key}) though the file does not ask for it`;
    }
  }
  return `listens on ${key}, which the file does not ask for`;
}

/** Where to connect to reach a listener: a wildcard is reached through loopback. */
function probeAddress(l: Listener): { host: string; port: number } | { path: string } | null {
  if (l.transport === 'unix') return { path: l.path };
  if (l.transport !== 'tcp' || l.address === null) return null;
  if (l.address === '0.0.0.0') return { host: '127.0.0.1', port: l.port };
  if (l.address === '::') return { host: '::1', port: l.port };
  return { host: l.address.replace(/%.*$/, ''), port: l.port };
}

export async function verifyService(t: ServiceTarget, model: MemcachedModel, m: Machine, opts: VerifyOptions): Promise<VerifyResult> {
  const start = m.now();
  const deadline = start + opts.timeoutMs;
  const pollMs = opts.pollMs ?? 200;
  const graceMs = opts.graceMs ?? 2000;
  const s = model.applied.settings;
  const extraPidFiles = { pidFiles: s.pidFile ? [s.pidFile] : [], user: model.runsAsKnown.known ? model.runsAsKnown.value : null };
  const { listeners: expected, problems: resolveProblems } = await expectedListeners(model, m);
  const done = (ok: boolean, pid: number | null, passed: string[], problems: string[], cancelled = false): VerifyResult => ({
    ok,
    pid,
    passed,
    problems,
    elapsedMs: m.now() - start,
    cancelled,
  });
  const stop = () => done(false, null, [], ['the verification was interrupted'], true);
  if (resolveProblems.length) return done(false, null, [], resolveProblems);

  let last = 'the service did not start';
  let downSince: number | null = null;
  for (;;) {
    if (opts.cancelled?.()) return stop();
    const state = await serviceState(t, m, extraPidFiles);
    // A pid file others can change names a memcached: which process is the service cannot be told.
    if (state.unknown) return done(false, null, [], [state.unknown]);
    if (state.pid !== null && state.pid === opts.oldPid) {
      last = `the service is still the process from before the restart (pid ${state.pid})`;
      downSince = null;
    } else if (state.pid !== null) {
      downSince = null;
      const pid = state.pid;
      const cmp = compareListeners(expected, m.sockets(pid));
      if (cmp.missing.length === 0) {
        // memcached opens all its listeners before it serves; read them once more after a moment to be sure.
        await m.sleep(pollMs);
        const held = m.sockets(pid);
        const again = compareListeners(expected, held);
        if (m.processName(pid) === null) {
          last = `memcached (pid ${pid}) exited right after it started`;
        } else if (again.missing.length === 0) {
          // Under SysV and OpenRC the process is the one a pid file names, and a pid file may lie where
          // others can write (the file's own -P /tmp/memcached.pid); any user can start a memcached of their
          // own on the ports the file asks for, or a program named memcached, and write its pid there. The
          // service's memcached runs as the user the file says: a process of another user is not it.
          const want = model.runsAsKnown.known ? model.runsAsKnown.value : null;
          const who = want !== null ? (m.processArgs(pid)?.user ?? null) : null;
          if (want !== null && who !== null && who !== want) {
            return done(false, pid, [], [`the process that holds them (pid ${pid}) runs as ${who}, not as ${want} as the file says: it is not the service's memcached`]);
          }
          const passed = [`memcached is running (pid ${pid})`];
          const problems = again.unexpected.map((k) => describeUnexpected(k, held, expected));
          if (problems.length) return done(false, pid, passed, problems);
          passed.push(expected.length ? `it listens on exactly ${again.matched.join(', ')}` : 'it listens on nothing, as the file says');
          for (const l of expected) {
            if (opts.cancelled?.()) return stop();
            const where = probeAddress(l);
            if (!where) continue;
            const r = await askVersion(where, {
              protocol: s.protocol === 'binary' || s.sasl ? 'binary' : 'ascii',
              tls: l.transport === 'tcp' && l.tls,
              timeoutMs: Math.max(1000, deadline - m.now()),
            });
            if (!r.ok) return done(false, pid, passed, [`${listenerKey(l)} does not answer: ${r.detail}`]);
            passed.push(`${listenerKey(l)} answers: ${r.detail}`);
          }
          return done(true, pid, passed, []);
        }
      } else {
        const doubt = m.socketDoubt?.(pid) ?? null;
        last = `memcached (pid ${pid}) does not listen on ${cmp.missing.join(', ')}${cmp.matched.length || cmp.unexpected.length ? ` (it holds ${[...cmp.matched, ...cmp.unexpected].join(', ')})` : ''}${doubt ? `, or mchard cannot tell: ${doubt}` : ''}`;
      }
    } else {
      last = state.activeState ? `the service is ${state.activeState}` : 'the service is not running';
      downSince ??= m.now();
      const failedForGood = state.activeState === 'failed' || (state.down && m.now() - downSince >= graceMs);
      if (failedForGood) return done(false, null, [], [last]);
    }
    if (m.now() >= deadline) return done(false, null, [], [`${last} after ${Math.round(opts.timeoutMs / 1000)} s`]);
    await m.sleep(pollMs);
  }
}
