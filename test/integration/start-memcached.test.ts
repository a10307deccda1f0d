/**
 * Debian's other reader of /etc/memcached.conf: on a host without systemd, its init script starts
 * memcached through /usr/share/memcached/scripts/start-memcached, which reads the file as the wrapper
 * does but calls a line's first word as a directive and knows only "logfile": any other word, or a line
 * of one word that is no option, stops it before memcached runs (Perl: "Can't use an undefined value as a
 * subroutine reference"). systemd's wrapper ignores such a line. So whether memcached starts from such a
 * file depends on the host, and mchard says so instead of "starts yes". A copy of the real script whose
 * memcached is an argument recorder (no memcached runs) is the judge, on generated lines and on every
 * Debian file of samples/, the fixtures and the shared corpus.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeConfig } from '../../src/input.js';
import { parseDebian } from '../../src/dialects/debian.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { ROOT, SHARED } from '../helpers/paths.js';
import { recordingWrapper } from '../helpers/recording-wrapper.js';

const SCRIPT = '/usr/share/memcached/scripts/start-memcached';
const usable = existsSync(SCRIPT) && existsSync('/usr/bin/perl') && process.getuid?.() === 0;
if (!usable) console.warn(`skipping the start-memcached test: needs ${SCRIPT} (apt-get install memcached), perl and root`);
const d = usable ? describe : describe.skip;

let dir = '';
let script = '';
let recorded = '';
beforeAll(() => {
  if (!usable) return;
  dir = mkdtempSync(join(tmpdir(), 'mchard-start-memcached-'));
  ({ wrapper: script, recorded } = recordingWrapper(dir, SCRIPT));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the script on `file` as the init script does (the file and a pid file); whether memcached was run. */
function startMemcached(file: string): { status: number | null; ran: boolean } {
  rmSync(recorded, { force: true });
  // A pid file of its own each time: the script exits at once ("already running") while a pid file names a live process.
  const pid = join(dir, 'memcached.pid');
  rmSync(pid, { force: true });
  const r = spawnSync(script, [file, pid], { cwd: '/', env: { PATH: '/usr/bin:/bin', LANG: 'C' }, encoding: 'utf8', timeout: 10000 });
  // The script forks twice (the daemon's session) before it runs memcached: wait for the recorder.
  for (let k = 0; k < 100 && !existsSync(recorded) && r.status === 0; k++) spawnSync('sleep', ['0.02']);
  return { status: r.status, ran: existsSync(recorded) };
}

/** What mchard says of it: null when it claims nothing host-dependent about start-memcached. */
function mchardSays(file: string): string | null {
  const cfg = parseDebian(decodeConfig(file, readFileSync(file)));
  const r = cfg.startupUnknown?.reason ?? '';
  return r.includes('start-memcached') ? r : null;
}

d('start-memcached, the reader of /etc/memcached.conf on a host without systemd', () => {
  it('stops at a directive other than "logfile" and at a one-word line; mchard says memcached may not start, naming the line', () => {
    const cases: [string, boolean][] = [
      ['-m 64\n-u memcache\n-l 127.0.0.1\npidfile /run/memcached.pid\n', false],
      ['-m 64\n-u memcache\nstray\n-l 127.0.0.1\n', false],
      ['-m 64\n-u memcache\nlogfile /var/log/memcached.log\n-l 127.0.0.1\n', true],
      ['# only comments and options\n-m 64 # cache\n-d\n-u memcache\n', true],
    ];
    cases.forEach(([text, starts], k) => {
      const file = join(dir, `case${k}.conf`);
      writeFileSync(file, text);
      const real = startMemcached(file);
      expect({ k, ran: real.ran, status: real.ran ? 0 : real.status }).toEqual({ k, ran: starts, status: starts ? 0 : 255 });
      const says = mchardSays(file);
      if (starts) expect({ k, says }).toEqual({ k, says: null });
      else expect(says).toMatch(new RegExp(`stops at line ${k === 0 ? 4 : 3} \\("${k === 0 ? 'pidfile' : 'stray'}"`));
    });
  });

  it('on every Debian file of samples/, the fixtures and the corpus: mchard says start-memcached may stop exactly where it does', () => {
    const files = [
      ...readdirSync(join(ROOT, 'samples')).map((f) => join(ROOT, 'samples', f)),
      ...readdirSync(join(ROOT, 'test', 'fixtures', 'real', 'debian')).map((f) => join(ROOT, 'test', 'fixtures', 'real', 'debian', f)),
      ...readdirSync(join(SHARED, 'corpus', 'debian')).map((f) => join(SHARED, 'corpus', 'debian', f)),
    ].filter((f) => {
      const text = readFileSync(f, 'utf8');
      // Templates' tags are not what the host reads; their rendered files are.
      return !/[{<]%/.test(text) && (chooseDialect(f, text) === 'debian' || f.includes('/debian/'));
    });
    expect(files.length).toBeGreaterThan(40);
    let stops = 0;
    for (const f of files) {
      const cfg = parseDebian(decodeConfig(f, readFileSync(f)));
      // A line the wrapper's /bin/sh runs (metacharacters) is run by start-memcached's exec alike: not this test's subject.
      if (cfg.shellEvaluated || cfg.launchFailure) continue;
      const real = startMemcached(f);
      if (!real.ran) stops++;
      expect({ f, saysItMayStop: mchardSays(f) !== null }).toEqual({ f, saysItMayStop: !real.ran });
    }
    // The real files are written for the wrapper: few, if any, stop the SysV script.
    expect(stops).toBeLessThan(files.length);
  }, 120_000);
});
