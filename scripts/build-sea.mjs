#!/usr/bin/env node
// Builds mchard as a single executable for servers without Node.js (`npm run build:sea`), with
// Node.js's single executable applications: the CLI bundled by esbuild into one CommonJS file (no
// chunks, no dynamic imports of files, dependencies included) and a V8 code cache of it made by a
// warm-up run, both carried as assets and loaded by a small main script (LOADER below), made into a blob
// by `node --experimental-sea-config`, and injected with postject into a copy of the node binary that
// runs this script. Output: build/sea/mchard, for this machine's OS and CPU (Linux x86-64 in CI).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * The executable's main script: a loader that compiles the bundle (an asset) with a code cache made by a
 * warm-up run (another asset), as bin/mchard.js does for the npm package. Node.js's own SEA code cache
 * ("useCodeCache") holds only what compiling the script's top level makes: every function of a lint
 * would still be compiled on each start. The cache comes from the Node.js binary the executable is made
 * of (this one) and the same wrapper and file name; if V8 rejects it all the same, the bundle is
 * compiled from source: slower, never different (MCHARD_DEBUG=1 says so).
 */
const LOADER = `'use strict';
const { getAsset } = require('node:sea');
const { Script } = require('node:vm');
const source = getAsset('mchard.js', 'latin1');
let cachedData;
if (process.env.MCHARD_CODE_CACHE !== 'off') cachedData = Buffer.from(getAsset('mchard.cache'));
const script = new Script(WRAP(source), { filename: 'mchard.js', cachedData });
if (process.env.MCHARD_DEBUG) require('node:fs').writeSync(2, 'mchard: code cache: ' + (!cachedData ? 'off' : script.cachedDataRejected ? 'V8 rejected the cache: compiled from source' : 'used') + '\\n');
const mod = { exports: {} };
script.runInThisContext()(mod.exports, require, mod);
mod.exports.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
`;
const WRAP = (source) => `(function (exports, require, module) {${source}\n})`;

async function buildSea(work) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const script = work('mchard.cjs');
  const loader = work('loader.cjs');
  const cache = work('mchard.cache');
  const blob = work('mchard.blob');
  const config = work('sea-config.json');
  const tmpExe = work('mchard');
  const result = await build({
    // The CLI's main, exported (the loader calls it), with everything it may load inside.
    stdin: { contents: `export { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};`, resolveDir: root, sourcefile: '<sea>', loader: 'js' },
    outfile: script,
    bundle: true,
    splitting: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    // ASCII: the loader reads it as latin1.
    charset: 'ascii',
    legalComments: 'none',
    metafile: true,
    // A module's "URL" is the executable's path: enough for createRequire(import.meta.url) of built-in
    // modules (createRequire takes a path, and a path costs no node:url at start-up). Any other use of
    // import.meta fails the build, as there are no files beside the executable.
    define: { __MCHARD_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': 'process.execPath' },
    logOverride: { 'empty-import-meta': 'error' },
    logLevel: 'silent',
  });
  // SEA's require() loads built-in modules only: nothing else may be left outside the bundle.
  const builtins = new Set(builtinModules);
  for (const imp of Object.values(result.metafile.outputs).flatMap((o) => o.imports)) {
    if (!imp.path.startsWith('node:') && !builtins.has(imp.path)) {
      throw new Error(`"${imp.path}" is not bundled; the single executable can load only Node.js built-in modules`);
    }
  }
  // The warm-up: lint and inspect on samples, with this Node.js, then the compiled code as the cache.
  const warm = [
    `const { Script } = require('node:vm');`,
    `const source = require('node:fs').readFileSync(${JSON.stringify(script)}, 'latin1');`,
    `const s = new Script((${WRAP.toString()})(source), { filename: 'mchard.js' });`,
    `const mod = { exports: {} };`,
    `s.runInThisContext()(mod.exports, require, mod);`,
    `const quiet = { out() {}, err() {}, stdoutStream: {}, stdinIsTTY: false };`,
    `(async () => {`,
    `  for (const f of ['insecure-debian.conf', 'insecure-rhel.sysconfig']) for (const c of ['lint', 'inspect']) await mod.exports.main([c, require('node:path').join(${JSON.stringify(join(root, 'samples'))}, f)], quiet);`,
    `  require('node:fs').writeFileSync(${JSON.stringify(cache)}, s.createCachedData());`,
    `})();`,
  ].join('\n');
  step('the code cache warm-up', process.execPath, ['-e', warm]);
  writeFileSync(loader, LOADER.replace('WRAP(source)', `(${WRAP.toString()})(source)`));
  writeFileSync(
    config,
    JSON.stringify({ main: loader, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, assets: { 'mchard.js': script, 'mchard.cache': cache } }),
  );
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
  for (const f of made) rmSync(f, { force: true });
}
