/** `mchard audit` on the command line: flags, usage errors (one line, exit 2), and exit statuses. */
import { readFileSync } from 'node:fs';
import { run, TempDir, errorLines, NO_STACK } from '../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, stopAll, type Started } from './memcached.js';
import { systemConfigFiles } from '../../src/cli/targets.js';

describe('mchard audit: usage', () => {
  it('shows its help', async () => {
    const r = await run(['audit', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: mchard audit \[options\] \[FILE\.\.\.\]/);
    expect(r.out).toContain('--probe');
    expect(r.out).toContain('--pid PID[,PID...]');
  });

  it.each([
    [['--pid', 'abc'], 'mchard: --pid must be process IDs separated by commas (got "abc")'],
    [['--pid', '12,-3'], 'mchard: --pid must be process IDs separated by commas (got "-3")'],
    [['--format', 'xml'], 'mchard: --format must be one of text, json, sarif, github, gitlab (got "xml")'],
    [['--fail-on', 'never'], 'mchard: --fail-on must be one of error, warning, info (got "never")'],
    [['--disable', 'MC999'], 'mchard: --disable: unknown rule "MC999" (did you mean MC909?)'],
    [['-'], 'mchard: audit reads configuration files by path; "-" (standard input) is not supported'],
  ])('%j is a usage error', async (args, message) => {
    const r = await run(['audit', ...args]);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([message]);
    expect(r.err).not.toMatch(NO_STACK);
  });

  it('a --pid that is not a running memcached is an error naming it', async () => {
    const r = await run(['audit', '--pid', String(process.pid)]);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([`mchard: --pid ${process.pid}: no running memcached process with that ID`]);
  });
});

(haveMemcached ? describe : describe.skip)('mchard audit: exit status and flags on a real process', () => {
  let m: Started;
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = new TempDir();
    const [p] = freePorts(1, 55000, 59999);
    // Loopback only, but with -vv (MC502, a warning) and no -U 0 (MC111 is info on 1.6.18).
    m = await startMemcached(['-u', 'nobody', '-l', '127.0.0.1', '-p', String(p), '-vv'], 1);
  });
  afterAll(async () => {
    await stopAll();
    tmp.cleanup();
  });

  it('exit 0 under the default threshold, 1 with --fail-on warning, 0 again with the rule disabled', async () => {
    const file = tmp.write('memcached_none.conf', '-u nobody\n-l 127.0.0.1\n-p 1\n');
    const base = ['audit', '--pid', String(m.pid), file];
    const plain = await run(base);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('MC502');
    expect(plain.out).toMatch(/1 warning, \d+ infos? in 1 process\n$/);
    expect((await run([...base, '--fail-on', 'warning'])).code).toBe(1);
    expect((await run([...base, '--fail-on', 'warning', '--disable', 'MC502'])).code).toBe(0);
    const quiet = await run([...base, '-q']);
    expect(quiet.out).not.toContain('MC502');
  });

  it('an unreadable FILE is a one-line error naming it (exit 2), and the process is still reported', async () => {
    const missing = tmp.join('missing.conf');
    const r = await run(['audit', '--format', 'json', '--pid', String(m.pid), missing]);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([`mchard: ${missing}: no such file`]);
    const doc = JSON.parse(r.out);
    expect(doc.files.map((f: { process: { pid: number } }) => f.process.pid)).toEqual([m.pid]);
    expect(doc.candidates).toEqual({ from: 'arguments', files: [{ path: missing, dialect: null, error: 'no such file' }] });
  });

  it('names the FILEs it considered, read or not (text and JSON)', async () => {
    const file = tmp.write('memcached_named.conf', '-u nobody\n-l 127.0.0.1\n-p 1\n');
    const missing = tmp.join('missing2.conf');
    const json = await run(['audit', '--format', 'json', '--pid', String(m.pid), file, missing]);
    expect(JSON.parse(json.out).candidates).toEqual({
      from: 'arguments',
      files: [
        { path: file, dialect: 'debian', error: null },
        { path: missing, dialect: null, error: 'no such file' },
      ],
    });
    const text = await run(['audit', '--pid', String(m.pid), file, missing]);
    expect(text.out.split('\n')[0]).toBe(`configuration files considered (the FILE arguments): ${file} (debian), ${missing} (not read: see the error above)`);
  });

  it('with no FILE, considers the files on the system paths lint and fix read (every format), and says which', async () => {
    const expected = systemConfigFiles();
    const json = await run(['audit', '--format', 'json', '--pid', String(m.pid)]);
    const doc = JSON.parse(json.out);
    expect(doc.candidates.from).toBe('system-paths');
    expect(doc.candidates.files.map((f: { path: string }) => f.path)).toEqual(expected);
    const text = await run(['audit', '--pid', String(m.pid)]);
    const listed = doc.candidates.files.map((f: { path: string; dialect: string | null }) => `${f.path} (${f.dialect ?? 'not read: see the error above'})`);
    expect(text.out.split('\n')[0]).toBe(`configuration files considered (the system paths, as lint and fix take them): ${listed.length ? listed.join(', ') : 'none found'}`);
  });

  it('--baseline: a process is keyed by its command line (no unit, no file); recorded findings are not reported; --output', async () => {
    const base = tmp.join('audit-baseline.json');
    const args = ['audit', '--pid', String(m.pid), '--fail-on', 'warning', tmp.write('memcached_none2.conf', '-u nobody\n-l 127.0.0.1\n-p 1\n')];
    expect((await run(args)).code).toBe(1);
    const created = await run([...args, '--baseline', base, '--update-baseline']);
    expect(created.code).toBe(0);
    const keys = Object.keys(JSON.parse(readFileSync(base, 'utf8')).files);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^process:\S*memcached -u nobody -l 127\.0\.0\.1 -p \d+ -vv$/);
    expect(JSON.parse(readFileSync(base, 'utf8')).files[keys[0]].MC502).toEqual({ count: 1, subjects: ['-v -v'] });
    const out = tmp.join('audit.sarif');
    const again = await run([...args, '--baseline', base, '--format', 'sarif', '--output', out]);
    expect([again.code, again.out]).toEqual([0, '']);
    expect(JSON.parse(readFileSync(out, 'utf8')).runs[0].results).toEqual([]);
  });
});

(haveMemcached ? describe : describe.skip)('mchard audit: a process with a huge command line', () => {
  afterAll(() => stopAll());

  // Any user can start a memcached (or any binary named memcached) with a megabyte of arguments: the
  // summary line showed every one of them, on one line, for each such process.
  it('shows the start of its command line and how much more there is; JSON keeps every word', async () => {
    const [p] = freePorts(1, 55000, 59999);
    const many = Array.from({ length: 30000 }, () => '-v');
    const m = await startMemcached(['-u', 'nobody', '-l', '127.0.0.1', '-p', String(p), '-U', '0', ...many], 1);
    const r = await run(['audit', '--pid', String(m.pid), '--no-firewall']);
    const line = r.out.split('\n').find((l) => l.startsWith(`memcached pid ${m.pid}`))!;
    expect(line.length).toBeLessThan(2200);
    expect(line).toMatch(new RegExp(`: /usr/bin/memcached -u nobody -l 127\\.0\\.0\\.1 -p ${p} -U 0 (-v )+…\\(\\d+ more arguments, \\d+ characters\\)$`));
    const [, more] = /…\((\d+) more arguments/.exec(line)!;
    expect(line.split(' -v').length - 1 + Number(more)).toBe(30000);
    expect(r.out.length).toBeLessThan(20000);
    const json = JSON.parse((await run(['audit', '--format', 'json', '--pid', String(m.pid), '--no-firewall'])).out);
    expect(json.files[0].process.command).toHaveLength(30000 + 9);
  }, 60000);
});
