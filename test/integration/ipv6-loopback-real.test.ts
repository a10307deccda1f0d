/**
 * `-l ::1` (Fedora's and RHEL's default `OPTIONS="-l 127.0.0.1,::1"`, fixture 601) and `-l localhost` against
 * the real memcached, in a network namespace the test creates: with IPv6 on, memcached starts; with IPv6
 * turned off there (net.ipv6.conf.*.disable_ipv6=1, as hosts and containers that do not use IPv6 often have
 * it), lo has no ::1 and memcached exits 71. mchard's model must say what the real one does when the host
 * is known (its addresses), and "unknown" when it is not. The control (127.0.0.1 alone, no -l) starts in
 * both, so the test cannot pass unless the real memcached fails where mchard says.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haveNetns, ip, TestNetworks } from '../helpers/netns.js';
import { freePort } from '../helpers/debian-service.js';
import { analyze } from '../../src/memcached/model.js';
import { parseConfig } from '../../src/dialects/index.js';
import { SourceText } from '../../src/source.js';
import { ROOT } from '../helpers/paths.js';

const usable = haveNetns && existsSync('/usr/bin/memcached') && process.getuid?.() === 0;
if (!usable) console.warn('ipv6-loopback-real: needs root, iproute2 (ip netns) and memcached (apt-get install memcached)');
const maybe = usable ? describe : describe.skip;

const NS = `mchard-v6-${process.pid}`;
/** `ip netns exec` mounts /etc/netns/NAME/hosts over /etc/hosts: Debian's own lines for localhost. */
const NETNS_ETC = `/etc/netns/${NS}`;
const nets = new TestNetworks();

/** Runs memcached with `listen` in the namespace for up to 1.5 s: 'runs' if it is still up then, else its exit status. */
function memcachedIn(listen: string | null): number | 'runs' {
  const port = String(freePort(41000, 4000));
  const args = ['netns', 'exec', NS, 'timeout', '1.5', '/usr/bin/memcached', '-u', 'nobody', '-p', port, '-U', '0', ...(listen === null ? [] : ['-l', listen])];
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  return r.status === 124 ? 'runs' : (r.status ?? -1);
}

/** ::1 on the namespace's loopback, as `mchard inspect --host-checks` would find it there. */
function hasV6Loopback(): boolean {
  return ip('-n', NS, '-6', 'addr', 'show', 'dev', 'lo').includes('::1/128');
}

/** mchard's model of a sysconfig OPTIONS="-l LISTEN", on a host whose addresses are those of the namespace (or unknown). */
function model(listen: string | null, known: boolean) {
  // Fedora's file with the namespace's user (memcached refuses to run as root) and the listen list given.
  const text = FEDORA_FILE.replace('USER="memcached"', 'USER="nobody"').replace(/^OPTIONS=.*$/m, listen === null ? '' : `OPTIONS="-l ${listen}"`);
  const v6 = hasV6Loopback();
  const host = known ? { root: true, addressIsLocal: (a: string) => a.startsWith('127.') || (a === '::1' && v6) } : { root: true };
  return analyze(parseConfig(new SourceText('/etc/sysconfig/memcached', text), 'sysconfig').argv, { host });
}

const FEDORA_FILE = readFileSync(join(ROOT, 'test/fixtures/real/sysconfig/601-rdo-common-memcached-memcached.sysconfig'), 'utf8');
const FEDORA = /OPTIONS="-l ([^"]+)"/.exec(FEDORA_FILE)![1];

maybe('::1 and localhost where IPv6 is on and where it is off (real memcached in a network namespace)', () => {
  beforeAll(() => {
    nets.namespace(NS);
    mkdirSync(NETNS_ETC, { recursive: true });
    writeFileSync(join(NETNS_ETC, 'hosts'), '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n');
  });
  afterAll(() => {
    nets.remove();
    rmSync(NETNS_ETC, { recursive: true, force: true });
  });

  it('IPv6 on: every form starts, and mchard says so once it knows the host', () => {
    expect(FEDORA).toBe('127.0.0.1,::1');
    expect(hasV6Loopback()).toBe(true);
    for (const l of [FEDORA, '::1', 'localhost', '127.0.0.1', null]) {
      expect([l, memcachedIn(l)]).toEqual([l, 'runs']);
      const m = model(l, true);
      expect([l, m.startup.ok, m.startup.certain !== false]).toEqual([l, true, true]);
    }
  });

  it('IPv6 off: ::1 and localhost exit 71 (127.0.0.1 and no -l still start); without the host mchard says unknown', () => {
    ip('netns', 'exec', NS, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv6.conf.lo.disable_ipv6=1');
    expect(hasV6Loopback()).toBe(false);
    for (const l of [FEDORA, '::1', 'localhost']) {
      expect([l, memcachedIn(l)]).toEqual([l, 71]);
      // Not knowing the host, mchard cannot say "starts": it says the host decides.
      const unknown = model(l, false);
      expect([l, unknown.startup.certain]).toEqual([l, false]);
    }
    // With the host known, a literal ::1 is a certain exit 71 (a name stays unknown: /etc/hosts decides).
    for (const l of [FEDORA, '::1']) {
      const m = model(l, true);
      expect([l, m.startup.ok, !m.startup.ok && m.startup.exitCode]).toEqual([l, false, 71]);
    }
    for (const l of ['127.0.0.1', null]) {
      expect([l, memcachedIn(l)]).toEqual([l, 'runs']);
      const m = model(l, false);
      expect([l, m.startup.ok, m.startup.certain !== false]).toEqual([l, true, true]);
    }
  });
});
