/**
 * The built executable, `bin/mchard.js`, as a real process: exit statuses, standard input, stdout/stderr
 * separation, and a file the user cannot read (run as `nobody` through setpriv when the tests run as root).
 * Builds the bundle first when dist/ is missing or older than the sources.
 */
import { chmodSync, chownSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { builtTempDir, errorLines, ROOT, runBin, SAMPLES, TempDir } from './helpers.js';
import { sarifErrors } from '../report/sarif-schema.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const tmp = builtTempDir();

describe('bin/mchard.js', () => {
  it('--version prints the package version, exit 0', () => {
    const r = runBin(['--version']);
    expect(r).toMatchObject({ code: 0, out: `mchard ${pkg.version}\n`, err: '' });
  });

  it('--help and help lint go to stdout, exit 0', () => {
    const a = runBin(['--help']);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^Usage: mchard COMMAND/);
    expect(a.err).toBe('');
    const b = runBin(['help', 'lint']);
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/^Usage: mchard lint/);
  });

  it('an unknown command: one line on stderr, exit 2', () => {
    const r = runBin(['lnit']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toEqual(['mchard: unknown command "lnit" (did you mean lint?)']);
  });

  it('lint exits 1 on an error finding, with the finding on stdout', () => {
    const path = join(SAMPLES, 'insecure-debian.conf');
    const r = runBin(['lint', path]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toMatch(new RegExp(`^${path.replace(/[.]/g, '\\.')}:\\d+:\\d+  error  MC101  `, 'm'));
    expect(r.out).not.toContain('\x1b[');
  });

  it('lint exits 0 when nothing reaches --fail-on', () => {
    const r = runBin(['lint', join(SAMPLES, 'debian-default.conf'), '--quiet']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/0 errors/);
  });

  it('FORCE_COLOR colours a pipe, NO_COLOR wins', () => {
    const path = join(SAMPLES, 'insecure-debian.conf');
    expect(runBin(['lint', path], { env: { FORCE_COLOR: '1' } }).out).toContain('\x1b[31merror');
    expect(runBin(['lint', path], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).out).not.toContain('\x1b[');
  });

  it('lint - reads standard input in the dialect given', () => {
    const deb = runBin(['lint', '-', '--dialect', 'debian'], { input: '-u memcache\n-l 0.0.0.0\n' });
    expect(deb.code).toBe(1);
    expect(deb.out).toMatch(/^-:2:1  error  MC101  /m);
    const sys = runBin(['lint', '-', '--dialect', 'sysconfig', '--format', 'json'], {
      input: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 0.0.0.0"\n',
    });
    expect(sys.code).toBe(1);
    const j = JSON.parse(sys.out);
    expect(j.files[0]).toMatchObject({ path: '-', dialect: 'sysconfig' });
    expect(j.files[0].findings.map((f: { ruleId: string }) => f.ruleId)).toContain('MC101');
    const ok = runBin(['lint', '-', '--dialect', 'debian', '--quiet'], { input: '-u memcache\n-l 127.0.0.1\n' });
    expect(ok.code).toBe(0);
  });

  it('lint - uses the .mchardrc above the current folder', () => {
    tmp.write('stdin-project/.mchardrc', '[rules]\nlisten-all-interfaces = off\n');
    const cwd = tmp.write('stdin-project/sub/.keep', '') && tmp.join('stdin-project', 'sub');
    const r = runBin(['lint', '-', '--dialect', 'debian', '--format', 'json'], { input: '-u memcache\n-l 0.0.0.0\n', cwd });
    expect(JSON.parse(r.out).files[0].findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('MC101');
    const elsewhere = runBin(['lint', '-', '--dialect', 'debian', '--format', 'json'], { input: '-u memcache\n-l 0.0.0.0\n', cwd: tmp.path });
    expect(JSON.parse(elsewhere.out).files[0].findings.map((f: { ruleId: string }) => f.ruleId)).toContain('MC101');
  });

  it('lint - decides the format from the content: bare option lines could be anyone\'s, so refused (exit 2)', () => {
    const r = runBin(['lint', '-'], { input: '-l 0.0.0.0\n' });
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([expect.stringMatching(/^mchard: -: not read: it looks like memcached options.*pass --dialect debian if that is what reads it, or --stdin-filename PATH/)]);
    const named = runBin(['lint', '--stdin-filename', 'etc/memcached.conf', '-'], { input: '-u memcache\n-l 0.0.0.0\n' });
    expect(named.code).toBe(1);
    expect(named.out).toMatch(/^etc\/memcached\.conf:2:1  error  MC101 /m);
  });

  it('inspect - reads standard input', () => {
    const r = runBin(['inspect', '-', '--dialect', 'debian', '--format', 'json'], { input: '-u memcache\n-l ::1\n-p 11300\n' });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ path: '-', dialect: 'debian', argv: ['-u', 'memcache', '-l', '::1', '-p', '11300'] });
    expect(j.listeners).toEqual([{ transport: 'tcp', address: '::1', port: 11300 }]);
  });

  it('binary data on standard input: one line, MC001, exit 2', () => {
    const r = runBin(['lint', '-', '--dialect', 'debian'], { input: Buffer.from('-l 127.0.0.1\n\0\0\0') });
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual(['mchard: -: binary data (NUL byte at offset 13), not a text configuration file']);
    expect(r.out).toMatch(/^-:1:1  error  MC001  cannot read the file: binary data/m);
  });

  it('invalid UTF-8 and a missing file among good files: the good file is still linted, exit 2', () => {
    const latin1 = tmp.write('latin1/memcached.conf', Buffer.from('# r\xe9seau\n-l 0.0.0.0\n', 'latin1'));
    const good = join(SAMPLES, 'insecure-debian.conf');
    const missing = tmp.join('nope.conf');
    const r = runBin(['lint', latin1, good, missing]);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([`mchard: ${latin1}: invalid UTF-8 at byte 3`, `mchard: ${missing}: no such file`]);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toContain(`${latin1}:1:1  error  MC001`);
    expect(r.out).toContain(`${missing}:1:1  error  MC001`);
    expect(r.out).toMatch(new RegExp(`${good.replace(/[.]/g, '\\.')}:\\d+:\\d+  error  MC101`));
  });

  it('a folder without configuration files: one line saying so, nothing checked, exit 0', () => {
    const empty = tmp.write('empty/README.md', 'nothing here\n').replace(/\/README\.md$/, '');
    const l = runBin(['lint', empty]);
    expect(l.code).toBe(0);
    expect(errorLines(l.err)).toEqual([`mchard: ${empty}: no memcached configuration found under it (0 files passed over; -v says which)`]);
    expect(l.out).toBe('no problems found (0 errors, 0 warnings, 0 infos in 0 files)\n');
    const i = runBin(['inspect', empty]);
    expect(i).toMatchObject({ code: 0, out: '' });
    expect(errorLines(i.err)).toEqual([`mchard: ${empty}: no memcached configuration found under it (0 files passed over; -v says which)`]);
  });

  it('sarif from the executable is valid, and all of a large report arrives through a pipe', () => {
    const files = Array.from({ length: 150 }, (_, i) => tmp.write(`many/${i}/memcached.conf`, '-u memcache\n-l 0.0.0.0\n-vv\n'));
    const r = runBin(['lint', ...files, '--format', 'sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(sarifErrors(log)).toEqual([]);
    expect(new Set(log.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0].physicalLocation.artifactLocation.uri)).size).toBe(150);
  });

  describe('permission denied (as nobody)', () => {
    const isRoot = process.getuid?.() === 0;
    const hasSetpriv = (() => {
      try {
        execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    const maybe = isRoot && hasSetpriv ? it : it.skip;
    if (!isRoot || !hasSetpriv) {
      console.warn(`skipping the permission-denied test: ${!isRoot ? 'not running as root' : 'setpriv is not installed'}`);
    }
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

    maybe('lint: one line naming the file, MC001, the other file still linted, exit 2', () => {
      const dir = new TempDir('mchard-perm-');
      try {
        chmodSync(dir.path, 0o755);
        const secret = dir.write('memcached.conf', '-u memcache\n-l 127.0.0.1\n');
        chownSync(secret, 0, 0);
        chmodSync(secret, 0o600);
        const open = dir.write('memcached_open.conf', '-u memcache\n-l 0.0.0.0\n');
        chmodSync(open, 0o644);
        // The executable must be readable by nobody for the test to mean anything.
        const version = runBin(['--version'], { prefix: asNobody });
        expect(version.code).toBe(0);
        const r = runBin(['lint', secret, open], { prefix: asNobody });
        expect(r.code).toBe(2);
        expect(errorLines(r.err)).toEqual([`mchard: ${secret}: permission denied`]);
        expect(r.out).toContain(`${secret}:1:1  error  MC001  cannot read the file: permission denied  (parse-error)`);
        expect(r.out).toMatch(/memcached_open\.conf:2:1  error  MC101/);
        const j = JSON.parse(runBin(['lint', secret, '--format', 'json'], { prefix: asNobody }).out);
        expect(j.files[0]).toMatchObject({ path: secret, dialect: null, findings: [expect.objectContaining({ ruleId: 'MC001' })] });
      } finally {
        dir.cleanup();
      }
    });

    maybe('inspect: one line, nothing on stdout, exit 2', () => {
      const dir = new TempDir('mchard-perm-');
      try {
        chmodSync(dir.path, 0o755);
        const secret = dir.write('memcached.conf', '-u memcache\n');
        chmodSync(secret, 0o600);
        for (const format of ['text', 'json']) {
          const r = runBin(['inspect', secret, '--format', format], { prefix: asNobody });
          expect(r).toMatchObject({ code: 2, out: '' });
          expect(errorLines(r.err)).toEqual([`mchard: ${secret}: permission denied`]);
        }
      } finally {
        dir.cleanup();
      }
    });
  });

  it('the bundle exists after the build', () => {
    expect(existsSync(join(ROOT, 'dist', 'mchard.js'))).toBe(true);
  });
});
