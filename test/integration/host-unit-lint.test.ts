/**
 * /etc/memcached.conf on a host whose memcached.service does not run Debian's wrapper with it (an
 * administrator's unit in /etc/systemd/system, a drop-in that sets ExecStart=, a masked unit): linted as
 * the package's unit would read it, it read as hardened (or fixed, and "restarted") while the service ran
 * other options. With the real memcached package's file and unit, in a mount namespace of the test's own:
 * tmpfs over /etc/systemd/system and /run/systemd (systemd is not PID 1 here: /run/systemd/system, the
 * folder sd_booted(3) looks for, is made there), and the package's default file, with -l 0.0.0.0, bound
 * over /etc/memcached.conf. The machine's own files are never touched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ensureBuilt } from '../cli/helpers.js';

const PACKAGED = '/lib/systemd/system/memcached.service';
const INIT_SCRIPT = '/etc/init.d/memcached';
const DEFAULT = '/usr/share/memcached/memcached.conf.default';
const usable = process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync(PACKAGED) && existsSync(DEFAULT) && existsSync('/etc/memcached.conf') && existsSync('/run/systemd');
if (!usable) console.warn(`host-unit-lint: skipped (needs root, unshare and the memcached package: ${PACKAGED}, ${DEFAULT})`);
const maybe = usable ? describe : describe.skip;

let dir: string;
beforeAll(() => {
  if (!usable) return;
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'mchard-host-unit-'));
  writeFileSync(join(dir, 'memcached.conf'), readFileSync(DEFAULT, 'utf8').replace(/^-l 127\.0\.0\.1$/m, '-l 0.0.0.0'));
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

function run(setup: string, booted: boolean, ...args: string[]) {
  const script =
    `set -e; mount -t tmpfs tmpfs /etc/systemd/system; mount -t tmpfs tmpfs /run/systemd; ${booted ? 'mkdir /run/systemd/system;' : ''} ` +
    `mount --bind ${dir}/memcached.conf /etc/memcached.conf; ${setup}; set +e; "$@"; echo "--- rc $?"`;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', process.execPath, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', MCHARD_CODE_CACHE: 'off' },
    cwd: '/',
    timeout: 30_000,
  });
  const at = r.stdout.lastIndexOf('--- rc ');
  if (at < 0) throw new Error(`no result: ${r.stderr}`);
  return { out: r.stdout.slice(0, at), rc: Number(r.stdout.slice(at + 7).trim()) };
}
function lint(setup: string, booted = true) {
  const { out } = run(setup, booted, 'lint', '--format', 'json', '/etc/memcached.conf');
  return (JSON.parse(out).files[0].findings as { ruleId: string; message: string }[]).map((f) => f.ruleId);
}
const ADMIN_UNIT = `printf '[Service]\\nUser=memcache\\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0\\n' > /etc/systemd/system/memcached.service`;

maybe('/etc/memcached.conf and the memcached.service systemd loads on the host', () => {
  it("the package's unit: the file's options are checked (MC101 for -l 0.0.0.0)", () => {
    expect(lint('true')).toContain('MC101');
  });

  it("an administrator's unit that runs memcached itself: the file's options are not what runs (MC910 names the unit), nothing to fix", () => {
    const ids = lint(ADMIN_UNIT);
    expect(ids).toContain('MC910');
    expect(ids).not.toContain('MC101');
    const inspect = run(ADMIN_UNIT, true, 'inspect', '/etc/memcached.conf').out;
    expect(inspect).toMatch(/starts +unknown: systemd loads \/etc\/systemd\/system\/memcached\.service for memcached\.service on this host, and it runs memcached itself/);
    expect(inspect).toMatch(/listens +unknown/);
    const fix = run(`${ADMIN_UNIT}; cp /etc/memcached.conf ${dir}/before`, true, 'fix', '--yes', '--no-restart', '/etc/memcached.conf');
    expect(fix.out).toMatch(/^nothing to fix in \/etc\/memcached\.conf$/m);
    expect(readFileSync(join(dir, 'memcached.conf'), 'utf8')).toBe(readFileSync(join(dir, 'before'), 'utf8'));
  });

  it('a drop-in that sets ExecStart=, and a masked unit: named, not guessed', () => {
    const dropIn = lint(`mkdir /etc/systemd/system/memcached.service.d; printf '[Service]\\nExecStart=\\nExecStart=/usr/bin/memcached\\n' > /etc/systemd/system/memcached.service.d/override.conf`);
    expect(dropIn).toContain('MC910');
    expect(dropIn).not.toContain('MC101');
    const masked = lint('ln -s /dev/null /etc/systemd/system/memcached.service');
    expect(masked).toContain('MC910');
    expect(masked).not.toContain('MC101');
  });

  it("a unit that runs Debian's wrapper as another user than root: the real wrapper exits at once, so memcached never starts from the file", () => {
    const wrapper = '/usr/share/memcached/scripts/systemd-memcached-wrapper';
    // What systemd would run with User=memcache: the wrapper, as that user. It exits before reading any file.
    const r = spawnSync('timeout', ['10', 'setpriv', '--reuid=memcache', '--regid=memcache', '--clear-groups', wrapper, '/etc/memcached.conf'], { encoding: 'utf8' });
    expect({ status: r.status, err: r.stderr }).toEqual({ status: 0, err: 'Only root wants to run systemd-memcached-wrapper.\n' });
    const ids = lint(`printf '[Service]\\nUser=memcache\\nExecStart=${wrapper} /etc/memcached.conf\\n' > /etc/systemd/system/memcached.service`);
    expect(ids).toContain('MC910');
    expect(ids).not.toContain('MC101');
  });

  it('a host systemd does not run (no /run/systemd/system): the SysV script reads the file, so its options are checked', () => {
    expect(lint(ADMIN_UNIT, false)).toContain('MC101');
  });
});

/**
 * A host systemd does not run, with Debian's real SysV init script: when an /etc/memcached_NAME.conf exists,
 * the script starts one memcached per such file and none from /etc/memcached.conf. Proved by starting the
 * real script in namespaces of the test's own (mount, network, PID: a private copy of /etc, a tmpfs /run,
 * loopback only; every process it starts ends with the namespace), then linting both files there.
 */
const sysvUsable = usable && existsSync('/usr/bin/ss') && existsSync('/usr/sbin/ip') && existsSync(INIT_SCRIPT);
(sysvUsable ? describe : describe.skip)("Debian's SysV script and /etc/memcached_NAME.conf", () => {
  it('with /etc/memcached_t1.conf the script starts memcached from it, not from /etc/memcached.conf, and lint says so', () => {
    const priv = mkdtempSync(join(tmpdir(), 'mchard-sysv-'));
    try {
      const script = [
        'set -e',
        'ip link set lo up',
        `cp -a /etc ${priv}/etc`,
        `mount --bind ${priv}/etc /etc`,
        'mount -t tmpfs tmpfs /run',
        "printf -- '-p 11300\\n-l 0.0.0.0\\n-u memcache\\n-U 0\\n' > /etc/memcached.conf",
        "printf -- '-p 11301\\n-l 127.0.0.1\\n-u memcache\\n-U 0\\n' > /etc/memcached_t1.conf",
        `${INIT_SCRIPT} start >/dev/null`,
        'for i in $(seq 50); do ss -Htln | grep -q ":11301 " && break; sleep 0.1; done',
        'echo "--- listening"; ss -Htln | awk \'{print $4}\' | sort',
        'echo "--- lint"; "$@" lint --format json /etc/memcached.conf /etc/memcached_t1.conf || true',
        `${INIT_SCRIPT} stop >/dev/null`,
      ].join('\n');
      const r = spawnSync('unshare', ['-m', '-n', '-p', '-f', '--mount-proc', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', process.execPath, BIN], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', MCHARD_CODE_CACHE: 'off' },
        cwd: '/',
        timeout: 60_000,
      });
      const listening = r.stdout.split('--- listening\n')[1]?.split('--- lint\n')[0].trim().split('\n');
      // The real script: memcached from memcached_t1.conf only.
      expect({ listening, err: r.stderr }).toEqual({ listening: ['127.0.0.1:11301'], err: '' });
      const lint = JSON.parse(r.stdout.split('--- lint\n')[1]) as { files: { path: string; findings: { ruleId: string; message: string }[] }[] };
      const main = lint.files.find((f) => f.path === '/etc/memcached.conf')!.findings;
      expect(main.map((f) => f.ruleId)).toContain('MC910');
      expect(main.map((f) => f.ruleId)).not.toContain('MC101');
      expect(main.find((f) => f.ruleId === 'MC910')!.message).toMatch(/^on this host \(not run by systemd\) Debian's init script \/etc\/init\.d\/memcached starts one memcached for each \/etc\/memcached_NAME\.conf when there is one \(here \/etc\/memcached_t1\.conf\)/);
      expect(lint.files.find((f) => f.path === '/etc/memcached_t1.conf')!.findings.map((f) => f.ruleId)).not.toContain('MC910');
    } finally {
      rmSync(priv, { recursive: true, force: true });
    }
  }, 90_000);

  it("on a host systemd runs, with only the package's memcached.service: nothing starts memcached from /etc/memcached_t1.conf, and lint says so", () => {
    const priv = mkdtempSync(join(tmpdir(), 'mchard-sysv-'));
    try {
      const script = [
        'set -e',
        `cp -a /etc ${priv}/etc`,
        `mount --bind ${priv}/etc /etc`,
        'mount -t tmpfs tmpfs /run/systemd',
        'mkdir /run/systemd/system',
        "printf -- '-p 11301\\n-l 0.0.0.0\\n-u memcache\\n-U 0\\n' > /etc/memcached_t1.conf",
        '"$@" lint --format json /etc/memcached.conf /etc/memcached_t1.conf || true',
      ].join('\n');
      const r = spawnSync('unshare', ['-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', process.execPath, BIN], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', MCHARD_CODE_CACHE: 'off' },
        cwd: '/',
        timeout: 60_000,
      });
      const lint = JSON.parse(r.stdout) as { files: { path: string; findings: { ruleId: string; message: string }[] }[] };
      const instance = lint.files.find((f) => f.path === '/etc/memcached_t1.conf')!.findings;
      expect(instance.map((f) => f.ruleId)).not.toContain('MC101');
      expect(instance.find((f) => f.ruleId === 'MC910')!.message).toMatch(/^on this host systemd runs memcached from (\/usr)?\/lib\/systemd\/system\/memcached\.service, which reads \/etc\/memcached\.conf, and there is no memcached@t1\.service or memcached@\.service .*nothing starts memcached from this file/);
      expect(lint.files.find((f) => f.path === '/etc/memcached.conf')!.findings.map((f) => f.ruleId)).not.toContain('MC910');
    } finally {
      rmSync(priv, { recursive: true, force: true });
    }
  }, 90_000);
});
