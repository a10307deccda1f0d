/**
 * A start-up that throws nothing: a process's first exception costs Node.js from 0.2 to 2 ms (it formats
 * the error and captures a stack), so the common paths of `lint` and `inspect` (the code cache looked for
 * in the user's folder and not found, a Debian file, text and SARIF output) must not throw and catch one.
 * Counted with the inspector, which pauses on every exception, caught or not.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, ROOT, SAMPLES, TempDir } from './helpers.js';

let tmp: TempDir;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-no-exceptions-');
});
afterAll(() => tmp?.cleanup());

/** Runs `main(args)` of the built core under the inspector; returns the exceptions thrown, one line each. */
function exceptions(args: string[], env: Record<string, string>, prelude = ''): string[] {
  const script = `
    const inspector = require('node:inspector');
    const session = new inspector.Session();
    session.connect();
    const seen = [];
    session.on('Debugger.paused', (m) => { seen.push(String(m.params.data && m.params.data.description).split('\\n')[0]); session.post('Debugger.resume'); });
    session.post('Debugger.enable');
    session.post('Debugger.setPauseOnExceptions', { state: 'all' });
    ${prelude}
    const core = require(${JSON.stringify(join(ROOT, 'bin', 'mchard.js'))}).loadCore();
    core.exports.main(JSON.parse(process.env.ARGS), { out() {}, err() {}, stdoutStream: { isTTY: false }, stdinIsTTY: false })
      .then(() => process.stdout.write(JSON.stringify(seen)));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env, ARGS: JSON.stringify(args) } });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as string[];
}

describe('lint and inspect throw no exception on their usual path', () => {
  const file = join(SAMPLES, 'insecure-debian.conf');
  it.each([
    ['lint', ['lint', file]],
    ['lint --format sarif', ['lint', '--format', 'sarif', file]],
    ['inspect', ['inspect', file]],
  ])('%s, with a user cache folder that holds no cache, and with none at all', (_name, args) => {
    const withFolder = tmp.join('with');
    mkdirSync(join(withFolder, 'mchard'), { recursive: true, mode: 0o700 });
    expect(exceptions(args, { XDG_CACHE_HOME: withFolder })).toEqual([]);
    expect(exceptions(args, { XDG_CACHE_HOME: tmp.join('absent') })).toEqual([]);
  });

  it('control: an exception thrown and caught is counted', () => {
    expect(exceptions(['--version'], { XDG_CACHE_HOME: tmp.join('absent') }, "try { JSON.parse('{'); } catch {}")).toHaveLength(1);
  });
});
