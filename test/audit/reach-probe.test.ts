import { chmodSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { hostNetworks, reachableSockets } from '../../src/audit/reach.js';
import { probeSockets, probeTarget, probeTcp } from '../../src/audit/probe.js';
import { TempDir } from '../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, stopAll } from './memcached.js';
import { tcp, udp } from './facts.js';

describe('reachability from the socket table', () => {
  it("lists this machine's interfaces with their networks", () => {
    const nets = hostNetworks();
    expect(nets).toContainEqual({ name: 'lo', address: '127.0.0.1', network: '127.0.0.0/8', internal: true });
    const count = Object.values(networkInterfaces()).reduce((n, l) => n + (l?.length ?? 0), 0);
    expect(nets).toHaveLength(count);
  });

  it('groups the non-loopback sockets by bound address, the wildcards together', () => {
    const held = [tcp('0.0.0.0', 1), tcp('::', 1), udp('0.0.0.0', 2), tcp('127.0.0.1', 3), tcp('10.9.8.7', 4), { transport: 'unix' as const, path: '/x', mode: null }];
    const r = reachableSockets(held, [{ name: 'eth9', address: '10.9.8.7', network: '10.9.8.0/24', internal: false }]);
    expect(r.map((g) => [g.address, g.cls, g.sockets.length, g.network?.name ?? null])).toEqual([
      ['wildcard', 'wildcard', 3, null],
      ['10.9.8.7', 'private', 1, 'eth9'],
    ]);
  });
});

describe('probe targets', () => {
  it('probes a wildcard at loopback, a specific address at itself, and skips IPv6 link-local', () => {
    expect(probeTarget('0.0.0.0')).toBe('127.0.0.1');
    expect(probeTarget('::')).toBe('::1');
    expect(probeTarget('10.1.2.3')).toBe('10.1.2.3');
    expect(probeTarget('fe80::1')).toBeNull();
  });

  it('reports a closed loopback port as not reached', async () => {
    const [port] = freePorts(1, 55000, 59999);
    expect(await probeTcp('127.0.0.1', port, 1000)).toEqual({ reached: false, answered: false, reply: null, error: 'ECONNREFUSED' });
  });
});

(haveMemcached ? describe : describe.skip)('probing real memcached on loopback', () => {
  let tmp: TempDir;
  beforeAll(() => (tmp = new TempDir()));
  afterAll(async () => {
    await stopAll();
    tmp.cleanup();
  });

  it('an open listener answers version over TCP and stats over UDP, with the real reply sizes', async () => {
    const [p, u] = freePorts(2, 55000, 59999);
    const m = await startMemcached(['-u', 'nobody', '-l', '127.0.0.1', '-p', String(p), '-U', String(u)], 2);
    const results = await probeSockets(m.held);
    const t = results.find((r) => r.transport === 'tcp')!;
    expect(t).toMatchObject({ socket: `tcp 127.0.0.1:${p}`, target: '127.0.0.1', reached: true, answered: true, error: null });
    expect(t.reply).toMatch(/^VERSION 1\.\d+\.\d+$/);
    const d = results.find((r) => r.transport === 'udp')!;
    expect(d).toMatchObject({ socket: `udp 127.0.0.1:${u}`, reached: true, answered: true, bytesSent: 15 });
    expect(d.reply).toMatch(/^STAT pid \d+$/);
    // `stats` is well over a kilobyte: more than one 1400-byte datagram.
    expect(d.datagrams!).toBeGreaterThanOrEqual(2);
    expect(d.bytesReceived!).toBeGreaterThan(1400);
  });

  it('an authenticating listener (-Y) refuses version: reached, not answered', async () => {
    const [p] = freePorts(1, 55000, 59999);
    const auth = tmp.write('auth', 'user:secret\n');
    // memcached reads the file after dropping to nobody.
    chmodSync(tmp.path, 0o755);
    chmodSync(auth, 0o644);
    const m = await startMemcached(['-u', 'nobody', '-l', '127.0.0.1', '-p', String(p), '-U', '0', '-Y', auth], 1);
    const [r] = await probeSockets(m.held);
    expect(r).toMatchObject({ reached: true, answered: false, reply: 'CLIENT_ERROR unauthenticated' });
  });
});
