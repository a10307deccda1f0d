/** Command-line parsing shared by the commands (node:util parseArgs), and the usage error type. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
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
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
}
