/**
 * The npm package, for real: this working tree is copied the way a git checkout has it (the files git
 * tracks or would track, so no dist/), `npm pack` builds it through `prepare`, the tarball is installed
 * into an empty prefix with `npm install --global --prefix`, and the installed `mchard` runs from
 * outside the checkout. npm is pointed at a registry on 127.0.0.1 (test/helpers/npm-registry.ts) that
 * serves only what package-lock.json locks for run time: the bundle in dist/ holds every library mchard
 * uses, so the package has no runtime dependency, the install asks that registry for nothing, and
 * nothing but mchard lands under the prefix's node_modules. Needs git and npm, no internet.
 */
import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { builtinModules } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ROOT, SAMPLES, TempDir } from '../cli/helpers.js';
import { startRegistry, type Registry } from '../helpers/npm-registry.js';
import { LspSession } from '../lsp/client.js';
import { copyCheckout } from '../helpers/checkout.js';

const missing = ['git', 'npm'].filter((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status !== 0);
if (missing.length) console.warn(`skipping the npm package test: ${missing.join(' and ')} not installed`);
const d = missing.length ? describe.skip : describe;

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
let tmp: TempDir;
let registry: Registry;
let prefix = '';
let tarball = '';
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
let installMs = 0;

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
function checkoutWithModules(to: string): void {
  copyCheckout(to);
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
    checkoutWithModules(checkout);
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
    const started = Date.now();
    await shAsync('npm', ['install', '--global', '--prefix', prefix, '--registry', `${registry.url}/`, '--cache', tmp.join('npm-cache'),
      '--userconfig', userrc, '--globalconfig', globalrc, '--no-audit', '--no-fund', '--no-update-notifier', tarball], tmp.path);
    installMs = Date.now() - started;
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
    // The start-up snapshot is one node binary's: the install makes it, the tarball never carries it.
    expect(paths.filter((p) => p.includes('snapshot'))).toEqual(['bin/snapshot.js']);
    console.log(`npm pack: ${packed.filename}, ${(packed.size / 1024).toFixed(0)} KiB, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${paths.length} files`);
  });

  it('declares no runtime dependency: the bundle holds every library, so the install adds no package', () => {
    const installed = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'mchard', 'package.json'), 'utf8'));
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) {
      expect([field, installed[field] ?? null]).toEqual([field, null]);
    }
    // npm asked the registry for nothing: no package came from anywhere.
    expect(registry.requests).toEqual([]);
    // Nothing but mchard under the prefix's node_modules, and nothing under mchard's own.
    expect(readdirSync(join(prefix, 'lib', 'node_modules'))).toEqual(['mchard']);
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'mchard', 'node_modules'))).toBe(false);
    const size = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? size(join(dir, e.name)) : lstatSync(join(dir, e.name)).size), 0);
    console.log(`npm install --global of the tarball: ${installMs} ms, ${(size(join(prefix, 'lib', 'node_modules')) / 1024).toFixed(0)} KiB under PREFIX/lib/node_modules`);
  });

  it('the bundle requires nothing but Node.js\'s own modules', () => {
    const dist = join(prefix, 'lib', 'node_modules', 'mchard', 'dist');
    const required = new Set<string>();
    for (const f of readdirSync(dist).filter((n) => n.endsWith('.js'))) {
      // Code lines only: the bundled libraries' doc comments show require('enquirer') as usage.
      const code = readFileSync(join(dist, f), 'utf8').split('\n').filter((l) => !/^\s*(\*|\/\/)/.test(l)).join('\n');
      for (const m of code.matchAll(/\brequire\((["'])([^"']+)\1\)/g)) required.add(m[2]);
    }
    // The groups require each other (./fix.js); everything else must be one of Node.js's modules.
    const outside = [...required].filter((m) => !m.startsWith('./') && !m.startsWith('node:') && !builtinModules.includes(m));
    expect(outside).toEqual([]);
    expect(required.size).toBeGreaterThan(5);
  });

  it('installs as a command linked into PREFIX/bin, with its engines and version', () => {
    const link = join(prefix, 'bin', 'mchard');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(realpathSync(link)).toBe(join(realpathSync(prefix), 'lib', 'node_modules', 'mchard', 'bin', 'mchard.js'));
    const installed = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'mchard', 'package.json'), 'utf8'));
    expect(installed.engines).toEqual({ node: '>=20.5.0' });
    expect(installed.version).toBe(pkg.version);
  });

  it("npm's postinstall made the start-up snapshot for this node, and the linked command starts from it", () => {
    const dist = join(prefix, 'lib', 'node_modules', 'mchard', 'dist');
    expect(existsSync(join(dist, 'mchard.snapshot'))).toBe(true);
    expect(realpathSync(join(dist, 'mchard.snapshot.node'))).toBe(realpathSync(process.execPath));
    const r = spawnSync(join(prefix, 'bin', 'mchard'), ['lint', 'insecure-debian.conf'], { cwd: tmp.path, env: { ...env(), MCHARD_DEBUG: '1' }, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([1, 'mchard: start-up snapshot: used\n']);
    expect(r.stdout).toBe(mchard(['lint', 'insecure-debian.conf']).out);
  });

  it('mchard lint finds the errors in an insecure file (exit 1) and none in the Debian default (exit 0)', () => {
    const bad = mchard(['lint', 'insecure-debian.conf']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^insecure-debian\.conf:12:1 {2}error {2}MC101 /m);
    expect(bad.out).toMatch(/^4 errors, 1 warning, 6 infos in 1 file$/m);
    const good = mchard(['lint', 'debian-default.conf']);
    expect(good).toMatchObject({ code: 0, err: '' });
  });

  it('mchard fix --dry-run shows the diff and writes nothing; audit --help works', () => {
    const before = readFileSync(tmp.join('insecure-debian.conf'));
    const r = mchard(['fix', '--dry-run', '--no-doc-links', 'insecure-debian.conf']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('+-l 127.0.0.1');
    expect(r.out).toContain('dry run: nothing was written');
    expect(readFileSync(tmp.join('insecure-debian.conf'))).toEqual(before);
    const audit = mchard(['audit', '--help']);
    expect(audit).toMatchObject({ code: 0, err: '' });
    expect(audit.out).toMatch(/^Usage: mchard audit\b/);
  });

  it('mchard lsp --stdio serves a real LSP client: diagnostics for an open document', async () => {
    const lsp = LspSession.start({ bin: join(prefix, 'bin', 'mchard'), cwd: tmp.path });
    try {
      const init = await lsp.initialize();
      expect(init.serverInfo?.name).toBe('mchard');
      const uri = pathToFileURL(tmp.join('insecure-debian.conf')).href;
      await lsp.open(uri, readFileSync(tmp.join('insecure-debian.conf'), 'utf8'));
      const d = await lsp.diagnostics(uri, (p) => p.diagnostics.length > 0);
      expect(d.diagnostics.map((x) => x.code)).toContain('MC101');
    } finally {
      const end = await lsp.shutdown();
      expect(end.code).toBe(0);
    }
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

  it("a tarball packed under another Node.js: npm's postinstall makes the code caches again for this one", async () => {
    // The same tarball, with the first line of each cache naming another Node.js (as one packed elsewhere has).
    const unpacked = tmp.join('other-node');
    mkdirSync(unpacked);
    ok(sh('tar', ['-xzf', tarball, '-C', unpacked], tmp.path), 'tar -x');
    const dist = join(unpacked, 'package', 'dist');
    const caches = readdirSync(dist).filter((f) => f.endsWith('.cache'));
    expect(caches.length).toBeGreaterThan(3);
    for (const f of caches) writeFileSync(join(dist, f), Buffer.from(readFileSync(join(dist, f)).toString('latin1').replace(/^(mchard code cache: build \w+, node )v[\d.]+/, '$1v20.0.0'), 'latin1'));
    const other = tmp.join('mchard-other-node.tgz');
    ok(sh('tar', ['-czf', other, '-C', unpacked, 'package'], tmp.path), 'tar -c');
    const prefix2 = tmp.join('prefix-other');
    mkdirSync(prefix2);
    await shAsync('npm', ['install', '--global', '--prefix', prefix2, '--registry', `${registry.url}/`, '--cache', tmp.join('npm-cache'),
      '--userconfig', tmp.join('user-npmrc'), '--globalconfig', tmp.join('global-npmrc'), '--no-audit', '--no-fund', '--no-update-notifier', other], tmp.path);
    const installed = join(prefix2, 'lib', 'node_modules', 'mchard');
    for (const f of caches) expect(readFileSync(join(installed, 'dist', f), 'latin1').split('\n')[0]).toMatch(new RegExp(` node ${process.version.replace(/\./g, '\\.')} `));
    // The first run takes the core's cache beside the bundle and writes none into the user's folder.
    const xdg = tmp.join('other-node-xdg');
    const r = spawnSync(join(prefix2, 'bin', 'mchard'), ['lint', 'insecure-debian.conf'], { cwd: tmp.path, env: { ...env([dirname(process.execPath)]), XDG_CACHE_HOME: xdg, MCHARD_DEBUG: '1' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    // (The core itself comes from the start-up snapshot the same install made.)
    expect(r.stderr).toBe('mchard: start-up snapshot: used\n');
    expect(existsSync(join(xdg, 'mchard'))).toBe(false);
  }, 300_000);

  it('an unknown command is one line on stderr and exit 2', () => {
    const r = mchard(['lnt']);
    expect(r).toEqual({ code: 2, out: '', err: 'mchard: unknown command "lnt" (did you mean lint?)\n' });
  });
});
