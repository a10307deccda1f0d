/**
 * Real files a new user brings (test/fixtures/real 1100 and later, provenance in its MANIFEST.tsv) that
 * mchard judged confidently wrong: each placed at its repository path, beside the files that decide it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT, SHARED } from '../helpers/paths.js';
import { isKubedbMemcachedWithConfig } from '../../src/cli/conf-owner.js';
import { parseContextOf } from '../../src/cli/companions.js';
import { SourceText } from '../../src/source.js';
import { lintSource } from '../../src/engine/lint.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';
import { planFix } from '../../src/fix/plan.js';
import { loadAllDialects } from '../../src/dialects/index.js';
import { formatVersion } from '../../src/memcached/version.js';
import { RULES } from '../../rules/index.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-f-');
});
afterEach(() => tmp.cleanup());

const lintJson = async (f: string) => {
  const r = await run(['lint', '--format', 'json', f]);
  return { ...r, file: JSON.parse(r.out).files[0] as { dialect: string | null; refused?: { looksLike: string | null; reason: string; message: string }; findings: unknown[] } };
};

describe("KubeDB's memcached.conf (fixtures 1100, 1101: kubedb/cli's custom-config example)", () => {
  const folder = 'docs/examples/memcached/custom-config';
  const place = (withResource: boolean) => {
    if (withResource) tmp.write(`${folder}/mc-custom.yaml`, real('kubernetes/1101-kubedb-cli-mc-custom.yaml'));
    return tmp.write(`${folder}/memcached.conf`, real('other/1100-kubedb-cli-memcached.conf'));
  };

  it('beside the KubeDB Memcached resource that takes it, is refused as KubeDB\'s, with the resource named', async () => {
    // Before: read as Debian's /etc/memcached.conf by its name: "starts no: exits with status 64" (no -u),
    // MC101 and MC202 errors, and fix added -u memcache, -l 127.0.0.1 and -U 0 — in a pod, where
    // KubeDB's script passes the lines to memcached, -l 127.0.0.1 cuts off every client.
    const f = place(true);
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(/^KubeDB's memcached\.conf: KubeDB's operator mounts it in the pods of its Memcached resource/);
    expect(file.refused!.message).toContain('(mc-custom.yaml beside it is a KubeDB Memcached resource that takes its configuration from a ConfigMap or Secret)');
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('fix --yes leaves it as it was, and inspect refuses it too', async () => {
    const f = place(true);
    const before = readFileSync(f);
    const r = await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f]);
    expect(r.code).toBe(2);
    expect(readFileSync(f).equals(before)).toBe(true);
    const i = await run(['inspect', f]);
    expect(i.code).toBe(2);
    expect(i.err).toMatch(/not read: it looks like KubeDB's memcached\.conf/);
  });

  it('alone, nothing says whose it is: read as Debian\'s by its name, as any repository\'s memcached.conf', async () => {
    const { file } = await lintJson(place(false));
    expect(file.dialect).toBe('debian');
  });

  it('a resource reached through a symbolic link is not read; a KubeDB resource without configSource or configSecret decides nothing', async () => {
    const elsewhere = tmp.write('outside/mc-custom.yaml', real('kubernetes/1101-kubedb-cli-mc-custom.yaml'));
    const f = place(false);
    symlinkSync(elsewhere, join(tmp.path, folder, 'mc-custom.yaml'));
    expect((await lintJson(f)).file.dialect).toBe('debian');
    const text = real('kubernetes/1101-kubedb-cli-mc-custom.yaml').toString('utf8');
    expect(isKubedbMemcachedWithConfig(text)).toBe(true);
    expect(isKubedbMemcachedWithConfig(text.replace(/ {2}configSource:\n {4}configMap:\n {6}name: mc-custom-config\n/, ''))).toBe(false);
    expect(isKubedbMemcachedWithConfig(text.replace('kubedb.com/v1alpha1', 'cache.example.com/v1'))).toBe(false);
    // kubedb/docs' later form (kubedb.com/v1alpha2, configSecret), in a multi-document file
    expect(isKubedbMemcachedWithConfig('apiVersion: v1\nkind: Secret\n---\napiVersion: kubedb.com/v1alpha2\nkind: Memcached\nspec:\n  configSecret:\n    name: mc-custom-config\n')).toBe(true);
  });

  it('at this host\'s /etc path nothing beside it is looked at (the path decides)', async () => {
    const { detectDialect } = await import('../../src/dialects/detect.js');
    const d = detectDialect('/etc/memcached.conf', real('other/1100-kubedb-cli-memcached.conf').toString('utf8'), undefined, { owner: { looksLike: 'x', because: 'y' } });
    expect(d).toMatchObject({ refused: false, dialect: 'debian', reason: 'path' });
  });
});

describe("a parent chart's Chart.lock decides the memcached chart its range allows (fixtures 1102-1104: Bitnami's wordpress chart)", () => {
  const place = (lock: Buffer | string | null, chartYaml: Buffer | string = real('helm/1103-bitnami-charts-Chart.yaml')) => {
    tmp.write('bitnami/wordpress/Chart.yaml', chartYaml);
    if (lock !== null) tmp.write('bitnami/wordpress/Chart.lock', lock);
    return tmp.write('bitnami/wordpress/values.yaml', real('helm/1102-bitnami-charts-values.yaml'));
  };
  const inspectJson = async (f: string) => JSON.parse((await run(['inspect', '--format', 'json', f])).out) as { memcachedVersion: string; memcachedVersionSource: string; unknown?: Record<string, { reason: string }>; warnings: string[] };

  it('with the Chart.lock in sync with Chart.yaml: chart 7.9.7, memcached 1.6.39, said to come from the lock', async () => {
    // Before: the lock was not read: "memcached 1.6.24 to 1.6.39", the release unknown, for 7.x.x.
    const doc = await inspectJson(place(real('helm/1104-bitnami-charts-Chart.lock')));
    expect(doc.memcachedVersion).toBe('1.6.39');
    expect(doc.unknown?.version).toBeUndefined();
    expect(doc.memcachedVersionSource).toContain("the version the Chart.lock beside it pins for Chart.yaml's dependency on Bitnami's memcached chart (7.9.7, of 7.x.x: what helm dependency build fetches)");
  });

  it('lint and fix read the lock as inspect does (the engine is given it): memcached 1.6.39, not the range', async () => {
    // Before: lintSource dropped the Chart.lock from the parse context, so lint and fix judged 7.x.x's
    // range ("1.6.24 to 1.6.39", the release unknown) while inspect said 1.6.39.
    await loadAllDialects();
    const f = place(real('helm/1104-bitnami-charts-Chart.lock'));
    const settings = { rules: RULES, options: defaultRuleOptions(), ...parseContextOf(f, 'helm') };
    const lint = lintSource(new SourceText(f, readFileSync(f, 'utf8')), 'helm', settings);
    expect([formatVersion(lint.model.version), lint.model.versionUnknown ?? null]).toEqual(['1.6.39', null]);
    const plan = planFix(new SourceText(f, readFileSync(f, 'utf8')), 'helm', settings);
    expect(plan.original).toBe(readFileSync(f, 'utf8'));
    expect((await inspectJson(f)).memcachedVersion).toBe(formatVersion(lint.model.version));
    // Control: without the lock in the settings, the range.
    const bare = lintSource(new SourceText(f, readFileSync(f, 'utf8')), 'helm', { ...settings, chartLock: null });
    expect(bare.model.versionUnknown ?? null).not.toBeNull();
  });

  it('control: without the lock, the range 7.x.x leaves the release unknown', async () => {
    const doc = await inspectJson(place(null));
    expect(doc.unknown?.version?.reason).toMatch(/7\.x\.x.*memcached 1\.6\.24 to 1\.6\.39/);
  });

  it('a lock out of sync with Chart.yaml (helm dependency build refuses it) decides nothing, and inspect says so', async () => {
    const edited = real('helm/1103-bitnami-charts-Chart.yaml').toString('utf8').replace('version: 7.x.x', 'version: 7.5.x');
    expect(edited).toContain('version: 7.5.x');
    const doc = await inspectJson(place(real('helm/1104-bitnami-charts-Chart.lock'), edited));
    expect(doc.unknown?.version?.reason).toMatch(/\(7\.5\.x\).*memcached 1\.6\.31 to 1\.6\.33/);
    expect(doc.warnings.join('\n')).toMatch(/the Chart\.lock beside it is out of sync with Chart\.yaml .*helm dependency build refuses it/);
  });

  it("the lock's digest is Helm's: a lock whose memcached version was edited by hand is out of sync", async () => {
    const { readChartLock } = await import('../../src/dialects/helm-chart.js');
    const chart = real('helm/1103-bitnami-charts-Chart.yaml').toString('utf8');
    const lock = real('helm/1104-bitnami-charts-Chart.lock').toString('utf8');
    expect(readChartLock(chart, lock)).toEqual({ state: 'pinned', version: '7.9.7' });
    expect(readChartLock(chart, lock.replace('version: 7.9.7', 'version: 7.0.0')).state).toBe('stale');
    // A repository Helm resolves from the host's own list first (@name) cannot be checked here.
    expect(readChartLock(chart.replace('repository: oci://registry-1.docker.io/bitnamicharts\n  version: 7.x.x', 'repository: "@bitnami"\n  version: 7.x.x'), lock).state).toBe('unchecked');
  });

  it('a Chart.lock that is a symbolic link is not read; a Chart.lock alone is refused by its name', async () => {
    const elsewhere = tmp.write('outside/Chart.lock', real('helm/1104-bitnami-charts-Chart.lock'));
    const f = place(null);
    symlinkSync(elsewhere, join(tmp.path, 'bitnami/wordpress/Chart.lock'));
    expect((await inspectJson(f)).unknown?.version).toBeDefined();
    const { file } = await lintJson(elsewhere);
    expect(file.refused!.looksLike).toBe("a Helm chart's lock file (the dependency versions helm dependency update picked)");
  });
});

/** Where supervisor's Python package is: installed, or unpacked by scripts/test-all.sh; null: neither. */
function supervisorPath(): string | null {
  if (spawnSync('python3', ['-c', 'import supervisor'], { encoding: 'utf8' }).status === 0) return '';
  const unpacked = join(ROOT, 'node_modules', '.cache', 'debian-supervisor', 'usr', 'lib', 'python3', 'dist-packages');
  return existsSync(join(unpacked, 'supervisor', 'options.py')) ? unpacked : null;
}
const SUPERVISOR = supervisorPath();

/** supervisord's own reading of a configuration (ServerOptions.realize: every section, every user= looked up), no daemon started. */
function supervisordReads(conf: string, env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const r = spawnSync('python3', ['-c', 'import sys\nfrom supervisor.options import ServerOptions\nServerOptions().realize(args=["-c", sys.argv[1]])', conf], {
    encoding: 'utf8',
    env: { ...process.env, ...env, PYTHONPATH: SUPERVISOR ?? '' },
  });
  return { status: r.status, stderr: r.stderr };
}

describe("supervisord's user= names a user this machine lacks (shared corpus other/091: Textinator's user=tt)", () => {
  const textinator = join(SHARED, 'corpus', 'other', '091-dkalpakchi-Textinator-memcached.conf');
  const noSuchUser = spawnSync('id', ['tt']).status !== 0;

  (SUPERVISOR !== null || process.env.CI ? it : it.skip)('the real supervisord refuses the whole configuration: "Invalid user name tt", exit status 2', () => {
    expect(noSuchUser).toBe(true);
    // With or without the variables its command names: the user is looked up first.
    for (const env of [{}, { MEMCACHED_MEMORY: '64', MEMCACHED_MAX_CONNECTIONS: '100' }] as Record<string, string>[]) {
      const r = supervisordReads(textinator, env);
      expect(r.stderr).toContain("Error: Invalid user name tt in section 'program:memcached'");
      expect(r.status).toBe(2);
    }
  });

  it('with host checks, inspect says it does not start and lint reports MC916 at user=', async () => {
    // Before: "user tt (if memcached starts)" and no finding about the user: supervisord would have run it as tt.
    const f = tmp.write('home/tt/Textinator/memcached.conf', readFileSync(textinator));
    const i = JSON.parse((await run(['inspect', '--format', 'json', '--host-checks', f])).out);
    expect(i.startup).toMatchObject({ ok: false, exitCode: 2, stage: 'launch', certain: true });
    expect(i.startup.reason).toBe('supervisord fails with status 2 ("Invalid user name") before memcached runs: this machine has no user tt ([program:memcached] user=)');
    const l = JSON.parse((await run(['lint', '--format', 'json', '--host-checks', f])).out).files[0].findings as { ruleId: string; line: number }[];
    expect(l.filter((x) => x.ruleId === 'MC916')).toMatchObject([{ line: 12 }]);
    // Without host checks (a repository's file) the machine it runs on decides: no claim.
    const repo = JSON.parse((await run(['lint', '--format', 'json', f])).out).files[0].findings as { ruleId: string }[];
    expect(repo.map((x) => x.ruleId)).not.toContain('MC916');
  });

  (SUPERVISOR !== null || process.env.CI ? it : it.skip)('control: a user this machine has (root) — the real supervisord reads the file, and mchard claims no failure', async () => {
    const f = tmp.write('conf.d/memcached.conf', readFileSync(textinator, 'utf8').replace('user=tt', 'user=root'));
    expect(supervisordReads(f, { MEMCACHED_MEMORY: '64', MEMCACHED_MAX_CONNECTIONS: '100' })).toEqual({ status: 0, stderr: '' });
    const l = JSON.parse((await run(['lint', '--format', 'json', '--host-checks', f])).out).files[0].findings as { ruleId: string }[];
    expect(l.map((x) => x.ruleId)).not.toContain('MC916');
  });
});

describe("mdserver-web's systemd unit template: init.d/memcached.service.tpl with {$SERVER_PATH} placeholders (fixture 1105)", () => {
  const unit = () => real('other-templates/1105-midoks-mdserver-web-memcached.service.tpl');

  it("at its repository path it is read as the systemd unit it is, not refused as a SysV init script", async () => {
    // Before: "not read: it looks like a SysV init script (path init.d/memcached.service.tpl ...)".
    const f = tmp.write('plugins/memcached/init.d/memcached.service.tpl', unit());
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('systemd');
    // The SysV script beside it, a shell script, is still refused by its folder.
    const script = tmp.write('plugins/memcached/init.d/memcached.tpl', '#! /bin/bash\nMEM_PATH={$SERVER_PATH}/memcached\nstart () {\n    $MEM_PATH/bin/memcached -d -l $IP\n}\n');
    expect((await lintJson(script)).file.refused!.looksLike).toBe('a SysV init script');
  });

  it('{$SERVER_PATH} is a placeholder the plugin replaces: what it decides is unknown, not an ExecStart= systemd refuses', async () => {
    // Before: "starts no: ... systemd cannot load the unit: the executable is neither a file name nor an
    // absolute path in ExecStart=", an MC914 error: the placeholder read as a relative path.
    const f = tmp.write('plugins/memcached/init.d/memcached.service.tpl', unit());
    const r = await run(['lint', '--format', 'json', f]);
    const findings = JSON.parse(r.out).files[0].findings as { ruleId: string; severity: string; message: string }[];
    expect(findings.filter((x) => x.severity === 'error')).toEqual([]);
    expect(findings.map((x) => x.ruleId)).toEqual(['MC910']);
    expect(findings[0].message).toMatch(/^\{\$SERVER_PATH\} \(line 8\): the template decides whether the service fails before memcached runs/);
    const i = JSON.parse((await run(['inspect', '--format', 'json', f])).out);
    expect(i.startup.ok).toBeNull();
    // fix edits no line that holds a placeholder, and writes nothing it cannot edit that way.
    const before = readFileSync(f);
    await run(['fix', '--yes', '--no-host-checks', '--no-restart', '--no-backup', f]);
    expect(readFileSync(f).equals(before)).toBe(true);
  });

  it('a shell ${VAR} or a systemd specifier is no {$name} placeholder', async () => {
    const { detectTemplate } = await import('../../src/dialects/template.js');
    expect(detectTemplate('/srv/x/memcached.service.tpl', unit().toString('utf8'))).toEqual({ language: 'placeholder', by: 'suffix' });
    expect(detectTemplate('/srv/x/memcached.service', 'ExecStart=/usr/bin/memcached -m ${MEM} -p %i\n')).toBeNull();
  });
});

describe('a Terraform file and a proxy route script are refused by their names, not as KEY=value assignments (fixtures 1106, 1107)', () => {
  it.each([
    ['other/1106-kunduso-amazon-elasticache-memcached-tf-elasticache_memcached.tf', 'elasticache_memcached.tf', "a Terraform file (another program's settings)"],
    ['other/1107-memcached-memcached-proxylibs-minimal.lua', 'lib/routelib/examples/minimal.lua', "a Lua script (memcached's proxy routes or another program's)"],
  ])('%s', async (rel, at, looksLike) => {
    // Before: "it looks like KEY=value assignments (as /etc/sysconfig/memcached holds them)", suggesting --dialect sysconfig.
    const { file } = await lintJson(tmp.write(at, real(rel)));
    expect(file.refused).toMatchObject({ looksLike, reason: 'name' });
    expect(file.refused!.message).not.toContain('--dialect sysconfig');
  });
});

describe('the language server decides as lint does, with the files beside the document', () => {
  it("KubeDB's memcached.conf beside its resource gets no diagnostics; alone it is read as Debian's", async () => {
    // Before: the editor showed Debian's findings (MC202 "exits 64", MC101) for KubeDB's file.
    const { readerOf } = await import('../../src/lsp/analysis.js');
    const folder = 'docs/examples/memcached/custom-config';
    const conf = tmp.write(`${folder}/memcached.conf`, real('other/1100-kubedb-cli-memcached.conf'));
    const text = readFileSync(conf, 'utf8');
    expect(readerOf(conf, text, conf)).toMatchObject({ dialect: 'debian' });
    tmp.write(`${folder}/mc-custom.yaml`, real('kubernetes/1101-kubedb-cli-mc-custom.yaml'));
    expect(readerOf(conf, text, conf)).toBeNull();
  });
});
