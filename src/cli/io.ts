import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
/**
 * The file a command is working on, for the message of a failure that escapes every per-file handler
 * (src/cli/main.ts). Commands set it as they go (`src/cli/per-file.ts`).
 */
export const currentFile: { path: string | null } = { path: null };

/** Where a command writes: real streams in the program, buffers in tests. */
export interface Io {
  out(text: string): void;
  /**
   * Bytes for standard output that the build made and checked against the terminal guard (the SARIF
   * rules' descriptors): written as they are. Absent where output is captured as text (tests, the
   * language server): the report then writes the same as text through `out`.
   */
  outBytes?(data: Uint8Array): void;
  err(text: string): void;
  stdoutStream: { isTTY?: boolean };
  stdinIsTTY: boolean;
}

/** What a writer needs from the world: the file descriptor's write, and the stream to fall back on. */
export interface FdSink {
  /** fs.writeSync: bytes written (maybe fewer than given), or throws (EAGAIN, EPIPE, ...). */
  writeSync(fd: number, data: Uint8Array): number;
  /** The Node.js stream for the descriptor, created only when a fallback needs it. */
  stream(): NodeJS.WritableStream & { on(event: 'error', listener: (e: NodeJS.ErrnoException) => void): unknown };
}

/**
 * Writes to a standard stream's file descriptor, synchronously, without creating Node.js's stream
 * (process.stdout loads the stream, net and tty modules: milliseconds of every start). On Linux Node.js
 * writes pipes, files and terminals synchronously anyway, so the order and completeness of the output are
 * the same, also beside a prompt that writes to process.stdout itself (fix). Elsewhere (`direct`
 * false: macOS writes pipes asynchronously) everything goes through the stream, as before.
 *
 * A descriptor in non-blocking mode (a parent process set O_NONBLOCK on a pipe it shares) answers EAGAIN
 * when the pipe is full: what was not written, and everything after it, then goes through the Node.js
 * stream, which waits for the reader (and keeps the process alive until all is written). Any other
 * error but EPIPE/EIO (a closed descriptor, say) also hands the text to the stream, as mchard did before.
 *
 * Once the reader has gone (EPIPE: `mchard lint | head` after head exits; EIO: the terminal was closed),
 * the rest of the output is dropped, quietly: the command still finishes and exits with its own status,
 * as if its output had been read. Any other write error of the stream stays fatal, as it was.
 */
export function fdWriter(fd: number, sink: FdSink, direct = true): (text: string | Uint8Array) => void {
  let gone = false;
  let stream: ReturnType<FdSink['stream']> | null = null;
  const viaStream = (data: string | Uint8Array) => {
    if (!stream) {
      stream = sink.stream();
      stream.on('error', (e: NodeJS.ErrnoException) => {
        // EIO: the terminal hung up (SIGHUP), while `mchard fix` may still be rolling a service back.
        if (e.code !== 'EPIPE' && e.code !== 'EIO') throw e;
        gone = true;
      });
    }
    stream.write(data);
  };
  return (text) => {
    if (gone || text.length === 0) return;
    if (stream || !direct) return viaStream(text);
    let data = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    while (data.length > 0) {
      let n: number;
      try {
        n = sink.writeSync(fd, data);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE' || code === 'EIO') {
          gone = true;
          return;
        }
        if (code === 'EINTR') continue;
        // EAGAIN (a full non-blocking pipe), or anything else: the stream takes over from here.
        return viaStream(data);
      }
      data = data.subarray(n);
    }
  };
}

/**
 * Whether a descriptor is a terminal, cheaply: a pipe, a file or a socket (fstat) never is; only a
 * character device (a terminal, or /dev/null as under cron, systemd or a benchmark) is asked.
 */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return ttyBinding()?.(fd) ?? (lazyRequire('node:tty') as typeof import('node:tty')).isatty(fd);
}

/**
 * isatty(3) without the tty module: node:tty loads node:net and the whole stream stack, about 4 ms of
 * every start whose output is a terminal or /dev/null. Node.js's own tty.isatty is this binding's isTTY
 * behind an integer check. process.binding is deprecated in documentation only; it warns under
 * --pending-deprecation, so then (or when the binding is gone, in some later Node.js) tty.isatty answers.
 */
export function ttyBinding(env = process.env, execArgv = process.execArgv): ((fd: number) => boolean) | null {
  const pending = (flags: string): boolean => /(^|\s)--pending-deprecation(\s|=|$)/.test(flags);
  if (env.NODE_PENDING_DEPRECATION === '1' || pending(execArgv.join(' ')) || pending(env.NODE_OPTIONS ?? '')) return null;
  try {
    const binding = (process as unknown as { binding(name: string): { isTTY?: unknown } }).binding('tty_wrap');
    const isTTY = binding.isTTY;
    return typeof isTTY === 'function' ? (fd) => isTTY.call(binding, fd) === true : null;
  } catch {
    return null;
  }
}

const lazyRequire = (id: string): unknown => createRequire(import.meta.url)(id);

const stdoutTTY = { known: false, value: false };
/** Whether Node.js's own standard streams are synchronous for files, pipes and terminals alike. */
const DIRECT = process.platform === 'linux';

// Getters: process.stdin is created on first use, and most commands never read standard input (making
// its stream costs a start-up a millisecond or two); process.stdout and process.stderr only when a
// write must fall back to them (fdWriter).
const stdoutWriter = fdWriter(1, { writeSync, stream: () => process.stdout }, DIRECT);
export const processIo: Io = {
  out: stdoutWriter,
  outBytes: stdoutWriter,
  err: fdWriter(2, { writeSync, stream: () => process.stderr }, DIRECT),
  stdoutStream: {
    get isTTY() {
      if (!stdoutTTY.known) Object.assign(stdoutTTY, { known: true, value: isTerminal(1) });
      return stdoutTTY.value;
    },
  },
  get stdinIsTTY() {
    return process.stdin.isTTY === true;
  },
};
