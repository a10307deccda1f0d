/**
 * File names that are not valid UTF-8 (any byte string is a Linux file name; a repository may hold one).
 * Node.js reads such a name, from the command line or a folder, with U+FFFD in place of its bytes, and no
 * file has that name. Before, mchard said "no such file" of a file that is there, and a folder walk passed
 * such a configuration file over in silence (exit 0, "no memcached configuration found"). Now both say why.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { BIN, ensureBuilt, TempDir } from './helpers.js';

let tmp: TempDir;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-non-utf8-');
  // etc/memcached_\xff.conf, and a folder inv\xff\xfe with an etc/memcached.conf.
  mkdirSync(Buffer.from(`${tmp.path}/a/etc`), { recursive: true });
  writeFileSync(Buffer.concat([Buffer.from(`${tmp.path}/a/etc/memcached_`), Buffer.from([0xff]), Buffer.from('.conf')]), '-l 0.0.0.0\n-u memcache\n');
  const inv = Buffer.concat([Buffer.from(`${tmp.path}/b/inv`), Buffer.from([0xff, 0xfe])]);
  mkdirSync(Buffer.concat([inv, Buffer.from('/etc')]), { recursive: true });
  writeFileSync(Buffer.concat([inv, Buffer.from('/etc/memcached.conf')]), '-l 0.0.0.0\n-u memcache\n');
}, 180_000);
afterAll(() => tmp?.cleanup());

/** mchard with arguments given to the shell (printf writes the bytes that are not UTF-8). */
function sh(args: string): { code: number; out: string; err: string } {
  const r = spawnSync('sh', ['-c', `exec "$0" "$1" ${args}`, process.execPath, BIN], { cwd: tmp.path, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const WHY = 'no such file by this name: its name is not UTF-8 (U+FFFD shows its bytes): mchard opens only UTF-8 names; rename it';

describe('names that are not valid UTF-8', () => {
  it.each([['lint'], ['lint --hook --'], ['inspect'], ['fix -n --no-host-checks']])('%s FILE: one line says why the file is not opened, exit 2', (cmd) => {
    const r = sh(`${cmd} "$(printf 'b/inv\\377\\376/etc/memcached.conf')"`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^mchard: b/inv\ufffd\ufffd/etc/memcached.conf: ${WHY.replace(/[()+.]/g, "\\$&")}(; not fixed)?$`, "m"));
    expect(r.err + r.out).not.toMatch(/no such file(?! by this name)/);
  });

  it('a folder walk says, without -v, that it did not look at such names; -v names them', () => {
    const r = sh('lint a b');
    expect(r.err).toContain('mchard: a: not looked at: 1 name(s) under it not UTF-8, which mchard cannot open (-v lists them)\n');
    expect(r.err).toContain('mchard: b: not looked at: 1 name(s) under it not UTF-8, which mchard cannot open (-v lists them)\n');
    const v = sh('lint -v a b');
    expect(v.err).toContain(`mchard: passed over a/etc/memcached_\ufffd.conf: its name is not UTF-8 (U+FFFD shows its bytes): mchard opens only UTF-8 names; rename it\n`);
    expect(v.err).toContain(`mchard: passed over b/inv\ufffd\ufffd: its name is not UTF-8`);
  });
});
