import { chmodSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { findConfig, loadConfig, parseConfigText, ConfigError, CONFIG_NAME } from '../../src/engine/config.js';
import type { Rule } from '../../src/engine/types.js';
import { TempDir } from '../cli/helpers.js';

const rule = (id: string, slug: string): Rule => ({
  id,
  slug,
  severity: 'error',
  summary: slug,
  risk: { kind: 'correctness' },
  since: '0.1.0',
  sources: [],
  phase: 'settings',
  dialects: 'all',
  fix: null,
  docs: { what: '', why: '', example: { dialect: 'debian', bad: '', good: '' }, fix: '' },
  check() {},
});
const RULES = [rule('MC101', 'listen-all-interfaces'), rule('MC103', 'listen-private-address'), rule('MC301', 'default-port')];

const parse = (text: string) => parseConfigText('/x/.mchardrc', text, RULES);
const errorOf = (text: string): string => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('findConfig', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = new TempDir();
  });
  afterEach(() => tmp.cleanup());

  it('is named .mchardrc', () => {
    expect(CONFIG_NAME).toBe('.mchardrc');
  });

  it('finds the file in the folder itself', () => {
    const rc = tmp.write('.mchardrc', '');
    expect(findConfig(tmp.path)).toBe(rc);
  });

  it('walks up to the nearest one', () => {
    const top = tmp.write('.mchardrc', '');
    const mid = tmp.write('a/b/.mchardrc', '');
    tmp.write('a/b/c/d/memcached.conf', '');
    expect(findConfig(tmp.join('a/b/c/d'))).toBe(mid);
    expect(findConfig(tmp.join('a/b'))).toBe(mid);
    expect(findConfig(tmp.join('a'))).toBe(top);
  });

  it('works from a relative folder and one that does not exist', () => {
    const rc = tmp.write('.mchardrc', '');
    expect(findConfig(tmp.join('no/such/folder'))).toBe(rc);
    const cwd = process.cwd();
    try {
      process.chdir(tmp.path);
      expect(findConfig('.')).toBe(join(tmp.path, '.mchardrc'));
      expect(findConfig('sub/dir')).toBe(rc);
    } finally {
      process.chdir(cwd);
    }
  });

  it('answers as the lookup written with path.resolve, path.join and path.dirname, with a shared cache or none', () => {
    // The reference: the nearest folder at or above `dir` holding anything named .mchardrc (lstat, so a
    // dangling link counts), every name made by path.join from path.resolve's answer.
    const reference = (dir: string): string | null => {
      for (let d = resolve(dir); ; d = dirname(d)) {
        const p = join(d, CONFIG_NAME);
        if (lstatSync(p, { throwIfNoEntry: false })) return p;
        if (dirname(d) === d) return null;
      }
    };
    const folders = ['a', 'a/b', 'a/b/c', 'a/d', 'e', 'e/f', 'e/f/g'];
    for (const f of folders) mkdirSync(tmp.join(f), { recursive: true });
    const cwd = process.cwd();
    process.chdir(tmp.path);
    try {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.constantFrom('', ...folders), fc.constantFrom('file', 'link', 'dangling', 'folder')), { maxLength: 4 }),
          fc.array(fc.tuple(fc.constantFrom('', ...folders, 'a/b/c/none', 'e/../a/b', 'a/./d', 'e//f/', '.', 'a/b/..'), fc.boolean()), { minLength: 1, maxLength: 6 }),
          (placed, asked) => {
            const made: string[] = [];
            try {
              for (const [where, kind] of placed) {
                const p = tmp.join(where, CONFIG_NAME);
                if (lstatSync(p, { throwIfNoEntry: false })) continue;
                if (kind === 'file') writeFileSync(p, '');
                else if (kind === 'link') symlinkSync('/etc/hostname', p);
                else if (kind === 'dangling') symlinkSync('nowhere', p);
                else mkdirSync(p);
                made.push(p);
              }
              const cache = new Map<string, string | null>();
              for (const [dir, absolute] of asked) {
                const d = absolute ? tmp.join(dir) : dir === '' ? '.' : dir;
                const want = reference(d);
                expect(findConfig(d)).toBe(want);
                expect(findConfig(d, cache)).toBe(want);
              }
            } finally {
              for (const p of made) rmSync(p, { recursive: true, force: true });
            }
          },
        ),
        { numRuns: 300, seed: 18 },
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('returns null when there is none up to the root', () => {
    // Assumes no stray /.mchardrc or /tmp/.mchardrc on the test machine.
    expect(findConfig(tmp.join('x'))).toBeNull();
  });

  it('a folder named .mchardrc is found, and reading it is a clear error', () => {
    tmp.write('.mchardrc/inner', '');
    const found = findConfig(tmp.path);
    expect(found).toBe(tmp.join('.mchardrc'));
    expect(() => loadConfig(found!, RULES)).toThrow(ConfigError);
    expect(() => loadConfig(found!, RULES)).toThrow(/\.mchardrc: is a directory/);
  });
});

describe('parseConfigText', () => {
  it('an empty file (or only comments) changes nothing', () => {
    for (const text of ['', '; comment\n# another\n\n']) {
      const c = parse(text);
      expect(c.path).toBe('/x/.mchardrc');
      expect(c.severities.size).toBe(0);
      expect(c.failOn).toBeUndefined();
      expect(c.version).toBeUndefined();
      expect(c.trustedNetworks).toBeUndefined();
    }
  });

  it('[rules] sets severities by ID or slug, in any case, and off', () => {
    const c = parse('[rules]\nMC101 = warning\nlisten-private-address = off\nmc301 = ERROR\n');
    expect([...c.severities]).toEqual([
      ['MC101', 'warning'],
      ['MC103', 'off'],
      ['MC301', 'error'],
    ]);
  });

  it.each(['error', 'warning', 'info'] as const)('fail-on = %s', (sev) => {
    expect(parse(`fail-on = ${sev}\n`).failOn).toBe(sev);
  });

  it('memcached-version', () => {
    expect(parse('memcached-version = 1.4.15\n').version).toEqual([1, 4, 15]);
    expect(parse('memcached-version = "1.6.9"\n').version).toEqual([1, 6, 9]);
  });

  it('trusted-networks, separated by commas and/or spaces', () => {
    expect(parse('trusted-networks = 10.0.0.0/8, 192.168.0.0/16  fd00::/8\n').trustedNetworks).toEqual(['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8']);
    expect(parse('trusted-networks = 10.1.2.3\n').trustedNetworks).toEqual(['10.1.2.3']);
  });

  it('maxconn-low and maxconn-high', () => {
    const c = parse('maxconn-low = 32\nmaxconn-high = 100000\n');
    expect(c.maxconnLow).toBe(32);
    expect(c.maxconnHigh).toBe(100000);
  });

  it('all keys together', () => {
    const c = parse('fail-on = warning\nmemcached-version = 1.5.22\ntrusted-networks = 10.0.0.0/8\n\n[rules]\ndefault-port = off\n');
    expect(c).toMatchObject({ failOn: 'warning', version: [1, 5, 22], trustedNetworks: ['10.0.0.0/8'] });
    expect(c.severities.get('MC301')).toBe('off');
  });

  it.each([
    ['an unknown key', 'failon = error\n', 'unknown key "failon"'],
    ['a key in the wrong case', 'Fail-On = error\n', 'unknown key "Fail-On"'],
    ['an unknown section', '[rule]\nMC101 = off\n', 'unknown section [rule]'],
    ['a misplaced section', '[severities]\nMC101 = off\n', 'unknown section [severities]'],
    ['an unknown rule', '[rules]\nMC999 = off\n', 'unknown rule "MC999" in [rules]'],
    ['an unknown slug', '[rules]\nlisten-everywhere = off\n', 'unknown rule "listen-everywhere" in [rules]'],
    ['an unknown severity', '[rules]\nMC101 = critical\n', 'rule MC101: "critical" is not one of error, warning, info, off'],
    ['a boolean severity', '[rules]\nMC101 = false\n', 'rule MC101: "false" is not one of error, warning, info, off'],
    ['a bad fail-on', 'fail-on = off\n', 'fail-on: "off" is not one of error, warning, info'],
    ['a bad version', 'memcached-version = latest\n', 'memcached-version: "latest" is not a version like 1.6.18'],
    ['a bad network', 'trusted-networks = 10.0.0.0/8, example.com\n', 'trusted-networks: '],
    ['a bad number', 'maxconn-low = many\n', 'maxconn-low: "many" is not a whole number'],
  ])('%s is an error naming it', (_name, text, message) => {
    expect(errorOf(text)).toContain(`/x/.mchardrc: ${message}`);
  });

  it('error messages are one line', () => {
    expect(errorOf('nope = 1\n')).not.toContain('\n');
  });
});

describe('loadConfig', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
  });
  afterAll(() => tmp.cleanup());

  it('reads and parses the file', () => {
    const p = tmp.write('.mchardrc', 'fail-on = info\n[rules]\nMC101 = off\n');
    const c = loadConfig(p, RULES);
    expect(c.path).toBe(p);
    expect(c.failOn).toBe('info');
    expect(c.severities.get('MC101')).toBe('off');
  });

  it('a missing file is a ConfigError naming it', () => {
    const p = tmp.join('absent.ini');
    expect(() => loadConfig(p, RULES)).toThrow(new ConfigError(`${p}: no such file`));
  });

  it('an unreadable file is a ConfigError naming it (when the user cannot read it)', () => {
    const p = tmp.write('locked.ini', 'fail-on = info\n');
    chmodSync(p, 0o000);
    let readable = true;
    try {
      readFileSync(p);
    } catch {
      readable = false;
    }
    if (readable) expect(loadConfig(p, RULES).failOn).toBe('info');
    else expect(() => loadConfig(p, RULES)).toThrow(new ConfigError(`${p}: permission denied`));
  });
});
