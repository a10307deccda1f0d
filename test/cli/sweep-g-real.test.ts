/**
 * Real files (test/fixtures/real 1300 and later, provenance in its MANIFEST.tsv) that mchard judged
 * confidently wrong, or judged in part: a parent chart with several memcached dependencies, and
 * supervisord's user= given as a number or through %(ENV_X)s, checked against supervisor's own
 * configuration reader.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT, SHARED } from '../helpers/paths.js';
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
