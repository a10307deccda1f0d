/** Which files a command works on, and reading each in its dialect with the options that apply to it. */
import { closeSync, existsSync, fstatSync, lstatSync, openSync, readdirSync, readSync, constants as fsConstants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, readConfig, type ReadLimits } from '../input.js';
import { detectDialect, DIALECTS, isDialect, type Companions, type DialectChoice, type DialectRefusal } from '../dialects/detect.js';
import { loadDialect } from '../dialects/index.js';
import type { DialectName } from '../dialects/types.js';
import type { SourceText } from '../source.js';
import { UsageError } from './args.js';
import { findConfig, loadConfig, type ProjectConfig } from '../engine/config.js';
import type { Rule, RuleOptions } from '../engine/types.js';
import { defaultRuleOptions } from '../engine/defaults.js';
import { parseVersion, type Version } from '../memcached/version.js';
import { installedVersion, isSystemPath, type InstalledVersion } from '../host.js';

/** The system configuration files that exist: /etc/memcached.conf, /etc/memcached_*.conf, /etc/sysconfig/memcached. */
export function systemFiles(root = '/etc'): string[] {
  const out: string[] = [];
  if (existsSync(`${root}/memcached.conf`)) out.push(`${root}/memcached.conf`);
  try {
    for (const f of readdirSync(root).sort()) if (/^memcached_.+\.conf$/.test(f)) out.push(`${root}/${f}`);
  } catch {
    // no /etc: nothing to add
  }
  if (existsSync(`${root}/sysconfig/memcached`)) out.push(`${root}/sysconfig/memcached`);
  return out;
}

export function parseDialectFlag(value: string | undefined): DialectName | undefined {
  if (value === undefined) return undefined;
  if (!isDialect(value)) throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')} (got "${value}")`);
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

/** Reads a file strictly, decides which program reads it, and loads the module of its dialect, so it can be parsed. */
export async function loadFile(path: string, dialect?: DialectName, limits: ReadLimits = {}): Promise<LoadedFile> {
  const source = readConfig(path, limits);
  const detection = detectDialect(path, source.text, dialect, companionsOf(path));
  if (detection.refused) throw new RefusedError(detection);
  await loadDialect(detection.dialect);
  return { path, source, dialect: detection.dialect, detection };
}

/**
 * Files beside `path` that tell what it is: for a Helm `values*.yaml`, the `Chart.yaml` of its folder
 * (whether it is Bitnami's memcached chart or depends on it). Only a regular file of at most 64 KiB is
 * read, never through a symbolic link; anything else counts as absent.
 */
export function companionsOf(path: string): Companions {
  if (path === '-' || !/^values([.-][^/]*)?\.ya?ml$/.test(basename(path))) return {};
  for (const name of ['Chart.yaml', 'Chart.yml']) {
    const chart = join(dirname(path), name);
    try {
      if (!lstatSync(chart).isFile()) continue;
      const fd = openSync(chart, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
      try {
        const st = fstatSync(fd);
        if (!st.isFile() || st.size > 64 * 1024) continue;
        const buf = Buffer.alloc(st.size);
        const n = readSync(fd, buf, 0, st.size, 0);
        return { chartYaml: buf.subarray(0, n).toString('utf8') };
      } finally {
        closeSync(fd);
      }
    } catch {
      // no Chart.yaml there (or not readable): nothing beside the file says what it is
    }
  }
  return {};
}

/** Caches `.mchardrc` lookups per folder and the installed memcached's version per run. */
export class OptionResolver {
  private configs = new Map<string, ProjectConfig | null>();
  private found = new Map<string, string | null>();
  private installed: InstalledVersion | undefined;

  constructor(
    private readonly rules: readonly Rule[],
    /** `installedVersion: false`: never look up the installed memcached's version (the language server). */
    private readonly flags: { config?: string; version?: Version; trustedNetworks?: string[]; installedVersion?: boolean },
  ) {}

  projectConfig(path: string): ProjectConfig | null {
    if (this.flags.config) return this.cached(this.flags.config);
    if (path === '-') return this.lookup(process.cwd());
    return this.lookup(dirname(path));
  }

  private lookup(dir: string): ProjectConfig | null {
    const found = findConfig(dir, this.found);
    return found ? this.cached(found) : null;
  }

  private cached(p: string): ProjectConfig {
    if (!this.configs.has(p)) this.configs.set(p, loadConfig(p, this.rules));
    return this.configs.get(p)!;
  }

  private installedFor(): InstalledVersion {
    this.installed ??= installedVersion();
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

  /** Target version: the flag, else the config's, else the installed one for system files, else the newest. */
  ruleOptions(path: string, cfg: ProjectConfig | null, extra: Partial<RuleOptions> = {}): RuleOptions {
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
      ...extra,
    };
  }
}
