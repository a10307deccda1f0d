/**
 * fix reads the files a memcached configuration names while it restarts the service: the `-P` pid file,
 * the Debian `logfile` it quotes when a start fails (src/service/control.ts). They lie in folders the
 * service's own user may write (/var/run/memcached is memcache's). Read with readFileSync, a FIFO put in
 * their place hung root's fix for good, /dev/zero grew it without end, and a link to a root-only file had
 * its lines quoted as "the service's own error". Only a regular file, not through a link, bounded, is read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildProgram } from '../fix/helpers.js';
import { ROOT } from '../cli/helpers.js';

describe("the real machine's readText", () => {
  let dir = '';
  let driver = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `mchard-readtext-${process.pid}-`));
    driver = await buildProgram(join(ROOT, 'test/service/read-text-driver.ts'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (driver) rmSync(dirname(driver), { recursive: true, force: true });
  });

  const readText = (path: string) => {
    const r = spawnSync(process.execPath, [driver, path], { encoding: 'utf8', timeout: 10_000 });
    return { status: r.status, signal: r.signal, value: r.status === 0 ? JSON.parse(r.stdout) : undefined };
  };

  it('reads a regular file', () => {
    writeFileSync(join(dir, 'memcached.pid'), '1234\n');
    expect(readText(join(dir, 'memcached.pid'))).toEqual({ status: 0, signal: null, value: '1234\n' });
  });

  it('a FIFO in its place: nothing, at once (it hung before)', () => {
    expect(spawnSync('mkfifo', [join(dir, 'fifo.pid')]).status).toBe(0);
    expect(readText(join(dir, 'fifo.pid'))).toEqual({ status: 0, signal: null, value: null });
  });

  it('a device or a link in its place: nothing', () => {
    expect(readText('/dev/zero')).toEqual({ status: 0, signal: null, value: null });
    writeFileSync(join(dir, 'secret'), 'root:$6$hash:19000:0:99999:7:::\n');
    symlinkSync(join(dir, 'secret'), join(dir, 'memcached.log'));
    expect(readText(join(dir, 'memcached.log'))).toEqual({ status: 0, signal: null, value: null });
  });
});
