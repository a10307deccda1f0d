/**
 * Signals during `mchard fix` (SIGINT from Ctrl-C, SIGTERM, SIGHUP). mchard never dies in the middle of
 * something it must finish: the handlers only record the signal and tell whoever is waiting (a prompt is
 * cancelled, a verification stops polling); the command then winds down on its own terms.
 *
 * While nothing is at stake (planning, a prompt) the first signal stops the command (nothing more is
 * written; the command says so as it ends) and a second one ends the process at once. Once a file is written whose service mchard is
 * restarting, a section is "guarded": the first signal means "roll back, then stop" (the original file
 * back, the service restarted with it and verified), the second is reported and otherwise ignored, and
 * the third ends the process at once, saying loudly what state it leaves and where the backup is.
 *
 * The exit status of an interrupted run is 128 + the first signal's number, as shells report it: 130 for
 * SIGINT, 143 for SIGTERM, 129 for SIGHUP.
 */
import { visible } from '../report/visible.js';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

const NUMBER: Record<StopSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

export function signalExitCode(sig: StopSignal): number {
  return 128 + NUMBER[sig];
}

/** Where signals come from: the process, or an event emitter in tests. */
export interface SignalSource {
  on(event: StopSignal, fn: () => void): unknown;
  off(event: StopSignal, fn: () => void): unknown;
}

/** What signals mean inside a guarded section: the messages for the first, second and last signal. */
export interface Guard {
  /** The first signal: what mchard will do before it stops. */
  first(sig: StopSignal): string;
  /** A second signal: reported, not obeyed. */
  again(sig: StopSignal): string;
  /** The third signal: the process ends now; what it leaves behind and how to repair it. */
  abort(sig: StopSignal): string;
}

export interface InterruptOptions {
  source?: SignalSource;
  /** Where the messages go (standard error). */
  say(text: string): void;
  /** Ends the process at once (process.exit in the program). */
  exit(code: number): void;
}

export class Interrupts {
  /** The first signal received, or null. */
  signal: StopSignal | null = null;
  count = 0;
  private readonly waiters = new Set<(sig: StopSignal) => void>();
  private guards: Guard[] = [];
  private readonly handlers = new Map<StopSignal, () => void>();
  private readonly source: SignalSource;

  constructor(private readonly opts: InterruptOptions) {
    this.source = opts.source ?? process;
  }

  /** Starts catching the signals (until `uninstall`). */
  install(): this {
    for (const sig of STOP_SIGNALS) {
      const fn = () => this.receive(sig);
      this.handlers.set(sig, fn);
      this.source.on(sig, fn);
    }
    return this;
  }

  uninstall(): void {
    for (const [sig, fn] of this.handlers) this.source.off(sig, fn);
    this.handlers.clear();
    this.waiters.clear();
  }

  /** A signal has arrived: the command must stop once it has put things back. */
  get stopped(): boolean {
    return this.signal !== null;
  }

  /** The exit status for an interrupted run (128 + the first signal's number). */
  get exitCode(): number {
    return this.signal ? signalExitCode(this.signal) : 0;
  }

  /** Calls `fn` on the next signals until the returned function is called (a prompt to cancel, a wait to cut short). */
  onSignal(fn: (sig: StopSignal) => void): () => void {
    this.waiters.add(fn);
    return () => void this.waiters.delete(fn);
  }

  /** Runs `work` as a guarded section (sections nest: the innermost guard speaks). */
  async guarded<T>(guard: Guard, work: () => Promise<T>): Promise<T> {
    this.guards.push(guard);
    try {
      return await work();
    } finally {
      this.guards.splice(this.guards.lastIndexOf(guard), 1);
    }
  }

  /**
   * Ctrl-C typed at a prompt: the terminal is in raw mode there, so it arrives as a key, not as SIGINT;
   * it counts as SIGINT all the same.
   */
  record(sig: StopSignal): void {
    this.count++;
    this.signal ??= sig;
  }

  private receive(sig: StopSignal): void {
    this.count++;
    this.signal ??= sig;
    const guard = this.guards.at(-1);
    if (guard) {
      if (this.count === 1) this.opts.say(`mchard: ${visible(guard.first(sig))}\n`);
      else if (this.count === 2) this.opts.say(`mchard: ${visible(guard.again(sig))}\n`);
      else {
        this.opts.say(`mchard: ${visible(guard.abort(sig))}\n`);
        this.opts.exit(this.exitCode);
        return;
      }
    } else if (this.count > 1) {
      this.opts.say(`mchard: ${sig} again: stopped at once\n`);
      this.opts.exit(this.exitCode);
      return;
    }
    for (const w of [...this.waiters]) w(sig);
  }
}
