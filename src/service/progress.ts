/**
 * Progress of the restart: each step says what it does and how it ended. On a terminal a step shows
 * "… doing" and the line is rewritten with its result; otherwise one plain line per finished step, which
 * logs and CI read well. Details (what was proven, the service's error) follow as indented lines.
 */
import { paint } from '../report/color.js';
import { visible } from '../report/visible.js';

export interface ProgressOptions {
  write(text: string): void;
  tty: boolean;
  color: boolean;
  now?: () => number;
}

export interface Step {
  ok(detail?: string): void;
  fail(detail?: string): void;
}

export class Progress {
  private readonly c: ReturnType<typeof paint>;
  private readonly now: () => number;

  constructor(private readonly opts: ProgressOptions) {
    this.c = paint(opts.color);
    this.now = opts.now ?? Date.now;
  }

  /** Labels, details and lines name files and units and quote the service's own log: shown through `visible`. */
  start(rawLabel: string): Step {
    const label = visible(rawLabel);
    const began = this.now();
    if (this.opts.tty) this.opts.write(`  ${this.c.dim('…')} ${label}`);
    const end = (ok: boolean, detail?: string) => {
      const secs = ((this.now() - began) / 1000).toFixed(1);
      const mark = ok ? this.c.green(this.opts.tty ? '✓' : 'ok') : this.c.red(this.opts.tty ? '✗' : 'failed');
      const tail = `${detail ? `: ${visible(detail)}` : ''} (${secs} s)`;
      if (this.opts.tty) this.opts.write(`\r\x1b[2K  ${mark} ${label}${tail}\n`);
      else this.opts.write(`${mark}: ${label}${tail}\n`);
    };
    return { ok: (d) => end(true, d), fail: (d) => end(false, d) };
  }

  /** Indented detail lines under the last step. */
  detail(lines: readonly string[] | string): void {
    const list = typeof lines === 'string' ? lines.split('\n') : lines;
    for (const l of list) if (l.trim()) this.opts.write(`    ${visible(l)}\n`);
  }

  line(text: string): void {
    this.opts.write(`${visible(text)}\n`);
  }
}
