import { spawn } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { effectiveUid, findMemcachedProcesses, isMemcached, parseCmdline, passwdNames, readProcess, startTime } from '../../src/audit/processes.js';
import { TempDir } from '../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, stopAll } from './memcached.js';

describe('reading /proc', () => {
  it('splits cmdline on NUL, keeping empty arguments', () => {
    expect(parseCmdline(['/usr/bin/memcached', '-l', '127.0.0.1', '', ''].join('\u0000'))).toEqual(['/usr/bin/memcached', '-l', '127.0.0.1', '']);
    expect(parseCmdline('')).toEqual([]);
  });

  it('takes the effective UID from status', () => {
    expect(effectiveUid('Name:\tmemcached\nUid:\t0\t65534\t65534\t65534\n')).toBe(65534);
    expect(effectiveUid('Name: x\n')).toBeNull();
  });

  it('computes the start time from stat and the boot time, with a command name holding ") "', () => {
    // Fields after the name: state(3) ... starttime is field 22, the 20th after the name.
    const after = Array.from({ length: 30 }, (_, i) => String(i + 3));
    after[19] = '250'; // 2.5 s after boot at USER_HZ 100
    expect(startTime(`77 (odd) name) ${after.join(' ')}`, 'cpu 1 2\nbtime 1700000000\n')).toBe(1700000000 * 1000 + 2500);
  });

  it('knows memcached by its binary, else by argv[0]', () => {
    expect(isMemcached('/usr/bin/memcached', 'memcached: custom title')).toBe(true);
    expect(isMemcached('/usr/bin/memcached (deleted)', '/usr/bin/memcached')).toBe(true);
    expect(isMemcached('/usr/bin/bash', '/etc/init.d/memcached')).toBe(false);
    expect(isMemcached('/usr/bin/memcached_exporter', 'memcached_exporter')).toBe(false);
    expect(isMemcached(null, '/usr/local/bin/memcached')).toBe(true);
    expect(isMemcached(null, '/usr/share/memcached/scripts/systemd-memcached-wrapper')).toBe(false);
  });

  it('names users from a passwd file', () => {
    const tmp = new TempDir();
    const names = passwdNames(tmp.write('passwd', 'root:x:0:0::/root:/bin/sh\nmemcache:x:104:110::/nonexistent:/usr/sbin/nologin\n'));
    expect(names.get(104)).toBe('memcache');
    expect(names.get(0)).toBe('root');
    tmp.cleanup();
  });
});

(haveMemcached ? describe : describe.skip)('finding real processes', () => {
  afterAll(() => stopAll());

  it('finds a running memcached with its words, user and start time, and skips other processes', async () => {
    const [port] = freePorts(1, 55000, 59999);
    const before = Date.now();
    const m = await startMemcached(['-u', 'nobody', '-l', '127.0.0.1', '-p', String(port), '-U', '0'], 1);
    const p = readProcess(m.pid)!;
    expect(p).toMatchObject({ pid: m.pid, argv0: '/usr/bin/memcached', words: ['-u', 'nobody', '-l', '127.0.0.1', '-p', String(port), '-U', '0'], user: 'nobody', exe: '/usr/bin/memcached' });
    expect(p.uid).toBe(Number(/^Uid:\s+\d+\s+(\d+)/m.exec(readFileSync(`/proc/${m.pid}/status`, 'utf8'))![1]));
    // Start times are in clock ticks: allow their resolution and the spawn delay.
    expect(p.startedAt!).toBeGreaterThanOrEqual(before - 1000);
    expect(p.startedAt!).toBeLessThanOrEqual(Date.now() + 1000);

    // A script named memcached (an init script) has "memcached" as its comm, but runs the shell.
    const tmp = new TempDir();
    const script = tmp.write('memcached', '#!/bin/sh\nsleep 30\n');
    chmodSync(script, 0o755);
    const sleeper = spawn(script, [], { stdio: 'ignore', detached: true });
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(readFileSync(`/proc/${sleeper.pid}/comm`, 'utf8').trim()).toBe('memcached');
      expect(readProcess(sleeper.pid!)).toBeNull();
      expect(findMemcachedProcesses('/proc', [sleeper.pid!, m.pid]).map((x) => x.pid)).toEqual([m.pid]);
      expect(findMemcachedProcesses().map((x) => x.pid)).toContain(m.pid);
    } finally {
      process.kill(-sleeper.pid!); // the script and its sleep: the group this test created
      tmp.cleanup();
    }
  });
});
