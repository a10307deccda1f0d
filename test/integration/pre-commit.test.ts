/**
 * mchard as pre-commit hooks (https://pre-commit.com), for real, exactly as README.md's snippets say:
 *
 * - From a clone of mchard's repository: the README's `.pre-commit-config.yaml` with its placeholder path
 *   replaced by a clone of this repository in which the test creates the release tag the snippet names
 *   (`v` + package.json's version) at this checkout's HEAD. pre-commit clones it at that tag, and its
 *   node language runs `npm install`, `npm pack` (our `prepare` build) and `npm install --global` of the
 *   tarball. npm runs with `offline`: the packages come from npm's cache (filled by `npm ci`, as
 *   scripts/test-all.sh runs it first), so no test traffic leaves the machine.
 * - With mchard installed: the README's `repo: local` snippet, with this checkout's bin/mchard.js as the
 *   `mchard` on PATH.
 *
 * Both hooks: a commit with a bad file fails, a clean one passes, the fixing hook rewrites a file and
 * fails once, then passes; a backup of fix's is never picked; unrelated YAML and units pass. The first
 * (cold) and later (warm) commit times are printed for the README. The hook definitions are read from the
 * committed HEAD (pre-commit checks out `rev:`), so .pre-commit-hooks.yaml and the code must be committed.
 * Skipped, saying so, when `pre-commit` or `git` is missing (scripts/test-all.sh installs both).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BIN, ROOT, SAMPLES, TempDir, ensureBuilt } from '../cli/helpers.js';
import { hookDefinitions, hookPicks } from '../helpers/hook-pattern.js';
import { configPathKind } from '../../src/dialects/detect.js';

const INSTALL_TIMEOUT = 5 * 60_000;

function hasCommand(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

const missing = ['pre-commit', 'git', 'python3'].filter((c) => !hasCommand(c));
if (missing.length) {
  console.warn(`skipping the pre-commit integration test: ${missing.join(' and ')} not installed (scripts/test-all.sh installs them)`);
}
const describeIfTools = missing.length ? describe.skip : describe;

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('## Use it as a pre-commit hook'), README.indexOf('## Use it in GitHub Actions'));
const [CLONE_SNIPPET, LOCAL_SNIPPET] = [...SECTION.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
const PLACEHOLDER = '/opt/mchard';

const INSECURE_FIXABLE = '# sessions\n-u memcache\n-m 64\n-l 0.0.0.0\n-U 11211\n';
/** Debian's default file with UDP off: nothing for either hook to do. */
const CLEAN = readFileSync(join(SAMPLES, 'debian-default.conf'), 'utf8').replace('\n-p 11211\n', '\n-p 11211\n-U 0\n');
const UNFIXABLE = '# cache\n-u memcache\n-l 127.0.0.1\n-U 0\n-c lots\n';
const WORKFLOW = 'name: CI\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n';
const COMPOSE_DB = 'services:\n  db:\n    image: postgres:16\n';
const NGINX_UNIT = '[Unit]\nDescription=nginx\n[Service]\nExecStart=/usr/sbin/nginx -g "daemon off;"\n';

describe('.pre-commit-hooks.yaml', () => {
  const hooks = hookDefinitions();

  it('defines mchard (lint) and mchard-fix, both run from the package with --hook', () => {
    expect(hooks.map((h) => h.id)).toEqual(['mchard', 'mchard-fix']);
    const [lint, fix] = hooks;
    // `--` last: pre-commit appends file names, and a repository's file must never be read as an option.
    expect(lint).toMatchObject({ entry: 'mchard lint --hook', args: ['--'], language: 'node', types: ['text'] });
    expect(fix).toMatchObject({ entry: 'mchard fix --hook --yes --no-restart --no-host-checks --no-backup', args: ['--'], language: 'node', types: ['text'] });
    expect(fix.files).toBe(lint.files);
    expect(fix.exclude).toBe(lint.exclude);
    const p = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(p.bin.mchard).toBe('bin/mchard.js');
    expect(p.scripts.prepare).toBeDefined();
  });

  it('picks every path mchard reads by path or name, as Python re.search decides (real repositories\' paths too)', () => {
    // The original paths of the real files in test/fixtures/real (MANIFEST.tsv), plus paths of every format.
    const manifest = readFileSync(join(ROOT, 'test/fixtures/real/MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[2]);
    const paths = [
      ...manifest,
      'etc/memcached.conf', 'memcached.conf', 'hosts/web1/etc/memcached_sessions.conf', 'etc/sysconfig/memcached', 'sysconfig/memcached',
      'files/etc/conf.d/memcached', 'etc/conf.d/memcached.sessions', 'memcached.confd', 'etc/rc.conf', 'etc/rc.conf.local',
      'etc/rc.conf.d/memcached', 'etc/systemd/system/memcached.service', 'units/memcached@.service', 'nginx.service',
      'etc/systemd/system/memcached.service.d/override.conf', 'docker-compose.yml', 'docker-compose.prod.yml', 'compose.yaml',
      'Compose.YAML', 'etc/supervisord.conf', 'etc/supervisor/conf.d/memcached.conf', 'etc/supervisord.d/cache.ini',
      'templates/memcached.conf.j2', 'templates/memcached.conf.J2', 'templates/memcached.sysconfig.erb', 'templates/memcached@.service.epp',
      'templates/memcached.service.tmpl', 'memcached.redhat', 'centos_memcached', 'templates/memcached-RedHat.conf.jinja2',
      'docker-stack.yml', 'deploy/docker-stack.prod.yml', 'stack.yml', 'cache.stack.yaml', 'cache-stack.yml', 'docker-compose.swarm.yml', 'docker-swarm.yaml',
    ];
    const claimed = paths.filter((p) => configPathKind(`/repo/${p}`) !== null);
    const picks = hookPicks(claimed);
    expect(claimed.filter((_, k) => !picks[k])).toEqual([]);
    expect(claimed.length).toBeGreaterThan(80);
  });

  it('picks no backup, lock or temporary file of fix, and no file of another program', () => {
    const never = [
      'etc/memcached.conf.mchard-backup', 'etc/memcached.conf.mchard-backup-20261205T101500Z', 'etc/memcached_a.conf.mchard-backup-20261205T101500Z-2',
      'etc/sysconfig/memcached.mchard-backup-20261205T101500Z', 'etc/.memcached.conf.mchard-lock', 'etc/.memcached.conf.mchard-tmp-4242-0123abcd',
      'etc/sysconfig/.memcached.mchard-tmp-4242-0123abcd', 'etc/.memcached.conf.mchard-4242-0123abcd', 'conf.d/.memcached.mchard-lock',
      'README.md', 'docs/memcached.md', 'src/memcached.py', 'php/mods-available/memcached.ini', '.github/workflows/ci.yml',
      'values.yaml', 'k8s/memcached.yaml', 'memcached.env', 'scripts/memcached.sh',
    ];
    const picks = hookPicks(never);
    expect(never.filter((_, k) => picks[k])).toEqual([]);
  });
});

/** A git repository and pre-commit, with their own homes; every command's output and status. */
class Workspace {
  readonly env: NodeJS.ProcessEnv;
  constructor(readonly dir: string, home: string, extraPath: string[] = []) {
    const env: NodeJS.ProcessEnv = {};
    // No npm_* settings of a surrounding `npm test`; no git settings of a surrounding git.
    for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|GIT_)/i.test(k) && k !== 'NODE_OPTIONS') env[k] = v;
    Object.assign(env, {
      PRE_COMMIT_HOME: home,
      GIT_AUTHOR_NAME: 'mchard test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'mchard test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: dirname(home),
      // npm from its cache only: the test sends nothing to a registry.
      npm_config_offline: 'true',
      npm_config_cache: join(process.env.HOME ?? '/root', '.npm'),
      NO_COLOR: '1',
      PATH: [...extraPath, dirname(process.execPath), process.env.PATH].join(':'),
    });
    delete env.FORCE_COLOR;
    delete env.NODE_EXTRA_CA_CERTS;
    this.env = env;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', stdio: 'pipe' }).trim();
  }

  sh(cmd: string, args: string[], timeout = INSTALL_TIMEOUT): { code: number | null; output: string; ms: number } {
    const started = Date.now();
    const r = spawnSync(cmd, args, { cwd: this.dir, env: this.env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { code: r.status, output: `${r.stdout}${r.stderr}`, ms: Date.now() - started };
  }

  write(rel: string, text: string): void {
    const p = join(this.dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }

  read(rel: string): string {
    return readFileSync(join(this.dir, rel), 'utf8');
  }

  commits(): number {
    return Number(this.git('rev-list', '--count', 'HEAD'));
  }

  /** `git commit` of the staged files: the hooks' output and whether a commit was made. */
  commit(message: string): { ok: boolean; output: string; ms: number } {
    const before = this.commits();
    const r = this.sh('git', ['commit', '-m', message]);
    return { ok: r.code === 0 && this.commits() === before + 1, output: r.output, ms: r.ms };
  }

  init(config: string): void {
    this.write('.pre-commit-config.yaml', config);
    this.git('init', '--quiet');
    this.git('config', 'commit.gpgsign', 'false');
    this.git('add', '.pre-commit-config.yaml');
    this.git('commit', '--quiet', '--no-verify', '-m', 'pre-commit configuration');
    const install = this.sh('pre-commit', ['install']);
    if (install.code !== 0) throw new Error(`pre-commit install failed:\n${install.output}`);
    expect(existsSync(join(this.dir, '.git', 'hooks', 'pre-commit'))).toBe(true);
  }
}


const LINT_HOOK = /mchard \(memcached configuration linter\)\.+(Passed|Failed|\(no files to check\)Skipped)/;
const FIX_HOOK = /mchard fix \(memcached configuration hardener\)\.+(Passed|Failed|\(no files to check\)Skipped)/;
const outcome = (output: string, re: RegExp) => re.exec(output)?.[1] ?? `not run:\n${output}`;

describeIfTools('pre-commit, from a clone of mchard\'s repository, as README.md says', () => {
  let tmp: TempDir;
  let ws: Workspace;
  const timings: { what: string; ms: number }[] = [];

  beforeAll(() => {
    tmp = new TempDir('mchard-precommit-');
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const committed = spawnSync('git', ['show', `${head}:.pre-commit-hooks.yaml`], { cwd: ROOT, encoding: 'utf8' });
    if (committed.status !== 0 || committed.stdout !== readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) {
      throw new Error(`.pre-commit-hooks.yaml differs from (or is missing in) HEAD ${head}: commit it for this test to see it`);
    }
    // The repository the snippet names: a clone, with the release tag the snippet's rev names.
    const hookRepo = tmp.join('mchard');
    execFileSync('git', ['clone', '--quiet', top, hookRepo], { stdio: 'pipe' });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'tag', `v${pkg.version}`, head], { cwd: hookRepo, stdio: 'pipe' });

    expect(CLONE_SNIPPET).toContain(`  - repo: ${PLACEHOLDER}`);
    expect(CLONE_SNIPPET).toContain(`    rev: v${pkg.version} `);
    ws = new Workspace(tmp.join('config-repo'), tmp.join('home/pre-commit'));
    mkdirSync(ws.dir, { recursive: true });
    ws.init(CLONE_SNIPPET.replace(PLACEHOLDER, hookRepo));
  });
  afterAll(() => {
    if (timings.length) console.log(`pre-commit commit times (both hooks):\n${timings.map((t) => `  ${t.what}: ${(t.ms / 1000).toFixed(2)} s`).join('\n')}`);
    tmp?.cleanup();
  });

  it(
    'the first commit sets mchard up (npm install, build, install of the tarball) and passes a clean file',
    () => {
      ws.write('etc/memcached.conf', CLEAN);
      ws.git('add', 'etc/memcached.conf');
      const c = ws.commit('memcached on loopback');
      if (!c.ok) throw new Error(`commit refused:\n${c.output}`);
      expect(outcome(c.output, FIX_HOOK)).toBe('Passed');
      expect(outcome(c.output, LINT_HOOK)).toBe('Passed');
      timings.push({ what: 'first commit (cold: clone, npm install from the cache, build, install)', ms: c.ms });
      // The installed mchard pulled no package: only mchard under the environment's node_modules.
      const envs = readdirSync(join(ws.env.PRE_COMMIT_HOME!)).filter((d) => d.startsWith('repo'));
      const modules = envs.flatMap((d) => {
        const m = join(ws.env.PRE_COMMIT_HOME!, d, `node_env-system`, 'lib', 'node_modules');
        return existsSync(m) ? readdirSync(m) : [];
      });
      expect(modules).toEqual(['mchard']);
    },
    INSTALL_TIMEOUT + 60_000,
  );

  it("the environment's mchard starts from the start-up snapshot its install made, with PATH as pre-commit sets it", () => {
    const envs = readdirSync(ws.env.PRE_COMMIT_HOME!)
      .map((d) => join(ws.env.PRE_COMMIT_HOME!, d, 'node_env-system'))
      .filter((d) => existsSync(join(d, 'bin', 'mchard')));
    expect(envs.length).toBe(1);
    const bin = join(envs[0], 'bin');
    const r = spawnSync(join(bin, 'mchard'), ['lint', '--hook', '--', 'etc/memcached.conf'], {
      cwd: ws.dir,
      env: { ...ws.env, PATH: `${bin}:${ws.env.PATH ?? process.env.PATH}`, MCHARD_DEBUG: '1' },
      encoding: 'utf8',
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: 'mchard: start-up snapshot: used\n' });
  });

  it('refuses a commit with an error the fixing hook cannot fix; the file stays as it was', () => {
    ws.write('etc/memcached_cache.conf', UNFIXABLE);
    ws.git('add', 'etc/memcached_cache.conf');
    try {
      const c = ws.commit('too many connections');
      expect(c.ok).toBe(false);
      expect(outcome(c.output, FIX_HOOK)).toBe('Failed');
      expect(outcome(c.output, LINT_HOOK)).toBe('Failed');
      expect(c.output).toContain('etc/memcached_cache.conf:5:4  error  MC401');
      expect(c.output).not.toContain('files were modified by this hook');
      expect(ws.read('etc/memcached_cache.conf')).toBe(UNFIXABLE);
    } finally {
      ws.git('rm', '--cached', '--quiet', 'etc/memcached_cache.conf');
      rmSync(join(ws.dir, 'etc/memcached_cache.conf'));
    }
  });

  it('the fixing hook rewrites an insecure file and fails the commit once; staged, the commit passes', () => {
    ws.write('etc/memcached_sessions.conf', INSECURE_FIXABLE);
    ws.git('add', 'etc/memcached_sessions.conf');
    const first = ws.commit('sessions cache');
    expect(first.ok).toBe(false);
    expect(outcome(first.output, FIX_HOOK)).toBe('Failed');
    expect(first.output).toContain('files were modified by this hook');
    const fixed = ws.read('etc/memcached_sessions.conf');
    expect(fixed).toContain('\n-l 127.0.0.1\n');
    expect(fixed).toContain('\n-U 0\n');
    // No backup beside it (git has the original), no lock, no temporary file.
    expect(readdirSync(join(ws.dir, 'etc')).sort()).toEqual(['memcached.conf', 'memcached_sessions.conf']);
    ws.git('add', 'etc/memcached_sessions.conf');
    const second = ws.commit('sessions cache, fixed');
    if (!second.ok) throw new Error(`commit refused:\n${second.output}`);
    expect(outcome(second.output, FIX_HOOK)).toBe('Passed');
    expect(outcome(second.output, LINT_HOOK)).toBe('Passed');
    timings.push({ what: 'a later commit (warm)', ms: second.ms });
  });

  it('never picks a backup of fix\'s, even an insecure one', () => {
    ws.write('etc/memcached_sessions.conf.mchard-backup-20260101T000000Z', INSECURE_FIXABLE);
    ws.git('add', 'etc/memcached_sessions.conf.mchard-backup-20260101T000000Z');
    const c = ws.commit('keep the old copy');
    if (!c.ok) throw new Error(`commit refused:\n${c.output}`);
    expect(outcome(c.output, LINT_HOOK)).toBe('(no files to check)Skipped');
    expect(outcome(c.output, FIX_HOOK)).toBe('(no files to check)Skipped');
    expect(ws.read('etc/memcached_sessions.conf.mchard-backup-20260101T000000Z')).toBe(INSECURE_FIXABLE);
  });

  it('passes unrelated YAML and units: picked by the pattern, passed over by mchard', () => {
    ws.write('.github/workflows/ci.yml', WORKFLOW);
    ws.write('db/docker-compose.yml', COMPOSE_DB);
    ws.write('units/nginx.service', NGINX_UNIT);
    ws.git('add', '.');
    const c = ws.commit('other services');
    if (!c.ok) throw new Error(`commit refused:\n${c.output}`);
    // The Compose file and the unit reached mchard (the hooks ran), which found no memcached in them.
    expect(outcome(c.output, LINT_HOOK)).toBe('Passed');
    expect(outcome(c.output, FIX_HOOK)).toBe('Passed');
    timings.push({ what: 'a later commit (warm)', ms: c.ms });
  });

  it('pre-commit run --all-files checks the whole repository the same way', () => {
    const r = ws.sh('pre-commit', ['run', '--all-files']);
    expect(r.code).toBe(0);
    expect(outcome(r.output, LINT_HOOK)).toBe('Passed');
    timings.push({ what: 'pre-commit run --all-files (warm)', ms: r.ms });
  });
});

describeIfTools('pre-commit, with mchard installed (repo: local), as README.md says', () => {
  let tmp: TempDir;
  let ws: Workspace;

  beforeAll(() => {
    ensureBuilt();
    tmp = new TempDir('mchard-precommit-local-');
    const bin = tmp.join('bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'mchard'));
    ws = new Workspace(tmp.join('config-repo'), tmp.join('home/pre-commit'), [bin]);
    mkdirSync(ws.dir, { recursive: true });
    expect(LOCAL_SNIPPET).toContain('  - repo: local');
    ws.init(LOCAL_SNIPPET);
  });
  afterAll(() => tmp?.cleanup());

  it('refuses a bad file, fixes a fixable one once, passes unrelated text files', () => {
    ws.write('etc/memcached_cache.conf', UNFIXABLE);
    ws.git('add', '.');
    const bad = ws.commit('bad');
    expect(bad.ok).toBe(false);
    expect(bad.output).toContain('MC401');
    ws.git('rm', '--cached', '--quiet', 'etc/memcached_cache.conf');
    rmSync(join(ws.dir, 'etc/memcached_cache.conf'));

    ws.write('etc/memcached.conf', INSECURE_FIXABLE);
    ws.write('README.md', '# hosts\n');
    ws.write('config/app.env', 'PORT=8080\nUSER=app\nOPTIONS=--cache memcached:11211\n');
    ws.write('.github/workflows/ci.yml', WORKFLOW);
    ws.git('add', '.');
    const first = ws.commit('fixable');
    expect(first.ok).toBe(false);
    expect(first.output).toContain('files were modified by this hook');
    expect(ws.read('etc/memcached.conf')).toContain('\n-l 127.0.0.1\n');
    ws.git('add', '.');
    const second = ws.commit('fixed');
    if (!second.ok) throw new Error(`commit refused:\n${second.output}`);
  });

  it("a file whose name reads as an option is a file: the hooks' arguments end with --", () => {
    // pre-commit appends the staged file names to the entry: without `--`, a repository's file named
    // --output=prod-memcached.conf made mchard lint write its report over prod-memcached.conf, and left
    // mchard fix --hook --yes without a file, so it fixed this host's /etc/memcached.conf (--config=...
    // and --baseline=... took their files from the repository the same way).
    ws.write('prod-memcached.conf', CLEAN);
    ws.git('add', '.');
    const clean = ws.commit('prod');
    if (!clean.ok) throw new Error(`commit refused:\n${clean.output}`);
    ws.write('--output=prod-memcached.conf', UNFIXABLE);
    ws.git('add', '--', '--output=prod-memcached.conf');
    const c = ws.commit('a name that reads as an option');
    expect(c.ok).toBe(false);
    // Read as a file by both hooks (the name says no format: refused, which fails the commit).
    expect(c.output.match(/mchard: --output=prod-memcached\.conf: not read/g)).toHaveLength(2);
    expect(c.output).not.toContain('files were modified by this hook');
    // Neither the report over another file nor the fixing hook on this host's /etc/memcached.conf.
    expect(c.output).not.toContain('nothing to fix in /etc/');
    expect(ws.read('prod-memcached.conf')).toBe(CLEAN);
  });
});
