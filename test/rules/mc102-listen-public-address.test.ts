import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

describe('MC102 listen-public-address', () => {
  it('reports a public IPv4 address at the -l value', () => {
    const r = lintText('-u memcache\n-m 64\n-l 93.184.216.34\n');
    const f = findings(r, 'MC102');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(4);
    expect(pointedText(r, f[0])).toBe('93.184.216.34');
    expect(f[0].message).toContain('public address 93.184.216.34');
  });

  it('points at the public entry inside a list and ignores the loopback one', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1,93.184.216.34:11300\n');
    const f = findings(r, 'MC102');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('93.184.216.34:11300');
  });

  it('reports a public IPv6 address in brackets, written attached to -l', () => {
    const r = lintText('-u memcache\n-l[2a00:1450:4001::1]:11211\n');
    const f = findings(r, 'MC102');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('[2a00:1450:4001::1]:11211');
  });

  it('reports each -l option that carries a public address', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-l 93.184.216.34\n--listen=8.8.4.4\n');
    const f = findings(r, 'MC102');
    expect(f.map((x) => x.line)).toEqual([3, 4]);
    expect(pointedText(r, f[1])).toBe('8.8.4.4');
  });

  it('accepts loopback, private and unix-socket configurations', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1,::1\n'), 'MC102')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 10.0.0.11\n'), 'MC102')).toHaveLength(0);
    // -s turns every network listener off.
    expect(findings(lintText('-u memcache\n-s /run/memcached/memcached.sock\n-l 93.184.216.34\n'), 'MC102')).toHaveLength(0);
  });

  it('offers the loopback fix', () => {
    const f = findings(lintText('-u memcache\n-l 93.184.216.34\n'), 'MC102')[0];
    expect(fixOf(f)?.safety).toBe('safe');
    expect(fixOf(f)?.intents).toEqual([expect.objectContaining({ kind: 'set-option', letter: 'l', value: '127.0.0.1' })]);
  });
});
