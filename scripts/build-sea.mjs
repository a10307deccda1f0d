#!/usr/bin/env node
// Builds mchard as a single executable for servers without Node.js (`npm run build:sea`), with
// Node.js's single executable applications: the npm package's bundles (scripts/build.mjs --sea: the
// same groups, minified, dependencies included, each with a V8 code cache made by the build's warm-up
// run). The core (dist/mchard.js) is in the executable's V8 start-up snapshot, initialised and with the
// functions lint runs compiled (MAIN below); the other groups are assets, loaded when a command needs
// them as bin/mchard.js loads them. `node --experimental-sea-config` makes the blob, postject injects it
// into a copy of the node binary that runs this script. Output: build/sea/mchard, for this machine's OS
// and CPU (Linux x86-64 in CI).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropBuiltinCodeCache, injectSeaBlob } from './sea-blob.mjs';
import { checkCoreTopLevel } from './sea-top-level.mjs';

const { builtinsMayLoad } = createRequire(import.meta.url)('../bin/snapshot.js');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'build', 'sea');
const exe = join(outDir, 'mchard');
// The line the snapshot's main script writes when the heap is serialised: the built-in modules it holds.
const LOADED_MARK = 'mchard-sea-loaded-builtins: ';

/** Runs a build step; its output is shown only when it fails (postject warns about every ELF note). */
function step(label, file, args, options = {}) {
  const r = spawnSync(file, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`${label} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return r.stdout;
}

/** The npm package's bundles (scripts/build.mjs's groups), each an asset of the executable. */
const GROUP_FILES = ['mchard.js', 'rules.js', 'reports.js', 'more.js', 'dialects.js', 'compose.js', 'audit.js', 'fix.js', 'lsp.js'];

/**
 * The executable's main script. Node.js runs it once, when the blob is made (`node
 * --experimental-sea-config` with "useSnapshot"), and keeps the heap it leaves as the executable's V8
 * start-up snapshot: each start deserialises that heap and runs only the function given to
 * v8.startupSnapshot.setDeserializeMainFunction, so the core (dist/mchard.js) is neither compiled nor
 * initialised at start-up; its modules' top levels (the rule catalogue, the dialects' registry, each
 * module's tables) ran at build time.
 *
 * What a snapshot may hold, and what it must not:
 * - The core's top level runs at build time, on the build machine: it must read nothing of the host
 *   (environment, cwd, clock, user, terminal, files, os.*), or the build machine's value would answer on
 *   every server. checkCoreTopLevel (scripts/sea-top-level.mjs) runs the core's top level with every such
 *   source watched and refuses to build when it reads one.
 * - The functions a lint runs are compiled when the snapshot is taken (bytecode, which V8 keeps), by a
 *   warm-up: lint of the Debian and the sysconfig sample, run by a second instance of the core (the same
 *   compiled script, so the same functions, but its own module state), which is then dropped. The
 *   instance the executable runs has only run its top level: nothing a command does (a file read, a
 *   folder's real path, whether output is a terminal) is kept from build time. (Warming the instance
 *   itself was measured too: V8 keeps no more of it that a start can use, and it would keep what the
 *   lint left in the modules' state.)
 * - The core loads only Node.js's own modules: its require('node:module').createRequire gets a require of
 *   Node.js's built-in modules only, so nothing is ever loaded from beside the executable.
 * - Of Node.js's modules, the build loads only node:v8 and what the core's top level requires (node:fs,
 *   node:path, node:url); node:vm and node:sea are loaded at run time, when another bundle is needed.
 *   Nothing is written to standard output or error at build time (see --no-warnings below), so the
 *   snapshot holds no stream; the core's input (a SharedArrayBuffer for waiting on standard input) and
 *   output (process.stdout, made only when a write meets a full pipe) are made at run time.
 * - The other bundles (dialects.js, compose.js, fix.js, audit.js, lsp.js) stay assets, each compiled at
 *   the run that needs it with the code cache the build's warm-up made for it (scripts/build.mjs --sea)
 *   with this same node binary; if V8 rejects one all the same, that bundle is compiled from source.
 * - MCHARD_CODE_CACHE=off runs the core's top level again in the process (its state from the snapshot
 *   is not used) and compiles the other bundles from source: the same output either way (the test holds
 *   the two to each other). MCHARD_DEBUG=1 says which was used.
 */
const MAIN = `'use strict';
const { startupSnapshot } = require('node:v8');
// Node.js's own modules only (the snapshot's require): the bundles need nothing else.
const builtin = require;
const GROUPS = new Set(GROUP_FILES);
const MODULE = Object.freeze({ createRequire: () => builtin });
const WRAP = (source) => '(function (exports, require, module, __filename, __dirname) {' + source + '\\n})';
const loaded = new Map();
let sea = null;
function debug(name, what) {
  if (process.env.MCHARD_DEBUG) builtin('node:fs').writeSync(2, 'mchard: ' + (name === 'mchard.js' ? 'start-up snapshot' : 'code cache (' + name + ')') + ': ' + what + '\\n');
}
function req(id) {
  if (typeof id === 'string' && id.startsWith('./') && GROUPS.has(id.slice(2))) return load(id.slice(2));
  return id === 'node:module' || id === 'module' ? MODULE : builtin(id);
}
/** Another bundle, from the executable's assets, compiled with its code cache; at run time only. */
function load(name) {
  const known = loaded.get(name);
  if (known) return known.exports;
  if (startupSnapshot.isBuildingSnapshot()) throw new Error('the warm-up loaded ' + name + ': only the core may be in the snapshot');
  sea ??= builtin('node:sea');
  const { Script } = builtin('node:vm');
  const source = sea.getAsset(name, 'latin1');
  const off = process.env.MCHARD_CODE_CACHE === 'off';
  let cachedData;
  if (!off) {
    let data = null;
    try {
      data = Buffer.from(sea.getAsset(name + '.cache'));
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
  script.runInThisContext()(mod.exports, req, mod, FILE(name), FILE(''));
  return mod.exports;
}
// Each bundle's __filename, for createRequire only (see MODULE): a fixed name, no host's path.
function FILE(name) {
  return '/mchard-sea/' + name;
}
// The core, wrapped as bin/mchard.js wraps it (named mchard.js in stack traces by the sourceURL at the end).
function coreFunction(exports, require, module, __filename, __dirname) {CORE_SOURCE
}
function instance() {
  const mod = { exports: {} };
  coreFunction(mod.exports, req, mod, FILE('mchard.js'), FILE(''));
  return mod;
}
// The instance the executable runs: its top level run, nothing else.
const core = instance();
// The warm-up, on an instance of its own: compiles the functions a lint runs.
const warmUp = (async () => {
  const other = instance().exports;
  const quiet = { out() {}, err() {}, stdoutStream: {}, stdinIsTTY: false };
  for (const args of WARM_UP) {
    const code = await other.main(args, quiet);
    if (code !== 0 && code !== 1) throw new Error('the warm-up run mchard ' + args.join(' ') + ' ended with ' + code);
  }
  // RegExp's legacy statics (RegExp.input, RegExp.lastMatch, RegExp.$1...) hold the last match's subject
  // and captures: after the warm-up, a line of its report (the build's paths in it), which the snapshot
  // would keep and every run could read. A match of nothing in nothing leaves them empty.
  /(?:)/.exec('');
})();
warmUp.catch((e) => {
  process.exitCode = 1;
  throw e;
});
// Just before the heap is serialised: which of Node.js's built-in modules it holds loaded (their code
// cache is then left out of the blob, scripts/sea-blob.mjs), one line on standard output, written to
// the descriptor (no stream is made, so none is kept in the snapshot).
startupSnapshot.addSerializeCallback(() => {
  const ids = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  builtin('node:fs').writeSync(1, LOADED_MARK + JSON.stringify(ids) + '\\n');
});
/**
 * Ends a finished lint or inspect at once, as bin/mchard.js does, when nothing is left to do: no handle,
 * request or timer is active (a write still waiting for a full pipe's reader is one: src/cli/io.ts hands
 * it to Node.js's stream, and the process then ends as usual, once it is written). Called on the next
 * tick, after every promise the command left has settled. Left to itself, the process would go on to
 * free the heap it deserialised piece by piece (the core's initialised modules and compiled functions
 * are in it): about 3 ms of CPU for nothing the user sees (measured, paired with node -e 0).
 */
function exitWhenDone(code) {
  if (process.getActiveResourcesInfo().length > 0) return;
  process.exit(code);
}
startupSnapshot.setDeserializeMainFunction(() => {
  let run = core;
  if (process.env.MCHARD_CODE_CACHE === 'off') {
    run = instance();
    debug('mchard.js', 'off (the core initialised now)');
  } else {
    debug('mchard.js', 'used');
  }
  loaded.set('mchard.js', run);
  const argv = process.argv.slice(2);
  run.exports.main(argv).then((code) => {
    process.exitCode = code;
    if (argv[0] === 'lint' || argv[0] === 'inspect') process.nextTick(exitWhenDone, code);
  });
});
//# sourceURL=mchard.js
`;
async function buildSea(work) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dist = work('dist');
  const main = work('main.cjs');
  const blob = work('mchard.blob');
  const config = work('sea-config.json');
  const tmpExe = work('mchard');
  // The npm package's groups, minified, each with a code cache made by the build's warm-up with this Node.js.
  step('scripts/build.mjs --sea', process.execPath, [join(root, 'scripts', 'build.mjs'), '--sea', '--outdir', dist]);
  // SEA's require() loads built-in modules only: nothing else may be left outside the bundles.
  const builtins = new Set(builtinModules);
  // The built-in modules the bundles name (and the main script's node:sea and node:vm).
  const required = new Set(['sea', 'vm']);
  const assets = {};
  for (const name of GROUP_FILES) {
    const text = readFileSync(join(dist, name), 'latin1');
    for (const m of text.matchAll(/\brequire\("([^"]+)"\)/g)) {
      const id = m[1];
      if (!id.startsWith('node:') && !builtins.has(id) && !(id.startsWith('./') && GROUP_FILES.includes(id.slice(2)))) {
        throw new Error(`"${id}" (required by ${name}) is not bundled; the single executable can load only Node.js built-in modules`);
      }
      if (!id.startsWith('./')) required.add(id.replace(/^node:/, ''));
    }
    // The core is in the snapshot; the others are assets.
    if (name === 'mchard.js') continue;
    assets[name] = join(dist, name);
    if (existsSync(join(dist, `${name}.cache`))) assets[`${name}.cache`] = join(dist, `${name}.cache`);
  }
  // Nothing of the build machine may be kept in the snapshot: the core's top level must not read the host.
  const core = readFileSync(join(dist, 'mchard.js'), 'latin1');
  const reads = checkCoreTopLevel(core);
  if (reads.length) throw new Error(`the core's top level reads the host, which the start-up snapshot would keep from the build machine: ${reads.join(', ')}`);
  // The warm-up lints as users do: a name relative to the working folder, an absolute name inside it, an
  // absolute name outside it (each takes its own path through the link checks). It runs in a folder of
  // its own, so the build compiles the same functions wherever it is started.
  // lint only: every compiled function is deserialised at every start, whatever the command. Measured
  // (paired with node -e 0): warming inspect and SARIF too made each lint about 1 ms slower, and gained
  // inspect nothing (it runs lint's functions) and SARIF about 1 ms.
  const warmDir = work('warm-up');
  mkdirSync(warmDir);
  for (const name of ['insecure-debian.conf', 'insecure-rhel.sysconfig']) copyFileSync(join(root, 'samples', name), join(warmDir, name));
  const warmUp = [
    ['lint', 'insecure-debian.conf'],
    ['lint', join(warmDir, 'insecure-rhel.sysconfig')],
    ['lint', join(root, 'samples', 'insecure-debian.conf')],
  ];
  const text = MAIN.replace('GROUP_FILES', JSON.stringify(GROUP_FILES))
    .replace('LOADED_MARK', JSON.stringify(LOADED_MARK))
    .replace('WARM_UP', JSON.stringify(warmUp))
    .replace('CORE_SOURCE', () => core);
  writeFileSync(main, text);
  writeFileSync(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useSnapshot: true, assets }));
  // --no-warnings: Node.js warns at build time (single executables are experimental), and its first write
  // to standard error (a pipe here) makes process.stderr and loads the stream and socket modules, which
  // the snapshot would then carry into every start (about 170 kB, measured about 1 ms a start). Run time
  // keeps its warnings: Node.js sets them up again after deserialising (checked with a snapshot whose
  // main function emits one).
  const made = step('node --experimental-sea-config', process.execPath, ['--no-warnings', '--experimental-sea-config', config], { cwd: warmDir });
  // The start-up snapshot carries a code cache of every built-in module of Node.js, which each start
  // copies into memory: only the caches a run can use are kept, those of the modules the bundles may
  // still load (what loading each module they name loads, in this node), less those the snapshot holds
  // loaded already (compiled in its heap, never compiled again). A module left out, if a run ever
  // loads it, is compiled from its source: the same module, a little slower. A blob this build cannot
  // read is kept as Node.js wrote it.
  const line = made.split('\n').find((l) => l.startsWith(LOADED_MARK));
  if (!line) throw new Error("the snapshot's main script did not say which built-in modules it holds");
  const inSnapshot = new Set(JSON.parse(line.slice(LOADED_MARK.length)));
  const { mayLoad } = builtinsMayLoad([], required);
  try {
    const trimmed = dropBuiltinCodeCache(readFileSync(blob), (id) => inSnapshot.has(id) || !mayLoad.has(id));
    writeFileSync(blob, trimmed.blob);
  } catch (e) {
    process.stderr.write(`build-sea: the start-up snapshot keeps the code cache of every built-in module (${e.message})\n`);
  }
  const injected = injectSeaBlob(tmpExe, blob);
  if (injected.status !== 0) throw new Error(`postject failed: ${(injected.stderr || injected.stdout || String(injected.error)).trim()}`);
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
