#!/usr/bin/env node
// Bundles the CLI into dist/ with esbuild, as a few CommonJS files ("groups") that share modules:
//
//   dist/mchard.js     the core: dispatch, lint, inspect, the Debian and sysconfig dialects, every rule,
//                      the text, JSON and GitHub reports. What a lint or inspect of a Debian or
//                      sysconfig file runs, and all it loads.
//   dist/rules.js      `rules` and `explain`
//   dist/reports.js    the SARIF and GitLab reports and the findings' fingerprints
//   dist/more.js       what the core's modules use only for rarer files or failures: the shell parser
//                      (a Debian line the wrapper runs through /bin/sh), the audit-fed rules' helpers,
//                      the host's package and version probes, the report file writer, suggestions
//   dist/dialects.js   the other dialects but the YAML ones (systemd, OpenRC, rc.conf, supervisord, argv,
//                      Dockerfile, and the container images' and pods' models they share with Compose)
//   dist/compose.js    the YAML dialects (Compose, Kubernetes, Helm values) and the YAML parser
//   dist/audit.js      `mchard audit`
//   dist/fix.js        `mchard fix` (enquirer, execa, diff, src/fix, src/service)
//   dist/lsp.js        `mchard lsp` (vscode-languageserver, src/lsp); it uses fix's planner from fix.js
//
// and dist/cli.json, what the core writes for --version, --help and no command at all (5. below), which
// bin/mchard.js answers without loading the core.
//
// Why groups, not esbuild's automatic chunks: its splitting made 16 ES module chunks on lint's path,
// each resolved, read and linked on every start, and Node.js 20 cannot cache the compiled code of an
// ES module. The core is one CommonJS script that bin/mchard.js compiles with V8's code cache, written
// here after a warm-up run (dist/mchard.js.cache, see bin/mchard.js).
//
// Every module is in exactly one group, so state and classes (UsageError, InputError, the dialect
// registry) exist once. A group imports another group's module through a stub that reads the other
// group's registry (`modules`, keyed by the module's path). A dynamic import() of such a module loads
// the other group's file only then; so does a static import of one of our TypeScript modules: its stub
// knows the module's export names from the build and loads the other group's file when one of them is
// first read (a package's CommonJS module's names are known only once it ran: its group is loaded with
// the importer). A group's roots are its own: no other group takes them in, whoever imports them; any
// other module belongs to the first group, in the order of GROUPS, that reaches it from its roots.
// Measured (CPU): reading a group's file and cache costs about 2 ms per MB, deserialising the cache about
// 6 ms per MB and 0.4 ms per group, and about half of a cache is there for every function of the file
// whether it runs or not; so the core holds what a lint of the commonest files runs, and the rest waits
// in the groups a command or a file needs.
//
//   node scripts/build.mjs [--outdir DIR] [--metafile FILE] [--no-code-cache] [--sea]
//
// --outdir builds somewhere else than dist/ (tests); --metafile writes one JSON object, group name →
// esbuild's metafile of that group (which modules the group's file holds, what it requires);
// --no-code-cache skips the warm-up run (the CLI works without the cache, only starts slower).
// --sea builds the groups for the single executable (scripts/build-sea.mjs carries them as assets):
// minified, and with no SARIF descriptors file (nothing is read from beside the executable).
import { build } from 'esbuild';
import ts from 'typescript';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const flag = (name) => {
  const k = process.argv.indexOf(name);
  return k === -1 ? undefined : process.argv[k + 1];
};
const outdir = resolve(flag('--outdir') ?? join(root, 'dist'));
const metafile = flag('--metafile');
const codeCache = !process.argv.includes('--no-code-cache');
const forSea = process.argv.includes('--sea');

/** The groups, in order of precedence, each with the modules it starts from (paths relative to root). */
const GROUPS = [
  { name: 'core', file: 'mchard.js', roots: ['src/cli/main.ts', 'src/cli/lint.ts', 'src/cli/inspect.ts'] },
  // The core's cold part, each loaded when a binding of one of its modules is first used (lazy stubs,
  // below): what a lint of a Debian or sysconfig file never runs. Placed before the other dialects, so a
  // module these share with them stays here, not in a group a lint would have to load with it. (inspect
  // stays in the core: measured, its own group cost an inspect about 3 ms and saved a lint none.)
  { name: 'rules', file: 'rules.js', roots: ['src/cli/rules.ts'] },
  {
    name: 'reports',
    file: 'reports.js',
    // JSON and GitHub output stay in the core: a kilobyte each, and a second bundle costs more. The
    // report file's writer (--output, baselines) too: with SARIF and GitLab, which CI writes to a file,
    // a report to a file loads this small group rather than more.js.
    // Baselines too (--baseline, --update-baseline, --prune-baseline): only a run that names one reads them.
    roots: ['src/report/sarif.ts', 'src/report/gitlab.ts', 'src/report/fingerprint.ts', 'src/cli/write-atomic.ts', 'src/engine/baseline.ts'],
  },
  {
    name: 'more',
    file: 'more.js',
    roots: [
      'src/dialects/shell.ts',
      // A template's parse (its tags scanned and masked): a lint of a finished file only asks whether it is one.
      'src/dialects/template-parse.ts',
      'src/system/memcached-version.ts',
      'src/system/host-unit.ts',
      'src/system/accounts.ts',
      'src/system/sockets.ts',
      'src/audit/reach.ts',
      'src/audit/firewall/findings.ts',
      'src/suggest.ts',
      'src/json-error.ts',
      // Who can change a file or folder (ACLs, pid files): fix and audit both ask; here, neither loads the other's group for it.
      'src/fix/xattrs.ts',
      'src/system/changeable.ts',
      'src/system/pid-file.ts',
      // What some refused files are (a .rb file: a Homebrew formula, Chef's, other Ruby; a manifest's template).
      'src/dialects/looks-like.ts',
    ],
  },
  {
    name: 'dialects',
    file: 'dialects.js',
    // With the containers' models a lint of another dialect never runs: the images' (Compose, Kubernetes
    // and Helm use it too, through this group) and a pod's reach.
    roots: [...['systemd', 'openrc', 'rcconf', 'supervisord', 'argv', 'dockerfile'].map((d) => `src/dialects/${d}.ts`), 'src/dialects/images/index.ts', 'src/dialects/pod-reach.ts', 'src/dialects/swarm-reach.ts', 'src/dialects/container-reach.ts', 'src/dialects/unit-network.ts'],
  },
  { name: 'compose', file: 'compose.js', roots: ['src/dialects/compose.ts', 'src/dialects/kubernetes.ts', 'src/dialects/helm.ts'] },
  { name: 'audit', file: 'audit.js', roots: ['src/cli/audit.ts'] },
  { name: 'fix', file: 'fix.js', roots: ['src/cli/fix.ts'] },
  // After fix: the planner and the editors stay fix's, so `fix` never loads the LSP library.
  { name: 'lsp', file: 'lsp.js', roots: ['src/lsp/command.ts'] },
];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The npm package's bundles are minified but for their names: whitespace and syntax only, so a stack
  // trace under MCHARD_DEBUG still names each function. Since the start-up snapshot holds the core's
  // source (a string every start deserialises, copies and checksums), its size counts: the core went
  // from 659 kB to 513 kB, and a one-file lint used about 1 ms less CPU (44.8 -> 43.3 ms against 30.2 ms
  // for `node -e 0`, 25 alternated runs each, perf stat); renaming the identifiers too (423 kB) gained
  // nothing more measurable. The single executable's are fully minified, as they always were.
  minify: forSea,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  // Every character beyond ASCII escaped in the code (esbuild's default, said aloud: bin/mchard.js reads the core as latin1).
  charset: 'ascii',
  define: { __MCHARD_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

/**
 * Each rule's `docs` and `sources` deferred: `docs: { ... }` in rules/mcNNN-*.ts becomes
 * `docs: () => ({ ... })` in the bundle. They are read only by `explain`, the docs and SARIF's
 * descriptors (through docsOf and sourcesOf, src/engine/rule.ts); as values, every start built 62 rules'
 * documentation (about 65 kB of text) and V8's code cache carried it. A function's body is compiled when
 * it is first called, so the cache holds its place, not its text. The build checks what they make (5.
 * below). The rule's source is unchanged: its documentation stays beside its check.
 */
const lazyRuleDocs = {
  name: 'mchard-lazy-rule-docs',
  setup(b) {
    b.onLoad({ filter: /[\\/]rules[\\/]mc\d{3}-[^\\/]+\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const file = ts.createSourceFile(args.path, text, ts.ScriptTarget.Latest, true);
      const edits = [];
      const visit = (node) => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ['defineRule', 'noteRule'].includes(node.expression.text)) {
          const def = node.arguments[0];
          if (def && ts.isObjectLiteralExpression(def)) {
            for (const p of def.properties) {
              if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && ['docs', 'sources'].includes(p.name.text)) {
                edits.push({ start: p.initializer.getStart(file), end: p.initializer.end, text: `() => (${text.slice(p.initializer.getStart(file), p.initializer.end)})`, name: p.name.text });
              }
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
      const names = edits.map((e) => e.name);
      if (!names.includes('docs') || !names.includes('sources')) {
        throw new Error(`build: ${relative(root, args.path)}: no defineRule/noteRule call with docs: and sources: found (lazyRuleDocs)`);
      }
      let out = text;
      for (const e of edits.sort((x, y) => y.start - x.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
      return { contents: out, loader: 'ts' };
    });
  },
};

/** esbuild's metafile of an ES module build of these modules (paths relative to root), nothing written. */
async function analyse(modules, name) {
  const r = await build({
    ...common,
    entryPoints: modules.map((m) => join(root, m)),
    outdir: join(outdir, name),
    format: 'esm',
    splitting: true,
    write: false,
    metafile: true,
    absWorkingDir: root,
    logLevel: 'silent',
  });
  return r.metafile;
}

// 1. The module graph: one esbuild pass over every root, to know each module's imports.
const inputs = (await analyse(GROUPS.flatMap((g) => g.roots), '.graph')).inputs;
/** importer → (specifier as written → resolved module path) */
const resolved = new Map(Object.entries(inputs).map(([k, v]) => [k, new Map(v.imports.filter((i) => !i.external).map((i) => [i.original, i.path]))]));

// 2. Which group each module belongs to.
const groupOf = new Map();
for (const g of GROUPS) {
  const todo = [...g.roots];
  while (todo.length) {
    const m = todo.pop();
    if (groupOf.has(m)) continue;
    groupOf.set(m, g);
    for (const i of inputs[m].imports) {
      if (i.external) continue;
      // Another group's root stays that group's, whatever the order: a dynamic import() of it loads that
      // group's file, a static import goes through a lazy stub (below).
      if (GROUPS.some((o) => o !== g && o.roots.includes(i.path))) continue;
      todo.push(i.path);
    }
  }
}
for (const m of Object.keys(inputs)) if (!groupOf.has(m)) throw new Error(`build: ${m} belongs to no group`);

/** Per group, the modules other groups import from it: its registry. */
const exported = new Map(GROUPS.map((g) => [g, new Set()]));
for (const [m, v] of Object.entries(inputs)) {
  for (const i of v.imports) if (!i.external && groupOf.get(i.path) !== groupOf.get(m)) exported.get(groupOf.get(i.path)).add(i.path);
}

// The names each such module exports (esbuild's own answer, one more pass over them as entry points):
// a stub defines its getters from them without loading the other group's file.
const exportNames = new Map();
{
  const modules = [...exported.values()].flatMap((set) => [...set]).filter((m) => /\.ts$/.test(m));
  for (const o of Object.values((await analyse(modules, '.exports')).outputs)) if (o.entryPoint) exportNames.set(o.entryPoint, o.exports);
  for (const m of modules) if (!exportNames.has(m)) throw new Error(`build: no export names for ${m}`);
}

// A static import that another group's module serves must use what it imports: an import for its side
// effects alone (`import './x.js'`) would never run them through a lazy stub.
for (const [m, v] of Object.entries(inputs)) {
  const cross = v.imports.filter((i) => !i.external && i.kind === 'import-statement' && groupOf.get(i.path) !== groupOf.get(m));
  if (cross.length === 0 || !/\.ts$/.test(m)) continue;
  const file = ts.createSourceFile(m, readFileSync(join(root, m), 'utf8'), ts.ScriptTarget.Latest, false);
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st) && !st.importClause && cross.some((i) => i.original === st.moduleSpecifier.text)) {
      throw new Error(`build: ${m} imports ${st.moduleSpecifier.text} (group ${groupOf.get(cross.find((i) => i.original === st.moduleSpecifier.text).path).name}) for its side effects only`);
    }
  }
}

// 3. One CommonJS file per group.
// The build id in each file's first line: a placeholder now, the hash of all the group files at the end
// (bin/mchard.js keys the code cache by it).
const BUILD_ID_PLACEHOLDER = 'b'.repeat(16);
const buildId = BUILD_ID_PLACEHOLDER;
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
// dist/ is CommonJS, whatever package.json says about the rest.
writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
const metas = {};
for (const g of GROUPS) {
  const names = [...exported.get(g)].sort();
  // The group's entry: its registry, and for the core the CLI's `main`.
  const entry = [
    ...names.map((m, k) => `import * as m${k} from ${JSON.stringify(join(root, m))};`),
    ...g.roots.filter((r) => !names.includes(r)).map((r) => `import ${JSON.stringify(join(root, r))};`),
    `export const modules = { ${names.map((m, k) => `${JSON.stringify(m)}: m${k}`).join(', ')} };`,
    g.name === 'core' ? `export { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};` : '',
    // For the build's own use (5. below; the SARIF descriptors come from the reports group's registry).
    g.name === 'core' ? `export { RULES } from ${JSON.stringify(join(root, 'rules/index.ts'))};` : '',
    g.name === 'core' ? `export { checkRuleDocumentation } from ${JSON.stringify(join(root, 'src/engine/rule.ts'))};` : '',
  ].join('\n');
  const result = await build({
    ...common,
    stdin: { contents: entry, resolveDir: root, sourcefile: `<${g.name} group>`, loader: 'js' },
    outfile: join(outdir, g.file),
    format: 'cjs',
    // import() of another group's module becomes a require() of its file, when the import runs.
    supported: { 'dynamic-import': false },
    absWorkingDir: root,
    metafile: true,
    // A build id for the code cache (bin/mchard.js). import.meta.url, which the sources use only as
    // createRequire(import.meta.url), becomes the bundle's own path: createRequire takes either, and a
    // path costs no node:url at start-up.
    banner: { js: `// mchard ${pkg.version} build ${buildId}` },
    // __MCHARD_PREBUILT_SARIF__: the SARIF report may take the rules' descriptors the build wrote beside it.
    define: { ...common.define, 'import.meta.url': '__filename', __MCHARD_PREBUILT_SARIF__: forSea ? 'false' : 'true' },
    logOverride: { 'empty-import-meta': 'error' },
    plugins: [
      lazyRuleDocs,
      {
        name: 'mchard-groups',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (args.namespace === 'mchard-stub') return { path: args.path, external: true };
            if (!args.importer || args.importer.startsWith('<')) return undefined;
            const target = resolved.get(relative(root, args.importer))?.get(args.path);
            const other = target && groupOf.get(target);
            if (!other || other === g) return undefined;
            return { path: target, namespace: 'mchard-stub', pluginData: other };
          });
          b.onLoad({ filter: /.*/, namespace: 'mchard-stub' }, (args) => {
            const other = `require(${JSON.stringify(`./${args.pluginData.file}`)}).modules[${JSON.stringify(args.path)}]`;
            const names = exportNames.get(args.path);
            // Getters, so the bindings stay live; __esModule, so a default import means `default`. A
            // TypeScript module's names are known here, so its group's file is loaded only when one of
            // its bindings is first read (a lint never loads what it does not run); a package's
            // CommonJS module's names are known only once it ran: loaded with the importer.
            const contents = names
              ? [
                  `let ns;`,
                  `Object.defineProperty(exports, '__esModule', { value: true });`,
                  `for (const key of ${JSON.stringify(names.filter((n) => n !== '__esModule'))}) Object.defineProperty(exports, key, { enumerable: true, get: () => (ns || (ns = ${other}))[key] });`,
                ]
              : [
                  `const ns = ${other};`,
                  `Object.defineProperty(exports, '__esModule', { value: true });`,
                  `for (const key of Object.keys(ns)) if (key !== '__esModule') Object.defineProperty(exports, key, { enumerable: true, get: () => ns[key] });`,
                ];
            return { contents: contents.join('\n'), loader: 'js', resolveDir: outdir };
          });
        },
      },
    ],
  });
  metas[g.name] = result.metafile;
}
if (metafile) writeFileSync(resolve(metafile), JSON.stringify(metas));

// The build id: a hash of the files as built (same sources, same esbuild: same id). The core is made
// ASCII: bin/mchard.js reads it as latin1, which needs no decoding.
{
  const files = GROUPS.map((g) => join(outdir, g.file));
  const bytes = files.map((f) => readFileSync(f));
  // esbuild escapes every character beyond ASCII in code (charset ascii), but keeps some comments (on
  // class fields) as written: their characters become \uXXXX text, which in a comment changes nothing.
  if (bytes[0].some((b) => b > 0x7f)) {
    bytes[0] = Buffer.from(bytes[0].toString('utf8').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), 'latin1');
  }
  const hash = createHash('sha256');
  for (const b of bytes) hash.update(b);
  const id = hash.digest('hex').slice(0, BUILD_ID_PLACEHOLDER.length);
  files.forEach((f, k) => {
    const at = bytes[k].indexOf(BUILD_ID_PLACEHOLDER);
    if (at === -1 || at > bytes[k].indexOf(10)) throw new Error(`build: no build id in the first line of ${f}`);
    bytes[k].write(id, at, 'latin1');
    writeFileSync(f, bytes[k]);
  });
}

// 5. Every rule's documentation and sources, checked as defineRule checks them in the sources (the bundle
// gives them as getters: lazyRuleDocs above), and the SARIF descriptors of the rules the package ships
// (src/report/sarif.ts, prebuiltSarifRules): made by the core as built, once here instead of on every
// SARIF report.
{
  const make = [
    `const loaded = require(${JSON.stringify(join(root, 'bin', 'mchard.js'))}).loadCore(${JSON.stringify(outdir)}, 'none');`,
    `const core = loaded.exports;`,
    `for (const rule of core.RULES) core.checkRuleDocumentation(rule);`,
    // What the core writes for --version, --help and no command at all, for bin/mchard.js to answer them
    // without loading the core (answerWithoutCore): made by the core itself, so byte for byte the same.
    forSea
      ? ''
      : `(async () => { const answers = {}; for (const key of ['--version', '--help', '']) { const outs = []; const put = (fd) => (text) => outs.push({ fd, text }); const code = await core.main(key === '' ? [] : [key], { out: put(1), err: put(2), stdoutStream: {}, stdinIsTTY: false }); if (outs.length !== 1) throw new Error('cli.json: ' + JSON.stringify(key) + ' wrote ' + outs.length + ' pieces'); answers[key] = { fd: outs[0].fd, text: outs[0].text, code }; } require('node:fs').writeFileSync(${JSON.stringify(join(outdir, 'cli.json'))}, JSON.stringify(answers) + '\\n'); })().catch((e) => { console.error(e); process.exit(1); });`,
    forSea
      ? ''
      : `require('node:fs').writeFileSync(${JSON.stringify(join(outdir, 'sarif-rules.json'))}, loaded.loader.load(${JSON.stringify(join(outdir, 'reports.js'))}).exports.modules['src/report/sarif.ts'].prebuiltSarifRules(core.RULES, ${JSON.stringify(pkg.version)}));`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', make], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build: checking the rules' documentation${forSea ? '' : ' and writing sarif-rules.json'} failed: ${r.stderr || r.error}`);
}

// 6. The core's code cache: bin/mchard.js runs lint and inspect once on sample files, then writes the
// compiled code (the functions that ran included) beside the bundle. The sample files are copied into
// dist/warm-up/ first, and shipped: the package's postinstall runs the same warm-up for a Node.js that
// rejects these caches (bin/install-cache.js).
const { WARM_UP_DIR, WARM_UP_SAMPLES } = createRequire(import.meta.url)('../bin/mchard.js');
mkdirSync(join(outdir, WARM_UP_DIR));
for (const name of WARM_UP_SAMPLES) copyFileSync(join(root, 'samples', name), join(outdir, WARM_UP_DIR, name));
if (codeCache) {
  const warm = `require(${JSON.stringify(join(root, 'bin', 'mchard.js'))}).writeCodeCache(${JSON.stringify(outdir)}, ${JSON.stringify(join(outdir, WARM_UP_DIR))})`;
  const r = spawnSync(process.execPath, ['-e', warm], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build: writing the code cache failed: ${r.stderr || r.error}`);
}

// 7. The start-up snapshot (bin/snapshot.js): the core compiled, initialised and warmed, for the Node.js
// running the build, which bin/mchard.js's shell starts from when the snapshot is that node's. Linux
// only (the shell checks the node binary with GNU stat). The core's top level is checked first, as the
// single executable's build checks it: what it read of the host would be kept from the build machine.
if (codeCache && !forSea && process.platform === 'linux') {
  const { checkCoreTopLevel } = await import('./sea-top-level.mjs');
  const reads = checkCoreTopLevel(readFileSync(join(outdir, 'mchard.js'), 'latin1'));
  if (reads.length) throw new Error(`build: the core's top level reads the host, which the start-up snapshot would keep from the build machine: ${reads.join(', ')}`);
  createRequire(import.meta.url)('../bin/snapshot.js').buildSnapshot(outdir, join(outdir, WARM_UP_DIR));
}
