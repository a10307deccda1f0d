/**
 * MC916: a file memcached starts with on most hosts, but not on the machine mchard runs on. Each case is
 * judged by `mchard lint --host-checks` and started with the real /usr/bin/memcached as root, both in a
 * network namespace of the test's own (loopback only, no traffic anywhere): the finding's exit status and
 * reason are the ones memcached gives. Without host checks the file's findings are the same but MC916,
 * which a host check alone can tell.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ensureBuilt } from '../cli/helpers.js';
import { unshareSh } from '../helpers/unshare.js';

const MEMCACHED = '/usr/bin/memcached';
const usable = process.getuid?.() === 0 && existsSync(MEMCACHED) && existsSync('/usr/bin/unshare') && existsSync('/usr/sbin/ip') && spawnSync('id', ['memcache']).status === 0;
if (!usable) console.warn('fails-on-this-host: skipped (needs root, unshare, ip, /usr/bin/memcached and its user memcache)');
const maybe = usable ? describe : describe.skip;

let dir: string;
beforeAll(() => {
  if (!usable) return;
  ensureBuilt();
  // A folder only root may write in: memcached, switched to memcache, cannot make its socket there.
  dir = mkdtempSync(join(tmpdir(), 'mchard-host-fail-'));
  chmodSync(dir, 0o700);
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

/** Runs `sh -c script "$@"` in a new network namespace with loopback up. */
function inNetns(script: string, args: string[]) {
  return unshareSh(['-n'], `ip link set lo up; ${script}`, args);
}

interface Finding {
  ruleId: string;
  message: string;
}
function lint(file: string, ...flags: string[]): Finding[] {
  const r = inNetns('"$@"', [process.execPath, BIN, 'lint', '--format', 'json', ...flags, file]);
  return (JSON.parse(r.stdout) as { files: { findings: Finding[] }[] }).files[0].findings;
}
/** The real memcached with these arguments: its exit status and what it wrote (it exits at once in every case here). */
function memcached(args: string[]) {
  const r = inNetns('exec timeout 10 "$@"', [MEMCACHED, ...args]);
  return { status: r.status, err: r.stderr };
}

const CASES: [string, string[], number, RegExp][] = [
  ['a -u user this machine does not have', ['-u', 'mchard_no_such_user', '-l', '127.0.0.1', '-p', '40112', '-U', '0'], 67, /can't find the user mchard_no_such_user to switch to/],
  ['a -l address none of its interfaces has (TEST-NET-1)', ['-u', 'memcache', '-l', '192.0.2.1', '-p', '40111', '-U', '0'], 71, /Cannot assign requested address/],
  ['a unix socket in a folder the -u user cannot write', ['-u', 'memcache', '-s', 'DIR/mc.sock', '-a', '0700'], 71, /Permission denied/],
];

maybe('MC916 fails-on-this-host, against the real memcached', () => {
  it.each(CASES)('%s: the exit status and reason memcached gives', (_what, args, status, reason) => {
    const argv = args.map((a) => a.replace('DIR', dir));
    const file = join(dir, `${status}-${argv.join('_').replace(/[^\w.-]/g, '')}`, 'memcached.conf');
    spawnSync('mkdir', ['-p', join(file, '..')]);
    writeFileSync(file, `${argv.join('\n').replace(/^(-\w)\n/gm, '$1 ')}\n`);
    const real = memcached(argv);
    expect(real.status).toBe(status);
    expect(real.err).toMatch(reason);

    const checked = lint(file, '--host-checks');
    const mc916 = checked.filter((f) => f.ruleId === 'MC916');
    expect(mc916).toHaveLength(1);
    expect(mc916[0].message).toMatch(new RegExp(`^on this machine memcached exits ${status} at start: `));
    expect(mc916[0].message).toMatch(reason);
    // Without host checks (a file outside /etc): the same findings, but MC916.
    expect(lint(file)).toEqual(checked.filter((f) => f.ruleId !== 'MC916'));
  });

  it('a file memcached starts with here: no MC916', () => {
    const file = join(dir, 'ok', 'memcached.conf');
    spawnSync('mkdir', ['-p', join(file, '..')]);
    writeFileSync(file, '-u memcache\n-l 127.0.0.1\n-p 40113\n-U 0\n');
    expect(lint(file, '--host-checks').map((f) => f.ruleId)).not.toContain('MC916');
  });
});
