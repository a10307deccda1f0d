import { lintText, findings, pointedText } from '../helpers/lint.js';
import { parseVersion } from '../../src/memcached/version.js';

describe('MC801 unknown-option', () => {
  it('reports an unknown short option: exit 1', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-x\n');
    const f = findings(r, 'MC801');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-x');
    expect(f[0].message).toContain('-x');
    expect(f[0].message).toContain('exits 1');
    expect(f[0].message).toContain("invalid option -- 'x'");
  });

  it('points at the unknown letter inside a cluster', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-vx\n');
    const f = findings(r, 'MC801');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(3);
    expect(f[0].column).toBe(3);
    expect(pointedText(r, f[0])).toBe('x');
  });

  it('reports an unknown long option with a suggestion', () => {
    const r = lintText('-u memcache\n--listn=127.0.0.1\n');
    const f = findings(r, 'MC801');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('--listn=127.0.0.1');
    expect(f[0].message).toContain('--listn');
    expect(f[0].message).toContain('did you mean --listen?');
    expect(f[0].message).toContain('exits 1');
  });

  it('reports an ambiguous abbreviation (--mem)', () => {
    const f = findings(lintText('-u memcache\n-l 127.0.0.1\n--mem=64\n'), 'MC801');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('ambiguous');
    expect(f[0].message).toContain('--memory-limit');
    expect(f[0].message).toContain('--memory-file');
  });

  it('reports a value given to a long flag (--enable-shutdown=yes)', () => {
    const f = findings(lintText('-u memcache\n-l 127.0.0.1\n--enable-shutdown=yes\n'), 'MC801');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('takes no value');
  });

  it('names the release that added an option the target version lacks', () => {
    const f = findings(lintText('-u memcache\n-l 127.0.0.1\n-W\n', { options: { version: parseVersion('1.5.6')! } }), 'MC801');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('1.5.21');
  });

  it('reports a long option once per word before 1.5.0', () => {
    const r = lintText('-u memcache\n--port=11211\n', { options: { version: parseVersion('1.4.15')! } });
    const f = findings(r, 'MC801');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('--port=11211');
    expect(f[0].message).toContain('no long options');
  });

  it('accepts known options and unambiguous abbreviations', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-vk\n--conn=1024\n'), 'MC801')).toHaveLength(0);
  });
});
