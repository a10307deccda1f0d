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
import { throughFullPipe } from '../helpers/full-pipe.js';

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

describe('the built executable on a full non-blocking pipe', () => {
  let tmp: TempDir;
  let big: string;
  const bigs: string[] = [];
  beforeAll(() => {
    ensureBuilt();
    tmp = new TempDir('mchard-nbpipe-');
    const lines = ['-u memcache', '-l 127.0.0.1', '-U 0'];
    for (let k = 0; k < 8000; k++) lines.push(`-m ${64 + k}`);
    big = tmp.write('memcached.conf', lines.join('\n') + '\n');
    // inspect shows one file named twice once: four files of their own.
    for (let k = 2; k <= 4; k++) bigs.push(tmp.write(`memcached-${k}.conf`, lines.join('\n') + '\n'));
  }, 180_000);
  afterAll(() => tmp?.cleanup());
  jest.setTimeout(180_000);

  it('control: the harness really gives a full non-blocking pipe (a plain synchronous write gets EAGAIN)', () => {
    const r = throughFullPipe([process.execPath, '-e', "try { for (let k = 0; k < 64; k++) require('fs').writeSync(1, Buffer.alloc(1 << 16, 120)); } catch (e) { process.stderr.write(e.code); }"]);
    expect(r.err).toBe('EAGAIN');
  });

  // inspect too: bin/mchard.js ends a finished lint or inspect early, only when no write waits.
  it.each([
    // --all-findings: a report lists at most 1000 findings of a file otherwise (capFindings).
    ['lint --format text', ['lint', '--all-findings', '--format', 'text', 'BIG']],
    ['lint --format json', ['lint', '--all-findings', '--format', 'json', 'BIG']],
    ['lint --format sarif', ['lint', '--all-findings', '--format', 'sarif', 'BIG']],
    ['inspect --format json of four files', ['inspect', '--format', 'json', 'BIG', 'BIG2', 'BIG3', 'BIG4']],
  ])('%s: all of the output arrives, the same as written to a file, exit status kept', (name, template) => {
    const args = template.map((a) => (a === 'BIG' ? big : /^BIG\d$/.test(a) ? bigs[Number(a[3]) - 2] : a));
    const file = tmp.join(`expected-${name.replace(/\W+/g, '-')}.out`);
    const direct = spawnSync('sh', ['-c', '"$0" "$@" > "$OUT"', process.execPath, BIN, ...args], { env: { ...process.env, NO_COLOR: '1', OUT: file } });
    const expected = readFileSync(file);
    expect(expected.length).toBeGreaterThan(1 << 18);
    const r = throughFullPipe([process.execPath, BIN, ...args]);
    expect(r.full).toBe(true);
    expect(r.runningWhenFull).toBe(true);
    expect(r.err).toBe('');
    expect(r.status).toBe(direct.status);
    expect(r.length).toBe(expected.length);
    expect(r.sha).toBe(createHash('sha256').update(expected).digest('hex'));
  });
});
