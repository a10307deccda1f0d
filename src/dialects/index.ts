/**
 * The dialects mchard reads, and parsing a file in one. Debian's and sysconfig's modules are always
 * loaded (they are what most runs read); every other dialect loads on first use, so `lint` of a Debian
 * file never pays for the YAML parser. `loadDialect` must be awaited before `parseConfig` on those.
 */
import type { SourceText } from '../source.js';
import type { Dialect, DialectName, ParsedConfig } from './types.js';
import { debianDialect } from './debian.js';
import { sysconfigDialect } from './sysconfig.js';

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
};

function notYet(name: DialectName): never {
  throw new Error(`the ${name} dialect is not implemented yet`);
}

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

/** Loads every dialect (tests, `mchard rules`). */
export async function loadAllDialects(): Promise<Dialect[]> {
  return Promise.all((Object.keys(LOADERS) as DialectName[]).map(loadDialect));
}

/** A dialect already loaded; throws for one that was not awaited with `loadDialect`. */
export function dialectOf(name: DialectName): Dialect {
  const d = loaded.get(name);
  if (!d) throw new Error(`internal: dialect ${name} used before loadDialect()`);
  return d;
}

export function parseConfig(source: SourceText, dialect: DialectName): ParsedConfig {
  return dialectOf(dialect).parse(source);
}
