/**
 * memcached (1.4.25 and later) drops a -l value already contained in the addresses before it (a strstr),
 * and mchard follows it: each -l searched everything before it. A 1 MiB file (within the default
 * --max-file-size) of 48,000 `-l 10.x.y.z:port` lines took `mchard lint` 52 s (a pull request's file in CI,
 * a pre-commit hook). Now the search is bounded: beyond MAX_LISTEN_SCAN characters searched the file is
 * refused with one line naming it, exit 2; files with any real number of -l options read as before.
 */
import { run, TempDir } from './helpers.js';

describe('many -l options', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
  });
  afterAll(() => tmp.cleanup());

  it('a 1 MiB file of them is refused in well under a second of work, one line, exit 2', async () => {
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 1_000_000; i++) {
      const l = `-l 10.${Math.floor(i / 62500) % 250}.${Math.floor(i / 250) % 250}.${i % 250}:${1000 + (i % 60000)}\n`;
      lines.push(l);
      size += l.length;
    }
    const file = tmp.write('memcached.conf', lines.join(''));
    const started = Date.now();
    const r = await run(['lint', '--dialect', 'debian', '--format', 'json', file]);
    // Before: 52 s of searching, then findings.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^mchard: ${file}: more -l options than mchard follows: memcached compares each listen address with all those before it, and the first \\d+ name \\d+ characters of addresses \\(a memcached listens on a handful\\)\\n$`));
  }, 60_000);

  it('hundreds of them are read as memcached reads them (a contained value dropped)', async () => {
    const words = Array.from({ length: 300 }, (_, i) => `-l 127.0.${Math.floor(i / 250)}.${i % 250}`);
    // 0.1.2 is contained in 127.0.1.2 before it: dropped, as memcached's strstr drops it.
    const file = tmp.write('many.conf', `-u memcache\n-p 11211\n-U 0\n${words.join('\n')}\n-l 0.1.2\n`);
    const r = await run(['lint', '--dialect', 'debian', '--format', 'json', file]);
    expect(r.err).toBe('');
    const findings = (JSON.parse(r.out) as { files: { findings: { ruleId: string; line: number }[] }[] }).files[0].findings;
    expect(findings.filter((f) => f.ruleId === 'MC105').map((f) => f.line)).toEqual([304]);
  });
});
