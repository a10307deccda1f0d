/**
 * `.mchardrc`: INI, read with `ini`, found by walking up from each linted file's folder or given with
 * `--config`. Unknown sections or keys are errors naming the key.
 *
 *   fail-on = warning
 *   memcached-version = 1.4.15
 *   trusted-networks = 10.0.0.0/8, 192.168.0.0/16
 *   maxconn-low = 64
 *   maxconn-high = 65536
 *   require-reason = true            (a suppression directive needs " -- reason")
 *   unsafe-fixes = true              (mchard fix applies unsafe fixes, as --unsafe-fixes)
 *   extend-safe-fixes = MC201        (these rules' fixes count as safe)
 *   extend-unsafe-fixes = MC101      (these rules' fixes count as unsafe)
 *   doc-links = false                (text output: no links to the rules' documentation)
 *   [rules]
 *   MC301 = off
 *   listen-private-address = error
 */
import { lstatSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isInside, linkOutsideWords, realOutside, staysInside } from '../system/links.js';
import { absolutePath } from '../system/paths.js';
import { notOwnersOwn } from '../system/changeable.js';
import { aclWriterOf } from '../fix/xattrs.js';
import { parse as parseIni } from 'ini';
import { parseVersion, type Version } from '../memcached/version.js';
import { parseCidrs } from './exposure.js';
import { SEVERITIES, type Rule, type Severity } from './types.js';
import { ruleNamed } from './suppressions.js';
import { decodeConfig, InputError, readRegularFile } from '../input.js';
import { boundedMessage, visible } from '../report/visible.js';
import { didYouMean, ruleNames } from '../suggest.js';

export interface ProjectConfig {
  path: string | null;
  failOn?: Severity;
  version?: Version;
  trustedNetworks?: string[];
  maxconnLow?: number;
  maxconnHigh?: number;
  severities: Map<string, Severity | 'off'>;
  requireReason?: boolean;
  unsafeFixes?: boolean;
  /** Rule IDs. */
  extendSafeFixes?: Set<string>;
  extendUnsafeFixes?: Set<string>;
  /** `doc-links = false`: the text report does not end with the rules' documentation links. */
  docLinks?: boolean;
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
  let d = absolutePath(dir);
  const seen: string[] = [];
  let found: string | null = null;
  for (;;) {
    const known = cache?.get(d);
    if (known !== undefined) {
      found = known;
      break;
    }
    seen.push(d);
    // `d` is absolute and normal (absolutePath, then dirname), so this is join(d, CONFIG_NAME) without
    // path.join's normalisation, which cost more than the lstat in runs over many folders.
    const p = d === '/' ? `/${CONFIG_NAME}` : `${d}/${CONFIG_NAME}`;
    // Whatever is there, a symbolic link too (even a dangling one): loadConfig decides whether it is read.
    // A path of 4096 bytes or more names nothing (PATH_MAX): not asked, as asking copied it each time (an
    // editor's URI 64,000 folders deep held the language server 4 s, 500,000 deep for minutes).
    if (p.length < 4096 && lexists(p)) {
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

function lexists(p: string): boolean {
  try {
    // No exception for the usual answer (no such file): a thrown error costs its stack trace, per folder.
    return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

const TOP_KEYS = new Set([
  'fail-on',
  'memcached-version',
  'trusted-networks',
  'maxconn-low',
  'maxconn-high',
  'require-reason',
  'unsafe-fixes',
  'extend-safe-fixes',
  'extend-unsafe-fixes',
  'doc-links',
]);

/**
 * Reads a `.mchardrc`. `found`: it was found above the linted files rather than named with --config. A
 * repository decides what is found there, so such a file is read only as a regular file, never through a
 * symbolic link: a link to /etc/shadow would otherwise have its lines quoted back in "unknown key" errors
 * by a mchard running as root in CI or a commit hook.
 */
export function loadConfig(path: string, rules: readonly Rule[], found = false): ProjectConfig {
  let text: string;
  // Named with --config by a relative path, often a repository's file (the GitHub Action's `config:`): a
  // link that takes it out of the current folder (`ci/mchard.ini -> /etc/shadow`) would have its lines
  // quoted back in "unknown key" errors by a root-run CI job.
  const outside = !found && !isAbsolute(path) ? realOutside(path, process.cwd()) : null;
  if (outside) throw new ConfigError(`${path}: ${linkOutsideWords(outside, process.cwd(), 'the current folder ')}`);
  try {
    // As strictly as a configuration file: a regular file, bounded, never a pipe that would hang the run.
    const noFollow = found ? 'a .mchardrc found above the files is read only as a regular file (name it with --config to use it)' : undefined;
    text = decodeConfig(
      path,
      readRegularFile(path, MAX_CONFIG_SIZE, {
        noFollow,
        accept: found ? (st) => untrustedOwner(path, st) : undefined,
        // The same check on the file opened: a folder on the way swapped for a link after the check above.
        acceptReal: !found && !isAbsolute(path) && isInside(resolve(path), process.cwd()) ? staysInside(process.cwd(), 'the current folder ') : undefined,
      }),
    ).text;
  } catch (e) {
    if (e instanceof InputError) throw new ConfigError(`${path}: ${e.reason}`);
    throw e;
  }
  return parseConfigText(path, text, rules);
}

/**
 * Why a `.mchardrc` found above the files must not be used, or null: it is used only when it is root's,
 * the running user's, or its folder owner's. A walk up passes folders other users can write (/tmp is
 * everyone's): a file root lints or fixes in /tmp/work/ would otherwise take the rules, trusted networks
 * and unsafe fixes another user planted in /tmp/.mchardrc. A repository checked out by another user and
 * linted by root (a container in CI) keeps its own: that user owns the folder and the file.
 */
function untrustedOwner(path: string, st: Stats): string | null {
  const not = notOwnersOwn(path, st, aclWriterOf);
  if (not === null) return null;
  return not.kind === 'writer'
    ? `${not.why}: a .mchardrc found above the files is used only when no one but its owner can change it (name it with --config to use it)`
    : `${not.why}: a .mchardrc found above the files is used only when it is root's, yours or its folder owner's (name it with --config to use it)`;
}

/**
 * A name from the file as an error quotes it: only when it looks like a name (letters, digits, `_`, `.`,
 * `-`, `@`; at most 64). A line of a file that is no INI file (/etc/shadow's `root:$y$...` is a key to
 * the INI parser) is never quoted back, whoever named the file.
 */
function quotedName(name: string): string | null {
  return /^[\w.@-]{1,64}$/.test(name) ? name : null;
}

/**
 * The first line naming `__proto__` as a key or a section, or null. The `ini` parser drops such keys and
 * sections without a word, so `[__proto__]` or `__proto__ = ...` was taken silently, where any other
 * unknown name is an error.
 */
function protoLine(text: string): number | null {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l.includes('__proto__')) continue;
    const section = /^\[(.*)\]$/.exec(l);
    const names = section ? section[1].split('.') : [l.split('=')[0]];
    if (names.some((n) => n.trim().replace(/^(["'])(.*)\1$/, '$2') === '__proto__')) return i + 1;
  }
  return null;
}

export function parseConfigText(path: string, text: string, rules: readonly Rule[]): ProjectConfig {
  const data = parseIni(text) as Record<string, unknown>;
  const cfg: ProjectConfig = { path, severities: new Map() };
  const bad = (msg: string) => new ConfigError(`${path}: ${msg}`);
  const proto = protoLine(text);
  if (proto !== null) throw bad(`line ${proto}: "__proto__" is not a key or section mchard knows`);
  for (const [key, value] of Object.entries(data)) {
    if (key === 'rules') {
      if (typeof value !== 'object' || value === null) throw bad('[rules] must be a section');
      for (const [name, sev] of Object.entries(value as Record<string, unknown>)) {
        const rule = ruleNamed(rules, name);
        if (!rule) throw bad(quotedName(name) ? `unknown rule "${name}" in [rules]${didYouMean(name, ruleNames(rules))}` : 'a line in [rules] that names no rule (not quoted: it is not a name)');
        const v = String(sev).trim().toLowerCase();
        if (v !== 'off' && !(SEVERITIES as readonly string[]).includes(v)) {
          throw bad(`rule ${name}: "${String(sev)}" is not one of error, warning, info, off`);
        }
        cfg.severities.set(rule.id, v as Severity | 'off');
      }
      continue;
    }
    if (typeof value === 'object') throw bad(quotedName(key) ? `unknown section [${key}]${didYouMean(key, ['rules'])}` : 'a section that is not [rules] (not quoted: its name is not a name)');
    if (!TOP_KEYS.has(key)) throw bad(quotedName(key) ? `unknown key "${key}"${didYouMean(key, [...TOP_KEYS])}` : 'a line that is not "key = value" with a key mchard knows (not quoted: it is not a name)');
    // ini reads `true`/`false` as booleans.
    const v = String(value).trim();
    const bool = () => {
      if (v !== 'true' && v !== 'false') throw bad(`${key}: "${v}" is not true or false`);
      return v === 'true';
    };
    const fixRules = () => {
      const ids = new Set<string>();
      for (const name of v.split(/[\s,]+/).filter(Boolean)) {
        const rule = ruleNamed(rules, name);
        if (!rule) throw bad(`${key}: unknown rule "${name}"`);
        if (!rule.fix) throw bad(`${key}: ${rule.id} has no fix`);
        ids.add(rule.id);
      }
      return ids;
    };
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
      case 'require-reason':
        cfg.requireReason = bool();
        break;
      case 'unsafe-fixes':
        cfg.unsafeFixes = bool();
        break;
      case 'extend-safe-fixes':
        cfg.extendSafeFixes = fixRules();
        break;
      case 'extend-unsafe-fixes':
        cfg.extendUnsafeFixes = fixRules();
        break;
      case 'doc-links':
        cfg.docLinks = bool();
        break;
      case 'maxconn-low':
      case 'maxconn-high': {
        if (!/^\d+$/.test(v)) throw bad(`${key}: "${v}" is not a whole number`);
        if (key === 'maxconn-low') cfg.maxconnLow = Number(v);
        else cfg.maxconnHigh = Number(v);
        break;
      }
    }
  }
  const both = [...(cfg.extendSafeFixes ?? [])].filter((id) => cfg.extendUnsafeFixes?.has(id));
  if (both.length) throw bad(`${both.join(', ')} ${both.length > 1 ? 'are' : 'is'} in both extend-safe-fixes and extend-unsafe-fixes`);
  return cfg;
}
