import { chmodSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { hostNetworks, reachableSockets } from '../../src/audit/reach.js';
import { PROBE_BUDGET_MS, probeSockets, probeTarget, probeTcp } from '../../src/audit/probe.js';
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

describe('a hostile listener on a probed port', () => {
  // Another user's process on a port audit probes (any user can listen on a high port, and a binary named
  // memcached is anyone's) answers `version` with bytes that never end in a line feed. The probe must read
  // a bounded amount and stop, not gather the stream until its timeout (gigabytes over loopback within
  // the time limit; V8 throws "Invalid string length" past 512 MiB, which ended root's audit).
  it('reads a bounded reply from a listener that streams without a line feed', async () => {
    const { spawn } = await import('node:child_process');
    const flood = spawn(
      process.execPath,
      [
        '-e',
        `const net = require('node:net');
         const chunk = Buffer.alloc(1 << 16, 0x41);
         const srv = net.createServer((s) => {
           let sent = 0;
           s.on('error', () => {});
           s.on('close', () => { process.stdout.write('sent ' + sent + '\\n'); srv.close(); });
           const pump = () => { while (!s.destroyed && s.write(chunk)) sent += chunk.length; if (!s.destroyed) sent += chunk.length; };
           s.on('drain', pump);
           pump();
         });
         srv.listen(0, '127.0.0.1', () => process.stdout.write('port ' + srv.address().port + '\\n'));
         setTimeout(() => process.exit(3), 40000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    flood.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const waitFor = (re: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const t = setInterval(() => {
          const m = re.exec(out);
          if (m) {
            clearInterval(t);
            resolve(m);
          } else if (flood.exitCode !== null) {
            clearInterval(t);
            reject(new Error(`the flooding listener ended: ${out}`));
          }
        }, 20);
      });
    try {
      const port = Number((await waitFor(/port (\d+)\n/))[1]);
      // A long time limit: the probe must stop on the reply's size, not on the clock.
      const r = await probeTcp('127.0.0.1', port, 15000);
      expect(r).toMatchObject({ reached: true, answered: false, error: null });
      expect(r.reply!.length).toBeLessThanOrEqual(200);
      const sent = Number((await waitFor(/sent (\d+)\n/))[1]);
      // What the probe took, plus what the kernel's socket buffers held when it closed (a few MiB at most).
      expect(sent).toBeLessThan(32 * 1024 * 1024);
    } finally {
      flood.kill();
    }
  }, 40000);
});

describe('a process listening on hundreds of loopback ports that never answer (redteam7)', () => {
  // Any user can start a process named memcached that listens on as many loopback ports as its descriptor
  // limit allows and never answers: each held a probe's place for the whole time limit, 64 at a time, so a
  // root `audit --probe` took 49 s for 2,000 such ports (and as long as the user liked for more). Now no
  // probe starts after the run's probing time (PROBE_BUDGET_MS, here a deadline 3 s away), and the
  // listeners left are reported as not probed, saying why.
  it('starts no probe after the deadline and says which were not probed', async () => {
    const { spawn } = await import('node:child_process');
    const silent = spawn(
      process.execPath,
      [
        '-e',
        `const net = require('node:net');
         const ports = [];
         let left = 800;
         for (let i = 0; i < 800; i++) {
           const srv = net.createServer(() => {});
           srv.listen(0, '127.0.0.1', () => { ports.push(srv.address().port); if (--left === 0) process.stdout.write(ports.join(',') + '\\n'); });
         }
         setTimeout(() => process.exit(3), 60000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        silent.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.endsWith('\n')) resolve(out.trim());
        });
        silent.once('exit', () => reject(new Error(`the listening process ended: ${out}`)));
      });
      const held = line.split(',').map((p) => tcp('127.0.0.1', Number(p)));
      expect(held).toHaveLength(800);
      const t0 = Date.now();
      const results = await probeSockets(held, 1500, null, Date.now() + 3000);
      const ms = Date.now() - t0;
      // Before: 800 / 64 * 1.5 s = 19 s.
      expect(ms).toBeLessThan(8000);
      const silentOnes = results.filter((r) => r.probed && r.reached && !r.answered && r.error === 'no reply within 1500 ms');
      const late = results.filter((r) => !r.probed);
      expect(silentOnes.length).toBeGreaterThanOrEqual(64);
      expect(silentOnes.length + late.length).toBe(800);
      expect(late.length).toBeGreaterThan(0);
      for (const r of late) expect(r.error).toBe(`not probed: audit's probes take ${PROBE_BUDGET_MS / 1000} s at most, and that time ran out (listeners that never answer hold it)`);
    } finally {
      silent.kill();
    }
  }, 60000);
});
