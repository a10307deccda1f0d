/**
 * `mchard fix` as root on a file another user owns, in a folder only root can change (redteam7's leftover).
 * mchard's new file is given the original's owner before it takes the original's place, so from then on
 * that user can open it by name and write into it or chmod it. Before, mchard renamed it in and reported
 * its own text as written (and would restart the service on it). Now the new file is checked again through
 * mchard's descriptor just before the rename (nothing written when it changed) and right after (said, the
 * fix not reported as on disk, nothing restarted). The other user is real: a process run as nobody.
 */
import { appendFileSync, chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixHooks } from '../../src/cli/fix.js';
import { runFixCaptured } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const INSECURE = '# app servers\n-m 64\n-p 11211\n-u memcache\n-l 0.0.0.0\n';

/** Runs a shell command as nobody (setpriv, util-linux): a process of the file's owner, not root's. */
const asNobody = (script: string, ...args: string[]) =>
  execFileSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'sh', '-c', script, 'sh', ...args], { stdio: 'pipe' });

(isRoot ? describe : describe.skip)("another user's file, fixed by root: what that user does to mchard's new file", () => {
  let dir = '';
  let file = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mchard-owner-race-'));
    chmodSync(dir, 0o755);
    file = join(dir, 'memcached.conf');
    writeFileSync(file, INSECURE);
    chownSync(file, NOBODY, NOBODY);
    chmodSync(file, 0o644);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fix = (hooks: FixHooks) => runFixCaptured(['--no-color', '--yes', '--format', 'json', file], { hooks });
  const leftovers = () => readdirSync(dir).filter((n) => n !== 'memcached.conf');

  it.each([
    ['writes a line into it', `printf '%s\\n' '-l 0.0.0.0' >> "$1"`, 'its content'],
    ['makes it writable by everyone', 'chmod 666 "$1"', 'its mode, now 666'],
  ])('the owner %s before the rename: nothing written, the original as it was, exit 2', async (_what, script, changed) => {
    const r = await fix({ beforeRename: ({ temp }) => void asNobody(script, temp) });
    expect(r.err).toContain(`\nmchard: ${file}: another process changed mchard's new file (${changed}) before it took the file's place; nothing was written (run mchard fix again)\n`);
    expect(r.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(INSECURE);
    expect(statSync(file).mode & 0o7777).toBe(0o644);
    expect(leftovers()).toEqual([]);
    expect(JSON.parse(r.out).files[0]).toMatchObject({ written: false, fixed: [] });
  });

  it('the owner writes into it as it takes its place: said, the fix not reported as on disk, exit 2', async () => {
    const r = await fix({ onStep: (s) => void (s === 'renamed' && asNobody(`printf '%s\\n' '-l 0.0.0.0' >> "$1"`, file)) });
    const backup = leftovers().find((n) => n.startsWith('memcached.conf.mchard-backup-'))!;
    expect(r.err).toContain(
      `\nmchard: ${file}: another process changed the file as mchard put it in place (its content): what is on disk is not mchard's fix; not restarted, check the file (the original is in ${join(dir, backup)})\n`,
    );
    expect(r.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toMatch(/-l 127\.0\.0\.1\n[^]*-l 0\.0\.0\.0\n$/);
    expect(readFileSync(join(dir, backup), 'utf8')).toBe(INSECURE);
    const out = JSON.parse(r.out).files[0];
    expect(out).toMatchObject({ written: false, fixed: [], backup: join(dir, backup) });
    expect(out.notFixed[0]).toMatchObject({ kind: 'not-written', reason: 'another process changed the file as it was put in place (its content)' });
  });

  it('nothing changed: written, owner and mode kept (the checks do not get in the way)', async () => {
    const r = await fix({ onStep: (s) => void (s === 'renamed' && appendFileSync(join(dir, 'unrelated'), '')) });
    expect(r.err).not.toContain('another process');
    expect(r.err).toContain(`wrote ${file}`);
    expect(readFileSync(file, 'utf8')).toContain('-l 127.0.0.1');
    expect([statSync(file).uid, statSync(file).mode & 0o7777]).toEqual([NOBODY, 0o644]);
  });
});
