/**
 * The path decides: a `KEY = value` file at /etc/memcached.conf is read by Debian's wrapper, not by
 * systemd's EnvironmentFile=. Checked against the real programs: Debian's
 * /usr/share/memcached/scripts/systemd-memcached-wrapper (patched to print its argument vector, as
 * debian-wrapper.test.ts does) and, unpatched, starting the real memcached 1.6.18 inside a network
 * namespace this test creates (`unshare --net`, loopback only: nothing reaches this machine's network).
 * mchard's inspect must predict what really runs: the user, the listeners, or the exit status; and the
 * file mchard's fix writes must really start memcached as intended.
 *
 * The files are real: test/fixtures/shared/corpus sysconfig/078 (vtrois/meteorite config/memcached.conf,
 * `KEY = "value"`) and sysconfig/068 (RamanBut-Husaim/memcached-vagrant-vm memcached.conf,
 * `KEY="value"`), both RHEL-style files, put where Debian's wrapper reads them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from '../cli/helpers.js';
import { runFix } from '../../src/cli/fix.js';
import type { Io } from '../../src/cli/io.js';
import { detectDialect } from '../../src/dialects/detect.js';
import { parseDebian } from '../../src/dialects/debian.js';
import { decodeConfig } from '../../src/input.js';
import { processSockets } from '../../src/system/sockets.js';
import { ROOT, SHARED } from '../helpers/paths.js';

const WRAPPER = '/usr/share/memcached/scripts/systemd-memcached-wrapper';
const usable =
  process.getuid?.() === 0 && existsSync(WRAPPER) && existsSync('/usr/bin/perl') && existsSync('/usr/bin/memcached') && spawnSync('unshare', ['--net', 'true']).status === 0;
if (!usable) console.warn(`detect-wrapper: skipping: needs root, ${WRAPPER}, perl, /usr/bin/memcached and unshare --net`);
const d = usable ? describe : describe.skip;

const SPACED = join(SHARED, 'corpus/sysconfig/078-vtrois-meteorite-memcached.conf');
const TIGHT = join(SHARED, 'corpus/sysconfig/068-RamanBut-Husaim-memcached-vagrant-vm-memcached.conf');

let tmp: TempDir;
let printer = '';
beforeAll(() => {
  tmp = new TempDir('mchard-detect-wrapper-');
  if (!usable) return;
  const out = tmp.join('argv.out');
  const print = tmp.write('printargs', `#!/usr/bin/perl\nopen(my $o, '>', '${out}') or die;\nprint $o join("\\0", @ARGV);\n`);
  chmodSync(print, 0o755);
  const src = readFileSync(WRAPPER, 'utf8');
  const patched = src.replace(/^my \$memcached = .*$/m, `my $memcached = "${print}";`);
  expect(patched).not.toBe(src);
  printer = tmp.write('wrapper', patched);
  chmodSync(printer, 0o755);
});
afterAll(() => tmp.cleanup());

/** The argument vector Debian's wrapper gives memcached for a file. */
function wrapperArgv(file: string): string[] {
  const out = tmp.join('argv.out');
  rmSync(out, { force: true });
  spawnSync(printer, [file], { cwd: '/', env: { PATH: '/usr/bin:/bin', LANG: 'C' }, timeout: 10_000 });
  const text = readFileSync(out, 'utf8');
  return text === '' ? [] : text.split('\0');
}

interface Verdict {
  exit: number | null;
  uid: number | null;
  listeners: string[];
}

/** The pid of the memcached process under `pid` (the wrapper execs it, or runs it through /bin/sh). */
function memcachedUnder(pid: number): number | null {
  const exe = (p: number) => {
    try {
      return readlinkSync(`/proc/${p}/exe`);
    } catch {
      return '';
    }
  };
  if (exe(pid) === '/usr/bin/memcached') return pid;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
      const found = memcachedUnder(Number(child));
      if (found) return found;
    }
  }
  return null;
}

/** Starts the real, unpatched wrapper on `file` in a new network namespace (loopback up), and reads what runs. */
async function realVerdict(file: string): Promise<Verdict> {
  const child = spawn('unshare', ['--net', 'sh', '-c', `ip link set lo up && exec ${WRAPPER} "$0"`, file], { stdio: 'ignore', detached: true });
  let exit: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.on('exit', (code) => ((exit = code), resolve())));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    // Until memcached listens (then a moment more, for every listener) or exits; at most 10 s on a busy machine.
    for (let waited = 0; waited < 10_000; waited += 100) {
      await sleep(100);
      if (exit !== undefined) return { exit, uid: null, listeners: [] };
      const pid = memcachedUnder(child.pid!);
      if (pid === null || processSockets(pid).length === 0) continue;
      await sleep(300);
      if (exit !== undefined) return { exit, uid: null, listeners: [] };
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
      // The namespace's own socket tables, seen through the process.
      const held = processSockets(pid);
      const listeners = held.map((x) => (x.transport === 'unix' ? `unix ${x.path}` : `${x.transport} ${x.address}:${x.port}`)).sort();
      return { exit: null, uid, listeners };
    }
    throw new Error(`memcached neither listened nor exited within 10 s for ${file}`);
  } finally {
    if (exit === undefined) {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
  }
}

/** What mchard predicts for the file where Debian's wrapper reads it. */
async function predicted(path: string): Promise<Verdict & { runsAs: string | null }> {
  const r = await run(['inspect', path, '--format', 'json', '--memcached-version', '1.6.18']);
  const j = JSON.parse(r.out);
  expect(j.dialect).toBe('debian');
  const listeners = (j.listeners as { transport: string; address: string; port: number }[]).map((l) => `${l.transport} ${l.address}:${l.port}`).sort();
  // Such a file stops Debian's other reader, start-memcached (a host without systemd: its SysV script), at its
  // first KEY line: whether memcached starts depends on the host, and mchard says so; what the wrapper does
  // (this test's subject) is the outcome as written (test/integration/start-memcached.test.ts has the other).
  const hostDecides = j.startup.ok === null && j.startup.depends === 'host';
  if (hostDecides) expect(j.startup.reason).toMatch(/start-memcached, which stops at line \d+/);
  const startup = hostDecides ? j.startup.asWritten : j.startup;
  const runsAs: string | null = hostDecides ? (startup.ok ? j.settings.user : null) : j.runsAs;
  const uid = runsAs === null ? null : Number(spawnSync('id', ['-u', runsAs], { encoding: 'utf8' }).stdout.trim());
  return { exit: startup.ok ? null : startup.exitCode, uid, listeners: startup.ok ? listeners : [], runsAs };
}

d("a key = value file at /etc/memcached.conf is read as Debian's wrapper reads it", () => {
  it.each([
    ['KEY = "value" (every line skipped: -u root appended, root on every interface)', SPACED],
    ['KEY="value" (every line passed to memcached as a word, through /bin/sh: no -u, exit 64)', TIGHT],
  ])('%s', async (_title, corpusFile) => {
    const text = readFileSync(corpusFile, 'utf8');
    // The path decides, and says what the content looks like.
    const detection = detectDialect('/etc/memcached.conf', text);
    expect(detection).toMatchObject({ refused: false, dialect: 'debian', reason: 'path', confidence: 'certain' });
    expect(!detection.refused && detection.caveat).toMatch(/as an environment file does, not memcached options/);

    // mchard's argument vector is the real wrapper's.
    const file = tmp.write(`case-${readdirSync(tmp.path).length}/etc/memcached.conf`, text);
    expect(parseDebian(decodeConfig(file, readFileSync(file))).argv.map((a) => a.value)).toEqual(wrapperArgv(file));

    // And its prediction is what the real memcached does when the real wrapper starts it.
    const want = await predicted(file);
    const real = await realVerdict(file);
    expect({ exit: real.exit, uid: real.uid, listeners: real.listeners }).toEqual({ exit: want.exit, uid: want.uid, listeners: want.listeners });
    // What the issue saw: root on every interface, or no start at all.
    if (corpusFile === SPACED) expect(real).toEqual({ exit: null, uid: 0, listeners: ['tcp 0.0.0.0:11211', 'tcp :::11211'] });
    else expect(real.exit).toBe(64);

    // fix writes the wrapper's own syntax, and the real wrapper then starts memcached as intended.
    let out = '';
    const io: Io = { out: (t) => void (out += t), err: (t) => void (out += t), stdoutStream: { isTTY: false }, stdinIsTTY: false };
    expect(await runFix(['--yes', '--no-host-checks', '--no-restart', '--no-backup', file], io, {})).toBe(0);
    expect(out).toContain('wrote');
    const fixed = await realVerdict(file);
    const uidMemcache = Number(spawnSync('id', ['-u', 'memcache'], { encoding: 'utf8' }).stdout.trim());
    expect(fixed).toEqual({ exit: null, uid: uidMemcache, listeners: ['tcp 127.0.0.1:11211'] });
    expect(await predicted(file)).toMatchObject({ exit: null, uid: uidMemcache, listeners: ['tcp 127.0.0.1:11211'], runsAs: 'memcache' });
  });
});

d("real files mchard reads as the wrapper's (test/fixtures/real): mchard's argument vector is the wrapper's", () => {
  const root = join(ROOT, 'test', 'fixtures', 'real');
  const rows = existsSync(join(root, 'MANIFEST.tsv'))
    ? readFileSync(join(root, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'))
    : [];
  // Rendered files only: what the wrapper makes of an unrendered template is not what runs.
  const TEMPLATE = /\{\{|\{%|<%|%\(|\$\{/;

  it('each one, placed at its repository path', () => {
    let compared = 0;
    for (const [file, , path] of rows) {
      const text = readFileSync(join(root, file), 'utf8');
      const placed = tmp.write(join('real', file.replace(/\//g, '_'), path), text);
      const d = detectDialect(placed, text);
      if (d.refused || d.dialect !== 'debian' || TEMPLATE.test(text)) continue;
      const cfg = parseDebian(decodeConfig(placed, readFileSync(placed)));
      if (cfg.launchFailure || !cfg.argvExact) continue;
      expect({ file, argv: cfg.argv.map((a) => a.value) }).toEqual({ file, argv: wrapperArgv(placed) });
      compared++;
    }
    if (rows.length) expect(compared).toBeGreaterThanOrEqual(3);
  });
});

if (usable) {
  test('the patched wrapper prints what it would run (the comparison is not vacuous)', () => {
    const f = tmp.write('stock/etc/memcached.conf', '-m 64\n-u memcache\n');
    expect(wrapperArgv(f)).toEqual(['-m', '64', '-u', 'memcache']);
    writeFileSync(f, '');
    expect(wrapperArgv(f)).toEqual(['-u', 'root']);
  });
}
