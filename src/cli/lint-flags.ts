/**
 * The flags `lint`, `fix` and `audit` share, validated once: format, threshold, dialect, version,
 * networks, rules off, the baseline, the SARIF category and the output file.
 */
import { resolve } from 'node:path';
import { oneOf, UsageError } from './args.js';
import { didYouMean, ruleNames } from '../suggest.js';
import { parseDialectFlag, parseVersionFlag } from './files.js';
import { systemConfigFiles } from './targets.js';
import { parseCidrs } from '../engine/exposure.js';
import { SEVERITIES, type Rule, type Severity } from '../engine/types.js';
import { FORMATS } from '../report/index.js';
import { capFindings, omittedText, type Summary } from '../report/types.js';
import { visible } from '../report/visible.js';

export const SHARED_LINT_OPTIONS = {
  'fail-on': { type: 'string' },
  disable: { type: 'string', multiple: true },
  'trusted-network': { type: 'string', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
  'prune-baseline': { type: 'boolean' },
  'sarif-category': { type: 'string' },
  output: { type: 'string', short: 'o' },
  'all-findings': { type: 'boolean' },
} as const;

/** The help lines of those flags, for each command's help. */
export const BASELINE_OUTPUT_HELP = `  --baseline FILE                   report only findings not recorded in FILE
                                    (and the entries of FILE that no longer occur)
  --update-baseline                 write FILE with the current findings (creates it)
  --prune-baseline                  remove from FILE what no longer occurs; adds nothing
  --sarif-category NAME             SARIF runs[].automationDetails.id (code scanning
                                    category; with --format sarif)
  -o, --output FILE                 write the report to FILE (whole or not at all)
                                    instead of standard output
  --all-findings                    list every finding (default: at most 100 of a
                                    rule and 1000 of a file; the rest are counted)
`;

export interface BaselineFlag {
  path: string;
  /** null: only read it; update: record the current findings; prune: remove what no longer occurs. */
  write: 'update' | 'prune' | null;
}

/** Severity order for thresholds. */
export const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** The severities of one file's rules: its `.mchardrc`'s, with the rules --disable names turned off. */
export function fileSeverities(cfg: { severities: ReadonlyMap<string, Severity | 'off'> } | null | undefined, disabled: ReadonlySet<string>): Map<string, Severity | 'off'> {
  const severities = new Map(cfg?.severities ?? []);
  for (const id of disabled) severities.set(id, 'off');
  return severities;
}

/**
 * fileSeverities for the files of one run: one map per configuration, made once (the engine remembers
 * which rules run by the map, src/engine/lint.ts rulePlan; a fresh map per file would defeat that).
 */
export function severitiesForRun(disabled: ReadonlySet<string>): (cfg: { severities: ReadonlyMap<string, Severity | 'off'> } | null | undefined) => Map<string, Severity | 'off'> {
  const made = new Map<unknown, Map<string, Severity | 'off'>>();
  return (cfg) => {
    const key = cfg ?? null;
    let m = made.get(key);
    if (!m) made.set(key, (m = fileSeverities(cfg, disabled)));
    return m;
  };
}

/**
 * The findings a report lists: with -q the errors only (`hidden` says how many others), and at most
 * FINDINGS_CAP of them unless --all-findings (`omitted` says how many of each severity are left out). The
 * exit status is decided from every finding, never from these.
 */
export function listedFindings<T extends { ruleId: string; severity: Severity }>(findings: T[], values: { quiet?: boolean; 'all-findings'?: boolean }): { findings: T[]; hidden: number; omitted?: Summary } {
  const quiet = shownFindings(findings, values.quiet);
  const { shown, omitted } = capFindings(quiet, values['all-findings'] === true);
  return { findings: shown, hidden: findings.length - quiet.length, ...(omitted ? { omitted } : {}) };
}

/**
 * GitLab's Code Quality report has no place to say a file's findings were not all listed: standard
 * error says it.
 */
export function sayOmitted(format: string, path: string, omitted: Summary | undefined, err: (t: string) => void): void {
  if (omitted && format === 'gitlab') err(`mchard: ${visible(path)}: ${omittedText(omitted)}\n`);
}

/** The findings a report shows: with -q, the errors only (the exit status is decided from every finding). */
export function shownFindings<T extends { severity: Severity }>(findings: T[], quiet: boolean | undefined): T[] {
  return quiet ? findings.filter((f) => f.severity === 'error') : findings;
}

export function parseLintFlags(
  values: {
    format?: string;
    'fail-on'?: string;
    dialect?: string;
    'memcached-version'?: string;
    'trusted-network'?: string[];
    disable?: string[];
    baseline?: string;
    'update-baseline'?: boolean;
    'prune-baseline'?: boolean;
    'sarif-category'?: string;
    output?: string;
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
  const baseline = parseBaselineFlags(values);
  const sarifCategory = values['sarif-category'];
  if (sarifCategory !== undefined) {
    if (format !== 'sarif') throw new UsageError('--sarif-category applies to --format sarif');
    if (sarifCategory.trim() === '' || /[\x00-\x1f\x7f]/.test(sarifCategory)) throw new UsageError('--sarif-category must be a non-empty name without control characters');
  }
  const output = values.output === undefined || values.output === '-' ? null : values.output;
  if (values.output === '') throw new UsageError('--output needs a file name ("-" for standard output)');
  if (output !== null) {
    const target = resolve(output);
    const clash = paths.find((p) => p !== '-' && resolve(p) === target);
    if (clash) throw new UsageError(`--output ${output} would overwrite ${clash}, a file being checked`);
    if (baseline && resolve(baseline.path) === target) throw new UsageError('--output and --baseline name the same file');
  }
  return { format, failOnFlag, dialect, version, trusted, disabled, paths, baseline, sarifCategory, output };
}

export function parseBaselineFlags(values: { baseline?: string; 'update-baseline'?: boolean; 'prune-baseline'?: boolean }): BaselineFlag | null {
  const update = values['update-baseline'] === true;
  const prune = values['prune-baseline'] === true;
  if (update && prune) throw new UsageError('--update-baseline and --prune-baseline contradict each other');
  if (values.baseline === undefined) {
    if (update || prune) throw new UsageError(`--${update ? 'update' : 'prune'}-baseline needs --baseline FILE`);
    return null;
  }
  if (values.baseline === '' || values.baseline === '-') throw new UsageError('--baseline needs a file name');
  return { path: values.baseline, write: update ? 'update' : prune ? 'prune' : null };
}
