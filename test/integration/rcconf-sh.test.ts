/**
 * Differential test of the FreeBSD rc.conf dialect against the real shell: each file is sourced by `sh`
 * (dash here), the rc.d script's defaults and rc.subr's command construction are applied, and the
 * arguments that reach memcached (and whether rc starts it at boot) must be what mchard computes.
 *
 * The shell snippet below reproduces, from freebsd-ports `databases/memcached/files/memcached.in`
 * (50aecb67a606) and freebsd-src `libexec/rc/rc.subr` `run_rc_command` (start): the profile selection,
 * `: ${memcached_enable="NO"}`, `: ${memcached_user="nobody"}`, `command_args`, checkyesno, and the
 * `_doit` string `$command $rc_flags $command_args`, wrapped as rc.subr wraps it for `${name}_user`
 * (`su -m $_user -c 'sh -c "..."'`; here `sh -c` stands for su, which runs the same string with root's
 * shell) and evaluated with `eval`. The `limits -C` prefix, which does not change the arguments, is left out.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SourceText } from '../../src/source.js';
import { parseAllProfiles, parseRcconf } from '../../src/dialects/rcconf.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { ROOT } from '../helpers/paths.js';

const RC = `. "$1" > /dev/null 2>&1
_piddir="/var/run/memcached"
pidfile="\${_piddir}/memcached.pid"
profile="$MCHARD_PROFILE"
if [ -n "$profile" ]; then
  pidfile="\${_piddir}/memcached.\${profile}.pid"
  eval memcached_enable="\\\${memcached_\${profile}_enable:-\${memcached_enable}}"
  eval memcached_flags="\\\${memcached_\${profile}_flags:-\${memcached_flags}}"
fi
: \${memcached_enable="NO"}
: \${memcached_user="nobody"}
case $memcached_enable in
[Yy][Ee][Ss]|[Tt][Rr][Uu][Ee]|[Oo][Nn]|1) printf yes > "$MCHARD_ENABLED" ;;
*) printf no > "$MCHARD_ENABLED" ;;
esac
command=printargs
command_args="-d -u \${memcached_user} -P \${pidfile} "
rc_flags=$memcached_flags
_user=$memcached_user
[ "$_user" = root ] && _user=
_doit="$command $rc_flags $command_args"
if [ -n "$_user" ]; then _doit="sh -c 'sh -c \\"$_doit\\"'"; fi
eval "$_doit"
`;

let dir = '';
let cwd = '';
let bin = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mchard-rcconf-'));
  cwd = mkdtempSync(join(tmpdir(), 'mchard-rcconf-cwd-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  // An executable (the command runs in nested shells), writing to a file named by the environment.
  writeFileSync(join(bin, 'printargs'), '#!/bin/sh\nfor a in "$@"; do printf \'%s\\0\' "$a"; done > "$MCHARD_OUT"\n');
  chmodSync(join(bin, 'printargs'), 0o755);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

function shRun(text: string, profile: string | null): { argv: string[] | null; enabled: boolean | null } {
  const file = join(dir, 'rc.conf');
  const out = join(dir, 'argv.out');
  const enabled = join(dir, 'enabled.out');
  writeFileSync(file, text);
  rmSync(out, { force: true });
  rmSync(enabled, { force: true });
  spawnSync('sh', ['-c', RC, 'rc', file], {
    cwd,
    env: { PATH: `${bin}:/usr/bin:/bin`, MCHARD_OUT: out, MCHARD_ENABLED: enabled, MCHARD_PROFILE: profile ?? '' },
    encoding: 'utf8',
    timeout: 10000,
  });
  const raw = existsSync(out) ? readFileSync(out, 'utf8') : null;
  return {
    argv: raw === null ? null : raw === '' ? [] : raw.replace(/\0$/, '').split('\0'),
    enabled: existsSync(enabled) ? readFileSync(enabled, 'utf8') === 'yes' : null,
  };
}

type Outcome = 'compared' | 'inexact' | 'launch-failure';

function compare(text: string): Outcome {
  const cfg = parseRcconf(new SourceText('/etc/rc.conf', text));
  const real = shRun(text, cfg.profile);
  if (cfg.launchFailure) {
    expect({ text, argv: real.argv }).toEqual({ text, argv: null });
    return 'launch-failure';
  }
  if (!cfg.argvExact) return 'inexact';
  expect({ text, argv: cfg.argv.map((a) => a.value), enabled: cfg.enabled }).toEqual({ text, argv: real.argv, enabled: real.enabled });
  return 'compared';
}

const tally = (outcomes: Outcome[]) => ({
  compared: outcomes.filter((o) => o === 'compared').length,
  inexact: outcomes.filter((o) => o === 'inexact').length,
  failures: outcomes.filter((o) => o === 'launch-failure').length,
});

describe('FreeBSD rc.conf against sh, the rc.d script and rc.subr', () => {
  it('matches on the rc.conf samples', () => {
    const files = readdirSync(join(ROOT, 'samples'))
      .map((f) => join(ROOT, 'samples', f))
      .filter((f) => chooseDialect(f, readFileSync(f, 'utf8')) === 'rcconf');
    expect(files.length).toBeGreaterThanOrEqual(1);
    for (const f of files) expect(compare(readFileSync(f, 'utf8'))).toBe('compared');
  });

  const q = (v: string, quote: string) => (quote === "'" ? (v.includes("'") ? `"${v}"` : `'${v}'`) : quote === '"' ? `"${v.replace(/"/g, '\\"')}"` : v);
  const pick = <T,>(...xs: T[]) => fc.constantFrom(...xs);
  const flags = pick(
    '-l 127.0.0.1 -m 64', '-l 0.0.0.0 -U 11211', '-vv', '', '-l 127.0.0.1 -u root', '-c 1024 -t 4', "-o 'a b'", '-l 10.0.0.1 # note',
    '-m 64; true', '-P /tmp/x.pid', '-A -X', '-m $x', '-s /tmp/m.sock -a 0777', 'a*', '-l 127.0.0.1 > /dev/null', '-l 127.0.0.1 \\\n -m 8',
    '-o "x y"', '-d', '-U0 -p11311', '-l ::1', '~/x', '-m ${hostname}',
  );
  const quote = pick('"', '"', "'", '');
  const line = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(pick('memcached_flags', 'memcached_a_flags', 'memcached_b_flags'), flags, quote).map(([k, v, qq]) => `${k}=${q(v, qq)}`) },
    { weight: 2, arbitrary: fc.tuple(pick('memcached_enable', 'memcached_a_enable', 'memcached_b_enable'), pick('YES', 'NO', 'yes', 'on', '1', 'maybe', '', 'False'), quote).map(([k, v, qq]) => `${k}=${q(v, qq)}`) },
    { weight: 2, arbitrary: fc.tuple(pick('nobody', 'root', '', 'memcached', 'no body', '$USER', 'www'), quote).map(([v, qq]) => `memcached_user=${q(v, qq)}`) },
    { weight: 1, arbitrary: fc.tuple(pick('a b', 'a', '', 'b a'), pick('"', "'")).map(([v, qq]) => `memcached_profiles=${q(v, qq)}`) },
    {
      weight: 3,
      arbitrary: pick('hostname="web1.example.org"', 'ifconfig_em0="DHCP"', 'sshd_enable="YES"', 'defaultrouter="10.0.0.1"', '# comment', '', 'x=5',
        'zfs_enable="YES" # trailing', 'memcached_flags="-m 64', 'ifconfig_em1="inet 10.0.0.2 netmask 255.255.255.0"'),
    },
  );
  const file = fc.array(fc.tuple(line, pick('\n', '\n', '\r\n')), { maxLength: 10 }).map((ls) => ls.map(([l, e]) => l + e).join(''));

  it('matches on generated rc.conf files', () => {
    const outcomes: Outcome[] = [];
    fc.assert(
      fc.property(file, (text) => {
        outcomes.push(compare(text));
      }),
      { numRuns: Number(process.env.MCHARD_DIFF_RUNS ?? 400) },
    );
    const t = tally(outcomes);
    console.log(`rcconf: ${JSON.stringify(t)}`);
    expect(t.compared).toBeGreaterThan(outcomes.length / 3);
    expect(t.failures).toBeGreaterThan(0);
  });
});

describe('memcached_profiles: every profile is an instance, each as the rc.d script starts it', () => {
  const texts = [
    'memcached_enable="YES"\nmemcached_flags="-l 127.0.0.1 -U 0"\nmemcached_profiles="sessions cache"\nmemcached_sessions_flags="-l 0.0.0.0 -p 11212"\nmemcached_cache_flags="-l 127.0.0.1 -p 11213 -U 0"\n',
    'memcached_profiles="a b c"\nmemcached_a_enable="YES"\nmemcached_b_enable="NO"\nmemcached_flags="-m 64"\nmemcached_c_flags="-s /var/run/memcached/c.sock"\n',
  ];
  it.each(texts)('%j', (text) => {
    const all = parseAllProfiles(new SourceText('/etc/rc.conf', text));
    const parts = (all.parts ?? [all]) as ReturnType<typeof parseRcconf>[];
    expect(parts.map((p) => p.profile).sort()).toEqual([...all.profiles].sort());
    for (const p of parts) {
      const real = shRun(text, p.profile);
      expect({ profile: p.profile, argv: p.argv.map((a) => a.value), enabled: p.enabled }).toEqual({ profile: p.profile, argv: real.argv, enabled: real.enabled });
    }
  });
});
