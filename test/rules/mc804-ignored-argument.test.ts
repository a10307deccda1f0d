import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC804 ignored-argument', () => {
  it('reports "- l 127.0.0.1" as one finding naming the words', () => {
    const r = lintText('-u memcache\n- l 127.0.0.1\n');
    const f = findings(r, 'MC804');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('- l 127.0.0.1');
    expect(f[0].message).toContain('"- l 127.0.0.1"');
    expect(f[0].message).toContain('"-l 127.0.0.1" is never read');
  });

  it('reports the value given to a flag (-r 10240)', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-r 10240\n');
    const f = findings(r, 'MC804');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(4);
    expect(pointedText(r, f[0])).toBe('10240');
    expect(f[0].message).toContain('-r takes no value');
  });

  it('reports a stray word on a line of its own', () => {
    const r = lintText('-u memcache\n127.0.0.1\n');
    const f = findings(r, 'MC804');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('127.0.0.1');
    expect(f[0].message).toContain('neither an option nor the value of one');
  });

  it('reports "--" and everything after it', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-- -p 11300\n');
    const f = findings(r, 'MC804');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('-- -p 11300');
    expect(f[0].message).toContain('"--"');
  });

  it('explains a word left over after an option swallowed the next option (-p -l 127.0.0.1)', () => {
    const r = lintText('-u memcache\n-p -l 127.0.0.1\n');
    const f = findings(r, 'MC804');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('127.0.0.1');
    expect(f[0].message).toContain('-p took the option "-l" before it as its value');
  });

  it('keeps words of different lines apart', () => {
    const f = findings(lintText('-u memcache\nfoo\nbar\n'), 'MC804');
    expect(f.map((x) => x.line)).toEqual([2, 3]);
  });

  it('reports a final 2>&1 that Perl strips before memcached sees it', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1 2>&1\n');
    const f = findings(r, 'MC804');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('2>&1');
  });

  it('accepts a file where every word is read', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-r\n-vv\n'), 'MC804')).toHaveLength(0);
  });
});
