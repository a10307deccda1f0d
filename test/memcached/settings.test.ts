/**
 * memcached's option switch (memcached.c main(), 1.6.18 unless stated; version differences from the git
 * history): duplicates, numeric parsing, and the failures that end start-up while the options are read.
 */
import { run } from '../helpers/argv.js';

function settings(words: string[], version?: string) {
  return run(words, version).applied.settings;
}

function optionFailure(words: string[], version?: string) {
  return run(words, version).applied.failure;
}

describe('duplicates', () => {
  it('counts -v: -v -v is 2, -vvv is 3', () => {
    expect(settings(['-v', '-v']).verbose).toBe(2);
    expect(settings(['-vvv']).verbose).toBe(3);
  });

  it('--verbose=3 increments once: the value is not a level', () => {
    expect(settings(['--verbose=3']).verbose).toBe(1);
    expect(settings(['--verbose', '3']).verbose).toBe(1);
  });

  it('lets the last plain assignment win', () => {
    expect(settings(['-p', '31401', '-p', '31402']).port).toBe(31402);
    expect(settings(['-u', 'nobody', '-u', 'daemon']).username).toBe('daemon');
    expect(settings(['-m', '64', '--memory-limit=128']).memoryMB).toBe(128);
  });

  it('drops an -l value that is a substring of the list so far (strstr), since 1.4.25', () => {
    const r = run(['-l', '127.0.0.11', '-l', '127.0.0.1']);
    expect(r.applied.settings.inter).toBe('127.0.0.11');
    expect(r.applied.droppedListen).toHaveLength(1);
    expect(r.applied.droppedListen[0].within).toBe('127.0.0.11');
    expect(settings(['-l', '127.0.0.11', '-l', '127.0.0.1'], '1.4.24').inter).toBe('127.0.0.11,127.0.0.1');
  });

  it('joins -l values with a comma since 1.4.6; before that the last one won', () => {
    const r = run(['-l', '127.0.0.1', '-l', '::1']);
    expect(r.applied.settings.inter).toBe('127.0.0.1,::1');
    expect(r.applied.listenParts.map((p) => p.offset)).toEqual([0, 10]);
    expect(settings(['-l', '127.0.0.1', '-l', '::1'], '1.4.5').inter).toBe('::1');
  });

  it('accumulates -o: every string is read, a later sub-option replaces an earlier one', () => {
    const s = settings(['-o', 'hot_lru_pct=30,modern', '-o', 'hot_lru_pct=40', '-o', 'idle_timeout=5']);
    expect(s.hotLruPct).toBe(40);
    expect([...s.extended.keys()].sort()).toEqual(['hot_lru_pct', 'idle_timeout', 'modern']);
  });
});

describe('numbers', () => {
  it('reads -m with atoi: 2g is 2 MB, 64M is 64', () => {
    expect(settings(['-m', '2g']).memoryMB).toBe(2);
    expect(settings(['-m', '64M']).memoryMB).toBe(64);
  });

  it('reads -p with atoi: trailing garbage ignored, int truncation, saturation', () => {
    expect(settings(['-p', '21217x']).port).toBe(21217);
    expect(settings(['-p', '4294978507']).port).toBe(11211);
    expect(settings(['-p', '99999999999999999999']).port).toBe(-1);
    expect(settings(['-p', 'abc']).port).toBe(0);
  });

  it('takes "-m" as the value of -p in "-p -m 64": the port is 0 and -m keeps its default', () => {
    const s = settings(['-p', '-m', '64']);
    expect(s.port).toBe(0);
    expect(s.memoryMB).toBe(64);
    expect(s.tcpSpecified).toBe(true);
  });

  it('reads -I with k/K/m/M units, anything else plain atoi', () => {
    expect(settings(['-I', '2k']).itemSizeMax).toBe(2048);
    expect(settings(['-I', '64K']).itemSizeMax).toBe(65536);
    expect(settings(['-I', '1m']).itemSizeMax).toBe(1048576);
    expect(settings(['-I', '2M']).itemSizeMax).toBe(2097152);
    expect(settings(['-I', '2g']).itemSizeMax).toBe(2);
    expect(settings(['-I', '4096']).itemSizeMax).toBe(4096);
  });

  it('multiplies -I in an int that wraps: 4194305k is 1024 bytes', () => {
    expect(settings(['-I', '4194305k']).itemSizeMax).toBe(1024);
    expect(settings(['-I', '2048m']).itemSizeMax).toBe(-2147483648);
  });

  it('reads -a as octal', () => {
    expect(settings([]).access).toBe(0o700);
    expect(settings(['-a', '0660']).access).toBe(0o660);
    expect(settings(['-a', '777']).access).toBe(0o777);
    expect(settings(['-a', 'rw']).access).toBe(0);
  });

  it('reads -f with strtod: hexadecimal works', () => {
    expect(settings(['-f', '0x2']).factor).toBe(2);
    expect(settings(['-f', '1.5']).factor).toBe(1.5);
  });

  it('keeps -U without -p apart in the settings (start-up moves TCP)', () => {
    const s = settings(['-U', '31000']);
    expect(s).toMatchObject({ udpport: 31000, port: 11211, udpSpecified: true, tcpSpecified: false });
  });

  it('does not strip leading blanks before 1.6.32: -B " ascii" is invalid, later it is ascii', () => {
    expect(optionFailure(['-B', ' ascii'])).toMatchObject({ exitCode: 64 });
    expect(optionFailure(['-B', ' ascii'], '1.6.32')).toBeNull();
    expect(settings(['-B', ' ascii'], '1.6.32').protocol).toBe('ascii');
  });
});

describe('failures while reading options', () => {
  it.each([
    [['-c', '0'], 1, 'Maximum connections must be greater than 0'],
    [['-vc', '0'], 1, 'Maximum connections must be greater than 0'],
    [['-c', 'abc'], 1, 'Maximum connections must be greater than 0'],
    [['-t', '0'], 1, 'Number of threads must be greater than 0'],
    [['-t', 'abc'], 1, 'Number of threads must be greater than 0'],
    [['-R', '0'], 1, 'Number of requests per event must be greater than 0'],
    [['-n', '0'], 1, 'Chunk size must be greater than 0'],
    [['-f', '1'], 1, 'Factor must be greater than 1'],
    [['-f', 'abc'], 1, 'Factor must be greater than 1'],
    [['-D', ''], 1, 'No delimiter specified'],
    [['-N', '0'], 1, 'Maximum number of NAPI IDs must be greater than 0'],
    [['-B', 'bogus'], 64, 'Invalid value for binding protocol: bogus'],
    [['-o', 'bogus'], 1, 'Illegal suboption "bogus"'],
    [['-o', 'hashpower=5'], 1, 'hashpower'],
    [['-o', 'lru_crawler_tocrawl=-1'], 1, 'lru_crawler_tocrawl'],
    [['-o', 'hash_algorithm=md5'], 1, 'Unknown hash_algorithm'],
  ])('%j exits %d', (words, exitCode, message) => {
    const f = optionFailure(words);
    expect(f).toMatchObject({ exitCode, certain: true });
    expect(f!.reason).toContain(message);
  });

  it('turns every getopt error into exit 1 ("Illegal argument \\"?\\"")', () => {
    for (const words of [['-x'], ['--mem=64'], ['--enable-shutdown=yes'], ['-p'], ['--bogus']]) {
      expect(optionFailure(words)).toMatchObject({ exitCode: 1 });
    }
  });

  it('stops at the first failure: later options do not matter', () => {
    expect(optionFailure(['-c', '0', '-B', 'bogus'])!.reason).toContain('Maximum connections');
    expect(optionFailure(['-B', 'bogus', '-c', '0'])!.exitCode).toBe(64);
    expect(optionFailure(['-x', '-c', '0'])!.reason).toContain("invalid option -- 'x'");
  });

  it('exits 0 at -h/-V/-i when they come before any failure', () => {
    expect(run(['-h', '-c', '0']).applied.exitsEarly?.spec.short).toBe('h');
    expect(run(['-c', '0', '-h']).applied.exitsEarly).toBeNull();
    expect(run(['-V']).startup).toMatchObject({ ok: false, exitCode: 0 });
  });

  it('refuses -R/-n below zero only since 1.6.24 (before: only exactly 0)', () => {
    expect(optionFailure(['-R', '-1'])).toBeNull();
    expect(optionFailure(['-n', '-5'])).toBeNull();
    expect(optionFailure(['-R', '-1'], '1.6.24')).toMatchObject({ exitCode: 1 });
    expect(optionFailure(['-n', '-5'], '1.6.24')).toMatchObject({ exitCode: 1 });
  });

  it('lets a NaN factor through (C: nan <= 1.0 is false)', () => {
    expect(optionFailure(['-f', 'nan'])).toBeNull();
  });

  it('ignores options after "--" and non-option words', () => {
    expect(optionFailure(['-p', '1', '--', '-c', '0'])).toBeNull();
    expect(optionFailure(['foo', '-p', '1', 'bar'])).toBeNull();
  });
});

describe('-o sub-options by version', () => {
  it('bounds slab_automove_window above only from 1.6.45', () => {
    expect(optionFailure(['-o', 'slab_automove_window=5000'])).toBeNull();
    expect(optionFailure(['-o', 'slab_automove_window=5000'], '1.6.45')).toMatchObject({ exitCode: 1 });
    expect(optionFailure(['-o', 'slab_automove_window=2'])).toMatchObject({ exitCode: 1 });
  });

  it('reads slab_chunk_max in bytes before 1.6.24 and in kilobytes since', () => {
    expect(settings(['-o', 'slab_chunk_max=16384']).slabChunkMax).toBe(16384);
    expect(optionFailure(['-o', 'slab_chunk_max=16384'], '1.6.24')).toMatchObject({ exitCode: 1 });
    expect(settings(['-o', 'slab_chunk_max=16'], '1.6.24').slabChunkMax).toBe(16384);
  });

  it('does not fail on an unreadable slab_chunk_max before 1.6.24 (it leaves 0)', () => {
    expect(optionFailure(['-o', 'slab_chunk_max=abc'])).toBeNull();
    expect(settings(['-o', 'slab_chunk_max=abc']).slabChunkMax).toBe(0);
    expect(optionFailure(['-o', 'slab_chunk_max=abc'], '1.6.24')).toMatchObject({ exitCode: 1 });
  });

  it('crashes (SIGSEGV) on sub-options that pass a missing value to a C string function', () => {
    expect(optionFailure(['-o', 'sock_cookie_id'])).toMatchObject({ exitCode: 139 });
    expect(optionFailure(['-o', 'slab_sizes'])).toMatchObject({ exitCode: 139 });
    expect(optionFailure(['-o', 'slab_chunk_max'])).toMatchObject({ exitCode: 139 });
    expect(optionFailure(['-o', 'slab_chunk_max'], '1.6.24')).toMatchObject({ exitCode: 1 });
  });

  it('accepts any sock_cookie_id value ((void) safe_strtoul)', () => {
    expect(optionFailure(['-o', 'sock_cookie_id=abc'])).toBeNull();
  });

  it('truncates uint32 sub-option values instead of refusing them', () => {
    expect(optionFailure(['-o', 'lru_crawler_tocrawl=4294967296'])).toBeNull();
  });

  it('copies worker_logbuf_size into slab_sizes until 1.6.40 (a missing break)', () => {
    expect(settings(['-o', 'worker_logbuf_size=64']).slabSizes).toBe('64');
    expect(settings(['-o', 'worker_logbuf_size=64'], '1.6.40').slabSizes).toBeNull();
  });
});
