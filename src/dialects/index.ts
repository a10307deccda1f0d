/** Parsing a file in its dialect. */
import type { SourceText } from '../source.js';
import type { DialectName, ParsedConfig } from './types.js';
import { parseDebian } from './debian.js';
import { parseSysconfig } from './sysconfig.js';

export function parseConfig(source: SourceText, dialect: DialectName): ParsedConfig {
  switch (dialect) {
    case 'debian':
      return parseDebian(source);
    case 'sysconfig':
      return parseSysconfig(source);
  }
}
