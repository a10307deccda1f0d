/** The files beside a file that detection may read to tell what it is (a Helm values file's Chart.yaml). */
import { lstatSync, readdirSync } from 'node:fs';
import { isHostLocation, readRegularFile } from '../input.js';
import { basename, dirname, join } from 'node:path';
import { packagedOptionFile, unitDropInsOf, unitShadowOf } from '../system/unit-files.js';
import { hostUnitReading } from '../system/host-unit.js';
import { isThere, kustomizeHelmValuesOwner, kustomizeOwner, kustomizePatchOwner, memcachedConfOwner } from './conf-owner.js';
import { RANCHER_STACK, type Companions } from '../dialects/detect.js';
import type { DialectName, ParseContext } from '../dialects/types.js';

/**
 * Files beside `path` that tell what it is: for a Helm `values*.yaml`, the `Chart.yaml` of its folder
 * (whether it is Bitnami's memcached chart or depends on it). Only a regular file of at most 64 KiB is
 * read, never through a symbolic link; anything else counts as absent. `text`, the file's own text when the
 * caller has it: a Kubernetes object's YAML that a kustomization above names as a patch is a patch.
 */
export function companionsOf(path: string, text?: string): Companions {
  if (path === '-') return {};
  if (/^(docker-)?compose\.ya?ml$/.test(basename(path))) {
    // A Rancher 1.x stack: the rancher-compose.yml beside it (only whether it is there is looked at).
    const rancher = ['rancher-compose.yml', 'rancher-compose.yaml'].find((n) => isThere(join(dirname(path), n)));
    if (rancher) return { owner: { looksLike: RANCHER_STACK, because: `${rancher} beside it`, candidates: ['compose'] } };
    return { composeOverride: composeOverrideOf(path) };
  }
  // A memcached.conf in a repository that a KubeDB Memcached resource beside it takes, or that a kustomization
  // (beside it or above it) puts into a ConfigMap (src/cli/conf-owner.ts). The folder is listed once; its
  // YAML files are read only when there are some (at most 64, 64 KiB each), a kustomization only when there.
  if (/^memcached\.conf(\.(j2|jinja2?|erb|epp|tmpl|tpl|template))?$/.test(basename(path)) && !isHostLocation(path)) {
    let names: string[] = [];
    try {
      names = readdirSync(dirname(path));
    } catch {
      // a folder that cannot be listed says nothing
    }
    const yaml = names.filter((n) => /\.ya?ml$/i.test(n));
    const owner = (yaml.length ? memcachedConfOwner(dirname(path), yaml) : null) ?? kustomizeOwner(path, names);
    return owner ? { owner } : {};
  }
  // A Kubernetes object's YAML that a kustomization (beside it or above it) names among its patches: only a
  // part of the object kustomize builds (src/cli/conf-owner.ts). Looked for only in such a file.
  if (text !== undefined && /\.ya?ml$/i.test(path) && !isHostLocation(path) && /^apiVersion:/m.test(text) && /^kind:/m.test(text)) {
    const owner = kustomizePatchOwner(path);
    if (owner) return { owner };
  }
  if (!/^values([.-][^/]*)?\.ya?ml$/.test(basename(path))) return {};
  // no Chart.yaml there (or not a regular file of at most 64 KiB): nothing beside the file says what it is
  const chartYaml = besideText(path, 'Chart.yaml') ?? besideText(path, 'Chart.yml');
  if (chartYaml !== null) return { chartYaml };
  // No chart beside it: a kustomization's helmCharts may name it (its valuesFile).
  const owner = isHostLocation(path) ? null : kustomizeHelmValuesOwner(path);
  return owner ? { owner } : {};
}

/** The text of the file `name` in `path`'s folder: a regular file of at most 64 KiB, not a link; else null. */
function besideText(path: string, name: string): string | null {
  try {
    return readRegularFile(join(dirname(path), name), 64 * 1024, { noFollow: 'not read beside a values file' }).toString('utf8');
  } catch {
    return null;
  }
}

/** The context a file's dialect parses it in, from the files beside it (a Compose override, a unit's drop-ins, a Helm values file's Chart.yaml) and, for a distribution's option file at its packaged path, the host's memcached.service. */
export function parseContextOf(path: string, dialect: DialectName): Pick<ParseContext, 'composeOverride' | 'unitDropIns' | 'unitShadowedBy' | 'hostUnit' | 'chartYaml' | 'chartLock'> {
  if (dialect === 'compose') return { composeOverride: companionsOf(path).composeOverride ?? null };
  if (dialect === 'helm') {
    const chartYaml = companionsOf(path).chartYaml ?? null;
    return { chartYaml, chartLock: chartYaml === null ? null : besideText(path, 'Chart.lock') };
  }
  if (dialect === 'systemd') return { unitDropIns: unitDropInsOf(path), unitShadowedBy: unitShadowOf(path) };
  if (dialect === 'debian' || dialect === 'sysconfig') {
    const file = packagedOptionFile(path);
    return file ? { hostUnit: hostUnitReading(file) } : {};
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

export { unitDropInsOf, unitShadowOf };
