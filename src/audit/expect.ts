/**
 * What a configuration file would start now: the file read in its dialect, its argument vector, and the
 * memcached model's listeners, user and start-up outcome for it.
 */
import { statSync } from 'node:fs';
import { parseConfig } from '../dialects/index.js';
import { parseContextOf } from '../cli/companions.js';
import type { DialectName } from '../dialects/types.js';
import { analyzeConfig } from '../engine/lint.js';
import type { RuleOptions } from '../engine/types.js';
import { loadFile } from '../cli/files.js';
import type { HostFileAccess } from '../input.js';
import type { Expectation } from './types.js';

export async function expectationOf(
  path: string,
  options: RuleOptions,
  dialect?: DialectName,
  read: { hostFiles?: HostFileAccess; maxBytes?: number } = {},
): Promise<Expectation> {
  const file = await loadFile(path, dialect, { maxBytes: read.maxBytes });
  const config = parseConfig(file.source, file.dialect, { hostFiles: read.hostFiles, ...parseContextOf(path, file.dialect) });
  const model = analyzeConfig(config, options);
  let modifiedAt: number | null = null;
  try {
    modifiedAt = statSync(path).mtimeMs;
  } catch {
    // read a moment ago; a race with a deletion leaves the time unknown
  }
  return {
    path,
    dialect: file.dialect,
    words: config.argv.map((t) => t.value),
    exact: config.argvExact,
    listeners: model.listeners,
    runsAs: model.runsAs,
    startup: model.startup,
    pidFile: model.applied.settings.pidFile,
    modifiedAt,
  };
}
