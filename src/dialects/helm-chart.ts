/**
 * What the `Chart.yaml` beside a Helm values file says about Bitnami's memcached chart: the file is that
 * chart's own values (its `version:`), or the values of a parent chart that depends on it (the dependency's
 * `version:` constraint, `alias:`, `condition:` and `tags:`). The chart's version decides which templates
 * turn the values into the memcached container (keys of 6.0.0 and later, of 4.x and 5.x, of earlier charts)
 * and which image tag runs when the values set none; a condition or tags decide whether helm installs the
 * subchart at all (Helm's documentation, "Charts": the Chart.yaml file, and "Tags and Condition fields in
 * dependencies").
 *
 * Versions follow Helm's constraint syntax (github.com/Masterminds/semver v3): `7.5.2`, `=7.5.2`, `6.x.x`,
 * `6.*`, `6`, `~6.9.0`, `^6.0.0`, `>=5.0.0 <7.0.0`, `>= 6.0.0, < 7`, `5.9.0 - 6.2.0`, alternatives joined by
 * `||`. A constraint is read as the smallest interval that holds every version it allows (alternatives
 * joined into one), so a question "are all of them at least X" answered yes is true of each.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { MAX_YAML_DEPTH, yamlNestingBound } from './compose.js';
import { sha256Hex } from '../report/sha256.js';

/** A version as three numbers. */
export type ChartVersion = readonly [number, number, number];

/** Versions from `min` (inclusive) to `below` (exclusive; null: no upper bound). */
export interface ChartRange {
  readonly min: ChartVersion;
  readonly below: ChartVersion | null;
}

export interface ChartFacts {
  /** `chart`: the Chart.yaml is Bitnami's memcached chart itself; `dependency`: it depends on it. */
  readonly kind: 'chart' | 'dependency';
  /** The version or constraint as written (the chart's `version:`, the dependency's), or null when absent. */
  readonly versionText: string | null;
  /** The versions it allows; null when absent or not read. */
  readonly range: ChartRange | null;
  /** The dependency's repository as written. */
  readonly repository: string | null;
  /** The key of the parent's values that holds the subchart's (`alias:`, else the chart's name). */
  readonly valuesKey: string;
  /** The dependency's `condition:` paths (comma-separated in the file), in order. */
  readonly condition: readonly string[];
  /** The dependency's `tags:`. */
  readonly tags: readonly string[];
  /** For a dependency: its place in Chart.yaml's `dependencies:` (the Chart.lock lists them in that order). */
  readonly index?: number;
  /** For a dependency: the version the Chart.lock beside it pins, when helm would build from it (lockedChart). */
  readonly locked?: { readonly version: string; readonly constraint: string | null };
}

const cmp = (a: ChartVersion, b: ChartVersion): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Whether every version of the range is at least `v`. */
export function allAtLeast(r: ChartRange, v: ChartVersion): boolean {
  return cmp(r.min, v) >= 0;
}

/** Whether every version of the range is below `v`. */
export function allBelow(r: ChartRange, v: ChartVersion): boolean {
  return r.below !== null && cmp(r.below, v) <= 0;
}

/** The one version a range allows (`7.5.2`), or null. */
export function exactOf(r: ChartRange): ChartVersion | null {
  if (r.below === null) return null;
  const [a, b, c] = r.min;
  return cmp(r.below, [a, b, c + 1]) === 0 ? r.min : null;
}

export const versionText = (v: ChartVersion): string => v.join('.');

const VERSION = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** A version with wildcards: its numbers up to the first wildcard or missing part. */
function partial(text: string): number[] | null {
  const m = VERSION.exec(text);
  if (!m) return null;
  const out: number[] = [];
  for (const p of [m[1], m[2], m[3]]) {
    if (p === undefined || /^[xX*]$/.test(p)) break;
    out.push(Number(p));
  }
  return out;
}

const full = (p: number[]): ChartVersion => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
/** The first version after every version `p` names (`6` → 7.0.0, `6.9` → 6.10.0, `6.9.1` → 6.9.2). */
function after(p: number[]): ChartVersion | null {
  if (p.length === 0) return null;
  const q = [...p];
  q[q.length - 1] += 1;
  return full(q);
}

/** One comparator (`>=6.0.0`, `~6.9`, `6.x`) as a range; null: not read. */
function comparator(op: string, text: string): ChartRange | null {
  const p = partial(text);
  if (!p) return null;
  const lo = full(p);
  switch (op) {
    case '':
    case '=':
      return { min: lo, below: after(p) };
    case '>=':
      return { min: lo, below: null };
    case '>':
      return { min: after(p) ?? [Infinity, 0, 0], below: null };
    case '<':
      return { min: [0, 0, 0], below: lo };
    case '<=':
      return { min: [0, 0, 0], below: after(p) };
    case '~':
    case '~>':
      return { min: lo, below: after(p.length >= 2 ? p.slice(0, 2) : p) };
    case '^':
      // ^1.2.3 → <2.0.0; ^0.2.3 → <0.3.0; ^0.0.3 → <0.0.4 (the first non-zero part is kept).
      if (p.length === 0) return { min: lo, below: null };
      for (let k = 0; k < p.length; k++) if (p[k] !== 0 || k === p.length - 1) return { min: lo, below: after(p.slice(0, k + 1)) };
      return { min: lo, below: null };
    case '!=':
      return { min: [0, 0, 0], below: null };
    default:
      return null;
  }
}

/** A constraint as the smallest range holding every version it allows; null when it cannot be read. */
export function chartRange(constraint: string): ChartRange | null {
  const alternatives = constraint.split('||').map((a) => a.trim());
  let hull: ChartRange | null = null;
  for (const alt of alternatives) {
    let r: ChartRange = { min: [0, 0, 0], below: null };
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(alt);
    const parts: ChartRange[] = [];
    if (hyphen) {
      const a = comparator('>=', hyphen[1]);
      const b = comparator('<=', hyphen[2]);
      if (!a || !b) return null;
      parts.push(a, b);
    } else {
      // Comparators are separated by spaces or commas; an operator may stand apart from its version.
      const words = alt.replace(/(>=|<=|~>|!=|[<>=~^])\s+/g, '$1').split(/[\s,]+/).filter((w) => w !== '');
      if (words.length === 0) parts.push({ min: [0, 0, 0], below: null });
      for (const w of words) {
        const m = /^(>=|<=|~>|!=|[<>=~^])?(.*)$/.exec(w)!;
        if (m[2] === '*' || /^[xX]$/.test(m[2])) {
          parts.push({ min: [0, 0, 0], below: null });
          continue;
        }
        const c = comparator(m[1] ?? '', m[2]);
        if (!c) return null;
        parts.push(c);
      }
    }
    for (const c of parts) {
      const min = cmp(c.min, r.min) > 0 ? c.min : r.min;
      const below = r.below === null ? c.below : c.below === null ? r.below : cmp(c.below, r.below) < 0 ? c.below : r.below;
      r = { min, below };
    }
    hull = hull === null ? r : { min: cmp(r.min, hull.min) < 0 ? r.min : hull.min, below: r.below === null || hull.below === null ? null : cmp(r.below, hull.below) > 0 ? r.below : hull.below };
  }
  return hull;
}

const text = (n: unknown): string | null => (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : null);
const get = (n: unknown, key: string): unknown => (isMap(n) ? n.get(key, true) : undefined);

/** A repository of Bitnami's charts (`https://charts.bitnami.com/bitnami`, `oci://registry-1.docker.io/bitnamicharts`, a mirror named for it). */
const BITNAMI = /bitnami/i;

/** A dependency of a parent chart on a memcached chart that is not Bitnami's (the old stable/memcached, a fork). */
export interface OtherMemcachedChart {
  readonly name: string;
  readonly repository: string | null;
  readonly versionText: string | null;
  /** The key of the parent's values its subchart gets (`alias:`, else its name). */
  readonly valuesKey: string;
  readonly index: number;
}

/**
 * The dependencies of a Chart.yaml on a chart named memcached from another repository than Bitnami's
 * (cortex's chart depended on https://charts.helm.sh/stable's memcached chart up to 2022): helm installs
 * them too, with templates mchard does not read.
 */
export function otherMemcachedCharts(chartYaml: string): OtherMemcachedChart[] {
  const deps = get(parseYaml(chartYaml), 'dependencies');
  if (!isSeq(deps)) return [];
  const out: OtherMemcachedChart[] = [];
  deps.items.forEach((d, index) => {
    const name = text(get(d, 'name'));
    const repository = text(get(d, 'repository'));
    if (name !== 'memcached' || (repository !== null && BITNAMI.test(repository))) return;
    out.push({ name, repository, versionText: text(get(d, 'version')), valuesKey: text(get(d, 'alias')) ?? name, index });
  });
  return out;
}

/**
 * What a Chart.yaml says of Bitnami's memcached chart, or null when it is neither that chart nor depends on
 * it (or is not read: not YAML, nested deeper than any Chart.yaml). For a parent chart with several
 * dependencies on it, the first (chartReadings has them all).
 */
export function chartFacts(chartYaml: string): ChartFacts | null {
  return chartReadings(chartYaml)[0] ?? null;
}

/**
 * Every reading of Bitnami's memcached chart a Chart.yaml holds: the chart itself (one), or each dependency
 * of a parent chart on it, in Chart.yaml's order (cortex's chart has five, under the aliases
 * memcached-frontend, memcached-blocks-index...: helm installs one subchart per dependency, each with the
 * values under its own key). Two dependencies under the same key are read once (the same values). Empty:
 * neither, or not read.
 */
export function chartReadings(chartYaml: string): ChartFacts[] {
  if (yamlNestingBound(chartYaml) > MAX_YAML_DEPTH) return [];
  let root: Node | null;
  try {
    const doc = parseDocument(chartYaml, { uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length) return [];
    root = doc.contents as Node | null;
  } catch {
    return [];
  }
  if (!isMap(root)) return [];
  const version = (t: string | null) => ({ versionText: t, range: t === null ? null : chartRange(t) });
  if (text(get(root, 'name')) === 'memcached' && BITNAMI.test(chartYaml)) {
    return [{ kind: 'chart', ...version(text(get(root, 'version'))), repository: null, valuesKey: 'memcached', condition: [], tags: [] }];
  }
  const deps = get(root, 'dependencies');
  if (!isSeq(deps)) return [];
  const out: ChartFacts[] = [];
  deps.items.forEach((d, index) => {
    if (text(get(d, 'name')) !== 'memcached') return;
    const repository = text(get(d, 'repository'));
    if (repository === null || !BITNAMI.test(repository)) return;
    const valuesKey = text(get(d, 'alias')) ?? 'memcached';
    if (out.some((f) => f.valuesKey === valuesKey)) return;
    const condition = (text(get(d, 'condition')) ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '');
    const tagsNode = get(d, 'tags');
    const tags = isSeq(tagsNode) ? tagsNode.items.map(text).filter((t): t is string => t !== null) : [];
    out.push({ kind: 'dependency', ...version(text(get(d, 'version'))), repository, valuesKey, condition, tags, index });
  });
  return out;
}

/**
 * The memcached release each version of Bitnami's memcached chart runs when the values set no `image.tag`:
 * the release its own values.yaml's default image names, from the history of github.com/bitnami/charts
 * (branch main at 5165628ae06697f8f68a670bef7739d93c4b7f44, 2026-07-01; `incubator/memcached` up to chart
 * 0.4.27, `bitnami/memcached` from 0.4.28), made by scripts/gen-bitnami-chart-releases.mjs. Rows: first and
 * last chart version, lowest and highest release. Two releases for one chart version: the commits that carry
 * that version name both (the image was bumped in a commit of its own, or a branch was merged later), and
 * which of them the published chart holds is not told here. Chart 8.0.0 (2025-09-01) is the newest the
 * repository's history holds; Bitnami has published later versions to its OCI registry since (zulip's chart
 * names 8.1.5), which this table does not hold.
 */
const CHART_RELEASES: readonly (readonly [string, string, string, string])[] = [
  ['0.3.2', '0.3.2', '1.4.25', '1.4.25'],
  ['0.3.3', '0.3.3', '1.4.32', '1.4.32'],
  ['0.3.4', '0.4.2', '1.4.33', '1.4.33'],
  ['0.4.3', '0.4.4', '1.4.34', '1.4.34'],
  ['0.4.5', '0.4.5', '1.4.35', '1.4.35'],
  ['0.4.6', '0.4.10', '1.4.36', '1.4.36'],
  ['0.4.11', '0.4.11', '1.4.37', '1.4.37'],
  ['0.4.12', '0.4.12', '1.4.38', '1.4.38'],
  ['0.4.13', '0.4.13', '1.4.39', '1.5.0'],
  ['0.4.14', '0.4.14', '1.5.0', '1.5.0'],
  ['0.4.15', '0.4.15', '1.5.0', '1.5.1'],
  ['0.4.16', '0.4.16', '1.5.1', '1.5.2'],
  ['0.4.17', '0.4.17', '1.5.2', '1.5.2'],
  ['0.4.18', '0.4.18', '1.5.2', '1.5.3'],
  ['0.4.19', '0.4.19', '1.5.3', '1.5.3'],
  ['0.4.20', '0.4.20', '1.5.3', '1.5.4'],
  ['0.4.21', '0.4.21', '1.5.4', '1.5.4'],
  ['0.4.22', '0.4.22', '1.5.4', '1.5.5'],
  ['0.4.23', '0.4.23', '1.5.5', '1.5.5'],
  ['0.4.24', '0.4.24', '1.5.5', '1.5.6'],
  ['0.4.25', '0.4.26', '1.5.6', '1.5.6'],
  ['0.4.27', '0.4.27', '1.5.6', '1.5.7'],
  ['0.4.28', '0.4.28', '1.5.7', '1.5.7'],
  ['0.4.29', '0.4.29', '1.5.7', '1.5.8'],
  ['0.4.30', '0.4.30', '1.5.8', '1.5.8'],
  ['0.4.31', '0.4.31', '1.5.8', '1.5.9'],
  ['0.4.32', '0.4.33', '1.5.9', '1.5.9'],
  ['0.4.34', '0.4.34', '1.5.9', '1.5.10'],
  ['0.4.35', '1.0.0', '1.5.10', '1.5.10'],
  ['1.0.1', '1.0.1', '1.5.10', '1.5.11'],
  ['1.0.2', '1.0.2', '1.5.11', '1.5.11'],
  ['1.1.0', '1.1.0', '1.5.10', '1.5.11'],
  ['1.2.0', '1.2.0', '1.5.11', '1.5.11'],
  ['1.2.1', '1.2.1', '1.5.11', '1.5.12'],
  ['1.2.2', '1.5.1', '1.5.12', '1.5.12'],
  ['1.5.2', '1.5.2', '1.5.13', '1.5.13'],
  ['1.5.3', '1.5.3', '1.5.14', '1.5.14'],
  ['1.5.4', '1.5.4', '1.5.15', '1.5.15'],
  ['1.5.5', '2.1.3', '1.5.16', '1.5.16'],
  ['2.1.4', '2.2.0', '1.5.17', '1.5.17'],
  ['2.2.1', '3.0.0', '1.5.18', '1.5.18'],
  ['3.0.1', '3.0.13', '1.5.19', '1.5.19'],
  ['3.0.14', '4.2.0', '1.5.20', '1.5.20'],
  ['4.2.1', '4.2.2', '1.5.21', '1.5.21'],
  ['4.2.3', '4.2.7', '1.5.22', '1.5.22'],
  ['4.2.8', '4.2.10', '1.6.0', '1.6.0'],
  ['4.2.11', '4.2.11', '1.6.1', '1.6.1'],
  ['4.2.12', '4.2.13', '1.6.2', '1.6.2'],
  ['4.2.14', '4.2.15', '1.6.3', '1.6.3'],
  ['4.2.16', '4.2.17', '1.6.5', '1.6.5'],
  ['4.2.18', '4.2.23', '1.6.6', '1.6.6'],
  ['4.2.24', '4.2.26', '1.6.7', '1.6.7'],
  ['4.2.27', '5.2.0', '1.6.8', '1.6.8'],
  ['5.2.1', '5.13.5', '1.6.9', '1.6.9'],
  ['5.13.6', '5.15.2', '1.6.10', '1.6.10'],
  ['5.15.3', '5.15.13', '1.6.12', '1.6.12'],
  ['5.15.14', '6.0.2', '1.6.13', '1.6.13'],
  ['6.0.3', '6.0.9', '1.6.14', '1.6.14'],
  ['6.0.10', '6.1.8', '1.6.15', '1.6.15'],
  ['6.1.9', '6.2.2', '1.6.16', '1.6.16'],
  ['6.2.3', '6.3.4', '1.6.17', '1.6.17'],
  ['6.3.5', '6.3.10', '1.6.18', '1.6.18'],
  ['6.3.11', '6.5.0', '1.6.19', '1.6.19'],
  ['6.5.1', '6.5.2', '1.6.20', '1.6.20'],
  ['6.5.3', '6.6.6', '1.6.21', '1.6.21'],
  ['6.6.7', '6.7.2', '1.6.22', '1.6.22'],
  ['6.7.3', '6.12.1', '1.6.23', '1.6.23'],
  ['6.12.2', '7.0.1', '1.6.24', '1.6.24'],
  ['7.0.2', '7.0.2', '1.6.25', '1.6.25'],
  ['7.0.3', '7.0.3', '1.6.26', '1.6.26'],
  ['7.0.4', '7.4.1', '1.6.27', '1.6.27'],
  ['7.4.2', '7.4.7', '1.6.28', '1.6.28'],
  ['7.4.8', '7.4.13', '1.6.29', '1.6.29'],
  ['7.4.14', '7.4.14', '1.6.30', '1.6.30'],
  ['7.4.15', '7.5.1', '1.6.31', '1.6.31'],
  ['7.5.2', '7.5.3', '1.6.32', '1.6.32'],
  ['7.5.4', '7.6.0', '1.6.33', '1.6.33'],
  ['7.6.1', '7.6.1', '1.6.34', '1.6.34'],
  ['7.6.2', '7.6.2', '1.6.35', '1.6.35'],
  ['7.6.3', '7.6.4', '1.6.36', '1.6.36'],
  ['7.6.5', '7.7.0', '1.6.37', '1.6.37'],
  ['7.7.1', '7.9.3', '1.6.38', '1.6.38'],
  ['7.9.4', '8.0.0', '1.6.39', '1.6.39'],
];

const parse3 = (t: string): ChartVersion => t.split('.').map(Number) as unknown as ChartVersion;

/** The newest chart version the table holds. */
export const NEWEST_CHART = parse3(CHART_RELEASES[CHART_RELEASES.length - 1][1]);

/** What the chart versions of a range run by default: the lowest and highest release their default image names. */
export interface ChartReleases {
  readonly min: ChartVersion;
  readonly max: ChartVersion;
  /** The range allows versions after the newest chart the table holds (published since, to Bitnami's OCI registry). */
  readonly beyond: boolean;
}

/**
 * The releases the default image of the range's chart versions names; null when the table holds none of
 * them. A row is read as holding every chart version from its first to its last, so a range that clips a
 * row takes the row's releases.
 */
export function chartReleases(r: ChartRange): ChartReleases | null {
  let min: ChartVersion | null = null;
  let max: ChartVersion | null = null;
  for (const [from, to, lo, hi] of CHART_RELEASES) {
    const a = parse3(from);
    const b = parse3(to);
    // The row and the range overlap: the row ends at or after the range's start and starts before its end.
    if (cmp(b, r.min) < 0 || (r.below !== null && cmp(a, r.below) >= 0)) continue;
    const rowMin = parse3(lo);
    const rowMax = parse3(hi);
    if (min === null || cmp(rowMin, min) < 0) min = rowMin;
    if (max === null || cmp(rowMax, max) > 0) max = rowMax;
  }
  if (min === null || max === null) return null;
  return { min, max, beyond: r.below === null || cmp(r.below, [NEWEST_CHART[0], NEWEST_CHART[1], NEWEST_CHART[2] + 1]) > 0 };
}

// ---- Chart.lock ----

/** A dependency's fields as Helm's chart.Dependency marshals them to JSON, in its order; `omit`: omitempty. */
const DEP_FIELDS: readonly { key: string; kind: 'string' | 'strings' | 'bool'; omit: boolean }[] = [
  { key: 'name', kind: 'string', omit: false },
  { key: 'version', kind: 'string', omit: true },
  { key: 'repository', kind: 'string', omit: false },
  { key: 'condition', kind: 'string', omit: true },
  { key: 'tags', kind: 'strings', omit: true },
  { key: 'enabled', kind: 'bool', omit: true },
  { key: 'alias', kind: 'string', omit: true },
];

/** Go's encoding/json string: JSON.stringify's, with <, >, &, U+2028 and U+2029 escaped as Go escapes them. */
const goString = (v: string) => JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A `dependencies:` list as Go's json.Marshal writes `[]*chart.Dependency`, or null when mchard cannot say
 * (a key it does not model, import-values, a value of another type, a repository name that
 * `helm dependency build` resolves from the host's repositories first: `@name`, `alias:name`).
 */
function depsJson(deps: unknown): string | null {
  if (deps === undefined || deps === null || (isScalar(deps) && deps.value === null)) return 'null';
  if (!isSeq(deps)) return null;
  const out: string[] = [];
  for (const d of deps.items) {
    if (!isMap(d)) return null;
    const vals = new Map<string, unknown>();
    for (const pair of d.items) {
      const k = isScalar(pair.key) ? pair.key.value : null;
      if (typeof k !== 'string' || !DEP_FIELDS.some((f) => f.key === k) || vals.has(k)) return null;
      vals.set(k, pair.value);
    }
    const parts: string[] = [];
    for (const f of DEP_FIELDS) {
      const n = vals.get(f.key);
      const v = n === undefined || (isScalar(n) && n.value === null) ? undefined : n;
      if (f.kind === 'string') {
        if (v !== undefined && !(isScalar(v) && typeof v.value === 'string')) return null;
        const str = v === undefined ? '' : ((v as { value: string }).value);
        if (f.key === 'repository' && /^(@|alias:)/.test(str)) return null;
        if (!(f.omit && str === '')) parts.push(`${goString(f.key)}:${goString(str)}`);
      } else if (f.kind === 'strings') {
        if (v === undefined) continue;
        if (!isSeq(v) || !v.items.every((i) => isScalar(i) && typeof i.value === 'string')) return null;
        if (v.items.length) parts.push(`"tags":[${v.items.map((i) => goString((i as { value: string }).value)).join(',')}]`);
      } else {
        if (v !== undefined && !(isScalar(v) && typeof v.value === 'boolean')) return null;
        if (v !== undefined && (v as { value: boolean }).value) parts.push('"enabled":true');
      }
    }
    out.push(`{${parts.join(',')}}`);
  }
  return `[${out.join(',')}]`;
}

const parseYaml = (t: string): Node | null => {
  if (yamlNestingBound(t) > MAX_YAML_DEPTH) return null;
  try {
    const doc = parseDocument(t, { uniqueKeys: false, prettyErrors: false });
    return doc.errors.length ? null : (doc.contents as Node | null);
  } catch {
    return null;
  }
};

/** What the Chart.lock beside a parent chart's Chart.yaml says of its dependency on Bitnami's memcached chart. */
export type LockReading =
  | { readonly state: 'pinned'; readonly version: string }
  | { readonly state: 'stale' | 'unchecked' | 'unread'; readonly why: string };

/**
 * Whether `helm dependency build` would fetch the memcached chart the Chart.lock pins: the lock's `digest`
 * is what Helm computes from Chart.yaml's dependencies and the lock's (resolver.HashReq: sha256 of the JSON
 * of both lists; or, for a lock Helm 2 wrote, HashV2Req), else Helm refuses it ("the lock file (Chart.lock)
 * is out of sync with the dependencies file (Chart.yaml)"). The lock lists the dependencies in Chart.yaml's
 * order, so a memcached one is found by its place: `index` (ChartFacts.index), else the first.
 */
export function readChartLock(chartYaml: string, lockText: string, index?: number): LockReading {
  const chart = parseYaml(chartYaml);
  const lock = parseYaml(lockText);
  if (!isMap(lock)) return { state: 'unread', why: 'the Chart.lock beside it is not YAML mchard reads' };
  const req = get(chart, 'dependencies');
  const locked = get(lock, 'dependencies');
  const digest = text(get(lock, 'digest'));
  const reqJson = depsJson(req);
  const lockJson = depsJson(locked);
  if (reqJson === null || lockJson === null || digest === null) {
    return { state: 'unchecked', why: 'mchard cannot check the Chart.lock beside it against Chart.yaml (a field or repository name it does not model)' };
  }
  const v3 = `sha256:${sha256Hex(`[${reqJson},${lockJson}]`)}`;
  const v2 = `sha256:${sha256Hex(`{"dependencies":${reqJson}}`)}`;
  if (digest !== v3 && digest !== v2) {
    return { state: 'stale', why: 'the Chart.lock beside it is out of sync with Chart.yaml (its digest is not that of their dependencies): helm dependency build refuses it, and helm dependency update picks again' };
  }
  const at = index ?? (isSeq(req) ? req.items.findIndex((d) => text(get(d, 'name')) === 'memcached' && BITNAMI.test(text(get(d, 'repository')) ?? '')) : -1);
  const entry = at >= 0 && isSeq(locked) ? locked.items[at] : null;
  const version = text(get(entry, 'version'));
  if (text(get(entry, 'name')) !== 'memcached' || version === null || !exactOf(chartRange(version) ?? { min: [0, 0, 0], below: null })) {
    return { state: 'unread', why: 'the Chart.lock beside it names no one version of the memcached chart' };
  }
  return { state: 'pinned', version };
}
