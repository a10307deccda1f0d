/**
 * Linting an untrusted file reads nothing else from the host (issue 13 §3). The built executable runs
 * under `strace -f`, which records every system call that takes a path, so the test sees what mchard
 * really opens (or even looks at), whatever library does it.
 *
 * A systemd unit from a "repository" (a temporary folder, not /etc) names /etc/shadow, a real 0600 file
 * holding a secret, and a real FIFO in `EnvironmentFile=`. Without host checks none of the three paths
 * appears in any system call of lint (text, json, sarif), inspect or fix --dry-run, the secret is not in
 * the output, and the finding says which variables come from which file mchard did not read. With
 * --host-checks (the positive control that shows strace sees the reads): the 0600 file is opened and its
 * value used but shown only as "a value from FILE" (unless the file is named on the command line), the
 * FIFO is never opened, and nothing hangs. The other dialects' ways of naming files (supervisord
 * `[include]`/`%(here)s`, OpenRC and rc.conf `.`/`source`, Compose `env_file:`, a Debian `-P` pid file)
 * open nothing either, and audit's `-P` pid file check never opens a FIFO.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, BIN, TempDir } from '../cli/helpers.js';

const haveStrace = spawnSync('strace', ['-V']).status === 0 && spawnSync('strace', ['-f', '-o', '/dev/null', 'true']).status === 0;
const d = haveStrace ? describe : describe.skip;
if (!haveStrace) console.warn('skipping the host-read test: needs strace (scripts/test-all.sh installs it) and ptrace');

const SECRET_VALUE = 'hunter2-topsecret-7f3a';

let tmp: TempDir;
let secret: string;
let fifo: string;
let unit: string;
/** The same unit without the FIFO, whose unreadable variables would make every variable unknown. */
let unitNoFifo: string;

beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir();
  mkdirSync(tmp.join('repo'));
  secret = tmp.join('private', 'credentials.env');
  mkdirSync(tmp.join('private'));
  writeFileSync(secret, `SECRET=${SECRET_VALUE}\nOPTIONS=-c 1024 -m ${SECRET_VALUE}x\n`);
  chmodSync(secret, 0o600);
  fifo = tmp.join('private', 'env.fifo');
  execFileSync('mkfifo', [fifo]);
  unit = tmp.join('repo', 'memcached.service');
  writeFileSync(
    unit,
    [
      '[Service]',
      'EnvironmentFile=/etc/shadow',
      `EnvironmentFile=-${secret}`,
      `EnvironmentFile=-${fifo}`,
      'ExecStart=/usr/bin/memcached -u memcache -l 127.0.0.1 -U 0 -o ${SECRET} $OPTIONS',
      '',
    ].join('\n'),
  );
  unitNoFifo = tmp.join('repo', 'nofifo', 'memcached.service');
  mkdirSync(tmp.join('repo', 'nofifo'));
  writeFileSync(unitNoFifo, readFileSync(unit, 'utf8').replace(`EnvironmentFile=-${fifo}\n`, '').replace('EnvironmentFile=/etc/shadow\n', 'EnvironmentFile=-/etc/shadow\n'));
}, 180_000);
afterAll(() => tmp?.cleanup());

interface Traced {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** Every traced system call line. */
  calls: string[];
}

/** Runs mchard under strace; `filter` is strace's -e trace= class. */
function traced(args: string[], filter = '%file', cwd = tmp.path): Traced {
  const log = tmp.join(`strace-${process.pid}-${Math.random().toString(36).slice(2)}.log`);
  // timeout(1) inside the trace kills a hung mchard itself (killing strace would leave it blocked).
  const r = spawnSync('strace', ['-f', '-qq', '-e', `trace=${filter}`, '-o', log, 'timeout', '-s', 'KILL', '20', process.execPath, BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { code: r.status, signal: r.signal, out: String(r.stdout), err: String(r.stderr), calls };
}

const touching = (t: Traced, path: string) => t.calls.filter((l) => l.includes(`"${path}"`));
const opening = (t: Traced, path: string) => touching(t, path).filter((l) => /\bopen(at2?)?\(|\bcreat\(/.test(l));

d('a unit outside /etc, without host checks', () => {
  it.each([
    ['lint', ['lint']],
    ['lint --format json', ['lint', '--format', 'json']],
    ['lint --format sarif', ['lint', '--format', 'sarif']],
    ['inspect', ['inspect']],
    ['inspect --format json', ['inspect', '--format', 'json']],
    ['fix --dry-run', ['fix', '--dry-run']],
  ])('%s never touches /etc/shadow, the 0600 file or the FIFO, and says what it did not read', (_n, cmd) => {
    const t = traced([...cmd, unit]);
    expect(t.signal).toBeNull();
    expect([0, 1]).toContain(t.code);
    // strace saw mchard's own reads (the unit itself): the trace is not empty.
    expect(opening(t, unit).length).toBeGreaterThan(0);
    for (const p of ['/etc/shadow', secret, fifo]) expect(touching(t, p)).toEqual([]);
    expect(t.out + t.err).not.toContain(SECRET_VALUE);
    // The finding names the unknown variables, the files mchard did not read and why.
    if (!cmd.includes('inspect')) {
      expect(t.out).toContain('$SECRET, $OPTIONS');
      expect(t.out).toContain('which mchard did not read (a file outside /etc names it, and mchard reads such files only with --host-checks)');
    } else {
      expect(t.out).toContain('which mchard did not read');
    }
  });
});

d('with --host-checks', () => {
  it('reads the regular files only, never the FIFO, and nothing hangs', () => {
    const t = traced(['lint', '--host-checks', '--format', 'json', unit]);
    expect(t.signal).toBeNull();
    expect(t.code).not.toBeNull();
    // Positive control: the 0600 file is opened (strace does observe reads) ...
    expect(opening(t, secret).length).toBeGreaterThan(0);
    // ... the FIFO is looked at but never opened, and said so.
    expect(opening(t, fifo)).toEqual([]);
    expect(t.out).toContain(`which may be set in ${fifo} (EnvironmentFile=), which mchard did not read (mchard cannot read it here: is a named pipe (FIFO), not a regular file)`);
    expect(t.out).not.toContain(SECRET_VALUE);
    expect(t.out).not.toMatch(/root:|\$y\$|\$6\$/);
  });

  it('uses the values of a file the user did not name, and shows each as "a value from FILE"', () => {
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const t = traced(['lint', '--host-checks', '--format', format, unitNoFifo], 'open,openat');
      expect(opening(t, secret).length).toBeGreaterThan(0);
      expect(t.out + t.err).not.toContain(SECRET_VALUE);
      expect(t.out).toContain(`(a value from ${secret})`);
    }
  });

  it('inspect shows the values of a file as "a value from FILE", and the values of a file the user named', () => {
    const hidden = traced(['inspect', '--host-checks', '--format', 'json', unitNoFifo], 'open,openat');
    expect(hidden.out).not.toContain(SECRET_VALUE);
    expect(JSON.parse(hidden.out).argv).toContain(`(a value from ${secret})`);
    const text = traced(['inspect', '--host-checks', unitNoFifo], 'open,openat');
    expect(text.out).not.toContain(SECRET_VALUE);
    expect(text.out).toContain(`(a value from ${secret})`);
    const named = traced(['inspect', '--host-checks', '--format', 'json', '--dialect', 'systemd', unitNoFifo, secret], 'open,openat');
    const doc = JSON.parse(named.out) as { argv: string[] }[];
    expect(doc[0].argv).toContain(SECRET_VALUE);
  });
});

d('the other dialects name files too: none is opened', () => {
  const cases: [string, string, string][] = [
    ['supervisord', 'supervisord.conf', '[include]\nfiles = SECRET\n[program:memcached]\ncommand=/usr/bin/memcached -l 127.0.0.1 -P %(here)s/../private/credentials.env\n'],
    ['openrc', 'conf.d/memcached', '. SECRET\nsource SECRET\nLISTENON="127.0.0.1"\nPIDBASE="SECRET"\n'],
    ['rcconf', 'rc.conf', '. SECRET\nmemcached_enable="YES"\nmemcached_profiles="a"\nmemcached_a_flags="-l 127.0.0.1 -P SECRET"\n'],
    ['compose', 'docker-compose.yml', 'services:\n  cache:\n    image: memcached\n    env_file: SECRET\n    volumes: ["SECRET:/etc/x"]\n    command: ["-l", "127.0.0.1"]\n'],
    ['debian', 'memcached.conf', '-l 127.0.0.1\n-P SECRET\n-Y SECRET\n-e SECRET\n'],
  ];
  it.each(cases)('%s', (dialect, name, text) => {
    const p = tmp.join('repo', dialect, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text.replace(/SECRET/g, secret));
    for (const cmd of [['lint'], ['inspect'], ['fix', '--dry-run']]) {
      const t = traced([...cmd, '--dialect', dialect, p]);
      expect(t.signal).toBeNull();
      expect(opening(t, p).length).toBeGreaterThan(0);
      expect(touching(t, secret)).toEqual([]);
      expect(t.out + t.err).not.toContain(SECRET_VALUE);
    }
  });
});

d("audit: a candidate file's -P pid file", () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('is read only when it is a regular file: a FIFO is never opened', async () => {
    const fake = tmp.join('bin', 'memcached');
    mkdirSync(tmp.join('bin'), { recursive: true });
    copyFileSync('/usr/bin/tail', fake);
    child = spawn(fake, ['-f', '/dev/null'], { argv0: 'memcached', stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    const candidate = tmp.join('repo', 'audit', 'memcached.conf');
    mkdirSync(join(candidate, '..'), { recursive: true });
    writeFileSync(candidate, `-l 127.0.0.1\n-P ${fifo}\n`);
    const t = traced(['audit', '--pid', String(child.pid), candidate], 'open,openat,openat2');
    expect(t.signal).toBeNull();
    expect(opening(t, candidate).length).toBeGreaterThan(0);
    expect(opening(t, fifo)).toEqual([]);
  });
});
