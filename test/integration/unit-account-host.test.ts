/**
 * MC916 for a systemd unit whose User= or Group= names an account this machine lacks: systemd looks the
 * account up before it runs the command and fails the start with 217/USER or 216/GROUP (systemd.exec(5),
 * "Process exit codes"; systemd as PID 1 cannot run here, so that status is the manual's). Whether the
 * account exists is the real C library's answer: each case asks `getent` (glibc's NSS, as systemd's
 * getpwnam() does) in the same mount namespace as `mchard lint --host-checks`, and mchard must agree with
 * it. With an nsswitch.conf that lists a source besides the files (sss, ldap), a name /etc/passwd lacks may
 * still exist, and mchard makes no claim, for a unit's User= or for memcached's own -u.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ensureBuilt } from '../cli/helpers.js';
import { unshareSh } from '../helpers/unshare.js';
import { accountAbsent } from '../../src/system/accounts.js';

/** Whether the files are the whole of a database: a name they lack is absent, with no userdb folder to ask. */
const filesAreWholeDatabase = (db: 'passwd' | 'group', nsswitch: string, file?: string) => accountAbsent(db === 'passwd' ? 'user' : 'group', 'mchard-no-such-name', nsswitch, file, []);

const usable = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0 && spawnSync('getent', ['passwd', 'root']).status === 0;
if (!usable) console.warn('unit-account-host: skipped (needs root, unshare -m and getent)');
const maybe = usable ? describe : describe.skip;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mchard-unit-account-'));
  if (usable) ensureBuilt();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MISSING_USER = 'mchard_nouser_u1';
const MISSING_GROUP = 'mchard_nogroup_g1';

/** A unit running memcached safely on loopback, with these [Service] lines. */
function unit(name: string, service: string[], exec = 'ExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0 -p 40121'): string {
  const file = join(dir, name);
  writeFileSync(file, ['[Unit]', 'Description=memcached', '[Service]', ...service, exec, '[Install]', 'WantedBy=multi-user.target', ''].join('\n'));
  return file;
}

/**
 * Runs `script` in a mount namespace of its own, with `nsswitch` (when given) bound over /etc/nsswitch.conf
 * there only; "$@" are the arguments.
 */
function inMountNs(script: string, args: string[], nsswitch?: string) {
  const bind = nsswitch ? `mount --bind "${nsswitch}" /etc/nsswitch.conf && ` : '';
  return unshareSh(['-m', '--propagation', 'private'], `${bind}${script}`, args);
}

interface Finding {
  ruleId: string;
  message: string;
  range?: { start: { line: number } };
}
function lint(file: string, flags: string[] = ['--host-checks'], nsswitch?: string): Finding[] {
  const r = inMountNs('exec "$@"', [process.execPath, BIN, 'lint', '--format', 'json', ...flags, file], nsswitch);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { files: { findings: Finding[] }[] }).files[0].findings;
}
/** glibc's answer: whether the account exists on this machine (getent exits 2 for "not found"). */
function getent(db: 'passwd' | 'group', name: string, nsswitch?: string): boolean {
  const r = inMountNs('exec getent "$@"', [db, name], nsswitch);
  expect([0, 2]).toContain(r.status);
  return r.status === 0;
}
const mc916 = (f: Finding[]) => f.filter((x) => x.ruleId === 'MC916');

maybe('a unit whose User= or Group= this machine lacks', () => {
  it('User= of a user glibc does not find: MC916, 217/USER, at the User= line', () => {
    expect(getent('passwd', MISSING_USER)).toBe(false);
    const file = unit('missing-user.service', [`User=${MISSING_USER}`]);
    const found = mc916(lint(file));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/^on this machine memcached does not start: systemd fails with status 217\/USER before memcached runs: this machine has no user mchard_nouser_u1 \(User=\)/);
    // Without host checks (a file outside /etc): nothing about this machine.
    expect(mc916(lint(file, []))).toEqual([]);
  });

  it('Group= of a group glibc does not find: MC916, 216/GROUP', () => {
    expect(getent('group', MISSING_GROUP)).toBe(false);
    expect(getent('passwd', 'memcache')).toBe(true);
    const found = mc916(lint(unit('missing-group.service', ['User=memcache', `Group=${MISSING_GROUP}`])));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/216\/GROUP .*no group mchard_nogroup_g1 \(Group=\)/);
  });

  it('both missing: systemd looks up the user first (217/USER)', () => {
    const found = mc916(lint(unit('both.service', [`Group=${MISSING_GROUP}`, `User=${MISSING_USER}`])));
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/217\/USER/);
  });

  it('accounts glibc finds, and settings systemd does not look up: no MC916', () => {
    expect(getent('passwd', 'memcache') && getent('group', 'memcache')).toBe(true);
    const quiet: [string, string[], string?][] = [
      ['exists.service', ['User=memcache', 'Group=memcache']],
      // DynamicUser=: systemd makes the account when it is missing.
      ['dynamic.service', ['DynamicUser=yes', `User=${MISSING_USER}`]],
      // "+" runs the command with full privileges: User= is not applied.
      ['plus.service', [`User=${MISSING_USER}`], 'ExecStart=+/usr/bin/memcached -u memcache -l 127.0.0.1 -U 0 -p 40121'],
      // A numeric ID is left to the host; a specifier names what the unit's name decides.
      ['numeric.service', ['User=4242']],
      ['templ@.service', ['User=%i']],
    ];
    for (const [name, lines, exec] of quiet) expect([name, mc916(lint(unit(name, lines, exec)))]).toEqual([name, []]);
  });

  it('with nsswitch.conf naming another passwd source (sss), a name /etc/passwd lacks is not called missing', () => {
    const ns = join(dir, 'nsswitch-sss.conf');
    writeFileSync(ns, 'passwd:         files sss systemd\ngroup:          files sss systemd\nhosts:          files dns\n');
    // The unit's User=, and memcached's own -u (memcached's getpwnam() asks the same sources).
    expect(mc916(lint(unit('sss-user.service', [`User=${MISSING_USER}`]), ['--host-checks'], ns))).toEqual([]);
    mkdirSync(join(dir, 'sss'));
    const conf = join(dir, 'sss', 'memcached.conf');
    writeFileSync(conf, `-u ${MISSING_USER}\n-l 127.0.0.1\n-U 0\n`);
    expect(mc916(lint(conf, ['--host-checks'], ns))).toEqual([]);
    // The same file with the machine's own nsswitch.conf (files and systemd only): the user is missing.
    expect(mc916(lint(conf, ['--host-checks']))[0].message).toMatch(/exits 67 at start: can't find the user mchard_nouser_u1/);
  });
});

maybe('the passwd line glibc uses', () => {
  it('is the last one for the database (getent), and mchard reads the same line', () => {
    const systemdThenFiles = join(dir, 'ns-last-files');
    const filesThenSystemd = join(dir, 'ns-last-systemd');
    writeFileSync(systemdThenFiles, 'passwd: systemd\npasswd: files\n');
    writeFileSync(filesThenSystemd, 'passwd: files\npasswd: systemd\n');
    // memcache is in /etc/passwd only: found when the files are asked, that is, by the last line.
    expect(getent('passwd', 'memcache', systemdThenFiles)).toBe(true);
    expect(getent('passwd', 'memcache', filesThenSystemd)).toBe(false);
    const ldapThenFiles = join(dir, 'ns-ldap-files');
    const filesThenLdap = join(dir, 'ns-files-ldap');
    writeFileSync(ldapThenFiles, 'passwd: files ldap\npasswd: files\n');
    writeFileSync(filesThenLdap, 'passwd: files\npasswd: files ldap\n');
    expect(filesAreWholeDatabase('passwd', ldapThenFiles)).toBe(true);
    expect(filesAreWholeDatabase('passwd', filesThenLdap)).toBe(false);
  });
});

describe('filesAreWholeDatabase (nsswitch.conf(5))', () => {
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  it('files and systemd only, action items, comments, and no line at all: the files are the whole database', () => {
    const passwd = write('passwd-plain', 'root:x:0:0::/root:/bin/sh\n');
    expect(filesAreWholeDatabase('passwd', write('ns1', 'passwd: files systemd\n'), passwd)).toBe(true);
    expect(filesAreWholeDatabase('passwd', write('ns2', '# passwd: ldap\npasswd:\tfiles [NOTFOUND=return] systemd # sss\n'), passwd)).toBe(true);
    expect(filesAreWholeDatabase('passwd', write('ns3', 'hosts: files dns\n'), passwd)).toBe(true);
    expect(filesAreWholeDatabase('passwd', join(dir, 'no-such-nsswitch'), passwd)).toBe(true);
    expect(filesAreWholeDatabase('group', write('ns4', 'passwd: files ldap\ngroup: files\n'), passwd)).toBe(true);
  });
  it("a userdb record (NAME.user, NAME.group) counts where nss-systemd is a source, and only there", () => {
    const passwd = write('passwd-plain3', 'root:x:0:0::/root:/bin/sh\n');
    const userdb = join(dir, 'userdb');
    mkdirSync(userdb);
    writeFileSync(join(userdb, 'svc.user'), '{"userName":"svc","uid":4711}\n');
    writeFileSync(join(userdb, 'svcg.group'), '{"groupName":"svcg","gid":4712}\n');
    const withSystemd = write('ns-userdb', 'passwd: files systemd\ngroup: files systemd\n');
    const filesOnly = write('ns-files', 'passwd: files\ngroup: files\n');
    expect(accountAbsent('user', 'svc', withSystemd, passwd, [userdb])).toBe(false);
    expect(accountAbsent('user', 'other', withSystemd, passwd, [userdb])).toBe(true);
    expect(accountAbsent('group', 'svcg', withSystemd, passwd, [userdb])).toBe(false);
    expect(accountAbsent('group', 'svc', withSystemd, passwd, [userdb])).toBe(true);
    expect(accountAbsent('user', 'svc', filesOnly, passwd, [userdb])).toBe(true);
    expect(accountAbsent('user', 'svc', write('ns-sss2', 'passwd: files sss\n'), passwd, [userdb])).toBe(false);
  });
  it('another source, or compat with a NIS line: not the whole database', () => {
    const passwd = write('passwd-plain2', 'root:x:0:0::/root:/bin/sh\n');
    expect(filesAreWholeDatabase('passwd', write('ns5', 'passwd: files sss\n'), passwd)).toBe(false);
    expect(filesAreWholeDatabase('passwd', write('ns6', 'passwd: ldap files\n'), passwd)).toBe(false);
    expect(filesAreWholeDatabase('passwd', write('ns7', 'passwd: extrausers files\n'), passwd)).toBe(false);
    expect(filesAreWholeDatabase('passwd', write('ns8', 'passwd: compat\n'), passwd)).toBe(true);
    expect(filesAreWholeDatabase('passwd', write('ns9', 'passwd: compat\n'), write('passwd-nis', 'root:x:0:0::/root:/bin/sh\n+::::::\n'))).toBe(false);
    // The last line for a database is the one glibc uses.
    expect(filesAreWholeDatabase('passwd', write('ns10', 'passwd: files\npasswd: files winbind\n'), passwd)).toBe(false);
  });
});
