/**
 * Every Debian and sysconfig file of samples/ and the shared corpus (templates aside), and generated
 * files: the fixed text parses, lints with no fixable finding left, differs from the original only on
 * the lines the fixes touched (every other line byte for byte, every comment kept), and a second fix
 * changes nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { diffArrays } from 'diff';
import { decodeConfig } from '../../src/input.js';
import { SourceText } from '../../src/source.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { parseDebian } from '../../src/dialects/debian.js';
import { parseSysconfig } from '../../src/dialects/sysconfig.js';
import type { DialectName } from '../../src/dialects/types.js';
import { debianKept } from '../../src/fix/edit-debian.js';
import { fixText } from './helpers.js';
import { lintText } from '../helpers/lint.js';
import { ROOT, SHARED } from '../helpers/paths.js';

/** Lines with their "\n" (the last one may lack it). */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const isComment = (dialect: DialectName, line: string) =>
  dialect === 'debian' ? /^[ \t]*#/.test(line) : /^[ \t]*[#;]/.test(line);

export function checkFix(text: string, dialect: DialectName, path = dialect === 'debian' ? '/srv/memcached.conf' : '/srv/sysconfig/memcached'): void {
  const plan = fixText(text, dialect, {}, path);
  const fixed = plan.text;

  // It parses as well as the original did, and no fixable finding is left.
  if (dialect === 'debian') {
    const before = parseDebian(new SourceText(path, text));
    const after = parseDebian(new SourceText(path, fixed));
    if (!before.launchFailure) expect(after.launchFailure).toBeNull();
  } else {
    const before = parseSysconfig(new SourceText(path, text));
    const after = parseSysconfig(new SourceText(path, fixed));
    if (!before.loadError) expect(after.loadError).toBeNull();
  }
  const left = lintText(fixed, { dialect, path }).findings.filter((f) => f.fix);
  expect({ path, left: left.map((f) => `${f.ruleId} ${f.message}`), failed: plan.failed }).toEqual({ path, left: [], failed: [] });

  // Only the touched lines differ; the others are byte for byte where they were.
  const a = linesOf(text);
  const b = linesOf(fixed);
  const touched = new Set(plan.touchedLines);
  let line = 0;
  const removed: number[] = [];
  const added: string[] = [];
  for (const part of diffArrays(a, b)) {
    if (part.removed) {
      for (let k = 0; k < part.value.length; k++) removed.push(line + k + 1);
      line += part.value.length;
    } else if (part.added) added.push(...part.value);
    else line += part.value.length;
  }
  // A last line without "\n" that only gained one because a line was added after it is unchanged.
  const last = a.at(-1);
  const gainedNewline = last === undefined || last.endsWith('\n') || b.at(-1) === last ? null : (b.find((l) => l === `${last}\n` || l === `${last}\r\n`) ?? null);
  // Every line the fixes did not touch is in the result, byte for byte and in the same order.
  let at = 0;
  a.forEach((l, k) => {
    if (touched.has(k + 1)) return;
    const open = k === a.length - 1 && !l.endsWith('\n');
    const same = (x: string) => x === l || (open && (x === `${l}\n` || x === `${l}\r\n`));
    while (at < b.length && !same(b[at])) at++;
    expect({ path, line: k + 1, text: l, kept: at < b.length }).toEqual({ path, line: k + 1, text: l, kept: true });
    at++;
  });
  // What the line diff shows as removed is a touched line (or a copy of a line that is still there).
  for (const n of removed) {
    if (n === a.length && gainedNewline) continue;
    const ok = touched.has(n) || b.includes(a[n - 1]);
    expect({ path, line: n, text: a[n - 1], touched: ok }).toEqual({ path, line: n, text: a[n - 1], touched: true });
  }
  // Comments: whole comment lines are never touched; a touched line's trailing comment survives.
  a.forEach((l, k) => {
    if (isComment(dialect, l)) expect({ path, line: k + 1, touched: touched.has(k + 1) }).toEqual({ path, line: k + 1, touched: false });
    else if (dialect === 'debian' && touched.has(k + 1)) {
      const m = /(?<!\\)#.*$/.exec(l.replace(/\r?\n$/, ''));
      if (m) expect(fixed).toContain(m[0]);
    }
  });
  // What was added: notes, commented-out old lines, moved comments, and options / assignments.
  for (const l of added) {
    if (gainedNewline && (l === `${last}\n` || l === `${last}\r\n`)) continue;
    // The line diff may pair identical lines differently: a copy of an original line is not new text.
    if (a.includes(l)) continue;
    const body = l.replace(/\r?\n$/, '');
    if (dialect === 'debian') {
      const ok = (/^# /.test(body) && debianKept(body) === '' && (body.includes('# mchard:') || body.startsWith('# mchard:'))) || /^-/.test(debianKept(body));
      expect({ path, added: body, ok }).toEqual({ path, added: body, ok: true });
    } else {
      const ok = /^#/.test(body) || /^[ \t]*(export[ \t]+)?[A-Za-z_][A-Za-z0-9_]*[ \t]*=/.test(body) || body === '';
      expect({ path, added: body, ok }).toEqual({ path, added: body, ok: true });
    }
  }

  // A second fix changes nothing.
  const again = fixText(fixed, dialect, {}, path);
  expect({ path, text: again.text }).toEqual({ path, text: fixed });
}

const corpusRoot = join(SHARED, 'corpus');
const templates = new Set(
  existsSync(join(corpusRoot, 'MANIFEST.tsv'))
    ? readFileSync(join(corpusRoot, 'MANIFEST.tsv'), 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t'))
        .filter((r) => r[5] === 'yes')
        .map((r) => r[0])
    : [],
);
const corpusFiles = (['debian', 'sysconfig'] as const).flatMap((d) =>
  existsSync(join(corpusRoot, d))
    ? readdirSync(join(corpusRoot, d))
        .sort()
        .filter((f) => !templates.has(`${d}/${f}`))
        .map((f) => ({ rel: `${d}/${f}`, file: join(corpusRoot, d, f), dialect: d as DialectName }))
    : [],
);
const sampleFiles = readdirSync(join(ROOT, 'samples'))
  .sort()
  .map((f) => {
    const file = join(ROOT, 'samples', f);
    return { rel: `samples/${f}`, file, dialect: chooseDialect(file, readFileSync(file, 'utf8')) };
  });

describe('fix on samples/', () => {
  it.each(sampleFiles)('$rel', ({ file, dialect }) => {
    checkFix(decodeConfig(file, readFileSync(file)).text, dialect, file);
  });

  it('changes the insecure samples', () => {
    for (const s of sampleFiles.filter((x) => x.rel.includes('insecure'))) {
      expect({ s: s.rel, changed: fixText(readFileSync(s.file, 'utf8'), s.dialect, {}, s.file).changed }).toEqual({ s: s.rel, changed: true });
    }
  });
});

(corpusFiles.length ? describe : describe.skip)('fix on the shared corpus', () => {
  it('has the Debian and sysconfig files (templates aside)', () => {
    expect(corpusFiles.length).toBeGreaterThan(50);
  });

  it.each(corpusFiles)('$rel', ({ file, dialect }) => {
    checkFix(decodeConfig(file, readFileSync(file)).text, dialect, file);
  });
});

// ---- Generated files ----

const eol = fc.constantFrom('\n', '\r\n');
const blank = fc.constantFrom('', ' ', '\t');

const debianPiece = fc.constantFrom(
  '-m 64', '-m 1024', '-p 11211', '-p 21211', '-p11211', '--port=11211', '-U 0', '-U 11211', '-U 21211', '-u root', '-u memcache',
  '-u 0', '-unobody', '-l 0.0.0.0', '-l 127.0.0.1', '-l 10.0.0.5', '-l 8.8.8.8', '-l 127.0.0.1,0.0.0.0', '-l0.0.0.0', '--listen=0.0.0.0',
  '-A', '--enable-shutdown', '-v', '-vv', '-vvv', '-vd', '-dv', '-c 1024', '-t 4', '-X', '-s /run/m.sock', '-a 0777', '-a 0700',
  '-a 0770', '-P /run/m.pid', '-k', '-M', '-d', '-o modern', '-R 20',
);
const debianLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(blank, fc.array(debianPiece, { minLength: 1, maxLength: 3 }), blank).map(([a, ps, b]) => a + ps.join(' ') + b) },
  { weight: 2, arbitrary: fc.tuple(debianPiece, fc.constantFrom('  # why', ' #x', '\t# tab comment')).map(([p, c]) => p + c) },
  { weight: 2, arbitrary: fc.constantFrom('# a comment', '#-l 0.0.0.0', '# -u root', '   # indented', '#') },
  { weight: 2, arbitrary: fc.constantFrom('', '  ', 'logfile /var/log/memcached.log', '--', '-l\n0.0.0.0', '-Avv -l 0.0.0.0') },
);
const debianFile = fc
  .tuple(fc.array(fc.tuple(debianLine, eol), { maxLength: 12 }), fc.boolean())
  .map(([ls, final]) => {
    const t = ls.map(([l, e]) => l + e).join('');
    return final ? t : t.replace(/\r?\n$/, '');
  });

const value = fc.constantFrom('11211', '21211', '', 'root', 'memcached', 'memcache', '64', '1024', '0');
const optionsValue = fc
  .array(fc.constantFrom('-l 0.0.0.0', '-l 127.0.0.1', '-l 10.1.2.3', '-U 0', '-U 11211', '-A', '-vv', '-v', '-d', '-X', '-c 512', '-t 4', '-u root', '-p 11211', '-a 0777', '-vd', '-Avv', '--'), { maxLength: 4 })
  .map((ws) => ws.join(' '));
const quoted = (v: string, q: string) => (q === '' ? v : `${q}${v}${q}`);
const sysLine = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('PORT', 'USER', 'MAXCONN', 'CACHESIZE'), value, fc.constantFrom('"', "'", '')).map(([k, v, q]) => `${k}=${quoted(v, q)}`) },
  { weight: 4, arbitrary: fc.tuple(optionsValue, fc.constantFrom('"', "'", '"', '')).map(([v, q]) => `OPTIONS=${quoted(v, q === '' && v.includes(' ') ? '"' : q)}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('PORT', 'USER', 'OPTIONS'), optionsValue).map(([k, v]) => `export ${k}="${k === 'OPTIONS' ? v : '11211'}"`) },
  { weight: 1, arbitrary: optionsValue.map((v) => `OPTIONS="${v}" # glued comment`) },
  { weight: 2, arbitrary: fc.constantFrom('# comment', '', '   ', '## Path: x', '; semicolon comment') },
);
const sysFile = fc
  .tuple(fc.array(fc.tuple(sysLine, eol), { maxLength: 10 }), fc.boolean())
  .map(([ls, final]) => {
    const t = ls.map(([l, e]) => l + e).join('');
    return final ? t : t.replace(/\r?\n$/, '');
  });

describe('fix on generated files', () => {
  it('Debian', () => {
    fc.assert(fc.property(debianFile, (text) => checkFix(text, 'debian')), { numRuns: Number(process.env.MCHARD_FIX_RUNS ?? 300) });
  });

  it('sysconfig', () => {
    fc.assert(fc.property(sysFile, (text) => checkFix(text, 'sysconfig')), { numRuns: Number(process.env.MCHARD_FIX_RUNS ?? 300) });
  });
});
