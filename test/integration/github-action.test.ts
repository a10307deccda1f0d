/**
 * The GitHub Action (action.yml, a composite action), run step by step as a runner runs it: each `run:`
 * step with `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`), its `${{ ... }}` expressions
 * (inputs with the action's defaults, github.action_path, github.workspace, runner.temp, steps.ID.outputs)
 * substituted in `env:` and `working-directory:`, with GITHUB_OUTPUT and the other variables a runner
 * sets, from the workspace as the working folder. The action's folder is this checkout as a fresh clone
 * has it (no dist/, no node_modules/), so the install step really runs `npm ci` and the build there;
 * npm runs offline, from its cache (filled by `npm ci`, as scripts/test-all.sh runs it first).
 *
 * Checked: the annotations on standard output (`::error file=...`), the exit status for --fail-on, the
 * SARIF file (valid against the SARIF 2.1.0 schema) and the action's output naming it, --config, several
 * files and folders, and that no step's script holds an expression (inputs reach it as variables).
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ROOT, SAMPLES, TempDir } from '../cli/helpers.js';
import { copyCheckout } from '../helpers/checkout.js';
import { sarifErrors } from '../report/sarif-schema.js';

interface Step {
  name: string;
  id?: string;
  shell: string;
  run: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const ACTION = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const INSTALL_TIMEOUT = 5 * 60_000;

interface Context {
  inputs: Record<string, string>;
  github: Record<string, string>;
  runner: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** `${{ a.b.c }}` as GitHub evaluates the plain property accesses an action uses (unknown: an error here). */
function substitute(text: string, ctx: Context): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const m = /^(inputs|github|runner|steps)\.([\w-]+)(?:\.outputs\.([\w-]+))?$/.exec(expr);
    if (!m) throw new Error(`the test does not evaluate the expression ${expr}`);
    if (m[1] === 'steps') return ctx.steps[m[2]]?.outputs[m[3]] ?? '';
    const v = (ctx[m[1] as 'inputs' | 'github' | 'runner'] as Record<string, string>)[m[2]];
    if (v === undefined) throw new Error(`${expr} is not set`);
    return v;
  });
}

interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** Runs the action's steps in order, as a runner does; stops at the first failing step. */
function runAction(actionPath: string, workspace: string, temp: string, withInputs: Record<string, string> = {}): ActionRun {
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(ACTION.inputs)) inputs[k] = withInputs[k] ?? v.default ?? '';
  const ctx: Context = { inputs, github: { action_path: actionPath, workspace }, runner: { temp }, steps: {} };
  let stdout = '';
  let stderr = '';
  let code = 0;
  for (const [k, step] of ACTION.runs.steps.entries()) {
    const script = join(temp, `step-${k}.sh`);
    writeFileSync(script, step.run);
    const output = join(temp, `output-${k}`);
    writeFileSync(output, '');
    const env: NodeJS.ProcessEnv = {
      PATH: [dirname(process.execPath), process.env.PATH].join(':'),
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: temp,
      // npm from its cache only: the test sends nothing to a registry.
      npm_config_offline: 'true',
      npm_config_cache: join(process.env.HOME ?? '/root', '.npm'),
    };
    for (const [name, value] of Object.entries(step.env ?? {})) env[name] = substitute(String(value), ctx);
    const cwd = step['working-directory'] ? substitute(step['working-directory'], ctx) : workspace;
    expect(step.shell).toBe('bash');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8', timeout: INSTALL_TIMEOUT, maxBuffer: 64 * 2 ** 20 });
    if (r.error) throw r.error;
    stdout += r.stdout;
    stderr += r.stderr;
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(output, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (step.id) ctx.steps[step.id] = { outputs };
    code = r.status ?? 1;
    if (code !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(ACTION.outputs).map(([k, o]) => [k, substitute(o.value, ctx)]));
  return { code, stdout, stderr, outputs };
}

const annotations = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::'));

describe('action.yml', () => {
  it('is a composite action whose scripts hold no expression: inputs reach them as variables', () => {
    expect(ACTION.runs.using).toBe('composite');
    expect(Object.keys(ACTION.inputs)).toEqual(['files', 'fail-on', 'config', 'sarif-file']);
    for (const step of ACTION.runs.steps) expect([step.name, step.run.includes('${{')]).toEqual([step.name, false]);
  });
});

describe('the GitHub Action, step by step on a checkout', () => {
  let tmp: TempDir;
  let actionPath: string;
  let workspace: string;
  let temp: string;

  const ws = (rel: string, text: string) => {
    const p = join(workspace, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  };

  beforeAll(() => {
    tmp = new TempDir('mchard-action-');
    actionPath = tmp.join('_actions/mchard/mchard/v0');
    copyCheckout(actionPath);
    workspace = tmp.join('work/config-repo');
    temp = tmp.join('runner-temp');
    mkdirSync(temp, { recursive: true });
    ws('etc/memcached.conf', readFileSync(join(SAMPLES, 'insecure-debian.conf'), 'utf8'));
    ws('etc/memcached.conf.mchard-backup-20260101T000000Z', readFileSync(join(SAMPLES, 'insecure-debian.conf'), 'utf8'));
    ws('etc/sysconfig/memcached', 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 127.0.0.1 -U 0"\n');
    ws('units/nginx.service', '[Service]\nExecStart=/usr/sbin/nginx\n');
    ws('.github/workflows/ci.yml', 'on: push\njobs: {}\n');
    ws('README.md', '# hosts\n');
  });
  afterAll(() => tmp?.cleanup());

  let first: ActionRun;
  it(
    'installs mchard from the action\'s own checkout (npm ci and the build there), then annotates the findings and fails on an error',
    () => {
      first = runAction(actionPath, workspace, temp);
      if (!/^mchard \d+\.\d+\.\d+/m.test(first.stdout)) throw new Error(`the install step did not run mchard:\n${first.stdout}\n${first.stderr}`);
      expect(first.stdout).toMatch(new RegExp(`^mchard ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}$`, 'm'));
      expect(first.code).toBe(1);
      const a = annotations(first.stdout);
      expect(a).toContain(
        '::error file=etc/memcached.conf,line=12,col=1,endLine=12,endColumn=11,title=MC101 listen-all-interfaces::-l 0.0.0.0 listens on every interface (TCP 0.0.0.0:11211) (MC101)',
      );
      // Only the files of the checkout that hold memcached's configuration: not the backup, the nginx unit, the workflow.
      expect([...new Set(a.map((l) => /file=([^,]+)/.exec(l)![1]))].sort()).toEqual(['etc/memcached.conf', 'etc/sysconfig/memcached']);
      expect(first.outputs).toEqual({ 'sarif-file': '' });
    },
    INSTALL_TIMEOUT + 60_000,
  );

  it('writes SARIF for upload-sarif when asked (before failing), and names it in its output', () => {
    const sarifPath = `${temp}/reports/mchard.sarif`;
    const r = runAction(actionPath, workspace, temp, { 'sarif-file': sarifPath });
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ 'sarif-file': sarifPath });
    const log = JSON.parse(readFileSync(sarifPath, 'utf8'));
    expect(sarifErrors(log)).toEqual([]);
    const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    expect(results.map((x) => x.ruleId)).toContain('MC101');
    expect([...new Set(results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri))].sort()).toEqual(['etc/memcached.conf', 'etc/sysconfig/memcached']);
    // The annotations are there as well.
    expect(annotations(r.stdout)).toContain(
      '::error file=etc/memcached.conf,line=12,col=1,endLine=12,endColumn=11,title=MC101 listen-all-interfaces::-l 0.0.0.0 listens on every interface (TCP 0.0.0.0:11211) (MC101)',
    );
  });

  it("a pull request's link at the SARIF path is replaced, not followed; a folder link out of the workspace is refused, and the step fails", () => {
    // The checkout is the pull request's: it may hold a link where the workflow has the report written.
    const victim = tmp.join('outside/victim');
    mkdirSync(dirname(victim), { recursive: true });
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(workspace, 'mchard.sarif'));
    symlinkSync(dirname(victim), join(workspace, 'results'));
    try {
      const r = runAction(actionPath, workspace, temp, { files: 'etc', 'sarif-file': 'mchard.sarif' });
      expect(r.code).toBe(1);
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
      expect(lstatSync(join(workspace, 'mchard.sarif')).isFile()).toBe(true);
      expect(sarifErrors(JSON.parse(readFileSync(join(workspace, 'mchard.sarif'), 'utf8')))).toEqual([]);
      expect(r.outputs).toEqual({ 'sarif-file': 'mchard.sarif' });

      const out = runAction(actionPath, workspace, temp, { files: 'etc', 'sarif-file': 'results/mchard.sarif' });
      expect(out.code).toBe(2);
      expect(readdirSync(dirname(victim))).toEqual(['victim']);
      expect(out.stderr).toContain(`mchard: --output results/mchard.sarif: cannot write: its folder results leads through a symbolic link to ${dirname(victim)}, outside the current folder ${workspace}`);
      expect(out.stdout).toContain('::error::the SARIF report was not written');
      expect(out.outputs).toEqual({ 'sarif-file': '' });
    } finally {
      rmSync(join(workspace, 'mchard.sarif'), { force: true });
      rmSync(join(workspace, 'results'), { force: true });
    }
  });

  it('fail-on, config and several files and folders', () => {
    const only = { files: 'etc/sysconfig\n  units ' };
    const infos = runAction(actionPath, workspace, temp, only);
    expect(infos.code).toBe(0);
    expect(annotations(infos.stdout).every((l) => l.startsWith('::notice file=etc/sysconfig/memcached,'))).toBe(true);
    expect(annotations(infos.stdout).length).toBeGreaterThan(0);
    expect(runAction(actionPath, workspace, temp, { ...only, 'fail-on': 'info' }).code).toBe(1);

    ws('ci/mchard.ini', '[rules]\nlisten-all-interfaces = off\nMC201 = off\nMC501 = off\nMC601 = off\n');
    const configured = runAction(actionPath, workspace, temp, { files: 'etc/memcached.conf', config: 'ci/mchard.ini' });
    expect(annotations(configured.stdout).filter((l) => l.startsWith('::error'))).toEqual([]);
    expect(configured.code).toBe(0);
    const bad = runAction(actionPath, workspace, temp, { 'fail-on': 'fatal' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--fail-on must be one of error, warning, info \(got "fatal"\)/);
  });
});
