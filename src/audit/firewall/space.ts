/**
 * Sets of source addresses and the packets the evaluator reasons about at once. An address set is a sorted
 * list of disjoint closed intervals over one family's address space (IPv4: 32 bits, IPv6: 128 bits, as
 * BigInt), so a prefix, a range and any union, intersection or difference of them stay exact. A region is
 * one address set per input-interface class (see `Interfaces`): the packets of one protocol to one local
 * address and port, from any source, arriving on any interface.
 */
import ipaddr from 'ipaddr.js';

export type Family = 'ipv4' | 'ipv6';

export const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

/** [low, high] inclusive. */
export type Interval = readonly [bigint, bigint];

export class AddrSet {
  private constructor(
    readonly family: Family,
    readonly intervals: readonly Interval[],
  ) {}

  static empty(family: Family): AddrSet {
    return new AddrSet(family, []);
  }

  static full(family: Family): AddrSet {
    return new AddrSet(family, [[0n, (1n << BigInt(BITS[family])) - 1n]]);
  }

  static range(family: Family, lo: bigint, hi: bigint): AddrSet {
    return lo > hi ? AddrSet.empty(family) : new AddrSet(family, [[lo, hi]]);
  }

  static prefix(family: Family, base: bigint, len: number): AddrSet {
    const host = BigInt(BITS[family] - len);
    const lo = (base >> host) << host;
    return new AddrSet(family, [[lo, lo + (1n << host) - 1n]]);
  }

  static of(family: Family, list: Interval[]): AddrSet {
    const sorted = [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: [bigint, bigint][] = [];
    for (const [lo, hi] of sorted) {
      const last = out[out.length - 1];
      if (last && lo <= last[1] + 1n) {
        if (hi > last[1]) last[1] = hi;
      } else out.push([lo, hi]);
    }
    return new AddrSet(family, out);
  }

  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  isFull(): boolean {
    return this.equals(AddrSet.full(this.family));
  }

  size(): bigint {
    return this.intervals.reduce((n, [lo, hi]) => n + (hi - lo + 1n), 0n);
  }

  has(addr: bigint): boolean {
    return this.intervals.some(([lo, hi]) => addr >= lo && addr <= hi);
  }

  equals(o: AddrSet): boolean {
    return this.intervals.length === o.intervals.length && this.intervals.every(([lo, hi], i) => lo === o.intervals[i][0] && hi === o.intervals[i][1]);
  }

  union(o: AddrSet): AddrSet {
    return AddrSet.of(this.family, [...this.intervals, ...o.intervals]);
  }

  intersect(o: AddrSet): AddrSet {
    const out: Interval[] = [];
    let i = 0;
    let j = 0;
    while (i < this.intervals.length && j < o.intervals.length) {
      const [a0, a1] = this.intervals[i];
      const [b0, b1] = o.intervals[j];
      const lo = a0 > b0 ? a0 : b0;
      const hi = a1 < b1 ? a1 : b1;
      if (lo <= hi) out.push([lo, hi]);
      if (a1 < b1) i++;
      else j++;
    }
    return new AddrSet(this.family, out);
  }

  complement(): AddrSet {
    const max = (1n << BigInt(BITS[this.family])) - 1n;
    const out: Interval[] = [];
    let next = 0n;
    for (const [lo, hi] of this.intervals) {
      if (lo > next) out.push([next, lo - 1n]);
      next = hi + 1n;
    }
    if (next <= max) out.push([next, max]);
    return new AddrSet(this.family, out);
  }

  minus(o: AddrSet): AddrSet {
    return this.intersect(o.complement());
  }

  /** The fewest CIDR blocks that cover exactly this set, in address order. */
  toCidrs(): string[] {
    const bits = BITS[this.family];
    const out: string[] = [];
    for (const [lo0, hi] of this.intervals) {
      let lo = lo0;
      while (lo <= hi) {
        // The largest block that starts at lo (aligned) and ends by hi.
        let len = bits;
        while (len > 0) {
          const size = 1n << BigInt(bits - len + 1);
          if (lo % size !== 0n || lo + size - 1n > hi) break;
          len--;
        }
        out.push(`${formatAddress(this.family, lo)}/${len}`);
        lo += 1n << BigInt(bits - len);
      }
    }
    return out;
  }
}

export function addressToBigInt(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

export function formatAddress(family: Family, n: bigint): string {
  const bytes: number[] = [];
  for (let i = BITS[family] / 8 - 1; i >= 0; i--) bytes.push(Number((n >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** An address literal of `family`, or null (IPv4 only in dotted-quad form). */
export function parseAddress(family: Family, text: string): bigint | null {
  if (family === 'ipv4') return ipaddr.IPv4.isValidFourPartDecimal(text) ? addressToBigInt(ipaddr.IPv4.parse(text)) : null;
  if (!ipaddr.IPv6.isValid(text) || text.includes('%')) return null;
  return addressToBigInt(ipaddr.IPv6.parse(text));
}

export function familyOf(address: string): Family {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

/**
 * A set of packets: for each input-interface class (by index into `Interfaces.classes`), the source
 * addresses. Immutable.
 */
export class Region {
  constructor(readonly parts: readonly AddrSet[]) {}

  static empty(family: Family, classes: number): Region {
    return new Region(Array.from({ length: classes }, () => AddrSet.empty(family)));
  }

  static full(family: Family, classes: number): Region {
    return new Region(Array.from({ length: classes }, () => AddrSet.full(family)));
  }

  /** The same source set on every class in `which` (a predicate over class indexes), nothing elsewhere. */
  static where(family: Family, classes: number, which: (i: number) => boolean, sources: AddrSet = AddrSet.full(family)): Region {
    return new Region(Array.from({ length: classes }, (_, i) => (which(i) ? sources : AddrSet.empty(family))));
  }

  isEmpty(): boolean {
    return this.parts.every((p) => p.isEmpty());
  }

  union(o: Region): Region {
    return new Region(this.parts.map((p, i) => p.union(o.parts[i])));
  }

  intersect(o: Region): Region {
    return new Region(this.parts.map((p, i) => p.intersect(o.parts[i])));
  }

  minus(o: Region): Region {
    return new Region(this.parts.map((p, i) => p.minus(o.parts[i])));
  }

  complement(): Region {
    return new Region(this.parts.map((p) => p.complement()));
  }

  /** Restricts every class to `sources`. */
  withSources(sources: AddrSet): Region {
    return new Region(this.parts.map((p) => p.intersect(sources)));
  }
}

/**
 * The input interfaces a packet from another machine can arrive on, as classes: every interface name the
 * namespace has or the ruleset names (loopback excluded: a packet from elsewhere never arrives on `lo`),
 * each name pattern the ruleset uses (`eth*`: an interface matching it and named nowhere else), and `*`:
 * any other interface (one added later, or named by no rule).
 */
export class Interfaces {
  readonly classes: string[];

  constructor(names: Iterable<string>, patterns: Iterable<string>) {
    const plain = [...new Set([...names].filter((n) => n !== 'lo' && n !== ''))].sort();
    const pats = [...new Set([...patterns].filter((p) => p.endsWith('*')))].sort();
    this.classes = [...plain, ...pats, '*'];
  }

  /**
   * Whether class `i` matches the interface name or pattern `name` (as nftables compares iifname: a
   * trailing `*` matches any suffix): true, false, or null when the class cannot tell (a pattern class
   * against a longer pattern).
   */
  matches(i: number, name: string): boolean | null {
    const c = this.classes[i];
    const isPattern = name.endsWith('*');
    const prefix = isPattern ? name.slice(0, -1) : name;
    if (c === '*') return false; // "named by no rule": no rule's name or pattern matches it
    if (!c.endsWith('*')) return isPattern ? c.startsWith(prefix) : c === name;
    // A pattern class: an interface that matches this pattern and is none of the plain names.
    const cp = c.slice(0, -1);
    if (!isPattern) return false;
    if (cp.startsWith(prefix)) return true;
    if (prefix.startsWith(cp)) return null;
    return false;
  }

  /** How class `i` is named in messages. */
  label(i: number): string {
    const c = this.classes[i];
    return c === '*' ? 'any other interface' : c.endsWith('*') ? `an interface matching ${c}` : c;
  }
}
