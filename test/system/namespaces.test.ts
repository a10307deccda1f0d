/**
 * Namespaces and the interfaces of any network namespace, read from /proc: checked against Node's own
 * view of mchard's namespace (os.networkInterfaces()), and against a namespace the test creates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { connectedRoutes, fibTrieLocals, inet6Networks, namespaceNetworks } from '../../src/system/interfaces.js';
import { describeNamespace, namespaceInode, netnsNames, processNamespaces } from '../../src/system/namespaces.js';
import { hostNetworks } from '../../src/audit/reach.js';
import { isRoot } from '../audit/memcached.js';

describe('interfaces from /proc/PID/net', () => {
  it('parses fib_trie, route and if_inet6 as the kernel writes them', () => {
    const trie = 'Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 0.0.0.0\n        /0 universe UNICAST\n     +-- 192.0.2.0/24 2 0 2\n        +-- 192.0.2.0/30 2 0 2\n           |-- 192.0.2.0\n              /24 link UNICAST\n           |-- 192.0.2.2\n              /32 host LOCAL\n        |-- 192.0.2.255\n           /32 link BROADCAST\nLocal:\n     +-- 127.0.0.0/8 2 0 2\n           |-- 127.0.0.0\n              /8 host LOCAL\n           |-- 127.0.0.1\n              /32 host LOCAL\n';
    expect(fibTrieLocals(trie)).toEqual(['192.0.2.2', '127.0.0.1']);
    const route = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n';
    expect(connectedRoutes(route).map((r) => `${r.iface} ${r.net.toString()}/${r.bits}`)).toEqual(['eth0 192.0.2.0/24']);
    const v6 = '00000000000000000000000000000001 01 80 10 80       lo\nfd000000000000000000000000000002 04 40 00 82     eth0\n';
    expect(inet6Networks(v6)).toEqual([
      { name: 'lo', address: '::1', network: '::1/128', internal: true },
      { name: 'eth0', address: 'fd00::2', network: 'fd00::/64', internal: false },
    ]);
  });

  it("gives mchard's own namespace exactly as os.networkInterfaces() does", () => {
    const key = (n: { name: string; address: string; network: string }) => `${n.name} ${n.address} ${n.network}`;
    const fromProc = namespaceNetworks('self').map(key).sort();
    const fromNode = hostNetworks().map(key).sort();
    expect(fromProc).toEqual(fromNode);
    expect(fromProc.length).toBeGreaterThan(0);
  });
});

describe('namespaces', () => {
  it('reads inodes and compares them with its own', () => {
    const self = namespaceInode('self', 'net');
    expect(self).toBeGreaterThan(0);
    expect(namespaceInode(process.pid, 'net')).toBe(self);
    const mine = processNamespaces(process.pid);
    expect(mine.net).toMatchObject({ inode: self, own: true });
    expect(mine.mnt).toMatchObject({ own: true, name: null });
    expect(describeNamespace({ kind: 'net', inode: 42, own: false, name: null })).toBe('net:[42]');
    expect(describeNamespace({ kind: 'net', inode: 42, own: false, name: 'blue' })).toBe('"blue" (net:[42])');
    expect(processNamespaces(2 ** 30).net).toEqual({ kind: 'net', inode: null, own: null, name: null });
  });

  (isRoot && spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status === 0 ? it : it.skip)('names a namespace ip netns created, and reads its interfaces', () => {
    const ns = `mchard-nst-${randomBytes(3).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      execFileSync('ip', ['-n', ns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
      execFileSync('ip', ['-n', ns, 'addr', 'add', '10.99.1.7/24', 'dev', 'd0']);
      execFileSync('ip', ['-n', ns, 'link', 'set', 'd0', 'up']);
      const inode = statSync(`/run/netns/${ns}`).ino;
      expect(netnsNames().get(inode)).toBe(ns);
      // A process inside it (ip netns exec execs sleep: the same pid).
      const sleeper = execFileSync('sh', ['-c', `ip netns exec ${ns} sleep 5 >/dev/null 2>&1 & echo $!`]).toString().trim();
      try {
        execFileSync('sleep', ['0.2']);
        expect(processNamespaces(Number(sleeper)).net).toEqual({ kind: 'net', inode, own: false, name: ns });
        expect(namespaceNetworks(Number(sleeper)).filter((n) => !n.address.startsWith('fe80'))).toEqual([{ name: 'd0', address: '10.99.1.7', network: '10.99.1.0/24', internal: false }]);
      } finally {
        process.kill(Number(sleeper), 'SIGKILL');
      }
    } finally {
      spawnSync('ip', ['netns', 'del', ns]);
    }
  });
});
