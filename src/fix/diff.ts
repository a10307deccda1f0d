/**
 * The unified diff `fix` shows before writing, coloured like git's when colour is on. The file's lines
 * and name come from outside: each is shown through `visible` (a line's own CR before its newline is
 * kept: it moves nothing).
 */
import { createTwoFilesPatch } from 'diff';
import { paint } from '../report/color.js';
import { visible } from '../report/visible.js';

export function unifiedDiff(path: string, before: string, after: string, color: boolean): string {
  const name = visible(path);
  const patch = createTwoFilesPatch(name, name, before, after, 'original', 'fixed by mchard', { context: 3 });
  const c = paint(color);
  const lines = patch.split('\n');
  // The leading "Index:" and "====" lines add nothing for one file.
  if (lines[0]?.startsWith('Index:')) lines.shift();
  if (lines[0]?.startsWith('=')) lines.shift();
  const shown = (l: string) => (l.endsWith('\r') ? `${visible(l.slice(0, -1))}\r` : visible(l));
  const out = lines.map((l, i) => {
    // The two header lines hold the name (already shown safely) and a tab before the label.
    if (i < 2 && (l.startsWith('+++') || l.startsWith('---'))) return c.bold(l);
    if (l.startsWith('@@')) return c.cyan(l);
    if (l.startsWith('+')) return c.green(shown(l));
    if (l.startsWith('-')) return c.red(shown(l));
    if (l.startsWith('\\')) return c.dim(l);
    return shown(l);
  });
  return out.join('\n').replace(/\n*$/, '\n');
}
