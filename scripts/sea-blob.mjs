// The single executable's preparation blob (what `node --experimental-sea-config` writes and postject
// injects), read and written again by scripts/build-sea.mjs to leave out of its start-up snapshot the
// code cache of Node.js's built-in modules that the snapshot already holds compiled.
//
// Why: a snapshot Node.js builds carries a V8 code cache for every built-in module (324 of them, about
// 2.5 MB with Node.js 20), and a start copies all of it out of the executable into memory of its own,
// page by page, before anything runs. A module loaded while the snapshot was built (fs, path, url,
// buffer, the streams, the module loaders: 82 of them, about 1.3 MB) is in the snapshot's heap
// compiled and marked loaded, so its code cache is never read again in that process; it is only copied.
// The caches of the modules a run may still load (vm, child_process, crypto, net...) are kept.
//
// The layouts, as Node.js 20 writes them (src/node_sea.cc, src/node_snapshotable.cc); integers are
// little-endian, `size_t` 8 bytes:
//   preparation blob: u32 magic, u32 flags, string code path, string main script or snapshot,
//     [string code cache] (flag 1 << 2), [u64 count, (string key, string content) * count] (flag 1 << 3);
//     a string is a u64 length and its bytes.
//   snapshot: u32 magic, metadata (u8 type, string version, string arch, string platform, u32 V8 cache
//     tag, u32 flags), i32 length and the V8 startup data, the isolate's and the environment's
//     serialised state, and last the built-in modules' code cache: u64 count, (string id, u64 length,
//     bytes) * count.
// Everything is checked as it is read: a blob that is not read back to its last byte, or that does not
// write back byte for byte, is refused (the build then keeps Node.js's blob as it is).

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The snapshot's own layout is read by bin/snapshot.js (the npm package's start-up snapshot has it too).
const { Reader, findBuiltinCodeCache, dropFromSnapshot } = createRequire(import.meta.url)('../bin/snapshot.js');
export { findBuiltinCodeCache };

const SEA_USE_CODE_CACHE = 1 << 2;
const SEA_INCLUDE_ASSETS = 1 << 3;
const SEA_USE_SNAPSHOT = 1 << 1;

const u32 = (v) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const u64 = (v) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};
const str = (b) => [u64(b.length), b];

/** The preparation blob's parts; throws on anything else. */
export function parseSeaBlob(buf) {
  const r = new Reader(buf);
  const magic = r.u32();
  const flags = r.u32();
  const codePath = r.string();
  const main = r.string();
  const codeCache = flags & SEA_USE_CODE_CACHE ? r.string() : null;
  const assets = [];
  if (flags & SEA_INCLUDE_ASSETS) {
    const n = r.u64();
    for (let i = 0; i < n; i++) assets.push([r.string(), r.string()]);
  }
  if (r.at !== buf.length) throw new Error(`${buf.length - r.at} bytes after the blob's last part`);
  return { magic, flags, codePath, main, codeCache, assets };
}

export function writeSeaBlob({ magic, flags, codePath, main, codeCache, assets }) {
  const parts = [u32(magic), u32(flags), ...str(codePath), ...str(main)];
  if (flags & SEA_USE_CODE_CACHE) parts.push(...str(codeCache));
  if (flags & SEA_INCLUDE_ASSETS) {
    parts.push(u64(assets.length));
    for (const [k, v] of assets) parts.push(...str(k), ...str(v));
  }
  return Buffer.concat(parts);
}

/**
 * The preparation blob with its snapshot's code cache of the built-in modules `drop(id)` says yes to
 * left out (the others kept as they are), and what was left out. Throws if the blob is not one this
 * file reads.
 */
export function dropBuiltinCodeCache(blob, drop) {
  const sea = parseSeaBlob(blob);
  if (!writeSeaBlob(sea).equals(blob)) throw new Error('the blob does not write back byte for byte');
  if (!(sea.flags & SEA_USE_SNAPSHOT)) throw new Error('the blob holds no snapshot');
  const { snapshot: main, dropped } = dropFromSnapshot(sea.main, drop);
  return { blob: writeSeaBlob({ ...sea, main }), dropped, bytes: sea.main.length - main.length };
}

// The fuse Node.js checks to know that it carries an application (from the SEA documentation).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * Makes `exe` a single executable carrying the preparation blob `blob`: a copy of the node binary that
 * runs this, with the blob injected by postject. Returns postject's run (its status says whether it worked).
 */
export function injectSeaBlob(exe, blob, options = {}) {
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  return spawnSync(process.execPath, [postject, exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { encoding: 'utf8', ...options });
}
