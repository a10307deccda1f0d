// What the core bundle's top level reads of the host, for the single executable's start-up snapshot
// (scripts/build-sea.mjs): the snapshot is taken after the core's top level ran on the build machine, so
// anything that top level reads of the host (the environment, the working folder, the clock, the user,
// the terminal, files, os.*, a random number) would be the build machine's answer on every server. The
// build refuses such a core; test/integration/sea.test.ts holds this check to doctored bundles.
//
// checkCoreTopLevel(source) runs the bundle's top level (as the executable's main script does, wrapped as
// a CommonJS module) with each way to the host watched, and returns what it used, one string each
// (empty: nothing). Watched: every property of `process` but the few that are constants of the node
// binary itself (the executable is that binary: its platform, CPU and version cannot differ from the
// build's); the clock (Date, performance), Math.random, Intl (time zone, locale), timers and
// microtasks, console, SharedArrayBuffer and Atomics (a snapshot cannot hold a shared buffer),
// globalThis; and a call of any function of a Node.js module the bundle requires, but node:path's that
// only work on their arguments. Reading a module's function without calling it is fine (the code keeps a
// reference for later). Nothing is blocked: the top level runs to its end, so every read is listed.

import { builtinModules, createRequire } from 'node:module';

const defaultRequire = createRequire(import.meta.url);
const defaultBuiltins = new Set(builtinModules);

/** Properties of `process` that are constants of the node binary (the executable is that binary). */
const PROCESS_CONSTANTS = new Set(['platform', 'arch', 'version', 'versions', 'release']);
/** Functions that only work on their arguments (path.resolve and path.relative read the working folder). */
const PURE = { 'node:path': new Set(['join', 'dirname', 'basename', 'extname', 'normalize', 'isAbsolute', 'parse', 'format', 'sep', 'delimiter', 'posix', 'win32']) };
/** Globals a top level must not touch at all (any property read or call is listed). */
const WATCHED_GLOBALS = ['Date', 'performance', 'Intl', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'console', 'SharedArrayBuffer', 'Atomics', 'globalThis', 'global', 'navigator', 'fetch', 'crypto'];

export function checkCoreTopLevel(source, realRequire = defaultRequire) {
  const reads = new Set();
  const note = (what) => reads.add(what);

  const watchProcess = new Proxy(process, {
    get(target, key) {
      if (typeof key === 'string' && !PROCESS_CONSTANTS.has(key)) note(`process.${key}`);
      return Reflect.get(target, key, target);
    },
    set(target, key, value) {
      note(`process.${String(key)} (set)`);
      return Reflect.set(target, key, value, target);
    },
  });

  /** A module object whose functions note their calls (but the pure ones). */
  const watchModule = (id, object, path = id) =>
    new Proxy(object, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof key !== 'string') return value;
        const d = Object.getOwnPropertyDescriptor(target, key);
        if (d && !d.configurable && !d.writable) return value;
        if (typeof value === 'function') {
          if (PURE[id]?.has(key)) return value;
          return new Proxy(value, {
            apply(fn, self, args) {
              note(`${path}.${key}()`);
              return Reflect.apply(fn, self, args);
            },
            construct(fn, args) {
              note(`new ${path}.${key}()`);
              return Reflect.construct(fn, args);
            },
          });
        }
        if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !PURE[id]?.has(key)) return watchModule(id, value, `${path}.${key}`);
        return value;
      },
    });

  const watchGlobal = (name, value) => {
    if (value === undefined || value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
    return new Proxy(value, {
      get(target, key) {
        if (typeof key === 'string') note(`${name}.${key}`);
        return Reflect.get(target, key, target);
      },
      apply(fn, self, args) {
        note(`${name}()`);
        return Reflect.apply(fn, self, args);
      },
      construct(fn, args) {
        note(`new ${name}()`);
        return Reflect.construct(fn, args);
      },
    });
  };
  // Math: only Math.random is the host's (its seed); the rest are pure.
  const watchMath = new Proxy(Math, {
    get(target, key) {
      if (key === 'random') note('Math.random');
      return Reflect.get(target, key, target);
    },
  });

  const require = (id) => {
    if (typeof id !== 'string' || !(id.startsWith('node:') || defaultBuiltins.has(id))) {
      note(`require(${JSON.stringify(id)})`);
      return {};
    }
    return watchModule(id.startsWith('node:') ? id : `node:${id}`, realRequire(id));
  };
  const names = ['exports', 'require', 'module', '__filename', '__dirname', 'process', 'Math', ...WATCHED_GLOBALS];
  // eslint-disable-next-line no-new-func
  const run = new Function(...names, source);
  const mod = { exports: {} };
  run(mod.exports, require, mod, '/mchard-sea/mchard.js', '/mchard-sea', watchProcess, watchMath, ...WATCHED_GLOBALS.map((g) => watchGlobal(g, globalThis[g])));
  return [...reads].sort();
}
