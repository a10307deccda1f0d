/**
 * examples/ansible/harden-memcached.yml, for real: ansible-playbook runs it against localhost
 * (connection: local) where Debian's memcached package runs an insecure /etc/memcached.conf (root, every
 * interface, UDP, -A) through its init script. The playbook ships the single executable, lints, fixes
 * (mchard restarts memcached and verifies it) and gathers the reports; then memcached must run as
 * memcache, listen on 127.0.0.1 TCP only with no UDP, and the reports must be on the "controller". The
 * play keys on fix's JSON report and restarts nothing itself: the memcached mchard verified is the one
 * running after the play. A second run changes nothing.
 *
 * Holds the system-service lock for its whole run, and puts /etc/memcached.conf (byte for byte), its
 * backup and the service's state back as they were. Needs root, Linux x86-64, ansible-playbook, the
 * memcached package (its init script) and ss; skipped with a message otherwise.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockSystemService } from '../helpers/system-lock.js';
import { ensureSea, SEA } from '../helpers/sea.js';
import { ROOT, TempDir } from '../cli/helpers.js';

const CONF = '/etc/memcached.conf';
/** The backups of CONF mchard keeps beside it (FILE.mchard-backup, FILE.mchard-backup-TIME). */
const backupsOfConf = () => readdirSync('/etc').filter((n) => n.startsWith('memcached.conf.mchard-backup')).map((n) => `/etc/${n}`);
const INIT = '/etc/init.d/memcached';
const PLAYBOOK = join(ROOT, 'examples', 'ansible', 'harden-memcached.yml');

const has = (cmd: string, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const missing = [
  process.getuid?.() !== 0 && 'root',
  !(process.platform === 'linux' && process.arch === 'x64') && 'Linux x86-64 (the single executable)',
  !has('ansible-playbook') && 'ansible-playbook (apt-get install ansible)',
  !(existsSync('/usr/bin/memcached') && existsSync(INIT)) && `the memcached package (${INIT})`,
  !has('ss', ['-V']) && 'ss (iproute2)',
  !has('id', ['memcache']) && 'the "memcache" user',
].filter(Boolean);
if (missing.length) console.warn(`skipping the Ansible test: needs ${missing.join(', ')}`);
const d = missing.length ? describe.skip : describe;

interface Listener {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  pid: number;
}

/** memcached's sockets, as `ss` lists them. */
function memcachedSockets(): Listener[] {
  const out = spawnSync('ss', ['-Hlntup'], { encoding: 'utf8' }).stdout;
  const found: Listener[] = [];
  for (const line of out.split('\n')) {
    const m = /^(tcp|udp)\s+\S+\s+\d+\s+\d+\s+(\S+):(\d+)\s+.*users:\(\("memcached",pid=(\d+)/.exec(line);
    if (m) found.push({ proto: m[1] as 'tcp' | 'udp', address: m[2], port: Number(m[3]), pid: Number(m[4]) });
  }
  return found;
}

function userOf(pid: number): string {
  return spawnSync('ps', ['-o', 'user=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
}

function running(): boolean {
  return spawnSync(INIT, ['status'], { stdio: 'ignore' }).status === 0;
}

function init(action: 'start' | 'stop' | 'restart'): void {
  const r = spawnSync(INIT, [action], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${INIT} ${action} exited ${r.status}: ${r.stderr}`);
}

/** Waits until memcached's listeners satisfy `ok` (the init script returns before memcached binds). */
async function waitFor(ok: (ls: Listener[]) => boolean): Promise<Listener[]> {
  for (let i = 0; i < 50; i++) {
    const ls = memcachedSockets();
    if (ok(ls)) return ls;
    await new Promise((r) => setTimeout(r, 100));
  }
  return memcachedSockets();
}

function freePort(): number {
  const used = spawnSync('ss', ['-Hlntu'], { encoding: 'utf8' }).stdout;
  for (;;) {
    const p = 40000 + Math.floor(Math.random() * 10000);
    if (!used.includes(`:${p} `)) return p;
  }
}

let release: (() => void) | undefined;
let tmp: TempDir;
let port = 0;
let saved: { conf: Buffer | null; backups: string[]; running: boolean } | undefined;

function playbook(): Promise<{ code: number; out: string; seconds: number }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tmp.path,
    LANG: 'C.UTF-8',
    ANSIBLE_HOME: tmp.join('ansible-home'),
    ANSIBLE_LOCAL_TEMP: tmp.join('ansible-local'),
    ANSIBLE_REMOTE_TEMP: tmp.join('ansible-remote'),
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
  };
  const vars = {
    mchard_executable: SEA,
    mchard_reports: tmp.join('reports'),
    mchard_path: tmp.join('host', 'bin', 'mchard'),
    mchard_report_dir: tmp.join('host', 'reports'),
  };
  const args = ['-i', tmp.join('inventory.ini'), PLAYBOOK, '-e', JSON.stringify(vars)];
  const started = Date.now();
  return new Promise((resolve) => {
    execFile('ansible-playbook', args, { cwd: tmp.path, env, encoding: 'utf8', timeout: 300_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? -1) : 0, out: stdout + stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** The PLAY RECAP counters of localhost. */
function recap(out: string): Record<string, number> {
  const line = /^localhost\s+:(.*)$/m.exec(out)?.[1] ?? '';
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
}

/**
 * The findings of /etc/memcached.conf in a report. With no FILE, lint also checks the other system paths
 * that exist (the package's memcached.service here, which only says its options are in that file); fix
 * leaves the package's units alone, so its report has that file alone.
 */
function findings(report: string, only = false): { path: string; ids: string[]; severities: string[] } {
  const json = JSON.parse(readFileSync(report, 'utf8')) as { files: { path: string; findings: { ruleId: string; severity: string }[] }[] };
  if (only) expect(json.files.map((f) => f.path)).toEqual([CONF]);
  const f = json.files.find((x) => x.path === CONF)!;
  expect(f).toBeDefined();
  for (const other of json.files.filter((x) => x !== f)) expect(other.findings.filter((x) => x.severity !== 'info')).toEqual([]);
  return { path: f.path, ids: f.findings.map((x) => x.ruleId), severities: f.findings.map((x) => x.severity) };
}

d('the Ansible playbook, against localhost with the real memcached service', () => {
  let first: { code: number; out: string; seconds: number };
  let before: Listener[];
  let userBefore = '';
  let pidAfterFirst = 0;

  beforeAll(async () => {
    const ms = await ensureSea();
    if (ms) console.log(`npm run build:sea: ${(ms / 1000).toFixed(1)} s`);
    release = await lockSystemService();
    saved = {
      conf: existsSync(CONF) ? readFileSync(CONF) : null,
      backups: backupsOfConf(),
      running: running(),
    };
    tmp = new TempDir('mchard-ansible-');
    writeFileSync(tmp.join('inventory.ini'), '[memcached]\nlocalhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3 ansible_become=false\n');
    port = freePort();
    writeFileSync(
      CONF,
      [
        "# Written by mchard's Ansible test: insecure on purpose.",
        `logfile ${tmp.join('memcached.log')}`,
        '-m 64',
        `-p ${port}`,
        '-u root',
        '-l 0.0.0.0',
        `-U ${port}`,
        '-A',
        '',
      ].join('\n'),
    );
    if (saved.running) init('stop');
    init('start');
    before = (await waitFor((ls) => ls.some((l) => l.port === port && l.proto === 'udp'))).filter((l) => l.port === port);
    userBefore = before.length ? userOf(before[0].pid) : '';
    first = await playbook();
    console.log(`ansible-playbook: ${first.seconds.toFixed(1)} s`);
  }, 900_000);

  afterAll(() => {
    try {
      if (saved) {
        if (running()) init('stop');
        if (saved.conf) writeFileSync(CONF, saved.conf);
        else rmSync(CONF, { force: true });
        // The backups mchard made here go; those that were there before stay.
        for (const b of backupsOfConf()) if (!saved.backups.includes(b)) rmSync(b, { force: true });
        if (saved.running) init('start');
      }
      tmp?.cleanup();
    } finally {
      release?.();
    }
  });

  it('starts from an insecure memcached: root, every interface, UDP', () => {
    expect(before).toEqual(expect.arrayContaining([expect.objectContaining({ proto: 'tcp', address: '0.0.0.0' }), expect.objectContaining({ proto: 'udp', address: '0.0.0.0' })]));
    expect(userBefore).toBe('root');
  });

  it('runs to the end, shipping mchard and fixing the configuration', () => {
    expect(first.out).toMatch(/^TASK \[Fix what mchard can fix\] \**\nchanged: \[localhost\]/m);
    // mchard restarted memcached; the play restarts nothing itself.
    expect(first.out).not.toMatch(/RUNNING HANDLER|restarted/);
    expect(recap(first.out)).toMatchObject({ failed: 0, unreachable: 0 });
    expect(first.code).toBe(0);
    const shipped = tmp.join('host', 'bin', 'mchard');
    expect(statSync(shipped).size).toBe(statSync(SEA).size);
    expect(statSync(shipped).mode & 0o777).toBe(0o755);
  });

  it('leaves memcached running as memcache, on 127.0.0.1 over TCP only, with no UDP', async () => {
    const after = await waitFor((ls) => ls.some((l) => l.port === port && l.address === '127.0.0.1'));
    const mine = after.filter((l) => l.port === port);
    pidAfterFirst = mine[0].pid;
    expect(mine.map(({ proto, address }) => ({ proto, address }))).toEqual([{ proto: 'tcp', address: '127.0.0.1' }]);
    expect(after.filter((l) => l.proto === 'udp')).toEqual([]);
    expect(userOf(mine[0].pid)).toBe('memcache');
    expect(mine[0].pid).not.toBe(before[0].pid);
    expect(running()).toBe(true);
    const conf = readFileSync(CONF, 'utf8');
    expect(conf).toMatch(/^-l 127\.0\.0\.1$/m);
    expect(conf).toMatch(/^-u memcache$/m);
    expect(conf).toMatch(/^-U 0$/m);
  });

  it('gathers the reports on the controller, one folder per host', () => {
    const dir = tmp.join('reports', 'localhost');
    const lint = findings(join(dir, 'lint.json'));
    expect(lint.path).toBe(CONF);
    expect(lint.ids).toEqual(expect.arrayContaining(['MC101', 'MC110', 'MC201', 'MC501']));
    const fixed = findings(join(dir, 'fix.json'), true);
    expect(fixed.path).toBe(CONF);
    expect(fixed.severities).not.toContain('error');
    expect(fixed.ids).not.toEqual(expect.arrayContaining(['MC101']));
    const log = readFileSync(join(dir, 'fix.log'), 'utf8');
    expect(log).toMatch(/^wrote \/etc\/memcached\.conf; backup in \/etc\/memcached\.conf\.mchard-backup-\d{8}T\d{6}Z(-\d+)?$/m);
    expect(log).toMatch(/^restarted: memcached runs the fixed \/etc\/memcached\.conf$/m);
    expect(first.out).toMatch(/"msg": "\d+ findings before, \d+ after the fix; configuration changed; service restart: verified"/);
  });

  it('the fix report says what was written and that mchard\'s restart was verified; nothing restarted memcached after it', () => {
    const dir = tmp.join('reports', 'localhost');
    const report = JSON.parse(readFileSync(join(dir, 'fix.json'), 'utf8')) as {
      files: { path: string; changed: boolean; written: boolean; backup: string | null; fixed: { ruleId: string }[]; restart: { service: string; outcome: string } | null }[];
    };
    const [f] = report.files;
    expect(f).toMatchObject({ path: CONF, changed: true, written: true, backup: expect.stringMatching(/^\/etc\/memcached\.conf\.mchard-backup-\d{8}T\d{6}Z(-\d+)?$/), restart: { service: 'memcached', outcome: 'verified' } });
    expect(f.fixed.map((x) => x.ruleId)).toEqual(expect.arrayContaining(['MC101', 'MC110', 'MC201', 'MC501']));
    // The process mchard verified is the one running now: no second restart after mchard's.
    const verified = Number(/memcached is running \(pid (\d+)\)/.exec(readFileSync(join(dir, 'fix.log'), 'utf8'))?.[1]);
    expect(memcachedSockets().filter((l) => l.port === port).map((l) => l.pid)).toEqual([verified]);
  });

  it('changes nothing when run again on the hardened host', async () => {
    const again = await playbook();
    expect(again.code).toBe(0);
    expect(recap(again.out)).toMatchObject({ changed: 0, failed: 0 });
    expect(again.out).toMatch(/"msg": "\d+ findings before, \d+ after the fix; nothing to change; no service restart"/);
    const pid = memcachedSockets().find((l) => l.port === port)?.pid;
    expect(pid).toBeDefined();
    expect(pid).toBe(pidAfterFirst);
    expect(userOf(pid!)).toBe('memcache');
  });
});
