import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { parseDebian } from '../../src/dialects/debian.js';
import { keptText, lineParts } from '../../src/dialects/debian-lines.js';
import { defaultRuleOptions } from '../../src/engine/defaults.js';

const parse = (text: string) => parseDebian(new SourceText('/etc/memcached.conf', text));
const argv = (text: string) => parse(text).argv.map((a) => a.value);
const kinds = (text: string) => parse(text).notes.map((n) => n.kind);

describe('Debian dialect: the wrapper line loop', () => {
  it('reads the stock file the way the wrapper does', () => {
    const stock = '# comment\n-d\nlogfile /var/log/memcached.log\n-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n-P /var/run/memcached/memcached.pid\n';
    expect(argv(stock)).toEqual(['-m', '64', '-p', '11211', '-u', 'memcache', '-l', '127.0.0.1', '-P', '/var/run/memcached/memcached.pid']);
  });

  it('starts a comment at any unescaped #', () => {
    expect(argv('-l 127.0.0.1 # c\n-m 64#x\n')).toEqual(['-l', '127.0.0.1', '-m', '64']);
  });

  it('removes only up to the next # (x#y\\#z keeps #z)', () => {
    // The substitution deletes "#y\" (up to the next #) and the escaped "\#z" survives: "-l x#z".
    expect(parse('-l x#y\\#z\n').lines[0].kept.map((c) => c.ch).join('')).toBe('-l x#z');
  });

  it('trims, accepts CRLF and tabs, and allows several options on a line', () => {
    expect(argv('-l127.0.0.1\r\n   -p   11211   \r\n\t-m\t64\r\n-U 0 -c 10\r\n')).toEqual(['-l127.0.0.1', '-p', '11211', '-m', '64', '-U', '0', '-c', '10']);
  });

  it('drops lines starting -d or -h, with whatever follows on them', () => {
    expect(argv('-dv\n-h\n-m 64\n-vd\n--daemon\n')).toEqual(['-m', '64', '-vd', '--daemon']);
    expect(kinds('-dv\n-m 64\n')).toContain('dropped-option-line');
  });

  it('ignores non-dash lines with whitespace, keeps ones without', () => {
    expect(argv('logfile /var/log/x\nfoo bar\n127.0.0.1\n-m 64\n')).toEqual(['127.0.0.1', '-m', '64']);
    expect(kinds('logfile /x\nfoo bar\n-m 1\n')).toEqual(['logfile', 'ignored-line']);
  });

  it('skips a line that is exactly 0 but keeps a directive named 0', () => {
    expect(argv('0\n-m 64\n')).toEqual(['-m', '64']);
    expect(argv('0 x\n-m 64\n')).toEqual(['0', 'x', '-m', '64']);
  });

  it('appends -u root only for a configuration with no kept line', () => {
    const empty = parse('# nothing\n\n-d\nlogfile /x\n');
    expect(empty.argv.map((a) => a.value)).toEqual(['-u', 'root']);
    expect(empty.argv.every((a) => a.origin === 'wrapper')).toBe(true);
    expect(argv('-m 64\n')).toEqual(['-m', '64']);
  });

  it('keeps "- l 127.0.0.1" as three words', () => {
    expect(argv('- l 127.0.0.1\n')).toEqual(['-', 'l', '127.0.0.1']);
  });
});

describe('Debian dialect: Perl exec and /bin/sh', () => {
  it('runs a line with quotes through the shell, which removes them', () => {
    const p = parse("-o 'ssl_ciphers=A B'\n-m 64\n");
    expect(p.shellEvaluated).toBe(true);
    expect(p.argv.map((a) => a.value)).toEqual(['-o', 'ssl_ciphers=A B', '-m', '64']);
    expect(p.argvExact).toBe(true);
  });

  it('marks $VAR, globs and command substitution as host-dependent', () => {
    for (const line of ['-l $HOME', '-l a*', '-P `hostname`.pid', '-l $(hostname -i)']) {
      const p = parse(`${line}\n-u memcache\n`);
      expect(p.argvExact).toBe(false);
      expect(p.notes.some((n) => n.kind === 'host-dependent')).toBe(true);
    }
  });

  it('ends memcached\'s arguments at ; and reports the extra command', () => {
    const p = parse('-l 127.0.0.1; echo INJECTED\n-u memcache\n');
    expect(p.argv.map((a) => a.value)).toEqual(['-l', '127.0.0.1']);
    expect(p.notes.map((n) => n.kind)).toEqual(expect.arrayContaining(['shell-line', 'shell-extra-command']));
  });

  it('treats redirections as shell syntax, not arguments', () => {
    const p = parse('-vv >> /var/log/memcached.log 2>&1\n-u memcache\n');
    expect(p.argv.map((a) => a.value)).toEqual(['-vv', '-u', 'memcache']);
    expect(p.notes.filter((n) => n.kind === 'shell-redirect')).toHaveLength(2);
  });

  it('lets Perl strip a final " 2>&1" without a shell', () => {
    const p = parse('-u memcache\n-v 2>&1\n');
    expect(p.shellEvaluated).toBe(false);
    expect(p.argv.map((a) => a.value)).toEqual(['-u', 'memcache', '-v']);
  });

  it('reports a shell syntax error as a launch failure (exit 2)', () => {
    expect(parse('-l (x)\n').launchFailure).toMatchObject({ exitCode: 2 });
    expect(parse("-l 'x\n").launchFailure).toMatchObject({ exitCode: 2 });
    expect(parse('-m <%= @m %>\n').launchFailure?.reason).toContain('end of file unexpected');
  });
});

describe('Debian dialect: positions and round trip', () => {
  it('gives each argument its line and column', () => {
    const p = parse('# head\n-m 64\n  -l  127.0.0.1  # c\n');
    const l = p.argv.find((a) => a.value === '127.0.0.1')!;
    expect(p.source.range(l.span!)).toEqual({ line: 3, column: 7, endLine: 3, endColumn: 16 });
    const m = p.argv[0];
    expect(p.source.range(m.span!)).toEqual({ line: 2, column: 1, endLine: 2, endColumn: 3 });
  });

  it('prints files back byte for byte: CRLF, no final newline, trailing blanks, non-ASCII', () => {
    for (const t of ['-m 64\r\n-p 1 \r\n', '-m 64', '', '\n\n', '# Кэш — 缓存 \n-l 127.0.0.1\t \n', '\uFEFF-m 64\n']) {
      expect(parse(t).print()).toBe(t);
    }
  });

  it('parse-then-print is the identity for arbitrary text (property)', () => {
    const alphabet = fc.constantFrom('-', 'l', 'd', 'h', 'm', ' ', '\t', '\n', '\r', '#', '\\', "'", '"', ';', '$', '(', ')', '*', '0', '1', '.', 'é', '缓', 'x', '>', '&', '|');
    const text = fc.array(alphabet, { maxLength: 120 }).map((a) => a.join(''));
    fc.assert(fc.property(fc.oneof(text, fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 80 })), (t) => parse(t).print() === t), { numRuns: 2000 });
  });

  it('every argument span lies inside the file and every exact plain word equals its text', () => {
    const alphabet = fc.constantFrom('-l 127.0.0.1', '-p 11211', '-vv', '# c', '\n', ' ', '\t', 'logfile x', '-d', '-U0');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')), (t) => {
        const p = parse(t);
        return p.argv.every((a) => a.span === null || (a.span.start >= 0 && a.span.end <= t.length && (a.note || t.slice(a.span.start, a.span.end) === a.value)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the wrapper\'s line semantics (debian-lines.ts), shared by the parser and the fix editor', () => {
  // The wrapper's own Perl, as a JavaScript oracle: s/(?<!\\)\#[^\#]*//g, then trim Perl's \s.
  const perl = (line: string) => line.replace(/(?<!\\)#[^#]*/g, '').replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
  const line = fc.string({ unit: fc.constantFrom('#', '\\', ' ', '\t', '\r', 'a', '-', 'l', '0'), maxLength: 24 });

  it('keeps exactly what the Perl substitution keeps, for any line', () => {
    fc.assert(fc.property(line, (l) => keptText(l) === perl(l)), { numRuns: 3000 });
  });

  it('places the end of the kept text and the trailing comment where the substitution does', () => {
    fc.assert(
      fc.property(line, (l) => {
        const { keptEnd, commentStart } = lineParts(l);
        // What is kept ends at keptEnd, and removing the comment from commentStart on keeps the same text.
        expect(perl(l.slice(0, keptEnd))).toBe(perl(l));
        if (commentStart >= 0) {
          expect(commentStart).toBeGreaterThanOrEqual(keptEnd);
          expect(l[commentStart]).toBe('#');
          expect(perl(l.slice(0, commentStart))).toBe(perl(l));
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('Debian dialect: memcached sent to the background by /bin/sh', () => {
  // sh forks memcached and exits 0 at once; under systemd (Type=simple) the unit's main process is gone
  // while memcached starts, and what is left of the unit is stopped: the start-up outcome is timing.
  it.each(['-u memcache\n-l 127.0.0.1 &\n', '-u memcache\n-l 127.0.0.1 | logger &\n-m 64\n', '-u memcache -l 127.0.0.1 && true &\n'])('%j: the start-up outcome is unknown, and why', async (text) => {
    const { analyzeConfig } = await import('../../src/engine/lint.js');
    const config = parse(text);
    expect(config.startupUnknown?.reason).toMatch(/runs memcached in the background \("&"\)/);
    const bg = config.notes.find((n) => n.kind === 'host-dependent' && /in the background/.test(n.message));
    expect(bg && text.slice(bg.span.start, bg.span.end)).toBe('&');
    const model = analyzeConfig(config, defaultRuleOptions());
    expect(model.startup).toEqual(expect.objectContaining({ ok: true, certain: false, unknown: expect.objectContaining({ depends: 'host' }) }));
  });

  it('a failure memcached would meet is not certain either', async () => {
    const { analyzeConfig } = await import('../../src/engine/lint.js');
    const model = analyzeConfig(parse('-u memcache -l 127.0.0.1 -c 0 -B nonsense &\n'), defaultRuleOptions());
    expect(model.startup.certain).toBe(false);
    expect(model.startup.unknown?.reason).toMatch(/background/);
  });

  it('"&" after another command than memcached leaves its start-up as it was', async () => {
    const { analyzeConfig } = await import('../../src/engine/lint.js');
    const config = parse('-u memcache -l 127.0.0.1; true &\n');
    expect(config.startupUnknown).toBeUndefined();
    expect(analyzeConfig(config, defaultRuleOptions()).startup).toEqual(expect.objectContaining({ ok: true }));
    expect(analyzeConfig(config, defaultRuleOptions()).startup.unknown).toBeUndefined();
  });
});
