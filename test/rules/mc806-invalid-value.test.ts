import { lintText, findings, pointedText } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';

const BASE = '-u memcache\n-l 127.0.0.1\n';

describe('MC806 invalid-value', () => {
  it('reports -t 0: exit 1', () => {
    const r = lintText(`${BASE}-t 0\n`);
    const f = findings(r, 'MC806');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-t 0');
    expect(f[0].message).toContain('exits 1');
    expect(f[0].message).toContain('Number of threads must be greater than 0');
  });

  it('says how atoi reads a non-number (-t abc)', () => {
    const f = findings(lintText(`${BASE}-t abc\n`), 'MC806');
    expect(f[0].message).toContain('reads it as 0');
  });

  it('reports -B with an unknown protocol: exit 64', () => {
    const f = findings(lintText(`${BASE}-B text\n`), 'MC806');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('-B text');
    expect(f[0].message).toContain('exits 64');
  });

  it('reports -f 1, -R 0, -n 0 and an empty -D, each: exit 1', () => {
    const r = lintText(`${BASE}-f 1.0\n-R 0\n-n 0\n-D ""\n`);
    const f = findings(r, 'MC806');
    expect(f.map((x) => x.line)).toEqual([3, 4, 5, 6]);
    expect(f.every((x) => x.message.includes('exits 1'))).toBe(true);
    expect(f[3].message).toContain('No delimiter specified');
  });

  it('reports each unknown or invalid -o sub-option at the sub-option', () => {
    const r = lintText(`${BASE}-o modern,bogus,hash_algorithm=md5\n`);
    const f = findings(r, 'MC806');
    expect(f.map((x) => pointedText(r, x))).toEqual(['bogus', 'hash_algorithm=md5']);
    expect(f[0].message).toContain('Illegal suboption');
    expect(f[0].message).toContain('exits 1');
  });

  it('names the release for a sub-option the target version lacks', () => {
    const f = findings(lintText(`${BASE}-o ssl_min_version=2\n`, { options: { version: parseVersion('1.6.9')! } }), 'MC806');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('not in memcached 1.6.9');
  });

  it('reports -I below 1024 bytes, explaining that g is not a unit: exit 64', () => {
    const r = lintText(`${BASE}-I 2g\n`);
    const f = findings(r, 'MC806');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('-I 2g');
    expect(f[0].message).toContain('2 bytes');
    expect(f[0].message).toContain('exits 64');
  });

  it('reports -N above -t from the start-up checks: exit 64', () => {
    const r = lintText(`${BASE}-t 4\n-N 8\n`);
    const f = findings(r, 'MC806');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('-N 8');
    expect(f[0].message).toContain('exits 64');
  });

  it('reports a malformed -l entry (unclosed [v6): exit 71', () => {
    const r = lintText('-u memcache\n-l [::1\n');
    const f = findings(r, 'MC806');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('exits 71');
  });

  it('reports -V, which prints the version and exits 0', () => {
    const f = findings(lintText(`${BASE}-vV\n`), 'MC806');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('exit 0');
  });

  it('leaves ports, -c, -m and combinations to their own rules', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-p 70000\n'), 'MC806')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-c 0\n'), 'MC806')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-m 1\n'), 'MC806')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-S\n-B ascii\n'), 'MC806')).toHaveLength(0);
  });

  it('accepts valid values', () => {
    expect(findings(lintText(`${BASE}-t 8\n-B binary\n-I 2m\n-f 1.5\n-o modern,hash_algorithm=murmur3\n`), 'MC806')).toHaveLength(0);
  });
});
