/**
 * Auditing the running memcached processes: find them, read the sockets each holds, tie each to the
 * configuration file that would start it, optionally probe its listeners, and run every rule (the
 * configuration rules on the argument vector it really got, the audit rules on what was observed).
 */
import { loadDialect } from '../dialects/index.js';
import { argvFromWords } from '../dialects/argv.js';
import type { DialectName, ParsedConfig } from '../dialects/types.js';
import { parseVersion } from '../memcached/version.js';
import { lintSource } from '../engine/lint.js';
import type { Finding, Rule, RuleOptions, Severity } from '../engine/types.js';
import { hostFileAccess, InputError } from '../input.js';
import { failureReason } from '../cli/per-file.js';
import { readProcessSockets, socketInodes, socketKey, type HeldSocket, type NetTablesCache } from '../system/sockets.js';
import { suggestRules } from './firewall/suggest.js';
import { binaryLooks, processVersion } from './binary.js';
import { interfaceNames, namespaceNetworks } from '../system/interfaces.js';
import { classifyAddress } from '../engine/exposure.js';
import ipaddr from 'ipaddr.js';
import type { Ruleset } from './firewall/ruleset.js';
import { readNamespaceRuleset } from './firewall/read.js';
import { hostDnatTo, socketVerdict, unknownVerdict, type SocketFirewall, type UnitGate } from './firewall/verdict.js';
import { describeUnitFilter, readUnitIpFilter, type UnitFilterReader, type UnitFilterResult } from './unit-filter.js';
import { familyOf } from './firewall/space.js';
import type { NetSocket } from './reach.js';
import { describeNamespace } from '../system/namespaces.js';
import type { VersionReport } from '../system/binary-version.js';
import { expectationOf } from './expect.js';
import { matchProcess } from './match.js';
import { PROBE_BUDGET_MS, probeSockets } from './probe.js';
import { findMemcachedProcesses, MAX_ARGV_BYTES } from './processes.js';
import { hostNetworks } from './reach.js';
import { unitConfigFile } from './unit.js';
import { driftOf } from './drift.js';
import type { AuditFacts, Expectation, FileMatch, HostNetwork, ProbeResult, ProcessInfo } from './types.js';

export interface AuditRequest {
  rules: readonly Rule[];
  /** Candidate configuration files (FILE arguments, else the system files). */
  files: readonly string[];
  dialect?: DialectName;
  /** Only these processes. */
  pids?: readonly number[];
  probe: boolean;
  probeTimeoutMs?: number;
  /** Rule options for a path (a candidate file, or a process's `/proc/PID/cmdline`). */
  optionsFor(path: string): RuleOptions;
  severities?: ReadonlyMap<string, Severity | 'off'>;
  proc?: string;
  /**
   * The packet filter: a saved ruleset (`--ruleset FILE`) used for every process, `live` to read each
   * process's namespace's own, or `off`.
   */
  firewall?: Ruleset | 'live' | 'off';
  /** Networks the suggested nftables rules allow (`--allow`); default: the trusted networks. */
  allow?: string[];
  /** Where the configuration files the units read live (default /etc). */
  etc?: string;
  /** Where systemd's unit files are looked for (default UNIT_DIRS of src/audit/unit.ts). */
  unitDirs?: readonly string[];
  /** Largest configuration file read (--max-file-size). */
  maxBytes?: number;
  /** systemd's IP filter of a unit and its slices (default: asked of systemd, src/audit/unit-filter.ts). */
  unitFilter?: UnitFilterReader;
}

export interface ProcessAudit {
  /** `/proc/PID/cmdline`: where the findings point. */
  path: string;
  process: ProcessInfo;
  held: HeldSocket[];
  /** Why the process's sockets could not be read (then `held` is empty, and says nothing): null when they were. */
  heldUnreadable: string | null;
  match: FileMatch | null;
  /**
   * With no match: each pid file that named the process but that others than root and the file's user can
   * change, and why (then which file started the process is unknown, not "none").
   */
  matchDoubts: string[];
  probes: ProbeResult[] | null;
  /** The memcached version of the process's binary, and where it came from (nothing is run). */
  version: VersionReport;
  /** The interfaces of the process's network namespace. */
  networks: HostNetwork[];
  /** The packet filter's verdict per held TCP/UDP socket (null: not evaluated). */
  firewall: SocketFirewall[] | null;
  /** nftables rules that would restrict the open or too-wide listeners (never applied), or null. */
  suggestion: string | null;
  /**
   * systemd's IP filter of the unit that runs the process, part of the firewall verdicts: the filter
   * (null: none set), why it could not be read, or null when not asked (no unit, or --no-firewall).
   */
  unitFilter: UnitFilterResult | null;
  config: ParsedConfig;
  findings: Finding[];
}

/** A candidate configuration file as audit considered it: read in its dialect, or why it could not be. */
export interface Candidate {
  path: string;
  dialect: DialectName | null;
  /** Why it could not be read (also among the outcome's errors), or null. */
  error: string | null;
}

export interface AuditOutcome {
  audits: ProcessAudit[];
  /**
   * Processes not audited because of LONG_ARGV_BUDGET (each one's pid, user and command-line length):
   * said on one line, never left out silently.
   */
  unaudited: { pid: number; uid: number | null; user: string | null; bytes: number }[];
  /** Every candidate file, in the order given, read or not. */
  candidates: Candidate[];
  /** Candidate files that could not be read (one line each, naming the file). */
  errors: InputError[];
}

// The bounds on command lines are discovery's (src/audit/processes.ts); exported here too, where audit's callers look.
export { LONG_ARGV_BUDGET, LONG_ARGV_BYTES, MAX_ARGV_BYTES } from './processes.js';

/** A failure as the one line of `path`: the model's own refusals (too many -l options) name no file. */
function asInputError(path: string, e: unknown): InputError {
  return e instanceof InputError && e.path !== '' ? e : new InputError(path, failureReason(e).reason);
}

async function loadCandidates(req: AuditRequest, errors: InputError[], considered: Candidate[]): Promise<Expectation[]> {
  const out: Expectation[] = [];
  for (const path of req.files) {
    try {
      const e = await expectationOf(path, req.optionsFor(path), req.dialect, { hostFiles: hostFileAccess(path, undefined, req.files), maxBytes: req.maxBytes });
      out.push(e);
      considered.push({ path, dialect: e.dialect, error: null });
    } catch (e) {
      // One file's failure (a bug included) is that file's one line; the processes are still audited.
      const err = asInputError(path, e);
      errors.push(err);
      considered.push({ path, dialect: null, error: err.reason });
    }
  }
  return out;
}

/** Whether one of the addresses is on a network of the host's own interfaces (not loopback). */
function hostRoutesTo(hostNets: readonly HostNetwork[], addresses: readonly string[]): boolean {
  return addresses.some((a) => {
    if (!ipaddr.isValid(a)) return false;
    const addr = ipaddr.parse(a);
    return hostNets.some((n) => {
      if (n.internal) return false;
      try {
        const [net, bits] = ipaddr.parseCIDR(n.network);
        return net.kind() === addr.kind() && addr.match(net, bits) && !(addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).range() === 'linkLocal');
      } catch {
        return false;
      }
    });
  });
}

/**
 * The packet filter's verdict for each TCP/UDP socket the process holds that is not bound to loopback:
 * under the saved ruleset, or under the live one of the process's own network namespace (read once per
 * namespace).
 */
function firewallOf(
  req: AuditRequest,
  p: ProcessInfo,
  held: readonly HeldSocket[],
  networks: readonly HostNetwork[],
  hostNets: readonly HostNetwork[],
  proc: string,
  cache: Map<string, { ruleset: Ruleset } | { unavailable: string }>,
  unitFilter: UnitFilterResult | null,
): SocketFirewall[] | null {
  const mode = req.firewall ?? 'live';
  if (mode === 'off') return null;
  const sockets = held.filter((s): s is NetSocket => s.transport !== 'unix' && classifyAddress(s.address) !== 'loopback');
  if (sockets.length === 0) return [];
  const filter = unitFilter && 'filter' in unitFilter ? unitFilter.filter : null;
  const gate = (s: NetSocket): UnitGate | null => (filter ? { allowed: filter.allowed[familyOf(s.address)], label: describeUnitFilter(filter), caveat: filter.caveat } : null);
  const unread = unitFilter && 'unavailable' in unitFilter ? `; systemd's IP filter of ${p.cgroupUnit} could not be read (${unitFilter.unavailable})` : '';
  return firewallVerdicts(req, mode, p, sockets, networks, hostNets, proc, cache, gate).map((v) => (unread && v.verdict !== 'closed' ? { ...v, reason: v.reason + unread } : v));
}

function firewallVerdicts(
  req: AuditRequest,
  mode: Ruleset | 'live',
  p: ProcessInfo,
  sockets: NetSocket[],
  networks: readonly HostNetwork[],
  hostNets: readonly HostNetwork[],
  proc: string,
  cache: Map<string, { ruleset: Ruleset } | { unavailable: string }>,
  gate: (s: NetSocket) => UnitGate | null,
): SocketFirewall[] {
  let source: { ruleset: Ruleset } | { unavailable: string };
  if (mode === 'live') {
    const net = p.namespaces.net;
    const own = net.own !== false;
    const key = own ? 'own' : String(net.inode);
    if (!cache.has(key)) cache.set(key, readNamespaceRuleset({ pid: p.pid, own, inode: net.inode, label: describeNamespace(net) }, { proc }));
    source = cache.get(key)!;
  } else source = { ruleset: mode };
  if ('unavailable' in source) return sockets.map((s) => unknownVerdict(s, source.unavailable, gate(s)));
  const ns = { interfaces: interfaceNames(p.pid, proc), addresses: networks.map((n) => n.address) };
  const verdicts = sockets.map((s) => socketVerdict(source.ruleset, s, ns, gate(s)));
  // In another namespace (a container): the host may also forward packets to it through destination NAT.
  // Only a namespace the host routes to (a container on a host bridge) can get packets the host forwards.
  if (mode === 'live' && p.namespaces.net.own === false && hostRoutesTo(hostNets, ns.addresses)) {
    if (!cache.has('own')) cache.set('own', readNamespaceRuleset({ pid: process.pid, own: true, inode: null, label: "mchard's" }, { proc }));
    const host = cache.get('own')!;
    verdicts.forEach((v, i) => {
      if (v.verdict === 'closed') return;
      const why = 'unavailable' in host ? `the host's packet filter cannot be read (${host.unavailable})` : hostDnatTo(host.ruleset, sockets[i], ns.addresses);
      if (why === null) return;
      const path = 'unavailable' in host ? why : `the host forwards packets to it through destination NAT ${why}; that path (the host's prerouting and forward chains) is not evaluated`;
      verdicts[i] = { ...v, verdict: 'unknown', reason: `${v.reason}; ${path}` };
    });
  }
  return verdicts;
}

export async function auditProcesses(req: AuditRequest): Promise<AuditOutcome> {
  const proc = req.proc ?? '/proc';
  const errors: InputError[] = [];
  const considered: Candidate[] = [];
  const candidates = await loadCandidates(req, errors, considered);
  const own = hostNetworks();
  const nsNetworks = new Map<number, HostNetwork[]>();
  const rulesets = new Map<string, { ruleset: Ruleset } | { unavailable: string }>();
  const unitFilters = new Map<string, UnitFilterResult>();
  // Each distinct binary is read once per run, and other users' binaries within a bound (src/audit/binary.ts).
  const looks = binaryLooks();
  const readUnitFilter = req.unitFilter ?? ((unit: string) => readUnitIpFilter(unit));
  await loadDialect('argv');
  const audits: ProcessAudit[] = [];
  const unaudited: AuditOutcome['unaudited'] = [];
  const processes = findMemcachedProcesses(proc, req.pids);
  // The socket tables of each network namespace are read once (src/system/sockets.ts).
  const tables: NetTablesCache = new Map();
  const sockets = processes.map((p) => readProcessSockets(p.pid, proc, tables));
  // Every process's listeners are probed together (src/audit/probe.ts bounds the connections open at once):
  // probed one process after another, each listener that never answers cost the whole time limit, so any
  // user could hold a root audit for minutes with processes named memcached listening on loopback.
  // All of them within one time (PROBE_BUDGET_MS): a listener whose turn comes later is not probed, and says so.
  const probeDeadline = Date.now() + PROBE_BUDGET_MS;
  const probing = processes.map((p, i) => {
    if (!req.probe) return null;
    const net = p.namespaces.net;
    // Settled here, so that a probe that fails is that process's failure below, never an unhandled rejection.
    return probeSockets(sockets[i].held, req.probeTimeoutMs, net.own === false ? describeNamespace(net) : null, probeDeadline, socketInodes(p.pid, proc)).then(
      (results) => ({ results }),
      (error: unknown) => ({ error }),
    );
  });
  for (const [i, p] of processes.entries()) {
    // One process's failure (a bug included) is that process's one line; the others are still audited.
    try {
      const audit = await auditOne(p, sockets[i], probing[i]);
      if (audit) audits.push(audit);
    } catch (e) {
      errors.push(asInputError(`${proc}/${p.pid}/cmdline`, e));
    }
  }
  return { audits, unaudited, candidates: considered, errors };

  async function auditOne(
    p: ProcessInfo,
    { held, unreadable: heldUnreadable }: ReturnType<typeof readProcessSockets>,
    probed: Promise<{ results: ProbeResult[] } | { error: unknown }> | null,
  ): Promise<ProcessAudit | null> {
    // Any user can start processes named memcached with megabytes of arguments (20 of them with 1.1 MB each
    // held a root audit for minutes): a command line beyond this is the process's one line, not linted.
    const argvBytes = p.argvBytes ?? p.words.reduce((n, w) => n + Buffer.byteLength(w) + 1, Buffer.byteLength(p.argv0) + 1);
    if (p.unread === 'too-long' || argvBytes > MAX_ARGV_BYTES) {
      throw new InputError(`${proc}/${p.pid}/cmdline`, `the command line is ${argvBytes} bytes, more than the ${MAX_ARGV_BYTES} mchard reads of a process's arguments (a memcached's are a few hundred); not audited`);
    }
    // Long command lines of processes not running as root are read within one budget (src/audit/processes.ts).
    if (p.unread === 'over-budget') {
      unaudited.push({ pid: p.pid, uid: p.uid, user: p.user, bytes: argvBytes });
      return null;
    }
    let match: FileMatch | null = null;
    const matchDoubts: string[] = [];
    const unitFile = p.unit ? unitConfigFile(p.unit, req.etc, req.unitDirs) : null;
    if (unitFile) {
      try {
        // The unit of a running process is this host's own configuration: the files it names are read.
        const hostFiles = hostFileAccess(unitFile, true, [], true);
        match = { expectation: await expectationOf(unitFile, req.optionsFor(unitFile), undefined, { hostFiles, maxBytes: req.maxBytes }), method: 'systemd-unit' };
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        errors.push(asInputError(unitFile, e));
      }
    } else {
      match = matchProcess(p, held, candidates, matchDoubts);
    }
    // A process in another network namespace: its interfaces, read from /proc/PID/net, once per namespace.
    const net = p.namespaces.net;
    const foreign = net.own === false ? net : null;
    let networks = own;
    if (foreign) {
      const id = foreign.inode!;
      if (!nsNetworks.has(id)) nsNetworks.set(id, namespaceNetworks(p.pid, proc));
      networks = nsNetworks.get(id)!;
    }
    const outcome = probed ? await probed : null;
    if (outcome && 'error' in outcome) throw outcome.error;
    const probes = outcome ? outcome.results : null;
    const path = `${proc}/${p.pid}/cmdline`;
    const base = req.optionsFor(path);
    const versionReport = processVersion(p, probes, proc, {}, looks);
    const version = versionReport.version === null ? null : parseVersion(versionReport.version);
    const options: RuleOptions = version && !base.versionExplicit ? { ...base, version, versionExplicit: true, versionSource: `the running memcached (${versionReport.detail})` } : base;
    // argv[0] is shown when it names memcached (the dialect skips it); otherwise it would read as an option.
    const config = argvFromWords(/^(?:\S*\/)?memcached$/.test(p.argv0) ? [p.argv0, ...p.words] : p.words, path);
    // systemd's IP filter of the unit that runs it, asked once per unit; not with --no-firewall.
    let unitFilter: UnitFilterResult | null = null;
    if ((req.firewall ?? 'live') !== 'off' && p.cgroupUnit) {
      if (!unitFilters.has(p.cgroupUnit)) unitFilters.set(p.cgroupUnit, readUnitFilter(p.cgroupUnit));
      unitFilter = unitFilters.get(p.cgroupUnit)!;
    }
    const firewall = firewallOf(req, p, held, networks, own, proc, rulesets, unitFilter);
    const facts: AuditFacts = { process: p, held, match, networks, probes, firewall, foreignNet: foreign, drift: match ? driftOf(match, p, heldUnreadable ? null : held) : null };
    // memcached honours -u only when started as root; a process still running as root was started so.
    const startedAsRoot = p.uid === 0 || (p.user !== null && p.words.some((w) => w === p.user));
    const result = lintSource(config.source, 'argv', {
      rules: req.rules,
      options,
      severities: req.severities,
      host: { root: startedAsRoot },
      audit: facts,
    });
    const pairs = (firewall ?? []).map((f) => ({ socket: held.find((s): s is NetSocket => s.transport !== 'unix' && socketKey(s) === f.socket)!, firewall: f }));
    const suggestion = suggestRules(pairs, req.allow ?? base.trustedNetworks, p.pid);
    return { path, process: p, held, heldUnreadable, match, matchDoubts: match ? [] : matchDoubts, probes, version: versionReport, networks, firewall, suggestion, unitFilter, config: result.config, findings: result.findings };
  }
}
