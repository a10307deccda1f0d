/**
 * Restarting the service after a fix was written, proving the new file is live, and rolling back when it
 * is not: the original bytes go back atomically (temporary file, fsync, rename), the service is restarted
 * with them and verified again. A service that was not running before is stopped again instead, as found.
 * The configuration on disk is never left as a file the service failed to start with.
 */
import type { MemcachedModel } from '../memcached/model.js';
import { safeWrite, WriteError } from '../fix/write.js';
import { debianLogfile, errorExcerpt, errorSource, runServiceCommand, serviceCommand, serviceState } from './control.js';
import type { Machine } from './machine.js';
import type { Progress } from './progress.js';
import { outputOf, shown, type CommandResult } from './runner.js';
import type { ServiceTarget } from './target.js';
import { verifyService, type VerifyResult } from './verify.js';

export interface RestartRequest {
  /** The configuration file as the user named it. */
  path: string;
  target: ServiceTarget;
  /** What mchard wrote (now on disk) and what was there before. */
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
  /** Puts `original` back in place of `current` atomically; throws when it cannot. Default: safeWrite without a backup. */
  restore?: (path: string, current: Uint8Array, original: Uint8Array) => Promise<void>;
}

export type RestartStatus = 'verified' | 'rolled-back' | 'rollback-failed';

export interface RestartOutcome {
  status: RestartStatus;
  /** One line for the end of the run: what happened to the file and the service. */
  summary: string;
  /** The service's own error, when the fixed file failed. */
  serviceError: string;
}

const defaultRestore = async (path: string, current: Uint8Array, original: Uint8Array) => {
  await safeWrite(path, current, original, { backup: false });
};

function pidFilesOf(model: MemcachedModel): string[] {
  const p = model.applied.settings.pidFile;
  return p ? [p] : [];
}

function commandProblem(r: CommandResult): string {
  return r.failure ?? `exit status ${r.exitCode}`;
}

/** Restarts (or stops) the service and, after a restart, verifies it against `model`. */
async function restartStep(
  req: RestartRequest,
  s: RestartSettings,
  model: MemcachedModel,
  oldPid: number | null,
  what: string,
): Promise<{ command: CommandResult; verify: VerifyResult | null }> {
  const m = s.machine;
  const step = s.progress.start(`${what}: ${shown(serviceCommand(req.target, 'restart', m))}`);
  const command = await runServiceCommand(req.target, 'restart', m, s.commandTimeoutMs);
  if (command.exitCode !== 0) {
    step.fail(commandProblem(command));
    return { command, verify: null };
  }
  step.ok();
  const check = s.progress.start(`verify that ${req.target.label} runs ${req.path}`);
  const verify = await verifyService(req.target, model, m, { oldPid, timeoutMs: s.verifyTimeoutMs });
  if (verify.ok) {
    check.ok();
    s.progress.detail(verify.passed);
  } else {
    check.fail();
    s.progress.detail(verify.problems);
  }
  return { command, verify };
}

export async function restartService(req: RestartRequest, s: RestartSettings): Promise<RestartOutcome> {
  const m = s.machine;
  const label = req.target.label;
  const found = await serviceState(req.target, m, pidFilesOf(req.before));
  const logfile = debianLogfile(Buffer.from(req.written).toString('utf8'));
  const src = errorSource(m, logfile);

  const first = await restartStep(req, s, req.after, found.pid, `restart ${label}`);
  if (first.verify?.ok) return { status: 'verified', summary: `${label} runs the fixed ${req.path}`, serviceError: '' };

  // The fixed file does not work: say why, in the service's own words, then put the original back.
  const serviceError = await errorExcerpt(req.target, m, src, first.command);
  if (serviceError) {
    s.progress.line(`  ${label} said:`);
    s.progress.detail(serviceError);
  }
  const restore = s.progress.start(`put the original ${req.path} back`);
  try {
    await (s.restore ?? defaultRestore)(req.path, req.written, req.original);
    restore.ok();
  } catch (e) {
    const why = e instanceof WriteError ? e.reason : (e as Error).message;
    restore.fail(why);
    return {
      status: 'rollback-failed',
      summary:
        `ROLLBACK FAILED: the original could not be put back (${why}); the file still holds the fixes, which ${label} did not run. ` +
        `${req.backup ? `Copy ${req.backup} over it` : 'No backup was kept: restore it by hand'} and restart ${label}`,
      serviceError,
    };
  }

  if (found.pid === null) {
    // It was not running before: leave it stopped, as it was found.
    const step = s.progress.start(`stop ${label} again (it was not running before): ${shown(serviceCommand(req.target, 'stop', m))}`);
    const stop = await runServiceCommand(req.target, 'stop', m, s.commandTimeoutMs);
    if (stop.exitCode === 0) step.ok();
    else step.fail(commandProblem(stop));
    return { status: 'rolled-back', summary: `${label} did not run the fixed file; the original is back, and ${label}, which was not running before, is stopped again`, serviceError };
  }

  // A unit that failed in a loop (Restart=always) hits systemd's start limit, which refuses manual starts too.
  if (req.target.manager === 'systemd') await m.runner.run('systemctl', ['reset-failed', req.target.name], { timeoutMs: s.commandTimeoutMs });
  const src2 = errorSource(m, debianLogfile(Buffer.from(req.original).toString('utf8')));
  const again = await restartStep(req, s, req.before, first.verify?.pid ?? null, `restart ${label} with the original file`);
  if (again.verify?.ok) {
    return { status: 'rolled-back', summary: `${label} did not run the fixed file; the original is back and ${label} runs it again`, serviceError };
  }
  const secondError = (await errorExcerpt(req.target, m, src2, again.command)) || outputOf(again.command);
  if (secondError) {
    s.progress.line(`  ${label} said:`);
    s.progress.detail(secondError);
  }
  const why = again.verify ? again.verify.problems.join('; ') : commandProblem(again.command);
  return {
    status: 'rollback-failed',
    summary: `ROLLBACK FAILED: the original file is back, but ${label} does not run it (${why}); the service may be down: check it now`,
    serviceError,
  };
}
