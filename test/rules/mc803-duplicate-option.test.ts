import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

describe('MC803 duplicate-option', () => {
  it('reports the overridden occurrence and names the winning value', () => {
    const r = lintText('-u memcache\n-m 64\n-l 127.0.0.1\n-m 1024\n');
    const f = findings(r, 'MC803');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(2);
    expect(pointedText(r, f[0])).toBe('-m 64');
    expect(f[0].message).toContain('overridden by -m 1024 on line 4');
    expect(f[0].message).toContain('memcached uses 1024');
    expect(fixOf(f[0])?.intents).toEqual([expect.objectContaining({ kind: 'remove-option' })]);
  });

  it('treats long and short forms as the same option', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n--port=31401\n-p 31402\n');
    const f = findings(r, 'MC803');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('--port=31401');
    expect(f[0].message).toContain('31402');
  });

  it('reports every overridden occurrence of -u', () => {
    const f = findings(lintText('-u nobody\n-u daemon\n-l 127.0.0.1\n-u memcache\n'), 'MC803');
    expect(f.map((x) => x.line)).toEqual([1, 2]);
  });

  it('does not report -l, -o, -v or flags', () => {
    const text = '-u memcache\n-l 127.0.0.1\n-l ::1\n-o modern\n-o no_lru_crawler\n-v\n-v\n-k\n-k\n';
    expect(findings(lintText(text), 'MC803')).toHaveLength(0);
  });

  it('leaves a value memcached refuses on the spot to MC806 (-t 0 -t 4 exits at -t 0)', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-t 0\n-t 4\n'), 'MC803')).toHaveLength(0);
  });
});
