// The npm package's V8 start-up snapshot: dist/mchard.snapshot, the core (dist/mchard.js) compiled,
// initialised and with the functions a lint runs compiled, for one Node.js binary. Made by the build
// (scripts/build.mjs) and at install (the package's postinstall, bin/install-cache.js) for the Node.js
// that runs them; never at run time, and never loaded by a run (only by the build and the install).
//
// How a run uses it: bin/mchard.js is run by /bin/sh first (its first lines are a shell script that
// Node.js reads as a comment). The shell starts `node --snapshot-blob dist/mchard.snapshot -- ARGS`
// when the snapshot is for the `node` the shell would run and for the bundles beside it (the stamp
// below), and otherwise runs bin/mchard.js with that `node`, as before: the same output either way,
// only slower (test/cli/snapshot.test.ts). A Node.js given a snapshot made by another Node.js, or under
// other V8 flags (NODE_OPTIONS), refuses to start (exit status 14), so the shell never gives it one it
// cannot prove is that binary's, and none when NODE_OPTIONS is set.
//
// Which node made it, checked by the shell with its own tests (no program run, so no time lost):
//   - dist/mchard.snapshot.node, a symbolic link to that binary (its real path): `test -ef` says
//     whether the node the shell would run is the file now at that path (device and inode);
//   - dist/mchard.snapshot.stamp, the core's first line (its version and build id: a rebuilt core leaves
//     the snapshot unused), with that binary's modification time to the nanosecond (`touch -r`): `test
//     -nt` and `-ot` say whether the binary changed since. Written last (by a rename), removed first.
//
// What the snapshot may hold is what the single executable's may (scripts/build-sea.mjs): the core's top
// level reads nothing of the host (scripts/sea-top-level.mjs checks it at every build), and the lint that
// compiles the functions runs on a second instance of the core, which is dropped, so nothing a command
// does is kept from the build.
'use strict';
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join, resolve } = require('node:path');

const BLOB = 'mchard.snapshot';
const STAMP = 'mchard.snapshot.stamp';
const NODE_LINK = 'mchard.snapshot.node';
/** The line the entry writes when the heap is serialised: the built-in modules the snapshot holds. */
const LOADED_MARK = 'mchard-snapshot-loaded-builtins: ';

/** The first line of a bundle (`// mchard VERSION build ID`): what the stamp holds. */
function firstLine(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(200);
    const n = fs.readSync(fd, b, 0, b.length, 0);
    const text = b.toString('latin1', 0, n);
    const nl = text.indexOf('\n');
    return nl < 0 ? text : text.slice(0, nl);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The script `node --build-snapshot` runs: the core, wrapped as bin/mchard.js wraps it, run once for
 * the instance every start uses (its top level only), and once more for a warm-up lint of `warmUp`'s
 * files that compiles the functions a lint runs (that instance is dropped). At each start, the main
 * function runs the command; another bundle (reports.js for SARIF, more.js, the dialects, fix...) is
 * loaded then by bin/mchard.js's loader (in the snapshot too: loading bin/mchard.js through Node.js's
 * module system cost a SARIF run about 4 ms), with its code cache, given the snapshot's core as
 * mchard.js. The snapshot holds the bin/mchard.js it was made with: the build and the install make
 * both together.
 */
function entryScript(coreSource, binSource, warmUp) {
  return `'use strict';
const { startupSnapshot } = require('node:v8');
// Node.js's own modules only (a snapshot's require): the core needs no other.
const builtin = require;
const MODULE = Object.freeze({ createRequire: () => builtin });
let dist = null;
let loader = null;
// bin/mchard.js's module (its loader of the other bundles), run here at build time: its top level only
// requires Node.js's modules and names functions. Its require has a cache of its own for the bundles'
// modules (as Node.js's require.cache).
function binFunction(exports, require, module, __filename, __dirname) {${binSource}
}
const bin = { exports: {} };
const binRequire = (id) => builtin(id);
binRequire.cache = Object.create(null);
binFunction(bin.exports, binRequire, bin, '/mchard-snapshot/bin/mchard.js', '/mchard-snapshot/bin');
function debug(what) {
  if (process.env.MCHARD_DEBUG) builtin('node:fs').writeSync(2, 'mchard: start-up snapshot: ' + what + '\\n');
}
/** bin/mchard.js's loader for the other bundles, made when one is first needed (never at build time). */
function groups() {
  if (loader) return loader;
  if (startupSnapshot.isBuildingSnapshot()) throw new Error('the warm-up loaded another bundle: only the core may be in the snapshot');
  loader = bin.exports.snapshotLoader(dist, core);
  return loader;
}
function req(id) {
  if (id === './mchard.js') return core.exports;
  if (typeof id === 'string' && id.startsWith('./') && bin.exports.GROUP_FILES.has(id.slice(2))) return groups().load(builtin('node:path').join(dist, id.slice(2))).exports;
  return id === 'node:module' || id === 'module' ? MODULE : builtin(id);
}
function coreFunction(exports, require, module, __filename, __dirname) {${coreSource}
}
function instance() {
  const mod = { exports: {} };
  coreFunction(mod.exports, req, mod, '/mchard-snapshot/mchard.js', '/mchard-snapshot');
  return mod;
}
// The instance every start runs: its top level run, nothing else.
const core = instance();
// The warm-up, on an instance of its own: compiles the functions a lint runs.
(async () => {
  const other = instance().exports;
  const quiet = { out() {}, err() {}, stdoutStream: {}, stdinIsTTY: false };
  for (const args of ${JSON.stringify(warmUp)}) {
    const code = await other.main(args, quiet);
    if (code !== 0 && code !== 1) throw new Error('the warm-up run mchard ' + args.join(' ') + ' ended with ' + code);
  }
  // RegExp's legacy statics hold the last match's subject (a line of the warm-up's report): emptied.
  /(?:)/.exec('');
})().catch((e) => {
  process.exitCode = 1;
  throw e;
});
startupSnapshot.addSerializeCallback(() => {
  const ids = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  builtin('node:fs').writeSync(1, ${JSON.stringify(LOADED_MARK)} + JSON.stringify(ids) + '\\n');
});
function saveCaches() {
  if (loader) bin.exports.saveUserCache({ loader });
}
startupSnapshot.setDeserializeMainFunction(() => {
  // The snapshot's folder is the bundles' (bin/mchard.js's shell names it: --snapshot-blob DIST/${BLOB}).
  const at = process.execArgv.indexOf('--snapshot-blob');
  const blob = at >= 0 ? process.execArgv[at + 1] : '';
  dist = builtin('node:path').dirname(builtin('node:path').resolve(blob));
  debug('used');
  bin.exports.runCommand(core.exports.main, process.argv.slice(1), saveCaches);
});
//# sourceURL=mchard.js
`;
}

/**
 * Reads a Node.js start-up snapshot's built-in modules' code cache (Node.js 20's layout, see
 * scripts/sea-blob.mjs): where it starts and its entries; throws if the snapshot is not one this reads.
 */
class Reader {
  constructor(buf) {
    this.buf = buf;
    this.at = 0;
  }
  need(n) {
    if (n < 0 || this.at + n > this.buf.length) throw new Error(`truncated at byte ${this.at}`);
  }
  u32() {
    this.need(4);
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  u64() {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.at);
    this.at += 8;
    if (v > BigInt(this.buf.length)) throw new Error(`a length of ${v} at byte ${this.at - 8} is beyond the blob`);
    return Number(v);
  }
  bytes(n) {
    this.need(n);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  string() {
    return this.bytes(this.u64());
  }
}

/**
 * Where the built-in modules' code cache starts in a snapshot, and its entries. The parts between the
 * V8 startup data and the code cache (the isolate's and environment's state) are not read: the code
 * cache is found as the one offset after the startup data from which its entries (ids made of the
 * characters of built-in module names) end exactly at the snapshot's last byte.
 */
function findBuiltinCodeCache(snapshot) {
  const r = new Reader(snapshot);
  r.u32(); // magic
  r.bytes(1); // type
  r.string(); // Node.js version
  r.string(); // arch
  r.string(); // platform
  r.u32(); // V8 cache version tag
  r.u32(); // snapshot flags
  r.need(4);
  const v8Size = snapshot.readInt32LE(r.at);
  r.at += 4;
  r.bytes(v8Size);
  const found = [];
  for (let at = r.at; at + 8 <= snapshot.length; at++) {
    const entries = entriesFrom(snapshot, at);
    if (entries) found.push({ at, entries });
  }
  if (found.length !== 1) throw new Error(`the built-in modules' code cache was found ${found.length} times`);
  return found[0];
}

function entriesFrom(buf, at) {
  const count = buf.readBigUInt64LE(at);
  if (count < 1n || count > 10_000n) return null;
  const entries = [];
  let p = at + 8;
  for (let i = 0; i < Number(count); i++) {
    if (p + 8 > buf.length) return null;
    const idLength = buf.readBigUInt64LE(p);
    if (idLength < 1n || idLength > 200n) return null;
    p += 8;
    const idEnd = p + Number(idLength);
    if (idEnd + 8 > buf.length) return null;
    const id = buf.toString('latin1', p, idEnd);
    if (!/^[A-Za-z0-9_/.-]+$/.test(id)) return null;
    const length = buf.readBigUInt64LE(idEnd);
    if (length > BigInt(buf.length)) return null;
    const start = idEnd + 8;
    p = start + Number(length);
    if (p > buf.length) return null;
    entries.push({ id, from: idEnd - Number(idLength) - 8, end: p });
  }
  return p === buf.length ? entries : null;
}

/** The snapshot without the code cache of the built-in modules `drop(id)` says yes to, and what was dropped. */
function dropFromSnapshot(snapshot, drop) {
  const { at, entries } = findBuiltinCodeCache(snapshot);
  const kept = entries.filter((e) => !drop(e.id));
  const count = Buffer.alloc(8);
  count.writeBigUInt64LE(BigInt(kept.length));
  const out = Buffer.concat([snapshot.subarray(0, at), count, ...kept.map((e) => snapshot.subarray(e.from, e.end))]);
  return { snapshot: out, dropped: entries.filter((e) => drop(e.id)).map((e) => e.id) };
}

/** Prints the built-in modules that loading the modules named in argv[1] (a JSON list) loads. */
const LOADS = `for (const id of JSON.parse(process.argv[1])) require('node:' + id);
process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13))));`;

/**
 * The built-in modules a run may load: those the bundles (`texts`) require, and `more` (the loader's
 * own), with everything loading each of them loads in this Node.js.
 */
function builtinsMayLoad(texts, more) {
  const { builtinModules } = require('node:module');
  const builtins = new Set(builtinModules);
  const required = new Set(more);
  for (const text of texts) {
    for (const m of text.matchAll(/\brequire\("([^"]+)"\)/g)) {
      const id = m[1].replace(/^node:/, '');
      if (builtins.has(id)) required.add(id);
    }
  }
  const r = spawnSync(process.execPath, ['-e', LOADS, JSON.stringify([...required])], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  if (r.status !== 0) throw new Error(`node (the built-in modules the bundles load) failed: ${(r.stderr || String(r.error)).trim()}`);
  return { required, mayLoad: new Set(JSON.parse(r.stdout)) };
}

function removeQuietly(file) {
  try {
    fs.unlinkSync(file);
  } catch {
  }
}

/**
 * Makes dist/mchard.snapshot and its stamp for the Node.js running this (process.execPath), with a
 * warm-up lint of the samples in dist/warm-up/. The stamp goes first and comes back last, so a shell
 * never pairs a stamp with a snapshot it does not describe. Leaves no snapshot when anything fails, and
 * throws (the build fails; the install ignores it: runs are then as before, only slower).
 */
function buildSnapshot(distDir, warmUpDirName) {
  const dist = resolve(distDir);
  const warmUpDir = resolve(warmUpDirName);
  const blob = join(dist, BLOB);
  const stamp = join(dist, STAMP);
  const tmp = (name) => join(dist, `.${name}.${process.pid}.tmp`);
  removeQuietly(stamp);
  removeQuietly(blob);
  removeQuietly(join(dist, NODE_LINK));
  const core = join(dist, 'mchard.js');
  const entry = tmp('snapshot-entry.js');
  const made = tmp(BLOB);
  try {
    // Warm-up lints as users run it: a name relative to the working folder and an absolute one.
    const warmUp = [
      ['lint', 'insecure-debian.conf'],
      ['lint', join(warmUpDir, 'insecure-rhel.sysconfig')],
    ];
    // bin/mchard.js without its first line (a shebang, valid only at the start of a script). ASCII, as
    // the bundles are: one character beyond it makes V8 keep the whole script, the core's 670 kB with
    // it, as a two-byte string (750 kB more in the snapshot, about 1 ms more of every start).
    const binText = fs.readFileSync(join(__dirname, 'mchard.js'), 'latin1');
    if (/[^\x00-\x7f]/.test(binText)) throw new Error('bin/mchard.js holds a character beyond ASCII');
    fs.writeFileSync(entry, entryScript(fs.readFileSync(core, 'latin1'), binText.slice(binText.indexOf('\n') + 1), warmUp));
    // --no-warnings: a warning at build time would make process.stderr, and the snapshot would carry
    // the stream stack into every start. The environment is emptied but for PATH: nothing of the
    // builder's (NODE_OPTIONS, MCHARD_*) may shape what every start deserialises.
    const r = spawnSync(process.execPath, ['--no-warnings', '--snapshot-blob', made, '--build-snapshot', entry], {
      cwd: warmUpDir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    if (r.status !== 0) throw new Error(`node --build-snapshot failed: ${(r.stderr || String(r.error)).trim()}`);
    const line = r.stdout.split('\n').find((l) => l.startsWith(LOADED_MARK));
    if (!line) throw new Error('the snapshot did not say which built-in modules it holds');
    // Node.js puts a code cache of every built-in module (about 2.5 MB) into a snapshot, and every start
    // reads all of it. Kept: those a run may still load (what the bundles and bin/mchard.js's loader
    // require, with what those load), less those the snapshot holds loaded, compiled in its heap
    // already. A module left out, if a run ever loads it, is compiled from its source: the same module.
    const inSnapshot = new Set(JSON.parse(line.slice(LOADED_MARK.length)));
    const bundles = fs.readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(join(dist, f), 'latin1'));
    const { mayLoad } = builtinsMayLoad(bundles, ['fs', 'module', 'path', 'vm']);
    fs.writeFileSync(made, dropFromSnapshot(fs.readFileSync(made), (id) => inSnapshot.has(id) || !mayLoad.has(id)).snapshot, { mode: 0o644 });
    fs.renameSync(made, blob);
    const node = fs.realpathSync(process.execPath);
    fs.symlinkSync(node, tmp(NODE_LINK));
    fs.renameSync(tmp(NODE_LINK), join(dist, NODE_LINK));
    fs.writeFileSync(tmp(STAMP), `${firstLine(core)}\n`, { mode: 0o644 });
    const touch = spawnSync('touch', ['-r', node, '--', tmp(STAMP)], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    if (touch.status !== 0) throw new Error(`touch -r ${node} failed: ${(touch.stderr || String(touch.error)).trim()}`);
    fs.renameSync(tmp(STAMP), stamp);
  } catch (e) {
    removeQuietly(stamp);
    removeQuietly(blob);
    removeQuietly(join(dist, NODE_LINK));
    throw e;
  } finally {
    removeQuietly(entry);
    removeQuietly(made);
    removeQuietly(tmp(STAMP));
    removeQuietly(tmp(NODE_LINK));
  }
}

/** Whether dist's snapshot is for this Node.js and these bundles (what bin/mchard.js's shell checks). */
function snapshotCurrent(dist) {
  try {
    const node = fs.statSync(process.execPath, { bigint: true });
    const linked = fs.statSync(join(dist, NODE_LINK), { bigint: true });
    const stamp = fs.statSync(join(dist, STAMP), { bigint: true });
    return (
      fs.statSync(join(dist, BLOB)).isFile() &&
      node.dev === linked.dev &&
      node.ino === linked.ino &&
      node.mtimeNs === stamp.mtimeNs &&
      fs.readFileSync(join(dist, STAMP), 'latin1') === `${firstLine(join(dist, 'mchard.js'))}\n`
    );
  } catch {
    return false;
  }
}

module.exports = { BLOB, STAMP, NODE_LINK, LOADS, builtinsMayLoad, buildSnapshot, snapshotCurrent, findBuiltinCodeCache, dropFromSnapshot, Reader };
