#!/usr/bin/env node
// Builds mchard as a single executable for servers without Node.js (`npm run build:sea`), with
// Node.js's single executable applications: the npm package's bundles (scripts/build.mjs --sea: the
// same groups, minified, dependencies included, each with a V8 code cache made by the build's warm-up
// run), carried as assets and loaded by a small main script (LOADER below) as bin/mchard.js loads them,
// made into a blob by `node --experimental-sea-config`, and injected with postject into a copy of the
// node binary that runs this script. Output: build/sea/mchard, for this machine's OS and CPU (Linux
// x86-64 in CI).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'build', 'sea');
const exe = join(outDir, 'mchard');
// The fuse Node.js checks to know that it carries an application (from the SEA documentation).
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Runs a build step; its output is shown only when it fails (postject warns about every ELF note). */
function step(label, file, args) {
  const r = spawnSync(file, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${label} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return r.stdout;
}

/** The npm package's bundles (scripts/build.mjs's groups), each an asset of the executable. */
const GROUP_FILES = ['mchard.js', 'dialects.js', 'compose.js', 'audit.js', 'fix.js', 'lsp.js'];

/**
 * The executable's main script: a loader that runs the bundles (assets), each compiled with the code
 * cache the build's warm-up made for it (another asset), as bin/mchard.js does for the npm package:
 * the core first, another bundle when a command asks for it. Node.js's own SEA code cache
 * ("useCodeCache") holds only what compiling the script's top level makes: every function of a lint
 * would still be compiled on each start. The caches come from the Node.js binary the executable is made
 * of (this one) and the same wrapper (V8 checks the source's length, not its name); if V8 rejects one
 * all the same, that bundle is compiled from source: slower, never different (MCHARD_DEBUG=1 says so).
 * A bundle's createRequire(import.meta.url) gets a path beside the executable: it loads only Node.js's
 * own modules, and nothing is ever read from beside the executable.
 */
const LOADER = `'use strict';
const { getAsset } = require('node:sea');
const { Script } = require('node:vm');
const { dirname, join } = require('node:path');
const GROUPS = new Set(GROUP_FILES);
const loaded = new Map();
const off = process.env.MCHARD_CODE_CACHE === 'off';
const here = dirname(process.execPath);
function debug(name, what) {
  if (process.env.MCHARD_DEBUG) require('node:fs').writeSync(2, 'mchard: code cache' + (name === 'mchard.js' ? '' : ' (' + name + ')') + ': ' + what + '\\n');
}
function load(name) {
  const known = loaded.get(name);
  if (known) return known.exports;
  const source = getAsset(name, 'latin1');
  let cachedData;
  if (!off) {
    let data = null;
    try {
      data = Buffer.from(getAsset(name + '.cache'));
    } catch {
      // no cache for this bundle (one the warm-up does not run)
    }
    const build = /^\\/\\/ mchard \\S+ build (\\w+)/.exec(source);
    const nl = data ? data.indexOf(10) : -1;
    if (data && build && nl > 0 && data.toString('latin1', 0, nl).includes('build ' + build[1] + ',')) cachedData = data.subarray(nl + 1);
  }
  const script = new Script(WRAP(source), { filename: name, cachedData });
  debug(name, off ? 'off' : !cachedData ? 'none' : script.cachedDataRejected ? 'V8 rejected the cache: compiled from source' : 'used');
  const mod = { exports: {} };
  loaded.set(name, mod);
  const req = (id) => (typeof id === 'string' && id.startsWith('./') && GROUPS.has(id.slice(2)) ? load(id.slice(2)) : require(id));
  const file = join(here, name);
  script.runInThisContext()(mod.exports, req, mod, file, here);
  return mod.exports;
}
load('mchard.js').main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
`;
// The wrapper bin/mchard.js compiles each bundle in, so the caches the build made fit.
const WRAP = (source) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

async function buildSea(work) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dist = work('dist');
  const loader = work('loader.cjs');
  const blob = work('mchard.blob');
  const config = work('sea-config.json');
  const tmpExe = work('mchard');
  // The npm package's groups, minified, each with a code cache made by the build's warm-up with this Node.js.
  step('scripts/build.mjs --sea', process.execPath, [join(root, 'scripts', 'build.mjs'), '--sea', '--outdir', dist]);
  // SEA's require() loads built-in modules only: nothing else may be left outside the bundles.
  const builtins = new Set(builtinModules);
  const assets = {};
  for (const name of GROUP_FILES) {
    const text = readFileSync(join(dist, name), 'latin1');
    for (const m of text.matchAll(/\brequire\("([^"]+)"\)/g)) {
      const id = m[1];
      if (!id.startsWith('node:') && !builtins.has(id) && !(id.startsWith('./') && GROUP_FILES.includes(id.slice(2)))) {
        throw new Error(`"${id}" (required by ${name}) is not bundled; the single executable can load only Node.js built-in modules`);
      }
    }
    assets[name] = join(dist, name);
    if (existsSync(join(dist, `${name}.cache`))) assets[`${name}.cache`] = join(dist, `${name}.cache`);
  }
  writeFileSync(loader, LOADER.replace('WRAP(source)', `(${WRAP.toString()})(source)`).replace('GROUP_FILES', JSON.stringify(GROUP_FILES)));
  writeFileSync(config, JSON.stringify({ main: loader, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, assets }));
  step('node --experimental-sea-config', process.execPath, ['--experimental-sea-config', config]);
  copyFileSync(process.execPath, tmpExe);
  chmodSync(tmpExe, 0o755);
  const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  step('postject', process.execPath, [postject, tmpExe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE]);
  // A smoke run before the executable replaces the previous one; it appears by a rename, whole.
  const version = step('the built executable', tmpExe, ['--version']).trim();
  if (version !== `mchard ${pkg.version}`) throw new Error(`the built executable printed "${version}" for --version`);
  renameSync(tmpExe, exe);
}

if (process.argv.length > 2) {
  process.stderr.write(`build-sea: takes no arguments (got ${process.argv.slice(2).join(' ')})\n`);
  process.exit(2);
}
if (process.platform !== 'linux') {
  process.stderr.write(`build-sea: builds the Linux executable only (this is ${process.platform})\n`);
  process.exit(2);
}
const started = Date.now();
mkdirSync(outDir, { recursive: true });
// Work files carry the pid, so two builds at once never write into each other's files.
const made = [];
const work = (name) => {
  made.push(join(outDir, `.${process.pid}.${name}`));
  return made.at(-1);
};
try {
  await buildSea(work);
  const mib = (statSync(exe).size / 2 ** 20).toFixed(1);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`build-sea: ${relative(root, exe)} (${mib} MiB, Node.js ${process.version} ${process.platform}-${process.arch}) in ${seconds} s`);
} catch (e) {
  const first = e.errors?.[0];
  const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
  process.stderr.write(`build-sea: ${first ? `${where}${first.text}` : e.message}\n`);
  process.exitCode = 2;
} finally {
  for (const f of made) rmSync(f, { force: true, recursive: true });
}
