/**
 * When a file's content says something the program that reads it does not act on, `lint` says so beside
 * the file's findings (text: a `note` line; GitHub: a notice on the file; SARIF: a notification), as `inspect` does: a report
 * never judges such a file silently. Real files from the shared corpus, at the paths their repositories
 * keep them under.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { SHARED } from '../helpers/paths.js';
import { sarifErrors } from '../report/sarif-schema.js';
import { detectDialect, readingNote } from '../../src/dialects/detect.js';

// iainmckenzietech/server's sysconfig/memcached: SASL and option lines (-S, -a, -U 0...) among RHEL's
// variables. systemd reads only the KEY=value lines, so none of those options reach memcached.
const OPTION_LINES = join(SHARED, 'corpus', 'sysconfig', '063-iainmckenzietech-server-memcached');
// saz/puppet-memcached's sysconfig template: variables the packaged unit does not read.
const FOREIGN = join(SHARED, 'corpus', 'sysconfig', '067-saz-puppet-memcached-memcached_sysconfig.erb');
// theodesp/memcached-alpine's memcached.conf: a supervisord program under Debian's file name.
const SUPERVISORD = join(SHARED, 'corpus', 'other', '080-theodesp-memcached-alpine-memcached.conf');
// A Debian file kept where the repository keeps it, read by its content: no note.
const PLAIN = join(SHARED, 'corpus', 'debian', '001-moode-player-moode-memcached.conf');

const dirs: TempDir[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

function tree(): { optionLines: string; foreign: string; plain: string } {
  const d = new TempDir();
  dirs.push(d);
  return {
    optionLines: d.write('sysconfig/memcached', readFileSync(OPTION_LINES)),
    foreign: d.write('templates/sysconfig/memcached.erb', readFileSync(FOREIGN)),
    plain: d.write('moode/memcached.conf', readFileSync(PLAIN)),
  };
}

describe('lint says how it read a file whose content its reader does not act on', () => {
  it('text: one note line before the file\'s findings, with the reader and what decided', async () => {
    const t = tree();
    const r = await run(['lint', t.optionLines, t.plain]);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    const notes = lines.filter((l) => l.includes('  note  '));
    expect(notes).toEqual([
      `${t.optionLines}  note  read by systemd, as the EnvironmentFile= of memcached.service (RHEL, Fedora) (path sysconfig/memcached, installed as /etc/sysconfig/memcached), but it holds option lines, not KEY=value assignments: systemd ignores lines without "="`,
    ]);
    // Before the file's first finding, and the findings are still there (MC903 on each line systemd skips).
    const first = lines.findIndex((l) => l.startsWith(`${t.optionLines}:`));
    expect(first).toBeGreaterThan(lines.indexOf(notes[0]));
    expect(r.out).toContain('MC903');
    // A note is not a finding: the summary counts findings only.
    expect(lines.at(-2)).toMatch(/^\d+ errors?, \d+ warnings?, \d+ infos? in 2 files$/);
  });

  it('the note is the same sentence inspect shows, and -q keeps it', async () => {
    const t = tree();
    const ins = await run(['inspect', t.optionLines]);
    expect(ins.out).toContain('note      it holds option lines, not KEY=value assignments');
    const q = await run(['lint', '-q', t.optionLines]);
    expect(q.out.split('\n').filter((l) => l.includes('  note  '))).toHaveLength(1);
  });

  it('the content decided against the name: the note says what the name alone would have meant', async () => {
    const d = new TempDir();
    dirs.push(d);
    const file = d.write('memcached.conf', readFileSync(SUPERVISORD));
    const r = await run(['lint', file]);
    expect(r.out.split('\n')[0]).toBe(`${file}  note  read by supervisord (content: a [program:memcached] section), but its name memcached.conf alone would suggest Debian's /etc/memcached.conf`);
  });

  it('a template\'s variables the packaged unit does not read', async () => {
    const t = tree();
    const r = await run(['lint', t.foreign]);
    const notes = r.out.split('\n').filter((l) => l.includes('  note  '));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('but it also sets ');
    expect(notes[0]).toContain('which the packaged memcached.service does not read');
  });

  it('github: a notice annotation on the file, titled as how mchard read it', async () => {
    const t = tree();
    const r = await run(['lint', '--format', 'github', t.optionLines]);
    const notices = r.out.split('\n').filter((l) => l.includes('title=how mchard read this file'));
    expect(notices).toHaveLength(1);
    expect(notices[0].startsWith(`::notice file=${t.optionLines.replace(/:/g, '%3A').replace(/,/g, '%2C')},title=how mchard read this file::read by systemd`)).toBe(true);
    expect(r.out).toContain('::warning file=');
  });

  it('SARIF: a notification of level note on the file, not a result; the run still succeeded', async () => {
    const t = tree();
    const r = await run(['lint', '--format', 'sarif', t.optionLines]);
    const log = JSON.parse(r.out);
    expect(sarifErrors(log)).toEqual([]);
    const inv = log.runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(true);
    expect(inv.toolExecutionNotifications).toEqual([
      expect.objectContaining({ level: 'note', descriptor: { id: 'reading-note' }, message: { text: expect.stringContaining('but it holds option lines') } }),
    ]);
  });

  it('JSON already says it in "detection": unchanged, no extra field', async () => {
    const t = tree();
    const r = await run(['lint', '--format', 'json', t.optionLines]);
    const file = JSON.parse(r.out).files[0];
    expect(file.detection).toContain('it holds option lines');
    expect(Object.keys(file)).not.toContain('note');
  });

  it('no note where the content is what the reader expects, decided by content or by path', async () => {
    const t = tree();
    const r = await run(['lint', t.plain]);
    expect(r.out).not.toContain('  note  ');
    const d = detectDialect('/etc/memcached.conf', readFileSync(PLAIN, 'utf8'));
    expect(readingNote(d)).toBeNull();
  });
});
