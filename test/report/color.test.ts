import { useColor, paint } from '../../src/report/color.js';

describe('useColor', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it.each([
    ['a terminal', {}, tty, {}, true],
    ['a pipe', {}, pipe, {}, false],
    ['a stream without isTTY', {}, {}, {}, false],
    ['--color on a pipe', { color: true }, pipe, {}, true],
    ['--no-color on a terminal', { noColor: true }, tty, {}, false],
    ['both flags: --no-color wins', { color: true, noColor: true }, tty, {}, false],
    ['NO_COLOR=1 on a terminal', {}, tty, { NO_COLOR: '1' }, false],
    ['NO_COLOR= (empty) is ignored', {}, tty, { NO_COLOR: '' }, true],
    ['--color beats NO_COLOR', { color: true }, pipe, { NO_COLOR: '1' }, true],
    ['FORCE_COLOR=1 on a pipe', {}, pipe, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=3 on a pipe', {}, pipe, { FORCE_COLOR: '3' }, true],
    ['FORCE_COLOR=0 on a terminal', {}, tty, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a terminal', {}, tty, { FORCE_COLOR: 'false' }, false],
    ['FORCE_COLOR= (empty) is ignored', {}, pipe, { FORCE_COLOR: '' }, false],
    ['NO_COLOR beats FORCE_COLOR', {}, pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    ['--no-color beats FORCE_COLOR', { noColor: true }, pipe, { FORCE_COLOR: '1' }, false],
  ] as const)('%s', (_name, flags, stream, env, expected) => {
    expect(useColor(flags, stream, env as NodeJS.ProcessEnv)).toBe(expected);
  });
});

describe('paint', () => {
  it('wraps in SGR codes when on, and is the identity when off', () => {
    expect(paint(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(paint(true).bold('x')).toBe('\x1b[1mx\x1b[22m');
    for (const f of Object.values(paint(false))) expect(f('x')).toBe('x');
  });
});
