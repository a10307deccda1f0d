import fc from 'fast-check';
import { parseDialectFlag, parseVersionFlag, loadFile, OptionResolver } from '../../src/cli/files.js';
import { fileSeverities, severitiesForRun } from '../../src/cli/lint-flags.js';
import type { ProjectConfig } from '../../src/engine/config.js';
import { RULES } from '../../rules/index.js';
import { UsageError } from '../../src/cli/args.js';
import { InputError } from '../../src/input.js';
import { TempDir } from './helpers.js';

describe('flag parsing', () => {
  it('accepts the two dialects and nothing else', () => {
    expect(parseDialectFlag(undefined)).toBeUndefined();
    expect(parseDialectFlag('debian')).toBe('debian');
    expect(parseDialectFlag('sysconfig')).toBe('sysconfig');
    expect(() => parseDialectFlag('redhat')).toThrow(UsageError);
  });

  it('accepts versions like 1.6.18', () => {
    expect(parseVersionFlag(undefined)).toBeUndefined();
    expect(parseVersionFlag('1.6.18')).toEqual([1, 6, 18]);
    expect(() => parseVersionFlag('latest')).toThrow(UsageError);
  });
});

describe('loadFile', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = new TempDir();
  });
  afterAll(() => tmp.cleanup());

  it('chooses the dialect from the path, then the content, unless told', async () => {
    expect((await loadFile(tmp.write('sysconfig/memcached', 'PORT=1\n'))).dialect).toBe('sysconfig');
    expect((await loadFile(tmp.write('a/memcached.conf', '-l 127.0.0.1\n'))).dialect).toBe('debian');
    expect((await loadFile(tmp.write('b/memcached.conf', 'PORT="1"\nUSER="memcached"\n'))).dialect).toBe('sysconfig');
    expect((await loadFile(tmp.write('c/memcached.conf', 'PORT="1"\n'), 'debian')).dialect).toBe('debian');
  });

  it('throws InputError for a file it cannot read', async () => {
    await expect(loadFile(tmp.join('missing.conf'))).rejects.toThrow(InputError);
  });
});

describe('OptionResolver.ruleOptions, remembered for the run', () => {
  const cfgs: (ProjectConfig | null)[] = [
    null,
    { path: '/x/.mchardrc', severities: new Map() },
    { path: '/y/.mchardrc', severities: new Map(), version: [1, 4, 0], trustedNetworks: ['10.0.0.0/8'], maxconnLow: 10, maxconnHigh: 100, requireReason: true },
    { path: '/z/.mchardrc', severities: new Map(), trustedNetworks: ['192.168.0.0/16'] },
  ];
  const paths = ['memcached.conf', 'hosts/a/memcached.conf', '/etc/memcached.conf', '/etc/sysconfig/memcached', '/srv/etc/memcached.conf', '-'];
  const flagSets = [{}, { installedVersion: false }, { installedVersion: false, version: [1, 6, 9] as [number, number, number] }, { installedVersion: false, trustedNetworks: ['172.16.0.0/12'] }];

  it('gives every file what a fresh resolver gives it, in any order of files and configurations', () => {
    fc.assert(
      fc.property(fc.constantFrom(...flagSets), fc.array(fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...cfgs)), { minLength: 1, maxLength: 25 }), (flags, asks) => {
        const remembering = new OptionResolver(RULES, flags);
        for (const [path, cfg] of asks) {
          expect(remembering.ruleOptions(path, cfg)).toEqual(new OptionResolver(RULES, flags).ruleOptions(path, cfg));
        }
      }),
    );
  });

  it('makes options with extras afresh, never from or into the remembered ones', () => {
    const r = new OptionResolver(RULES, { installedVersion: false });
    const plain = r.ruleOptions('memcached.conf', null);
    const withUser = r.ruleOptions('memcached.conf', null, { fixUser: 'memcache' });
    expect(withUser.fixUser).toBe('memcache');
    expect(plain.fixUser).toBeUndefined();
    expect(r.ruleOptions('memcached.conf', null)).toBe(plain);
  });
});

describe('severitiesForRun', () => {
  it('is fileSeverities, one map per configuration', () => {
    const a: ProjectConfig = { path: '/a/.mchardrc', severities: new Map([['MC101', 'warning']]) };
    const b: ProjectConfig = { path: '/b/.mchardrc', severities: new Map([['MC301', 'off']]) };
    const disabled = new Set(['MC502']);
    const of = severitiesForRun(disabled);
    for (const cfg of [a, b, null, a, null, b]) expect(of(cfg)).toEqual(fileSeverities(cfg, disabled));
    expect(of(a)).toBe(of(a));
    expect(of(a)).not.toBe(of(b));
    expect(of(null)).toBe(of(undefined));
  });
});
