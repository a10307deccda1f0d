/**
 * `mchard lint [FILE...]`: runs the rules over each file and reports in the chosen format. Exit status:
 * 0 when nothing reaches --fail-on, 1 when something does, 2 for usage errors, unreadable files and
 * internal errors (the other files are still linted).
 */
import { COMMON_OPTIONS, parseCommandArgs, parseMaxFileSize, UsageError } from './args.js';
import { BASELINE_OUTPUT_HELP, listedFindings, parseLintFlags, RANK, sayOmitted, severitiesForRun, SHARED_LINT_OPTIONS } from './lint-flags.js';
import { resolveTargets, SYSTEM_PATHS_HELP, TARGET_OPTIONS, TARGETS_HELP } from './targets.js';
import { DOC_LINKS_HELP, DOC_LINKS_OPTIONS, docLinksFrom } from './doc-links.js';
import { finishBaseline, openBaseline, openReportSink } from './report-output.js';
import { loadFileNow, OptionResolver, realPathOf, RefusedError, type LoadedFile } from './files.js';
import { companionsOf, parseContextOf } from './companions.js';
import { lintSource } from '../engine/lint.js';
import { ConfigError, type ProjectConfig } from '../engine/config.js';
import { type Finding, type Severity, type Rule } from '../engine/types.js';
import { perFileNow } from './per-file.js';
import { hostFileAccess } from '../input.js';
import { isSystemPath, thisHost } from '../host.js';
import type { HostFacts } from '../memcached/startup.js';
import { needsIdentity, reportWriter } from '../report/index.js';
import { withSubjects } from '../report/fingerprint.js';
import { fileKey } from '../engine/baseline.js';
import { useColor } from '../report/color.js';
import { RULES } from '../../rules/index.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';
import { visible } from '../report/visible.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SHARED_LINT_OPTIONS,
  'host-checks': { type: 'boolean' },
  'no-host-checks': { type: 'boolean' },
  'follow-symlinks': { type: 'boolean' },
  ...TARGET_OPTIONS,
  ...DOC_LINKS_OPTIONS,
} as const;

export const LINT_HELP = `Usage: mchard lint [options] [FILE...]

Checks memcached configuration files. A FILE may be a folder: the files under
it whose path says which program reads them (etc/memcached.conf,
sysconfig/memcached, *.service, docker-compose.yml, supervisor/conf.d/*.conf,
...) are checked, the others passed over (-v lists them). With no FILE, checks
the files on this host's system paths that exist:
${SYSTEM_PATHS_HELP}.
"-" reads standard input: its format comes from its content, or from the path
--stdin-filename gives it.

Options:
  --format text|json|sarif|github|gitlab
                                    output format (default text; gitlab: Code
                                    Quality report)
  --fail-on error|warning|info      lowest severity that fails (default error)
  --config FILE                     use this .mchardrc (default: nearest above each file)
  --disable ID[,ID...]              turn rules off (repeatable)
  --dialect NAME                    the file's format: debian, sysconfig, systemd,
                                    openrc, rcconf, compose, dockerfile,
                                    supervisord, argv, kubernetes, helm
                                    (default: from its path, name, then content;
                                    a file no format claims is not read)
  --memcached-version X.Y.Z         memcached release whose behaviour applies
  --trusted-network CIDR            private network where listening is fine (repeatable)
  -q, --quiet                       report errors only (the exit status is the same)
${TARGETS_HELP}${DOC_LINKS_HELP}  --color[=WHEN], --no-color        colour: auto (the default: on a terminal, unless
                                    NO_COLOR is set or TERM=dumb), always, never
  --max-file-size SIZE              largest file read (default 1M; K, M, G suffixes)
  --host-checks / --no-host-checks  read the host files a unit names (EnvironmentFile=),
                                    and check the start-up against this machine's users,
                                    addresses and folders (MC916) (default: only for files
                                    under /etc)
  --follow-symlinks                 read a file outside the system's folders through a
                                    symbolic link out of its folder (refused by default)
${BASELINE_OUTPUT_HELP}
Exit status: 0 clean, 1 findings at or above --fail-on (not counting those the
baseline records), 2 usage or read errors, an unusable baseline, or a file not
read (its format unknown; the other files are still linted).
`;

export async function runLint(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out(LINT_HELP);
    return 0;
  }
  const { format, failOnFlag, dialect, version, trusted, disabled, paths: named, baseline: baselineFlag, sarifCategory, output } = parseLintFlags(values, positionals, RULES);
  const paths = resolveTargets(positionals, named, { ...values, dialect }, io, 'lint');
  const maxBytes = parseMaxFileSize(values['max-file-size']);
  if (values['host-checks'] && values['no-host-checks']) throw new UsageError('--host-checks and --no-host-checks contradict each other');
  const hostChecks = values['no-host-checks'] ? false : values['host-checks'] ? true : undefined;

  const resolver = new OptionResolver(RULES, { config: values.config, version, trustedNetworks: trusted });
  // Every file's .mchardrc first: an invalid one ends the run with nothing on standard output, so no
  // file may be reported before it is known that none is invalid.
  const configs: (ProjectConfig | null)[] = [];
  let invalid: ConfigError | null = null;
  for (const path of paths) {
    try {
      configs.push(resolver.projectConfig(path));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      invalid = e;
      break;
    }
  }
  if (invalid) {
    io.err(`mchard: ${invalid.message}\n`);
    return 2;
  }
  const { run: baseline, ok: baselineOk } = openBaseline(baselineFlag, io);
  if (!baselineOk) return 2;
  const sink = openReportSink(io, output);
  if (!sink) return 2;
  // A file written with --output is never coloured; standard output is, on a terminal.
  const color = output === null && useColor({ color: values.color, noColor: values['no-color'] }, io.stdoutStream);
  // Findings need their identities for fingerprints (sarif, gitlab) and to match a baseline's subjects.
  const identify = needsIdentity(format) || baseline !== null;
  // The report goes out file by file (text, github).
  const report = reportWriter(format, { rules: RULES as Rule[], color, toolVersion: VERSION, sarifCategory, docLinks: docLinksFrom(values, configs) }, (t) => sink.write(t), sink.writeBytes);
  let status = 0;
  let failing = false;
  const severitiesOf = severitiesForRun(disabled);
  // This machine's facts (its /etc/passwd, its addresses), read once for every file host checks apply to.
  let machine: HostFacts | undefined;
  // One file under two names (given twice, `./f` and `f`, a link and its target, a folder and a file in
  // it) is reported once, under the first, as fix fixes it once: its findings counted twice made the
  // summary say twice the errors. Only a run of several files asks where a path leads.
  const firstNameOf = paths.length > 1 ? new Map<string, string>() : null;
  for (let k = 0; k < configs.length; k++) {
    const path = paths[k];
    const cfg = configs[k];
    // The threshold applies per file: the flag, else the file's own .mchardrc, else error.
    const failOn: Severity = failOnFlag ?? cfg?.failOn ?? 'error';
    // Anything that goes wrong inside one file is that file's one-line error; the others go on.
    const lintFile = (file: LoadedFile) => {
      const severities = severitiesOf(cfg);
      const result = lintSource(file.source, file.dialect, {
        rules: RULES,
        options: resolver.ruleOptions(path, cfg),
        severities,
        hostFiles: hostFileAccess(path, hostChecks, paths),
        // The machine's own facts (MC916), for a file under /etc or with --host-checks, as inspect takes them.
        ...(hostChecks === true || (hostChecks === undefined && isSystemPath(path)) ? { thisHost: (machine ??= thisHost()) } : {}),
        ...parseContextOf(path, file.dialect),
      });
      return { file, result };
    };
    // Synchronous unless the file's dialect must be loaded first (perFileNow, loadFileNow).
    const attempt = perFileNow(path, io, () => {
      const file = loadFileNow(path, dialect, { maxBytes, followLinks: values['follow-symlinks'] === true || hostChecks === true });
      return file instanceof Promise ? file.then(lintFile) : lintFile(file);
    });
    const done = attempt instanceof Promise ? await attempt : attempt;
    if (!done.ok) {
      // A refused file is a refusal in every format, not an error finding about memcached.
      if (done.error instanceof RefusedError) report.file({ path, dialect: null, findings: [], detection: done.error.refusal });
      else {
        const notRead = { kind: done.internal ? ('failed' as const) : ('unreadable' as const), reason: done.reason };
        report.file({ path, dialect: dialect ?? null, findings: [parseErrorFinding(done.reason, done.internal)], notRead });
      }
      status = 2;
      continue;
    }
    const { file, result } = done.value;
    if (firstNameOf && path !== '-') {
      const real = file.real ?? realPathOf(path);
      const first = firstNameOf.get(real);
      if (first !== undefined) {
        io.err(`mchard: ${visible(path)}: the same file as ${visible(first)}: reported once, under that name\n`);
        continue;
      }
      firstNameOf.set(real, path);
    }
    const all = identify ? withSubjects(result) : result.findings;
    // The baseline hides what it records, before the exit status is decided.
    const reported = baseline ? baseline.filter(fileKey(baseline.baseline, path), all) : all;
    // -q hides findings from the output only: the exit status is decided from all of them.
    if (reported.some((f) => RANK[f.severity] >= RANK[failOn])) failing = true;
    const listed = listedFindings(reported, values);
    sayOmitted(format, path, listed.omitted, (t) => io.err(t));
    report.file({ path, dialect: file.dialect, ...listed, detection: file.detection, readBy: result.config.readBy });
  }
  const outcome = baseline && baselineFlag ? finishBaseline(baseline, baselineFlag, format, io) : null;
  if (baseline && !outcome) status = 2;
  report.end({ baseline: outcome });
  if (!sink.commit()) return 2;
  if (status === 2) return 2;
  return failing ? 1 : 0;
}

/**
 * The MC001 finding that stands for a file that cannot be read (or whose check failed inside mchard:
 * `internal`, the reason said as it is), so every format reports it.
 */
export function parseErrorFinding(reason: string, internal = false): Finding {
  return {
    ruleId: 'MC001',
    slug: 'parse-error',
    severity: 'error',
    message: internal ? reason : `cannot read the file: ${reason}`,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    span: null,
    fix: null,
  };
}
