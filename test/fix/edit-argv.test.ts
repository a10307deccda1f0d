/**
 * Fixing a command line (argv dialect): options change in place, comments and other words stay, the
 * result re-parses to the intended argv, and a second fix changes nothing.
 */
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { loadDialect } from '../../src/dialects/index.js';
import { parseArgvText } from '../../src/dialects/argv.js';
import { fixText } from './helpers.js';
import { lintText } from '../helpers/lint.js';

const fix = (text: string) => fixText(text, 'argv', {}, '-');
const words = (text: string) => parseArgvText(new SourceText('-', text)).argv.map((t) => t.value);

beforeAll(async () => {
  await loadDialect('argv');
});

describe('fix --dialect argv', () => {
  it('binds to loopback, turns UDP off and removes -A, keeping the comment and argv[0]', () => {
    const plan = fix('/usr/bin/memcached -u memcache -l 0.0.0.0 -U 11211 -A # prod\n');
    expect(plan.text).toMatch(/^\/usr\/bin\/memcached -u memcache -l 127\.0\.0\.1 -U 0( -p 11211)? # prod\n$/);
    expect(plan.unfixed).toEqual([]);
    expect(plan.applied.map((a) => a.ruleId)).toEqual(expect.arrayContaining(['MC101', 'MC110', 'MC501']));
  });

  it('adds missing options after the last word and before --', () => {
    const added = fix('memcached -m 64 # c').text;
    expect(added.startsWith('memcached -m 64 -')).toBe(true);
    expect(added.endsWith(' # c')).toBe(true);
    expect(words(added)).toEqual(expect.arrayContaining(['-l', '127.0.0.1', '-u', 'memcache']));
    const dd = words(fix('-m 64 -- -l 0.0.0.0').text);
    expect(dd.slice(dd.indexOf('--'))).toEqual(['--', '-l', '0.0.0.0']);
    expect(dd.slice(0, dd.indexOf('--'))).toEqual(expect.arrayContaining(['-l', '127.0.0.1', '-u', 'memcache']));
  });

  it('takes a letter out of a cluster and rewrites a quoted value plainly', () => {
    const plan = fix(`-u memcache -vAd -l '0.0.0.0' -U 0`);
    expect(plan.text).toBe('-u memcache -vd -l 127.0.0.1 -U 0');
  });

  it('leaves a command line that does not parse alone', () => {
    const plan = fix(`-l "0.0.0.0`);
    expect(plan.text).toBe(`-l "0.0.0.0`);
  });

  it('on generated command lines: no fixable finding left, comments kept, idempotent', () => {
    const piece = fc.constantFrom('-l 0.0.0.0', "-l '10.0.0.1'", '-U 11211', '-U 0', '-u root', '-u memcache', '-A', '-vv', '-vA', '-d', '-p 11211', '-c 1024', '-a 0777', '-s /tmp/m.sock', '--', '# note\n', '\\\n');
    fc.assert(
      fc.property(fc.boolean(), fc.array(piece, { maxLength: 7 }), (prog, ps) => {
        const text = (prog ? 'memcached ' : '') + ps.join(' ');
        const plan = fix(text);
        const left = lintText(plan.text, { dialect: 'argv', path: '-' }).findings.filter((f) => f.fix);
        expect({ text, left: left.map((f) => f.ruleId), failed: plan.failed }).toEqual({ text, left: [], failed: [] });
        for (const m of text.matchAll(/# note/g)) expect(plan.text).toContain(m[0]);
        expect(fix(plan.text).text).toBe(plan.text);
      }),
      { numRuns: 200 },
    );
  });
});
