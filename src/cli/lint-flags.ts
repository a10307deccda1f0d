/** The flags `lint` and `fix` share, validated once: format, threshold, dialect, version, networks, rules off. */
import { oneOf, UsageError } from './args.js';
import { didYouMean, ruleNames } from '../suggest.js';
import { parseDialectFlag, parseVersionFlag } from './files.js';
import { systemConfigFiles } from './targets.js';
import { parseCidrs } from '../engine/exposure.js';
import { SEVERITIES, type Rule, type Severity } from '../engine/types.js';
import { FORMATS } from '../report/index.js';

export const SHARED_LINT_OPTIONS = {
  'fail-on': { type: 'string' },
  disable: { type: 'string', multiple: true },
  'trusted-network': { type: 'string', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** Severity order for thresholds. */
export const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function parseLintFlags(
  values: {
    format?: string;
    'fail-on'?: string;
    dialect?: string;
    'memcached-version'?: string;
    'trusted-network'?: string[];
    disable?: string[];
  },
  positionals: string[],
  rules: readonly Rule[],
) {
  const format = oneOf('format', values.format, FORMATS, 'text');
  const failOnFlag = values['fail-on'] === undefined ? undefined : oneOf('fail-on', values['fail-on'], SEVERITIES, 'error');
  const dialect = parseDialectFlag(values.dialect);
  const version = parseVersionFlag(values['memcached-version']);
  const trusted = values['trusted-network'] ?? [];
  try {
    parseCidrs(trusted);
  } catch (e) {
    throw new UsageError(`--trusted-network: ${(e as Error).message}`);
  }
  const disabled = new Set<string>();
  for (const item of (values.disable ?? []).flatMap((d) => d.split(','))) {
    const name = item.trim();
    if (!name) continue;
    const rule = rules.find((r) => r.id === name.toUpperCase() || r.slug === name);
    if (!rule) throw new UsageError(`--disable: unknown rule "${name}"${didYouMean(name, ruleNames(rules))}`);
    disabled.add(rule.id);
  }
  const paths = positionals.length ? positionals : systemConfigFiles();
  if (paths.length === 0) {
    throw new UsageError('no FILE given and no memcached configuration found on this host\'s system paths (mchard help lint lists them)');
  }
  return { format, failOnFlag, dialect, version, trusted, disabled, paths };
}
