import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

describe('MC502 verbose-logging', () => {
  it('reports -vv and offers to remove the second v', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n-vv\n');
    const f = findings(r, 'MC502');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-vv');
    expect(f[0].message).toContain('verbosity 2');
    expect(f[0].message).toContain('client command');
    const intents = fixOf(f[0])!.intents;
    expect(intents).toHaveLength(1);
    expect(intents[0]).toEqual(expect.objectContaining({ kind: 'remove-option' }));
    expect(intents[0].kind === 'remove-option' && intents[0].option.clusterOffset).toBe(2);
  });

  it('counts -v given on separate lines (-v -v is -vv) and points at the second', () => {
    const r = lintText('-u memcache\n-v\n-l 127.0.0.1\n-v\n');
    const f = findings(r, 'MC502');
    expect(f).toHaveLength(1);
    expect(f[0].line).toBe(4);
    expect(pointedText(r, f[0])).toBe('-v');
    expect(f[0].message).toContain('-v given 2 times');
  });

  it('counts --verbose twice, and mentions internal state at level 3', () => {
    const r = lintText('-u memcache\n-l 127.0.0.1\n--verbose\n--verbose\n-v\n');
    const f = findings(r, 'MC502');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('verbosity 3');
    expect(f[0].message).toContain('internal state');
    expect(fixOf(f[0])!.intents).toHaveLength(2);
  });

  it('accepts a single -v, and --verbose=2 (which counts once)', () => {
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-v\n'), 'MC502')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n--verbose=2\n'), 'MC502')).toHaveLength(0);
  });
});
