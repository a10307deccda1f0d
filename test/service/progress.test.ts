/** Progress lines: rewritten in place on a terminal, one plain line per finished step otherwise. */
import { Progress } from '../../src/service/progress.js';

function capture(tty: boolean) {
  let out = '';
  let t = 0;
  const p = new Progress({ write: (s) => void (out += s), tty, color: false, now: () => t });
  return { p, out: () => out, advance: (ms: number) => void (t += ms) };
}

describe('Progress', () => {
  it('without a terminal: nothing while a step runs, then one line with its result and duration', () => {
    const c = capture(false);
    const step = c.p.start('restart memcached');
    expect(c.out()).toBe('');
    c.advance(1250);
    step.ok();
    c.p.start('verify').fail('the service is not running');
    c.p.detail('line one\n\nline two');
    expect(c.out()).toBe('ok: restart memcached (1.3 s)\nfailed: verify: the service is not running (0.0 s)\n    line one\n    line two\n');
  });

  it('on a terminal: shows the step while it runs, then rewrites the line with a mark', () => {
    const c = capture(true);
    const step = c.p.start('restart memcached');
    expect(c.out()).toBe('  … restart memcached');
    c.advance(400);
    step.ok();
    expect(c.out()).toBe('  … restart memcached\r\x1b[2K  ✓ restart memcached (0.4 s)\n');
  });
});
