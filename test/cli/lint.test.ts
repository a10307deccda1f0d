/**
 * `mchard lint` in-process, with a fixed test catalogue (test-rules.ts) instead of the real rules, so the
 * output can be checked exactly: formats, exit statuses, --fail-on, --disable, --quiet, colour, flags that
 * reach the rules, unreadable files.
 */
import { jest } from '@jest/globals';
import { chmodSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { TEST_RULES, probeOf } from './test-rules.js';
import { run, TempDir, errorLines } from './helpers.js';
import { sarifErrors } from '../report/sarif-schema.js';
import { systemConfigFiles } from '../../src/cli/targets.js';

jest.unstable_mockModule('../../rules/index.js', () => ({ RULES: TEST_RULES }));

const ESC = '\x1b[';

let tmp: TempDir;
let bad: string; // one error (line 2), one warning (line 3), one info (line 4)
let warnOnly: string;
let infoOnly: string;
let clean: string;
let probe: string;

beforeAll(() => {
  tmp = new TempDir();
  bad = tmp.write('bad/memcached.conf', '-u memcache\n-l 0.0.0.0\n-vv\n-c 10\n');
  warnOnly = tmp.write('warn/memcached.conf', '-u memcache\n-v\n');
  infoOnly = tmp.write('info/memcached.conf', '-u memcache\n-c 10\n');
  clean = tmp.write('clean/memcached.conf', '-u memcache\n-l 127.0.0.1\n');
  probe = tmp.write('probe/memcached.conf', '#probe\n-u memcache\n');
});
afterAll(() => tmp.cleanup());

describe('text format', () => {
  it('prints one finding a line, path:line:col  severity  ID  message  (slug), then a summary', async () => {
    const r = await run(['lint', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      `${bad}:2:4  error  TST100  listens on every interface, 0.0.0.0  (test-wildcard)`,
      `${bad}:3:1  warning  TST200  -vv logs every request  (test-verbose)`,
      `${bad}:4:1  info  TST300  connection limit set  (test-conn-limit)`,
      'Rule documentation (also: mchard explain ID):',
      '  TST100  https://github.com/mchard/mchard/blob/main/docs/rules/TST100.md',
      '  TST200  https://github.com/mchard/mchard/blob/main/docs/rules/TST200.md',
      '  TST300  https://github.com/mchard/mchard/blob/main/docs/rules/TST300.md',
      '1 error, 1 warning, 1 info in 1 file',
      '',
    ]);
  });

  it('says so when nothing is found', async () => {
    const r = await run(['lint', clean]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('no problems found (0 errors, 0 warnings, 0 infos in 1 file)\n');
  });

  it('counts files and findings across several files', async () => {
    const r = await run(['lint', bad, warnOnly, clean]);
    expect(r.code).toBe(1);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('1 error, 2 warnings, 1 info in 3 files');
  });
});

describe('colour', () => {
  const cases: [string, { tty: boolean; flags: string[]; env?: Record<string, string> }, boolean][] = [
    ['not on a pipe', { tty: false, flags: [] }, false],
    ['on a terminal', { tty: true, flags: [] }, true],
    ['--color on a pipe', { tty: false, flags: ['--color'] }, true],
    ['--no-color on a terminal', { tty: true, flags: ['--no-color'] }, false],
    ['NO_COLOR on a terminal', { tty: true, flags: [], env: { NO_COLOR: '1' } }, false],
    ['an empty NO_COLOR on a terminal', { tty: true, flags: [], env: { NO_COLOR: '' } }, true],
    ['FORCE_COLOR on a pipe', { tty: false, flags: [], env: { FORCE_COLOR: '1' } }, true],
    ['FORCE_COLOR=0 on a terminal', { tty: true, flags: [], env: { FORCE_COLOR: '0' } }, false],
    ['--color despite NO_COLOR', { tty: false, flags: ['--color'], env: { NO_COLOR: '1' } }, true],
    ['--no-color despite FORCE_COLOR', { tty: true, flags: ['--no-color'], env: { FORCE_COLOR: '1' } }, false],
    ['NO_COLOR over FORCE_COLOR', { tty: true, flags: [], env: { NO_COLOR: '1', FORCE_COLOR: '1' } }, false],
  ];
  it.each(cases)('%s', async (_name, c, colored) => {
    const r = await run(['lint', bad, ...c.flags], { tty: c.tty, env: c.env });
    expect(r.code).toBe(1);
    expect(r.out.includes(ESC)).toBe(colored);
    if (colored) expect(r.out).toContain(`${ESC}31merror${ESC}39m`);
  });

  it('never colours the machine formats', async () => {
    for (const format of ['json', 'sarif', 'github']) {
      const r = await run(['lint', bad, '--format', format, '--color'], { tty: true });
      expect(r.out).not.toContain(ESC);
    }
  });
});

describe('json format', () => {
  it('has files with path, dialect and findings, and a summary', async () => {
    const r = await run(['lint', bad, clean, '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['files', 'summary']);
    expect(j.summary).toEqual({ errors: 1, warnings: 1, infos: 1, refused: 0 });
    expect(j.files).toHaveLength(2);
    const readBy = {
      dialect: 'debian',
      dialectReason: 'name',
      dialectConfidence: 'high',
      readBy: "Debian's systemd-memcached-wrapper",
      detection: "name memcached.conf, and it holds option lines: read by Debian's systemd-memcached-wrapper",
    };
    expect(j.files[0]).toEqual({
      path: bad,
      ...readBy,
      findings: [
        { ruleId: 'TST100', slug: 'test-wildcard', severity: 'error', message: 'listens on every interface, 0.0.0.0', line: 2, column: 4, endLine: 2, endColumn: 11, fixable: true },
        { ruleId: 'TST200', slug: 'test-verbose', severity: 'warning', message: '-vv logs every request', line: 3, column: 1, endLine: 3, endColumn: 4, fixable: false },
        { ruleId: 'TST300', slug: 'test-conn-limit', severity: 'info', message: 'connection limit set', line: 4, column: 1, endLine: 4, endColumn: 3, fixable: false },
      ],
    });
    expect(j.files[1]).toEqual({ path: clean, ...readBy, findings: [] });
  });

  it('names the dialect it read a file in', async () => {
    const sys = tmp.write('etc/sysconfig/memcached', 'OPTIONS="-l 0.0.0.0"\n');
    const j = JSON.parse((await run(['lint', sys, '--format', 'json'])).out);
    expect(j.files[0].dialect).toBe('sysconfig');
    expect(j.files[0].findings.map((f: { ruleId: string }) => f.ruleId)).toContain('TST100');
    const forced = JSON.parse((await run(['lint', clean, '--format', 'json', '--dialect', 'sysconfig'])).out);
    expect(forced.files[0].dialect).toBe('sysconfig');
  });
});

describe('sarif and github formats', () => {
  it('sarif is a valid SARIF 2.1.0 log with the results', async () => {
    const r = await run(['lint', bad, '--format', 'sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results.map((x: { ruleId: string; level: string }) => [x.ruleId, x.level])).toEqual([
      ['TST100', 'error'],
      ['TST200', 'warning'],
      ['TST300', 'note'],
    ]);
    expect(log.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(TEST_RULES.map((x) => x.id));
  });

  it('sarif with no results is still a valid log', async () => {
    const r = await run(['lint', clean, '--format', 'sarif']);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.out);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results).toEqual([]);
  });

  it('github prints workflow commands, one per finding', async () => {
    const r = await run(['lint', bad, '--format', 'github']);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`::error file=${bad},line=2,col=4,endLine=2,endColumn=11,title=TST100 test-wildcard::listens on every interface, 0.0.0.0 (TST100)`);
    expect(lines[1]).toMatch(/^::warning file=[^,]+,line=3,col=1,.*::-vv logs every request/);
    expect(lines[2]).toMatch(/^::notice file=[^,]+,line=4,col=1,.*::connection limit set/);
  });

  it('github prints nothing for a clean file', async () => {
    const r = await run(['lint', clean, '--format', 'github']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
  });

  it('an unknown format is a usage error', async () => {
    const r = await run(['lint', bad, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toEqual(['mchard: --format must be one of text, json, sarif, github, gitlab (got "xml")']);
  });
});

describe('--fail-on and exit status', () => {
  it.each([
    ['error (default)', [], 'warn', 0],
    ['error (default)', [], 'info', 0],
    ['error (default)', [], 'bad', 1],
    ['error', ['--fail-on', 'error'], 'warn', 0],
    ['warning', ['--fail-on', 'warning'], 'warn', 1],
    ['warning', ['--fail-on', 'warning'], 'info', 0],
    ['info', ['--fail-on', 'info'], 'info', 1],
    ['info', ['--fail-on', 'info'], 'clean', 0],
  ] as const)('--fail-on %s: %s file → %i', async (_name, flags, which, code) => {
    const file = { warn: warnOnly, info: infoOnly, bad, clean }[which];
    const r = await run(['lint', file, ...flags]);
    expect(r.code).toBe(code);
  });

  it('rejects an unknown severity', async () => {
    const r = await run(['lint', bad, '--fail-on', 'fatal']);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual(['mchard: --fail-on must be one of error, warning, info (got "fatal")']);
  });
});

describe('--disable and --quiet', () => {
  it('turns rules off by ID (any case) or slug, comma-separated or repeated', async () => {
    const ids = async (...flags: string[]) =>
      JSON.parse((await run(['lint', bad, '--format', 'json', ...flags])).out).files[0].findings.map((f: { ruleId: string }) => f.ruleId);
    expect(await ids('--disable', 'TST100')).toEqual(['TST200', 'TST300']);
    expect(await ids('--disable', 'tst100,test-verbose')).toEqual(['TST300']);
    expect(await ids('--disable', 'TST100', '--disable', 'test-conn-limit')).toEqual(['TST200']);
    expect(await ids('--disable', 'TST100, TST200,')).toEqual(['TST300']);
  });

  it('exits 0 when the failing rule is disabled', async () => {
    expect((await run(['lint', bad, '--disable', 'TST100'])).code).toBe(0);
  });

  it('rejects an unknown rule', async () => {
    const r = await run(['lint', bad, '--disable', 'MC9999']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toEqual(['mchard: --disable: unknown rule "MC9999"']);
  });

  it('--quiet and -q report errors only', async () => {
    for (const q of ['--quiet', '-q']) {
      const r = await run(['lint', bad, q]);
      expect(r.code).toBe(1);
      expect(r.out).toContain('TST100');
      expect(r.out).not.toContain('TST200');
      expect(r.out).not.toContain('TST300');
      expect(r.out).toContain('1 error, 0 warnings, 0 infos in 1 file');
    }
  });
});

describe('flags that reach the rules', () => {
  it('defaults: newest version, not explicit, no trusted networks', async () => {
    const p = probeOf((await run(['lint', probe, '--format', 'json'])).out);
    expect(p.versionExplicit).toBe(false);
    expect(p.trustedNetworks).toEqual([]);
  });

  it('--memcached-version sets the version the rules see', async () => {
    const p = probeOf((await run(['lint', probe, '--format', 'json', '--memcached-version', '1.4.15'])).out);
    expect(p.version).toEqual([1, 4, 15]);
    expect(p.versionExplicit).toBe(true);
  });

  it('--memcached-version must be a version', async () => {
    const r = await run(['lint', probe, '--memcached-version', 'new']);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual(['mchard: --memcached-version must look like 1.6.18 (got "new")']);
  });

  it('--trusted-network is repeatable', async () => {
    const p = probeOf((await run(['lint', probe, '--format', 'json', '--trusted-network', '10.0.0.0/8', '--trusted-network', 'fd00::/8'])).out);
    expect(p.trustedNetworks).toEqual(['10.0.0.0/8', 'fd00::/8']);
  });

  it('--trusted-network must be a CIDR', async () => {
    const r = await run(['lint', probe, '--trusted-network', 'not-a-network']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^mchard: --trusted-network: .*not-a-network/);
  });
});

describe('unreadable files', () => {
  let dir: TempDir;
  const cases: { name: string; make: () => string; reason: RegExp }[] = [
    { name: 'a missing file', make: () => dir.join('missing.conf'), reason: /no such file/ },
    { name: 'binary data', make: () => dir.write('bin.conf', Buffer.from('-u memcache\n-m 64\0\0\n')), reason: /binary data \(NUL byte at offset 17\)/ },
    { name: 'invalid UTF-8', make: () => dir.write('latin1.conf', Buffer.from('# caf\xe9\n-l 127.0.0.1\n', 'latin1')), reason: /invalid UTF-8 at byte 5/ },
  ];
  beforeAll(() => {
    dir = new TempDir();
  });
  afterAll(() => dir.cleanup());

  it.each(cases)('$name: one line on stderr, MC001 in the report, exit 2', async ({ make, reason }) => {
    const path = make();
    const r = await run(['lint', path]);
    expect(r.code).toBe(2);
    const lines = errorLines(r.err);
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`mchard: ${path}: `)).toBe(true);
    expect(lines[0]).toMatch(reason);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toContain(`${path}:1:1  error  MC001  cannot read the file: `);
    expect(r.out.split('\n')[0]).toMatch(reason);

    const j = JSON.parse((await run(['lint', path, '--format', 'json'])).out);
    expect(j.files).toEqual([
      { path, dialect: null, findings: [expect.objectContaining({ ruleId: 'MC001', slug: 'parse-error', severity: 'error', line: 1, column: 1, fixable: false })] },
    ]);
    expect(j.summary.errors).toBe(1);
  });

  it('a bad file among good ones: the others are still linted and reported, exit 2', async () => {
    const missing = dir.join('missing.conf');
    const r = await run(['lint', bad, missing, clean]);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([`mchard: ${missing}: no such file`]);
    expect(r.out).toContain(`${bad}:2:4  error  TST100`);
    expect(r.out).toContain(`${bad}:3:1  warning  TST200`);
    expect(r.out).toContain(`${missing}:1:1  error  MC001`);
    expect(r.out).toContain('2 errors, 1 warning, 1 info in 3 files');
  });

  it('exit 2 wins over a clean result and over --fail-on', async () => {
    const missing = dir.join('missing.conf');
    expect((await run(['lint', clean, missing])).code).toBe(2);
    expect((await run(['lint', clean, missing, '--fail-on', 'info'])).code).toBe(2);
  });

  it('in sarif, the unreadable file is a tool execution notification, not an alert, and the log stays valid', async () => {
    const missing = dir.join('missing.conf');
    const r = await run(['lint', clean, missing, '--format', 'sarif']);
    expect(r.code).toBe(2);
    const log = JSON.parse(r.out);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations).toEqual([
      expect.objectContaining({
        executionSuccessful: false,
        toolExecutionNotifications: [
          expect.objectContaining({
            level: 'error',
            descriptor: { id: 'unreadable' },
            message: { text: `${missing}: no such file` },
            locations: [{ physicalLocation: { artifactLocation: { uri: pathToFileURL(missing).href } } }],
          }),
        ],
      }),
    ]);
  });

  it('a file without read permission (the real test runs the executable as nobody: bin.test.ts)', async () => {
    const p = dir.write('secret/memcached.conf', '-l 127.0.0.1\n');
    chmodSync(p, 0o000);
    let readable = true;
    try {
      readFileSync(p);
    } catch {
      readable = false;
    }
    const r = await run(['lint', p]);
    if (readable) expect(r.code).toBe(0); // root reads it anyway
    else {
      expect(r.code).toBe(2);
      expect(errorLines(r.err)).toEqual([`mchard: ${p}: permission denied`]);
    }
  });
});

describe('internal errors', () => {
  it('are the failing file\'s one line on stderr, exit 2, no stack trace; the other files keep their findings in every format', async () => {
    const crash = tmp.write('crash/memcached.conf', '#crash\n-l 0.0.0.0\n');
    const saved = process.env.MCHARD_DEBUG;
    delete process.env.MCHARD_DEBUG;
    try {
      const line = `mchard: ${crash}: internal error while checking this file (TypeError: test rule crashed); please report it`;
      const r = await run(['lint', crash, bad]);
      expect(r.code).toBe(2);
      expect(errorLines(r.err)).toEqual([line]);
      expect(r.out).toContain(`${bad}:2:4  error  TST100`);
      const json = await run(['lint', '--format', 'json', bad, crash]);
      expect(json.code).toBe(2);
      const doc = JSON.parse(json.out) as { files: { path: string; findings: { ruleId: string }[] }[] };
      expect(doc.files.map((f) => [f.path, f.findings.map((x) => x.ruleId)])).toEqual([
        [bad, ['TST100', 'TST200', 'TST300']],
        [crash, ['MC001']],
      ]);
      const sarif = await run(['lint', '--format', 'sarif', crash, bad]);
      expect(sarif.code).toBe(2);
      // The failed file is a tool execution notification, not an alert: three results, one notification.
      const log = JSON.parse(sarif.out) as { runs: { results: unknown[]; invocations: { toolExecutionNotifications: { descriptor: { id: string } }[] }[] }[] };
      expect(log.runs[0].results).toHaveLength(3);
      expect(log.runs[0].invocations[0].toolExecutionNotifications.map((n) => n.descriptor.id)).toEqual(['failed']);
      const gh = await run(['lint', '--format', 'github', crash, bad]);
      expect(gh.code).toBe(2);
      expect(gh.out.split('\n').filter((l) => l.startsWith('::'))).toHaveLength(4);
      for (const x of [json, sarif, gh]) expect(errorLines(x.err)).toEqual([line]);
    } finally {
      if (saved !== undefined) process.env.MCHARD_DEBUG = saved;
    }
  });
});

describe('which files', () => {
  it('with no FILE, lints the system files that exist', async () => {
    const expected = systemConfigFiles();
    const r = await run(['lint', '--format', 'json']);
    if (expected.length === 0) {
      expect(r.code).toBe(2);
      expect(errorLines(r.err)).toHaveLength(1);
      expect(r.err).toMatch(/no FILE given and no memcached configuration found on this host's system paths/);
    } else {
      expect(r.code).not.toBe(2);
      expect(JSON.parse(r.out).files.map((f: { path: string }) => f.path)).toEqual(expected);
    }
  });
});

describe('.mchardrc', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = new TempDir();
  });
  afterEach(() => dir.cleanup());

  const lintJson = async (...args: string[]) => {
    const r = await run(['lint', '--format', 'json', ...args]);
    return { ...r, json: r.out ? JSON.parse(r.out) : null };
  };
  const sevs = (j: { files: { findings: { ruleId: string; severity: string }[] }[] }, i = 0) =>
    Object.fromEntries(j.files[i].findings.map((f) => [f.ruleId, f.severity]));

  it('is found by walking up from the file\'s folder', async () => {
    dir.write('.mchardrc', '[rules]\nTST100 = warning\n');
    const f = dir.write('a/b/c/memcached.conf', '-l 0.0.0.0\n-vv\n');
    const r = await lintJson(f);
    expect(r.code).toBe(0);
    expect(sevs(r.json)).toEqual({ TST100: 'warning', TST200: 'warning' });
  });

  it('the nearest one wins, and each file gets its own', async () => {
    dir.write('.mchardrc', '[rules]\nTST100 = warning\n');
    dir.write('a/.mchardrc', '[rules]\nTST100 = info\n');
    const near = dir.write('a/b/memcached.conf', '-l 0.0.0.0\n');
    const far = dir.write('x/memcached.conf', '-l 0.0.0.0\n');
    const r = await lintJson(near, far);
    expect(sevs(r.json, 0)).toEqual({ TST100: 'info' });
    expect(sevs(r.json, 1)).toEqual({ TST100: 'warning' });
  });

  it('--config replaces the lookup', async () => {
    dir.write('.mchardrc', '[rules]\nTST100 = warning\n');
    const other = dir.write('elsewhere/settings.ini', '[rules]\ntest-wildcard = off\n');
    const f = dir.write('p/memcached.conf', '-l 0.0.0.0\n-vv\n');
    const r = await lintJson(f, '--config', other);
    expect(sevs(r.json)).toEqual({ TST200: 'warning' });
  });

  it('[rules] takes IDs (any case) and slugs, severities in any case, and off', async () => {
    dir.write('.mchardrc', '[rules]\ntst100 = INFO\ntest-verbose = error\nTST300 = off\n');
    const f = dir.write('memcached.conf', '-l 0.0.0.0\n-vv\n-c 10\n');
    const r = await lintJson(f);
    expect(r.code).toBe(1);
    expect(sevs(r.json)).toEqual({ TST100: 'info', TST200: 'error' });
  });

  it('--disable beats a severity from the file', async () => {
    dir.write('.mchardrc', '[rules]\nTST100 = error\n');
    const f = dir.write('memcached.conf', '-l 0.0.0.0\n');
    expect(sevs((await lintJson(f, '--disable', 'TST100')).json)).toEqual({});
  });

  it('fail-on sets the threshold, --fail-on overrides it', async () => {
    dir.write('.mchardrc', 'fail-on = info\n');
    const f = dir.write('memcached.conf', '-c 10\n');
    expect((await lintJson(f)).code).toBe(1);
    expect((await lintJson(f, '--fail-on', 'error')).code).toBe(0);
  });

  it('fail-on applies to the files under it only', async () => {
    dir.write('strict/.mchardrc', 'fail-on = info\n');
    const strict = dir.write('strict/memcached.conf', '-u memcache\n');
    const strictInfo = dir.write('strict/memcached_b.conf', '-c 10\n');
    const lax = dir.write('lax/memcached.conf', '-c 10\n');
    // The info finding is in the lax folder: with the default threshold there, nothing fails.
    expect((await lintJson(strict, lax)).code).toBe(0);
    expect((await lintJson(lax, strict)).code).toBe(0);
    expect((await lintJson(strictInfo)).code).toBe(1);
    expect((await lintJson(lax, strictInfo)).code).toBe(1);
  });

  it('memcached-version reaches the rules, and --memcached-version overrides it', async () => {
    dir.write('.mchardrc', 'memcached-version = 1.5.6\n');
    const f = dir.write('memcached.conf', '#probe\n');
    expect(probeOf((await lintJson(f)).out)).toMatchObject({ version: [1, 5, 6], versionExplicit: true });
    expect(probeOf((await lintJson(f, '--memcached-version', '1.6.9')).out).version).toEqual([1, 6, 9]);
  });

  it('trusted-networks (comma or space separated) reach the rules, with --trusted-network added', async () => {
    dir.write('.mchardrc', 'trusted-networks = 10.0.0.0/8, 192.168.0.0/16 172.16.0.0/12\n');
    const f = dir.write('memcached.conf', '#probe\n');
    expect(probeOf((await lintJson(f)).out).trustedNetworks).toEqual(['10.0.0.0/8', '192.168.0.0/16', '172.16.0.0/12']);
    expect(probeOf((await lintJson(f, '--trusted-network', 'fd00::/8')).out).trustedNetworks).toEqual([
      '10.0.0.0/8',
      '192.168.0.0/16',
      '172.16.0.0/12',
      'fd00::/8',
    ]);
  });

  it.each([
    ['an unknown key', 'fail_on = warning\n', 'unknown key "fail_on"'],
    ['an unknown section', '[rule]\nTST100 = off\n', 'unknown section [rule]'],
    ['an unknown rule', '[rules]\nMC999 = off\n', 'unknown rule "MC999" in [rules]'],
    ['an unknown severity', '[rules]\nTST100 = fatal\n', 'rule TST100: "fatal" is not one of error, warning, info, off'],
    ['a bad fail-on', 'fail-on = never\n', 'fail-on: "never" is not one of error, warning, info'],
    ['a bad version', 'memcached-version = latest\n', 'memcached-version: "latest" is not a version like 1.6.18'],
    ['a bad network', 'trusted-networks = 10.0.0.0/33\n', 'trusted-networks: '],
  ])('%s is a one-line error naming it, exit 2, no report', async (_name, text, message) => {
    const rc = dir.write('.mchardrc', text);
    const f = dir.write('memcached.conf', '-l 0.0.0.0\n');
    const r = await run(['lint', f]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = errorLines(r.err);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`mchard: ${rc}: ${message}`);
  });

  it('a --config file that does not exist is an error', async () => {
    const f = dir.write('memcached.conf', '-l 0.0.0.0\n');
    const missing = dir.join('nope.ini');
    const r = await run(['lint', f, '--config', missing]);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([`mchard: ${missing}: no such file`]);
  });
});
