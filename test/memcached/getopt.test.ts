/**
 * GNU getopt_long as memcached calls it. Expectations come from glibc's getopt (permuting, no leading
 * `+`/`:` in the optstring, the glibc 2.36 message texts) and memcached.c's option tables, not from the
 * code under test.
 */
import { getopt, type GetoptEvent, type OptionEvent, type ErrorEvent } from '../../src/memcached/getopt.js';
import { argv, v } from '../helpers/argv.js';
import fc from 'fast-check';
import { longOptionsAfresh, longOptionsFor } from '../../src/memcached/getopt.js';
import type { Version } from '../../src/memcached/version.js';

function parse(words: string[], version = '1.6.18') {
  return getopt(argv(...words), v(version));
}

function options(events: GetoptEvent[]): [string, string | null][] {
  return events.filter((e): e is OptionEvent => e.kind === 'option').map((e) => [e.spec.short, e.value]);
}

function errors(events: GetoptEvent[]): ErrorEvent[] {
  return events.filter((e): e is ErrorEvent => e.kind === 'error');
}

describe('getopt: short options', () => {
  it('splits a cluster of flags: -vk', () => {
    expect(options(parse(['-vk']).events)).toEqual([['v', null], ['k', null]]);
  });

  it('lets the last letter of a cluster take the next word: -vc 0', () => {
    const r = parse(['-vc', '0']);
    expect(options(r.events)).toEqual([['v', null], ['c', '0']]);
    const c = r.events[1] as OptionEvent;
    expect(c.index).toBe(0);
    expect(c.valueIndex).toBe(1);
    expect(c.clusterOffset).toBe(2);
  });

  it('takes the rest of the word as an attached value: -p11211 and -vp11211', () => {
    const r = parse(['-p11211']);
    expect(options(r.events)).toEqual([['p', '11211']]);
    expect((r.events[0] as OptionEvent).valueIndex).toBe(0);
    expect(options(parse(['-vp11211']).events)).toEqual([['v', null], ['p', '11211']]);
  });

  it('takes the next word whatever it looks like: -p -m takes "-m" as the port', () => {
    const r = parse(['-p', '-m', '64']);
    expect(options(r.events)).toEqual([['p', '-m']]);
    expect(r.events[1]).toMatchObject({ kind: 'ignored', index: 2, reason: 'non-option' });
  });

  it('takes "--" as a value when it follows an option that needs one', () => {
    expect(options(parse(['-p', '--', '-c', '0']).events)).toEqual([['p', '--'], ['c', '0']]);
  });

  it('reports an unknown letter as glibc does', () => {
    const e = errors(parse(['-x']).events);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ error: 'unknown-option', written: '-x', message: "invalid option -- 'x'" });
  });

  it('refuses ":" even though the optstring contains it', () => {
    expect(errors(parse(['-:']).events)[0]).toMatchObject({ error: 'unknown-option', message: "invalid option -- ':'" });
  });

  it('keeps reading a cluster after an unknown letter (memcached exits at the first error anyway)', () => {
    const r = parse(['-xv']);
    expect(errors(r.events)).toHaveLength(1);
    expect(options(r.events)).toEqual([['v', null]]);
    expect(r.firstError).toBe(0);
  });

  it('reports a missing argument at the end of argv', () => {
    expect(errors(parse(['-v', '-p']).events)[0]).toMatchObject({
      error: 'missing-argument',
      message: "option requires an argument -- 'p'",
    });
  });

  it('treats "-" alone as a non-option word', () => {
    expect(parse(['-']).events).toEqual([{ kind: 'ignored', index: 0, reason: 'non-option' }]);
  });
});

describe('getopt: long options (1.5.0+)', () => {
  it('accepts --port=N and --port N', () => {
    const attached = parse(['--port=11212']);
    expect(options(attached.events)).toEqual([['p', '11212']]);
    expect(attached.events[0]).toMatchObject({ written: '--port', index: 0, valueIndex: 0 });
    const separate = parse(['--port', '11212']);
    expect(options(separate.events)).toEqual([['p', '11212']]);
    expect(separate.events[0]).toMatchObject({ index: 0, valueIndex: 1 });
  });

  it('accepts an empty attached value: --port=', () => {
    expect(options(parse(['--port=']).events)).toEqual([['p', '']]);
  });

  it('accepts an unambiguous prefix: --conn=10 is --conn-limit', () => {
    const r = parse(['--conn=10']);
    expect(options(r.events)).toEqual([['c', '10']]);
    expect(r.events[0]).toMatchObject({ written: '--conn' });
  });

  it('refuses an ambiguous prefix with glibc message: --mem=64', () => {
    const e = errors(parse(['--mem=64']).events);
    expect(e[0]).toMatchObject({
      error: 'ambiguous-option',
      message: "option '--mem=64' is ambiguous; possibilities: '--memory-limit' '--memory-file'",
    });
    expect(e[0].candidates).toEqual(['memory-limit', 'memory-file']);
  });

  it('prefers an exact name over longer names it prefixes: --listen is not ambiguous', () => {
    expect(options(parse(['--listen', '127.0.0.1']).events)).toEqual([['l', '127.0.0.1']]);
    expect(errors(parse(['--lis=1']).events)[0].candidates).toEqual(['listen', 'listen-backlog']);
  });

  it('refuses a value for a flag: --enable-shutdown=yes', () => {
    expect(errors(parse(['--enable-shutdown=yes']).events)[0]).toMatchObject({
      error: 'unexpected-argument',
      message: "option '--enable-shutdown' doesn't allow an argument",
    });
  });

  it('gives --verbose an optional argument: only the attached form takes it', () => {
    expect(options(parse(['--verbose=3']).events)).toEqual([['v', '3']]);
    const r = parse(['--verbose', '3']);
    expect(options(r.events)).toEqual([['v', null]]);
    expect(r.events[1]).toMatchObject({ kind: 'ignored', index: 1, reason: 'non-option' });
  });

  it('reports unknown names and missing arguments', () => {
    expect(errors(parse(['--bogus=1']).events)[0]).toMatchObject({ error: 'unknown-option', message: "unrecognized option '--bogus=1'" });
    expect(errors(parse(['--port']).events)[0]).toMatchObject({ error: 'missing-argument', message: "option '--port' requires an argument" });
  });

  it('has no long name for -D', () => {
    expect(errors(parse(['--D=x']).events)[0]).toMatchObject({ error: 'unknown-option' });
  });
});

describe('getopt: permutation and --', () => {
  it('ignores non-options anywhere (they are permuted to the end and never read)', () => {
    const r = parse(['foo', '-p', '1', 'bar', '-v']);
    expect(options(r.events)).toEqual([['p', '1'], ['v', null]]);
    expect(r.events.filter((e) => e.kind === 'ignored').map((e) => e.index)).toEqual([0, 3]);
  });

  it('stops at "--": everything after it is ignored', () => {
    const r = parse(['-p', '1', '--', '-c', '0']);
    expect(options(r.events)).toEqual([['p', '1']]);
    expect(r.events.slice(1)).toEqual([
      { kind: 'ignored', index: 2, reason: 'double-dash' },
      { kind: 'ignored', index: 3, reason: 'after-double-dash' },
      { kind: 'ignored', index: 4, reason: 'after-double-dash' },
    ]);
  });
});

describe('getopt: versions', () => {
  it('has no long options before 1.5.0: "--port=1" is "-" (invalid) then -p with "ort=1"', () => {
    const r = parse(['--port=1'], '1.4.39');
    expect(errors(r.events)[0]).toMatchObject({ error: 'unknown-option', message: "invalid option -- '-'" });
    expect(options(r.events)).toEqual([['p', 'ort=1']]);
    expect(options(parse(['--port=1'], '1.5.0').events)).toEqual([['p', '1']]);
  });

  it('still ends options at "--" before 1.5.0 (glibc getopt permutes too)', () => {
    expect(options(parse(['-p', '1', '--', '-c', '0'], '1.4.39').events)).toEqual([['p', '1']]);
  });

  it('knows only the options of the release: -V from 1.4.22, -o from 1.4.8, -N from 1.6.9', () => {
    expect(errors(parse(['-V'], '1.4.21').events)).toHaveLength(1);
    expect(errors(parse(['-V'], '1.4.22').events)).toHaveLength(0);
    expect(errors(parse(['-o', 'modern'], '1.4.7').events)).toHaveLength(1);
    expect(errors(parse(['-N', '1'], '1.6.8').events)).toHaveLength(1);
    expect(errors(parse(['--napi-ids=1'], '1.6.8').events)[0].message).toBe("unrecognized option '--napi-ids=1'");
  });

  it('strips leading whitespace from arguments only since 1.6.32', () => {
    const old = parse(['-l', ' 127.0.0.1'], '1.6.31').events[0] as OptionEvent;
    expect(old.value).toBe(' 127.0.0.1');
    const current = parse(['-l', ' \t127.0.0.1'], '1.6.32').events[0] as OptionEvent;
    expect(current.value).toBe('127.0.0.1');
    expect(current.rawValue).toBe(' \t127.0.0.1');
  });
});

describe('the long options of a version, remembered by the Version array', () => {
  it('are what filtering the option table says, for versions asked in any order, the same arrays again', () => {
    const versions = fc.tuple(fc.constantFrom(1), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 45 })).map((v) => v as Version);
    fc.assert(
      fc.property(fc.array(versions, { minLength: 1, maxLength: 10 }), (vs) => {
        for (const v of [...vs, ...vs, ...vs.map((x) => [...x] as Version)]) expect(longOptionsFor(v).map((o) => o.long)).toEqual(longOptionsAfresh(v).map((o) => o.long));
      }),
    );
    // Before 1.4.x long options were not parsed at all; by 1.6 there are many.
    expect(longOptionsFor([1, 2, 0])).toEqual([]);
    expect(longOptionsFor([1, 6, 18]).length).toBeGreaterThan(20);
  });
});
