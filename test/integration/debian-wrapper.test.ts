/**
 * Differential test against Debian's own wrapper: a copy of /usr/share/memcached/scripts/systemd-memcached-wrapper
 * with the memcached path pointed at an argument printer runs on every Debian-style file in samples/ and the
 * corpus, and on generated files, and must give exactly the argument vector mchard computes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeConfig } from '../../src/input.js';
import { parseDebian } from '../../src/dialects/debian.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { ROOT, SHARED } from '../helpers/paths.js';
import { recordingWrapper, WRAPPER } from '../helpers/recording-wrapper.js';

const usable = existsSync(WRAPPER) && process.getuid?.() === 0 && existsSync('/usr/bin/perl');
const d = usable ? describe : describe.skip;
if (!usable) console.warn(`skipping the wrapper differential test: needs ${WRAPPER} (apt-get install memcached), perl and root`);

let dir = '';
let wrapper = '';

beforeAll(() => {
  if (!usable) return;
  dir = mkdtempSync(join(tmpdir(), 'mchard-wrapper-'));
  wrapper = recordingWrapper(dir).wrapper;
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function realArgv(file: string): { status: number | null; argv: string[]; ran?: boolean } {
  // Run in / with a fixed environment, as systemd runs the wrapper (WorkingDirectory= defaults to /): that is
  // where /bin/sh expands a glob, and mchard's claims about globs are about /.
  const out = join(dir, 'argv.out');
  rmSync(out, { force: true });
  const r = spawnSync(wrapper, [file], { cwd: '/', env: { PATH: '/usr/bin:/bin', LANG: 'C' }, encoding: 'utf8', timeout: 10000 });
  if (!existsSync(out)) return { status: r.status, argv: [], ran: false };
  const text = readFileSync(out, 'utf8');
  return { status: r.status, argv: text === '' ? [] : text.split('\0'), ran: true };
}

function compare(file: string): 'compared' | 'inexact' | 'launch-failure' {
  const cfg = parseDebian(decodeConfig(file, readFileSync(file)));
  const real = realArgv(file);
  if (cfg.launchFailure) {
    // memcached never ran; the status is certain unless later shell commands decide it
    expect({ file, ran: real.ran }).toEqual({ file, ran: false });
    if (cfg.launchFailure.certain !== false) expect({ file, status: real.status }).toEqual({ file, status: cfg.launchFailure.exitCode });
    return 'launch-failure';
  }
  if (!cfg.argvExact) return 'inexact';
  expect({ file, argv: cfg.argv.map((a) => a.value) }).toEqual({ file, argv: real.argv });
  return 'compared';
}

const corpus = (sub: string) => {
  const root = join(SHARED, 'corpus', sub);
  return existsSync(root) ? readdirSync(root).map((f) => join(root, f)) : [];
};

d('Debian wrapper differential', () => {
  it('matches on every Debian-style file in samples/ and the corpus', () => {
    const files = [
      ...readdirSync(join(ROOT, 'samples')).map((f) => join(ROOT, 'samples', f)),
      ...corpus('debian'),
      ...corpus('sysconfig'),
    ].filter((f) => {
      const text = readFileSync(f, 'utf8');
      return chooseDialect(f, text) === 'debian' || f.includes('/debian/');
    });
    expect(files.length).toBeGreaterThan(50);
    const outcomes = files.map(compare);
    expect(outcomes.filter((o) => o === 'compared').length).toBeGreaterThan(45);
  });

  it('matches on generated files', () => {
    const piece = fc.constantFrom(
      '-m 64', '-p 11211', '-l 127.0.0.1', '-l127.0.0.1', '-U 0', '-u memcache', '-vv', '-vd', '-d', '-dv', '-h', '--daemon',
      '- l 10.0.0.1', '-c 1k', 'logfile /var/log/m.log', 'foo bar', '127.0.0.1', '0', '0 x', '00 y',
      '# comment', '#', '\\#', 'x#y\\#z', '-m 64#x', "'-l 127.0.0.1'", '"-p" "11212"', "-o 'ssl_ciphers=A B'", '"unterminated',
      '2>&1', '>/dev/null', '{a,b}', '-l proto[ascii]:127.0.0.1', 'tag_x_', '\\', '\\\\', 'é', '缓存',
      // globs and brackets (decided against /), ";" with nothing to expand, shell syntax errors
      '-l *', '-l [::1]', '-l [::1]:11211', '-l 127.0.0.*', '-l [b]in', '-l a*', '-l x; true', '-p 1 && true', '-l (x)', '-l x |', '$HOME', '"$x"', '-l ${x y}',
    );
    const sep = fc.constantFrom(' ', '  ', '\t', '');
    const line = fc.tuple(sep, fc.array(piece, { minLength: 0, maxLength: 4 }), sep).map(([a, ps, b]) => a + ps.join(' ') + b);
    const eol = fc.constantFrom('\n', '\r\n');
    const file = fc.tuple(fc.array(fc.tuple(line, eol), { maxLength: 8 }), fc.boolean()).map(([ls, final]) => {
      const t = ls.map(([l, e]) => l + e).join('');
      return final ? t : t.replace(/\r?\n$/, '');
    });
    let n = 0;
    fc.assert(
      fc.property(file, (text) => {
        const f = join(dir, `gen-${n++}.conf`);
        writeFileSync(f, text);
        compare(f);
      }),
      { numRuns: 400 },
    );
  });
});

if (usable) {
  // Fail loudly if the printer approach itself is broken (a wrapper that prints nothing would pass vacuously).
  test('the patched wrapper really prints the stock argv', () => {
    const f = join(dir, 'stock.conf');
    writeFileSync(f, '-m 64\n-p 11211\n-u memcache\n');
    expect(realArgv(f).argv).toEqual(['-m', '64', '-p', '11211', '-u', 'memcache']);
    expect(execFileSync('perl', ['-e', 'print 1'], { encoding: 'utf8' })).toBe('1');
  });
}

if (usable) {
  describe('what mchard claims about /bin/sh in /', () => {
    it('-l * becomes -l NAME with NAME a file of / (never empty), and no realistic host resolves it', () => {
      const f = join(dir, 'star.conf');
      writeFileSync(f, '-u memcache\n-l *\n-U 0\n');
      const real = realArgv(f);
      const names = readdirSync('/').filter((n) => !n.startsWith('.')).sort();
      expect(real.argv.slice(0, 3)).toEqual(['-u', 'memcache', '-l']);
      expect(real.argv[3]).toBe(names[0]);
      expect(real.argv.slice(3, 3 + names.length)).toEqual(names);
      const cfg = parseDebian(decodeConfig(f, readFileSync(f)));
      expect(cfg.argv[3]).toMatchObject({ value: 'bin', exact: false, unknown: { pathname: true } });
    });

    it('"[::1]" and "127.0.0.*" stay as written (no realistic / holds a matching name): exact', () => {
      const f = join(dir, 'brackets.conf');
      writeFileSync(f, '-u memcache\n-l [::1]:11211,127.0.0.*\n');
      const cfg = parseDebian(decodeConfig(f, readFileSync(f)));
      expect(cfg.argvExact).toBe(true);
      expect(realArgv(f).argv).toEqual(cfg.argv.map((a) => a.value));
    });

    it('";" with nothing to expand is not host-dependent: the argv is exact and the real one', () => {
      const f = join(dir, 'semi.conf');
      writeFileSync(f, '-u memcache\n-l 127.0.0.1; true\n');
      const cfg = parseDebian(decodeConfig(f, readFileSync(f)));
      expect(cfg.argvExact).toBe(true);
      expect(realArgv(f).argv).toEqual(['-u', 'memcache', '-l', '127.0.0.1']);
    });

    it('an ERB file read as it is: sh fails before memcached runs (exit 2), as mchard says', () => {
      const f = join(dir, 'raw.erb.conf');
      writeFileSync(f, '-d\n-P <%= @pidfile %>\n-m 64\n');
      const cfg = parseDebian(decodeConfig(f, readFileSync(f)));
      expect(cfg.launchFailure).toMatchObject({ exitCode: 2 });
      expect(cfg.launchFailure?.reason).toContain('cannot open %=: No such file');
      const r = realArgv(f);
      expect(r).toEqual({ status: 2, argv: [], ran: false });
    });
  });
}
