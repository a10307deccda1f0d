/**
 * A `.mchardrc` found above the files decides rules, severities, trusted networks and whether fix applies
 * unsafe fixes. Found by walking up, it may lie in a folder other users can write: /tmp is every user's,
 * and a file root renders or copies there to lint (or fix) would take the rules another user planted in
 * /tmp/.mchardrc (`[rules] MC101 = off`: root's lint says a file listening on every interface is fine).
 * Such a file is used only when it is root's, the user's running mchard, or its folder owner's (a
 * repository checked out by another user, linted by root in a container, keeps its own).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { errorLines, run, runBin, TempDir } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

(isRoot ? describe : describe.skip)('a .mchardrc of another user above the files', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
    chmodSync(tmp.path, 0o755);
  });
  afterAll(() => tmp.cleanup());

  const RC = '[rules]\nMC101 = off\nMC601 = off\nMC202 = off\n';
  const CONF = '-l 0.0.0.0\n-u memcache\n';

  it('in a folder every user can write (as /tmp), it is refused, never applied', async () => {
    const shared = tmp.join('shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    writeFileSync(tmp.join('shared', '.mchardrc'), RC);
    chownSync(tmp.join('shared', '.mchardrc'), NOBODY, NOBODY);
    mkdirSync(tmp.join('shared', 'work'));
    const conf = tmp.join('shared', 'work', 'memcached.conf');
    writeFileSync(conf, CONF);
    const r = await run(['lint', '--dialect', 'debian', conf]);
    expect(r.out).not.toMatch(/MC101/);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${tmp.join('shared', '.mchardrc')}: owned by uid ${NOBODY}`);
    // Named on the command line, it is the user's choice.
    const named = await run(['lint', '--dialect', 'debian', '--config', tmp.join('shared', '.mchardrc'), conf]);
    expect(named.out).not.toMatch(/MC101/);
    expect(named.code).toBe(0);
  });

  it("root's own, but writable by every user (0666): refused, never applied", async () => {
    const shared = tmp.join('open');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const rc = tmp.join('open', '.mchardrc');
    writeFileSync(rc, '');
    chmodSync(rc, 0o666);
    // Any user rewrites it: nobody plants the rules in root's file.
    execFileSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'sh', '-c', `printf '${RC.replace(/\n/g, '\\n')}' > ${rc}`]);
    expect(readFileSync(rc, 'utf8')).toBe(RC);
    mkdirSync(tmp.join('open', 'work'));
    const conf = tmp.join('open', 'work', 'memcached.conf');
    writeFileSync(conf, CONF);
    const r = await run(['lint', '--dialect', 'debian', conf]);
    expect(r.out).not.toMatch(/MC101/);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`mchard: ${rc}: writable by every user: a .mchardrc found above the files is used only when no one but its owner can change it (name it with --config to use it)\n`);
    chmodSync(rc, 0o644);
    const after = await run(['lint', '--dialect', 'debian', conf]);
    expect(after.code).toBe(0);
  });

  it("root's own, but writable by a group with other members or by a user its ACL names: refused, never applied", async () => {
    const place = tmp.join('grouped');
    mkdirSync(place);
    chmodSync(place, 0o1777);
    const rc = tmp.join('grouped', '.mchardrc');
    mkdirSync(tmp.join('grouped', 'work'));
    const conf = tmp.join('grouped', 'work', 'memcached.conf');
    writeFileSync(conf, CONF);
    const asNobody = (script: string) => execFileSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'sh', '-c', script]);
    const plant = () => asNobody(`printf '${RC.replace(/\n/g, '\\n')}' > ${rc}`);
    const refusedAs = async (who: string) => {
      const r = await run(['lint', '--dialect', 'debian', conf]);
      expect(r.out).not.toMatch(/MC101/);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`mchard: ${rc}: writable by ${who}: a .mchardrc found above the files is used only when no one but its owner can change it (name it with --config to use it)\n`);
    };
    // 0664, group nogroup: nobody (its member) rewrites root's file.
    writeFileSync(rc, '');
    chownSync(rc, 0, NOBODY);
    chmodSync(rc, 0o664);
    plant();
    expect(readFileSync(rc, 'utf8')).toBe(RC);
    await refusedAs(`group ${NOBODY}`);
    // 0644 and group root, with an ACL entry that lets nobody write: the same.
    writeFileSync(rc, '');
    chownSync(rc, 0, 0);
    chmodSync(rc, 0o644);
    execFileSync('setfacl', ['-m', `u:${NOBODY}:rw`, rc]);
    plant();
    expect(readFileSync(rc, 'utf8')).toBe(RC);
    await refusedAs(`uid ${NOBODY}`);
    // Group root alone may write it, and no ACL: root's own, applied.
    execFileSync('setfacl', ['-b', rc]);
    chmodSync(rc, 0o664);
    const applied = await run(['lint', '--dialect', 'debian', conf]);
    expect(applied.err).toBe('');
    expect(applied.out).not.toMatch(/MC101/);
    expect(applied.code).toBe(0);
  });

  it("in a folder of the same owner (another user's checkout linted by root), it applies", async () => {
    const repo = tmp.join('repo');
    mkdirSync(repo);
    writeFileSync(tmp.join('repo', '.mchardrc'), RC);
    writeFileSync(tmp.join('repo', 'memcached.conf'), CONF);
    for (const p of [repo, tmp.join('repo', '.mchardrc'), tmp.join('repo', 'memcached.conf')]) chownSync(p, NOBODY, NOBODY);
    const r = await run(['lint', '--dialect', 'debian', tmp.join('repo', 'memcached.conf')]);
    expect(r.err).toBe('');
    expect(r.out).not.toMatch(/MC101/);
  });
});

describe('a ruleset named with --config that is no ruleset', () => {
  let tmp: TempDir;
  beforeEach(() => (tmp = new TempDir()));
  afterEach(() => tmp.cleanup());
  const SHADOW = 'root:$y$j9T$s3cretHASH:19000:0:99999:7:::\n';

  // The GitHub Action's `config: ci/mchard.ini`, or a CI step's `--config .mchardrc-ci`, names a file of the
  // pull request's checkout: a link there to /etc/shadow had its first line quoted in "unknown key" by a
  // root-run job (its log is public).
  it("a checkout's file that a link takes out of the current folder is not read", () => {
    const secret = tmp.write('private/shadow', SHADOW);
    chmodSync(secret, 0o600);
    const repo = tmp.join('repo');
    tmp.write('repo/memcached.conf', '-l 0.0.0.0\n');
    mkdirSync(tmp.join('repo', 'ci'));
    symlinkSync(secret, tmp.join('repo', 'ci', 'mchard.ini'));
    const r = runBin(['lint', '--config', 'ci/mchard.ini', '--', 'memcached.conf'], { cwd: repo });
    expect([r.code, r.out]).toEqual([2, '']);
    expect(errorLines(r.err)).toEqual([`mchard: ci/mchard.ini: a symbolic link leads it to ${secret}, outside the current folder ${repo}; not read (name it by its real path to use it)`]);
    expect(r.err).not.toContain('s3cret');
  });

  it('a line that is no setting is never quoted back, whoever named the file; a misspelt key still is', async () => {
    const shadow = tmp.write('shadow', SHADOW);
    const conf = tmp.write('memcached.conf', '-l 0.0.0.0\n');
    const r = await run(['lint', '--config', shadow, conf]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`mchard: ${shadow}: a line that is not "key = value" with a key mchard knows (not quoted: it is not a name)\n`);
    const typo = tmp.write('typo.ini', 'failon = error\n');
    expect((await run(['lint', '--config', typo, conf])).err).toBe(`mchard: ${typo}: unknown key "failon" (did you mean fail-on?)\n`);
  });
});
