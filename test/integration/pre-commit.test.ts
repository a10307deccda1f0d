/**
 * mchard as a pre-commit hook (https://pre-commit.com), for real: a temporary git repository whose
 * .pre-commit-config.yaml points at a clone of this repository at its HEAD commit, `pre-commit install`,
 * then a commit of an insecure memcached.conf is refused and a commit of a good one goes through.
 *
 * The hook definition is read from the committed HEAD (pre-commit checks out `rev:`), so
 * .pre-commit-hooks.yaml and the code must be committed for this test to see them. pre-commit's node
 * language runs `npm install` in the hook's clone and `npm pack` (which runs our `prepare` build), so the
 * first install takes minutes. Skipped, saying so, when `pre-commit` or `git` is not installed
 * (scripts/test-all.sh installs both).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SAMPLES, TempDir } from '../cli/helpers.js';

const INSTALL_TIMEOUT = 5 * 60_000;

function hasCommand(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

const missing = ['pre-commit', 'git'].filter((c) => !hasCommand(c));
if (missing.length) {
  console.warn(`skipping the pre-commit integration test: ${missing.join(' and ')} not installed (scripts/test-all.sh installs them)`);
}
const describeIfTools = missing.length ? describe.skip : describe;

describe('.pre-commit-hooks.yaml', () => {
  const text = readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
  const field = (name: string) => new RegExp(`^\\s+${name}: (.*)$`, 'm').exec(text)?.[1];

  it('defines the mchard hook', () => {
    expect(text).toMatch(/^- id: mchard$/m);
    expect(field('name')).toBeTruthy();
    expect(field('entry')).toBe('mchard lint');
    expect(field('language')).toBe('node');
    expect(field('types')).toBe('[text]');
  });

  it('the entry is the package\'s executable', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin.mchard).toBe('bin/mchard.js');
    expect(pkg.scripts.prepare).toBeDefined();
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'dist/']));
  });

  it('matches the memcached configuration files and nothing else', () => {
    expect(field('files')).toBe('(^|/)(memcached(_[^/]*)?\\.conf|sysconfig/memcached[^/]*)$');
    const re = new RegExp(field('files')!);
    for (const p of ['memcached.conf', 'etc/memcached.conf', 'hosts/web1/etc/memcached_sessions.conf', 'etc/sysconfig/memcached', 'sysconfig/memcached']) {
      expect(p).toMatch(re);
    }
    for (const p of ['mymemcached.conf', 'etc/memcached.conf.bak', 'README.md', 'etc/memcached/other.conf', 'memcached.yaml', 'memcached_a/b.conf']) {
      expect(p).not.toMatch(re);
    }
  });
});

describeIfTools('pre-commit hook, end to end', () => {
  let tmp: TempDir;
  let work: string;
  let env: NodeJS.ProcessEnv;

  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env, encoding: 'utf8', stdio: 'pipe' }).trim();
  const sh = (cmd: string, args: string[], timeout = 120_000) => {
    const r = spawnSync(cmd, args, { cwd: work, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  };

  beforeAll(() => {
    tmp = new TempDir('mchard-precommit-');
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const hookRepo = tmp.join('hook-repo');
    execFileSync('git', ['clone', '--quiet', top, hookRepo], { stdio: 'pipe' });
    const committed = spawnSync('git', ['cat-file', '-e', `${head}:.pre-commit-hooks.yaml`], { cwd: hookRepo });
    if (committed.status !== 0) {
      throw new Error(`${top} has no .pre-commit-hooks.yaml in its HEAD commit ${head}: commit it for this test to run`);
    }

    work = tmp.join('config-repo');
    env = {
      ...process.env,
      PRE_COMMIT_HOME: tmp.join('pre-commit-home'),
      GIT_AUTHOR_NAME: 'mchard test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'mchard test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      NO_COLOR: '1',
    };
    delete env.FORCE_COLOR;
    delete env.GIT_DIR;
    delete env.GIT_INDEX_FILE;
    delete env.GIT_WORK_TREE;
    tmp.write('config-repo/.pre-commit-config.yaml', `repos:\n  - repo: ${hookRepo}\n    rev: ${head}\n    hooks:\n      - id: mchard\n`);
    git('init', '--quiet');
    git('config', 'commit.gpgsign', 'false');
    git('add', '.pre-commit-config.yaml');
    git('commit', '--quiet', '--no-verify', '-m', 'pre-commit configuration');
  });
  afterAll(() => tmp?.cleanup());

  it(
    'pre-commit install sets up the git hook and the mchard environment',
    () => {
      const install = sh('pre-commit', ['install']);
      expect(install.output).toContain('pre-commit installed');
      expect(install.code).toBe(0);
      expect(existsSync(join(work, '.git', 'hooks', 'pre-commit'))).toBe(true);
      // npm install + npm pack (our prepare build) + npm install -g: the slow part, done once here.
      const hooks = sh('pre-commit', ['install-hooks'], INSTALL_TIMEOUT);
      if (hooks.code !== 0) throw new Error(`pre-commit install-hooks failed:\n${hooks.output}`);
    },
    INSTALL_TIMEOUT + 60_000,
  );

  it(
    'refuses a commit of a memcached.conf that listens on every interface',
    () => {
      tmp.write('config-repo/etc/memcached.conf', '# memcached for the app tier\n-u memcache\n-m 64\n-p 11211\n-l 0.0.0.0\n');
      git('add', 'etc/memcached.conf');
      const before = git('rev-list', '--count', 'HEAD');
      const commit = sh('git', ['commit', '-m', 'open memcached to the world'], INSTALL_TIMEOUT);
      expect(commit.code).not.toBe(0);
      expect(commit.output).toContain('MC101');
      expect(commit.output).toContain('etc/memcached.conf');
      expect(commit.output).toMatch(/mchard \(memcached configuration linter\)\.+Failed/);
      expect(git('rev-list', '--count', 'HEAD')).toBe(before);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'accepts a commit of a good memcached.conf (Debian\'s default, on loopback)',
    () => {
      tmp.write('config-repo/etc/memcached.conf', readFileSync(join(SAMPLES, 'debian-default.conf')));
      git('add', 'etc/memcached.conf');
      const before = Number(git('rev-list', '--count', 'HEAD'));
      const commit = sh('git', ['commit', '-m', 'memcached on loopback'], INSTALL_TIMEOUT);
      if (commit.code !== 0) throw new Error(`commit refused:\n${commit.output}`);
      expect(commit.output).toMatch(/mchard \(memcached configuration linter\)\.+Passed/);
      expect(Number(git('rev-list', '--count', 'HEAD'))).toBe(before + 1);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'checks sysconfig files too, and leaves other files alone',
    () => {
      tmp.write('config-repo/etc/sysconfig/memcached', 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS=""\n');
      tmp.write('config-repo/notes.txt', '-l 0.0.0.0\n');
      git('add', 'etc/sysconfig/memcached', 'notes.txt');
      const refused = sh('git', ['commit', '-m', 'rhel default'], INSTALL_TIMEOUT);
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('etc/sysconfig/memcached');
      expect(refused.output).toContain('MC101');
      expect(refused.output).not.toContain('notes.txt');

      tmp.write('config-repo/etc/sysconfig/memcached', 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1,::1"\n');
      git('add', 'etc/sysconfig/memcached');
      const ok = sh('git', ['commit', '-m', 'rhel on loopback'], INSTALL_TIMEOUT);
      if (ok.code !== 0) throw new Error(`commit refused:\n${ok.output}`);
    },
    INSTALL_TIMEOUT,
  );
});
