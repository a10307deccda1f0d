/**
 * The file a command is working on, for the message of a failure that escapes every per-file handler
 * (src/cli/main.ts). Commands set it as they go (`src/cli/per-file.ts`).
 */
export const currentFile: { path: string | null } = { path: null };

/** Where a command writes: real streams in the program, buffers in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  stdoutStream: { isTTY?: boolean };
  stdinIsTTY: boolean;
}

/**
 * Writes to a standard stream. Once the reader has gone (EPIPE: `mchard lint | head` after head exits;
 * EIO: the terminal was closed),
 * the rest of the output is dropped, quietly: the command still finishes and exits with its own status,
 * as if its output had been read. Any other write error stays fatal, as it was.
 */
function writerTo(stream: () => NodeJS.WriteStream): (text: string) => void {
  let watched = false;
  let gone = false;
  return (text) => {
    if (gone) return;
    const s = stream();
    if (!watched) {
      watched = true;
      s.on('error', (e: NodeJS.ErrnoException) => {
        // EIO: the terminal hung up (SIGHUP), while `mchard fix` may still be rolling a service back.
        if (e.code !== 'EPIPE' && e.code !== 'EIO') throw e;
        gone = true;
      });
    }
    s.write(text);
  };
}

// Getters: process.stdin and process.stdout are created on first use, and most commands never read
// standard input (making its stream costs a start-up a millisecond or two).
export const processIo: Io = {
  out: writerTo(() => process.stdout),
  err: writerTo(() => process.stderr),
  get stdoutStream() {
    return process.stdout;
  },
  get stdinIsTTY() {
    return process.stdin.isTTY === true;
  },
};
