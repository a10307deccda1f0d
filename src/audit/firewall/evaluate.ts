/**
 * Whether the packet filter accepts a new connection to a socket: the first packet of a connection (TCP
 * SYN, or a UDP datagram) of the socket's protocol, to its address and port, from any source address,
 * arriving on any interface other than loopback. Every base chain the packet meets on its way to a local
 * socket is evaluated (netdev ingress, then prerouting, then input, across the inet, ip, ip6 and netdev
 * families: each chain's priority orders it within its hook, and a packet is delivered only if no chain
 * drops it), following jump, goto and return, with the chains' policies.
 *
 * The evaluation is symbolic: it computes, for the whole space of sources and input interfaces at once,
 * which packets are accepted, which are dropped, and which depend on something it does not evaluate (a rate
 * limit, a packet mark that a rule sets, an xt match, a source port): those are "unknown", with the rule and
 * expression that made them so. Nothing is guessed: an expression the evaluator does not know is unknown.
 */
import { AddrSet, BITS, Interfaces, Region, parseAddress, type Family } from './space.js';
import { chainKey, renderExpr, type Chain, type Json, type NamedSet, type Rule, type Ruleset } from './ruleset.js';

export interface Target {
  family: Family;
  proto: 'tcp' | 'udp';
  /** The destination address of the packet (the bound address; for a wildcard socket, one local address), or null when unknown. */
  daddr: bigint | null;
  dport: number;
  /** Local addresses of this family in the namespace (a DNAT to one of them still reaches a wildcard socket). */
  local: bigint[];
  /** Whether the socket is bound to the wildcard address. */
  wildcard: boolean;
}

/** The packets of one evaluation, split three ways; `why` names what made the unknown part unknown. */
export interface Outcome {
  accepted: Region;
  dropped: Region;
  unknown: Region;
  why: string | null;
}

/** A three-valued condition: true on `yes`, unknown on `maybe`, false elsewhere (the two are disjoint). */
interface Tri {
  yes: Region;
  maybe: Region;
  why: string | null;
}

type Val =
  | { k: 'num'; n: number }
  | { k: 'str'; s: string }
  | { k: 'flags'; f: ReadonlySet<string> }
  | { k: 'addr'; n: bigint }
  | { k: 'saddr' }
  | { k: 'iif' }
  | { k: 'absent' }
  | { k: 'unknown'; why: string };

const PROTOCOLS: Record<string, number> = { icmp: 1, igmp: 2, ipip: 4, tcp: 6, egp: 8, udp: 17, dccp: 33, ipv6: 41, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, icmpv6: 58, comp: 108, sctp: 132, udplite: 136 };
const L4_OTHER = new Set(['icmp', 'icmpv6', 'igmp', 'sctp', 'dccp', 'udplite', 'esp', 'ah', 'comp', 'gre', 'ipcomp', 'arp', 'rt', 'hbh', 'frag', 'dst', 'mh', 'srh', 'rt0', 'rt2']);
const STATE_BITS = new Set(['new', 'established', 'related', 'invalid', 'untracked']);
const TCP_FLAGS = new Set(['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ecn', 'cwr']);
const CT_STATUS = new Set(['expected', 'seen-reply', 'assured', 'confirmed', 'snat', 'dnat', 'dying']);

const isObj = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stage a chain belongs to, which decides what the packet looks like there. */
interface Stage {
  hook: string;
  prio: number;
}

class Evaluator {
  readonly n: number;
  private readonly tables = new Map<string, Chain>();
  private readonly sets = new Map<string, NamedSet>();
  /** Whether any rule sets a packet or connection mark (else marks are 0). */
  private readonly marksSet: boolean;
  private readonly unknowns: { region: Region; why: string }[] = [];

  constructor(
    readonly rs: Ruleset,
    readonly t: Target,
    readonly ifaces: Interfaces,
  ) {
    this.n = ifaces.classes.length;
    for (const c of rs.chains) this.tables.set(chainKey(c.family, c.table, c.name), c);
    for (const s of rs.sets) this.sets.set(chainKey(s.family, s.table, s.name), s);
    this.marksSet = rs.chains.some((c) => c.rules.some((r) => r.expr.some(setsMark)));
  }

  full(): Region {
    return Region.full(this.t.family, this.n);
  }

  empty(): Region {
    return Region.empty(this.t.family, this.n);
  }

  private tri(v: boolean | null, why: string | null = null): Tri {
    if (v === true) return { yes: this.full(), maybe: this.empty(), why: null };
    if (v === false) return { yes: this.empty(), maybe: this.empty(), why: null };
    return { yes: this.empty(), maybe: this.full(), why };
  }

  private and(a: Tri, b: Tri): Tri {
    const yes = a.yes.intersect(b.yes);
    const maybe = a.yes.union(a.maybe).intersect(b.yes.union(b.maybe)).minus(yes);
    return { yes, maybe, why: maybe.isEmpty() ? null : (a.maybe.isEmpty() ? b.why : a.why) ?? b.why };
  }

  private or(a: Tri, b: Tri): Tri {
    const yes = a.yes.union(b.yes);
    const maybe = a.maybe.union(b.maybe).minus(yes);
    return { yes, maybe, why: maybe.isEmpty() ? null : (a.why ?? b.why) };
  }

  private not(a: Tri): Tri {
    return { yes: this.full().minus(a.yes).minus(a.maybe), maybe: a.maybe, why: a.why };
  }

  // --- what the packet carries ----------------------------------------------------------------------

  private key(e: Json, stage: Stage): Val {
    const unknown = (what: string): Val => ({ k: 'unknown', why: `${what} is not evaluated` });
    if (!isObj(e)) return unknown(renderExpr(e));
    const [kind] = Object.keys(e);
    const o = e[kind];
    const fam = this.t.family;
    if (kind === 'payload' && isObj(o)) {
      if (o.protocol === undefined) return unknown(`raw payload ${renderExpr(e)}`);
      const proto = String(o.protocol);
      const field = String(o.field);
      if (proto === 'ip' || proto === 'ip6') {
        if ((proto === 'ip') !== (fam === 'ipv4')) return { k: 'absent' };
        if (field === 'saddr') return { k: 'saddr' };
        if (field === 'daddr') return this.t.daddr === null ? unknown(`${proto} daddr (the destination address is not known)`) : { k: 'addr', n: this.t.daddr };
        if (field === 'protocol' || field === 'nexthdr') return { k: 'num', n: PROTOCOLS[this.t.proto] };
        if (field === 'version') return { k: 'num', n: fam === 'ipv4' ? 4 : 6 };
        return unknown(renderExpr(e));
      }
      if (proto === 'tcp' || proto === 'udp' || proto === 'th') {
        if (proto !== 'th' && proto !== this.t.proto) return { k: 'absent' };
        if (field === 'dport') return { k: 'num', n: this.t.dport };
        if (field === 'sport') return unknown(`${renderExpr(e)} (the client's source port)`);
        if (field === 'flags' && this.t.proto === 'tcp') return { k: 'flags', f: new Set(['syn']) };
        return unknown(renderExpr(e));
      }
      if (L4_OTHER.has(proto)) return { k: 'absent' };
      return unknown(renderExpr(e));
    }
    if (kind === 'meta' && isObj(o)) {
      switch (String(o.key)) {
        case 'l4proto':
          return { k: 'num', n: PROTOCOLS[this.t.proto] };
        case 'nfproto':
          return { k: 'str', s: fam };
        case 'protocol':
          return { k: 'str', s: fam === 'ipv4' ? 'ip' : 'ip6' };
        case 'iifname':
        case 'iif':
          return { k: 'iif' };
        case 'oif':
        case 'oifname':
        case 'oiftype':
        case 'oifgroup':
        case 'obrname':
        case 'obriport':
        case 'obridgename':
          // No output device before routing to a local socket: the expression breaks the rule.
          return { k: 'absent' };
        case 'mark':
          return this.marksSet ? unknown('meta mark (a rule sets marks)') : { k: 'num', n: 0 };
        case 'pkttype':
          return { k: 'str', s: 'host' };
        default:
          return unknown(renderExpr(e));
      }
    }
    if (kind === 'ct' && isObj(o)) {
      if (o.dir !== undefined) return unknown(renderExpr(e));
      const early = stage.hook === 'ingress' || (stage.hook === 'prerouting' && stage.prio < -200);
      switch (String(o.key)) {
        case 'state':
          return early ? unknown(`ct state before connection tracking (priority ${stage.prio})`) : { k: 'flags', f: new Set(['new']) };
        case 'status':
          return early ? unknown(`ct status before connection tracking`) : { k: 'flags', f: new Set() };
        case 'direction':
          return { k: 'str', s: 'original' };
        case 'mark':
          return this.marksSet ? unknown('ct mark (a rule sets marks)') : { k: 'num', n: 0 };
        case 'l3proto':
          return { k: 'str', s: fam };
        case 'protocol':
          return { k: 'num', n: PROTOCOLS[this.t.proto] };
        default:
          return unknown(renderExpr(e));
      }
    }
    if (kind === 'fib' && isObj(o)) {
      const flags = (Array.isArray(o.flags) ? o.flags : [o.flags]).map(String);
      if (o.result === 'type' && flags.length === 1 && flags[0] === 'daddr') return { k: 'str', s: 'local' };
      return unknown(renderExpr(e));
    }
    if (kind === '&' && Array.isArray(o) && o.length === 2) {
      const inner = this.key(o[0], stage);
      if (inner.k === 'flags') {
        const mask = flagList(o[1]);
        if (mask) return { k: 'flags', f: new Set([...inner.f].filter((x) => mask.has(x))) };
      }
      if (inner.k === 'num' && typeof o[1] === 'number') return { k: 'num', n: inner.n & o[1] };
      if (inner.k === 'absent' || inner.k === 'unknown') return inner;
      return unknown(renderExpr(e));
    }
    return unknown(renderExpr(e));
  }

  // --- comparing it -------------------------------------------------------------------------------

  /** The elements of a set expression: an anonymous set, a list, or a named set of the chain's table. */
  private elements(right: Json, chain: Chain): Json[] | { why: string } {
    if (typeof right === 'string' && right.startsWith('@')) {
      const s = this.sets.get(chainKey(chain.family, chain.table, right.slice(1)));
      if (!s) return { why: `set ${right} is not in the ruleset` };
      if (s.flags.includes('dynamic')) return { why: `set ${right} is filled by the packet path (dynamic)` };
      return s.elem;
    }
    if (isObj(right) && Array.isArray(right.set)) return right.set;
    if (isObj(right) && right.set !== undefined) return [right.set];
    if (Array.isArray(right)) return right;
    return [right];
  }

  /** One scalar, prefix or range element as an address set of the packet's family, or null (another family / not an address). */
  private addrSet(v: Json): AddrSet | null | 'other-family' {
    const fam = this.t.family;
    const one = (x: Json): bigint | null | 'other-family' => {
      if (typeof x !== 'string') return null;
      const n = parseAddress(fam, x);
      if (n !== null) return n;
      return parseAddress(fam === 'ipv4' ? 'ipv6' : 'ipv4', x) !== null ? 'other-family' : null;
    };
    if (isObj(v) && isObj(v.elem)) return this.addrSet(v.elem.val);
    if (isObj(v) && isObj(v.prefix)) {
      const base = one(v.prefix.addr);
      if (base === null || base === 'other-family') return base;
      const len = Number(v.prefix.len);
      if (!Number.isInteger(len) || len < 0 || len > BITS[fam]) return null;
      return AddrSet.prefix(fam, base, len);
    }
    if (isObj(v) && Array.isArray(v.range) && v.range.length === 2) {
      const lo = one(v.range[0]);
      const hi = one(v.range[1]);
      if (lo === 'other-family' || hi === 'other-family') return 'other-family';
      if (lo === null || hi === null) return null;
      return AddrSet.range(fam, lo, hi);
    }
    const n = one(v);
    return n === null || n === 'other-family' ? n : AddrSet.range(fam, n, n);
  }

  /** `key == element` for one element (a scalar, prefix, range or concatenation member). */
  private equals(key: Val, el: Json, chain: Chain): Tri {
    if (isObj(el) && isObj(el.elem)) return this.equals(key, el.elem.val, chain);
    switch (key.k) {
      case 'absent':
        return this.tri(false);
      case 'unknown':
        return this.tri(null, key.why);
      case 'saddr': {
        const s = this.addrSet(el);
        if (s === 'other-family') return this.tri(false);
        if (s === null) return this.tri(null, `address ${renderExpr(el)} is not understood`);
        return { yes: this.full().withSources(s), maybe: this.empty(), why: null };
      }
      case 'addr': {
        const s = this.addrSet(el);
        if (s === 'other-family') return this.tri(false);
        if (s === null) return this.tri(null, `address ${renderExpr(el)} is not understood`);
        return this.tri(s.has(key.n));
      }
      case 'iif': {
        if (typeof el !== 'string') return this.tri(null, `interface ${renderExpr(el)} is not understood`);
        const yes: number[] = [];
        const maybe: number[] = [];
        for (let i = 0; i < this.n; i++) {
          const m = this.ifaces.matches(i, el);
          if (m === true) yes.push(i);
          else if (m === null) maybe.push(i);
        }
        return {
          yes: Region.where(this.t.family, this.n, (i) => yes.includes(i)),
          maybe: Region.where(this.t.family, this.n, (i) => maybe.includes(i)),
          why: maybe.length ? `iifname ${el} against interfaces matching ${maybe.map((i) => this.ifaces.classes[i]).join(', ')}` : null,
        };
      }
      case 'num': {
        if (isObj(el) && Array.isArray(el.range) && el.range.length === 2) {
          const lo = numberOf(el.range[0]);
          const hi = numberOf(el.range[1]);
          if (lo === null || hi === null) return this.tri(null, `range ${renderExpr(el)} is not understood`);
          return this.tri(key.n >= lo && key.n <= hi);
        }
        const v = numberOf(el);
        if (v === null) return this.tri(null, `value ${renderExpr(el)} is not understood`);
        return this.tri(key.n === v);
      }
      case 'str':
        if (typeof el !== 'string') return this.tri(null, `value ${renderExpr(el)} is not understood`);
        return this.tri(key.s === el);
      case 'flags': {
        const f = flagList(el);
        if (!f) return this.tri(null, `value ${renderExpr(el)} is not understood`);
        return this.tri(f.size === key.f.size && [...f].every((x) => key.f.has(x)));
      }
    }
  }

  /** Membership of `left` (a key or a concatenation of keys) in the elements of `right`. */
  private member(left: Json, right: Json, chain: Chain, stage: Stage): Tri {
    const els = this.elements(right, chain);
    if ('why' in els) return this.tri(null, els.why);
    const parts = isObj(left) && Array.isArray(left.concat) ? left.concat : null;
    const keys = (parts ?? [left]).map((p) => this.key(p, stage));
    if (keys.some((k) => k.k === 'absent')) return this.tri(false);
    let out = this.tri(false);
    for (const el0 of els) {
      const el = isObj(el0) && isObj(el0.elem) ? el0.elem.val : el0;
      let cond: Tri;
      if (parts) {
        const vals = isObj(el) && Array.isArray(el.concat) ? el.concat : null;
        if (!vals || vals.length !== keys.length) return this.tri(null, `element ${renderExpr(el)} of ${renderExpr(right)} is not understood`);
        cond = this.tri(true);
        keys.forEach((k, i) => (cond = this.and(cond, this.equals(k, vals[i], chain))));
      } else {
        cond = this.equals(keys[0], el, chain);
      }
      out = this.or(out, cond);
    }
    return out;
  }

  private match(m: { [k: string]: Json }, chain: Chain, stage: Stage): Tri {
    const op = String(m.op);
    const left = m.left;
    const right = m.right;
    const key = isObj(left) && Array.isArray(left.concat) ? null : this.key(left, stage);
    if (key?.k === 'absent') return this.tri(false);
    if (key?.k === 'unknown') return this.tri(null, key.why);
    if (key?.k === 'flags') {
      // A list is one value (its flags or'ed together); a set is several values.
      const isSet = isObj(right) && right.set !== undefined;
      if (op === 'in' && !isSet) {
        const f = flagList(right);
        if (!f) return this.tri(null, `${renderExpr(right)} is not understood`);
        return this.tri([...f].some((x) => key.f.has(x)));
      }
      if (op === '==' || op === '!=' || op === 'in') {
        const r = isSet ? this.member(left, right, chain, stage) : this.equals(key, right, chain);
        return op === '!=' ? this.not(r) : r;
      }
    }
    if (op === '==' || op === 'in') return this.member(left, right, chain, stage);
    if (op === '!=') return this.not(this.member(left, right, chain, stage));
    if (op === '<' || op === '>' || op === '<=' || op === '>=') {
      const v = numberOf(right);
      if (key?.k === 'num' && v !== null) {
        const r = op === '<' ? key.n < v : op === '>' ? key.n > v : op === '<=' ? key.n <= v : key.n >= v;
        return this.tri(r);
      }
      if (key?.k === 'saddr' && typeof right === 'string') {
        const a = parseAddress(this.t.family, right);
        if (a === null) return this.tri(null, `${renderExpr(right)} is not understood`);
        const max = (1n << BigInt(BITS[this.t.family])) - 1n;
        const [lo, hi] = op === '<' ? [0n, a - 1n] : op === '<=' ? [0n, a] : op === '>' ? [a + 1n, max] : [a, max];
        return { yes: this.full().withSources(AddrSet.range(this.t.family, lo, hi)), maybe: this.empty(), why: null };
      }
    }
    return this.tri(null, `match ${renderExpr({ match: m })} is not understood`);
  }

  // --- chains -------------------------------------------------------------------------------------

  private noteUnknown(region: Region, why: string | null, rule: Rule, chain: Chain): void {
    if (region.isEmpty()) return;
    this.unknowns.push({ region, why: `${why ?? 'not understood'}: rule "${rule.text}" in chain ${chain.family} ${chain.table} ${chain.name}` });
  }

  /** The reason for the first recorded unknown part that overlaps `r`. */
  whyOf(r: Region): string | null {
    return this.unknowns.find((u) => !u.region.intersect(r).isEmpty())?.why ?? null;
  }

  /**
   * Evaluates `chain` for the packets in `live`: which it accepts, drops or cannot decide, and which come
   * back (`ret`: end of a regular chain, or `return`).
   */
  chain(chain: Chain, live0: Region, stage: Stage, depth: number): { accepted: Region; dropped: Region; unknown: Region; ret: Region } {
    let live = live0;
    let accepted = this.empty();
    let dropped = this.empty();
    let unknown = this.empty();
    let ret = this.empty();
    if (depth > 32) {
      this.unknowns.push({ region: live, why: `jumps nested deeper than 32 chains at chain ${chain.name}` });
      return { accepted, dropped, unknown: live, ret };
    }
    const target = (name: Json): Chain | null => this.tables.get(chainKey(chain.family, chain.table, String(name))) ?? null;

    for (const rule of chain.rules) {
      if (live.isEmpty()) break;
      let cond = this.tri(true);
      const apply = (verdict: Json): void => {
        // Applies a verdict to the packets that match `cond` (unknown ones become unknown).
        const yes = live.intersect(cond.yes);
        let maybe = live.intersect(cond.maybe);
        live = live.minus(yes).minus(maybe);
        const [v0] = isObj(verdict) ? Object.keys(verdict) : [String(verdict)];
        if (!maybe.isEmpty() && v0 === 'jump' && isObj(verdict) && isObj(verdict.jump)) {
          // Packets that may or may not jump: those the chain would return untouched continue either way.
          const sub = target(verdict.jump.target);
          if (sub) {
            const back = this.chain(sub, maybe, stage, depth + 1).ret;
            live = live.union(back);
            maybe = maybe.minus(back);
          }
        }
        if (!maybe.isEmpty()) {
          this.noteUnknown(maybe, cond.why, rule, chain);
          unknown = unknown.union(maybe);
        }
        if (yes.isEmpty()) return;
        const [v] = isObj(verdict) ? Object.keys(verdict) : [String(verdict)];
        const arg = isObj(verdict) ? verdict[v] : null;
        if (v === 'accept') accepted = accepted.union(yes);
        else if (v === 'drop' || v === 'reject') dropped = dropped.union(yes);
        else if (v === 'return') ret = ret.union(yes);
        else if (v === 'continue') live = live.union(yes);
        else if ((v === 'jump' || v === 'goto') && isObj(arg)) {
          const sub = target(arg.target);
          if (!sub) {
            this.noteUnknown(yes, `${v} to chain ${String(arg.target)}, which the ruleset does not define`, rule, chain);
            unknown = unknown.union(yes);
            return;
          }
          const r = this.chain(sub, yes, stage, depth + 1);
          accepted = accepted.union(r.accepted);
          dropped = dropped.union(r.dropped);
          unknown = unknown.union(r.unknown);
          if (v === 'jump') live = live.union(r.ret);
          else ret = ret.union(r.ret);
        } else {
          const why = v === 'nat' ? `destination NAT (${String(arg)}) to a target not evaluated` : `${renderExpr(verdict)} is not evaluated`;
          this.noteUnknown(yes, why, rule, chain);
          unknown = unknown.union(yes);
        }
      };
      let done = false;
      for (const st of rule.expr) {
        if (done) break;
        if (live.intersect(cond.yes.union(cond.maybe)).isEmpty()) break;
        const [kind] = isObj(st) ? Object.keys(st) : [''];
        const o = isObj(st) ? st[kind] : null;
        switch (kind) {
          case 'match':
            if (isObj(o)) cond = this.and(cond, this.match(o, chain, stage));
            else cond = this.and(cond, this.tri(null, 'a malformed match'));
            break;
          case 'counter':
          case 'log':
          case 'mangle':
          case 'set':
          case 'ct helper':
          case 'ct timeout':
          case 'ct expectation':
          case 'dup':
          case 'flow':
          case 'secmark':
          case 'meter':
          case 'snat':
          case 'masquerade':
          case 'comment':
            break; // no say over whether the packet passes (a mark a rule sets makes mark matches unknown)
          case 'accept':
          case 'drop':
          case 'reject':
          case 'return':
          case 'continue':
          case 'jump':
          case 'goto':
            apply(st);
            done = kind !== 'continue';
            break;
          case 'vmap': {
            if (!isObj(o)) {
              cond = this.and(cond, this.tri(null, 'a malformed vmap'));
              break;
            }
            const pairs = this.elements(o.data, chain);
            if ('why' in pairs) {
              apply({ queue: null });
              done = true;
              break;
            }
            const base = cond;
            for (const p of pairs) {
              if (!Array.isArray(p) || p.length !== 2) continue;
              cond = this.and(base, this.member(o.key, { set: [p[0]] }, chain, stage));
              apply(p[1]);
            }
            done = true;
            break;
          }
          case 'dnat':
          case 'redirect':
            apply(this.natVerdict(kind, o, stage, renderExpr(st)));
            done = true;
            break;
          default:
            // limit, quota, ct count, xt, synproxy, queue, fwd, tproxy, ...: decides in ways not evaluated.
            // notrack makes the connection untracked: its ct state is no longer "new".
            if (kind === 'queue' || kind === 'fwd' || kind === 'tproxy' || kind === 'notrack' || (kind === 'xt' && isObj(o) && o.type === 'target')) {
              apply(st);
              done = true;
            } else cond = this.and(cond, this.tri(null, `${renderExpr(st)} is not evaluated`));
        }
      }
    }
    return { accepted, dropped, unknown, ret: ret.union(live) };
  }

  /**
   * What a destination NAT does to the packet: it still goes to this socket (accept, in this chain), it
   * goes elsewhere (it never arrives: drop), or the target is not evaluated (`nat`).
   */
  private natVerdict(kind: string, o: Json, stage: Stage, text: string): Json {
    const unknown = { nat: text };
    if (stage.hook !== 'prerouting' || !isObj(o)) return unknown;
    const port = o.port === undefined ? this.t.dport : numberOf(o.port);
    if (port === null) return unknown;
    if (port !== this.t.dport) return { drop: null };
    // redirect: to the primary address of the incoming interface; a wildcard socket gets it whatever it is.
    if (kind === 'redirect') return this.t.wildcard ? { accept: null } : unknown;
    if (o.addr === undefined) return { accept: null };
    const a = typeof o.addr === 'string' ? parseAddress(this.t.family, o.addr) : null;
    if (a === null) return unknown;
    const ours = this.t.wildcard ? this.t.local.includes(a) : a === this.t.daddr;
    return ours ? { accept: null } : { drop: null };
  }
}

function numberOf(v: Json): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    if (/^0x[0-9a-f]+$/i.test(v)) return parseInt(v, 16);
    if (v in PROTOCOLS) return PROTOCOLS[v];
  }
  return null;
}

function flagList(v: Json): Set<string> | null {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : isObj(v) && Array.isArray(v.set) ? v.set : null;
  if (!list || !list.every((x) => typeof x === 'string' && (STATE_BITS.has(x) || TCP_FLAGS.has(x) || CT_STATUS.has(x)))) return null;
  return new Set(list as string[]);
}

/** Whether a statement sets a packet or connection mark (`meta mark set`, `ct mark set`, iptables MARK/CONNMARK). */
function setsMark(st: Json): boolean {
  if (!isObj(st)) return false;
  if (isObj(st.mangle) && isObj(st.mangle.key)) {
    const k = st.mangle.key;
    return (isObj(k.meta) && k.meta.key === 'mark') || (isObj(k.ct) && k.ct.key === 'mark');
  }
  return isObj(st.xt) && st.xt.type === 'target' && (st.xt.name === 'MARK' || st.xt.name === 'CONNMARK');
}

const HOOK_ORDER: Record<string, number> = { ingress: 0, prerouting: 1, input: 2 };

/** The base chains a packet to a local socket meets, in order (hook, then priority). */
export function inputChains(rs: Ruleset, family: Family): Chain[] {
  return rs.chains
    .filter((c) => c.hook !== undefined && c.hook in HOOK_ORDER)
    .filter((c) => c.family === 'inet' || c.family === 'netdev' || (c.family === 'ip' && family === 'ipv4') || (c.family === 'ip6' && family === 'ipv6'))
    .sort((a, b) => HOOK_ORDER[a.hook!] - HOOK_ORDER[b.hook!] || a.prio! - b.prio!);
}

/** Interface names and patterns the ruleset names (iifname, iif, a netdev chain's devices). */
export function namedInterfaces(rs: Ruleset): { names: string[]; patterns: string[] } {
  const names = new Set<string>();
  const patterns = new Set<string>();
  const add = (s: Json) => {
    if (typeof s !== 'string' || s.startsWith('@')) return;
    (s.endsWith('*') ? patterns : names).add(s);
  };
  const walk = (e: Json, underIif: boolean): void => {
    if (Array.isArray(e)) return e.forEach((x) => walk(x, underIif));
    if (!isObj(e)) return underIif ? add(e) : undefined;
    if (isObj(e.match)) {
      const l = e.match.left;
      const iif = isObj(l) && isObj(l.meta) && (l.meta.key === 'iifname' || l.meta.key === 'iif');
      walk(e.match.right, iif);
      return;
    }
    for (const v of Object.values(e)) walk(v, underIif);
  };
  for (const c of rs.chains) {
    for (const d of c.dev ?? []) add(d);
    for (const r of c.rules) walk(r.expr, false);
  }
  for (const s of rs.sets) if (s.type === 'ifname') s.elem.forEach((x) => add(x));
  return { names: [...names], patterns: [...patterns] };
}

/** Evaluates every chain a new packet to `t` meets, and combines them: dropped by any, else unknown in any, else accepted. */
export function evaluateTarget(rs: Ruleset, t: Target, ifaces: Interfaces): Outcome {
  const ev = new Evaluator(rs, t, ifaces);
  let dropped = ev.empty();
  let unknown = ev.empty();
  const bridge = rs.chains.find((c) => c.family === 'bridge' && (c.hook === 'prerouting' || c.hook === 'input') && (c.policy === 'drop' || c.rules.length > 0));
  let bridgeWhy: string | null = null;
  if (bridge) {
    // Bridge-family chains see packets that arrive through a bridge port: which ports those are is not known here.
    unknown = ev.full();
    bridgeWhy = `bridge chain ${bridge.table} ${bridge.name} may filter packets arriving through a bridge (not evaluated)`;
  }
  for (const c of inputChains(rs, t.family)) {
    // A netdev ingress chain sees only its devices' packets.
    let live = ev.full();
    if (c.dev) live = Region.where(t.family, ev.n, (i) => c.dev!.some((d) => ifaces.matches(i, d) === true));
    const r = ev.chain(c, live, { hook: c.hook!, prio: c.prio! }, 0);
    const policyDrop = c.policy === 'drop' ? r.ret : ev.empty();
    dropped = dropped.union(r.dropped).union(policyDrop);
    unknown = unknown.union(r.unknown);
  }
  unknown = unknown.minus(dropped);
  const accepted = ev.full().minus(dropped).minus(unknown);
  return { accepted, dropped, unknown, why: unknown.isEmpty() ? null : (bridgeWhy ?? ev.whyOf(unknown)) };
}
