/**
 * A service starts memcached as root, which switches to the file's user (`-u`). Any user can run memcached
 * with a configuration file's very words (memcached ignores -u when it is not root, and runs as them):
 * audit said "file: /etc/memcached.conf (matched by the same argument vector)" and "MC950 restart needed:
 * ... the file runs memcached as memcache, the process runs as nobody", which no restart of the service
 * changes. Equal words do not make such a process the file's; it is matched, if at all, the hedged ways.
 *
 * Real: memcached started by nobody with the words of a file (--dialect argv: the words are the file's).
 */
import { run, TempDir } from '../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, startMemcachedAs, stopAll } from '../audit/memcached.js';

const describeReal = haveMemcached ? describe : describe.skip;
if (!haveMemcached) console.warn('audit-argv-other-user: skipped (needs root and /usr/bin/memcached)');

interface Audited {
  files: { process: { file: { path: string; method: string } | null }; findings: { ruleId: string; message: string }[] }[];
}

describeReal("a process of another user with a file's words", () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir('mchard-argv-user-');
  });
  afterAll(async () => {
    await stopAll();
    tmp.cleanup();
  });

  const audit = async (pid: number, file: string) => {
    const r = await run(['audit', '--no-firewall', '--format', 'json', '--dialect', 'argv', '--pid', String(pid), file]);
    return (JSON.parse(r.out) as Audited).files[0];
  };

  it('is not matched by its argument vector', async () => {
    const [port] = freePorts(1, 59000, 59499);
    const words = ['-u', 'nobody', '-m', '64', '-p', String(port), '-l', '127.0.0.1', '-U', '0'];
    const file = tmp.write('memcached.args', `${words.join(' ')}\n`);
    // Started by daemon (uid 1): it runs as daemon, not as nobody, whatever -u says.
    const m = await startMemcachedAs(1, words, 1);
    const a = await audit(m.pid, file);
    // Before: {"method": "argv"} and "MC950 restart needed: ... the process runs as daemon".
    expect(a.process.file?.method).not.toBe('argv');
    expect(a.findings.find((f) => f.ruleId === 'MC950')?.message ?? '').not.toMatch(/^restart needed: /);
  });

  it('root-started, it still is', async () => {
    const [port] = freePorts(1, 59500, 59999);
    const words = ['-u', 'nobody', '-m', '64', '-p', String(port), '-l', '127.0.0.1', '-U', '0'];
    const file = tmp.write('memcached-root.args', `${words.join(' ')}\n`);
    const m = await startMemcached(words, 1);
    const a = await audit(m.pid, file);
    expect(a.process.file).toMatchObject({ path: file, method: 'argv' });
    expect(a.findings.filter((f) => f.ruleId === 'MC950')).toEqual([]);
  });
});
