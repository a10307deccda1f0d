/**
 * Special and huge inputs end in one clear error (issue 13 §4), through the built executable as a real
 * process (a hang shows as a timeout, memory as the process's own peak): a real named pipe with no
 * writer, the character devices /dev/zero, /dev/urandom and /dev/null, a folder holding a pipe, a file over the size
 * limit and `--max-file-size` raising it, standard input over the limit, and a `.mchardrc` that is a pipe.
 * Each bad file is one line naming it on standard error and exit status 2, and the good file given with
 * it keeps its findings.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, errorLines, runBin, SAMPLES, TempDir, BIN } from './helpers.js';
import { readConfigBytes, InputError, DEFAULT_MAX_FILE_SIZE } from '../../src/input.js';

let tmp: TempDir;
let fifo: string;
/** A copy of the insecure sample (fix --yes writes it). */
let insecure: string;

beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir();
  fifo = tmp.join('memcached.conf');
  execFileSync('mkfifo', [fifo]);
  execFileSync('mkdir', ['-p', tmp.join('good')]);
  insecure = tmp.join('good', 'memcached.conf');
  copyFileSync(join(SAMPLES, 'insecure-debian.conf'), insecure);
}, 180_000);
afterAll(() => tmp?.cleanup());

/** Runs the executable with a deadline well below jest's, reporting a hang as a failure. */
function runQuick(args: string[], input = '') {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.path, input, encoding: 'utf8', timeout: 15_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, signal: r.signal, out: String(r.stdout), err: String(r.stderr), ms: Date.now() - started };
}

describe('a named pipe (FIFO) with no writer', () => {
  it.each([
    ['lint', ['lint']],
    ['inspect', ['inspect']],
    ['fix --dry-run', ['fix', '--dry-run']],
    ['fix --yes', ['fix', '--yes', '--no-restart']],
  ])('%s ends at once with one line naming it, exit 2; the other file is still handled', (_name, cmd) => {
    copyFileSync(join(SAMPLES, 'insecure-debian.conf'), insecure);
    const r = runQuick([...cmd, fifo, insecure]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([expect.stringMatching(new RegExp(`^mchard: ${fifo}: is a named pipe \\(FIFO\\), not a regular file`))]);
    expect(r.out).toContain(insecure);
  });

  it('as a .mchardrc: one line naming it, exit 2, no hang', () => {
    const dir = tmp.join('rc');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'memcached.conf'), '-l 127.0.0.1\n');
    execFileSync('mkfifo', [join(dir, '.mchardrc')]);
    const r = runQuick(['lint', join(dir, 'memcached.conf')]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([`mchard: ${join(dir, '.mchardrc')}: is a named pipe (FIFO), not a regular file`]);
  });
});

describe('character devices and directories', () => {
  it.each(['/dev/zero', '/dev/urandom', '/dev/null'])('%s is refused without reading it', (dev) => {
    copyFileSync(join(SAMPLES, 'insecure-debian.conf'), insecure);
    const r = runQuick(['lint', '--format', 'json', dev, insecure]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([`mchard: ${dev}: is a character device, not a regular file`]);
    const doc = JSON.parse(r.out) as { files: { path: string; findings: { ruleId: string }[] }[] };
    expect(doc.files[0].findings.map((f) => f.ruleId)).toEqual(['MC001']);
    expect(doc.files[1].findings.map((f) => f.ruleId)).toContain('MC101');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a directory is searched (issue 15 §7); the named pipe in it is passed over unopened, so nothing hangs', () => {
    // A folder of its own (inspect reads the .mchardrc above each file, as lint does: the pipe another test
    // makes one of is not this test's subject).
    const dir = tmp.join('walk');
    execFileSync('mkdir', ['-p', join(dir, 'good')]);
    execFileSync('mkfifo', [join(dir, 'memcached.conf')]);
    copyFileSync(join(SAMPLES, 'insecure-debian.conf'), join(dir, 'good', 'memcached.conf'));
    const r = runQuick(['inspect', '-v', dir]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(errorLines(r.err)).toContain(`mchard: passed over ${join(dir, 'memcached.conf')}: not a regular file`);
    expect(r.out).toContain(join(dir, 'good', 'memcached.conf'));
    expect(r.ms).toBeLessThan(10_000);
  });
});

describe('the size limit', () => {
  it('is 1 MiB: a file of exactly 1 MiB is read, one byte more is refused naming the limit and the flag', () => {
    const ok = tmp.write('limit/ok.conf', `-l 127.0.0.1\n#${'x'.repeat(DEFAULT_MAX_FILE_SIZE - 15)}\n`);
    const over = tmp.write('limit/over.conf', `-l 127.0.0.1\n#${'x'.repeat(DEFAULT_MAX_FILE_SIZE - 14)}\n`);
    const a = runQuick(['lint', '--dialect', 'debian', ok]);
    expect(a.err).toBe('');
    const b = runQuick(['lint', '--dialect', 'debian', over]);
    expect(b.code).toBe(2);
    expect(errorLines(b.err)).toEqual([
      `mchard: ${over}: 1048577 bytes, more than the 1 MiB limit for a configuration file (--max-file-size raises it)`,
    ]);
    const c = runQuick(['lint', '--dialect', 'debian', '--max-file-size', '2M', over]);
    expect(c.err).toBe('');
    expect(c.code).not.toBe(2);
  });

  it('--max-file-size takes bytes or K/M/G and refuses anything else', () => {
    copyFileSync(join(SAMPLES, 'insecure-debian.conf'), insecure);
    expect(runQuick(['lint', '--max-file-size', '10', insecure]).code).toBe(2);
    expect(runQuick(['lint', '--max-file-size', '64K', insecure]).code).toBe(1);
    const bad = runQuick(['lint', '--max-file-size', 'lots', insecure]);
    expect(bad.code).toBe(2);
    expect(errorLines(bad.err)).toEqual(['mchard: --max-file-size must be a size such as 1048576, 512K, 10M or 1G (got "lots")']);
  });

  it('applies to standard input (a pipe) too', () => {
    const r = runQuick(['lint', '--dialect', 'debian', '-'], '#'.repeat(DEFAULT_MAX_FILE_SIZE + 10));
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual(['mchard: -: more than the 1 MiB limit for a configuration file (--max-file-size raises it)']);
    const ok = runQuick(['lint', '--dialect', 'debian', '-'], '-l 127.0.0.1\n');
    expect(ok.err).toBe('');
  });

  it('reads no more than the limit from a file that is larger than its size says (the reader stops at limit + 1)', () => {
    // /proc files report size 0 and hold more: the size check alone would let them through.
    let threw: unknown = null;
    try {
      readConfigBytes('/proc/self/maps', { maxBytes: 16 });
    } catch (e) {
      threw = e;
    }
    expect(threw).toBeInstanceOf(InputError);
    expect((threw as InputError).reason).toBe('more than the 16 bytes limit for a configuration file (--max-file-size raises it)');
  });

  it('reads every byte of a regular file of any size, and of a /proc file whose size says 0 (no second read for a file read to its size)', () => {
    for (const size of [0, 1, 2, 4095, 4096, 4097, 65535, 65536, 65537, 300_000, DEFAULT_MAX_FILE_SIZE]) {
      const bytes = Buffer.alloc(size, 'abcdefgh\n');
      const p = tmp.join(`sized-${size}.conf`);
      writeFileSync(p, bytes);
      expect(readConfigBytes(p).bytes.equals(bytes)).toBe(true);
    }
    // /proc/self/maps is longer than a page here: read on past what its size (0) says, to the end.
    const maps = readConfigBytes('/proc/self/maps').bytes.toString('latin1');
    expect(maps.length).toBeGreaterThan(4096);
    expect(maps.endsWith('\n')).toBe(true);
    expect(maps.split('\n').filter(Boolean).every((l) => /^[0-9a-f]+-[0-9a-f]+ /.test(l))).toBe(true);
  });
});

describe('the real executable', () => {
  it('never grows with /dev/zero: peak memory stays small (GNU time)', () => {
    const time = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'lint', '/dev/zero'], { encoding: 'utf8', timeout: 15_000 });
    if (time.error) return; // GNU time is installed by scripts/test-all.sh; without it this check is skipped
    const kb = Number(String(time.stderr).trim().split('\n').at(-1));
    expect(kb).toBeLessThan(200_000);
    expect(time.status).toBe(2);
  });

  it('runBin agrees (the helper used by the other tests)', () => {
    const r = runBin(['lint', '/dev/urandom']);
    expect(r.code).toBe(2);
  });
});

describe('a .mchardrc found above the files that is a symbolic link (a repository can point it anywhere)', () => {
  it('is refused in one line that quotes nothing of its target; --config naming it follows it', () => {
    const secret = tmp.write('secret-file', 'root:$y$j9T$s3cretHash:19000:0:99999:7:::\n');
    const dir = tmp.join('linkedrc');
    execFileSync('mkdir', ['-p', join(dir, 'etc')]);
    copyFileSync(join(SAMPLES, 'insecure-debian.conf'), join(dir, 'etc', 'memcached.conf'));
    execFileSync('ln', ['-s', secret, join(dir, '.mchardrc')]);
    for (const cmd of [['lint'], ['fix', '--dry-run'], ['inspect']]) {
      const r = runQuick([...cmd, join(dir, 'etc', 'memcached.conf')]);
      expect(r.code).toBe(2);
      expect(errorLines(r.err)).toEqual([
        `mchard: ${join(dir, '.mchardrc')}: a symbolic link: a .mchardrc found above the files is read only as a regular file (name it with --config to use it)`,
      ]);
      expect(r.out + r.err).not.toMatch(/s3cret|root:/);
    }
    // A dangling link is found (and refused) too, rather than silently skipped.
    execFileSync('ln', ['-sfn', join(dir, 'nowhere'), join(dir, '.mchardrc')]);
    expect(runQuick(['lint', join(dir, 'etc', 'memcached.conf')]).err).toContain('.mchardrc: a symbolic link');
    // Named by the user, a link is the user's choice: followed.
    const real = tmp.write('real-rc', '[rules]\nMC101 = off\n');
    execFileSync('ln', ['-sfn', real, join(dir, '.mchardrc')]);
    const named = runQuick(['lint', '--format', 'json', '--config', join(dir, '.mchardrc'), join(dir, 'etc', 'memcached.conf')]);
    expect(named.err).toBe('');
    expect(named.out).not.toContain('"MC101"');
  });
});

describe('a file to lint that is a symbolic link out of its folder (a repository can point it at /etc/shadow)', () => {
  it('is not read unless it stays in the current folder, is this host\'s configuration, or --follow-symlinks says so', () => {
    const elsewhere = new TempDir('mchard-secret-');
    try {
      const secret = elsewhere.write('shadow', 'root:$y$j9T$s3cretHash:19000:0:99999:7:::\n');
      execFileSync('mkdir', ['-p', tmp.join('repo', 'etc'), tmp.join('repo', 'common')]);
      const link = tmp.join('repo', 'etc', 'memcached.conf');
      execFileSync('ln', ['-sfn', secret, link]);
      for (const cmd of [['lint'], ['inspect']]) {
        const r = runQuick([...cmd, link]);
        expect(r.code).toBe(2);
        expect(r.err).toContain(`mchard: ${link}: is a symbolic link to ${secret}, outside ${tmp.join('repo', 'etc')}, the folder named on the command line; mchard reads a file there only with --follow-symlinks`);
        expect(r.out + r.err).not.toMatch(/s3cret|root:/);
      }
      // Asked for: read (and its text is then the user's to see).
      expect(runQuick(['lint', '--follow-symlinks', link]).out).toContain('root:');
      // A link to the repository's own file, linted from the repository's top (as CI and hooks run): read.
      tmp.write('repo/common/memcached.conf', '-u memcache\n-l 0.0.0.0\n-U 0\n');
      execFileSync('ln', ['-sfn', '../common/memcached.conf', link]);
      const inRepo = spawnSync(process.execPath, [BIN, 'lint', 'etc/memcached.conf'], { cwd: tmp.join('repo'), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(inRepo.stdout).toContain('MC101');
      // A folder link on the way of an absolute path (repo/x/etc -> the other folder) is caught as well.
      execFileSync('mkdir', ['-p', tmp.join('repo', 'x')]);
      execFileSync('ln', ['-sfn', elsewhere.path, tmp.join('repo', 'x', 'etc')]);
      const viaFolder = runQuick(['lint', tmp.join('repo', 'x', 'etc', 'shadow')]);
      expect(viaFolder.code).toBe(2);
      expect(viaFolder.err).toContain(`leads through a symbolic link to ${secret}`);
      expect(viaFolder.out + viaFolder.err).not.toMatch(/s3cret|root:/);
    } finally {
      elsewhere.cleanup();
    }
  });
});

describe('a file that becomes a symbolic link after the link checks looked at it', () => {
  it('is not read through the link: the open follows no link where the checks saw none', () => {
    // The lint's link checks take the file's lstat and hand it to the reader (readConfigBytes' `known`);
    // here the file is swapped for a link to a secret in between, as a race would.
    const elsewhere = new TempDir('mchard-secret-');
    try {
      const secret = elsewhere.write('shadow', 'root:$y$j9T$s3cretHash:19000:0:99999:7:::\n');
      const path = tmp.join('swapped', 'memcached.conf');
      execFileSync('mkdir', ['-p', tmp.join('swapped')]);
      writeFileSync(path, '-u memcache\n');
      const seen = lstatSync(path);
      execFileSync('ln', ['-sfn', secret, path]);
      let error: unknown = null;
      try {
        readConfigBytes(path, { known: seen });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).reason).toBe('became a symbolic link while mchard was reading it; not read');
      // Without a lstat of its own to go by, the reader follows the link as it always has (the callers
      // that pass none check links themselves, or read host files on purpose).
      expect(readConfigBytes(path).source.text).toContain('root:');
    } finally {
      elsewhere.cleanup();
    }
  });
});
