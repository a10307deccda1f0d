/**
 * The audit pipeline on a fake /proc (a process in memcached.service's cgroup, its descriptors and the
 * own socket tables in /proc/PID/net) and a fake /etc: the systemd unit route, and the rule run on what the process holds.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { auditProcesses } from '../../src/audit/run.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { RULES } from '../../rules/index.js';
import { TempDir } from '../cli/helpers.js';
import { fakeProc } from './fake-proc.js';

describe('auditProcesses', () => {
  let tmp: TempDir;
  beforeAll(() => (tmp = new TempDir()));
  afterAll(() => tmp.cleanup());

  it("ties a memcached.service process to the unit's file, and reports drift and reachability from the tables", async () => {
    const proc = tmp.join('proc');
    const etc = tmp.join('etc');
    // Started as root with -u root and no -l: listening on 0.0.0.0:11211 (0x2BCB); a second socket is not listening.
    fakeProc(proc, 321, ['/usr/bin/memcached', '-m', '64', '-p', '11211', '-u', 'root'], '0::/system.slice/memcached.service\n', [
      { table: 'tcp', local: '00000000:2BCB', st: '0A', inode: 9001 },
      { table: 'tcp', local: '0100007F:2BCB', st: '01', inode: 9002 },
    ]);
    writeFileSync(`${proc}/stat`, 'btime 1700000000\n');
    const conf = tmp.write('etc/memcached.conf', '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n');
    // A FILE argument is only a candidate: the unit's own file wins.
    const other = tmp.write('memcached_other.conf', '-m 64\n-p 11211\n-u root\n');
    const out = await auditProcesses({ rules: RULES, files: [other], probe: false, optionsFor: () => defaultRuleOptions(), proc, etc });
    expect(out.errors).toEqual([]);
    expect(out.audits).toHaveLength(1);
    const a = out.audits[0];
    expect(a.process).toMatchObject({ pid: 321, unit: 'memcached.service', user: 'root', uid: 0 });
    expect(a.held).toEqual([{ transport: 'tcp', address: '0.0.0.0', port: 11211 }]);
    expect(a.match).toMatchObject({ method: 'systemd-unit', expectation: { path: conf } });
    expect(a.path).toBe(`${proc}/321/cmdline`);
    const byId = (id: string) => a.findings.filter((f) => f.ruleId === id);
    expect(byId('MC950').map((f) => f.message)).toEqual([
      `restart needed: ${conf} would not start this process as it runs: the file says tcp 127.0.0.1:11211, the process listens on tcp 0.0.0.0:11211; the file runs memcached as memcache, the process runs as root`,
    ]);
    expect(byId('MC951')).toHaveLength(1);
    expect(byId('MC201')).toHaveLength(1); // the argv it really got runs it as root
  });

  it('reports unreadable candidate files and still audits', async () => {
    const out = await auditProcesses({ rules: RULES, files: [tmp.join('missing.conf')], probe: false, optionsFor: () => defaultRuleOptions(), proc: tmp.join('proc'), etc: tmp.join('etc') });
    expect(out.errors.map((e) => e.message)).toEqual([`${tmp.join('missing.conf')}: no such file`]);
    expect(out.audits).toHaveLength(1);
  });

  it("judges known vulnerabilities (MC920) for the release of the binary the process runs, read from its bytes", async () => {
    const proc = tmp.join('proc-vuln');
    fakeProc(proc, 654, ['/usr/bin/memcached', '-m', '64', '-u', 'memcache', '-l', '127.0.0.1', '-U', '0'], '0::/user.slice\n', [
      { table: 'tcp', local: '0100007F:2BCB', st: '0A', inode: 9101 },
    ]);
    writeFileSync(`${proc}/stat`, 'btime 1700000000\n');
    const bin = tmp.write('bin/memcached', '\x7fELF junk\0memcached 1.4.25\0more');
    symlinkSync(bin, `${proc}/654/exe`);
    const out = await auditProcesses({ rules: RULES, files: [], probe: false, optionsFor: () => defaultRuleOptions(), proc, etc: tmp.join('etc-vuln') });
    const f = out.audits[0].findings.filter((x) => x.ruleId === 'MC920');
    // A version read from a binary may carry a distribution's backported fixes: warnings, not errors.
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
    expect(f.find((x) => x.message.includes('CVE-2016-8704'))?.severity).toBe('warning');
    expect(f[0].message).toMatch(/memcached 1\.4\.25 \(the running memcached \(the version string in \/proc\/654\/exe's bytes/);
  });
});
