/** The inspect result as a plain object (the JSON shape of `mchard inspect --format json`). */
import type { ParsedConfig } from '../dialects/types.js';
import type { DialectChoice, DetectConfidence, DetectReason, DialectRefusal, TemplateInfo } from '../dialects/detect.js';
import type { MemcachedModel, Unknown } from '../memcached/model.js';
import { formatVersion } from '../memcached/version.js';
import { hiddenValues, redactDeep } from '../report/redact.js';
import { templateOf } from '../dialects/template.js';
import type { Settings } from '../memcached/settings.js';
import { podReachOf } from '../dialects/container-reach.js';
import { describesContainer } from '../dialects/container-gate.js';
import { unitVerdict, type UnitReachKind } from '../dialects/unit-reach.js';
import type { PodVerdictKind } from '../dialects/pod-reach.js';
import { decidedElsewhere } from '../dialects/sourced.js';

export type InspectListener =
  | { transport: 'tcp' | 'udp'; address: string | null; port: number; host?: string; tls?: boolean }
  | { transport: 'unix'; path: string; mode: string };

/** Something the file does not decide: what it depends on and what would decide it. */
export interface InspectUnknown {
  depends: 'template' | 'host' | 'file';
  reason: string;
  decide: string;
}

export interface Inspection {
  path: string;
  dialect: string;
  /** How the dialect was decided: `flag`, `path`, `name` or `content`. */
  dialectReason: DetectReason;
  dialectConfidence: DetectConfidence;
  /** The program that reads the file: "Debian's systemd-memcached-wrapper". */
  readBy: string;
  /** The decision in one sentence, with what the content looks like when it surprises its reader. */
  detection: string;
  memcachedVersion: string;
  /**
   * When the file does not decide the release (`unknown.version` says why): what it names, in words
   * (`1.4.35 unless MEMCACHED_VERSION is set`, `unknown: the tag comes from TAG`); `memcachedVersion` is
   * then only the release the checks were read for.
   */
  memcachedVersionText?: string;
  /** Where `memcachedVersion` comes from (a flag, a `.mchardrc`, the installed binary and how, the default). */
  memcachedVersionSource?: string;
  argv: string[];
  argvExact: boolean;
  /** The user memcached runs as once started; null when it does not start or the user is unknown. */
  runsAs: string | null;
  /**
   * The user memcached switches to with `-u` when started as root (even when start-up fails after the
   * switch); null when it has none or the failure comes before the switch.
   */
  dropsTo: string | null;
  /**
   * The user the service starts memcached as, when the file says so and it is not root (a container's
   * USER, `user:`, `runAsUser`): memcached keeps it even when it fails to start.
   */
  startedAs?: string;
  /**
   * `ok: null`: the file does not decide it (the reason says on what it depends). `stage: 'launch'`: the
   * service fails before memcached runs (the wrapper's /bin/sh, systemd, the init script); `exitCode` is -1
   * where no program exits (systemd refuses to load the unit), and `settings` is empty; `unreadable`: the
   * service cannot read the file at all (MC001), so memcached is not run.
   */
  startup:
    | { ok: true }
    | { ok: false; exitCode: number; reason: string; certain: boolean; stage?: 'launch' | 'read' | 'checks' | 'drop' | 'after-drop'; unreadable?: true; prints?: 'usage' | 'version' | 'licence' }
    | { ok: null; reason: string; depends?: InspectUnknown['depends']; decide?: string; asWritten?: { ok: boolean; exitCode?: number; reason?: string }; stage?: 'launch' };
  listeners: InspectListener[];
  /**
   * For a distribution's option file at its packaged path, on the host itself, when no service of this host
   * runs memcached from it (`reads: false`) or what runs decides (`reads: null`): why (MC911 reports it too).
   * What the other fields say is what memcached does whenever it is started from the file.
   */
  hostService?: { reads: false | null; reason: string; decidedBy: string };
  /** Helm values whose parent chart does not install the memcached subchart with them (its dependency's condition or tags): why. */
  notInstalled?: string;
  warnings: string[];
  settings: Record<string, unknown>;
  /**
   * For a template: what its name says (`suffix`, `engine`, `target`, from the detection), the language its
   * tags are read as, how that was told, the arguments whose value it decides and the lines it renders only
   * under a condition.
   */
  template?: Partial<TemplateInfo> & {
    language?: string;
    detectedBy?: string;
    templated?: { argument: string; line: number | null; kind: string }[];
    conditionalLines?: number[];
  };
  /** What is unknown, by field (`user`, `listeners`, `startup`, and each setting), with what would decide it. */
  unknown: Record<string, InspectUnknown>;
  /** For a file with several memcached instances (a Kubernetes manifest): which one this is. */
  workload?: string;
  /**
   * Kubernetes and Helm: who can connect, from what the file publishes (its Services, NetworkPolicies,
   * hostNetwork, hostPort), for memcached's listeners (the default port when the options are unknown);
   * `suggestion`: the Service or NetworkPolicy change that would restrict it, for review (never written).
   */
  exposure?: { verdict: PodVerdictKind; reason: string; fromThisFileOnly: true; suggestion: string | null };
  /** A systemd unit that confines memcached itself (PrivateNetwork=, IPAddressDeny=/IPAddressAllow=): who reaches its listeners. */
  unitReach?: { reach: UnitReachKind; reason: string };
}

const SETTING_FIELDS: [string, keyof Settings][] = [
  ['port', 'port'], ['udpPort', 'udpport'], ['listen', 'inter'], ['unixSocket', 'socketpath'], ['unixMask', 'access'], ['user', 'username'],
  ['memoryMB', 'memoryMB'], ['maxConnections', 'maxconns'], ['threads', 'threads'], ['verbose', 'verbose'], ['maxItemSize', 'itemSizeMax'],
  ['protocol', 'protocol'], ['sasl', 'sasl'], ['authFile', 'authFile'], ['tls', 'sslEnabled'], ['shutdownCommand', 'shutdownCommand'],
  ['flushAll', 'flushEnabled'], ['dumping', 'dumpEnabled'], ['watch', 'watchEnabled'], ['daemonize', 'daemonize'], ['coreDumps', 'coreDumps'],
  ['pidFile', 'pidFile'], ['extended', 'extended'],
];

const toInspect = (u: Unknown): InspectUnknown => ({ depends: u.depends, reason: u.reason, decide: u.decide });

/** A file inspect did not read (the JSON shape of a refusal). */
export interface RefusedInspection {
  path: string;
  dialect: null;
  refused: { looksLike: string | null; reason: DetectReason | null; message: string };
}

export function refusedInspection(path: string, r: DialectRefusal): RefusedInspection {
  return { path, dialect: null, refused: { looksLike: r.looksLike, reason: r.reason, message: r.message } };
}

/** The inspection, with every value from a host file the user did not name shown as "(a value from FILE)". */
export function inspectionOf(path: string, config: ParsedConfig, model: MemcachedModel, detection: DialectChoice): Inspection {
  const hidden = hiddenValues(config.argv);
  const r = inspectionOfAll(path, config, model, detection);
  if (hidden.length === 0) return r;
  const argv = config.argv.map((a) => (a.hiddenFrom ? `(a value from ${a.hiddenFrom})` : a.value));
  return { ...redactDeep(r, hidden), path, argv };
}

function inspectionOfAll(path: string, config: ParsedConfig, model: MemcachedModel, detection: DialectChoice): Inspection {
  const s = model.applied.settings;
  const st = model.startup;
  const tpl = templateOf(config);
  const show = (text: string) => (tpl ? tpl.unmask(text) : text);
  const argvUnknown = config.argvUnknown ?? null;
  const unknown: Record<string, InspectUnknown> = {};
  // Helm: a parent chart that does not install the memcached subchart with these values, and what the chart's
  // version (its Chart.yaml) changes in how the values are read.
  const notInstalled = config.dialect === 'helm' ? config.notes.find((n) => n.kind === 'not-enabled') : undefined;
  const chartNotes = config.dialect === 'helm' ? config.notes.filter((n) => n.kind === 'chart-version').map((n) => n.message) : [];
  // The service fails before memcached runs (stage `launch`): memcached reads no option, so there are no
  // settings; where only some renderings fail, the others' options are not known (the parse stopped there).
  const launch = config.launchFailure ?? null;
  if (argvUnknown) {
    for (const f of ['user', 'listeners', 'startup']) unknown[f] = { depends: 'file', reason: argvUnknown, decide: 'the file that holds the options' };
  } else if (launch?.unknown) {
    for (const f of ['user', 'listeners', 'startup']) unknown[f] = { depends: 'template', reason: launch.unknown.reason, decide: launch.unknown.decide };
  } else {
    if (!model.runsAsKnown.known) unknown.user = toInspect(model.runsAsKnown.unknown);
    if (!model.listenersKnown.known) unknown.listeners = toInspect(model.listenersKnown.unknown);
    if (st.unknown) unknown.startup = toInspect(st.unknown);
  }
  if (model.versionUnknown) unknown.version = toInspect(model.versionUnknown);
  const iv = config.image?.info.version;
  const settings: Record<string, unknown> = {
    port: s.port,
    udpPort: s.udpport,
    listen: s.inter === null ? null : show(s.inter),
    unixSocket: s.socketpath === null ? null : show(s.socketpath),
    unixMask: `0${(s.access & 0o777).toString(8).padStart(3, '0')}`,
    user: s.username === null ? null : show(s.username),
    memoryMB: s.memoryMB,
    maxConnections: s.maxconns,
    threads: s.threads,
    verbose: s.verbose,
    maxItemSize: s.itemSizeMax,
    protocol: s.protocol,
    sasl: s.sasl,
    authFile: s.authFile === null ? null : show(s.authFile),
    tls: s.sslEnabled,
    shutdownCommand: s.shutdownCommand,
    flushAll: s.flushEnabled,
    dumping: s.dumpEnabled,
    watch: s.watchEnabled,
    daemonize: s.daemonize,
    coreDumps: s.coreDumps,
    pidFile: s.pidFile === null ? null : show(s.pidFile),
    extended: Object.fromEntries([...s.extended.values()].map((x) => [x.name, x.value === null ? null : show(x.value)])),
  };
  if (!argvUnknown && launch?.unknown) {
    for (const [field] of SETTING_FIELDS) {
      settings[field] = 'unknown';
      unknown[`settings.${field}`] = { ...unknown.startup };
    }
  } else if (!argvUnknown && !launch) {
    for (const [field, key] of SETTING_FIELDS) {
      const k = model.known(key);
      if (!k.known) {
        settings[field] = 'unknown';
        unknown[`settings.${field}`] = toInspect(k.unknown);
      }
    }
  }
  // The user memcached switches to: known when -u is, and only when start-up gets as far as the switch.
  const reachesDrop = st.ok || st.stage === 'after-drop';
  const dropsTo = !argvUnknown && model.runsAsKnown.known && model.runsAs !== null && reachesDrop ? show(model.runsAs) : null;
  let startup: Inspection['startup'];
  if (argvUnknown) startup = { ok: null, reason: argvUnknown };
  else if (launch?.unknown) {
    startup = {
      ok: null,
      reason: `depends on the template: ${show(launch.unknown.reason)}: some renderings make the service fail before memcached runs (${show(launch.reason)})`,
      depends: 'template',
      decide: launch.unknown.decide,
      stage: 'launch',
    };
  } else if (st.unknown) {
    startup = {
      ok: null,
      reason: `depends on ${st.unknown.depends === 'template' ? 'the template' : decidedElsewhere(st.unknown.decide) ? st.unknown.decide : 'the host'}: ${show(st.unknown.reason)}`,
      depends: st.unknown.depends,
      decide: st.unknown.decide,
      asWritten: st.ok ? { ok: true } : { ok: false, exitCode: st.exitCode, reason: show(st.reason) },
    };
  } else {
    // A file its service cannot read at all (invalid YAML, no service that runs memcached): memcached is not
    // run, but no program "fails before" it in the sense of MC914 (MC001 reports the file).
    const unreadable = launch !== null && config.notes.some((n) => n.kind === 'parse-error');
    startup = st.ok ? { ok: true } : { ok: false, exitCode: st.exitCode, reason: show(st.reason), certain: st.certain, ...(st.stage ? { stage: st.stage } : {}), ...(unreadable ? { unreadable: true as const } : {}), ...(st.prints ? { prints: st.prints } : {}) };
  }
  const known = !argvUnknown && !st.unknown;
  // Kubernetes and Helm: who can connect to its listeners (to the default port when they are unknown).
  const pod = describesContainer(config.dialect) ? podReachOf(config, argvUnknown ? [{ transport: 'tcp', port: 11211 }] : model.listeners) : null;
  const unitLimits = argvUnknown || !(st.ok || st.unknown) ? null : unitVerdict(config, model.listeners.filter((l) => l.transport === 'unix' || l.address === null || !/^(127\.|::1$)/.test(l.address)));
  const result: Inspection = {
    path,
    dialect: config.dialect,
    dialectReason: detection.reason,
    dialectConfidence: detection.confidence,
    readBy: config.readBy ?? detection.readBy,
    detection: detection.explanation,
    ...(detection.template ? { template: { ...detection.template } } : {}),
    memcachedVersion: formatVersion(model.version),
    ...(model.versionUnknown && iv?.kind === 'depends'
      ? { memcachedVersionText: show(iv.short) }
      : model.versionUnknown && iv?.kind === 'range' && iv.series && iv.max
        ? { memcachedVersionText: `${formatVersion(iv.min)} to ${formatVersion(iv.max)}` }
        : {}),
    argv: config.argv.filter((a) => !(a.value === '' && a.unknown?.kind === 'opaque' && a.unknown.at === 0 && a.span && tpl)).map((a) => show(a.value)),
    argvExact: config.argvExact,
    runsAs: st.ok && known && model.runsAsKnown.known ? (model.runsAs === null ? null : show(model.runsAs)) : null,
    dropsTo,
    ...(!argvUnknown && !config.startsAsUnknown && config.startsAs !== undefined && config.startsAs !== 'root' ? { startedAs: show(config.startsAs) } : {}),
    startup,
    // Where it listens when it starts: shown when the file decides it, even if whether it starts is unknown.
    listeners:
      !argvUnknown && (st.ok || st.unknown) && model.listenersKnown.known
        ? model.listeners.map((l) =>
            l.transport === 'unix'
              ? { transport: 'unix' as const, path: show(l.path), mode: l.mode }
              : { transport: l.transport, address: l.address, port: l.port, ...(l.host ? { host: show(l.host) } : {}), ...(l.tls ? { tls: true } : {}) },
          )
        : [],
    ...(notInstalled ? { notInstalled: show(notInstalled.message) } : {}),
    ...(config.hostUnit && config.hostUnit.reads !== true ? { hostService: { reads: config.hostUnit.reads, reason: config.hostUnit.why, decidedBy: config.hostUnit.path } } : {}),
    warnings: [...st.warnings, ...chartNotes].map(show),
    // No settings where memcached never runs (the defaults would read as what it does).
    settings: launch && !launch.unknown ? {} : settings,
    unknown,
    ...(config.partName ? { workload: config.partName } : {}),
    ...(pod
      ? { exposure: { verdict: pod.verdict, reason: argvUnknown ? `if it listens on the default port 11211: ${pod.where}` : pod.where, fromThisFileOnly: true as const, suggestion: pod.suggestion } }
      : {}),
    ...(unitLimits ? { unitReach: { reach: unitLimits.reach, reason: show(unitLimits.where) } } : {}),
  };
  if (tpl) {
    const lineOf = (offset: number | undefined) => (offset === undefined ? null : tpl.original.position(offset).line);
    result.template = {
      ...result.template,
      language: tpl.language,
      detectedBy: tpl.detectedBy,
      templated: config.argv
        .filter((a) => a.unknown?.depends === 'template')
        .map((a) => ({ argument: show(a.value) || show(tpl.original.slice(a.span ?? { start: 0, end: 0 })), line: lineOf(a.span?.start), kind: a.unknown!.kind })),
      conditionalLines: [...new Set(config.argv.filter((a) => a.conditional && a.span).map((a) => lineOf(a.span!.start)!))],
    };
  }
  return result;
}
