/**
 * memcached's version without running it: the version string in the binary's bytes (the real Debian
 * binary, and built byte strings), the package database (the real dpkg-query on the real package; rpm's
 * query output as its --queryformat writes it), the root-control check, and the choice between them.
 */
import { copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, chownSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { readBinary, versionInBytes, digest } from '../../src/system/binary-version.js';
import { dpkgOwner, dpkgRecordedMd5, packageFacts, rpmFacts, runTool, upstreamRelease, DPKG_QUERY } from '../../src/system/packages.js';
import { notRootControlled } from '../../src/system/trusted-path.js';
import { binaryVersionReport } from '../../src/system/memcached-version.js';
import { installedVersion } from '../../src/host.js';
import { TempDir } from '../cli/helpers.js';

const REAL = '/usr/bin/memcached';
const haveReal = existsSync(REAL);
const haveDpkg = existsSync(DPKG_QUERY) && haveReal;
const isRoot = process.getuid?.() === 0;

const bin = (...parts: string[]) => Buffer.from(`\x7fELF junk\0${parts.join('\0')}\0more`, 'latin1');

describe('the version string in the bytes', () => {
  (haveReal ? it : it.skip)("finds the real binary's version (its -V text and its version reply)", () => {
    const read = readBinary(REAL, false);
    if ('error' in read) throw new Error(read.error);
    const v = versionInBytes(read.bytes);
    expect(v).toEqual({ version: expect.stringMatching(/^1\.\d+\.\d+$/), full: expect.any(String) });
  });

  it('reads memcached X.Y.Z (puts or printf form) and VERSION X.Y.Z, which must agree', () => {
    expect(versionInBytes(bin('listen', 'memcached 1.6.18', 'udp-port', 'memcached 1.6.18\n', 'VERSION 1.6.18'))).toEqual({ version: '1.6.18', full: '1.6.18' });
    // A build between releases: git describe with '-' turned into '_'.
    expect(versionInBytes(bin('memcached 1.6.21_5_g1a2b3c4\n', 'VERSION 1.6.21_5_g1a2b3c4'))).toEqual({ version: '1.6.21', full: '1.6.21_5_g1a2b3c4' });
    expect(versionInBytes(bin('memcached 1.6.18', 'VERSION 1.6.19'))).toEqual({ error: 'the binary names several versions (1.6.18, 1.6.19)' });
    // "VERSION x" alone is too common to mean memcached; text inside a longer string is not a constant.
    expect(versionInBytes(bin('VERSION 1.6.18'))).toEqual({ error: 'no "memcached X.Y.Z" version string in the binary' });
    expect(versionInBytes(bin('this is memcached 1.6.18'))).toEqual({ error: 'no "memcached X.Y.Z" version string in the binary' });
    expect(versionInBytes(Buffer.alloc(0))).toEqual({ error: 'no "memcached X.Y.Z" version string in the binary' });
  });

  it('reads only a regular file, never blocks, refuses a link when asked, and caps the size', () => {
    const tmp = new TempDir();
    try {
      const fifo = tmp.join('fifo');
      execFileSync('mkfifo', [fifo]);
      expect(readBinary(fifo, true)).toEqual({ error: `${fifo} is not a regular file` });
      expect(readBinary(tmp.path, true)).toEqual({ error: `${tmp.path} is not a regular file` });
      const file = tmp.write('m', bin('memcached 1.6.9'));
      symlinkSync(file, tmp.join('link'));
      expect(readBinary(tmp.join('link'), false)).toEqual({ error: `${tmp.join('link')}: ELOOP` });
      expect(readBinary(tmp.join('link'), true)).toMatchObject({ bytes: readFileSync(file) });
      expect(readBinary(file, false, 10)).toEqual({ error: `${file} is larger than 10 bytes: not read` });
      expect(readBinary(tmp.join('absent'), false)).toEqual({ error: `${tmp.join('absent')}: ENOENT` });
    } finally {
      tmp.cleanup();
    }
  });
});

describe('the package database', () => {
  it('parses dpkg-query -S, md5sums and release numbers', () => {
    expect(dpkgOwner('memcached: /usr/bin/memcached\n', '/usr/bin/memcached')).toBe('memcached');
    expect(dpkgOwner('memcached:amd64: /usr/bin/memcached\n', '/usr/bin/memcached')).toBe('memcached:amd64');
    expect(dpkgOwner('diversion by x from: /usr/bin/memcached\nmemcached: /usr/bin/memcached\n', '/usr/bin/memcached')).toBe('memcached');
    // A pattern match on another path, or a path several packages share, is not an owner.
    expect(dpkgOwner('memcached: /usr/bin/memcached-tool\n', '/usr/bin/memcached')).toBeNull();
    expect(dpkgOwner('a, b: /usr/bin/memcached\n', '/usr/bin/memcached')).toBeNull();
    expect(dpkgRecordedMd5('0123456789abcdef0123456789abcdef  usr/bin/memcached\n', '/usr/bin/memcached')).toBe('0123456789abcdef0123456789abcdef');
    expect(dpkgRecordedMd5('0123456789abcdef0123456789abcdef  usr/bin/memcached-tool\n', '/usr/bin/memcached')).toBeNull();
    expect(upstreamRelease('1.6.18-1+deb12u1')).toBe('1.6.18');
    expect(upstreamRelease('1:1.6.9-2ubuntu1')).toBe('1.6.9');
    expect(upstreamRelease('1.5')).toBe('1.5');
    expect(upstreamRelease('snapshot')).toBeNull();
  });

  it("parses rpm -qf's query format: name, version, digest algorithm, then each file and its digest", () => {
    const bytes = Buffer.from('not really memcached');
    const sha = digest(bytes, 'sha256');
    const out = `memcached\t1.6.12\t8\n/etc/sysconfig/memcached\t\n/usr/bin/memcached\t${sha}\n/usr/bin/memcached-tool\tabc\n`;
    expect(rpmFacts(out, '/usr/bin/memcached', bytes)).toEqual({ manager: 'rpm', package: 'memcached', packageVersion: '1.6.12', version: '1.6.12', checksumMatches: true });
    expect(rpmFacts(out, '/usr/bin/memcached', Buffer.from('changed'))).toMatchObject({ checksumMatches: false });
    expect(rpmFacts('file /opt/memcached is not owned by any package\n', '/opt/memcached', bytes)).toBe('rpm: no package owns /opt/memcached');
  });

  (haveDpkg ? it : it.skip)('asks the real dpkg-query about the real package, and checks the checksum', () => {
    const read = readBinary(REAL, false);
    if ('error' in read) throw new Error(read.error);
    const facts = packageFacts(REAL, read.bytes);
    const version = execFileSync(DPKG_QUERY, ['-W', '-f', '${Version}', 'memcached']).toString();
    expect(facts).toEqual({ manager: 'dpkg', package: 'memcached', packageVersion: version, version: upstreamRelease(version), checksumMatches: true });
    expect(packageFacts(REAL, Buffer.from('other bytes'))).toMatchObject({ checksumMatches: false });
    expect(packageFacts('/usr/bin/*', read.bytes)).toBe('the path "/usr/bin/*" cannot be looked up in a package database');
    expect(packageFacts('/nonexistent/memcached', read.bytes)).toBe('dpkg: no package owns /nonexistent/memcached');
  });

  it('runs a tool with an argument vector and a clean environment', () => {
    process.env.MCHARD_TEST_LEAK = 'leaked';
    try {
      expect(runTool('/usr/bin/env', [])).toBe('PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C\n');
      expect(runTool('/usr/bin/printf', ['%s|', 'a b', '$(id)', ';'])).toBe('a b|$(id)|;|');
      expect(runTool('/nonexistent', [])).toBeNull();
    } finally {
      delete process.env.MCHARD_TEST_LEAK;
    }
  });

  it('runs a package tool only when root controls it', () => {
    const calls: string[][] = [];
    const facts = packageFacts('/usr/bin/memcached', null, (tool, args) => {
      calls.push([tool, ...args]);
      return null;
    });
    if (existsSync(DPKG_QUERY)) expect(calls.slice(0, 2)).toEqual([[DPKG_QUERY, '-L', '--', 'memcached'], [DPKG_QUERY, '-S', '--', '/usr/bin/memcached']]);
    expect(typeof facts).toBe('string');
  });
});

describe('root control', () => {
  it('accepts the system tools and refuses anything another user could change', () => {
    expect(notRootControlled('/usr/bin/env')).toBeNull();
    const tmp = new TempDir();
    try {
      const f = tmp.write('memcached', 'x');
      // /tmp is writable by every user (sticky or not): nothing under it is root-controlled.
      expect(notRootControlled(f)).toBe('/tmp is writable by every user');
      expect(notRootControlled('/nonexistent/x')).toBe('/nonexistent/x: ENOENT');
    } finally {
      tmp.cleanup();
    }
  });

  (isRoot ? it : it.skip)('refuses a file or folder owned by another user, or writable by a group', () => {
    const dir = `/var/lib/mchard-rc-${process.pid}`;
    mkdirSync(dir);
    try {
      const f = `${dir}/memcached`;
      copyFileSync('/usr/bin/env', f);
      chmodSync(dir, 0o755);
      expect(notRootControlled(f)).toBeNull();
      chownSync(f, 65534, 0);
      expect(notRootControlled(f)).toBe(`/var/lib/mchard-rc-${process.pid}/memcached is owned by uid 65534, not root`);
      chownSync(f, 0, 0);
      chmodSync(f, 0o775);
      expect(notRootControlled(f)).toBeNull(); // group root
      chownSync(f, 0, 50);
      expect(notRootControlled(f)).toBe(`/var/lib/mchard-rc-${process.pid}/memcached is writable by group 50`);
    } finally {
      execFileSync('rm', ['-rf', dir]);
    }
  });
});

describe('choosing the version', () => {
  (haveDpkg ? it : it.skip)('the installed memcached: the package database (checksum matched)', () => {
    const v = installedVersion();
    expect(v.report).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/), source: 'package', detail: expect.stringMatching(/^dpkg: \/usr\/bin\/memcached belongs to package memcached \S+ \(checksum matches\)$/) });
    expect(v.version).not.toBeNull();
  });

  it('a binary outside root-controlled paths is not believed, and nothing is run', () => {
    const tmp = new TempDir();
    try {
      const f = tmp.write('memcached', bin('memcached 1.4.0'));
      chmodSync(f, 0o755);
      expect(installedVersion([f]).report).toEqual({ version: null, source: null, detail: `unknown: ${f} is not believed: /tmp is writable by every user` });
      expect(installedVersion([tmp.join('none')]).report.detail).toBe(`unknown: no memcached at ${tmp.join('none')}`);
    } finally {
      tmp.cleanup();
    }
  });

  (haveReal ? it : it.skip)("a copy of the real binary nobody packaged: its bytes' version; a damaged one: unknown", () => {
    const tmp = new TempDir();
    try {
      const copy = tmp.join('memcached');
      copyFileSync(REAL, copy);
      const r = binaryVersionReport({ open: copy, follow: false, packagePath: copy, label: copy });
      expect(r).toMatchObject({ version: expect.stringMatching(/^1\.\d+\.\d+$/), source: 'binary' });
      expect(r.detail).toContain(`the version string in ${copy}'s bytes, read without running it`);
      // The package path names another file than the one read: the package database is not asked.
      const other = binaryVersionReport({ open: copy, follow: false, packagePath: REAL, label: copy });
      expect(other.detail).toContain(`package database not asked: ${REAL} here is not the file ${copy} runs`);
      const junk = tmp.write('junk', 'no version here');
      expect(binaryVersionReport({ open: junk, follow: false, packagePath: { none: 'test' }, label: junk })).toEqual({
        version: null,
        source: null,
        detail: 'unknown: package database not asked: test; no "memcached X.Y.Z" version string in the binary',
      });
    } finally {
      tmp.cleanup();
    }
  });
});
