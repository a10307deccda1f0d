/**
 * Releases: the list of releases from which the model reads a command line differently (what a file that
 * does not decide its release is compared across), and the model's answer when the release is unknown.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/memcached/model.js';
import { acrossReleases, BEHAVIOUR_CHANGES } from '../../src/memcached/releases.js';
import { OLDEST_MODELLED, compareVersions, parseVersion } from '../../src/memcached/version.js';
import { argv, v } from '../helpers/argv.js';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

describe('the releases the model tells apart', () => {
  it('lists every release literal of the model and the rules (a new one must be added, or files of unknown release are misread)', () => {
    const files = [
      ...readdirSync(join(ROOT, 'src/memcached')).map((f) => join(ROOT, 'src/memcached', f)),
      ...readdirSync(join(ROOT, 'rules')).map((f) => join(ROOT, 'rules', f)),
    ].filter((f) => f.endsWith('.ts') && !f.endsWith('version.ts') && !f.endsWith('releases.ts') && !f.endsWith('mc920-known-vulnerable-version.ts'));
    const oldest = parseVersion(OLDEST_MODELLED)!;
    const seen = new Set<string>();
    for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/'(1\.\d+\.\d+)'/g)) seen.add(m[1]);
    const missing = [...seen].filter((x) => compareVersions(parseVersion(x)!, oldest) > 0 && !BEHAVIOUR_CHANGES.includes(x));
    expect(missing).toEqual([]);
    const sorted = [...BEHAVIOUR_CHANGES].sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!));
    expect(BEHAVIOUR_CHANGES).toEqual(sorted);
  });
});

describe('a release the file does not decide', () => {
  const given = { reason: 'the tag comes from TAG', decide: 'TAG', across: acrossReleases };

  it('UDP: on by default before 1.5.6, so unknown without -U; known with -U 0; TCP listeners stay known', () => {
    const m = analyze(argv('-l', '0.0.0.0'), { version: v('1.4.35'), versionUnknown: given });
    expect(m.unknownOf('udpport')?.reason).toBe('the tag comes from TAG, and releases from 1.5.6 on differ from 1.4.35 here');
    expect(m.listenersKnown.known).toBe(true);
    expect(m.listeners.map((l) => l.transport)).toEqual(['tcp']);
    expect(m.startup.ok && m.startup.unknown).toBeFalsy();
    const off = analyze(argv('-l', '0.0.0.0', '-p', '11211', '-U', '0'), { version: v('1.4.35'), versionUnknown: given });
    expect(off.unknownOf('udpport', 'listeners')).toBeNull();
    // -U 0 without -p: from 1.4.3 to 1.5.5 memcached copies it to the TCP port too, so where TCP listens is unknown.
    const alone = analyze(argv('-l', '0.0.0.0', '-U', '0'), { version: v('1.6.45'), versionUnknown: given });
    expect(alone.unknownOf('listeners')?.reason).toMatch(/, and memcached 1\.5\.\d differs from 1\.6\.45 here$/);
    // Judged at the newest release: the older ones differ.
    const newest = analyze(argv('-l', '127.0.0.1'), { version: v('1.6.45'), versionUnknown: given });
    expect(newest.unknownOf('udpport')?.reason).toMatch(/releases before 1\.5\.6 differ from 1\.6\.45 here/);
    expect(newest.versionUnknown?.reason).toBe('the tag comes from TAG');
  });

  it('an option only newer releases know: whether it starts is unknown', () => {
    const words = ['-u', 'memcache', '-l', '127.0.0.1', '-p', '11211', '-U', '0', '-W'];
    const m = analyze(argv(...words), { version: v('1.6.45'), versionUnknown: given });
    expect(m.startup.ok).toBe(true);
    expect(m.startup.unknown?.reason).toBe('the tag comes from TAG, and releases before 1.5.21 differ from 1.6.45 here');
    // The same line with the release known: certain.
    expect(analyze(argv(...words), { version: v('1.6.45') }).startup.unknown).toBeUndefined();
  });
});
