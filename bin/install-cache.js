#!/usr/bin/env node
// The package's postinstall, for the Node.js that installs mchard:
// - the V8 code caches beside the bundles, made again when the packed ones are not for it (bin/mchard.js
//   installCodeCache);
// - the start-up snapshot (bin/snapshot.js), which is never packed: made for it when the one beside the
//   bundles is missing or another node's (Linux only, as the build makes it).
// Never fails the install: anything that goes wrong (a read-only folder, no dist/ yet in a git checkout,
// whose `prepare` builds it next) leaves things as they are, and runs are then only slower (the first
// run writes a code cache into the user's folder). Quiet unless MCHARD_DEBUG=1.
'use strict';
const say = (what, m) => {
  if (process.env.MCHARD_DEBUG) process.stderr.write(`mchard: ${what} at install: ${m}\n`);
};
const { join } = require('node:path');
const dist = join(__dirname, '..', 'dist');
function snapshot() {
  if (process.platform !== 'linux') return;
  try {
    if (!require('node:fs').existsSync(join(dist, 'mchard.js'))) return say('start-up snapshot', 'no bundle: nothing to do');
    const s = require('./snapshot.js');
    const { WARM_UP_DIR } = require('./mchard.js');
    if (s.snapshotCurrent(dist)) return say('start-up snapshot', 'the one beside the bundles is for this Node.js: kept');
    s.buildSnapshot(dist, join(dist, WARM_UP_DIR));
    say('start-up snapshot', `wrote it for node ${process.version}`);
  } catch (e) {
    say('start-up snapshot', `not written (${e && (e.code || e.message)})`);
  }
}
try {
  require('./mchard.js')
    .installCodeCache()
    .then(
      (m) => say('code cache', m),
      (e) => say('code cache', `not written (${e && (e.code || e.message)})`),
    )
    .then(snapshot);
} catch (e) {
  say('code cache', `not written (${e && (e.code || e.message)})`);
}
