/**
 * Asking before a file is written or a service restarted: an enquirer Confirm prompt (y or n; Enter takes
 * the default, no). It reads as a question and its answer: `? Write these changes to FILE? [y/N]`, then
 * `✔ … · yes` or `✖ … · no`, and `✖ … · interrupted` after Ctrl-C.
 *
 * Ctrl-C at the prompt (a key in the terminal's raw mode, not a signal) and a signal that arrives while it
 * is shown answer "interrupted": the caller stops the whole command. The end of the input answers "no".
 * Enquirer's own exit handlers (which end the process on SIGINT and SIGTERM while a prompt is shown) are
 * left out: `mchard fix` decides what a signal means (src/fix/interrupt.ts). Enquirer is loaded only here,
 * so commands that never ask never load it.
 */
import type { Readable, Writable } from 'node:stream';
import { paint } from '../report/color.js';
import { visible } from '../report/visible.js';
import type { Interrupts } from './interrupt.js';

export type Answer = 'yes' | 'no' | 'interrupted';

export interface ConfirmOptions {
  stdin?: Readable;
  /** Where the prompt is drawn (standard error when standard output carries a JSON report). */
  stdout?: Writable;
  color?: boolean;
  /** A signal while the prompt is shown cancels it. */
  interrupts?: Interrupts;
}

interface PromptState {
  status: 'pending' | 'submitted' | 'cancelled';
  closed: boolean;
  input: string;
  size: number;
  prompt: string;
}

interface ConfirmPrompt {
  state: PromptState;
  stdout: Writable;
  value: boolean;
  run(): Promise<boolean>;
  cancel(): Promise<void>;
  on(event: string, fn: (...args: unknown[]) => void): unknown;
  cast(input: unknown): boolean;
  clear(lines?: number): void;
  write(text: string): void;
  restore(): void;
  emit(event: string, ...args: unknown[]): boolean;
}
type ConfirmCtor = new (options: Record<string, unknown>) => ConfirmPrompt;

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

let promptClass: ConfirmCtor | null = null;

/** Enquirer's Confirm, drawn by mchard: no exit handlers of its own, "yes"/"no" as the answer. */
async function mchardConfirm(): Promise<ConfirmCtor> {
  if (promptClass) return promptClass;
  const mod = (await import('enquirer')) as unknown as { default?: { Confirm: ConfirmCtor }; Confirm?: ConfirmCtor };
  const Confirm = mod.default?.Confirm ?? mod.Confirm;
  if (!Confirm) throw new Error('enquirer has no Confirm prompt');
  class MchardConfirm extends Confirm {
    /** Enquirer hides the cursor and registers SIGINT/SIGTERM handlers that exit; mchard only hides it. */
    cursorHide(): void {
      this.stdout.write(HIDE_CURSOR);
      this.on('close', () => this.stdout.write(SHOW_CURSOR));
    }

    /** The cursor stays where the line ends: after the question, or after the answer. */
    override restore(): void {}

    /** The answer's line ends (enquirer computes it from the terminal's width, which a pseudo-terminal may give as 0). */
    async close(): Promise<void> {
      this.state.closed = true;
      this.stdout.write('\n');
      this.emit('close');
    }

    async render(): Promise<void> {
      const opts = (this as unknown as { options: { message: string; color: boolean } }).options;
      const c = paint(opts.color);
      const { status, size } = this.state;
      this.value = this.cast(this.state.input);
      const message = c.bold(opts.message);
      let line: string;
      if (status === 'pending') {
        line = `${c.cyan('?')} ${message} ${c.dim('[y/N]')} `;
        this.state.prompt = line;
      } else if (status === 'cancelled') {
        line = `${c.red('✖')} ${message} ${c.dim('·')} ${c.red('interrupted')}`;
      } else if (this.value) {
        line = `${c.green('✔')} ${message} ${c.dim('·')} ${c.green('yes')}`;
      } else {
        line = `${c.yellow('✖')} ${message} ${c.dim('·')} no`;
      }
      this.clear(size);
      this.write(line);
      this.restore();
    }
  }
  promptClass = MchardConfirm as unknown as ConfirmCtor;
  return promptClass;
}

export async function confirm(message: string, opts: ConfirmOptions = {}): Promise<Answer> {
  const input = opts.stdin ?? process.stdin;
  // Input that has already ended cannot answer: no.
  if (input.readableEnded) return 'no';
  const Prompt = await mchardConfirm();
  const prompt = new Prompt({
    name: 'confirm',
    // The question names a file: the prompt writes it to the terminal itself, past mchard's own guard.
    message: visible(message),
    initial: false,
    color: opts.color ?? false,
    stdin: input,
    ...(opts.stdout ? { stdout: opts.stdout } : {}),
  });
  let ended = false;
  // Input that ends before an answer is a refusal, not a hang.
  const onEnd = () => {
    ended = true;
    void prompt.cancel().catch(() => undefined);
  };
  input.once('end', onEnd);
  const stopWatching = opts.interrupts?.onSignal(() => void prompt.cancel().catch(() => undefined)) ?? (() => undefined);
  try {
    return (await prompt.run()) === true ? 'yes' : 'no';
  } catch {
    if (ended && !opts.interrupts?.stopped) return 'no';
    // Ctrl-C typed at the prompt, or a signal.
    if (opts.interrupts && !opts.interrupts.stopped) opts.interrupts.record('SIGINT');
    return 'interrupted';
  } finally {
    stopWatching();
    input.off('end', onEnd);
  }
}
