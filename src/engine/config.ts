/**
 * `.mchardrc`: INI, read with `ini`, found by walking up from each linted file's folder or given with
 * `--config`. Unknown sections or keys are errors naming the key.
 *
 *   fail-on = warning
 *   memcached-version = 1.4.15
 *   trusted-networks = 10.0.0.0/8, 192.168.0.0/16
 *   maxconn-low = 64
 *   maxconn-high = 65536
 *   [rules]
 *   MC301 = off
 *   listen-private-address = error
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseIni } from 'ini';
import { parseVersion, type Version } from '../memcached/version.js';
import { parseCidrs } from './exposure.js';
import { SEVERITIES, type Rule, type Severity } from './types.js';
import { decodeConfig, InputError, readRegularFile } from '../input.js';
import { boundedMessage, visible } from '../report/visible.js';

export interface ProjectConfig {
  path: string | null;
  failOn?: Severity;
  version?: Version;
  trustedNetworks?: string[];
  maxconnLow?: number;
  maxconnHigh?: number;
  severities: Map<string, Severity | 'off'>;
}

/** An unusable `.mchardrc`; the message quotes its keys and values, so it is made safe to show. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(visible(boundedMessage(message)));
  }
}

/** The largest `.mchardrc` read: a few lines are usual. */
const MAX_CONFIG_SIZE = 1 << 20;

export const CONFIG_NAME = '.mchardrc';

/**
 * The nearest `.mchardrc` at or above `dir`, or null. With `cache` (folder -> answer), folders already
 * looked at are not looked at again: linting a thousand files in sibling folders checks their common
 * ancestors once.
 */
export function findConfig(dir: string, cache?: Map<string, string | null>): string | null {
  let d = resolve(dir);
  const seen: string[] = [];
  let found: string | null = null;
  for (;;) {
    const known = cache?.get(d);
    if (known !== undefined) {
      found = known;
      break;
    }
    seen.push(d);
    const p = join(d, CONFIG_NAME);
    if (existsSync(p)) {
      found = p;
      break;
    }
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  if (cache) for (const s of seen) cache.set(s, found);
  return found;
}

const TOP_KEYS = new Set(['fail-on', 'memcached-version', 'trusted-networks', 'maxconn-low', 'maxconn-high']);

export function loadConfig(path: string, rules: readonly Rule[]): ProjectConfig {
  let text: string;
  try {
    // As strictly as a configuration file: a regular file, bounded, never a pipe that would hang the run.
    text = decodeConfig(path, readRegularFile(path, MAX_CONFIG_SIZE)).text;
  } catch (e) {
    if (e instanceof InputError) throw new ConfigError(`${path}: ${e.reason}`);
    throw e;
  }
  return parseConfigText(path, text, rules);
}

export function parseConfigText(path: string, text: string, rules: readonly Rule[]): ProjectConfig {
  const data = parseIni(text) as Record<string, unknown>;
  const cfg: ProjectConfig = { path, severities: new Map() };
  const bad = (msg: string) => new ConfigError(`${path}: ${msg}`);
  for (const [key, value] of Object.entries(data)) {
    if (key === 'rules') {
      if (typeof value !== 'object' || value === null) throw bad('[rules] must be a section');
      for (const [name, sev] of Object.entries(value as Record<string, unknown>)) {
        const rule = rules.find((r) => r.id === name.toUpperCase() || r.slug === name);
        if (!rule) throw bad(`unknown rule "${name}" in [rules]`);
        const v = String(sev).trim().toLowerCase();
        if (v !== 'off' && !(SEVERITIES as readonly string[]).includes(v)) {
          throw bad(`rule ${name}: "${String(sev)}" is not one of error, warning, info, off`);
        }
        cfg.severities.set(rule.id, v as Severity | 'off');
      }
      continue;
    }
    if (typeof value === 'object') throw bad(`unknown section [${key}]`);
    if (!TOP_KEYS.has(key)) throw bad(`unknown key "${key}"`);
    const v = String(value).trim();
    switch (key) {
      case 'fail-on':
        if (!(SEVERITIES as readonly string[]).includes(v)) throw bad(`fail-on: "${v}" is not one of error, warning, info`);
        cfg.failOn = v as Severity;
        break;
      case 'memcached-version': {
        const ver = parseVersion(v);
        if (!ver) throw bad(`memcached-version: "${v}" is not a version like 1.6.18`);
        cfg.version = ver;
        break;
      }
      case 'trusted-networks': {
        const list = v.split(/[\s,]+/).filter(Boolean);
        try {
          parseCidrs(list);
        } catch (e) {
          throw bad(`trusted-networks: ${(e as Error).message}`);
        }
        cfg.trustedNetworks = list;
        break;
      }
      case 'maxconn-low':
      case 'maxconn-high': {
        if (!/^\d+$/.test(v)) throw bad(`${key}: "${v}" is not a whole number`);
        if (key === 'maxconn-low') cfg.maxconnLow = Number(v);
        else cfg.maxconnHigh = Number(v);
        break;
      }
    }
  }
  return cfg;
}
