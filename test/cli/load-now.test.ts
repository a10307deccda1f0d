/**
 * A lint over many files awaits nothing per file when the file's dialect is loaded already: perFileNow
 * and loadFileNow answer at once. They are held here to perFile (as it was written before it answered
 * through perFileNow) and loadFile, which they replace in
 * `lint`: the same outcome, the same line on standard error, the same file-being-processed bookkeeping,
 * and a promise only when a dialect must be loaded first.
 */
import { symlinkSync } from 'node:fs';
import fc from 'fast-check';
import { InputError } from '../../src/input.js';
import { failureReason, perFile, perFileNow, type FileOutcome } from '../../src/cli/per-file.js';
import { visible } from '../../src/report/visible.js';
import { loadFile, loadFileNow } from '../../src/cli/files.js';
import { currentFile, type Io } from '../../src/cli/io.js';
import { TempDir } from './helpers.js';

/** perFile as it was written before perFileNow (perFile now answers through perFileNow): the reference. */
async function perFileAsItWas<T>(path: string, io: Io, work: () => Promise<T> | T, suffix = ''): Promise<FileOutcome<T>> {
  const previous = currentFile.path;
  currentFile.path = path;
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    const { reason, internal } = failureReason(e);
    io.err(`mchard: ${visible(path)}: ${reason}${suffix}\n`);
    if (internal && process.env.MCHARD_DEBUG) io.err(`${(e as Error)?.stack}\n`);
    return { ok: false, reason, internal, error: e };
  } finally {
    currentFile.path = previous;
  }
}

function recorder(): { io: Io; err: string[] } {
  const err: string[] = [];
  const io = { out() {}, err: (t: string) => void err.push(t), stdoutStream: {}, stdinIsTTY: false } as unknown as Io;
  return { io, err };
}

type Kind = 'value' | 'input-error' | 'internal-error' | 'resolves' | 'rejects-input' | 'rejects-internal' | 'throws-string';

function work(kind: Kind, path: string, seen: (string | null)[]): () => unknown {
  return () => {
    seen.push(currentFile.path);
    switch (kind) {
      case 'value':
        return { n: 1 };
      case 'input-error':
        throw new InputError(path, 'no such file');
      case 'internal-error':
        throw new TypeError('x is undefined');
      case 'resolves':
        return Promise.resolve({ n: 2 });
      case 'rejects-input':
        return Promise.reject(new InputError(path, 'binary data'));
      case 'rejects-internal':
        return Promise.reject(new RangeError('too deep'));
      case 'throws-string':
        throw 'a string';
    }
  };
}

describe('perFileNow', () => {
  it('gives perFile’s outcome and line (perFile as it was written before), synchronously unless the work is a promise; perFile gives them too', async () => {
    const kinds: Kind[] = ['value', 'input-error', 'internal-error', 'resolves', 'rejects-input', 'rejects-internal', 'throws-string'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...kinds), fc.string({ maxLength: 12 }), fc.option(fc.string({ maxLength: 5 }), { nil: null }), fc.constantFrom('', '; not fixed'), async (kind, path, outer, suffix) => {
        const saved = process.env.MCHARD_DEBUG;
        delete process.env.MCHARD_DEBUG;
        try {
          currentFile.path = outer;
          const a = recorder();
          const seenA: (string | null)[] = [];
          const old = await perFileAsItWas(path, a.io, work(kind, path, seenA), suffix);
          expect(currentFile.path).toBe(outer);
          const c = recorder();
          const viaPerFile = await perFile(path, c.io, work(kind, path, []), suffix);
          expect(currentFile.path).toBe(outer);
          expect(viaPerFile).toEqual(old);
          expect(c.err).toEqual(a.err);
          const b = recorder();
          const seenB: (string | null)[] = [];
          const now = perFileNow(path, b.io, work(kind, path, seenB), suffix);
          const async = kind === 'resolves' || kind === 'rejects-input' || kind === 'rejects-internal';
          expect(now instanceof Promise).toBe(async);
          // While the work runs, and until its promise settles, the file being processed is `path`.
          expect(currentFile.path).toBe(async ? path : outer);
          const got = await now;
          expect(currentFile.path).toBe(outer);
          expect(got).toEqual(old);
          expect(b.err).toEqual(a.err);
          expect(seenB).toEqual(seenA);
          expect(seenB).toEqual([path]);
        } finally {
          currentFile.path = null;
          if (saved !== undefined) process.env.MCHARD_DEBUG = saved;
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('loadFileNow', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
  });
  afterAll(() => tmp.cleanup());

  it('reads as loadFile does; at once for the core’s dialects, a promise for a dialect to load', async () => {
    const files: [string, boolean][] = [
      [tmp.write('a/memcached.conf', '-u memcache\n-l 0.0.0.0\n'), false],
      [tmp.write('b/sysconfig/memcached', 'PORT="11211"\nUSER="memcached"\nOPTIONS="-l 127.0.0.1"\n'), false],
      [tmp.write('c/memcached.service', '[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/memcached -l 0.0.0.0\n'), true],
    ];
    for (const [path, loads] of files) {
      const now = loadFileNow(path, undefined, { followLinks: false });
      expect(now instanceof Promise).toBe(loads);
      expect(await now).toEqual(await loadFile(path, undefined, { followLinks: false }));
    }
    // Once loaded, a unit too is read at once.
    expect(loadFileNow(files[2][0]) instanceof Promise).toBe(false);
  });

  it('throws what loadFile rejects with', async () => {
    const script = tmp.write('d/memcached.conf', '#!/bin/sh\nexec memcached\n');
    const link = `${tmp.join('e')}/memcached.conf`;
    tmp.write('e/x', '');
    symlinkSync('/etc/passwd', link);
    for (const path of [script, tmp.join('missing.conf'), link]) {
      let thrown: unknown = null;
      try {
        loadFileNow(path, undefined, { followLinks: false });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InputError);
      await expect(loadFile(path, undefined, { followLinks: false })).rejects.toEqual(thrown);
    }
  });
});
