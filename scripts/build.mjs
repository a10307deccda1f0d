#!/usr/bin/env node
// Bundles the CLI into dist/ with esbuild: one entry file plus lazily loaded chunks, so `lint` and
// `inspect` never load what only `fix` needs. The bundle is a build output; src/ stays the source.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: { mchard: join(root, 'src/cli/entry.ts') },
  outdir: join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  define: { __MCHARD_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: "import { createRequire as __mchardRequire } from 'node:module'; const require = __mchardRequire(import.meta.url);" },
  logLevel: 'warning',
});
