/**
 * Drop-ins against systemd's own loader: `systemd-analyze verify memcached.service` with the unit search
 * path pointing at a folder that holds Debian's packaged memcached.service and one drop-in. A drop-in whose
 * ExecStart= is not reset first adds a second command to the packaged one, which systemd refuses; with the
 * reset (the real drop-in 201, netxops/orchegit) it loads. mchard must say the same of the drop-in alone.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDialect } from '../../src/dialects/index.js';
import { lintText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const PACKAGED = '/lib/systemd/system/memcached.service';
const usable = spawnSync('systemd-analyze', ['--version']).status === 0 && existsSync(PACKAGED);
if (!usable) console.warn(`systemd-dropin-real: needs systemd-analyze and ${PACKAGED} (apt-get install systemd memcached)`);
const maybe = usable ? it : it.skip;

let dir = '';
beforeAll(async () => {
  await loadDialect('systemd');
  dir = mkdtempSync(join(tmpdir(), `mchard-dropin-${process.pid}-`));
  mkdirSync(join(dir, 'memcached.service.d'));
  if (usable) copyFileSync(PACKAGED, join(dir, 'memcached.service'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function systemd(dropIn: string): { status: number | null; stderr: string } {
  writeFileSync(join(dir, 'memcached.service.d', 'override.conf'), dropIn);
  // The trailing ":" keeps systemd's own search path after ours (sysinit.target and the rest).
  const r = spawnSync('systemd-analyze', ['verify', 'memcached.service'], { env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

const AT = '/etc/systemd/system/memcached.service.d/override.conf';

describe('a drop-in with ExecStart= against systemd-analyze and the packaged unit', () => {
  maybe('without an empty ExecStart= first: systemd refuses the unit, and mchard says memcached does not start', () => {
    const dropIn = '[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1 -u memcache\n';
    const real = systemd(dropIn);
    expect(real.status).not.toBe(0);
    expect(real.stderr).toMatch(/more than one ExecStart= setting, which is only allowed for Type=oneshot/);
    const r = lintText(dropIn, { dialect: 'systemd', path: AT });
    expect(r.model.startup.ok).toBe(false);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['MC914']);
  });

  maybe('the real drop-in 201 resets ExecStart= first: systemd loads the unit, and mchard models the drop-in\'s command', () => {
    const dropIn = readFileSync(join(ROOT, 'test/fixtures/real/systemd/201-netxops-orchegit-memcached-override.conf'), 'utf8');
    expect(systemd(dropIn).status).toBe(0);
    const r = lintText(dropIn, { dialect: 'systemd', path: AT });
    expect(r.model.startup.ok).toBe(true);
    expect(r.config.startsAs).toBe('nobody');
    expect(r.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['MC101', 'MC601']));
    expect(r.findings.map((f) => f.ruleId)).not.toContain('MC914');
  });
});

describe('a real unit systemd refuses to load', () => {
  maybe('202 (cyberty/my_script): a pasted shell prompt is an invalid section header; lint and inspect both say memcached does not start', () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/real/systemd/202-cyberty-my_script-memcached.service'), 'utf8');
    writeFileSync(join(dir, 'memcached.service.d', 'override.conf'), '');
    const unitDir = mkdtempSync(join(tmpdir(), `mchard-unit-${process.pid}-`));
    try {
      writeFileSync(join(unitDir, 'memcached.service'), text);
      const real = spawnSync('systemd-analyze', ['verify', 'memcached.service'], { env: { ...process.env, SYSTEMD_UNIT_PATH: `${unitDir}:` }, encoding: 'utf8', timeout: 60_000 });
      expect(real.status).not.toBe(0);
      expect(real.stderr).toMatch(/Invalid section header/);
    } finally {
      rmSync(unitDir, { recursive: true, force: true });
    }
    const r = lintText(text, { dialect: 'systemd', path: '/usr/lib/systemd/system/memcached.service' });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['MC914']);
    // Not "unknown: ExecStart= runs nginx": the unit never loads, whatever it runs.
    expect(r.config.argvUnknown ?? null).toBeNull();
    expect(r.model.startup).toMatchObject({ ok: false, certain: true, stage: 'launch' });
  });
});
