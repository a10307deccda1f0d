/**
 * `mchard fix [FILE...]`: applies the rules' fixes to each file in its own dialect and, file by file,
 * shows the unified diff, asks (or not, with --yes), writes safely, and restarts and verifies the service
 * that reads the file (src/service/). The report at the end describes the files as they are on disk.
 *
 * Exit status, first that applies: 128 + the signal's number when interrupted (130 SIGINT or Ctrl-C at a
 * prompt, 143 SIGTERM, 129 SIGHUP); 3 when a restarted service did not run the fixed file (the original
 * was put back, or could not be: said loudly); 2 for unreadable files, files mchard refuses to read,
 * failed host checks and failed writes (usage errors too); 1 when changes were not written (answered
 * no, no terminal, --dry-run with changes, a format only its content told) or a finding remains that
 * mchard could fix or that reaches --fail-on; 0 otherwise.
 */
import { templateOf } from '../dialects/template.js';
import { containerVerdict } from '../dialects/container-reach.js';
import { swarmFixRefusal } from '../dialects/swarm-reach.js';
import { launchFailureText } from '../memcached/launch.js';
import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { managedNote } from '../fix/managed.js';
import { isIP } from 'node:net';
import { COMMON_OPTIONS, parseCommandArgs, parseMaxFileSize, UsageError } from './args.js';
import { BASELINE_OUTPUT_HELP, fileSeverities, listedFindings, parseLintFlags, RANK, sayOmitted, SHARED_LINT_OPTIONS } from './lint-flags.js';
import { changedSince, contentsOf, FIX_TARGETS_HELP, packagedDir, resolveTargets, TARGET_OPTIONS } from './targets.js';
import { DOC_LINKS_HELP, DOC_LINKS_OPTIONS, docLinksWanted } from './doc-links.js';
import { finishBaseline, openBaseline, openReportSink, type ReportSink } from './report-output.js';
import { BaselineRun, fileKey } from '../engine/baseline.js';
import type { LintResult } from '../engine/lint.js';
import { withSubjects, type ReportFinding } from '../report/fingerprint.js';
import { OptionResolver, RefusedError } from './files.js';
import { companionsOf, parseContextOf } from './companions.js';
import { parseErrorFinding } from './lint.js';
import { detectDialect, type DialectChoice } from '../dialects/detect.js';
import { loadDialect } from '../dialects/index.js';
import { ConfigError } from '../engine/config.js';
import { type Finding, type Rule, type Severity } from '../engine/types.js';
import { hostFileAccess, InputError, readConfigBytes } from '../input.js';
import { failureReason } from './per-file.js';
import { currentFile } from './io.js';
import { visible } from '../report/visible.js';
import { hiddenValues, redact } from '../report/redact.js';
import { isSystemPath, thisHost } from '../host.js';
import { planFix, type FixPlan } from '../fix/plan.js';
import { hostCheckProblems } from '../fix/host-checks.js';
import { hostAccess } from '../fix/host-access.js';
import { checkWritable, FileChangedError, FolderRefusedError, lockForWrite, safeWrite, WriteError, type HeldFile, type SafeWriteOptions } from '../fix/write.js';
import { Interrupts, type SignalSource } from '../fix/interrupt.js';
import type { Answer } from '../fix/confirm.js';
import { formatReport, needsIdentity } from '../report/index.js';
import { paint, useColor } from '../report/color.js';
import type { FileReport, FixFileOutcome, NotFixedKind } from '../report/types.js';
import { RULES } from '../../rules/index.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';
import type { Machine } from '../service/machine.js';
import type { AfterWriteOptions, RestartReport, ServiceFile } from '../service/after-write.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SHARED_LINT_OPTIONS,
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean', short: 'n' },
  listen: { type: 'string', multiple: true },
  user: { type: 'string' },
  port: { type: 'string' },
  'no-host-checks': { type: 'boolean' },
  'host-checks': { type: 'boolean' },
  'unsafe-fixes': { type: 'boolean' },
  'no-backup': { type: 'boolean' },
  'follow-symlinks': { type: 'boolean' },
  restart: { type: 'boolean' },
  'no-restart': { type: 'boolean' },
  start: { type: 'boolean' },
  service: { type: 'string' },
  hook: TARGET_OPTIONS.hook,
  verbose: TARGET_OPTIONS.verbose,
  ...DOC_LINKS_OPTIONS,
} as const;

export const FIX_HELP = `Usage: mchard fix [options] [FILE...]

Fixes what the rules can fix, in each file's own syntax, and leaves every other
line as it was. For each file: shows the diff, asks, writes, then restarts the
service that reads the file and verifies it. With no FILE, fixes the files on
this host's system paths that exist ("mchard help lint" lists them) but the
package's own units (/lib/systemd/system, /usr/lib/systemd/system). A FILE may
be a folder: the configuration files under it, found by their paths as
"mchard lint FOLDER" finds them.

Options:
  -y, --yes                         write without asking (and restart)
  -n, --dry-run                     show the diff, write nothing
  --listen ADDR[,ADDR...]           bind to these addresses (default 127.0.0.1)
  --user NAME                       run as NAME (default memcache on Debian,
                                    memcached on RHEL)
  --port N                          move TCP off the default port 11211 to N
                                    (an unsafe fix: needs --unsafe-fixes)
  --unsafe-fixes                    also apply the fixes that can change what the
                                    service does for its clients or whether it
                                    starts (mchard rules shows which are unsafe)
  --no-backup                       do not keep a backup (FILE.mchard-backup-TIME)
  --follow-symlinks                 write through a symbolic link that leads out
                                    of the folder named on the command line
  --no-host-checks                  skip the checks that the listen addresses and
                                    the user exist here (file for another machine),
                                    and read no host file a unit names
  --host-checks                     make those checks for a file outside /etc too
                                    (they also decide whether switching -u root
                                    to a service user is safe)
  --restart                         after writing a file this machine's service
                                    reads, restart the service without asking,
                                    verify it runs the new file, roll back if not
  --no-restart                      never restart (default: ask on a terminal;
                                    --yes restarts)
  --start                           start a service that is not running (default:
                                    it stays stopped; the file is only inspected)
  --service NAME                    the service that reads FILE: a systemd unit,
                                    an init script, memcached@NAME for Debian's
                                    /etc/memcached_NAME.conf (default: from FILE)
  --format text|json|sarif|github|gitlab
                                    format of the report of the files on disk
  --fail-on error|warning|info      lowest remaining severity that fails (default error)
  --config FILE                     use this .mchardrc
  --disable ID[,ID...]              turn rules off (repeatable)
  --dialect NAME                    the file's format (debian, sysconfig, systemd,
                                    openrc, rcconf, compose, dockerfile,
                                    supervisord, argv, kubernetes, helm);
                                    a file whose format is only known from its
                                    content is fixed only with --dialect; a file
                                    no format claims is not read (exit 2)
  --memcached-version X.Y.Z         memcached release whose behaviour applies
  --trusted-network CIDR            private network where listening is fine (repeatable)
  -q, --quiet                       report errors only (the exit status is the same)
${FIX_TARGETS_HELP}${DOC_LINKS_HELP}  --color[=WHEN], --no-color        colour: auto (the default: on a terminal, unless
                                    NO_COLOR is set or TERM=dumb), always, never
  --max-file-size SIZE              largest file read (default 1M; K, M, G suffixes)
${BASELINE_OUTPUT_HELP}
With --baseline, the report and the exit status leave out the findings FILE
records (fix still fixes them); --update-baseline records the files as they are
on disk after the run. --output takes only the final report: the diff, the
questions and the messages stay on the terminal.

Without --yes and without a terminal to ask on, nothing is written. Ctrl-C at a
question stops the whole command: nothing more is written. Unsafe fixes are
held back (and listed) unless --unsafe-fixes is given; switching -u root to a
service user is safe when the host checks show the user can run memcached.

After a restart mchard checks, within 15 s, that the service runs a new
memcached holding exactly the listeners the file asks for (no wildcard or UDP
it does not ask for) and that each answers "version". If not, it puts the
original file back, restarts the service with it and exits 3. A service that
was not running stays stopped (unless --start). A file already clean whose
running service differs from it gets the restart offered (made with --yes),
unless the file certainly fails (the restart would only stop memcached).

A signal (Ctrl-C, SIGTERM, SIGHUP) after a write first puts the original back
and restarts the service with it, then exits 128 + the signal's number (130,
143, 129); a second signal is reported, a third stops mchard at once and says
where the backup is.

--format json gives, for each file: changed, written, backup, fixed,
notFixed (with the reasons), restart (null, or service, outcome, reason) and
the findings of the file as it is on disk.

Exit status (the first that applies): 128+N interrupted by signal N; 3 the
restarted service did not run the fixed file (the original was put back, or
could not be: see the message); 2 usage, read, host-check or write errors,
or a file not read (its format unknown);
1 changes not written (answered no, no terminal, --dry-run with changes), or
a finding remains that mchard could fix or that reaches --fail-on (--dry-run:
after the fixes it would make); 0 otherwise.
`;

/** What tests can replace: the questions, the safe-write hook, the machine the service runs on, signals. */
export interface FixHooks {
  /** Answers a question; true and false stand for "yes" and "no". */
  confirm?: (message: string) => Promise<boolean | Answer>;
  beforeRename?: SafeWriteOptions['beforeRename'];
  /** Told each step of a write (tests: what another process does at that moment). */
  onStep?: SafeWriteOptions['onStep'];
  /** How long to wait for another mchard fixing the same file (default 60 s). */
  lockTimeoutMs?: number;
  service?: { machine?: Machine; verifyTimeoutMs?: number; commandTimeoutMs?: number };
  /** Where signals come from (default: the process), and how the process ends at once (default: process.exit). */
  signals?: SignalSource;
  exit?: (code: number) => void;
}

const VERIFY_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 90_000;

interface FileState {
  path: string;
  bytes: Buffer;
  plan: FixPlan;
  detection: DialectChoice;
  /** The format was decided from the content alone, without --dialect: linted, never written. */
  guessed: boolean;
  failOn: Severity;
  /** The fixed text is on disk (written by this run, not put back since). */
  written: boolean;
  backup: string | null;
  /** Why the changes are not on disk (null: written, or nothing to change). */
  notWritten: { kind: NotFixedKind; reason: string } | null;
  restart: RestartReport | null;
  /** Reached through a symbolic link out of the tree named on the command line (--follow-symlinks): that tree. */
  outsideTree: string | null;
  /** Its folder takes no new file (read-only, full): nothing can be written, so nothing is asked. */
  cannotWrite: FolderRefusedError | null;
  /** The package's folder of units that holds it (packagedDir): linted and its changes shown, never written. */
  packaged: string | null;
  /** The diff to show, made with the plan (so a failure there is the file's own error), or null. */
  diff: string | null;
}

function parseListen(values: string[] | undefined): string[] | undefined {
  if (!values?.length) return undefined;
  const out: string[] = [];
  for (const item of values.flatMap((v) => v.split(','))) {
    const a = item.trim();
    if (!a) continue;
    if (isIP(a.replace(/%[A-Za-z0-9_.-]+$/, '')) === 0) throw new UsageError(`--listen: "${a}" is not an IP address`);
    if (a === '0.0.0.0' || /^(::|0*:(0*:)*0*)$/.test(a)) throw new UsageError(`--listen: ${a} listens on every interface; give the addresses memcached should use`);
    if (!/^[A-Za-z0-9_.:%-]+$/.test(a)) throw new UsageError(`--listen: "${a}" cannot be written into a configuration file safely`);
    out.push(a);
  }
  if (out.length === 0) throw new UsageError('--listen needs at least one address');
  return [...new Set(out)];
}

function parseUser(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value)) throw new UsageError(`--user: "${value}" is not a valid user name`);
  if (value === 'root') throw new UsageError('--user root would keep memcached running as root');
  return value;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--port must be a number (got "${value}")`);
  const n = Number(value);
  if (n < 1024 || n > 65535) throw new UsageError(`--port must be between 1024 and 65535: memcached binds after dropping root (got ${value})`);
  return n;
}

/** Whether this machine's service reads the file: it is under /etc (as given, or once links are followed). */
function servicePath(path: string): boolean {
  if (isSystemPath(resolve(path))) return true;
  try {
    return isSystemPath(realpathSync(path));
  } catch {
    return false;
  }
}

/** The findings of the file as it is on disk now. */
function onDisk(s: FileState): Finding[] {
  return s.written ? s.plan.after.findings : s.plan.before.findings;
}

/** "4 errors, 1 warning remain": the findings of a file by severity; `would` for what a dry run leaves. */
function tally(findings: readonly Finding[], would = false): string {
  const n = { error: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity]++;
  const parts = (['error', 'warning', 'info'] as const).filter((k) => n[k] > 0).map((k) => `${n[k]} ${k}${n[k] === 1 ? '' : 's'}`);
  const verb = would ? 'would remain' : findings.length === 1 ? 'remains' : 'remain';
  return `${parts.length ? parts.join(', ') : 'no findings'} ${verb}`;
}

/**
 * For a Compose file that docker stack deploy deploys (or may): memcached published on the swarm's nodes,
 * which no edit of mchard's closes (swarm-reach.ts says why and what would), one line per instance.
 */
function swarmRefusals(s: FileState): string[] {
  const after = s.plan.after;
  const parts = after.parts ?? [after];
  return parts.flatMap((p) => {
    const line = swarmFixRefusal(containerVerdict(p.config, p.exposure.listeners.map((l) => l.listener)), parts.length > 1 ? (p.config.partName ?? null) : null);
    return line ? [line] : [];
  });
}

/**
 * Why no fix is proposed for a file with which the service fails before memcached runs (MC914), or may
 * (MC910, a template): memcached never reads its options, so no option rule ran. Null for other files.
 */
function launchBlocks(s: FileState): string | null {
  const f = s.plan.before.config.launchFailure;
  // A file its service cannot read at all is MC001's (its own message says why nothing is fixed).
  if (!f || s.plan.before.config.notes.some((n) => n.kind === 'parse-error')) return null;
  const at = f.span ? ` (line ${s.plan.before.config.source.position(f.span.start).line})` : '';
  if (f.unknown) {
    const reason = templateOf(s.plan.before.config)?.unmask(f.reason) ?? f.reason;
    return `the template decides whether the service fails before memcached runs (${f.unknown.reason}: ${reason}); the options are checked and fixed in the rendered file`;
  }
  return `${launchFailureText(f)}; correct the file where it fails${at} first: memcached's options were not checked, so nothing is fixed`;
}

/** The JSON `fix` record of a file. */
function outcomeOf(s: FileState): FixFileOutcome {
  const entry = (a: { ruleId: string; slug: string; description: string }) => ({ ruleId: a.ruleId, slug: a.slug, description: a.description });
  const notFixed: FixFileOutcome['notFixed'] = [
    ...s.plan.failed.map((f) => ({ ...entry(f), kind: 'refused' as const, reason: f.reason })),
    ...s.plan.heldBack.map((f) => ({ ...entry(f), kind: 'unsafe' as const, reason: f.reason })),
  ];
  const launch = launchBlocks(s);
  if (launch) {
    const rule = s.plan.before.config.launchFailure?.unknown ? 'MC910' : 'MC914';
    const r = RULES.find((x) => x.id === rule)!;
    notFixed.push({ ruleId: r.id, slug: r.slug, description: r.summary, kind: 'refused', reason: launch });
  }
  if (!s.written && s.plan.changed) {
    const why = s.notWritten ?? { kind: 'not-written' as const, reason: 'not written' };
    for (const a of s.plan.applied) notFixed.push({ ...entry(a), kind: why.kind, reason: why.reason });
  }
  return {
    changed: s.plan.changed,
    written: s.written,
    backup: s.backup,
    fixed: s.written ? s.plan.applied.map(entry) : [],
    notFixed,
    restart: s.restart ? { service: s.restart.service, outcome: s.restart.outcome, reason: s.restart.reason } : null,
  };
}

export async function runFix(argv: string[], io: Io, hooks: FixHooks = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out(FIX_HELP);
    return 0;
  }
  const { format, failOnFlag, dialect, version, trusted, disabled, paths: named, baseline, sarifCategory, output } = parseLintFlags(values, positionals, RULES);
  const paths = resolveTargets(positionals, named, { ...values, dialect }, io, 'fix');
  // As a pre-commit hook: never restart anything, never judge the file against this host.
  if (values.hook) Object.assign(values, { 'no-restart': true, 'no-host-checks': true });
  if (values.restart && values['no-restart']) throw new UsageError('--restart and --no-restart contradict each other');
  if (values['host-checks'] && values['no-host-checks']) throw new UsageError('--host-checks and --no-host-checks contradict each other');
  if (values.start && values['no-restart']) throw new UsageError('--start and --no-restart contradict each other');
  if (values.yes && values['dry-run']) throw new UsageError('--yes and --dry-run contradict each other');
  const fixListen = parseListen(values.listen);
  const fixUser = parseUser(values.user);
  const fixPort = parsePort(values.port);
  const maxBytes = parseMaxFileSize(values['max-file-size']);
  if (paths.includes('-')) throw new UsageError('fix writes files in place; it cannot fix standard input (use mchard lint for that)');
  if (values.service !== undefined) {
    const problem = (await import('../service/target.js')).serviceNameProblem(values.service);
    if (problem) throw new UsageError(problem);
    if (paths.length !== 1) throw new UsageError('--service names the service of one file; give exactly one FILE');
    if (values['no-restart']) throw new UsageError('--service and --no-restart contradict each other');
  }

  // Signals are caught for the whole run: mchard decides when it may stop (src/fix/interrupt.ts).
  const interrupts = new Interrupts({ source: hooks.signals, say: io.err, exit: hooks.exit ?? ((code) => process.exit(code)) }).install();
  // The files this run may write stay locked until it is done with them (restart and rollback included).
  const held: HeldFile[] = [];
  try {
    const before = values.hook ? contentsOf(paths) : null;
    const status = await fixFiles({ values, paths, format, failOnFlag, dialect, version, trusted, disabled, fixListen, fixUser, fixPort, maxBytes, baseline, sarifCategory, output }, io, hooks, interrupts, held);
    // As a hook: a file this run changed fails the commit (review and stage it), as Ruff's fixing hook does.
    return before && status === 0 && changedSince(before) ? 1 : status;
  } finally {
    for (const h of held) h.release();
    interrupts.uninstall();
  }
}

type Parsed = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

interface FixRun extends Omit<ReturnType<typeof parseLintFlags>, 'paths'> {
  values: Parsed;
  paths: string[];
  fixListen?: string[];
  fixUser?: string;
  fixPort?: number;
  maxBytes: number;
}

/** Where the final report goes and the run's baseline (report() applies it to what is reported). */
interface ReportTarget {
  sink: ReportSink;
  baseline: BaselineRun | null;
  /** The findings reported for each file, after the baseline (exit status). */
  kept: Map<FileState, ReportFinding[]>;
  /** Exit status 2: the baseline could not be written. */
  failed: boolean;
}

async function fixFiles(run: FixRun, io: Io, hooks: FixHooks, interrupts: Interrupts, held: HeldFile[]): Promise<number> {
  // The baseline and the output file are checked before anything is written.
  const { run: baseline, ok } = openBaseline(run.baseline, io);
  if (!ok) return 2;
  const sink = openReportSink(io, run.output);
  if (!sink) return 2;
  const target: ReportTarget = { sink, baseline, kept: new Map(), failed: false };
  try {
    const status = await fixEachFile(run, io, hooks, interrupts, held, target);
    if (!sink.commit() || target.failed) return status === 0 || status === 1 ? 2 : status;
    return status;
  } finally {
    sink.abort();
  }
}

async function fixEachFile(run: FixRun, io: Io, hooks: FixHooks, interrupts: Interrupts, held: HeldFile[], target: ReportTarget): Promise<number> {
  const { values, paths, format, failOnFlag, dialect, version, trusted, disabled } = run;
  // Host checks: for a file this machine's service reads (or --host-checks), never with --no-host-checks.
  const hostChecksApply = (path: string) =>
    !values['no-host-checks'] && (values['host-checks'] === true || values.restart === true || values.service !== undefined || servicePath(path));
  const color = run.output === null && useColor({ color: values.color, noColor: values['no-color'] }, io.stdoutStream);
  const c = paint(color);
  // Machine-readable formats keep stdout for the report; the diff, messages and questions go to stderr.
  const say = format === 'text' ? io.out : io.err;
  const resolver = new OptionResolver(RULES, { config: values.config, version, trustedNetworks: trusted });
  let status = 0;
  const states: FileState[] = [];
  /** The report, in the order of the files given: unreadable files keep their place. */
  const reports: (FileState | FileReport)[] = [];
  const followSymlinks = values['follow-symlinks'] === true;
  /** The files read so far (where each path leads, after links), under the name first given. */
  const firstNameOf = new Map<string, string>();
  const mayWrite = !values['dry-run'] && (values.yes === true || io.stdinIsTTY || hooks.confirm !== undefined);

  for (const path of paths) {
    let cfg;
    try {
      cfg = resolver.projectConfig(path);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      io.err(`mchard: ${e.message}\n`);
      return 2;
    }
    // A link out of the tree named on the command line is refused before anything is read; a run that may
    // write takes the file's lock first, so what it reads is what it replaces (src/fix/write.ts).
    // Anything that goes wrong inside one file (a bug included) is that file's one-line error.
    currentFile.path = path;
    let outsideTree: string | null = null;
    let target: string;
    let cannotWrite: FolderRefusedError | null = null;
    let packaged: string | null = null;
    let file;
    let plan: FixPlan;
    let diff: string | null;
    let detection: DialectChoice;
    try {
      // Once a signal came nothing more is written: the files left are read (for the report), not locked.
      if (mayWrite && !interrupts.stopped) {
        try {
          const h = await lockForWrite(path, {
            followSymlinks,
            lockTimeoutMs: hooks.lockTimeoutMs,
            onWait: (m) => io.err(`mchard: ${visible(path)}: ${visible(m)}\n`),
            cancelled: () => (interrupts.stopped ? `interrupted (${interrupts.signal})` : null),
          });
          held.push(h);
          ({ target, outsideTree } = h);
        } catch (e) {
          // A folder that takes no new file (read-only, full): the file is still read and its findings and
          // changes shown; it is not written (below), and the run says why.
          if (!(e instanceof FolderRefusedError)) throw e;
          cannotWrite = e;
          ({ target, outsideTree } = checkWritable(path, { followSymlinks }));
        }
      } else {
        ({ target, outsideTree } = checkWritable(path, { followSymlinks }));
      }
      // One file under two names (given twice, `./f` and `f`, a link beside it): fixed once, under the
      // first. Fixed twice, the second would be planned from the bytes the first replaced, and its
      // report would describe a file no longer on disk.
      const first = firstNameOf.get(target);
      if (first !== undefined) {
        io.err(`mchard: ${visible(path)}: the same file as ${visible(first)}: fixed once, under that name\n`);
        continue;
      }
      firstNameOf.set(target, path);
      packaged = packagedDir(target);
      file = readConfigBytes(path, { maxBytes: run.maxBytes });
      const severities = fileSeverities(cfg, disabled);
      const detected = detectDialect(path, file.source.text, dialect, companionsOf(path, file.source.text));
      // Never written, never guessed at: a refusal in the report, status 2.
      if (detected.refused) throw new RefusedError(detected);
      detection = detected;
      await loadDialect(detection.dialect);
      plan = planFix(file.source, detection.dialect, {
        rules: RULES,
        options: resolver.ruleOptions(path, cfg, { fixUser: run.fixUser, fixListen: run.fixListen, fixPort: run.fixPort }),
        severities,
        hostFiles: hostFileAccess(path, values['no-host-checks'] ? false : values['host-checks'] ? true : undefined, paths),
        unsafeFixes: values['unsafe-fixes'] === true || cfg?.unsafeFixes === true,
        extendSafeFixes: cfg?.extendSafeFixes,
        extendUnsafeFixes: cfg?.extendUnsafeFixes,
        ...(hostChecksApply(path) ? { fixHost: hostAccess(), thisHost: thisHost() } : { fixHost: null }),
        ...parseContextOf(path, detection.dialect),
      });
      diff = plan.changed ? (await import('../fix/diff.js')).unifiedDiff(path, plan.original, plan.text, color, plan.origin) : null;
      // Too many fixes to plan (a hostile file): linted and reported, not fixed; one line says why.
      if (plan.notPlanned) {
        io.err(`mchard: ${visible(path)}: not fixed: ${plan.notPlanned}; mchard lint lists them\n`);
        status = 2;
      }
    } catch (e) {
      if (e instanceof RefusedError) {
        io.err(`mchard: ${visible(e.message)}; not fixed\n`);
        reports.push({ path, dialect: null, findings: [], detection: e.refusal });
      } else if (e instanceof WriteError || e instanceof InputError) {
        io.err(`mchard: ${visible(e.message)}; not fixed\n`);
        reports.push({ path, dialect: dialect ?? null, findings: [parseErrorFinding(e.reason)], notRead: { kind: 'unreadable', reason: e.reason } });
      } else {
        const { reason } = failureReason(e);
        io.err(`mchard: ${visible(path)}: ${reason}; not fixed\n`);
        if (process.env.MCHARD_DEBUG) io.err(`${(e as Error)?.stack}\n`);
        reports.push({ path, dialect: dialect ?? null, findings: [parseErrorFinding(reason, true)], notRead: { kind: 'failed', reason } });
      }
      status = 2;
      continue;
    }
    const guessed = detection.reason === 'content';
    const s: FileState = { path, bytes: file.bytes, plan, detection, guessed, failOn: failOnFlag ?? cfg?.failOn ?? 'error', written: false, backup: null, notWritten: null, restart: null, outsideTree, diff, cannotWrite, packaged };
    states.push(s);
    reports.push(s);
  }
  // A format decided from the content alone is linted, not edited: a wrong guess would corrupt the file.
  const changed = states.filter((s) => s.plan.changed && !s.guessed);
  /** A file's diff and what its fixes do: shown right before its question. Text from the file is escaped. */
  const showChanges = (s: FileState) => {
    if (s.diff !== null) {
      say(s.diff);
      for (const a of s.plan.applied) say(`  ${c.green('fixed')}  ${a.ruleId}  ${visible(a.description)}\n`);
      // A file a configuration management tool writes: its next run puts the old text back.
      const managed = managedNote(resolve(s.path), s.plan.original);
      if (managed) say(`  ${c.yellow('note')}  ${visible(s.path)} ${managed}\n`);
    }
    const hidden = hiddenValues(s.plan.before.config.argv);
    for (const f of s.plan.failed) say(`  ${c.yellow('not fixed')}  ${f.ruleId}  ${visible(f.description)}: ${visible(redact(f.reason, hidden))}\n`);
    for (const h of s.plan.heldBack) say(`  ${c.yellow('not fixed')}  ${h.ruleId}  ${visible(h.description)}: unsafe, ${visible(h.reason)} (run with --unsafe-fixes)\n`);
  };
  const notWritten = (s: FileState, kind: NotFixedKind, reason: string, shown = reason) => {
    s.notWritten = { kind, reason };
    say(`not written: ${visible(s.path)} (${visible(shown)}): ${tally(onDisk(s))}\n`);
  };

  // Host checks: what a file this machine's service reads newly asks for must exist here. One failure
  // and nothing is written.
  {
    const problems: string[] = [];
    for (const s of changed) {
      if (!hostChecksApply(s.path)) continue;
      for (const p of hostCheckProblems(s.plan.before.model, s.plan.after.model)) problems.push(`${visible(s.path)}: ${visible(p)}`);
    }
    if (problems.length) {
      for (const s of states) showChanges(s);
      for (const p of problems) io.err(`mchard: ${p}\n`);
      io.err('mchard: nothing was written; fix the host, choose other values (--listen, --user), or use --no-host-checks for a file meant for another machine\n');
      for (const s of changed) s.notWritten = { kind: 'not-written', reason: 'host checks failed' };
      report(reports, run, io, color, target);
      return 2;
    }
  }

  // A file with which the service fails before memcached runs: no option rule judged it, so no fix is
  // proposed; say why rather than "nothing to fix".
  for (const s of states) {
    const why = launchBlocks(s);
    if (why) say(`  ${c.yellow('not fixed')}  ${visible(s.path)}: ${visible(redact(why, hiddenValues(s.plan.before.config.argv)))}\n`);
    for (const line of swarmRefusals(s)) say(`  ${c.yellow('not fixed')}  ${visible(s.path)}: ${visible(line)}\n`);
  }
  const settled = states.filter((s) => !s.plan.changed && !s.plan.notPlanned && !launchBlocks(s) && swarmRefusals(s).length === 0);
  // "Nothing to fix" only where no fix is left undone: a fix the editor refused or that was held back as
  // unsafe is still to do; such a file gets its own line, right above its "not fixed" lines (below).
  const undone = (s: FileState) => s.plan.failed.length + s.plan.heldBack.length > 0;
  const clean = settled.filter((s) => !undone(s));
  /** The unchanged files whose "not fixed" lines get a line of their own naming the file. */
  const namedUndone = new Set(settled.filter(undone));
  if (changed.length === 0 && clean.length > 0) say(c.green(`nothing to fix in ${clean.map((s) => visible(s.path)).join(', ')}\n`));
  const mayAsk = values.yes || io.stdinIsTTY || hooks.confirm !== undefined;
  const ask = async (message: string): Promise<Answer> => {
    if (hooks.confirm) {
      const a = await hooks.confirm(message);
      if (a === 'interrupted' && !interrupts.stopped) interrupts.record('SIGINT');
      return a === true ? 'yes' : a === false ? 'no' : a;
    }
    const { confirm } = await import('../fix/confirm.js');
    return confirm(message, { color, interrupts, ...(format === 'text' ? {} : { stdout: process.stderr }) });
  };
  const service = await serviceOptions(run, io, hooks, interrupts, say, color, format === 'text' && io.stdoutStream.isTTY === true, io.stdinIsTTY || hooks.confirm !== undefined ? ask : null);

  // File by file: the diff, the question, the write, the service.
  for (const s of states) {
    currentFile.path = s.path;
    if (interrupts.stopped) {
      if (s.plan.changed) s.notWritten = { kind: 'not-written', reason: `interrupted (${interrupts.signal})` };
      continue;
    }
    if (s.guessed && s.plan.changed) {
      const d = s.detection;
      s.notWritten = { kind: 'not-written', reason: `the format was guessed from the content; pass --dialect ${d.dialect}` };
      say(`  ${c.yellow('not fixed')}  ${visible(s.path)}: the format was guessed from the content (${visible(d.because)}); pass --dialect ${d.dialect} if ${d.readBy} reads it\n`);
      continue;
    }
    if (s.packaged && s.plan.changed) {
      // Written, the change would last until the package's next upgrade, and change nothing while a unit of
      // the same name in /etc/systemd/system, or a drop-in's ExecStart=, overrides this one.
      const name = basename(s.path);
      showChanges(s);
      say(
        `  ${c.yellow('not fixed')}  ${visible(s.path)} is a unit file of the package, in ${s.packaged}/: its next upgrade puts it back, and a unit of the same name in /etc/systemd/system or a drop-in overrides it; copy it to /etc/systemd/system/${visible(name)} (or write a drop-in in /etc/systemd/system/${visible(name)}.d/) and fix that\n`,
      );
      notWritten(s, 'not-written', `a unit file of the package, in ${s.packaged}`);
      continue;
    }
    if (s.plan.notPlanned) continue;
    // Named, so that its "not fixed" lines are not read as another file's.
    if (namedUndone.has(s)) say(`no change to ${visible(s.path)}: these fixes were not made:\n`);
    showChanges(s);
    if (!s.plan.changed) {
      if (service && (await restartMayFollow(s, run, say))) {
        const { afterUnchanged } = await import('../service/after-write.js');
        s.restart = await afterUnchanged(serviceFile(s), service, values['dry-run'] === true);
      }
      continue;
    }
    if (values['dry-run']) {
      notWritten(s, 'not-written', 'dry run');
      say(`  after the fixes: ${tally(s.plan.after.findings, true)}\n`);
      continue;
    }
    if (!mayAsk) {
      notWritten(s, 'not-written', 'no terminal to confirm; use --yes');
      continue;
    }
    if (s.cannotWrite) {
      io.err(`mchard: ${visible(s.cannotWrite.message)}; not fixed\n`);
      status = 2;
      notWritten(s, 'not-written', `cannot write: ${s.cannotWrite.reason}`, s.cannotWrite.short);
      continue;
    }
    if (!values.yes) {
      const answer = await ask(`Write these changes to ${s.path}?`);
      if (answer === 'interrupted') {
        notWritten(s, 'not-written', `interrupted (${interrupts.signal ?? 'SIGINT'})`);
        continue;
      }
      if (answer === 'no') {
        notWritten(s, 'not-written', 'answered no');
        continue;
      }
    }
    try {
      const r = await safeWrite(s.path, s.bytes, s.plan.text, { backup: !values['no-backup'], beforeRename: hooks.beforeRename, onStep: hooks.onStep, followSymlinks });
      s.written = true;
      s.backup = r.backup;
      const where = r.target !== resolve(s.path) ? ` (through the link to ${visible(r.target)})` : '';
      say(`${c.green('wrote')} ${visible(s.path)}${where}${r.backup ? `; backup in ${visible(r.backup)}` : ''}\n`);
      if (r.changedAfter) {
        // The file's owner wrote into it as it took the original's place: on disk is neither the original nor
        // mchard's fix, so the fix is not reported as in the file and nothing is restarted on it.
        io.err(
          `mchard: ${visible(s.path)}: another process changed the file as mchard put it in place (${visible(r.changedAfter)}): what is on disk is not mchard's fix; not restarted, check the file${r.backup ? ` (the original is in ${visible(r.backup)})` : ''}\n`,
        );
        status = 2;
        s.written = false;
        s.notWritten = { kind: 'not-written', reason: `another process changed the file as it was put in place (${r.changedAfter})` };
        continue;
      }
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      io.err(`mchard: ${visible(e.message)}\n`);
      status = 2;
      if (e instanceof FileChangedError) {
        // What remains is not known: the findings are of the text mchard read, and the file now holds another.
        s.notWritten = { kind: 'not-written', reason: `write failed: ${e.reason}` };
        say(`not written: ${visible(s.path)} (it changed since mchard read it): the report's findings are of the text mchard read (${tally(onDisk(s)).replace(/ remains?$/, '')}), not of the file on disk now; run mchard fix again\n`);
        continue;
      }
      notWritten(s, 'not-written', `write failed: ${e.reason}`, 'the write failed');
      continue;
    }
    // The service that reads the file: restart it, prove the new file is live, or roll back.
    if (service && (await restartMayFollow(s, run, say))) {
      const { afterWrite } = await import('../service/after-write.js');
      s.restart = await afterWrite(serviceFile(s), service);
      if (s.restart?.restored) {
        s.written = false;
        s.notWritten = { kind: 'rolled-back', reason: s.restart.reason };
      }
    }
  }
  if (values['dry-run'] && changed.length) say('dry run: nothing was written\n');
  if (interrupts.stopped) {
    const kept = states.filter((s) => s.written).map((s) => visible(s.path));
    const rest = kept.length ? `${kept.join(', ')} ${kept.length === 1 ? 'holds' : 'hold'} the fixes; every other file is as it was` : 'every file is as it was';
    io.err(`mchard: stopped by ${interrupts.signal} (exit status ${interrupts.exitCode}): ${rest}\n`);
  }

  report(reports, run, io, color, target);

  if (interrupts.stopped) return interrupts.exitCode;
  if (states.some((s) => s.restart && ['rolled-back', 'rollback-failed', 'failed'].includes(s.restart.outcome))) return 3;
  if (status === 2) return 2;
  const failing = (s: FileState, findings: readonly Finding[]) => findings.some((f) => f.fix !== null || RANK[f.severity] >= RANK[s.failOn]);
  if (values['dry-run']) {
    // What would change, or what would remain after the fixes (what the baseline records left out).
    const restartWanted = states.some((s) => s.restart?.outcome === 'not-restarted' && s.restart.reason.startsWith('dry run'));
    // A file whose dialect was guessed from its content is linted, never written: what remains is the original's.
    const remains = (s: FileState) => (s.guessed ? s.plan.before : s.plan.after);
    const after = (s: FileState) => (target.baseline ? target.baseline.match(fileKey(target.baseline.baseline, s.path), identified(remains(s), true)) : remains(s).findings);
    return changed.length || restartWanted || states.some((s) => failing(s, after(s))) ? 1 : 0;
  }
  if (states.some((s) => s.notWritten)) return 1;
  return states.some((s) => failing(s, target.kept.get(s) ?? onDisk(s))) ? 1 : 0;
}

/** A lint's findings, with their subjects when `identify`. */
function identified(result: LintResult, identify: boolean): ReportFinding[] {
  return identify ? withSubjects(result) : result.findings;
}

/**
 * The report of the files as they are on disk: findings (without those the baseline records; only errors
 * with -q), and for JSON what fix did. Written to standard output or --output.
 */
function report(reports: readonly (FileState | FileReport)[], run: FixRun, io: Io, color: boolean, target: ReportTarget): void {
  const identify = needsIdentity(run.format) || target.baseline !== null;
  const files: FileReport[] = reports.map((r) => {
    if (!('plan' in r)) {
      return run.format === 'json' ? { ...r, fix: { changed: false, written: false, backup: null, fixed: [], notFixed: [], restart: null } } : r;
    }
    const disk = identified(r.written ? r.plan.after : r.plan.before, identify);
    const now = target.baseline ? target.baseline.filter(fileKey(target.baseline.baseline, r.path), disk) : disk;
    target.kept.set(r, now);
    // -q hides findings, never changes the exit status (decided from every finding).
    const listed = listedFindings(now, run.values);
    sayOmitted(run.format, r.path, listed.omitted, (t) => io.err(t));
    return { path: r.path, dialect: r.plan.dialect, ...listed, detection: r.detection, readBy: r.plan.before.config.readBy, ...(run.format === 'json' ? { fix: outcomeOf(r) } : {}) };
  });
  const outcome = target.baseline && run.baseline ? finishBaseline(target.baseline, run.baseline, run.format, io) : null;
  if (target.baseline && !outcome) target.failed = true;
  target.sink.write(formatReport(run.format, { files, rules: RULES as Rule[], color, toolVersion: VERSION, sarifCategory: run.sarifCategory, baseline: outcome, docLinks: docLinksWanted(run.values, run.paths, RULES) }));
}

/**
 * A file reached through a symbolic link out of the tree named on the command line (--follow-symlinks)
 * never has a service restarted because of where the link leads: only the name as given (or --service)
 * makes it a service's file.
 */
async function restartMayFollow(s: FileState, run: FixRun, say: (t: string) => void): Promise<boolean> {
  if (!s.outsideTree || run.values.service !== undefined) return true;
  const { serviceFileKind, serviceFileKindAsGiven } = await import('../service/target.js');
  if (serviceFileKindAsGiven(s.path)) return true;
  if (serviceFileKind(s.path)) {
    const reason = `${s.path} was reached through a symbolic link out of ${s.outsideTree}; mchard restarts no service for a file reached that way`;
    say(`not restarted: ${visible(reason)}\n`);
    s.restart = { service: null, outcome: 'not-restarted', reason, restored: false };
  }
  return false;
}

function serviceFile(s: FileState): ServiceFile {
  return {
    path: s.path,
    dialect: s.plan.dialect,
    written: Buffer.from(s.written ? s.plan.text : s.plan.original, 'utf8'),
    original: s.bytes,
    backup: s.backup,
    before: s.plan.before.model,
    after: s.written ? s.plan.after.model : s.plan.before.model,
    exact: s.plan.before.config.argvExact,
  };
}

/** How the service that reads a file is handled, or null when no file could involve one. */
async function serviceOptions(
  run: FixRun,
  io: Io,
  hooks: FixHooks,
  interrupts: Interrupts,
  say: (t: string) => void,
  color: boolean,
  tty: boolean,
  ask: ((message: string) => Promise<Answer>) | null,
): Promise<AfterWriteOptions | null> {
  const { values, paths } = run;
  // Only a file under /etc (or --service/--restart) can have a service: nothing else loads the service code.
  if (values.service === undefined && !values.restart && !paths.some(servicePath)) return null;
  const { Progress } = await import('../service/progress.js');
  const { realMachine } = await import('../service/machine.js');
  return {
    decision: values['no-restart'] ? 'never' : values.restart || values.yes ? 'restart' : 'ask',
    explicit: values.restart === true || values.service !== undefined,
    service: values.service,
    start: values.start === true,
    ask,
    say,
    err: io.err,
    progress: new Progress({ write: say, tty, color }),
    machine: hooks.service?.machine ?? realMachine(),
    verifyTimeoutMs: hooks.service?.verifyTimeoutMs ?? VERIFY_TIMEOUT_MS,
    commandTimeoutMs: hooks.service?.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
    interrupts,
  };
}
