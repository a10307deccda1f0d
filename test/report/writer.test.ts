/** reportWriter writes, file by file, exactly what formatReport makes of the whole run. */
import { formatReport, FORMATS, reportWriter } from '../../src/report/index.js';
import type { FileReport } from '../../src/report/types.js';
import { FILES, finding, input } from './fixtures.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectDialect } from '../../src/dialects/detect.js';
import { SHARED } from '../helpers/paths.js';

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

/**
 * A file with a note (its content holds option lines systemd ignores): iainmckenzietech/server's
 * sysconfig/memcached, detected as lint detects it.
 */
const NOTED: FileReport = {
  path: 'sysconfig/memcached',
  dialect: 'sysconfig',
  findings: [finding('MC903', 'warning', 'this line has no "=", so systemd ignores it', [15, 1, 15, 3])],
  detection: detectDialect('sysconfig/memcached', readFileSync(join(SHARED, 'corpus', 'sysconfig', '063-iainmckenzietech-server-memcached'), 'utf8')),
};

describe('reportWriter', () => {
  it.each(FORMATS)('%s: the same text as formatReport', (format) => {
    for (const files of [FILES, [], [FILES[2]], [...FILES, MANY, FILES[0]], [NOTED, FILES[1], { ...NOTED, findings: [] }]]) {
      for (const color of [false, true]) expect(written(format, files, color).text).toBe(formatReport(format, input(files, { color })));
    }
  });

  it('text goes out in pieces, not as one string', () => {
    expect(written('text', [MANY]).pieces).toBeGreaterThan(2);
  });

  it('a file\'s note goes before its findings, in text and GitHub output', () => {
    const text = written('text', [NOTED]).text.split('\n');
    expect(text[0]).toMatch(/^sysconfig\/memcached  note  read by systemd, .*, but it holds option lines/);
    expect(text[1]).toMatch(/^sysconfig\/memcached:15:1  warning  MC903 /);
    const gh = written('github', [NOTED]).text.split('\n');
    expect(gh[0]).toMatch(/^::notice file=sysconfig\/memcached,title=how mchard read this file::read by systemd, /);
    expect(gh[1]).toMatch(/^::warning file=sysconfig\/memcached,line=15,/);
  });

  it('github with no findings writes nothing', () => {
    expect(written('github', [FILES[2]])).toEqual({ text: '', pieces: 0 });
  });
});
