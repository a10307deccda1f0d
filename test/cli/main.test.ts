import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, errorLines, ROOT } from './helpers.js';
import { MAIN_HELP } from '../../src/cli/main.js';
import { VERSION } from '../../src/version.js';

describe('mchard (dispatch, help, version)', () => {
  it.each([['--version'], ['-V']])('%s prints the version on stdout and exits 0', async (flag) => {
    const r = await run([flag]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`mchard ${VERSION}\n`);
    expect(r.err).toBe('');
  });

  it.each([['--help'], ['-h'], ['help']])('%s prints the usage on stdout and exits 0', async (flag) => {
    const r = await run([flag]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(MAIN_HELP);
    expect(r.out).toMatch(/^Usage: mchard COMMAND/);
    for (const cmd of ['lint', 'inspect', 'rules', 'explain', 'help']) expect(r.out).toContain(`  ${cmd}`);
    expect(r.err).toBe('');
  });

  it('with no command prints the usage on stderr and exits 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('Usage: mchard');
  });

  it.each(['lint', 'inspect', 'rules', 'explain'])('help %s and %s --help print the same help on stdout', async (cmd) => {
    const a = await run(['help', cmd]);
    const b = await run([cmd, '--help']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.out).toMatch(new RegExp(`^Usage: mchard ${cmd}\\b`));
    expect(a.err).toBe('');
    expect(b.err).toBe('');
    expect(b.out.split('\n')[0]).toBe(a.out.split('\n')[0]);
  });

  it('help lint documents every lint option', async () => {
    const r = await run(['help', 'lint']);
    for (const opt of ['--format', '--fail-on', '--config', '--disable', '--dialect', '--memcached-version', '--trusted-network', '--quiet', '--color', '--no-color']) {
      expect(r.out).toContain(opt);
    }
    expect(r.out).toMatch(/text\|json\|sarif\|github/);
    expect(r.out).toMatch(/Exit status/);
  });

  it('an unknown command is a one-line error on stderr, exit 2', async () => {
    const r = await run(['frobnicate', 'x.conf']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^mchard: unknown command "frobnicate"/);
  });

  it('help for an unknown command is an error too', async () => {
    const r = await run(['help', 'frobnicate']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(errorLines(r.err)).toEqual(['mchard: unknown command "frobnicate" (try mchard --help)']);
  });

  it('an unknown option is a one-line usage error, exit 2', async () => {
    for (const cmd of ['lint', 'inspect', 'rules', 'explain']) {
      const r = await run([cmd, '--frobnicate']);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(errorLines(r.err)).toHaveLength(1);
      expect(r.err).toMatch(/^mchard: .*--frobnicate/);
    }
  });

  it('the version matches package.json in the build (and is "dev" from source)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(VERSION).toBe('dev');
  });
});
