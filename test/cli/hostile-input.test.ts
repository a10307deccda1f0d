/**
 * Hostile input against lint (redteam5): files whose shape overflowed mchard's call stack, so that one file
 * became "internal error" instead of its findings or one line saying why it is refused.
 */
import { existsSync } from 'node:fs';
import { ensureBuilt, run, runBin, TempDir, errorLines } from './helpers.js';

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
});
afterEach(() => dir.cleanup());

describe('values of hundreds of thousands of characters', () => {
  it('reads a Dockerfile whose exec-form CMD is one 1 MiB line', async () => {
    const f = dir.write('Dockerfile', `FROM memcached:1.6.22\nCMD ["memcached", ${'"-l", '.repeat(120000)}"127.0.0.1"]\n`);
    const r = await run(['lint', '--format', 'json', f]);
    expect(r.err).not.toMatch(/internal error/);
    expect(errorLines(r.err)).toEqual([]);
    expect(JSON.parse(r.out).files[0].findings.length).toBeGreaterThan(0);
  });

  it('reads a Dockerfile ENV value of 400,000 characters used by CMD', async () => {
    const f = dir.write('Dockerfile', `FROM memcached:1.6.22\nENV X=${'a'.repeat(400000)}\nCMD memcached -l $X -U 0\n`);
    const r = await run(['lint', f]);
    expect(r.err).not.toMatch(/internal error/);
    expect(errorLines(r.err)).toEqual([]);
  });

  it('reads a Kubernetes env value of 400,000 characters that args expand with $(X)', async () => {
    const f = dir.write(
      'pod.yaml',
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\nspec:\n  containers:\n  - name: m\n    image: memcached:1.6.22\n    env:\n    - name: X\n      value: "${'a'.repeat(400000)}"\n    args: ["-l", "$(X)"]\n`,
    );
    const r = await run(['lint', '--dialect', 'kubernetes', f]);
    expect(r.err).not.toMatch(/internal error/);
    expect(errorLines(r.err)).toEqual([]);
  });
});

describe('shell lines nested thousands of levels deep', () => {
  // dash 0.5.12 parses ten thousand nested `if` (then reports its syntax error) and crashes (SIGSEGV) on a
  // hundred thousand; mchard refuses past 1,000 levels, one line, exit status 2.
  it.each([
    ['$( nested 2,000 times', `-l ${'$('.repeat(2000)}\n`],
    ['if nested 5,000 times', `-l x; ${'if '.repeat(5000)}\n`],
    ['( nested 5,000 times', `-l x; ${'( '.repeat(5000)}\n`],
    ['${x:-$( nested 2,000 times', `-l ${'${x:-$('.repeat(2000)}\n`],
  ])('refuses a Debian line with %s, naming the file', async (_what, text) => {
    const f = dir.write('memcached.conf', text);
    const r = await run(['lint', '--dialect', 'debian', f]);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([
      `mchard: ${f}: shell commands nested too deeply (more than 1000 levels of if, while, (, {, $(...), \${...}); mchard reads at most 1000 (a real line needs a few)`,
    ]);
  });

  it('still reads a line nested 400 levels deep as dash does', async () => {
    const f = dir.write('memcached.conf', `-l x; ${'if '.repeat(400)}\n`);
    const r = await run(['lint', '--dialect', 'debian', '--format', 'json', f]);
    expect(errorLines(r.err)).toEqual([]);
    const ids = JSON.parse(r.out).files[0].findings.map((x: { ruleId: string; message: string }) => `${x.ruleId} ${x.message}`);
    expect(ids).toContainEqual(expect.stringMatching(/^MC914 .*Syntax error: end of file unexpected \(expecting "then"\)/));
  });
});

describe('a glob word of 100,000 unclosed brackets', () => {
  it('is linted in seconds', async () => {
    // Each "[" searched the rest of the word for its "]": 8,000 took 2.2 s, the 1 MiB line minutes.
    const f = dir.write('memcached.conf', `-l ${'[*?'.repeat(100000)}\n`);
    const t0 = Date.now();
    const r = await run(['lint', '--dialect', 'debian', '--format', 'json', f]);
    expect(Date.now() - t0).toBeLessThan(10000);
    expect(errorLines(r.err)).toEqual([]);
    expect(JSON.parse(r.out).files[0].findings.map((x: { ruleId: string }) => x.ruleId)).toContain('MC902');
  });
});

describe('a backslash in a file name', () => {
  it.each(['lint', 'fix', 'inspect'])('is shown as written when %s refuses the file, not as a "/"', async (command) => {
    // Detection reads "\" as a folder separator (paths written on Windows); fix's refusal named the file
    // "x/memcached.txt", another file, which may exist.
    const f = dir.write('x\\memcached.txt', '-l 127.0.0.1\n');
    const r = await run([command, f]);
    expect(r.code).toBe(2);
    expect(errorLines(r.err)).toEqual([expect.stringMatching(/^mchard: (\S+): not read: /)]);
    expect(errorLines(r.err)[0].startsWith(`mchard: ${f}: not read: `)).toBe(true);
  });
});

// /proc/kmsg is a regular file to stat, opened by root; read without blocking it says EAGAIN until the kernel
// logs something (reading it takes the messages it returns: a kernel log reader may miss those).
const kmsg = process.getuid?.() === 0 && existsSync('/proc/kmsg');
(kmsg ? describe : describe.skip)('a file that waits for data (/proc/kmsg), named by the file mchard reads', () => {
  beforeAll(() => ensureBuilt());

  it('is one reason not to read it, not a wait without end (--host-checks, EnvironmentFile=/proc/kmsg)', () => {
    // The wait meant for standard input (EAGAIN: try again in 10 ms) applied to every file: lint never ended.
    const unit = dir.write('memcached.service', '[Service]\nEnvironmentFile=/proc/kmsg\nExecStart=/usr/bin/memcached -l $LISTEN\n');
    const r = runBin(['lint', '--host-checks', '--format', 'json', unit]);
    expect(r.signal).toBeNull();
    const messages = JSON.parse(r.out).files[0].findings.map((f: { ruleId: string; message: string }) => `${f.ruleId} ${f.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^MC910 .*\/proc\/kmsg .*would make mchard wait for it/));
  });
});
