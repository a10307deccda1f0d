/** Signals a test delivers to `mchard fix` in process (the hooks' `signals`), in place of the process's own. */
import { EventEmitter } from 'node:events';
import type { SignalSource } from '../../src/fix/interrupt.js';

export class Signals extends EventEmitter implements SignalSource {
  override on(event: string, fn: () => void): this {
    return super.on(event, fn);
  }
  override off(event: string, fn: () => void): this {
    return super.off(event, fn);
  }
}
