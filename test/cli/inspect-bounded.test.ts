/**
 * `mchard inspect` of a hostile file (redteam7): a command line of a megabyte, thousands of templated
 * arguments or conditional lines, thousands of listeners. The text goes to a terminal: each list shows
 * what fits in a line of about 2,000 characters (64 listeners) and says how many it left out; the JSON
 * keeps every item (scripts compare its argument vector with a running process's). Before, the text
 * printed all of it (1,044,494 bytes for the first case).
 */
import { builtTempDir, runBin } from './helpers.js';

const tmp = builtTempDir();

describe('inspect: the text bounds each list, the JSON keeps it whole', () => {
  it('a megabyte of command line', () => {
    tmp.write('a/memcached.conf', '-p 11211\n'.repeat(116_000));
    const r = runBin(['inspect', 'memcached.conf'], { cwd: tmp.join('a') });
    expect(r.out.length).toBeLessThan(4000);
    const command = r.out.split('\n').find((l) => l.startsWith('  command   '))!;
    expect(command.length).toBeLessThan(2100);
    expect(command).toMatch(/^ {2}command {3}memcached -p 11211 -p 11211 .* … \(\d+ more words of 232000; --format json lists them all\)$/);
    const j = runBin(['inspect', '--format', 'json', 'memcached.conf'], { cwd: tmp.join('a') });
    expect(JSON.parse(j.out).argv).toHaveLength(232_000);
  });

  it("a template's templated arguments and conditional lines", () => {
    // -m, not -l: 20,000 -l options are more than mchard follows (test/cli/many-listen.test.ts).
    tmp.write('b/memcached.conf.j2', '{% if x %}\n-c 1\n{% endif %}\n'.repeat(25_000) + '-m {{ a }}\n'.repeat(20_000));
    const r = runBin(['inspect', 'memcached.conf.j2'], { cwd: tmp.join('b') });
    for (const line of r.out.split('\n')) expect(line.length).toBeLessThan(2200);
    expect(r.out).toMatch(/\n {2}templated \{\{ a \}\} \(line 75001\), .* … \(\d+ more arguments of 20000; --format json lists them all\)\n/);
    expect(r.out).toMatch(/\n {2}cond {6}lines 2, 5, .* … \(\d+ more lines of 25000; --format json lists them all\) render only under a template condition\n/);
    const j = JSON.parse(runBin(['inspect', '--format', 'json', 'memcached.conf.j2'], { cwd: tmp.join('b') }).out);
    expect(j.template.templated).toHaveLength(20_000);
    expect(j.template.conditionalLines).toHaveLength(25_000);
  });

  it('3,000 listeners', () => {
    const addresses = Array.from({ length: 3000 }, (_, i) => `127.0.${i >> 8}.${(i & 255) + 1}:${10000 + i}`);
    tmp.write('c/memcached.conf', `-u memcache\n-U 0\n-c 100000\n-l ${addresses.join(',')}\n`);
    const r = runBin(['inspect', 'memcached.conf'], { cwd: tmp.join('c') });
    const listens = r.out.split('\n').filter((l) => /^ {2}listens {3}TCP | {12}TCP /.test(l));
    expect(listens).toHaveLength(64);
    expect(r.out).toContain('\n            … 2936 more listeners (--format json lists them all)\n');
    expect(JSON.parse(runBin(['inspect', '--format', 'json', 'memcached.conf'], { cwd: tmp.join('c') }).out).listeners).toHaveLength(3000);
  });

  it('a short file is shown whole, as before', () => {
    tmp.write('d/memcached.conf', '-u memcache\n-l 127.0.0.1\n-U 0\n-m 64\n');
    const r = runBin(['inspect', 'memcached.conf'], { cwd: tmp.join('d') });
    expect(r.out).toContain('\n  command   memcached -u memcache -l 127.0.0.1 -U 0 -m 64\n');
    expect(r.out).not.toContain('more');
  });
});
