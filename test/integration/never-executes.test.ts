/**
 * mchard never runs a program it inspects (issue 13 §1). A real program that is not memcached but is
 * called `memcached` (compiled by the test; it writes a marker file every time it runs, unless the test
 * itself starts it as a long-running "server") is started as an unprivileged user the test creates, and:
 * - `audit` (as root) finds it, reads its version from its bytes, and never runs it;
 * - `lint`/`inspect` of a file under /etc, with a `memcached` shell script first on PATH and another in the
 *   current folder, never runs either, and take the installed memcached's version from the package
 *   database or its bytes;
 * - a process in another mount namespace, whose /proc/PID/exe path (/usr/bin/memcached) names a different
 *   file there than here, is not taken for the packaged binary at that path here.
 * The user, the folders and the processes are removed afterwards.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ensureBuilt, run, runBin, TempDir } from '../cli/helpers.js';
import { isRoot } from '../audit/memcached.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const ready = isRoot && has('cc') && has('useradd') && has('userdel');
if (!ready) console.warn('never-executes: skipped (needs root, a C compiler and useradd)');
const describeReal = ready ? describe : describe.skip;

/** The impostor: not memcached, only named so. Whenever it runs, it says so in MARKER. */
const FAKE_C = `
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (getenv("MCHX_SERVE") == NULL) {
    int fd = open(MARKER, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) { dprintf(fd, "ran as uid %d with %s\\n", (int)getuid(), argc > 1 ? argv[1] : "(nothing)"); close(fd); }
    printf("memcached 1.4.37\\n");
    return 0;
  }
  for (;;) pause();
}
`;

interface Version {
  version: string | null;
  source: string | null;
  detail: string;
}

interface AuditJson {
  files: { path: string; process: { pid: number; user: string; exe: string; version: Version; namespaces: { mnt: { own: boolean } } } }[];
}

describeReal('mchard never executes what it inspects', () => {
  const tag = `${process.pid}${randomBytes(2).toString('hex')}`;
  const user = `mchx${tag}`.slice(0, 30);
  let tmp: TempDir;
  let fake = '';
  let marker = '';
  let etcDir = '';
  let userCreated = false;
  const children: ChildProcess[] = [];

  const markerText = () => (existsSync(marker) ? readFileSync(marker, 'utf8') : '');

  /** Starts the impostor as `user` (its pid is the impostor's: spawned directly, no shell). */
  async function startFake(args: string[], opts: { uid?: number; gid?: number; argv0?: string } = {}): Promise<number> {
    const child = spawn(fake, args, { uid: opts.uid, gid: opts.gid, env: { MCHX_SERVE: '1' }, stdio: 'ignore', cwd: '/' });
    children.push(child);
    await new Promise((r) => setTimeout(r, 150));
    expect(child.exitCode).toBeNull();
    return child.pid!;
  }

  beforeAll(() => {
    tmp = new TempDir('mchard-noexec-');
    chmodSync(tmp.path, 0o755);
    marker = tmp.join('RAN');
    const src = tmp.write('fake.c', FAKE_C);
    mkdirSync(tmp.join('bin'));
    fake = tmp.join('bin', 'memcached');
    execFileSync('cc', ['-O2', `-DMARKER="${marker}"`, '-o', fake, src], { stdio: 'pipe' });
    chmodSync(tmp.join('bin'), 0o755);
    for (let i = 0; ; i++) {
      // useradd fails while another process holds /etc/passwd's lock: try again.
      const r = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user], { stdio: 'pipe' });
      if (r.status === 0) break;
      if (i > 20) throw new Error(`useradd ${user}: ${String(r.stderr)}`);
      execFileSync('sleep', ['0.2']);
    }
    userCreated = true;
    ensureBuilt();
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    if (userCreated) spawnSync('userdel', [user], { stdio: 'ignore' });
    if (etcDir) rmSync(etcDir, { recursive: true, force: true });
    tmp?.cleanup();
  });

  it('the impostor writes its marker whenever it runs (so the checks below can fail)', () => {
    const r = spawnSync(fake, ['-V'], { encoding: 'utf8' });
    expect(r.stdout).toBe('memcached 1.4.37\n');
    expect(markerText()).toBe('ran as uid 0 with -V\n');
    rmSync(marker);
  });

  it("audit finds another user's impostor, reads its version from its bytes, and never runs it", async () => {
    const uid = Number(execFileSync('id', ['-u', user]).toString());
    const gid = Number(execFileSync('id', ['-g', user]).toString());
    const pid = await startFake(['-u', user, '-l', '127.0.0.1', '-p', '11', '-U', '0'], { uid, gid });
    for (const extra of [[], ['--probe']]) {
      const r = await run(['audit', '--format', 'json', '--pid', String(pid), ...extra]);
      expect(r.err).toBe('');
      const doc = JSON.parse(r.out) as AuditJson;
      expect(doc.files).toHaveLength(1);
      const p = doc.files[0].process;
      expect(p).toMatchObject({ pid, user, exe: fake });
      expect(p.version).toEqual({
        version: '1.4.37',
        source: 'binary',
        detail: expect.stringMatching(new RegExp(`^the version string in /proc/${pid}/exe's bytes, read without running it; dpkg: no package owns ${fake.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)),
      });
    }
    const text = await run(['audit', '--pid', String(pid)]);
    expect(text.out).toContain(`  version: 1.4.37 (read from the binary: the version string in /proc/${pid}/exe's bytes, read without running it`);
    expect(markerText()).toBe('');
  });

  it('lint and inspect of a file under /etc never run a memcached from PATH or the current folder', () => {
    etcDir = `/etc/mchard-noexec-${tag}`;
    mkdirSync(etcDir);
    const conf = `${etcDir}/memcached.conf`;
    writeFileSync(conf, '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-U 0\n');
    const onPath = tmp.join('path-bin');
    const cwd = tmp.join('cwd');
    for (const dir of [onPath, cwd]) {
      mkdirSync(dir);
      chmodSync(tmp.write(`${dir.slice(tmp.path.length + 1)}/memcached`, `#!/bin/sh\necho "ran from ${dir} with $*" >> ${marker}\necho "memcached 1.4.37"\n`), 0o755);
    }
    for (const PATH of [`${onPath}:/usr/sbin:/usr/bin:/sbin:/bin`, `.:/usr/sbin:/usr/bin:/sbin:/bin`]) {
      const lint = runBin(['lint', conf], { cwd, env: { PATH } });
      expect(lint.err).toBe('');
      expect(lint.code).toBe(0);
      const inspect = runBin(['inspect', '--format', 'json', conf], { cwd, env: { PATH } });
      const j = JSON.parse(inspect.out) as { memcachedVersion: string; memcachedVersionSource: string };
      expect(j.memcachedVersion).not.toBe('1.4.37');
      if (existsSync('/usr/bin/memcached')) {
        // The packaged binary: its version from dpkg (checksum checked), or else from its bytes.
        expect(j.memcachedVersionSource).toMatch(/^installed: (dpkg: \/usr\/bin\/memcached belongs to package memcached \S+ \(checksum matches\)|the version string in \/usr\/bin\/memcached's bytes)/);
      }
    }
    expect(markerText()).toBe('');
  });

  (has('unshare') ? it : it.skip)('a process in another mount namespace is not taken for the file at its path here', async () => {
    // Inside a private mount namespace, /usr/bin/memcached is the impostor (bind-mounted); here it is the package's.
    if (!existsSync('/usr/bin/memcached')) return;
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount --bind ${fake} /usr/bin/memcached && exec /usr/bin/memcached -u nobody -p 12 -U 0`], {
      env: { MCHX_SERVE: '1', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      stdio: 'ignore',
    });
    children.push(child);
    const pid = child.pid!;
    for (let i = 0; i < 50 && !/\/usr\/bin\/memcached/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 50));
    const r = await run(['audit', '--format', 'json', '--pid', String(pid)]);
    expect(r.err).toBe('');
    const p = (JSON.parse(r.out) as AuditJson).files[0].process;
    expect(p.exe).toBe('/usr/bin/memcached');
    expect(p.namespaces.mnt.own).toBe(false);
    expect(p.version).toEqual({
      version: '1.4.37',
      source: 'binary',
      detail: `the version string in /proc/${pid}/exe's bytes, read without running it; package database not asked: the process is in another mount namespace: its path /usr/bin/memcached names a file in its own file system`,
    });
    const text = await run(['audit', '--pid', String(pid)]);
    expect(text.out).toMatch(/ {2}mount namespace: mnt:\[\d+\], not mchard's/);
    expect(markerText()).toBe('');
  });
});
