/**
 * UDP lets any user bind a socket beside memcached's on the same port (SO_REUSEADDR on both; memcached
 * sets it): bound to 127.0.0.1 beside memcached's 0.0.0.0, that socket gets `audit --probe`'s datagram,
 * which goes to loopback. Silent, it made the probe say "no reply within 1500 ms", and MC953 (a
 * network-reachable amplifier, reported from the socket table without --probe) was not reported at all:
 * --probe let any local user remove an error. Now a UDP socket with another socket on its probe target is
 * not probed, and is judged from the table.
 *
 * Real: memcached started here with UDP on the wildcard, and a Node.js process of nobody's bound beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { run } from '../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, stopAll } from '../audit/memcached.js';

const describeReal = haveMemcached ? describe : describe.skip;
if (!haveMemcached) console.warn('audit-probe-shared-udp: skipped (needs root and /usr/bin/memcached)');

interface Audited {
  files: { process: { probes: { socket: string; probed: boolean; error: string | null }[] | null }; findings: { ruleId: string; message: string }[] }[];
}

describeReal('a UDP probe another socket could take', () => {
  let squatter: ChildProcess | null = null;
  afterAll(async () => {
    squatter?.kill('SIGKILL');
    await stopAll();
  });

  it('is not sent, and MC953 is reported from the socket table', async () => {
    const [port] = freePorts(1, 58500, 58999);
    const m = await startMemcached(['-u', 'nobody', '-m', '64', '-l', '0.0.0.0', '-p', String(port), '-U', String(port)], 2);
    const audit = async () => {
      const r = await run(['audit', '--probe', '--no-firewall', '--format', 'json', '--pid', String(m.pid)]);
      return (JSON.parse(r.out) as Audited).files[0];
    };
    // Alone, the probe measures it.
    expect((await audit()).findings.find((f) => f.ruleId === 'MC953')?.message).toMatch(/answered a 15-byte "stats" request/);
    // A silent socket of nobody's on 127.0.0.1, the probe's target.
    const script = `const s = require('node:dgram').createSocket({ type: 'udp4', reuseAddr: true }); s.bind(${port}, '127.0.0.1', () => console.log('ok'));`;
    squatter = spawn(process.execPath, ['-e', script], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      squatter!.stdout!.once('data', () => resolve());
      squatter!.once('exit', (code) => reject(new Error(`the squatter exited (${code})`)));
    });
    const a = await audit();
    const udp = a.process.probes!.find((p) => p.socket === `udp 0.0.0.0:${port}`)!;
    expect(udp.probed).toBe(false);
    expect(udp.error).toMatch(new RegExp(`another socket than the process's is bound to udp 127\\.0\\.0\\.1:${port}`));
    // Before: no MC953 at all ("no reply within 1500 ms").
    expect(a.findings.find((f) => f.ruleId === 'MC953')?.message).toMatch(/amplification-capable \(reasoned from the socket table; not probed\)/);
  });
});
