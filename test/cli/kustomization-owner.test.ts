/**
 * A kustomization above a memcached.conf that names it in a configMapGenerator makes mchard refuse to read
 * the file as Debian's (the container decides what reads it: src/cli/conf-owner.ts). Folders above a file
 * are often shared: another user's kustomization.yaml planted in /tmp, naming x/memcached.conf, had root's
 * lint of its own /tmp/x/memcached.conf refuse it ("not read: it looks like a file kustomize puts into a
 * ConfigMap ... (../kustomization.yaml names it)", no findings). As a .mchardrc found above the files, such
 * a kustomization counts only when it is root's, the running user's or its folder owner's, and not every
 * user's to rewrite.
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { run, TempDir } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const KUSTOMIZATION = 'configMapGenerator:\n- name: memcached\n  files:\n  - x/memcached.conf\n';

(isRoot ? describe : describe.skip)('a kustomization above a memcached.conf', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
    chmodSync(tmp.path, 0o755);
  });
  afterAll(() => tmp.cleanup());

  /** A folder every user can write (as /tmp), with root's x/memcached.conf and a kustomization beside x. */
  const shared = (name: string, owner: number, mode = 0o644, group = owner): string => {
    const dir = tmp.join(name);
    mkdirSync(tmp.join(name, 'x'), { recursive: true });
    chmodSync(dir, 0o1777);
    const k = tmp.join(name, 'kustomization.yaml');
    writeFileSync(k, KUSTOMIZATION);
    chownSync(k, owner, group);
    chmodSync(k, mode);
    const conf = tmp.join(name, 'x', 'memcached.conf');
    writeFileSync(conf, '-l 0.0.0.0\n-u memcache\n');
    return conf;
  };

  it("another user's, in a shared folder, does not make root's file unread", async () => {
    const r = await run(['lint', shared('planted', NOBODY)]);
    expect(r.err).not.toMatch(/not read/);
    expect(r.out).toMatch(/MC101/);
  });

  it("root's own, but writable by every user: the same", async () => {
    const r = await run(['lint', shared('open', 0, 0o666)]);
    expect(r.err).not.toMatch(/not read/);
    expect(r.out).toMatch(/MC101/);
  });

  // As a .mchardrc found above the files: another user who can write it through a group or an ACL could
  // have written it (before, only every user's write and the owner were looked at).
  it("root's own, but writable by a group of another user's or through an ACL: the same", async () => {
    const byGroup = await run(['lint', shared('group', 0, 0o664, NOBODY)]);
    expect(byGroup.err).not.toMatch(/not read/);
    expect(byGroup.out).toMatch(/MC101/);
    const conf = shared('acl', 0);
    execFileSync('setfacl', ['-m', `u:${NOBODY}:rw`, tmp.join('acl', 'kustomization.yaml')]);
    const byAcl = await run(['lint', conf]);
    expect(byAcl.err).not.toMatch(/not read/);
    expect(byAcl.out).toMatch(/MC101/);
  });

  it("root's own: the file is refused, as before", async () => {
    const r = await run(['lint', shared('own', 0)]);
    expect(r.err).toMatch(/not read: it looks like a file kustomize puts into a ConfigMap or Secret/);
    expect(r.code).toBe(2);
  });
});
