import type { ArgToken } from '../../src/source.js';
import { analyze, type MemcachedModel } from '../../src/memcached/model.js';
import type { HostFacts } from '../../src/memcached/startup.js';
import { parseVersion, type Version } from '../../src/memcached/version.js';

/** memcached argv (without argv[0]) as written in a file. */
export function argv(...words: string[]): ArgToken[] {
  return words.map((value) => ({ value, span: null, origin: 'file' as const, exact: true }));
}

export function v(text: string): Version {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`bad version ${text}`);
  return parsed;
}

/** A root start on a host where `nobody` and `memcache` exist and 127.0.0.0/8 and ::1 are local. */
export const TEST_HOST: HostFacts = {
  root: true,
  userExists: (name) => ['root', 'nobody', 'memcache', 'daemon'].includes(name),
  addressIsLocal: (a) => a.startsWith('127.') || a === '::1',
};

/** analyze() with the test host, version 1.6.18 unless given. */
export function run(words: string[], version = '1.6.18', host: HostFacts = TEST_HOST): MemcachedModel {
  return analyze(argv(...words), { version: v(version), host });
}
