/**
 * `mchard fix --yes` runs as root and restarts the service with systemctl, service or rc-service (and asks
 * journalctl why a start failed). Found on the inherited PATH, a program of that name in a folder another
 * user can write (a home's bin, a project's node_modules/.bin that npx puts first, a relative entry) ran
 * as root. The service manager's programs come from the system folders, root's alone, and whatever they
 * start gets the system PATH, not the caller's.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execaRunner } from '../../src/service/runner.js';
import { realMachine } from '../../src/service/machine.js';
import { TempDir } from '../cli/helpers.js';

const usable = process.getuid?.() === 0 && existsSync('/usr/bin/journalctl') && existsSync('/usr/bin/env');
if (!usable) console.warn('program-path: skipped (needs root, /usr/bin/journalctl and /usr/bin/env)');

(usable ? describe : describe.skip)('the service programs with a hostile PATH', () => {
  let tmp: TempDir;
  let saved: string | undefined;
  let marker: string;
  beforeAll(() => {
    tmp = new TempDir();
    chmodSync(tmp.path, 0o755);
    const evil = tmp.join('bin');
    mkdirSync(evil);
    // Another user's folder: theirs, and their program.
    chmodSync(evil, 0o777);
    marker = tmp.join('ran-as-root');
    for (const name of ['journalctl', 'systemctl', 'service', 'rc-service']) {
      writeFileSync(tmp.join('bin', name), `#!/bin/sh\ntouch ${marker}\necho fake\n`, { mode: 0o755 });
    }
    saved = process.env.PATH;
    process.env.PATH = `${evil}:${saved ?? '/usr/bin:/bin'}`;
  });
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const c of cleanups) c();
    if (saved === undefined) delete process.env.PATH;
    else process.env.PATH = saved;
    tmp.cleanup();
  });

  it('runs journalctl from /usr/bin, never the one first on PATH', async () => {
    const r = await execaRunner.run('journalctl', ['--version']);
    expect(existsSync(marker)).toBe(false);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^systemd \d+/);
    expect(r.command[0]).toBe('journalctl');
  });

  it('finds the programs in the system folders only', () => {
    const m = realMachine();
    expect(m.which('journalctl')).toBe('/usr/bin/journalctl');
    expect(m.which('rc-service')).toBe(existsSync('/sbin/rc-service') ? '/sbin/rc-service' : null);
  });

  it('gives what it runs the system PATH', async () => {
    const r = await execaRunner.run('/usr/bin/env', []);
    expect(r.stdout.split('\n')).toContain('PATH=/usr/sbin:/usr/bin:/sbin:/bin');
  });

  it('runs a script by its path only when no other user can change it (an init script in a folder of theirs is not run)', async () => {
    const script = tmp.join('bin', 'service');
    const r = await execaRunner.run(script, ['memcached', 'restart']);
    expect(existsSync(marker)).toBe(false);
    expect(r.exitCode).toBeNull();
    expect(r.failure).toMatch(/^not run: .* is writable by every user$/);
  });

  // setfacl -m u:deploy:rwx on root's init script: it reads 0775 root:root (the group bits are the ACL's
  // mask), and that user can rewrite what root runs on the next restart.
  it('runs no script another user may write through its ACL, though its mode reads root:root 0775', async () => {
    // A folder root alone controls, all the way up (the test's temporary folder is under /tmp).
    const dir = mkdtempSync(`/run/mchard-acl-${process.pid}-`);
    chmodSync(dir, 0o755);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const script = `${dir}/memcached`;
    writeFileSync(script, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    chmodSync(script, 0o755);
    execFileSync('setfacl', ['-m', 'u:nobody:rwx', script]);
    expect(statSync(script).mode & 0o777).toBe(0o775);
    // The ACL is real: that user appends to it.
    execFileSync('setpriv', ['--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', 'sh', '-c', `echo '# theirs' >> ${script}`]);
    const r = await execaRunner.run(script, ['restart']);
    expect(existsSync(marker)).toBe(false);
    expect(r.exitCode).toBeNull();
    expect(r.failure).toBe(`not run: ${script} is writable by uid 65534 (its ACL)`);
    // Without the ACL entry, the same script runs.
    execFileSync('setfacl', ['-b', script]);
    chmodSync(script, 0o755);
    const ok = await execaRunner.run(script, ['restart']);
    expect(ok.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});
