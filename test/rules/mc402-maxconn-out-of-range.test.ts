import { lintText, findings, pointedText } from '../helpers/lint.js';

describe('MC402 maxconn-out-of-range', () => {
  it('reports -c 20 (below 64)', () => {
    const r = lintText('-u memcache\n-m 64\n-c 20\n-l 127.0.0.1\n');
    const f = findings(r, 'MC402');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('20');
    expect(f[0].message).toContain('-c 20 is below 64');
  });

  it('reports -c 200000 (above 65536) with exit 71', () => {
    const f = findings(lintText('-u memcache\n-c 200000\n'), 'MC402');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('above 65536');
    expect(f[0].message).toContain('exits 71');
  });

  it('reports -c 1k, which atoi reads as 1', () => {
    const f = findings(lintText('-u memcache\n-c 1k\n'), 'MC402');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('below 64');
  });

  it('uses the configured thresholds', () => {
    const opts = { options: { maxconnLow: 10, maxconnHigh: 500000 } };
    expect(findings(lintText('-u memcache\n-c 20\n', opts), 'MC402')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-c 200000\n', opts), 'MC402')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-c 600000\n', opts), 'MC402')).toHaveLength(1);
  });

  it('accepts the default range, no -c, and leaves -c 0 to MC401', () => {
    expect(findings(lintText('-u memcache\n-c 1024\n'), 'MC402')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-c 64\n'), 'MC402')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-c 65536\n'), 'MC402')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n'), 'MC402')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-c 0\n'), 'MC402')).toHaveLength(0);
  });
});
