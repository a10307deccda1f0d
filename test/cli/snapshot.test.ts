/**
 * The start-up snapshot (bin/snapshot.js, dist/mchard.snapshot): bin/mchard.js run as a program starts
 * from it, through /bin/sh (dash here) and npm's links, when the snapshot was made by the very node
 * binary the shell would run and for the core beside it, and otherwise runs as before. Either way the
 * same bytes on standard output and error and the same exit status as `node bin/mchard.js`, for every
 * command and bundle (the core from the snapshot; reports.js, rules.js, compose.js, fix.js through
 * bin/mchard.js's loader). MCHARD_DEBUG=1 says which ran, so each case proves the path it claims.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ensureBuilt, ROOT, SAMPLES, TempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const USED = 'mchard: start-up snapshot: used\n';
const UNUSED = 'mchard: start-up snapshot: none for this node and build: not used\n';

let tmp: TempDir;
let work: string;

beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-snapshot-');
  work = tmp.join('work');
  mkdirSync(work);
  for (const f of ['insecure-debian.conf', 'insecure-rhel.sysconfig', 'docker-compose.yml', 'hardened-debian.conf']) copyFileSync(join(SAMPLES, f), join(work, f));
  writeFileSync(join(work, 'bad.conf'), '-l\n');
});
afterAll(() => tmp?.cleanup());

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A run of `cmd` with PATH leading to `pathFirst` (then this node's folder), NO_COLOR and `extra` only. */
function run(cmd: string[], extra: Record<string, string> = {}, pathFirst: string[] = [], cwd = work): Ran {
  const env = { PATH: [...pathFirst, dirname(process.execPath), '/usr/bin', '/bin'].join(':'), NO_COLOR: '1', HOME: tmp.join('home'), ...extra };
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, env, encoding: 'utf8', timeout: 60_000, input: '' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same run without the shell: `node bin/mchard.js` (this node). */
const plain = (bin: string, args: string[], extra: Record<string, string> = {}) => run([process.execPath, bin, ...args], extra);

const COMMANDS: string[][] = [
  ['lint', 'insecure-debian.conf'],
  ['lint', '--format', 'json', 'insecure-debian.conf', 'insecure-rhel.sysconfig'],
  ['lint', '--format', 'sarif', 'insecure-debian.conf'],
  ['lint', '--format', 'github', 'insecure-rhel.sysconfig'],
  ['lint', 'docker-compose.yml'],
  ['lint', 'hardened-debian.conf'],
  ['lint', 'bad.conf', 'insecure-debian.conf'],
  ['lint', 'no-such-file.conf'],
  ['inspect', 'insecure-debian.conf'],
  ['fix', '--dry-run', 'insecure-debian.conf'],
  ['rules'],
  ['explain', 'MC101'],
  ['lint', '--no-such-option'],
  ['nonsense'],
  ['--version'],
  ['--help'],
  [],
];

describe('the build', () => {
  it('leaves a snapshot for this node and this core, and the package never ships one', () => {
    const s = require(join(ROOT, 'bin', 'snapshot.js'));
    expect(s.snapshotCurrent(join(ROOT, 'dist'))).toBe(true);
    expect(realpathSync(join(ROOT, 'dist', 'mchard.snapshot.node'))).toBe(realpathSync(process.execPath));
    expect(readFileSync(join(ROOT, 'dist', 'mchard.snapshot.stamp'), 'latin1')).toBe(readFileSync(join(ROOT, 'dist', 'mchard.js'), 'latin1').split('\n')[0] + '\n');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('!dist/mchard.snapshot*');
    // The snapshot holds bin/mchard.js's text with the core's: ASCII, or V8 keeps both as two-byte text.
    expect(readFileSync(join(ROOT, 'bin', 'mchard.js'), 'latin1')).toMatch(/^[\x00-\x7f]*$/);
  });
});

describe('bin/mchard.js run as a program', () => {
  const BIN = join(ROOT, 'bin', 'mchard.js');

  it.each(COMMANDS.map((c) => [c.join(' ') || '(no command)', c]))('%s: the same output and status as node bin/mchard.js', (_name, args) => {
    const viaShell = run([BIN, ...(args as string[])], { MCHARD_DEBUG: '1' });
    const direct = plain(BIN, args as string[]);
    const answeredWithoutCore = (args as string[]).length === 0 || ['--version', '--help'].includes((args as string[])[0]);
    // The shell's debug line first (what ran); the rest byte for byte.
    expect(viaShell.stderr.startsWith(answeredWithoutCore ? '' : USED)).toBe(true);
    const rest = answeredWithoutCore ? viaShell.stderr : viaShell.stderr.slice(USED.length);
    expect({ status: viaShell.status, stdout: viaShell.stdout, stderr: rest.replace(/^mchard: code cache: .*\n/gm, '') }).toEqual(direct);
  });

  it('reads the run\'s own folder, files and environment, nothing of the build\'s warm-up', () => {
    const here = tmp.join('elsewhere');
    mkdirSync(here);
    copyFileSync(join(SAMPLES, 'insecure-debian.conf'), join(here, 'insecure-debian.conf'));
    // A ruleset in the run's folder turns MC101 off; the warm-up's folder had none.
    writeFileSync(join(here, '.mchardrc'), '[rules]\nMC101 = off\n');
    const viaShell = run([BIN, 'lint', 'insecure-debian.conf'], { MCHARD_DEBUG: '1' }, [], here);
    const direct = run([process.execPath, BIN, 'lint', 'insecure-debian.conf'], {}, [], here);
    expect(viaShell.stderr).toBe(USED);
    expect(viaShell.stdout).toBe(direct.stdout);
    expect(viaShell.stdout).not.toMatch(/MC101/);
    expect(viaShell.stdout).toMatch(/MC201/);
    // Colour is asked at run time (FORCE_COLOR), not kept from the build.
    const coloured = run([BIN, 'lint', 'insecure-debian.conf'], { FORCE_COLOR: '1', NO_COLOR: '' }, [], here);
    expect(coloured.stdout).toBe(run([process.execPath, BIN, 'lint', 'insecure-debian.conf'], { FORCE_COLOR: '1', NO_COLOR: '' }, [], here).stdout);
  });

  it('bash reads the shell part as dash does', () => {
    const viaBash = run(['bash', BIN, 'lint', 'insecure-debian.conf'], { MCHARD_DEBUG: '1' });
    expect(viaBash.stderr).toBe(USED);
    expect(viaBash.stdout).toBe(plain(BIN, ['lint', 'insecure-debian.conf']).stdout);
  });

  it('through the links npm makes (no program run to resolve them) and any other link (readlink)', () => {
    const pkg = tmp.join('prefix', 'lib', 'node_modules', 'mchard');
    mkdirSync(dirname(pkg), { recursive: true });
    symlinkSync(ROOT, pkg);
    mkdirSync(tmp.join('prefix', 'bin'));
    symlinkSync('../lib/node_modules/mchard/bin/mchard.js', tmp.join('prefix', 'bin', 'mchard'));
    mkdirSync(tmp.join('project', 'node_modules', '.bin'), { recursive: true });
    symlinkSync(ROOT, tmp.join('project', 'node_modules', 'mchard'));
    symlinkSync('../mchard/bin/mchard.js', tmp.join('project', 'node_modules', '.bin', 'mchard'));
    symlinkSync(BIN, tmp.join('other-link'));
    // A link named like npm's whose guess is wrong: resolved by readlink all the same.
    mkdirSync(tmp.join('fake', 'bin'), { recursive: true });
    symlinkSync(BIN, tmp.join('fake', 'bin', 'mchard'));
    const expected = plain(BIN, ['lint', 'insecure-debian.conf']);
    for (const link of [tmp.join('prefix', 'bin', 'mchard'), tmp.join('project', 'node_modules', '.bin', 'mchard'), tmp.join('other-link'), tmp.join('fake', 'bin', 'mchard')]) {
      const r = run([link, 'lint', 'insecure-debian.conf'], { MCHARD_DEBUG: '1' });
      expect({ link, ...r }).toEqual({ link, ...expected, stderr: USED });
    }
  });

  it('a lint of a Debian or sysconfig file reads no bundle at all: the core is in the snapshot (the others removed: the same output)', () => {
    const root = tmp.join('core-only');
    cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
    // Times kept: the snapshot's stamp carries its node's modification time.
    cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true, preserveTimestamps: true, filter: (f) => !/\/(rules|reports|more|dialects|compose|audit|fix|lsp)\.js(\.cache)?$/.test(f) });
    const bin = join(root, 'bin', 'mchard.js');
    for (const args of [['lint', 'insecure-debian.conf'], ['lint', '--format', 'github', 'insecure-rhel.sysconfig'], ['inspect', 'insecure-debian.conf']]) {
      const r = run([bin, ...args], { MCHARD_DEBUG: '1' });
      expect({ args, ...r }).toEqual({ args, ...plain(BIN, args), stderr: USED });
    }
  });

  it('NODE_OPTIONS and MCHARD_CODE_CACHE=off run bin/mchard.js with node instead', () => {
    const expected = plain(BIN, ['lint', 'insecure-debian.conf']);
    for (const extra of [{ NODE_OPTIONS: '--max-old-space-size=200' }, { MCHARD_CODE_CACHE: 'off' }] as Record<string, string>[]) {
      const r = run([BIN, 'lint', 'insecure-debian.conf'], { MCHARD_DEBUG: '1', ...extra });
      expect(r.status).toBe(expected.status);
      expect(r.stdout).toBe(expected.stdout);
      expect(r.stderr).not.toMatch(/start-up snapshot/);
    }
  });
});

describe("pre-commit's node environments: nodeenv's shim for the system's node", () => {
  const BIN = join(ROOT, 'bin', 'mchard.js');
  const NODEENV = ['/usr/bin/python3', '-m', 'nodeenv'];
  const hasNodeenv = spawnSync(NODEENV[0], [...NODEENV.slice(1), '--version'], { encoding: 'utf8' }).status === 0;

  (hasNodeenv || process.env.CI ? it : it.skip)('the shim the real nodeenv writes (--node=system, as pre-commit runs it): the node it runs is the snapshot\'s', () => {
    const envDir = tmp.join('nodeenv-real');
    // PATH leads nodeenv to this node (as pre-commit's environment leads it to the system's).
    const made = spawnSync(NODEENV[0], [...NODEENV.slice(1), '--node=system', envDir], { encoding: 'utf8', env: { PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(':') } });
    expect(made.status).toBe(0);
    expect(readFileSync(join(envDir, 'bin', 'node'), 'utf8')).toMatch(/^#!\/usr\/bin\/env (ba)?sh\nexport NODE_PATH=/);
    const r = run([BIN, 'lint', 'insecure-debian.conf'], { MCHARD_DEBUG: '1' }, [join(envDir, 'bin')]);
    expect({ ...r, stderr: r.stderr }).toEqual({ ...plain(BIN, ['lint', 'insecure-debian.conf']), stderr: USED });
  });

  /** nodeenv 1.x's shim (ekalinin/nodeenv, nodeenv.py SHIM: quoted paths, sh), for `node` at `target`. */
  const shim1x = (env: string, target: string) =>
    `#!/usr/bin/env sh\nexport NODE_PATH='${env}/lib/node_modules'\nexport NPM_CONFIG_PREFIX='${env}'\nexport npm_config_prefix='${env}'\nexec '${target}' "$@"\n`;

  it("nodeenv 1.x's form (quoted paths): used; a shim of another shape, or for another node: not used", () => {
    const expected = plain(BIN, ['lint', 'insecure-debian.conf']);
    const cases: [string, string, string][] = [
      ['1x', shim1x(tmp.join('ne-1x'), realpathSync(process.execPath)), USED],
      // One line more than nodeenv writes: not its shim.
      ['extra', shim1x(tmp.join('ne-extra'), realpathSync(process.execPath)) + 'echo hi\n', UNUSED],
      // This very node through a name with a space: a character the shell part does not take in a path.
      ['space', shim1x(tmp.join('ne-space'), tmp.join('node link')), UNUSED],
      // The shape, for a node that is another file.
      ['other', shim1x(tmp.join('ne-other'), tmp.join('node-elsewhere')), UNUSED],
    ];
    copyFileSync(process.execPath, tmp.join('node-elsewhere'));
    symlinkSync(realpathSync(process.execPath), tmp.join('node link'));
    for (const [name, text, said] of cases) {
      const dir = tmp.join(`ne-${name}`, 'bin');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'node'), text, { mode: 0o755 });
      const r = run([BIN, 'lint', 'insecure-debian.conf'], { MCHARD_DEBUG: '1' }, [dir]);
      expect({ name, status: r.status, stdout: r.stdout, stderr: r.stderr.slice(0, said.length) }).toEqual({ name, status: expected.status, stdout: expected.stdout, stderr: said });
    }
  });
});

describe('no snapshot at all: the package\'s install script did not run', () => {
  // npm install --ignore-scripts, or pnpm 10, which runs a dependency's install script only once approved
  // (pnpm approve-builds, onlyBuiltDependencies): MCHARD_DEBUG said only "none for this node and build".
  it('MCHARD_DEBUG says so and names the script; run by hand, the script makes one that the next start uses', () => {
    const pkgRoot = tmp.join('pkg-no-scripts');
    cpSync(join(ROOT, 'bin'), join(pkgRoot, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(pkgRoot, 'dist'), { recursive: true, filter: (f) => !f.includes('mchard.snapshot') });
    const bin = join(pkgRoot, 'bin', 'mchard.js');
    const before = run([bin, 'lint', 'insecure-debian.conf'], { MCHARD_DEBUG: '1' });
    expect(before.stderr).toBe(`mchard: start-up snapshot: none beside the bundles (the package's install script did not run; node ${join(pkgRoot, 'bin')}/install-cache.js makes one): not used\n`);
    const made = run([process.execPath, join(pkgRoot, 'bin', 'install-cache.js')]);
    expect(made.status).toBe(0);
    const after = run([bin, 'lint', 'insecure-debian.conf'], { MCHARD_DEBUG: '1' });
    expect(after.stderr).toBe(USED);
    expect(after.stdout).toBe(before.stdout);
  });
});

describe('a snapshot that is not this node\'s or this core\'s is never given to node', () => {
  let pkgRoot: string;
  let nodeDir: string;
  let BIN: string;

  /** The package copied, with a snapshot made by a copy of node (another file), then `change`d. */
  beforeAll(() => {
    pkgRoot = tmp.join('pkg');
    cpSync(join(ROOT, 'bin'), join(pkgRoot, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(pkgRoot, 'dist'), { recursive: true, filter: (f) => !f.includes('mchard.snapshot') });
    BIN = join(pkgRoot, 'bin', 'mchard.js');
    nodeDir = tmp.join('node-copy');
    mkdirSync(nodeDir);
    copyFileSync(process.execPath, join(nodeDir, 'node'));
    const made = spawnSync(join(nodeDir, 'node'), ['-e', `require(${JSON.stringify(join(pkgRoot, 'bin', 'snapshot.js'))}).buildSnapshot(${JSON.stringify(join(pkgRoot, 'dist'))}, ${JSON.stringify(join(pkgRoot, 'dist', 'warm-up'))})`], { encoding: 'utf8' });
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
  });

  const lint = (pathFirst: string[]) => run([BIN, 'lint', 'insecure-debian.conf'], { MCHARD_DEBUG: '1' }, pathFirst);

  it('the node that made it, first in PATH: used', () => {
    expect(lint([nodeDir]).stderr).toBe(USED);
  });

  it('another node binary first in PATH (this one): not used, and the same output', () => {
    const r = lint([]);
    expect(r.stderr).toBe(UNUSED);
    expect(r.stdout).toBe(plain(BIN, ['lint', 'insecure-debian.conf']).stdout);
  });

  it('the node that made it, changed since (its modification time): not used', () => {
    const node = join(nodeDir, 'node');
    const st = statSync(node);
    utimesSync(node, st.atime, new Date(st.mtimeMs + 1000));
    try {
      expect(lint([nodeDir]).stderr).toBe(UNUSED);
    } finally {
      utimesSync(node, st.atime, st.mtime);
    }
    // Back to its time (to the millisecond Node.js sets; the stamp holds nanoseconds): still refused
    // unless equal to the nanosecond, which touch -r restores.
    const touched = spawnSync('touch', ['-r', join(pkgRoot, 'dist', 'mchard.snapshot.stamp'), node]);
    expect(touched.status).toBe(0);
    expect(lint([nodeDir]).stderr).toBe(USED);
  });

  it('a core rebuilt since (its first line): not used', () => {
    const core = join(pkgRoot, 'dist', 'mchard.js');
    const text = readFileSync(core, 'latin1');
    writeFileSync(core, text.replace(/^(\/\/ mchard \S+ build )\w+/, '$1feedfacefeedface'), 'latin1');
    try {
      const r = lint([nodeDir]);
      expect(r.stderr).toMatch(new RegExp(`^${UNUSED}`));
      expect(r.stdout).toBe(plain(join(ROOT, 'bin', 'mchard.js'), ['lint', 'insecure-debian.conf']).stdout);
    } finally {
      writeFileSync(core, text, 'latin1');
    }
    expect(lint([nodeDir]).stderr).toBe(USED);
  });
});
