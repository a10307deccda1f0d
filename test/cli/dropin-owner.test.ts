/**
 * The drop-ins beside a unit outside systemd's folders (`NAME.service.d/*.conf`, a repository's) are merged
 * into it as systemd would merge them (src/system/unit-files.ts). In a shared folder (/tmp is every user's),
 * another user could make that folder beside root's unit: an override.conf setting ExecStart= turned root's
 * lint of a unit running memcached as root on every interface into "0 errors" (its checks skipped, MC910).
 * As a .mchardrc found above the files, the drop-in folder counts only when it is root's, the running
 * user's or the unit's folder owner's, and not every user's to fill; a repository of another user, linted by
 * root, keeps its own.
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { run, TempDir } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const UNIT = '[Service]\nExecStart=/usr/bin/memcached -u root -l 0.0.0.0 -p 11211\n';
const OVERRIDE = '[Service]\nExecStart=\nExecStart=/usr/bin/memcached -u memcache -l 127.0.0.1 -U 0 -S\n';

(isRoot ? describe : describe.skip)("a unit's drop-in folder of another user", () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
    chmodSync(tmp.path, 0o755);
  });
  afterAll(() => tmp.cleanup());

  /** `name`/memcached.service (root's) in a folder of `folderOwner` (mode), with a drop-in folder of `dropOwner` (mode). */
  const unit = (name: string, folderOwner: number, folderMode: number, dropOwner: number, dropMode = 0o755, dropGroup = dropOwner): string => {
    const dir = tmp.join(name);
    mkdirSync(tmp.join(name, 'memcached.service.d'), { recursive: true });
    chownSync(dir, folderOwner, folderOwner);
    chmodSync(dir, folderMode);
    const path = tmp.join(name, 'memcached.service');
    writeFileSync(path, UNIT);
    writeFileSync(tmp.join(name, 'memcached.service.d', 'override.conf'), OVERRIDE);
    chownSync(tmp.join(name, 'memcached.service.d', 'override.conf'), dropOwner, dropOwner);
    chownSync(tmp.join(name, 'memcached.service.d'), dropOwner, dropGroup);
    chmodSync(tmp.join(name, 'memcached.service.d'), dropMode);
    return path;
  };
  const ids = (out: string) => [...new Set([...out.matchAll(/\s(MC\d{3})\s/g)].map((m) => m[1]))].sort();

  it('in a folder every user can write (as /tmp), is not merged into root\'s unit', async () => {
    const r = await run(['lint', unit('shared', 0, 0o1777, NOBODY)]);
    // It said "0 errors": MC910 only (the drop-in sets ExecStart=).
    expect(ids(r.out)).toEqual(expect.arrayContaining(['MC101', 'MC201']));
    expect(ids(r.out)).not.toContain('MC910');
    expect(r.code).toBe(1);
  });

  it("root's own but every user's to fill (1777): not merged either", async () => {
    const r = await run(['lint', unit('open', 0, 0o1777, 0, 0o1777)]);
    expect(ids(r.out)).toEqual(expect.arrayContaining(['MC101', 'MC201']));
    expect(ids(r.out)).not.toContain('MC910');
  });

  it("root's own but writable by a group of another user's (0775, nogroup): not merged either", async () => {
    const r = await run(['lint', unit('group', 0, 0o1777, 0, 0o775, NOBODY)]);
    expect(ids(r.out)).toEqual(expect.arrayContaining(['MC101', 'MC201']));
    expect(ids(r.out)).not.toContain('MC910');
  });

  it("a repository of that user (the unit's folder is theirs): merged, as systemd would", async () => {
    const r = await run(['lint', unit('repo', NOBODY, 0o755, NOBODY)]);
    expect(ids(r.out)).toContain('MC910');
    expect(ids(r.out)).not.toContain('MC201');
  });
});
