/**
 * `mchard fix --hook` keeps each file's bytes from before it runs, to tell pre-commit whether it changed
 * one (src/cli/targets.ts contentsOf). Read with readFileSync before any check of the file, a named pipe
 * at memcached's own path hung the run for good (its SIGTERM handler never ran: only SIGKILL ended it),
 * and a repository's link to /dev/zero grew it past 4 GB. Only regular files are read now.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { BIN, ensureBuilt, TempDir } from './helpers.js';

describe('fix --hook on a named pipe or a link to a device', () => {
  let tmp: TempDir;
  beforeAll(() => {
    ensureBuilt();
    tmp = new TempDir();
    mkdirSync(tmp.join('etc'));
    expect(spawnSync('mkfifo', [tmp.join('etc', 'memcached.conf')]).status).toBe(0);
    symlinkSync('/dev/zero', tmp.join('etc', 'memcached_z.conf'));
  });
  afterAll(() => tmp.cleanup());

  it.each(['etc/memcached.conf', 'etc/memcached_z.conf'])('%s: one error line, exit 2, at once', (file) => {
    const r = spawnSync(process.execPath, [BIN, 'fix', '--hook', '--yes', '--no-restart', '--no-backup', '--', file], {
      cwd: tmp.path,
      encoding: 'utf8',
      timeout: 20_000,
      // A run blocked in a read never handles SIGTERM.
      killSignal: 'SIGKILL',
      env: { PATH: '/usr/bin:/bin', NO_COLOR: '1' },
    });
    expect({ signal: r.signal, code: r.status }).toEqual({ signal: null, code: 2 });
    expect(r.stderr).toMatch(new RegExp(`^mchard: ${file.replace('.', '\\.')}: `, 'm'));
  });
});
