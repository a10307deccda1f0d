import { fixText } from './helpers.js';
import { loadDialect } from '../../src/dialects/index.js';
import { lintText } from '../helpers/lint.js';

const PATH = '/etc/supervisor/conf.d/memcached.conf';
const fix = (text: string) => fixText(text, 'supervisord', {}, PATH);
const argvAfter = (text: string) => lintText(text, { dialect: 'supervisord', path: PATH }).config.argv.map((t) => t.value);

beforeAll(async () => {
  await loadDialect('supervisord');
});

describe('supervisord editor', () => {
  it('changes words of command= in place, keeps quotes, comments and continuation lines, and notes the change above', () => {
    const text = '[program:memcached]\ncommand=/usr/bin/memcached -m "64" -u root ; tuned\n    -l 0.0.0.0 -vd\nautostart=true\n';
    const p = fix(text);
    expect(p.failed).toEqual([]);
    expect(p.text).toBe(
      '[program:memcached]\n' +
        '; mchard: replaced -u root with -u memcache in command= (MC201)\n' +
        '; mchard: replaced -l 0.0.0.0 with -l 127.0.0.1 in command= (MC101)\n' +
        '; mchard: removed -d in command= (MC901)\n' +
        '; mchard: added -U 0 in command= (MC111)\n' +
        'command=/usr/bin/memcached -m "64" -u memcache ; tuned\n' +
        '    -l 127.0.0.1 -v -U 0\n' +
        'autostart=true\n',
    );
    expect(argvAfter(p.text)).toEqual(['-m', '64', '-u', 'memcache', '-l', '127.0.0.1', '-v', '-U', '0']);
  });

  it('adds options after a last word written in quotes, not inside them', () => {
    const p = fix('[program:memcached]\ncommand=memcached -u memcache -m "%(ENV_MEM)s"\n');
    expect(p.text).toContain('command=memcached -u memcache -m "%(ENV_MEM)s" -l 127.0.0.1 -U 0\n');
  });

  it('does not add -u when user= already makes memcached start unprivileged', () => {
    const p = fix('[program:memcached]\ncommand=memcached -l 127.0.0.1 -U 0\nuser=memcache\n');
    expect(p.changed).toBe(false);
  });

  it('leaves a file alone that supervisord would refuse', () => {
    const p = fix('[program:memcached]\ncommand=memcached -l "0.0.0.0\n');
    expect(p.changed).toBe(false);
  });
});

describe('several programs that run memcached', () => {
  beforeAll(() => loadDialect('supervisord'));
  it('the second one is fixed in its own command=, the first left as it is; the result re-reads clean', () => {
    const text = '[program:mc1]\ncommand=/usr/bin/memcached -u memcache -l 127.0.0.1 -p 11211 -U 0\n\n[program:mc2]\ncommand=/usr/bin/memcached -u memcache -l 0.0.0.0 -p 11212\n';
    const p = fix(text);
    expect(p.failed).toEqual([]);
    expect(p.text).toContain('[program:mc1]\ncommand=/usr/bin/memcached -u memcache -l 127.0.0.1 -p 11211 -U 0\n');
    expect(p.text).toContain('command=/usr/bin/memcached -u memcache -l 127.0.0.1 -p 11212 -U 0\n');
    expect(lintText(p.text, { dialect: 'supervisord', path: PATH }).findings.filter((f) => f.fix)).toEqual([]);
  });
});
