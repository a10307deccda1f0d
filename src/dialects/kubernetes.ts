/**
 * The Kubernetes dialect: the memcached containers of a manifest (one or more YAML documents, as
 * `kubectl apply -f` and `helm template` write them), read the way the API server and the kubelet do.
 *
 * - Objects: every document, the `items` of a `kind: List`, and the `objects` of an OpenShift `Template`.
 *   Pod templates of Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
 *   CronJob and OpenShift's DeploymentConfig.
 * - A container runs memcached when its `command` starts with a program named `memcached`, or its image
 *   is the official one, Bitnami's, or an image whose repository is named memcached (`.../memcached`,
 *   `silta-memcached`; not `memcached-exporter`). Each such container of each workload is one memcached
 *   instance of the file (`ParsedConfig.parts`): linted on its own, its findings pointing into its own
 *   container, its exposure judged from its own pod.
 * - `command` replaces the image's ENTRYPOINT and `args` its CMD; both are lists of strings (anything else
 *   makes the API server refuse the object), each item one argument, after the kubelet's `$(VAR)`
 *   expansion from the container's environment (k8s-expand.ts). `env` values are expanded the same way
 *   against the entries above them; `valueFrom` and `envFrom` give values the file does not show.
 * - With `args` only, the image's entrypoint decides: the official image prepends `memcached` to options
 *   (images/official.ts), Bitnami's builds the command line from `MEMCACHED_*` variables
 *   (images/bitnami.ts), and any other image's entrypoint is unknown, so memcached's options are too.
 * - The user: `securityContext.runAsUser` (the container's over the pod's), else the image's `USER` (the
 *   official image's `memcache`, Bitnami's 1001; unknown for other images). `runAsNonRoot: true` makes the
 *   kubelet refuse a container whose user is root, or is a name it cannot check (the official image's
 *   `USER memcache`) unless `runAsUser` gives a number.
 * - Exposure: `hostNetwork`, `hostPort`, and the Services and NetworkPolicies of the same file that
 *   select the pod, in a `pod-reach` note (pod-reach.ts): from this file only.
 */
import { CST, isMap, parseAllDocuments, Parser, type Document, type Node, type YAMLMap } from 'yaml';
import type { ArgToken, SourceText, Span } from '../source.js';
import type { Dialect, LaunchFailure, ParsedConfig } from './types.js';
import type { ContainerNote } from './container-notes.js';
import { tokenOf } from './sourced.js';
import { memcachedImageName } from './detect.js';
import { MAX_YAML_DEPTH, yamlErrorSpan, yamlNestingBound } from './compose.js';
import { InputError } from '../input.js';
import { aliasProblem, deref } from './yaml-graph.js';
import { identifyImage, pulledEachStart, substitutedImage, type ImageInfo } from './images/index.js';
import { officialEntrypoint, isMemcachedProgram, OFFICIAL_USER } from './images/official.js';
import { bitnamiStart, BITNAMI_VARIABLES } from './images/bitnami.js';
import { type PodPort, type PodReachData, type PolicyFacts, type PolicyPeer, type PolicyPortFacts, type PolicyRule, type Protocol, type ServiceFacts, type ServicePort } from './pod-reach.js';
import {
  boolOf,
  buildEnvironment,
  describeSelector,
  field,
  intOf,
  pairOf,
  pairSpan,
  readEnv,
  readEnvFrom,
  readWords,
  scalarText,
  selects,
  seqItems,
  spanOf,
  str,
  stringMap,
  insertionAfterItems,
  readBitnamiStart,
  refusedReading,
  withExposure,
  type Environment,
} from './k8s-yaml.js';

/** Where one argument of memcached's vector comes from in the file, for the editor. */
export type TokenSource =
  /** One item of the container's `command` or `args` list (the index in that list). */
  | { readonly kind: 'item'; readonly list: 'command' | 'args'; readonly index: number }
  /** A variable of the container's environment (Bitnami's start script reads it). */
  | { readonly kind: 'env'; readonly name: string }
  /** Fixed by the image's start script. */
  | { readonly kind: 'script' };

export interface KubeWorkload {
  /** `Deployment memcached`. */
  readonly title: string;
  readonly kind: string;
  readonly name: string | null;
  readonly namespace: string | null;
  /** The container's mapping node (the editor adds `args:` or `env:` to it). */
  readonly container: YAMLMap;
  readonly containerName: string | null;
  /** `command`, `args` and `env` nodes, when the container has them. */
  readonly command: Node | null;
  readonly args: Node | null;
  readonly env: Node | null;
  readonly image: string | null;
  readonly imageInfo: ImageInfo | null;
  /** How memcached's vector is built: memcached itself from `command`, the official entrypoint, or Bitnami's run.sh. */
  readonly via: 'command' | 'official' | 'bitnami' | 'unknown';
  /** Per argument of `argv`: where it comes from. */
  readonly sources: readonly TokenSource[];
  /** The container's span (findings about the container point here). */
  readonly span: Span;
  /** Its place among the memcached instances of the file (`parts`). */
  readonly index: number;
}

export interface KubeConfig extends ParsedConfig<ContainerNote> {
  readonly dialect: 'kubernetes';
  readonly documents: readonly Document[];
  readonly workload: KubeWorkload | null;
}

/** An object of the file (a document, an item of a List, an object of an OpenShift Template). */
interface KObject {
  readonly kind: string;
  readonly apiVersion: string | null;
  readonly name: string | null;
  readonly namespace: string | null;
  readonly node: YAMLMap;
  readonly span: Span;
  /** Inside an OpenShift Template with parameters: `${NAME}` is substituted by `oc process`. */
  readonly templated: boolean;
}

const POD_TEMPLATE: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  DeploymentConfig: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Annotations that make a cloud's LoadBalancer internal (reachable from the cloud network, not the internet). */
const INTERNAL_LB: readonly [string, RegExp][] = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', /^(true|0\.0\.0\.0\/0)$/i],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', /^internal$/i],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', /^true$/i],
  ['networking.gke.io/load-balancer-type', /^internal$/i],
  ['cloud.google.com/load-balancer-type', /^internal$/i],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', /^true$/i],
  ['service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', /^private$/i],
];

function collectObjects(node: unknown, out: KObject[], templated: boolean, depth: number): void {
  if (!isMap(node) || depth > 4) return;
  const kind = str(field(node, 'kind'));
  const meta = field(node, 'metadata');
  const base = { apiVersion: str(field(node, 'apiVersion')), name: scalarText(field(meta, 'name')), namespace: scalarText(field(meta, 'namespace')), node, span: spanOf(node)!, templated };
  if (kind === 'List') {
    for (const item of seqItems(field(node, 'items'))) collectObjects(item, out, templated, depth + 1);
    return;
  }
  if (kind === 'Template') {
    const params = seqItems(field(node, 'parameters')).length > 0;
    for (const item of seqItems(field(node, 'objects'))) collectObjects(item, out, templated || params, depth + 1);
    return;
  }
  if (kind !== null) out.push({ kind, ...base });
}

/**
 * The Kubernetes release from which the API server no longer serves a workload kind in an API version
 * (Kubernetes' deprecated API migration guide: Deployment, DaemonSet, ReplicaSet in extensions/v1beta1,
 * and those and StatefulSet in apps/v1beta1 and apps/v1beta2, in 1.16; CronJob in batch/v1beta1 in 1.25);
 * null while it is served. Every Kubernetes maintained since 2023 is past both.
 */
function removedIn(kind: string, apiVersion: string | null): string | null {
  if (apiVersion === 'extensions/v1beta1') return ['Deployment', 'DaemonSet', 'ReplicaSet'].includes(kind) ? '1.16' : null;
  if (apiVersion === 'apps/v1beta1') return ['Deployment', 'StatefulSet'].includes(kind) ? '1.16' : null;
  if (apiVersion === 'apps/v1beta2') return ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(kind) ? '1.16' : null;
  if (apiVersion === 'batch/v1beta1') return kind === 'CronJob' ? '1.25' : null;
  return null;
}

/** The pod template's spec and labels of a workload object; null when the kind has none. */
function podOf(obj: KObject): { spec: YAMLMap; labels: Record<string, string>; labelsNode: Node | null } | null {
  const path = POD_TEMPLATE[obj.kind];
  if (!path) return null;
  let t: unknown = obj.node;
  for (const k of path) t = field(t, k);
  const spec = field(t, 'spec');
  if (!isMap(spec)) return null;
  const labelsNode = field(field(t, 'metadata'), 'labels');
  return { spec, labels: stringMap(labelsNode) ?? {}, labelsNode };
}

interface Ctx {
  readonly text: string;
  readonly objects: readonly KObject[];
}

function protocolOf(node: unknown): Protocol {
  const p = scalarText(node);
  return p === 'UDP' ? 'UDP' : p === 'SCTP' ? 'SCTP' : 'TCP';
}

/** Whether two objects are in the same namespace, as far as the file tells. */
function sameNamespace(a: string | null, b: string | null): { same: boolean; note: string | null } {
  if (a === b) return { same: true, note: null };
  if (a !== null && b !== null) return { same: false, note: null };
  return { same: true, note: `if both are applied in namespace ${a ?? b}` };
}

function podPorts(spec: YAMLMap): PodPort[] {
  const out: PodPort[] = [];
  for (const c of seqItems(field(spec, 'containers'))) {
    const cname = scalarText(field(c, 'name')) ?? '?';
    for (const p of seqItems(field(c, 'ports'))) {
      const containerPort = intOf(field(p, 'containerPort'));
      if (containerPort === null) continue;
      out.push({
        container: cname,
        name: scalarText(field(p, 'name')),
        containerPort,
        protocol: protocolOf(field(p, 'protocol')),
        hostPort: intOf(field(p, 'hostPort')),
        hostIP: scalarText(field(p, 'hostIP')),
        span: spanOf(p)!,
      });
    }
  }
  return out;
}

function servicesSelecting(ctx: Ctx, labels: Record<string, string>, namespace: string | null): ServiceFacts[] {
  const out: ServiceFacts[] = [];
  for (const o of ctx.objects) {
    if (o.kind !== 'Service') continue;
    const spec = field(o.node, 'spec');
    const selector = stringMap(field(spec, 'selector'));
    if (!selector || Object.keys(selector).length === 0) continue;
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
    const ns = sameNamespace(o.namespace, namespace);
    if (!ns.same) continue;
    const annotations = stringMap(field(field(o.node, 'metadata'), 'annotations')) ?? {};
    const internal = INTERNAL_LB.find(([k, re]) => annotations[k] !== undefined && re.test(annotations[k]));
    const ranges = seqItems(field(spec, 'loadBalancerSourceRanges')).map(scalarText).filter((x): x is string => x !== null);
    const annotated = annotations['service.beta.kubernetes.io/load-balancer-source-ranges'];
    if (ranges.length === 0 && annotated) ranges.push(...annotated.split(',').map((s) => s.trim()).filter(Boolean));
    const ports: ServicePort[] = [];
    for (const p of seqItems(field(spec, 'ports'))) {
      const port = intOf(field(p, 'port'));
      if (port === null) continue;
      const tp = field(p, 'targetPort');
      ports.push({
        name: scalarText(field(p, 'name')),
        port,
        targetPort: intOf(tp) ?? str(tp) ?? port,
        protocol: protocolOf(field(p, 'protocol')),
        nodePort: intOf(field(p, 'nodePort')),
        span: spanOf(p)!,
      });
    }
    out.push({
      name: o.name ?? '(unnamed)',
      type: scalarText(field(spec, 'type')) ?? 'ClusterIP',
      headless: scalarText(field(spec, 'clusterIP')) === 'None',
      ports,
      externalIPs: seqItems(field(spec, 'externalIPs')).map(scalarText).filter((x): x is string => x !== null),
      sourceRanges: ranges,
      internal: internal ? `${internal[0]}: ${annotations[internal[0]]}` : null,
      nodePorts: boolOf(field(spec, 'allocateLoadBalancerNodePorts')) !== false,
      span: spanOf(field(field(o.node, 'metadata'), 'name')) ?? o.span,
      namespaceNote: ns.note,
    });
  }
  return out;
}

function peerOf(node: unknown, policyNs: string | null): PolicyPeer | null {
  const ip = field(node, 'ipBlock');
  if (ip) {
    const cidr = scalarText(field(ip, 'cidr')) ?? '?';
    const except = seqItems(field(ip, 'except')).map(scalarText).filter((x): x is string => x !== null);
    return { kind: 'ipBlock', cidr, except, text: `${cidr}${except.length ? ` except ${except.join(', ')}` : ''}` };
  }
  const pods = field(node, 'podSelector');
  const nss = field(node, 'namespaceSelector');
  const podsText = (s: unknown) => (describeSelector(s) ? `pods labelled ${describeSelector(s)}` : 'every pod');
  if (nss) {
    const nsText = describeSelector(nss) ? `namespaces labelled ${describeSelector(nss)}` : 'every namespace';
    if (!describeSelector(nss) && (!pods || !describeSelector(pods))) {
      // Every pod of every namespace: the whole cluster (treated as admitting any source).
      return { kind: 'ipBlock', cidr: '0.0.0.0/0', except: [], text: 'every pod in every namespace' };
    }
    return { kind: 'namespaces', text: `${pods ? podsText(pods) : 'every pod'} in ${nsText}` };
  }
  if (pods) return { kind: 'pods', text: `${podsText(pods)} in ${policyNs ? `namespace ${policyNs}` : "the policy's namespace"}` };
  return null;
}

function policiesSelecting(ctx: Ctx, labels: Record<string, string>, namespace: string | null): { policies: PolicyFacts[]; unknowns: string[] } {
  const policies: PolicyFacts[] = [];
  const unknowns: string[] = [];
  for (const o of ctx.objects) {
    if (o.kind !== 'NetworkPolicy') continue;
    const spec = field(o.node, 'spec');
    const ns = sameNamespace(o.namespace, namespace);
    if (!ns.same) continue;
    const sel = selects(field(spec, 'podSelector') ?? null, labels);
    if (sel === null) {
      unknowns.push(`whether NetworkPolicy ${o.name ?? '?'} selects the pod`);
      continue;
    }
    if (!sel) continue;
    const types = seqItems(field(spec, 'policyTypes')).map(scalarText);
    if (types.length > 0 && !types.includes('Ingress')) continue;
    const rules: PolicyRule[] = [];
    for (const r of seqItems(field(spec, 'ingress'))) {
      const fromItems = seqItems(field(r, 'from'));
      const portItems = seqItems(field(r, 'ports'));
      const peers = fromItems.length ? fromItems.map((p) => peerOf(p, o.namespace)).filter((x): x is PolicyPeer => x !== null) : null;
      const ports: PolicyPortFacts[] | null = portItems.length
        ? portItems.map((p) => ({ port: intOf(field(p, 'port')) ?? str(field(p, 'port')), endPort: intOf(field(p, 'endPort')), protocol: protocolOf(field(p, 'protocol')) }))
        : null;
      rules.push({ peers, ports });
    }
    policies.push({ name: o.name ?? '(unnamed)', rules, span: spanOf(field(field(o.node, 'metadata'), 'name')) ?? o.span, namespaceNote: ns.note });
  }
  return { policies, unknowns };
}

/** The container's user settings: the container's securityContext over the pod's, each field on its own. */
function securityOf(pod: YAMLMap, container: YAMLMap): { runAsUser: { value: number | null; span: Span | null; raw: string } | null; runAsNonRoot: { value: boolean; span: Span | null } | null } {
  const pick = (key: string) => {
    const c = pairOf(field(container, 'securityContext'), key);
    if (c) return c;
    return pairOf(field(pod, 'securityContext'), key);
  };
  const u = pick('runAsUser');
  const n = pick('runAsNonRoot');
  return {
    runAsUser: u ? { value: intOf(u.value), span: pairSpan(u), raw: scalarText(u.value) ?? '' } : null,
    runAsNonRoot: n && boolOf(n.value) !== null ? { value: boolOf(n.value)!, span: pairSpan(n) } : null,
  };
}

const UNKNOWN_USER = "(the image's USER: unknown)";

function readWorkload(ctx: Ctx, obj: KObject, pod: { spec: YAMLMap; labels: Record<string, string> }, container: YAMLMap, source: SourceText, index: number): KubeConfig | null {
  const text = ctx.text;
  const notes: ContainerNote[] = [];
  let launchFailure: LaunchFailure | null = null;
  const fail = (reason: string, span: Span | null, exitCode = -1) => {
    launchFailure ??= { exitCode, reason, span };
    notes.push({ kind: 'launch-failure', span: span ?? spanOf(container)!, message: reason });
  };
  // An API version the API server no longer serves: kubectl apply fails for the object, so no pod is made.
  const removed = removedIn(obj.kind, obj.apiVersion);
  if (removed) {
    const to = obj.kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
    fail(
      `${obj.kind} in ${obj.apiVersion} is not served since Kubernetes ${removed}: the API server rejects the object (kubectl apply: no matches for kind "${obj.kind}" in version "${obj.apiVersion}"), so no pod runs memcached; use apiVersion: ${to}`,
      pairSpan(pairOf(obj.node, 'apiVersion')!),
    );
  }
  const containerName = scalarText(field(container, 'name'));
  const imageNode = field(container, 'image');
  const image = scalarText(imageNode);
  const identified = image !== null ? (substitutedImage(image) ?? identifyImage(image)) : null;
  const imageInfo = identified && scalarText(field(container, 'imagePullPolicy')) === 'Always' ? pulledEachStart(identified, 'imagePullPolicy: Always') : identified;
  const family = imageInfo?.family ?? 'unknown';
  const namedMemcached = image !== null && memcachedImageName(image);
  const commandNode = field(container, 'command');
  const argsNode = field(container, 'args');
  const envNode = field(container, 'env');
  const cspan = spanOf(container)!;
  const title = `${obj.kind} ${obj.name ?? '(unnamed)'}${containerName ? `, container ${containerName}` : ''}`;

  // The environment, then command and args through the kubelet's expansion.
  const serviceLinks = boolOf(field(pod.spec, 'enableServiceLinks')) !== false;
  const envRead = readEnv(envNode, text);
  const envFrom = readEnvFrom(field(container, 'envFrom'));
  const env: Environment = buildEnvironment(envRead.entries, envFrom, serviceLinks);
  const cmd = readWords(commandNode, 'command', text, env);
  const args = readWords(argsNode, 'args', text, env);
  const toTokens = (ws: typeof cmd.words) => ws.map((w) => tokenOf(w.chars, text, 'Kubernetes'));
  const cmdTokens = toTokens(cmd.words);
  const argTokens = toTokens(args.words);
  const hasCommand = cmdTokens.length > 0;
  const program = hasCommand ? cmdTokens[0].value : null;

  // Is this memcached's container at all?
  const runsMemcachedProgram = program !== null && isMemcachedProgram(program);
  if (!runsMemcachedProgram && family === 'unknown' && !namedMemcached) return null;

  for (const p of [envRead.problem, cmd.problem, args.problem]) if (p) fail(p.reason, p.span);

  let argv: ArgToken[] = [];
  let sources: TokenSource[] = [];
  let argvUnknown: string | null = null;
  let via: KubeWorkload['via'] = 'unknown';
  let startsAs: string | undefined;
  let startsAsUnknown: { reason: string; decide: string; span: Span | null } | undefined;
  const sec = securityOf(pod.spec, container);
  if (sec.runAsUser && sec.runAsUser.value === null) fail(`Kubernetes refuses the object: runAsUser ${sec.runAsUser.raw} is not an integer`, sec.runAsUser.span);
  const uid = sec.runAsUser?.value ?? null;
  const imageSpan = spanOf(imageNode) ?? cspan;
  const itemSources = (list: 'command' | 'args', from: number, count: number): TokenSource[] => Array.from({ length: count }, (_, k) => ({ kind: 'item', list, index: from + k }));
  const delegated = (why: string, kind: 'delegated' | 'other-program' = 'delegated') => {
    argvUnknown = `${title}: ${why}`;
    notes.push({ kind, span: kind === 'other-program' ? (spanOf(commandNode) ?? spanOf(argsNode) ?? imageSpan) : imageSpan, message: argvUnknown, image });
  };

  if (family === 'bitnami') {
    via = 'bitnami';
    const programTokens = hasCommand ? [...cmdTokens, ...argTokens] : argTokens.length ? argTokens : null;
    const start = bitnamiStart({
      image: imageInfo,
      env: env.values,
      otherSources: env.otherSources,
      program: programTokens,
      entrypointReplaced: hasCommand,
      user: uid !== null ? { value: String(uid), span: sec.runAsUser!.span } : null,
      text,
      anchor: imageSpan,
    });
    if (start.runs === 'other') {
      delegated(`the container runs ${JSON.stringify(start.program)} from ${imageInfo!.title}, not memcached's start script, so mchard cannot tell memcached's options`, 'other-program');
    } else {
      // Where each argument comes from: the command's words after the program, a variable, or the script.
      const programSources: TokenSource[] = hasCommand ? [...itemSources('command', 0, cmdTokens.length), ...itemSources('args', 0, argTokens.length)] : itemSources('args', 0, argTokens.length);
      const b = readBitnamiStart(start, title, imageSpan, programSources);
      argv = b.argv;
      sources = b.sources;
      launchFailure ??= b.launchFailure;
      argvUnknown = b.argvUnknown;
      startsAs = b.startsAs ?? UNKNOWN_USER;
      notes.push(...b.notes);
    }
  } else if (hasCommand) {
    if (runsMemcachedProgram) {
      via = 'command';
      argv = [...cmdTokens.slice(1), ...argTokens];
      sources = [...itemSources('command', 1, cmdTokens.length - 1), ...itemSources('args', 0, argTokens.length)];
    } else {
      const shell = /(^|\/)(ba|da|a)?sh$/.test(program!) ? ', a shell whose script mchard does not evaluate' : '';
      delegated(`the container runs ${JSON.stringify(program)}${shell}, not memcached directly, so mchard cannot tell memcached's options (a command: list that starts with memcached would decide them in this file)`, 'other-program');
    }
  } else if (family === 'official') {
    via = 'official';
    const e = officialEntrypoint(argTokens.length ? argTokens : null);
    if (e.runs === 'other') delegated(`the official image's entrypoint runs ${JSON.stringify(e.program)} (args that do not start with an option or memcached), not memcached`, 'other-program');
    else {
      argv = [...e.argv];
      sources = itemSources('args', e.skip, e.argv.length);
    }
  } else {
    delegated(
      `${imageInfo ? imageInfo.title : 'the image'} is not one mchard knows: its own ENTRYPOINT, CMD and environment decide memcached's options and user${argTokens.length ? ', and args only feed its entrypoint' : ''}; unknown (a command: list that starts with memcached would decide them in this file)`,
    );
  }

  // The user, for a container that runs memcached directly or through the official entrypoint.
  if (via === 'command' || via === 'official') {
    if (uid !== null) {
      startsAs = uid === 0 ? 'root' : String(uid);
      notes.push({ kind: 'starts-as', span: sec.runAsUser!.span!, message: uid === 0 ? 'runAsUser: 0 runs memcached as root' : `runAsUser: ${uid} runs memcached as uid ${uid}, so it is not root and ignores -u`, user: startsAs });
    } else if (family === 'official') {
      startsAs = OFFICIAL_USER;
      notes.push({ kind: 'starts-as', span: imageSpan, message: 'the official memcached image runs as user memcache (USER memcache), so memcached is not root and ignores -u', user: OFFICIAL_USER });
    } else {
      startsAs = UNKNOWN_USER;
      startsAsUnknown = { reason: `${imageInfo ? imageInfo.title : 'the image'} runs as its own USER, which the file does not show`, decide: 'runAsUser in the securityContext', span: imageSpan };
      notes.push({ kind: 'starts-as', span: imageSpan, message: `the user is the image's USER, which the file does not show (runAsUser would decide it)`, user: null });
    }
    if (family === 'official') {
      const given = [...env.values.keys()].filter((k) => (BITNAMI_VARIABLES as readonly string[]).includes(k) || /^MEMCACHED_/.test(k));
      if (given.length) {
        notes.push({
          kind: 'ignored-setting',
          span: env.values.get(given[0])!.span ?? spanOf(envNode) ?? cspan,
          message: `the official memcached image ignores ${given.join(', ')}: its args are memcached's options, and only Bitnami's image reads MEMCACHED_* variables`,
        });
      }
    }
  }
  // runAsNonRoot: the kubelet checks the user before it creates the container.
  if (sec.runAsNonRoot?.value && !launchFailure) {
    if (uid === 0) fail('runAsNonRoot: true with runAsUser: 0: the kubelet refuses to create the container ("container\'s runAsUser breaks non-root policy")', sec.runAsUser!.span);
    else if (uid === null && family === 'official') {
      fail(
        'runAsNonRoot: true without a numeric runAsUser, and the official image\'s USER is the name memcache: the kubelet cannot check it and refuses to create the container ("image has non-numeric user (memcache), cannot verify user is non-root"); set runAsUser: 11211',
        sec.runAsNonRoot.span,
      );
    }
  }
  for (const t of argv.filter((t) => !t.exact)) notes.push({ kind: 'host-dependent', span: t.span ?? cspan, message: `the argument ${t.note}`, value: t.value });

  // Who can connect: the pod's own settings and what the file's Services and NetworkPolicies do.
  const hostNet = pairOf(pod.spec, 'hostNetwork');
  const services = servicesSelecting(ctx, pod.labels, obj.namespace);
  const { policies, unknowns } = policiesSelecting(ctx, pod.labels, obj.namespace);
  if (obj.templated) unknowns.push("the OpenShift template's parameters, which oc process substitutes");
  const reach: PodReachData = {
    workload: `${obj.kind} ${obj.name ?? '(unnamed)'}`,
    namespace: obj.namespace,
    labels: pod.labels,
    hostNetwork: hostNet && boolOf(hostNet.value) === true ? pairSpan(hostNet) : null,
    ports: podPorts(pod.spec),
    services,
    policies,
    span: spanOf(field(container, 'name')) ?? imageSpan,
    unknowns,
  };
  notes.push({ kind: 'pod-reach', span: reach.span, message: `${reach.workload}: ${services.length} Service(s) and ${policies.length} NetworkPolic${policies.length === 1 ? 'y' : 'ies'} of this file select the pod`, reach });
  // The options are unknown, but what the file publishes is not: say it for the default port.
  if (argvUnknown) argvUnknown = withExposure(argvUnknown, reach, 11211, notes);
  notes.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);

  const workload: KubeWorkload = {
    title,
    kind: obj.kind,
    name: obj.name,
    namespace: obj.namespace,
    container,
    containerName,
    command: commandNode,
    args: argsNode,
    env: envNode,
    image,
    imageInfo,
    via,
    sources,
    span: cspan,
    index,
  };
  return {
    dialect: 'kubernetes',
    source,
    print: () => text,
    argv,
    argvExact: !argvUnknown && argv.every((t) => t.exact),
    launchFailure,
    notes,
    ...(startsAs !== undefined ? { startsAs } : {}),
    ...(startsAsUnknown ? { startsAsUnknown } : {}),
    ...(argvUnknown ? { argvUnknown } : {}),
    ...(imageInfo ? { image: { info: imageInfo, span: spanOf(imageNode) } } : {}),
    partName: title,
    documents: [],
    workload,
  };
}

export function parseKubernetes(source: SourceText): KubeConfig {
  const text = source.text;
  // The YAML library recurses once per nesting level: a file nested deeper than any manifest is refused first.
  const depth = yamlNestingBound(text);
  if (depth > MAX_YAML_DEPTH) throw new InputError(source.path, `YAML nested up to ${depth} levels deep; mchard reads at most ${MAX_YAML_DEPTH} levels (a manifest needs a few dozen)`);
  const printed = [...new Parser().parse(text)].map((t) => CST.stringify(t)).join('');
  const print = () => printed;
  const failed = (reason: string, span: Span | null, documents: readonly Document[] = []): KubeConfig => ({ dialect: 'kubernetes', source, print, ...refusedReading(reason, span), documents, workload: null });
  let documents: Document[];
  try {
    const parsed = parseAllDocuments(text, { keepSourceTokens: true, uniqueKeys: false, prettyErrors: false, version: '1.1' });
    documents = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    return failed(`the file is not valid YAML (${(e as Error).message.split('\n')[0]}), so Kubernetes refuses it`, null);
  }
  for (const d of documents) {
    if (d.errors.length) {
      const err = d.errors[0];
      return failed(`the file is not valid YAML (${err.message.split('\n')[0]}), so Kubernetes refuses it`, yamlErrorSpan(err.pos, text), documents);
    }
  }
  // Aliases and merge keys: go-yaml refuses a document they expand without bound (an alias bomb: mchard
  // refuses to read it, as it does a file nested too deep), one with an anchor inside itself, and a merge
  // key of something else than mappings (Kubernetes refuses those files).
  if (text.includes('*') || text.includes('<<')) {
    for (const d of documents) {
      const p = aliasProblem(d, 'Kubernetes');
      if (p?.kind === 'excessive') throw new InputError(source.path, p.reason);
      if (p) return failed(p.reason, p.span, documents);
    }
  }
  const objects: KObject[] = [];
  for (const d of documents) collectObjects(deref(d.contents), objects, false, 0);
  const ctx: Ctx = { text, objects };
  const parts: KubeConfig[] = [];
  for (const obj of objects) {
    const pod = podOf(obj);
    if (!pod) continue;
    for (const c of seqItems(field(pod.spec, 'containers'))) {
      if (!isMap(c)) continue;
      const part = readWorkload(ctx, obj, pod, c, source, parts.length);
      if (part) parts.push({ ...part, print, documents });
    }
  }
  if (parts.length === 0) return failed('no workload of the file runs memcached (by its command or a memcached image)', null, documents);
  if (parts.length === 1) return parts[0];
  return { ...parts[0], parts };
}

export const kubernetesDialect: Dialect = {
  name: 'kubernetes',
  title: 'Kubernetes manifest',
  defaultUser: 'memcache',
  commentChars: '#',
  parse: parseKubernetes,
  /**
   * The end of the last argument the file writes in the container's command or args; without one, the
   * end of the container's image value (where an `args:` list would go).
   */
  insertionPoint(config) {
    const w = (config as KubeConfig).workload;
    const img = w ? spanOf(field(w.container, 'image')) : null;
    return insertionAfterItems(config.argv, w?.sources, img ? img.end : (w?.span.start ?? 0));
  },
};
