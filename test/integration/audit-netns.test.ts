/**
 * `mchard audit` sees every network namespace (issue 13 §8). The test creates a network namespace joined
 * to this one by a veth pair (10.250.X.1/30 here, 10.250.X.2/30 inside) and starts two real memcached
 * processes inside it: one on the wildcard (TCP and UDP), one on the namespace's veth address. Here, in
 * mchard's own namespace, a decoy listens on 127.0.0.1 at the wildcard one's port and answers like an
 * unauthenticated memcached. The audit must read the processes' own socket tables, name the namespace, find
 * them reachable exactly where a client here reaches them, and never probe into another namespace: the
 * decoy must see no connection and no datagram.
 *
 * Traffic: the client checks go only to 10.250.X.2 (the namespace this test created); --probe sends
 * nothing at all. The namespace, the veth pair, the processes and the decoy are removed afterwards.
 */
import { createServer, connect, type Server } from 'node:net';
import { createSocket, type Socket } from 'node:dgram';
import { statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { haveNetns, TestNetworks } from '../helpers/netns.js';
import { run } from '../cli/helpers.js';
import { freePorts, haveMemcached, startInNetns, stopAll, type Started } from '../audit/memcached.js';

const ready = haveMemcached && haveNetns;
if (!ready) console.warn('audit-netns: skipped (needs root, /usr/bin/memcached and iproute2 with netns support)');
const describeNetns = ready ? describe : describe.skip;

/** A TCP connection from here: the first reply line, or null when nothing answers. */
function tcpVersion(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = connect({ host, port }, () => s.write('version\r\n'));
    const done = (v: string | null) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(2000, () => done(null));
    s.on('data', (d) => done(String(d).split('\r\n')[0]));
    s.on('error', () => done(null));
  });
}

interface JsonFile {
  path: string;
  findings: { ruleId: string; severity: string; message: string }[];
  process: {
    pid: number;
    sockets: string[];
    namespaces: { net: { inode: number; name: string | null; own: boolean }; mnt: { own: boolean } };
    version: { version: string | null; source: string | null; detail: string };
    firewall: { socket: string; verdict: string }[];
    probes: { socket: string; probed: boolean; reached: boolean; error: string | null }[] | null;
  };
}

describeNetns('mchard audit on memcached in another network namespace', () => {
  const tag = randomBytes(3).toString('hex');
  const ns = `mchard-ans-${tag}`;
  const hostIf = `mca${tag}h`;
  const nsIf = `mca${tag}n`;
  let addr = '';
  let subnet = 0;
  let wild: Started;
  let bound: Started;
  let pW = 0;
  let pB = 0;
  let decoyTcp: Server;
  let decoyUdp: Socket;
  const decoyHits: string[] = [];
  const nets = new TestNetworks();

  beforeAll(async () => {
    nets.namespace(ns);
    const link = nets.veth(null, hostIf, ns, nsIf);
    subnet = link.subnet;
    addr = link.right.address;
    [pW, pB] = freePorts(2, 50000, 54999);
    wild = await startInNetns(ns, ['-u', 'nobody', '-m', '64', '-p', String(pW), '-U', String(pW)], 4);
    bound = await startInNetns(ns, ['-u', 'nobody', '-m', '64', '-l', addr, '-p', String(pB), '-U', '0'], 1);
    // The decoy: what a probe at 127.0.0.1:pW would reach from mchard's namespace.
    decoyTcp = createServer((s) => {
      decoyHits.push('tcp');
      s.on('data', () => s.end('VERSION 9.9.9-decoy\r\n'));
    });
    await new Promise<void>((r) => decoyTcp.listen(pW, '127.0.0.1', () => r()));
    decoyUdp = createSocket('udp4');
    decoyUdp.on('message', () => decoyHits.push('udp'));
    await new Promise<void>((r) => decoyUdp.bind(pW, '127.0.0.1', () => r()));
  });

  afterAll(async () => {
    await stopAll();
    decoyTcp?.close();
    decoyUdp?.close();
    nets.remove();
  });

  const audit = async (extra: string[] = []) => {
    const r = await run(['audit', '--format', 'json', '--pid', `${wild.pid},${bound.pid}`, ...extra]);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out) as { files: JsonFile[] };
    const by = (pid: number) => doc.files.find((f) => f.process.pid === pid)!;
    return { code: r.code, w: by(wild.pid), b: by(bound.pid) };
  };

  it("reads each process's own socket tables and names its namespace", async () => {
    const { w, b } = await audit();
    expect(w.process.sockets.sort()).toEqual([`tcp 0.0.0.0:${pW}`, `tcp [::]:${pW}`, `udp 0.0.0.0:${pW}`, `udp [::]:${pW}`].sort());
    expect(b.process.sockets).toEqual([`tcp ${addr}:${pB}`]);
    const inode = statSync(`/run/netns/${ns}`).ino;
    for (const f of [w, b]) expect(f.process.namespaces.net).toEqual({ inode, name: ns, own: false });
    // Started by `ip netns exec` (its own mount namespace, for /sys): the release is still known, never run.
    expect(w.process.version).toMatchObject({ version: expect.stringMatching(/^1\.\d+\.\d+$/), source: expect.stringMatching(/^(package|binary)$/) });
  });

  // A destination NAT in this machine's own ruleset (Docker's, on a CI runner) could forward to the test's
  // namespace, which this machine routes to: the verdicts are then rightly unknown, and not checked here.
  const hostNat = /dnat|DNAT/.test(spawnSync('nft', ['-j', 'list', 'ruleset'], { encoding: 'utf8' }).stdout ?? '') || /nat/.test(spawnSync('cat', ['/proc/net/ip_tables_names'], { encoding: 'utf8' }).stdout ?? '');
  if (hostNat) console.warn('audit-netns: this machine has destination NAT rules; the packet-filter verdicts are not checked');
  const OPEN = hostNat ? '' : '; the packet filter accepts new connections from any address';

  it('finds them reachable exactly where a client here reaches them, within that namespace', async () => {
    const { w, b } = await audit();
    const nsName = `"${ns}" (net:[${statSync(`/run/netns/${ns}`).ino}])`;
    const reach = (f: JsonFile) => f.findings.filter((x) => x.ruleId === 'MC951').map((x) => (hostNat ? x.message.replace(/; packet filter unknown: .*$/, '') : x.message));
    // The namespace's networks: its veth's IPv4 network, and its IPv6 link-local one where IPv6 is on.
    expect(reach(w)).toHaveLength(1);
    expect([
      `tcp 0.0.0.0:${pW}, tcp [::]:${pW}, udp 0.0.0.0:${pW}, udp [::]:${pW} are bound to the wildcard address: reachable from every network of network namespace ${nsName} (${nsIf} 10.250.${subnet}.0/30)${OPEN}`,
      `tcp 0.0.0.0:${pW}, tcp [::]:${pW}, udp 0.0.0.0:${pW}, udp [::]:${pW} are bound to the wildcard address: reachable from every network of network namespace ${nsName} (${nsIf} 10.250.${subnet}.0/30, ${nsIf} fe80::/64)${OPEN}`,
    ]).toContain(reach(w)[0]);
    expect(reach(b)).toEqual([`tcp ${addr}:${pB} is reachable from the network of ${addr} (10.250.${subnet}.0/30 on ${nsIf}) in network namespace ${nsName}${OPEN}`]);
    // The truth, from this namespace across the veth: both listeners answer at the namespace's address.
    expect(await tcpVersion(addr, pW)).toMatch(/^VERSION 1\.\d+\.\d+$/);
    expect(await tcpVersion(addr, pB)).toMatch(/^VERSION 1\.\d+\.\d+$/);
    // The namespace's own packet filter (read inside it, and empty) lets everything in, UDP included.
    if (hostNat) return;
    expect(w.process.firewall.map((f) => f.verdict)).toEqual(['open', 'open', 'open', 'open']);
    expect(w.findings.filter((x) => x.ruleId === 'MC954').map((x) => x.message.split(' from ')[0])).toEqual([`the packet filter accepts UDP to udp 0.0.0.0:${pW}`, `the packet filter accepts UDP to udp [::]:${pW}`]);
    expect(w.findings.filter((x) => x.ruleId === 'MC953').map((x) => x.message)).toEqual([
      `udp 0.0.0.0:${pW}, udp [::]:${pW} are network-reachable UDP sockets: memcached answers any source address without a handshake, so they are amplification-capable (reasoned from the socket table; --probe measures it)`,
    ]);
  });

  it('--probe sends nothing into another namespace, and says so', async () => {
    decoyHits.length = 0;
    const { w, b } = await audit(['--probe']);
    const nsName = `"${ns}" (net:[${statSync(`/run/netns/${ns}`).ino}])`;
    for (const f of [w, b]) {
      expect(f.process.probes!.length).toBe(f.process.sockets.length);
      for (const p of f.process.probes!) {
        expect(p).toMatchObject({ probed: false, reached: false, error: `not probed: in network namespace ${nsName}, not mchard's (mchard probes only inside its own)` });
      }
      expect(f.findings.map((x) => x.ruleId)).not.toContain('MC952');
    }
    expect(w.findings.filter((x) => x.ruleId === 'MC953').map((x) => x.message)).toEqual([
      `udp 0.0.0.0:${pW}, udp [::]:${pW} are network-reachable UDP sockets: memcached answers any source address without a handshake, so they are amplification-capable (reasoned from the socket table; not probed)`,
    ]);
    expect(decoyHits).toEqual([]);
    // The decoy is there and answers: a probe at 127.0.0.1 would have been fooled by it.
    expect(await tcpVersion('127.0.0.1', pW)).toBe('VERSION 9.9.9-decoy');
  });

  it('text output names the namespace beside the sockets', async () => {
    const r = await run(['audit', '--pid', String(wild.pid)]);
    const nsName = `"${ns}" (net:[${statSync(`/run/netns/${ns}`).ino}])`;
    expect(r.out).toContain(`  network namespace: ${nsName}, not mchard's (sockets and interfaces read from /proc/${wild.pid}/net)`);
    expect(r.out).toMatch(new RegExp(`  listens on: (tcp|udp) .*:${pW}`));
    expect(r.out).not.toContain('listens on: nothing');
  });
});
