/**
 * A memcached in a "container" namespace that a host forwards to through destination NAT, as Docker
 * publishes a port. The test creates a host namespace H and a container namespace C joined by a veth pair,
 * runs the real memcached in C and runs mchard itself inside H (so H is mchard's own namespace, with a
 * ruleset the test loads there; this machine's own filter is never touched). The verdict for the container's
 * listener is its own namespace's, unless the host's destination NAT may forward to it: that path is not
 * evaluated, so the verdict is then unknown and names the rule (nftables, and iptables-legacy as Docker
 * writes it). No packet is sent.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BIN, ensureBuilt } from '../cli/helpers.js';
import { haveNetns, TestNetworks } from '../helpers/netns.js';
import { haveMemcached, startInNetns, stopAll, type Started } from '../audit/memcached.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const ready = haveMemcached && haveNetns && has('nft');
const describeReal = ready ? describe : describe.skip;

interface Firewall {
  socket: string;
  verdict: string;
  reason: string;
}

describeReal('a container listener behind the host destination NAT', () => {
  const tag = randomBytes(3).toString('hex');
  const H = `mchard-fwh-${tag}`;
  const C = `mchard-fwk-${tag}`;
  const nets = new TestNetworks();
  let mc: Started;
  let addr = '';
  const port = 12000 + Math.floor(Math.random() * 900);

  beforeAll(async () => {
    ensureBuilt();
    nets.namespace(H);
    nets.namespace(C);
    addr = nets.veth(H, 'docker0', C, 'eth0').right.address;
    mc = await startInNetns(C, ['-u', 'nobody', '-m', '16', '-l', addr, '-p', String(port), '-U', '0'], 1);
  });
  afterAll(async () => {
    await stopAll();
    nets.remove();
  });

  const load = (ns: string, cmd: string[], text: string) => {
    const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { input: text, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  /** mchard audit, run inside the host namespace. */
  const audit = (): Firewall => {
    const r = spawnSync('ip', ['netns', 'exec', H, process.execPath, BIN, 'audit', '--format', 'json', '--pid', String(mc.pid)], { encoding: 'utf8', timeout: 30000 });
    expect(r.stderr).toBe('');
    return (JSON.parse(r.stdout) as { files: { process: { firewall: Firewall[] } }[] }).files[0].process.firewall[0];
  };

  it("without a DNAT on the host: the container namespace's own filter decides", () => {
    load(H, ['nft', '-f', '-'], 'flush ruleset\n');
    load(C, ['nft', '-f', '-'], 'flush ruleset\n');
    expect(audit()).toMatchObject({ socket: `tcp ${addr}:${port}`, verdict: 'open' });
  });

  it('a host nftables DNAT to it: unknown, naming the rule', () => {
    load(H, ['nft', '-f', '-'], `flush ruleset\ntable ip nat {\n  chain pre {\n    type nat hook prerouting priority dstnat; policy accept;\n    iifname != "docker0" tcp dport 8080 dnat to ${addr}:${port}\n  }\n}\n`);
    const f = audit();
    expect(f.verdict).toBe('unknown');
    expect(f.reason).toBe(
      `nftables accepts new connections from 0.0.0.0/0; the host forwards packets to it through destination NAT "iifname != docker0 tcp dport 8080 dnat to ${addr}:${port}" in the host's chain ip nat pre; that path (the host's prerouting and forward chains) is not evaluated`,
    );
    // A DNAT to another container's address, or to another port, does not concern it.
    load(H, ['nft', '-f', '-'], `flush ruleset\ntable ip nat {\n  chain pre {\n    type nat hook prerouting priority dstnat; policy accept;\n    tcp dport 8080 dnat to 172.31.0.9:${port}\n    tcp dport 8081 dnat to ${addr}:22\n  }\n}\n`);
    expect(audit().verdict).toBe('open');
  });

  it("a container filter that drops everything stays closed, whatever the host forwards", () => {
    load(H, ['nft', '-f', '-'], `flush ruleset\ntable ip nat {\n  chain pre {\n    type nat hook prerouting priority dstnat; policy accept;\n    tcp dport 8080 dnat to ${addr}:${port}\n  }\n}\n`);
    load(C, ['nft', '-f', '-'], 'flush ruleset\ntable inet f {\n  chain in {\n    type filter hook input priority 0; policy drop;\n  }\n}\n');
    expect(audit().verdict).toBe('closed');
    load(C, ['nft', '-f', '-'], 'flush ruleset\n');
  });

  (has('iptables-legacy-restore') ? it : it.skip)("Docker's published-port rule, through legacy iptables on the host: unknown", () => {
    load(H, ['nft', '-f', '-'], 'flush ruleset\n');
    load(
      H,
      ['iptables-legacy-restore'],
      `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n-A DOCKER -i docker0 -j RETURN\n-A DOCKER ! -i docker0 -p tcp -m tcp --dport 18080 -j DNAT --to-destination ${addr}:${port}\nCOMMIT\n`,
    );
    const f = audit();
    expect(f.verdict).toBe('unknown');
    expect(f.reason).toContain(`through destination NAT "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 18080 -j DNAT --to-destination ${addr}:${port}" in the host's chain ip nat (iptables-legacy) DOCKER`);
  });
});
