/**
 * Detection's cheap tests before its regular expressions (src/dialects/detect.ts). A lint compiled some
 * 25 expressions over the file name and one per kind of line to find that none applied; now each runs
 * only when a string test says it can match, and the few expressions of a Debian file's path became
 * scans. Each cheap test must be true of everything its expression matches (else a name or line would be
 * passed over that used to decide), and each scan must be its expression: held here on names and lines
 * made of the words and characters that decide them, and on any string.
 */
import fc from 'fast-check';
import { LINE_NEEDS, NAME_RULES_FOR_TESTS, hasDotOrEmptySegment, instructionAt } from '../../src/dialects/detect.js';
import { SUFFIX, SUFFIX_WORDS } from '../../src/dialects/template.js';

const WORDS = [
  'memcached', '.conf', 'conf', '.service', 'compose', 'docker-', 'Compose', 'DOCKERFILE', 'Dockerfile', 'Containerfile', '.dockerfile',
  '.yml', '.yaml', 'values', 'Chart', '.pp', '.rb', 'Vagrantfile', '.sh', '.bash', '.nix', '.plist', 'suse', 'SuSE', 'redhat', 'RHEL',
  'centos', 'Fedora', 'rocky', 'almalinux', 'amazon', 'sysconfig', 'debian', 'Ubuntu', 'alpine', 'gentoo', 'openrc', 'freebsd', 'rc.conf',
  'rcconf', 'rc', 'RC', '.local', 'systemd', 'unit', 'UNIT', 'supervisor', 'supervisord', '.confd', '.sysconfig', '_', '-', '.', 'x', '1',
  'Procfile', 'Makefile', 'makefile', 'GNUmakefile', '.mk', '.MK', 'Justfile', 'justfile', '.env', '.envrc',
  // Letters whose case maps onto ASCII (the Kelvin sign, long s, dotless i, dotted I): a case-insensitive
  // expression without the u flag does not take them for k, s, i.
  '\u212a', 'ſ', 'ı', 'İ', 'é',
];
const name = fc.oneof(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }).map((w) => w.join('')), fc.string({ maxLength: 12 }));

describe('detection by name', () => {
  it('a name rule\'s cheap test is true of every name its expression matches', () => {
    expect(NAME_RULES_FOR_TESTS.length).toBeGreaterThan(20);
    for (const rule of NAME_RULES_FOR_TESTS) {
      fc.assert(fc.property(name, (base) => {
        if (rule.re.test(base)) expect([rule.re.source, base, rule.may(base, base.toLowerCase())]).toEqual([rule.re.source, base, true]);
      }), { numRuns: 3000 });
    }
  });

  it('the cheap tests pass over the names of a usual file (no expression runs for memcached.conf but its own)', () => {
    const tried = NAME_RULES_FOR_TESTS.filter((r) => r.may('memcached.conf', 'memcached.conf')).map((r) => r.re.source);
    expect(tried).toEqual(['^memcached([_-][^/]*)?\\.conf$']);
  });
});

describe('a template\'s suffix', () => {
  it('a path any of the template layer\'s suffix expressions matches ends in one of SUFFIX_WORDS (its last suffix, in lower case)', () => {
    const suffixes = ['.j2', '.J2', '.jinja', '.Jinja2', '.erb', '.ERB', '.epp', '.tmpl', '.tpl', '.gotmpl', '.Template', '.jinja3', '.j', '.erbx', 'j2'];
    const path = fc.tuple(name, fc.constantFrom(...suffixes), fc.constantFrom('', ...suffixes)).map((p) => p.join(''));
    fc.assert(fc.property(fc.oneof(path, name), (p) => {
      if (SUFFIX.some(([re]) => re.test(p))) expect([p, SUFFIX_WORDS.has(p.slice(p.lastIndexOf('.') + 1).toLowerCase())]).toEqual([p, true]);
    }), { numRuns: 5000 });
  });
});

describe('hasDotOrEmptySegment', () => {
  it('is /\\/\\.{0,2}(\\/|$)/', () => {
    const path = fc.oneof(fc.string({ unit: fc.constantFrom('/', '.', 'a', '..', '...', '\\'), maxLength: 12 }), fc.string({ maxLength: 10 }));
    fc.assert(fc.property(path, (p) => expect(hasDotOrEmptySegment(p)).toBe(/\/\.{0,2}(\/|$)/.test(p))), { numRuns: 5000 });
    for (const p of ['etc/memcached.conf', 'a//b', 'a/./b', 'a/../b', 'a/...', 'a/.', 'a/..', 'a/', '/.x', '']) expect(hasDotOrEmptySegment(p)).toBe(/\/\.{0,2}(\/|$)/.test(p));
  });
});

/** What may follow an instruction's blanks: white space of every kind (`\S` must not take it for an argument). */
const SPACES_AFTER = ['\u00a0', '\v', '\f', '\r', '\u2028', '\ufeff', '\u3000', '\u200b'];

/** Lines as scan sees them: the text, its first character that is not a blank, its end. */
function asScanned(line: string): [string, number, number] {
  let first = 0;
  while (first < line.length && (line[first] === ' ' || line[first] === '\t')) first++;
  return [line, first, line.length];
}
const LINE_PARTS = [
  ' ', '\t', '\u00a0', '\v', '\r', '\n', 'FROM', 'from', 'FrOm', 'ARG', 'arg', 'RUN', 'x', '=', 'A', '_', 'export', '#', '-', "'", ')', '(', '"', '$', '{', '}', '1',
  'start on', 'stop on', 'respawn', 'exec', 'script', 'end script', 'pre-start', 'post-stop', 'expect fork', 'description "', 'instance', 'console', 'setuid', 'env X=1',
  'case', 'in', 'start', 'if [', 'if test ', 'then', 'fi', 'else', 'elif ', 'for x in ', 'while x; do', 'do', 'done', 'esac', 'f ()', 'f()', ' {', 'function f', '. /', 'source x', 'apiVersion', 'kind', 'services', 'image', 'replicaCount', ':', '\u212a', 'ſ', 'ı',
];
const line = fc.oneof(fc.array(fc.constantFrom(...LINE_PARTS), { maxLength: 6 }).map((p) => p.join('')), fc.string({ maxLength: 12 }));

describe('detection by content: the lines scan tries an expression on', () => {
  it('each expression\'s cheap test is true of every line it matches', () => {
    for (const [what, need] of Object.entries(LINE_NEEDS)) {
      fc.assert(fc.property(line, (l) => {
        if (need.re.test(l)) expect([what, l, need.may(...asScanned(l))]).toEqual([what, l, true]);
      }), { numRuns: 5000 });
    }
  });

  it('a Dockerfile\'s first instruction is /^[ \\t]*FROM[ \\t]+\\S/i or /^[ \\t]*ARG[ \\t]/i', () => {
    const blanks = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 2 });
    const instruction = fc
      .tuple(blanks, fc.constantFrom('FROM', 'from', 'FrOm', 'FRO', 'ARG', 'arg', 'ARGS', 'ſrom', '\u212aind'), blanks, fc.constantFrom('', ...SPACES_AFTER, 'x', 'x y'))
      .map((p) => p.join(''));
    const check = (l: string) => {
      const [, first, end] = asScanned(l);
      expect([l, instructionAt(l, first, end, 'from', true)]).toEqual([l, /^[ \t]*FROM[ \t]+\S/i.test(l)]);
      expect([l, instructionAt(l, first, end, 'arg', false)]).toEqual([l, /^[ \t]*ARG[ \t]/i.test(l)]);
    };
    fc.assert(fc.property(fc.oneof(line, instruction), check), { numRuns: 8000 });
    for (const l of ['FROM \u00a0', 'FROM \v', 'from\tx', 'FROM', 'FROM ', 'ARG', 'ARG\t', 'ArG x', '  FROM  \r', 'FROMx y']) check(l);
  });
});
