/**
 * Whose `memcached.conf` a file in a repository is, when a file beside it says so: a KubeDB `Memcached`
 * resource in the same folder whose `configSource:` (kubedb.com/v1alpha1) or `configSecret:` (later
 * versions) takes the file. KubeDB's operator mounts it at /usr/config/memcached.conf in its pods, where
 * its own script turns the lines into memcached's arguments (`-c 500`, `--conn-limit=500`, and
 * `conn-limit = 500` too); no Debian wrapper, no systemd and no host ever read it.
 *
 * In the core (2 kB): every `memcached.conf` of a repository with YAML beside it asks (a docker-compose.yml
 * beside it is common), and loading another group for it cost such a lint about 15 ms (measured: 1.66x ->
 * 2.00x `node -e 0` in the benchmark, whose memcached.conf has a Compose file beside it).
 */
import { join } from 'node:path';
import { readRegularFile } from '../input.js';

/** At most this many YAML files of the folder are read, each of at most 64 KiB. */
const MAX_FILES = 64;
const MAX_BYTES = 64 * 1024;

export interface ConfOwner {
  readonly looksLike: string;
  readonly because: string;
}

/** A KubeDB Memcached resource that takes its configuration from a ConfigMap or Secret: the text holds one. */
export function isKubedbMemcachedWithConfig(text: string): boolean {
  // The common case, a Compose file beside the memcached.conf: no document to split.
  if (!text.includes('kubedb.com/')) return false;
  for (const doc of text.split(/^---[ \t]*(?:#.*)?\r?$/m)) {
    if (!/^apiVersion:[ \t]*["']?kubedb\.com\/[\w.]+["']?[ \t]*(#.*)?\r?$/m.test(doc)) continue;
    if (!/^kind:[ \t]*["']?Memcached["']?[ \t]*(#.*)?\r?$/m.test(doc)) continue;
    if (/^[ \t]+(configSource|configSecret):/m.test(doc)) return true;
  }
  return false;
}

/**
 * The program whose file `dir/memcached.conf` is, told by the YAML files beside it (`yaml`, their names,
 * listed by the caller), or null when none says. Only regular files are read, never through a link.
 */
export function memcachedConfOwner(dir: string, yaml: readonly string[]): ConfOwner | null {
  for (const name of [...yaml].sort().slice(0, MAX_FILES)) {
    let text: string;
    try {
      text = readRegularFile(join(dir, name), MAX_BYTES, { noFollow: 'not read beside a memcached.conf' }).toString('utf8');
    } catch {
      continue;
    }
    if (!isKubedbMemcachedWithConfig(text)) continue;
    const shown = JSON.stringify(name).slice(1, -1).replace(/[^\x20-\x7e]/g, '?');
    return {
      looksLike: "KubeDB's memcached.conf: KubeDB's operator mounts it in the pods of its Memcached resource, where KubeDB's own script passes its lines to memcached; no Debian wrapper reads it",
      because: `${shown} beside it is a KubeDB Memcached resource that takes its configuration from a ConfigMap or Secret`,
    };
  }
  return null;
}
