/**
 * The RHEL/Fedora dialect: `/etc/sysconfig/memcached` as systemd's `EnvironmentFile=` reads it
 * (envfile.ts, shared with the systemd dialect), then the packaged unit's `ExecStart=` line expanded
 * with the resulting environment.
 *
 * The command line is `replace_env_argv()` (src/basic/env-util.c): `${X}` is replaced inside its word
 * (one argument, empty when unset); a word that is exactly `$X` is replaced by the value split with
 * `extract_first_word(EXTRACT_RELAX|EXTRACT_UNQUOTE)` on whitespace (zero or more arguments).
 */
import type { ArgToken, SourceText, Span } from '../source.js';
import type { Dialect, LaunchFailure, Note, ParsedConfig } from './types.js';
import { withHostUnit } from './host-unit.js';
import { countOf } from '../ascii.js';
import { readEnvironmentFile, show, splitWordsRelaxUnquote, type EnvAssignment, type EnvFileLine, type EnvFileNote } from './envfile.js';

export { encodeEnvValue as encodeSysconfigValue, splitWordsRelaxUnquote } from './envfile.js';
export type { ShellMismatch } from './envfile.js';
/** The environment file's notes, and `not-read`: on this host memcached.service does not read the file (`reads: false`), or what runs decides (null): host-unit.ts. */
export type SysconfigNote = EnvFileNote | (Note<'not-read'> & { readonly path: string });
export type SysconfigAssignment = EnvAssignment;

/** Which `ExecStart=` line consumes the file. */
export type SysconfigUnit = 'braced' | 'unbraced';

export interface SysconfigOptions {
  /**
   * `braced` (default): the upstream/Fedora/RHEL 8+ unit, `EnvironmentFile=/etc/sysconfig/memcached`
   * (a file that cannot be loaded fails the unit). `unbraced`: the RHEL 7 unit,
   * `EnvironmentFile=-/etc/sysconfig/memcached` (a file that cannot be loaded is skipped).
   */
  unit?: SysconfigUnit;
}

export interface SysconfigConfig extends ParsedConfig<SysconfigNote> {
  readonly dialect: 'sysconfig';
  readonly unit: SysconfigUnit;
  readonly lines: readonly EnvFileLine[];
  /** Every `KEY=VALUE` systemd's parser produces, in file order, including ones it then drops. */
  readonly assignments: readonly EnvAssignment[];
  /** The environment the file gives the service: name to the assignment that wins. */
  readonly environment: ReadonlyMap<string, EnvAssignment>;
  /**
   * Set when systemd cannot load the file at all (NUL byte, invalid UTF-8 in a key or value). With the
   * braced unit this is also the launch failure; with the unbraced unit (`EnvironmentFile=-`) the file is
   * skipped and every variable is unset.
   */
  readonly loadError: { readonly reason: string; readonly span: Span } | null;
}

/** Why the file text of a span is not the decoded text, for ArgToken.note. */
function notVerbatim(source: SourceText, span: Span, value: string): string | undefined {
  const raw = source.slice(span);
  if (raw === value) return undefined;
  // Counts of characters (countOf), where `s.match(/["']/g)` and the like were.
  const why: string[] = [];
  if (countOf(raw, '"\'') > countOf(value, '"\'')) why.push('quotes removed');
  const continuation = raw.includes('\\\n') || raw.includes('\\\r'); // /\\[\n\r]/
  if (countOf(raw, '\\') > countOf(value, '\\')) why.push(continuation ? 'backslashes and line breaks removed' : 'backslash escapes resolved');
  if (countOf(raw, ' \t') > countOf(value, ' \t')) why.push('whitespace dropped');
  return `systemd reads ${show(raw)} as ${show(value)}${why.length ? ` (${why.join(', ')})` : ''}`;
}

export function parseSysconfig(source: SourceText, opts: SysconfigOptions = {}): SysconfigConfig {
  const unit: SysconfigUnit = opts.unit === 'unbraced' ? 'unbraced' : 'braced';
  const { lines, assignments, environment, notes, loadError } = readEnvironmentFile(source);

  // The command line.
  const skipFile = loadError !== null && unit === 'unbraced';
  const env = skipFile ? new Map<string, EnvAssignment>() : environment;
  const assignmentSpan = (name: string): Span | null => {
    const a = env.get(name);
    return a ? { start: a.keySpan.start, end: a.valueSpan.end } : null;
  };

  const argv: ArgToken[] = [];
  const unitArg = (flag: string, name: string, note?: string) =>
    argv.push({ value: flag, span: assignmentSpan(name), origin: 'unit', exact: true, ...(note ? { note } : {}) });

  const braced = (name: string) => {
    const asg = env.get(name);
    if (!asg) {
      argv.push({ value: '', span: null, origin: 'unit', exact: true, note: `${name} is not set in the file, so systemd passes an empty argument for \${${name}}` });
      return;
    }
    const span = asg.valueSpan;
    const note = notVerbatim(source, span, asg.value);
    argv.push({ value: asg.value, span, origin: 'file', exact: true, ...(note ? { note } : {}) });
  };

  const split = (name: string) => {
    const asg = env.get(name);
    if (!asg) return 0;
    const words = splitWordsRelaxUnquote(asg.value);
    for (const w of words) {
      let start = Infinity;
      let end = -Infinity;
      for (let k = w.from; k < w.to; k++) {
        start = Math.min(start, asg.valueSources[k].start);
        end = Math.max(end, asg.valueSources[k].end);
      }
      const span = { start, end };
      const note = notVerbatim(source, span, w.value);
      argv.push({ value: w.value, span, origin: 'file', exact: true, ...(note ? { note } : {}) });
    }
    return words.length;
  };

  if (unit === 'braced') {
    for (const [flag, name] of [['-p', 'PORT'], ['-u', 'USER'], ['-m', 'CACHESIZE'], ['-c', 'MAXCONN']] as const) {
      unitArg(flag, name);
      braced(name);
    }
  } else {
    for (const [flag, name] of [['-u', 'USER'], ['-p', 'PORT'], ['-m', 'CACHESIZE'], ['-c', 'MAXCONN']] as const) {
      const has = splitWordsRelaxUnquote(env.get(name)?.value ?? '').length > 0;
      unitArg(flag, name, has ? undefined : `${name} is unset or empty, so $${name} expands to no argument at all and ${flag} takes the next argument as its value`);
      split(name);
    }
  }
  split('OPTIONS');

  let launchFailure: LaunchFailure | null = null;
  if (loadError && unit === 'braced') {
    launchFailure = {
      exitCode: -1,
      reason: `${loadError.reason}; the unit fails before memcached starts ("Failed to load environment files")`,
      span: loadError.span,
    };
  }

  return {
    dialect: 'sysconfig',
    unit,
    source,
    argv,
    argvExact: true,
    launchFailure,
    notes,
    lines,
    assignments,
    environment,
    loadError,
    print: () => lines.map((l) => l.text + l.eol).join(''),
  };
}

/** The variables the unit's `ExecStart=` turns into an option, by option letter. */
export const SYSCONFIG_VARIABLES: Readonly<Record<string, string>> = { p: 'PORT', u: 'USER', m: 'CACHESIZE', c: 'MAXCONN' };

/** RHEL/Fedora `/etc/sysconfig/memcached`: a systemd EnvironmentFile read by the packaged unit. */
export const sysconfigDialect: Dialect = {
  name: 'sysconfig',
  title: 'RHEL/Fedora /etc/sysconfig/memcached',
  defaultUser: 'memcached',
  commentChars: '#;',
  parse: (source, context) => withHostUnit(parseSysconfig(source), context?.hostUnit),
  /** Inside OPTIONS' value, before a closing quote; without OPTIONS, the end of the file. */
  insertionPoint(config) {
    const text = config.source.text;
    const options = (config as SysconfigConfig).environment.get('OPTIONS');
    if (!options) return { start: text.length, end: text.length };
    const v = options.valueSpan;
    const closes = options.quote !== null && v.end > v.start && text[v.end - 1] === options.quote;
    const at = closes ? v.end - 1 : v.end;
    return { start: at, end: at };
  },
  variableFor: (letter) => SYSCONFIG_VARIABLES[letter] ?? null,
};
