/**
 * The dialects mchard reads, and parsing a file in one. Debian's and sysconfig's modules are always
 * loaded (they are what most runs read); every other dialect loads on first use, so `lint` of a Debian
 * file never pays for the YAML parser. `loadDialect` must be awaited before `parseConfig` on those.
 */
import type { SourceText } from '../source.js';
import type { Dialect, DialectName, ParseContext, ParsedConfig } from './types.js';
import { debianDialect } from './debian.js';
import { sysconfigDialect } from './sysconfig.js';
import { detectTemplate } from './template.js';
import { parseTemplate } from './template-parse.js';

const LOADERS: Record<DialectName, () => Promise<Dialect>> = {
  debian: async () => debianDialect,
  sysconfig: async () => sysconfigDialect,
  systemd: async () => (await import('./systemd.js')).systemdDialect,
  openrc: async () => (await import('./openrc.js')).openrcDialect,
  rcconf: async () => (await import('./rcconf.js')).rcconfDialect,
  compose: async () => (await import('./compose.js')).composeDialect,
  dockerfile: async () => (await import('./dockerfile.js')).dockerfileDialect,
  supervisord: async () => (await import('./supervisord.js')).supervisordDialect,
  argv: async () => (await import('./argv.js')).argvDialect,
  kubernetes: async () => (await import('./kubernetes.js')).kubernetesDialect,
  helm: async () => (await import('./helm.js')).helmDialect,
};

const loaded = new Map<DialectName, Dialect>([
  ['debian', debianDialect],
  ['sysconfig', sysconfigDialect],
]);

export async function loadDialect(name: DialectName): Promise<Dialect> {
  let d = loaded.get(name);
  if (!d) {
    d = await LOADERS[name]();
    loaded.set(name, d);
  }
  return d;
}

/** The dialect when it is loaded already (the core's two always are), else undefined: loadDialect loads it. */
export function loadedDialect(name: DialectName): Dialect | undefined {
  return loaded.get(name);
}

/** Loads every dialect (tests, `mchard rules`). */
export async function loadAllDialects(): Promise<Dialect[]> {
  // One after the other: modules that dialects share (the container images' models) are then linked once
  // (jest's ES module loader fails on two dynamic imports linking the same module at the same time).
  const out: Dialect[] = [];
  for (const name of Object.keys(LOADERS) as DialectName[]) out.push(await loadDialect(name));
  return out;
}

/** A dialect already loaded; throws for one that was not awaited with `loadDialect`. */
export function dialectOf(name: DialectName): Dialect {
  const d = loaded.get(name);
  if (!d) throw new Error(`internal: dialect ${name} used before loadDialect()`);
  return d;
}

/**
 * Parses a file in its dialect. A template (by its name's suffix, or its content outside /etc) is parsed
 * through the template layer: its literal parts in the dialect, what the template decides marked unknown.
 */
export function parseConfig(source: SourceText, dialect: DialectName, context?: ParseContext): ParsedConfig {
  const d = dialectOf(dialect);
  // Helm values are data: a "{{ ... }}" in them is a string the chart renders through tpl, which the
  // helm dialect marks as unknown itself; the file is no template.
  const found = dialect === 'helm' ? null : detectTemplate(source.path, source.text);
  // Told by its content only: braces the format itself holds as data (a Compose label) make no template.
  const tpl = found?.by === 'content' && d.bracesAreData?.(source.text) ? null : found;
  if (tpl) return parseTemplate(source, tpl, dialect, (s) => d.parse(s, context));
  return d.parse(source, context);
}
