/**
 * Concurrent `mchard fix --yes` runs on the same file, as real processes of the built CLI:
 * - 60 pairs of the same fix: exactly one run writes; the other waits for the lock, reads the fixed file
 *   and finds nothing to fix; both exit 0; one backup, holding the original;
 * - 20 pairs of different fixes of the same file (one run leaves -A alone, the other UDP): the runs take
 *   turns, the second fixes what the first wrote, so no fix is lost: the final file is one of the two
 *   orders applied in sequence (both fixes in it), and the backups hold exactly the files replaced.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildCli } from '../fix/helpers.js';

const INSECURE = '# app servers\n-m 64\n-p 11211\n-u root\n-l 0.0.0.0\n-U 11211\n-A\n';

let cli = '';
let base = '';
beforeAll(async () => {
  cli = await buildCli();
  base = realpathSync(mkdtempSync(join(tmpdir(), 'mchard-concurrent-')));
}, 60000);
afterAll(() => {
  if (cli) rmSync(dirname(cli), { recursive: true, force: true });
  if (base) rmSync(base, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.NODE_EXTRA_CA_CERTS;
    // --unsafe-fixes: -u root (MC201) is unsafe to fix outside /etc; these runs fix everything they can.
    const child = spawn(process.execPath, [cli, 'fix', '--yes', '--unsafe-fixes', '--no-color', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const backupsOf = (d: string) => readdirSync(d).filter((n) => n.startsWith('memcached.conf.mchard-backup')).sort();
const wrote = (out: string) => /^wrote /m.test(out);

it('60 pairs of the same fix: one writes, the other waits and finds nothing to fix, nothing is lost', async () => {
  // What one run alone writes.
  const control = mkdtempSync(join(base, 'control-'));
  writeFileSync(join(control, 'memcached.conf'), INSECURE);
  expect((await run([join(control, 'memcached.conf')])).code).toBe(0);
  const fixed = readFileSync(join(control, 'memcached.conf'), 'utf8');
  expect(fixed).not.toBe(INSECURE);

  const problems: string[] = [];
  for (let i = 0; i < 60; i++) {
    const d = mkdtempSync(join(base, `same-${i}-`));
    const f = join(d, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const pair = await Promise.all([run([f]), run([f])]);
    const writers = pair.filter((r) => wrote(r.out));
    const backups = backupsOf(d);
    const state = {
      writers: writers.length,
      codes: pair.map((r) => r.code),
      final: readFileSync(f, 'utf8') === fixed,
      backups: backups.length,
      backupIsOriginal: backups.length === 1 && readFileSync(join(d, backups[0]), 'utf8') === INSECURE,
      otherFoundNothing: pair.some((r) => !wrote(r.out) && r.out.includes('nothing to fix')),
      leftovers: readdirSync(d).filter((n) => n.startsWith('.')),
    };
    const want = { writers: 1, codes: [0, 0], final: true, backups: 1, backupIsOriginal: true, otherFoundNothing: true, leftovers: [] };
    if (JSON.stringify(state) !== JSON.stringify(want)) problems.push(`pair ${i}: ${JSON.stringify(state)}\n${pair.map((r) => r.out).join('\n---\n')}`);
  }
  expect(problems).toEqual([]);
}, 600000);

it('20 pairs of different fixes of the same file: they take turns, the second fixes what the first wrote, no fix is lost', async () => {
  // Each run fixes what the other leaves: both always have something to write.
  const A = ['--disable', 'MC501'];
  const B = ['--disable', 'MC110'];
  // The two possible results: A then B, B then A.
  const sequential = async (first: string[], second: string[]) => {
    const d = mkdtempSync(join(base, 'control-'));
    const f = join(d, 'memcached.conf');
    writeFileSync(f, INSECURE);
    await run([...first, f]);
    const middle = readFileSync(f, 'utf8');
    await run([...second, f]);
    return { middle, final: readFileSync(f, 'utf8') };
  };
  const ab = await sequential(A, B);
  const ba = await sequential(B, A);
  for (const o of [ab, ba]) {
    expect(o.middle).not.toBe(INSECURE);
    expect(o.final).not.toBe(o.middle);
    // Both fixes are in: -A removed, UDP off.
    expect(o.final).not.toMatch(/^-A$/m);
    expect(o.final).toMatch(/^-U 0$/m);
  }

  const problems: string[] = [];
  for (let i = 0; i < 20; i++) {
    const d = mkdtempSync(join(base, `conflict-${i}-`));
    const f = join(d, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const pair = await Promise.all([run([...A, f]), run([...B, f])]);
    const final = readFileSync(f, 'utf8');
    const backups = backupsOf(d).map((n) => readFileSync(join(d, n), 'utf8'));
    // One of the two orders, whole: its final file, and backups holding the original and what the first run wrote.
    const matches = (o: { middle: string; final: string }) =>
      final === o.final && backups.length === 2 && [...backups].sort().join('\0') === [INSECURE, o.middle].sort().join('\0');
    const state = {
      codes: pair.map((r) => r.code),
      writers: pair.filter((r) => wrote(r.out)).length,
      inSequence: matches(ab) || matches(ba),
    };
    const want = { codes: [0, 0], writers: 2, inSequence: true };
    if (JSON.stringify(state) !== JSON.stringify(want)) problems.push(`pair ${i}: ${JSON.stringify(state)}\n${pair.map((r) => r.out).join('\n---\n')}`);
  }
  expect(problems).toEqual([]);
}, 600000);
