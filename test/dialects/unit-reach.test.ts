/**
 * Who reaches memcached when its systemd unit confines it itself (src/dialects/unit-network.ts): PrivateNetwork=
 * and IPAddressDeny=/IPAddressAllow= (systemd's per-unit BPF firewall, which cannot run here without systemd
 * as PID 1: its semantics are documented with their sources in unit-network.ts), as the exposure rules (MC101,
 * MC102, MC601), their fixes and `inspect` judge them. The start-up side is test/dialects/unit-network.test.ts.
 */
import { SourceText } from '../../src/source.js';
import { parseSystemd } from '../../src/dialects/systemd.js';
import { unitReach } from '../../src/dialects/unit-network.js';
import { loadDialect } from '../../src/dialects/index.js';
import { run, TempDir } from '../cli/helpers.js';
import { findings, fixOf, lintText } from '../helpers/lint.js';

const PATH = '/etc/systemd/system/memcached.service';
const unit = (exec: string, ...lines: string[]) => `[Unit]\nDescription=memcached\n\n[Service]\nUser=memcache\nExecStart=/usr/bin/memcached ${exec}\n${lines.join('\n')}\n`;
const lint = (text: string, path = PATH) => lintText(text, { dialect: 'systemd', path });
const net = (...lines: string[]) => parseSystemd(new SourceText(PATH, unit('-l 0.0.0.0 -U 0', ...lines))).network;
const severityOf = (r: ReturnType<typeof lint>, id: string) => findings(r, id).map((f) => f.severity);

beforeAll(async () => {
  await loadDialect('systemd');
});

describe('PrivateNetwork=yes: the exposure rules', () => {
  it('JoinsNamespaceOf= is named as sharing it', () => {
    const r = lint(unit('-U 0', 'PrivateNetwork=yes').replace('[Service]', '[Unit]\nJoinsNamespaceOf=app.service\n[Service]'));
    expect(findings(r, 'MC101')[0].message).toContain('JoinsNamespaceOf= (app.service)');
  });

  it('a wildcard listener is reachable only inside the namespace: MC101 and MC601 are notes, the loopback fix is kept', () => {
    const r = lint(unit('-l 0.0.0.0 -U 0', 'PrivateNetwork=yes'));
    expect(r.model.startup.ok).toBe(true);
    const [f101] = findings(r, 'MC101');
    expect(f101.severity).toBe('info');
    expect(f101.message).toContain('PrivateNetwork=yes in the unit');
    expect(f101.message).not.toMatch(/error/);
    expect(fixOf(f101)?.safety).toBe('safe');
    expect(severityOf(r, 'MC601')).toEqual(['info']);
  });

});

describe('IPAddressDeny= / IPAddressAllow= (systemd.resource-control(5): allow wins, then deny, else allowed)', () => {
  it('deny any, allow localhost: only this host reaches it; MC101 and MC601 are notes that say so and why', () => {
    const r = lint(unit('-l 0.0.0.0 -U 0', 'IPAddressDeny=any', 'IPAddressAllow=localhost'));
    const [f101] = findings(r, 'MC101');
    expect(f101.severity).toBe('info');
    expect(f101.message).toContain('IPAddressDeny=any with IPAddressAllow=localhost in the unit: only this host reaches it');
    expect(f101.message).toContain('every current kernel supports');
    expect(f101.message).toContain('a drop-in may change it');
    // Binding to loopback takes no client the unit lets through, and holds where the filter does not.
    expect(fixOf(f101)?.safety).toBe('safe');
    expect(severityOf(r, 'MC601')).toEqual(['info']);
    expect(findings(r, 'MC601')[0].message).toContain('only this host reaches it');
  });

  it('private ranges only: a warning without the loopback fix (it would cut off the clients the unit admits)', () => {
    const r = lint(unit('-U 0', 'IPAddressDeny=any', 'IPAddressAllow=10.0.0.0/8 192.168.0.0/16 fd00::/8'));
    const [f101] = findings(r, 'MC101');
    expect(f101.severity).toBe('warning');
    expect(f101.message).toContain('only clients with those private addresses reach it');
    expect(f101.fix).toBeNull();
    expect(severityOf(r, 'MC601')).toEqual(['warning']);
  });

  it('what does not close the public addresses changes nothing', () => {
    const plain = lint(unit('-U 0'));
    for (const lines of [
      ['IPAddressAllow=localhost'], // an allow-list alone restricts nothing
      ['IPAddressDeny=10.0.0.0/8'], // a narrow deny-list
      ['IPAddressDeny=any', 'IPAddressAllow=0.0.0.0/0'], // allows every IPv4 address
      ['IPAddressDeny=0.0.0.0/0', 'IPAddressAllow=localhost'], // IPv6 stays open on the [::] listener
      ['IPAddressDeny=any', 'IPAddressDeny=', 'IPAddressAllow=localhost'], // reset
    ]) {
      const r = lint(unit('-U 0', ...lines));
      expect([lines, severityOf(r, 'MC101'), severityOf(r, 'MC601')]).toEqual([lines, severityOf(plain, 'MC101'), severityOf(plain, 'MC601')]);
    }
  });

  it('deny any with nothing allowed: no client at all', () => {
    expect(unitReach(net('IPAddressDeny=any'), [4, 6])?.reach).toBe('nobody');
    expect(unitReach(net('IPAddressDeny=any', 'IPAddressAllow=localhost link-local'), [4])?.reach).toBe('private');
    expect(unitReach(net('IPAddressDeny=any', 'IPAddressAllow=203.0.113.0/24'), [4])).toBeNull();
    // What inet_pton refuses systemd ignores ("Address prefix is invalid"): a three-part address, a bad length.
    expect(unitReach(net('IPAddressDeny=any', 'IPAddressAllow=93.184.0 93.184.216.0/33 localhost'), [4])?.reach).toBe('loopback');
  });

  it('MC102: a public address behind the unit firewall is a note', () => {
    const r = lint(unit('-l 93.184.216.34 -U 0', 'IPAddressDeny=any', 'IPAddressAllow=localhost'));
    expect(severityOf(r, 'MC102')).toEqual(['info']);
    expect(severityOf(lint(unit('-l 93.184.216.34 -U 0')), 'MC102')).toEqual(['error']);
  });

  it('a drop-in says that the unit and its other drop-ins may change it', () => {
    const text = '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -u memcache -l 0.0.0.0 -U 0\nIPAddressDeny=any\nIPAddressAllow=localhost\n';
    const r = lint(text, '/etc/systemd/system/memcached.service.d/override.conf');
    expect(findings(r, 'MC101')[0].message).toContain('in this drop-in');
    expect(findings(r, 'MC101')[0].message).toContain('the unit and its other drop-ins may change it');
  });
});

describe('MC110: UDP behind the unit firewall', () => {
  it('is a note where only loopback reaches it, a warning for private ranges, the -U 0 fix kept', () => {
    const open = lint(unit('-l 0.0.0.0 -U 11211'));
    expect(severityOf(open, 'MC110')).toEqual(['error']);
    const local = lint(unit('-l 0.0.0.0 -U 11211', 'IPAddressDeny=any', 'IPAddressAllow=localhost'));
    expect(severityOf(local, 'MC110')).toEqual(['info']);
    expect(findings(local, 'MC110')[0].message).toContain('only this host reaches it');
    expect(fixOf(findings(local, 'MC110')[0])).not.toBeNull();
    expect(severityOf(lint(unit('-l 0.0.0.0 -U 11211', 'IPAddressDeny=any', 'IPAddressAllow=10.0.0.0/8')), 'MC110')).toEqual(['warning']);
    expect(severityOf(lint(unit('-l 0.0.0.0 -U 11211', 'PrivateNetwork=yes')), 'MC110')).toEqual(['info']);
  });
});

describe('inspect', () => {
  const tmp = new TempDir('mchard-unitreach-');
  afterAll(() => tmp.cleanup());
  it('adds a reach line that says what the unit lets through', async () => {
    const file = tmp.write('memcached.service', unit('-l 0.0.0.0 -U 0', 'IPAddressDeny=any', 'IPAddressAllow=localhost'));
    const confined = (await run(['inspect', '--dialect', 'systemd', file])).out;
    expect(confined).toContain('starts    yes');
    expect(confined).toMatch(/reach {5}this host only: IPAddressDeny=any with IPAddressAllow=localhost/);
    const json = JSON.parse((await run(['inspect', '--dialect', 'systemd', '--format', 'json', file])).out);
    expect(json.unitReach).toEqual({ reach: 'loopback', reason: expect.stringContaining('only this host reaches it') });
  });
});
