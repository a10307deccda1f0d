import { systemFiles, parseDialectFlag, parseVersionFlag, loadFile } from '../../src/cli/files.js';
import { UsageError } from '../../src/cli/args.js';
import { InputError } from '../../src/input.js';
import { TempDir } from './helpers.js';

describe('systemFiles', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = new TempDir();
  });
  afterEach(() => tmp.cleanup());

  it('finds nothing in an empty folder, or a folder that does not exist', () => {
    expect(systemFiles(tmp.path)).toEqual([]);
    expect(systemFiles(tmp.join('absent'))).toEqual([]);
  });

  it('lists memcached.conf, memcached_*.conf in name order, then sysconfig/memcached', () => {
    tmp.write('sysconfig/memcached', 'PORT=11211\n');
    tmp.write('memcached_b.conf', '-l 127.0.0.1\n');
    tmp.write('memcached.conf', '-l 127.0.0.1\n');
    tmp.write('memcached_a.conf', '-l 127.0.0.1\n');
    expect(systemFiles(tmp.path)).toEqual([
      tmp.join('memcached.conf'),
      tmp.join('memcached_a.conf'),
      tmp.join('memcached_b.conf'),
      tmp.join('sysconfig', 'memcached'),
    ]);
  });

  it('ignores files that only look similar', () => {
    for (const name of ['memcached_.conf', 'memcached.conf.dpkg-old', 'memcached_a.conf.bak', 'memcachedb.conf', 'other.conf', 'memcached-x.conf']) {
      tmp.write(name, '-l 127.0.0.1\n');
    }
    tmp.write('sysconfig/memcached.rpmsave', 'PORT=1\n');
    expect(systemFiles(tmp.path)).toEqual([]);
  });

  it('lists only the files that exist', () => {
    tmp.write('sysconfig/memcached', 'PORT=11211\n');
    expect(systemFiles(tmp.path)).toEqual([tmp.join('sysconfig', 'memcached')]);
  });
});

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
