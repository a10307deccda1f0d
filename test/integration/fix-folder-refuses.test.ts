/**
 * `fix --yes` on a file whose folder takes no new file: a read-only mount (a configuration mounted into a
 * container, an image's /etc), a full disk. The lock, the temporary file and the backup cannot be made
 * there, so nothing can be written; the file can still be read. Real mounts in a mount namespace of the
 * test's own (`unshare -m`): a tmpfs filled to the last block, and a read-only bind mount.
 *
 * What a user must see: the file's findings and the changes that were not made, one line saying why, and
 * exit status 2; the other files of the call fixed as usual; nothing left behind in the full folder (a
 * half-made lock candidate was, before). Before, the file was reported as "cannot read the file" with no
 * findings at all.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ensureBuilt, TempDir } from '../cli/helpers.js';

const usable = process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
if (!usable) console.warn('fix-folder-refuses: skipped (needs root and unshare for its own mounts)');
const maybe = usable ? describe : describe.skip;

const INSECURE = '# app servers\n-m 1024\n-p 11211\n-u memcache\n-l 0.0.0.0\n-vv\n';

/**
 * Runs `mchard ARGS` in a mount namespace where `setup` (a shell script, "$D" the test's folder) has
 * made its mounts; prints, after mchard, what the refusing folder holds, so the test sees it before the
 * namespace (and its tmpfs) goes away.
 */
function inMounts(dir: string, setup: string, args: string[]) {
  const script = `set -e; D="$1"; shift; ${setup}; set +e; "$@"; rc=$?; echo "--- rc $rc"; ls -A "$D/refusing"; echo "--- content"; cat "$D/refusing/memcached.conf"`;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', dir, process.execPath, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', MCHARD_CODE_CACHE: 'off' },
    timeout: 30_000,
  });
  const at = r.stdout.lastIndexOf('--- rc ');
  const out = r.stdout.slice(0, at);
  const tail = r.stdout.slice(at + '--- rc '.length);
  const rc = tail.slice(0, tail.indexOf('\n'));
  const [listing, content] = tail.slice(tail.indexOf('\n') + 1).split('--- content\n');
  return { code: Number(rc), out, err: r.stderr, listing: listing.split('\n').filter(Boolean), content };
}

maybe('fix: a folder that takes no new file', () => {
  let tmp: TempDir;
  beforeAll(() => ensureBuilt());
  beforeEach(() => {
    tmp = new TempDir('mchard-refusing-');
    mkdirSync(tmp.join('refusing'));
    writeFileSync(tmp.join('refusing', 'memcached.conf'), INSECURE);
    tmp.write('ok/memcached.conf', INSECURE);
  });
  afterEach(() => tmp.cleanup());

  const both = () => [join(tmp.path, 'refusing', 'memcached.conf'), join(tmp.path, 'ok', 'memcached.conf')];

  it('a full disk: the findings and the diff, "not written", exit 2, the other file fixed, nothing left behind', () => {
    // A tmpfs of 12 kB holding the file, then filled (dd stops at ENOSPC).
    const setup = 'mount -t tmpfs -o size=12k tmpfs "$D/refusing"; cp "$D/ok/memcached.conf" "$D/refusing/"; dd if=/dev/zero of="$D/refusing/pad" bs=1k count=64 2>/dev/null || true';
    const r = inMounts(tmp.path, setup, ['fix', '--yes', '--no-backup', ...both()]);
    const [full, ok] = both();
    expect(r.code).toBe(2);
    expect(r.err).toContain(`mchard: ${tmp.path}/refusing: cannot create a file in this folder (no space left on the device); the original is unchanged; not fixed\n`);
    // The changes that were not made, then why, then the file's findings as it is on disk.
    expect(r.out).toContain(`--- ${full}\toriginal\n`);
    expect(r.out).toContain(`not written: ${full} (the folder takes no new file): `);
    expect(r.out).toMatch(new RegExp(`${full}:5:1  error  MC101 `));
    expect(r.out).not.toContain('cannot read the file');
    // The other file of the call: written.
    expect(r.out).toContain(`wrote ${ok}\n`);
    expect(readFileSync(ok, 'utf8')).toContain('-l 127.0.0.1\n');
    // The full folder: the file unchanged, nothing else (no lock, no temporary file).
    expect(r.listing).toEqual(['memcached.conf', 'pad']);
    expect(r.content).toBe(INSECURE);
  });

  it('a read-only mount: the same, with the reason; --format json says it was not written and why', () => {
    const setup = 'mount --bind "$D/refusing" "$D/refusing"; mount -o remount,ro,bind "$D/refusing" "$D/refusing"';
    const r = inMounts(tmp.path, setup, ['fix', '--yes', '--format', 'json', ...both()]);
    const [ro] = both();
    expect(r.code).toBe(2);
    expect(r.err).toContain(`mchard: ${tmp.path}/refusing: cannot create a file in this folder (read-only file system); the original is unchanged; not fixed\n`);
    const report = JSON.parse(r.out);
    const [first, second] = report.files;
    expect(first.path).toBe(ro);
    expect(first.written).toBe(false);
    expect(first.changed).toBe(true);
    expect(JSON.stringify(first)).toContain('cannot write: cannot create a file in this folder (read-only file system)');
    expect(first.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('MC101');
    expect(first.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('MC001');
    expect(second.written).toBe(true);
    expect(r.listing).toEqual(['memcached.conf']);
    expect(r.content).toBe(INSECURE);
    expect(readdirSync(tmp.join('refusing'))).toEqual(['memcached.conf']);
  });

  it('nothing to change: no error, even though nothing could be written', () => {
    const clean = '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n-X\n-F\n-W\n';
    writeFileSync(tmp.join('refusing', 'memcached.conf'), clean);
    const setup = 'mount --bind "$D/refusing" "$D/refusing"; mount -o remount,ro,bind "$D/refusing" "$D/refusing"';
    const r = inMounts(tmp.path, setup, ['fix', '--yes', join(tmp.path, 'refusing', 'memcached.conf')]);
    expect(r.err).toBe('');
    expect(r.out).toContain('nothing to fix in');
    expect(r.code).not.toBe(2);
  });
});
