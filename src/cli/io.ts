/** Where a command writes: real streams in the program, buffers in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  stdoutStream: { isTTY?: boolean };
  stdinIsTTY: boolean;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  stdoutStream: process.stdout,
  stdinIsTTY: process.stdin.isTTY === true,
};
