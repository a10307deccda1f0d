/**
 * A systemd unit's own network restrictions (src/dialects/unit-network.ts): how RestrictAddressFamilies=,
 * IPAddressAllow=/IPAddressDeny=, PrivateNetwork= and SocketBindAllow=/SocketBindDeny= are read, what they
 * do to memcached's start-up and listeners (the model), and how the exposure rules (MC101, MC102, MC601),
 * MC915 and `inspect` judge a unit that confines memcached itself. memcached's own behaviour under such a
 * seccomp filter is checked against the real memcached in test/integration/unit-families-real.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceText } from '../../src/source.js';
import { lintSource } from '../../src/engine/lint.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { listenerKey } from '../../src/system/sockets.js';
import { RULES } from '../../rules/index.js';
import { ROOT, SHARED } from '../helpers/paths.js';
import { parseSystemd } from '../../src/dialects/systemd.js';
import { familyBlocked } from '../../src/dialects/unit-network.js';
import { loadDialect } from '../../src/dialects/index.js';
import { run, TempDir } from '../cli/helpers.js';
import { findings, lintText } from '../helpers/lint.js';

const PATH = '/etc/systemd/system/memcached.service';
const unit = (exec: string, ...lines: string[]) => `[Unit]\nDescription=memcached\n\n[Service]\nUser=memcache\nExecStart=/usr/bin/memcached ${exec}\n${lines.join('\n')}\n`;
const lint = (text: string, path = PATH) => lintText(text, { dialect: 'systemd', path });
const net = (...lines: string[]) => parseSystemd(new SourceText(PATH, unit('-l 0.0.0.0 -U 0', ...lines))).network;
const blocked = (...lines: string[]) => (['AF_INET', 'AF_INET6', 'AF_UNIX'] as const).filter((f) => familyBlocked(net(...lines), f) !== null);
const listeners = (r: ReturnType<typeof lint>) => r.model.listeners.map((l) => (l.transport === 'unix' ? `unix ${l.path}` : `${l.transport} ${l.address}`));
const severityOf = (r: ReturnType<typeof lint>, id: string) => findings(r, id).map((f) => f.severity);

beforeAll(async () => {
  await loadDialect('systemd');
});

describe('RestrictAddressFamilies= as systemd 252 reads it (load-fragment.c config_parse_address_families)', () => {
  it('an allow-list blocks every family it does not name; a "~" deny-list only those it names', () => {
    expect(blocked('RestrictAddressFamilies=AF_UNIX')).toEqual(['AF_INET', 'AF_INET6']);
    expect(blocked('RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX')).toEqual([]);
    expect(blocked('RestrictAddressFamilies=AF_INET AF_UNIX')).toEqual(['AF_INET6']);
    expect(blocked('RestrictAddressFamilies=~AF_INET6')).toEqual(['AF_INET6']);
    // A deny-list of other families leaves memcached's alone (AF_NETLINK, AF_PACKET are not its).
    expect(blocked('RestrictAddressFamilies=~AF_PACKET AF_NETLINK')).toEqual([]);
    expect(blocked('RestrictAddressFamilies=none')).toEqual(['AF_INET', 'AF_INET6', 'AF_UNIX']);
  });

  it('assignments merge: the first decides the mode, the same mode adds, the other removes; empty resets', () => {
    expect(blocked('RestrictAddressFamilies=AF_UNIX', 'RestrictAddressFamilies=AF_INET')).toEqual(['AF_INET6']);
    expect(blocked('RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6', 'RestrictAddressFamilies=~AF_INET6')).toEqual(['AF_INET6']);
    expect(blocked('RestrictAddressFamilies=~AF_INET AF_INET6', 'RestrictAddressFamilies=AF_INET')).toEqual(['AF_INET6']);
    expect(blocked('RestrictAddressFamilies=AF_UNIX', 'RestrictAddressFamilies=')).toEqual([]);
    expect(blocked('RestrictAddressFamilies=none', 'RestrictAddressFamilies=AF_INET')).toEqual(['AF_INET6', 'AF_UNIX']);
    // A name systemd does not know is ignored; the allow-list it opened still blocks everything else.
    expect(blocked('RestrictAddressFamilies=AF_BOGUS')).toEqual(['AF_INET', 'AF_INET6', 'AF_UNIX']);
    // Only [Service] counts.
    expect(blocked('[X-Other]', 'RestrictAddressFamilies=AF_UNIX')).toEqual([]);
  });

  it('the "+" prefix runs ExecStart= without the seccomp filters', () => {
    const c = parseSystemd(new SourceText(PATH, '[Service]\nUser=memcache\nExecStart=+/usr/bin/memcached -u memcache -l 0.0.0.0 -U 0\nRestrictAddressFamilies=AF_UNIX\n'));
    expect(familyBlocked(c.network, 'AF_INET')).toBeNull();
  });
});

describe('start-up under RestrictAddressFamilies= (memcached.c server_socket/server_sockets/server_socket_unix)', () => {
  it('a listener left no address makes memcached exit 71, certain, and MC915 says so where the unit restricts it', () => {
    const text = unit('-l 0.0.0.0 -U 0', 'RestrictAddressFamilies=AF_UNIX');
    const r = lint(text);
    expect(r.model.startup).toMatchObject({ ok: false, exitCode: 71, certain: true });
    expect(r.model.startup.ok === false && r.model.startup.reason).toContain('failed to listen on one of interface(s) 0.0.0.0: Address family not supported by protocol');
    expect(listeners(r)).toEqual([]);
    const [f] = findings(r, 'MC915');
    expect(f.severity).toBe('error');
    expect(f.message).toContain('memcached exits 71 at start-up');
    expect(f.message).toContain('RestrictAddressFamilies=AF_UNIX blocks AF_INET');
    expect(f.line).toBe(text.split('\n').findIndex((l) => l.startsWith('RestrictAddressFamilies')) + 1);
    // memcached never listens: no exposure finding says it does.
    expect(findings(r, 'MC101')).toEqual([]);
    expect(findings(r, 'MC601')).toEqual([]);
  });

  it('the default listener fails only when both AF_INET and AF_INET6 are blocked; UDP and -s alike', () => {
    expect(lint(unit('-U 0', 'RestrictAddressFamilies=AF_UNIX')).model.startup).toMatchObject({ ok: false, exitCode: 71, reason: expect.stringContaining('failed to listen on TCP port 11211') });
    expect(lint(unit('-p 0 -U 11211', 'RestrictAddressFamilies=AF_UNIX')).model.startup).toMatchObject({ ok: false, exitCode: 71, reason: expect.stringContaining('failed to listen on UDP port 11211') });
    expect(lint(unit('-s /run/memcached/memcached.sock', 'RestrictAddressFamilies=AF_INET AF_INET6')).model.startup).toMatchObject({ ok: false, exitCode: 71, reason: expect.stringContaining('failed to listen on UNIX socket') });
    expect(lint(unit('-s /run/memcached/memcached.sock', 'RestrictAddressFamilies=AF_UNIX')).model.startup.ok).toBe(true);
    // One -l entry of a blocked family fails the whole list.
    expect(lint(unit('-l 127.0.0.1,::1 -U 0', 'RestrictAddressFamilies=AF_INET AF_UNIX')).model.startup).toMatchObject({ ok: false, exitCode: 71 });
  });

  it('a wildcard listener keeps the family the unit leaves: memcached starts on IPv4 only, and MC915 notes it', () => {
    const r = lint(unit('-U 0', 'RestrictAddressFamilies=AF_INET AF_UNIX'));
    expect(r.model.startup.ok).toBe(true);
    expect(listeners(r)).toEqual(['tcp 0.0.0.0']);
    expect(findings(r, 'MC915').map((f) => [f.severity, f.message])).toEqual([['info', expect.stringContaining('opens only 0.0.0.0 (IPv4)')]]);
    // Still every IPv4 interface: the exposure findings stand as errors.
    expect(severityOf(r, 'MC101')).toEqual(['error']);
    expect(findings(r, 'MC101')[0].message).toContain('(TCP 0.0.0.0:11211)');
  });

  it("Fedora's hardened set (AF_INET AF_INET6 AF_UNIX) changes nothing", () => {
    const plain = lint(unit('-U 0'));
    const hardened = lint(unit('-U 0', 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'));
    expect(listeners(hardened)).toEqual(listeners(plain));
    expect(hardened.model.startup).toEqual(plain.model.startup);
    expect(hardened.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual(plain.findings.map((f) => [f.ruleId, f.severity, f.message]));
  });

  it('a host name with one family blocked depends on what it resolves to; with both blocked it fails', () => {
    const one = lint(unit('-l cache.example -U 0', 'RestrictAddressFamilies=AF_INET AF_UNIX'));
    expect(one.model.startup.ok === true && one.model.startup.unknown?.reason).toContain('resolves to an IPv4 address');
    const both = lint(unit('-l cache.example -U 0', 'RestrictAddressFamilies=AF_UNIX'));
    expect(both.model.startup).toMatchObject({ ok: false, exitCode: 71 });
  });
});

describe('PrivateNetwork=yes', () => {
  it('an address other than loopback does not exist in the namespace: exit 71, certain', () => {
    const r = lint(unit('-l 10.1.2.3 -U 0', 'PrivateNetwork=yes'));
    expect(r.model.startup).toMatchObject({ ok: false, exitCode: 71, certain: true, reason: expect.stringContaining('does not exist in the unit') });
    expect(findings(r, 'MC915').map((f) => f.severity)).toEqual(['error']);
    expect(findings(r, 'MC103')).toEqual([]);
  });
});

describe('a drop-in: its RestrictAddressFamilies= merges with the unit it extends', () => {
  const dropIn = (...lines: string[]) => lint(`[Service]\nExecStart=\nExecStart=/usr/bin/memcached -u memcache -l 127.0.0.1 -U 0\n${lines.join('\n')}\n`, '/etc/systemd/system/memcached.service.d/override.conf');
  it('an allow-list without a reset first may only add to the unit\'s own: the exit is not certain, and says what decides', () => {
    const r = dropIn('RestrictAddressFamilies=AF_UNIX');
    expect(r.model.startup).toMatchObject({ ok: false, exitCode: 71, certain: false });
    const [f] = findings(r, 'MC915');
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('merges with the unit');
    expect(f.message).toContain('systemctl cat memcached.service');
  });
  it('a reset first, or a "~" deny-list, decides it', () => {
    expect(dropIn('RestrictAddressFamilies=', 'RestrictAddressFamilies=AF_UNIX').model.startup).toMatchObject({ ok: false, exitCode: 71, certain: true });
    expect(dropIn('RestrictAddressFamilies=~AF_INET').model.startup).toMatchObject({ ok: false, exitCode: 71, certain: true });
    expect(dropIn('RestrictAddressFamilies=AF_INET AF_UNIX').model.startup.ok).toBe(true);
  });
});

describe('SocketBindDeny= (needs systemd built with its BPF framework: the host decides)', () => {
  it('a refused bind is an uncertain exit 71, a warning naming what decides', () => {
    const r = lint(unit('-l 127.0.0.1 -U 0', 'SocketBindDeny=any'));
    expect(r.model.startup).toMatchObject({ ok: false, exitCode: 71, certain: false });
    const [f] = findings(r, 'MC915');
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('BPF framework');
    expect(lint(unit('-l 127.0.0.1 -U 0', 'SocketBindDeny=any', 'SocketBindAllow=tcp:11211')).model.startup.ok).toBe(true);
    expect(lint(unit('-l 127.0.0.1 -U 0', 'SocketBindDeny=ipv6')).model.startup.ok).toBe(true);
  });
});

describe('inspect', () => {
  const tmp = new TempDir('mchard-unitnet-');
  afterAll(() => tmp.cleanup());
  let n = 0;
  const inspectText = async (text: string) => {
    const file = tmp.write(`u${n++}/memcached.service`, text);
    const r = await run(['inspect', '--dialect', 'systemd', file]);
    return r.out;
  };

  it('tells the same story: exit 71 where the families block the listener, IPv4 only where they leave it', async () => {
    const failed = await inspectText(unit('-l 0.0.0.0 -U 0', 'RestrictAddressFamilies=AF_UNIX'));
    expect(failed).toContain('starts    no: exits with status 71');
    expect(failed).not.toContain('0.0.0.0:11211');
    const v4 = await inspectText(unit('-U 0', 'RestrictAddressFamilies=AF_INET AF_UNIX'));
    expect(v4).toContain('TCP 0.0.0.0:11211');
    expect(v4).not.toContain('[::]');
  });
});

describe("real units: upstream's memcached.service and memcached@.service (Fedora's and RHEL's derive from them)", () => {
  const real = (name: string) => readFileSync(join(ROOT, 'test/fixtures/real/systemd', name), 'utf8');
  const corpus = join(SHARED, 'corpus', 'sysconfig');
  // Real /etc/sysconfig/memcached files (test/fixtures/shared/corpus) as the unit's EnvironmentFile=.
  const sysconfigs = ['061-azzy123-openstack-working-config-memcached', '072-ogalush-Ussuri-InstallConfigsForCentOS8-memcached', '059-alarky-isucon3_qual_go-memcached'];
  const lintUnit = (text: string, name: string, sysconfig: string | null) =>
    lintSource(new SourceText(`/usr/lib/systemd/system/${name}`, text), 'systemd', {
      rules: RULES,
      options: defaultRuleOptions(),
      hostFiles: {
        read: (p) => (sysconfig && p === '/etc/sysconfig/memcached' ? { text: readFileSync(join(corpus, sysconfig), 'utf8') } : { unread: 'not in the test' }),
        mayShow: () => true,
      },
    });
  const story = (r: ReturnType<typeof lintUnit>) => ({
    startup: r.model.startup,
    listeners: r.model.listeners.map(listenerKey),
    findings: r.findings.map((f) => [f.ruleId, f.severity, f.line, f.message]),
  });
  const withoutLine = (text: string) => text.replace(/^RestrictAddressFamilies=.*$/m, '');

  it.each([
    ['208-memcached-memcached-memcached.service', 'memcached.service'],
    ['209-memcached-memcached-memcached@.service', 'memcached@11211.service'],
  ])('%s: its RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX changes nothing memcached does, with each real sysconfig', (file, name) => {
    const text = real(file);
    expect(text).toMatch(/^RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX$/m);
    for (const sc of sysconfigs) {
      const r = lintUnit(text, name, sc);
      const plain = lintUnit(withoutLine(text), name, sc);
      // The line's removal shifts no line: it leaves an empty one.
      expect([sc, story(r)]).toEqual([sc, story(plain)]);
      expect(findings(r, 'MC915')).toEqual([]);
    }
  });

  it('upstream\'s unit with "-l 127.0.0.1,::1" (Fedora\'s default OPTIONS) starts and listens on both loopbacks', () => {
    const r = lintUnit(real('208-memcached-memcached-memcached.service'), 'memcached.service', '061-azzy123-openstack-working-config-memcached');
    expect(r.model.startup.ok).toBe(true);
    expect(r.model.listeners.map(listenerKey)).toEqual(expect.arrayContaining(['tcp 127.0.0.1:11211', 'tcp [::1]:11211']));
  });

  it('the same real unit with its family line narrowed: AF_INET only fails the ::1 entry (exit 71); AF_UNIX only fails all', () => {
    const text = real('208-memcached-memcached-memcached.service');
    const v4 = lintUnit(text.replace('RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX', 'RestrictAddressFamilies=AF_INET AF_UNIX'), 'memcached.service', '061-azzy123-openstack-working-config-memcached');
    expect(v4.model.startup).toMatchObject({ ok: false, exitCode: 71, certain: true, reason: expect.stringContaining('failed to listen on one of interface(s) 127.0.0.1,::1') });
    const [f] = findings(v4, 'MC915');
    expect(f.line).toBe(text.split('\n').findIndex((l) => l.startsWith('RestrictAddressFamilies=')) + 1);
    // "-l *" (072) is the wildcard: IPv4 only, and memcached starts.
    const star = lintUnit(text.replace('RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX', 'RestrictAddressFamilies=AF_INET AF_UNIX'), 'memcached.service', '072-ogalush-Ussuri-InstallConfigsForCentOS8-memcached');
    expect(star.model.startup.ok).toBe(true);
    expect(star.model.listeners.map(listenerKey)).toEqual(['tcp 0.0.0.0:11211']);
  });
});
