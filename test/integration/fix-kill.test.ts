/**
 * kill -9 during a fix, at any moment, leaves either the exact original or the exact fixed file, with the
 * original's ACL and extended attributes either way; every backup holds the exact original; whatever a
 * killed run leaves (its lock, temporary files, a backup name linked to the file) never stops or misleads
 * the next run, which removes the leftovers.
 * - every step of the write, deterministically: a process runs safeWrite and kills itself with SIGKILL as
 *   it reaches the step (test/fix/write-driver.ts);
 * - the real CLI, `mchard fix --yes FILE`, killed with SIGKILL at 200 random moments of its life (a
 *   complete run after every 20th, which must not wait for a dead lock and must leave nothing behind).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { safeWrite, type WriteStep } from '../../src/fix/write.js';
import { isBackupName, tempOwner } from '../../src/fix/names.js';
import { pidAlive } from '../../src/fix/lock.js';
import { buildCli, buildProgram } from '../fix/helpers.js';
import { ROOT } from '../helpers/paths.js';

const INSECURE = '# app servers\n-m 64\n-p 11211\n-u root\n-l 0.0.0.0\n-U 11211\n-A\n';
const NAME = 'memcached.conf';
const haveTools = spawnSync('setfacl', ['--version']).status === 0 && spawnSync('getfattr', ['--version']).status === 0;
const attrsSupported = (() => {
  const probe = join(tmpdir(), `mchard-kill-probe-${process.pid}`);
  writeFileSync(probe, '');
  const ok = haveTools && spawnSync('setfattr', ['-n', 'user.probe', '-v', '1', probe]).status === 0;
  rmSync(probe);
  return ok;
})();
if (!attrsSupported) console.warn('the kill -9 tests run without an ACL and extended attributes on the file: setfacl/setfattr or user xattrs are missing here');

let cli = '';
let driver = '';
let base = '';
beforeAll(async () => {
  cli = await buildCli();
  driver = await buildProgram(join(ROOT, 'test/fix/write-driver.ts'));
  base = realpathSync(mkdtempSync(join(tmpdir(), 'mchard-kill-')));
}, 120000);
afterAll(() => {
  for (const p of [cli, driver]) if (p) rmSync(dirname(p), { recursive: true, force: true });
  if (base) rmSync(base, { recursive: true, force: true });
});

const env = () => {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete e.NODE_EXTRA_CA_CERTS;
  return e;
};

/** The file's ACL and extended attributes as getfattr dumps them. */
function attrs(path: string): string {
  if (!attrsSupported) return '';
  const r = spawnSync('getfattr', ['--absolute-names', '--dump', '--match=-', '--encoding=hex', '--', path], { encoding: 'utf8' });
  return r.stdout.replace(/^# file: .*\n/, '');
}

/** A fresh insecure file (a new inode, renamed into place), with an ACL and a user attribute. */
function putOriginal(dir: string): void {
  const fresh = join(dir, 'fresh.tmp');
  writeFileSync(fresh, INSECURE);
  if (attrsSupported) {
    spawnSync('setfacl', ['-m', 'u:nobody:rw', fresh]);
    spawnSync('setfattr', ['-n', 'user.origin', '-v', 'provisioning', fresh]);
  }
  renameSync(fresh, join(dir, NAME));
}

interface State {
  content: 'original' | 'fixed' | 'other';
  attrsKept: boolean;
  backups: string[];
  badBackups: string[];
  hidden: string[];
  unexpectedHidden: string[];
}

/** Backups already checked (a backup, once made, must never change: checked again by content only). */
const checkedBackups = new Set<string>();

function inspect(dir: string, fixed: string, originalAttrs: string): State {
  const text = readFileSync(join(dir, NAME), 'utf8');
  const names = readdirSync(dir);
  const backups = names.filter((n) => isBackupName(NAME, n)).sort();
  const badBackup = (b: string) => {
    const p = join(dir, b);
    if (readFileSync(p, 'utf8') !== INSECURE) return true;
    if (checkedBackups.has(p)) return false;
    checkedBackups.add(p);
    return attrs(p) !== originalAttrs;
  };
  const hidden = names.filter((n) => n.startsWith('.'));
  return {
    content: text === INSECURE ? 'original' : text === fixed ? 'fixed' : 'other',
    attrsKept: attrs(join(dir, NAME)) === originalAttrs,
    backups,
    badBackups: backups.filter(badBackup),
    hidden,
    // Only a dead process's temporary files and its lock may be left.
    unexpectedHidden: hidden.filter((n) => {
      if (n === `.${NAME}.mchard-lock`) {
        const pid = Number(/^pid (\d+)$/m.exec(readFileSync(join(dir, n), 'utf8'))?.[1]);
        return !pid || pidAlive(pid);
      }
      const pid = tempOwner(NAME, n);
      return pid === null || pidAlive(pid);
    }),
  };
}

describe('kill -9 at every step of the write', () => {
  const STEPS: WriteStep[] = ['locked', 'temp-created', 'temp-ready', 'checked', 'backup-placed', 'renamed'];
  const FIXED = '-l 127.0.0.1\n';

  it.each(STEPS)('at %s: the original or the fixed file, attributes kept; the next run cleans up and writes', async (step) => {
    const dir = mkdtempSync(join(base, `step-${step}-`));
    putOriginal(dir);
    const originalAttrs = attrs(join(dir, NAME));
    const r = spawnSync(process.execPath, [driver, join(dir, NAME), Buffer.from(INSECURE).toString('base64'), Buffer.from(FIXED).toString('base64'), step], {
      encoding: 'utf8',
      env: env(),
    });
    expect(r.signal).toBe('SIGKILL');
    const after = inspect(dir, FIXED, originalAttrs);
    expect(after.content).toBe(step === 'renamed' ? 'fixed' : 'original');
    expect(after.attrsKept).toBe(true);
    expect(after.badBackups).toEqual([]);
    expect(after.unexpectedHidden).toEqual([]);
    // The killed run left its lock.
    expect(after.hidden).toContain(`.${NAME}.mchard-lock`);

    // The next run: no wait for the dead lock, leftovers removed, one backup per replaced original.
    const current = readFileSync(join(dir, NAME));
    const started = Date.now();
    const next = await safeWrite(join(dir, NAME), current, 'next\n', { lockTimeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(4000);
    const end = inspect(dir, 'next\n', originalAttrs);
    expect(end.hidden).toEqual([]);
    expect(end.attrsKept).toBe(true);
    if (step === 'renamed') {
      // The killed run's backup (the original) and this run's (the fixed file).
      expect(end.backups).toHaveLength(2);
      expect(readFileSync(next.backup!, 'utf8')).toBe(FIXED);
    } else {
      // A backup name the killed run had linked to the file is this run's backup: still one.
      expect(end.backups).toHaveLength(1);
      expect(end.badBackups).toEqual([]);
    }
  });
});

describe('kill -9 of mchard fix --yes at random moments', () => {
  it('200 kills: never half a file, never a changed backup, never a leftover that stops the next run', async () => {
    const dir = mkdtempSync(join(base, 'random-'));
    putOriginal(dir);
    const originalAttrs = attrs(join(dir, NAME));
    const run = (killAfterMs: number | null) =>
      new Promise<{ signal: NodeJS.Signals | null; code: number | null; out: string; ms: number }>((resolve) => {
        const started = Date.now();
        // --unsafe-fixes: -u root (MC201) is unsafe to fix outside /etc, and the run must write it all.
        const child = spawn(process.execPath, [cli, 'fix', '--yes', '--unsafe-fixes', '--no-color', join(dir, NAME)], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.on('close', (code, signal) => {
          if (timer) clearTimeout(timer);
          resolve({ signal, code, out, ms: Date.now() - started });
        });
      });

    // How long a whole run takes here, and what it writes.
    const whole = await run(null);
    expect(whole.code).toBe(0);
    const fixed = readFileSync(join(dir, NAME), 'utf8');
    expect(fixed).not.toBe(INSECURE);
    // The first third of a run is Node.js starting; kill anywhere from there to a little after the end.
    // The machine's load changes how long a run takes: every complete run below measures it again.
    let span = Math.max(whole.ms, 200);
    putOriginal(dir);

    const counts = { original: 0, fixed: 0, killedAfterExit: 0, staleLock: 0, staleTemps: 0 };
    const problems: string[] = [];
    for (let i = 1; i <= 200; i++) {
      const r = await run(Math.floor(span * (0.3 + 0.8 * Math.random())));
      if (r.signal !== 'SIGKILL') counts.killedAfterExit++;
      const s = inspect(dir, fixed, originalAttrs);
      counts[s.content === 'other' ? 'original' : s.content]++;
      if (s.hidden.includes(`.${NAME}.mchard-lock`)) counts.staleLock++;
      if (s.hidden.some((n) => tempOwner(NAME, n) !== null)) counts.staleTemps++;
      if (s.content === 'other' || !s.attrsKept || s.badBackups.length || s.unexpectedHidden.length) problems.push(`kill ${i}: ${JSON.stringify(s)}`);
      if (s.content === 'fixed') putOriginal(dir);
      if (i % 20 === 0) {
        // A complete run after the kills: it must not wait for a dead lock, and it leaves nothing behind.
        const complete = await run(null);
        span = Math.max(complete.ms, 200);
        const end = inspect(dir, fixed, originalAttrs);
        if (complete.code !== 0 || !/^wrote /m.test(complete.out) || complete.ms > 10_000 || end.hidden.length || end.content !== 'fixed' || end.badBackups.length) {
          problems.push(`complete run after kill ${i}: ${complete.code} in ${complete.ms} ms: ${complete.out}\n${JSON.stringify(end)}`);
        }
        putOriginal(dir);
      }
    }
    console.log(`kill -9 of mchard fix: ${JSON.stringify(counts)}, backups kept: ${readdirSync(dir).filter((n) => isBackupName(NAME, n)).length}`);
    expect(problems).toEqual([]);
    // The kills landed while mchard held the file, and some after the rename too.
    expect(counts.staleLock).toBeGreaterThan(0);
    expect(counts.fixed).toBeGreaterThan(0);
  }, 900000);
});
