/**
 * Whether standard output is a terminal decides colour, and asking must not cost the tty module (it loads
 * node:net and the stream stack, about 4 ms of every start whose output is a terminal or /dev/null):
 * src/cli/io.ts asks Node.js's tty binding. Proven against tty.isatty itself on real descriptors (a
 * pseudo-terminal made by util-linux's script(1), /dev/null, a pipe, a file), and on the built CLI: colour
 * on a terminal, none on /dev/null, no tty or net module loaded on either; and under
 * --pending-deprecation (where process.binding warns) the tty module answers, with no warning printed.
 */
import { spawnSync } from 'node:child_process';
import { isatty } from 'node:tty';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ttyBinding } from '../../src/cli/io.js';
import { BIN, TempDir, ensureBuilt } from './helpers.js';

/** Prints [the binding's answer, tty.isatty's] for standard output. */
const PROBE = "const b = process.binding('tty_wrap'); require('node:fs').writeSync(1, JSON.stringify([b.isTTY(1), require('node:tty').isatty(1)]) + '\\n');";
const hasScript = spawnSync('script', ['--version']).status === 0;
let tmp: TempDir;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-tty-');
});
afterAll(() => tmp?.cleanup());

/** Runs `node ARGS` with standard output on a new pseudo-terminal (script -q), returns what it printed. */
function onTerminal(args: string[], env: Record<string, string> = {}): string {
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qefc', quoted, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env }, timeout: 30_000 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`script: ${r.status} ${r.stderr}`);
  return r.stdout;
}

describe('the tty binding answers as tty.isatty', () => {
  it('on /dev/null, a pipe and a file: no terminal', () => {
    const isTTY = ttyBinding({}, []);
    expect(isTTY).not.toBeNull();
    const devnull = openSync('/dev/null', 'r');
    const file = openSync(join(tmp.path, 'f'), 'w');
    try {
      for (const fd of [devnull, file]) expect(isTTY!(fd)).toBe(isatty(fd));
      expect(isTTY!(devnull)).toBe(false);
    } finally {
      closeSync(devnull);
      closeSync(file);
    }
    // A pipe: a child's standard output, as spawnSync makes it.
    const r = spawnSync(process.execPath, ['-e', PROBE], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('[false,false]');
  });

  (hasScript ? it : it.skip)('on a pseudo-terminal: a terminal, as tty.isatty says', () => {
    expect(onTerminal(['-e', PROBE]).trim()).toBe('[true,true]');
  });

  it('is not used under --pending-deprecation, where process.binding warns', () => {
    expect(ttyBinding({ NODE_OPTIONS: '--pending-deprecation' }, [])).toBeNull();
    expect(ttyBinding({ NODE_OPTIONS: '--max-old-space-size=100 --pending-deprecation' }, [])).toBeNull();
    expect(ttyBinding({ NODE_PENDING_DEPRECATION: '1' }, [])).toBeNull();
    expect(ttyBinding({}, ['--pending-deprecation'])).toBeNull();
    // Control: other flags leave it in use.
    expect(ttyBinding({ NODE_OPTIONS: '--no-pending-deprecation-x' }, ['--trace-warnings'])).not.toBeNull();
  });
});

describe('the built CLI', () => {
  /** A hook that writes, at exit, the built-in modules the process loaded into a file. */
  const hook = (log: string): string =>
    tmp.write('hook.cjs', `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, process.moduleLoadList.join('\\n')));\n`);
  const conf = (): string => tmp.write('etc/memcached.conf', '-u root\n-l 0.0.0.0\n');

  it('writing to /dev/null: neither the tty nor the net module loaded', () => {
    const log = join(tmp.path, 'null.txt');
    writeFileSync(log, '');
    const out = openSync('/dev/null', 'w');
    try {
      const r = spawnSync(process.execPath, ['--require', hook(log), BIN, 'lint', conf()], { stdio: ['ignore', out, 'pipe'], env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' } });
      expect(r.status).toBe(1);
    } finally {
      closeSync(out);
    }
    const loaded = readFileSync(log, 'utf8').split('\n');
    expect(loaded).toContain('Internal Binding tty_wrap');
    expect(loaded.filter((m) => m === 'NativeModule tty' || m === 'NativeModule net')).toEqual([]);
  });

  (hasScript ? it : it.skip)('on a terminal: colour, no tty module; under --pending-deprecation: colour, and no warning', () => {
    const log = join(tmp.path, 'pty.txt');
    const file = conf();
    const shown = onTerminal(['--require', hook(log), BIN, 'lint', file]);
    expect(shown).toContain('\u001b[');
    expect(shown).toContain('MC201');
    expect(readFileSync(log, 'utf8').split('\n').filter((m) => m === 'NativeModule tty' || m === 'NativeModule net')).toEqual([]);
    // Control: the same run with --pending-deprecation takes the tty module, prints no DeprecationWarning.
    const pending = onTerminal(['--pending-deprecation', '--require', hook(log), BIN, 'lint', file]);
    expect(pending).toContain('\u001b[');
    expect(pending).not.toMatch(/DeprecationWarning|DEP0111/);
    expect(readFileSync(log, 'utf8').split('\n')).toContain('NativeModule tty');
  });
});
