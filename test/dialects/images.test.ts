import { bitnamiStart, checkPort, checkPositiveInt, readArrayWords, type BitnamiInput, type EnvValue } from '../../src/dialects/images/bitnami.js';
import { identifyImage, olderThan, parseImageRef } from '../../src/dialects/images/index.js';
import { officialEntrypoint } from '../../src/dialects/images/official.js';
import { literalChars, spreadChars, valueOf } from '../../src/dialects/sourced.js';
import type { ArgToken } from '../../src/source.js';

const words = (...ws: string[]): ArgToken[] => ws.map((value) => ({ value, span: null, origin: 'file', exact: true }));

describe('image references', () => {
  it('normalises references the way Docker does', () => {
    expect(parseImageRef('memcached')).toMatchObject({ registry: 'docker.io', path: 'library/memcached', tag: null, digest: null });
    expect(parseImageRef('docker.io/bitnami/memcached:1.6.19')).toMatchObject({ registry: 'docker.io', path: 'bitnami/memcached', tag: '1.6.19' });
    expect(parseImageRef('localhost:5000/memcached:1.6')).toMatchObject({ registry: 'localhost:5000', path: 'memcached', tag: '1.6' });
    expect(parseImageRef('memcached@sha256:abc')).toMatchObject({ tag: null, digest: 'sha256:abc' });
    expect(parseImageRef('index.docker.io/library/memcached:alpine')).toMatchObject({ registry: 'docker.io', path: 'library/memcached', tag: 'alpine' });
    expect(parseImageRef('')).toBeNull();
    expect(parseImageRef('mem cached')).toBeNull();
  });

  it('tells the families apart, and only these', () => {
    expect(identifyImage('memcached:1.6.21-alpine')?.family).toBe('official');
    expect(identifyImage('public.ecr.aws/docker/library/memcached:1.6')?.family).toBe('official');
    expect(identifyImage('bitnami/memcached:1.6.19')).toMatchObject({ family: 'bitnami', channel: 'bitnami' });
    expect(identifyImage('docker.io/bitnamilegacy/memcached:1.6.39-debian-12-r3')).toMatchObject({ family: 'bitnami', channel: 'bitnamilegacy', revision: 3 });
    expect(identifyImage('bitnamisecure/memcached:latest')).toMatchObject({ family: 'bitnami', channel: 'bitnamisecure' });
    expect(identifyImage('public.ecr.aws/bitnami/memcached:1')).toMatchObject({ family: 'bitnami', channel: 'ecr-public' });
    // Names that merely contain memcached are not the official image.
    for (const other of ['sameersbn/memcached:1.5.6-2', 'tiredofit/memcached', 'myregistry.example/memcached:1.6.21', 'memcached-exporter', 'bitnami/memcached-exporter:0.14']) {
      expect(identifyImage(other)?.family).toBe('unknown');
    }
  });

  it('reads the release a tag names: exact, a floating series, or unknown', () => {
    expect(identifyImage('memcached:1.6.21')!.version).toMatchObject({ kind: 'exact', version: [1, 6, 21] });
    expect(identifyImage('memcached:1.4.33-alpine')!.version).toMatchObject({ kind: 'exact', version: [1, 4, 33] });
    expect(identifyImage('bitnami/memcached:1.6.9-debian-10-r204')!.version).toMatchObject({ kind: 'exact', version: [1, 6, 9] });
    expect(identifyImage('memcached:1.5')!.version).toMatchObject({ kind: 'range', min: [1, 5, 0], max: [1, 5, 22] });
    expect(identifyImage('memcached:1.6-alpine')!.version).toMatchObject({ kind: 'range', min: [1, 6, 0], max: null });
    for (const t of ['memcached', 'memcached:latest', 'memcached:alpine', 'memcached@sha256:0123', 'bitnami/memcached:latest']) {
      expect(identifyImage(t)!.version.kind).toBe('unknown');
    }
  });

  it('says whether every release an image can run predates a fix', () => {
    const v = (t: string) => identifyImage(t)!.version;
    expect(olderThan(v('memcached:1.4.25'), [1, 4, 33])).toBe(true);
    expect(olderThan(v('memcached:1.4.33'), [1, 4, 33])).toBe(false);
    expect(olderThan(v('memcached:1.5'), [1, 6, 2])).toBe(true);
    expect(olderThan(v('memcached:1.6'), [1, 6, 2])).toBeNull();
    expect(olderThan(v('memcached:1.6'), [1, 5, 6])).toBe(false);
    expect(olderThan(v('memcached:latest'), [1, 6, 2])).toBeNull();
  });
});

describe('the official entrypoint', () => {
  it('prepends memcached to options, runs other programs as they are', () => {
    expect(officialEntrypoint(null)).toEqual({ runs: 'default', argv: [], skip: 0 });
    expect(officialEntrypoint(words('-m', '64'))).toMatchObject({ runs: 'memcached', skip: 0 });
    expect(officialEntrypoint(words('memcached', '-m', '64'))).toMatchObject({ runs: 'memcached', skip: 1 });
    expect(officialEntrypoint(words('/usr/local/bin/memcached'))).toMatchObject({ runs: 'memcached', skip: 1 });
    expect(officialEntrypoint(words('sh', '-c', 'exec memcached'))).toEqual({ runs: 'other', program: 'sh' });
  });
});

const known = (value: string, span = { start: 0, end: value.length }): EnvValue => ({ chars: literalChars(value, span.start), span });
function start(env: Record<string, EnvValue | string>, extra: Partial<BitnamiInput> = {}) {
  const map = new Map(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? known(v) : v] as const));
  const s = bitnamiStart({ image: identifyImage('bitnami/memcached:1.6.39'), env: map, otherSources: [], program: null, entrypointReplaced: false, user: null, text: '', anchor: { start: 0, end: 1 }, ...extra });
  if (s.runs !== 'memcached') throw new Error(`runs ${s.runs}`);
  return s;
}

describe("Bitnami's start script", () => {
  it('gives every argument its provenance', () => {
    const s = start({ MEMCACHED_CACHE_SIZE: '256', MEMCACHED_EXTRA_FLAGS: '-U 0' });
    expect(s.argv.map((a) => [a.value, a.from.kind === 'env' ? a.from.name : a.from.kind])).toEqual([
      ['-u', 'script'],
      ['memcached', 'script'],
      ['-p', 'script'],
      ['11211', 'script'],
      ['-v', 'script'],
      ['-m', 'script'],
      ['256', 'MEMCACHED_CACHE_SIZE'],
      ['-U', 'MEMCACHED_EXTRA_FLAGS'],
      ['0', 'MEMCACHED_EXTRA_FLAGS'],
    ]);
    expect(s.startsAs).toBe('1001');
    expect(s.sasl.on).toBe(false);
    expect(s.failure).toBeNull();
  });

  it('points extra-flag words at their characters in the file', () => {
    const text = 'X=-U 0  -A';
    const s = start({ MEMCACHED_EXTRA_FLAGS: { chars: literalChars('-U 0  -A', 2), span: { start: 0, end: text.length } } }, { text });
    const a = s.argv.find((x) => x.value === '-A')!;
    expect(text.slice(a.span!.start, a.span!.end)).toBe('-A');
  });

  it('splits MEMCACHED_EXTRA_FLAGS like bash read -r -a: first line, spaces and tabs, nothing else', () => {
    const split = (s: string) => readArrayWords(literalChars(s, 0)).map(valueOf);
    expect(split('  -U 0\t-X  ')).toEqual(['-U', '0', '-X']);
    expect(split('-U 0\n-A')).toEqual(['-U', '0']);
    expect(split('"a b" * \\x')).toEqual(['"a', 'b"', '*', '\\x']);
    expect(split('-U 0\r')).toEqual(['-U', '0\r']);
    const s = start({ MEMCACHED_EXTRA_FLAGS: '-U 0\n-A' });
    expect(s.notes.map((n) => n.kind)).toContain('extra-flags-first-line');
  });

  it('validates as setup.sh does', () => {
    expect(checkPort('11211')).toEqual({ ok: true });
    expect(checkPort('80').ok).toBe(false);
    expect(checkPort('65536').ok).toBe(false);
    expect(checkPort('memcache').ok).toBe(false);
    expect(checkPort('011211').ok).toBeNull();
    expect(checkPositiveInt('0')).toEqual({ ok: true });
    expect(checkPositiveInt('64m').ok).toBeNull();
    expect(checkPositiveInt('-1').ok).toBe(false);
    expect(start({ MEMCACHED_PORT_NUMBER: '80' }).failure).toMatchObject({ exitCode: 1 });
  });

  it('SASL and the vector are unknown when the file does not decide them', () => {
    const secret: EnvValue = { chars: null, text: '${MEMCACHED_PASSWORD}', why: 'MEMCACHED_PASSWORD comes from the shell or .env', span: { start: 3, end: 9 } };
    const s = start({ MEMCACHED_PASSWORD: secret });
    expect(s.sasl.on).toBeNull();
    expect(s.argvUnknown).toBeNull();
    expect(s.unknown.map((u) => u.what)).toEqual(['MEMCACHED_PASSWORD']);
    // An empty default of ${VAR:-} is still the shell's to decide.
    expect(start({ MEMCACHED_PASSWORD: { chars: [], dep: 'MEMCACHED_PASSWORD from the shell', span: null } }).sasl.on).toBeNull();
    // A default value: a guess, marked.
    const guess = start({ MEMCACHED_CACHE_SIZE: { chars: spreadChars('64', null, 'the default of ${SIZE:-64}'), span: null } });
    expect(guess.argv.find((a) => a.value === '64')?.exact).toBe(false);
    // An env_file: anything not set here may be set there.
    const other = start({ MEMCACHED_PASSWORD: 'pw' }, { otherSources: [{ what: 'env_file: memcached.env', span: null }] });
    expect(other.sasl.on).toBe(true);
    expect(other.argvUnknown).toMatch(/env_file: memcached.env/);
  });

  it('who memcached runs as', () => {
    expect(start({}, { user: { value: '0:0', span: null } }).startsAs).toBe('memcached');
    expect(start({}, { user: { value: '1000', span: null } }).startsAs).toBe('1000');
    expect(start({}, { user: { value: null, span: null, why: 'runAsUser from a variable' } }).startsAs).toBeNull();
    // memcached as the command: the container's user, root included.
    const direct = start({}, { user: { value: 'root', span: null }, program: words('memcached', '-u', 'root') });
    expect(direct).toMatchObject({ via: 'direct', startsAs: 'root' });
  });

  it('an entrypoint that bypasses setup.sh never turns SASL on', () => {
    const s = start({ MEMCACHED_PASSWORD: 'pw' }, { entrypointReplaced: true, program: words('/opt/bitnami/scripts/memcached/run.sh') });
    expect(s.setup).toBe(false);
    expect(s.sasl.on).toBe(false);
    expect(s.argv.map((a) => a.value)).not.toContain('-S');
    expect(s.notes.map((n) => n.kind)).toContain('sasl-skipped');
  });

  it('other programs are not memcached; options as the command stop the container', () => {
    const map = new Map<string, EnvValue>();
    const base = { image: null, env: map, otherSources: [], entrypointReplaced: false, user: null, text: '', anchor: null };
    expect(bitnamiStart({ ...base, program: words('bash', '-c', 'memcached') })).toMatchObject({ runs: 'other', program: 'bash' });
    expect(bitnamiStart({ ...base, program: words('-m', '64') })).toMatchObject({ runs: 'memcached', failure: { exitCode: 2 } });
  });

  it('images older than the modelled script, and the item-size variable by release', () => {
    const old = start({}, { image: identifyImage('bitnami/memcached:1.5.21-debian-9-r1') });
    expect(old.argvUnknown).toMatch(/predates/);
    expect(start({}, { image: identifyImage('bitnami/memcached:1.6.6-debian-10-r70') }).argvUnknown).toMatch(/predates/);
    expect(start({}, { image: identifyImage('bitnami/memcached:1.6.6-debian-10-r71') }).argvUnknown).toBeNull();
    const i9 = start({ MEMCACHED_MAX_ITEM_SIZE: '8388608' }, { image: identifyImage('bitnami/memcached:1.6.9') });
    expect(i9.argv.map((a) => a.value)).not.toContain('-I');
    expect(i9.notes.map((n) => n.kind)).toContain('ignored-variable');
    const i14 = start({ MEMCACHED_MAX_ITEM_SIZE: '8388608' }, { image: identifyImage('bitnami/memcached:1.6.14') });
    expect(i14.argv.find((a) => a.value === '-I')?.exact).toBe(false);
    expect(start({ MEMCACHED_MAX_ITEM_SIZE: '8388608' }).argv.find((a) => a.value === '-I')?.exact).toBe(true);
  });
});
