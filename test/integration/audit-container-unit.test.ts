/**
 * A container's own systemd runs its own memcached.service: seen from the host, that process's cgroup is
 * `/machine.slice/machine-NAME.scope/payload/system.slice/memcached.service` (systemd-nspawn; Docker's and
 * Podman's are below `docker-ID.scope` or `libpod-ID.scope`, LXC's below `lxc.payload.NAME`), and the file
 * it reads is the container's /etc/memcached.conf, not the host's. audit took the innermost
 * memcached.service of the path for the host's unit: "file: /etc/memcached.conf (matched by the systemd
 * unit that runs it)" and an MC950 "restart needed" against the host's file.
 *
 * Real: a memcached in a mount namespace of its own, moved into such a cgroup (made here, removed after).
 * Only where no systemd manages the cgroup tree (the test's cgroups would be made behind its back), as
 * root, with Debian's memcached.service and /etc/memcached.conf installed (the unit that maps to that file).
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../cli/helpers.js';
import { freePorts, haveMemcached, startInMountNamespace, stopAll, type Started } from '../audit/memcached.js';

/** A writable cgroup hierarchy systemd would use: the unified one (cgroup v2), else v1's name=systemd. */
function cgroupRoot(): { dir: string; prefix: string } | null {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' '));
  const v2 = mounts.find((m) => m[2] === 'cgroup2');
  if (v2) return { dir: v2[1], prefix: '0::' };
  const v1 = mounts.find((m) => m[2] === 'cgroup' && (m[3] ?? '').split(',').includes('name=systemd'));
  return v1 ? { dir: v1[1], prefix: 'name=systemd:' } : null;
}

const root = haveMemcached && !existsSync('/run/systemd/system') ? cgroupRoot() : null;
const ready = root !== null && existsSync('/lib/systemd/system/memcached.service') && existsSync('/etc/memcached.conf');
if (!ready) console.warn('audit-container-unit: skipped (needs root, memcached with its unit and /etc/memcached.conf, and a cgroup tree no systemd manages)');
const describeReal = ready ? describe : describe.skip;

describeReal("a container's memcached.service is not the host's", () => {
  const parts = ['machine.slice', `machine-mchard-test-${process.pid}.scope`, 'payload', 'system.slice', 'memcached.service'];
  let started: Started;

  beforeAll(async () => {
    const [port] = freePorts(1, 57500, 57999);
    started = await startInMountNamespace(['-u', 'nobody', '-m', '64', '-l', '127.0.0.1', '-p', String(port), '-U', '0'], 1);
    const dir = join(root!.dir, ...parts);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cgroup.procs'), String(started.pid));
  });

  afterAll(async () => {
    await stopAll();
    // Deepest first: a cgroup goes once it has no process and no child left.
    for (let n = parts.length; n > 0; n--) {
      try {
        rmdirSync(join(root!.dir, ...parts.slice(0, n)));
      } catch {
        // not made, or still busy
      }
    }
  });

  it('is not matched to /etc/memcached.conf by its unit, nor said to need a restart', async () => {
    expect(readFileSync(`/proc/${started.pid}/cgroup`, 'utf8')).toContain(`/${parts.join('/')}`);
    const r = await run(['audit', '--no-firewall', '--format', 'json', '--pid', String(started.pid)]);
    const report = JSON.parse(r.out) as { files: { process: { unit: string | null; file: { path: string; method: string } | null }; findings: { ruleId: string }[] }[] };
    expect(report.files).toHaveLength(1);
    const [audit] = report.files;
    // Before: unit "memcached.service", file {"/etc/memcached.conf", "systemd-unit"} and MC950.
    expect(audit.process.unit).toBeNull();
    expect(audit.process.file).toBeNull();
    expect(audit.findings.map((f) => f.ruleId)).not.toContain('MC950');
  });
});
