/**
 * The single executable (`npm run build:sea`, Node.js single executable applications + postject), run
 * the way a server without Node.js runs it: a copy in an empty folder, an environment with only a PATH
 * that holds no `node`. It must behave exactly like the npm package's `mchard` (bin/mchard.js).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ensureBuilt, ROOT, SAMPLES, TempDir } from '../cli/helpers.js';
import { ensureSea, SEA } from '../helpers/sea.js';

const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
if (!linuxX64) console.warn(`skipping the single-executable test: it is built for Linux x86-64 (this is ${process.platform}-${process.arch})`);
const d = linuxX64 ? describe : describe.skip;

const MEMCACHED = '/usr/bin/memcached';
let tmp: TempDir;
let exe = '';
let noNodeEnv: NodeJS.ProcessEnv;
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

function sea(args: string[], input = '') {
  const r = spawnSync(exe, args, { cwd: tmp.path, env: noNodeEnv, input, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The npm package's executable, under the real node, for comparison. */
function npmBin(args: string[], input = '') {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.path, env: noNodeEnv, input, encoding: 'utf8', timeout: 30_000 });
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

  it("compiles its bundle from the warm code cache it carries (V8 takes it), and without it gives the same output", () => {
    const run = (env: Record<string, string>) => spawnSync(exe, ['lint', 'insecure-debian.conf'], { cwd: tmp.path, env: { ...noNodeEnv, ...env }, encoding: 'utf8', timeout: 30_000 });
    const used = run({ MCHARD_DEBUG: '1' });
    expect(used.stderr).toBe('mchard: code cache: used\n');
    const off = run({ MCHARD_DEBUG: '1', MCHARD_CODE_CACHE: 'off' });
    expect(off.stderr).toBe('mchard: code cache: off\n');
    expect([off.status, off.stdout]).toEqual([used.status, used.stdout]);
  });

  it('loads another bundle only when a command needs it, each compiled from the code cache it carries', () => {
    const run = (args: string[]) => spawnSync(exe, args, { cwd: tmp.path, env: { ...noNodeEnv, MCHARD_DEBUG: '1' }, encoding: 'utf8', timeout: 30_000 }).stderr;
    expect(run(['lint', 'docker-compose.yml'])).toBe('mchard: code cache: used\nmchard: code cache (compose.js): used\nmchard: code cache (dialects.js): used\n');
    // fix holds every dialect's editor: it loads the other bundles too, each from its cache.
    const fix = run(['fix', '--dry-run', '--no-host-checks', 'insecure-debian.conf']).split('\n').filter(Boolean);
    expect(fix).toContain('mchard: code cache (fix.js): used');
    expect(fix.filter((l) => !l.endsWith(': used'))).toEqual([]);
  });

  it.each([
    ['lint (text)', ['lint', 'insecure-debian.conf']],
    ['lint (json)', ['lint', '--format', 'json', 'insecure-debian.conf']],
    ['lint (sarif)', ['lint', '--format', 'sarif', 'memcached']],
    ['inspect', ['inspect', 'insecure-debian.conf']],
    ['lint (Compose: the YAML bundle)', ['lint', 'docker-compose.yml']],
    ['lint (a systemd unit: the other dialects\' bundle)', ['lint', 'memcached.service']],
    ['fix --dry-run (the fix bundle)', ['fix', '--dry-run', '--no-host-checks', 'docker-compose.yml']],
    ['rules', ['rules']],
    ['explain', ['explain', 'MC101']],
    ['an unknown command', ['lnt']],
    ['a bad option', ['lint', '--format', 'xml', 'insecure-debian.conf']],
  ])('%s: the same output and exit status as the npm package', (_name, args) => {
    const r = sea(args);
    expect(r).toEqual(npmBin(args));
    expect(r.out + r.err).not.toBe('');
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
