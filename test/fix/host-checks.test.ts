/** Host checks: new listen addresses must be local, a new user must exist. */
import { analyze } from '../../src/memcached/model.js';
import { hostCheckProblems } from '../../src/fix/host-checks.js';
import type { HostFacts } from '../../src/memcached/startup.js';
import { argv } from '../helpers/argv.js';

const host: HostFacts = {
  root: true,
  userExists: (n) => ['memcache', 'nobody'].includes(n),
  addressIsLocal: (a) => a.startsWith('127.') || a === '::1' || a === '192.0.2.10',
};
const model = (...words: string[]) => analyze(argv(...words));

describe('hostCheckProblems', () => {
  it('accepts loopback, local addresses and existing users', () => {
    expect(hostCheckProblems(model('-l', '0.0.0.0', '-u', 'root'), model('-l', '127.0.0.1,::1,192.0.2.10', '-u', 'memcache'), host)).toEqual([]);
  });

  it('reports a listen address no interface has', () => {
    const p = hostCheckProblems(model('-l', '0.0.0.0'), model('-l', '127.0.0.1,198.51.100.7'), host);
    expect(p).toEqual([expect.stringContaining('198.51.100.7 is not on any interface')]);
  });

  it('reports a user that does not exist', () => {
    expect(hostCheckProblems(model('-u', 'root'), model('-u', 'memcached'), host)).toEqual([expect.stringContaining('user "memcached" does not exist')]);
  });

  it('says so when /etc/passwd cannot be read', () => {
    expect(hostCheckProblems(model('-u', 'root'), model('-u', 'memcache'), { root: true, userExists: () => undefined })).toEqual([
      expect.stringContaining('cannot read /etc/passwd'),
    ]);
  });

  it('only checks what the fix changes (an address already in the file is not the fix\'s doing)', () => {
    expect(hostCheckProblems(model('-l', '198.51.100.7', '-u', 'ghost'), model('-l', '198.51.100.7', '-u', 'ghost', '-U', '0'), host)).toEqual([]);
  });

  it('ignores host names (not the fix\'s doing either)', () => {
    expect(hostCheckProblems(model(), model('-l', 'cache.example'), host)).toEqual([]);
  });
});
