/**
 * Checks before writing a file this machine's service reads: what the fixed file newly asks for must exist
 * here, or the service would not start after the next restart. Every new listen address must be on a
 * local interface (all of 127.0.0.0/8 counts), and a new user must exist in /etc/passwd.
 */
import { isIP } from 'node:net';
import type { MemcachedModel } from '../memcached/model.js';
import type { HostFacts } from '../memcached/startup.js';
import { thisHost } from '../host.js';

export function hostCheckProblems(before: MemcachedModel, after: MemcachedModel, host: HostFacts = thisHost()): string[] {
  const problems: string[] = [];
  const known = new Set(before.entries.map((e) => e.host).filter((h): h is string => h !== null));
  for (const e of after.entries) {
    if (e.host === null || known.has(e.host) || isIP(e.host.replace(/%.*$/, '')) === 0) continue;
    known.add(e.host);
    if (host.addressIsLocal?.(e.host) === false) {
      problems.push(`listen address ${e.host} is not on any interface of this machine: memcached would fail to start (exit 71)`);
    }
  }
  const user = after.applied.settings.username;
  if (user && user !== before.applied.settings.username) {
    const exists = host.userExists?.(user);
    if (exists === false) problems.push(`user "${user}" does not exist on this machine: memcached would fail to start (exit 67)`);
    else if (exists === undefined) problems.push(`cannot read /etc/passwd to check that user "${user}" exists`);
  }
  return problems;
}
