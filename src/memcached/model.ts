/**
 * The memcached model: from an argument vector to what memcached does with it. getopt, then the option
 * switch, then the start-up sequence. This is the one entry point the rest of mchard uses.
 */
import type { ArgToken } from '../source.js';
import { getopt, type GetoptResult } from './getopt.js';
import { applyOptions, type Applied } from './settings.js';
import { evaluateStartup, SERVICE_HOST, type HostFacts, type StartupResult } from './startup.js';
import { NEWEST_KNOWN, parseVersion, type Version } from './version.js';

export interface ModelOptions {
  version?: Version;
  host?: HostFacts;
}

export interface MemcachedModel extends StartupResult {
  version: Version;
  argv: readonly ArgToken[];
  parsed: GetoptResult;
  applied: Applied;
}

export const DEFAULT_VERSION: Version = parseVersion(NEWEST_KNOWN)!;

export function analyze(argv: readonly ArgToken[], opts: ModelOptions = {}): MemcachedModel {
  const version = opts.version ?? DEFAULT_VERSION;
  const parsed = getopt(argv, version);
  const applied = applyOptions(parsed, version);
  const start = evaluateStartup(applied, version, opts.host ?? SERVICE_HOST);
  return { version, argv, parsed, applied, ...start };
}
