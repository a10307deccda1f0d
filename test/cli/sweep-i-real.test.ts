/**
 * Real files (test/fixtures/real 1460 and later, provenance in its MANIFEST.tsv) that mchard refused with a
 * hint to read them as one of its formats although nothing in them is memcached's: each placed at its
 * repository path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TempDir } from './helpers.js';
import { ROOT } from '../helpers/paths.js';

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel));
let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-sweep-i-');
});
afterEach(() => tmp.cleanup());

type FileJson = { dialect: string | null; refused?: { looksLike: string | null; reason: string; message: string }; findings: unknown[] };
const lintJson = async (f: string, extra: string[] = []) => {
  const r = await run(['lint', '--format', 'json', ...extra, f]);
  return { ...r, file: JSON.parse(r.out).files[0] as FileJson };
};

describe('a refusal suggests --dialect only when something in the file is memcached configuration in that format', () => {
  // Before: .rspec and .puppet-lint.rc ("--default-path test/spec", "--fail-on-warnings") were "memcached
  // options ... pass --dialect debian if that is what reads it"; .flaskenv, .envrc and debian/watch
  // (FLASK_APP=, export KITCHEN_GLOBAL_YAML=, version=4) "KEY=value assignments ... pass --dialect sysconfig";
  // Gemfile and Jenkinsfile "mchard cannot tell which program reads it ... pass --dialect NAME"; debian/control
  // "a YAML document".
  it.each([
    ['other/1460-sous-chefs-memcached-.rspec', '.rspec', /^RSpec's options file/],
    ['other/1461-sous-chefs-memcached-Gemfile', 'Gemfile', /^Ruby code of a Ruby tool \(Bundler's Gemfile/],
    ['other/1462-goosechooser-benwaonline-Jenkinsfile', 'Jenkinsfile', /^a Jenkins pipeline \(Groovy\)/],
    ['other/1463-pexip-os-memcached-watch', 'debian/watch', /^a file of a Debian source package's packaging/],
    ['other/1464-saz-puppet-memcached-.puppet-lint.rc', '.puppet-lint.rc', /^another program's options or settings \(a dotfile named like a tool's rc file\)/],
    ['other/1465-goosechooser-benwaonline-.flaskenv', '.flaskenv', /^KEY=value assignments, none of them a setting of memcached's service/],
    ['other/1466-sous-chefs-memcached-.envrc', '.envrc', /^direnv's \.envrc/],
    ['other/1467-pexip-os-memcached-control', 'debian/control', /^a file of a Debian source package's packaging/],
  ])('%s at %s: refused as what it is, with no --dialect hint', async (fixture, at, looks) => {
    const f = tmp.write(at, real(fixture));
    const { code, file, err } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.dialect).toBeNull();
    expect(file.findings).toEqual([]);
    expect(file.refused!.looksLike).toMatch(looks);
    expect(file.refused!.message).not.toMatch(/--dialect/);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/--dialect/);
    const i = await run(['inspect', f]);
    expect(i.code).toBe(2);
    expect(i.out + i.err).not.toMatch(/--dialect/);
  });

  it('memcached option lines under a name that says nothing still get the debian hint', async () => {
    // The same flow with memcached's own options: the hint is still given, and --dialect debian reads it.
    const f = tmp.write('conf/cache-options', '# cache\n-m 64\n-p 11211\n-l 0.0.0.0\n');
    const { code, file } = await lintJson(f);
    expect(code).toBe(2);
    expect(file.refused!.message).toMatch(/pass --dialect debian if that is what reads it$/);
    const forced = await lintJson(f, ['--dialect', 'debian']);
    expect(forced.file.dialect).toBe('debian');
  });

  it('the RHEL variables under a name that says nothing still get the sysconfig hint', async () => {
    const f = tmp.write('conf/cache-env', 'OPTIONS="-l 127.0.0.1 -U 0"\n');
    const { file } = await lintJson(f);
    expect(file.refused!.message).toMatch(/pass --dialect sysconfig if that is what reads it$/);
  });

  it('an .rspec whose lines happen to use memcached letters (-I lib, -r helper) gets no hint', async () => {
    const f = tmp.write('proj/opts', '-I lib\n-r spec_helper\n--color\n');
    const { file } = await lintJson(f);
    expect(file.refused!.message).not.toMatch(/--dialect/);
    expect(file.refused!.looksLike).toMatch(/^option lines that are not memcached's/);
  });

  it("Debian's memcached.conf in a packaging folder is still read as Debian's (debian/memcached.conf)", async () => {
    const f = tmp.write('debian/memcached.conf', '-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n');
    const { file } = await lintJson(f);
    expect(file.dialect).toBe('debian');
  });
});
