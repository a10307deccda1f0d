/**
 * `mchard audit [FILE...]`: checks the memcached processes running on this machine (see src/audit/).
 * Output and exit status as for `lint`: 0 when nothing reaches --fail-on, 1 when something does, 2 for
 * usage errors and unreadable configuration files (the processes are still audited).
 */
import { COMMON_OPTIONS, parseCommandArgs, parseMaxFileSize, UsageError } from './args.js';
import { BASELINE_OUTPUT_HELP, fileSeverities, listedFindings, parseLintFlags, RANK, sayOmitted, SHARED_LINT_OPTIONS } from './lint-flags.js';
import { finishBaseline, openBaseline, openReportSink } from './report-output.js';
import { processKey } from '../engine/baseline.js';
import { withSubjects } from '../report/fingerprint.js';
import { getopt } from '../memcached/getopt.js';
import { OptionResolver } from './files.js';
import { SYSTEM_PATHS_HELP, systemConfigFiles } from './targets.js';
import { ConfigError, type ProjectConfig } from '../engine/config.js';
import type { Rule, Severity } from '../engine/types.js';
import { formatReport, needsIdentity } from '../report/index.js';
import { safeJson, visible } from '../report/visible.js';
import { processVisibility } from '../audit/processes.js';
import { useColor } from '../report/color.js';
import type { FileReport } from '../report/types.js';
import { auditProcesses, LONG_ARGV_BUDGET, LONG_ARGV_BYTES } from '../audit/run.js';
import { auditRecord, auditSummaryText, candidatesRecord, candidatesText, type CandidateSource } from '../audit/present.js';
import { RULES } from '../../rules/index.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';
import { parseCidrs } from '../engine/exposure.js';
import { readBinary } from '../system/binary-version.js';
import { rulesetFromText } from '../audit/firewall/read.js';
import { RulesetError, type Ruleset } from '../audit/firewall/ruleset.js';

/** A saved ruleset is read whole; a large one with big sets is a few MiB. */
const MAX_RULESET_BYTES = 64 * 1024 * 1024;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SHARED_LINT_OPTIONS,
  pid: { type: 'string', multiple: true },
  probe: { type: 'boolean' },
  ruleset: { type: 'string' },
  allow: { type: 'string', multiple: true },
  'no-firewall': { type: 'boolean' },
} as const;

export const AUDIT_HELP = `Usage: mchard audit [options] [FILE...]

Checks the memcached processes running on this machine: runs the rules on the
arguments each process really got, lists the sockets it really holds (from /proc),
and compares it with the configuration file that would start it now (drift:
restart needed). FILE... are the candidate configuration files; with no FILE,
the files that exist on the system paths lint and fix read:
${SYSTEM_PATHS_HELP}.
The output names the files considered. A process run by memcached.service or
memcached@NAME.service is tied to that unit's file; any other to the candidate
with its argument vector, its -P pid file, or a port or socket it holds. For
each socket not bound to loopback it evaluates the packet filter (nftables, and
legacy iptables where loaded): whether a new connection is accepted from
anywhere (open), from listed sources (restricted), from nowhere (closed), or
cannot be told (unknown), and prints nftables rules that would restrict an open
listener (never applied). Nothing is sent anywhere unless --probe is given.

Options:
  --pid PID[,PID...]                audit only these processes (repeatable)
  --probe                           also connect to each listener at its own bound
                                    address (a wildcard one at loopback) and send
                                    "version" (TCP) or "stats" (UDP): shows what
                                    answers without authentication, and measures
                                    UDP amplification; traffic stays on this machine
                                    (a process in another network namespace is
                                    not probed)
  --ruleset FILE                    evaluate this saved packet filter ("nft -j list
                                    ruleset" JSON, or iptables-save output) instead
                                    of each process's namespace's live one
  --allow CIDR                      networks the suggested nftables rules let in
                                    (repeatable; default: the trusted networks)
  --no-firewall                     do not read or evaluate the packet filter
  --format text|json|sarif|github|gitlab
                                    output format (default text)
  --fail-on error|warning|info      lowest severity that fails (default error)
  --config FILE                     use this .mchardrc
  --disable ID[,ID...]              turn rules off (repeatable)
  --dialect debian|sysconfig|...    the candidate files' format (default: detected)
  --memcached-version X.Y.Z         memcached release whose behaviour applies
                                    (default: each process's own: its --probe
                                    reply, the package database, or the version
                                    string in its binary; never by running it)
  --trusted-network CIDR            private network where listening is fine (repeatable)
  -q, --quiet                       report errors only
  --color[=WHEN], --no-color        colour: auto (the default: on a terminal, unless
                                    NO_COLOR is set or TERM=dumb), always, never
${BASELINE_OUTPUT_HELP}
In a baseline a process is keyed by its systemd unit, else the configuration
file it was matched to, else its command line (process:...).

Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or read errors.
`;

export function parsePids(values: readonly string[] | undefined): number[] | undefined {
  if (!values) return undefined;
  const out: number[] = [];
  for (const item of values.flatMap((v) => v.split(','))) {
    const t = item.trim();
    if (!/^[1-9]\d{0,9}$/.test(t)) throw new UsageError(`--pid must be process IDs separated by commas (got "${item}")`);
    out.push(Number(t));
  }
  if (out.length === 0) throw new UsageError('--pid needs at least one process ID');
  return [...new Set(out)];
}

/**
 * The candidate configuration files: the FILE arguments, else the files that exist on the system paths
 * under `root` (the host: ''), the same list lint and fix read with no FILE (systemd units and drop-ins,
 * OpenRC, rc.conf, supervisord, ...).
 */
export function auditCandidates(positionals: readonly string[], root = ''): { from: CandidateSource; files: string[] } {
  return positionals.length ? { from: 'arguments', files: [...positionals] } : { from: 'system-paths', files: systemConfigFiles(root) };
}

export async function runAudit(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out(AUDIT_HELP);
    return 0;
  }
  if (positionals.includes('-')) throw new UsageError('audit reads configuration files by path; "-" (standard input) is not supported');
  // The shared flags, validated as for lint; audit needs no file, so the path list is its own.
  const { format, failOnFlag, dialect, version, trusted, disabled, baseline: baselineFlag, sarifCategory, output } = parseLintFlags(
    values,
    positionals.length ? positionals : ['(none)'],
    RULES,
  );
  const pids = parsePids(values.pid);
  const allow = values.allow?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (allow) {
    try {
      parseCidrs(allow);
    } catch (e) {
      throw new UsageError(`--allow: ${(e as Error).message}`);
    }
  }
  if (values.ruleset !== undefined && values['no-firewall']) throw new UsageError('--ruleset and --no-firewall contradict each other');
  let firewall: Ruleset | 'live' | 'off' = values['no-firewall'] ? 'off' : 'live';
  if (values.ruleset !== undefined) {
    const read = readBinary(values.ruleset, true, MAX_RULESET_BYTES);
    if ('error' in read) {
      io.err(`mchard: ${read.error}\n`);
      return 2;
    }
    try {
      firewall = rulesetFromText(read.bytes.toString('utf8'), values.ruleset);
    } catch (e) {
      if (!(e instanceof RulesetError)) throw e;
      io.err(`mchard: ${values.ruleset}: ${e.message}\n`);
      return 2;
    }
  }
  const { from, files } = auditCandidates(positionals);

  const resolver = new OptionResolver(RULES, { config: values.config, version, trustedNetworks: trusted });
  let cfg: ProjectConfig | null;
  try {
    cfg = values.config ? resolver.projectConfig(values.config) : null;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`mchard: ${e.message}\n`);
    return 2;
  }
  const failOn: Severity = failOnFlag ?? cfg?.failOn ?? 'error';
  const { run: baseline, ok: baselineOk } = openBaseline(baselineFlag, io);
  if (!baselineOk) return 2;
  const severities = fileSeverities(cfg, disabled);

  const { audits, unaudited, candidates, errors } = await auditProcesses({
    rules: RULES,
    files,
    dialect,
    pids,
    probe: values.probe === true,
    firewall,
    allow,
    optionsFor: (path) => resolver.ruleOptions(path, cfg),
    severities,
    maxBytes: parseMaxFileSize(values['max-file-size']),
  });
  for (const e of errors) io.err(`mchard: ${e.message}\n`);
  if (unaudited.length) {
    const n = unaudited.length;
    const least = Math.min(...unaudited.map((u) => u.bytes));
    const users = [...new Set(unaudited.map((u) => (u.uid === null ? 'unknown' : `${u.user === null ? '' : `${visible(u.user)} `}(uid ${u.uid})`)))].join(', ');
    io.err(
      `mchard: ${n} process${n === 1 ? '' : 'es'} named memcached not audited (pid${n === 1 ? '' : 's'} ${unaudited.map((u) => u.pid).join(', ')}; user ${users}): ` +
        `${n === 1 ? 'its command line is' : 'each command line is'} ${least} bytes or more, and this audit already linted the most it lints of command lines over ${LONG_ARGV_BYTES} bytes of processes not running as root (${LONG_ARGV_BUDGET} bytes); mchard audit --pid PID audits one\n`,
    );
  }
  // Another user's process, audited by a user who is not root: its sockets are not readable, so what it
  // listens on (and who can reach it) was not checked. Said, and the audit is not a clean one (exit 2).
  // Processes audit cannot see at all: said before any "no running memcached process found".
  const visibility = processVisibility();
  if (visibility.hidden) io.err(`mchard: ${visible(visibility.hidden)}: their memcached processes were not audited; run mchard audit as root\n`);
  const blind = audits.filter((a) => a.heldUnreadable !== null);
  const denied = blind.filter((a) => a.heldUnreadable!.endsWith(': permission denied'));
  if (denied.length) {
    const one = denied.length === 1;
    io.err(
      `mchard: the sockets of ${one ? 'process' : 'processes'} ${denied.map((a) => a.process.pid).join(', ')} could not be read (permission denied): what ${one ? 'it listens' : 'they listen'} on, and who can reach ${one ? 'it' : 'them'}, was not checked; run mchard audit as root\n`,
    );
  }
  // Read, but not to be told (a forged record of the unix socket table): running as root changes nothing.
  for (const a of blind) {
    if (!denied.includes(a)) io.err(`mchard: the sockets of process ${a.process.pid} cannot be told (${visible(a.heldUnreadable!)}): what it listens on, and who can reach it, was not checked\n`);
  }
  if (pids) {
    // A process whose audit failed (its one line above, such as a command line too long) is not missing.
    const failed = new Set([...errors.map((e) => /^\/proc\/(\d+)\/cmdline$/.exec(e.path)?.[1]).filter((n) => n !== undefined).map(Number), ...unaudited.map((u) => u.pid)]);
    const missing = pids.filter((p) => !audits.some((a) => a.process.pid === p) && !failed.has(p));
    if (missing.length) {
      io.err(`mchard: --pid ${missing.join(',')}: no running memcached process with ${missing.length === 1 ? 'that ID' : 'those IDs'}\n`);
      return 2;
    }
  }

  const sink = openReportSink(io, output);
  if (!sink) return 2;
  const identify = needsIdentity(format) || baseline !== null;
  let failing = false;
  const reports: FileReport[] = audits.map((a) => {
    // The subjects as for a file: the options as memcached's getopt reads the process's arguments.
    const all = identify ? withSubjects({ config: a.config, model: { parsed: getopt(a.config.argv, resolver.ruleOptions(a.path, cfg).version) }, findings: a.findings }) : a.findings;
    const key = processKey({ unit: a.process.unit, matchedFile: a.match?.expectation.path ?? null, command: [a.process.argv0, ...a.process.words].join(' ') });
    const kept = baseline ? baseline.filter(key, all) : all;
    if (kept.some((f) => RANK[f.severity] >= RANK[failOn])) failing = true;
    const listed = listedFindings(kept, values);
    sayOmitted(format, a.path, listed.omitted, (t) => io.err(t));
    return { path: a.path, dialect: 'argv', ...listed };
  });
  const outcome = baseline && baselineFlag ? finishBaseline(baseline, baselineFlag, format, io) : null;
  const color = output === null && useColor({ color: values.color, noColor: values['no-color'] }, io.stdoutStream);
  const input = { files: reports, rules: RULES as Rule[], color, toolVersion: VERSION, sarifCategory, baseline: outcome };
  const out = (t: string) => sink.write(t);
  if (format === 'json') {
    const doc = JSON.parse(formatReport('json', input)) as { files: Record<string, unknown>[] };
    doc.files.forEach((f, i) => (f.process = auditRecord(audits[i])));
    out(safeJson({ ...doc, candidates: candidatesRecord(from, candidates), visibility, unaudited }) + '\n');
  } else if (format === 'text') {
    // The tally counts processes, not files.
    const text = formatReport('text', input).replace(
      / in (\d+) files?(\)?(?:\x1b\[[0-9;]*m)*)\n$/,
      (_m, n: string, tail: string) => ` in ${n} process${n === '1' ? '' : 'es'}${tail}\n`,
    );
    const unseen = [visibility.hidden, visibility.pidNamespace].filter((x): x is string => x !== null);
    const none = unseen.length ? `no running memcached process found among those mchard can see (${unseen.map(visible).join('; ')})\n` : 'no running memcached process found\n';
    const notes = audits.length && visibility.pidNamespace ? `note: ${visible(visibility.pidNamespace)}\n` : '';
    out(candidatesText(from, candidates) + notes + (audits.length === 0 ? none : auditSummaryText(audits) + text));
  } else {
    out(formatReport(format, input));
  }
  if (!sink.commit() || (baseline && !outcome)) return 2;
  if (errors.length || unaudited.length || blind.length || visibility.hidden) return 2;
  return failing ? 1 : 0;
}
