/**
 * The built CLI at a real terminal: `script` gives it a pseudo-terminal, the test waits for enquirer's
 * prompt and answers y or n. Also: no terminal at all (it must not hang), --dry-run, and the bundle
 * loading `diff` and `enquirer` only for `fix`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildCli } from './helpers.js';

const INSECURE = '# app servers\n-m 1024\n-p 11211\n-u root\n-l 0.0.0.0\n-vv\n-A\n';
const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.warn('skipping the pseudo-terminal tests: util-linux "script" is not installed');

let cli = '';
let dir = '';
beforeAll(async () => {
  cli = await buildCli();
}, 60000);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mchard-tty-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(() => cli && rmSync(dirname(cli), { recursive: true, force: true }));

/** The node process among the descendants of `pid`. */
function nodeBelow(pid: number): number {
  const rows = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
  const below = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of rows) if (below.has(Number(pp)) && !below.has(Number(p))) grew = Boolean(below.add(Number(p)));
  }
  const found = rows.find(([p, , comm]) => below.has(Number(p)) && Number(p) !== pid && comm === 'node');
  if (!found) throw new Error(`no node process below ${pid}`);
  return Number(found[0]);
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI in a pseudo-terminal; answers `answer` (or calls `atPrompt`) once the prompt shows. */
function inTerminal(
  args: string[],
  answer: string | null,
  timeoutMs = 20000,
  atPrompt?: (child: ChildProcess) => void,
  stdoutTo?: string,
): Promise<{ code: number | null; out: string; prompted: boolean }> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, cli, ...args].map(q).join(' ') + (stdoutTo ? ` > ${q(stdoutTo)}` : '');
    const child = spawn('script', ['-qefc', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' } });
    let out = '';
    let prompted = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out; output so far:\n${out}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!prompted && out.includes('Write these changes to')) {
        prompted = true;
        if (answer !== null) child.stdin.write(answer);
        atPrompt?.(child);
      }
    });
    child.stderr.on('data', (d: Buffer) => void (out += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, prompted });
    });
  });
}

(hasScript ? describe : describe.skip)('mchard fix at a terminal', () => {
  it('asks, and writes when the answer is y', async () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const r = await inTerminal(['fix', '--unsafe-fixes', '--no-color', f], 'y');
    expect(r.prompted).toBe(true);
    expect(r.out).toContain('+-l 127.0.0.1');
    expect(r.out).toContain(`wrote ${f}`);
    expect(r.code).toBe(0);
    expect(readFileSync(f, 'utf8')).toContain('# mchard: -A removed (MC501 shutdown-command-enabled)');
  });

  it('asks, and writes nothing when the answer is n (exit 1)', async () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const r = await inTerminal(['fix', '--no-color', f], 'n');
    expect(r.prompted).toBe(true);
    expect(r.out).toContain(`not written: ${f} (answered no): 4 errors, 1 warning, 6 infos remain`);
    expect(r.out).toMatch(/\n4 errors, 1 warning, 6 infos in 1 file\r?\n$/);
    expect(r.code).toBe(1);
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
  });

  it('the question and its answer read as words: "[y/N]", then "yes" or "no" (never true/false, no ✔ for no)', async () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const no = await inTerminal(['fix', '--no-color', f], 'n');
    expect(no.out).toContain(`? Write these changes to ${f}? [y/N] `);
    expect(no.out).toContain(`✖ Write these changes to ${f}? · no\r\n`);
    expect(no.out).not.toMatch(/false|true|\(y\/N\)|✔/);
    const yes = await inTerminal(['fix', '--no-color', f], 'y');
    expect(yes.out).toContain(`✔ Write these changes to ${f}? · yes\r\n`);
    expect(yes.out).not.toMatch(/false|true/);
  });

  it('Ctrl-C at the first of two questions: exit 130, both files untouched, no second question', async () => {
    const a = join(dir, 'memcached_a.conf');
    const b = join(dir, 'memcached_b.conf');
    writeFileSync(a, INSECURE);
    writeFileSync(b, INSECURE);
    const r = await inTerminal(['fix', '--no-color', a, b], '\x03');
    expect(r.prompted).toBe(true);
    expect(r.code).toBe(130);
    expect(r.out).toContain(`✖ Write these changes to ${a}? · interrupted`);
    expect(r.out).not.toContain(`Write these changes to ${b}`);
    expect(r.out).not.toContain(`--- ${b}`);
    expect(r.out).toContain('mchard: stopped by SIGINT (exit status 130): every file is as it was');
    expect(readFileSync(a, 'utf8')).toBe(INSECURE);
    expect(readFileSync(b, 'utf8')).toBe(INSECURE);
    expect(readdirSync(dir).sort()).toEqual(['memcached_a.conf', 'memcached_b.conf']);
  });

  it('--format json: the diff and the question go to the terminal on stderr; stdout holds only the JSON report', async () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const report = join(dir, 'report.json');
    const r = await inTerminal(['fix', '--format', 'json', '--no-color', f], 'n', 20000, undefined, report);
    expect(r.prompted).toBe(true);
    expect(r.out).toContain(`✖ Write these changes to ${f}? · no`);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.files[0]).toMatchObject({ path: f, changed: true, written: false, notFixed: expect.arrayContaining([expect.objectContaining({ reason: 'answered no' })]) });
    expect(r.code).toBe(1);
  });

  it('SIGTERM while a question is shown: the prompt ends, nothing is written, exit 143', async () => {
    const a = join(dir, 'memcached_a.conf');
    writeFileSync(a, INSECURE);
    const r = await inTerminal(['fix', '--no-color', a], null, 20000, (child) => {
      // The CLI runs under script(1) (through a shell or not): signal the node process below it, not script.
      process.kill(nodeBelow(child.pid!), 'SIGTERM');
    });
    expect(r.code).toBe(143);
    expect(r.out).toContain(`✖ Write these changes to ${a}? · interrupted`);
    expect(readFileSync(a, 'utf8')).toBe(INSECURE);
  });

  it('Enter takes the default, which is no', async () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const r = await inTerminal(['fix', '--no-color', f], '\r');
    expect(r.code).toBe(1);
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
  });

  it('--yes does not ask', async () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const r = await inTerminal(['fix', '--yes', '--unsafe-fixes', '--no-color', f], null);
    expect(r.prompted).toBe(false);
    expect(r.code).toBe(0);
    expect(readFileSync(f, 'utf8')).not.toBe(INSECURE);
  });
});

describe('mchard fix without a terminal', () => {
  it('prints the diff, writes nothing, exits 1, and never waits for input', () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    // stdin is a pipe that stays open: a command that waited for an answer would time out.
    const r = spawnSync(process.execPath, [cli, 'fix', f], { input: 'y\n', encoding: 'utf8', timeout: 20000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('+-l 127.0.0.1');
    expect(r.stdout).toContain(`not written: ${f} (no terminal to confirm; use --yes): 4 errors, 1 warning, 6 infos remain\n`);
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
  });

  it('--dry-run: diff, nothing written, exit 1; then --yes; then --dry-run exits 0', () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const env = { ...process.env, NO_COLOR: '1' };
    const dry = spawnSync(process.execPath, [cli, 'fix', '--dry-run', f], { encoding: 'utf8', timeout: 20000, env });
    expect(dry.status).toBe(1);
    expect(dry.stdout).toContain(`--- ${f}\toriginal`);
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
    expect(spawnSync(process.execPath, [cli, 'fix', '--yes', '--unsafe-fixes', f], { encoding: 'utf8', timeout: 20000, env }).status).toBe(0);
    expect(spawnSync(process.execPath, [cli, 'fix', '--dry-run', f], { encoding: 'utf8', timeout: 20000, env }).status).toBe(0);
  });

  it('--color colours the diff', () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    const r = spawnSync(process.execPath, [cli, 'fix', '--dry-run', '--color', f], { encoding: 'utf8', timeout: 20000 });
    expect(r.stdout).toContain('\x1b[32m+-l 127.0.0.1\x1b[39m');
    expect(r.stdout).toContain('\x1b[31m--l 0.0.0.0\x1b[39m');
  });

  const root = process.getuid?.() === 0;
  const setpriv = root && spawnSync('setpriv', ['--version']).status === 0;
  (setpriv ? it : it.skip)('a folder it cannot write in is reported (exit 2) and the file is untouched (run as nobody)', () => {
    const f = join(dir, 'memcached.conf');
    writeFileSync(f, INSECURE);
    chmodSync(f, 0o644);
    chmodSync(dir, 0o755);
    chmodSync(dirname(cli), 0o755);
    for (const x of readdirSync(dirname(cli))) chmodSync(join(dirname(cli), x), 0o644);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cli, 'fix', '--yes', f], {
      encoding: 'utf8',
      timeout: 20000,
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' },
    });
    expect(r.stderr).toMatch(/cannot create a file in this folder \(permission denied\); the original is unchanged/);
    expect(r.status).toBe(2);
    expect(readFileSync(f, 'utf8')).toBe(INSECURE);
    expect(readdirSync(dir)).toEqual(['memcached.conf']);
  });
});

describe('the bundle', () => {
  /** Every file a chunk imports statically, transitively. */
  function staticClosure(entry: string): Set<string> {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.\/[^"]+)";/gms)) visit(join(dirname(file), m[1]));
      for (const m of text.matchAll(/^import\s*"(\.\/[^"]+)";/gm)) visit(join(dirname(file), m[1]));
    };
    visit(entry);
    return seen;
  }

  it('lint and inspect never load diff or enquirer; fix loads them on demand', () => {
    const out = dirname(cli);
    const chunk = (prefix: string) => join(out, readdirSync(out).find((f) => f.startsWith(`${prefix}-`) && f.endsWith('.js'))!);
    for (const command of ['lint', 'inspect']) {
      const files = [...staticClosure(cli), ...staticClosure(chunk(command))];
      const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
      expect({ command, diff: text.includes('createTwoFilesPatch'), enquirer: /class BooleanPrompt|enquirer/i.test(text) }).toEqual({ command, diff: false, enquirer: false });
    }
    expect(staticClosure(chunk('lint')).size).toBeGreaterThan(1);
    const fixFiles = [...staticClosure(chunk('fix'))].map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(fixFiles).not.toContain('createTwoFilesPatch');
    expect(existsSync(chunk('diff'))).toBe(true);
  });
});
