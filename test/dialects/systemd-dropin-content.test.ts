/**
 * A drop-in kept in a repository under a name of its own (not `NAME.service.d/x.conf`) is still a drop-in
 * when its empty "ExecStart=" says so: it resets the command of the unit it extends, and means nothing in a
 * unit of its own. Real file: fooker/salt's memcached.service.conf.j2 (test/fixtures/real, row 223),
 * installed as /usr/local/lib/systemd/system/memcached.service.d/service.conf. It sets no User=, so the unit
 * it extends decides the user: not "root, and memcached exits 64 without -u".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run, TempDir } from '../cli/helpers.js';
import { placeReal } from '../helpers/real-fixtures.js';

let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-dropin-content-');
});
afterEach(() => tmp.cleanup());

const place = (fixture: string, path: string): string => placeReal(tmp.path, fixture, path);

interface Finding {
  ruleId: string;
  message: string;
}

const findings = async (p: string): Promise<Finding[]> => {
  const r = await run(['lint', '--format', 'json', p]);
  const [file] = JSON.parse(r.out).files as { dialect: string | null; findings: Finding[] }[];
  expect(file.dialect).toBe('systemd');
  return file.findings;
};

describe('a drop-in told by its empty ExecStart=', () => {
  it("fooker/salt's memcached.service.conf.j2: the unit it extends decides the user (no MC202 'exits 64')", async () => {
    const got = await findings(place('other-templates/223-fooker-salt-memcached.service.conf.j2', 'states/web/php/files/memcached.service.conf.j2'));
    expect(got.map((f) => f.ruleId)).not.toContain('MC202');
    expect(got.find((f) => f.ruleId === 'MC910' && /this drop-in does not set User=/.test(f.message))).toBeDefined();
  });

  it('the same file at its installed path reads the same', async () => {
    const got = await findings(place('other-templates/223-fooker-salt-memcached.service.conf.j2', 'usr/local/lib/systemd/system/memcached.service.d/service.conf.j2'));
    expect(got.map((f) => f.ruleId)).not.toContain('MC202');
  });

  it('a unit of its own without the empty ExecStart= still starts as root and needs -u', async () => {
    const p = join(tmp.path, 'files', 'memcached-custom.conf');
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, '[Service]\nExecStart=/usr/bin/memcached -p 11211 -m 512\n');
    expect((await findings(p)).map((f) => f.ruleId)).toContain('MC202');
  });
});
