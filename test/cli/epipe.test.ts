/**
 * A reader that goes away early (`mchard lint FILE | head -1`): mchard stops writing, quietly, with no
 * EPIPE crash or stack trace, and still exits with the command's own status.
 */
import { spawnSync } from 'node:child_process';
import { BIN, ensureBuilt, TempDir } from './helpers.js';

let tmp: TempDir;
let big: string;

beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-epipe-');
  // Thousands of findings: far more output than a pipe holds.
  const lines = ['-u memcache', '-l 127.0.0.1', '-U 0'];
  for (let k = 0; k < 5000; k++) lines.push(`-m ${64 + k}`);
  big = tmp.write('memcached.conf', lines.join('\n') + '\n');
}, 180_000);
afterAll(() => tmp?.cleanup());

/** Runs `node bin/mchard.js ARGS | head -1` in bash; the status is mchard's (PIPESTATUS). */
function throughHead(args: string[]): { status: string; err: string; out: string } {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted} 2>"$ERR" | head -1; echo "status \${PIPESTATUS[0]}"`], {
    env: { ...process.env, ERR: tmp.join('err.txt'), NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const err = spawnSync('cat', [tmp.join('err.txt')], { encoding: 'utf8' }).stdout;
  return { status: /status (\d+)/.exec(r.stdout)?.[1] ?? '?', err, out: r.stdout };
}

describe('output to a reader that stops reading', () => {
  it.each([
    [['lint', '--fail-on', 'warning'], '1'],
    [['lint', '--format', 'json'], '0'],
    [['lint', '--format', 'github'], '0'],
  ])('mchard %j … | head -1: no error, its own exit status', (args, status) => {
    const r = throughHead([...args, big]);
    expect(r.err).toBe('');
    expect(r.status).toBe(status);
    expect(r.out.split('\n')[0]).not.toBe('');
  });

  it('mchard fix --dry-run … | head -1: no error', () => {
    const r = throughHead(['fix', '--dry-run', '--no-restart', big]);
    expect(r.err).toBe('');
    expect(['0', '1']).toContain(r.status);
  });
});
