/** The files beside a file that detection may read to tell what it is (a Helm values file's Chart.yaml). */
import { closeSync, fstatSync, lstatSync, openSync, readSync, constants as fsConstants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Companions } from '../dialects/detect.js';

/**
 * Files beside `path` that tell what it is: for a Helm `values*.yaml`, the `Chart.yaml` of its folder
 * (whether it is Bitnami's memcached chart or depends on it). Only a regular file of at most 64 KiB is
 * read, never through a symbolic link; anything else counts as absent.
 */
export function companionsOf(path: string): Companions {
  if (path === '-') return {};
  if (/^(docker-)?compose\.ya?ml$/.test(basename(path))) return { composeOverride: composeOverrideOf(path) };
  if (!/^values([.-][^/]*)?\.ya?ml$/.test(basename(path))) return {};
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

/**
 * The override file docker compose merges onto a file of one of its default names found in the same folder
 * (compose.override.yaml, compose.override.yml, docker-compose.override.yaml, docker-compose.override.yml):
 * its name, or null. Only whether it is there is looked at: mchard never reads it.
 */
function composeOverrideOf(path: string): string | null {
  for (const name of ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml']) {
    try {
      lstatSync(join(dirname(path), name));
      return name;
    } catch {
      // not there
    }
  }
  return null;
}
