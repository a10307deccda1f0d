/**
 * Random packet-filter rulesets for the differential test: nftables text (policies, several base chains
 * and hooks, jumps, gotos and returns, anonymous and named sets, prefixes, ranges, negations, interface
 * matches, ct state, verdict maps, concatenations, TCP and UDP) and iptables-save text, over the
 * addresses of the test's own namespaces. Seeded, so a failure can be replayed.
 */

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Net {
  /** `10.251.X` */
  v4: string;
  /** `fd51:X:` prefix of the /64 (`fd51:7::`), or null without IPv6. */
  v6: string | null;
  /** The server's veth interface. */
  ifname: string;
  port: number;
}

class Pick {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  one<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
}

/** A source condition (or none); `sets`: the named sets of table t1 may be used. */
function sourceCond(p: Pick, n: Net, v6: boolean, sets = true): string {
  if (v6 && n.v6) {
    return p.one([
      '',
      `ip6 saddr ${n.v6}/65`,
      `ip6 saddr != ${n.v6}8000:0:0:0/65`,
      `ip6 saddr { ${n.v6}2, ${n.v6}8000:0:0:2 }`,
      `ip6 saddr ${n.v6}1-${n.v6}100`,
    ]);
  }
  const b = n.v4;
  const c = p.one([
    '',
    '',
    `ip saddr ${b}.0/25`,
    `ip saddr ${b}.128/25`,
    `ip saddr != ${b}.128/26`,
    `ip saddr ${b}.60-${b}.140`,
    `ip saddr { ${b}.2, ${b}.192/26 }`,
    `ip saddr { ${b}.64/26, 192.0.2.0/24 }`,
    `ip saddr @trusted`,
    `ip saddr != @trusted`,
    `ip saddr 198.51.100.0/24`,
    `ip saddr . meta l4proto { ${b}.66 . tcp, ${b}.130 . udp }`,
  ]);
  return !sets && c.includes('@') ? '' : c;
}

function portCond(p: Pick, n: Net, sets = true): string {
  const P = n.port;
  const c = p.one([
    '',
    `tcp dport ${P}`,
    `udp dport ${P}`,
    `meta l4proto { tcp, udp } th dport ${P}`,
    `th dport ${P}`,
    `tcp dport { ${P}, 22 }`,
    `udp dport ${P - 1}-${P + 1}`,
    `tcp dport != ${P}`,
    `meta l4proto udp`,
    `meta l4proto tcp`,
    `th dport @ports`,
    `tcp dport ${P + 7}`,
    `udp dport < ${P}`,
  ]);
  return !sets && c.includes('@') ? '' : c;
}

function ifaceCond(p: Pick, n: Net): string {
  return p.one(['', '', '', `iifname "${n.ifname}"`, `iifname != "${n.ifname}"`, 'iifname "lo"', `iifname "${n.ifname.slice(0, 1)}*"`, 'iifname "x*"', `iif "${n.ifname}"`, 'iif "lo"']);
}

/**
 * A connection-state condition, only in rulesets whose base chains first accept established and related
 * packets: the verdict is about a connection's first packet, and the client needs the rest of the
 * connection to pass too, so a ruleset that treats the later packets differently would test nothing.
 */
function ctCond(p: Pick, useCt: boolean): string {
  if (!useCt) return '';
  return p.one(['', '', '', 'ct state new', 'ct state established', 'ct state { new, established }', 'ct state != established']);
}

/** One generated nftables ruleset, and whether it uses something the evaluator must call unknown. */
export function nftRuleset(seed: number, n: Net, withUnknown: boolean): { text: string; unknown: boolean } {
  const p = new Pick(rng(seed));
  const b = n.v4;
  const userChains = ['c1', 'c2'];
  const verdict = (inUser: boolean): string => {
    const v = p.one(['accept', 'accept', 'drop', 'drop', 'reject', 'jump c1', 'goto c2', 'counter', ...(inUser ? ['return', 'return'] : [])]);
    return v;
  };
  const useCt = p.chance(0.6);
  const rule = (inUser: boolean, sets = true, v6ok = true): string => {
    const v6 = v6ok && n.v6 !== null && p.chance(0.2);
    const parts = [ctCond(p, useCt), ifaceCond(p, n), sourceCond(p, n, v6, sets), portCond(p, n, sets)].filter((x) => x !== '');
    let v = verdict(inUser);
    // Chains jump only "forward" (c1 may goto c2, c2 jumps nowhere): no loops.
    if (inUser === true && v.startsWith('jump c1')) v = 'accept';
    return `${parts.join(' ')} ${v}`.trim();
  };
  const lines: string[] = ['flush ruleset', 'table inet t1 {'];
  lines.push(`  set trusted { type ipv4_addr; flags interval; elements = { ${b}.0/26, ${b}.190-${b}.200 } }`);
  lines.push(`  set ports { type inet_service; elements = { ${n.port}, 443 } }`);
  lines.push(`  chain input {`);
  lines.push(`    type filter hook input priority ${p.one([-10, 0, 0, 10])}; policy ${p.one(['accept', 'drop'])};`);
  if (useCt) lines.push('    ct state established,related accept');
  const count = 2 + p.int(5);
  for (let i = 0; i < count; i++) lines.push(`    ${rule(false)}`);
  if (p.chance(0.4)) lines.push(`    tcp dport vmap { ${n.port} : ${p.one(['accept', 'drop', 'jump c1'])}, 22 : drop }`);
  if (p.chance(0.3)) lines.push(`    ip saddr vmap { ${b}.0/25 : ${p.one(['accept', 'drop'])}, ${b}.128/25 : ${p.one(['accept', 'drop', 'continue'])} }`);
  let unknown = false;
  if (withUnknown) {
    const u = p.one(['limit rate 10/second accept', 'meta mark 0x1 accept', `tcp sport 1024-65535 drop`, 'numgen random mod 2 0 drop', 'ip dscp cs1 accept']);
    lines.push(`    ${u}`);
    if (u.startsWith('meta mark')) lines.splice(lines.indexOf('  chain input {') + 2, 0, '    meta mark set 0x1');
    unknown = true;
  }
  lines.push('  }');
  for (const c of userChains) {
    lines.push(`  chain ${c} {`);
    const k = 1 + p.int(3);
    for (let i = 0; i < k; i++) {
      let r = rule(true);
      if (c === 'c2') r = r.replace(/ (jump c1|goto c2)$/, ' accept');
      if (c === 'c1') r = r.replace(/ (jump c1)$/, ' accept').replace(/ goto c2$/, ' goto c2');
      lines.push(`    ${r}`);
    }
    lines.push('  }');
  }
  lines.push('}');
  if (p.chance(0.35)) {
    // A second base chain on the input hook, in the ip family.
    lines.push('table ip t2 {', `  chain in2 {`, `    type filter hook input priority ${p.one([-5, 5, 20])}; policy ${p.one(['accept', 'accept', 'drop'])};`);
    if (useCt) lines.push('    ct state established,related accept');
    for (let i = 0; i < 1 + p.int(3); i++) lines.push(`    ${rule(false, false, false).replace(/ (jump c1|goto c2)$/, ' drop')}`);
    lines.push('  }', '}');
  }
  if (p.chance(0.25)) {
    // A prerouting filter chain after conntrack.
    lines.push('table inet t3 {', '  chain pre {', `    type filter hook prerouting priority ${p.one([-150, 0])}; policy accept;`);
    lines.push(`    ${[ifaceCond(p, n), sourceCond(p, n, false, false), portCond(p, n, false)].filter((x) => x !== '').join(' ')} ${p.one(['drop', 'accept'])}`);
    lines.push('  }', '}');
  }
  if (p.chance(0.2)) {
    lines.push('table netdev t4 {', `  chain ing {`, `    type filter hook ingress device "${n.ifname}" priority 0; policy accept;`);
    lines.push(`    ${[sourceCond(p, n, false, false), portCond(p, n, false)].filter((x) => x !== '').join(' ')} ${p.one(['drop', 'accept'])}`);
    lines.push('  }', '}');
  }
  return { text: lines.join('\n') + '\n', unknown };
}

/** One generated iptables-save ruleset (filter table, INPUT and user chains). */
export function iptablesRuleset(seed: number, n: Net): string {
  const p = new Pick(rng(seed));
  const b = n.v4;
  const P = n.port;
  // As for nftables: state and SYN-only conditions only after established packets are accepted.
  const useCt = p.chance(0.6);
  const cond = (): string =>
    [
      useCt ? p.one(['', '', '-m conntrack --ctstate NEW', '-m state --state ESTABLISHED', '-m conntrack ! --ctstate ESTABLISHED,RELATED']) : '',
      p.one(['', '', `-i ${n.ifname}`, `! -i ${n.ifname}`, '-i lo', `-i ${n.ifname.slice(0, 1)}+`]),
      p.one(['', '', `-s ${b}.0/25`, `! -s ${b}.128/26`, `-s ${b}.66/32`, '-m iprange --src-range ' + `${b}.60-${b}.140`, '-s 198.51.100.0/24']),
      p.one([
        '',
        `-p tcp -m tcp --dport ${P}`,
        `-p udp -m udp --dport ${P}`,
        `-p tcp -m multiport --dports 22,${P}`,
        `-p udp -m udp --dport ${P - 1}:${P + 1}`,
        `-p tcp -m tcp ! --dport ${P}`,
        '-p udp',
        useCt ? `-p tcp -m tcp --dport ${P} --tcp-flags FIN,SYN,RST,ACK SYN` : '-p tcp',
        '-m addrtype --dst-type LOCAL',
        '-m addrtype --dst-type BROADCAST',
      ]),
    ]
      .filter((x) => x !== '')
      .join(' ');
  const lines = ['*filter', `:INPUT ${p.one(['ACCEPT', 'DROP'])} [0:0]`, ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':U1 - [0:0]', ':U2 - [0:0]'];
  if (useCt) lines.push('-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  const target = (list: string[]) => p.one(list);
  for (let i = 0; i < 2 + p.int(5); i++) lines.push(`-A INPUT ${cond()} ${target(['-j ACCEPT', '-j DROP', '-j REJECT --reject-with icmp-port-unreachable', '-j U1', '-g U2', '-j LOG --log-prefix "x "', '-m comment --comment "a comment" -j ACCEPT'])}`);
  for (let i = 0; i < 1 + p.int(3); i++) lines.push(`-A U1 ${cond()} ${target(['-j ACCEPT', '-j DROP', '-j RETURN', '-g U2'])}`);
  for (let i = 0; i < 1 + p.int(2); i++) lines.push(`-A U2 ${cond()} ${target(['-j ACCEPT', '-j DROP', '-j RETURN'])}`);
  lines.push('COMMIT');
  return lines.map((l) => l.replace(/ +/g, ' ')).join('\n') + '\n';
}
