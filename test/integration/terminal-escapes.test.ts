/**
 * No control character from outside reaches a terminal (issue 13 §2). The built executable runs in a
 * real pseudo-terminal (Python's pty module: standard output and error are the terminal, so colour is on)
 * on a file whose name and content hold the attacks (ESC[2J clears the screen, OSC 52 writes the
 * clipboard, OSC 8 makes a hidden link, CR overwrites a line, U+202E reverses text, a C1 CSI), and
 * `audit` on a real process whose arguments hold them. Every byte the terminal receives is checked: once
 * mchard's own colour codes and the terminal's CR LF are taken away, no control character is left, and
 * each attack is there as visible text. JSON, SARIF and GitHub output keep the exact values.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, BIN, TempDir } from '../cli/helpers.js';

const ESC = '\x1b';
const ATTACK = {
  clear: `${ESC}[2J`,
  osc52: `${ESC}]52;c;aGVsbG8=\x07`,
  // No "/" in it: it goes into a file name too.
  osc8: `${ESC}]8;;mailto:x@evil.example${ESC}\\click${ESC}]8;;${ESC}\\`,
  cr: '\rEVIL',
  rlo: '\u202e',
  csi8: '\u009b2J',
};
const ALL = Object.values(ATTACK).join('');

const PTY_RUNNER = `
import json, os, pty, sys
args = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.environ.pop('NO_COLOR', None)
    os.environ.pop('FORCE_COLOR', None)
    os.environ['TERM'] = 'xterm-256color'
    os.execvp(args[0], args)
out = b''
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({'code': os.waitstatus_to_exitcode(status), 'hex': out.hex()}))
`;

const havePython = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;
const d = havePython ? describe : describe.skip;
if (!havePython) console.warn('skipping the pseudo-terminal test: needs python3');

/** Runs mchard in a pseudo-terminal; returns the exit status and every byte written to the terminal. */
function inPty(args: string[], cwd: string): { code: number; bytes: Buffer } {
  const r = spawnSync('python3', ['-c', PTY_RUNNER, JSON.stringify([process.execPath, BIN, ...args])], { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`pty runner failed: ${r.stderr}`);
  const { code, hex } = JSON.parse(r.stdout) as { code: number; hex: string };
  return { code, bytes: Buffer.from(hex, 'hex') };
}

/**
 * What is left once mchard's own SGR codes (colour, bold, dim) and the terminal's line ends are removed:
 * must hold no C0 control, DEL, C1 control, bidirectional or other format character.
 */
function leftovers(bytes: Buffer): string[] {
  const text = bytes.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n');
  const bad = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const control = (cp < 0x20 && ch !== '\n' && ch !== '\t') || (cp >= 0x7f && cp <= 0x9f) || /[\p{Cf}\u2028\u2029]/u.test(ch);
    if (control) bad.add(`U+${cp.toString(16).padStart(4, '0')}`);
  }
  return [...bad];
}

let tmp: TempDir;
let dir: string;
let evilFile: string;

beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir();
  dir = tmp.join('repo');
  mkdirSync(dir);
  // A Debian file: the name and the values its findings quote hold every attack.
  evilFile = join(dir, `memcached_${ALL}.conf`);
  writeFileSync(
    evilFile,
    [
      '# the deploy user',
      `-u root${ATTACK.clear}`,
      `-l 0.0.0.0${ATTACK.osc52}`,
      `-p 11211${ATTACK.cr}`,
      `-c 10${ATTACK.rlo}x`,
      `-m 64${ATTACK.osc8}`,
      `-t 4${ATTACK.csi8}`,
      '-vv',
      '',
    ].join('\n'),
  );
}, 180_000);
afterAll(() => tmp?.cleanup());

d('a real pseudo-terminal receives no control character', () => {
  it.each([
    ['lint (colour)', ['lint', '--dialect', 'debian']],
    ['lint --no-color', ['lint', '--no-color', '--dialect', 'debian']],
    ['inspect', ['inspect', '--dialect', 'debian']],
    ['fix --dry-run (the diff)', ['fix', '--dry-run', '--dialect', 'debian']],
    ['lint --format github', ['lint', '--format', 'github', '--dialect', 'debian']],
    ['lint --format json', ['lint', '--format', 'json', '--dialect', 'debian']],
    ['lint --format sarif', ['lint', '--format', 'sarif', '--dialect', 'debian']],
  ])('%s', (_name, cmd) => {
    const r = inPty([...cmd, evilFile], dir);
    expect([0, 1, 2]).toContain(r.code);
    expect(leftovers(r.bytes)).toEqual([]);
    const text = r.bytes.toString('utf8');
    // Not vacuous: the attacks are in the output, as text (the file name, in each format's own way).
    if (cmd.includes('sarif')) expect(text).toContain('%1B%5B2J');
    else {
      expect(text).toMatch(/\\x1b\[2J|\\u001b\[2J/);
      expect(text).toMatch(/\\u202e/);
    }
  });

  it('error messages that name a file or echo an argument', () => {
    const missing = inPty(['lint', join(dir, `missing${ALL}.conf`)], dir);
    expect(missing.code).toBe(2);
    expect(leftovers(missing.bytes)).toEqual([]);
    expect(missing.bytes.toString('utf8')).toContain('missing\\x1b[2J');
    const usage = inPty(['lint', '--dialect', `debian${ALL}`, evilFile], dir);
    expect(usage.code).toBe(2);
    expect(leftovers(usage.bytes)).toEqual([]);
    expect(usage.bytes.toString('utf8')).toContain('debian\\x1b[2J');
    const explain = inPty(['explain', `MC101${ALL}`], dir);
    expect(explain.code).toBe(2);
    expect(leftovers(explain.bytes)).toEqual([]);
    const unknown = inPty([`lint${ATTACK.clear}`], dir);
    expect(unknown.code).toBe(2);
    expect(leftovers(unknown.bytes)).toEqual([]);
  });

  // SGR and "CR, erase line" are sequences mchard writes itself; names an output forgot to escape used
  // them to hide text (SGR 8, concealed) or wipe out a line already written (a folder's "no memcached
  // configuration found under it" message and -v's "passed over" lines named the folder and its files raw).
  it('folders and the files a walk passes over: nothing but mchard\'s own colour codes reaches the terminal', () => {
    const hide = `\x1b[8m${ATTACK.clear}\r\x1b[2Kwrote`;
    const empty = join(dir, `empty${hide}`);
    mkdirSync(empty);
    const walked = join(dir, 'walked');
    mkdirSync(walked);
    // Looks like memcached's options, at a path that does not say what reads it: passed over, named by -v.
    writeFileSync(join(walked, `memcached${hide}.conf`), '-l 0.0.0.0\n-u memcache\n');
    for (const args of [['lint', empty], ['lint', '-v', walked], ['fix', '--dry-run', '-v', walked], ['inspect', empty]]) {
      const r = inPty(args, dir);
      expect([args, [0, 2].includes(r.code)]).toEqual([args, true]);
      const own = r.bytes.toString('utf8').replace(/\x1b\[(?:1|2|22|3[1-46]|39)m/g, '').replace(/\r\n/g, '\n');
      expect([args, [...own].filter((ch) => ch === '\x1b' || ch === '\r')]).toEqual([args, []]);
      expect(own).toContain('\\x1b[8m\\x1b[2J\\r\\x1b[2Kwrote');
    }
  });

  it('JSON keeps the exact file name and values', () => {
    // The whole file: the OSC 8 line's ";;" is a syntax error for /bin/sh (the wrapper runs these lines through
    // it), so the service fails before memcached runs: one MC914 at that line, no finding about the options.
    const whole = spawnSync(process.execPath, [BIN, 'lint', '--format', 'json', '--dialect', 'debian', evilFile], { encoding: 'utf8' });
    const all = JSON.parse(whole.stdout) as { files: { path: string; findings: { ruleId: string; line: number; message: string }[] }[] };
    expect(all.files[0].path).toBe(evilFile);
    expect(all.files[0].findings.filter((f) => f.ruleId === 'MC914').map((f) => [f.line, f.message.includes('Syntax error: ";;" unexpected')])).toEqual([[6, true]]);
    expect(all.files[0].findings.filter((f) => /^MC[1-8]\d\d$/.test(f.ruleId))).toEqual([]);
    // Without the OSC 8 line memcached runs, and the findings quote the values exactly.
    const file = join(dir, `memcached_json${ALL}.conf`);
    writeFileSync(file, readFileSync(evilFile, 'utf8').replace(`-m 64${ATTACK.osc8}\n`, '-m 64\n'));
    const r = spawnSync(process.execPath, [BIN, 'lint', '--format', 'json', '--dialect', 'debian', file], { encoding: 'utf8' });
    const doc = JSON.parse(r.stdout) as { files: { path: string; findings: { message: string }[] }[] };
    expect(doc.files[0].path).toBe(file);
    expect(doc.files[0].findings.some((f) => f.message.includes(`0.0.0.0${ESC}]52`))).toBe(true);
  });
});

d('audit of a real process whose arguments hold the attacks', () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('shows them escaped in text and keeps them exact in JSON', async () => {
    // A copy of tail named memcached: audit takes it for memcached by its executable's name. It follows
    // /dev/null and reports the other arguments as files it cannot open, and stays up.
    const fake = join(tmp.path, 'bin', 'memcached');
    mkdirSync(join(tmp.path, 'bin'));
    copyFileSync('/usr/bin/tail', fake);
    const words = ['-f', '/dev/null', ATTACK.clear, ATTACK.osc52, ATTACK.osc8, `x${ATTACK.cr}`, `abc${ATTACK.rlo}def`];
    child = spawn(fake, words, { argv0: 'memcached', stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(`/proc/${child.pid}`)).toBe(true);
    const r = inPty(['audit', '--pid', String(child.pid)], tmp.path);
    expect([0, 1, 2]).toContain(r.code);
    expect(leftovers(r.bytes)).toEqual([]);
    const text = r.bytes.toString('utf8');
    expect(text).toContain("$'\\x1b[2J'");
    expect(text).toContain("$'abc\\u202edef'");
    const json = spawnSync(process.execPath, [BIN, 'audit', '--format', 'json', '--pid', String(child.pid)], { encoding: 'utf8' });
    const doc = JSON.parse(json.stdout) as { files: { process: { command: string[] } }[] };
    expect(doc.files[0].process.command).toEqual(['memcached', ...words]);
    expect(leftovers(Buffer.from(json.stdout))).toEqual([]);
  });
});
