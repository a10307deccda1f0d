/**
 * The `helm` dialect: values for Bitnami's memcached chart (bitnami/charts `bitnami/memcached`), read the
 * way the chart's templates turn them into the memcached container, its Service and its NetworkPolicy.
 * Only this chart: the values of any other chart mean whatever its own templates make of them.
 *
 * Which values: the chart's own `values.yaml`, a user's override file for it, or the `memcached:` section
 * of a parent chart that depends on it (zulip's chart). Values not set take the chart's defaults, which
 * the chart's real `values.yaml` gives (checked against chart 1.5.6, 5.15.2, 6.3.4 and 7.9.7, and the
 * history of bitnami/charts for when each key appeared). The file does not name the chart version, so
 * the generation of the templates is told from the keys it uses:
 * - 6.0.0 and later (`auth`, `args`, `extraEnvVars`, `containerPorts`, `containerSecurityContext`,
 *   `networkPolicy`): env `MEMCACHED_PORT_NUMBER` from `containerPorts.memcached` (11211), with
 *   `auth.enabled` `MEMCACHED_USERNAME` and the password from the chart's Secret (`auth.password`, else a
 *   random one; `auth.existingPasswordSecret` names another), given as `MEMCACHED_PASSWORD_FILE` when
 *   `auth.usePasswordFiles` (7.8.0 on); `command`/`args` as the container's; `extraEnvVars` appended,
 *   `extraEnvVarsCM`/`extraEnvVarsSecret` as `envFrom`; `containerSecurityContext` (runAsUser 1001,
 *   runAsNonRoot) when `enabled`; `hostNetwork` (7.9.1 on); the Service from `service.type`,
 *   `service.ports.memcached`, `service.nodePorts.memcached`, `service.loadBalancerSourceRanges`; the
 *   NetworkPolicy (6.10.0 on, enabled by default) that admits anyone to the port unless
 *   `networkPolicy.allowExternal: false`, then only the chart's pods, pods labelled
 *   `<fullname>-client: "true"` and `ingressPodMatchLabels`/`ingressNSMatchLabels`. `helm install` fails
 *   when `auth.enabled` has no `auth.username`, and when it is combined with
 *   `containerSecurityContext.readOnlyRootFilesystem` (the default from 6.14.0).
 * - 4.x and 5.x (`arguments`, default `[/run.sh]`; `memcachedUsername`/`memcachedPassword`; `extraEnv`;
 *   `securityContext`; `service.port`).
 * - before 4.0.0 (`serviceType`; the Secret's password always passed, empty unless `memcachedPassword`).
 * The container then runs Bitnami's image (images/bitnami.ts), and its exposure is judged like a
 * manifest's (pod-reach.ts), with the chart's Service and NetworkPolicy. Values rendered through `tpl`
 * (`extraEnvVars`, `args`) holding `{{ ... }}` are unknown until `helm install` renders them.
 */
import { CST, isMap, isScalar, parseDocument, Parser, YAMLMap, type Document, type Node, type Scalar } from 'yaml';
import type { ArgToken, SourceText, Span } from '../source.js';
import type { Dialect, LaunchFailure, ParseContext, ParsedConfig } from './types.js';
import type { ContainerNote } from './container-notes.js';
import { spreadChars, tokenOf, type SrcChar } from './sourced.js';
import { dependsOn, identifyImage, type ImageInfo } from './images/index.js';
import { allAtLeast, allBelow, chartRange, chartReadings, otherMemcachedCharts, type OtherMemcachedChart, chartReleases, exactOf, NEWEST_CHART, readChartLock, versionText, type ChartFacts, type ChartRange, type ChartVersion } from './helm-chart.js';
import { acrossBetween } from '../memcached/releases.js';
import { NEWEST_KNOWN, parseVersion } from '../memcached/version.js';
import { bitnamiStart, type EnvValue } from './images/bitnami.js';
import { type PodReachData, type PolicyFacts, type PolicyPeer, type ServiceFacts } from './pod-reach.js';
import { boolOf, charsOf, field, insertionAfterItems, intOf, pairOf, pairSpan, readBitnamiStart, readEnv, refusedReading, scalarText, seqItems, spanOf, str, stringMap, withExposure, type EnvEntry } from './k8s-yaml.js';
import { kubeExpand, serviceLinkVariable } from './k8s-expand.js';
import type { TokenSource } from './kubernetes.js';
import { MAX_YAML_DEPTH, yamlErrorSpan, yamlNestingBound } from './compose.js';
import { InputError } from '../input.js';
import { aliasProblem, deref, entriesV2 } from './yaml-graph.js';

const cmp3 = (a: ChartVersion, b: ChartVersion): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The generation of the chart's templates, from the keys the values use. */
export type ChartGeneration = '6+' | '4-5' | '<4';

export interface HelmValues {
  /** The mapping of the chart's values: the document, or the parent chart's `memcached:` section. */
  readonly node: YAMLMap;
  /** `memcached` for a parent chart's section, null for the chart's own values. */
  readonly section: string | null;
  readonly generation: ChartGeneration;
  /** Why that generation. */
  readonly generationWhy: string;
  /** The list memcached's extra words are in (`args`, or `arguments` before 6.0.0), when set. */
  readonly argsKey: 'args' | 'arguments';
  readonly args: Node | null;
  readonly command: Node | null;
  /** `extraEnvVars` (or `extraEnv` before 6.0.0). */
  readonly envKey: 'extraEnvVars' | 'extraEnv';
  readonly env: Node | null;
  /** Per argument of `argv`: where it comes from (an `args` item, an `extraEnvVars` variable, or the chart/script). */
  readonly sources: readonly TokenSource[];
  readonly imageInfo: ImageInfo | null;
}

export interface HelmConfig extends ParsedConfig<ContainerNote> {
  readonly dialect: 'helm';
  readonly document: Document | null;
  readonly values: HelmValues | null;
  /** The Chart.yaml and Chart.lock the file was read with (fix reads the edited file with them again). */
  readonly chartContext?: Pick<ParseContext, 'chartYaml' | 'chartLock'>;
}

/** At most this many of a parent chart's dependencies on Bitnami's memcached chart are read, each an instance. */
const MAX_DEPENDENCIES = 16;

/** A repository of Bitnami's memcached image, as the chart's `image.repository` names it. */
const BITNAMI_REPOSITORY = /^(?:docker\.io\/)?(?:bitnami|bitnamilegacy|bitnamisecure)\/memcached$/;

/** Whether a mapping holds the values of Bitnami's memcached chart (by its image repository). */
export function isBitnamiChartValues(node: unknown): boolean {
  const repo = scalarText(field(field(node, 'image'), 'repository'));
  return repo !== null && BITNAMI_REPOSITORY.test(repo);
}

/** The generation of templates every version of a range has, or null when it holds more than one. */
function generationOfRange(r: ChartRange): ChartGeneration | null {
  if (allAtLeast(r, [6, 0, 0])) return '6+';
  if (allAtLeast(r, [4, 0, 0]) && allBelow(r, [6, 0, 0])) return '4-5';
  if (allBelow(r, [4, 0, 0])) return '<4';
  return null;
}

const GENERATION_TEXT: Record<ChartGeneration, string> = { '6+': 'the templates of 6.0.0 and later', '4-5': 'the templates of 4.x and 5.x', '<4': 'the templates before 4.0.0' };

/** Where the chart's version comes from, in a few words: `Chart.yaml's dependency on it (version 7.5.2)`. */
function chartSource(c: ChartFacts): string {
  if (c.locked) return `the version the Chart.lock beside it pins for Chart.yaml's dependency on Bitnami's memcached chart (${c.versionText}, of ${c.locked.constraint}: what helm dependency build fetches)`;
  return c.kind === 'chart' ? `Chart.yaml's version ${c.versionText}` : `the version Chart.yaml's dependency on Bitnami's memcached chart names (${c.versionText})`;
}

function generationOf(node: YAMLMap): { gen: ChartGeneration; why: string } {
  const has = (k: string) => pairOf(node, k) !== null;
  const g6 = ['auth', 'args', 'extraEnvVars', 'containerPorts', 'containerSecurityContext', 'podSecurityContext', 'networkPolicy', 'diagnosticMode'].filter(has);
  if (g6.length) return { gen: '6+', why: `${g6[0]}: is a key of chart 6.0.0 and later` };
  const g4 = ['arguments', 'extraEnv', 'memcachedUsername', 'memcachedPassword'].filter(has);
  if (has('serviceType')) return { gen: '<4', why: 'serviceType: is a key of the chart before 4.0.0' };
  if (g4.length) return { gen: '4-5', why: `${g4[0]}: is a key of chart 4.x and 5.x` };
  return { gen: '6+', why: 'no key says which chart version; the current templates (6.0.0 and later) are assumed' };
}

const BITNAMI_DEFAULT_REPOSITORY = 'bitnami/memcached';

/** `{{ ... }}` in a value the chart renders through tpl: unknown until helm renders it. */
function templated(chars: readonly SrcChar[], what: string): SrcChar[] {
  const text = chars.map((c) => c.ch).join('');
  if (!text.includes('{{')) return [...chars];
  return chars.map((c) => ({ ...c, dep: c.dep ?? `${what} holds a Helm template expression, which helm renders at install` }));
}

/**
 * Whether a parent chart's values turn its dependency on Bitnami's memcached chart off, as helm decides it:
 * the first of the dependency's `condition:` paths that holds a boolean in the values decides; when none
 * does, its `tags:` (`tags.NAME` in the values): off when one is false and none is true. Null: installed,
 * as far as these values say.
 */
function dependencyOff(root: YAMLMap, chart: ChartFacts): { why: string; decide: string; span: Span | null } | null {
  const at = (path: string[]) => {
    const parent = path.slice(0, -1).reduce<unknown>((n, k) => field(n, k), root);
    return pairOf(parent, path[path.length - 1]);
  };
  for (const c of chart.condition) {
    const kv = at(c.split('.'));
    const b = boolOf(kv?.value ?? null);
    if (b === null) continue;
    if (b) return null;
    return { why: `${c}: false, and Chart.yaml installs the memcached subchart only when ${c} is true (its dependency's condition)`, decide: `${c}: true (helm install --set ${c}=true)`, span: pairSpan(kv) };
  }
  const tags = chart.tags.map((t) => ({ t, kv: at(['tags', t]) })).map((x) => ({ ...x, b: boolOf(x.kv?.value ?? null) }));
  if (tags.some((x) => x.b === true)) return null;
  const off = tags.find((x) => x.b === false);
  if (!off) return null;
  return { why: `tags.${off.t}: false, and Chart.yaml installs the memcached subchart by its tags (${chart.tags.join(', ')}), none of them true`, decide: `a tag of it set to true`, span: pairSpan(off.kv) };
}

/**
 * The values file, read for the Chart.yaml beside it: Bitnami's chart itself, or a parent chart's
 * dependencies on it. A parent chart with several (cortex's: memcached-frontend, memcached-blocks...) gets
 * one subchart installed per dependency, each running on the values under its own key: each is an
 * instance of the file (`parts`, named by its key), as a Compose file's memcached services are.
 */
export function parseHelm(source: SourceText, context?: ParseContext): HelmConfig {
  const readings = context?.chartYaml ? chartReadings(context.chartYaml) : [];
  const others = context?.chartYaml ? otherMemcachedCharts(context.chartYaml) : [];
  const chartContext = context?.chartYaml ? { chartYaml: context.chartYaml, chartLock: context.chartLock ?? null } : undefined;
  const first = Object.assign(parseValues(source, context, readings[0] ?? null), chartContext ? { chartContext } : {});
  if ((readings.length <= 1 && others.length === 0) || first.values === null) return first;
  const bitnami = readings.slice(0, MAX_DEPENDENCIES).map((chart, i) => ({
    index: chart.index ?? -1,
    config: Object.assign(i === 0 ? first : parseValues(source, context, chart), { partName: `subchart ${chart.valuesKey} (Chart.yaml's dependency ${chart.index! + 1}, Bitnami's memcached chart)` }, chartContext ? { chartContext } : {}),
  }));
  // Values read by their content alone (they name Bitnami's image) beside a Chart.yaml whose memcached is another chart's.
  if (bitnami.length === 0) bitnami.push({ index: -1, config: Object.assign(first, { partName: `Bitnami's memcached chart (${first.values.section ? `the values under ${first.values.section}:` : 'the whole file'})` }) });
  const other = others.slice(0, MAX_DEPENDENCIES).map((o) => ({ index: o.index, config: otherChartPart(first, o, chartContext) }));
  const parts = [...bitnami, ...other].sort((a, b) => a.index - b.index).map((p) => p.config);
  if (readings.length > MAX_DEPENDENCIES) {
    (first.notes as ContainerNote[]).push({ kind: 'chart-version', span: { start: 0, end: 0 }, message: `Chart.yaml has ${readings.length} dependencies on Bitnami's memcached chart: mchard checks the first ${MAX_DEPENDENCIES}` });
  }
  return Object.assign(first, { parts });
}

/**
 * A parent chart's dependency on a memcached chart that is not Bitnami's (the old stable/memcached): helm
 * installs it with its own templates, which decide memcached's command line from the values under its key.
 * An instance of the file whose options are unknown (MC910), named, so that it is not passed over.
 */
function otherChartPart(first: HelmConfig, o: OtherMemcachedChart, chartContext: HelmConfig['chartContext']): HelmConfig {
  const root = first.document ? deref(first.document.contents) : null;
  const span = spanOf(pairOf(root, o.valuesKey)?.key) ?? { start: 0, end: 0 };
  const from = o.repository === null ? 'with no repository (a chart kept in its charts/ folder)' : `from ${o.repository}`;
  const why = `Chart.yaml's dependency ${o.index + 1} installs the memcached chart ${o.versionText ?? '(no version)'} ${from}, not Bitnami's: its own templates make memcached's command line, user and Service from the values under ${o.valuesKey}:, and mchard reads only Bitnami's chart; unknown`;
  return {
    dialect: 'helm',
    source: first.source,
    print: first.print,
    argv: [],
    argvExact: true,
    argvUnknown: why,
    launchFailure: null,
    notes: [{ kind: 'other-program', span, message: why, image: null }],
    document: first.document,
    values: null,
    partName: `subchart ${o.valuesKey} (Chart.yaml's dependency ${o.index + 1}, a memcached chart ${from})`,
    ...(chartContext ? { chartContext } : {}),
  };
}

/** The values as one subchart gets them: `reading` is Bitnami's chart itself, one dependency on it, or null (no Chart.yaml says). */
function parseValues(source: SourceText, context: ParseContext | undefined, reading: ChartFacts | null): HelmConfig {
  const text = source.text;
  // The Chart.yaml beside the file: Bitnami's chart itself, or a parent chart's dependency on it.
  let chart = reading;
  // A parent chart's Chart.lock, when helm dependency build would fetch what it pins, decides the version.
  const lock = chart?.kind === 'dependency' && context?.chartLock ? readChartLock(context.chartYaml!, context.chartLock, chart.index) : null;
  if (chart && lock?.state === 'pinned') chart = { ...chart, versionText: lock.version, range: chartRange(lock.version), locked: { version: lock.version, constraint: chart.versionText } };
  const range = chart?.range ?? null;
  // The YAML library recurses once per nesting level: a file nested deeper than any values file is refused first.
  const depth = yamlNestingBound(text);
  if (depth > MAX_YAML_DEPTH) throw new InputError(source.path, `YAML nested up to ${depth} levels deep; mchard reads at most ${MAX_YAML_DEPTH} levels (a values file needs a few dozen)`);
  const printed = [...new Parser().parse(text)].map((t) => CST.stringify(t)).join('');
  const print = () => printed;
  const notes: ContainerNote[] = [];
  let launchFailure: LaunchFailure | null = null;
  const fail = (reason: string, span: Span | null, exitCode = -1) => {
    launchFailure ??= { exitCode, reason, span };
    notes.push({ kind: 'launch-failure', span: span ?? { start: 0, end: 0 }, message: reason });
  };
  const failed = (reason: string, span: Span | null, document: Document | null): HelmConfig => ({ dialect: 'helm', source, print, ...refusedReading(reason, span), document, values: null });
  let doc: Document;
  try {
    doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: false, prettyErrors: false, version: '1.1' });
  } catch (e) {
    return failed(`the file is not valid YAML (${(e as Error).message.split('\n')[0]}), so helm refuses it`, null, null);
  }
  if (doc.errors.length) {
    const err = doc.errors[0];
    return failed(`the file is not valid YAML (${err.message.split('\n')[0]}), so helm refuses it`, yamlErrorSpan(err.pos, text), doc);
  }
  // Aliases and merge keys, as helm's YAML reader (go-yaml v2) takes them: a document they expand without
  // bound is not read; an anchor inside itself or a merge of something else than mappings, helm refuses.
  if (text.includes('*') || text.includes('<<')) {
    const p = aliasProblem(doc, 'helm');
    if (p?.kind === 'excessive') throw new InputError(source.path, p.reason);
    if (p) return failed(p.reason, p.span, doc);
  }
  const root = deref(doc.contents);
  if (!isMap(root)) return failed('the values are not a mapping', null, doc);
  // The chart's own values, or a parent chart's memcached: section.
  // (A parent chart may give the dependency an alias: the section whose image is Bitnami's memcached.)
  let node: YAMLMap = root;
  let section: string | null = null;
  let noSection = false;
  if (chart?.kind === 'dependency') {
    // A parent chart's values: helm hands the subchart only the section under the dependency's name (or
    // alias); without one, the subchart runs on its own defaults.
    const pairs = [...entriesV2(root as YAMLMap)].map(([key, e]) => ({ key, value: e.value }));
    const found = pairs.find((p) => p.key === chart.valuesKey && isMap(p.value));
    section = chart.valuesKey;
    if (found) node = found.value as YAMLMap;
    else {
      node = new YAMLMap();
      noSection = true;
    }
  } else if (!isBitnamiChartValues(root)) {
    // The root's keys as helm reads them (aliases resolved, merge keys applied).
    const pairs = [...entriesV2(root as YAMLMap)].map(([key, e]) => ({ key, value: e.value }));
    // The section named memcached first (a dependency's values are under its name; another key holding the
    // same values may be an anchor's home, `x-defaults: &defaults`), then any with Bitnami's image.
    const named = pairs.find((p) => p.key === 'memcached' && isMap(p.value));
    const found = (named && isBitnamiChartValues(named.value) ? named : null) ?? pairs.find((p) => isMap(p.value) && isBitnamiChartValues(p.value)) ?? named;
    if (found) {
      node = found.value as YAMLMap;
      section = found.key;
    }
  }
  const anchorNode = section && !noSection ? pairOf(root, section)!.key : null;
  const anchor: Span = (section ? spanOf(anchorNode) : spanOf(pairOf(node, 'image')?.key)) ?? { start: 0, end: 0 };
  if (noSection) {
    notes.push({ kind: 'chart-version', span: anchor, message: `the values set nothing under ${section}: (the key helm hands Bitnami's memcached subchart its values from): the subchart's own defaults apply` });
  }
  if (lock && lock.state !== 'pinned' && chart?.range && !exactOf(chart.range)) notes.push({ kind: 'chart-version', span: anchor, message: `${lock.why}; the version Chart.yaml's dependency names (${chart.versionText}) is read as the range it allows` });
  const byKeys = generationOf(node);
  let { gen, why } = byKeys;
  // The chart's version, when the Chart.yaml beside the file names it, decides the templates; keys of
  // another generation are ones those templates never read.
  const rangeGen = range ? generationOfRange(range) : null;
  if (chart && rangeGen) {
    if (!byKeys.why.startsWith('no key') && byKeys.gen !== rangeGen) {
      notes.push({ kind: 'chart-version', span: anchor, message: `${byKeys.why}, but ${chartSource(chart)} is read by ${GENERATION_TEXT[rangeGen]}, which do not read that key` });
    }
    gen = rangeGen;
    why = `${chartSource(chart)}: ${GENERATION_TEXT[rangeGen]}`;
  } else if (chart && chart.versionText !== null && byKeys.why.startsWith('no key')) {
    notes.push({
      kind: 'chart-version',
      span: anchor,
      message: range
        ? `${chartSource(chart)} allows charts whose templates read these values differently (6.0.0 and later, 4.x and 5.x, or earlier); they are read as the current templates; the version helm dependency update picks (Chart.lock records it) decides`
        : `${chartSource(chart)} is not a version constraint mchard reads; the values are read as the current templates (6.0.0 and later)`,
    });
  }
  const global = field(root, 'global');
  const get = (...path: string[]) => path.reduce<unknown>((n, k) => field(n, k), node) as Node | null;
  const at = (...path: string[]) => {
    const parent = path.slice(0, -1).reduce<unknown>((n, k) => field(n, k), node);
    return pairSpan(pairOf(parent, path[path.length - 1]));
  };

  if (chart?.kind === 'dependency') {
    const off = dependencyOff(root as YAMLMap, chart);
    if (off) notes.push({ kind: 'not-enabled', span: off.span ?? anchor, message: `${off.why}: with these values helm does not install the memcached subchart (${off.decide} would); the values below are checked as they would apply if it did` });
  } else if (section) {
    // No Chart.yaml beside the file: memcached.enabled is the condition parent charts commonly give the dependency.
    const enabled = boolOf(field(node, 'enabled'));
    if (enabled === false) {
      notes.push({ kind: 'not-enabled', span: at('enabled') ?? anchor, message: `${section}.enabled: false: the parent chart does not install the memcached subchart when its dependency's condition is ${section}.enabled, the common one (its Chart.yaml says); the values below are checked as they would apply if it did` });
    }
  }

  // The image: registry/repository:tag (global.imageRegistry wins over image.registry).
  const registry = scalarText(field(global, 'imageRegistry')) || scalarText(get('image', 'registry')) || 'docker.io';
  const repository = scalarText(get('image', 'repository')) ?? BITNAMI_DEFAULT_REPOSITORY;
  const tag = scalarText(get('image', 'tag'));
  const digest = scalarText(get('image', 'digest'));
  const ref = `${registry}/${repository}${digest ? `@${digest}` : tag ? `:${tag}` : ''}`;
  let imageInfo: ImageInfo | null = identifyImage(ref);
  if (imageInfo && !tag && !digest) {
    const releases = range ? chartReleases(range) : null;
    if (chart && releases) {
      // The chart versions the Chart.yaml allows, and the release their default image.tag names (Bitnami's
      // chart history, helm-chart.ts).
      // Charts after the table's newest (published to Bitnami's OCI registry since) run a release it does not
      // hold: up to the newest memcached mchard knows.
      const max = releases.beyond ? (parseVersion(NEWEST_KNOWN) as ChartVersion) : releases.max;
      const span = `${versionText(releases.min)}${cmp3(releases.min, max) === 0 ? '' : ` to ${versionText(max)}`}`;
      const later = releases.beyond ? `, or a later chart than ${versionText(NEWEST_CHART)}, the newest in the history of bitnami/charts (Bitnami's OCI registry holds later ones, whose default tag mchard does not know)` : '';
      const why = `image.tag is not set: ${chartSource(chart)}, and the default image.tag of ${exactOf(range!) ? 'that chart' : 'those charts'} in Bitnami's chart history names memcached ${versionText(releases.min)}${cmp3(releases.min, releases.max) === 0 ? '' : ` to ${versionText(releases.max)}`}${later}`;
      if (cmp3(releases.min, max) === 0) imageInfo = { ...imageInfo, version: { kind: 'exact', version: releases.min, why } };
      else {
        const decide = `the chart version helm dependency update picks for ${chart.versionText} (Chart.lock records it; helm show values bitnami/memcached --version VERSION shows its image.tag)`;
        imageInfo = {
          ...imageInfo,
          version: { kind: 'range', min: releases.min, max, why, series: { reason: `${why}: which one runs (${span}) is the chart helm picked`, decide, across: acrossBetween(releases.min, max) } },
        };
      }
    } else if (chart && chart.versionText !== null) {
      // A chart version mchard's table does not hold (or a constraint it does not read): the file does not show its default tag.
      const exact = range ? exactOf(range) : null;
      const decide = exact
        ? `the image.tag in the values.yaml of Bitnami's memcached chart ${versionText(exact)} (helm show values bitnami/memcached --version ${versionText(exact)})`
        : `the chart version helm dependency update picks for ${chart.versionText} (Chart.lock records it) and the image.tag in that chart's values.yaml`;
      imageInfo = {
        ...imageInfo,
        version: dependsOn(`image.tag is not set: the default tag of the chart ${chartSource(chart)}, which this file does not show and Bitnami's chart history (to ${versionText(NEWEST_CHART)}) does not hold`, decide, `unknown: chart ${chart.versionText}'s default tag`, ref, null),
      };
    } else {
      imageInfo = { ...imageInfo, version: { kind: 'unknown', why: "image.tag is not set: the chart's default tag, which depends on the chart version" } };
    }
  }
  const imageSpan = spanOf(get('image', 'repository')) ?? spanOf(get('image')) ?? anchor;

  // The container's environment, as the templates write it.
  const entries: EnvEntry[] = [];
  const fixed = (name: string, value: string, span: Span | null): EnvEntry => ({ name, chars: spreadChars(value, span), valueNode: null, from: null, span, node: null });
  const portNode = gen === '6+' ? get('containerPorts', 'memcached') : null;
  const containerPort = (portNode ? intOf(portNode) ?? Number(scalarText(portNode)) : 11211) || 11211;
  if (gen === '6+') entries.push(fixed('MEMCACHED_PORT_NUMBER', String(containerPort), portNode ? spanOf(portNode) : null));
  const authEnabled = gen === '6+' ? boolOf(get('auth', 'enabled')) === true : false;
  let passwordEnv: EnvEntry | null = null;
  if (gen === '6+' && authEnabled) {
    const username = scalarText(get('auth', 'username')) ?? '';
    if (username === '') fail('auth.enabled without auth.username: helm install fails ("Enabling authentication requires setting a valid admin username")', at('auth', 'enabled'));
    entries.push(fixed('MEMCACHED_USERNAME', username, spanOf(get('auth', 'username'))));
    const existing = scalarText(get('auth', 'existingPasswordSecret'));
    const password = str(get('auth', 'password'));
    const enabledSpan = at('auth', 'enabled');
    if (existing) {
      passwordEnv = { name: 'MEMCACHED_PASSWORD', chars: null, valueNode: null, from: `the key memcached-password of Secret ${existing} (auth.existingPasswordSecret)`, span: at('auth', 'existingPasswordSecret'), node: null };
    } else if (password) {
      passwordEnv = { name: 'MEMCACHED_PASSWORD', chars: charsOf(get('auth', 'password') as Scalar, text), valueNode: null, from: null, span: at('auth', 'password'), node: null };
    } else {
      // The chart's Secret holds randAlphaNum 10 when auth.password is empty: a password, never empty.
      passwordEnv = fixed('MEMCACHED_PASSWORD', 'chart-generated-password', enabledSpan);
    }
    // With auth.usePasswordFiles (7.8.0 on) the same password is mounted as MEMCACHED_PASSWORD_FILE.
    entries.push(passwordEnv);
    const rorf = get('containerSecurityContext', 'readOnlyRootFilesystem');
    const csEnabled = boolOf(get('containerSecurityContext', 'enabled')) !== false;
    if (csEnabled && boolOf(rorf) === true) {
      fail('auth.enabled with containerSecurityContext.readOnlyRootFilesystem: true: helm install fails ("Enabling authentication is not compatible with using a read-only filesystem")', at('containerSecurityContext', 'readOnlyRootFilesystem'));
    } else if (csEnabled && rorf === null && range && allAtLeast(range, [6, 14, 0])) {
      fail(`auth.enabled without containerSecurityContext.readOnlyRootFilesystem: false, with ${chartSource(chart!)}: charts 6.14.0 and later default it to true, and helm install fails ("Enabling authentication is not compatible with using a read-only filesystem")`, enabledSpan);
    } else if (csEnabled && rorf === null && !(range && allBelow(range, [6, 14, 0]))) {
      notes.push({
        kind: 'chart-version',
        span: enabledSpan ?? anchor,
        message: 'auth.enabled without containerSecurityContext.readOnlyRootFilesystem: false: charts 6.14.0 and later default it to true, and then helm install fails; set readOnlyRootFilesystem: false',
      });
    }
  } else if (gen === '4-5') {
    const user = scalarText(get('memcachedUsername'));
    if (user) entries.push(fixed('MEMCACHED_USERNAME', user, spanOf(get('memcachedUsername'))));
    const pw = str(get('memcachedPassword'));
    if (pw) entries.push({ name: 'MEMCACHED_PASSWORD', chars: charsOf(get('memcachedPassword') as Scalar, text), valueNode: null, from: null, span: at('memcachedPassword'), node: null });
  } else if (gen === '<4') {
    entries.push(fixed('MEMCACHED_USERNAME', scalarText(get('memcachedUsername')) ?? '', spanOf(get('memcachedUsername'))));
    const pw = str(get('memcachedPassword'));
    entries.push(pw ? { name: 'MEMCACHED_PASSWORD', chars: charsOf(get('memcachedPassword') as Scalar, text), valueNode: null, from: null, span: at('memcachedPassword'), node: null } : fixed('MEMCACHED_PASSWORD', '', null));
  }
  const envKey = gen === '6+' ? 'extraEnvVars' : 'extraEnv';
  const envNode = gen === '<4' ? null : get(envKey);
  const extra = readEnv(envNode, text);
  if (extra.problem) fail(extra.problem.reason.replace('Kubernetes refuses the object: env', `Kubernetes refuses the rendered container: ${envKey}`), extra.problem.span);
  for (const e of extra.entries) entries.push(e.chars ? { ...e, chars: templated(e.chars, `${envKey} ${e.name}`) } : e);
  const envFrom: { what: string; span: Span | null }[] = [];
  if (gen === '6+') {
    for (const [k, what] of [['extraEnvVarsCM', 'configMapRef'], ['extraEnvVarsSecret', 'secretRef']] as const) {
      const v = scalarText(get(k));
      if (v) envFrom.push({ what: `envFrom ${what} ${v} (${k})`, span: at(k) });
    }
  }
  // The kubelet's environment (the chart sets enableServiceLinks: true by default).
  const bindings = new Map<string, { kind: 'value'; chars: readonly SrcChar[] } | { kind: 'unknown'; why: string }>();
  const values = new Map<string, EnvValue>();
  const maybe = (name: string) => (envFrom.length ? `${envFrom.map((e) => e.what).join(', ')} may set it` : serviceLinkVariable(name, true) ? 'the kubelet sets it for a Service of the namespace when one has that name' : null);
  for (const e of entries) {
    if (e.chars === null) {
      const why = `set from ${e.from}, which the file does not show`;
      bindings.set(e.name, { kind: 'unknown', why });
      values.set(e.name, { chars: null, text: `$(${e.name})`, why, span: e.span });
      continue;
    }
    const x = kubeExpand(e.chars, (n) => bindings.get(n), maybe);
    bindings.set(e.name, { kind: 'value', chars: x.chars });
    const dep = x.chars.find((c) => c.dep)?.dep;
    values.set(e.name, { chars: x.chars, span: e.span, ...(dep ? { dep } : {}) });
  }

  // command and args (tpl-rendered lists).
  const argsKey = gen === '6+' ? 'args' : 'arguments';
  const diagnostic = gen === '6+' && boolOf(get('diagnosticMode', 'enabled')) === true;
  const commandNode = gen === '6+' ? get('command') : null;
  let argsNode = gen === '<4' ? null : get(argsKey);
  const words = (n: Node | null, key: string): { tokens: ArgToken[]; bad: boolean } => {
    const tokens: ArgToken[] = [];
    for (const item of seqItems(n)) {
      if (!isScalar(item) || typeof item.value !== 'string') {
        const sp = spanOf(item);
        fail(`Kubernetes refuses the rendered container: ${key} item ${sp ? text.slice(sp.start, sp.end) : '?'} is not a string (quote it)`, sp);
        return { tokens, bad: true };
      }
      const x = kubeExpand(templated(charsOf(item, text), `${key}`), (nm) => bindings.get(nm), maybe);
      tokens.push(tokenOf(x.chars, text, 'Kubernetes'));
    }
    return { tokens, bad: false };
  };
  let cmdTokens = words(commandNode, 'command').tokens;
  let argTokens = words(argsNode, argsKey).tokens;
  // Before 6.0.0 arguments: defaults to [/run.sh]; the 6.x StatefulSet with persistence adds --memory-file.
  if (gen === '4-5' && pairOf(node, 'arguments') === null) argTokens = [{ value: '/run.sh', span: anchor, origin: 'wrapper', exact: true }];
  if (gen === '6+' && argTokens.length === 0 && scalarText(get('architecture')) === 'high-availability' && boolOf(get('persistence', 'enabled')) === true) {
    argTokens = [
      { value: '/run.sh', span: at('persistence', 'enabled'), origin: 'wrapper', exact: true },
      { value: '--memory-file=/cache-state/memory_file', span: at('persistence', 'enabled'), origin: 'wrapper', exact: true },
    ];
    argsNode = null;
  }
  if (diagnostic) {
    cmdTokens = [];
    argTokens = [];
  }

  // The user: containerSecurityContext over podSecurityContext (6.0.0 on), securityContext before.
  let uid: { value: string; span: Span | null } | null = null;
  if (gen === '6+') {
    const cs = boolOf(get('containerSecurityContext', 'enabled')) !== false;
    const ps = boolOf(get('podSecurityContext', 'enabled')) !== false;
    const c = cs ? get('containerSecurityContext', 'runAsUser') : null;
    const p = ps ? get('podSecurityContext', 'runAsUser') : null;
    // The chart's default containerSecurityContext.runAsUser is 1001, the image's own user.
    const chosen = c ?? p;
    if (chosen) uid = { value: scalarText(chosen) ?? '', span: spanOf(chosen) };
    else if (cs && pairOf(field(node, 'containerSecurityContext'), 'runAsUser') === null) uid = { value: '1001', span: spanOf(get('containerSecurityContext')) };
  } else {
    const enabled = boolOf(get('securityContext', 'enabled')) !== false;
    const u = enabled ? get('securityContext', 'runAsUser') : null;
    uid = u ? { value: scalarText(u) ?? '', span: spanOf(u) } : enabled ? { value: '1001', span: spanOf(get('securityContext')) } : null;
  }

  let argv: ArgToken[] = [];
  let sources: TokenSource[] = [];
  let argvUnknown: string | null = null;
  let startsAs: string | undefined;
  const title = section ? `the chart's memcached (${section}: section)` : "the chart's memcached";
  if (diagnostic) {
    argvUnknown = `${title}: diagnosticMode.enabled runs "sleep infinity" instead of memcached`;
    notes.push({ kind: 'other-program', span: at('diagnosticMode', 'enabled') ?? anchor, message: argvUnknown });
  } else if (imageInfo?.family !== 'bitnami') {
    argvUnknown = `${title}: image ${ref} is not Bitnami's, so the chart's values do not decide what it runs; unknown`;
    notes.push({ kind: 'delegated', span: imageSpan, message: argvUnknown });
  } else {
    const hasCommand = cmdTokens.length > 0;
    const program = hasCommand ? [...cmdTokens, ...argTokens] : argTokens.length ? argTokens : null;
    const start = bitnamiStart({
      image: imageInfo,
      env: values,
      otherSources: envFrom,
      program,
      entrypointReplaced: hasCommand,
      user: uid,
      text,
      anchor: imageSpan,
    });
    if (start.runs === 'other') {
      argvUnknown = `${title}: the container runs ${JSON.stringify(start.program)}, not the image's start script, so mchard cannot tell memcached's options`;
      notes.push({ kind: 'other-program', span: spanOf(argsNode) ?? spanOf(commandNode) ?? anchor, message: argvUnknown });
    } else {
      const itemSources = (list: 'command' | 'args', n: number): TokenSource[] => Array.from({ length: n }, (_, k) => ({ kind: 'item', list, index: k }));
      const programSources = hasCommand ? [...itemSources('command', cmdTokens.length), ...itemSources('args', argTokens.length)] : argsNode ? itemSources('args', argTokens.length) : argTokens.map(() => ({ kind: 'script' }) as TokenSource);
      const b = readBitnamiStart(start, title, imageSpan, programSources);
      argv = b.argv;
      sources = b.sources;
      launchFailure ??= b.launchFailure;
      argvUnknown = b.argvUnknown;
      startsAs = b.startsAs;
      notes.push(...b.notes);
    }
  }
  for (const t of argv.filter((t) => !t.exact)) notes.push({ kind: 'host-dependent', span: t.span ?? anchor, message: `the argument ${t.note}`, value: t.value });

  // The chart's Service and NetworkPolicy.
  const unknowns: string[] = [];
  const serviceType = gen === '<4' ? (scalarText(get('serviceType')) ?? 'ClusterIP') : (scalarText(get('service', 'type')) ?? 'ClusterIP');
  const servicePort = gen === '6+' ? (intOf(get('service', 'ports', 'memcached')) ?? 11211) : gen === '4-5' ? (intOf(get('service', 'port')) ?? 11211) : 11211;
  const nodePort = gen === '6+' ? intOf(get('service', 'nodePorts', 'memcached')) : gen === '4-5' ? intOf(get('service', 'nodePort')) : null;
  const annotations = stringMap(get('service', 'annotations')) ?? {};
  const internalKey = Object.keys(annotations).find((k) => /load-balancer-internal|load-balancer-type|load-balancer-scheme/.test(k) && /^(true|internal)$/i.test(annotations[k]));
  const serviceSpan = (gen === '<4' ? at('serviceType') : at('service', 'type')) ?? spanOf(get('service')) ?? anchor;
  const service: ServiceFacts = {
    name: section ? `<release>-${section}` : '<release>-memcached',
    type: serviceType,
    headless: gen === '4-5' && scalarText(get('architecture')) === 'high-availability' && serviceType === 'ClusterIP',
    ports: [{ name: 'memcache', port: servicePort, targetPort: 'memcache', protocol: 'TCP', nodePort, span: serviceSpan }],
    externalIPs: [],
    sourceRanges: gen === '6+' && serviceType === 'LoadBalancer' ? seqItems(get('service', 'loadBalancerSourceRanges')).map(scalarText).filter((x): x is string => x !== null) : [],
    internal: internalKey ? `${internalKey}: ${annotations[internalKey]}` : null,
    nodePorts: true,
    span: serviceSpan,
    namespaceNote: null,
  };
  if (gen === '6+' && seqItems(get('service', 'extraPorts')).length) unknowns.push('service.extraPorts');
  const policies: PolicyFacts[] = [];
  const npNode = get('networkPolicy');
  if (gen === '6+') {
    // Charts 6.10.0 and later render it unless networkPolicy.enabled: false; older 6.x charts have none.
    // The chart's version decides the default when the values do not: rendered from 6.10.0 on, none before.
    const enabled = npNode !== null ? boolOf(field(npNode, 'enabled')) !== false : range && allAtLeast(range, [6, 10, 0]) ? true : range && allBelow(range, [6, 10, 0]) ? false : null;
    if (enabled === null) unknowns.push('whether the chart renders its NetworkPolicy: charts 6.10.0 and later do unless networkPolicy.enabled: false, admitting any source unless networkPolicy.allowExternal: false');
    else if (enabled) {
      const allowExternal = boolOf(field(npNode, 'allowExternal')) !== false;
      const peers: PolicyPeer[] | null = allowExternal
        ? null
        : [
            { kind: 'pods', text: "the chart's own pods" },
            ...(boolOf(field(npNode, 'addExternalClientAccess')) !== false ? [{ kind: 'pods' as const, text: 'pods labelled <release>-memcached-client=true' }] : []),
            ...(stringMap(field(npNode, 'ingressPodMatchLabels')) && Object.keys(stringMap(field(npNode, 'ingressPodMatchLabels'))!).length
              ? [{ kind: 'pods' as const, text: `pods labelled ${Object.entries(stringMap(field(npNode, 'ingressPodMatchLabels'))!).map(([k, v]) => `${k}=${v}`).join(', ')}` }]
              : []),
            ...(stringMap(field(npNode, 'ingressNSMatchLabels')) && Object.keys(stringMap(field(npNode, 'ingressNSMatchLabels'))!).length
              ? [{ kind: 'namespaces' as const, text: `pods in namespaces labelled ${Object.entries(stringMap(field(npNode, 'ingressNSMatchLabels'))!).map(([k, v]) => `${k}=${v}`).join(', ')}` }]
              : []),
          ];
      policies.push({ name: section ? `<release>-${section}` : '<release>-memcached', rules: [{ peers, ports: [{ port: containerPort, endPort: null, protocol: 'TCP' }] }], span: pairSpan(pairOf(npNode, 'allowExternal')) ?? pairSpan(pairOf(npNode, 'enabled')) ?? spanOf(npNode) ?? anchor, namespaceNote: null });
      if (seqItems(field(npNode, 'extraIngress')).length) unknowns.push('networkPolicy.extraIngress rules');
    }
  }
  if (seqItems(get('extraDeploy')).length) unknowns.push('the objects of extraDeploy');
  const hostNetwork = gen === '6+' && boolOf(get('hostNetwork')) === true ? at('hostNetwork') : null;
  const reach: PodReachData = {
    workload: `values ${section ?? 'memcached'}`,
    namespace: null,
    labels: null,
    hostNetwork,
    ports: [{ container: 'memcached', name: 'memcache', containerPort, protocol: 'TCP', hostPort: null, hostIP: null, span: anchor }],
    services: [service],
    policies,
    span: anchor,
    unknowns,
    helm: true,
  };
  notes.push({ kind: 'pod-reach', span: anchor, message: `the chart's Service (${serviceType}) and ${policies.length ? 'NetworkPolicy' : 'no NetworkPolicy'}`, reach });
  if (argvUnknown) argvUnknown = withExposure(argvUnknown, reach, containerPort, notes);
  notes.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return {
    dialect: 'helm',
    source,
    print,
    argv,
    argvExact: !argvUnknown && argv.every((t) => t.exact),
    launchFailure,
    notes,
    ...(startsAs !== undefined ? { startsAs } : {}),
    ...(argvUnknown ? { argvUnknown } : {}),
    ...(imageInfo ? { image: { info: imageInfo, span: imageSpan } } : {}),
    document: doc,
    values: {
      node,
      section,
      generation: gen,
      generationWhy: why,
      argsKey,
      args: argsNode,
      command: commandNode,
      envKey,
      env: envNode,
      sources,
      imageInfo,
    },
  };
}

export const helmDialect: Dialect = {
  name: 'helm',
  title: "values of Bitnami's memcached Helm chart",
  defaultUser: 'memcached',
  commentChars: '#',
  parse: parseHelm,
  /** The end of the last `args` item memcached receives; else the end of the image's repository. */
  insertionPoint(config) {
    return insertionAfterItems(config.argv, (config as HelmConfig).values?.sources, config.image?.span?.end ?? 0);
  },
};
