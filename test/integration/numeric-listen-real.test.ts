/**
 * `-l` hosts that glibc's getaddrinfo() reads as numbers (inet_aton: `0`, `0.0`, `127.1`, `2130706433`,
 * `0x7f000001`, `010.0.0.1` in octal), against the real memcached in a network namespace the test creates:
 * the address memcached binds (read back with `ss` inside the namespace) must be the listener mchard's model
 * gives, and a host glibc does not read as a number (`08.0.0.1`) must be a name mchard says it resolves at
 * start (there is no resolver in the namespace: memcached exits 71). OVH's guide (fixture 602) gives `-l 0`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { haveNetns, ip, TestNetworks } from '../helpers/netns.js';
import { freePort } from '../helpers/debian-service.js';
import { analyze } from '../../src/memcached/model.js';
import { parseConfig } from '../../src/dialects/index.js';
import { SourceText } from '../../src/source.js';

const usable = haveNetns && existsSync('/usr/bin/memcached') && process.getuid?.() === 0;
if (!usable) console.warn('numeric-listen-real: needs root, iproute2 (ip netns) and memcached (apt-get install memcached)');
const maybe = usable ? describe : describe.skip;

const NS = `mchard-num-${process.pid}`;
const nets = new TestNetworks();

/** The TCP addresses memcached listens on with `-l listen` in the namespace, or its exit status when it does not start. */
function bound(listen: string): string[] | number {
  const port = String(freePort(45000, 4000));
  const child = spawnSync(
    'ip',
    ['netns', 'exec', NS, 'sh', '-c', 'timeout 1 /usr/bin/memcached -u nobody -p "$1" -U 0 -l "$2" & sleep 0.5; ss -Hltn "sport = :$1"; wait $!', 'sh', port, listen],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (child.status !== 124) return child.status ?? -1;
  return child.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.trim().split(/\s+/)[3].replace(/:\d+$/, ''));
}

function model(listen: string) {
  const m = analyze(parseConfig(new SourceText('/etc/memcached.conf', `-u nobody\n-U 0\n-l ${listen}\n`), 'debian').argv);
  return { addresses: m.listeners.map((l) => (l.transport === 'unix' ? l.path : l.address)), certain: m.startup.certain !== false };
}

maybe('numeric -l hosts (real memcached in a network namespace)', () => {
  beforeAll(() => {
    nets.namespace(NS);
    // 8.0.0.1 for `010.0.0.1` (octal 010 = 8), as the machine's own address.
    ip('-n', NS, 'addr', 'add', '8.0.0.1/32', 'dev', 'lo');
  });
  afterAll(() => nets.remove());

  it.each(['0', '0.0', '0x0', '127.1', '2130706433', '0x7f000001', '0177.0.0.1', '010.0.0.1', '127.0.0.1', '00.0.0.0'])('-l %s: mchard names the address memcached binds', (listen) => {
    const real = bound(listen);
    const m = model(listen);
    expect(Array.isArray(real)).toBe(true);
    expect(m.addresses).toEqual(real);
  });

  it('-l 08.0.0.1 is no number for glibc: a name, which does not resolve here (exit 71), and mchard does not say it starts', () => {
    expect(bound('08.0.0.1')).toBe(71);
    const m = model('08.0.0.1');
    expect(m.addresses).toEqual([null]);
    expect(m.certain).toBe(false);
  });
});
