#!/usr/bin/env node
// mchard's executable: the bundle built by `npm run build` (run automatically by `npm install`/`npm ci`).
import('../dist/mchard.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/mchard.js')) {
    process.stderr.write('mchard: not built yet: run "npm run build" (or npm ci) in the mchard folder\n');
  } else {
    process.stderr.write(`mchard: ${e && e.message ? e.message : e}\n`);
  }
  process.exitCode = 2;
});
