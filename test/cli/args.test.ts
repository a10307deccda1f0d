/**
 * parseCommandArgs reads arguments by node:util parseArgs's rules without loading it (start-up, issue 18).
 * The oracle is parseArgs itself (strict, positionals allowed), with its errors said in mchard's words
 * as mchard said them when it called parseArgs: the same values, positionals and error message for
 * generated argument lists over every command's real option table.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { parseCommandArgs, readArgs, UsageError, type OptionSpecs } from '../../src/cli/args.js';
import { didYouMean } from '../../src/suggest.js';
import { COMMON_OPTIONS } from '../../src/cli/args.js';

/** mchard's words for parseArgs's errors, as src/cli/args.ts had them before it read arguments itself. */
function oldMessage(e: Error & { code?: string }, options: OptionSpecs): string {
  const msg = String(e.message);
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = (/^Unknown option '([^']*)'/.exec(msg)?.[1] ?? msg).split('=')[0];
    const names = Object.keys(options).map((n) => `--${n}`);
    return `unknown option ${flag}${flag.startsWith('--') ? didYouMean(flag, names) : ''}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([A-Za-z0-9-]+)/.exec(msg)?.[1];
    if (name) {
      if (/does not take an argument/.test(msg)) return `--${name} takes no value`;
      if (/ambiguous/.test(msg)) return `--${name} needs a value (for a value that starts with "-", write --${name}=VALUE)`;
      return `--${name} needs a value`;
    }
  }
  return msg.replace(/\. To specify a positional argument.*$/s, '');
}

type Outcome = { ok: true; values: Record<string, unknown>; positionals: string[] } | { ok: false; message: string };

function oracle(args: string[], options: OptionSpecs): Outcome {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { ok: true, values: { ...r.values }, positionals: r.positionals };
  } catch (e) {
    return { ok: false, message: oldMessage(e as Error & { code?: string }, options) };
  }
}

function ours(args: string[], options: OptionSpecs, read: (a: string[], o: OptionSpecs) => { values: object; positionals: string[] } = readArgs): Outcome {
  try {
    // readArgs: what parseArgs was given (parseCommandArgs first rewrites --color[=WHEN], test/cli/output.test.ts).
    const r = read(args, options);
    return { ok: true, values: { ...r.values }, positionals: r.positionals };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { ok: false, message: e.message };
  }
}

/** Option tables shaped like mchard's commands': strings and booleans, short names, repeatable options. */
const TABLES: OptionSpecs[] = [
  {
    format: { type: 'string', short: 'f' },
    help: { type: 'boolean', short: 'h' },
    quiet: { type: 'boolean', short: 'q' },
    config: { type: 'string' },
    'max-file-size': { type: 'string' },
    'host-checks': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    listen: { type: 'string', multiple: true },
    pid: { type: 'string', multiple: true, short: 'p' },
    verbose: { type: 'boolean', short: 'v', multiple: true },
  },
  { ...COMMON_OPTIONS, dialect: { type: 'string', short: 'd' } },
  { help: { type: 'boolean', short: 'h' } },
];

/** Words an argument list is made of: options as written, broken ones, values, dashes, `=`. */
const WORD = fc.oneof(
  fc.constantFrom('--format', '-f', '--help', '-h', '-q', '-hq', '-qh', '-hqf', '-fq', '-qfx', '-f-x', '--config', '--max-file-size', '--host-checks'),
  fc.constantFrom('-y', '-yv', '--yes', '--listen', '--pid', '-p', '-p1', '-vv', '--verbose', '-d', '--dialect', '--color', '--no-color'),
  fc.constantFrom('--', '-', '---', '--=', '--=x', '-=', '--format=', '--format=-x', '--help=', '--help=yes', '--quiet=1', '--formt', '--fromat', '-x', '-xyz', '--__proto__', '--constructor', '-\u00e9'),
  fc.constantFrom('json', 'text', 'a.conf', '-1', '0', 'x=y', ''),
  fc.stringMatching(/^-{0,2}[a-z=-]{0,6}$/),
);

describe('parseCommandArgs reads arguments as node:util parseArgs does', () => {
  test.each(TABLES.map((t, k) => [k, t] as const))('option table %i: the same values, positionals and errors', (_k, table) => {
    fc.assert(
      fc.property(fc.array(WORD, { maxLength: 7 }), (args) => {
        expect(ours(args, table)).toEqual(oracle(args, table));
      }),
      { numRuns: 4000, seed: 18 },
    );
  });

  test('examples: a short group whose option takes a value, a repeated option, a value like an option', () => {
    const t = TABLES[0];
    expect(ours(['-hqfjson', 'x'], t)).toEqual({ ok: true, values: { help: true, quiet: true, format: 'json' }, positionals: ['x'] });
    expect(ours(['--listen', 'a', '--listen=b', '-f', 'x', '--format', 'y'], t)).toEqual({ ok: true, values: { listen: ['a', 'b'], format: 'y' }, positionals: [] });
    expect(ours(['--format', '--quiet'], t)).toEqual({ ok: false, message: '--format needs a value (for a value that starts with "-", write --format=VALUE)' });
    expect(ours(['--formt', 'json'], t)).toEqual({ ok: false, message: 'unknown option --formt (did you mean --format?)' });
    expect(ours(['--', '--format'], t)).toEqual({ ok: true, values: {}, positionals: ['--format'] });
    // Through parseCommandArgs: --color=never then --color, the last one winning, is --color.
    expect(ours(['--color=never', '--color', 'x'], TABLES[1], parseCommandArgs)).toEqual({ ok: true, values: { color: true }, positionals: ['x'] });
  });
});
