/**
 * What people type by habit (issue 15 §7): "did you mean" for commands, options, rules, dialects and
 * values; parseArgs's messages in mchard's words (never the undocumented -f); --color[=WHEN], NO_COLOR,
 * FORCE_COLOR, TERM=dumb; the rules' documentation links in text output (and how to turn them off).
 */
import { editDistance, closest, didYouMean } from '../../src/suggest.js';
import { run, TempDir, errorLines, NO_STACK } from './helpers.js';

describe('suggestions', () => {
  it('edit distance counts an adjacent transposition as one edit', () => {
    expect(editDistance('lint', 'lint')).toBe(0);
    expect(editDistance('lnit', 'lint')).toBe(1);
    expect(editDistance('lnt', 'lint')).toBe(1);
    expect(editDistance('linnt', 'lint')).toBe(1);
    expect(editDistance('fix', 'lint')).toBe(3);
    expect(editDistance('abc', 'xyzabc', 2)).toBe(3);
    expect(editDistance('', 'ab')).toBe(2);
  });

  it('suggests the nearest names, case-insensitively, or a unique prefix, or nothing', () => {
    expect(closest('Lnit', ['lint', 'inspect', 'fix'])).toEqual(['lint']);
    expect(closest('--fail', ['--fail-on', '--format'])).toEqual(['--fail-on']);
    expect(closest('zzzzzz', ['lint', 'fix'])).toEqual([]);
    expect(closest('MC10', ['MC101', 'MC102', 'MC103', 'MC104', 'MC110'])).toEqual(['MC101', 'MC102', 'MC103']);
    expect(didYouMean('fxi', ['fix', 'lint'])).toBe(' (did you mean fix?)');
    expect(didYouMean('q', ['lint'])).toBe('');
  });
});

describe('mistyped commands, options, rules and values', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
  });
  afterAll(() => tmp.cleanup());

  it.each([
    [['lnit'], 'mchard: unknown command "lnit" (did you mean lint?)'],
    [['inpsect', 'x'], 'mchard: unknown command "inpsect" (did you mean inspect?)'],
    [['help', 'fxi'], 'mchard: unknown command "fxi" (did you mean fix?)'],
    [['frobnicate'], 'mchard: unknown command "frobnicate" (try mchard --help)'],
    [['--format', 'json', 'lint'], 'mchard: unknown option --format before the command: options follow it (mchard COMMAND [options]; try mchard --help)'],
    [['lint', '--formt', 'json', 'x'], 'mchard: unknown option --formt (did you mean --format?)'],
    [['lint', '--formt=json', 'x'], 'mchard: unknown option --formt (did you mean --format?)'],
    [['lint', '--fail', 'warning', 'x'], 'mchard: unknown option --fail (did you mean --fail-on?)'],
    [['fix', '--dryrun', 'x'], 'mchard: unknown option --dryrun (did you mean --dry-run?)'],
    [['lint', '--zzzzzzzz', 'x'], 'mchard: unknown option --zzzzzzzz'],
    [['lint', '-format', 'json', 'x'], 'mchard: unknown option -format (did you mean --format?)'],
    [['fix', '-yes', 'x'], 'mchard: unknown option -yes (did you mean --yes?)'],
    [['lint', '-x', 'x'], 'mchard: unknown option -x'],
    [['lint', '--format'], 'mchard: --format needs a value'],
    [['lint', '-f'], 'mchard: --format needs a value'],
    [['lint', '--config', '--quiet'], 'mchard: --config needs a value (for a value that starts with "-", write --config=VALUE)'],
    [['fix', '--yes=1', 'x'], 'mchard: --yes takes no value'],
    [['lint', '--format', 'jsn', 'x'], 'mchard: --format must be one of text, json, sarif, github, gitlab (got "jsn"; did you mean json?)'],
    [['lint', '--fail-on', 'eror', 'x'], 'mchard: --fail-on must be one of error, warning, info (got "eror"; did you mean error?)'],
    [['lint', '--dialect', 'debain', 'x'], 'mchard: --dialect must be one of debian, sysconfig, systemd, openrc, rcconf, compose, dockerfile, supervisord, argv, kubernetes, helm (got "debain"; did you mean debian?)'],
    [['lint', '--disable', 'listen-all-interface', 'x'], 'mchard: --disable: unknown rule "listen-all-interface" (did you mean listen-all-interfaces?)'],
    [['lint', '--disable', 'MC1O1', 'x'], 'mchard: --disable: unknown rule "MC1O1" (did you mean MC101 or MC111?)'],
    [['explain', 'runs-as-rot'], 'mchard: unknown rule "runs-as-rot" (did you mean runs-as-root?)'],
    [['explain', 'mc2O1'], 'mchard: unknown rule "mc2O1" (did you mean MC201?)'],
    [['lint', '--color=alway', 'x'], 'mchard: --color must be one of auto, always, never (got "alway"; did you mean always?)'],
    [['lint', '--color=sometimes', 'x'], 'mchard: --color must be one of auto, always, never (got "sometimes")'],
    [['rules', '--format', 'yml'], 'mchard: --format must be one of text, json (got "yml")'],
  ])('%j: %s', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toEqual([message]);
  });

  it('no parseArgs message names an undocumented short option or parseArgs itself, for any command', async () => {
    const commands = ['lint', 'inspect', 'fix', 'audit', 'rules', 'explain', 'lsp'];
    for (const cmd of commands) {
      for (const argv of [[cmd, '--format'], [cmd, '-f'], [cmd, '--nope'], [cmd, '--help=1'], [cmd, '-Z']]) {
        const r = await run(argv);
        expect([argv, r.code]).toEqual([argv, 2]);
        const [line] = errorLines(r.err);
        expect(line).toMatch(/^mchard: (unknown option -{1,2}[\w-]+|--[\w-]+ (needs|takes no) a? ?value)/);
        expect(line).not.toMatch(/'-\w, --|<value>|To specify a positional|Unknown option/);
        expect(r.err).not.toMatch(NO_STACK);
      }
    }
  });

  it('.mchardrc: a mistyped key, section or rule gets the nearest name', async () => {
    const dir = new TempDir();
    try {
      const file = dir.write('memcached.conf', '-u memcache\n-l 127.0.0.1\n');
      const cases: [string, string][] = [
        ['fail_on = warning\n', 'unknown key "fail_on" (did you mean fail-on?)'],
        ['doc-link = false\n', 'unknown key "doc-link" (did you mean doc-links?)'],
        ['[rule]\nMC301 = off\n', 'unknown section [rule] (did you mean rules?)'],
        ['[rules]\ndefault-prot = off\n', 'unknown rule "default-prot" in [rules] (did you mean default-port?)'],
        ['doc-links = maybe\n', 'doc-links: "maybe" is not true or false'],
      ];
      for (const [text, message] of cases) {
        const rc = dir.write('.mchardrc', text);
        const r = await run(['lint', file]);
        expect(r.code).toBe(2);
        expect(errorLines(r.err)).toEqual([`mchard: ${rc}: ${message}`]);
      }
    } finally {
      dir.cleanup();
    }
  });
});

describe('colour: --color[=WHEN], --no-color, NO_COLOR, FORCE_COLOR, TERM=dumb', () => {
  let tmp: TempDir;
  let file: string;
  beforeAll(() => {
    tmp = new TempDir();
    file = tmp.write('memcached.conf', '-u memcache\n-l 0.0.0.0\n');
  });
  afterAll(() => tmp.cleanup());
  const ESC = '\x1b[';

  it.each([
    ['a terminal', [], true, {}, true],
    ['a pipe', [], false, {}, false],
    ['--color on a pipe', ['--color'], false, {}, true],
    ['--color=always on a pipe', ['--color=always'], false, {}, true],
    ['--color=never on a terminal', ['--color=never'], true, {}, false],
    ['--color=auto on a terminal', ['--color=auto'], true, {}, true],
    ['--color=auto on a pipe', ['--color=auto'], false, {}, false],
    ['--color then --color=never: the last wins', ['--color', '--color=never'], false, {}, false],
    ['--no-color then --color=always: the last wins', ['--no-color', '--color=always'], false, {}, true],
    ['--color=always then --color=auto: auto on a pipe', ['--color=always', '--color=auto'], false, {}, false],
    ['NO_COLOR=1 on a terminal', [], true, { NO_COLOR: '1' }, false],
    ['NO_COLOR=false (any non-empty value) on a terminal', [], true, { NO_COLOR: 'false' }, false],
    ['NO_COLOR= (empty) on a terminal', [], true, { NO_COLOR: '' }, true],
    ['--color=always beats NO_COLOR', ['--color=always'], true, { NO_COLOR: '1' }, true],
    ['FORCE_COLOR=1 on a pipe', [], false, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a terminal', [], true, { FORCE_COLOR: '0' }, false],
    ['TERM=dumb on a terminal', [], true, { TERM: 'dumb' }, false],
    ['TERM=xterm on a terminal', [], true, { TERM: 'xterm-256color' }, true],
    ['--color beats TERM=dumb', ['--color'], true, { TERM: 'dumb' }, true],
    ['FORCE_COLOR beats TERM=dumb', [], true, { TERM: 'dumb', FORCE_COLOR: '1' }, true],
  ] as const)('%s', async (_name, flags, tty, env, coloured) => {
    for (const cmd of ['lint', 'inspect']) {
      const r = await run([cmd, ...flags, file], { tty, env });
      expect([cmd, r.out.includes(ESC)]).toEqual([cmd, coloured]);
    }
  });

  it('a file named like an option, after --, is a file', async () => {
    const odd = tmp.write('--color=never', '-u memcache\n');
    const r = await run(['lint', '--dialect', 'debian', '--color', '--', odd]);
    expect(r.out).toContain(ESC);
    expect(r.err).toBe('');
  });
});

describe("the rules' documentation links in text output", () => {
  let tmp: TempDir;
  let file: string;
  beforeAll(() => {
    tmp = new TempDir();
    file = tmp.write('a/memcached.conf', '-u memcache\n-l 0.0.0.0\n-U 0\n-p 11211\n');
  });
  afterAll(() => tmp.cleanup());

  const DOCS = 'https://github.com/mchard/mchard/blob/main/docs/rules';

  it('one line per rule reported, sorted, between the findings and the summary', async () => {
    const r = await run(['lint', file]);
    const lines = r.out.trimEnd().split('\n');
    const at = lines.indexOf('Rule documentation (also: mchard explain ID):');
    expect(at).toBeGreaterThan(0);
    const ids = [...new Set(lines.slice(0, at).map((l) => / {2}(MC\d{3}) {2}/.exec(l)![1]))].sort();
    expect(lines.slice(at + 1, -1)).toEqual(ids.map((id) => `  ${id}  ${DOCS}/${id}.md`));
    expect(lines.at(-1)).toMatch(/^\d+ errors?, \d+ warnings?, \d+ infos? in 1 file$/);
  });

  it('-q links only the rules it shows; a clean file has no block', async () => {
    const q = await run(['lint', '-q', file]);
    expect(q.out).toContain(`  MC101  ${DOCS}/MC101.md`);
    expect(q.out).not.toContain('MC301.md');
    const clean = tmp.write('clean/memcached.conf', '-u memcache\n-l 127.0.0.1\n-U 0\n-p 11300\n-X\n-F\n-W\n');
    const r = await run(['lint', '--disable', 'MC602,MC601', clean]);
    expect(r.out).not.toContain('Rule documentation');
  });

  it('--no-doc-links and doc-links = false in .mchardrc turn them off; other formats never have them', async () => {
    expect((await run(['lint', '--no-doc-links', file])).out).not.toContain('Rule documentation');
    expect((await run(['fix', '--dry-run', '--no-doc-links', file])).out).not.toContain('Rule documentation');
    expect((await run(['fix', '--dry-run', file])).out).toContain(`  MC101  ${DOCS}/MC101.md`);
    const rc = tmp.write('a/.mchardrc', 'doc-links = false\n');
    try {
      expect((await run(['lint', file])).out).not.toContain('Rule documentation');
      expect((await run(['fix', '--dry-run', file])).out).not.toContain('Rule documentation');
      tmp.write('a/.mchardrc', 'doc-links = true\n');
      expect((await run(['lint', file])).out).toContain('Rule documentation');
    } finally {
      tmp.write('a/.mchardrc', '');
      void rc;
    }
    for (const format of ['json', 'sarif', 'github']) expect((await run(['lint', '--format', format, file])).out).not.toContain('Rule documentation');
  });
});
