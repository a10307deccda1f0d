import { parseDialectFlag, parseVersionFlag, loadFile } from '../../src/cli/files.js';
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
