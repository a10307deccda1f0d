#!/usr/bin/env node
// mchard's executable: runs the bundle built by `npm run build` (run automatically by `npm install` and
// `npm ci`). CommonJS (bin/package.json), as the bundle is: an ES module entry costs Node.js its ES
// module loader on every start.
//
// The core bundle, dist/mchard.js, is compiled with V8's code cache, dist/mchard.js.cache, written by
// the build after a warm-up run of lint and inspect (writeCodeCache below): V8 then deserialises the
// compiled code instead of parsing and compiling the bundle on each start. The cache belongs to one
// build of the bundle and one Node.js binary: its first line names both, and a cache for another is not
// even read. V8 checks its own version and flags as well and may still reject the cache
// (script.cachedDataRejected); either way the bundle is then compiled from source, as if there were no
// cache: slower, never different.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const DIST = join(__dirname, '..', 'dist');

function cacheHeader(source) {
  const build = /^\/\/ mchard \S+ build (\w+)/.exec(source);
  return `mchard code cache: build ${build ? build[1] : '?'}, node ${process.version} ${process.arch}\n`;
}

/** Compiles and runs dist/mchard.js as a CommonJS module; returns its exports and the compiled script. */
function loadCore(dist = DIST, useCache = true) {
  const file = join(dist, 'mchard.js');
  const source = readFileSync(file, 'utf8');
  let cachedData;
  if (useCache) {
    try {
      const cache = readFileSync(`${file}.cache`);
      const header = cacheHeader(source);
      if (cache.toString('latin1', 0, header.length) === header) cachedData = cache.subarray(header.length);
    } catch {
      // no cache (built with --no-code-cache): compile from source
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  // In require's cache, so the other bundles' require('./mchard.js') share this instance of the core.
  const mod = new Module(file, module);
  mod.filename = file;
  mod.loaded = true;
  require.cache[file] = mod;
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, dist);
  return { exports: mod.exports, script, file, header: cacheHeader(source) };
}

/** The build's warm-up: runs lint and inspect on sample files, then writes the code cache. */
async function writeCodeCache(dist, samples) {
  const { exports, script, file, header } = loadCore(dist, false);
  const quiet = { out() {}, err() {}, stdoutStream: {}, stdinIsTTY: false };
  for (const sample of ['insecure-debian.conf', 'insecure-rhel.sysconfig']) {
    for (const cmd of ['lint', 'inspect']) await exports.main([cmd, join(samples, sample)], quiet);
  }
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()]));
}

if (require.main === module) {
  let core;
  try {
    core = loadCore();
  } catch (e) {
    if (e && e.code === 'ENOENT' && String(e.path).endsWith('mchard.js')) {
      process.stderr.write('mchard: not built yet: run "npm run build" (or npm ci) in the mchard folder\n');
    } else {
      process.stderr.write(`mchard: ${e && e.message ? e.message : e}\n`);
    }
    process.exitCode = 2;
  }
  if (core) {
    core.exports.main(process.argv.slice(2)).then((code) => {
      process.exitCode = code;
    });
  }
}

module.exports = { loadCore, writeCodeCache };
