/**
 * `mchard lint [FILE...]`: runs the rules over each file and reports in the chosen format. Exit status:
 * 0 when nothing reaches --fail-on, 1 when something does, 2 for usage errors, unreadable files and
 * internal errors (the other files are still linted).
 */
import { COMMON_OPTIONS, parseCommandArgs, parseMaxFileSize, UsageError } from './args.js';
import { parseLintFlags, RANK, SHARED_LINT_OPTIONS } from './lint-flags.js';
import { resolveTargets, SYSTEM_PATHS_HELP, TARGET_OPTIONS, TARGETS_HELP } from './targets.js';
import { DOC_LINKS_HELP, DOC_LINKS_OPTIONS, docLinksFrom } from './doc-links.js';
import { loadFile, OptionResolver, RefusedError } from './files.js';
import { lintSource } from '../engine/lint.js';
import { ConfigError, type ProjectConfig } from '../engine/config.js';
import { type Finding, type Severity, type Rule } from '../engine/types.js';
import { perFile } from './per-file.js';
import { hostFileAccess } from '../input.js';
import { reportWriter } from '../report/index.js';
import { useColor } from '../report/color.js';
import { RULES } from '../../rules/index.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SHARED_LINT_OPTIONS,
  'host-checks': { type: 'boolean' },
  'no-host-checks': { type: 'boolean' },
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
  --format text|json|sarif|github   output format (default text)
  --fail-on error|warning|info      lowest severity that fails (default error)
  --config FILE                     use this .mchardrc (default: nearest above each file)
  --disable ID[,ID...]              turn rules off (repeatable)
  --dialect NAME                    the file's format: debian, sysconfig, systemd,
                                    openrc, rcconf, compose, supervisord, argv
                                    (default: from its path, name, then content;
                                    a file no format claims is not read)
  --memcached-version X.Y.Z         memcached release whose behaviour applies
  --trusted-network CIDR            private network where listening is fine (repeatable)
  -q, --quiet                       report errors only (the exit status is the same)
${TARGETS_HELP}${DOC_LINKS_HELP}  --color[=WHEN], --no-color        colour: auto (the default: on a terminal, unless
                                    NO_COLOR is set or TERM=dumb), always, never
  --max-file-size SIZE              largest file read (default 1M; K, M, G suffixes)
  --host-checks / --no-host-checks  read the host files a unit names (EnvironmentFile=)
                                    (default: only for files under /etc)

Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or read errors,
or a file not read (its format unknown; the other files are still linted).
`;

export async function runLint(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out(LINT_HELP);
    return 0;
  }
  const { format, failOnFlag, dialect, version, trusted, disabled, paths: named } = parseLintFlags(values, positionals, RULES);
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
  const color = useColor({ color: values.color, noColor: values['no-color'] }, io.stdoutStream);
  // The report goes out file by file (text, github), unless an invalid .mchardrc means none at all.
  const report = reportWriter(format, { rules: RULES as Rule[], color, toolVersion: VERSION, docLinks: docLinksFrom(values, configs) }, invalid ? () => {} : (t) => io.out(t));
  let status = 0;
  let failing = false;
  for (let k = 0; k < configs.length; k++) {
    const path = paths[k];
    const cfg = configs[k];
    // The threshold applies per file: the flag, else the file's own .mchardrc, else error.
    const failOn: Severity = failOnFlag ?? cfg?.failOn ?? 'error';
    // Anything that goes wrong inside one file is that file's one-line error; the others go on.
    const done = await perFile(path, io, async () => {
      const file = await loadFile(path, dialect, { maxBytes });
      const severities = new Map(cfg?.severities ?? []);
      for (const id of disabled) severities.set(id, 'off');
      const result = lintSource(file.source, file.dialect, {
        rules: RULES,
        options: resolver.ruleOptions(path, cfg),
        severities,
        hostFiles: hostFileAccess(path, hostChecks, paths),
      });
      return { file, result };
    });
    if (!done.ok) {
      // A refused file is a refusal in every format, not an error finding about memcached.
      if (done.error instanceof RefusedError) report.file({ path, dialect: null, findings: [], detection: done.error.refusal });
      else report.file({ path, dialect: dialect ?? null, findings: [parseErrorFinding(done.reason, done.internal)] });
      status = 2;
      continue;
    }
    const { file, result } = done.value;
    // -q hides findings from the output only: the exit status is decided from all of them.
    if (result.findings.some((f) => RANK[f.severity] >= RANK[failOn])) failing = true;
    const findings = values.quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
    report.file({ path, dialect: file.dialect, findings, hidden: result.findings.length - findings.length, detection: file.detection });
  }
  if (invalid) {
    io.err(`mchard: ${invalid.message}\n`);
    return 2;
  }
  report.end();
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
