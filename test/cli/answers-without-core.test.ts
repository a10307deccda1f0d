/**
 * `mchard --version`, `-V`, `--help`, `-h`, `help` and a bare `mchard` are answered by bin/mchard.js from
 * dist/cli.json, without reading, compiling or initialising the core (about 13 ms of CPU each, measured):
 * the build writes there exactly what the core's `main` writes for them. Proven on a copy of the package:
 * the same bytes, standard stream and status as the core's own answer (with cli.json removed, and from
 * `main` directly), still answered when the core cannot load at all; and on a full non-blocking pipe,
 * where the rest of the text waits for the reader as the core's writer does.
 */
import { copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, ROOT, TempDir } from './helpers.js';
import { throughFullPipe } from '../helpers/full-pipe.js';

let tmp: TempDir;
let pkg: string;

beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-answers-');
  pkg = tmp.join('pkg');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  for (const f of ['mchard.js', 'package.json']) copyFileSync(join(ROOT, 'bin', f), join(pkg, 'bin', f));
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
}, 180_000);
afterAll(() => tmp?.cleanup());

const ARGS = [['--version'], ['-V'], ['--help'], ['-h'], ['help'], [], ['--version', 'extra'], ['-h', 'extra']];

function run(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'mchard.js'), ...args], { encoding: 'utf8', env: { ...process.env, MCHARD_CODE_CACHE: 'off' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What the core's own main writes for args, through a recording Io. */
function fromMain(dir: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const code = `const b = require(${JSON.stringify(join(dir, 'bin', 'mchard.js'))}); const core = b.loadCore(${JSON.stringify(join(dir, 'dist'))}, 'none'); const o = { stdout: '', stderr: '' }; core.exports.main(JSON.parse(process.env.ARGS), { out: (t) => { o.stdout += t; }, err: (t) => { o.stderr += t; }, stdoutStream: {}, stdinIsTTY: false }).then((status) => process.stdout.write(JSON.stringify({ status, ...o })));`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, ARGS: JSON.stringify(args) } });
  return JSON.parse(r.stdout);
}

describe('answers without the core', () => {
  it.each(ARGS)('mchard %s: the same bytes, stream and status as the core writes', (...args) => {
    const fast = run(pkg, args);
    expect(fast).toEqual(fromMain(pkg, args));
    expect(fast.stdout + fast.stderr).toMatch(/^(mchard \d|Usage: mchard COMMAND)/);
  });

  it('without dist/cli.json the core answers, the same', () => {
    const other = tmp.join('nocli');
    cpSync(pkg, other, { recursive: true });
    rmSync(join(other, 'dist', 'cli.json'));
    for (const args of ARGS) expect(run(other, args)).toEqual(run(pkg, args));
  });

  it('never loads the core: answered with a core that cannot load; control: lint then fails', () => {
    const broken = tmp.join('broken');
    cpSync(pkg, broken, { recursive: true });
    const first = readFileSync(join(pkg, 'dist', 'mchard.js'), 'latin1').split('\n')[0];
    writeFileSync(join(broken, 'dist', 'mchard.js'), `${first}\nthrow new Error('the core was loaded');\n`);
    rmSync(join(broken, 'dist', 'mchard.js.cache'));
    for (const args of ARGS) expect(run(broken, args)).toEqual(run(pkg, args));
    const lint = run(broken, ['lint', join(ROOT, 'samples', 'insecure-debian.conf')]);
    expect(lint.status).toBe(2);
    expect(lint.stderr).toContain('the core was loaded');
    // An empty first argument is a command (an unknown one), not a bare mchard: the core answers it.
    expect(run(broken, ['']).stderr).toContain('the core was loaded');
  });

  it('on a full non-blocking pipe, all of the help arrives after what filled it, exit 0', () => {
    // The pipe is filled but for 100 bytes before mchard starts, and read only a second later: its write
    // meets EAGAIN, and it waits for the reader instead of dropping the rest.
    const help = fromMain(pkg, ['--help']).stdout;
    expect(help.length).toBeGreaterThan(100);
    const r = throughFullPipe([process.execPath, join(pkg, 'bin', 'mchard.js'), '--help'], { prefill: 100 });
    const size = r.length - Buffer.byteLength(help);
    const expected = Buffer.concat([Buffer.alloc(size, 'x'), Buffer.from(help)]);
    expect(r).toMatchObject({ full: true, runningWhenFull: true, status: 0, err: '' });
    expect(r.sha).toBe(createHash('sha256').update(expected).digest('hex'));
  });
});
