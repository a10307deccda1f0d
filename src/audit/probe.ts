/**
 * `--probe`: talk to each held TCP/UDP socket at its own bound address (a wildcard socket at loopback),
 * so nothing leaves the machine. TCP gets the text command `version`: a `VERSION x.y.z` reply means the
 * listener serves clients without authentication (with `-Y` it says `CLIENT_ERROR unauthenticated`; with
 * SASL the text protocol is refused). UDP gets `stats` in a UDP frame: a reply proves the socket answers
 * an unauthenticated, handshake-less request, and its size against the request's is the amplification.
 */
import { connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { boundUdpSockets, socketKey, type HeldSocket } from '../system/sockets.js';
import type { ProbeResult } from './types.js';

type NetSocket = Extract<HeldSocket, { transport: 'tcp' | 'udp' }>;

/** The address a probe of this socket connects to, or null when it cannot be addressed (link-local). */
export function probeTarget(address: string): string | null {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '::1';
  const a = ipaddr.parse(address);
  if (a.kind() === 'ipv6' && a.range() === 'linkLocal') return null;
  return address;
}

/**
 * The most of a TCP reply the probe reads: memcached's answer to `version` is one short line. A listener
 * on the port may be anyone's (any user can listen on a high port, and name a binary memcached): one
 * that streams without a line feed would otherwise be gathered until the time limit, gigabytes over
 * loopback (V8 ends the process past 512 MiB of string), each chunk searched again from the start.
 */
const MAX_TCP_REPLY = 4096;

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0].slice(0, 200);
}

export function probeTcp(target: string, port: number, timeoutMs: number): Promise<Pick<ProbeResult, 'reached' | 'answered' | 'reply' | 'error'>> {
  return new Promise((resolve) => {
    let reached = false;
    let data = '';
    let done = false;
    const sock = connect({ host: target, port });
    const finish = (error: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const reply = data === '' ? null : firstLine(data);
      resolve({ reached, answered: reply !== null && /^VERSION /.test(reply), reply, error: reply === null ? error : null });
    };
    const timer = setTimeout(() => finish(reached ? `no reply within ${timeoutMs} ms` : `no connection within ${timeoutMs} ms`), timeoutMs);
    sock.on('connect', () => {
      reached = true;
      sock.write('version\r\n');
    });
    sock.on('data', (chunk) => {
      const text = chunk.toString('latin1', 0, Math.min(chunk.length, MAX_TCP_REPLY - data.length));
      data += text;
      if (text.includes('\n') || data.length >= MAX_TCP_REPLY) finish(null);
    });
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    sock.on('close', () => finish(reached ? 'connection closed without a reply' : 'connection refused'));
  });
}

/** The 8-byte memcached UDP frame header: request id, sequence 0, 1 datagram, reserved. */
function udpFrame(id: number, payload: string): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(1, 4);
  return Buffer.concat([h, Buffer.from(payload, 'latin1')]);
}

export function probeUdp(target: string, port: number, timeoutMs: number): Promise<Pick<ProbeResult, 'reached' | 'answered' | 'reply' | 'error' | 'bytesSent' | 'bytesReceived' | 'datagrams'>> {
  return new Promise((resolve) => {
    const id = randomInt(1, 65536);
    const request = udpFrame(id, 'stats\r\n');
    const sock = createSocket(target.includes(':') ? 'udp6' : 'udp4');
    let received = 0;
    let datagrams = 0;
    let expected = Infinity;
    let first: string | null = null;
    let done = false;
    const finish = (error: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve({
        reached: datagrams > 0,
        answered: first !== null && /^STAT /.test(first),
        reply: first,
        error: datagrams > 0 ? null : error,
        bytesSent: request.length,
        bytesReceived: received,
        datagrams,
      });
    };
    const timer = setTimeout(() => finish(`no reply within ${timeoutMs} ms`), timeoutMs);
    sock.on('message', (msg) => {
      if (msg.length < 8 || msg.readUInt16BE(0) !== id) return;
      datagrams++;
      received += msg.length;
      expected = msg.readUInt16BE(4);
      if (msg.readUInt16BE(2) === 0) first = firstLine(msg.subarray(8).toString('latin1'));
      if (datagrams >= expected) finish(null);
    });
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    sock.send(request, port, target);
  });
}

/**
 * At most this many probes are open at once: audit probes every process's listeners together (src/audit/run.ts),
 * and one connection each to thousands would run out of descriptors (EMFILE, reported as the listener's error).
 */
export const MAX_OPEN_PROBES = 64;
let openProbes = 0;
const waitingProbes: (() => void)[] = [];

/**
 * How long one audit's probes may take together (ms): no probe starts later. Each listener that never
 * answers holds a place for the whole time limit, so any user's process named memcached listening on
 * thousands of loopback ports held a root `audit --probe` for as many times 1.5 s / 64 (2,000: 49 s).
 */
export const PROBE_BUDGET_MS = 15_000;

/**
 * Runs `probe` once fewer than MAX_OPEN_PROBES are open, or `late()` when its turn comes after `deadline`
 * (ms since the epoch); a finished probe hands its place to the next waiting.
 */
async function limited<T>(probe: () => Promise<T>, deadline: number, late: () => T): Promise<T> {
  if (openProbes >= MAX_OPEN_PROBES) await new Promise<void>((go) => waitingProbes.push(go));
  else openProbes++;
  try {
    if (Date.now() >= deadline) return late();
    return await probe();
  } finally {
    const next = waitingProbes.shift();
    if (next) next();
    else openProbes--;
  }
}

/**
 * Why a UDP probe of memcached's socket `s` at `target` may reach another socket, or null. UDP lets any
 * user bind the same port beside memcached's socket (SO_REUSEADDR on both, as memcached sets it): bound to
 * 127.0.0.1 beside memcached's 0.0.0.0, or to the same address, such a socket gets the probe's datagram
 * and can stay silent (the probe then said "no reply" and MC953 was not reported) or answer as it likes.
 * `own`: the inodes of the process's sockets. (TCP refuses such a second listener: EADDRINUSE.)
 */
export function udpProbeShared(s: NetSocket, target: string, own: ReadonlySet<string>, net?: string): string | null {
  const others = boundUdpSockets(net).filter((b) => b.port === s.port && (b.address === target || b.address === s.address) && !own.has(b.inode));
  if (others.length === 0) return null;
  const where = [...new Set(others.map((b) => (b.address.includes(':') ? `[${b.address}]:${b.port}` : `${b.address}:${b.port}`)))].join(', ');
  return `not probed: another socket than the process's is bound to udp ${where}, and the probe's datagram to ${target.includes(':') ? `[${target}]` : target}:${s.port} could go to it instead (any user can bind one beside memcached's)`;
}

/**
 * Probes each TCP and UDP listener of `held`, in parallel (not link-local ones); none starts after
 * `deadline` (ms since the epoch; default PROBE_BUDGET_MS from now): those are reported as not probed, and
 * why. `foreign` names the process's network namespace when it is not mchard's: its sockets are then not
 * probed at all (dialled from here, the same address and port would reach whatever listens on them in
 * mchard's namespace, 127.0.0.1 being another loopback there, and entering the namespace needs setns,
 * which mchard does not do). `own`: the inodes of the process's sockets, for udpProbeShared.
 */
export async function probeSockets(held: readonly HeldSocket[], timeoutMs = 1500, foreign: string | null = null, deadline = Date.now() + PROBE_BUDGET_MS, own: ReadonlySet<string> | null = null): Promise<ProbeResult[]> {
  const budget = `not probed: audit's probes take ${PROBE_BUDGET_MS / 1000} s at most, and that time ran out (listeners that never answer hold it)`;
  const nets = held.filter((s): s is NetSocket => s.transport !== 'unix');
  return Promise.all(
    nets.map(async (s): Promise<ProbeResult> => {
      const target = probeTarget(s.address);
      const base = { socket: socketKey(s), transport: s.transport, target: target ?? s.address, port: s.port };
      const skip = (error: string): ProbeResult => ({ ...base, probed: false, reached: false, answered: false, reply: null, error });
      if (foreign !== null) return skip(`not probed: in network namespace ${foreign}, not mchard's (mchard probes only inside its own)`);
      if (target === null) return skip('link-local address: not probed (it needs an interface scope)');
      // Another socket on the UDP port, before the probe or after it: what came back (or did not) may not be memcached's.
      const shared = () => (s.transport === 'udp' && own !== null ? udpProbeShared(s, target, own) : null);
      const before = shared();
      if (before) return skip(before);
      const r = await limited<Awaited<ReturnType<typeof probeTcp>> | null>(() => (s.transport === 'tcp' ? probeTcp(target, s.port, timeoutMs) : probeUdp(target, s.port, timeoutMs)), deadline, () => null);
      if (r === null) return skip(budget);
      const after = shared();
      if (after) return skip(after);
      return { ...base, probed: true, ...r };
    }),
  );
}
