/**
 * @NAME@ placeholders in a real file (test/fixtures/real 1690, provenance in its MANIFEST.tsv): andy0mg/bitrix_al9's
 * cluster/templates/memcached.tpl, RHEL's /etc/sysconfig/memcached with PORT, MAXCONN, CACHESIZE and the -l
 * address as @MEMCACHED_...@ placeholders that lib/cluster-common.sh's cluster_render_template replaces before
 * the file is written to /etc/sysconfig/memcached.
 *
 * Before: read as a finished file, "PORT=\"@MEMCACHED_PORT@\" is not a port number ... TCP port 0" (MC302),
 * "memcached exits 1" (MC401), MC403, and inspect "starts    no". Now a placeholder template: the placeholders
 * are notes (MC910), listens and starts are unknown (the rendered file decides), fix changes no placeholder.
 * Under /etc the same bytes are what systemd hands memcached, and are read literally.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ensureBuilt, run, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'real', 'other-templates', '1690-andy0mg-bitrix_al9-memcached.tpl');
const real = () => readFileSync(FIXTURE);
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-placeholders-');
});
afterEach(() => tmp.cleanup());

type Finding = { ruleId: string; severity: string; message: string; line: number };
const WRONG = ['MC302', 'MC303', 'MC401', 'MC403'];

describe.each([
  // its repository path (a .tpl name), and where a configuration repository keeps such a file
  ['cluster/templates/memcached.tpl'],
  ['templates/sysconfig/memcached'],
])('andy0mg/bitrix_al9 memcached.tpl at %s', (rel) => {
  it('lint (text and json): the placeholders are notes (MC910), no port, connection or memory error', async () => {
    const f = tmp.write(rel, real());
    const text = await run(['lint', '--no-doc-links', f]);
    expect(text.code).toBe(0);
    for (const id of WRONG) expect(text.out).not.toContain(id);
    expect(text.out).toContain('@MEMCACHED_MAXCONN@ (line 5): the template decides whether it starts');
    expect(text.out).toContain('@MEMCACHED_BIND@ (line 7): the template decides where memcached listens');
    const json = await run(['lint', '--format', 'json', f]);
    expect(json.code).toBe(0);
    const findings = JSON.parse(json.out).files[0].findings as Finding[];
    expect(findings.map((x) => `${x.ruleId}:${x.severity}:${x.line}`)).toEqual(['MC910:info:5', 'MC910:info:7', 'MC111:info:7']);
  });

  it('inspect: a placeholder template; where it listens and whether it starts are unknown', async () => {
    const f = tmp.write(rel, real());
    const text = await run(['inspect', f]);
    expect(text.code).toBe(0);
    expect(text.out).toContain('(sysconfig, placeholder template,');
    expect(text.out).toMatch(/^ {2}templated @MEMCACHED_PORT@ \(line 3\), @MEMCACHED_CACHESIZE@ \(line 6\), @MEMCACHED_MAXCONN@ \(line 5\), @MEMCACHED_BIND@ \(line 7\)$/m);
    expect(text.out).toMatch(/^ {2}listens {3}unknown: depends on the template \(@MEMCACHED_BIND@ \(line 7\)\); the rendered file decides$/m);
    expect(text.out).toMatch(/^ {2}starts {4}unknown: depends on the template/m);
    expect(text.out).not.toMatch(/starts {4}no|does not start/);
    const json = JSON.parse((await run(['inspect', '--format', 'json', f])).out);
    expect(json.startup).toEqual(expect.objectContaining({ ok: null, depends: 'template', decide: 'the rendered file' }));
    expect(json.settings).toEqual(expect.objectContaining({ port: 'unknown', listen: 'unknown', maxConnections: 'unknown', memoryMB: 'unknown', user: 'memcached' }));
  });

  it('fix leaves the file as it is: every placeholder stays, and MC111 says why -U 0 is not added', async () => {
    const f = tmp.write(rel, real());
    const r = await run(['fix', '--dry-run', '--unsafe-fixes', f]);
    expect(r.out + r.err).toContain('disable UDP with -U 0: the edit would move or change a template expression');
    expect(readFileSync(f)).toEqual(real());
  });
});

// Under /etc the file is what systemd hands memcached: the same bytes, read literally. /etc/sysconfig is made in
// an overlay of /etc in a mount namespace of the test's own; the machine's /etc is never written.
const usable = process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
(usable ? describe : describe.skip)('the same bytes at /etc/sysconfig/memcached', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'mchard-placeholders-etc-'));
  }, 180_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  function lintAt(path: string) {
    const script =
      `set -e; mkdir -p "$0/upper" "$0/work"; mount -t overlay overlay -o "lowerdir=/etc,upperdir=$0/upper,workdir=$0/work" /etc; ` +
      `mkdir -p "$(dirname "$1")"; cp "$2" "$1"; set +e; "$3" "$4" lint --format json --no-host-checks "$1"`;
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', '--', 'sh', '-c', script, dir, path, FIXTURE, process.execPath, BIN], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', MCHARD_CODE_CACHE: 'off' },
      cwd: '/',
      timeout: 30_000,
    });
    return (JSON.parse(r.stdout).files[0].findings as Finding[]).map((f) => f.ruleId);
  }

  it('is read as it is (MC302, MC401, MC403, no MC910), where a copy outside /etc is a template', () => {
    const etc = lintAt('/etc/sysconfig/memcached');
    expect(etc).toEqual(expect.arrayContaining(['MC302', 'MC401', 'MC403']));
    expect(etc).not.toContain('MC910');
    const repo = lintAt(`${dir}/checkout/templates/sysconfig/memcached`);
    expect(repo).toContain('MC910');
    for (const id of WRONG) expect(repo).not.toContain(id);
  });
});
