/**
 * A suggestion, never an edit: the nftables rules that would restrict a process's open or too-wide
 * listeners to the trusted networks (or `--allow CIDR`), printed for review. mchard never changes the
 * packet filter. The rules go in a table of their own with a base chain on the input hook just before the
 * usual filter priority; a packet must pass every base chain, so dropping there restricts the port whatever
 * the other chains accept.
 */
import { parseCidrs } from '../../engine/exposure.js';
import type { HeldSocket } from '../../system/sockets.js';
import type { SocketFirewall } from './verdict.js';
import { splitByTrust } from './findings.js';

type NetSocket = Extract<HeldSocket, { transport: 'tcp' | 'udp' }>;

/** The sockets that need it: the filter accepts them from anywhere, or from sources outside `allowed`. */
export function needsRestriction(f: SocketFirewall, allowed: string[]): boolean {
  if (f.verdict === 'open') return true;
  return f.verdict === 'restricted' && !splitByTrust(f, allowed).outside.isEmpty();
}

/** The nftables text, or null when no socket needs it. */
export function suggestRules(sockets: readonly { socket: NetSocket; firewall: SocketFirewall }[], allowed: string[], pid: number): string | null {
  const todo = sockets.filter((s) => needsRestriction(s.firewall, allowed));
  if (todo.length === 0) return null;
  const nets = parseCidrs(allowed);
  const v4 = allowed.filter((_, i) => nets[i][0].kind() === 'ipv4');
  const v6 = allowed.filter((_, i) => nets[i][0].kind() === 'ipv6');
  const lines = [
    `# mchard: restricts memcached pid ${pid}'s ${todo.map((s) => s.firewall.socket).join(', ')} to ${allowed.length ? allowed.join(', ') : 'this machine only (no trusted networks given: --allow CIDR, or trusted-networks in .mchardrc)'}.`,
    '# A suggestion for review: load it with "nft -f FILE" once it is right; mchard never changes the packet filter.',
    'table inet mchard_memcached {',
    '\tchain input {',
    '\t\ttype filter hook input priority -10; policy accept;',
    '\t\tiifname "lo" accept',
  ];
  for (const { socket: s } of todo) {
    const six = s.address.includes(':');
    const ip = six ? 'ip6' : 'ip';
    const wildcard = s.address === '0.0.0.0' || s.address === '::';
    const dest = wildcard ? `meta nfproto ${six ? 'ipv6' : 'ipv4'}` : `${ip} daddr ${s.address}`;
    const list = six ? v6 : v4;
    const except = list.length ? ` ${ip} saddr != { ${list.join(', ')} }` : '';
    lines.push(`\t\t${dest} ${s.transport} dport ${s.port}${except} drop`);
  }
  lines.push('\t}', '}');
  return lines.join('\n') + '\n';
}
