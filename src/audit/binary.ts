/** The version of the binary a process runs (`/proc/PID/exe -V`), once per binary. */
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { parseVersion, type Version } from '../memcached/version.js';

const cache = new Map<string, Version | null>();

/** Null when the binary is gone (replaced by an upgrade: "(deleted)"), is not named memcached, or will not say. */
export function binaryVersion(exe: string | null): Version | null {
  if (exe === null || basename(exe) !== 'memcached') return null;
  if (!cache.has(exe)) {
    let v: Version | null = null;
    try {
      const out = execFileSync(exe, ['-V'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
      const m = /memcached\s+(\d+\.\d+\.\d+)/.exec(out);
      v = m ? parseVersion(m[1]) : null;
    } catch {
      v = null;
    }
    cache.set(exe, v);
  }
  return cache.get(exe)!;
}
