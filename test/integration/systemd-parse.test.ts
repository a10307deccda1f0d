/**
 * Differential test against systemd 252's own unit parser: `systemd --test --system` (run as an
 * unprivileged user, as it requires) loads generated units from a private SYSTEMD_UNIT_PATH and dumps
 * them. For every unit, mchard must agree on whether systemd loads it, and on what it loaded: each
 * ExecStart= command's words (after quoting, escapes and specifiers; `$` expansion happens only at start
 * and is not in the dump), Environment=, EnvironmentFile=, User= and Type=.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { parseSystemd, type SystemdConfig } from '../../src/dialects/systemd.js';
import { unquoteDump } from '../helpers/systemd-dump.js';

const SYSTEMD = '/lib/systemd/systemd';
const usable = existsSync(SYSTEMD) && process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
if (!usable) console.warn(`skipping the systemd differential test: needs ${SYSTEMD}, setpriv and root (to switch to nobody)`);

interface Dumped {
  load: string;
  commands: string[][];
  environment: string[];
  environmentFiles: string[];
  user: string | null;
  type: string | null;
}

function runSystemd(dir: string, names: string[]): Map<string, Dumped> {
  writeFileSync(join(dir, 'mchard-all.target'), `[Unit]\nWants=${names.join(' ')}\n`);
  chmodSync(join(dir, 'mchard-all.target'), 0o644);
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', SYSTEMD, '--test', '--system', '--unit=mchard-all.target', '--log-level=emerg'], {
    env: { HOME: '/nonexistent', PATH: '/usr/bin:/bin', SYSTEMD_UNIT_PATH: `${dir}:`, SYSTEMD_LOG_LEVEL: 'emerg' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60000,
  });
  const out = new Map<string, Dumped>();
  let cur: Dumped | null = null;
  let inExecStart = false;
  for (const line of r.stdout.split('\n')) {
    const unit = /^\t-> Unit (.+):$/.exec(line);
    if (unit) {
      cur = names.includes(unit[1]) ? { load: '', commands: [], environment: [], environmentFiles: [], user: null, type: null } : null;
      if (cur) out.set(unit[1], cur);
      inExecStart = false;
      continue;
    }
    if (!cur) continue;
    const kv = /^\t\t([A-Za-z ]+): (.*)$/.exec(line);
    if (/^\t\t-> ExecStart:$/.test(line)) {
      inExecStart = true;
      continue;
    }
    if (/^\t\t-> /.test(line)) inExecStart = false;
    const cmd = /^\t\t\tCommand Line: (.*)$/.exec(line);
    if (cmd && inExecStart) {
      cur.commands.push(unquoteDump(cmd[1]));
      continue;
    }
    if (!kv) continue;
    const [, key, value] = kv;
    if (key === 'Unit Load State') cur.load = value;
    else if (key === 'Environment') cur.environment.push(value);
    else if (key === 'EnvironmentFile') cur.environmentFiles.push(value.replace(/ \(ignore_errors=(yes|no)\)$/, (m, y) => (y === 'yes' ? '' : '')));
    else if (key === 'User') cur.user = value;
    else if (key === 'Type') cur.type = value;
  }
  return out;
}

/** What mchard read, in the dump's terms (the dump shows argv[0] and not the path with the "@" prefix). */
function mine(cfg: SystemdConfig): Dumped {
  return {
    load: cfg.launchFailure ? 'bad-setting' : 'loaded',
    commands: cfg.execCommands.map((c) => [...(c.prefixes.includes('@') ? [] : [c.program.value]), ...c.words.map((w) => w.value)]),
    environment: [...cfg.environment.values()].map((e) => `${e.name}=${e.value}`),
    environmentFiles: cfg.environmentFiles.map((f) => (f.optional ? '-' : '') + f.path),
    user: cfg.user,
    type: cfg.serviceType ?? 'simple',
  };
}

// ---- Generated units ----

const argWord = fc.oneof(
  fc.constantFrom('-l', '0.0.0.0', '-p', '11211', '-U', '0', '-vv', '$OPTIONS', '${PORT}', '$$', 'a$$b', '%%', '%n', '%N', '%p', '%i', '%j', ';', '\\;', '#x', 'a;b', '-', '@x'),
  fc.stringMatching(/^[a-z0-9=.,:\/-]{1,6}$/),
  fc.constantFrom('"a b"', "'c d'", '"q\\"x"', "'s\\'q'", '"\\t"', '\\x41', '\\101', '\\s', '\\$X', '\\%', '"x"y\'z\'', '""', "''", '\\\\', '"a\\\nb"', '\\u00e9'),
);
const sep = fc.constantFrom(' ', '  ', '\t', ' \\\n  ', ' \\\n# comment inside\n  ', ' \\\n; semicolon comment\n ');
const prefix = fc.constantFrom('', '', '-', '@', ':', '+', '!', '!!', '-@', '@-');
const execLine = fc
  .tuple(prefix, fc.constantFrom('/usr/bin/memcached', '/usr/local/bin/memcached', 'memcached', '/opt/%N/bin/memcached'), fc.array(fc.tuple(sep, argWord), { maxLength: 6 }), fc.constantFrom('', ' ', ' \\'))
  .map(([pre, prog, args, tail]) => `ExecStart=${pre}${prog}${pre.includes('@') ? ' memcached' : ''}${args.map(([s, w]) => s + w).join('')}${tail}`);
const envWord = fc.constantFrom('A=1', 'OPTIONS="-l 127.0.0.1 -U 0"', "'B=two words'", 'C=', 'D=x\\ty', 'E=%n', 'bad-name=1', '=x', 'F="unterminated', 'G=\\q', 'A=2', 'H=a"b"c');
const line = fc.oneof(
  { weight: 5, arbitrary: execLine },
  { weight: 1, arbitrary: fc.constant('ExecStart=') },
  { weight: 3, arbitrary: fc.array(envWord, { minLength: 0, maxLength: 3 }).map((ws) => `Environment=${ws.join(' ')}`) },
  { weight: 2, arbitrary: fc.constantFrom('EnvironmentFile=-/etc/sysconfig/memcached', 'EnvironmentFile=/etc/default/%p', 'EnvironmentFile=', 'EnvironmentFile=-/etc/a b') },
  { weight: 2, arbitrary: fc.constantFrom('User=memcache', 'User=', 'User=%p', 'Type=simple', 'Type=forking', 'Type=oneshot', 'Type=notify', 'Type=exec') },
  { weight: 2, arbitrary: fc.constantFrom('# comment', '; comment', '# trailing backslash \\', '', '  ', 'NoEquals', 'Restart=always', '  ExecStart  =  /usr/bin/memcached -v  ', '[Unit]', '[Service]', '[Install]', '[X-Mchard]') },
);
const unitText = fc
  .tuple(fc.array(line, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([ls, eol, lead]) => (lead ? `[Unit]${eol}Description=x${eol}` : '') + `[Service]${eol}` + ls.join(eol) + eol);

(usable ? describe : describe.skip)('systemd 252 parses units as mchard does', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mchard-units-'));
    chmodSync(dir, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const compareAll = (texts: string[]) => {
    const names = texts.map((_, k) => `mchard-u${k}.service`);
    texts.forEach((t, k) => {
      writeFileSync(join(dir, names[k]), t);
      chmodSync(join(dir, names[k]), 0o644);
    });
    const dumped = runSystemd(dir, names);
    let loaded = 0;
    texts.forEach((t, k) => {
      const path = join(dir, names[k]);
      const cfg = parseSystemd(new SourceText(path, t), { readFile: () => null });
      const real = dumped.get(names[k]);
      expect({ t, found: real !== undefined }).toEqual({ t, found: true });
      const got = mine(cfg);
      if (real!.load !== 'loaded') {
        expect({ t: JSON.stringify(t), load: got.load, why: cfg.launchFailure?.reason }).toEqual({ t: JSON.stringify(t), load: "bad-setting", why: cfg.launchFailure?.reason });
        return;
      }
      loaded++;
      expect({ t: JSON.stringify(t), ...got }).toEqual({ t: JSON.stringify(t), ...real! });
      expect(cfg.print()).toBe(t);
    });
    return loaded;
  };

  it('agrees on the documented examples and the corner cases', () => {
    const cases = [
      '[Service]\nExecStart=/usr/bin/memcached -l 127.0.0.1 -U 0\n',
      '[Service]\nExecStart=/usr/bin/memcached -p ${PORT} -u ${USER} -m ${CACHESIZE} -c ${MAXCONN} $OPTIONS\n',
      '[Service]\nExecStart=/bin/echo "one argument" \'another\' "$$" \\\n   next line\n',
      '[Service]\nExecStart=/usr/bin/memcached \\\n# a comment in the middle\n  -l 127.0.0.1\n',
      '[Service]\n# a comment that ends in a backslash \\\nExecStart=/usr/bin/memcached -v\nExecStart=/usr/bin/memcached -l 0.0.0.0\n',
      '[Service]\nType=oneshot\nExecStart=/usr/bin/memcached -a ; /usr/bin/memcached -b \\; c\n',
      '[Service]\nExecStart=/usr/bin/memcached -v\nExecStart=\nExecStart=/usr/bin/memcached -l 10.0.0.1\n',
      '[Service]\nEnvironment="OPTIONS=-l 127.0.0.1 -U 0" PORT=11211\nEnvironment=PORT=21211\nExecStart=/usr/bin/memcached $OPTIONS\n',
      '[Service]\nExecStart=/usr/bin/memcached "-l" \'127.0.0.1\' \\x2dv %% %n %N %p\n',
      '[Service]\r\nExecStart=/usr/bin/memcached -l 127.0.0.1 \\\r\n  -v\r\n',
      '[Service]\rExecStart=/usr/bin/memcached -l 127.0.0.1\r',
      '[Service\nExecStart=/usr/bin/memcached\n',
      'ExecStart=/usr/bin/memcached -v\n[Service]\nExecStart=/usr/bin/memcached -l 10.1.1.1\n',
      '[Service]\nUser=memcache\nType=forking\nExecStart=/usr/bin/memcached -d\n',
      '[Service]\nExecStart=/usr/bin/memcached "unbalanced\n',
      '[Service]\nExecStart=/usr/bin/memcached a %Z\n',
      '[Service]\nExecStart=-/usr/bin/memcached "unbalanced\n',
      '[Service]\nExecStart=/usr/bin/memcached \\q \\$X "\\%"\n',
      '\uFEFF[Service]\nExecStart=/usr/bin/memcached -v\n',
    ];
    expect(compareAll(cases)).toBeGreaterThan(10);
  });

  it('agrees on generated units', () => {
    const samples = fc.sample(unitText, { numRuns: Number(process.env.MCHARD_SYSTEMD_RUNS ?? 400), seed: Number(process.env.MCHARD_SEED ?? 252) });
    const loaded = compareAll(samples);
    if (process.env.MCHARD_VERBOSE) console.info(`systemd differential: ${samples.length} units, ${loaded} loaded and compared, ${samples.length - loaded} refused by both`);
    // Most generated units load; the rest must be refused by both.
    expect(loaded).toBeGreaterThan(samples.length / 5);
  });
});
