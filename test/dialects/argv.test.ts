/**
 * The argv dialect: word splitting checked against /bin/sh on generated command lines, spans, argv[0],
 * inexact words, and argvFromWords (a process's argument vector) round-tripping any word.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { argvDialect, argvFromWords, parseArgvText, shellQuote } from '../../src/dialects/argv.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { loadDialect } from '../../src/dialects/index.js';
import { lintText, findings } from '../helpers/lint.js';

const parse = (text: string) => parseArgvText(new SourceText('-', text));
const values = (text: string) => parse(text).argv.map((t) => t.value);

beforeAll(async () => {
  await loadDialect('argv');
});

describe('parseArgvText', () => {
  it('splits on blanks and newlines, skips a memcached argv[0], and keeps every byte', () => {
    const text = '/usr/bin/memcached -l 0.0.0.0\n  -U 11211\t-m 64\n';
    const c = parse(text);
    expect(c.argv.map((t) => t.value)).toEqual(['-l', '0.0.0.0', '-U', '11211', '-m', '64']);
    expect(c.program?.value).toBe('/usr/bin/memcached');
    expect(c.print()).toBe(text);
    for (const t of c.argv) expect(text.slice(t.span!.start, t.span!.end)).toBe(t.value);
    expect(c.argvExact).toBe(true);
  });

  it('does not skip a first word that is not memcached', () => {
    expect(values('-p 1')).toEqual(['-p', '1']);
    expect(values('memcachedx -p 1')).toEqual(['memcachedx', '-p', '1']);
  });

  it('honours quotes, backslashes, line continuations and comments like sh', () => {
    expect(values(`memcached -o 'ssl_ciphers=A B' "-l" a\\ b`)).toEqual(['-o', 'ssl_ciphers=A B', '-l', 'a b']);
    expect(values('-l\\\n0.0.0.0 # all\n-v')).toEqual(['-l0.0.0.0', '-v']);
    expect(values('-l a#b')).toEqual(['-l', 'a#b']);
    expect(values(`"a\\"b\\$c\\x"`)).toEqual(['a"b$c\\x']);
    expect(values(`''`)).toEqual(['']);
  });

  it('spans each word with its quotes and notes the unquoting', () => {
    const text = `-o 'a b'`;
    const c = parse(text);
    expect(c.argv[1].span).toEqual({ start: 3, end: 8 });
    expect(c.argv[1].note).toContain('"a b"');
  });

  it('marks words a shell would expand as inexact, keeping them literally', () => {
    const c = parse('-l $IP -P *.pid -u memcache');
    expect(c.argv.map((t) => [t.value, t.exact])).toEqual([
      ['-l', true], ['$IP', false], ['-P', true], ['*.pid', false], ['-u', true], ['memcache', true],
    ]);
    expect(c.argvExact).toBe(false);
    expect(c.notes.filter((n) => n.kind === 'host-dependent')).toHaveLength(2);
    expect(parse("-l '$IP'").argvExact).toBe(true);
  });

  it('an unterminated quote is a launch failure, not a crash', () => {
    const c = parse(`-l "0.0.0.0`);
    expect(c.launchFailure?.exitCode).toBe(2);
    expect(c.print()).toBe(`-l "0.0.0.0`);
  });

  it('inserts new options after the last word', () => {
    const c = parse('memcached -p 1 # c\n');
    expect(argvDialect.insertionPoint(c)).toEqual({ start: 14, end: 14 });
    expect(argvDialect.insertionPoint(parse(''))).toEqual({ start: 0, end: 0 });
  });

  it('is chosen only explicitly', () => {
    expect(chooseDialect('-', '-l 0.0.0.0 -U 11211')).not.toBe('argv');
    expect(chooseDialect('cmdline.txt', 'memcached -l 0.0.0.0')).not.toBe('argv');
  });
});

describe('argvFromWords', () => {
  it('round-trips any word list, with spans over the quoted words', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', '\\', '\n', '#', '$', '-', '~', '*', 'é', '\t') }), { maxLength: 6 }), (ws) => {
        const words = ['-p', ...ws];
        const c = argvFromWords(words, '/proc/1/cmdline');
        expect(c.argv.map((t) => t.value)).toEqual(words);
        expect(c.argvExact).toBe(true);
        for (const t of c.argv) expect(parse(c.source.slice(t.span!)).argv.map((x) => x.value)).toEqual([t.value]);
      }),
      { numRuns: 300 },
    );
  });

  it('skips argv[0] when it is memcached', () => {
    const c = argvFromWords(['/usr/bin/memcached', '-u', 'memcache', '-l', '0.0.0.0'], '/proc/42/cmdline');
    expect(c.source.text).toBe('/usr/bin/memcached -u memcache -l 0.0.0.0');
    expect(c.argv.map((t) => t.value)).toEqual(['-u', 'memcache', '-l', '0.0.0.0']);
  });

  it('quotes what a shell would read differently', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('~x')).toBe("'~x'");
    expect(shellQuote('127.0.0.1:11211')).toBe('127.0.0.1:11211');
  });
});

describe('lint --dialect argv', () => {
  it('finds the exposure of a command line', () => {
    const r = lintText('-l 0.0.0.0 -U 11211 -u memcache', { dialect: 'argv', path: '-' });
    expect(findings(r, 'MC101').length).toBe(1);
    expect(findings(r, 'MC110').length).toBe(1);
  });
});

// ---- Differential: /bin/sh splits the same text into the same words ----

const SH = '/bin/sh';
const shUsable = existsSync(SH);

function shWords(text: string): string[] | null {
  // `set -f` turns globbing off; eval does the splitting and quote removal a command line gets.
  const r = spawnSync(SH, ['-c', 'set -f; eval "set -- $1" || exit 3; for a in "$@"; do printf "%s\\0" "$a"; done', 'sh', text], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  if (r.status !== 0) return null;
  return r.stdout === '' ? [] : r.stdout.slice(0, -1).split('\0');
}

const piece = fc.oneof(
  fc.constantFrom('-l', '0.0.0.0', '-U', '0', '-vv', 'a b', '-o', 'x=y', '#c', 'a#b', '=', '-', '--'),
  fc.stringMatching(/^[a-z0-9=.,:\/-]{1,5}$/),
);
const quoting = fc.constantFrom('plain', 'single', 'double', 'backslash', 'split');
const quote = (w: string, how: string): string => {
  switch (how) {
    case 'single':
      return `'${w.replace(/'/g, `'\\''`)}'`;
    case 'double':
      return `"${w.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
    case 'backslash':
      return w.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`);
    case 'split':
      return w.length > 1 ? `${w[0]}\\\n${w.slice(1).replace(/[ #\\'"]/g, (c) => `\\${c}`)}` : w.replace(/[ #\\'"]/g, (c) => `\\${c}`);
    default:
      return w.replace(/[ #\\'"]/g, (c) => `\\${c}`);
  }
};
const commandLine = fc
  .tuple(fc.array(fc.tuple(piece, quoting, fc.constantFrom(' ', '  ', '\t', ' \\\n ')), { maxLength: 8 }), fc.constantFrom('', ' # trailing comment', ' #'))
  .map(([ws, tail]) => ws.map(([w, how, sep]) => quote(w, how) + sep).join('') + tail);

(shUsable ? describe : describe.skip)('against /bin/sh', () => {
  it('splits generated command lines into the words sh gives', () => {
    let compared = 0;
    fc.assert(
      fc.property(commandLine, (text) => {
        const real = shWords(text);
        if (real === null) return;
        compared++;
        expect({ text, words: values(text) }).toEqual({ text, words: real });
      }),
      { numRuns: Number(process.env.MCHARD_SH_RUNS ?? 300) },
    );
    expect(compared).toBeGreaterThan(250);
  });

  it('agrees with sh on hand-picked cases', () => {
    for (const text of [`a'b'"c"\\d`, `"a\\\nb"`, `'a\\\nb'`, `\\#x #y`, `x\\`, `"\\\\" '\\\\'`, `-l 1\\ 2`]) {
      expect({ text, words: values(text) }).toEqual({ text, words: shWords(text) });
    }
  });
});
