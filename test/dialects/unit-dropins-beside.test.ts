/**
 * A unit linted with the drop-ins systemd merges into it (`NAME.service.d/*.conf` beside it): when one sets
 * its command, user, variables or network restrictions, the unit's file alone does not say what runs, so
 * its option findings would be confidently wrong. Real files: dangerousvasil's unit (fixture 219, which
 * alone listens on every interface) and netxops' drop-in (fixture 201: `ExecStart=` reset, `User=nobody`).
 */
import { chmodSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLint } from '../../src/cli/lint.js';
import { runInspect } from '../../src/cli/inspect.js';
import { unitDropInsOf } from '../../src/cli/companions.js';
import { captureIo, ROOT, TempDir } from '../cli/helpers.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test/fixtures/real', rel), 'utf8');
const UNIT = real('systemd/219-dangerousvasil-cobraK8sInfo-memcached.service');
const DROPIN = real('systemd/201-netxops-orchegit-memcached-override.conf');

async function lintJson(path: string) {
  const io = captureIo();
  const code = await runLint(['--format', 'json', path], io);
  return { code, findings: JSON.parse(io.stdout.join('')).files[0].findings as { ruleId: string; message: string; line: number }[] };
}

describe('a unit and the drop-ins beside it', () => {
  let tmp: TempDir;
  beforeEach(() => (tmp = new TempDir('mchard-dropins-')));
  afterEach(() => tmp.cleanup());

  it('alone: its own findings (every interface)', async () => {
    const unit = tmp.write('etc/systemd/system/memcached.service', UNIT);
    const r = await lintJson(unit);
    expect(r.findings.map((f) => f.ruleId)).toContain('MC101');
  });

  it("with a drop-in that resets ExecStart= and sets User=: one MC910 naming it, no option finding from the unit's own command", async () => {
    const unit = tmp.write('etc/systemd/system/memcached.service', UNIT);
    const dropIn = tmp.write('etc/systemd/system/memcached.service.d/override.conf', DROPIN);
    const r = await lintJson(unit);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['MC910']);
    expect(r.findings[0].message).toBe(
      `systemd merges into memcached.service ${dropIn} (which sets ExecStart=, User=): this file alone does not say what runs ` +
        `(systemctl cat memcached.service shows the merged unit; lint that drop-in too: mchard lint ${dropIn}) (the listener, user and option checks were skipped)`,
    );
    expect(r.code).toBe(0);
    // inspect says the same: nothing known of the command.
    const io = captureIo();
    await runInspect(['--format', 'json', unit], io);
    expect(JSON.parse(io.stdout.join('')).argv).toEqual([]);
  });

  it('a drop-in that sets nothing that decides (LimitNOFILE=, Restart=) changes nothing', async () => {
    const unit = tmp.write('etc/systemd/system/memcached.service', UNIT);
    tmp.write('etc/systemd/system/memcached.service.d/limits.conf', '[Service]\nLimitNOFILE=65536\nRestart=always\n');
    const alone = await lintJson(tmp.write('other/memcached.service', UNIT));
    expect((await lintJson(unit)).findings.map((f) => f.message)).toEqual(alone.findings.map((f) => f.message));
  });

  it('a drop-in mchard does not read (a symbolic link) may set anything: unknown, said', async () => {
    const unit = tmp.write('etc/systemd/system/memcached.service', UNIT);
    const target = tmp.write('elsewhere/x.conf', DROPIN);
    tmp.write('etc/systemd/system/memcached.service.d/.keep', '');
    symlinkSync(target, tmp.join('etc/systemd/system/memcached.service.d/override.conf'));
    const r = await lintJson(unit);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['MC910']);
    expect(r.findings[0].message).toContain('(which may set anything (mchard reads only a regular file of at most 64 KiB, never through a link))');
  });

  it("a repository's NAME.service.d that is a symbolic link (to a folder only root can list) is not listed or read: one entry that may set anything", async () => {
    // As a root-run hook over a pull request's checkout meets it: the link leads to a private folder of
    // this host, whose file names (and which keys its files set) must not reach the report.
    const secret = tmp.join('private');
    tmp.write('private/host-only-name.conf', '[Service]\nExecStart=\nExecStart=/bin/true\n');
    chmodSync(secret, 0o700);
    const unit = tmp.write('repo/memcached.service', UNIT);
    symlinkSync(secret, tmp.join('repo/memcached.service.d'));
    expect(unitDropInsOf(unit)).toEqual([{ path: tmp.join('repo/memcached.service.d'), read: false, keys: [] }]);
    const r = await lintJson(unit);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['MC910']);
    expect(r.findings[0].message).toContain(`${tmp.join('repo/memcached.service.d')} (which may set anything`);
    expect(JSON.stringify(r.findings)).not.toContain('host-only-name');
    // systemd's own folders are root's: a link there is followed, as systemd follows it.
  });

  it("a unit without ExecStart= whose drop-in gives one is not 'refused by systemd'", async () => {
    const unit = tmp.write('etc/systemd/system/memcached.service', '[Unit]\nDescription=memcached\n[Service]\nUser=memcache\n');
    expect((await lintJson(unit)).findings.map((f) => f.ruleId)).toContain('MC914');
    tmp.write('etc/systemd/system/memcached.service.d/cmd.conf', '[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1\n');
    expect((await lintJson(unit)).findings.map((f) => f.ruleId)).toEqual(['MC910']);
  });

  it('an instance takes the template\'s drop-ins too; a drop-in has none of its own', () => {
    tmp.write('units/memcached@.service.d/a.conf', '[Service]\nEnvironment=X=1\n');
    tmp.write('units/memcached@a.service.d/b.conf', '[Service]\n# User=x\nNice=5\n');
    writeFileSync(tmp.join('units/memcached@a.service'), UNIT);
    expect(unitDropInsOf(tmp.join('units/memcached@a.service'))).toEqual([
      { path: tmp.join('units/memcached@a.service.d/b.conf'), read: true, keys: ['Service.Nice'] },
      { path: tmp.join('units/memcached@.service.d/a.conf'), read: true, keys: ['Service.Environment'] },
    ]);
    expect(unitDropInsOf(tmp.join('units/memcached@a.service.d/b.conf'))).toEqual([]);
  });
});
