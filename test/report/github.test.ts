import { formatGithub } from '../../src/report/github.js';
import { input, finding } from './fixtures.js';

describe('github report', () => {
  it('prints ::error / ::warning / ::notice workflow commands with file, line and col', () => {
    expect(formatGithub(input()).split('\n')).toEqual([
      '::error file=/etc/memcached.conf,line=12,col=1,endLine=12,endColumn=11,title=MC101 slug-mc101::listens on every interface (MC101)',
      '::warning file=/etc/memcached.conf,line=14,col=1,endLine=14,endColumn=4,title=MC502 slug-mc502::-vv logs every request (MC502)',
      '::notice file=/etc/sysconfig/memcached,line=1,col=6,endLine=1,endColumn=13,title=MC301 slug-mc301::the default port (MC301)',
      '',
    ]);
  });

  it('prints nothing without findings', () => {
    expect(formatGithub(input([]))).toBe('');
    expect(formatGithub(input([{ path: 'a', dialect: 'debian', findings: [] }]))).toBe('');
  });

  it('escapes properties and data as the runner expects', () => {
    const out = formatGithub(
      input([{ path: 'conf,dir/a:b%.conf', dialect: 'debian', findings: [finding('MC101', 'error', '100% bad\nsecond line\r', [1, 1, 1, 2])] }]),
    );
    expect(out).toBe('::error file=conf%2Cdir/a%3Ab%25.conf,line=1,col=1,endLine=1,endColumn=2,title=MC101 slug-mc101::100%25 bad%0Asecond line%0D (MC101)\n');
    // Every command is one line.
    expect(out.trimEnd().split('\n')).toHaveLength(1);
  });
});
