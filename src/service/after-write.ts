/**
 * What `mchard fix` does about the service that reads a file, right after the file is written (or found
 * already clean):
 * - written: decide whether to restart (--restart or --yes: yes; --no-restart: no; otherwise ask on a
 *   terminal), then restart, verify and, when needed, roll back (src/service/restart.ts). A service that
 *   is not running stays stopped unless --start. A file no local service reads is never followed by a
 *   restart; for a file only a service reads (/etc/memcached.conf, ...) mchard says why it did not restart.
 * - already clean: when the service's running memcached differs from what the file starts now (drift, as
 *   `mchard audit` sees it), the restart is offered (and made with --yes), so an interrupted provisioning
 *   run converges when it is run again. Not when the file as it is certainly fails (memcached exits, or the
 *   service fails before memcached runs): that restart would only stop the memcached that runs now.
 */
import type { DialectName } from '../dialects/types.js';
import type { Answer } from '../fix/confirm.js';
import type { Interrupts } from '../fix/interrupt.js';
import type { MemcachedModel } from '../memcached/model.js';
import { serviceState, type ServiceState } from './control.js';
import { runningDrift } from './drift.js';
import type { Machine } from './machine.js';
import type { Progress } from './progress.js';
import { inspectionSummary, isStopped, pidFilesOf, restartService, type RestartStatus } from './restart.js';
import { serviceFileKind, serviceFor, type ServiceTarget } from './target.js';
import { visible } from '../report/visible.js';

export interface ServiceFile {
  path: string;
  dialect: DialectName;
  /** The bytes on disk now (the fixed text once written) and the bytes mchard read. */
  written: Uint8Array;
  original: Uint8Array;
  backup: string | null;
  /** mchard's predictions for the original and for the bytes on disk now. */
  before: MemcachedModel;
  after: MemcachedModel;
  /** The file's argument vector does not depend on the host (for the drift comparison). */
  exact: boolean;
}

export interface AfterWriteOptions {
  /** restart: --restart or --yes; never: --no-restart; ask: otherwise. */
  decision: 'restart' | 'never' | 'ask';
  /** --restart or --service was given: a file no service reads is then mentioned. */
  explicit: boolean;
  /** --service NAME. */
  service?: string;
  /** --start: a stopped service is started with the fixed file. */
  start: boolean;
  /** The question, or null when there is no terminal to ask on. */
  ask: ((message: string) => Promise<Answer>) | null;
  say(text: string): void;
  err(text: string): void;
  progress: Progress;
  machine: Machine;
  verifyTimeoutMs: number;
  commandTimeoutMs: number;
  interrupts?: Interrupts;
}

/** What happened to the service of one file (`restart` in the JSON report). */
export interface RestartReport {
  /** The service (`memcached.service`, `memcached (instance a)`), or null when none was found. */
  service: string | null;
  outcome: RestartStatus;
  /** Why, in one line. */
  reason: string;
  /** The original file is on disk again (rolled back, or put back after a signal). */
  restored: boolean;
}

function notRestarted(service: string | null, reason: string): RestartReport {
  return { service, outcome: 'not-restarted', reason, restored: false };
}

/** The service of `path`; null (with the reason said when the user would expect a restart) when there is none. */
async function targetOf(path: string, o: AfterWriteOptions, quiet: boolean): Promise<{ target: ServiceTarget } | { report: RestartReport | null }> {
  const found = await serviceFor(path, o.service, o.machine);
  if (found.target) return { target: found.target };
  // A file only a service reads (/etc/memcached.conf, ...) and no service reads it here: say why.
  const serviceFile = serviceFileKind(path) !== null;
  if (!quiet && (serviceFile || o.explicit)) o.say(`not restarted: ${visible(path)}: ${found.reason}\n`);
  return { report: serviceFile ? notRestarted(null, found.reason) : null };
}

async function decide(
  label: string,
  state: ServiceState,
  question: string,
  oldFile: string,
  o: AfterWriteOptions,
): Promise<RestartReport | null> {
  if (o.decision === 'never') {
    o.say(`not restarted (--no-restart): ${visible(label)} runs ${visible(oldFile)} until it restarts\n`);
    return notRestarted(label, '--no-restart');
  }
  // A stopped service is left stopped without a question (unless --start); restartService says so.
  if (isStopped(state) && !o.start) return null;
  if (o.decision === 'ask') {
    if (!o.ask) {
      o.say(`not restarted: no terminal to confirm; restart ${visible(label)} to load it, or use --restart\n`);
      return notRestarted(label, 'no terminal to confirm (use --restart)');
    }
    const answer = await o.ask(question);
    if (answer === 'interrupted') {
      o.say(`not restarted (interrupted): ${visible(label)} runs ${visible(oldFile)} until it restarts\n`);
      return notRestarted(label, 'interrupted at the question');
    }
    if (answer === 'no') {
      o.say(`not restarted: ${visible(label)} runs ${visible(oldFile)} until it restarts\n`);
      return notRestarted(label, 'answered no');
    }
  }
  return null;
}

async function restart(f: ServiceFile, target: ServiceTarget, state: ServiceState, o: AfterWriteOptions): Promise<RestartReport> {
  const outcome = await restartService(
    { path: f.path, target, written: f.written, original: f.original, backup: f.backup, after: f.after, before: f.before },
    { machine: o.machine, progress: o.progress, verifyTimeoutMs: o.verifyTimeoutMs, commandTimeoutMs: o.commandTimeoutMs, start: o.start, interrupts: o.interrupts },
    state,
  );
  if (outcome.status === 'verified') o.say(`restarted: ${visible(outcome.summary)}\n`);
  else if (outcome.status === 'not-restarted') o.say(`not restarted: ${visible(outcome.summary)}\n`);
  else o.err(`mchard: ${visible(f.path)}: ${visible(outcome.summary)}\n`);
  return { service: target.label, outcome: outcome.status, reason: outcome.summary, restored: outcome.restored };
}

/** After `f` was written: restart its service, verify, roll back; or say why not. Null when no service reads it. */
export async function afterWrite(f: ServiceFile, o: AfterWriteOptions): Promise<RestartReport | null> {
  const t = await targetOf(f.path, o, false);
  if (!('target' in t)) return t.report;
  const { target } = t;
  const state = await serviceState(target, o.machine, pidFilesOf(f.before));
  if (state.unknown) {
    // Not restarted: its verification could not tell the service's memcached from another.
    const reason = `${state.unknown}; restart ${target.label} yourself to load the fixed ${f.path}`;
    o.say(`not restarted: ${visible(reason)}\n`);
    return notRestarted(target.label, reason);
  }
  // A signal after the write and before any question: restartService puts the original back (with
  // --yes/--restart); after a "yes" at the write question the next question is simply not asked.
  if (o.interrupts?.stopped && o.decision === 'ask') {
    o.say(`not restarted (interrupted): ${visible(target.label)} runs the old ${visible(f.path)} until it restarts\n`);
    return notRestarted(target.label, 'interrupted');
  }
  if (!o.interrupts?.stopped) {
    const verb = isStopped(state) ? 'Start' : 'Restart';
    const decided = await decide(target.label, state, `${verb} ${target.label} now so that it runs the fixed ${f.path}?`, `the old ${f.path}`, o);
    if (decided) return decided;
  }
  return restart(f, target, state, o);
}

/**
 * For a file this run did not change: when the service's running memcached is not what the file starts
 * (drift), offer the restart (--yes and --restart make it). `dryRun` only reports. Null when no service
 * reads the file, it is not running, or it runs the file as it is.
 */
export async function afterUnchanged(f: ServiceFile, o: AfterWriteOptions, dryRun: boolean): Promise<RestartReport | null> {
  const t = await targetOf(f.path, o, true);
  if (!('target' in t)) return null;
  const { target } = t;
  const state = await serviceState(target, o.machine, pidFilesOf(f.before));
  if (state.unknown) {
    const reason = `whether it runs ${f.path} as it is now is unknown: ${state.unknown}`;
    o.say(`not restarted: ${visible(target.label)}: ${visible(reason)}\n`);
    return notRestarted(target.label, reason);
  }
  if (state.pid === null) return null;
  const drift = await runningDrift({ path: f.path, dialect: f.dialect, model: f.before, exact: f.exact }, state.pid, o.machine);
  if (!drift) return null;
  const st = f.before.startup;
  if (!st.ok && !st.unknown && (st.certain || st.stage === 'launch')) {
    // The file as it is certainly fails: a restart would only stop the memcached that runs now.
    const reason = `${f.path} as it is would not start it (${inspectionSummary(f.before)}); a restart would only stop the running memcached`;
    o.say(`not restarted: ${visible(target.label)} (pid ${state.pid}) runs an earlier ${visible(f.path)}: ${visible(reason)}\n`);
    return notRestarted(target.label, reason);
  }
  o.say(`${visible(target.label)} (pid ${state.pid}) does not run ${visible(f.path)} as it is now; a restart loads it:\n${drift.map((l) => `  ${visible(l)}\n`).join('')}`);
  if (dryRun) {
    o.say(`dry run: ${visible(target.label)} was not restarted\n`);
    return notRestarted(target.label, `dry run: the running process differs from the file (${drift.join('; ')})`);
  }
  if (o.interrupts?.stopped) return notRestarted(target.label, 'interrupted');
  const decided = await decide(target.label, state, `Restart ${target.label} now so that it runs ${f.path} as it is?`, 'as it was started', o);
  if (decided) return { ...decided, reason: `${decided.reason}; the running process differs from the file (${drift.join('; ')})` };
  return restart(f, target, state, o);
}
