/**
 * What `mchard fix` does once files are written: for each file a service on this machine reads, decide
 * whether to restart it (--restart or --yes: yes; --no-restart: no; otherwise ask on a terminal), then
 * restart, verify and, when needed, roll back. Files no local service reads are never followed by a restart.
 */
import type { MemcachedModel } from '../memcached/model.js';
import type { Machine } from './machine.js';
import type { Progress } from './progress.js';
import { restartService, type RestartStatus } from './restart.js';
import { serviceFor } from './target.js';

export interface WrittenFile {
  path: string;
  written: Uint8Array;
  original: Uint8Array;
  backup: string | null;
  before: MemcachedModel;
  after: MemcachedModel;
}

export interface AfterWriteOptions {
  /** restart: --restart or --yes; never: --no-restart; ask: otherwise. */
  decision: 'restart' | 'never' | 'ask';
  /** --restart was given: a file no service reads is then mentioned. */
  explicit: boolean;
  /** --service NAME. */
  service?: string;
  /** The question, or null when there is no terminal to ask on. */
  ask: ((message: string) => Promise<boolean>) | null;
  say(text: string): void;
  err(text: string): void;
  progress: Progress;
  machine: Machine;
  verifyTimeoutMs: number;
  commandTimeoutMs: number;
}

/** The outcome for each file whose service was restarted, by path. */
export async function restartAfterWrite(files: readonly WrittenFile[], o: AfterWriteOptions): Promise<Map<string, RestartStatus>> {
  const outcomes = new Map<string, RestartStatus>();
  for (const f of files) {
    const found = await serviceFor(f.path, o.service, o.machine);
    if (!found.target) {
      if (o.explicit) o.say(`not restarted: ${f.path}: ${found.reason}\n`);
      continue;
    }
    const label = found.target.label;
    if (o.decision === 'never') {
      o.say(`not restarted (--no-restart): ${label} runs the old ${f.path} until it restarts\n`);
      continue;
    }
    if (o.decision === 'ask') {
      if (!o.ask) {
        o.say(`not restarted: no terminal to confirm; restart ${label} to load ${f.path}, or use --restart\n`);
        continue;
      }
      if (!(await o.ask(`Restart ${label} now so that it runs the fixed ${f.path}?`))) {
        o.say(`not restarted: ${label} runs the old ${f.path} until it restarts\n`);
        continue;
      }
    }
    const outcome = await restartService(
      { path: f.path, target: found.target, written: f.written, original: f.original, backup: f.backup, after: f.after, before: f.before },
      { machine: o.machine, progress: o.progress, verifyTimeoutMs: o.verifyTimeoutMs, commandTimeoutMs: o.commandTimeoutMs },
    );
    if (outcome.status === 'verified') o.say(`restarted: ${outcome.summary}\n`);
    else o.err(`mchard: ${f.path}: ${outcome.summary}\n`);
    outcomes.set(f.path, outcome.status);
  }
  return outcomes;
}
