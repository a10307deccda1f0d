/**
 * /etc/memcached.conf on a host whose memcached.service does not run Debian's wrapper with it (an
 * administrator's unit in /etc/systemd/system, a drop-in that sets ExecStart=, a masked unit): linted as
 * the package's unit would read it, with nothing said of the host, it read as hardened while the service
 * ran other options. Now MC911 says so (the file's own options are still checked: they are what memcached
 * does whenever it is started from the file), and inspect has a `service` line. With the real memcached package's file and unit, in a mount namespace of the test's own:
 * tmpfs over /etc/systemd/system and /run/systemd (systemd is not PID 1 here: /run/systemd/system, the
 * folder sd_booted(3) looks for, is made there), and the package's default file, with -l 0.0.0.0, bound
 * over /etc/memcached.conf. The machine's own files are never touched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ensureBuilt } from '../cli/helpers.js';
import { ROOT } from '../helpers/paths.js';

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

  it("an administrator's unit that runs memcached itself: MC911 says memcached does not get the file's options, which are still checked", () => {
    const ids = lint(ADMIN_UNIT);
    expect(ids).toContain('MC911');
    expect(ids).toContain('MC101');
    const inspect = run(ADMIN_UNIT, true, 'inspect', '/etc/memcached.conf').out;
    expect(inspect).toMatch(/^ {2}service {3}does not read it on this host: systemd loads \/etc\/systemd\/system\/memcached\.service for memcached\.service on this host, and it runs memcached itself, not Debian's wrapper with this file/m);
    expect(inspect).toMatch(/^ {2}listens {3}TCP 0\.0\.0\.0:11211/m);
    // fix still hardens the file (what memcached does whenever it is started from it), and says why it matters little here.
    const fix = run(ADMIN_UNIT, true, 'fix', '--dry-run', '/etc/memcached.conf');
    expect(fix.out).toMatch(/^\+-l 127\.0\.0\.1$/m);
    expect(fix.out).toMatch(/MC911 {2}systemd loads \/etc\/systemd\/system\/memcached\.service/);
  });

  it('a drop-in that sets ExecStart=, and a masked unit: named, not guessed', () => {
    const dropIn = lint(`mkdir /etc/systemd/system/memcached.service.d; printf '[Service]\\nExecStart=\\nExecStart=/usr/bin/memcached\\n' > /etc/systemd/system/memcached.service.d/override.conf`);
    expect(dropIn).toContain('MC911');
    expect(dropIn).toContain('MC101');
    const masked = lint('ln -s /dev/null /etc/systemd/system/memcached.service');
    expect(masked).toContain('MC911');
    expect(masked).toContain('MC101');
  });

  it("a unit that runs Debian's wrapper as another user than root: the real wrapper exits at once, so memcached never starts from the file", () => {
    const wrapper = '/usr/share/memcached/scripts/systemd-memcached-wrapper';
    // What systemd would run with User=memcache: the wrapper, as that user. It exits before reading any file.
    const r = spawnSync('timeout', ['10', 'setpriv', '--reuid=memcache', '--regid=memcache', '--clear-groups', wrapper, '/etc/memcached.conf'], { encoding: 'utf8' });
    expect({ status: r.status, err: r.stderr }).toEqual({ status: 0, err: 'Only root wants to run systemd-memcached-wrapper.\n' });
    const ids = lint(`printf '[Service]\\nUser=memcache\\nExecStart=${wrapper} /etc/memcached.conf\\n' > /etc/systemd/system/memcached.service`);
    expect(ids).toContain('MC911');
  });

  it('a host systemd does not run (no /run/systemd/system): the SysV script reads the file, nothing to say', () => {
    const ids = lint(ADMIN_UNIT, false);
    expect(ids).toContain('MC101');
    expect(ids).not.toContain('MC911');
  });
});

/**
 * A host systemd does not run, with Debian's real SysV init script: when an /etc/memcached_NAME.conf exists,
 * the script starts one memcached per such file and none from /etc/memcached.conf. Proved by starting the
 * real script in namespaces of the test's own (mount, network, PID: a private copy of /etc, a tmpfs /run,
 * loopback only; every process it starts ends with the namespace), then linting both files there.
 */
/**
 * Runs the shell `lines` ("$@" is mchard) in namespaces of the test's own, over a private copy of /etc bound
 * on /etc (the machine's own is never written). `sysv`: a host systemd does not run, with network and PID
 * namespaces and a tmpfs /run, so what the real init script starts ends with them; `systemd`: a tmpfs
 * /run/systemd with /run/systemd/system, as on a host systemd runs.
 */
function inPrivateEtc(host: 'sysv' | 'systemd', lines: string[]) {
  const priv = mkdtempSync(join(tmpdir(), 'mchard-sysv-'));
  try {
    const setup = host === 'sysv' ? ['ip link set lo up', `cp -a /etc ${priv}/etc`, `mount --bind ${priv}/etc /etc`, 'mount -t tmpfs tmpfs /run'] : [`cp -a /etc ${priv}/etc`, `mount --bind ${priv}/etc /etc`, 'mount -t tmpfs tmpfs /run/systemd', 'mkdir /run/systemd/system'];
    const flags = host === 'sysv' ? ['-m', '-n', '-p', '-f', '--mount-proc'] : ['-m'];
    return spawnSync('unshare', [...flags, '--propagation', 'private', '--', 'sh', '-c', ['set -e', ...setup, ...lines].join('\n'), 'sh', process.execPath, BIN], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', MCHARD_CODE_CACHE: 'off' },
      cwd: '/',
      timeout: 60_000,
    });
  } finally {
    rmSync(priv, { recursive: true, force: true });
  }
}

const sysvUsable = usable && existsSync('/usr/bin/ss') && existsSync('/usr/sbin/ip') && existsSync(INIT_SCRIPT);
(sysvUsable ? describe : describe.skip)("Debian's SysV script and /etc/memcached_NAME.conf", () => {
  it('with /etc/memcached_t1.conf the script starts memcached from it, not from /etc/memcached.conf, and lint says so', () => {
    const r = inPrivateEtc('sysv', [
      "printf -- '-p 11300\\n-l 0.0.0.0\\n-u memcache\\n-U 0\\n' > /etc/memcached.conf",
      "printf -- '-p 11301\\n-l 127.0.0.1\\n-u memcache\\n-U 0\\n' > /etc/memcached_t1.conf",
      `${INIT_SCRIPT} start >/dev/null`,
      'for i in $(seq 50); do ss -Htln | grep -q ":11301 " && break; sleep 0.1; done',
      'echo "--- listening"; ss -Htln | awk \'{print $4}\' | sort',
      'echo "--- lint"; "$@" lint --format json /etc/memcached.conf /etc/memcached_t1.conf || true',
      `${INIT_SCRIPT} stop >/dev/null`,
    ]);
    const listening = r.stdout.split('--- listening\n')[1]?.split('--- lint\n')[0].trim().split('\n');
    // The real script: memcached from memcached_t1.conf only.
    expect({ listening, err: r.stderr }).toEqual({ listening: ['127.0.0.1:11301'], err: '' });
    const lint = JSON.parse(r.stdout.split('--- lint\n')[1]) as { files: { path: string; findings: { ruleId: string; message: string }[] }[] };
    const main = lint.files.find((f) => f.path === '/etc/memcached.conf')!.findings;
    expect(main.map((f) => f.ruleId)).toContain('MC101');
    expect(main.find((f) => f.ruleId === 'MC911')!.message).toMatch(/^on this host \(not run by systemd\) Debian's init script \/etc\/init\.d\/memcached starts one memcached for each \/etc\/memcached_NAME\.conf when there is one \(here \/etc\/memcached_t1\.conf\)/);
    expect(lint.files.find((f) => f.path === '/etc/memcached_t1.conf')!.findings.map((f) => f.ruleId)).not.toContain('MC911');
  }, 90_000);

  it("on a host systemd runs, with only the package's memcached.service: nothing starts memcached from /etc/memcached_t1.conf, and lint says so", () => {
    const r = inPrivateEtc('systemd', [
      "printf -- '-p 11301\\n-l 0.0.0.0\\n-u memcache\\n-U 0\\n' > /etc/memcached_t1.conf",
      '"$@" lint --format json /etc/memcached.conf /etc/memcached_t1.conf || true',
    ]);
    const lint = JSON.parse(r.stdout) as { files: { path: string; findings: { ruleId: string; message: string }[] }[] };
    const instance = lint.files.find((f) => f.path === '/etc/memcached_t1.conf')!.findings;
    expect(instance.map((f) => f.ruleId)).toContain('MC101');
    expect(instance.find((f) => f.ruleId === 'MC911')!.message).toMatch(/^on this host systemd runs memcached from (\/usr)?\/lib\/systemd\/system\/memcached\.service, which reads \/etc\/memcached\.conf, and there is no memcached@t1\.service or memcached@\.service .*nothing starts memcached from this file/);
    expect(lint.files.find((f) => f.path === '/etc/memcached.conf')!.findings.map((f) => f.ruleId)).not.toContain('MC911');
  }, 90_000);
});

/**
 * /etc/memcached.conf with a line start-memcached stops at ("pidfile ..."): in a repository whether memcached
 * starts depends on the host (test/integration/start-memcached.test.ts); on the host itself the host says.
 * Without systemd, Debian's real SysV script is started in namespaces of the test's own (as above): no
 * memcached runs, and mchard says it exits 255 there. Under systemd (the wrapper ignores the line) it starts.
 */
(sysvUsable ? describe : describe.skip)('/etc/memcached.conf with a line start-memcached stops at, on the host', () => {
  const STOPS = "printf -- '-p 11302\\n-l 127.0.0.1\\n-u memcache\\n-U 0\\npidfile /run/memcached/x.pid\\n' > /etc/memcached.conf";
  it("a host systemd does not run: the real script starts no memcached, and mchard says it exits 255 at that line", () => {
    const r = inPrivateEtc('sysv', [
      STOPS,
      `${INIT_SCRIPT} start >/dev/null 2>&1 || true`,
      'sleep 1',
      'echo "--- listening"; ss -Htln | awk \'{print $4}\' | sort',
      'echo "--- inspect"; "$@" inspect --format json /etc/memcached.conf || true',
    ]);
    const listening = r.stdout.split('--- listening\n')[1]?.split('--- inspect\n')[0].trim();
    expect({ listening, err: r.stderr }).toEqual({ listening: '', err: '' });
    const inspect = JSON.parse(r.stdout.split('--- inspect\n')[1]) as { readBy: string; startup: { ok: boolean | null; exitCode?: number; reason: string } };
    expect(inspect.readBy).toBe("Debian's SysV init script on this host (/etc/init.d/memcached), through start-memcached (this host is not run by systemd)");
    expect(inspect.startup).toMatchObject({ ok: false, exitCode: 255 });
    expect(inspect.startup.reason).toMatch(/this host's init script \(\/etc\/init\.d\/memcached\) starts memcached through start-memcached, which stops at line 5 \("pidfile"/);
  }, 90_000);

  it('an /etc/memcached_NAME.conf with such a line, without systemd: the script starts the other instance, not this one, and mchard says it exits 255', () => {
    const r = inPrivateEtc('sysv', [
      "printf -- '-p 11303\\n-l 127.0.0.1\\n-u memcache\\n-U 0\\n' > /etc/memcached_t1.conf",
      "printf -- '-p 11304\\n-l 127.0.0.1\\n-u memcache\\n-U 0\\npidfile /run/memcached/x.pid\\n' > /etc/memcached_t2.conf",
      `${INIT_SCRIPT} start >/dev/null 2>&1 || true`,
      'for i in $(seq 50); do ss -Htln | grep -q ":11303 " && break; sleep 0.1; done',
      'echo "--- listening"; ss -Htln | awk \'{print $4}\' | sort',
      'echo "--- inspect"; "$@" inspect --format json /etc/memcached_t2.conf || true',
      `${INIT_SCRIPT} stop >/dev/null 2>&1 || true`,
    ]);
    const listening = r.stdout.split('--- listening\n')[1]?.split('--- inspect\n')[0].trim().split('\n');
    expect({ listening, err: r.stderr }).toEqual({ listening: ['127.0.0.1:11303'], err: '' });
    const inspect = JSON.parse(r.stdout.split('--- inspect\n')[1]) as { startup: { ok: boolean | null; exitCode?: number; reason: string } };
    expect(inspect.startup).toMatchObject({ ok: false, exitCode: 255 });
    expect(inspect.startup.reason).toMatch(/start-memcached, which stops at line 5 \("pidfile"/);
  }, 90_000);

  it("a host systemd runs, with the package's unit: the wrapper ignores the line, so memcached starts", () => {
    const r = inPrivateEtc('systemd', [
      STOPS,
      '"$@" inspect --format json /etc/memcached.conf || true',
    ]);
    const onSystemd = JSON.parse(r.stdout) as { readBy: string; startup: { ok: boolean | null } };
    expect(onSystemd).toMatchObject({ readBy: "Debian's systemd-memcached-wrapper", startup: { ok: true } });
  }, 90_000);
});

/**
 * /etc/sysconfig/memcached on a host systemd does not run: only an init script that sources it reads it.
 * In a mount namespace of the test's own, a copy of this machine's /etc on a tmpfs is bound over /etc
 * (the machine's own /etc is never written), with the file and an /etc/init.d/memcached: Debian's real
 * one (the package's, which never names the file), then RHEL's script shape (test/fixtures/real sysv/096,
 * which sources it), then none. Before, all three read as if a RHEL memcached.service read the file here.
 */
(usable && existsSync(INIT_SCRIPT) ? describe : describe.skip)('/etc/sysconfig/memcached on a host systemd does not run', () => {
  const rhelScript = join(ROOT, 'test', 'fixtures', 'real', 'sysv', '096-volanja-study-isucon3-yosen-memcached');
  function onHost(script: 'debian' | 'rhel' | 'none', ...args: string[]) {
    const init = script === 'debian' ? [] : script === 'rhel' ? [`cp ${rhelScript} /etc/init.d/memcached`] : ['rm -f /etc/init.d/memcached'];
    const r = inPrivateEtc('sysv', [
      'mkdir -p /etc/sysconfig',
      `printf 'PORT="11211"\\nUSER="memcache"\\nMAXCONN="1024"\\nCACHESIZE="64"\\nOPTIONS="-l 0.0.0.0"\\n' > /etc/sysconfig/memcached`,
      ...init,
      `"$@" ${args.join(' ')} || true`,
    ]);
    if (r.stdout === '') throw new Error(`no result: ${r.stderr}`);
    return r.stdout;
  }
  const findings = (script: 'debian' | 'rhel' | 'none') =>
    (JSON.parse(onHost(script, 'lint', '--format', 'json', '/etc/sysconfig/memcached')).files[0].findings as { ruleId: string; message: string }[]);

  it("Debian's init script never names it: MC911 says memcached does not get the file's options here; inspect's service line says why", () => {
    const f = findings('debian');
    expect(f.find((x) => x.ruleId === 'MC911')?.message).toMatch(/^this host is not run by systemd, and its init script \/etc\/init\.d\/memcached never names \/etc\/sysconfig\/memcached/);
    // The file's own options are still checked: what memcached does whenever it is started from it.
    expect(f.map((x) => x.ruleId)).toContain('MC101');
    expect(onHost('debian', 'inspect', '/etc/sysconfig/memcached')).toMatch(/^ {2}service {3}does not read it on this host: this host is not run by systemd/m);
  }, 90_000);

  it("RHEL's script shape sources it: nothing to say; no init script: whatever starts memcached decides", () => {
    expect(findings('rhel').map((x) => x.ruleId)).not.toContain('MC911');
    expect(findings('none').find((x) => x.ruleId === 'MC911')?.message).toMatch(/has no \/etc\/init\.d\/memcached: nothing here starts memcached as a service from this file/);
  }, 90_000);
});
