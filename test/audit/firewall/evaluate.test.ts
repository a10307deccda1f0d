/**
 * The packet-filter evaluator on saved rulesets: address sets, the semantics of each construct (on small
 * rulesets in nft's own JSON shape), a real Docker host's ruleset, and every ingress/prerouting/input
 * ruleset of nftables' own test suite (nothing throws; what is not understood is unknown). The verdicts
 * against real packets are checked by test/integration/firewall-differential.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddrSet, Interfaces, parseAddress } from '../../../src/audit/firewall/space.js';
import { rulesetFromNftJson, RulesetError, type Json } from '../../../src/audit/firewall/ruleset.js';
import { socketVerdict } from '../../../src/audit/firewall/verdict.js';
import { rulesetFromText } from '../../../src/audit/firewall/read.js';
import { ROOT } from '../../cli/helpers.js';

const FIX = join(ROOT, 'test', 'fixtures', 'firewall');
const NS = { interfaces: ['lo', 'eth0', 'eth1'], addresses: ['127.0.0.1', '10.0.0.5', '192.0.2.10', '::1', 'fd00::5'] };
const tcp = (address: string, port = 11211) => ({ transport: 'tcp' as const, address, port });
const udp = (address: string, port = 11211) => ({ transport: 'udp' as const, address, port });

const m = (left: Json, right: Json, op = '=='): Json => ({ match: { op, left, right } });
const payload = (protocol: string, field: string): Json => ({ payload: { protocol, field } });
const SADDR = payload('ip', 'saddr');
const DPORT = payload('tcp', 'dport');

/** A ruleset of one inet input chain (policy `policy`) plus regular chains. */
function rs(policy: 'accept' | 'drop', rules: Json[][], chains: Record<string, Json[][]> = {}, extra: Json[] = []) {
  const items: Json[] = [
    { chain: { family: 'inet', table: 'f', name: 'input', type: 'filter', hook: 'input', prio: 0, policy } },
    ...rules.map((expr) => ({ rule: { family: 'inet', table: 'f', chain: 'input', expr } })),
  ];
  for (const [name, list] of Object.entries(chains)) {
    items.push({ chain: { family: 'inet', table: 'f', name } }, ...list.map((expr) => ({ rule: { family: 'inet', table: 'f', chain: name, expr } })));
  }
  return rulesetFromNftJson({ nftables: [...items, ...extra] });
}

describe('address sets', () => {
  it('unions, intersects, subtracts and prints the fewest CIDR blocks', () => {
    const a = (s: string) => parseAddress('ipv4', s)!;
    const s = AddrSet.range('ipv4', a('192.168.1.1'), a('192.168.1.20'));
    expect(s.toCidrs()).toEqual(['192.168.1.1/32', '192.168.1.2/31', '192.168.1.4/30', '192.168.1.8/29', '192.168.1.16/30', '192.168.1.20/32']);
    const p = AddrSet.prefix('ipv4', a('10.0.0.0'), 8);
    expect(p.union(s).minus(AddrSet.prefix('ipv4', a('10.128.0.0'), 9)).toCidrs()).toEqual(['10.0.0.0/9', ...s.toCidrs()]);
    expect(AddrSet.full('ipv4').minus(p).complement().equals(p)).toBe(true);
    expect(AddrSet.full('ipv6').toCidrs()).toEqual(['::/0']);
    expect(p.intersect(s).isEmpty()).toBe(true);
    expect(p.size()).toBe(1n << 24n);
  });

  it('classes of input interfaces: names, patterns, and any other', () => {
    const i = new Interfaces(['lo', 'eth0', 'wg0'], ['eth*', 'e*']);
    expect(i.classes).toEqual(['eth0', 'wg0', 'e*', 'eth*', '*']);
    expect(i.matches(0, 'eth*')).toBe(true);
    expect(i.matches(0, 'eth1')).toBe(false);
    expect(i.matches(3, 'e*')).toBe(true); // an interface matching eth* matches e*
    expect(i.matches(2, 'eth*')).toBeNull(); // one matching e* may or may not match eth*
    expect(i.matches(4, 'eth*')).toBe(false);
  });
});

describe('evaluating rules', () => {
  it('no filter at all: open; a drop policy with nothing accepted: closed', () => {
    expect(socketVerdict(rulesetFromNftJson({ nftables: [] }), tcp('10.0.0.5'), NS)).toMatchObject({ verdict: 'open', from: ['0.0.0.0/0'] });
    expect(socketVerdict(rs('drop', []), tcp('10.0.0.5'), NS)).toMatchObject({ verdict: 'closed', from: [] });
  });

  it('sources: prefixes, ranges, sets and negations, first match wins', () => {
    const v = socketVerdict(
      rs('drop', [
        [m(SADDR, '10.1.2.3'), { drop: null }],
        [m(SADDR, { prefix: { addr: '10.0.0.0', len: 8 } }), m(DPORT, 11211), { accept: null }],
        [m(SADDR, { set: ['192.0.2.7', { range: ['198.51.100.1', '198.51.100.2'] }] }), { accept: null }],
        [m(SADDR, { prefix: { addr: '172.16.0.0', len: 12 } }, '!='), { drop: null }],
        [m(DPORT, { range: [11000, 11300] }), { accept: null }],
      ]),
      tcp('10.0.0.5'),
      NS,
    );
    expect(v.verdict).toBe('restricted');
    expect(v.from).toEqual(['10.0.0.0/16', '10.1.0.0/23', '10.1.2.0/31', '10.1.2.2/32', '10.1.2.4/30', '10.1.2.8/29', '10.1.2.16/28', '10.1.2.32/27', '10.1.2.64/26', '10.1.2.128/25', '10.1.3.0/24', '10.1.4.0/22', '10.1.8.0/21', '10.1.16.0/20', '10.1.32.0/19', '10.1.64.0/18', '10.1.128.0/17', '10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9', '172.16.0.0/12', '192.0.2.7/32', '198.51.100.1/32', '198.51.100.2/32']);
  });

  it('protocols: tcp dport does not match UDP; th dport and meta l4proto do', () => {
    const ruleset = rs('drop', [
      [m(DPORT, 11211), m(SADDR, '10.9.9.9'), { accept: null }],
      [m({ meta: { key: 'l4proto' } }, { set: ['udp'] }), m(payload('th', 'dport'), 11211), m(SADDR, '10.8.8.8'), { accept: null }],
    ]);
    expect(socketVerdict(ruleset, tcp('10.0.0.5'), NS).from).toEqual(['10.9.9.9/32']);
    expect(socketVerdict(ruleset, udp('10.0.0.5'), NS).from).toEqual(['10.8.8.8/32']);
  });

  it('jump returns, goto does not come back, return ends a chain', () => {
    const ruleset = rs(
      'drop',
      [
        [m(DPORT, 11211), { jump: { target: 'a' } }],
        [m(SADDR, '10.0.0.1'), { accept: null }],
        [m(SADDR, '10.0.0.2'), { goto: { target: 'b' } }],
        [m(SADDR, '10.0.0.3'), { accept: null }],
      ],
      { a: [[m(SADDR, '10.0.0.9'), { return: null }], [m(SADDR, { prefix: { addr: '10.0.0.8', len: 29 } }), { accept: null }]], b: [[m(SADDR, '10.0.0.3'), { accept: null }]] },
    );
    // .9 returns from a and is not accepted later; .8-.15 but .9 accepted in a; .1 after the jump; .2 goes to b, which
    // does not accept it, and does not come back: the base chain's policy drops it.
    expect(socketVerdict(ruleset, tcp('10.0.0.5'), NS).from).toEqual(['10.0.0.1/32', '10.0.0.3/32', '10.0.0.8/32', '10.0.0.10/31', '10.0.0.12/30']);
  });

  it('ct state: a new packet; established-only rules do not accept it', () => {
    const ct = { ct: { key: 'state' } };
    const ruleset = rs('drop', [
      [m(ct, ['established', 'related'], 'in'), { accept: null }],
      [m(ct, 'invalid', 'in'), { drop: null }],
      [m(ct, 'new', 'in'), m(SADDR, '10.0.0.1'), { accept: null }],
      [m(ct, { set: ['new', 'established'] }), m(SADDR, '10.0.0.2'), { accept: null }],
      [m(ct, 'established', '!='), m(SADDR, '10.0.0.3'), { accept: null }],
      [m({ '&': [ct, ['established', 'related']] }, [], '=='), m(SADDR, '10.0.0.4'), { accept: null }],
    ]);
    expect(socketVerdict(ruleset, tcp('10.0.0.5'), NS).from).toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/32']);
  });

  it('interfaces: a packet from elsewhere never arrives on lo; names, patterns and the rest', () => {
    const iif = { meta: { key: 'iifname' } };
    const ruleset = rs('drop', [[m(iif, 'lo'), { accept: null }], [m({ meta: { key: 'oifname' } }, 'eth0', '!='), { accept: null }], [m(iif, 'eth*'), m(SADDR, '10.0.0.1'), { accept: null }], [m(iif, 'eth1'), { accept: null }]]);
    const v = socketVerdict(ruleset, tcp('10.0.0.5'), NS);
    expect(v.verdict).toBe('open');
    expect(v.accepted).toEqual([
      { interfaces: ['eth0', 'eth*'], sources: ['10.0.0.1/32'] },
      { interfaces: ['eth1'], sources: ['0.0.0.0/0'] },
    ]);
    expect(v.from).toEqual(['10.0.0.1/32 via eth0, an interface matching eth*', '0.0.0.0/0 via eth1']);
  });

  it('several base chains: every one must let the packet through; ip/ip6 tables see only their family', () => {
    const ruleset = rulesetFromNftJson({
      nftables: [
        { chain: { family: 'inet', table: 'a', name: 'in', type: 'filter', hook: 'input', prio: 0, policy: 'accept' } },
        { chain: { family: 'ip', table: 'b', name: 'in', type: 'filter', hook: 'input', prio: 10, policy: 'accept' } },
        { rule: { family: 'ip', table: 'b', chain: 'in', expr: [m(SADDR, { prefix: { addr: '10.0.0.0', len: 8 } }, '!='), { drop: null }] } },
        { chain: { family: 'ip6', table: 'c', name: 'pre', type: 'filter', hook: 'prerouting', prio: -150, policy: 'drop' } },
      ],
    });
    expect(socketVerdict(ruleset, tcp('10.0.0.5'), NS)).toMatchObject({ verdict: 'restricted', from: ['10.0.0.0/8'] });
    expect(socketVerdict(ruleset, tcp('fd00::5'), NS)).toMatchObject({ verdict: 'closed' });
  });

  it('vmaps, concatenations and named sets', () => {
    const ruleset = rs(
      'drop',
      [
        [m({ concat: [SADDR, DPORT] }, '@pairs'), { accept: null }],
        [m(SADDR, '@blocked'), { drop: null }],
        [{ vmap: { key: DPORT, data: { set: [[22, { drop: null }], [11211, { jump: { target: 'mc' } }]] } } }],
      ],
      { mc: [[m(SADDR, { prefix: { addr: '192.0.2.0', len: 24 } }), { accept: null }]] },
      [
        { set: { family: 'inet', table: 'f', name: 'pairs', type: ['ipv4_addr', 'inet_service'], elem: [{ concat: ['10.7.7.7', 11211] }, { concat: ['10.6.6.6', 22] }] } },
        { set: { family: 'inet', table: 'f', name: 'blocked', type: 'ipv4_addr', flags: ['interval'], elem: [{ prefix: { addr: '192.0.2.128', len: 25 } }] } },
      ],
    );
    expect(socketVerdict(ruleset, tcp('10.0.0.5'), NS).from).toEqual(['10.7.7.7/32', '192.0.2.0/25']);
  });

  it('a deny list is open, with its exceptions named', () => {
    const v = socketVerdict(rs('accept', [[m(SADDR, { set: ['203.0.113.9', { prefix: { addr: '198.51.100.0', len: 24 } }] }), { drop: null }]]), tcp('10.0.0.5'), NS);
    expect(v).toMatchObject({ verdict: 'open', from: ['0.0.0.0/0 except 198.51.100.0/24, 203.0.113.9/32'] });
  });

  it('anything not evaluated is unknown, naming the expression; a decided packet is not affected by it', () => {
    const limit = rs('drop', [[m(SADDR, '10.0.0.1'), { accept: null }], [{ limit: { rate: 10, per: 'second' } }, { accept: null }]]);
    const v = socketVerdict(limit, tcp('10.0.0.5'), NS);
    expect(v.verdict).toBe('unknown');
    expect(v.from).toEqual(['10.0.0.1/32']);
    expect(v.reason).toBe('nftables: not decided: limit {"rate":10,"per":"second"} is not evaluated: rule "limit {"rate":10,"per":"second"} accept" in chain inet f input; accepted for certain from 10.0.0.1/32');
    // After a verdict that decides every packet, an unknown expression changes nothing.
    expect(socketVerdict(rs('drop', [[{ accept: null }], [{ xt: { type: 'match', name: 'recent' } }, { drop: null }]]), tcp('10.0.0.5'), NS).verdict).toBe('open');
    // A rule that only logs or counts is no verdict, whatever it matches on.
    expect(socketVerdict(rs('accept', [[{ xt: { type: 'match', name: 'recent' } }, { log: null }]]), tcp('10.0.0.5'), NS).verdict).toBe('open');
    // Marks: 0 unless a rule sets them.
    const mark = (set: boolean) => rs('drop', [...(set ? [[{ mangle: { key: { meta: { key: 'mark' } }, value: 1 } }]] : []), [m({ meta: { key: 'mark' } }, 1), { accept: null }], [m(SADDR, '10.0.0.1'), { accept: null }]]);
    expect(socketVerdict(mark(false), tcp('10.0.0.5'), NS)).toMatchObject({ verdict: 'restricted', from: ['10.0.0.1/32'] });
    expect(socketVerdict(mark(true), tcp('10.0.0.5'), NS).verdict).toBe('unknown');
    // A source port, an xt target, a queue, a jump to a chain that does not exist.
    for (const st of [[m(payload('tcp', 'sport'), 1000), { drop: null }], [{ xt: { type: 'target', name: 'NFQUEUE' } }], [{ queue: { num: 1 } }], [{ jump: { target: 'nowhere' } }]]) {
      expect(socketVerdict(rs('accept', [st]), tcp('10.0.0.5'), NS).verdict).toBe('unknown');
    }
  });

  it('destination NAT: a packet sent elsewhere never arrives; another port sent here is unknown', () => {
    const nat = (expr: Json[]) =>
      rulesetFromNftJson({
        nftables: [{ chain: { family: 'ip', table: 'nat', name: 'pre', type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' } }, { rule: { family: 'ip', table: 'nat', chain: 'pre', expr } }],
      });
    expect(socketVerdict(nat([m(DPORT, 11211), m(SADDR, '10.0.0.1', '!='), { dnat: { addr: '172.17.0.2', port: 11211 } }]), tcp('10.0.0.5'), NS)).toMatchObject({ verdict: 'restricted', from: ['10.0.0.1/32'] });
    // Port 8080 sent to the socket: a path the evaluation of port 11211's packets does not cover (an input rule
    // such as "ct status dnat accept" would let it through). Unknown, unless the socket is open to all anyway.
    const withInput = (expr: Json[]) => {
      const r = nat(expr);
      const input = rs('drop', [[m(SADDR, '10.0.0.1'), { accept: null }]]);
      return { ...r, chains: [...r.chains, ...input.chains] };
    };
    const other = socketVerdict(withInput([m(DPORT, 8080), { dnat: { addr: '10.0.0.5', port: 11211 } }]), tcp('10.0.0.5'), NS);
    expect(other.verdict).toBe('unknown');
    expect(other.reason).toContain('destination NAT "tcp dport 8080 dnat to 10.0.0.5:11211" in chain ip nat pre may send other packets to this socket');
    expect(socketVerdict(nat([m(DPORT, 8080), { dnat: { addr: '10.0.0.5', port: 11211 } }]), tcp('10.0.0.5'), NS).verdict).toBe('open');
    // ... and concerns TCP only.
    expect(socketVerdict(withInput([m(DPORT, 8080), { dnat: { addr: '10.0.0.5', port: 11211 } }]), udp('10.0.0.5'), NS)).toMatchObject({ verdict: 'restricted', from: ['10.0.0.1/32'] });
  });

  it('a wildcard socket: every local address of its family', () => {
    const ruleset = rs('drop', [[m(payload('ip', 'daddr'), '192.0.2.10'), { accept: null }]]);
    expect(socketVerdict(ruleset, tcp('0.0.0.0'), NS).verdict).toBe('open');
    expect(socketVerdict(ruleset, tcp('10.0.0.5'), NS).verdict).toBe('closed');
  });
});

describe('real rulesets', () => {
  it("a Docker host's (nft 1.0.9, iptables-nft): open, except where Docker's xt DNAT or a DNAT elsewhere applies", () => {
    const doc = JSON.parse(readFileSync(join(FIX, 'aleph-vm-docker-host.json'), 'utf8'));
    const ruleset = rulesetFromNftJson(doc);
    const ns = { interfaces: ['lo', 'eno1np1', 'docker0', 'br-bae9a3398396', 'vmtap4'], addresses: ['127.0.0.1', '203.0.113.20'] };
    // No input chain; the addrtype xt match before the jump to DOCKER does not matter to port 11211.
    expect(socketVerdict(ruleset, tcp('0.0.0.0'), ns)).toMatchObject({ verdict: 'open', from: ['0.0.0.0/0'] });
    // Port 4021 is Docker's published port: its DNAT is an xt target, not evaluated.
    const docker = socketVerdict(ruleset, tcp('0.0.0.0', 4021), ns);
    expect(docker.verdict).toBe('unknown');
    expect(docker.reason).toMatch(/xt (match addrtype|target DNAT) is not evaluated/);
    // Port 24000 on eno1np1 is sent to a VM (dnat to 172.16.4.2:22): a socket here gets it only on the other interfaces.
    const vm = socketVerdict(ruleset, tcp('0.0.0.0', 24000), ns);
    expect(vm.verdict).toBe('open');
    expect(vm.accepted.find((a) => a.interfaces.includes('eno1np1'))).toBeUndefined();
  });

  const dumps = readdirSync(join(FIX, 'nftables-tests')).sort();

  it.each(dumps)("nftables' test suite: %s reads and evaluates, or is refused with a reason", (name) => {
    const text = readFileSync(join(FIX, 'nftables-tests', name), 'utf8');
    let ruleset;
    try {
      ruleset = rulesetFromText(text, name);
    } catch (e) {
      expect(e).toBeInstanceOf(RulesetError);
      return;
    }
    for (const s of [tcp('10.0.0.5'), udp('0.0.0.0'), tcp('fd00::5', 22), udp('::', 53)]) {
      const v = socketVerdict(ruleset, s, NS);
      expect(['open', 'restricted', 'closed', 'unknown']).toContain(v.verdict);
      if (v.verdict === 'unknown') expect(v.reason).toMatch(/not (decided|evaluated|understood)/);
    }
  });
});
