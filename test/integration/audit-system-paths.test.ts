/**
 * `mchard audit` with no FILE takes its candidate files from the same system paths as lint and fix
 * (auditCandidates → systemConfigFiles), not only /etc/memcached.conf and /etc/sysconfig/memcached. Two
 * real memcached processes on loopback ports chosen at run time, configured in a temporary root the way a
 * host would configure them: one by a systemd drop-in (its ExecStart is the process's argument vector),
 * one by OpenRC's /etc/conf.d/memcached (matched by the port it holds: OpenRC's script adds -d and -P,
 * which a test cannot start as such without losing the pid). Each must be tied to its file.
 */
import { auditCandidates } from '../../src/cli/audit.js';
import { auditProcesses } from '../../src/audit/run.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { RULES } from '../../rules/index.js';
import { TempDir } from '../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, stopAll, type Started } from '../audit/memcached.js';

if (!haveMemcached) console.warn('audit-system-paths: skipped (needs root and /usr/bin/memcached)');
const describeReal = haveMemcached ? describe : describe.skip;

describeReal('mchard audit with no FILE: the system paths of every format', () => {
  let root: TempDir;
  let dropIn: Started;
  let openrc: Started;
  let ports: number[];
  let dropInArgs: string[];

  beforeAll(async () => {
    root = new TempDir('mchard-audit-root-');
    ports = freePorts(2, 55000, 59999);
    dropInArgs = ['-u', 'nobody', '-m', '64', '-l', '127.0.0.1', '-p', String(ports[0]), '-U', '0'];
    root.write('etc/systemd/system/memcached.service.d/override.conf', `[Service]\nExecStart=\nExecStart=/usr/bin/memcached ${dropInArgs.join(' ')}\n`);
    root.write('etc/conf.d/memcached', `MEMCACHED_BINARY="/usr/bin/memcached"\nMEMUSAGE="64"\nMEMCACHED_RUNAS="nobody"\nMAXCONN="1024"\nLISTENON="127.0.0.1"\nPORT="${ports[1]}"\nUDPPORT="0"\nMISC_OPTS=""\n`);
    // A Debian file of another instance: considered, tied to neither process.
    root.write('etc/memcached.conf', '-u memcache\n-m 64\n-l 127.0.0.1\n-p 1\n-U 0\n');
    dropIn = await startMemcached(dropInArgs, 1);
    openrc = await startMemcached(['-u', 'nobody', '-m', '64', '-l', '127.0.0.1', '-p', String(ports[1]), '-U', '0', '-c', '1024'], 1);
  });

  afterAll(async () => {
    await stopAll();
    root?.cleanup();
  });

  it('considers the drop-in and conf.d file, and ties each process to its own', async () => {
    const { from, files } = auditCandidates([], root.path);
    expect(from).toBe('system-paths');
    const conf = root.join('etc/memcached.conf');
    const openrcFile = root.join('etc/conf.d/memcached');
    const dropInFile = root.join('etc/systemd/system/memcached.service.d/override.conf');
    expect(files).toEqual([conf, openrcFile, dropInFile]);
    const out = await auditProcesses({ rules: RULES, files, pids: [dropIn.pid, openrc.pid], probe: false, firewall: 'off', optionsFor: () => defaultRuleOptions() });
    expect(out.errors).toEqual([]);
    expect(out.candidates).toEqual([
      { path: conf, dialect: 'debian', error: null },
      { path: openrcFile, dialect: 'openrc', error: null },
      { path: dropInFile, dialect: 'systemd', error: null },
    ]);
    const by = new Map(out.audits.map((a) => [a.process.pid, a]));
    expect(by.get(dropIn.pid)!.match).toMatchObject({ method: 'argv', expectation: { path: dropInFile, dialect: 'systemd' } });
    expect(by.get(openrc.pid)!.match).toMatchObject({ method: 'listener', expectation: { path: openrcFile, dialect: 'openrc' } });
    // The OpenRC file runs memcached as nobody on the same port: no drift beyond what its script adds (-d, -P).
    expect(by.get(dropIn.pid)!.findings.filter((f) => f.ruleId === 'MC950')).toEqual([]);
  });

  it('FILE arguments are the candidates when given', () => {
    expect(auditCandidates(['a.conf', 'b.conf'], root.path)).toEqual({ from: 'arguments', files: ['a.conf', 'b.conf'] });
  });
});
