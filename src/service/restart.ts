/**
 * Restarting the service after a fix was written, proving the new file is live, and rolling back when it
 * is not: the original bytes go back atomically (temporary file, fsync, rename), the service is restarted
 * with them and verified again. The configuration on disk is never left as a file the service failed to
 * start with, and the service is left as it was found:
 * - a service that was not running stays stopped (the fixed file is checked by inspection only), unless
 *   `--start` asks for it to be started; one started that way and failing is stopped again;
 * - a signal (Ctrl-C, SIGTERM, SIGHUP) after the write completes the rollback before mchard stops: the
 *   restart command under way finishes, the verification stops, the original goes back and the service
 *   is restarted with it and verified (src/fix/interrupt.ts: a second signal is reported, a third ends
 *   mchard at once and says what it leaves).
 * A restart for drift (the file unchanged, the running process different) has nothing to roll back to.
 */
import { launchFailureText } from '../memcached/launch.js';
import type { MemcachedModel } from '../memcached/model.js';
import { safeWrite, WriteError } from '../fix/write.js';
import type { Guard, Interrupts, StopSignal } from '../fix/interrupt.js';
import { listenerKey } from '../system/sockets.js';
import { debianLogfile, errorExcerpt, errorSource, runServiceCommand, serviceCommand, serviceState, type PidFileSource, type ServiceAction, type ServiceState } from './control.js';
import type { Machine } from './machine.js';
import type { Progress } from './progress.js';
import { outputOf, shown, type CommandResult } from './runner.js';
import type { ServiceTarget } from './target.js';
import { verifyService, type VerifyResult } from './verify.js';

export interface RestartRequest {
  /** The configuration file as the user named it. */
  path: string;
  target: ServiceTarget;
  /** What mchard wrote (now on disk) and what was there before; the same bytes for a drift restart. */
  written: Uint8Array;
  original: Uint8Array;
  /** The backup mchard kept of the original, or null. */
  backup: string | null;
  /** mchard's predictions for the written file and for the original. */
  after: MemcachedModel;
  before: MemcachedModel;
}

export interface RestartSettings {
  machine: Machine;
  progress: Progress;
  verifyTimeoutMs: number;
  commandTimeoutMs: number;
  /** --start: a service that is not running is started with the fixed file (default: it stays stopped). */
  start?: boolean;
  /** The run's signal handling; without it signals are not watched. */
  interrupts?: Interrupts;
  /** Puts `original` back in place of `current` atomically; throws when it cannot. Default: safeWrite without a backup. */
  restore?: (path: string, current: Uint8Array, original: Uint8Array) => Promise<void>;
}

/**
 * verified: the service runs the fixed file; rolled-back: it did not (or a signal came), the original is
 * back and the service runs it as before; rollback-failed: the original could not be put back or does not
 * run; not-restarted: the service was left alone (stopped, declined, interrupted before the restart);
 * failed: a restart for drift that did not verify (the file was not changed: nothing to go back to).
 */
export type RestartStatus = 'verified' | 'rolled-back' | 'rollback-failed' | 'not-restarted' | 'failed';

export interface RestartOutcome {
  status: RestartStatus;
  /** One line for the end of the run: what happened to the file and the service. */
  summary: string;
  /** The service's own error, when the fixed file failed. */
  serviceError: string;
  /** The original bytes are on disk again (put back by this run). */
  restored: boolean;
}

const defaultRestore = async (path: string, current: Uint8Array, original: Uint8Array) => {
  const r = await safeWrite(path, current, original, { backup: false });
  // Put back, then changed by another process at once: not the original, so never reported as restored.
  if (r.changedAfter) throw new WriteError(path, `another process changed the file as the original was put back (${r.changedAfter})`);
};

/**
 * The pid file the configuration asks memcached to write (`-P`), where the service manager may not know
 * it, and the user memcached runs as (who writes it, and may change it).
 */
export function pidFilesOf(model: MemcachedModel): PidFileSource {
  const p = model.applied.settings.pidFile;
  return { pidFiles: p ? [p] : [], user: model.runsAsKnown.known ? model.runsAsKnown.value : null };
}

function commandProblem(r: CommandResult): string {
  return r.failure ?? `exit status ${r.exitCode}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** What inspection says memcached does with a file: "starts, listening on tcp 127.0.0.1:11211". */
export function inspectionSummary(model: MemcachedModel): string {
  if (!model.startup.ok) return model.startup.stage === 'launch' ? launchFailureText(model.startup) : `memcached would exit ${model.startup.exitCode} (${model.startup.reason})`;
  const ls = model.listeners.map(listenerKey);
  return `memcached starts${model.runsAs ? ` as ${model.runsAs}` : ''}, listening on ${ls.length ? ls.join(', ') : 'nothing'}`;
}

/** Whether the service counts as stopped: no memcached process and the manager says it is down. */
export function isStopped(state: ServiceState): boolean {
  return state.pid === null && state.down;
}

/** Runs `action` on the service and, when it starts something, verifies it against `model`. */
async function restartStep(
  req: RestartRequest,
  s: RestartSettings,
  action: ServiceAction,
  model: MemcachedModel,
  oldPid: number | null,
  what: string,
  cancelled?: () => boolean,
): Promise<{ command: CommandResult; verify: VerifyResult | null }> {
  const m = s.machine;
  const step = s.progress.start(`${what}: ${shown(serviceCommand(req.target, action, m))}`);
  const command = await runServiceCommand(req.target, action, m, s.commandTimeoutMs);
  if (command.exitCode !== 0) {
    step.fail(commandProblem(command));
    return { command, verify: null };
  }
  step.ok();
  const check = s.progress.start(`verify that ${req.target.label} runs ${req.path}`);
  const verify = await verifyService(req.target, model, m, { oldPid, timeoutMs: s.verifyTimeoutMs, cancelled });
  if (verify.ok) {
    check.ok();
    s.progress.detail(verify.passed);
  } else if (verify.cancelled) {
    check.fail('interrupted');
  } else {
    check.fail();
    s.progress.detail(verify.problems);
  }
  return { command, verify };
}

type Phase = 'before-restart' | 'restarting-fixed' | 'restoring' | 'restarting-original' | 'done';

/**
 * Restarts the service that reads `req.path` and proves it runs the new file; rolls back when it does not.
 * `state` is the service's state before anything was done (taken here when the caller has not).
 */
export async function restartService(req: RestartRequest, s: RestartSettings, state?: ServiceState): Promise<RestartOutcome> {
  const m = s.machine;
  const found = state ?? (await serviceState(req.target, m, pidFilesOf(req.before)));
  const label = req.target.label;
  const changed = !sameBytes(req.written, req.original);
  const wasStopped = isStopped(found);
  const ints = s.interrupts;
  const restartCmd = shown(serviceCommand(req.target, 'restart', m));

  let phase: Phase = 'before-restart';
  const guard: Guard = changed
    ? {
        first: (sig) => `${sig}: putting the original ${req.path} back and ${wasStopped ? `stopping ${label} again` : `restarting ${label} with it`} before stopping${phase === 'restarting-fixed' ? ' (the restart under way finishes first)' : ''}; a second signal is reported, a third stops mchard at once`,
        again: (sig) => `${sig} again: still putting ${label} back as it was (${phase === 'restarting-original' ? `restarting it with the original ${req.path}` : `the original ${req.path} goes back first`}); one more signal stops mchard at once, which may leave ${label} down`,
        abort: (sig) => abortMessage(sig, req, label, phase, restartCmd),
      }
    : {
        first: (sig) => `${sig}: ${label} is being restarted to load ${req.path}; mchard finishes checking it, then stops; a third signal stops mchard at once`,
        again: (sig) => `${sig} again: ${label} is being restarted and checked; one more signal stops mchard at once`,
        abort: (sig) => `${sig}: STOPPED during the restart of ${label}: it may be down; check it with ${shown(serviceCommand(req.target, 'restart', m))}`,
      };
  const work = async (): Promise<RestartOutcome> => {
    if (ints?.stopped && changed) {
      // The signal came after the write, before the restart: the service still runs the original.
      phase = 'restoring';
      const r = await restoreOriginal(req, s);
      phase = 'done';
      return r.ok
        ? { status: 'not-restarted', summary: `interrupted (${ints.signal}) before the restart: the original ${req.path} is back and ${label} was not touched`, serviceError: '', restored: true }
        : { status: 'rollback-failed', summary: `ROLLBACK FAILED: interrupted before the restart, and the original ${req.path} could not be put back (${r.why}); ${label} was not touched but will read the fixed file when it restarts; ${backupAdvice(req, label)}`, serviceError: '', restored: false };
    }
    if (wasStopped && !s.start) {
      // Not running: leave it so. The fixed file is judged by inspection alone.
      if (changed && !req.after.startup.ok) {
        const restored = await restoreOriginal(req, s);
        return restored.ok
          ? { status: 'rolled-back', summary: `${label} is not running and stays stopped; the fixed file would not start it (${inspectionSummary(req.after)}), so the original is back`, serviceError: '', restored: true }
          : { status: 'rollback-failed', summary: `ROLLBACK FAILED: the fixed file would not start ${label} (${inspectionSummary(req.after)}) and the original could not be put back (${restored.why}); ${backupAdvice(req, label)}`, serviceError: '', restored: false };
      }
      return {
        status: 'not-restarted',
        summary: `${label} is not running and stays stopped (--start starts it); ${changed ? `when it starts, it reads the fixed ${req.path}` : `it reads ${req.path} when it starts`}: by inspection, ${inspectionSummary(req.after)}`,
        serviceError: '',
        restored: false,
      };
    }
    const logfile = debianLogfile(Buffer.from(req.written).toString('utf8'));
    const src = errorSource(m, logfile);
    phase = 'restarting-fixed';
    const action: ServiceAction = wasStopped ? 'start' : 'restart';
    const first = await restartStep(req, s, action, req.after, found.pid, `${action} ${label}`, changed && ints ? () => ints.stopped : undefined);
    if (first.verify?.ok && !(changed && ints?.stopped)) {
      phase = 'done';
      return { status: 'verified', summary: `${label} runs ${changed ? 'the fixed ' : ''}${req.path}`, serviceError: '', restored: false };
    }
    const interrupted = ints?.stopped === true && (first.verify === null ? first.command.exitCode === 0 : first.verify.cancelled || first.verify.ok);
    // The file did not work (or a signal came): say why, in the service's own words.
    const serviceError = interrupted ? '' : await errorExcerpt(req.target, m, src, first.command);
    if (serviceError) {
      s.progress.line(`  ${label} said:`);
      s.progress.detail(serviceError);
    }
    const cause = interrupted ? `interrupted (${ints!.signal})` : `${label} did not run the ${changed ? 'fixed ' : ''}file`;
    if (!changed) {
      phase = 'done';
      const why = first.verify ? first.verify.problems.join('; ') : commandProblem(first.command);
      return {
        status: 'failed',
        summary: `RESTART FAILED: ${label} does not run ${req.path} (${why}); this run did not change the file, so there is nothing to go back to: check the service now`,
        serviceError,
        restored: false,
      };
    }

    phase = 'restoring';
    const r = await restoreOriginal(req, s);
    if (!r.ok) {
      phase = 'done';
      return {
        status: 'rollback-failed',
        summary: `ROLLBACK FAILED: ${cause}, and the original could not be put back (${r.why}); the file still holds the fixes. ${backupAdvice(req, label)}`,
        serviceError,
        restored: false,
      };
    }

    if (wasStopped) {
      // It was not running before: leave it stopped, as it was found.
      const step = s.progress.start(`stop ${label} again (it was not running before): ${shown(serviceCommand(req.target, 'stop', m))}`);
      const stop = await runServiceCommand(req.target, 'stop', m, s.commandTimeoutMs);
      phase = 'done';
      if (stop.exitCode === 0) step.ok();
      else step.fail(commandProblem(stop));
      return { status: 'rolled-back', summary: `${cause}; the original is back, and ${label}, which was not running before, is stopped again`, serviceError, restored: true };
    }

    // A unit that failed in a loop (Restart=always) hits systemd's start limit, which refuses manual starts too.
    if (req.target.manager === 'systemd') await m.runner.run('systemctl', ['reset-failed', req.target.name], { timeoutMs: s.commandTimeoutMs });
    const src2 = errorSource(m, debianLogfile(Buffer.from(req.original).toString('utf8')));
    phase = 'restarting-original';
    const again = await restartStep(req, s, 'restart', req.before, first.verify?.pid ?? null, `restart ${label} with the original file`);
    phase = 'done';
    if (again.verify?.ok) {
      return { status: 'rolled-back', summary: `${cause}; the original is back and ${label} runs it again`, serviceError, restored: true };
    }
    const secondError = (await errorExcerpt(req.target, m, src2, again.command)) || outputOf(again.command);
    if (secondError) {
      s.progress.line(`  ${label} said:`);
      s.progress.detail(secondError);
    }
    const why = again.verify ? again.verify.problems.join('; ') : commandProblem(again.command);
    return {
      status: 'rollback-failed',
      summary: `ROLLBACK FAILED: ${cause}; the original file is back, but ${label} does not run it (${why}); the service may be down: check it now`,
      serviceError,
      restored: true,
    };
  };
  return ints ? ints.guarded(guard, work) : work();
}

function backupAdvice(req: RestartRequest, label: string): string {
  return `${req.backup ? `Copy ${req.backup} over ${req.path}` : 'No backup was kept: restore the file by hand'} and restart ${label}`;
}

function abortMessage(sig: StopSignal, req: RestartRequest, label: string, phase: Phase, restartCmd: string): string {
  const head = `${sig}: STOPPED DURING THE ROLLBACK of ${req.path}.`;
  if (phase === 'before-restart' || phase === 'restarting-fixed' || phase === 'restoring') {
    const copy = req.backup ? `the original is in ${req.backup}: cp -p ${req.backup} ${req.path} && ${restartCmd}` : `no backup was kept: put the original back by hand, then ${restartCmd}`;
    return `${head} ${req.path} may still hold the fixed file, and ${label} may be down or running it; ${copy}`;
  }
  return `${head} The original is back in ${req.path}, but ${label} may be down or still running the fixed file: ${restartCmd}`;
}

async function restoreOriginal(req: RestartRequest, s: RestartSettings): Promise<{ ok: true } | { ok: false; why: string }> {
  const step = s.progress.start(`put the original ${req.path} back`);
  try {
    await (s.restore ?? defaultRestore)(req.path, req.written, req.original);
    step.ok();
    return { ok: true };
  } catch (e) {
    const why = e instanceof WriteError ? e.reason : (e as Error).message;
    step.fail(why);
    return { ok: false, why };
  }
}
