#!/usr/bin/env node
// The package's postinstall: the V8 code caches beside the bundles, made again for the Node.js that
// installs mchard when the packed ones are not for it (bin/mchard.js installCodeCache). Never fails the
// install: anything that goes wrong (a read-only folder, no dist/ yet in a git checkout, whose `prepare`
// builds it next) leaves the caches as they are, and the first run then writes one into the user's folder.
// Quiet unless MCHARD_DEBUG=1.
'use strict';
const say = (m) => {
  if (process.env.MCHARD_DEBUG) process.stderr.write(`mchard: code cache at install: ${m}\n`);
};
try {
  require('./mchard.js')
    .installCodeCache()
    .then(say, (e) => say(`not written (${e && (e.code || e.message)})`));
} catch (e) {
  say(`not written (${e && (e.code || e.message)})`);
}
