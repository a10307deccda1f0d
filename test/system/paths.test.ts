/**
 * absolutePath is path.resolve with a short way for paths already normal: held to path.resolve for any
 * path made of plain names, `.`, `..`, empty components, slashes and backslashes, relative or absolute,
 * from the root and from a deeper current folder.
 */
import fc from 'fast-check';
import { resolve } from 'node:path';
import { absolutePath } from '../../src/system/paths.js';
import { hostFileAccess } from '../../src/input.js';
import { isInside } from '../../src/system/links.js';

const component = fc.constantFrom('a', 'etc', 'memcached.conf', '.', '..', '', '...', '.hidden', 'b c', 'x\\y', '-', 'é', '..a', 'a..');
const path = fc.tuple(fc.boolean(), fc.array(component, { maxLength: 7 })).map(([abs, parts]) => (abs ? '/' : '') + parts.join('/'));

describe('absolutePath', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it.each(['/', '/tmp', cwd])('is path.resolve, from %s', (dir) => {
    process.chdir(dir);
    fc.assert(
      fc.property(path, (p) => {
        expect(absolutePath(p)).toBe(resolve(p));
      }),
      { numRuns: 2000 },
    );
    for (const p of ['', '.', '..', '/', '//', 'a/', 'a//b', './a', 'a/.', 'a/..', '/..', '/a/../b', 'hosts/h1/memcached.conf', '/etc/memcached.conf']) expect(absolutePath(p)).toBe(resolve(p));
  });
});

describe('hostFileAccess.mayShow, the named paths resolved once per list', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it('shows a value from a host file exactly when the file is among the named ones, asked in any order, from any current folder', () => {
    const name = fc.constantFrom('/etc/memcached.conf', '/etc/default/memcached', 'etc/memcached.conf', './etc/default/memcached', '/etc//sysconfig/memcached', '/etc/sysconfig/../sysconfig/memcached', '-', 'memcached.env');
    fc.assert(
      fc.property(fc.array(name, { maxLength: 6 }), fc.array(fc.tuple(name, fc.constantFrom('/', '/tmp', cwd)), { minLength: 1, maxLength: 10 }), (named, asks) => {
        const access = hostFileAccess('/etc/memcached.conf', undefined, named);
        for (const [p, dir] of asks) {
          process.chdir(dir);
          const expected = new Set(named.filter((n) => n !== '-').map((n) => resolve(n))).has(resolve(p));
          expect(access.mayShow(p)).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads nothing for a file outside /etc without host checks, and shows everything with showAll', () => {
    expect(hostFileAccess('repo/memcached.conf', undefined, ['repo/memcached.conf']).mayShow('repo/memcached.conf')).toBe(false);
    expect(hostFileAccess('/etc/memcached.conf', undefined, [], true).mayShow('/etc/anything')).toBe(true);
  });
});

describe('isInside', () => {
  it('is "the child is the parent or starts with the parent and a slash"', () => {
    const ref = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
    const p = fc.string({ unit: fc.constantFrom('a', 'b', '/', '.'), maxLength: 8 });
    fc.assert(fc.property(p, p, (child, parent) => expect(isInside(child, parent)).toBe(ref(child, parent))), { numRuns: 5000 });
    fc.assert(fc.property(p, p, (parent, rest) => expect(isInside(parent + rest, parent)).toBe(ref(parent + rest, parent))), { numRuns: 5000 });
  });
});
