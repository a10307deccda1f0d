/**
 * The single executable (`npm run build:sea`, Node.js single executable applications + postject), run
 * the way a server without Node.js runs it: a copy in an empty folder, an environment with only a PATH
 * that holds no `node`. It must behave exactly like the npm package's `mchard` (bin/mchard.js).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ensureBuilt, ROOT, SAMPLES, TempDir } from '../cli/helpers.js';
import { throughFullPipe } from '../helpers/full-pipe.js';
import { BUILD_ENV, BUILD_PLACE_PREFIX, ensureSea, SEA } from '../helpers/sea.js';

const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
if (!linuxX64) console.warn(`skipping the single-executable test: it is built for Linux x86-64 (this is ${process.platform}-${process.arch})`);
const d = linuxX64 ? describe : describe.skip;

const MEMCACHED = '/usr/bin/memcached';
let tmp: TempDir;
let exe = '';
let noNodeEnv: NodeJS.ProcessEnv;
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

function sea(args: string[], input = '', opts: { env?: Record<string, string>; cwd?: string } = {}) {
  const r = spawnSync(exe, args, { cwd: opts.cwd ?? tmp.path, env: { ...noNodeEnv, ...opts.env }, input, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The npm package's executable, under the real node, for comparison. */
function npmBin(args: string[], input = '', opts: { env?: Record<string, string>; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? tmp.path, env: { ...noNodeEnv, ...opts.env }, input, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

d('the single executable', () => {
  beforeAll(async () => {
    const ms = await ensureSea();
    if (ms) console.log(`npm run build:sea: ${(ms / 1000).toFixed(1)} s, ${(statSync(SEA).size / 2 ** 20).toFixed(1)} MiB`);
    ensureBuilt();
    tmp = new TempDir('mchard-sea-');
    mkdirSync(tmp.join('bin'));
    exe = tmp.join('bin', 'mchard');
    copyFileSync(SEA, exe);
    copyFileSync(join(SAMPLES, 'insecure-debian.conf'), tmp.join('insecure-debian.conf'));
    copyFileSync(join(SAMPLES, 'insecure-rhel.sysconfig'), tmp.join('memcached'));
    copyFileSync(join(SAMPLES, 'docker-compose.yml'), tmp.join('docker-compose.yml'));
    copyFileSync(join(SAMPLES, 'insecure-memcached.service'), tmp.join('memcached.service'));
    copyFileSync(join(SAMPLES, 'insecure-memcached.confd'), tmp.join('memcached.confd'));
    copyFileSync(join(SAMPLES, 'freebsd-rc.conf'), tmp.join('rc.conf'));
    copyFileSync(join(SAMPLES, 'supervisord-memcached.conf'), tmp.join('supervisord.conf'));
    tmp.write('latin1.conf', Buffer.from('# caf\xe9\n-l 0.0.0.0\n', 'latin1'));
    // The PATH of a server without Node.js: memcached (when installed here) and nothing else.
    mkdirSync(tmp.join('tools'));
    if (existsSync(MEMCACHED)) symlinkSync(MEMCACHED, tmp.join('tools', 'memcached'));
    noNodeEnv = { PATH: tmp.join('tools') };
  }, 600_000);

  afterAll(() => tmp?.cleanup());

  it('is a Linux ELF executable carrying Node.js, and no node is on its PATH', () => {
    const fd = openSync(exe, 'r');
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    expect(head).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(statSync(exe).mode & 0o111).toBe(0o111);
    expect(spawnSync('/bin/sh', ['-c', 'command -v node'], { env: noNodeEnv }).status).not.toBe(0);
  });

  it('prints its version and help like the npm package, with no Node.js warning', () => {
    expect(sea(['--version'])).toEqual({ code: 0, out: `mchard ${version}\n`, err: '' });
    const help = sea(['--help']);
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toBe(npmBin(['--help']).out);
    expect(sea(['help', 'fix'])).toEqual(npmBin(['help', 'fix']));
  });

  it('starts from its snapshot, and with MCHARD_CODE_CACHE=off (the core initialised in the process) gives the same output', () => {
    const run = (env: Record<string, string>) => spawnSync(exe, ['lint', 'insecure-debian.conf'], { cwd: tmp.path, env: { ...noNodeEnv, ...env }, encoding: 'utf8', timeout: 30_000 });
    const used = run({ MCHARD_DEBUG: '1' });
    expect(used.stderr).toBe('mchard: start-up snapshot: used\n');
    const off = run({ MCHARD_DEBUG: '1', MCHARD_CODE_CACHE: 'off' });
    expect(off.stderr).toBe('mchard: start-up snapshot: off (the core initialised now)\n');
    expect([off.status, off.stdout]).toEqual([used.status, used.stdout]);
    expect(used.stdout).toMatch(/MC101/);
  });

  it('loads another bundle only when a command needs it, each compiled from the code cache it carries', () => {
    const run = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(exe, args, { cwd: tmp.path, env: { ...noNodeEnv, MCHARD_DEBUG: '1', ...env }, encoding: 'utf8', timeout: 30_000 });
    expect(run(['lint', 'docker-compose.yml']).stderr).toBe('mchard: start-up snapshot: used\nmchard: code cache (compose.js): used\nmchard: code cache (dialects.js): used\n');
    // fix holds every dialect's editor: it loads the other bundles too, each from its cache.
    const fix = run(['fix', '--dry-run', '--no-host-checks', 'insecure-debian.conf']).stderr.split('\n').filter(Boolean);
    expect(fix).toContain('mchard: code cache (fix.js): used');
    expect(fix.filter((l) => !l.endsWith(': used'))).toEqual([]);
    // Without the caches and the snapshot's state: the same output.
    const cached = run(['fix', '--dry-run', '--no-host-checks', 'docker-compose.yml']);
    const off = run(['fix', '--dry-run', '--no-host-checks', 'docker-compose.yml'], { MCHARD_CODE_CACHE: 'off' });
    expect(off.stderr.split('\n').filter(Boolean).every((l) => l.endsWith(': off') || l.endsWith(': off (the core initialised now)'))).toBe(true);
    expect([off.status, off.stdout]).toEqual([cached.status, cached.stdout]);
  });

  it.each([
    ['lint (text)', ['lint', 'insecure-debian.conf']],
    ['lint (json)', ['lint', '--format', 'json', 'insecure-debian.conf']],
    ['lint (sarif)', ['lint', '--format', 'sarif', 'memcached']],
    ['inspect', ['inspect', 'insecure-debian.conf']],
    ['lint (Compose: the YAML bundle)', ['lint', 'docker-compose.yml']],
    ['lint (a systemd unit: the other dialects\' bundle)', ['lint', 'memcached.service']],
    ['lint (sysconfig, json)', ['lint', '--format', 'json', 'memcached']],
    ['lint (OpenRC)', ['lint', 'memcached.confd']],
    ['lint (FreeBSD rc.conf, sarif)', ['lint', '--format', 'sarif', 'rc.conf']],
    ['lint (supervisord, json)', ['lint', '--format', 'json', 'supervisord.conf']],
    ['lint (Compose, sarif)', ['lint', '--format', 'sarif', 'docker-compose.yml']],
    ['lint (github)', ['lint', '--format', 'github', 'insecure-debian.conf', 'memcached']],
    ['lint of several files of several dialects', ['lint', 'insecure-debian.conf', 'memcached', 'memcached.service', 'docker-compose.yml', 'rc.conf']],
    ['inspect (json)', ['inspect', '--format', 'json', 'memcached.service']],
    ['fix --dry-run (the fix bundle)', ['fix', '--dry-run', '--no-host-checks', 'docker-compose.yml']],
    ['fix --dry-run of a Debian file', ['fix', '--dry-run', '--no-host-checks', 'insecure-debian.conf']],
    ['audit --help (the audit bundle)', ['audit', '--help']],
    ['rules', ['rules']],
    ['explain', ['explain', 'MC101']],
    ['an unknown command', ['lnt']],
    ['a bad option', ['lint', '--format', 'xml', 'insecure-debian.conf']],
    ['a bad argument (exit 2)', ['lint', '--max-file-size', 'lots', 'insecure-debian.conf']],
    ['a file that does not exist', ['lint', 'no-such.conf']],
    ['a folder named as a file', ['lint', '--dialect', 'debian', 'tools']],
    ['a file that is not UTF-8', ['lint', 'latin1.conf']],
    ['a file that is not UTF-8, beside a good one', ['lint', 'latin1.conf', 'insecure-debian.conf']],
  ])('%s: the same output and exit status as the npm package', (_name, args) => {
    const r = sea(args);
    expect(r).toEqual(npmBin(args));
    expect(r.out + r.err).not.toBe('');
  });

  // The executable's snapshot was taken on the build machine; test/helpers/sea.ts builds it in a folder of
  // its own with an environment these runs never have (BUILD_ENV). What the run's environment decides
  // must be the run's.
  it("follows the run's environment for colours, debugging and the code cache, not the build's", () => {
    expect(BUILD_ENV).toMatchObject({ FORCE_COLOR: '1', MCHARD_DEBUG: '1', MCHARD_CODE_CACHE: 'off' });
    const plain = sea(['lint', 'insecure-debian.conf']);
    expect(plain.out).not.toContain('\x1b[');
    expect(plain.err).toBe('');
    const args = ['lint', 'insecure-debian.conf', 'memcached'];
    const envs: Record<string, string>[] = [{}, { FORCE_COLOR: '1' }, { FORCE_COLOR: '1', NO_COLOR: '1' }, { FORCE_COLOR: '0' }, { TERM: 'dumb' }, { TZ: 'UTC', LANG: 'C' }];
    for (const env of envs) {
      expect({ env, ...sea(args, '', { env }) }).toEqual({ env, ...npmBin(args, '', { env }) });
    }
    expect(sea(args, '', { env: { FORCE_COLOR: '1' } }).out).toContain('\x1b[31merror\x1b[39m');
    expect(sea(['lint', '--color', 'insecure-debian.conf'], '', { env: { NO_COLOR: '1' } })).toEqual(npmBin(['lint', '--color', 'insecure-debian.conf'], '', { env: { NO_COLOR: '1' } }));
  });

  it("holds nothing of the build's environment or folder (searched for in its bytes)", () => {
    const bytes = readFileSync(exe);
    for (const s of [BUILD_ENV.MCHARD_SEA_BUILD_MARK, '/opt/mchard-build-only/bin', BUILD_PLACE_PREFIX]) expect({ s, at: bytes.indexOf(s) }).toEqual({ s, at: -1 });
    // Nor any of the build's warm-up report (RegExp's legacy statics held its last line).
    for (const s of ['MC301  -p 11211', 'MC101  -l 0.0.0.0 listens']) expect({ s, at: bytes.indexOf(s) }).toEqual({ s, at: -1 });
  });

  it("works in the run's folder: relative names and SARIF's workingDirectory", () => {
    const sub = tmp.join('work', 'here');
    mkdirSync(sub, { recursive: true });
    copyFileSync(join(SAMPLES, 'insecure-debian.conf'), join(sub, 'memcached.conf'));
    for (const args of [['lint', '--format', 'sarif', 'memcached.conf'], ['lint', '--format', 'gitlab', 'memcached.conf'], ['lint', 'memcached.conf', '../../insecure-debian.conf']]) {
      const r = sea(args, '', { cwd: sub });
      expect(r).toEqual(npmBin(args, '', { cwd: sub }));
      expect(r.code).toBe(1);
    }
    const sarif = JSON.parse(sea(['lint', '--format', 'sarif', 'memcached.conf'], '', { cwd: sub }).out);
    expect(sarif.runs[0].invocations[0].workingDirectory.uri).toBe(`${pathToFileURL(sub).href}/`);
  });

  it("serves the language server's initialize as the npm package does", async () => {
    const frame = (m: object) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...m });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    /** initialize, initialized and shutdown; exit once shutdown is answered. */
    const session = (cmd: string, args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
        const child = spawn(cmd, [...args, 'lsp', '--stdio'], { cwd: tmp.path, env: noNodeEnv });
        let out = '';
        let err = '';
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString('utf8');
          if (out.includes('"id":2,') && child.stdin.writable) child.stdin.end(frame({ method: 'exit' }));
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, out, err });
        });
        child.stdin.write(
          frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }) +
            frame({ method: 'initialized', params: {} }) +
            frame({ id: 2, method: 'shutdown' }),
        );
      });
    const r = await session(exe, []);
    expect(r).toEqual(await session(process.execPath, [BIN]));
    expect(r.out).toContain('"serverInfo":{"name":"mchard"');
    expect(r.code).toBe(0);
  });

  it("refuses to build a core whose top level reads the host (the snapshot would keep the build machine's answer)", () => {
    const check = (source: string) => {
      const code = `import { checkCoreTopLevel } from ${JSON.stringify(join(ROOT, 'scripts', 'sea-top-level.mjs'))};
        import { readFileSync } from 'node:fs';
        process.stdout.write(JSON.stringify(checkCoreTopLevel(readFileSync(0, 'latin1'))));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { input: source, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      return JSON.parse(r.stdout) as string[];
    };
    // The core as the executable carries it (the npm package's bundle holds the same modules).
    expect(check(readFileSync(join(ROOT, 'dist', 'mchard.js'), 'latin1'))).toEqual([]);
    const core = readFileSync(join(ROOT, 'dist', 'mchard.js'), 'latin1');
    const doctored = [
      'var a = process.env.NO_COLOR;',
      'var b = process.cwd();',
      'var c = Date.now();',
      'var d = require("node:os").homedir();',
      'var e = require("node:fs").readFileSync("/etc/hostname");',
      'var f = Math.random();',
      'var g = new Intl.DateTimeFormat().resolvedOptions().timeZone;',
      'var h = new SharedArrayBuffer(4);',
      'var i = require("node:path").resolve("x");',
      'var j = process.stdout;',
    ];
    expect(check(doctored.join('\n') + core)).toEqual([
      'Date.now',
      'Intl.DateTimeFormat',
      'Math.random',
      'new SharedArrayBuffer()',
      'node:fs.readFileSync()',
      'node:os.homedir()',
      'node:path.resolve()',
      'process.cwd',
      'process.env',
      'process.stdout',
    ]);
    // The binary's own constants are no host facts: the executable is that binary.
    expect(check('var k = process.platform + process.arch + process.version;' + core)).toEqual([]);
  });

  const withMemcached = existsSync(MEMCACHED) && existsSync('/etc/memcached.conf') ? it : it.skip;
  withMemcached('asks the installed memcached its version for a system file (createRequire of child_process works inside)', () => {
    const installed = /memcached (\d+\.\d+\.\d+)/.exec(spawnSync(MEMCACHED, ['-V'], { encoding: 'utf8' }).stdout)![1];
    const r = sea(['inspect', '/etc/memcached.conf']);
    expect(r.out.split('\n')[0]).toBe(`/etc/memcached.conf (debian, memcached ${installed})`);
  });

  it('lints standard input', () => {
    const text = readFileSync(join(SAMPLES, 'insecure-debian.conf'), 'utf8');
    const r = sea(['lint', '--dialect', 'debian', '-'], text);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^-:12:1 {2}error {2}MC101 /m);
  });

  it('reads a non-blocking standard input whose lines come late (it waits, as the npm package does)', () => {
    // Python hands mchard the read end of a pipe set O_NONBLOCK and writes the file in two parts, late:
    // mchard's reads meet EAGAIN and wait (src/input.ts; the wait's shared buffer is made then, not in the snapshot).
    const feeder = `
import os, subprocess, sys, time
text = open(sys.argv[1], 'rb').read()
r, w = os.pipe()
os.set_blocking(r, False)
p = subprocess.Popen(sys.argv[2:], stdin=r, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.close(r)
time.sleep(0.3)
os.write(w, text[:40])
time.sleep(0.2)
os.write(w, text[40:])
os.close(w)
out, err = p.communicate()
sys.stdout.write(out.decode())
sys.stderr.write(err.decode())
sys.exit(p.returncode)
`;
    const run = (cmd: string[]) => {
      const r = spawnSync('/usr/bin/python3', ['-c', feeder, join(SAMPLES, 'insecure-debian.conf'), ...cmd, 'lint', '--dialect', 'debian', '-'], { cwd: tmp.path, env: noNodeEnv, encoding: 'utf8', timeout: 30_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const r = run([exe]);
    expect(r).toEqual(run([process.execPath, BIN]));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^-:12:1 {2}error {2}MC101 /m);
  });

  it('ends a finished lint or inspect at once, but not before a full pipe has taken all of its output', () => {
    // The executable ends a finished lint or inspect with process.exit (the heap is not freed piece by
    // piece) only when nothing is pending: here the output meets a full non-blocking pipe (EAGAIN), the
    // rest goes through Node.js's stream, and every byte must still arrive, as from the npm package.
    const many = tmp.join('many');
    mkdirSync(many);
    for (let i = 0; i < 20; i++) copyFileSync(join(SAMPLES, 'insecure-debian.conf'), join(many, `memcached_${i}.conf`));
    for (const args of [['lint', many], ['inspect', join(many, 'memcached_0.conf'), join(many, 'memcached_1.conf')]]) {
      const r = throughFullPipe([exe, ...args], { prefill: 100 });
      const npm = throughFullPipe([process.execPath, BIN, ...args], { prefill: 100 });
      expect({ args, ...r }).toEqual({ args, ...npm });
      expect(r).toMatchObject({ full: true, runningWhenFull: true, err: '' });
    }
  });

  it('fix --yes rewrites a file and keeps a backup (the diff and fix modules are inside the executable)', () => {
    tmp.write('memcached_fixme.conf', readFileSync(join(SAMPLES, 'insecure-debian.conf')));
    const r = sea(['fix', '--yes', '--unsafe-fixes', '--no-host-checks', 'memcached_fixme.conf']);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^\+-l 127\.0\.0\.1$/m);
    const backup = /^wrote memcached_fixme\.conf\b.*; backup in (\S*memcached_fixme\.conf\.mchard-backup-\d{8}T\d{6}Z)$/m.exec(r.out)?.[1];
    expect(backup).toBeDefined();
    expect(readFileSync(backup!, 'utf8')).toBe(readFileSync(join(SAMPLES, 'insecure-debian.conf'), 'utf8'));
    expect(sea(['lint', '--quiet', 'memcached_fixme.conf'])).toMatchObject({ code: 0 });
  });
});
