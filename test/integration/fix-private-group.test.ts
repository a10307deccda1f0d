/**
 * `mchard fix` by a user who is not root, on a file in a folder of theirs that their user private group
 * may write (Fedora's and RHEL's users create folders 0775 with umask 002, the group theirs alone): the
 * file is theirs to fix. The check against folders another user can change (a race that would turn root's
 * write elsewhere) refused it as "can be changed by group NAME". A real user made with useradd
 * (--user-group), run through setpriv.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ensureBuilt } from '../cli/helpers.js';

const USER = `mchupg${process.pid % 100000}`;
const usable = process.getuid?.() === 0 && existsSync('/usr/sbin/useradd') && existsSync('/usr/bin/setpriv');
if (!usable) console.warn('fix-private-group: skipped (needs root, useradd and setpriv)');

(usable ? describe : describe.skip)("fix as a user in a folder their private group may write", () => {
  let uid = 0;
  let gid = 0;
  let base = '';
  beforeAll(() => {
    ensureBuilt();
    spawnSync('userdel', [USER], { stdio: 'ignore' });
    const r = spawnSync('useradd', ['--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`useradd ${USER}: ${r.stderr}`);
    uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim());
    gid = Number(spawnSync('id', ['-g', USER], { encoding: 'utf8' }).stdout.trim());
    // /var/tmp/NAME: a root-owned 0755 folder holding the user's own, so the way there is root's.
    base = mkdtempSync('/var/tmp/mchard-upg-');
    chmodSync(base, 0o755);
  });
  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    spawnSync('userdel', [USER], { stdio: 'ignore' });
  });

  function fixAs(dir: string, groupWritable: boolean) {
    mkdirSync(dir);
    chownSync(dir, uid, gid);
    chmodSync(dir, groupWritable ? 0o775 : 0o755);
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, '-u memcache\n-l 0.0.0.0\n-U 0\n');
    chownSync(f, uid, gid);
    const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', process.execPath, BIN, 'fix', '--yes', '--no-backup', '--dialect', 'debian', f], {
      encoding: 'utf8',
      env: { ...process.env, HOME: '/nonexistent', NO_COLOR: '1' },
      cwd: '/',
      timeout: 30_000,
    });
    return { ...r, text: readFileSync(f, 'utf8') };
  }

  it('0775 with their private group: written', () => {
    const r = fixAs(join(base, 'upg'), true);
    expect(r.stderr).not.toContain('can be changed by group');
    expect(r.stdout).toMatch(/^wrote /m);
    expect(r.text).toContain('-l 127.0.0.1\n');
  });
});
