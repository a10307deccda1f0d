/**
 * memcached under systemd's RestrictAddressFamilies=, for real: test/fixtures/seccomp/deny-families.c
 * installs a seccomp filter that makes socket() of the named address families fail with EAFNOSUPPORT, as
 * systemd's filter does on x86-64 and arm64 (seccomp-util.c seccomp_restrict_address_families), and execs
 * Debian's memcached under it. For each unit, mchard's model of the unit (exit status, message, listeners)
 * must be what memcached really does. systemd itself cannot run here as PID 1, so the filter stands in
 * for it; which families a unit blocks is checked in test/dialects/unit-network.test.ts.
 *
 * Safety: every memcached runs in a network namespace of its own (unshare --net, loopback only, gone when
 * it exits), so a wildcard listener is reachable from nothing outside the test.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SourceText } from '../../src/source.js';
import { parseSystemd } from '../../src/dialects/systemd.js';
import { familyBlocked } from '../../src/dialects/unit-network.js';
import { loadDialect } from '../../src/dialects/index.js';
import { lintText } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';
import { listenerKey, processSockets, socketKey } from '../../src/system/sockets.js';

const BIN = '/usr/bin/memcached';
const SOURCE = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'seccomp', 'deny-families.c');
const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
const arch = os.arch();
const skipReason = !fs.existsSync(BIN)
  ? `${BIN} is not installed`
  : process.getuid?.() !== 0
    ? 'not running as root (memcached starts as root and switches to nobody; unshare --net needs root)'
    : !which('cc')
      ? 'no C compiler (cc): scripts/test-all.sh installs gcc and libc6-dev'
      : !which('unshare') || !which('ip')
        ? 'unshare (util-linux) or ip (iproute2) is missing'
        : arch !== 'x64' && arch !== 'arm64'
          ? `systemd's family filter works on x86-64 and arm64 only; this is ${arch}`
          : null;
if (skipReason) console.warn(`unit-families-real: skipping: ${skipReason}`);
const describeReal = skipReason ? describe.skip : describe;

const FAMILY_NUMBER = { AF_UNIX: 1, AF_INET: 2, AF_INET6: 10 } as const;

interface Case {
  name: string;
  families: string;
  args: (port: number, dir: string) => string;
}

const CASES: Case[] = [
  { name: 'AF_UNIX only, default listener', families: 'AF_UNIX', args: (p) => `-u nobody -U 0 -p ${p}` },
  { name: 'IPv4 and unix, default listener: IPv4 only', families: 'AF_INET AF_UNIX', args: (p) => `-u nobody -U 0 -p ${p}` },
  { name: 'IPv6 and unix, default listener: IPv6 only', families: 'AF_INET6 AF_UNIX', args: (p) => `-u nobody -U 0 -p ${p}` },
  { name: 'IPv4 only, an -l list with ::1', families: 'AF_INET AF_UNIX', args: (p) => `-u nobody -U 0 -p ${p} -l 127.0.0.1,::1` },
  { name: 'deny-list of AF_INET, -l 127.0.0.1', families: '~AF_INET', args: (p) => `-u nobody -U 0 -p ${p} -l 127.0.0.1` },
  { name: 'no AF_UNIX, -s', families: 'AF_INET AF_INET6', args: (_p, d) => `-u nobody -s ${d}/m.sock` },
  { name: 'AF_UNIX only, -s', families: 'AF_UNIX', args: (_p, d) => `-u nobody -s ${d}/m.sock` },
  { name: 'AF_UNIX only, UDP alone', families: 'AF_UNIX', args: (p) => `-u nobody -p 0 -U ${p}` },
  { name: "Fedora's set, default listener", families: 'AF_INET AF_INET6 AF_UNIX', args: (p) => `-u nobody -U 0 -p ${p}` },
];

interface Observed {
  status: number | 'running';
  stderr: string;
  listeners: string[];
}

const live = new Set<ReturnType<typeof spawn>>();

function runUnder(helper: string, deny: number[], args: string[]): Promise<Observed> {
  // A family number no kernel has stands for "none denied" (the helper needs one).
  const list = deny.length ? deny.join(',') : '255';
  const script = 'ip link set lo up && exec "$@"';
  return new Promise((resolve) => {
    const child = spawn('unshare', ['--net', '--', 'sh', '-c', script, 'sh', helper, list, '--', BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    live.add(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      const listeners = child.pid ? processSockets(child.pid).map(socketKey).sort() : [];
      child.kill('SIGTERM');
      done = true;
      child.once('exit', () => live.delete(child));
      resolve({ status: 'running', stderr, listeners });
    }, 800);
    child.on('exit', (code) => {
      live.delete(child);
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ status: code ?? -1, stderr, listeners: [] });
    });
  });
}

describeReal('memcached under a RestrictAddressFamilies= seccomp filter', () => {
  let dir = '';
  let helper = '';
  beforeAll(async () => {
    await loadDialect('systemd');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `mchard-unitfam-${process.pid}-`));
    fs.chmodSync(dir, 0o777);
    helper = path.join(dir, 'deny-families');
    const cc = spawnSync('cc', ['-O', '-Wall', '-o', helper, SOURCE], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
  });
  afterAll(() => {
    for (const c of live) c.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const port = 30000 + ((process.pid * 7 + i * 97) % 10000);
    const caseDir = path.join(dir, `c${i}`);
    fs.mkdirSync(caseDir, { mode: 0o777 });
    fs.chmodSync(caseDir, 0o777);
    const args = c.args(port, caseDir);
    const text = `[Service]\nExecStart=${BIN} ${args}\nRestrictAddressFamilies=${c.families}\n`;
    const config = parseSystemd(new SourceText('/etc/systemd/system/memcached.service', text));
    const deny = (['AF_UNIX', 'AF_INET', 'AF_INET6'] as const).filter((f) => familyBlocked(config.network, f)).map((f) => FAMILY_NUMBER[f]);
    const model = lintText(text, { dialect: 'systemd', path: '/etc/systemd/system/memcached.service', options: { version: parseVersion('1.6.18')! } }).model;
    const real = await runUnder(helper, deny, args.split(' '));
    const predicted: Observed = model.startup.ok
      ? { status: 'running', stderr: '', listeners: model.listeners.map(listenerKey).sort() }
      : { status: model.startup.exitCode, stderr: '', listeners: [] };
    expect([c.name, real.status, real.listeners]).toEqual([c.name, predicted.status, predicted.listeners]);
    if (!model.startup.ok) {
      expect(model.startup.certain).toBe(true);
      // memcached's own last line, up to the errno text, is the start of mchard's reason (after "socket(): ..." for -s).
      const last = real.stderr.trim().split('\n').at(-1)!;
      const said = last.replace(/: [^:]+$/, '');
      expect(model.startup.reason).toContain(said);
    }
  });
});
