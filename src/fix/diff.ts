/** The unified diff `fix` shows before writing, coloured like git's when colour is on. */
import { createTwoFilesPatch } from 'diff';
import { paint } from '../report/color.js';

export function unifiedDiff(path: string, before: string, after: string, color: boolean): string {
  const patch = createTwoFilesPatch(path, path, before, after, 'original', 'fixed by mchard', { context: 3 });
  const c = paint(color);
  const lines = patch.split('\n');
  // The leading "Index:" and "====" lines add nothing for one file.
  if (lines[0]?.startsWith('Index:')) lines.shift();
  if (lines[0]?.startsWith('=')) lines.shift();
  const out = lines.map((l) => {
    if (l.startsWith('+++') || l.startsWith('---')) return c.bold(l);
    if (l.startsWith('@@')) return c.cyan(l);
    if (l.startsWith('+')) return c.green(l);
    if (l.startsWith('-')) return c.red(l);
    if (l.startsWith('\\')) return c.dim(l);
    return l;
  });
  return out.join('\n').replace(/\n*$/, '\n');
}
