/**
 * `lint` and `inspect` never load what only `fix` needs (enquirer, execa, diff, src/fix), and linting a
 * Debian file never loads YAML. Proven twice on a bundle built for the test (scripts/build.mjs with
 * --metafile): statically, by walking the static imports from each command's chunk in esbuild's
 * metafile, and at run time, by running the built CLI under a module hook that records every file it
 * loads. Each check has a control that must see the fix-only modules (fix's chunk, `fix --dry-run`), so
 * a walk or a hook that saw nothing would fail.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, TempDir } from './helpers.js';

interface Metafile {
  outputs: Record<string, { entryPoint?: string; imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }>;
}

/** Modules only `fix` may load. */
const FIX_ONLY = /^node_modules\/(enquirer|execa|diff)\/|^src\/fix\//;
const YAML = /^node_modules\/yaml\//;

let tmp: TempDir;
let out: string;
let meta: Metafile;

beforeAll(() => {
  tmp = new TempDir('mchard-loads-');
  out = tmp.join('dist');
  const metaPath = tmp.join('meta.json');
  // cwd ROOT: the metafile names modules relative to it (src/..., node_modules/...).
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', out, '--metafile', metaPath], { cwd: ROOT, stdio: 'pipe' });
  meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Metafile;
}, 180_000);
afterAll(() => tmp?.cleanup());

function chunkOf(entry: string): string {
  const key = Object.keys(meta.outputs).find((k) => meta.outputs[k].entryPoint === entry);
  if (!key) throw new Error(`no output chunk for ${entry}`);
  return key;
}

/** Chunks reached from `start` through static imports only (or through dynamic ones too). */
function closure(start: string[], withDynamic = false): Set<string> {
  const seen = new Set<string>();
  const todo = [...start];
  while (todo.length) {
    const c = todo.pop()!;
    if (seen.has(c)) continue;
    seen.add(c);
    for (const i of meta.outputs[c].imports) {
      if (i.external) continue;
      if (i.kind === 'import-statement' || (withDynamic && i.kind === 'dynamic-import')) todo.push(i.path);
    }
  }
  return seen;
}

function modulesIn(chunks: Iterable<string>): string[] {
  const mods: string[] = [];
  for (const c of chunks) mods.push(...Object.keys(meta.outputs[c].inputs));
  return mods;
}

describe('the static import graph of the bundle', () => {
  it.each(['src/cli/lint.ts', 'src/cli/inspect.ts'])('%s reaches no fix-only module and no YAML', (entry) => {
    const mods = modulesIn(closure([chunkOf('src/cli/entry.ts'), chunkOf(entry)]));
    expect(mods).toContain(entry);
    expect(mods).toContain('src/dialects/debian.ts');
    expect(mods.filter((m) => FIX_ONLY.test(m) || YAML.test(m))).toEqual([]);
  });

  it('control: everything fix may load does reach enquirer, execa and diff', () => {
    const mods = modulesIn(closure([chunkOf('src/cli/fix.ts')], true));
    for (const pkg of ['enquirer', 'execa', 'diff']) expect(mods.some((m) => m.startsWith(`node_modules/${pkg}/`))).toBe(true);
  });
});

describe('what the built CLI loads when it runs', () => {
  /** Runs the test's bundle under a load hook; returns the modules in the chunks it loaded. */
  function loadedModules(args: string[], cwd: string): string[] {
    const log = tmp.join(`loaded-${Math.random().toString(36).slice(2)}.txt`);
    writeFileSync(log, '');
    const hooks = tmp.write('hooks.mjs', "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.MCHARD_LOADED, url + '\\n');\n  return next(url, context);\n}\n");
    const register = tmp.write('register.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
    try {
      execFileSync(process.execPath, ['--import', register, join(out, 'mchard.js'), ...args], {
        cwd,
        env: { ...process.env, MCHARD_LOADED: log, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      // lint exits 1 when it finds something: that is a normal run here.
      if ((e as { status?: number }).status !== 1) throw e;
    }
    const files = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    const byFile = new Map(Object.keys(meta.outputs).map((k) => [join(ROOT, k), k]));
    const chunks = files.map((f) => byFile.get(f)).filter((k): k is string => k !== undefined);
    expect(chunks.length).toBeGreaterThan(1);
    return modulesIn(chunks);
  }

  it.each(['lint', 'inspect', 'lint --format sarif'])('mchard %s on a Debian file loads no fix-only module and no YAML', (cmd) => {
    const file = tmp.write('etc/memcached.conf', '-u root\n-l 0.0.0.0\n-m 64\n');
    const mods = loadedModules([...cmd.split(' '), file], tmp.path);
    expect(mods).toContain('src/engine/lint.ts');
    expect(mods.filter((m) => FIX_ONLY.test(m) || YAML.test(m))).toEqual([]);
  });

  it('control: fix --dry-run does load diff', () => {
    const file = tmp.write('fix/memcached.conf', '-u root\n-l 0.0.0.0\n-m 64\n');
    const mods = loadedModules(['fix', '--dry-run', '--no-restart', file], tmp.path);
    expect(mods.some((m) => m.startsWith('node_modules/diff/'))).toBe(true);
  });
});
