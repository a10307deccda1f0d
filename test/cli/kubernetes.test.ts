/**
 * Kubernetes manifests and Helm values through the commands: lint finds each workload's problems, inspect
 * shows each workload and who can reach it, fix writes a manifest only with --dialect (its format is told
 * by its content alone) and a values file beside Bitnami's Chart.yaml directly, in their own YAML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { runFixCaptured } from '../fix/helpers.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-k8s-cli-');
});
afterEach(() => tmp.cleanup());

const fix = (args: string[]) => runFixCaptured(args);

const TWO = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: sessions
spec:
  template:
    metadata:
      labels:
        app: sessions
    spec:
      containers:
        - name: memcached
          image: memcached:1.6.21
          args: ["-U", "0", "-X"]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: pages
spec:
  template:
    metadata:
      labels:
        app: pages
    spec:
      hostNetwork: true
      containers:
        - name: memcached
          image: memcached:1.6.21
          args: ["-vv"]
`;

describe('kubernetes through the commands', () => {
  it('lint: every workload of the file, each finding at its own container', async () => {
    const f = tmp.write('k8s/caches.yaml', TWO);
    const r = await run(['lint', f]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`${f}:14:\\d+  info  MC101  .*every pod in the cluster can connect`));
    expect(r.out).toMatch(new RegExp(`${f}:\\d+:\\d+  error  MC101  .*hostNetwork: true puts it on every interface of the node`));
    expect(r.out).toMatch(new RegExp(`${f}:30:\\d+  warning  MC502`));
  });

  it('lint --format json: each finding says which workload (part) it is about', async () => {
    const f = tmp.write('k8s/caches.yaml', TWO);
    const r = await run(['lint', '--format', 'json', f]);
    const found = JSON.parse(r.out).files[0].findings as { ruleId: string; line: number; part?: number }[];
    expect(found.filter((x) => x.ruleId === 'MC101').map((x) => [x.line < 20 ? 'sessions' : 'pages', x.part])).toEqual([
      ['sessions', 0],
      ['pages', 1],
    ]);
    expect(found.every((x) => x.part === 0 || x.part === 1)).toBe(true);
  });

  it('inspect: one entry per workload, with who can reach it and a suggestion never applied', async () => {
    const f = tmp.write('k8s/caches.yaml', TWO);
    const text = await run(['inspect', f]);
    expect(text.out).toContain('  workload  Deployment sessions, container memcached');
    expect(text.out).toContain('  workload  DaemonSet pages, container memcached');
    expect(text.out).toMatch(/reach {5}node network: and hostNetwork: true puts it on every interface of the node/);
    expect(text.out).toContain("# remove hostNetwork: true from the pod spec");
    const j = JSON.parse((await run(['inspect', '--format', 'json', f])).out);
    expect(j).toHaveLength(2);
    expect(j.map((x: { workload: string; exposure: { verdict: string } }) => [x.workload, x.exposure.verdict])).toEqual([
      ['Deployment sessions, container memcached', 'cluster-wide'],
      ['DaemonSet pages, container memcached', 'node-network'],
    ]);
    expect(j[0]).toMatchObject({ dialect: 'kubernetes', dialectReason: 'content', argv: ['-U', '0', '-X'], runsAs: 'memcache', exposure: { fromThisFileOnly: true } });
  });

  it('fix: a manifest told by its content is linted but not written without --dialect; with it, written in place', async () => {
    const f = tmp.write('k8s/caches.yaml', TWO);
    const guessed = await fix(['--yes', f]);
    expect(readFileSync(f, 'utf8')).toBe(TWO);
    expect(guessed.out).toContain('pass --dialect kubernetes');
    const r = await fix(['--yes', '--dialect', 'kubernetes', f]);
    expect(r.out).toContain('wrote');
    const after = readFileSync(f, 'utf8');
    expect(after).toBe(TWO.replace('args: ["-vv"]', 'args: ["-v", "-U", "0", "-X"]'));
  });

  it("fix: Bitnami's chart values beside its Chart.yaml are written directly (path-decided), the rest unchanged", async () => {
    const values = real('helm/065-bitnami-charts-values.yaml');
    tmp.write('memcached/Chart.yaml', 'apiVersion: v2\nname: memcached\nversion: 7.9.7\nhome: https://bitnami.com\n');
    const f = tmp.write('memcached/values.yaml', values);
    const inspect = await run(['inspect', f]);
    expect(inspect.out).toContain("read by   Helm, through the templates of Bitnami's memcached chart (path values.yaml beside the Chart.yaml of Bitnami's memcached chart)");
    const r = await fix(['--yes', f]);
    expect(r.out).toContain('wrote');
    expect(readFileSync(f, 'utf8')).toBe(values.replace('extraEnvVars: []', 'extraEnvVars: [{name: MEMCACHED_EXTRA_FLAGS, value: "-U 0 -X"}]'));
  });

  it('a values file of another chart, and a Service alone, are refused by name in one line each', async () => {
    const other = tmp.write('tutor/values.yaml', real('helm/069-lgfa29-tutor-helm-chart-values.yaml'));
    const svc = tmp.write('k8s/svc.yaml', real('kubernetes/055-sameersbn-docker-memcached-service.yml'));
    const r = await run(['lint', other, svc]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`mchard: ${other}: not read: it looks like a Helm values file of a chart mchard does not read`);
    expect(r.err).toContain(`mchard: ${svc}: not read: it looks like a Kubernetes manifest with no container that runs memcached`);
  });
});

describe('an alias bomb ("billion laughs") among other files', () => {
  const levels = 'abcdefghi';
  const lol = [`x-a: &a [${Array(9).fill('"lol"').join(',')}]`, ...[...levels].slice(1).map((n, k) => `x-${n}: &${n} [${Array(9).fill(`*${levels[k]}`).join(',')}]`)].join('\n') + '\n';
  const bombs = {
    'k8s/bomb.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\n${lol}spec:\n  template:\n    spec:\n      containers:\n        - name: memcached\n          image: memcached:1.6\n`,
    'compose/docker-compose.yml': `${lol}services:\n  cache:\n    image: memcached:1.6\n`,
  };
  const WHY = /YAML aliases expand the document far beyond its text \(an alias bomb: 99% of the first \d+ nodes decoded are copies made by aliases\); (Kubernetes|Compose) refuses such a document \("document contains excessive aliasing"\), and mchard does not expand it/;

  for (const [name, text] of Object.entries(bombs)) {
    it(`${name}: lint, inspect and fix --dry-run say so in one line each, exit 2, the other file's findings kept`, async () => {
      const bomb = tmp.write(name, text);
      const good = tmp.write('k8s/caches.yaml', TWO);
      const dialect = name.startsWith('k8s') ? 'kubernetes' : 'compose';
      for (const cmd of [['lint'], ['inspect'], ['fix', '--dry-run', '--dialect', dialect]]) {
        const r = cmd[0] === 'fix' ? await fix(cmd.slice(1).concat([bomb, good])) : await run([...cmd, bomb, good]);
        expect(r.code).toBe(2);
        const lines = r.err.split('\n').filter((l) => l.includes(bomb));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(WHY);
        expect(r.err).not.toMatch(/internal error/);
        // The good file is still read: its findings (lint, fix) or its entry (inspect).
        expect(r.out).toContain(cmd[0] === 'inspect' ? 'workload  Deployment sessions, container memcached' : `${good}:`);
      }
      expect(readFileSync(bomb, 'utf8')).toBe(text);
    });
  }
});
