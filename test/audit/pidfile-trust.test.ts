/**
 * audit ties a process to a configuration file through the file's `-P` pid file only when no one but root
 * and the file's memcached user (`-u`) can change that pid file: whoever can write it, or its folder, can
 * make it name any process. Real files, real modes and ACLs (setfacl), and a real memcached that runs as
 * another user (nobody) than the files' service user (memcache), on loopback.
 */
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { run, TempDir } from '../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, stopAll, type Started } from './memcached.js';
import { pidFileDoubt } from '../../src/system/pid-file.js';

const NOBODY = 65534;
const MEMCACHE = 102;
const haveUsers = (() => {
  const r = spawnSync('getent', ['passwd', 'memcache', 'nobody'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes(`memcache:x:${MEMCACHE}:`) && r.stdout.includes(`nobody:x:${NOBODY}:`);
})();
const haveAcl = spawnSync('setfacl', ['--version']).status === 0;

function setfacl(args: string[]): void {
  const r = spawnSync('setfacl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`setfacl ${args.join(' ')}: ${r.stderr}`);
}

(haveMemcached && haveUsers && haveAcl ? describe : describe.skip)('audit: a -P pid file counts only when no one else can change it', () => {
  let tmp: TempDir;
  let m: Started;
  let filePort: number;
  beforeAll(async () => {
    tmp = new TempDir();
    chmodSync(tmp.path, 0o755);
    const [p, q] = freePorts(2, 55000, 59999);
    filePort = q;
    // Another user's memcached (it runs as nobody), on another port than the files ask for: neither its
    // arguments nor its listeners are any file's; only a pid file could tie it to one.
    m = await startMemcached(['-u', 'nobody', '-l', '127.0.0.1', '-p', String(p), '-U', '0'], 1);
  });
  afterAll(async () => {
    await stopAll();
    tmp.cleanup();
  });

  /** A folder `name` (mode, owner) holding memcached.pid (mode, owner) with the process's pid; returns the pid file's path. */
  function pidFile(name: string, dirMode: number, fileMode: number, fileOwner = 0, dirOwner = 0): string {
    const dir = tmp.join(name);
    mkdirSync(dir);
    chownSync(dir, dirOwner, dirOwner === 0 ? 0 : dirOwner === MEMCACHE ? 105 : NOBODY);
    chmodSync(dir, dirMode);
    const file = `${dir}/memcached.pid`;
    writeFileSync(file, `${m.pid}\n`);
    chownSync(file, fileOwner, fileOwner === 0 ? 0 : fileOwner === MEMCACHE ? 105 : NOBODY);
    chmodSync(file, fileMode);
    return file;
  }

  function conf(name: string, pid: string): string {
    return tmp.write(`memcached_${name}.conf`, `-u memcache\n-l 127.0.0.1\n-p ${filePort}\n-P ${pid}\n`);
  }

  async function audit(file: string) {
    const json = await run(['audit', '--pid', String(m.pid), '--no-firewall', '--format', 'json', file]);
    const text = await run(['audit', '--pid', String(m.pid), '--no-firewall', file]);
    expect(json.err).toBe("");
    expect(json.code).toBeLessThan(2);
    const p = JSON.parse(json.out).files[0].process;
    const line = text.out.split('\n').find((l) => l.startsWith('  file: '))!;
    return { file: p.file, note: p.note as string | undefined, line };
  }

  it.each([
    ['a pid file every user can write', () => pidFile('world', 0o755, 0o666), /but every user can write \S+\/world\/memcached\.pid \(mode 0666\)/],
    ['a pid file another user owns', () => pidFile('owned', 0o755, 0o644, NOBODY), /but uid 65534 can write \S+\/owned\/memcached\.pid \(its owner\)/],
    ['a folder every user can write (not sticky)', () => pidFile('open', 0o777, 0o644), /but \S+\/open can be changed by every user/],
    ['a folder another user owns', () => pidFile('theirs', 0o755, 0o644, 0, NOBODY), /but \S+\/theirs can be changed by uid 65534 \(its owner\)/],
    ['a group-writable pid file of a group not the service user\'s', () => {
      const f = pidFile('group', 0o755, 0o664);
      chownSync(f, 0, NOBODY);
      return f;
    }, /but group 65534 can write \S+\/group\/memcached\.pid/],
    ['a pid file whose ACL lets another user write it', () => {
      const f = pidFile('acl', 0o755, 0o644);
      setfacl(['-m', 'u:nobody:rw', f]);
      return f;
    }, /but uid 65534 can write \S+\/acl\/memcached\.pid \(its ACL\)/],
    ['a folder whose ACL lets another user write it', () => {
      const f = pidFile('acldir', 0o755, 0o644);
      setfacl(['-m', 'u:nobody:rwx', tmp.join('acldir')]);
      return f;
    }, /but \S+\/acldir can be changed by uid 65534 \(its ACL\)/],
    ['a symbolic link', () => {
      const f = pidFile('linked', 0o755, 0o644);
      symlinkSync(f, tmp.join('linked', 'link.pid'));
      return tmp.join('linked', 'link.pid');
    }, /but \S+\/linked\/link\.pid is a symbolic link/],
    ['a link to the folder that another user owns', () => {
      const f = pidFile('real', 0o755, 0o644);
      mkdirSync(tmp.join('hers'));
      chownSync(tmp.join('hers'), NOBODY, NOBODY);
      symlinkSync(tmp.join('real'), tmp.join('hers', 'run'));
      return f.replace('/real/', '/hers/run/');
    }, /but \S+\/hers can be changed by uid 65534 \(its owner\)/],
  ])('%s: the match is unknown, and says why and what would decide it', async (_what, make, why) => {
    const pid = make();
    const r = await audit(conf(`c-${pid.split('/').slice(-2, -1)[0]}`, pid));
    expect(r.file).toBeNull();
    expect(r.note).toMatch(/^unknown: /);
    expect(r.note).toMatch(why);
    expect(r.note).toContain('holds its pid');
    expect(r.note).toContain('A pid file only root and the service\'s user can change (in folders only they can change), the systemd unit that runs the process, an argument vector equal to a file\'s, or a port or socket it holds would decide it');
    expect(r.line).toBe(`  file: ${r.note}`);
  });

  it.each([
    ["root's pid file in root's folder", () => pidFile('rootsafe', 0o755, 0o644)],
    ["the service user's pid file in its own folder (as Debian's /run/memcached)", () => pidFile('svc', 0o755, 0o644, MEMCACHE, MEMCACHE)],
    ["the service user's pid file in a sticky folder every user can write (/tmp)", () => pidFile('sticky', 0o1777, 0o644, MEMCACHE)],
    ['a group-writable pid file of root\'s group', () => pidFile('rootgroup', 0o755, 0o664)],
  ])('%s: matched by the pid file', async (_what, make) => {
    const pid = make();
    const file = conf(`ok-${pid.split('/').slice(-2, -1)[0]}`, pid);
    const r = await audit(file);
    expect(r.file).toEqual({ path: file, dialect: 'debian', method: 'pidfile' });
    expect(r.line).toBe(`  file: ${file} (matched by its -P pidfile)`);
  });

  it('pidFileDoubt: a relative path and a user /etc/passwd lacks', () => {
    expect(pidFileDoubt('run/memcached.pid', 'memcache')).toMatch(/relative path/);
    // Only root's files count for a user that does not exist.
    const f = pidFile('nouser', 0o755, 0o644, MEMCACHE, MEMCACHE);
    expect(pidFileDoubt(f, 'no-such-user')).toMatch(/can be changed by uid 102 \(its owner\)/);
    expect(pidFileDoubt(f, 'memcache')).toBeNull();
    expect(pidFileDoubt(tmp.join('missing', 'x.pid'), 'memcache')).toMatch(/cannot be checked \(no such file\)/);
  });
});
