/**
 * The one escaping function for everything a person reads (issue 13 §2), and the helpers built on it:
 * the block form (diffs, logs), the terminal guard every command's output passes, shell quoting for
 * command lines, JSON that a terminal can show, and shortening long values.
 */
import fc from 'fast-check';
import { boundedMessage, guardTerminal, hasUnsafe, knownSafe, safeJson, shellQuote, shorten, visible, visibleBlock } from '../../src/report/visible.js';
import { formatReport, FORMATS } from '../../src/report/index.js';
import { githubLine } from '../../src/report/github.js';
import { input, finding } from './fixtures.js';
import { spawnSync } from 'node:child_process';

/** The attacks of issue 13 §2. */
const ATTACKS = {
  clear: '\x1b[2J',
  osc52: '\x1b]52;c;aGVsbG8=\x07',
  osc8: '\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\',
  cr: 'safe\rEVIL',
  rlo: 'abc\u202edcba',
  c1csi: '\u009b2J',
  del: 'a\x7fb',
  nul: 'a\x00b',
  lf: 'line1\nmchard: fake line',
  bell: '\x07',
};

/** Any character a terminal would act on (C0 but TAB/LF, DEL, C1, bidi and other format characters, separators). */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|\p{Cf}/u;

describe('visible', () => {
  it('escapes C0, DEL, C1, bidirectional and zero-width characters, keeping everything else', () => {
    expect(visible(ATTACKS.clear)).toBe('\\x1b[2J');
    expect(visible(ATTACKS.osc52)).toBe('\\x1b]52;c;aGVsbG8=\\x07');
    expect(visible(ATTACKS.cr)).toBe('safe\\rEVIL');
    expect(visible(ATTACKS.rlo)).toBe('abc\\u202edcba');
    expect(visible(ATTACKS.c1csi)).toBe('\\x9b2J');
    expect(visible(ATTACKS.del)).toBe('a\\x7fb');
    expect(visible(ATTACKS.nul)).toBe('a\\x00b');
    expect(visible(ATTACKS.lf)).toBe('line1\\nmchard: fake line');
    expect(visible('a\tb')).toBe('a\\tb');
    for (const ch of ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(visible(ch)).toBe(`\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    }
    // zero-width, BOM, separators, no-break and other spaces, tag characters, a lone surrogate
    expect(visible('a\u200bb\u200dc\ufeffd\u2028e\u00a0f\u3000g')).toBe('a\\u200bb\\u200dc\\ufeffd\\u2028e\\xa0f\\u3000g');
    expect(visible('x\u{e0041}\u{e007f}')).toBe('x\\u{e0041}\\u{e007f}');
    expect(visible('\ud800')).toBe('\\ud800');
    // letters of every script, emoji, a backslash: unchanged
    for (const s of ['/etc/memcached.conf', 'mémoire', 'память', '記憶', 'שלום', 'مرحبا', '🔒', 'C:\\x1b', ' ']) expect(visible(s)).toBe(s);
  });

  it('leaves no character a terminal acts on, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        expect(RAW_CONTROL.test(visible(s))).toBe(false);
        expect(hasUnsafe(visible(s))).toBe(false);
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('the block form keeps line breaks and tabs, and a CR only right before LF', () => {
    expect(visibleBlock('a\tb\r\nc\rd\n\x1b[2J')).toBe('a\tb\r\nc\\rd\n\\x1b[2J');
  });
});

describe('guardTerminal (the last guard of every command output)', () => {
  it("lets mchard's own colour codes and progress rewrite through, escapes any other control", () => {
    const own = '\x1b[31merror\x1b[39m \x1b[1mbold\x1b[22m \x1b[2mdim\x1b[22m \x1b[32mok\x1b[39m \x1b[33m!\x1b[39m \x1b[34mi\x1b[39m \x1b[36m?\x1b[39m\n';
    expect(guardTerminal(own)).toBe(own);
    const progress = '\r\x1b[2K  \x1b[32m✓\x1b[39m restart memcached.service (0.4 s)\n';
    expect(guardTerminal(progress)).toBe(progress);
    expect(guardTerminal(`x${ATTACKS.clear}${ATTACKS.osc52}${ATTACKS.cr}${ATTACKS.rlo}\n`)).toBe('x\\x1b[2J\\x1b]52;c;aGVsbG8=\\x07safe\\rEVILabc\\u202edcba\n');
  });

  // A name an output forgot to escape must not hide or erase what mchard says: only its own sequences pass.
  it('escapes SGR codes mchard never writes (concealed, black on black, reset, compound) and CR + erase line after the start of a write', () => {
    expect(guardTerminal('not written: a\x1b[8mhidden\n')).toBe('not written: a\\x1b[8mhidden\n');
    expect(guardTerminal('x\x1b[30;40my\x1b[0m\n')).toBe('x\\x1b[30;40my\\x1b[0m\n');
    expect(guardTerminal('mchard: dir\r\x1b[2Kwrote everything: no memcached configuration found under it\n')).toBe(
      'mchard: dir\\r\\x1b[2Kwrote everything: no memcached configuration found under it\n',
    );
  });

  it('output through it never holds a control character other than SGR, CR+erase-line, LF, CR LF and TAB', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const rest = guardTerminal(s).replace(/\x1b\[[0-9]{1,2}(?:;[0-9]{1,2})*m|\r\x1b\[2K|\r\n|\n|\t/g, '');
        expect(RAW_CONTROL.test(rest)).toBe(false);
      }),
      { numRuns: 500, seed: 14 },
    );
  });
});

describe('knownSafe (the characters the block check passes without the Unicode regular expression)', () => {
  it('is true only of characters the regular expression finds safe, in and out of a block', () => {
    let safe = 0;
    for (let c = 0x80; c <= 0xffff; c++) {
      if (!knownSafe(c)) continue;
      safe++;
      const ch = String.fromCharCode(c);
      // The regular expressions' own verdicts, through the functions that use them.
      expect([c.toString(16), hasUnsafe(ch), visible(ch), visibleBlock(`a${ch}b\n`), guardTerminal(`${ch}\n`)]).toEqual([c.toString(16), false, ch, `a${ch}b\n`, `${ch}\n`]);
    }
    // The ranges, counted: a typo that shrank them to nothing would pass the loop above.
    expect(safe).toBe(94 + 24 + 47 + 624 + 704);
    // Their neighbours the regular expression escapes are not in them.
    for (const c of [0xa0, 0xad, 0x200b, 0x200f, 0x2028, 0x2029, 0x202a, 0x202f, 0x205f, 0x2060, 0x2066]) expect([c, knownSafe(c), hasUnsafe(String.fromCharCode(c))]).toEqual([c, false, true]);
  });

  it('a block with such characters and one unsafe one is still escaped', () => {
    expect(guardTerminal('a \u2014 b \u2192 c\u202e d\n')).toBe('a \u2014 b \u2192 c\\u202e d\n');
  });
});

describe('shellQuote', () => {
  it('quotes as a shell reads it back, escaping controls in $\'...\'', () => {
    expect(shellQuote('-l')).toBe('-l');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote(ATTACKS.clear)).toBe("$'\\x1b[2J'");
    expect(shellQuote(`x'y\\z${ATTACKS.rlo}`)).toBe("$'x\\'y\\\\zabc\\u202edcba'");
  });

  it('bash reads every quoted word back to the same bytes', () => {
    const bash = spawnSync('bash', ['-c', 'true']);
    if (bash.status !== 0) return;
    const words = [ATTACKS.clear, ATTACKS.osc52, ATTACKS.cr, ATTACKS.rlo, "q'uo\\te", 'a\tb\nc', 'x\u{e0041}', 'plain'];
    const script = `printf '%s\\0' ${words.map(shellQuote).join(' ')}`;
    const out = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { LC_ALL: 'C.UTF-8' } }).stdout;
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });
});

describe('safeJson', () => {
  it('parses back to the same values and holds no raw control, C1, bidi or separator character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const text = safeJson({ path: s, message: [s] });
        expect(JSON.parse(text)).toEqual({ path: s, message: [s] });
        expect(RAW_CONTROL.test(text.replace(/\n/g, ''))).toBe(false);
      }),
      { numRuns: 500, seed: 15 },
    );
    expect(safeJson('\u202e\u009b\x7f')).toBe('"\\u202e\\u009b\\u007f"');
  });
});

describe('shorten and boundedMessage', () => {
  it('cuts a long value with a visible ellipsis and its length', () => {
    expect(shorten('short')).toBe('short');
    expect(shorten('x'.repeat(10_000_000))).toBe(`${'x'.repeat(60)}…(10000000 characters)`);
    // never half a surrogate pair
    expect(shorten(`${'a'.repeat(59)}😀${'b'.repeat(200)}`)).toBe(`${'a'.repeat(59)}…(261 characters)`);
  });

  it('bounds a message: long runs shortened, the whole at 2,000 characters', () => {
    const m = `-l ${'1'.repeat(10_000_000)} listens on every interface`;
    expect(boundedMessage(m)).toBe(`-l ${'1'.repeat(80)}…(10000000 characters) listens on every interface`);
    expect(boundedMessage('a '.repeat(1_000_000)).length).toBeLessThan(2100);
    expect(boundedMessage('an ordinary message')).toBe('an ordinary message');
  });
});

describe('the report formats with hostile paths and messages', () => {
  const evilPath = `dir/${ATTACKS.clear}${ATTACKS.osc8}${ATTACKS.cr}${ATTACKS.rlo}:x,y%z.conf`;
  const evilMessage = `-l ${ATTACKS.osc52}${ATTACKS.lf}${ATTACKS.c1csi}${ATTACKS.del} listens`;
  const files = [{ path: evilPath, dialect: 'debian' as const, findings: [finding('MC101', 'error', evilMessage, [1, 1, 1, 2])] }];

  it('text (with and without colour) shows every control as an escape, one line per finding', () => {
    for (const color of [false, true]) {
      const out = formatReport('text', input(files, { color }));
      const rest = out.replace(/\x1b\[\d+m/g, '');
      expect(RAW_CONTROL.test(rest.replace(/\n/g, ''))).toBe(false);
      expect(rest.split('\n')).toHaveLength(3);
      expect(rest).toContain('\\x1b[2J');
      expect(rest).toContain('\\u202e');
    }
  });

  it('json and sarif keep the exact values and hold no raw control', () => {
    for (const format of ['json', 'sarif'] as const) {
      const out = formatReport(format, input(files));
      expect(RAW_CONTROL.test(out.replace(/\n/g, ''))).toBe(false);
      expect(out).toContain(format === 'json' ? JSON.stringify(evilPath).slice(1, 10) : 'dir/');
      const doc = JSON.parse(out);
      if (format === 'json') {
        expect(doc.files[0].path).toBe(evilPath);
        expect(doc.files[0].findings[0].message).toBe(evilMessage);
      } else {
        expect(doc.runs[0].results[0].message.text).toBe(evilMessage);
        expect(decodeURIComponent(doc.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri)).toBe(evilPath);
      }
    }
  });

  it("github: GitHub's own escapes for %, CR, LF (and : , in properties), visible escapes for the other controls", () => {
    const line = githubLine(evilPath, files[0].findings[0]);
    expect(line.split('\n')).toHaveLength(1);
    expect(RAW_CONTROL.test(line)).toBe(false);
    // file= property: ":" and "," and "%" and CR per GitHub's rules
    expect(line).toContain('file=dir/\\x1b[2J');
    expect(line).toContain('safe%0DEVIL');
    expect(line).toContain('%3Ax%2Cy%25z.conf,line=1');
    // the message: LF as %0A, the rest visible
    expect(line).toContain('::-l \\x1b]52;c;aGVsbG8=\\x07line1%0Amchard: fake line\\x9b2Ja\\x7fb listens (MC101)');
    for (const f of FORMATS) expect(() => formatReport(f, input(files))).not.toThrow();
  });
});

describe('guardWorkflowCommands', () => {
  it("breaks GitHub's workflow commands a line of text from outside would start, and keeps --format github's own", async () => {
    const { guardWorkflowCommands } = await import('../../src/report/visible.js');
    expect(guardWorkflowCommands('::stop-commands::tok:1:1  info')).toBe('\\x3a:stop-commands::tok:1:1  info');
    expect(guardWorkflowCommands('ok\n \t::add-mask::x\r::set-output name=a::b')).toBe('ok\n \t\\x3a:add-mask::x\r\\x3a:set-output name=a::b');
    expect(guardWorkflowCommands('mchard: a##[stop-commands]b: is a named pipe')).toBe('mchard: a##\\x5bstop-commands]b: is a named pipe');
    const own = '::error file=a%3A%3Ab,line=1,col=1,endLine=1,endColumn=2,title=MC101 x::m (MC101)\n::notice file=c,line=2::n\n::warning file=d::w\n';
    expect(guardWorkflowCommands(own)).toBe(own);
    expect(guardWorkflowCommands('a::b c::d')).toBe('a::b c::d');
    // An IPv6 address starting a wrapped line is no command: the runner needs a command name, then `::`.
    const prose = 'binds 0.0.0.0 and\n::, every IPv4 and IPv6 interface) or -l ::\n::1 and [::]:11211\n';
    expect(guardWorkflowCommands(prose)).toBe(prose);
    expect(guardWorkflowCommands('::Add-Mask::x')).toBe('\\x3a:Add-Mask::x');
  });
});
