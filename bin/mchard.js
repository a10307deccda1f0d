#!/bin/sh
":" /*
# mchard's executable is run by /bin/sh first: these lines are a shell script to the shell and a comment
# to Node.js, which reads the file from the line after the shebang. The shell starts Node.js from
# mchard's V8 start-up snapshot (dist/mchard.snapshot: the core compiled and initialised, see
# bin/snapshot.js) when the snapshot's stamp says it was made by the very `node` binary the shell would
# run and for the core beside it; otherwise, and for what is answered without the core (--version,
# --help, no command), it runs this file with `node`, as a plain `#!/usr/bin/env node` would. Either way
# the same output (test/cli/snapshot.test.ts); the snapshot only starts faster. MCHARD_CODE_CACHE=off and
# NODE_OPTIONS (flags a snapshot was not made with: Node.js would refuse it) run this file. Nothing here
# reads the files mchard is given (only the package's own and the first node in PATH), and $0 is only
# ever a quoted argument.
self=$0
# npm links the command to this file: PREFIX/bin/mchard -> ../lib/node_modules/mchard/bin/mchard.js, and
# DIR/node_modules/.bin/mchard -> ../mchard/bin/mchard.js. Those are checked with test -ef (the same
# file), which needs no program run; any other link is resolved by readlink.
if [ -L "$self" ]; then
  case $self in
    *"/node_modules/.bin/"*) self=${self%/.bin/*}/mchard/bin/mchard.js ;;
    *"/bin/"*) self=${self%/bin/*}/lib/node_modules/mchard/bin/mchard.js ;;
    *) self= ;;
  esac
  if [ -z "$self" ] || [ -L "$self" ] || ! [ "$self" -ef "$0" ]; then self=$(readlink -f -- "$0" 2>/dev/null) || self=; fi
fi
case ${1-} in ''|-V|--version|-h|--help) self= ;; esac
if [ -n "$self" ] && [ "${MCHARD_CODE_CACHE-}" != off ] && [ -z "${NODE_OPTIONS-}" ]; then
  dist=${self%/*}/../dist
  # The node a plain `exec node` would run: the first executable file named node in PATH.
  node= ifs=$IFS IFS=:
  set -f
  for d in $PATH; do [ -f "${d:-.}/node" ] && [ -x "${d:-.}/node" ] && node=${d:-.}/node && break; done
  set +f
  IFS=$ifs
  # pre-commit's node environments (nodeenv --node=system) put first in PATH a five-line `node` shim that
  # sets three variables and runs the system's node (mchard reads none of them). Its last line names
  # that binary: recognised exactly, as nodeenv writes it (0.13: a bare path; 1.x: a single-quoted one).
  if [ -n "$node" ] && ! [ "$node" -ef "$dist/mchard.snapshot.node" ]; then
    l1= l2= l3= l4= l5= l6= shim=
    { read -r l1; read -r l2; read -r l3; read -r l4; read -r l5; read -r l6; } 2>/dev/null < "$node"
    case $l1 in '#!/usr/bin/env bash'|'#!/usr/bin/env sh')
      if [ "${l2%%=*}" = 'export NODE_PATH' ] && [ "${l3%%=*}" = 'export NPM_CONFIG_PREFIX' ] &&
        [ "${l4%%=*}" = 'export npm_config_prefix' ] && [ -z "$l6" ]; then
        case $l5 in
          "exec '/"*"' \"\$@\"") shim=${l5#"exec '"}; shim=${shim%"' \"\$@\""} ;;
          "exec /"*" \"\$@\"") shim=${l5#"exec "}; shim=${shim%" \"\$@\""} ;;
        esac
        case $shim in *[!A-Za-z0-9/._+-]*) shim= ;; esac
      fi ;;
    esac
    [ -n "$shim" ] && node=$shim
  fi
  # The snapshot's: the file (device and inode) now at the path of the binary that made it, with that
  # binary's modification time to the nanosecond (the stamp's: a binary replaced or changed since
  # differs), and for the core beside it (its first line).
  if [ -n "$node" ] && [ "$node" -ef "$dist/mchard.snapshot.node" ] && ! [ "$node" -nt "$dist/mchard.snapshot.stamp" ] &&
    ! [ "$node" -ot "$dist/mchard.snapshot.stamp" ] && read -r built 2>/dev/null < "$dist/mchard.snapshot.stamp" &&
    read -r core 2>/dev/null < "$dist/mchard.js" && [ "$built" = "$core" ] && [ -f "$dist/mchard.snapshot" ]; then
    exec "$node" --snapshot-blob "$dist/mchard.snapshot" -- "$@"
  fi
  if [ -n "${MCHARD_DEBUG-}" ]; then
    # None at all: the package's install script did not run (npm --ignore-scripts; pnpm 10 runs a
    # dependency's only once approved). The script makes one when run by hand.
    if [ -f "$dist/mchard.snapshot" ]; then echo "mchard: start-up snapshot: none for this node and build: not used" >&2
    else echo "mchard: start-up snapshot: none beside the bundles (the package's install script did not run; node ${self%/*}/install-cache.js makes one): not used" >&2; fi
  fi
fi
exec node "$0" "$@"
*/
// mchard's executable: runs the bundle built by `npm run build` (run automatically by `npm install` and
// `npm ci`). CommonJS (bin/package.json), as the bundle is: an ES module entry costs Node.js its ES
// module loader on every start.
//
// Each bundle (the core, dist/mchard.js, and the groups it loads when a command or a file needs them:
// rules.js, reports.js, more.js, dialects.js, compose.js, fix.js, audit.js, lsp.js) is compiled with V8's code cache, so that V8 deserialises the
// compiled code instead of parsing and compiling the bundle on each start. A cache belongs to one build
// of the bundles (their first line names the build: a hash of the bundles' files) and one Node.js binary.
// Two places hold one:
//
// - beside the bundle, dist/FILE.cache, written by the build after a warm-up run (writeCodeCache below:
//   lint, inspect and SARIF for the core; the other dialects, fix, rules and explain for theirs) for the
//   Node.js that ran the build, and written again at install (the package's postinstall,
//   bin/install-cache.js: installCodeCache below) when the installing Node.js rejects them; trusted as
//   the bundle is;
// - the user's cache folder ($XDG_CACHE_HOME/mchard, else ~/.cache/mchard), for any other Node.js (a
//   registry install, a second Node.js version), V8 flags that make V8 reject the build's cache, or a
//   group the build's warm-up does not run (the language server): written after the first lint,
//   inspect, fix or audit that ran without a cache V8 took (the language server's when it exits), one
//   file per group, build, Node.js version and set of Node.js flags,
//   GROUP-BUILD-node-VERSION-ARCH[-fFLAGS].cache; looked for first.
//
// A cache from the user's folder is read only when it is a regular file owned by the user running
// mchard and writable by no one else (not a symbolic link), and its folder is the user's too; it is
// written to a temporary file and renamed, so a reader never sees half of one. V8 of Node.js 20 does not
// check a code cache's contents (a corrupt one can crash the process), so these caches carry V8's own
// checksum, which V8 verifies when --verify-snapshot-checksum is set (set here, for this process only,
// before the cache is read, through Node.js 20's V8 binding rather than node:v8, which would load the
// stream stack: verifyChecksums below; the flag also enters V8's flag hash, so a cache made without it is
// never taken for one made with it). Besides that checksum, V8 itself checks a cache's magic number, its
// V8 version, its flag hash, the source's length and that the payload fits the file. Any cache V8
// rejects (script.cachedDataRejected: another V8, other flags, a bad checksum) leaves the bundle compiled
// from source, as if there were no cache: slower, never different; the user's cache is then written
// again. No failure here (no home folder, a read-only one, a full disk) stops mchard or prints anything;
// MCHARD_DEBUG=1 says what happened.
//
// MCHARD_CODE_CACHE=off compiles from source, with no cache read or written (benchmarks, debugging).
//
// --version, -V, --help, -h, `help` and no command at all are answered from dist/cli.json, without the
// core (answerWithoutCore below).
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const { dirname, isAbsolute, join } = require('node:path');
const { Script } = require('node:vm');

const DIST = join(__dirname, '..', 'dist');
/** A cache larger than this is not a cache of mchard's (the real one is well under 2 MB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** Other builds' caches in the user's folder are removed once this old (when a new one is written). */
const STALE_MS = 30 * 24 * 3600 * 1000;

/** The CommonJS wrapper of each bundle (part of the text its code cache was made from). */
const WRAP_BEFORE = '(function (exports, require, module, __filename, __dirname) {';
const WRAP_AFTER = '\n})';

function debug(message) {
  if (process.env.MCHARD_DEBUG) fs.writeSync(2, `mchard: code cache: ${message}\n`);
}

function buildOf(source) {
  const m = /^\/\/ mchard \S+ build (\w+)/.exec(source);
  return m ? m[1] : '?';
}

/** The first line of a cache: which build and which Node.js it belongs to. */
function cacheHeader(source, checked = false) {
  return `mchard code cache: build ${buildOf(source)}, node ${process.version} ${process.arch}${checked ? ', checksum' : ''}\n`;
}

/** The user's cache folder for mchard, or null when there is none to use. */
function userCacheDir(env = process.env) {
  if (typeof process.geteuid !== 'function') return null;
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'mchard');
  if (env.HOME && isAbsolute(env.HOME)) return join(env.HOME, '.cache', 'mchard');
  return null;
}

function userCacheName(source, base = 'core') {
  return `${base}-${buildOf(source)}-node-${process.version}-${process.arch}${flagsTag()}.cache`;
}

/**
 * The Node.js flags this process runs with, as a tag in cache names ('' without any): V8 rejects a cache
 * made under other flags, so runs that alternate flags (NODE_OPTIONS set in one shell, not in another)
 * keep one cache each instead of replacing each other's on every run. FNV-1a of the flags.
 */
function flagsTag() {
  // Node.js's options but the code of -e/-p (which never changes V8's flags).
  const code = /^(-e|--eval|-p|--print)(=|$)/;
  // --snapshot-blob (bin/snapshot.js) changes nothing V8 checks in a cache: not a flag here.
  const argv = process.execArgv.filter(
    (a, k, all) => !code.test(a) && a !== '--snapshot-blob' && !(k > 0 && /^(-e|--eval|-p|--print|--snapshot-blob)$/.test(all[k - 1])),
  );
  const flags = [...argv, process.env.NODE_OPTIONS || ''].join('\0');
  if (flags === '' || flags === '\0') return '';
  let h = 0x811c9dc5;
  for (let i = 0; i < flags.length; i++) h = Math.imul(h ^ flags.charCodeAt(i), 0x01000193) >>> 0;
  return `-f${h.toString(16).padStart(8, '0')}`;
}

/** Whether a file or folder (lstat/fstat) is the current user's own and writable by no one else. */
function ownedAndPrivate(st) {
  return st.uid === process.geteuid() && (st.mode & 0o022) === 0;
}

/** Reads up to `size` bytes of fd from its start into `into` at `offset`; returns how many it read. */
function readAll(fd, into, offset, size) {
  let at = 0;
  while (at < size) {
    const n = fs.readSync(fd, into, offset + at, size - at, at);
    if (n === 0) break;
    at += n;
  }
  return at;
}

/**
 * A cache file's bytes (fd, `size` bytes), read so that what follows its first line (`headerLength` bytes:
 * V8's data) starts at a multiple of 8 bytes in memory. V8 copies cached data that is not aligned to a
 * pointer before deserialising it: about 0.7 ms of CPU for the core's (measured in-process, 40 starts).
 * Read into `spare` when it is large enough: the buffer the bundle's text was read into, whose bytes
 * are in the bundle's string by then (a fresh buffer of the cache's size cost about 0.25 ms more in
 * page faults, measured in-process, 60 starts).
 */
function readCacheFile(fd, size, headerLength, spare = null) {
  const data = spare && spare.length >= size + 7 ? spare : Buffer.allocUnsafe(size + 7);
  const pad = (8 - ((data.byteOffset + headerLength) % 8)) % 8;
  return data.subarray(pad, pad + readAll(fd, data, pad, size));
}

/**
 * A bundle's text inside the CommonJS wrapper it is compiled in (WRAP_BEFORE, WRAP_AFTER), made as one
 * string from one buffer holding the three (`wrapped`; `buffer`, free to be read into again).
 * Concatenated (`${WRAP_BEFORE}${text}${WRAP_AFTER}`), the wrapped text was a second string of the
 * bundle's size that V8 flattened, copying it, before compiling it: about 1.2 ms of CPU for the core
 * (measured in-process, 40 starts). The same characters either way
 * (test/cli/code-cache.test.ts). latin1: the bundles are ASCII (esbuild escapes everything else), and a
 * one-byte string needs no decoding.
 */
function readBundle(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(WRAP_BEFORE.length + size + WRAP_AFTER.length);
    buffer.write(WRAP_BEFORE, 0, 'latin1');
    const n = readAll(fd, buffer, WRAP_BEFORE.length, size);
    buffer.write(WRAP_AFTER, WRAP_BEFORE.length + n, 'latin1');
    return { wrapped: buffer.toString('latin1', 0, WRAP_BEFORE.length + n + WRAP_AFTER.length), buffer };
  } finally {
    fs.closeSync(fd);
  }
}

/** A bundle's text inside its CommonJS wrapper, as compiled (readBundle). */
function wrappedSource(file) {
  return readBundle(file).wrapped;
}

/**
 * The bytes of a cache in the user's folder, when it can be trusted, read as readCacheFile does for a
 * first line of `headerLength` bytes; null otherwise (with the reason under MCHARD_DEBUG).
 */
function readUserCache(dir, name, headerLength, spare) {
  let fd;
  let held = null;
  try {
    // Without an exception when there is no cache (the usual case when the build's cache is taken):
    // a process's first exception costs from 0.2 to 2 ms (Node.js formats the error and captures a stack).
    // What is opened is checked by fstat below, not by these lstats.
    if (!fs.lstatSync(dir, { throwIfNoEntry: false })) return null;
    held = holdCacheFolder(dir);
    if (!held) return null;
    if (!fs.lstatSync(`${held.at}/${name}`, { throwIfNoEntry: false })) return null;
    fd = fs.openSync(`${held.at}/${name}`, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    if (e && e.code !== 'ENOENT') debug(`${join(dir, name)}: ${e.code || e.message}`);
    return null;
  } finally {
    if (held) fs.closeSync(held.fd);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !ownedAndPrivate(st) || st.size > MAX_CACHE_BYTES) {
      debug(`${join(dir, name)} is not a regular file of this user's that only they can write: not used`);
      return null;
    }
    return readCacheFile(fd, st.size, headerLength, spare);
  } catch (e) {
    debug(`${join(dir, name)}: ${e && (e.code || e.message)}`);
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The user's cache folder held open (never through a symbolic link), when it is a folder of this user's
 * that only they can write: { fd, at }, `at` naming it through the descriptor (/proc/self/fd/N), so its
 * files are read, written and removed in the folder checked, not in one swapped for a link after the check
 * (by whoever can write the folder above it: root with another user's HOME). null otherwise. Throws what
 * opening it throws (ENOENT).
 */
function holdCacheFolder(dir) {
  let fd;
  try {
    fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
  } catch (e) {
    if (e && (e.code === 'ELOOP' || e.code === 'ENOTDIR')) {
      debug(`${dir} is not a folder of this user's that only they can write: not used`);
      return null;
    }
    throw e;
  }
  const st = fs.fstatSync(fd);
  if (!st.isDirectory() || !ownedAndPrivate(st)) {
    fs.closeSync(fd);
    debug(`${dir} is not a folder of this user's that only they can write: not used`);
    return null;
  }
  return { fd, at: fs.existsSync(`/proc/self/fd/${fd}`) ? `/proc/self/fd/${fd}` : dir };
}

/** The build's cache beside a bundle (FILE.cache), read as readCacheFile does; null when there is none. */
function readBesideCache(file, headerLength, spare) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    // no cache beside the bundle (built with --no-code-cache, not shipped, or a group the build's warm-up does not run)
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    return st.isFile() && st.size <= MAX_CACHE_BYTES ? readCacheFile(fd, st.size, headerLength, spare) : null;
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Makes the user's cache folder when it is missing, and says whether a cache may be written there: a
 * folder of this user's that only they can write. Folders are made only inside one of the user's own
 * (root running with another user's HOME must not leave root's folders in it). Asked before a cache is
 * made (createCachedData costs about 8 ms for the core), so a run that cannot keep one (a read-only or
 * foreign home, as in many containers) does not make one. Never throws.
 */
function userCacheFolder(dir) {
  try {
    let existing = dir;
    for (;;) {
      try {
        fs.lstatSync(existing);
        break;
      } catch (e) {
        if (!e || e.code !== 'ENOENT' || dirname(existing) === existing) throw e;
        existing = dirname(existing);
      }
    }
    if (fs.statSync(existing).uid !== process.geteuid()) {
      debug(`${existing} is not this user's: no cache written`);
      return false;
    }
    // Whose the folder at the end is says nothing when another user's symbolic link leads there (root with
    // HOME=/home/u, and u's ~/.cache -> /etc: root's /etc would get a folder and caches): every link on the
    // way must be this user's or root's.
    const foreign = foreignLinkOn(existing);
    if (foreign) {
      debug(`${foreign} leads through a symbolic link of another user's: no cache written`);
      return false;
    }
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const folder = fs.lstatSync(dir);
    if (!folder.isDirectory() || !ownedAndPrivate(folder)) {
      debug(`${dir} is not a folder of this user's that only they can write: no cache written`);
      return false;
    }
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch (e) {
    debug(`could not write a cache in ${dir}: ${e && (e.code || e.message)}`);
    return false;
  }
}

/** The first component of the absolute path `path` that is a symbolic link of a user other than this one and root, or null. */
function foreignLinkOn(path) {
  let at = '';
  for (const part of path.split('/')) {
    if (part === '') continue;
    at += `/${part}`;
    const st = fs.lstatSync(at);
    if (st.isSymbolicLink() && st.uid !== process.geteuid() && st.uid !== 0) return at;
  }
  return null;
}

/** Writes a cache into the user's folder (userCacheFolder said yes): a private temporary file, renamed into place. Never throws. */
function writeUserCache(dir, name, data) {
  let tmp = null;
  let held = null;
  try {
    held = holdCacheFolder(dir);
    if (!held) return false;
    tmp = `${held.at}/.${name}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    try {
      let at = 0;
      while (at < data.length) at += fs.writeSync(fd, data, at, data.length - at);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, `${held.at}/${name}`);
    tmp = null;
    removeStale(held.at, name);
    debug(`wrote ${join(dir, name)}`);
    return true;
  } catch (e) {
    debug(`could not write a cache in ${dir}: ${e && (e.code || e.message)}`);
    if (tmp) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // gone already
      }
    }
    return false;
  } finally {
    if (held) fs.closeSync(held.fd);
  }
}

/** Removes other builds' caches (and leftover temporary files) not touched for STALE_MS. */
function removeStale(dir, keep) {
  const now = Date.now();
  for (const entry of fs.readdirSync(dir)) {
    if (entry === keep || !/^\.?(core|rules|reports|more|dialects|compose|audit|fix|lsp)-\w+-node-.+\.cache(\.\d+\.\w+)?$/.test(entry)) continue;
    try {
      const st = fs.lstatSync(join(dir, entry));
      if (st.isFile() && now - st.mtimeMs > STALE_MS) fs.unlinkSync(join(dir, entry));
    } catch {
      // another mchard removed it
    }
  }
}

/** Whether this process has set V8's --verify-snapshot-checksum (verifyChecksums). */
let checksumsVerified = false;

/**
 * Sets V8's --verify-snapshot-checksum for this process (caches in the user's folder carry V8's checksum,
 * which V8 of Node.js 20 verifies only under this flag); returns whether it is set (when it is not, no
 * cache is read from the user's folder or written there).
 *
 * Under Node.js 20 through the binding node:v8 itself calls, process.binding('v8'): loading node:v8 also
 * loads Node.js's stream stack (for its heap snapshots), about 2 ms of CPU on every run that reads a cache
 * from the user's folder, where this costs a fraction of one. process.binding('v8') warns once that it is
 * deprecated (DEP0111); process.noDeprecation, set for this call only, keeps that warning from being made
 * (also under --throw-deprecation, --trace-deprecation and --pending-deprecation). The permission model
 * refuses process.binding, and other Node.js versions may not have this binding (the newest do not): there,
 * node:v8's own setFlagsFromString.
 */
function verifyChecksums() {
  if (checksumsVerified) return true;
  const flag = '--verify-snapshot-checksum';
  if (process.versions.node.startsWith('20.') && typeof process.binding === 'function') {
    // Under --no-deprecation, process.noDeprecation is true already, and read-only.
    const own = Object.prototype.hasOwnProperty.call(process, 'noDeprecation');
    const before = process.noDeprecation;
    let changed = false;
    try {
      if (before !== true) {
        process.noDeprecation = true;
        changed = true;
      }
      const binding = process.binding('v8');
      if (binding && typeof binding.setFlagsFromString === 'function') {
        binding.setFlagsFromString(flag);
        checksumsVerified = true;
        return true;
      }
    } catch {
      // refused (the permission model), or the warning could not be kept quiet: node:v8 below
    } finally {
      if (changed && own) process.noDeprecation = before;
      else if (changed) delete process.noDeprecation;
    }
  }
  try {
    require('node:v8').setFlagsFromString(flag);
    checksumsVerified = true;
  } catch (e) {
    debug(`could not set ${flag}: ${e && (e.code || e.message)}`);
  }
  return checksumsVerified;
}

/** The bundle's files (scripts/build.mjs's groups); each is compiled with its own code cache. */
const GROUP_FILES = new Set(['mchard.js', 'rules.js', 'reports.js', 'more.js', 'dialects.js', 'compose.js', 'audit.js', 'fix.js', 'lsp.js']);

/** A group's name in cache file names: the core is "core", the others their file's name. */
function cacheBase(file) {
  const name = file.slice(file.lastIndexOf('/') + 1);
  return name === 'mchard.js' ? 'core' : name.replace(/\.js$/, '');
}

/**
 * Loads the package's bundles for one process: each group file is compiled (with its code cache when V8
 * takes one) and run as a CommonJS module, once; a group's require('./other.js') of another group comes
 * back here, so every group is compiled with its cache and exists once. `cache` is where code caches
 * come from: 'all' (beside the bundle, else the user's folder), 'beside' (only beside the bundle: the
 * build's warm-up reads none, the tests' builds) or 'none'.
 */
function makeLoader(dist = DIST, cache = 'all', env = process.env, seed = null) {
  if (env.MCHARD_CODE_CACHE === 'off') cache = 'none';
  const dir = cache === 'all' ? userCacheDir(env) : null;
  /** file -> { exports, script, file, header, head, base, from, wantsUserCache } */
  const loaded = seed ?? new Map();

  function requireFor(file) {
    const plain = Module.createRequire(file);
    const req = (id) => (typeof id === 'string' && id.startsWith('./') && GROUP_FILES.has(id.slice(2)) ? load(join(dist, id.slice(2))).exports : plain(id));
    req.resolve = plain.resolve;
    req.cache = plain.cache;
    return req;
  }

  function load(file) {
    const known = loaded.get(file);
    if (known) return known;
    const base = cacheBase(file);
    const { wrapped, buffer } = readBundle(file);
    // The bundle's first line, which names its build.
    const head = wrapped.substring(WRAP_BEFORE.length, WRAP_BEFORE.length + 200);
    /** Where the cache that was offered to V8 came from: 'user', 'beside' or null. */
    let from = null;
    let cachedData;
    // The user's cache first: there is one only when the cache beside the bundle is missing, for another
    // Node.js, or rejected by V8 (other V8 flags), and looking costs one failed open() otherwise.
    if (dir) {
      const header = cacheHeader(head, true);
      const data = readUserCache(dir, userCacheName(head, base), header.length, buffer);
      if (data && data.toString('latin1', 0, header.length) === header) {
        // Never offered to V8 without its checksum verified.
        if (verifyChecksums()) {
          cachedData = data.subarray(header.length);
          from = 'user';
        }
      } else if (data) {
        debug(`a cache of another build or Node.js in the user folder: not used (${base})`);
      }
    }
    if (!cachedData && cache !== 'none') {
      const header = cacheHeader(head);
      const data = readBesideCache(`${file}.cache`, header.length, buffer);
      if (data && data.toString('latin1', 0, header.length) === header) {
        cachedData = data.subarray(header.length);
        from = 'beside';
      }
    }
    const script = new Script(wrapped, { filename: file, cachedData });
    const rejected = cachedData !== undefined && script.cachedDataRejected === true;
    if (rejected) debug(`V8 rejected the cache ${from === 'user' ? `in ${dir}` : `beside ${file}`}: compiled from source`);
    // In require's cache too, so anything that loads a group by Node.js's own require shares this instance.
    const mod = new Module(file, module);
    mod.filename = file;
    mod.loaded = true;
    require.cache[file] = mod;
    const record = {
      exports: mod.exports,
      script,
      file,
      header: cacheHeader(head),
      head,
      base,
      from: rejected ? null : from,
      /** Whether the run should leave a cache in the user's folder: it had none that V8 took. */
      wantsUserCache: dir !== null && (from === null || rejected),
      dir,
    };
    loaded.set(file, record);
    script.runInThisContext()(mod.exports, requireFor(file), mod, file, dist);
    record.exports = mod.exports;
    return record;
  }

  return { load, loaded, dist };
}

/**
 * Compiles and runs dist/mchard.js (and, when it asks, the other groups) as CommonJS modules; returns the
 * core's exports, its compiled script and where its cache came from, and the loader (which groups ran).
 */
function loadCore(dist = DIST, cache = 'all', env = process.env) {
  const loader = makeLoader(dist, cache, env);
  const core = loader.load(join(dist, 'mchard.js'));
  return { ...core, loader };
}

/**
 * The loader of the other bundles in a process started from the start-up snapshot (bin/snapshot.js):
 * the core is the snapshot's instance, initialised already (the other bundles' require('./mchard.js')
 * gets it); each other bundle is compiled as makeLoader compiles it, with its code cache.
 */
function snapshotLoader(dist, core) {
  const file = join(dist, 'mchard.js');
  const record = { exports: core.exports, script: null, file, header: '', head: '', base: 'core', from: 'snapshot', wantsUserCache: false, dir: null };
  return makeLoader(dist, 'all', process.env, new Map([[file, record]]));
}

/** The groups this process loaded, as file names (mchard.js first). */
function loadedGroups(core) {
  return [...core.loader.loaded.keys()].map((f) => f.slice(f.lastIndexOf('/') + 1));
}

/** After a run without a usable cache: each group's compiled code (the functions that ran included) into the user's folder. */
function saveUserCache(core) {
  let wrote = false;
  const usable = new Map();
  for (const g of core.loader.loaded.values()) {
    // Without the flag, V8 writes no checksum (and a cache it could not check is never read).
    if (!g.wantsUserCache || !verifyChecksums()) continue;
    if (!usable.has(g.dir)) usable.set(g.dir, userCacheFolder(g.dir));
    if (!usable.get(g.dir)) continue;
    const data = g.script.createCachedData();
    if (writeUserCache(g.dir, userCacheName(g.head, g.base), Buffer.concat([Buffer.from(cacheHeader(g.head, true), 'latin1'), data]))) wrote = true;
  }
  return wrote;
}

/**
 * The build's warm-up: runs each group's commands on sample files, then writes each group's code cache
 * beside it. The core's cache is taken right after the core's own commands (lint, inspect, SARIF): a
 * cache holds every function compiled so far, and the core's must not carry what only fix or Compose
 * run (it would cost every lint to deserialise). No command here writes anything or asks the host.
 */
async function writeCodeCache(dist, samples) {
  const core = loadCore(dist, 'none');
  const { main } = core.exports;
  const quiet = { out() {}, err() {}, stdoutStream: {}, stdinIsTTY: false };
  const sample = (name) => join(samples, name);
  // Written to a temporary file and renamed: V8 of Node.js 20 does not check the contents of a cache
  // beside the bundle (no checksum flag for those), so a run must never find half of one (the install's
  // warm-up below may write while a run reads).
  const write = (g) => {
    const tmp = `${g.file}.cache.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(g.header, 'latin1'), g.script.createCachedData()]), { mode: 0o644 });
    fs.renameSync(tmp, `${g.file}.cache`);
  };
  for (const name of ['insecure-debian.conf', 'insecure-rhel.sysconfig']) {
    for (const cmd of ['lint', 'inspect']) await main([cmd, sample(name)], quiet);
  }
  // SARIF, as code scanning runs it: its report, the rules' help and the fingerprints compiled too.
  await main(['lint', '--format', 'sarif', sample('insecure-debian.conf')], quiet);
  // Whether standard output is a terminal, as a user's run asks it (the warm-up's own output is a pipe, and
  // `quiet` never asks), and the writer of standard output: compiled too. Nothing is written.
  const io = core.exports.modules && core.exports.modules['src/cli/io.ts'];
  if (io && typeof io.ttyBinding === 'function') {
    const isTTY = io.ttyBinding();
    if (isTTY) isTTY(1);
    void io.processIo.stdoutStream.isTTY;
    io.processIo.out(''); // returns before writing: compiles the writer of standard output
  }
  // The core's cache, and those of the groups these commands loaded (the reports'), now: each
  // holds what these commands ran, before the rest of the warm-up (V8 drops the compiled code of
  // functions that have not run for a while when it collects garbage).
  const written = new Set();
  for (const g of core.loader.loaded.values()) {
    write(g);
    written.add(g);
  }
  // The other dialects (systemd, OpenRC, rc.conf, supervisord; Compose and its YAML parser), then fix.
  const others = ['insecure-memcached.service', 'insecure-memcached.confd', 'freebsd-rc.conf', 'supervisord-memcached.conf', 'docker-compose.yml'];
  for (const name of others) for (const cmd of ['lint', 'inspect']) await main([cmd, sample(name)], quiet);
  for (const name of ['insecure-debian.conf', 'insecure-rhel.sysconfig', 'docker-compose.yml', 'insecure-memcached.service']) await main(['fix', '--dry-run', sample(name)], quiet);
  // rules and explain (their group, rules.js; what they run of the core stays out of the core's cache).
  for (const args of [['rules'], ['explain', 'MC101']]) await main(args, quiet);
  for (const g of core.loader.loaded.values()) if (!written.has(g)) write(g);
}

/**
 * The sample files (samples/) the warm-up runs commands on, copied by the build into dist/warm-up/ and so
 * shipped in the package: the build's warm-up and the install's (installCodeCache) read the same files.
 */
const WARM_UP_DIR = 'warm-up';
const WARM_UP_SAMPLES = ['insecure-debian.conf', 'insecure-rhel.sysconfig', 'insecure-memcached.service', 'insecure-memcached.confd', 'freebsd-rc.conf', 'supervisord-memcached.conf', 'docker-compose.yml'];

/**
 * At install (the package's postinstall, bin/install-cache.js): when the cache beside the core is
 * missing or V8 rejects it (the package was packed under another Node.js than the one installing it),
 * the build's warm-up again, on the samples shipped in dist/warm-up/, for this Node.js: every group's
 * cache beside its bundle is written anew, so even the first run after the install (an ephemeral CI
 * job's only one) starts with a cache, and no run writes one into the user's folder. Keeps an accepted
 * cache as it is. Returns what it did; throws only what writeCodeCache throws (the caller ignores it).
 */
async function installCodeCache(dist = DIST) {
  const core = join(dist, 'mchard.js');
  if (!fs.existsSync(core) || !fs.existsSync(join(dist, WARM_UP_DIR))) return 'no bundle or no warm-up files: nothing to do';
  const { wrapped, buffer } = readBundle(core);
  const header = cacheHeader(wrapped.substring(WRAP_BEFORE.length, WRAP_BEFORE.length + 200));
  const data = readBesideCache(`${core}.cache`, header.length, buffer);
  if (data && data.toString('latin1', 0, header.length) === header) {
    const script = new Script(wrapped, { filename: core, cachedData: data.subarray(header.length) });
    if (script.cachedDataRejected !== true) return 'the caches beside the bundles are for this Node.js: kept';
  }
  await writeCodeCache(dist, join(dist, WARM_UP_DIR));
  return `wrote the caches beside the bundles for node ${process.version}`;
}

/**
 * What `mchard --version`, `-V`, `--help`, `-h`, `help` and a bare `mchard` write, answered without the
 * core: dist/cli.json holds the exact text the core's `main` writes for each (the build runs it, step 5
 * of scripts/build.mjs), so these never read, compile or initialise the bundle. Returns false (and the
 * core answers) for anything else, or when there is no such file (a build from before it).
 */
function answerWithoutCore(argv, dist = DIST) {
  const [cmd, ...rest] = argv;
  if (cmd === '') return false;
  const key = cmd === undefined ? '' : cmd === '-V' ? '--version' : cmd === '-h' || (cmd === 'help' && rest.length === 0) ? '--help' : cmd;
  if (key !== '' && key !== '--version' && key !== '--help') return false;
  let answers;
  try {
    answers = JSON.parse(fs.readFileSync(join(dist, 'cli.json'), 'utf8'));
  } catch {
    return false;
  }
  const a = answers[key];
  if (!a || typeof a.text !== 'string' || (a.fd !== 1 && a.fd !== 2) || typeof a.code !== 'number') return false;
  writeFd(a.fd, a.text);
  process.exitCode = a.code;
  return true;
}

/**
 * Writes to standard output or error as src/cli/io.ts's fdWriter does (the core's writer): synchronously
 * to the descriptor on Linux; a full non-blocking pipe (EAGAIN) or another error hands the rest to
 * Node.js's stream, which waits for the reader; a reader that has gone (EPIPE, EIO) drops it quietly.
 */
function writeFd(fd, text) {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  if (process.platform !== 'linux') return void stream().write(text);
  let data = Buffer.from(text, 'utf8');
  while (data.length > 0) {
    try {
      data = data.subarray(fs.writeSync(fd, data));
    } catch (e) {
      if (e && (e.code === 'EPIPE' || e.code === 'EIO')) return;
      if (e && e.code === 'EINTR') continue;
      const s = stream();
      s.on('error', (err) => {
        if (err.code !== 'EPIPE' && err.code !== 'EIO') throw err;
      });
      return void s.write(data);
    }
  }
}

/**
 * Ends a finished lint or inspect now, when nothing is left to do: no handle, request or timer is active
 * (a write still waiting for a full pipe's reader is one: src/cli/io.ts hands it to Node.js's stream,
 * and then the process ends as usual, when it is written). Called on the next tick, after every promise
 * the command left has settled. Left to itself, the process would go on to a garbage collection V8
 * scheduled while the command ran and to freeing its heap piece by piece: about 2 ms of CPU on a
 * one-file lint (measured, paired with node -e 0), for nothing the user sees.
 */
function exitWhenDone(code) {
  if (typeof process.getActiveResourcesInfo !== 'function' || process.getActiveResourcesInfo().length > 0) return;
  process.exit(code);
}

/**
 * Runs the command `argv` with the core's `main`, then what follows it: `saveCaches` writes the caches of
 * the bundles that ran (the language server ends the process itself, with its exit notification: its
 * caches are written then, with the functions of the whole session compiled; the other commands' once
 * they finish, since a cache is made from a run of the commands it is for), and a finished lint or
 * inspect ends at once (exitWhenDone). This file's start and the start-up snapshot's (bin/snapshot.js)
 * both run a command this way.
 */
function runCommand(main, argv, saveCaches) {
  if (argv[0] === 'lsp') process.once('exit', saveCaches);
  main(argv).then((code) => {
    process.exitCode = code;
    if (['lint', 'inspect', 'fix', 'audit'].includes(argv[0])) saveCaches();
    if (argv[0] === 'lint' || argv[0] === 'inspect') process.nextTick(exitWhenDone, code);
  });
}

if (require.main === module && !answerWithoutCore(process.argv.slice(2))) {
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
  if (core) runCommand(core.exports.main, process.argv.slice(2), () => saveUserCache(core));
}

module.exports = { GROUP_FILES, loadCore, snapshotLoader, runCommand, loadedGroups, saveUserCache, writeCodeCache, installCodeCache, WARM_UP_DIR, WARM_UP_SAMPLES, userCacheDir, userCacheName, answerWithoutCore, wrappedSource, readCacheFile, WRAP_BEFORE, WRAP_AFTER };
