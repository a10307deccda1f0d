/** reportWriter writes, file by file, exactly what formatReport makes of the whole run. */
import { formatReport, FORMATS, reportWriter } from '../../src/report/index.js';
import type { FileReport } from '../../src/report/types.js';
import { FILES, finding, input } from './fixtures.js';

function written(format: (typeof FORMATS)[number], files: FileReport[], color = false): { text: string; pieces: number } {
  const pieces: string[] = [];
  const { files: _, ...rest } = input(files, { color });
  const w = reportWriter(format, rest, (t) => pieces.push(t));
  for (const f of files) w.file(f);
  w.end();
  return { text: pieces.join(''), pieces: pieces.length };
}

/** A file with enough findings that the output goes out in several pieces. */
const MANY: FileReport = {
  path: 'many.conf',
  dialect: 'debian',
  findings: Array.from({ length: 5000 }, (_, k) => finding('MC803', k % 3 === 0 ? 'warning' : 'info', `-m ${k} is overridden`, [k + 1, 1, k + 1, 6])),
};

describe('reportWriter', () => {
  it.each(FORMATS)('%s: the same text as formatReport', (format) => {
    for (const files of [FILES, [], [FILES[2]], [...FILES, MANY, FILES[0]]]) {
      for (const color of [false, true]) expect(written(format, files, color).text).toBe(formatReport(format, input(files, { color })));
    }
  });

  it('text goes out in pieces, not as one string', () => {
    expect(written('text', [MANY]).pieces).toBeGreaterThan(2);
  });

  it('github with no findings writes nothing', () => {
    expect(written('github', [FILES[2]])).toEqual({ text: '', pieces: 0 });
  });
});
