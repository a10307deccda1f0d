/**
 * Container images mchard knows, by their reference: which image family a reference names and which
 * memcached release its tag says. Pure functions over the reference text; the dialects (Compose,
 * Dockerfile, Kubernetes) find the reference and decide what runs.
 *
 * Families:
 * - `official`: the Docker Official Image (docker-library/memcached): `ENTRYPOINT ["docker-entrypoint.sh"]`,
 *   `CMD ["memcached"]`, `USER memcache` (uid 11211 in the current Dockerfiles). Its entrypoint prepends
 *   `memcached` when the first argument starts with `-` (see `official.ts`). Tags: `1.6.45`, `1.6`, `1`,
 *   `latest`, each also with `-alpine`, `-bookworm`, `-alpine3.22`..., and `alpine`, `bookworm`....
 * - `bitnami`: Bitnami's image (bitnami/containers, `bitnami/memcached/1/debian-12`): configured through
 *   `MEMCACHED_*` variables, `USER 1001` (see `bitnami.ts`). Published as `docker.io/bitnami/memcached`
 *   until Bitnami's catalog change of August 28, 2025 moved every existing image to
 *   `docker.io/bitnamilegacy/memcached` (no further updates); `docker.io/bitnamisecure/memcached` holds
 *   the free hardened images (tag `latest` only); `public.ecr.aws/bitnami/memcached` was a mirror (retired
 *   June 10, 2026). Tags: `1.6.39`, `1.6.39-debian-12-r3`, `1.6`, `1`, `latest`.
 * - `unknown`: anything else. Its own ENTRYPOINT, CMD, USER and environment decide what runs; mchard
 *   does not guess.
 */
import { compareVersions, formatVersion, parseVersion, type Version } from '../../memcached/version.js';
import type { Span } from '../../source.js';
import type { AcrossReleases } from '../../memcached/model.js';
import { acrossBetween, acrossReleases } from '../../memcached/releases.js';

/** A release the file does not decide: why, what would, in a few words, the reference as written, and what its default names. */
export function dependsOn(why: string, decide: string, short: string, written: string, assumed: Exclude<ImageVersion, { kind: 'depends' }> | null): ImageVersion {
  return { kind: 'depends', why, decide, short, written, assumed, across: acrossReleases };
}

export type ImageFamily = 'official' | 'bitnami' | 'unknown';

/** Where a Bitnami image was published: it decides whether it still receives updates. */
export type BitnamiChannel = 'bitnami' | 'bitnamilegacy' | 'bitnamisecure' | 'ecr-public';

/** A reference split the way Docker's `distribution/reference` normalises it. */
export interface ImageRef {
  /** The reference as written (after the caller's variable substitution). */
  readonly text: string;
  /** `docker.io` when no registry is named. */
  readonly registry: string;
  /** The repository path inside the registry: `library/memcached`, `bitnami/memcached`. */
  readonly path: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

/**
 * The memcached release an image runs, as far as its reference says:
 * - `exact`: a tag naming a release (`1.6.21`, `1.6.21-alpine`, `1.6.21-debian-11-r5`);
 * - `range`: a floating tag (`1.5`, `1.6`, `1`): whatever release of that series was newest when the image
 *   was pulled, so at least `min` and at most `max` (null: the series is still released);
 * - `unknown`: `latest`, a variant-only tag (`alpine`), a digest, no tag, or a tag mchard cannot read;
 * - `depends`: the file does not decide the release, and says so: a tag built from variables
 *   (`memcached:${MEMCACHED_VERSION:-1.4.35}`, `FROM memcached:$V`), whose value is whatever they hold when
 *   the image is built or the containers are created, or a distribution's package installed in the image.
 *   `assumed` is what the reference names with the variables' defaults (null: no default names a release);
 *   `short` says it in a few words (`1.4.35 unless MEMCACHED_VERSION is set`); `decide` what would decide it.
 */
export type ImageVersion =
  | { readonly kind: 'exact'; readonly version: Version; readonly why: string }
  | {
      readonly kind: 'range';
      readonly min: Version;
      readonly max: Version | null;
      readonly why: string;
      /**
       * A closed series (`1.4`, `1.5`): the tag pointed at each of its releases in turn, and a host keeps the one
       * it pulled last (`docker compose up` and Kubernetes' `IfNotPresent` pull only a missing image), so the
       * file does not decide which: why, what would, and the model's reading across those releases.
       */
      readonly series?: { readonly reason: string; readonly decide: string; readonly across: AcrossReleases };
    }
  | { readonly kind: 'unknown'; readonly why: string }
  | {
      readonly kind: 'depends';
      readonly why: string;
      readonly decide: string;
      readonly short: string;
      readonly written: string;
      readonly assumed: Exclude<ImageVersion, { kind: 'depends' }> | null;
      /** The model's reading across releases (memcached/releases.ts), brought by the dialects that name images. */
      readonly across: AcrossReleases;
    };

export interface ImageInfo {
  readonly ref: ImageRef;
  readonly family: ImageFamily;
  /** For `bitnami`: where it was published. */
  readonly channel: BitnamiChannel | null;
  readonly version: ImageVersion;
  /** For `bitnami`: the image revision of a `-rN` tag (`1.6.6-debian-10-r71` → 71), else null. */
  readonly revision: number | null;
  /** One phrase for messages: `the official memcached image`, `Bitnami's memcached image (bitnamilegacy)`. */
  readonly title: string;
  /** The release is memcached's own source, built by the Dockerfile's RUN lines (an upstream build): `version` says which. */
  readonly fromSource?: boolean;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Splits a reference the way Docker does; null when it is not a reference at all (empty, spaces). */
export function parseImageRef(text: string): ImageRef | null {
  const t = text.trim();
  if (t === '' || /\s/.test(t)) return null;
  let rest = t;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1 && !rest.slice(colon + 1).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (rest === '' || (tag !== null && tag === '')) return null;
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  let registry = 'docker.io';
  let path = rest;
  if (slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first.toLowerCase();
    path = rest.slice(slash + 1);
  }
  if (DOCKER_HUB.has(registry)) {
    registry = 'docker.io';
    if (!path.includes('/')) path = `library/${path}`;
  }
  return { text: t, registry, path, tag, digest };
}

/** The last release of each closed series (memcached's release notes; endoflife.date lists them too). */
const SERIES_END: Readonly<Record<string, string>> = { '1.4': '1.4.39', '1.5': '1.5.22' };

function seriesRange(tag: string, why: string, ref: string): ImageVersion {
  const parts = tag.split('.').map(Number);
  if (parts.length === 2) {
    const key = `${parts[0]}.${parts[1]}`;
    const end = SERIES_END[key];
    if (!end) return { kind: 'range', min: [parts[0], parts[1], 0], max: null, why };
    const min: Version = [parts[0], parts[1], 0];
    const max = parseVersion(end)!;
    const series = {
      reason: `${why}: the host runs whichever release from ${formatVersion(min)} to ${end} it pulled last, as a pulled image is kept until it is pulled again`,
      decide: `the release of the image on the host (docker image inspect ${ref}, or memcached -V in its container)`,
      across: acrossBetween(min, max),
    };
    return { kind: 'range', min, max, why, series };
  }
  return { kind: 'range', min: [parts[0], 0, 0], max: null, why };
}

/** `1.6.21`, `1.6.21-alpine`, `1.6.21-bookworm`, `1.6`, `1-alpine3.22`, `latest`, `alpine`. */
function officialVersion(tag: string | null, digest: string | null, ref: string): ImageVersion {
  if (tag === null) return { kind: 'unknown', why: digest ? 'the image is named by digest only, which does not say the release' : 'no tag: Docker pulls latest, whatever release that was when the image was pulled' };
  const m = /^(\d+(?:\.\d+){0,2})(?:-[a-z][a-z0-9.]*)?$/.exec(tag);
  if (!m) return { kind: 'unknown', why: `tag ${tag} floats with the newest release` };
  const v = m[1];
  if (v.split('.').length === 3) return { kind: 'exact', version: parseVersion(v)!, why: `tag ${tag}` };
  return seriesRange(v, `tag ${tag} floats with the newest ${v} release`, ref);
}

/** `1.6.39`, `1.6.39-debian-12-r3`, `1.6.9-debian-10-r204`, `1.5.7-r16`, `1.6`, `1`, `latest`. */
function bitnamiVersion(tag: string | null, digest: string | null, ref: string): { version: ImageVersion; revision: number | null } {
  if (tag === null) return { version: { kind: 'unknown', why: digest ? 'the image is named by digest only, which does not say the release' : 'no tag: Docker pulls latest, whatever release that was when the image was pulled' }, revision: null };
  const m = /^(\d+(?:\.\d+){0,2})(?:-(?:debian|ol|rhel|photon|centos)-\d+)?(?:-r(\d+))?$/.exec(tag);
  if (!m) return { version: { kind: 'unknown', why: `tag ${tag} floats with the newest release` }, revision: null };
  const v = m[1];
  const revision = m[2] !== undefined ? Number(m[2]) : null;
  if (v.split('.').length === 3) return { version: { kind: 'exact', version: parseVersion(v)!, why: `tag ${tag}` }, revision };
  return { version: seriesRange(v, `tag ${tag} floats with the newest ${v} release`, ref), revision };
}

/** Which family a reference names, with its release. A reference mchard cannot parse is `unknown`. */
export function identifyImage(text: string): ImageInfo | null {
  const ref = parseImageRef(text);
  if (!ref) return null;
  const repo = `${ref.registry}/${ref.path}`;
  // The Docker Official Image, and the two public mirrors that serve it under its own name.
  if (repo === 'docker.io/library/memcached' || repo === 'public.ecr.aws/docker/library/memcached' || repo === 'mirror.gcr.io/library/memcached') {
    return { ref, family: 'official', channel: null, version: officialVersion(ref.tag, ref.digest, ref.text), revision: null, title: 'the official memcached image' };
  }
  const channel: BitnamiChannel | null =
    repo === 'docker.io/bitnami/memcached'
      ? 'bitnami'
      : repo === 'docker.io/bitnamilegacy/memcached'
        ? 'bitnamilegacy'
        : repo === 'docker.io/bitnamisecure/memcached'
          ? 'bitnamisecure'
          : repo === 'public.ecr.aws/bitnami/memcached'
            ? 'ecr-public'
            : null;
  if (channel) {
    const { version, revision } = bitnamiVersion(ref.tag, ref.digest, ref.text);
    const where = channel === 'bitnami' ? '' : ` (${channel === 'ecr-public' ? 'public.ecr.aws/bitnami' : channel})`;
    return { ref, family: 'bitnami', channel, version, revision, title: `Bitnami's memcached image${where}` };
  }
  // Its memcached is whatever the image holds (a package, a build, a copy): the reference does not say which release.
  return {
    ref,
    family: 'unknown',
    channel: null,
    version: dependsOn(
      `memcached comes from the image ${ref.text}, which is not one mchard knows: its release is whatever that image holds`,
      `the memcached in that image (memcached -V in a container of ${ref.text})`,
      `unknown: image ${ref.text}`,
      ref.text,
      null,
    ),
    revision: null,
    title: `image ${ref.text}`,
  };
}

/**
 * An image pulled again each time a container of it starts (Kubernetes' `imagePullPolicy: Always`, Compose's
 * `pull_policy: always`): a closed series' tag then runs what the tag names now, its final release, not
 * whichever release a host pulled once.
 */
export function pulledEachStart(info: ImageInfo, policy: string): ImageInfo {
  const v = info.version;
  if (v.kind !== 'range' || !v.series || v.max === null) return info;
  return { ...info, version: { kind: 'range', min: v.min, max: v.max, why: `${v.why} (${policy}: pulled again at each start)` } };
}

/** The version a model should use: the exact release, else null (a range or unknown leaves the default). */
export function exactVersion(v: ImageVersion): Version | null {
  return v.kind === 'exact' ? v.version : null;
}

const releaseOf = (v: ImageVersion): string | null =>
  v.kind === 'exact' ? formatVersion(v.version) : v.kind === 'range' ? `${formatVersion(v.min)}${v.max ? ` to ${formatVersion(v.max)}` : ' or later'}` : null;

/**
 * An image whose reference is built from variables (`vars`): `info` is the reference read with the variables'
 * defaults. Its release is what the variables hold when the image is built or pulled, which the file does not
 * decide: the default's release is only what it names when they are not set. `where` says where their value
 * comes from ("from the shell or the project's .env file when Compose runs").
 */
export function fromVariables(info: ImageInfo, written: string, vars: readonly string[], why: string, decide: string): ImageInfo {
  const named = info.version.kind === 'depends' ? info.version.assumed : info.version;
  const release = named ? releaseOf(named) : null;
  const names = vars.length ? vars.join(' or ') : 'a variable';
  const short = release !== null ? `${release} unless ${names} ${vars.length > 1 ? 'are' : 'is'} set` : `unknown: the tag comes from ${names}`;
  return {
    ...info,
    version: dependsOn(release !== null ? `${why}: memcached ${short}` : why, decide, short, written, release !== null ? named : null),
  };
}

const SUBSTITUTION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}/g;

/**
 * A Kubernetes manifest's image reference holding `${NAME}` (`${NAME:-default}`, Flux's `${NAME:=default}`):
 * Kubernetes does not expand it (a pod with it fails with InvalidImageName), so a tool substitutes it before
 * the manifest is applied (envsubst, Flux's postBuild substitution), and the release is what it holds there.
 * Null when the reference holds none.
 */
export function substitutedImage(text: string): ImageInfo | null {
  if (!text.includes('${')) return null;
  const vars: string[] = [];
  const defaulted = text.replace(SUBSTITUTION, (_m, name: string, op: string | undefined, dflt: string | undefined) => {
    if (!vars.includes(name)) vars.push(name);
    return op ? (dflt ?? '') : `\${${name}}`;
  });
  if (vars.length === 0) return null;
  const info = identifyImage(defaulted) ?? identifyImage(text.replace(SUBSTITUTION, 'x'));
  if (!info) return null;
  return fromVariables(
    info,
    text,
    vars,
    `the reference holds ${vars.map((v) => `\${${v}}`).join(', ')}, which Kubernetes does not expand: a tool substitutes ${vars.length > 1 ? 'them' : 'it'} before the manifest is applied (envsubst, Flux's postBuild substitution)`,
    `the value of ${vars.join(' and ')} where the manifest is rendered`,
  );
}


/** Whether every release the image can run is older than `fixed` (true), none is (false), or it depends (null). */
export function olderThan(v: ImageVersion, fixed: Version): boolean | null {
  if (v.kind === 'exact') return compareVersions(v.version, fixed) < 0;
  if (v.kind === 'range') {
    if (v.max !== null && compareVersions(v.max, fixed) < 0) return true;
    if (compareVersions(v.min, fixed) >= 0) return false;
    return null;
  }
  return null;
}
