/**
 * Asking before a file is written: an enquirer Confirm prompt (answer with y or n; Enter takes the
 * default, no). Enquirer is loaded only here, so commands that never ask never load it. Interrupting
 * the prompt (Ctrl-C, end of input) counts as no.
 */
import type { Readable, Writable } from 'node:stream';
import { visible } from '../report/visible.js';

export interface ConfirmStreams {
  stdin?: Readable;
  stdout?: Writable;
}

interface ConfirmPrompt {
  run(): Promise<boolean>;
  cancel(): Promise<void>;
  on(event: string, fn: (...args: unknown[]) => void): unknown;
}
type ConfirmCtor = new (options: Record<string, unknown>) => ConfirmPrompt;

export async function confirm(message: string, streams: ConfirmStreams = {}): Promise<boolean> {
  const mod = (await import('enquirer')) as unknown as { default?: { Confirm: ConfirmCtor }; Confirm?: ConfirmCtor };
  const Confirm = mod.default?.Confirm ?? mod.Confirm;
  if (!Confirm) throw new Error('enquirer has no Confirm prompt');
  const prompt = new Confirm({
    name: 'write',
    // The question names a file: enquirer writes it to the terminal itself, past mchard's own guard.
    message: visible(message),
    initial: false,
    ...(streams.stdin ? { stdin: streams.stdin } : {}),
    ...(streams.stdout ? { stdout: streams.stdout } : {}),
  });
  const input = streams.stdin ?? process.stdin;
  // Input that ends before an answer is a refusal, not a hang.
  const onEnd = () => void prompt.cancel().catch(() => undefined);
  input.once('end', onEnd);
  try {
    return (await prompt.run()) === true;
  } catch {
    return false;
  } finally {
    input.off('end', onEnd);
  }
}
