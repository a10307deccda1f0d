/** The baseline module on its own: the file format, counting per file and rule, subjects, stale entries, update and prune. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BaselineError,
  BaselineRun,
  baselineSize,
  fileKey,
  fileState,
  parseBaseline,
  processKey,
  readBaseline,
  serializeBaseline,
  staleLine,
  type Baseline,
} from '../../src/engine/baseline.js';
import type { Finding } from '../../src/engine/types.js';

const f = (ruleId: string, line: number, subject = ''): Finding & { subject: string } => ({
  ruleId,
  slug: 'x',
  severity: 'error',
  message: `${ruleId} at ${line}`,
  line,
  column: 1,
  endLine: line,
  endColumn: 2,
  span: null,
  fix: null,
  subject,
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mchard-baseline-'));
  writeFileSync(join(dir, 'a.conf'), '');
  writeFileSync(join(dir, 'b.conf'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const baseline = (files: Record<string, Record<string, { count: number; subjects?: string[] }>>): Baseline => ({
  path: join(dir, 'mchard-baseline.json'),
  dir,
  files: parseBaseline('b.json', JSON.stringify({ version: 1, files })),
  created: false,
  root: dir,
});

describe('the file format', () => {
  it('is sorted, two-space indented, ends with a newline, and reads back the same', () => {
    const text = serializeBaseline(
      new Map([
        ['z.conf', new Map([['MC301', { count: 1, subjects: ['-p 11211'] }]])],
        ['a.conf', new Map([['MC601', { count: 1, subjects: [] }], ['MC101', { count: 2, subjects: ['-l 0.0.0.0', '-l ::'] }]])],
      ]),
    );
    expect(text).toBe(
      [
        '{',
        '  "version": 1,',
        '  "files": {',
        '    "a.conf": {',
        '      "MC101": {',
        '        "count": 2,',
        '        "subjects": [',
        '          "-l 0.0.0.0",',
        '          "-l ::"',
        '        ]',
        '      },',
        '      "MC601": {',
        '        "count": 1',
        '      }',
        '    },',
        '    "z.conf": {',
        '      "MC301": {',
        '        "count": 1,',
        '        "subjects": [',
        '          "-p 11211"',
        '        ]',
        '      }',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(serializeBaseline(parseBaseline('x', text))).toBe(text);
  });

  it.each([
    ['not json', 'invalid JSON'],
    ['[]', 'the top level must be an object'],
    ['{"version": 2, "files": {}}', 'version 2 is not supported (this mchard reads version 1)'],
    ['{"files": {}}', '"version" must be 1'],
    ['{"version": 1}', '"files" must be an object'],
    ['{"version": 1, "files": {}, "extra": 1}', 'unknown key "extra"'],
    ['{"version": 1, "files": {"a": {"MC1": {"count": 1}}}}', '"a": "MC1" is not a rule ID'],
    ['{"version": 1, "files": {"a": {"MC101": {"count": 0}}}}', '"a" MC101: "count" must be a whole number of at least 1'],
    ['{"version": 1, "files": {"a": {"MC101": {"count": 1.5}}}}', '"a" MC101: "count" must be a whole number of at least 1'],
    ['{"version": 1, "files": {"a": {"MC101": {"count": 1, "subjects": [1]}}}}', '"a" MC101: "subjects" must be a list of strings'],
    ['{"version": 1, "files": {"a": {"MC101": {"count": 1, "subjects": ["x", "y"]}}}}', '"a" MC101: more subjects than "count"'],
    ['{"version": 1, "files": {"a\\u001b[2J": {}}}', 'file key "a\\x1b[2J" is empty or holds control characters'],
  ])('%s is refused in one line naming the problem', (text, problem) => {
    expect(() => parseBaseline('base.json', text)).toThrow(BaselineError);
    try {
      parseBaseline('base.json', text);
    } catch (e) {
      expect((e as Error).message).toContain(`base.json: not a valid mchard baseline: ${problem}`);
      expect((e as Error).message).not.toContain('\n');
      expect((e as Error).message).not.toContain('\x1b');
    }
  });

  it('a missing file is an error unless it is about to be created', () => {
    const p = join(dir, 'none.json');
    expect(() => readBaseline(p)).toThrow(`${p}: cannot read the baseline: no such file (create it with --update-baseline)`);
    expect(readBaseline(p, true)).toMatchObject({ created: true, files: new Map() });
  });

  it('keys files relative to the baseline\'s folder with forward slashes, processes by unit, file or command', () => {
    const b = { dir: '/repo' };
    expect(fileKey(b, '/repo/etc/memcached.conf')).toBe('etc/memcached.conf');
    expect(fileKey(b, '/elsewhere/m.conf')).toBe('../elsewhere/m.conf');
    expect(fileKey(b, '-')).toBeNull();
    expect(processKey({ unit: 'memcached.service', matchedFile: '/etc/memcached.conf', command: 'x' })).toBe('process:memcached.service');
    expect(processKey({ unit: null, matchedFile: '/etc/memcached.conf', command: 'x' })).toBe('process:/etc/memcached.conf');
    expect(processKey({ unit: null, matchedFile: null, command: '/usr/bin/memcached  -p 1' })).toBe('process:/usr/bin/memcached -p 1');
  });
});

describe('applying it', () => {
  it('hides as many findings of a rule in a file as recorded, wherever they are', () => {
    const run = new BaselineRun(baseline({ 'a.conf': { MC101: { count: 1, subjects: ['-l 0.0.0.0'] }, MC301: { count: 1 } } }));
    const kept = run.filter('a.conf', [f('MC101', 40, '-l 0.0.0.0'), f('MC301', 2), f('MC502', 3, '-v -v')]);
    expect(kept.map((x) => x.ruleId)).toEqual(['MC502']);
    expect(run.outcome()).toEqual({ path: join(dir, 'mchard-baseline.json'), suppressed: 2, stale: [], unchecked: 0, root: dir, written: null });
  });

  it('a second finding of the rule beyond the count is new: the one whose subject was not recorded', () => {
    const run = new BaselineRun(baseline({ 'a.conf': { MC101: { count: 1, subjects: ['-l 0.0.0.0'] } } }));
    // The new one comes first in the file: the recorded subject decides, not the order.
    const kept = run.filter('a.conf', [f('MC101', 1, '-l ::'), f('MC101', 9, '-l 0.0.0.0')]);
    expect(kept.map((x) => x.subject)).toEqual(['-l ::']);
  });

  it('findings without a recorded subject are matched in file order', () => {
    const run = new BaselineRun(baseline({ 'a.conf': { MC803: { count: 1 } } }));
    expect(run.filter('a.conf', [f('MC803', 1), f('MC803', 5)]).map((x) => x.line)).toEqual([5]);
  });

  it('another file, another rule, standard input and MC001 are never hidden', () => {
    const run = new BaselineRun(baseline({ 'a.conf': { MC101: { count: 5 }, MC001: { count: 1 } } }));
    expect(run.filter('b.conf', [f('MC101', 1)])).toHaveLength(1);
    expect(run.filter('a.conf', [f('MC102', 1), f('MC001', 1)])).toHaveLength(2);
    expect(run.filter(null, [f('MC101', 1)])).toHaveLength(1);
  });

  it('reports entries that no longer occur, wholly or partly, and those of files that are gone', () => {
    const run = new BaselineRun(
      baseline({
        'a.conf': { MC101: { count: 2 }, MC301: { count: 1 } },
        'b.conf': { MC502: { count: 1 } },
        'gone.conf': { MC110: { count: 3 } },
        'process:memcached.service': { MC951: { count: 1 } },
      }),
    );
    run.filter('a.conf', [f('MC101', 1)]);
    // b.conf exists but was not linted in this run: its entry is not judged.
    expect(run.stale()).toEqual([
      { file: 'a.conf', ruleId: 'MC101', recorded: 2, found: 1, reason: 'fixed' },
      { file: 'a.conf', ruleId: 'MC301', recorded: 1, found: 0, reason: 'fixed' },
      { file: 'gone.conf', ruleId: 'MC110', recorded: 3, found: 0, reason: 'missing' },
    ]);
    expect(run.stale().map((s) => staleLine('b.json', s))).toEqual([
      'b.json: stale entry a.conf MC101: 1 of 2 recorded no longer occur; remove it with --prune-baseline',
      'b.json: stale entry a.conf MC301: no longer occurs (1 recorded); remove it with --prune-baseline',
      'b.json: stale entry gone.conf MC110: the file no longer exists (3 recorded); remove it with --prune-baseline',
    ]);
  });

  it('prune lowers counts and removes what no longer occurs, never adds; update records the current findings', () => {
    const b = baseline({ 'a.conf': { MC101: { count: 2, subjects: ['-l 0.0.0.0', '-l ::'] }, MC301: { count: 1 } }, 'gone.conf': { MC110: { count: 1 } }, 'b.conf': { MC502: { count: 1 } } });
    const prune = new BaselineRun(b);
    prune.filter('a.conf', [f('MC101', 1, '-l ::'), f('MC102', 2, '-l 8.8.8.8')]);
    expect(serializeBaseline(prune.next('prune'))).toBe(serializeBaseline(new Map([
      ['a.conf', new Map([['MC101', { count: 1, subjects: ['-l ::'] }]])],
      ['b.conf', new Map([['MC502', { count: 1, subjects: [] }]])],
    ])));
    const update = new BaselineRun(b, true);
    const kept = update.filter('a.conf', [f('MC101', 1, '-l ::'), f('MC102', 2, '-l 8.8.8.8'), f('MC001', 1)]);
    // While updating, only what is never recorded is reported.
    expect(kept.map((x) => x.ruleId)).toEqual(['MC001']);
    const next = update.next('update');
    expect(serializeBaseline(next)).toBe(serializeBaseline(new Map([
      ['a.conf', new Map([['MC101', { count: 1, subjects: ['-l ::'] }], ['MC102', { count: 1, subjects: ['-l 8.8.8.8'] }]])],
      ['b.conf', new Map([['MC502', { count: 1, subjects: [] }]])],
    ])));
    expect(baselineSize(next)).toEqual({ entries: 3, findings: 3 });
  });
});

describe('fileState: whether a file of an entry not seen in a run still exists', () => {
  it('inside the root: present or missing, through links that stay inside too; anything that leaves it: unchecked, whether or not the file is there', () => {
    const root = mkdtempSync(join(tmpdir(), 'mchard-fs-'));
    try {
      const repo = join(root, 'repo');
      mkdirSync(join(repo, 'etc'), { recursive: true });
      writeFileSync(join(repo, 'etc', 'm.conf'), '');
      writeFileSync(join(root, 'secret'), '');
      symlinkSync('etc', join(repo, 'inner'));
      symlinkSync(root, join(repo, 'out'));
      symlinkSync(join(root, 'nowhere'), join(repo, 'dangling'));
      const at = (p: string) => fileState(join(repo, p), repo);
      expect([at('etc/m.conf'), at('inner/m.conf'), at('etc/gone.conf'), at('nodir/gone.conf'), at('inner/gone.conf')]).toEqual(['present', 'present', 'missing', 'missing', 'missing']);
      // Out of the root: by name, by a link, or a link leading nowhere; the same answer for a file that is there and one that is not.
      expect([at('../secret'), at('../absent'), at('out/secret'), at('out/absent'), at('out/no/absent'), at('dangling'), at('dangling/x')]).toEqual(Array(7).fill('unchecked'));
      expect(fileState('/etc/passwd', repo)).toBe('unchecked');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
