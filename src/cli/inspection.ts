/** The inspect result as a plain object (the JSON shape of `mchard inspect --format json`). */
import type { ParsedConfig } from '../dialects/types.js';
import type { DialectChoice, DetectConfidence, DetectReason, DialectRefusal, TemplateInfo } from '../dialects/detect.js';
import type { MemcachedModel } from '../memcached/model.js';
import { formatVersion } from '../memcached/version.js';
import { podReachOf } from '../dialects/container-reach.js';
import type { PodVerdictKind } from '../dialects/pod-reach.js';

export type InspectListener =
  | { transport: 'tcp' | 'udp'; address: string | null; port: number; host?: string; tls?: boolean }
  | { transport: 'unix'; path: string; mode: string };

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
  /** Set when the path or name says the file is a template. */
  template?: TemplateInfo;
  memcachedVersion: string;
  /** Where `memcachedVersion` comes from (a flag, a `.mchardrc`, the installed binary and how, the default). */
  memcachedVersionSource?: string;
  argv: string[];
  argvExact: boolean;
  runsAs: string | null;
  /** `ok: null`: the file does not decide memcached's command line (`argvUnknown`), so nothing is predicted. */
  startup: { ok: true } | { ok: false; exitCode: number; reason: string; certain: boolean } | { ok: null; reason: string };
  listeners: InspectListener[];
  warnings: string[];
  settings: Record<string, unknown>;
  /** For a file with several memcached instances (a Kubernetes manifest): which one this is. */
  workload?: string;
  /**
   * Kubernetes and Helm: who can connect, from what the file publishes (its Services, NetworkPolicies,
   * hostNetwork, hostPort), for memcached's listeners (the default port when the options are unknown);
   * `suggestion`: the Service or NetworkPolicy change that would restrict it, for review (never written).
   */
  exposure?: { verdict: PodVerdictKind; reason: string; fromThisFileOnly: true; suggestion: string | null };
}

/** A file inspect did not read (the JSON shape of a refusal). */
export interface RefusedInspection {
  path: string;
  dialect: null;
  refused: { looksLike: string | null; reason: DetectReason | null; message: string };
}

export function refusedInspection(path: string, r: DialectRefusal): RefusedInspection {
  return { path, dialect: null, refused: { looksLike: r.looksLike, reason: r.reason, message: r.message } };
}

export function inspectionOf(path: string, config: ParsedConfig, model: MemcachedModel, detection: DialectChoice): Inspection {
  const s = model.applied.settings;
  const st = model.startup;
  const unknown = config.argvUnknown ?? null;
  const reachable = unknown ? [{ transport: 'tcp', port: 11211 }] : model.listeners;
  const pod = podReachOf(config, reachable);
  return {
    path,
    dialect: config.dialect,
    dialectReason: detection.reason,
    dialectConfidence: detection.confidence,
    readBy: detection.readBy,
    detection: detection.explanation,
    ...(detection.template ? { template: detection.template } : {}),
    memcachedVersion: formatVersion(model.version),
    argv: config.argv.map((a) => a.value),
    argvExact: config.argvExact,
    runsAs: st.ok && !unknown ? model.runsAs : null,
    startup: unknown ? { ok: null, reason: unknown } : st.ok ? { ok: true } : { ok: false, exitCode: st.exitCode, reason: st.reason, certain: st.certain },
    listeners: st.ok && !unknown
      ? model.listeners.map((l) =>
          l.transport === 'unix'
            ? { transport: 'unix' as const, path: l.path, mode: l.mode }
            : { transport: l.transport, address: l.address, port: l.port, ...(l.host ? { host: l.host } : {}), ...(l.tls ? { tls: true } : {}) },
        )
      : [],
    warnings: st.warnings,
    settings: {
      port: s.port,
      udpPort: s.udpport,
      listen: s.inter,
      unixSocket: s.socketpath,
      unixMask: `0${(s.access & 0o777).toString(8).padStart(3, '0')}`,
      user: s.username,
      memoryMB: s.memoryMB,
      maxConnections: s.maxconns,
      threads: s.threads,
      verbose: s.verbose,
      maxItemSize: s.itemSizeMax,
      protocol: s.protocol,
      sasl: s.sasl,
      authFile: s.authFile,
      tls: s.sslEnabled,
      shutdownCommand: s.shutdownCommand,
      flushAll: s.flushEnabled,
      dumping: s.dumpEnabled,
      watch: s.watchEnabled,
      daemonize: s.daemonize,
      coreDumps: s.coreDumps,
      pidFile: s.pidFile,
      extended: Object.fromEntries([...s.extended.values()].map((x) => [x.name, x.value])),
    },
    ...(config.partName ? { workload: config.partName } : {}),
    ...(pod ? { exposure: { verdict: pod.verdict, reason: unknown ? `if it listens on the default port 11211: ${pod.where}` : pod.where, fromThisFileOnly: true as const, suggestion: pod.suggestion } } : {}),
  };
}
