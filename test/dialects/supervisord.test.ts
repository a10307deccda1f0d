import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { parseSupervisord } from '../../src/dialects/supervisord.js';
import { inlineCommentStart } from '../../src/dialects/configparser.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { loadDialect } from '../../src/dialects/index.js';
import { findings, lintText } from '../helpers/lint.js';
import { ROOT, SHARED } from '../helpers/paths.js';

const parse = (text: string, path = '/etc/supervisor/conf.d/memcached.conf') => parseSupervisord(new SourceText(path, text));
const argvOf = (text: string) => parse(text).argv.map((t) => t.value);
const lint = (text: string) => lintText(text, { dialect: 'supervisord', path: '/etc/supervisor/conf.d/memcached.conf' });
const corpus = (name: string) => readFileSync(join(SHARED, 'corpus', 'other', name), 'utf8');

beforeAll(async () => {
  await loadDialect('supervisord');
});

describe('supervisord dialect: reading command=', () => {
  it('splits the command with shlex and drops the program word', () => {
    const c = parse('[program:memcached]\ncommand=/usr/bin/memcached -m 64 -l "127.0.0.1" -p 11211\n');
    expect(c.argv.map((t) => t.value)).toEqual(['-m', '64', '-l', '127.0.0.1', '-p', '11211']);
    // Spans cover the word as written, quotes included, and say why the text differs.
    const l = c.argv[3];
    expect(c.source.slice(l.span!)).toBe('"127.0.0.1"');
    expect(l.note).toMatch(/reads "\\"127\.0\.0\.1\\"" as "127\.0\.0\.1"/);
    expect(c.argv[0].note).toBeUndefined();
  });

  it('reads continuation lines and inline comments the way configparser does', () => {
    expect(argvOf('[program:memcached]\ncommand=memcached -m 64 ; comment\n    -l 127.0.0.1 # more\n    -U 0\n')).toEqual(['-m', '64', '-l', '127.0.0.1', '-U', '0']);
    // ";" and "#" glued to a word are text, not comments.
    expect(argvOf('[program:memcached]\ncommand=memcached -l 127.0.0.1;x -m 64#y\n')).toEqual(['-l', '127.0.0.1;x', '-m', '64#y']);
    // ':' separates too (corpus 080 writes user:root).
    expect(parse('[program:memcached]\ncommand:memcached -U 0\nuser:root').startsAs).toBe('root');
  });

  it('finds the comment the way CPython does, round by round over the prefixes', () => {
    // ';' qualifies at its 2nd occurrence (round 2) before '#' can at its 3rd, so the later ';' wins.
    expect(inlineCommentStart('a;b#c#d ;e #f')).toBe(8);
    expect(inlineCommentStart('no comment')).toBe(-1);
    expect(inlineCommentStart('; whole')).toBe(0);
  });

  it('expands %(...)s names, with ENV_ ones host-dependent unless environment= sets them', () => {
    const c = parse('[program:memcached]\ncommand=memcached -m %(ENV_MEM)s -P /run/%(program_name)s.pid -X 50%%\n');
    expect(c.argv.map((t) => t.value)).toEqual(['-m', '%(ENV_MEM)s', '-P', '/run/memcached.pid', '-X', '50%']);
    expect(c.argv[1].exact).toBe(false);
    expect(c.argv[3].exact).toBe(true);
    expect(c.argvExact).toBe(false);
    expect(c.notes.find((n) => n.kind === 'host-dependent')?.message).toMatch(/environment variable MEM/);
    const e = parse('[program:memcached]\nenvironment=MEM="128"\ncommand=memcached -m %(ENV_MEM)s\n');
    expect(e.argv.map((t) => [t.value, t.exact])).toEqual([['-m', true], ['128', true]]);
  });

  it('formats %(process_num)02d and the rest of Python\'s % syntax as supervisord does, not as a refusal', () => {
    // supervisor's own documentation writes %(process_num)02d; process_num and numprocs are ints there.
    const text = '[program:memcached]\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)02d\ncommand=/usr/bin/memcached -l 127.0.0.1 -u memcache -p 112%(process_num)02d -P /run/mc-%(process_num)d.pid\n';
    const c = parse(text);
    expect(c.launchFailure).toBeNull();
    expect(c.argv.map((t) => t.value)).toEqual(['-l', '127.0.0.1', '-u', 'memcache', '-p', '11200', '-P', '/run/mc-0.pid']);
    expect(lint(text).model.startup.ok).toBe(true);
    // A string name under %d is Python's TypeError: supervisord refuses the file.
    expect(parse('[program:memcached]\ncommand=memcached -p %(program_name)d\n').launchFailure?.reason).toMatch(
      /badly formatted: %d format: a real number is required, not str/,
    );
  });

  it('reports what makes supervisord refuse the file or the command as a launch failure, never a crash', () => {
    const cases: [string, RegExp][] = [
      ['[program:memcached]\ncommand=memcached -m %(nope)s\n', /cannot be expanded/],
      ['[program:memcached]\ncommand=memcached -m 64%\n', /badly formatted/],
      ['[program:memcached]\ncommand=memcached -l "127.0.0.1\n', /No closing quotation/],
      ['command=memcached\n', /no section headers/],
      ['[program:memcached]\nthis line has no delimiter\ncommand=memcached\n', /parsing errors/],
      ['[program:web]\ncommand=/usr/bin/nginx\n', /no \[program:\.\.\.\] section of the file runs memcached/],
      ['', /no \[program:\.\.\.\] section/],
    ];
    for (const [text, re] of cases) {
      const c = parse(text);
      expect({ text, reason: c.launchFailure?.reason }).toEqual({ text, reason: expect.stringMatching(re) });
      const r = lint(text);
      expect(findings(r, 'MC001').map((f) => f.message)).toEqual([expect.stringMatching(re)]);
      expect(r.model.startup.ok).toBe(false);
    }
  });

  it('checks every program that runs memcached, each as an instance (the first is the file\'s own reading)', () => {
    const c = parse('[program:web]\ncommand=nginx\n[program:cache1]\ncommand=memcached -p 1\n[program:cache2]\ncommand=/opt/bin/memcached -p 2\n');
    expect(c.program?.section).toBe('program:cache1');
    expect(c.argv.map((t) => t.value)).toEqual(['-p', '1']);
    expect((c.parts ?? []).map((p) => [p.partName, p.argv.map((t) => t.value)])).toEqual([
      ['[program:cache1]', ['-p', '1']],
      ['[program:cache2]', ['-p', '2']],
    ]);
    expect(c.notes.filter((n) => n.kind === 'other-program')).toEqual([]);
  });

  it('a second program on every interface is reported (only the first was checked)', async () => {
    await loadDialect('supervisord');
    const r = lintText('[program:mc1]\ncommand=/usr/bin/memcached -u memcache -l 127.0.0.1 -p 11211 -U 0\n\n[program:mc2]\ncommand=/usr/bin/memcached -u memcache -l 0.0.0.0 -p 11212\n', {
      dialect: 'supervisord',
      path: '/srv/supervisor/conf.d/memcached.conf',
    });
    expect(findings(r, 'MC101').map((f) => [f.line, f.message])).toEqual([[5, '-l 0.0.0.0 listens on every interface (TCP 0.0.0.0:11212)']]);
  });

  it('prints every file back byte for byte', () => {
    const piece = fc.constantFrom('[program:memcached]', 'command=memcached -m 64', '  -l 127.0.0.1', '; c', '# c', '', '  ', 'user=x', 'a:b', '\t x', 'ü=é', '[x');
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, fc.constantFrom('\n', '\r\n', '\r', '')), { maxLength: 10 }), (ls) => {
        const text = ls.map(([l, e]) => l + e).join('');
        expect(parse(text).print()).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('supervisord dialect: a program that runs a script', () => {
  it("[program:memcached] command=/start-memcached.sh (a real file): the options are in the script, unknown here, not \"supervisord does not start memcached\"", () => {
    const real = readFileSync(join(ROOT, 'test/fixtures/real/supervisord/092-apioo-fusio-docker-memcached.conf'), 'utf8');
    const c = parse(real);
    expect(c.launchFailure).toBeNull();
    expect(c.argvUnknown).toMatch(/^\[program:memcached\] runs "\/start-memcached\.sh", a program mchard does not read/);
    const r = lint(real);
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([['MC910', 'info']]);
  });

  it('a file whose programs neither run nor name memcached still says supervisord does not start it from this file', () => {
    const c = parse('[program:web]\ncommand=/usr/sbin/nginx -g "daemon off;"\n');
    expect(c.argvUnknown ?? null).toBeNull();
    expect(c.launchFailure?.reason).toMatch(/no \[program:\.\.\.\] section of the file runs memcached/);
  });
});

describe('supervisord dialect: user= and the rules', () => {
  it('user= makes memcached start as that user: no -u needed, and it is what memcached runs as', () => {
    const r = lint('[program:memcached]\ncommand=memcached -l 127.0.0.1 -U 0\nuser=memcache\n');
    expect(r.config.startsAs).toBe('memcache');
    expect(r.model.runsAs).toBe('memcache');
    expect(r.model.startup.ok).toBe(true);
    expect(findings(r, 'MC202')).toEqual([]);
  });

  it('without user=, supervisord (root) starts memcached as root: no -u is MC202, -u root is MC201', () => {
    expect(findings(lint('[program:memcached]\ncommand=memcached -l 127.0.0.1\n'), 'MC202')).toHaveLength(1);
    expect(findings(lint('[program:memcached]\ncommand=memcached -l 127.0.0.1 -u root\n'), 'MC201')).toHaveLength(1);
    expect(findings(lint('[program:memcached]\ncommand=memcached -l 127.0.0.1 -u memcache\nuser=0\n'), 'MC202')).toEqual([]);
  });

  it('[supervisord] user= applies when the program has none', () => {
    expect(parse('[supervisord]\nuser=svc\n[program:memcached]\ncommand=memcached\n').startsAs).toBe('svc');
  });

  it('MC901 reports -d under supervisord with what supervisord does (corpus 091)', () => {
    const r = lintText(corpus('091-dkalpakchi-Textinator-memcached.conf'), { dialect: 'supervisord', path: '/srv/memcached.conf' });
    const f = findings(r, 'MC901');
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/-d in command= is passed to memcached; supervisord expects its program to stay in the foreground/);
    expect(r.model.runsAs).toBe('tt');
  });

  it('host-dependent values are not judged as numbers (corpus 080)', () => {
    const r = lintText(corpus('080-theodesp-memcached-alpine-memcached.conf'), { dialect: 'supervisord', path: '/srv/memcached.conf' });
    expect(r.config.argv.map((t) => t.value)).toEqual(['-u', 'memcached', '-v', '-m', '%(ENV_MEMCACHED_MEMORY)s', '-p', '11211', '-c', '%(ENV_MEMCACHED_MAX_CONNECTIONS)s', '-I', '%(ENV_MEMCACHED_MAX_ITEM_SIZE)s']);
    expect(r.config.startsAs).toBe('root');
    for (const id of ['MC401', 'MC403', 'MC806']) expect(findings(r, id)).toEqual([]);
    expect(findings(r, 'MC101')).toHaveLength(1);
  });

  it('is detected by content and path', () => {
    expect(chooseDialect('/x/memcached.conf', '[program:memcached]\ncommand=memcached\n')).toBe('supervisord');
    expect(chooseDialect('/etc/supervisor/conf.d/cache.conf', '')).toBe('supervisord');
  });
});

describe('numprocs=: several processes of one program', () => {
  beforeAll(() => loadDialect('supervisord'));
  const ports = (text: string) => {
    const r = lintText(text, { dialect: 'supervisord', path: '/srv/supervisor/conf.d/memcached.conf' });
    return (r.parts ?? [r]).map((p) => p.model.listeners.map((l) => (l.transport === 'unix' ? `unix ${l.path}` : `${l.transport} ${l.address}:${l.port}`)));
  };

  it('each process is linted with its own process_num: three ports, each on every interface', () => {
    const text = '[program:memcached]\ncommand=/usr/bin/memcached -u memcache -l 0.0.0.0 -p 1121%(process_num)d\nprocess_name=%(program_name)s_%(process_num)02d\nnumprocs=3\nnumprocs_start=1\n';
    expect(ports(text)).toEqual([['tcp 0.0.0.0:11211'], ['tcp 0.0.0.0:11212'], ['tcp 0.0.0.0:11213']]);
    const r = lintText(text, { dialect: 'supervisord', path: '/srv/supervisor/conf.d/memcached.conf' });
    expect(findings(r, 'MC101').map((f) => f.message)).toEqual([11211, 11212, 11213].map((p) => `-l 0.0.0.0 listens on every interface (TCP 0.0.0.0:${p})`));
    // What every process says alike is said once.
    expect(findings(r, 'MC111')).toHaveLength(1);
  });

  it('process_name without %(process_num): supervisord refuses the file (supervisor options.py), once', () => {
    const r = lintText('[program:memcached]\ncommand=/usr/bin/memcached -u memcache -l 127.0.0.1 -p 1121%(process_num)d\nnumprocs=3\n', { dialect: 'supervisord', path: '/srv/supervisor/conf.d/memcached.conf' });
    expect(r.findings.map((f) => [f.ruleId, f.message])).toEqual([
      ['MC001', 'supervisord refuses the file: "%(process_num) must be present within process_name when numprocs > 1" ([program:memcached] numprocs=3)'],
    ]);
  });
});
