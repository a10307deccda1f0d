/**
 * Auditing the running memcached processes: find them, read the sockets each holds, tie each to the
 * configuration file that would start it, optionally probe its listeners, and run every rule (the
 * configuration rules on the argument vector it really got, the audit rules on what was observed).
 */
import { loadDialect } from '../dialects/index.js';
import { argvFromWords } from '../dialects/argv.js';
import type { DialectName, ParsedConfig } from '../dialects/types.js';
import { lintSource } from '../engine/lint.js';
import type { Finding, Rule, RuleOptions, Severity } from '../engine/types.js';
import { InputError } from '../input.js';
import { processSockets, type HeldSocket } from '../system/sockets.js';
import { binaryVersion } from './binary.js';
import { expectationOf } from './expect.js';
import { matchProcess } from './match.js';
import { probeSockets } from './probe.js';
import { findMemcachedProcesses } from './processes.js';
import { hostNetworks } from './reach.js';
import { unitConfigFile } from './unit.js';
import { driftOf } from './drift.js';
import type { AuditFacts, Expectation, FileMatch, ProbeResult, ProcessInfo } from './types.js';

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
  /** Where the systemd units' files live (default /etc). */
  etc?: string;
}

export interface ProcessAudit {
  /** `/proc/PID/cmdline`: where the findings point. */
  path: string;
  process: ProcessInfo;
  held: HeldSocket[];
  match: FileMatch | null;
  probes: ProbeResult[] | null;
  config: ParsedConfig;
  findings: Finding[];
}

export interface AuditOutcome {
  audits: ProcessAudit[];
  /** Candidate files that could not be read (one line each, naming the file). */
  errors: InputError[];
}

async function loadCandidates(req: AuditRequest, errors: InputError[]): Promise<Expectation[]> {
  const out: Expectation[] = [];
  for (const path of req.files) {
    try {
      out.push(await expectationOf(path, req.optionsFor(path), req.dialect));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      errors.push(e);
    }
  }
  return out;
}

export async function auditProcesses(req: AuditRequest): Promise<AuditOutcome> {
  const proc = req.proc ?? '/proc';
  const errors: InputError[] = [];
  const candidates = await loadCandidates(req, errors);
  const networks = hostNetworks();
  await loadDialect('argv');
  const audits: ProcessAudit[] = [];
  for (const p of findMemcachedProcesses(proc, req.pids)) {
    const held = processSockets(p.pid, proc);
    let match: FileMatch | null = null;
    const unitFile = p.unit ? unitConfigFile(p.unit, req.etc) : null;
    if (unitFile) {
      try {
        match = { expectation: await expectationOf(unitFile, req.optionsFor(unitFile)), method: 'systemd-unit' };
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        errors.push(e);
      }
    } else {
      match = matchProcess(p, held, candidates);
    }
    const probes = req.probe ? await probeSockets(held, req.probeTimeoutMs) : null;
    const path = `${proc}/${p.pid}/cmdline`;
    const base = req.optionsFor(path);
    const version = binaryVersion(p.exe);
    const options: RuleOptions = version && !base.versionExplicit ? { ...base, version, versionExplicit: true, versionSource: `the running binary ${p.exe}` } : base;
    // argv[0] is shown when it names memcached (the dialect skips it); otherwise it would read as an option.
    const config = argvFromWords(/^(?:\S*\/)?memcached$/.test(p.argv0) ? [p.argv0, ...p.words] : p.words, path);
    const facts: AuditFacts = { process: p, held, match, networks, probes, drift: match ? driftOf(match, p, held) : null };
    // memcached honours -u only when started as root; a process still running as root was started so.
    const startedAsRoot = p.uid === 0 || (p.user !== null && p.words.some((w) => w === p.user));
    const result = lintSource(config.source, 'argv', {
      rules: req.rules,
      options,
      severities: req.severities,
      host: { root: startedAsRoot },
      audit: facts,
    });
    audits.push({ path, process: p, held, match, probes, config: result.config, findings: result.findings });
  }
  return { audits, errors };
}
