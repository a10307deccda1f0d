import { rule } from '../../rules/mc001-parse-error.js';
import { decodeConfig, InputError } from '../../src/input.js';
import { lintText, findings } from '../helpers/lint.js';

describe('MC001 parse-error', () => {
  it('documents a file the reader refuses (NUL bytes) and one it accepts', () => {
    const bad = new TextEncoder().encode(rule.docs.example.bad);
    expect(() => decodeConfig('/etc/memcached.conf', bad)).toThrow(InputError);
    expect(() => decodeConfig('/etc/memcached.conf', bad)).toThrow(/binary data \(NUL byte at offset 17\)/);
    expect(() => decodeConfig('/etc/memcached.conf', new TextEncoder().encode(rule.docs.example.good))).not.toThrow();
  });

  it('is refused as invalid UTF-8 too', () => {
    expect(() => decodeConfig('/etc/memcached.conf', Uint8Array.from([0x2d, 0x6d, 0x20, 0xff, 0x0a]))).toThrow(/invalid UTF-8 at byte 3/);
  });

  it('is never reported by lint itself: the command line emits it when reading fails', () => {
    expect(rule.severity).toBe('error');
    expect(rule.fix).toBeNull();
    expect(findings(lintText(rule.docs.example.good), 'MC001')).toHaveLength(0);
    expect(findings(lintText('-u memcache\n-l 127.0.0.1\n'), 'MC001')).toHaveLength(0);
  });
});
