/**
 * Differential test of the supervisord dialect against Python itself. The Python side reproduces what
 * supervisor 4 does with a `[program:memcached]` section, with the standard library only:
 * `configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)` (supervisor's
 * `UnhosedConfigParser` settings), `read_string`, the `command` value, Python's `%` operator with the
 * expansions supervisor defines for a program (`program_name`, `group_name`, `here`, `process_num`,
 * `numprocs`, `ENV_X` from the section's `environment=`), then `shlex.split()` as `get_execv_args()`
 * does. mchard's argv (program word included) must be identical, word for word, and so must the
 * outcome when Python raises (configparser, `%` or shlex errors).
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { expandPercent, parseSupervisord } from '../../src/dialects/supervisord.js';

const PYTHON = String.raw`
import configparser, json, shlex, sys
out = []
for text in json.load(sys.stdin):
    try:
        p = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
        p.read_string(text)
        sec = 'program:memcached'
        env = {}
        if p.has_option(sec, 'environment'):
            for pair in p.get(sec, 'environment').split(','):
                k, _, v = pair.partition('=')
                env['ENV_' + k.strip()] = v.strip()
        exp = {'program_name': 'memcached', 'group_name': 'memcached', 'here': '/srv/conf.d',
               'process_num': 0, 'numprocs': 1}
        exp.update(env)
        cmd = p.get(sec, 'command') % exp
        out.append({'ok': True, 'argv': shlex.split(cmd)})
    except Exception as e:
        out.append({'ok': False, 'error': type(e).__name__})
print(json.dumps(out))
`;

function python(texts: string[]): ({ ok: true; argv: string[] } | { ok: false; error: string })[] {
  return JSON.parse(execFileSync('python3', ['-c', PYTHON], { input: JSON.stringify(texts), encoding: 'utf8' }));
}

function mchard(text: string): { ok: true; argv: string[] } | { ok: false } {
  const c = parseSupervisord(new SourceText('/srv/conf.d/memcached.conf', text));
  if (c.launchFailure || !c.program?.words) return { ok: false };
  return { ok: true, argv: c.program.words.map((w) => w.value) };
}

const word = fc.constantFrom(
  '-m', '64', '-l', '127.0.0.1', '-p', '11211', '-U', '0', '-vv', '-c', '1024', '-u', 'memcache',
  '"-l 0.0.0.0"', "'-m'", '"a b"', "'x y'", '-l"127.0.0.1"', '\\-A', '"\\"q\\""', '"a\\b"', "'a\\b'", '""', "''",
  '%(program_name)s', '%(process_num)d', '1121%(process_num)02d', '%(numprocs)s', '%(program_name)d', '%(program_name)5s', '%%', '50%%', '%(ENV_MEM)s', '"%(ENV_MEM)s"', '%(here)s/m.sock', 'x;y', 'x#y', 'a=b', 'a:b',
);
const sep = fc.constantFrom(' ', '  ', '\t');
const commandText = fc.array(fc.tuple(word, sep), { minLength: 0, maxLength: 7 }).map((ws) => ws.map(([w, s]) => w + s).join('').trimEnd());
/** The command written on one line, or broken over indented continuation lines (maybe with a blank line). */
const commandLines = fc.tuple(commandText, commandText, fc.constantFrom('', '  ', '\t'), fc.boolean()).map(([a, b, ind, blank]) =>
  b === '' || ind === '' ? `${a} ${b}` : `${a}\n${blank ? '\n' : ''}${ind}${b}`,
);
const trailer = fc.constantFrom('', ' ; a comment', ' # another', ';glued', '#glued', '  ');
const delim = fc.constantFrom('=', ' = ', ':', ' : ', '=  ');
const file = fc
  .tuple(
    fc.constantFrom('', '[supervisord]\nnodaemon=true\n\n', '; header comment\n'),
    delim,
    fc.constantFrom('/usr/bin/memcached', 'memcached', '"/usr/bin/memcached"'),
    commandLines,
    trailer,
    fc.constantFrom('', 'environment=MEM=128\n', 'autostart=true\n', 'command=/usr/bin/memcached -v\n'),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([head, d, prog, cmd, tail, extra, eol]) =>
    `${head}[program:memcached]\n${extra.startsWith('command') ? extra : ''}command${d}${prog} ${cmd}${tail}\n${extra.startsWith('command') ? '' : extra}user=memcache\n`.replace(/\n/g, eol),
  );

describe('supervisord dialect against Python (configparser + % + shlex)', () => {
  it('gives the same argv, or fails where Python raises, for generated files', () => {
    const texts = fc.sample(file, { numRuns: 600, seed: 8 });
    const refs = python(texts);
    let compared = 0;
    texts.forEach((text, k) => {
      const ref = refs[k];
      const ours = mchard(text);
      // %(ENV_MEM)s without environment= is supervisord's own environment: host-dependent, not comparable.
      if (ref.ok === false && ref.error === 'KeyError' && text.includes('ENV_MEM') && !text.includes('environment=')) return;
      compared++;
      if (ref.ok) expect({ text, argv: ours.ok ? ours.argv : null }).toEqual({ text, argv: ref.argv });
      else expect({ text, ok: ours.ok, ref: ref.error }).toEqual({ text, ok: false, ref: ref.error });
    });
    expect(compared).toBeGreaterThan(400);
  });

  it('agrees on the corpus-style files and their quirks', () => {
    const texts = [
      '[program:memcached]\ncommand=/usr/bin/memcached -m 64 -p 11211 -u memcache -l 127.0.0.1\nuser:root',
      '[program:memcached]\ncommand = memcached -l 127.0.0.1;comment -m 64 ; real comment\n',
      '[program:memcached]\ncommand=memcached\n  -m 64\n\n  -l "127.0.0.1"\n',
      '[program:memcached]\ncommand=memcached -m "unclosed\n',
      '[program:memcached]\ncommand=memcached -m 64%\n',
      '  [program:memcached]\n  command=memcached -U 0\n',
      // Python's whole % syntax, as supervisor's expand() applies it: process_num and numprocs are ints.
      '[program:memcached]\ncommand=memcached -p 1121%(process_num)d -P /run/mc%(process_num)02d.pid -c %(numprocs)x\n',
      '[program:memcached]\ncommand=memcached -P "/run/%(program_name)-12s|" -t %(numprocs)+d -m %(process_num)5.3d -X %(numprocs)i%(numprocs)u%(numprocs)o\n',
      '[program:memcached]\ncommand=memcached -p %(program_name)d\n',
      '[program:memcached]\ncommand=memcached -p %(process_num)q\n',
      '[program:memcached]\ncommand=memcached -p %(process_num)\n',
    ];
    const refs = python(texts);
    texts.forEach((text, k) => {
      const ref = refs[k];
      const ours = mchard(text);
      expect({ text, ours: ours.ok ? ours.argv : 'error' }).toEqual({ text, ours: ref.ok ? ref.argv : 'error' });
    });
  });

  it("formats every conversion of Python's % the way Python does, for supervisor's int and string names", () => {
    // process_num and numprocs are ints in supervisor's expansions, every other name a string.
    const made = execFileSync(
      'python3',
      [
        '-c',
        String.raw`
import json
out = []
for key in ['process_num', 'numprocs', 'program_name']:
    for fl in ['', '-', '0', '+', ' ', '#', '0#', '-0']:
        for w in ['', '5']:
            for pr in ['', '.3', '.0']:
                for c in 'sdiuoxXeEfFgGrcq':
                    s = '%(' + key + ')' + fl + w + pr + c
                    try:
                        out.append([s, True, s % {'process_num': 7, 'numprocs': 12, 'program_name': 'memcached'}])
                    except Exception as e:
                        out.append([s, False, str(e)])
print(json.dumps(out))
`,
      ],
      { encoding: 'utf8' },
    );
    const cases = JSON.parse(made) as [string, boolean, string][];
    const lookup = (k: string) => (k === 'program_name' ? { value: 'memcached' } : { value: k === 'process_num' ? '7' : '12', int: true });
    const differ = cases.flatMap(([spec, ok, value]) => {
      const r = expandPercent([...spec].map((ch) => ({ ch, span: null })), lookup, 'program:memcached.command');
      const ours = r.error ? null : r.chars.map((c) => c.ch).join('');
      return ours === (ok ? value : null) ? [] : [{ spec, python: ok ? value : `error: ${value}`, ours: ours ?? r.error }];
    });
    expect(cases.length).toBeGreaterThan(1000);
    expect(differ).toEqual([]);
  });
});

/**
 * numprocs= starts that many processes, each command expanded with its own process_num (from numprocs_start):
 * as supervisor's ProcessGroupConfig does, each becomes an instance (`parts`) with its own argv.
 */
const PYTHON_PROCS = String.raw`
import configparser, json, shlex, sys
out = []
for text in json.load(sys.stdin):
    p = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
    p.read_string(text)
    sec = 'program:memcached'
    n = int(p.get(sec, 'numprocs')) if p.has_option(sec, 'numprocs') else 1
    start = int(p.get(sec, 'numprocs_start')) if p.has_option(sec, 'numprocs_start') else 0
    argvs = []
    for k in range(start, start + n):
        exp = {'program_name': 'memcached', 'group_name': 'memcached', 'here': '/srv/conf.d', 'process_num': k, 'numprocs': n}
        argvs.append(shlex.split(p.get(sec, 'command') % exp))
    out.append(argvs)
print(json.dumps(out))
`;

describe('numprocs=: one instance per process, each with its own process_num (against Python)', () => {
  const texts = [
    '[program:memcached]\ncommand=/usr/bin/memcached -u memcache -l 0.0.0.0 -p 1121%(process_num)d\nprocess_name=%(program_name)s_%(process_num)02d\nnumprocs=3\nnumprocs_start=1\n',
    '[program:memcached]\ncommand=/usr/bin/memcached -s /run/mc-%(process_num)02d.sock -a 0700 -c %(numprocs)d0\nprocess_name=mc%(process_num)s\nnumprocs=4\n',
    '[program:memcached]\ncommand=memcached -p 112%(process_num)02d -U 0 ; one line\nprocess_name=%(process_num)s\nnumprocs=2\nnumprocs_start=10\n',
  ];
  it('the same argv for every process, in order', () => {
    const py = JSON.parse(execFileSync('python3', ['-c', PYTHON_PROCS], { input: JSON.stringify(texts), encoding: 'utf8' })) as string[][][];
    texts.forEach((text, i) => {
      const c = parseSupervisord(new SourceText('/srv/conf.d/memcached.conf', text));
      const parts = c.parts ?? [c];
      const ours = parts.map((p) => {
        const prog = (p as typeof c).program!;
        return prog.words!.map((w) => w.value);
      });
      expect([i, ours]).toEqual([i, py[i]]);
    });
  });
  it('a command without %(process_num) is one instance (the processes are alike)', () => {
    const c = parseSupervisord(new SourceText('/srv/conf.d/memcached.conf', '[program:memcached]\ncommand=memcached -s /run/mc.sock\nprocess_name=%(program_name)s_%(process_num)s\nnumprocs=3\n'));
    expect(c.parts).toBeUndefined();
  });
});
