/** Which files a command works on, and reading each in its dialect with the options that apply to it. */
import { realpathSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeFsError, InputError, isHostLocation, readConfig, type ReadLimits } from '../input.js';
import { isInside, locateInTree, rememberingFolders, type Located } from '../system/links.js';
import { readsStdin } from './targets.js';
import { detectDialect, DIALECTS, isDialect, type DialectChoice, type DialectRefusal } from '../dialects/detect.js';
import { companionsOf } from './companions.js';
import { loadDialect, loadedDialect } from '../dialects/index.js';
import type { DialectName } from '../dialects/types.js';
import { SourceText } from '../source.js';
import { oneOf, UsageError } from './args.js';
import { findConfig, loadConfig, type ProjectConfig } from '../engine/config.js';
import type { Rule, RuleOptions } from '../engine/types.js';
import { defaultRuleOptions } from '../engine/defaults.js';
import { parseVersion, type Version } from '../memcached/version.js';
import { installedVersion, isSystemPath, type InstalledVersion } from '../host.js';

export function parseDialectFlag(value: string | undefined): DialectName | undefined {
  if (value === undefined) return undefined;
  if (!isDialect(value)) return oneOf('dialect', value, DIALECTS, 'debian');
  return value;
}

export function parseVersionFlag(value: string | undefined): Version | undefined {
  if (value === undefined) return undefined;
  const v = parseVersion(value);
  if (!v) throw new UsageError(`--memcached-version must look like 1.6.18 (got "${value}")`);
  return v;
}

export interface LoadedFile {
  path: string;
  source: SourceText;
  dialect: DialectName;
  /** Which program reads the file, and why mchard thinks so. */
  detection: DialectChoice;
  /** Where the path leads (links resolved), when reading it found out (the links check); else unset. */
  real?: string;
}

/**
 * A file mchard does not read: no dialect claims it with confidence (a Dockerfile, an Upstart job, a file
 * whose format could only be guessed). An InputError, so every caller that reports unreadable files one
 * line each reports it too; lint, inspect and fix tell it apart and report a refusal, not an error finding.
 */
export class RefusedError extends InputError {
  constructor(readonly refusal: DialectRefusal) {
    super(refusal.path, refusal.message);
  }
}

/** Folders resolved by the reads of this process (a command reads each file once; the language server does not read files). */
const folders = rememberingFolders();

/**
 * Why a file to lint or inspect is not read through the symbolic links on its way, or null. A file outside
 * the host's own locations (isHostLocation) whose link, or folder link, leads out of its folder (for a
 * relative path, out of the current folder) to somewhere outside the current folder: a repository's
 * `etc/memcached.conf -> /etc/shadow` would otherwise have a root-run mchard quote the host's file in its
 * findings. A link to elsewhere in the current folder's tree (`-> ../common/...`, linted from the
 * repository's top as CI and commit hooks do) is the repository's own file.
 */
function linkLeadsOut(path: string): { reason: string | null; stat?: Stats; real?: string } {
  if (readsStdin(path) || isHostLocation(path)) return { reason: null };
  let loc: Located;
  let cwd: string;
  try {
    loc = locateInTree(path, undefined, folders);
    cwd = folders(process.cwd());
  } catch (e) {
    // Unreadable: said here, never read unchecked (a folder on its way swapped for a link the moment after
    // this failed would otherwise be read through).
    throw new InputError(path, describeFsError(e, path));
  }
  const stat = loc.fileStat;
  if (cwd !== '/' && isInside(loc.target, cwd)) return { reason: null, stat, real: loc.target };
  if (loc.outsideReason) return { reason: loc.outsideReason };
  // A folder link on the way of an absolute path (repo/x/etc -> /etc): the file is elsewhere than named.
  if (loc.treeReal !== loc.treeAbs && !isInside(loc.target, loc.treeAbs)) {
    return { reason: `leads through a symbolic link to ${loc.target}, outside ${loc.treeAbs}, the folder named on the command line` };
  }
  return { reason: null, stat, real: loc.target };
}

/**
 * Reads a file strictly, decides which program reads it, and loads the module of its dialect, so it can be
 * parsed. `followLinks: false`: refuse a file whose links lead out (linkLeadsOut).
 */
export async function loadFile(path: string, dialect?: DialectName, limits: ReadLimits & { followLinks?: boolean } = {}): Promise<LoadedFile> {
  return loadFileNow(path, dialect, limits);
}

/**
 * loadFile, answered at once when the file's dialect is loaded already (a Debian or sysconfig file: the
 * core's), else a promise that loads it first. A run over thousands of files then spends no promise, no
 * await and no microtask per file (about 2% of the CPU time of the benchmark's 10,000 files); the same
 * work in the same order either way (test/cli/load-now.test.ts).
 */
export function loadFileNow(path: string, dialect?: DialectName, limits: ReadLimits & { followLinks?: boolean } = {}): LoadedFile | Promise<LoadedFile> {
  const links: ReturnType<typeof linkLeadsOut> = limits.followLinks === false ? linkLeadsOut(path) : { reason: null };
  if (links.reason) throw new InputError(path, `${links.reason}; mchard reads a file there only with --follow-symlinks (or --host-checks for this host's own configuration)`);
  const stdin = readsStdin(path);
  const read = readConfig(stdin ? '-' : path, { maxBytes: limits.maxBytes, known: links.stat, real: links.real });
  // Standard input under --stdin-filename stands for that path: the dialects' facts of a path (a file under
  // /etc is no template, a unit's name, supervisord's %(here)s) are the named path's, as detection's are.
  const source = stdin && path !== '-' ? new SourceText(path, read.text) : read;
  const detection = detectDialect(path, source.text, dialect, companionsOf(path, source.text));
  if (detection.refused) throw new RefusedError(detection);
  const file: LoadedFile = { path, source, dialect: detection.dialect, detection, real: links.real };
  if (loadedDialect(detection.dialect)) return file;
  return loadDialect(detection.dialect).then(() => file);
}

/** Where a path leads (links resolved), or the path itself made absolute when that cannot be found out. */
export function realPathOf(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}

/** Caches `.mchardrc` lookups per folder and the installed memcached's version per run. */
export class OptionResolver {
  private configs = new Map<string, ProjectConfig | null>();
  private found = new Map<string, string | null>();
  private installed: InstalledVersion | undefined;

  constructor(
    private readonly rules: readonly Rule[],
    /**
     * `installedVersion: false`: never look up the installed memcached's version; a function: ask it (the
     * language server's, which looks once per process rather than once per lint).
     */
    private readonly flags: { config?: string; version?: Version; trustedNetworks?: string[]; installedVersion?: boolean | (() => InstalledVersion) },
  ) {}

  projectConfig(path: string): ProjectConfig | null {
    if (this.flags.config) return this.cached(this.flags.config, false);
    if (path === '-') return this.lookup(process.cwd());
    return this.lookup(dirname(path));
  }

  private lookup(dir: string): ProjectConfig | null {
    const found = findConfig(dir, this.found);
    return found ? this.cached(found, true) : null;
  }

  private cached(p: string, found: boolean): ProjectConfig {
    if (!this.configs.has(p)) this.configs.set(p, loadConfig(p, this.rules, found));
    return this.configs.get(p)!;
  }

  private installedFor(): InstalledVersion {
    this.installed ??= typeof this.flags.installedVersion === 'function' ? this.flags.installedVersion() : installedVersion();
    return this.installed;
  }

  /**
   * Where the version the rules apply to `path` comes from: `--memcached-version`, the `.mchardrc`, the
   * installed memcached (and how its version was found, or why it is unknown), or mchard's default.
   */
  versionSource(path: string, cfg: ProjectConfig | null): string {
    if (this.flags.version) return '--memcached-version';
    if (cfg?.version) return `memcached-version in ${cfg.path}`;
    if (isSystemPath(path)) {
      const r = this.installedFor().report;
      if (r.version !== null) return `installed: ${r.detail}`;
      return `default; the installed version is ${r.detail}`;
    }
    return 'default (newest known)';
  }

  /**
   * The options of ruleOptions without `extra` depend only on the configuration and on whether the path is
   * a system path: made once for each, for the run (the engine and the rules never change them).
   */
  private optionsMade = new Map<ProjectConfig | null, [RuleOptions | undefined, RuleOptions | undefined]>();

  /** Target version: the flag, else the config's, else the installed one for system files, else the newest. */
  ruleOptions(path: string, cfg: ProjectConfig | null, extra?: Partial<RuleOptions>): RuleOptions {
    if (extra !== undefined) return this.makeRuleOptions(path, cfg, extra);
    let made = this.optionsMade.get(cfg);
    if (!made) this.optionsMade.set(cfg, (made = [undefined, undefined]));
    const k = isSystemPath(path) ? 1 : 0;
    return (made[k] ??= this.makeRuleOptions(path, cfg, {}));
  }

  private makeRuleOptions(path: string, cfg: ProjectConfig | null, extra: Partial<RuleOptions>): RuleOptions {
    const base = defaultRuleOptions();
    let version = this.flags.version ?? cfg?.version;
    let versionSource = version ? this.versionSource(path, cfg) : undefined;
    if (!version && isSystemPath(path) && this.flags.installedVersion !== false) {
      version = this.installedFor().version ?? undefined;
      if (version) versionSource = `the installed memcached (${this.installedFor().report.detail})`;
    }
    return {
      ...base,
      version: version ?? base.version,
      versionExplicit: version !== undefined,
      ...(versionSource ? { versionSource } : {}),
      trustedNetworks: [...(cfg?.trustedNetworks ?? []), ...(this.flags.trustedNetworks ?? [])],
      maxconnLow: cfg?.maxconnLow ?? base.maxconnLow,
      maxconnHigh: cfg?.maxconnHigh ?? base.maxconnHigh,
      requireReason: cfg?.requireReason ?? false,
      ...extra,
    };
  }
}
