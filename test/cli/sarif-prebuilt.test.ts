/**
 * The build writes the shipped rules' SARIF descriptors beside the bundle (dist/sarif-rules.json), and
 * `lint --format sarif` takes them from there instead of writing 80 help texts on every run (start-up,
 * issue 18). The built CLI's report must be byte for byte the one it makes without that file, on files
 * with findings, several files, an unreadable one; and a file for other rules or another version must
 * be ignored, not trusted.
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, ensureBuilt, ROOT, SAMPLES, TempDir } from './helpers.js';

const DIST = join(ROOT, 'dist');
let tmp: TempDir;
let without: string;

function sarif(bin: string, files: string[]): string {
  const r = spawnSync(process.execPath, [bin, 'lint', '--format', 'sarif', ...files], { cwd: SAMPLES, encoding: 'utf8', env: { ...process.env, MCHARD_CODE_CACHE: 'off' } });
  expect([0, 1, 2]).toContain(r.status);
  return r.stdout;
}

beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-sarif-prebuilt-');
  // A copy of the package without the build's descriptors: the report then makes them itself.
  cpSync(join(ROOT, 'bin'), tmp.join('pkg', 'bin'), { recursive: true });
  cpSync(DIST, tmp.join('pkg', 'dist'), { recursive: true, filter: (src) => !src.endsWith('sarif-rules.json') });
  without = tmp.join('pkg', 'bin', 'mchard.js');
});

afterAll(() => tmp.cleanup());

const CASES: [string, string[]][] = [
  ['one Debian file', ['insecure-debian.conf']],
  ['several dialects', ['insecure-debian.conf', 'insecure-rhel.sysconfig', 'insecure-memcached.service', 'docker-compose.yml', 'hardened-debian.conf']],
  ['a file that cannot be read', ['insecure-debian.conf', 'no-such-file.conf']],
];

describe('the SARIF descriptors the build writes', () => {
  test('the build wrote them', () => {
    expect(existsSync(join(DIST, 'sarif-rules.json'))).toBe(true);
  });

  test.each(CASES)('%s: the same report with and without them', (_name, files) => {
    const made = sarif(without, files);
    expect(JSON.parse(made).runs[0].tool.driver.rules.length).toBeGreaterThan(50);
    expect(sarif(BIN, files)).toBe(made);
  });

  test('to a pipe, to a file (--output) and to a terminal: the same bytes as without them', () => {
    const made = sarif(without, ['insecure-debian.conf', 'insecure-rhel.sysconfig']);
    const out = tmp.join('report.sarif');
    const r = spawnSync(process.execPath, [BIN, 'lint', '--format', 'sarif', '--output', out, 'insecure-debian.conf', 'insecure-rhel.sysconfig'], { cwd: SAMPLES, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(made);
    // On a real pseudo-terminal (script(1)): the descriptors go out as bytes there too, beside guarded text.
    const tty = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} lint --format sarif insecure-debian.conf insecure-rhel.sysconfig`, '/dev/null'], { cwd: SAMPLES, encoding: 'utf8' });
    expect(tty.stdout.replace(/\r\n/g, '\n')).toBe(made);
  });

  test('their text holds nothing the terminal guard would change, even from a rule text with control characters (their bytes skip the guard)', async () => {
    const { prebuiltSarifRules } = await import('../../src/report/sarif.js');
    const { guardTerminal } = await import('../../src/report/visible.js');
    const { RULES } = await import('../../rules/index.js');
    const shipped = readFileSync(join(DIST, 'sarif-rules.json'), 'utf8');
    expect(guardTerminal(shipped)).toBe(shipped);
    const hostile = RULES.map((r, k) => (k === 3 ? { ...r, summary: `${r.summary}\u001b]52;c;Zm9v\u0007\u202e\u0085` } : r));
    const text = prebuiltSarifRules(hostile, '0.1.0');
    expect(text).toContain('\\u001b]52;c;Zm9v\\u0007\\u202e\\u0085');
    expect(guardTerminal(text)).toBe(text);
  });

  test('a file for another version or other rules is not used', () => {
    const shipped = readFileSync(join(DIST, 'sarif-rules.json'), 'utf8');
    const nl = shipped.indexOf('\n');
    const head = JSON.parse(shipped.slice(0, nl));
    const copy = tmp.join('pkg', 'dist', 'sarif-rules.json');
    const expected = sarif(without, ['insecure-debian.conf']);
    // Descriptors whose help was tampered with, under a header for another version, then for other rules.
    const body = shipped.slice(nl + 1).replace(/"fullDescription"/g, '"tampered"');
    for (const other of [{ ...head, version: '9.9.9' }, { ...head, ids: head.ids.slice(1) }, { ...head, ids: [...head.ids].reverse() }]) {
      writeFileSync(copy, `${JSON.stringify(other)}\n${body}`);
      expect(sarif(without, ['insecure-debian.conf'])).toBe(expected);
    }
    // The same tampered body under the right header is taken (the file is trusted as the bundle is):
    // this proves the copy's file is read at all, so the cases above test the checks.
    writeFileSync(copy, `${JSON.stringify(head)}\n${body}`);
    expect(sarif(without, ['insecure-debian.conf'])).toContain('"tampered"');
    rmSync(copy);
  });
});
