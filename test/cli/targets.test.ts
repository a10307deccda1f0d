/**
 * Which files a command works on when it is not handed them one by one (issue 15 §7): a folder
 * (`mchard lint DIR`), hook mode (`--hook`, as the pre-commit hooks run), no FILE (every dialect's
 * system paths), and standard input under a name (`--stdin-filename`).
 */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { run, runBin, ensureBuilt, TempDir, errorLines, SAMPLES, ROOT } from './helpers.js';
import { systemPlaces, walkFolder } from '../../src/cli/targets.js';
import { configPathKind } from '../../src/dialects/detect.js';
import { isMchardFile } from '../../src/own-files.js';
import { backupNames, lockName, tempName } from '../../src/fix/names.js';

const INSECURE = readFileSync(join(SAMPLES, 'insecure-debian.conf'), 'utf8');
const RHEL = 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS=""\n';
const UNIT = '[Unit]\nDescription=memcached\n[Service]\nExecStart=/usr/bin/memcached -u memcache -l 0.0.0.0 -p 11211\n';
const NGINX_UNIT = '[Unit]\nDescription=nginx\n[Service]\nExecStart=/usr/sbin/nginx -g "daemon off;"\n';
const COMPOSE = 'services:\n  cache:\n    image: memcached:1.6\n    ports:\n      - "11211:11211"\n';
const COMPOSE_DB = 'services:\n  db:\n    image: postgres:16\n    environment:\n      MEMCACHED_HOST: cache.internal\n';
const SUPERVISOR = '[program:memcached]\ncommand=/usr/bin/memcached -u memcache -l 0.0.0.0\n';
const SUPERVISOR_NGINX = '[program:nginx]\ncommand=/usr/sbin/nginx\n';
const UPSTART = 'description "memcached"\nstart on runlevel [2345]\nrespawn\nexec /usr/bin/memcached -l 0.0.0.0\n';
const WORKFLOW = 'name: CI\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n';

/** A configuration repository: what a walk must find, and what it must pass over. */
function repository(tmp: TempDir, outside: string): string {
  const files: Record<string, string> = {
    'etc/memcached.conf': INSECURE,
    'etc/memcached_sessions.conf': '-u memcache\n-l 127.0.0.1\n-U 0\n',
    'etc/sysconfig/memcached': RHEL,
    'roles/cache/templates/memcached.conf.j2': '-u memcache\n-l {{ listen }}\n',
    'units/memcached.service': UNIT,
    'units/nginx.service': NGINX_UNIT,
    'app/docker-compose.yml': COMPOSE,
    'db/docker-compose.yml': COMPOSE_DB,
    'etc/supervisor/conf.d/memcached.conf': SUPERVISOR,
    'etc/supervisor/conf.d/nginx.conf': SUPERVISOR_NGINX,
    'freebsd/etc/rc.conf': 'hostname="db1"\nsshd_enable="YES"\n',
    'upstart/memcached.conf': UPSTART,
    'etc/init/memcached.conf': UPSTART,
    '.github/workflows/ci.yml': WORKFLOW,
    'README.md': '# configuration\n',
    'Dockerfile': 'FROM memcached:1.6\nCMD ["memcached", "-l", "0.0.0.0"]\n',
    'web/Dockerfile': 'FROM nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]\n',
    'etc/memcached.conf.mchard-backup-20260101T000000Z': INSECURE,
    'etc/.memcached.conf.mchard-lock': '4242\n',
    'etc/.memcached.conf.mchard-tmp-4242-0123abcd': INSECURE,
    'etc/memcached.conf.bak': INSECURE,
    '.git/memcached.conf': INSECURE,
    'vendor/node_modules/x/memcached.conf': INSECURE,
  };
  for (const [p, text] of Object.entries(files)) tmp.write(`repo/${p}`, text);
  // Links are never followed: one to a file outside, one to a folder outside.
  symlinkSync(outside, tmp.join('repo/etc/memcached_outside.conf'));
  symlinkSync(join(outside, '..'), tmp.join('repo/linked-folder'));
  return tmp.join('repo');
}

describe('mchard lint FOLDER', () => {
  let tmp: TempDir;
  let repo: string;
  beforeAll(() => {
    tmp = new TempDir('mchard-walk-');
    const outside = tmp.write('outside/memcached.conf', INSECURE);
    repo = repository(tmp, outside);
  });
  afterAll(() => tmp.cleanup());

  const FOUND = [
    'Dockerfile',
    'app/docker-compose.yml',
    'etc/memcached.conf',
    'etc/memcached_sessions.conf',
    'etc/supervisor/conf.d/memcached.conf',
    'etc/sysconfig/memcached',
    'roles/cache/templates/memcached.conf.j2',
    'units/memcached.service',
  ];

  it('finds the configuration files by their paths, and passes over the rest silently', () => {
    const { files } = walkFolder(repo);
    expect(files.map((f) => f.slice(repo.length + 1))).toEqual(FOUND);
  });

  it('lints them: no refusal, no "is a directory", findings from every format', async () => {
    const r = await run(['lint', '--format', 'json', repo]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(j.files.map((f: { path: string }) => f.path.slice(repo.length + 1))).toEqual(FOUND);
    expect(j.files.map((f: { dialect: string }) => f.dialect)).toEqual(['dockerfile', 'compose', 'debian', 'debian', 'supervisord', 'sysconfig', 'debian', 'systemd']);
    expect(j.summary.refused ?? 0).toBe(0);
  });

  it('-v says what was passed over and why; relative folders give relative paths', async () => {
    const r = await run(['lint', '-v', '--format', 'json', repo]);
    const lines = errorLines(r.err);
    const over = (p: string) => lines.find((l) => l.startsWith(`mchard: passed over ${repo}/${p}: `));
    expect(over('units/nginx.service')).toMatch(/holds no memcached/);
    expect(over('db/docker-compose.yml')).toMatch(/holds no memcached/);
    expect(over('etc/supervisor/conf.d/nginx.conf')).toMatch(/holds no memcached/);
    expect(over('freebsd/etc/rc.conf')).toMatch(/holds no memcached/);
    expect(over('upstart/memcached.conf')).toMatch(/not read: .*an Upstart job/);
    expect(over('web/Dockerfile')).toMatch(/a Dockerfile whose FROM, CMD and ENTRYPOINT do not name memcached/);
    expect(over('etc/memcached_outside.conf')).toMatch(/a symbolic link/);
    // Never looked at: not a configuration path, a refused path, fix's own files, copies, VCS, node_modules.
    for (const p of ['README.md', '.github/workflows/ci.yml', 'etc/init/memcached.conf', 'etc/memcached.conf.bak', '.git/memcached.conf', 'vendor/node_modules/x/memcached.conf', 'linked-folder']) {
      expect([p, lines.some((l) => l.includes(`${repo}/${p}`))]).toEqual([p, false]);
    }
    expect(lines.filter((l) => /mchard-(backup|lock|tmp)/.test(l))).toEqual([]);
    expect(lines.at(-1)).toBe(`mchard: ${repo}: 8 files found`);
    const rel = runBin(['lint', '--format', 'json', '.'], { cwd: repo });
    expect(JSON.parse(rel.out).files.map((f: { path: string }) => f.path)).toEqual(FOUND);
  });

  it('fix FOLDER --dry-run fixes what it finds, and writes nothing', async () => {
    const before = readFileSync(join(repo, 'etc/memcached.conf'));
    const r = await run(['fix', '--dry-run', '--format', 'json', repo]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.files.map((f: { path: string }) => f.path.slice(repo.length + 1))).toEqual(FOUND);
    expect(j.files.find((f: { path: string }) => f.path.endsWith('etc/memcached.conf')).changed).toBe(true);
    expect(readFileSync(join(repo, 'etc/memcached.conf'))).toEqual(before);
  });

  it('inspect FOLDER inspects each file found, as a JSON array even when it holds one', async () => {
    const one = await run(['inspect', '--format', 'json', join(repo, 'units')]);
    expect(JSON.parse(one.out)).toEqual([expect.objectContaining({ path: join(repo, 'units/memcached.service'), dialect: 'systemd' })]);
    const r = await run(['inspect', '--format', 'json', join(repo, 'etc')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((i: { path: string }) => i.path.slice(repo.length + 1))).toEqual([
      'etc/memcached.conf',
      'etc/memcached_sessions.conf',
      'etc/supervisor/conf.d/memcached.conf',
      'etc/sysconfig/memcached',
    ]);
  });
});

describe('mchard lint FOLDER: a folder of very many files', () => {
  // Before: the walk's files were added to the list with a spread, one argument each, and a folder of 130,000
  // memcached.conf files ended in "mchard: internal error: Maximum call stack size exceeded" (exit 2, nothing
  // linted). Node's stack is made smaller here (--stack-size=100) so that 20,000 files overflow it the same way.
  it('20,000 files on a tenth of the stack are all linted, no internal error', () => {
    const tmp = new TempDir('mchard-many-');
    try {
      for (let i = 0; i < 20_000; i++) tmp.write(`${i}/memcached.conf`, '-p 11211\n');
      const r = runBin(['lint', '--format', 'json', tmp.path], { prefix: [process.execPath, '--stack-size=100'] });
      expect(r.err).not.toContain('internal error');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out).files).toHaveLength(20_000);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);
});

describe('mchard lint FOLDER: files that look like memcached configuration at a path that does not say who reads them', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir('mchard-walk-alike-');
    // Real files (test/fixtures/real): Debian-style options, and KEY=value assignments, under names that
    // neither Debian's wrapper nor a unit reads (memcached.conf itself would be Debian's, by its name).
    const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
    tmp.write('repo/config/memcached.production.conf', real('debian/100-Nikita-Boyarskikh-Questions-And-Answers-memcached.conf'));
    tmp.write('repo/deploy/app-memcached.conf', real('debian/099-owncloud-administration-memcached.conf'));
    tmp.write('repo/etc/memcached.conf', INSECURE);
    tmp.write('empty/config/memcached.production.conf', real('debian/100-Nikita-Boyarskikh-Questions-And-Answers-memcached.conf'));
  });
  afterAll(() => tmp.cleanup());

  it('says how many were not read, and why, without -v: "1 file" is not taken for all of them', async () => {
    const repo = tmp.join('repo');
    const r = await run(['lint', '--format', 'json', repo]);
    expect(JSON.parse(r.out).files.map((f: { path: string }) => f.path)).toEqual([`${repo}/etc/memcached.conf`]);
    // owncloud's file (MEMCACHED_OPTS=, which its runit script sources) is memcached's, but RHEL's reader would read
    // none of it: counted, without a --dialect sysconfig it once suggested (sweep-l).
    expect(errorLines(r.err)).toEqual([
      `mchard: ${repo}: 2 more files look like memcached configuration, but their paths do not say which program reads them: not read (-v lists them; a file named with --dialect debian is read as that)`,
    ]);
    // -v lists them instead.
    const v = await run(['lint', '-v', '--format', 'json', repo]);
    expect(errorLines(v.err).filter((l) => l.includes('look like memcached configuration'))).toEqual([]);
    expect(errorLines(v.err).filter((l) => l.startsWith(`mchard: passed over ${repo}/`))).toHaveLength(2);
    // A folder with only such a file: both lines, nothing read.
    const e = await run(['lint', tmp.join('empty')]);
    expect(errorLines(e.err)).toEqual([
      `mchard: ${tmp.join('empty')}: no memcached configuration found under it (1 file passed over; -v says which)`,
      `mchard: ${tmp.join('empty')}: 1 file looks like memcached configuration, but its path does not say which program reads it: not read (-v lists it; a file named with --dialect debian is read as that)`,
    ]);
  });
});

describe('hook mode (--hook): files named by a pattern, not by the user', () => {
  let tmp: TempDir;
  let repo: string;
  beforeAll(() => {
    tmp = new TempDir('mchard-hook-');
    repo = repository(tmp, tmp.write('outside/memcached.conf', INSECURE));
    tmp.write('repo/deploy/stack.yml', COMPOSE);
    tmp.write('repo/etc/memcached_binary.conf', Buffer.from('-u memcache\n\0\0\0'));
    // An application's environment file: RHEL's variable names, but no configuration path says so.
    tmp.write('repo/config/app.env', 'PORT=8080\nUSER=app\nOPTIONS=--cache memcached.internal:11211\n');
  });
  afterAll(() => tmp.cleanup());
  const at = (p: string) => join(repo, p);

  it('passes over unrelated YAML, units, Compose files and fix\'s backups silently (exit 0)', async () => {
    const unrelated = ['.github/workflows/ci.yml', 'units/nginx.service', 'db/docker-compose.yml', 'etc/supervisor/conf.d/nginx.conf', 'freebsd/etc/rc.conf', 'README.md', 'web/Dockerfile', 'etc/init/memcached.conf', 'etc/memcached.conf.mchard-backup-20260101T000000Z', 'etc/.memcached.conf.mchard-lock', 'config/app.env'];
    const r = await run(['lint', '--hook', ...unrelated.map(at)]);
    expect(r).toEqual({ code: 0, out: 'no problems found (0 errors, 0 warnings, 0 infos in 0 files)\n', err: '' });
    // The same files named without --hook are refused or linted as they are.
    const named = await run(['lint', ...unrelated.map(at)]);
    expect(named.code).toBe(2);
  });

  it('lints what holds memcached, by path, name or content (a stack.yml whose services run it)', async () => {
    const r = await run(['lint', '--hook', '--format', 'json', at('etc/memcached.conf'), at('deploy/stack.yml'), at('units/nginx.service'), at('.github/workflows/ci.yml')]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).files.map((f: { path: string; dialect: string }) => [f.path.slice(repo.length + 1), f.dialect])).toEqual([
      ['etc/memcached.conf', 'debian'],
      ['deploy/stack.yml', 'compose'],
    ]);
  });

  it("still fails for a file at memcached's own path that mchard cannot read (exit 2)", async () => {
    const upstart = await run(['lint', '--hook', at('upstart/memcached.conf')]);
    expect(upstart.code).toBe(2);
    expect(errorLines(upstart.err)).toEqual([expect.stringMatching(/upstart\/memcached\.conf: not read: it looks like an Upstart job/)]);
    const binary = await run(['lint', '--hook', at('etc/memcached_binary.conf')]);
    expect(binary.code).toBe(2);
    expect(binary.err).toMatch(/binary data/);
  });

  it('-v says what it passed over', async () => {
    const r = await run(['lint', '--hook', '-v', at('units/nginx.service'), at('etc/memcached.conf.mchard-backup-20260101T000000Z')]);
    expect(errorLines(r.err)).toEqual([
      `mchard: passed over ${at('units/nginx.service')}: holds no memcached (read as systemd: nothing in it runs memcached)`,
      `mchard: passed over ${at('etc/memcached.conf.mchard-backup-20260101T000000Z')}: one of mchard fix's own files (a backup, lock or temporary file)`,
    ]);
  });

  it("--hook without a FILE checks and fixes nothing: never this host's system files", async () => {
    // pre-commit never runs a hook without files; a repository's file named as an option could leave
    // none, and `fix --hook --yes` then fixed the host's /etc/memcached.conf.
    for (const args of [['lint', '--hook', '-v'], ['fix', '--hook', '--yes', '--no-restart', '--no-backup', '-v']]) {
      const r = await run(args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expect(r.out + r.err).not.toMatch(/\/etc\/|system paths/);
    }
  });

  it('fix --hook writes the fixes, exits 1 when it changed a file, then 0; restarts nothing, keeps no backup with --no-backup', async () => {
    const f = tmp.write('repo2/etc/memcached.conf', '-u memcache\n-l 0.0.0.0\n-U 11211\n');
    const first = await run(['fix', '--hook', '--yes', '--no-backup', f, at('units/nginx.service')]);
    expect(first.code).toBe(1);
    expect(first.out).toMatch(/^wrote .*repo2\/etc\/memcached\.conf$/m);
    expect(first.out).not.toMatch(/restart/i);
    expect(readFileSync(f, 'utf8')).toContain('-l 127.0.0.1');
    const second = await run(['fix', '--hook', '--yes', '--no-backup', f]);
    expect(second.code).toBe(0);
    // Without --hook the same first run exits 0: the fixes were written and nothing remains.
    const g = tmp.write('repo3/etc/memcached.conf', '-u memcache\n-l 0.0.0.0\n-U 11211\n');
    expect((await run(['fix', '--yes', '--no-backup', g])).code).toBe(0);
  });
});

describe('configPathKind: what a path alone says', () => {
  it.each([
    ['etc/memcached.conf', 'memcached'],
    ['/etc/memcached_a.conf', 'memcached'],
    ['files/etc/sysconfig/memcached', 'memcached'],
    ['conf.d/memcached.sessions', 'memcached'],
    ['etc/rc.conf.d/memcached', 'memcached'],
    ['templates/memcached.conf.j2', 'memcached'],
    ['templates/Debian-memcached.j2', 'memcached'],
    ['templates/centos_memcached.j2', 'memcached'],
    ['templates/memcached.debian.erb', 'memcached'],
    ['memcached.service', 'memcached'],
    ['memcached.service.d/override.conf', 'memcached'],
    ['nginx.service', 'shared'],
    ['x.service.d/override.conf', 'shared'],
    ['etc/rc.conf', 'shared'],
    ['docker-compose.prod.yml', 'shared'],
    ['supervisor/conf.d/app.conf', 'shared'],
    ['supervisord.conf', 'shared'],
    ['memcached.ini', null],
    ['memcached.md', null],
    ['memcached-init', null],
    ['etc/init/memcached.conf', null],
    ['etc/init.d/memcached', null],
    ['etc/default/memcached', null],
    ['roles/x/tasks/docker-compose.yml', null],
    ['Dockerfile', 'shared'],
    ['values.yaml', null],
    ['etc/memcached.conf.bak', null],
    ['etc/memcached.conf.dpkg-dist', null],
    ['etc/memcached.conf~', null],
    ['etc/memcached.conf.mchard-backup-20261205T101500Z', null],
    ['etc/sysconfig/memcached.mchard-backup', null],
    ['etc/.memcached.conf.mchard-lock', null],
    ['templates/memcached.sysconfig.suse.erb', null],
  ])('%s: %s', (path, kind) => {
    expect(configPathKind(path)).toBe(kind);
  });

  it("recognises every name fix gives its backups, locks and temporary files", () => {
    const at = new Date();
    const gen = backupNames('memcached.conf', at);
    for (const name of [gen.next().value!, gen.next().value!, lockName('memcached.conf'), tempName('memcached.conf'), 'memcached.conf.mchard-backup', '.memcached.conf.mchard-4242-0123abcd']) {
      expect([name, isMchardFile(name)]).toEqual([name, true]);
    }
    for (const name of ['memcached.conf', 'memcached_mchard.conf', '.mchardrc']) expect([name, isMchardFile(name)]).toEqual([name, false]);
  });
});

describe('no FILE: every dialect\'s system paths on this host', () => {
  let root: TempDir;
  beforeAll(() => {
    root = new TempDir('mchard-sysroot-');
    const w = (p: string, t: string) => root.write(p.slice(1), t);
    w('/etc/memcached.conf', INSECURE);
    w('/etc/memcached_a.conf', '-u memcache\n');
    w('/etc/memcached_a.conf.mchard-backup-20260101T000000Z', '-u memcache\n');
    w('/etc/sysconfig/memcached', RHEL);
    w('/etc/sysconfig/memcached.rpmnew', RHEL);
    w('/etc/conf.d/memcached', 'MEMUSAGE="64"\n');
    w('/etc/conf.d/memcached.conf', '-u memcache\n');
    w('/etc/rc.conf', 'hostname="x"\nmemcached_enable="YES"\nmemcached_flags="-l 0.0.0.0"\n');
    w('/etc/rc.conf.local', 'sshd_enable="YES"\n');
    w('/etc/rc.conf.d/memcached', 'memcached_flags="-l 127.0.0.1"\n');
    w('/etc/systemd/system/memcached.service', UNIT);
    w('/etc/systemd/system/memcached@.service', UNIT);
    w('/etc/systemd/system/nginx.service', NGINX_UNIT);
    w('/etc/systemd/system/memcached.service.d/override.conf', '[Service]\nLimitNOFILE=4096\n');
    symlinkSync('/dev/null', root.join('etc/systemd/system/memcached-masked.service'));
    w('/usr/lib/systemd/system/memcached.service', UNIT);
    mkdirSync(root.join('lib/systemd'), { recursive: true });
    // /lib is /usr/lib on most systems now: one file, listed once.
    symlinkSync(root.join('usr/lib/systemd/system'), root.join('lib/systemd/system'));
    w('/etc/supervisor/conf.d/memcached.conf', SUPERVISOR);
    w('/etc/supervisor/conf.d/nginx.conf', SUPERVISOR_NGINX);
    w('/etc/supervisord.d/cache.ini', SUPERVISOR);
  });
  afterAll(() => root.cleanup());

  it('lists the files that exist, once each, and only those of memcached', () => {
    const found = systemPlaces(root.path).flatMap((p) => p.files.map((f) => f.slice(root.path.length)));
    expect(found).toEqual([
      '/etc/memcached.conf',
      '/etc/memcached_a.conf',
      '/etc/sysconfig/memcached',
      '/etc/conf.d/memcached',
      '/etc/rc.conf',
      '/etc/rc.conf.d/memcached',
      '/etc/systemd/system/memcached.service',
      '/etc/systemd/system/memcached@.service',
      '/etc/systemd/system/memcached.service.d/override.conf',
      '/lib/systemd/system/memcached.service',
      '/etc/supervisor/conf.d/memcached.conf',
      '/etc/supervisord.d/cache.ini',
    ]);
  });

  it('-v says which system paths were checked; help lists them', async () => {
    const r = await run(['lint', '-v', '--format', 'json']);
    const lines = errorLines(r.err);
    expect(lines[0]).toBe('mchard: no FILE given: checked the system paths');
    for (const p of ['/etc/memcached.conf', '/etc/sysconfig/memcached*', '/etc/conf.d/memcached*', '/etc/rc.conf', '/etc/systemd/system/memcached*.service', '/lib/systemd/system/memcached*.service', '/etc/supervisor/conf.d/*.conf']) {
      expect(lines.some((l) => l.startsWith(`  ${p}: `))).toBe(true);
    }
    const help = await run(['help', 'lint']);
    for (const p of ['/etc/conf.d/memcached*', '/etc/rc.conf.d/memcached*', '/etc/systemd/system/memcached*.service.d/*.conf', '/etc/supervisord.d/*.ini']) expect(help.out).toContain(p);
  });
});

describe('standard input: content, or the path --stdin-filename gives it', () => {
  let tmp: TempDir;
  beforeAll(() => {
    ensureBuilt();
    tmp = new TempDir('mchard-stdin-');
  });
  afterAll(() => tmp.cleanup());

  it('the format from the content: a supervisord program needs no --dialect', () => {
    const r = runBin(['lint', '--format', 'json', '-'], { input: SUPERVISOR });
    expect(r.code).toBe(1);
    const f = JSON.parse(r.out).files[0];
    expect(f).toMatchObject({ path: '-', dialect: 'supervisord', dialectReason: 'content' });
  });

  it('--stdin-filename: detection by that path, findings reported at it, its .mchardrc applies', () => {
    tmp.write('site/.mchardrc', '[rules]\nMC601 = off\n');
    const r = runBin(['lint', '--format', 'json', '--stdin-filename', 'site/etc/memcached.conf', '-'], { input: INSECURE, cwd: tmp.path });
    expect(r.code).toBe(1);
    const f = JSON.parse(r.out).files[0];
    expect(f).toMatchObject({ path: 'site/etc/memcached.conf', dialect: 'debian', dialectReason: 'path' });
    const ids = f.findings.map((x: { ruleId: string }) => x.ruleId);
    expect(ids).toContain('MC101');
    expect(ids).not.toContain('MC601');
    const text = runBin(['lint', '--no-doc-links', '--stdin-filename', 'site/etc/memcached.conf'], { input: INSECURE, cwd: tmp.path });
    expect(text.out).toMatch(/^site\/etc\/memcached\.conf:12:1  error  MC101 /m);
    expect(text.out).not.toMatch(/^-:/m);
  });

  // Before: the dialects were given the text under the name "-", so only detection knew the path: a %name%
  // file named /etc/sysconfig/memcached was read as a template (MC910; the file at /etc is read as it is), and
  // a template unit's %i was "taken from the unit name "memcached.service"".
  it('the dialects read the text as the file at that path: under /etc no template, a template unit by its name', () => {
    const placeholders = 'PORT="%port%"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n';
    const ids = (r: { out: string }) => JSON.parse(r.out).files[0].findings.map((f: { ruleId: string }) => f.ruleId);
    const atEtc = runBin(['lint', '--format', 'json', '--stdin-filename', '/etc/sysconfig/memcached', '-'], { input: placeholders });
    expect(ids(atEtc)).toContain('MC302');
    expect(ids(atEtc)).not.toContain('MC910');
    const inRepo = runBin(['lint', '--format', 'json', '--stdin-filename', 'conf/sysconfig/memcached', '-'], { input: placeholders });
    expect(ids(inRepo)).toContain('MC910');
    expect(ids(inRepo)).not.toContain('MC302');
    const unit = '[Service]\nExecStart=/usr/bin/memcached -p %i -u memcache -l 127.0.0.1 -U 0\n';
    const r = runBin(['inspect', '--stdin-filename', 'units/memcached@.service', '-'], { input: unit });
    expect(r.out).toContain('%i is the instance name, which the template "memcached@.service" leaves open');
  });

  it('inspect takes it too', () => {
    const r = runBin(['inspect', '--format', 'json', '--stdin-filename', 'etc/sysconfig/memcached', '-'], { input: RHEL });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ path: 'etc/sysconfig/memcached', dialect: 'sysconfig', dialectReason: 'path' });
  });

  it.each([
    [['lint', '--stdin-filename', 'a.conf', 'b.conf'], 'mchard: --stdin-filename names standard input: give "-" among the FILEs'],
    [['lint', '--stdin-filename', 'a.conf', '-', '-'], 'mchard: "-" (standard input) can be given once'],
    [['lint', '--stdin-filename', 'a.conf', '-', './a.conf'], 'mchard: --stdin-filename a.conf names a FILE also given (./a.conf)'],
    [['lint', '--stdin-filename=', '-'], 'mchard: --stdin-filename needs the path the text on standard input stands for'],
  ])('%j is a usage error', (argv, message) => {
    const r = runBin(argv, { input: '' });
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([message]);
  });
});
