/**
 * Network namespaces for the integration tests: namespaces the test creates, joined by veth pairs on a
 * /30 that no interface of this machine uses, and removed afterwards (the namespaces, then any veth end
 * left in this namespace). Names must be unique to the test run.
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** Whether `ip netns` works here (iproute2 with namespace support, and the right to use it). */
export const haveNetns = spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0;

export const ip = (...args: string[]): string => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** X such that `${net}.X.0` (10.250.X.0/30 by default) is used by no interface of this machine. */
export function freeSubnet(net = '10.250'): number {
  const used = ip('-o', '-4', 'addr', 'show');
  for (let i = 0; i < 100; i++) {
    const x = 1 + Math.floor(Math.random() * 254);
    if (!used.includes(`${net}.${x}.`)) return x;
  }
  throw new Error(`no free ${net}.X.0 subnet`);
}

export interface VethEnd {
  /** The namespace, or null for this one. */
  ns: string | null;
  ifname: string;
  address: string;
}

export interface Veth {
  subnet: number;
  /** 10.250.X.1 (or 10.251.X.1) */
  left: VethEnd;
  /** 10.250.X.2 (or 10.251.X.2) */
  right: VethEnd;
}

/** The namespaces and veth pairs one test file creates. */
export class TestNetworks {
  private namespaces: string[] = [];
  private hostLinks: string[] = [];

  /** A new namespace with its loopback up. */
  namespace(name: string): string {
    ip('netns', 'add', name);
    this.namespaces.push(name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    return name;
  }

  /**
   * A veth pair from `left` (null: this namespace) to `right`, addressed 10.250.X.1/30 and .2/30 (or, with
   * `bits` 24, 10.251.X.1/24 and .2/24), both up.
   */
  veth(left: string | null, leftIf: string, right: string, rightIf: string, bits: 30 | 24 = 30): Veth {
    const net = bits === 30 ? '10.250' : '10.251';
    const subnet = freeSubnet(net);
    if (left === null) {
      ip('link', 'add', leftIf, 'type', 'veth', 'peer', 'name', rightIf);
      this.hostLinks.push(leftIf);
    } else {
      ip('-n', left, 'link', 'add', leftIf, 'type', 'veth', 'peer', 'name', rightIf);
    }
    ip(...(left === null ? [] : ['-n', left]), 'link', 'set', rightIf, 'netns', right);
    const end = (ns: string | null, ifname: string, host: number): VethEnd => {
      const address = `${net}.${subnet}.${host}`;
      ip(...(ns === null ? [] : ['-n', ns]), 'addr', 'add', `${address}/${bits}`, 'dev', ifname);
      ip(...(ns === null ? [] : ['-n', ns]), 'link', 'set', ifname, 'up');
      return { ns, ifname, address };
    };
    return { subnet, left: end(left, leftIf, 1), right: end(right, rightIf, 2) };
  }

  /** Removes everything, even after a failure half-way. */
  remove(): void {
    for (const l of this.hostLinks.splice(0)) spawnSync('ip', ['link', 'del', l], { stdio: 'ignore' });
    for (const n of this.namespaces.splice(0)) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
  }
}
