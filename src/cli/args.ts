/** Command-line parsing shared by the commands (node:util parseArgs), and the usage error type. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
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

export function parseCommandArgs<T extends OptionSpecs>(argv: string[], options: T) {
  const args = prepareArgs(argv, options);
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(usageMessage(e as Error & { code?: string }, options));
  }
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
 * parseArgs's message said in mchard's words: options by their long names only (never an undocumented
 * short alias), and the nearest option for a mistyped one.
 */
function usageMessage(e: Error & { code?: string }, options: OptionSpecs): string {
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
