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
import { lstatSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { readRegularFile } from '../input.js';
import { notOwnersOwn } from '../system/changeable.js';
import { aclWriterOf } from '../fix/xattrs.js';
import type { DialectName } from '../dialects/types.js';

/** At most this many YAML files of the folder are read, each of at most 64 KiB. */
const MAX_FILES = 64;
const MAX_BYTES = 64 * 1024;

export interface ConfOwner {
  readonly looksLike: string;
  readonly because: string;
  /** The dialects that may read it after all, offered as `--dialect NAME` (a kustomize ConfigMap's file: debian). */
  readonly candidates?: readonly DialectName[];
}

/** The names kustomize reads a kustomization by (kustomize's konfig.RecognizedKustomizationFileNames). */
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** How many folders above the file's own a kustomization is looked for (each: three lstat calls). */
const KUSTOMIZE_LEVELS = 4;

/**
 * Whether a kustomization's text puts the file at `rel` (a path relative to the kustomization's folder)
 * into a ConfigMap or Secret: an entry of a `configMapGenerator:` or `secretGenerator:` block naming it,
 * alone or as `key=path` (`- memcached.conf`, `- memcached.conf=config/memcached.conf`, `files: [x]`).
 * With `blocks` = PATCH_BLOCKS: whether it names the file as one of its patches (`patches: - path: x`,
 * `patchesStrategicMerge: - x`). Read by lines, not as YAML: a false match refuses a file, it never reads
 * one as something else.
 */
export function kustomizeTakes(text: string, rel: string, blocks: RegExp = GENERATOR_BLOCKS): boolean {
  const esc = rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const entry = new RegExp(`(^|[\\s\\[,="'])(\\./)?${esc}(?=$|[\\s\\],"'#])`);
  let inBlock = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^[^\s#-]/.test(line)) inBlock = blocks.test(line);
    else if (inBlock && entry.test(line.replace(/[ \t]#.*$/, ''))) return true;
  }
  return false;
}
const GENERATOR_BLOCKS = /^(configMapGenerator|secretGenerator)[ \t]*:/;
/** A kustomization's lists of patches: each entry's file is merged onto an object of its resources. */
const PATCH_BLOCKS = /^(patches|patchesStrategicMerge|patchesJson6902)[ \t]*:/;

/**
 * The kustomization that puts `path` (a memcached.conf outside /etc) into a ConfigMap: one in its own
 * folder (`names`: that folder's listing, already made) or up to KUSTOMIZE_LEVELS folders above (kustomize
 * loads files from below a kustomization's folder only), read only when it is there.
 */
export function kustomizeOwner(path: string, names: readonly string[]): ConfOwner | null {
  const where = kustomizationNaming(path, names, GENERATOR_BLOCKS);
  return where === null
    ? null
    : {
        looksLike: "a file kustomize puts into a ConfigMap or Secret: the container that mounts it reads it, and the repository does not say which program that is (Debian's wrapper, an image's own script or memcached's)",
        because: `${where} names it in its configMapGenerator or secretGenerator`,
        candidates: ['debian'],
      };
}

/** A kustomization's Helm charts: each entry's valuesFile (and additionalValuesFiles) are the chart's values. */
const HELM_BLOCKS = /^helmCharts[ \t]*:/;

/**
 * The kustomization that names `path` (a values*.yaml with no Chart.yaml beside it) in its `helmCharts:`
 * (qclaogui/codelab-monitoring's kubernetes/common/memcached: `valuesFile: values-k3d-k3s.yaml` for Bitnami's
 * memcached chart 8.1.5, whose image its `images:` also replaces): kustomize build --enable-helm renders the
 * chart with them, so they are no "chart mchard does not read" by default, nor a whole reading.
 */
export function kustomizeHelmValuesOwner(path: string): ConfOwner | null {
  const where = kustomizationNaming(path, null, HELM_BLOCKS);
  return where === null
    ? null
    : {
        looksLike: `the values of a Helm chart that kustomize renders (kustomize build --enable-helm on the folder of ${where}, whose images: may also replace the chart's image: lint what it makes; when the chart is Bitnami's memcached chart, --dialect helm reads them)`,
        because: `${where} names it in its helmCharts`,
        candidates: ['helm'],
      };
}

/**
 * The kustomization that names `path` (a Kubernetes object's YAML) as one of its patches: kustomize merges
 * it onto an object of the kustomization's resources (hippocampus-dev/hippocampus's overlays patch only the
 * memcached container's memory request of a StatefulSet whose image and args are in a base elsewhere), so
 * the file alone is neither the workload nor "no container that runs memcached".
 */
export function kustomizePatchOwner(path: string): ConfOwner | null {
  const where = kustomizationNaming(path, null, PATCH_BLOCKS);
  return where === null
    ? null
    : {
        looksLike: `a kustomize patch: kustomize merges it onto an object of the kustomization's resources, whose image, command and user it keeps where the patch does not set them (lint the output of kustomize build on the folder of ${where} instead)`,
        because: `${where} names it in its patches`,
      };
}

/**
 * The kustomization (shown relative to `path`'s folder) in `path`'s folder (`names`: its listing, when
 * already made) or up to KUSTOMIZE_LEVELS folders above, not past a repository's top, whose `blocks` name
 * `path`; null when none does. A kustomization is read only when it is there (64 KiB at most, not a link).
 */
function kustomizationNaming(path: string, names: readonly string[] | null, blocks: RegExp): string | null {
  let dir = dirname(path);
  for (let level = 0; level <= KUSTOMIZE_LEVELS; level++) {
    const here = level === 0 && names ? { names: KUSTOMIZATION_NAMES.filter((n) => names.includes(n)), top: names.includes('.git') } : folderAbove(dir);
    for (const name of here.names) {
      let text: string;
      try {
        text = readRegularFile(join(dir, name), MAX_BYTES, { noFollow: 'not read above a memcached.conf', accept: (st) => othersKustomization(join(dir, name), st) }).toString('utf8');
      } catch {
        continue;
      }
      const rel = relative(dir, path).split('\\').join('/');
      if (!kustomizeTakes(text, rel, blocks)) continue;
      return JSON.stringify(level === 0 ? name : join(relative(dirname(path), dir), name)).slice(1, -1).replace(/[^\x20-\x7e]/g, '?');
    }
    // A repository's top folder is as far as its kustomizations go.
    if (here.top) break;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * Why a kustomization found above a memcached.conf says nothing about it, or null: as a `.mchardrc` found
 * above the files, it counts only when it is its owner's own (notOwnersOwn). Folders above a file are often
 * shared (/tmp, /srv): another user's kustomization.yaml planted in /tmp naming x/memcached.conf had root's
 * lint of /tmp/x/memcached.conf refuse the file as "a file kustomize puts into a ConfigMap".
 */
function othersKustomization(file: string, st: Stats): string | null {
  return notOwnersOwn(file, st, aclWriterOf)?.why ?? null;
}

/**
 * The kustomizations of a folder above a memcached.conf and whether it is a repository's top (.git), asked
 * once a second per folder: the files of a repository share their folders above (pre-commit passes them
 * all at once), and the language server, which runs for hours, sees a kustomization added since.
 */
const above = new Map<string, { names: string[]; top: boolean; at: number }>();
function folderAbove(dir: string): { names: string[]; top: boolean } {
  const now = Date.now();
  let found = above.get(dir);
  if (!found || now - found.at > 1000) {
    found = { names: KUSTOMIZATION_NAMES.filter((n) => isThere(join(dir, n))), top: isThere(join(dir, '.git')), at: now };
    if (above.size >= 4096) above.clear();
    above.set(dir, found);
  }
  return found;
}

/** Whether anything is at `p` (an absent name returns, rather than throws: a thrown ENOENT costs about 20 µs). */
export const isThere = (p: string): boolean => {
  try {
    return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
};

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
