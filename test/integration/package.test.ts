/**
 * The npm package, for real: this working tree is copied the way a git checkout has it (the files git
 * tracks or would track, so no dist/), `npm pack` builds it through `prepare`, the tarball is installed
 * into an empty prefix with `npm install --global --prefix`, and the installed `mchard` runs from
 * outside the checkout. The dependencies come from a registry on 127.0.0.1 (test/helpers/npm-registry.ts)
 * that serves what package-lock.json locks, so the test needs no internet. Needs git and npm.
 */
import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, SAMPLES, TempDir } from '../cli/helpers.js';
import { startRegistry, type Registry } from '../helpers/npm-registry.js';

const missing = ['git', 'npm'].filter((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status !== 0);
if (missing.length) console.warn(`skipping the npm package test: ${missing.join(' and ')} not installed`);
const d = missing.length ? describe.skip : describe;

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
let tmp: TempDir;
let registry: Registry;
let prefix = '';
let tarball = '';
let packed: { filename: string; size: number; files: { path: string }[] };

/** A clean environment: no npm_* variables from a surrounding `npm test`, node on the PATH. */
function env(extraPath: string[] = []): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_OPTIONS') e[k] = v;
  e.PATH = [...extraPath, dirname(process.execPath), process.env.PATH].join(':');
  return e;
}

function sh(cmd: string, args: string[], cwd: string, extraPath: string[] = []): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: env(extraPath), encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 2 ** 20 });
  if (r.error) throw r.error;
  return r;
}

/** Runs a command without blocking this process, which serves the registry the command talks to. */
function shAsync(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: env(), encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args[0]} failed (${error.code ?? error.signal}):\n${stderr}\n${stdout}`));
      else resolve(stdout);
    });
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** The working tree as a fresh clone would have it, with this checkout's node_modules for `prepare`. */
function copyCheckout(to: string): void {
  const files = ok(sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT), 'git ls-files').split('\0');
  for (const f of files) {
    if (!f || !existsSync(join(ROOT, f)) || lstatSync(join(ROOT, f)).isDirectory()) continue;
    mkdirSync(dirname(join(to, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(to, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'));
}

function mchard(args: string[]) {
  const r = sh('mchard', args, tmp.path, [join(prefix, 'bin')]);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

d('npm pack, then npm install of the tarball into an empty prefix', () => {
  beforeAll(async () => {
    tmp = new TempDir('mchard-package-');
    const checkout = tmp.join('checkout');
    copyCheckout(checkout);
    expect(existsSync(join(checkout, 'dist'))).toBe(false);
    // .npmrc (foreground-scripts=false) keeps the prepare output off stdout, so --json stays parseable.
    const out = ok(sh('npm', ['pack', '--json', '--pack-destination', tmp.path], checkout), 'npm pack');
    [packed] = JSON.parse(out);
    tarball = tmp.join(packed.filename);

    registry = await startRegistry(ROOT);
    prefix = tmp.join('prefix');
    mkdirSync(prefix);
    // No user or global npmrc: this machine's registry settings or credentials must play no part.
    const userrc = tmp.write('user-npmrc', '');
    const globalrc = tmp.write('global-npmrc', '');
    await shAsync('npm', ['install', '--global', '--prefix', prefix, '--registry', `${registry.url}/`, '--cache', tmp.join('npm-cache'),
      '--userconfig', userrc, '--globalconfig', globalrc, '--no-audit', '--no-fund', '--no-update-notifier', tarball], tmp.path);
    writeFileSync(tmp.join('insecure-debian.conf'), readFileSync(join(SAMPLES, 'insecure-debian.conf')));
    writeFileSync(tmp.join('debian-default.conf'), readFileSync(join(SAMPLES, 'debian-default.conf')));
  }, 600_000);

  afterAll(async () => {
    await registry?.close();
    tmp?.cleanup();
  });

  it('the tarball holds the executable, the bundle and the README, and no sources or tests', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['bin/mchard.js', 'dist/mchard.js', 'README.md', 'package.json']));
    expect(paths.filter((p) => !/^(bin|dist)\/|^(README\.md|package\.json)$/.test(p))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts'))).toEqual([]);
    console.log(`npm pack: ${packed.filename}, ${(packed.size / 1024).toFixed(0)} KiB, ${paths.length} files`);
  });

  it('installs as a command linked into PREFIX/bin, with its engines and version', () => {
    const link = join(prefix, 'bin', 'mchard');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(realpathSync(link)).toBe(join(realpathSync(prefix), 'lib', 'node_modules', 'mchard', 'bin', 'mchard.js'));
    const installed = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'mchard', 'package.json'), 'utf8'));
    expect(installed.engines).toEqual({ node: '>=20.5.0' });
    expect(installed.version).toBe(pkg.version);
    // Every dependency came from the loopback registry.
    expect(registry.requests).toEqual(expect.arrayContaining(['/yaml', '/ini']));
  });

  it('mchard lint finds the errors in an insecure file (exit 1) and none in the Debian default (exit 0)', () => {
    const bad = mchard(['lint', 'insecure-debian.conf']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^insecure-debian\.conf:12:1 {2}error {2}MC101 /m);
    expect(bad.out).toMatch(/^4 errors, 1 warning, 6 infos in 1 file$/m);
    const good = mchard(['lint', 'debian-default.conf']);
    expect(good).toMatchObject({ code: 0, err: '' });
  });

  it('mchard inspect shows what memcached would do', () => {
    const r = mchard(['inspect', 'insecure-debian.conf']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}listens {3}TCP 0\.0\.0\.0:11211 \(every interface\)$/m);
    expect(r.out).toMatch(/^ {2}user {6}root$/m);
  });

  it('--version and --help print to stdout and exit 0', () => {
    expect(mchard(['--version'])).toEqual({ code: 0, out: `mchard ${pkg.version}\n`, err: '' });
    expect(mchard(['-V'])).toEqual({ code: 0, out: `mchard ${pkg.version}\n`, err: '' });
    const help = mchard(['--help']);
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toMatch(/^Usage: mchard COMMAND/);
    expect(mchard(['-h']).out).toBe(help.out);
    expect(mchard(['help']).out).toBe(help.out);
  });

  it('mchard help COMMAND and mchard COMMAND --help print that command\'s help', () => {
    for (const cmd of ['lint', 'inspect', 'fix', 'audit', 'rules', 'explain']) {
      const a = mchard(['help', cmd]);
      expect(a).toMatchObject({ code: 0, err: '' });
      expect(a.out).toMatch(new RegExp(`^Usage: mchard ${cmd}\\b`));
      expect(mchard([cmd, '--help'])).toEqual(a);
    }
  });

  it('an unknown command is one line on stderr and exit 2', () => {
    const r = mchard(['lnt']);
    expect(r).toEqual({ code: 2, out: '', err: 'mchard: unknown command "lnt" (try mchard --help)\n' });
  });
});
