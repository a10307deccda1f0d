/** Facts about this machine, for predictions about the service that reads a file under /etc. */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { HostFacts } from './memcached/startup.js';
import { binaryVersionReport } from './system/memcached-version.js';
import type { VersionReport } from './system/binary-version.js';
import { notRootControlled } from './system/trusted-path.js';
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

/** Where the service's memcached is installed: the packages' path first, then a source build's. */
export const INSTALLED_BINARIES = ['/usr/bin/memcached', '/usr/sbin/memcached', '/usr/local/bin/memcached'];

export interface InstalledVersion {
  version: Version | null;
  report: VersionReport;
}

/**
 * The installed memcached's version, for linting this machine's own files. Nothing is run: the binary at
 * a fixed system path, only when root controls it and every directory above it, is looked up in the
 * package database or has its version string read from its bytes (src/system/memcached-version.ts). A
 * `memcached` on PATH or in the current folder is never considered.
 */
export function installedVersion(candidates: readonly string[] = INSTALLED_BINARIES): InstalledVersion {
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) return { version: null, report: { version: null, source: null, detail: `unknown: no memcached at ${candidates.join(', ')}` } };
  const unsafe = notRootControlled(path);
  if (unsafe) return { version: null, report: { version: null, source: null, detail: `unknown: ${path} is not believed: ${unsafe}` } };
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    return { version: null, report: { version: null, source: null, detail: `unknown: ${path}: ${(e as NodeJS.ErrnoException).code ?? 'gone'}` } };
  }
  // The resolved path, for the package database too: a link's owner says nothing about the file it names.
  const report = binaryVersionReport({ open: real, follow: false, packagePath: real, label: path });
  return { version: report.version === null ? null : parseVersion(report.version), report };
}
