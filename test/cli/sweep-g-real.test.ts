/**
 * Real files (test/fixtures/real 1300 and later, provenance in its MANIFEST.tsv) that mchard judged
 * confidently wrong, or judged in part: a memcached.conf a kustomization puts into a ConfigMap, a parent
 * chart with several memcached dependencies, and supervisord's user= given as a number or through
 * %(ENV_X)s. Each is checked against the program that really reads it where it runs here (kubectl's
 * kustomize, supervisor's own configuration reader).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT, SHARED } from '../helpers/paths.js';
import { kustomizeTakes } from '../../src/cli/conf-owner.js';
import { chartReadings, readChartLock } from '../../src/dialects/helm-chart.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-g-');
});
afterEach(() => tmp.cleanup());

type FileJson = { dialect: string | null; refused?: { looksLike: string | null; reason: string; message: string; candidates: string[] }; findings: { ruleId: string; line: number; message: string; severity: string }[] };
const lintJson = async (f: string, extra: string[] = []) => {
  const r = await run(['lint', '--format', 'json', ...extra, f]);
  return { ...r, file: JSON.parse(r.out).files[0] as FileJson };
};

describe("a memcached.conf that a kustomization puts into a ConfigMap (fixtures 1303-1305: kustomize's ldap example; debian/112)", () => {
  // No public repository found ships a kustomization that generates a ConfigMap from a memcached.conf
  // (MANIFEST.tsv, 1303): kustomize's own example base is used unchanged but for the generated file's
  // name, with a real memcached.conf (debian/112) in its place.
  const conf = () => real('debian/112-jacobian-django-deployment-workshop-memcached.conf');
  const kustomization = (entry: string) => real('kubernetes/1303-kubernetes-sigs-kustomize-kustomization.yaml').toString('utf8').replace('env.startup.txt', entry);
  const base = (entry: string, at: string, name = 'kustomization.yaml') => {
    const k = kustomization(entry);
    expect(k).toContain(entry);
    tmp.write(`examples/ldap/base/${name}`, k);
    tmp.write('examples/ldap/base/deployment.yaml', real('kubernetes/1304-kubernetes-sigs-kustomize-deployment.yaml'));
    tmp.write('examples/ldap/base/service.yaml', real('kubernetes/1305-kubernetes-sigs-kustomize-service.yaml'));
    return tmp.write(`examples/ldap/base/${at}`, conf());
  };
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

  (kubectl || process.env.CI ? it : it.skip)("kustomize (kubectl kustomize) puts the file into the ConfigMap the openldap container mounts: nothing of Debian's reads it", () => {
    for (const [entry, at] of [['memcached.conf', 'memcached.conf'], ['memcached.conf=conf/memcached.conf', 'conf/memcached.conf']]) {
      tmp.cleanup();
      tmp = new TempDir('mchard-sweep-g-');
      base(entry, at);
      const r = spawnSync('kubectl', ['kustomize', tmp.join('examples/ldap/base')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^kind: ConfigMap$/m);
      expect(r.stdout).toMatch(/^ {2}memcached\.conf: "# Memcached conf/m);
      expect(r.stdout).toContain('image: osixia/openldap:1.1.11');
      expect(r.stdout).toMatch(/configMap:\n\s+name: ldap-configmap-\w+/);
    }
  });

  it('beside the kustomization that names it: refused in one line that names the kustomization and offers --dialect debian', async () => {
    // Before: read as Debian's /etc/memcached.conf by its name: MC101 about -l 10.X.X.X, fix edits — for a
    // file an image's own script (or no memcached at all) reads in a pod.
    const f = base('memcached.conf', 'memcached.conf');
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^a file kustomize puts into a ConfigMap or Secret: the container that mounts it reads it/);
    expect(file.refused!.message).toContain('(kustomization.yaml names it in its configMapGenerator or secretGenerator)');
    expect(file.refused!.message).toMatch(/pass --dialect debian if that is what reads it$/);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain(f);
  });

  it('named as key=path by a kustomization in a folder above (or one named Kustomization): refused, the kustomization named by its path', async () => {
    const f = base('memcached.conf=conf/memcached.conf', 'conf/memcached.conf');
    const { file } = await lintJson(f);
    expect(file.refused!.message).toContain('(../kustomization.yaml names it in its configMapGenerator or secretGenerator)');
    tmp.cleanup();
    tmp = new TempDir('mchard-sweep-g-');
    const g = base('./memcached.conf', 'memcached.conf', 'Kustomization');
    expect((await lintJson(g)).file.refused!.message).toContain('(Kustomization names it');
  });

  it('inspect and fix refuse it too (fix writes nothing); --dialect debian reads it as the user says', async () => {
    const f = base('memcached.conf', 'memcached.conf');
    const before = readFileSync(f);
    const fix = await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f]);
    expect(fix.code).toBe(2);
    expect(readFileSync(f).equals(before)).toBe(true);
    const i = await run(['inspect', f]);
    expect(i.code).toBe(2);
    expect(i.err).toMatch(/not read: it looks like a file kustomize puts into a ConfigMap/);
    expect((await lintJson(f, ['--dialect', 'debian'])).file.dialect).toBe('debian');
  });

  it("control: the example's own kustomization (it names env.startup.txt), or none, leaves the file Debian's by its name", async () => {
    const f = base('env.startup.txt', 'memcached.conf');
    expect((await lintJson(f)).file.dialect).toBe('debian');
    const alone = tmp.write('other/memcached.conf', conf());
    expect((await lintJson(alone)).file.dialect).toBe('debian');
  });

  it('a kustomization reached through a symbolic link is not read, nor one above the repository\'s top folder', async () => {
    const elsewhere = tmp.write('outside/kustomization.yaml', kustomization('memcached.conf'));
    const f = tmp.write('repo/memcached.conf', conf());
    symlinkSync(elsewhere, tmp.join('repo', 'kustomization.yaml'));
    expect((await lintJson(f)).file.dialect).toBe('debian');
    tmp.write('top/kustomization.yaml', kustomization('repo/conf/memcached.conf'));
    mkdirSync(tmp.join('top', 'repo', '.git'), { recursive: true });
    const g = tmp.write('top/repo/conf/memcached.conf', conf());
    expect((await lintJson(g)).file.dialect).toBe('debian');
  });

  it('the language server decides as lint does: no diagnostics for it beside the kustomization, Debian\'s findings without one', async () => {
    const { readerOf } = await import('../../src/lsp/analysis.js');
    const f = base('env.startup.txt', 'memcached.conf');
    const text = readFileSync(f, 'utf8');
    expect(readerOf(f, text, f)).toMatchObject({ dialect: 'debian' });
    tmp.write('examples/ldap/base/kustomization.yaml', kustomization('memcached.conf'));
    expect(readerOf(f, text, f)).toBeNull();
  });

  it("what counts as naming the file: a generator's entry, alone or as key=path, in block or flow form; not another file's name, a literal, a comment or another key", () => {
    const k = (files: string) => `configMapGenerator:\n- name: mc\n  files:\n${files}`;
    expect(kustomizeTakes(k('  - memcached.conf\n'), 'memcached.conf')).toBe(true);
    expect(kustomizeTakes(k('  - ./memcached.conf\n'), 'memcached.conf')).toBe(true);
    expect(kustomizeTakes(k('  - "mc.conf=conf/memcached.conf"\n'), 'conf/memcached.conf')).toBe(true);
    expect(kustomizeTakes('configMapGenerator:\n- name: mc\n  files: [a.txt, memcached.conf]\n', 'memcached.conf')).toBe(true);
    expect(kustomizeTakes('secretGenerator:\n  - name: mc\n    files:\n      - memcached.conf # the options\n', 'memcached.conf')).toBe(true);
    expect(kustomizeTakes(k('  - my-memcached.conf\n  - conf/memcached.conf\n'), 'memcached.conf')).toBe(false);
    expect(kustomizeTakes('configMapGenerator:\n- name: mc\n  literals:\n  - memcached.conf=-m 64\n', 'memcached.conf')).toBe(false);
    expect(kustomizeTakes(k('  # - memcached.conf\n  - a.txt\n'), 'memcached.conf')).toBe(false);
    expect(kustomizeTakes('resources:\n- memcached.conf\nconfigMapGenerator:\n- name: x\n  files:\n  - a.txt\n', 'memcached.conf')).toBe(false);
  });
});

describe("a parent chart with five dependencies on Bitnami's memcached chart (fixtures 1300-1302: cortexproject/cortex-helm-chart)", () => {
  const ALIASES = ['memcached-frontend', 'memcached-blocks-index', 'memcached-blocks', 'memcached-blocks-metadata', 'memcached-parquet-labels'];
  const place = (values: Buffer | string = real('helm/1300-cortexproject-cortex-helm-chart-values.yaml')) => {
    tmp.write('cortex-helm-chart/Chart.yaml', real('helm/1301-cortexproject-cortex-helm-chart-Chart.yaml'));
    tmp.write('cortex-helm-chart/Chart.lock', real('helm/1302-cortexproject-cortex-helm-chart-Chart.lock'));
    return tmp.write('cortex-helm-chart/values.yaml', values);
  };
  const lineOf = (text: string, key: string) => text.split('\n').indexOf(`${key}:`) + 1;

  it('every subchart is judged on the values under its own alias, each named (before: memcached-frontend alone)', async () => {
    const f = place();
    const text = readFileSync(f, 'utf8');
    const i = JSON.parse((await run(['inspect', '--format', 'json', f])).out) as { workload: string; startup: { reason: string } }[];
    expect(i.map((x) => x.workload)).toEqual(ALIASES.map((a, k) => `subchart ${a} (Chart.yaml's dependency ${k + 1}, Bitnami's memcached chart)`));
    // Each runs the official image (memcached:1.6.42), whose command the chart's values do not decide.
    for (const [k, a] of ALIASES.entries()) expect(i[k].startup.reason).toContain(`(${a}: section): image docker.io/memcached:1.6.42 is not Bitnami's`);
    const { file } = await lintJson(f);
    const mc910 = file.findings.filter((x) => x.ruleId === 'MC910');
    expect(mc910.map((x) => x.message.match(/\(([\w-]+): section\)/)![1])).toEqual(ALIASES);
    for (const [k, a] of ALIASES.entries()) expect(mc910[k].line).toBeGreaterThan(lineOf(text, a));
    // memcached-parquet-labels.enabled: false: helm installs that one not at all (its condition).
    expect(file.findings.filter((x) => x.ruleId === 'MC911').map((x) => [x.line, x.message.slice(0, 40)])).toEqual([[lineOf(text, 'memcached-parquet-labels') + 2, 'memcached-parquet-labels.enabled: false,']]);
  });

  it("with Bitnami's image in every section (derived from 1300): each subchart gets its own findings, and fix edits each section, checked against its own subchart", async () => {
    const derived = real('helm/1300-cortexproject-cortex-helm-chart-values.yaml')
      .toString('utf8')
      .replaceAll('  image:\n    repository: memcached\n    tag: "1.6.42"', '  image:\n    repository: bitnami/memcached\n    tag: "1.6.39"')
      .replaceAll('  args:\n    # -- The amount of memory allocated to memcached for object storage\n    - -m 1024\n', '');
    expect(derived.match(/repository: bitnami\/memcached/g)).toHaveLength(5);
    const f = place(derived);
    const { file } = await lintJson(f);
    const mc101 = file.findings.filter((x) => x.ruleId === 'MC101');
    expect(mc101.map((x) => x.message.match(/NetworkPolicy <release>-([\w-]+) admits/)![1])).toEqual(ALIASES);
    const r = await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f]);
    expect(r.code).toBe(0);
    const after = readFileSync(f, 'utf8');
    expect(after.match(/- name: MEMCACHED_EXTRA_FLAGS {2}# mchard: added/g)).toHaveLength(5);
    for (const a of ALIASES) {
      const section = after.slice(after.indexOf(`\n${a}:\n`) + 1).split(/\n(?=\S)/)[0];
      expect(section).toContain('MEMCACHED_EXTRA_FLAGS');
    }
  });

  it("a dependency on another memcached chart (stable/memcached, which cortex's chart used until 2021) is an instance too, unknown and named, never passed over", async () => {
    const chart = real('helm/1301-cortexproject-cortex-helm-chart-Chart.yaml')
      .toString('utf8')
      .replace('alias: memcached-blocks-index\n    version: 6.14.0\n    repository: https://charts.bitnami.com/bitnami', 'alias: memcached-blocks-index\n    version: 3.2.3\n    repository: https://charts.helm.sh/stable');
    expect(chart).toContain('https://charts.helm.sh/stable');
    const f = place();
    tmp.write('cortex-helm-chart/Chart.yaml', chart);
    const text = readFileSync(f, 'utf8');
    const i = JSON.parse((await run(['inspect', '--format', 'json', f])).out) as { workload: string; argv: string[] | null }[];
    expect(i.map((x) => x.workload)).toEqual([
      "subchart memcached-frontend (Chart.yaml's dependency 1, Bitnami's memcached chart)",
      "subchart memcached-blocks-index (Chart.yaml's dependency 2, a memcached chart from https://charts.helm.sh/stable)",
      "subchart memcached-blocks (Chart.yaml's dependency 3, Bitnami's memcached chart)",
      "subchart memcached-blocks-metadata (Chart.yaml's dependency 4, Bitnami's memcached chart)",
      "subchart memcached-parquet-labels (Chart.yaml's dependency 5, Bitnami's memcached chart)",
    ]);
    const { file } = await lintJson(f);
    const other = file.findings.filter((x) => x.line === lineOf(text, 'memcached-blocks-index'));
    expect(other.map((x) => x.ruleId)).toEqual(['MC910']);
    expect(other[0].message).toMatch(/^Chart\.yaml's dependency 2 installs the memcached chart 3\.2\.3 from https:\/\/charts\.helm\.sh\/stable, not Bitnami's: its own templates make memcached's command line/);
  });

  it("Chart.yaml's readings: one per alias, in order, each pinned by its own line of the Chart.lock; one alias twice is read once", () => {
    const chart = real('helm/1301-cortexproject-cortex-helm-chart-Chart.yaml').toString('utf8');
    const lock = real('helm/1302-cortexproject-cortex-helm-chart-Chart.lock').toString('utf8');
    const readings = chartReadings(chart);
    expect(readings.map((r) => [r.valuesKey, r.index, r.versionText, r.condition])).toEqual(ALIASES.map((a, k) => [a, k, '6.14.0', [`${a}.enabled`]]));
    for (const r of readings) expect(readChartLock(chart, lock, r.index)).toEqual({ state: 'pinned', version: '6.14.0' });
    // A lock whose fourth entry says another version is out of sync (its digest no longer matches).
    const lines = lock.split('\n');
    const fourth = lines.map((l, k) => (l.includes('version: 6.14.0') ? k : -1)).filter((k) => k >= 0)[3];
    lines[fourth] = lines[fourth].replace('6.14.0', '6.13.0');
    expect(readChartLock(chart, lines.join('\n'), 3).state).toBe('stale');
    const twice = chart.replace('alias: memcached-blocks-index', 'alias: memcached-frontend');
    expect(chartReadings(twice).map((r) => r.valuesKey)).toEqual(['memcached-frontend', 'memcached-blocks', 'memcached-blocks-metadata', 'memcached-parquet-labels']);
  });
});

/** Where supervisor's Python package is: installed, or unpacked by scripts/test-all.sh; null: neither. */
function supervisorPath(): string | null {
  if (spawnSync('python3', ['-c', 'import supervisor'], { encoding: 'utf8' }).status === 0) return '';
  const unpacked = join(ROOT, 'node_modules', '.cache', 'debian-supervisor', 'usr', 'lib', 'python3', 'dist-packages');
  return existsSync(join(unpacked, 'supervisor', 'options.py')) ? unpacked : null;
}
const SUPERVISOR = supervisorPath();
const withSupervisor = SUPERVISOR !== null || process.env.CI ? it : it.skip;

/** supervisord's own reading of a configuration (ServerOptions.realize: every section, every user= looked up), no daemon started. */
function supervisordReads(conf: string, env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'MC_USER'));
  const r = spawnSync('python3', ['-c', 'import sys\nfrom supervisor.options import ServerOptions\nServerOptions().realize(args=["-c", sys.argv[1]])', conf], {
    encoding: 'utf8',
    env: { ...base, MEMCACHED_MEMORY: '64', MEMCACHED_MAX_CONNECTIONS: '100', ...env, PYTHONPATH: SUPERVISOR ?? '' },
  });
  return { status: r.status, stderr: r.stderr };
}

describe("supervisord's user= as a number or through %(ENV_X)s (shared corpus other/091, Textinator's program, its user= and the command's variables changed)", () => {
  const textinator = readFileSync(join(SHARED, 'corpus', 'other', '091-dkalpakchi-Textinator-memcached.conf'), 'utf8');
  // The command's own %(ENV_...)s arguments are given their values, so that only user= is in question.
  const withUser = (user: string, env = '') => {
    const text = textinator
      .replace('user=tt', `user=${user}`)
      .replace('nodaemon=false', `nodaemon=false${env}`)
      .replace('"%(ENV_MEMCACHED_MEMORY)s"', '64')
      .replace('"%(ENV_MEMCACHED_MAX_CONNECTIONS)s"', '100');
    expect(text).not.toContain('%(ENV_MEMCACHED');
    expect(text).toContain(`user=${user}`);
    return tmp.write('conf.d/memcached.conf', text);
  };
  type Inspect = { runsAs: string | null; startup: { ok: boolean | null; reason?: string; decide?: string; exitCode?: number }; unknown?: Record<string, { reason: string }> };
  const inspectJson = async (f: string, extra: string[] = []) => JSON.parse((await run(['inspect', '--format', 'json', ...extra, f])).out) as Inspect;
  const uidFree = (uid: number) => spawnSync('getent', ['passwd', String(uid)]).status !== 0;

  withSupervisor('the real supervisord: %(ENV_MC_USER)s is whatever its environment says (root, nobody), and without it the file is refused', () => {
    const f = withUser('%(ENV_MC_USER)s');
    expect(supervisordReads(f, { MC_USER: 'root' })).toEqual({ status: 0, stderr: '' });
    expect(supervisordReads(f, { MC_USER: 'nobody' })).toEqual({ status: 0, stderr: '' });
    const unset = supervisordReads(f);
    expect(unset.status).toBe(2);
    expect(unset.stderr).toContain("Format string '%(ENV_MC_USER)s' for 'program:memcached.user' contains names ('ENV_MC_USER') which cannot be expanded");
  });

  it('mchard: the user is unknown, named by the variable that decides it (before: "user %(ENV_MC_USER)s", memcached "not root")', async () => {
    const f = withUser('%(ENV_MC_USER)s');
    const i = await inspectJson(f);
    expect(i.runsAs).toBeNull();
    expect(JSON.stringify(i.unknown)).toContain('[program:memcached] user=%(ENV_MC_USER)s names the environment variable MC_USER of supervisord');
    const { file } = await lintJson(f);
    const mc910 = file.findings.filter((x) => x.ruleId === 'MC910');
    expect(mc910).toHaveLength(1);
    expect(mc910[0].line).toBe(textinator.split('\n').findIndex((l) => l.startsWith('user=')) + 1);
    expect(mc910[0].message).toMatch(/the value of MC_USER in supervisord's environment \(or its \[supervisord\] environment=\) decides/);
    // With host checks too: the variable is not this machine's to answer.
    expect((await inspectJson(f, ['--host-checks'])).runsAs).toBeNull();
  });

  withSupervisor('[supervisord] environment=MC_USER=nobody decides it: the real supervisord reads it with no variable set, and mchard says nobody', async () => {
    const f = withUser('%(ENV_MC_USER)s', '\nenvironment=MC_USER="nobody"');
    expect(supervisordReads(f)).toEqual({ status: 0, stderr: '' });
    expect((await inspectJson(f)).runsAs).toBe('nobody');
  });

  withSupervisor("a number is a uid (name_to_uid): the real supervisord takes nobody's 65534 and 0 (root), and refuses one this machine lacks", async () => {
    expect(supervisordReads(withUser('65534'))).toEqual({ status: 0, stderr: '' });
    expect(supervisordReads(withUser('0'))).toEqual({ status: 0, stderr: '' });
    expect(uidFree(4242)).toBe(true);
    const absent = supervisordReads(withUser('4242'));
    expect(absent.status).toBe(2);
    expect(absent.stderr).toContain('Error: Invalid user id 4242');
    // Python's int() takes a sign and underscores: +0 is root too.
    expect(supervisordReads(withUser('+0'))).toEqual({ status: 0, stderr: '' });
  });

  it('mchard: user=65534 runs memcached as uid 65534; user=0 and user=+0 as root; user=4242 fails on this machine (host checks), which has no such uid', async () => {
    expect((await inspectJson(withUser('65534'))).runsAs).toBe('65534');
    for (const root of ['0', '+0', '0_0']) {
      const i = await inspectJson(withUser(root));
      // supervisord starts memcached as root; its -u memcached then decides.
      expect(i.runsAs).toBe('memcached');
    }
    expect(uidFree(4242)).toBe(true);
    const f = withUser('4242');
    const i = await inspectJson(f, ['--host-checks']);
    expect(i.startup).toMatchObject({ ok: false, exitCode: 2 });
    expect(i.startup.reason).toBe('supervisord fails with status 2 ("Invalid user id") before memcached runs: this machine has no user with uid 4242 ([program:memcached] user=)');
    const l = (await lintJson(f, ['--host-checks'])).file.findings;
    expect(l.filter((x) => x.ruleId === 'MC916').map((x) => x.line)).toEqual([textinator.split('\n').findIndex((x) => x.startsWith('user=')) + 1]);
    // A repository's file: the machine it runs on decides.
    expect((await lintJson(f)).file.findings.map((x) => x.ruleId)).not.toContain('MC916');
    expect((await inspectJson(f)).runsAs).toBe('4242');
  });

  withSupervisor('a %(name)s supervisord does not expand in user= (process_num) refuses the file, as the real supervisord does', async () => {
    const f = withUser('%(process_num)s');
    const r = supervisordReads(f);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("contains names ('process_num') which cannot be expanded");
    const i = await inspectJson(f);
    expect(i.startup.ok).toBe(false);
    expect(i.startup.reason).toContain("supervisord refuses the file: Format string '%(process_num)s' for 'program:memcached.user' contains names ('process_num') which cannot be expanded");
  });

  withSupervisor('a uid no account can have (-1, 4294967295) refuses the file on every host, and so does one in another program of the file', async () => {
    for (const uid of ['-1', '4294967295']) {
      const f = withUser(uid);
      const r = supervisordReads(f);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`Error: Invalid user id ${uid} in section 'program:memcached'`);
      const i = await inspectJson(f);
      expect(i.startup).toMatchObject({ ok: false, exitCode: 2 });
      expect(i.startup.reason).toContain(`supervisord refuses the file: "Invalid user id ${uid}"`);
    }
    const other = tmp.write('conf.d/memcached.conf', readFileSync(withUser('65534'), 'utf8') + '\n[program:worker]\ncommand=/bin/true\nuser=-1\n');
    const r = supervisordReads(other);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Error: Invalid user id -1 in section 'program:worker'");
    const i = await inspectJson(other);
    expect(i.startup).toMatchObject({ ok: false, exitCode: 2 });
    expect(i.startup.reason).toContain('"Invalid user id -1" (no account can have that uid) ([program:worker] user=)');
  });
});
