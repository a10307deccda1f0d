/**
 * `mchard fix [FILE...]`: applies the rules' fixes to each file in its own dialect, shows the unified
 * diff, asks before writing (or not, with --yes), and writes safely. Exit status: 0 when the files end
 * without a fixable finding and nothing at or above --fail-on remains, 1 when findings remain that
 * mchard cannot fix or changes were not written (refused, no terminal to ask on, --dry-run), 2 for
 * usage errors, unreadable files, failed host checks and failed writes, 3 when the restarted service did
 * not run the fixed file and the original was put back (or could not be: said loudly).
 * Once a file a service on this machine reads is written, the service is restarted and verified
 * (src/service/).
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { COMMON_OPTIONS, parseCommandArgs, parseMaxFileSize, UsageError } from './args.js';
import { parseLintFlags, RANK, SHARED_LINT_OPTIONS } from './lint-flags.js';
import { OptionResolver } from './files.js';
import { chooseDialect } from '../dialects/detect.js';
import { loadDialect } from '../dialects/index.js';
import { ConfigError } from '../engine/config.js';
import { type Finding, type Rule, type Severity } from '../engine/types.js';
import { hostFileAccess, readConfigBytes } from '../input.js';
import { hiddenValues, redact } from '../report/redact.js';
import { perFile } from './per-file.js';
import { currentFile } from './io.js';
import { visible } from '../report/visible.js';
import { isSystemPath } from '../host.js';
import { planFix, type FixPlan } from '../fix/plan.js';
import { hostCheckProblems } from '../fix/host-checks.js';
import { safeWrite, WriteError, type SafeWriteOptions } from '../fix/write.js';
import { formatReport } from '../report/index.js';
import { paint, useColor } from '../report/color.js';
import type { FileReport } from '../report/types.js';
import { RULES } from '../../rules/index.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';
import type { Machine } from '../service/machine.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SHARED_LINT_OPTIONS,
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean', short: 'n' },
  listen: { type: 'string', multiple: true },
  user: { type: 'string' },
  port: { type: 'string' },
  'no-host-checks': { type: 'boolean' },
  'no-backup': { type: 'boolean' },
  restart: { type: 'boolean' },
  'no-restart': { type: 'boolean' },
  service: { type: 'string' },
} as const;

export const FIX_HELP = `Usage: mchard fix [options] [FILE...]

Fixes what the rules can fix, in each file's own syntax, and leaves every other
line as it was. Shows the diff and asks before writing. With no FILE, fixes the
system files that exist: /etc/memcached.conf, /etc/memcached_*.conf,
/etc/sysconfig/memcached.

Options:
  -y, --yes                         write without asking
  -n, --dry-run                     show the diff, write nothing
  --listen ADDR[,ADDR...]           bind to these addresses (default 127.0.0.1)
  --user NAME                       run as NAME (default memcache on Debian,
                                    memcached on RHEL)
  --port N                          move TCP off the default port 11211 to N
  --no-backup                       do not keep FILE.mchard-backup
  --no-host-checks                  skip the checks that the listen addresses and
                                    the user exist here (file for another machine),
                                    and read no host file a unit names
  --restart                         after writing a file this machine's service
                                    reads, restart the service without asking,
                                    verify it runs the new file, roll back if not
  --no-restart                      never restart (default: ask on a terminal;
                                    --yes restarts)
  --service NAME                    the service that reads FILE: a systemd unit,
                                    an init script, memcached@NAME for Debian's
                                    /etc/memcached_NAME.conf (default: from FILE)
  --format text|json|sarif|github   format of the report of remaining findings
  --fail-on error|warning|info      lowest remaining severity that fails (default error)
  --config FILE                     use this .mchardrc
  --disable ID[,ID...]              turn rules off (repeatable)
  --dialect debian|sysconfig        the file's format (default: from path and content)
  --memcached-version X.Y.Z         memcached release whose behaviour applies
  --trusted-network CIDR            private network where listening is fine (repeatable)
  -q, --quiet                       report errors only
  --color / --no-color              colour (default: on a terminal, unless NO_COLOR)
  --max-file-size SIZE              largest file read (default 1M; K, M, G suffixes)

Without --yes and without a terminal to ask on, nothing is written.

After a restart mchard checks, within 15 s, that the service runs a new
memcached holding exactly the listeners the file asks for (no wildcard or UDP
it does not ask for) and that each answers "version". If not, it puts the
original file back, restarts the service with it and exits 3.

Exit status: 0 fixed (or nothing to fix), 1 findings remain that mchard cannot
fix, or changes not written (refused, no terminal, --dry-run with changes),
2 usage, read, host-check or write errors, 3 the restarted service did not run
the fixed file: the original was put back (or could not be: see the message).
`;


/** What tests can replace: the confirmation prompt, the safe-write hook, the machine the service runs on. */
export interface FixHooks {
  confirm?: (message: string) => Promise<boolean>;
  beforeRename?: SafeWriteOptions['beforeRename'];
  service?: { machine?: Machine; verifyTimeoutMs?: number; commandTimeoutMs?: number };
}

const VERIFY_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 90_000;

interface FileState {
  path: string;
  bytes: Buffer;
  plan: FixPlan;
  failOn: Severity;
  written: boolean;
  notWritten: boolean;
  backup: string | null;
  /** The diff to show (made with the plan, so a failure there is the file's own error). */
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

export async function runFix(argv: string[], io: Io, hooks: FixHooks = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out(FIX_HELP);
    return 0;
  }
  const { format, failOnFlag, dialect, version, trusted, disabled, paths } = parseLintFlags(values, positionals, RULES);
  if (values.restart && values['no-restart']) throw new UsageError('--restart and --no-restart contradict each other');
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

  const color = useColor({ color: values.color, noColor: values['no-color'] }, io.stdoutStream);
  const c = paint(color);
  // Machine-readable formats keep stdout for the report; the diff and messages go to stderr.
  const say = format === 'text' ? io.out : io.err;
  const resolver = new OptionResolver(RULES, { config: values.config, version, trustedNetworks: trusted });
  let status = 0;
  const states: FileState[] = [];
  const reports: FileReport[] = [];

  for (const path of paths) {
    let cfg;
    try {
      cfg = resolver.projectConfig(path);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      io.err(`mchard: ${e.message}\n`);
      return 2;
    }
    // Anything that goes wrong inside one file is that file's one-line error; the others go on.
    const done = await perFile(
      path,
      io,
      async () => {
        const file = readConfigBytes(path, { maxBytes });
        const severities = new Map(cfg?.severities ?? []);
        for (const id of disabled) severities.set(id, 'off');
        const fileDialect = chooseDialect(path, file.source.text, dialect);
        await loadDialect(fileDialect);
        const plan = planFix(file.source, fileDialect, {
          rules: RULES,
          options: resolver.ruleOptions(path, cfg, { fixUser, fixListen, fixPort }),
          severities,
          hostFiles: hostFileAccess(path, values['no-host-checks'] ? false : undefined, paths),
        });
        const diff = plan.changed ? (await import('../fix/diff.js')).unifiedDiff(path, plan.original, plan.text, color, plan.origin) : null;
        return { file, plan, diff };
      },
      '; not fixed',
    );
    if (!done.ok) {
      status = 2;
      continue;
    }
    const { file, plan, diff } = done.value;
    states.push({ path, bytes: file.bytes, plan, failOn: failOnFlag ?? cfg?.failOn ?? 'error', written: false, notWritten: false, backup: null, diff });
  }

  // The diffs, and what each file's fixes do.
  for (const s of states) {
    if (s.diff !== null) {
      say(s.diff);
      for (const a of s.plan.applied) say(`  ${c.green('fixed')}  ${a.ruleId}  ${visible(a.description)}\n`);
    }
    const hidden = hiddenValues(s.plan.before.config.argv);
    for (const f of s.plan.failed) say(`  ${c.yellow('not fixed')}  ${f.ruleId}  ${visible(f.description)}: ${visible(redact(f.reason, hidden))}\n`);
  }
  const changed = states.filter((s) => s.plan.changed);
  if (changed.length === 0 && states.length > 0) say(c.green(`nothing to fix in ${states.map((s) => visible(s.path)).join(', ')}\n`));

  // Host checks: what a file this machine's service reads newly asks for must exist here.
  if (!values['no-host-checks']) {
    let failed = false;
    for (const s of changed) {
      if (!values.restart && values.service === undefined && !servicePath(s.path)) continue;
      for (const p of hostCheckProblems(s.plan.before.model, s.plan.after.model)) {
        io.err(`mchard: ${visible(s.path)}: ${visible(p)}\n`);
        failed = true;
      }
    }
    if (failed) {
      io.err('mchard: nothing was written; fix the host, choose other values (--listen, --user), or use --no-host-checks for a file meant for another machine\n');
      return 2;
    }
  }

  if (values['dry-run']) {
    if (changed.length) say('dry run: nothing was written\n');
  } else if (changed.length) {
    const mayAsk = values.yes || io.stdinIsTTY || hooks.confirm !== undefined;
    if (!mayAsk) {
      say('not written: no terminal to confirm; use --yes\n');
      for (const s of changed) s.notWritten = true;
    } else {
      const ask = hooks.confirm ?? (async (message: string) => (await import('../fix/confirm.js')).confirm(message));
      for (const s of changed) {
        if (!values.yes && !(await ask(`Write these changes to ${s.path}?`))) {
          say(`not written: ${visible(s.path)}\n`);
          s.notWritten = true;
          continue;
        }
        currentFile.path = s.path;
        try {
          const r = await safeWrite(s.path, s.bytes, s.plan.text, { backup: !values['no-backup'], beforeRename: hooks.beforeRename });
          s.written = true;
          s.backup = r.backup;
          const where = r.target !== resolve(s.path) ? ` (through the link to ${visible(r.target)})` : '';
          say(`${c.green('wrote')} ${visible(s.path)}${where}${r.backup ? `; backup in ${visible(r.backup)}` : ''}\n`);
        } catch (e) {
          if (!(e instanceof WriteError)) throw e;
          io.err(`mchard: ${visible(e.message)}\n`);
          s.notWritten = true;
          status = 2;
        }
      }
    }
  }

  // The service that reads a written file: restart it, prove the new file is live, or roll back.
  let restarts = new Map<string, string>();
  const written = states.filter((s) => s.written);
  if (written.length) {
    const { restartAfterWrite } = await import('../service/after-write.js');
    const { Progress } = await import('../service/progress.js');
    const { realMachine } = await import('../service/machine.js');
    const ask = hooks.confirm ?? (io.stdinIsTTY ? async (message: string) => (await import('../fix/confirm.js')).confirm(message) : null);
    restarts = await restartAfterWrite(
      written.map((s) => ({
        path: s.path,
        written: Buffer.from(s.plan.text, 'utf8'),
        original: s.bytes,
        backup: s.backup,
        before: s.plan.before.model,
        after: s.plan.after.model,
      })),
      {
        decision: values['no-restart'] ? 'never' : values.restart || values.yes ? 'restart' : 'ask',
        explicit: values.restart === true || values.service !== undefined,
        service: values.service,
        ask,
        say,
        err: io.err,
        progress: new Progress({ write: say, tty: format === 'text' && io.stdoutStream.isTTY === true, color }),
        machine: hooks.service?.machine ?? realMachine(),
        verifyTimeoutMs: hooks.service?.verifyTimeoutMs ?? VERIFY_TIMEOUT_MS,
        commandTimeoutMs: hooks.service?.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
      },
    );
  }

  // The report: what remains once the fixes are in.
  // A file whose fixes were rolled back holds the original again, and its findings are the original's.
  const rolledBack = (s: FileState) => s.written && restarts.has(s.path) && restarts.get(s.path) !== 'verified';
  for (const s of states) {
    const now = rolledBack(s) ? s.plan.before.findings : s.plan.after.findings;
    const findings = values.quiet ? now.filter((f) => f.severity === 'error') : now;
    reports.push({ path: s.path, dialect: s.plan.dialect, findings });
  }
  io.out(formatReport(format, { files: reports, rules: RULES as Rule[], color, toolVersion: VERSION }));

  if (states.some(rolledBack)) return 3;
  if (status === 2) return 2;
  if (values['dry-run']) return changed.length ? 1 : 0;
  if (states.some((s) => s.notWritten)) return 1;
  const remaining = (s: FileState, f: Finding) => f.fix !== null || RANK[f.severity] >= RANK[s.failOn];
  return states.some((s) => s.plan.after.findings.some((f) => remaining(s, f))) ? 1 : 0;
}
