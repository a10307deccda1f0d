/** Which files a command works on, and reading each in its dialect with the options that apply to it. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readConfig } from '../input.js';
import { chooseDialect, DIALECTS, isDialect } from '../dialects/detect.js';
import { loadDialect } from '../dialects/index.js';
import type { DialectName } from '../dialects/types.js';
import type { SourceText } from '../source.js';
import { UsageError } from './args.js';
import { findConfig, loadConfig, type ProjectConfig } from '../engine/config.js';
import type { Rule, RuleOptions } from '../engine/types.js';
import { defaultRuleOptions } from '../engine/defaults.js';
import { parseVersion, type Version } from '../memcached/version.js';
import { installedVersion, isSystemPath } from '../host.js';

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
}

/** Reads a file strictly and loads the module of its dialect, so it can be parsed. */
export async function loadFile(path: string, dialect?: DialectName): Promise<LoadedFile> {
  const source = readConfig(path);
  const chosen = chooseDialect(path, source.text, dialect);
  await loadDialect(chosen);
  return { path, source, dialect: chosen };
}

/** Caches `.mchardrc` lookups per folder and `memcached -V` per run. */
export class OptionResolver {
  private configs = new Map<string, ProjectConfig | null>();
  private found = new Map<string, string | null>();
  private installed: Version | null | undefined;

  constructor(
    private readonly rules: readonly Rule[],
    /** `installedVersion: false`: never ask this machine's memcached (`memcached -V`) for its version (the language server). */
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

  /** Target version: the flag, else the config's, else the installed one for system files, else the newest. */
  ruleOptions(path: string, cfg: ProjectConfig | null, extra: Partial<RuleOptions> = {}): RuleOptions {
    const base = defaultRuleOptions();
    let version = this.flags.version ?? cfg?.version;
    let versionSource = this.flags.version ? '--memcached-version' : cfg?.version ? '.mchardrc memcached-version' : undefined;
    if (!version && isSystemPath(path) && this.flags.installedVersion !== false) {
      if (this.installed === undefined) this.installed = installedVersion();
      version = this.installed ?? undefined;
      if (version) versionSource = 'the installed memcached';
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
