/**
 * `fix` of a unit file named in the package's folder (`/lib/systemd/system`, `/usr/lib/systemd/system`):
 * the changes are shown, never written. Written, they would last until the package's next upgrade, and
 * change nothing while a unit of the same name in /etc/systemd/system, or a drop-in, overrides the file:
 * a "wrote" that does not harden what runs. (With no FILE, fix already passed these files over.)
 *
 * In a mount namespace of the test's own, a tmpfs over /usr/lib/systemd/system holds the unit, so the
 * machine's own units are never touched; /lib/systemd/system reaches it through Debian's merged /usr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { BIN, ensureBuilt } from '../cli/helpers.js';

const merged = existsSync('/lib/systemd/system') && realpathSync('/lib/systemd/system') === '/usr/lib/systemd/system';
const usable = process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync('/usr/lib/systemd/system');
if (!usable) console.warn('fix-packaged-unit: skipped (needs root, unshare and /usr/lib/systemd/system)');
const maybe = usable ? describe : describe.skip;

const UNIT = '[Unit]\nDescription=memcached\n[Service]\nExecStart=/usr/bin/memcached -u memcache -l 0.0.0.0 -p 11211\n';

function fixInNamespace(path: string, args: string[]) {
  const script = `set -e; mount -t tmpfs tmpfs /usr/lib/systemd/system; printf '%s' "$UNIT" > /usr/lib/systemd/system/memcached.service; set +e; "$@"; echo "--- rc $?"; cat /usr/lib/systemd/system/memcached.service`;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', process.execPath, BIN, 'fix', ...args, path], {
    encoding: 'utf8',
    env: { ...process.env, UNIT, NO_COLOR: '1', MCHARD_CODE_CACHE: 'off' },
    cwd: '/',
    timeout: 30_000,
  });
  const at = r.stdout.lastIndexOf('--- rc ');
  const tail = r.stdout.slice(at + 7);
  return { out: r.stdout.slice(0, at), err: r.stderr, code: Number(tail.slice(0, tail.indexOf('\n'))), after: tail.slice(tail.indexOf('\n') + 1) };
}

maybe('fix: a unit file of the package', () => {
  beforeAll(() => ensureBuilt());

  it.each([['/usr/lib/systemd/system/memcached.service'], ...(merged ? [['/lib/systemd/system/memcached.service']] : [])])('%s --yes: the diff and why it is not written; the file unchanged; exit 1', (path) => {
    const r = fixInNamespace(path, ['--yes', '--no-restart']);
    expect(r.out).toContain('+ExecStart=/usr/bin/memcached -u memcache -l 127.0.0.1 -p 11211 -U 0\n');
    expect(r.out).toContain(
      `  not fixed  ${path} is a unit file of the package, in /usr/lib/systemd/system/: its next upgrade puts it back, and a unit of the same name in /etc/systemd/system or a drop-in overrides it; copy it to /etc/systemd/system/memcached.service (or write a drop-in in /etc/systemd/system/memcached.service.d/) and fix that\n`,
    );
    expect(r.out).toContain(`not written: ${path} (a unit file of the package, in /usr/lib/systemd/system): 2 errors, `);
    expect(r.out).not.toMatch(/^wrote /m);
    expect(r.after).toBe(UNIT);
    expect(r.code).toBe(1);
  });

  it('--format json: written false, with the reason', () => {
    const r = fixInNamespace('/usr/lib/systemd/system/memcached.service', ['--yes', '--no-restart', '--format', 'json']);
    const f = JSON.parse(r.out).files[0];
    expect(f).toMatchObject({ changed: true, written: false });
    expect(f.notFixed[0]).toMatchObject({ kind: 'not-written', reason: 'a unit file of the package, in /usr/lib/systemd/system' });
    expect(r.after).toBe(UNIT);
  });
});
