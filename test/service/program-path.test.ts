/**
 * `mchard fix --yes` runs as root and restarts the service with systemctl, service or rc-service (and asks
 * journalctl why a start failed). Found on the inherited PATH, a program of that name in a folder another
 * user can write (a home's bin, a project's node_modules/.bin that npx puts first, a relative entry) ran
 * as root. The service manager's programs come from the system folders, root's alone, and whatever they
 * start gets the system PATH, not the caller's.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
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
  afterAll(() => {
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
});
