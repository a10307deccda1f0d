/** Facts about this machine, for predictions about the service that reads a file under /etc. */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { createRequire } from 'node:module';
import type { HostFacts } from './memcached/startup.js';
import { parseVersion, type Version } from './memcached/version.js';

function passwdUsers(path = '/etc/passwd'): Set<string> | null {
  try {
    return new Set(readFileSync(path, 'utf8').split('\n').map((l) => l.split(':')[0]).filter(Boolean));
  } catch {
    return null;
  }
}

export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.replace(/%.*$/, ''));
  return out;
}

/** This machine as the service sees it: started as root, users from /etc/passwd, addresses from the interfaces. */
export function thisHost(): HostFacts {
  const users = passwdUsers();
  let addrs: Set<string> | null = null;
  return {
    root: true,
    userExists: (name) => (users ? users.has(name) : undefined),
    addressIsLocal: (address) => {
      // The whole of 127.0.0.0/8 is routed to lo on Linux, so any of it can be bound.
      if (/^127\./.test(address)) return true;
      addrs ??= localAddresses();
      return addrs.has(address.toLowerCase());
    },
  };
}

/** Files under /etc are the ones this machine's service reads. */
export function isSystemPath(path: string): boolean {
  return path.startsWith('/etc/');
}

/** `memcached -V` of the installed binary, or null. */
export function installedVersion(): Version | null {
  try {
    // Loaded here, not at the top: node:child_process pulls in net, dgram and streams, ~5 ms of every lint's start.
    const { execFileSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    const out = execFileSync('memcached', ['-V'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /memcached\s+(\d+\.\d+\.\d+)/.exec(out);
    return m ? parseVersion(m[1]) : null;
  } catch {
    return null;
  }
}
