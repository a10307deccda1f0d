/**
 * ANSI colour, decided in this order: `--color`/`--color=always` and `--no-color`/`--color=never` (the
 * last on the command line wins; `--color=auto` defers to the rest); NO_COLOR set to anything but the
 * empty string (no-color.org); FORCE_COLOR (on, unless `0` or `false`); TERM=dumb (a terminal that
 * cannot show escapes); otherwise colour exactly when the output is a terminal.
 */
export function useColor(flags: { color?: boolean; noColor?: boolean }, stream: { isTTY?: boolean }, env = process.env): boolean {
  if (flags.noColor) return false;
  if (flags.color) return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

const wrap = (on: boolean, open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);

export function paint(on: boolean) {
  return {
    red: wrap(on, 31, 39),
    green: wrap(on, 32, 39),
    yellow: wrap(on, 33, 39),
    blue: wrap(on, 34, 39),
    cyan: wrap(on, 36, 39),
    bold: wrap(on, 1, 22),
    dim: wrap(on, 2, 22),
  };
}
