/**
 * The code cache for the Node.js that runs mchard (bin/mchard.js): on a copy of the built package
 * without the build's own cache (as a registry install for another Node.js sees it), the first lint
 * writes one into the user's cache folder, later runs use it, and a cache that is corrupt, not the
 * user's, writable by others, a symbolic link, or in a folder that cannot be written never changes
 * what mchard prints or its exit status, and never prints anything (MCHARD_DEBUG=1 says what happened).
 * Which cache V8 compiled from is asked of loadCore itself (`from`: 'beside', 'user' or null).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, cpSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureBuilt, ROOT, TempDir } from './helpers.js';

let tmp: TempDir;
let bin: string;
let conf: string;
let expected: { status: number | null; stdout: string };
let buildId: string;
/** What the install says when it makes the start-up snapshot (bin/snapshot.js; Linux only). */
const SNAPSHOT_WRITTEN = process.platform === 'linux' ? `mchard: start-up snapshot at install: wrote it for node ${process.version}\n` : '';
const NAME = () => `core-${buildId}-node-${process.version}-${process.arch}.cache`;

/** The environment of a run: only what is given, plus PATH (no HOME or XDG_CACHE_HOME unless given). */
function envOf(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, NO_COLOR: '1', ...extra };
}

function lint(extra: Record<string, string>, prefix: string[] = []) {
  const cmd = [...prefix, process.execPath, bin, 'lint', conf];
  const r = spawnSync(cmd[0], cmd.slice(1), { env: envOf(extra), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Where loadCore took its code cache from, in a process with this environment. */
function probe(extra: Record<string, string>): { from: string | null; rejected: boolean | undefined; wants: boolean } {
  const code = `const c = require(${JSON.stringify(bin)}).loadCore(); process.stdout.write(JSON.stringify({ from: c.from, rejected: c.script.cachedDataRejected, wants: c.wantsUserCache }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { env: envOf(extra), encoding: 'utf8' }));
}

/** A fresh cache folder, with the cache made by one lint run. */
function primed(name: string): { xdg: string; file: string } {
  const xdg = tmp.join(name);
  mkdirSync(xdg, { recursive: true });
  expect(lint({ XDG_CACHE_HOME: xdg })).toEqual({ ...expected, stderr: '' });
  const file = join(xdg, 'mchard', NAME());
  expect(existsSync(file)).toBe(true);
  return { xdg, file };
}

beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-code-cache-');
  // The package as a registry install for another Node.js sees it: bin/ and dist/, no cache beside the bundle.
  cpSync(join(ROOT, 'bin'), tmp.join('pkg', 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), tmp.join('pkg', 'dist'), { recursive: true, filter: (src) => !src.endsWith('.cache') });
  bin = tmp.join('pkg', 'bin', 'mchard.js');
  buildId = /^\/\/ mchard \S+ build (\w+)/.exec(readFileSync(tmp.join('pkg', 'dist', 'mchard.js'), 'latin1'))![1];
  conf = tmp.write('etc/memcached.conf', '-u root\n-l 0.0.0.0\n-m 64\n');
  const off = spawnSync(process.execPath, [bin, 'lint', conf], { env: envOf({ MCHARD_CODE_CACHE: 'off' }), encoding: 'utf8' });
  expected = { status: off.status, stdout: off.stdout };
  expect(expected.status).toBe(1);
  expect(expected.stdout).toContain('MC101');
}, 180_000);
afterAll(() => tmp?.cleanup());

describe('the build id', () => {
  it('is a hash of the built files: the same sources build the same id', () => {
    expect(buildId).toMatch(/^[0-9a-f]{16}$/);
    const again = tmp.join('rebuilt');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', again, '--no-code-cache'], { cwd: ROOT, stdio: 'pipe' });
    expect(readFileSync(join(again, 'mchard.js'), 'latin1').split('\n')[0]).toBe(readFileSync(join(ROOT, 'dist', 'mchard.js'), 'latin1').split('\n')[0]);
  }, 120_000);
});

describe('how the loader reads a bundle and its cache', () => {
  const loader = () =>
    createRequire(import.meta.url)(bin) as {
      wrappedSource(file: string): string;
      readCacheFile(fd: number, size: number, headerLength: number, spare?: Buffer): Buffer;
      WRAP_BEFORE: string;
      WRAP_AFTER: string;
    };

  it('each bundle is compiled from exactly the text the wrapper and the file make (one string, not a concatenation)', () => {
    const { wrappedSource, WRAP_BEFORE, WRAP_AFTER } = loader();
    expect(WRAP_BEFORE).toBe('(function (exports, require, module, __filename, __dirname) {');
    expect(WRAP_AFTER).toBe('\n})');
    const bundles = readdirSync(tmp.join('pkg', 'dist')).filter((f) => f.endsWith('.js'));
    expect(bundles).toContain('mchard.js');
    for (const f of bundles) {
      const file = tmp.join('pkg', 'dist', f);
      expect(wrappedSource(file) === `${WRAP_BEFORE}${readFileSync(file, 'latin1')}${WRAP_AFTER}`).toBe(true);
    }
    // Every byte value, and files of the sizes around a buffer pool's (latin1: one character per byte).
    for (const size of [0, 1, 255, 256, 4095, 4096, 4097, 100_000]) {
      const bytes = Buffer.alloc(size);
      for (let k = 0; k < size; k++) bytes[k] = (k * 131 + 7) & 0xff;
      const file = tmp.write(`wrapped-${size}.js`, bytes);
      expect(wrappedSource(file) === `${WRAP_BEFORE}${bytes.toString('latin1')}${WRAP_AFTER}`).toBe(true);
    }
  });

  it("a cache file is read whole, with V8's data (after the first line) at a multiple of 8 bytes in memory", () => {
    const { readCacheFile } = loader();
    for (const size of [0, 3, 64, 4095, 4096, 70_001, 600_000]) {
      const bytes = Buffer.alloc(size);
      for (let k = 0; k < size; k++) bytes[k] = (k * 31 + 1) & 0xff;
      const file = tmp.write(`cache-${size}.bin`, bytes);
      for (let headerLength = 0; headerLength < 17; headerLength++) {
        // Into a buffer of its own, into a spare one large enough (the bundle's, read before), not into one too small.
        for (const spare of [undefined, Buffer.alloc(size + 7 + headerLength, 0x55), Buffer.alloc(size + 6, 0x55)]) {
          const fd = openSync(file, 'r');
          try {
            const data = readCacheFile(fd, size, headerLength, spare);
            expect(data.equals(bytes)).toBe(true);
            expect((data.byteOffset + headerLength) % 8).toBe(0);
            expect(data.buffer === spare?.buffer).toBe(spare !== undefined && spare.length >= size + 7);
          } finally {
            closeSync(fd);
          }
        }
      }
    }
  });
});

describe('the code cache in the user folder', () => {
  it('control: the built package uses the cache beside its bundle, made for this Node.js', () => {
    const code = `const c = require(${JSON.stringify(join(ROOT, 'bin', 'mchard.js'))}).loadCore(); process.stdout.write(JSON.stringify({ from: c.from, rejected: c.script.cachedDataRejected }));`;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', code], { env: envOf({}), encoding: 'utf8' }))).toEqual({ from: 'beside', rejected: false });
  });

  it('the cache beside the bundle rejected by V8 (other V8 flags): a cache in the user folder is made, then used', () => {
    const withPkg = tmp.join('with-shipped');
    cpSync(join(ROOT, 'bin'), join(withPkg, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(withPkg, 'dist'), { recursive: true });
    const shippedBin = join(withPkg, 'bin', 'mchard.js');
    const xdg = tmp.join('flags');
    const flags = ['--max-old-space-size=300'];
    const where = () => {
      const code = `const c = require(${JSON.stringify(shippedBin)}).loadCore(); process.stdout.write(JSON.stringify({ from: c.from, rejected: c.script.cachedDataRejected }));`;
      return JSON.parse(execFileSync(process.execPath, [...flags, '-e', code], { env: envOf({ XDG_CACHE_HOME: xdg }), encoding: 'utf8' }));
    };
    expect(where()).toEqual({ from: null, rejected: true });
    const r = spawnSync(process.execPath, [...flags, shippedBin, 'lint', conf], { env: envOf({ XDG_CACHE_HOME: xdg }), encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ ...expected, stderr: '' });
    expect(where()).toEqual({ from: 'user', rejected: false });
  });

  it('is created by the first lint: private file in a private folder, the same output', () => {
    const xdg = tmp.join('created');
    expect(probe({ XDG_CACHE_HOME: xdg })).toEqual({ from: null, wants: true });
    const r = lint({ XDG_CACHE_HOME: xdg, MCHARD_DEBUG: '1' });
    expect(r.status).toBe(expected.status);
    expect(r.stdout).toBe(expected.stdout);
    const file = join(xdg, 'mchard', NAME());
    expect(r.stderr).toBe(`mchard: code cache: wrote ${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(xdg, 'mchard')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'latin1').split('\n')[0]).toBe(`mchard code cache: build ${buildId}, node ${process.version} ${process.arch}, checksum`);
    // No temporary file left behind.
    expect(readdirSync(join(xdg, 'mchard'))).toEqual([NAME()]);
  });

  it('falls back to HOME/.cache/mchard without XDG_CACHE_HOME', () => {
    const home = tmp.join('home');
    mkdirSync(home);
    expect(lint({ HOME: home })).toEqual({ ...expected, stderr: '' });
    expect(existsSync(join(home, '.cache', 'mchard', NAME()))).toBe(true);
    expect(probe({ HOME: home })).toEqual({ from: 'user', rejected: false, wants: false });
  });

  it('is reused, not written again', () => {
    const { xdg, file } = primed('reused');
    const before = statSync(file);
    expect(probe({ XDG_CACHE_HOME: xdg })).toEqual({ from: 'user', rejected: false, wants: false });
    const r = lint({ XDG_CACHE_HOME: xdg, MCHARD_DEBUG: '1' });
    expect(r).toEqual({ ...expected, stderr: '' });
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it.each([
    ['bytes flipped in the middle', (b: Buffer) => {
      const at = b.indexOf(10) + Math.floor((b.length - b.indexOf(10)) / 2);
      for (let k = 0; k < 16; k++) b[at + k] ^= 0xa5;
      return b;
    }],
    ['bytes flipped near the start of the data', (b: Buffer) => {
      const at = b.indexOf(10) + 1 + 40;
      for (let k = 0; k < 4; k++) b[at + k] ^= 0xff;
      return b;
    }],
    ['cut short', (b: Buffer) => b.subarray(0, Math.floor(b.length / 3))],
    ['the right first line, then garbage', (b: Buffer) => Buffer.concat([b.subarray(0, b.indexOf(10) + 1), Buffer.alloc(200_000, 0x41)])],
    ['empty', () => Buffer.alloc(0)],
  ])('corrupt (%s): rejected, the same output, nothing printed, written again', (_, spoil) => {
    const { xdg, file } = primed(`corrupt-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, spoil(readFileSync(file)));
    chmodSync(file, 0o600);
    expect(probe({ XDG_CACHE_HOME: xdg }).from).toBe(null);
    expect(lint({ XDG_CACHE_HOME: xdg })).toEqual({ ...expected, stderr: '' });
    expect(probe({ XDG_CACHE_HOME: xdg })).toEqual({ from: 'user', rejected: false, wants: false });
  });

  /** A cache folder holding FILE's bytes as spoiled, named as the core's cache (no lint run needed). */
  function spoiled(bytes: Buffer): string {
    const xdg = tmp.join(`spoiled-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(xdg, 'mchard'), { recursive: true, mode: 0o700 });
    chmodSync(join(xdg, 'mchard'), 0o700);
    writeFileSync(join(xdg, 'mchard', NAME()), bytes, { mode: 0o600 });
    return xdg;
  }

  /** V8's own header after mchard's line: magic, V8 version hash, source hash, flag hash, payload length, checksum (4 bytes each). */
  const V8_HEADER = { version: 4, source: 8, flags: 12, length: 16, checksum: 20 };

  it('one bit flipped anywhere in the compiled code: rejected (V8 verifies its checksum), the same output, nothing printed', () => {
    // V8 of Node.js 20 does not look at a cache's contents unless told to: without the checksum, such a
    // cache crashes the process ("abort: Invalid bytecode") or runs other code than the bundle's.
    const { file } = primed('one-bit');
    const good = readFileSync(file);
    const data = good.indexOf(10) + 1 + 24;
    const span = good.length - data;
    for (const fraction of [0.02, 0.15, 0.3, 0.45, 0.5, 0.62, 0.8, 0.97]) {
      const b = Buffer.from(good);
      const at = data + Math.floor(span * fraction);
      b[at] ^= 1 << (at % 8);
      const xdg = spoiled(b);
      expect({ at, ...probe({ XDG_CACHE_HOME: xdg }) }).toEqual({ at, from: null, rejected: true, wants: true });
      expect(lint({ XDG_CACHE_HOME: xdg })).toEqual({ ...expected, stderr: '' });
    }
  });

  it.each([
    ["another Node.js's (V8's version hash differs)", V8_HEADER.version],
    ['made under other V8 flags (flag hash differs)', V8_HEADER.flags],
    ["another bundle's (source hash differs)", V8_HEADER.source],
    ['claiming more data than the file holds', V8_HEADER.length],
  ])("a cache with this build's first line but %s: rejected by V8 itself, the same output", (_, field) => {
    const { file } = primed(`v8-header-${field}`);
    const b = readFileSync(file);
    const at = b.indexOf(10) + 1 + field;
    b.writeUInt32LE((b.readUInt32LE(at) + 0x10000) >>> 0, at);
    const xdg = spoiled(b);
    expect(probe({ XDG_CACHE_HOME: xdg })).toEqual({ from: null, rejected: true, wants: true });
    expect(lint({ XDG_CACHE_HOME: xdg })).toEqual({ ...expected, stderr: '' });
  });

  it("another bundle's real cache under the core's name, with the core's first line: rejected, the same output", () => {
    const xdg = tmp.join('other-bundle');
    const r = spawnSync(process.execPath, [bin, 'lint', '--format', 'sarif', conf], { env: envOf({ XDG_CACHE_HOME: xdg }), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const reports = readFileSync(join(xdg, 'mchard', `reports-${buildId}-node-${process.version}-${process.arch}.cache`));
    const core = readFileSync(join(xdg, 'mchard', NAME()));
    const other = spoiled(Buffer.concat([core.subarray(0, core.indexOf(10) + 1), reports.subarray(reports.indexOf(10) + 1)]));
    expect(probe({ XDG_CACHE_HOME: other })).toEqual({ from: null, rejected: true, wants: true });
    expect(lint({ XDG_CACHE_HOME: other })).toEqual({ ...expected, stderr: '' });
  });

  it('reading a cache loads neither node:v8 nor the stream stack (Node.js 20: the flag is set through the V8 binding), and warns of nothing', () => {
    const xdg = tmp.join('no-v8');
    const log = tmp.join('no-v8.modules');
    const hook = tmp.write('no-v8-hook.cjs', `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, process.moduleLoadList.join('\\n')));\n`);
    const cmd = (debug: boolean) =>
      spawnSync(process.execPath, ['--require', hook, bin, 'lint', conf], { env: envOf({ XDG_CACHE_HOME: xdg, ...(debug ? { MCHARD_DEBUG: '1' } : {}) }), encoding: 'utf8' });
    const first = cmd(false);
    expect({ status: first.status, stdout: first.stdout, stderr: first.stderr }).toEqual({ ...expected, stderr: '' });
    // The second run reads the first one's cache: MCHARD_DEBUG=1 would say if V8 rejected it or it were written again.
    const second = cmd(true);
    expect({ status: second.status, stdout: second.stdout, stderr: second.stderr }).toEqual({ ...expected, stderr: '' });
    const loaded = readFileSync(log, 'utf8').split('\n');
    const major = Number(process.versions.node.split('.')[0]);
    if (major === 20) {
      expect(loaded).toContain('Internal Binding v8');
      expect(loaded.filter((m) => m === 'NativeModule v8' || m === 'NativeModule stream' || m === 'NativeModule internal/streams/readable')).toEqual([]);
    }
    // process.noDeprecation is as it was (not set) after a cache was read.
    const plain = primed('no-deprecation-left').xdg;
    const code = `const c = require(${JSON.stringify(bin)}).loadCore(); process.stdout.write(JSON.stringify({ from: c.from, own: Object.prototype.hasOwnProperty.call(process, 'noDeprecation') }));`;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', code], { env: envOf({ XDG_CACHE_HOME: plain }), encoding: 'utf8' }))).toEqual({ from: 'user', own: false });
  });

  it.each([['--pending-deprecation'], ['--throw-deprecation'], ['--trace-deprecation'], ['--no-deprecation']])(
    'under NODE_OPTIONS=%s: the cache is written, then read; the same output, nothing printed',
    (option) => {
      const xdg = tmp.join(`deprecation${option}`);
      const env = { XDG_CACHE_HOME: xdg, NODE_OPTIONS: option };
      expect(lint(env)).toEqual({ ...expected, stderr: '' });
      expect(probe(env)).toEqual({ from: 'user', rejected: false, wants: false });
      expect(lint({ ...env, MCHARD_DEBUG: '1' })).toEqual({ ...expected, stderr: '' });
    },
  );

  it("under Node.js's permission model (which refuses process.binding): the checksum is still verified, through node:v8", () => {
    const xdg = tmp.join('permission');
    const flags = ['--experimental-permission', '--allow-fs-read=*', '--allow-fs-write=*'];
    const run = (extra: Record<string, string>) => {
      const r = spawnSync(process.execPath, [...flags, bin, 'lint', conf], { env: envOf({ XDG_CACHE_HOME: xdg, ...extra }), encoding: 'utf8' });
      // Node.js's own warning that the permission model is experimental names the process.
      return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^\(node:\d+\) /gm, '(node:PID) ') };
    };
    const off = run({ MCHARD_CODE_CACHE: 'off' });
    expect(off.status).toBe(expected.status);
    expect(off.stdout).toBe(expected.stdout);
    expect(run({})).toEqual(off);
    const where = () => {
      const code = `const c = require(${JSON.stringify(bin)}).loadCore(); process.stdout.write(JSON.stringify({ from: c.from, rejected: c.script.cachedDataRejected }));`;
      return JSON.parse(execFileSync(process.execPath, [...flags, '-e', code], { env: envOf({ XDG_CACHE_HOME: xdg }), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    };
    expect(where()).toEqual({ from: 'user', rejected: false });
    const file = join(xdg, 'mchard', readdirSync(join(xdg, 'mchard')).find((f) => f.startsWith('core-'))!);
    const b = readFileSync(file);
    const at = b.indexOf(10) + 1 + Math.floor((b.length - b.indexOf(10)) / 2);
    b[at] ^= 0x10;
    writeFileSync(file, b);
    expect(where()).toEqual({ from: null, rejected: true });
    expect(run({})).toEqual(off);
  });

  it('a cache of another build is not read', () => {
    const { xdg, file } = primed('other-build');
    const b = readFileSync(file);
    b.write('0000000000000000', b.indexOf('build ') + 6, 'latin1');
    writeFileSync(file, b);
    const r = probe({ XDG_CACHE_HOME: xdg });
    expect(r.from).toBe(null);
    expect(r.wants).toBe(true);
  });

  it('writable by others: not trusted (not read), replaced by a private one', () => {
    const { xdg, file } = primed('writable');
    chmodSync(file, 0o666);
    expect(probe({ XDG_CACHE_HOME: xdg })).toEqual({ from: null, wants: true });
    expect(lint({ XDG_CACHE_HOME: xdg })).toEqual({ ...expected, stderr: '' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(probe({ XDG_CACHE_HOME: xdg }).from).toBe('user');
  });

  it('group-writable, or in a folder others can write: not read', () => {
    const a = primed('group-writable');
    chmodSync(a.file, 0o620);
    expect(probe({ XDG_CACHE_HOME: a.xdg }).from).toBe(null);
    const b = primed('open-folder');
    chmodSync(join(b.xdg, 'mchard'), 0o777);
    expect(probe({ XDG_CACHE_HOME: b.xdg }).from).toBe(null);
    // Nor written there.
    rmSync(b.file);
    expect(lint({ XDG_CACHE_HOME: b.xdg })).toEqual({ ...expected, stderr: '' });
    expect(existsSync(b.file)).toBe(false);
  });

  it('a symbolic link in place of the cache is not followed', () => {
    const { xdg, file } = primed('symlink');
    const real = tmp.join('elsewhere.cache');
    writeFileSync(real, readFileSync(file));
    chmodSync(real, 0o600);
    rmSync(file);
    symlinkSync(real, file);
    expect(probe({ XDG_CACHE_HOME: xdg }).from).toBe(null);
    expect(lint({ XDG_CACHE_HOME: xdg })).toEqual({ ...expected, stderr: '' });
    // Replaced by a file of its own; the link's target untouched.
    expect(lstatSync(file).isFile()).toBe(true);
    expect(readFileSync(real).equals(readFileSync(file))).toBe(false);
  });

  const isRoot = process.getuid?.() === 0;
  (isRoot ? it : it.skip)("another user's file is not read (as root: a cache owned by nobody)", () => {
    const { xdg, file } = primed('foreign');
    chownSync(file, 65534, 65534);
    expect(probe({ XDG_CACHE_HOME: xdg }).from).toBe(null);
  });

  it('no usable folder: no home, a relative XDG_CACHE_HOME, a file in the way: no cache, no message, same output', () => {
    const blocker = tmp.write('not-a-folder', 'x');
    for (const env of <Record<string, string>[]>[{}, { XDG_CACHE_HOME: 'relative/cache' }, { XDG_CACHE_HOME: blocker }, { HOME: join(blocker, 'home') }]) {
      expect(lint(env)).toEqual({ ...expected, stderr: '' });
    }
    expect(readFileSync(blocker, 'utf8')).toBe('x');
  });

  (isRoot ? it : it.skip)("as root with another user's HOME: no folder of root's is made in it", () => {
    const home = tmp.join('users-home');
    mkdirSync(home);
    chownSync(home, 65534, 65534);
    expect(lint({ HOME: home })).toEqual({ ...expected, stderr: '' });
    expect(readdirSync(home)).toEqual([]);
  });

  (isRoot ? it : it.skip)("as root with another user's HOME whose .cache is that user's link to a folder of root's: nothing is made or written there", () => {
    // The folder at the end of the link is root's (as /etc is), so it passed the check that the folder the
    // cache folder is made in is the user's: root made TARGET/mchard and wrote its caches into it.
    const home = tmp.join('linked-home');
    const target = tmp.join('roots-folder');
    mkdirSync(home);
    mkdirSync(target);
    symlinkSync(target, join(home, '.cache'));
    execFileSync('chown', ['-h', '65534:65534', join(home, '.cache')]);
    chownSync(home, 65534, 65534);
    const r = lint({ HOME: home, MCHARD_DEBUG: '1' });
    expect({ status: r.status, stdout: r.stdout }).toEqual(expected);
    expect(readdirSync(target)).toEqual([]);
    expect(r.stderr).toMatch(/\.cache leads through a symbolic link of another user's: no cache written/);
  });

  const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
  (isRoot && hasSetpriv ? it : it.skip)('a home the user cannot write (as nobody, HOME=/): same output, nothing printed', () => {
    chmodSync(tmp.path, 0o755);
    for (const p of [tmp.join('pkg'), tmp.join('etc')]) execFileSync('chmod', ['-R', 'a+rX', p]);
    const r = lint({ HOME: '/' }, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
    expect(r).toEqual({ ...expected, stderr: '' });
    expect(existsSync('/.cache/mchard')).toBe(false);
  });

  it('a folder a cache cannot be kept in: no cache is made at all (V8 is not asked for one), a usable one gets it', () => {
    const made = (xdg: string) => {
      const code = [
        `const m = require(${JSON.stringify(bin)});`,
        'const core = m.loadCore();',
        'let calls = 0;',
        'for (const g of core.loader.loaded.values()) { const f = g.script.createCachedData.bind(g.script); g.script.createCachedData = () => (calls++, f()); }',
        'const wrote = m.saveUserCache(core);',
        'process.stdout.write(JSON.stringify({ calls, wrote }));',
      ].join('\n');
      return JSON.parse(execFileSync(process.execPath, ['-e', code], { env: envOf({ XDG_CACHE_HOME: xdg }), encoding: 'utf8' }));
    };
    const blocker = tmp.write('in-the-way', 'x');
    expect(made(join(blocker, 'cache'))).toEqual({ calls: 0, wrote: false });
    const foreign = tmp.join('foreign-cache');
    mkdirSync(join(foreign, 'mchard'), { recursive: true, mode: 0o700 });
    chmodSync(join(foreign, 'mchard'), 0o777); // writable by every user: not kept there
    expect(made(foreign)).toEqual({ calls: 0, wrote: false });
    expect(made(tmp.join('usable-cache'))).toEqual({ calls: 1, wrote: true });
  });

  it('MCHARD_CODE_CACHE=off reads and writes no cache', () => {
    const xdg = tmp.join('off');
    expect(probe({ XDG_CACHE_HOME: xdg, MCHARD_CODE_CACHE: 'off' })).toEqual({ from: null, wants: false });
    expect(lint({ XDG_CACHE_HOME: xdg, MCHARD_CODE_CACHE: 'off' })).toEqual({ ...expected, stderr: '' });
    expect(existsSync(join(xdg, 'mchard'))).toBe(false);
  });
});

describe('the code caches of the other bundles (Compose and YAML, the other dialects, fix)', () => {
  /** Runs mchard ARGS through the package's loader; which groups were compiled, and from which cache. */
  function groups(binFile: string, args: string[], extra: Record<string, string>): Record<string, { from: string | null; rejected: boolean | undefined }> {
    const code = [
      `const b = require(${JSON.stringify(binFile)});`,
      `const c = b.loadCore();`,
      `const quiet = { out() {}, err() {}, stdoutStream: {}, stdinIsTTY: false };`,
      `c.exports.main(JSON.parse(process.env.ARGS), quiet).then(() => {`,
      `  const out = {};`,
      `  for (const g of c.loader.loaded.values()) out[g.base] = { from: g.from, rejected: g.script.cachedDataRejected };`,
      `  process.stdout.write(JSON.stringify(out));`,
      `});`,
    ].join('\n');
    return JSON.parse(execFileSync(process.execPath, ['-e', code], { env: envOf({ ...extra, ARGS: JSON.stringify(args) }), encoding: 'utf8' }));
  }

  let compose: string;
  beforeAll(() => {
    compose = tmp.write('compose/docker-compose.yml', 'services:\n  cache:\n    image: memcached:1.6\n    command: memcached -u root -l 0.0.0.0\n    ports: ["11211:11211"]\n');
  });

  it('the build ships a cache for each group its warm-up runs, and V8 takes them', () => {
    const shipped = join(ROOT, 'bin', 'mchard.js');
    // Compose's reader uses the container images' model, which the other dialects' group holds.
    const beside = { from: 'beside', rejected: false };
    expect(groups(shipped, ['lint', compose], {})).toEqual({ core: beside, compose: beside, dialects: beside });
    expect(groups(shipped, ['fix', '--dry-run', compose], {})).toMatchObject({ core: { from: 'beside' }, compose: { from: 'beside' }, fix: { from: 'beside', rejected: false } });
  });

  it('without them (another Node.js): the first run writes one per group it loaded, the next takes them; same output', () => {
    const xdg = tmp.join('groups');
    const run = () => spawnSync(process.execPath, [bin, 'lint', compose], { env: envOf({ XDG_CACHE_HOME: xdg }), encoding: 'utf8' });
    const off = spawnSync(process.execPath, [bin, 'lint', compose], { env: envOf({ MCHARD_CODE_CACHE: 'off' }), encoding: 'utf8' });
    expect(off.status).toBe(1);
    const none = { from: null, rejected: undefined };
    expect(groups(bin, ['lint', compose], { XDG_CACHE_HOME: tmp.join('groups-probe') })).toEqual({ core: none, compose: none, dialects: none });
    const first = run();
    expect({ status: first.status, stdout: first.stdout, stderr: first.stderr }).toEqual({ status: off.status, stdout: off.stdout, stderr: '' });
    const named = (base: string) => `${base}-${buildId}-node-${process.version}-${process.arch}.cache`;
    expect(readdirSync(join(xdg, 'mchard')).sort()).toEqual([named('compose'), NAME(), named('dialects')]);
    const user = { from: 'user', rejected: false };
    expect(groups(bin, ['lint', compose], { XDG_CACHE_HOME: xdg })).toEqual({ core: user, compose: user, dialects: user });
    const second = run();
    expect({ status: second.status, stdout: second.stdout, stderr: second.stderr }).toEqual({ status: off.status, stdout: off.stdout, stderr: '' });
  });

  it("the language server's bundle (no cache beside it) gets one when the server exits, and the next session takes it", async () => {
    const xdg = tmp.join('lsp');
    const frame = (o: object) => {
      const body = JSON.stringify(o);
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    /** initialize, its answer, then shutdown and exit, as an editor ends a session. */
    const session = () =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [join(ROOT, 'bin', 'mchard.js'), 'lsp', '--stdio'], { env: envOf({ XDG_CACHE_HOME: xdg, MCHARD_DEBUG: '1' }) });
        let stdout = '';
        let stderr = '';
        p.stderr.on('data', (d) => (stderr += d));
        p.stdout.on('data', (d) => {
          stdout += d;
          if (stdout.includes('"id":1') && !stdout.includes('"id":2')) p.stdin.write(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
          if (stdout.includes('"id":2')) p.stdin.end(frame({ jsonrpc: '2.0', method: 'exit' }));
        });
        p.on('exit', (status) => resolve({ status, stdout, stderr }));
        p.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
      });
    const lspCache = join(xdg, 'mchard', `lsp-${buildId}-node-${process.version}-${process.arch}.cache`);
    const first = await session();
    expect(first.status).toBe(0);
    expect(first.stderr).toContain(`mchard: code cache: wrote ${lspCache}`);
    const before = statSync(lspCache).mtimeMs;
    const second = await session();
    expect(second.status).toBe(0);
    expect(second.stderr).not.toContain('lsp-');
    expect(statSync(lspCache).mtimeMs).toBe(before);
  }, 60_000);

  it('runs under other Node.js flags keep a cache of their own: alternating runs rewrite nothing', () => {
    const xdg = tmp.join('flag-sets');
    const plain = { XDG_CACHE_HOME: xdg };
    const flagged = { XDG_CACHE_HOME: xdg, NODE_OPTIONS: '--max-old-space-size=300' };
    expect(lint(plain)).toEqual({ ...expected, stderr: '' });
    expect(lint(flagged)).toEqual({ ...expected, stderr: '' });
    const files = readdirSync(join(xdg, 'mchard')).sort();
    expect(files).toHaveLength(2);
    const stamps = () => files.map((f) => statSync(join(xdg, 'mchard', f)).mtimeMs);
    const before = stamps();
    for (const env of [plain, flagged, plain]) expect(lint(env)).toEqual({ ...expected, stderr: '' });
    expect(stamps()).toEqual(before);
    expect(probe(flagged)).toEqual({ from: 'user', rejected: false, wants: false });
  });
});

describe('the caches made again at install (the postinstall, bin/install-cache.js)', () => {
  /** A copy of the built package whose caches beside the bundles were made by another Node.js (their first line says so). */
  function packedElsewhere(name: string): { root: string; dist: string; bin: string } {
    const root = tmp.join(name);
    cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
    // As npm packs it: no start-up snapshot (package.json's files leave it out).
    cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true, filter: (f) => !f.includes('mchard.snapshot') });
    const dist = join(root, 'dist');
    for (const f of readdirSync(dist).filter((x) => x.endsWith('.cache'))) {
      const text = readFileSync(join(dist, f)).toString('latin1');
      writeFileSync(join(dist, f), Buffer.from(text.replace(/^(mchard code cache: build \w+, node )v[\d.]+/, '$1v20.0.0'), 'latin1'));
    }
    return { root, dist, bin: join(root, 'bin', 'mchard.js') };
  }
  const from = (bin: string, xdg: string) => {
    const code = `const c = require(${JSON.stringify(bin)}).loadCore(); process.stdout.write(JSON.stringify({ from: c.from, wants: c.wantsUserCache }));`;
    return JSON.parse(execFileSync(process.execPath, ['-e', code], { env: envOf({ XDG_CACHE_HOME: xdg }), encoding: 'utf8' }));
  };
  const install = (root: string, prefix: string[] = []) => {
    const cmd = [...prefix, process.execPath, join(root, 'bin', 'install-cache.js')];
    return spawnSync(cmd[0], cmd.slice(1), { env: envOf({ MCHARD_DEBUG: '1' }), encoding: 'utf8', timeout: 60_000 });
  };

  it('the build ships the warm-up files it ran its warm-up on', () => {
    const { WARM_UP_DIR, WARM_UP_SAMPLES } = createRequire(import.meta.url)(join(ROOT, 'bin', 'mchard.js')) as { WARM_UP_DIR: string; WARM_UP_SAMPLES: string[] };
    expect(readdirSync(join(ROOT, 'dist', WARM_UP_DIR)).sort()).toEqual([...WARM_UP_SAMPLES].sort());
    for (const f of WARM_UP_SAMPLES) expect(readFileSync(join(ROOT, 'dist', WARM_UP_DIR, f))).toEqual(readFileSync(join(ROOT, 'samples', f)));
  });

  it("caches another Node.js made are made again for this one: the first run then takes them and writes nothing in the user's folder", () => {
    const p = packedElsewhere('install-other');
    const xdg = tmp.join('install-other-xdg');
    expect(from(p.bin, xdg)).toEqual({ from: null, wants: true });
    const r = install(p.root);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '', stderr: `mchard: code cache at install: wrote the caches beside the bundles for node ${process.version}\n${SNAPSHOT_WRITTEN}` });
    expect(from(p.bin, xdg)).toEqual({ from: 'beside', wants: false });
    const run = spawnSync(process.execPath, [p.bin, 'lint', conf], { env: envOf({ XDG_CACHE_HOME: xdg }), encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ ...expected, stderr: '' });
    expect(existsSync(join(xdg, 'mchard'))).toBe(false);
    // Every group's cache, and no temporary file left.
    expect(readdirSync(p.dist).filter((f) => f.endsWith('.cache')).sort()).toEqual(readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.cache')).sort());
    expect(readdirSync(p.dist).filter((f) => f.includes('.tmp'))).toEqual([]);
    // The installed command, run as a program, starts from the snapshot the install made.
    if (process.platform === 'linux') {
      const asProgram = spawnSync(p.bin, ['lint', conf], { env: envOf({ XDG_CACHE_HOME: xdg, MCHARD_DEBUG: '1' }), encoding: 'utf8' });
      expect({ status: asProgram.status, stdout: asProgram.stdout, stderr: asProgram.stderr }).toEqual({ ...expected, stderr: 'mchard: start-up snapshot: used\n' });
    }
    for (const f of readdirSync(p.dist).filter((x) => x.endsWith('.cache'))) expect(readFileSync(join(p.dist, f), 'latin1')).toMatch(new RegExp(`^mchard code cache: build ${buildId}, node ${process.version.replace(/\./g, '\\.')} `));
  });

  it('caches this Node.js takes are kept as they are', () => {
    const root = tmp.join('install-same');
    cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
    // Times kept: the start-up snapshot's stamp carries its node's modification time.
    cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true, preserveTimestamps: true });
    const stamp = () => readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.cache') || f.startsWith('mchard.snapshot')).map((f) => lstatSync(join(root, 'dist', f)).mtimeMs);
    const before = stamp();
    const r = install(root);
    expect([r.status, r.stderr]).toEqual([
      0,
      'mchard: code cache at install: the caches beside the bundles are for this Node.js: kept\n' +
        (process.platform === 'linux' ? 'mchard: start-up snapshot at install: the one beside the bundles is for this Node.js: kept\n' : ''),
    ]);
    expect(stamp()).toEqual(before);
  });

  it('never fails the install: no bundle yet (a git checkout before prepare), or a folder it cannot write', () => {
    const bare = tmp.join('install-bare');
    cpSync(join(ROOT, 'bin'), join(bare, 'bin'), { recursive: true });
    expect([install(bare).status, install(bare).stderr]).toEqual([
      0,
      'mchard: code cache at install: no bundle or no warm-up files: nothing to do\n' + (process.platform === 'linux' ? 'mchard: start-up snapshot at install: no bundle: nothing to do\n' : ''),
    ]);
    // dist/ mounted read-only (a mount namespace of the test's own; root ignores file modes).
    const p = packedElsewhere('install-ro');
    const before = readFileSync(join(p.dist, 'mchard.js.cache'));
    const r = install(p.root, ['unshare', '-m', 'sh', '-c', `mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"`, p.dist]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^mchard: code cache at install: not written \((EROFS|EACCES)\)\nmchard: start-up snapshot at install: not written \((EROFS|EACCES)\)\n$/);
    expect(readFileSync(join(p.dist, 'mchard.js.cache'))).toEqual(before);
    expect(readdirSync(p.dist).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});
