/**
 * `mchard audit` against real memcached processes, started from Debian configuration files by Debian's own
 * systemd-memcached-wrapper: one hardened on loopback, one on the wildcard with UDP, and one whose file was
 * edited after it started (it still listens on every interface; the file now says 127.0.0.1). The audit is
 * restricted with --pid to these processes (other test files run memcached processes of their own), and
 * its findings are checked exactly for each of them. No traffic is sent: --probe is not used here.
 */
import { writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { run, TempDir } from '../cli/helpers.js';
import { haveMemcached, freePorts, startFromDebianFile, stopAll, WRAPPER, type Started } from '../audit/memcached.js';

const ready = haveMemcached && existsSync(WRAPPER);
if (!ready) console.warn('audit-real: skipped (needs root, /usr/bin/memcached and the Debian wrapper)');
const describeReal = ready ? describe : describe.skip;

interface JsonFile {
  path: string;
  findings: { ruleId: string; severity: string; message: string }[];
  process: { pid: number; sockets: string[]; file: { path: string; method: string } | null; note?: string };
}

describeReal('mchard audit on real processes', () => {
  let tmp: TempDir;
  let hardened: Started;
  let exposed: Started;
  let drifted: Started;
  let files: { hardened: string; exposed: string; drifted: string };
  let ports: number[];

  beforeAll(async () => {
    tmp = new TempDir('mchard-audit-');
    ports = freePorts(3, 55000, 57499);
    const [h, e, d] = ports;
    files = {
      hardened: tmp.write('memcached_hardened.conf', `-u nobody\n-m 64\n-l 127.0.0.1\n-p ${h}\n-U 0\n`),
      exposed: tmp.write('memcached_exposed.conf', `-u nobody\n-m 64\n-p ${e}\n-U ${e}\n`),
      drifted: tmp.write('memcached_drifted.conf', `-u nobody\n-m 64\n-p ${d}\n-U 0\n`),
    };
    hardened = await startFromDebianFile(files.hardened, 1);
    exposed = await startFromDebianFile(files.exposed, 4);
    drifted = await startFromDebianFile(files.drifted, 2);
    // The administrator hardens the file afterwards, and does not restart the service.
    writeFileSync(files.drifted, `-u nobody\n-m 64\n-l 127.0.0.1\n-p ${d}\n-U 0\n`);
  });

  afterAll(async () => {
    await stopAll();
    tmp?.cleanup();
  });

  // These processes run in this machine's own namespace, whose packet filter is the machine's: not evaluated
  // here (the packet-filter tests use namespaces and rulesets of their own).
  const audit = (extra: string[] = []) =>
    run(['audit', '--no-firewall', '--pid', [hardened.pid, exposed.pid, drifted.pid].join(','), ...extra, files.hardened, files.exposed, files.drifted]);

  const ids = (f: JsonFile, from = 'MC950') => [...new Set(f.findings.map((x) => x.ruleId).filter((id) => id >= from))].sort();

  it('reports exactly the exposed one, the UDP one and the drift (JSON)', async () => {
    const r = await audit(['--format', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { files: JsonFile[] };
    const by = new Map(doc.files.map((f) => [f.process.pid, f]));
    expect([...by.keys()].sort((a, b) => a - b)).toEqual([hardened.pid, exposed.pid, drifted.pid].sort((a, b) => a - b));
    const [h, e, d] = ports;

    // Hardened: nothing at all, and tied to its file by its argument vector.
    const hf = by.get(hardened.pid)!;
    // Only MC920's note: the running binary (Debian's 1.6.18) predates fixes whose features it does not use (an info).
    expect(hf.findings.filter((x) => x.ruleId !== 'MC920')).toEqual([]);
    expect(hf.findings.every((x) => x.ruleId !== 'MC920' || x.severity === 'info')).toBe(true);
    expect(hf.process.sockets).toEqual([`tcp 127.0.0.1:${h}`]);
    expect(hf.process.file).toEqual({ path: files.hardened, dialect: 'debian', method: 'argv' });
    expect(hf.path).toBe(`/proc/${hardened.pid}/cmdline`);

    // Wildcard with UDP: reachable from every network, UDP amplifier; the argv rules agree (MC101, MC110).
    const ef = by.get(exposed.pid)!;
    expect(ef.process.sockets.sort()).toEqual([`tcp 0.0.0.0:${e}`, `tcp [::]:${e}`, `udp 0.0.0.0:${e}`, `udp [::]:${e}`].sort());
    expect(ef.process.file).toEqual({ path: files.exposed, dialect: 'debian', method: 'argv' });
    expect(ids(ef)).toEqual(['MC951', 'MC953']);
    expect(ids(ef, 'MC1')).toEqual(expect.arrayContaining(['MC101', 'MC110']));
    const reach = ef.findings.find((x) => x.ruleId === 'MC951')!;
    expect(reach.severity).toBe('error');
    expect(reach.message).toContain('reachable from every network this host is on');
    for (const s of ef.process.sockets) expect(reach.message).toContain(s);
    const amp = ef.findings.filter((x) => x.ruleId === 'MC953');
    expect(amp).toHaveLength(1);
    expect(amp[0].message).toContain(`udp 0.0.0.0:${e}, udp [::]:${e}`);
    expect(amp[0].message).toContain('reasoned from the socket table');

    // Edited after start: drift, matched by the port it holds; still on every interface.
    const df = by.get(drifted.pid)!;
    expect(df.process.file).toEqual({ path: files.drifted, dialect: 'debian', method: 'listener' });
    expect(df.process.sockets.sort()).toEqual([`tcp 0.0.0.0:${d}`, `tcp [::]:${d}`]);
    expect(ids(df)).toEqual(['MC950', 'MC951']);
    expect(ids(df, 'MC1')).not.toContain('MC110');
    const drift = df.findings.filter((x) => x.ruleId === 'MC950');
    expect(drift).toHaveLength(1);
    expect(drift[0].severity).toBe('error');
    expect(drift[0].message).toContain(`restart needed if ${files.drifted} is what starts this process (matched only by a port or socket it holds`);
    expect(drift[0].message).toContain(`the file says tcp 127.0.0.1:${d}, the process listens on tcp 0.0.0.0:${d}, tcp [::]:${d}`);
    expect(drift[0].message).toContain('(the file changed after the process started)');
  });

  it('lint of the edited file finds nothing: only the audit sees the running process', async () => {
    const r = await run(['lint', '--fail-on', 'warning', files.drifted]);
    expect(r.code).toBe(0);
  });

  it('text output: one summary per process, then the findings at /proc/PID/cmdline', async () => {
    const r = await audit();
    expect(r.code).toBe(1);
    expect(r.out).toContain(`memcached pid ${drifted.pid} (user nobody): /usr/bin/memcached -u nobody -m 64 -p ${ports[2]} -U 0`);
    expect(r.out).toContain(`  file: ${files.drifted} (matched by a port or socket it holds)`);
    expect(r.out).toMatch(new RegExp(`^/proc/${drifted.pid}/cmdline:1:1  error  MC950  restart needed`, 'm'));
    // The hardened one: at most MC920's info (see above).
    expect(r.out.split('\n').filter((l) => l.startsWith(`/proc/${hardened.pid}/cmdline:`) && !/  info  MC920  /.test(l))).toEqual([]);
  });

  it('without candidate files, a process is audited on its argv alone, without a drift check', async () => {
    const r = await run(['audit', '--no-firewall', '--format', 'json', '--pid', String(drifted.pid), tmp.write('memcached_other.conf', '-u nobody\n-l 127.0.0.1\n-p 1\n')]);
    const doc = JSON.parse(r.out) as { files: JsonFile[] };
    expect(doc.files[0].process.file).toBeNull();
    expect(doc.files[0].process.note).toContain('no drift check');
    expect(ids(doc.files[0])).toEqual(['MC951']);
  });

  it('the hardened process alone is clean (exit 0)', async () => {
    const r = await run(['audit', '--no-firewall', '--pid', String(hardened.pid), files.hardened]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no problems found|0 errors, 0 warnings, 1 info/);
    expect(r.out.split('\n').filter((l) => l.startsWith('/proc/') && !/  info  MC920  /.test(l))).toEqual([]);
  });

  it('SARIF and GitHub formats carry the same findings', async () => {
    const sarif = JSON.parse((await audit(['--format', 'sarif'])).out);
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    expect(results.filter((x) => x.ruleId === 'MC950').map((x) => x.locations[0].physicalLocation.artifactLocation.uri)).toEqual([`file:///proc/${drifted.pid}/cmdline`]);
    const gh = (await audit(['--format', 'github'])).out;
    expect(gh).toContain(`file=/proc/${exposed.pid}/cmdline`);
    expect(gh).toContain('MC953');
  });
});
