/**
 * mchard writes its output with synchronous writes to file descriptors 1 and 2, never creating
 * process.stdout (src/cli/io.ts, fdWriter). These tests prove the fallbacks: a descriptor in
 * non-blocking mode whose pipe is full (EAGAIN) hands the rest to Node.js's stream, and all of the
 * output still arrives, in order; a reader that has gone (EPIPE) drops the rest quietly; any other error
 * falls back to the stream. The real case runs the built executable with its standard output on a real
 * pipe set O_NONBLOCK by the parent (Python's os.set_blocking: Node.js's spawn would make it blocking
 * again), waits until the pipe is full while mchard is still running, and only then reads.
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fdWriter, type FdSink } from '../../src/cli/io.js';
import { BIN, ensureBuilt, TempDir } from './helpers.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

/** A sink recording what each side got; `plan` says what each writeSync call does. */
function fakeSink(plan: (data: Uint8Array, call: number) => number) {
  const fdBytes: Buffer[] = [];
  const streamed: string[] = [];
  const handlers: ((e: NodeJS.ErrnoException) => void)[] = [];
  let calls = 0;
  let streams = 0;
  const sink: FdSink = {
    writeSync: (_fd, data) => {
      const n = plan(data, calls++);
      fdBytes.push(Buffer.from(data.subarray(0, n)));
      return n;
    },
    stream: () => {
      streams++;
      return {
        write: (d: string | Uint8Array) => void streamed.push(typeof d === 'string' ? d : Buffer.from(d).toString('utf8')),
        on: (_: 'error', h: (e: NodeJS.ErrnoException) => void) => void handlers.push(h),
      } as unknown as ReturnType<FdSink['stream']>;
    },
  };
  return { sink, fd: () => Buffer.concat(fdBytes).toString('utf8'), streamed, handlers, streams: () => streams, calls: () => calls };
}

describe('fdWriter', () => {
  it('writes everything to the descriptor, looping over partial writes, and never makes the stream', () => {
    const s = fakeSink((d) => Math.min(3, d.length));
    const w = fdWriter(1, s.sink);
    w('hello, wörld\n');
    w('second\n');
    expect(s.fd()).toBe('hello, wörld\nsecond\n');
    expect(s.streams()).toBe(0);
  });

  it('writes bytes as they are, between text, in order (the SARIF rules the build made: Io.outBytes)', () => {
    const s = fakeSink((d) => Math.min(5, d.length));
    const w = fdWriter(1, s.sink);
    const bytes = Buffer.from('[\u2014 bytes \u2192]', 'utf8');
    w('before ');
    w(bytes.subarray(1));
    w(' after\n');
    expect(s.fd()).toBe('before \u2014 bytes \u2192] after\n');
    expect(s.streams()).toBe(0);
  });

  it('EAGAIN in the middle of bytes: the rest of them go through the stream, as bytes, in order', () => {
    const s = fakeSink((d, call) => {
      if (call === 0) return d.length;
      if (call === 1) return 2;
      throw errno('EAGAIN');
    });
    const w = fdWriter(1, s.sink);
    w('text ');
    w(Buffer.from('0123456789', 'utf8'));
    w(' end\n');
    expect(s.fd()).toBe('text 01');
    expect(s.streamed.join('')).toBe('23456789 end\n');
  });

  it('EAGAIN (a full non-blocking pipe): what was not written, and all that follows, goes through the stream in order', () => {
    const s = fakeSink((d, call) => {
      if (call === 0) return 4;
      throw errno('EAGAIN');
    });
    const w = fdWriter(1, s.sink);
    w('abcdefgh\n');
    w('next\n');
    w('last\n');
    expect(s.fd()).toBe('abcd');
    expect(s.streamed.join('')).toBe('efgh\nnext\nlast\n');
    expect(s.calls()).toBe(2);
    expect(s.streams()).toBe(1);
  });

  it('EPIPE or EIO: the rest is dropped quietly, no stream is made', () => {
    for (const code of ['EPIPE', 'EIO']) {
      const s = fakeSink(() => {
        throw errno(code);
      });
      const w = fdWriter(1, s.sink);
      w('a\n');
      w('b\n');
      expect(s.calls()).toBe(1);
      expect(s.streams()).toBe(0);
    }
  });

  it('not direct (not Linux): everything goes through the stream', () => {
    const s = fakeSink((d) => d.length);
    const w = fdWriter(1, s.sink, false);
    w('a\n');
    w('b\n');
    expect(s.calls()).toBe(0);
    expect(s.streamed).toEqual(['a\n', 'b\n']);
  });

  it('EINTR is retried; another error (a closed descriptor) hands the text to the stream', () => {
    const s = fakeSink((d, call) => {
      if (call === 0) throw errno('EINTR');
      if (call === 1) throw errno('EBADF');
      return d.length;
    });
    const w = fdWriter(2, s.sink);
    w('x\n');
    expect(s.streamed).toEqual(['x\n']);
  });

  it("the stream's EPIPE stops the output; its other errors stay fatal", () => {
    const s = fakeSink(() => {
      throw errno('EAGAIN');
    });
    const w = fdWriter(1, s.sink);
    w('one\n');
    expect(() => s.handlers[0](errno('ENOSPC'))).toThrow('ENOSPC');
    s.handlers[0](errno('EPIPE'));
    w('two\n');
    expect(s.streamed).toEqual(['one\n']);
  });
});

/** Runs a command with its standard output on a non-blocking pipe that is read only once it is full. */
const HARNESS = String.raw`
import fcntl, hashlib, json, os, struct, subprocess, sys, termios, time
r, w = os.pipe()
os.set_blocking(w, False)
p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
os.close(w)
def queued():
    return struct.unpack('i', fcntl.ioctl(r, termios.FIONREAD, b'\0\0\0\0'))[0]
size = fcntl.fcntl(r, 1032)  # F_GETPIPE_SZ
# Full: less than a page left. A pipe is 16 page slots, and a large write only merges into the last
# page what is beyond whole pages, so a pipe whose first slot holds a short write stops a large one
# with up to a page free (15 slots and that short write queued).
page = os.sysconf('SC_PAGE_SIZE')
deadline = time.time() + 60
while queued() <= size - page and p.poll() is None and time.time() < deadline:
    time.sleep(0.01)
before = queued()
time.sleep(0.3)
running = p.poll() is None
# And nothing more came while the writer went on running: it was waiting for the reader.
full = before > size - page and queued() == before
data = b''
while True:
    chunk = os.read(r, 1 << 16)
    if not chunk:
        break
    data += chunk
err = p.stderr.read().decode('utf-8', 'replace')
print(json.dumps({'full': full, 'runningWhenFull': running, 'status': p.wait(), 'length': len(data), 'sha': hashlib.sha256(data).hexdigest(), 'err': err}))
`;

function throughFullPipe(cmd: string[]): { full: boolean; runningWhenFull: boolean; status: number; length: number; sha: string; err: string } {
  const r = spawnSync('python3', ['-c', HARNESS, ...cmd], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`harness failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('the built executable on a full non-blocking pipe', () => {
  let tmp: TempDir;
  let big: string;
  beforeAll(() => {
    ensureBuilt();
    tmp = new TempDir('mchard-nbpipe-');
    const lines = ['-u memcache', '-l 127.0.0.1', '-U 0'];
    for (let k = 0; k < 8000; k++) lines.push(`-m ${64 + k}`);
    big = tmp.write('memcached.conf', lines.join('\n') + '\n');
  }, 180_000);
  afterAll(() => tmp?.cleanup());
  jest.setTimeout(180_000);

  it('control: the harness really gives a full non-blocking pipe (a plain synchronous write gets EAGAIN)', () => {
    const r = throughFullPipe([process.execPath, '-e', "try { for (let k = 0; k < 64; k++) require('fs').writeSync(1, Buffer.alloc(1 << 16, 120)); } catch (e) { process.stderr.write(e.code); }"]);
    expect(r.err).toBe('EAGAIN');
  });

  it('inspect of several files: all of the output arrives, the same as written to a file, exit status kept (bin/mchard.js ends a finished inspect early only when nothing waits)', () => {
    const file = tmp.join('expected-inspect.out');
    const direct = spawnSync('sh', ['-c', `"$0" "$1" inspect --format json "$2" "$2" "$2" "$2" > "$3"`, process.execPath, BIN, big, file], { env: { ...process.env, NO_COLOR: '1' } });
    const expected = readFileSync(file);
    expect(expected.length).toBeGreaterThan(1 << 18);
    const r = throughFullPipe([process.execPath, BIN, 'inspect', '--format', 'json', big, big, big, big]);
    expect(r.full).toBe(true);
    expect(r.runningWhenFull).toBe(true);
    expect(r.err).toBe('');
    expect(r.status).toBe(direct.status);
    expect(r.length).toBe(expected.length);
    expect(r.sha).toBe(createHash('sha256').update(expected).digest('hex'));
  });

  it.each([['text'], ['json'], ['sarif']])('lint --format %s: all of the output arrives, the same as written to a file, exit status kept', (format) => {
    const file = tmp.join(`expected-${format}.out`);
    const direct = spawnSync('sh', ['-c', `"$0" "$1" lint --format "$2" "$3" > "$4"`, process.execPath, BIN, format, big, file], { env: { ...process.env, NO_COLOR: '1' } });
    const expected = readFileSync(file);
    expect(expected.length).toBeGreaterThan(1 << 18);
    const r = throughFullPipe([process.execPath, BIN, 'lint', '--format', format, big]);
    expect(r.full).toBe(true);
    expect(r.runningWhenFull).toBe(true);
    expect(r.err).toBe('');
    expect(r.status).toBe(direct.status);
    expect(r.length).toBe(expected.length);
    expect(r.sha).toBe(createHash('sha256').update(expected).digest('hex'));
  });
});
