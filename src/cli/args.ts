/** Command-line parsing shared by the commands (node:util parseArgs's rules), and the usage error type. */
import type { parseArgs, ParseArgsConfig } from 'node:util';
import { didYouMean, suggestion } from '../suggest.js';
import { boundedMessage, visible } from '../report/visible.js';
import { DEFAULT_MAX_FILE_SIZE } from '../input.js';

/** A usage error; its message echoes arguments, so it is made safe to show (controls escaped, long values cut). */
export class UsageError extends Error {
  constructor(message: string) {
    super(visible(boundedMessage(message)));
  }
}

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Options every file-reading command accepts. */
export const COMMON_OPTIONS = {
  dialect: { type: 'string' },
  config: { type: 'string' },
  'memcached-version': { type: 'string' },
  format: { type: 'string', short: 'f' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'max-file-size': { type: 'string' },
} as const satisfies OptionSpecs;

/** `--max-file-size SIZE`: bytes, or with a K, M or G suffix (powers of 1024); the default 1 MiB. */
export function parseMaxFileSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_FILE_SIZE;
  const m = /^(\d+)\s*([KMG]?)(?:i?B)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--max-file-size must be a size such as 1048576, 512K, 10M or 1G (got "${value}")`);
  const n = Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase());
  // Beyond 256 MiB a file is no configuration file, and its text would near JavaScript's string limit.
  if (n < 1 || n > 256 * 1024 * 1024) throw new UsageError(`--max-file-size must be between 1 byte and 256M (got "${value}")`);
  return n;
}

/** What parseArgs({ args, options, allowPositionals: true, strict: true }) returns, typed by the options. */
export type ParsedArgs<T extends OptionSpecs> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

export function parseCommandArgs<T extends OptionSpecs>(argv: string[], options: T): ParsedArgs<T> {
  return readArgs(prepareArgs(argv, options), options) as ParsedArgs<T>;
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const hint = suggestion(value, allowed);
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}"${hint ? `; ${hint}` : ''})`);
}

export const COLOR_WHEN = ['auto', 'always', 'never'] as const;

/**
 * The arguments as parseArgs is given them. For a command with `--color`: `--color[=auto|always|never]`
 * and `--no-color`, the last one winning, become `--color` (always), `--no-color` (never) or nothing
 * (auto). A long option written with one dash (`-format`, which parseArgs would read as `-f ormat`) is
 * a usage error that names the option meant.
 */
function prepareArgs(argv: string[], options: OptionSpecs): string[] {
  const out: string[] = [];
  let when: (typeof COLOR_WHEN)[number] | null = null;
  const colour = Object.hasOwn(options, 'color');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const single = /^-([a-z][a-z-]+)(?:=.*)?$/.exec(a);
    if (single && Object.hasOwn(options, single[1])) throw new UsageError(`unknown option ${a.split('=')[0]} (did you mean --${single[1]}?)`);
    if (colour) {
      const m = /^--color(?:=(.*))?$/.exec(a);
      if (m) {
        when = m[1] === undefined ? 'always' : oneOf('color', m[1], COLOR_WHEN, 'auto');
        continue;
      }
      if (a === '--no-color') {
        when = 'never';
        continue;
      }
    }
    out.push(a);
  }
  if (when === 'always') out.unshift('--color');
  if (when === 'never') out.unshift('--no-color');
  return out;
}

/**
 * The arguments read by node:util parseArgs's rules (strict, positionals allowed; Node.js 20's
 * lib/internal/util/parse_args), without loading it: parseArgs and the internal modules it needs cost
 * every start about 0.6 ms. test/cli/args.test.ts holds this to parseArgs itself on generated argument
 * lists. A usage error is said in mchard's words: an option by its long name only (never an undocumented
 * short alias), and the nearest option for a mistyped one.
 *
 * The rules: `--` ends the options; `-x` is the option whose short name is x (its value the next argument
 * when it takes one); `-xyz` is `-x -y -z` when x takes no value, else `-x yz`, and in a group, the first
 * option that takes a value takes the rest of the group; `--name` takes the next argument as its value
 * when it takes one, `--name=value` its value inline; anything else is a positional (`-` too). Then, in
 * order: an unknown option, an option that takes a value without one, a value given to one that takes
 * none, and a value taken from the next argument that looks like an option (`--format --quiet`) are
 * errors. The last of a repeated option wins, unless it is `multiple` (all, in order).
 */
export function readArgs(args: readonly string[], options: OptionSpecs): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  const own = (name: string) => (Object.hasOwn(options, name) ? options[name] : undefined);
  const longFor = (short: string): string => {
    for (const name of Object.keys(options)) if (options[name].short === short) return name;
    return short;
  };
  const takesValue = (name: string) => own(name)?.type === 'string';
  const values: Record<string, string | boolean | (string | boolean)[] | undefined> = Object.create(null);
  const positionals: string[] = [];
  const queue = [...args];
  while (queue.length > 0) {
    const arg = queue.shift()!;
    if (arg === '--') {
      positionals.push(...queue);
      break;
    }
    let name: string;
    let raw: string;
    let value: string | undefined;
    let inline = false;
    if (arg.length === 2 && arg[0] === '-' && arg[1] !== '-') {
      name = longFor(arg[1]);
      raw = arg;
      if (takesValue(name) && queue.length > 0) value = queue.shift();
    } else if (arg.length > 2 && arg[0] === '-' && arg[1] !== '-') {
      name = longFor(arg[1]);
      if (!takesValue(name)) {
        // A group: each option in turn, until one that takes a value takes the rest.
        const expanded: string[] = [];
        for (let k = 1; k < arg.length; k++) {
          if (takesValue(longFor(arg[k])) && k < arg.length - 1) {
            expanded.push(`-${arg.slice(k)}`);
            break;
          }
          expanded.push(`-${arg[k]}`);
        }
        queue.unshift(...expanded);
        continue;
      }
      raw = `-${arg[1]}`;
      value = arg.slice(2);
      inline = true;
    } else if (arg.length > 2 && arg.startsWith('--')) {
      const eq = arg.indexOf('=', 3);
      if (eq === -1) {
        name = arg.slice(2);
        raw = arg;
        if (takesValue(name) && queue.length > 0) value = queue.shift();
      } else {
        name = arg.slice(2, eq);
        raw = `--${name}`;
        value = arg.slice(eq + 1);
        inline = true;
      }
    } else {
      positionals.push(arg);
      continue;
    }
    const spec = own(name);
    if (!spec) {
      const names = Object.keys(options).map((n) => `--${n}`);
      const flag = raw.split('=')[0];
      throw new UsageError(`unknown option ${flag}${flag.startsWith('--') ? didYouMean(flag, names) : ''}`);
    }
    if (spec.type === 'string' && value === undefined) throw new UsageError(`--${name} needs a value`);
    if (spec.type === 'boolean' && value !== undefined) throw new UsageError(`--${name} takes no value`);
    if (!inline && value !== undefined && value.length > 1 && value[0] === '-') {
      throw new UsageError(`--${name} needs a value (for a value that starts with "-", write --${name}=VALUE)`);
    }
    if (name === '__proto__') continue;
    const got = value ?? true;
    if (spec.multiple) {
      const list = values[name];
      if (Array.isArray(list)) list.push(got);
      else values[name] = [got];
    } else {
      values[name] = got;
    }
  }
  return { values, positionals };
}
