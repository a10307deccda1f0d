/**
 * GitHub Actions reads workflow commands from every line a step prints, standard output and error alike
 * (actions/runner src/Runner.Common/ActionCommand.cs): `::NAME props::DATA` at the start of a line after
 * leading white space (TryParseV2), and, when that does not parse, `##[NAME props]DATA` anywhere in the
 * line (TryParse). A pull request controls file names and values; whatever mchard prints of them in CI
 * (lint's text under pre-commit, `--format github`, JSON in a log) must never be a command other than
 * the annotations `--format github` writes itself.
 */
import { readFileSync, symlinkSync } from 'node:fs';
import { run, TempDir } from './helpers.js';

/** The commands the runner registers (ActionCommandManager and its extensions). */
const REGISTERED = ['stop-commands', 'add-mask', 'add-path', 'set-env', 'set-output', 'save-state', 'add-matcher', 'remove-matcher', 'warning', 'error', 'notice', 'debug', 'group', 'endgroup', 'echo'];

/** The command the runner would take from one line, as it parses it, or null. */
function runnerCommand(line: string): { name: string; data: string } | null {
  const t = line.replace(/^\s+/, '');
  if (t.startsWith('::')) {
    const end = t.indexOf('::', 2);
    if (end >= 0) {
      const info = t.slice(2, end);
      const name = info.split(' ')[0];
      if (REGISTERED.includes(name.toLowerCase())) return { name, data: t.slice(end + 2) };
    }
  }
  const at = line.indexOf('##[');
  if (at < 0) return null;
  const rb = line.indexOf(']', at);
  if (rb < 0) return null;
  const name = line.slice(at + 3, rb).split(' ')[0];
  return REGISTERED.includes(name.toLowerCase()) ? { name, data: line.slice(rb + 1) } : null;
}

function commandsIn(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map(runnerCommand)
    .filter((c): c is { name: string; data: string } => c !== null)
    .map((c) => c.name);
}

describe('no workflow command from a file name or a value', () => {
  let tmp: TempDir;
  let cwd: string;
  beforeAll(() => {
    tmp = new TempDir();
    cwd = process.cwd();
    // A file name that starts a text report's line, and a link out of the
    // repository (refused: its name is in an error line on standard error).
    tmp.write('::stop-commands::tok', '-l 0.0.0.0\n-p 11211\n');
    tmp.write('memcached.conf', '-l 0.0.0.0\n-u memcache\n');
    symlinkSync('/etc/passwd', tmp.join('memcached##[stop-commands]x.conf'));
    process.chdir(tmp.path);
  });
  afterAll(() => {
    process.chdir(cwd);
    tmp.cleanup();
  });

  const files = ['::stop-commands::tok', 'memcached.conf', 'memcached##[stop-commands]x.conf'];

  it('text: no line is a command', async () => {
    const r = await run(['lint', '--dialect', 'debian', ...files]);
    expect(r.out).toContain('stop-commands::tok:1:1');
    expect(r.err).toContain('stop-commands]x.conf');
    expect(commandsIn(r.out)).toEqual([]);
    expect(commandsIn(r.err)).toEqual([]);
  });

  it('github: only its own annotations, none from a name or a value', async () => {
    const r = await run(['lint', '--format', 'github', '--dialect', 'debian', ...files]);
    const names = commandsIn(r.out + r.err);
    expect(names.length).toBeGreaterThan(5);
    expect(new Set(names)).toEqual(new Set(['error', 'notice']));
    expect(r.err).toContain('stop-commands]x.conf');
    expect(commandsIn(r.err)).toEqual([]);
  });

  it('json: the exact values, and no command in the document', async () => {
    const r = await run(['lint', '--format', 'json', '--dialect', 'debian', ...files]);
    expect(commandsIn(r.out)).toEqual([]);
    expect(commandsIn(r.err)).toEqual([]);
    const doc = JSON.parse(r.out);
    expect(doc.files.map((f: { path: string }) => f.path)).toEqual(files);
    expect(r.out).toContain('memcached##\\u005bstop-commands]x.conf');
  });

  // A report written with --output is shown later (`cat report.txt` in a CI step): it holds what
  // standard output would, so no more commands than it.
  it.each(['text', 'github', 'json'])('--output FILE (%s): no command the report on standard output would not hold', async (fmt) => {
    const out = tmp.join(`report-${fmt}.txt`);
    const r = await run(['lint', '--format', fmt, '--dialect', 'debian', '--output', out, ...files]);
    expect(r.out).toBe('');
    const written = readFileSync(out, 'utf8');
    expect(written).toContain('stop-commands');
    const names = commandsIn(written);
    if (fmt === 'github') {
      expect(names.length).toBeGreaterThan(5);
      expect(new Set(names)).toEqual(new Set(['error', 'notice']));
    } else {
      expect(names).toEqual([]);
    }
    const onStdout = await run(['lint', '--format', fmt, '--dialect', 'debian', ...files]);
    expect(written).toBe(onStdout.out);
  });

  it('inspect: no line is a command', async () => {
    const r = await run(['inspect', '--dialect', 'debian', ...files]);
    expect(commandsIn(r.out)).toEqual([]);
    expect(commandsIn(r.err)).toEqual([]);
  });
});
