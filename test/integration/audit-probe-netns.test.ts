/**
 * `mchard audit --probe` with "another machine": the test creates a network namespace and a veth pair
 * (10.250.X.1/30 on the host side, 10.250.X.2/30 inside), starts one memcached bound to the host's veth
 * address (TCP and UDP) and one hardened on 127.0.0.1, and shows from inside the namespace that the exposed
 * one answers `version` (and a UDP `stats`) and the hardened one cannot be reached, and that the audit's
 * findings name exactly the sockets the other machine reached.
 *
 * Traffic: only to 10.250.X.1 (the veth this test created, from inside its namespace) and, from --probe,
 * to each listener's own bound address: 10.250.X.1 and 127.0.0.1. Nothing else, the host's LAN address
 * included. The namespace, the veth pair and the processes are removed in afterAll, even on failure.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { haveNetns, TestNetworks } from '../helpers/netns.js';
import { run, TempDir } from '../cli/helpers.js';
import { haveMemcached, freePorts, startMemcached, stopAll, type Started } from '../audit/memcached.js';

const ready = haveMemcached && haveNetns;
if (!ready) console.warn('audit-probe-netns: skipped (needs root, /usr/bin/memcached and iproute2 with netns support)');
const describeNetns = ready ? describe : describe.skip;

/**
 * The client on "the other machine": run inside the namespace, it connects to HOST:PORT over TCP and sends
 * `version`, or sends a memcached UDP frame with `stats`, and prints what happened as JSON.
 */
const CLIENT = `
const [mode, host, port] = process.argv.slice(1);
const done = (r) => { console.log(JSON.stringify(r)); process.exit(0); };
setTimeout(() => done({ reached: false, error: 'timeout' }), 2000);
if (mode === 'tcp') {
  const s = require('net').connect({ host, port: Number(port) }, () => s.write('version\\r\\n'));
  s.on('data', (d) => done({ reached: true, reply: String(d).split('\\r\\n')[0] }));
  s.on('error', (e) => done({ reached: false, error: e.code }));
} else {
  const s = require('dgram').createSocket('udp4');
  let bytes = 0;
  s.on('message', (m) => { bytes += m.length; if (m.readUInt16BE(2) + 1 === m.readUInt16BE(4)) done({ reached: true, bytes }); });
  s.on('error', (e) => done({ reached: false, error: e.code }));
  s.send(Buffer.concat([Buffer.from([0, 9, 0, 0, 0, 1, 0, 0]), Buffer.from('stats\\r\\n')]), Number(port), host);
}`;

interface ClientResult {
  reached: boolean;
  reply?: string;
  bytes?: number;
  error?: string;
}

describeNetns('mchard audit --probe against another machine (a network namespace)', () => {
  const tag = randomBytes(3).toString('hex');
  const ns = `mchard-probe-${tag}`;
  const hostIf = `mcp${tag}h`;
  const nsIf = `mcp${tag}n`;
  let subnet = 0;
  let hostAddr = '';
  let exposed: Started;
  let hardened: Started;
  let tcpE = 0;
  let udpE = 0;
  let tcpH = 0;
  let tmp: TempDir;
  const nets = new TestNetworks();

  const fromOtherMachine = (mode: 'tcp' | 'udp', host: string, port: number): ClientResult =>
    JSON.parse(execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', CLIENT, mode, host, String(port)], { timeout: 10000 }).toString());

  beforeAll(async () => {
    tmp = new TempDir('mchard-probe-');
    nets.namespace(ns);
    const link = nets.veth(null, hostIf, ns, nsIf);
    subnet = link.subnet;
    hostAddr = link.left.address;
    [tcpE, udpE, tcpH] = freePorts(3, 57500, 59999);
    exposed = await startMemcached(['-u', 'nobody', '-m', '64', '-l', hostAddr, '-p', String(tcpE), '-U', String(udpE)], 2);
    hardened = await startMemcached(['-u', 'nobody', '-m', '64', '-l', '127.0.0.1', '-p', String(tcpH), '-U', '0'], 1);
  });

  afterAll(async () => {
    await stopAll();
    nets.remove();
    tmp?.cleanup();
  });

  it('the other machine reaches the exposed one and not the hardened one', () => {
    const tcp = fromOtherMachine('tcp', hostAddr, tcpE);
    expect(tcp).toEqual({ reached: true, reply: expect.stringMatching(/^VERSION \d+\.\d+\.\d+$/) });
    const udp = fromOtherMachine('udp', hostAddr, udpE);
    expect(udp.reached).toBe(true);
    expect(udp.bytes).toBeGreaterThan(15 * 10);
    // The hardened port is closed on the address the other machine sees...
    expect(fromOtherMachine('tcp', hostAddr, tcpH)).toEqual({ reached: false, error: 'ECONNREFUSED' });
    // ...and its own 127.0.0.1 is the namespace's loopback, not the host's.
    expect(fromOtherMachine('tcp', '127.0.0.1', tcpH).reached).toBe(false);
  });

  it('--probe reports exactly the sockets the other machine reached', async () => {
    // The listeners are in this machine's namespace: its own packet filter is not this test's subject.
    const r = await run(['audit', '--probe', '--no-firewall', '--format', 'json', '--pid', `${exposed.pid},${hardened.pid}`]);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      files: { findings: { ruleId: string; severity: string; message: string }[]; process: { pid: number; probes: { socket: string; target: string; answered: boolean; reply: string }[] } }[];
    };
    const ex = doc.files.find((f) => f.process.pid === exposed.pid)!;
    const hd = doc.files.find((f) => f.process.pid === hardened.pid)!;
    const audit = (f: typeof ex) => f.findings.filter((x) => x.ruleId >= 'MC950');

    expect(audit(ex).map((x) => x.ruleId).sort()).toEqual(['MC951', 'MC952', 'MC953']);
    const reach = audit(ex).find((x) => x.ruleId === 'MC951')!;
    expect(reach.message).toBe(`tcp ${hostAddr}:${tcpE}, udp ${hostAddr}:${udpE} are reachable from the network of ${hostAddr} (10.250.${subnet}.0/30 on ${hostIf})`);
    expect(reach.severity).toBe('warning'); // a private address
    const answered = audit(ex).find((x) => x.ruleId === 'MC952')!;
    expect(answered.message).toMatch(new RegExp(`^tcp ${hostAddr.replace(/\./g, '\\.')}:${tcpE} answered "version" without authentication \\(probed at ${hostAddr.replace(/\./g, '\\.')}:${tcpE}, reply "VERSION \\d+\\.\\d+\\.\\d+"\\)$`));
    const amp = audit(ex).find((x) => x.ruleId === 'MC953')!;
    expect(amp.message).toMatch(new RegExp(`udp ${hostAddr.replace(/\./g, '\\.')}:${udpE} answered a 15-byte "stats" request with \\d+ bytes in \\d+ datagrams? \\(\\d+x\\)`));

    // The hardened one answers its own loopback probe, but nothing else can reach it: no audit finding.
    expect(hd.process.probes).toEqual([expect.objectContaining({ socket: `tcp 127.0.0.1:${tcpH}`, target: '127.0.0.1', answered: true })]);
    // Only MC920's note: the running binary (Debian's 1.6.18) predates fixes whose features it does not use (an info).
    expect(hd.findings.filter((x) => x.ruleId !== 'MC920')).toEqual([]);
    expect(hd.findings.every((x) => x.ruleId !== 'MC920' || x.severity === 'info')).toBe(true);

    // What the audit calls reachable is what the other machine reaches: every held socket of both
    // processes, dialled from the namespace at the host's address on its port.
    const held = doc.files.flatMap((f) => f.process.probes.map((p) => p.socket));
    expect(held).toHaveLength(3);
    const reachedByOther = held
      .filter((key) => {
        const [transport, where] = key.split(' ');
        return fromOtherMachine(transport as 'tcp' | 'udp', hostAddr, Number(where.split(':').pop())).reached;
      })
      .sort();
    const namedByAudit = [...new Set(doc.files.flatMap((f) => f.findings.filter((x) => x.ruleId === 'MC951').flatMap((x) => x.message.match(/(?:tcp|udp) [\d.]+:\d+/g) ?? [])))].sort();
    expect(reachedByOther).toEqual([`tcp ${hostAddr}:${tcpE}`, `udp ${hostAddr}:${udpE}`]);
    expect(namedByAudit).toEqual(reachedByOther);
  });
});
