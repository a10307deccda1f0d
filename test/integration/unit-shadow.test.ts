/**
 * A unit in one of systemd's folders that a unit of the same name in a folder systemd reads first
 * replaces (`/etc/systemd/system/memcached.service` over the package's), or masks (a link to /dev/null):
 * the file does not run, so its findings are not what runs. With the real memcached package's unit
 * (/lib/systemd/system/memcached.service), and a tmpfs over /etc/systemd/system in a mount namespace of
 * the test's own so the machine's units are never touched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BIN, ensureBuilt } from '../cli/helpers.js';

const PACKAGED = '/lib/systemd/system/memcached.service';
const usable = process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync(PACKAGED) && existsSync('/etc/systemd/system');
if (!usable) console.warn(`unit-shadow: skipped (needs root, unshare and the memcached package's ${PACKAGED})`);
const maybe = usable ? describe : describe.skip;

function lintWith(setup: string) {
  const script = `set -e; mount -t tmpfs tmpfs /etc/systemd/system; ${setup}; set +e; "$@"; echo "--- rc $?"`;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', process.execPath, BIN, 'lint', '--format', 'json', PACKAGED], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', MCHARD_CODE_CACHE: 'off' },
    cwd: '/',
    timeout: 30_000,
  });
  const out = r.stdout.slice(0, r.stdout.lastIndexOf('--- rc '));
  return JSON.parse(out).files[0].findings as { ruleId: string; message: string }[];
}

maybe("a packaged unit that systemd does not load", () => {
  beforeAll(() => ensureBuilt());

  it('alone: the wrapper reads /etc/memcached.conf (as before)', () => {
    expect(lintWith('true').map((f) => f.message)).toEqual([expect.stringMatching(/^the unit runs Debian's wrapper/)]);
  });

  it('replaced by /etc/systemd/system/memcached.service: says so, and which file to lint', () => {
    const f = lintWith(`printf '[Service]\\nExecStart=/usr/bin/memcached -l 0.0.0.0\\n' > /etc/systemd/system/memcached.service`);
    expect(f.map((x) => [x.ruleId, x.message])).toEqual([
      [
        'MC910',
        'systemd loads /etc/systemd/system/memcached.service for memcached.service, not this file (a unit of the same name in a folder it reads first): this file does not run; lint that one (mchard lint /etc/systemd/system/memcached.service) (the listener, user and option checks were skipped)',
      ],
    ]);
  });

  it('masked (a link to /dev/null): says it does not run', () => {
    const f = lintWith('ln -s /dev/null /etc/systemd/system/memcached.service');
    expect(f.map((x) => x.message)).toEqual([
      'memcached.service is masked (/etc/systemd/system/memcached.service links to /dev/null): systemd starts no unit of that name, so this file does not run (the listener, user and option checks were skipped)',
    ]);
  });

  it('a drop-in in /etc/systemd/system/memcached.service.d that sets ExecStart=: named', () => {
    const f = lintWith(`mkdir /etc/systemd/system/memcached.service.d; printf '[Service]\\nExecStart=\\nExecStart=/usr/bin/memcached -l 127.0.0.1\\n' > /etc/systemd/system/memcached.service.d/override.conf`);
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/^systemd merges into memcached\.service \/etc\/systemd\/system\/memcached\.service\.d\/override\.conf \(which sets ExecStart=\)/)]);
  });
});
