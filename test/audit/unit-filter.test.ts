/**
 * systemd's per-unit IP filter in audit: reading it from `systemctl show` (systemd as PID 1 cannot run
 * here, so systemctl's answers are given in the form systemd 252 prints them: src/systemctl/systemctl-show.c
 * joins in_addr_prefix_to_string() of each entry with spaces), combining it with the packet filter's
 * verdict, and the audit pipeline on a fake /proc whose process runs in a unit with such a filter. The
 * real systemctl of this machine is run once, where it cannot reach a manager: its failure is reported.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { auditProcesses } from '../../src/audit/run.js';
import { readUnitIpFilter, SYSTEMCTL, type ReadOptions, type UnitFilterResult } from '../../src/audit/unit-filter.js';
import { socketVerdict, unknownVerdict } from '../../src/audit/firewall/verdict.js';
import { rulesetFromNftJson } from '../../src/audit/firewall/ruleset.js';
import { AddrSet, parseAddress } from '../../src/audit/firewall/space.js';
import { auditRecord, auditSummaryText } from '../../src/audit/present.js';
import { systemdUnitOfCgroup } from '../../src/audit/unit.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { RULES } from '../../rules/index.js';
import { TempDir } from '../cli/helpers.js';
import { fakeProc } from './fake-proc.js';

/** A systemd that holds `units` (name → properties as systemctl show prints them), and the calls made. */
function systemd(units: Record<string, string>, extra: Partial<ReadOptions> = {}) {
  const calls: string[][] = [];
  const options: ReadOptions = {
    exists: (p) => p === '/run/systemd/system' || p === SYSTEMCTL[0],
    untrusted: () => null,
    readFile: () => null,
    run: (tool, args) => {
      calls.push([tool, ...args]);
      const name = args[args.length - 1];
      return name in units ? { stdout: units[name] } : { error: `Unit ${name} could not be found.` };
    },
    ...extra,
  };
  return { options, calls };
}

const show = (id: string, slice: string, allow = '', deny = '') => `Id=${id}\nSlice=${slice}\nIPAddressAllow=${allow}\nIPAddressDeny=${deny}\n`;
const SLICES = { 'system.slice': show('system.slice', '-.slice'), '-.slice': show('-.slice', '') };
const filterOf = (r: UnitFilterResult) => {
  if (!('filter' in r) || r.filter === null) throw new Error(`no filter: ${JSON.stringify(r)}`);
  return r.filter;
};

describe("reading a unit's IP filter from systemd", () => {
  it('asks systemctl for the unit and each slice above it, with -- before the name, and merges their lists', () => {
    const s = systemd({ 'memcached.service': show('memcached.service', 'system.slice', '10.0.0.0/8 fd00::/8'), 'system.slice': show('system.slice', '-.slice', '', '0.0.0.0/0 ::/0'), '-.slice': SLICES['-.slice'] });
    const f = filterOf(readUnitIpFilter('memcached.service', s.options));
    expect(s.calls).toEqual(
      ['memcached.service', 'system.slice', '-.slice'].map((u) => ['/usr/bin/systemctl', 'show', '--property=Id', '--property=Slice', '--property=IPAddressAllow', '--property=IPAddressDeny', '--', u]),
    );
    expect(f.chain).toEqual(['memcached.service', 'system.slice', '-.slice']);
    expect(f.lists).toEqual([
      { unit: 'memcached.service', allow: ['10.0.0.0/8', 'fd00::/8'], deny: [] },
      { unit: 'system.slice', allow: [], deny: ['0.0.0.0/0', '::/0'] },
    ]);
    expect(f.allowed.ipv4.toCidrs()).toEqual(['10.0.0.0/8']);
    // An AF_INET6 socket meets IPv4 clients as ::ffff:a.b.c.d: the IPv4 lists decide for them.
    expect(f.allowed.ipv6.toCidrs()).toEqual(['::ffff:a00:0/104', 'fd00::/8']);
    expect(f.caveat).toBeNull();
  });

  it('a deny list with no allow list lets everything else through; localhost-only lets no other host in', () => {
    const deny = systemd({ 'memcached.service': show('memcached.service', 'system.slice', '', '192.0.2.0/24'), ...SLICES });
    const v4 = filterOf(readUnitIpFilter('memcached.service', deny.options)).allowed.ipv4;
    const has = (a: string) => !v4.intersect(AddrSet.prefix('ipv4', parseAddress('ipv4', a)!, 32)).isEmpty();
    expect([has('8.8.8.8'), has('192.0.2.5'), has('192.0.3.1'), has('127.0.0.1')]).toEqual([true, false, true, false]);
    expect(v4.size()).toBe((1n << 32n) - (1n << 8n) - (1n << 24n));
    const local = systemd({ 'memcached.service': show('memcached.service', 'system.slice', '127.0.0.0/8 ::1/128', '0.0.0.0/0 ::/0'), ...SLICES });
    const f = filterOf(readUnitIpFilter('memcached.service', local.options));
    expect(f.allowed.ipv4.isEmpty()).toBe(true);
    expect(f.allowed.ipv6.isEmpty()).toBe(true);
  });

  it('no filter: no lists anywhere on the chain, or no systemd managing this host (nothing is run)', () => {
    expect(readUnitIpFilter('memcached.service', systemd({ 'memcached.service': show('memcached.service', 'system.slice'), ...SLICES }).options)).toEqual({ filter: null });
    const none = systemd({}, { exists: () => false });
    expect(readUnitIpFilter('memcached.service', none.options)).toEqual({ filter: null });
    expect(none.calls).toEqual([]);
  });

  it('never guesses: a word systemd does not print, a name that is no unit, a looping chain, an untrusted systemctl', () => {
    const odd = systemd({ 'memcached.service': show('memcached.service', 'system.slice', 'localhost'), ...SLICES });
    expect(readUnitIpFilter('memcached.service', odd.options)).toEqual({ unavailable: 'systemctl show printed an address list mchard does not read ("localhost")' });
    const bad = systemd({});
    for (const name of ['memcached.service\u001b[2J', '--property=x.service', 'memcached', 'a b.service']) {
      expect(readUnitIpFilter(name, bad.options)).toEqual({ unavailable: "the process's cgroup names no systemd unit mchard can ask about" });
    }
    expect(bad.calls).toEqual([]);
    const loop = systemd({ 'memcached.service': show('memcached.service', 'a.slice'), 'a.slice': show('a.slice', 'memcached.service') });
    expect(readUnitIpFilter('memcached.service', loop.options)).toMatchObject({ unavailable: expect.stringContaining('slice chain mchard does not follow') });
    const unsafe = systemd({}, { untrusted: (p) => `${p} is owned by uid 1000, not root` });
    expect(readUnitIpFilter('memcached.service', unsafe.options)).toEqual({ unavailable: '/usr/bin/systemctl not run: /usr/bin/systemctl is owned by uid 1000, not root' });
    expect(unsafe.calls).toEqual([]);
    expect(readUnitIpFilter('memcached.service', systemd({}, { exists: (p) => p === '/run/systemd/system' }).options)).toEqual({ unavailable: 'systemctl is not installed' });
  });

  it('a systemd in a container may run the unit without its filter: said, with the container it names', () => {
    const s = systemd(
      { 'memcached.service': show('memcached.service', 'system.slice', '10.0.0.0/8', '0.0.0.0/0 ::/0'), ...SLICES },
      { exists: (p) => ['/run/systemd/system', '/run/systemd/container', SYSTEMCTL[0]].includes(p), readFile: () => 'lxc\n' },
    );
    expect(filterOf(readUnitIpFilter('memcached.service', s.options)).caveat).toBe('systemd runs in a container (lxc), where it may have no cgroup BPF and then runs units without their IP filter');
  });

  it("this machine's real systemctl, with no manager to ask: its failure is the reason, nothing is assumed", () => {
    const real = SYSTEMCTL.find((p) => existsSync(p));
    if (!real) throw new Error('systemctl is not installed (scripts/test-all.sh installs systemd)');
    const r = readUnitIpFilter('memcached.service', { exists: (p) => p === '/run/systemd/system' || existsSync(p) && p !== '/run/systemd/container' });
    expect(r).toMatchObject({ unavailable: expect.stringMatching(/^systemctl show memcached\.service: /) });
  });

  it('the unit of a process from its cgroup: any service or scope, innermost', () => {
    expect(systemdUnitOfCgroup('0::/system.slice/cache-sessions.service\n')).toBe('cache-sessions.service');
    expect(systemdUnitOfCgroup('0::/user.slice/user-0.slice/session-3.scope\n')).toBe('session-3.scope');
    expect(systemdUnitOfCgroup('12:pids:/x\n1:name=systemd:/system.slice/memcached@a.service\n0::/\n')).toBe('memcached@a.service');
    expect(systemdUnitOfCgroup('0::/\n')).toBeNull();
    expect(systemdUnitOfCgroup('0::/system.slice\n')).toBeNull();
    // Under a user's own systemd: the system manager knows the user manager's unit, not the user's units.
    expect(systemdUnitOfCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/memcached.service\n')).toBe('user@1000.service');
  });
});

describe('the packet filter and the unit filter together', () => {
  const NS = { interfaces: ['lo', 'eth0'], addresses: ['127.0.0.1', '10.0.0.5'] };
  const tcp = { transport: 'tcp' as const, address: '0.0.0.0', port: 11211 };
  const open = rulesetFromNftJson({ nftables: [] });
  const unit = (allow: string, deny: string, extra: Partial<ReadOptions> = {}) => {
    const f = filterOf(readUnitIpFilter('memcached.service', systemd({ 'memcached.service': show('memcached.service', 'system.slice', allow, deny), ...SLICES }, extra).options));
    return { allowed: f.allowed.ipv4, label: 'the unit filter', caveat: f.caveat, f };
  };

  it('an open packet filter under an allow list: restricted to it, and the unit filter named as an origin', () => {
    expect(socketVerdict(open, tcp, NS)).toMatchObject({ verdict: 'open' });
    const g = unit('10.0.0.0/8', '0.0.0.0/0 ::/0');
    expect(socketVerdict(open, tcp, NS, g)).toMatchObject({ verdict: 'restricted', from: ['10.0.0.0/8'], reason: 'nftables and the unit filter accepts new connections only from 10.0.0.0/8' });
  });

  it('localhost only: closed; an allow list wider than the packet filter changes nothing and is not named', () => {
    expect(socketVerdict(open, tcp, NS, unit('127.0.0.0/8 ::1/128', '0.0.0.0/0 ::/0'))).toMatchObject({ verdict: 'closed', reason: 'nftables and the unit filter drops every new connection to it' });
    const narrow = rulesetFromNftJson({
      nftables: [
        { chain: { family: 'inet', table: 'f', name: 'input', type: 'filter', hook: 'input', prio: 0, policy: 'drop' } },
        { rule: { family: 'inet', table: 'f', chain: 'input', expr: [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { prefix: { addr: '10.1.0.0', len: 16 } } } }, { accept: null }] } },
      ],
    });
    expect(socketVerdict(narrow, tcp, NS, unit('10.0.0.0/8', '0.0.0.0/0 ::/0'))).toEqual(socketVerdict(narrow, tcp, NS));
  });

  it('a packet filter that cannot be read: closed when the unit filter lets no other host in, else still unknown', () => {
    expect(unknownVerdict(tcp, 'reading the packet filter needs root', unit('127.0.0.0/8', '0.0.0.0/0'))).toMatchObject({
      verdict: 'closed',
      reason: 'the unit filter drops every packet from other hosts (the packet filter was not read: reading the packet filter needs root)',
    });
    expect(unknownVerdict(tcp, 'reading the packet filter needs root', unit('10.0.0.0/8', '0.0.0.0/0'))).toMatchObject({ verdict: 'unknown', reason: 'reading the packet filter needs root' });
  });

  it('systemd in a container: unknown where the unit filter would change the verdict, with what is certain', () => {
    const g = unit('10.0.0.0/8', '0.0.0.0/0 ::/0', { exists: (p) => ['/run/systemd/system', '/run/systemd/container', SYSTEMCTL[0]].includes(p), readFile: () => 'lxc' });
    const v = socketVerdict(open, tcp, NS, g);
    expect(v.verdict).toBe('unknown');
    expect(v.from).toEqual(['10.0.0.0/8']);
    expect(v.reason).toBe(
      'nftables accepts new connections from 0.0.0.0/0; the unit filter would let in only 10.0.0.0/8, where systemd applies it: systemd runs in a container (lxc), where it may have no cgroup BPF and then runs units without their IP filter',
    );
  });
});

describe('audit of a process in a unit with an IP filter', () => {
  let tmp: TempDir;
  beforeAll(() => (tmp = new TempDir()));
  afterAll(() => tmp.cleanup());

  const run = (proc: string, unitFilter: (unit: string) => UnitFilterResult) =>
    auditProcesses({ rules: RULES, files: [], probe: false, optionsFor: () => defaultRuleOptions(), proc, etc: tmp.join('etc'), firewall: rulesetFromNftJson({ nftables: [] }), unitFilter });

  it('MC951 follows both filters; the summary and the JSON name the lists and the units that set them', async () => {
    const proc = tmp.join('proc');
    fakeProc(proc, 77, ['/usr/bin/memcached', '-u', 'memcache', '-p', '11211', '-U', '0'], '0::/system.slice/cache.service\n', [{ table: 'tcp', local: '00000000:2BCB', st: '0A', inode: 7001 }]);
    writeFileSync(`${proc}/stat`, 'btime 1700000000\n');
    const asked: string[] = [];
    const s = systemd({ 'cache.service': show('cache.service', 'system.slice', '10.0.0.0/8'), 'system.slice': show('system.slice', '-.slice', '', '0.0.0.0/0 ::/0'), '-.slice': SLICES['-.slice'] });
    const out = await run(proc, (u) => (asked.push(u), readUnitIpFilter(u, s.options)));
    expect(asked).toEqual(['cache.service']);
    const a = out.audits[0];
    expect(a.firewall).toMatchObject([{ socket: 'tcp 0.0.0.0:11211', verdict: 'restricted', from: ['10.0.0.0/8'] }]);
    expect(a.findings.filter((f) => f.ruleId === 'MC951').map((f) => [f.severity, f.message])).toEqual([['warning', 'tcp 0.0.0.0:11211: the packet filter accepts new connections from 10.0.0.0/8, outside the trusted networks']]);
    expect(auditSummaryText(out.audits)).toContain('\n  systemd IP filter: IPAddressAllow=10.0.0.0/8 (cache.service); IPAddressDeny=0.0.0.0/0 ::/0 (system.slice)\n');
    expect(auditRecord(a).systemdIpFilter).toEqual({
      unit: 'cache.service',
      set: true,
      chain: ['cache.service', 'system.slice', '-.slice'],
      lists: [
        { unit: 'cache.service', allow: ['10.0.0.0/8'], deny: [] },
        { unit: 'system.slice', allow: [], deny: ['0.0.0.0/0', '::/0'] },
      ],
      caveat: null,
    });
    // The same process without the unit filter: open, an error.
    const bare = await run(proc, () => ({ filter: null }));
    expect(bare.audits[0].findings.filter((f) => f.ruleId === 'MC951').map((f) => f.severity)).toEqual(['error']);
    expect(auditRecord(bare.audits[0]).systemdIpFilter).toEqual({ unit: 'cache.service', set: false });
  });

  it('a filter systemd could not be asked about is said, and the packet filter verdict stands', async () => {
    const proc = tmp.join('proc');
    const out = await run(proc, () => ({ unavailable: 'systemctl show cache.service: Failed to connect to bus' }));
    const a = out.audits[0];
    expect(a.firewall?.[0]).toMatchObject({ verdict: 'open', reason: "nftables accepts new connections from 0.0.0.0/0; systemd's IP filter of cache.service could not be read (systemctl show cache.service: Failed to connect to bus)" });
    expect(auditSummaryText(out.audits)).toContain('\n  systemd IP filter of cache.service: not read (systemctl show cache.service: Failed to connect to bus)\n');
  });

  it('--no-firewall asks nothing of systemd either; a process in no unit is never asked about', async () => {
    const proc = tmp.join('proc');
    const asked: string[] = [];
    const off = await auditProcesses({ rules: RULES, files: [], probe: false, optionsFor: () => defaultRuleOptions(), proc, etc: tmp.join('etc'), firewall: 'off', unitFilter: (u) => (asked.push(u), { filter: null }) });
    expect(off.audits[0].unitFilter).toBeNull();
    const proc2 = tmp.join('proc2');
    fakeProc(proc2, 78, ['/usr/bin/memcached', '-U', '0'], '0::/\n', [{ table: 'tcp', local: '00000000:2BCB', st: '0A', inode: 7002 }]);
    writeFileSync(`${proc2}/stat`, 'btime 1700000000\n');
    const none = await run(proc2, (u) => (asked.push(u), { filter: null }));
    expect(none.audits[0].unitFilter).toBeNull();
    expect(asked).toEqual([]);
  });
});
