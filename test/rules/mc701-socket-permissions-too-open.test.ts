import { lintText, findings, pointedText, fixOf } from '../helpers/lint.js';

const SOCK = '-s /run/memcached/memcached.sock\n';

describe('MC701 socket-permissions-too-open', () => {
  it('is an error for a world-writable mask (-a 0777) and sets 0700', () => {
    const r = lintText(`-u memcache\n${SOCK}-a 0777\n`);
    const f = findings(r, 'MC701');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].line).toBe(3);
    expect(pointedText(r, f[0])).toBe('-a 0777');
    expect(f[0].message).toContain('mode 0777');
    expect(f[0].message).toContain('every local user');
    expect(fixOf(f[0])?.intents).toEqual([expect.objectContaining({ kind: 'set-option', letter: 'a', value: '0700' })]);
  });

  it('reads the mask as octal with or without a leading 0 (-a 666)', () => {
    const f = findings(lintText(`-u memcache\n${SOCK}-a 666\n`), 'MC701');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].message).toContain('mode 0666');
  });

  it('is an error for any world bit, even without write', () => {
    const f = findings(lintText(`-u memcache\n${SOCK}-a 0704\n`), 'MC701');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
  });

  it('is a warning for group write (-a 0770)', () => {
    const f = findings(lintText(`-u memcache\n${SOCK}-a 0770\n`), 'MC701');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].message).toContain('group');
  });

  it('warns that a mask that is not octal becomes mode 000', () => {
    const r = lintText(`-u memcache\n${SOCK}-a rw-rw----\n`);
    const f = findings(r, 'MC701');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('warning');
    expect(f[0].message).toContain('not an octal number');
    expect(f[0].message).toContain('mode 000');
  });

  it('accepts the default (no -a), 0700, 0750, and -a without -s', () => {
    expect(findings(lintText(`-u memcache\n${SOCK}`), 'MC701')).toHaveLength(0);
    expect(findings(lintText(`-u memcache\n${SOCK}-a 0700\n`), 'MC701')).toHaveLength(0);
    expect(findings(lintText(`-u memcache\n${SOCK}-a 0750\n`), 'MC701')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n-a 0777\n'), 'MC701')).toHaveLength(0);
  });
});
