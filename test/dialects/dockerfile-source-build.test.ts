/**
 * A Dockerfile that builds memcached from one of its releases' source (the tarball from memcached.org or
 * GitHub's archive, or the tag cloned from github.com/memcached/memcached, then `make install`): the
 * release is the download's, an upstream build (MC920 judges it). Certain on a distribution's base image
 * or when the program runs from the build's own prefix; assumed on a base mchard does not know or from a
 * build argument; not claimed when a package is installed too, or when the program named is not the build's
 * (a prefix off PATH, another path). A build in another stage counts where a COPY --from brings the
 * installed program into the final stage, at the path it lands on.
 *
 * Real files: the docker-library image's own Dockerfile (052), washingtonpost's (1359), fgrehm/ventriloquist's
 * (1468), cybozu/neco-containers' two-stage build (1501). The variations below are those files with one
 * line changed, each said.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SourceText } from '../../src/source.js';
import { copiedTo, globMatches, mayReplace, memcachedDownload, parseDockerfile } from '../../src/dialects/dockerfile.js';
import { loadDialect } from '../../src/dialects/index.js';
import { formatVersion } from '../../src/memcached/version.js';
import { findings, lintText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const DIR = join(ROOT, 'test', 'fixtures', 'real', 'dockerfile');
const real = (prefix: string) => readFileSync(join(DIR, readdirSync(DIR).find((f) => f.startsWith(`${prefix}-`))!), 'utf8');
const PATH = '/srv/image/Dockerfile';
const parse = (text: string) => parseDockerfile(new SourceText(PATH, text));
const lint = (text: string) => lintText(text, { dialect: 'dockerfile', path: PATH });

/** The release the image is read as: 'exact 1.4.17', 'assumed 1.4.17', or the version's kind. */
function release(text: string): { said: string; fromSource: boolean; why: string } {
  const info = parse(text).image?.info;
  if (!info) return { said: 'no image', fromSource: false, why: '' };
  const v = info.version;
  const said = v.kind === 'exact' ? `exact ${formatVersion(v.version)}` : v.kind === 'depends' ? (v.assumed?.kind === 'exact' ? `assumed ${formatVersion(v.assumed.version)}` : 'depends') : v.kind;
  return { said, fromSource: info.fromSource === true, why: v.kind === 'exact' || v.kind === 'depends' ? v.why : '' };
}

beforeAll(async () => {
  await loadDialect('dockerfile');
});

describe('the release a download names', () => {
  it.each([
    ['wget -O memcached.tar.gz "https://memcached.org/files/memcached-1.6.45.tar.gz"', '1.6.45'],
    ['wget -q http://www.memcached.org/files/memcached-1.4.17.tar.gz -O /tmp/memcached.tar.gz', '1.4.17'],
    ['curl -SL http://memcached.org/files/old/memcached-1.4.5.tar.gz -o m.tgz', '1.4.5'],
    ['curl -OL https://github.com/memcached/memcached/archive/1.5.10.tar.gz', '1.5.10'],
    ['curl -OL https://github.com/memcached/memcached/archive/refs/tags/1.6.21.tar.gz', '1.6.21'],
    ['git clone --depth=1 -b 1.6.45 https://github.com/memcached/memcached /work/memcached', '1.6.45'],
    ['git clone https://github.com/memcached/memcached.git --branch 1.6.38', '1.6.38'],
  ])('%s: %s', (text, version) => {
    expect(memcachedDownload(text)?.version).toBe(version);
  });

  it.each([
    // The client library (the real line of a Dockerfile that builds both).
    'wget -qO /opt/libmemcached.tar.gz https://launchpad.net/libmemcached/1.0/1.0.18/+download/libmemcached-1.0.18.tar.gz',
    // A file from anywhere else: whatever it holds, its name is only a name.
    'curl -O https://mirror.example.com/memcached-1.6.21.tar.gz',
    'ADD memcached-1.6.21.tar.gz /usr/src/',
    // A clone without a release tag (the default branch: whatever it holds on the day of the build).
    'git clone https://github.com/memcached/memcached',
    // A fork.
    'git clone -b 1.6.21 https://github.com/someone/memcached',
    // A variable not replaced: not a release.
    'wget https://memcached.org/files/memcached-$MEMCACHED_VERSION.tar.gz',
  ])('not a release download: %s', (text) => {
    expect(memcachedDownload(text)).toBeNull();
  });
});

describe('real Dockerfiles that build memcached from source', () => {
  it("docker-library's own Dockerfile (ENV MEMCACHED_URL, alpine:3.24): 1.6.45, certain", () => {
    const r = release(real('052'));
    expect(r).toMatchObject({ said: 'exact 1.6.45', fromSource: true });
    expect(r.why).toContain('https://memcached.org/files/memcached-1.6.45.tar.gz');
    expect(r.why).toContain('make install into /usr/local/bin');
  });

  it("washingtonpost's (ENV MEMCACHED_VERSION 1.4.36 in the URL, debian:jessie): 1.4.36, and MC920 at the RUN line", () => {
    const text = real('1359');
    expect(release(text)).toMatchObject({ said: 'exact 1.4.36', fromSource: true });
    const f = findings(lint(text), 'MC920');
    // CVE-2017-9951 (fixed in 1.4.39) is exposed by any configuration: an error, at the RUN that downloads.
    const cve = f.find((x) => x.message.includes('CVE-2017-9951'))!;
    expect(cve.severity).toBe('error');
    expect(cve.message).toContain("the image this Dockerfile builds from memcached's source (memcached 1.4.36)");
    expect(text.split('\n')[cve.line - 1]).toMatch(/^RUN /);
    expect(text.split('\n').slice(cve.line - 1, cve.line + 6).join('\n')).toContain('memcached-$MEMCACHED_VERSION.tar.gz');
  });

  it("fgrehm/ventriloquist's (a base mchard does not know, CMD the build's own prefix): 1.4.17, certain", () => {
    const text = real('1468');
    expect(release(text)).toMatchObject({ said: 'exact 1.4.17', fromSource: true });
    const l = lint(text);
    expect(findings(l, 'MC110')[0].message).toContain('memcached 1.4.17 (before 1.5.6)');
    expect(findings(l, 'MC920').some((x) => x.message.includes('CVE-2016-8704') && x.severity === 'error')).toBe(true);
  });

  it("cybozu/neco-containers' two-stage build (ARG MEMCACHED_VERSION=1.6.45, COPY --from=build): 1.6.45 unless a build argument changes it", () => {
    const r = release(real('1501'));
    expect(r).toMatchObject({ said: 'assumed 1.6.45', fromSource: true });
    expect(r.why).toContain("stage build's RUN line builds memcached 1.6.45 from source");
    expect(r.why).toContain('make install into /usr/local/memcached/bin');
    expect(r.why).toContain('line 33 copies it into this stage as /usr/local/memcached/bin/memcached (COPY --from=build)');
    expect(r.why).toContain('build argument MEMCACHED_VERSION');
    // 1.6.45 has no CVE mchard knows.
    expect(findings(lint(real('1501')), 'MC920')).toEqual([]);
  });
});

describe('a build in another stage, copied with COPY --from (cybozu/neco-containers, 1501, one line changed)', () => {
  const cybozu = real('1501');
  const pinned = cybozu.replace('ARG MEMCACHED_VERSION=1.6.45', 'ARG MEMCACHED_VERSION=1.4.36');
  const literal = cybozu.replace('-b ${MEMCACHED_VERSION}', '-b 1.4.36');

  it('an old release from the build argument: MC920 warns at the build stage\'s RUN line, as assumed', () => {
    expect(release(pinned)).toMatchObject({ said: 'assumed 1.4.36', fromSource: true });
    const f = findings(lint(pinned), 'MC920');
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.severity === 'warning')).toBe(true);
    expect(f[0].line).toBe(cybozu.split('\n').findIndex((l) => l.startsWith('RUN git clone')) + 1);
  });

  it('the release written in the clone, the program run where the copy put it: certain, and MC920 is an error', () => {
    expect(release(literal)).toMatchObject({ said: 'exact 1.4.36', fromSource: true });
    expect(findings(lint(literal), 'MC920').some((x) => x.severity === 'error')).toBe(true);
  });

  it('only the licence copied: the final stage holds no build of it, so nothing is claimed', () => {
    const text = literal.replace('COPY --from=build /usr/local/memcached /usr/local/memcached/\n', '');
    expect(release(text)).toMatchObject({ said: 'depends', fromSource: false });
  });

  it('the program copied into a folder on PATH and run by name: assumed on a base mchard does not know', () => {
    const text = literal
      .replace('COPY --from=build /usr/local/memcached /usr/local/memcached/', 'COPY --from=build /usr/local/memcached/bin/memcached /usr/local/bin/')
      .replace('ENTRYPOINT ["/usr/local/memcached/bin/memcached"]', 'ENTRYPOINT ["memcached"]');
    expect(release(text)).toMatchObject({ said: 'assumed 1.4.36', fromSource: true });
    // ... and on a distribution's own base image, which holds no memcached: certain.
    expect(release(text.replace('FROM ghcr.io/cybozu/ubuntu:24.04', 'FROM ubuntu:24.04'))).toMatchObject({ said: 'exact 1.4.36', fromSource: true });
  });

  it('the program run by another path than the copy gave it: not the build', () => {
    expect(release(literal.replace('ENTRYPOINT ["/usr/local/memcached/bin/memcached"]', 'ENTRYPOINT ["/usr/bin/memcached"]')).fromSource).toBe(false);
  });

  it('copied from an image, not a stage of this file, or from a stage that also installs the package: not claimed', () => {
    expect(release(literal.replace('COPY --from=build /usr/local/memcached', 'COPY --from=memcached:1.6 /usr/local/memcached')).fromSource).toBe(false);
    const pkg = literal.replace('        pkg-config\n', '        pkg-config memcached\n');
    expect(pkg).not.toBe(literal);
    expect(release(pkg).fromSource).toBe(false);
  });

  it('the stage named by its index (COPY --from=0) is the same stage', () => {
    expect(release(literal.replace('COPY --from=build /usr/local/memcached', 'COPY --from=0 /usr/local/memcached'))).toMatchObject({ said: 'exact 1.4.36', fromSource: true });
  });
});

describe('where COPY puts a file of another stage', () => {
  const bin = '/usr/local/memcached/bin/memcached';
  it.each([
    [[bin], '/usr/local/bin/', '/usr/local/bin/memcached'],
    [[bin], '/usr/local/bin', '/usr/local/bin/memcached'],
    [[bin], '/opt/mc', '/opt/mc'],
    [[bin], '/usr/bin/memcached', '/usr/bin/memcached'],
    [['/usr/local/memcached'], '/usr/local/memcached/', bin],
    [['/usr/local/memcached/'], '/opt/', '/opt/bin/memcached'],
    [['/usr/local/memcached/bin'], '/usr/local/bin', '/usr/local/bin/memcached'],
    [['/etc/hosts', bin], '/srv/', '/srv/memcached'],
  ])('%j to %s: %s', (sources, dest, to) => {
    expect(copiedTo(bin, sources, dest)).toBe(to);
  });

  it.each([
    [['/usr/local/memcached/share'], '/usr/local/'],
    [['/usr/local/memcached/bin/*'], '/usr/local/bin/'],
    [['bin/memcached'], '/usr/local/bin/'],
    [[bin], 'bin/'],
    [['$PREFIX'], '/usr/local/'],
    [['/usr/local/mem'], '/x/'],
  ])('%j to %s: not the program', (sources, dest) => {
    expect(copiedTo(bin, sources, dest)).toBeNull();
  });
});

describe('the same files, one line changed', () => {
  const fgrehm = real('1468');

  it('named without a path while the prefix is off PATH: not the build (the base image or nothing runs)', () => {
    const text = fgrehm.replace('CMD    ["/usr/local/memcached/bin/memcached"', 'CMD    ["memcached"');
    expect(release(text).fromSource).toBe(false);
    // ... unless ENV PATH puts the prefix on it.
    const onPath = text.replace('EXPOSE 11211', 'ENV PATH=/usr/local/memcached/bin:/usr/local/bin:/usr/bin:/bin\nEXPOSE 11211');
    expect(release(onPath)).toMatchObject({ said: 'assumed 1.4.17', fromSource: true });
  });

  it('named by another path than the one make install wrote: not the build', () => {
    // hesa2020/docker_memcached's shape: make install into /usr/local/bin, CMD ["/usr/bin/memcached", ...].
    const text = fgrehm.replace('./configure --prefix=/usr/local/memcached', './configure').replace('CMD    ["/usr/local/memcached/bin/memcached"', 'CMD    ["/usr/bin/memcached"');
    expect(release(text).fromSource).toBe(false);
    expect(release(text.replace('CMD    ["/usr/bin/memcached"', 'CMD    ["/usr/local/bin/memcached"'))).toMatchObject({ said: 'assumed 1.4.17', fromSource: true });
  });

  it('the default prefix, named without a path, on a base mchard does not know: assumed, and MC920 says so', () => {
    const text = fgrehm.replace('./configure --prefix=/usr/local/memcached', './configure').replace('CMD    ["/usr/local/memcached/bin/memcached"', 'CMD    ["memcached"');
    const r = release(text);
    expect(r).toMatchObject({ said: 'assumed 1.4.17', fromSource: true });
    expect(r.why).toContain('assuming its base fgrehm/ventriloquist-base (an image mchard does not know) holds no memcached of its own');
    const f = findings(lint(text), 'MC920');
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.message.includes('memcached 1.4.17, if its base holds no other memcached'))).toBe(true);
    // The same on a distribution's base image: certain.
    expect(release(text.replace('FROM fgrehm/ventriloquist-base', 'FROM ubuntu:14.04'))).toMatchObject({ said: 'exact 1.4.17', fromSource: true });
  });

  it('the release from a build argument: its default, assumed', () => {
    const text = real('1359').replace('ENV MEMCACHED_VERSION 1.4.36', 'ARG MEMCACHED_VERSION=1.4.36');
    const r = release(text);
    expect(r).toMatchObject({ said: 'assumed 1.4.36', fromSource: true });
    expect(r.why).toContain('build argument MEMCACHED_VERSION');
  });

  it('a package installed as well: the package decides, not the build', () => {
    const text = real('1359').replace('ENTRYPOINT ["/entrypoint.sh"]', 'RUN apt-get update && apt-get install -y memcached\nENTRYPOINT ["/entrypoint.sh"]');
    expect(release(text)).toMatchObject({ said: 'depends', fromSource: false });
  });

  it('its source changed by a RUN line before the build (sed -i on memcached.c): the release assumed, the change named', () => {
    const text = fgrehm.replace('    ./configure --prefix', '    sed -i "s/if (getuid() == 0 || geteuid() == 0)/if (0)/" memcached.c && \\\n    ./configure --prefix');
    const r = release(text);
    expect(r).toMatchObject({ said: 'assumed 1.4.17', fromSource: true });
    expect(r.why).toMatch(/and line 11 changes its source first$/);
    // MC920 judges the release it was, in one warning that says it is only that (a patch may carry a fix).
    expect(findings(lint(text), 'MC920').every((x) => x.severity !== 'error')).toBe(true);
  });

  it('downloaded but never installed (no make install): not claimed', () => {
    const text = real('1359').replace(/\bmake install\b/, 'make');
    expect(release(text).fromSource).toBe(false);
  });
});

describe('a file copied onto the built program replaces it', () => {
  const bin = '/usr/local/bin/memcached';
  it.each([
    [['memcached'], '/usr/local/bin/'],
    [['build/memcached'], '/usr/local/bin'],
    [['mc'], '/usr/local/bin/memcached'],
    [['bin/*'], '/usr/local/bin/'],
    [['mem?ached'], '/usr/local/bin/'],
    [['m[a-z]*'], '/usr/local/bin/'],
    [['$BINARY'], '/usr/local/bin/'],
  ])('%j to %s: may replace it', (sources, dest) => {
    expect(mayReplace({ sources, dest }, bin)).toBe(true);
  });

  it.each([
    // docker-library's own: the entrypoint script beside it.
    [['docker-entrypoint.sh'], '/usr/local/bin/'],
    [['LICENSE*'], '/'],
    [['rootfs/'], '/'],
    [['memcached'], 'bin/'],
    [['memcached'], '/usr/bin/'],
    [['[!m]*'], '/usr/local/bin/'],
  ])('%j to %s: leaves it', (sources, dest) => {
    expect(mayReplace({ sources, dest }, bin)).toBe(false);
  });

  it('a same-stage build (docker-library 052) with a memcached file copied over it afterwards: not claimed', () => {
    const text = real('052');
    expect(release(text).fromSource).toBe(true);
    const replaced = text.replace('COPY docker-entrypoint.sh /usr/local/bin/', 'COPY docker-entrypoint.sh /usr/local/bin/\nCOPY memcached /usr/local/bin/');
    expect(replaced).not.toBe(text);
    expect(release(replaced).fromSource).toBe(false);
  });

  it("a copied build (1501) with another stage's program copied over it: not claimed", () => {
    const text = real('1501').replace('COPY --from=build /work/memcached/LICENSE* /', 'COPY --from=build /work/memcached/LICENSE* /\nCOPY --from=other /opt/memcached /usr/local/memcached/bin/memcached');
    expect(release(real('1501')).fromSource).toBe(true);
    expect(release(text).fromSource).toBe(false);
  });
});

describe('glob patterns as COPY matches them, without backtracking', () => {
  it.each([
    ['*', 'memcached', true],
    ['mem*', 'memcached', true],
    ['*cached', 'memcached', true],
    ['m?mcached', 'memcached', true],
    ['[a-m]emcached', 'memcached', true],
    ['[!a-l]emcached', 'memcached', true],
    ['[^m]emcached', 'memcached', false],
    ['LICENSE*', 'memcached', false],
    ['memcached?', 'memcached', false],
    ['mem[cached', 'memcached', true],
  ])('%s against %s: %s', (pattern, name, want) => {
    expect(globMatches(pattern, name)).toBe(want);
  });

  it('a hostile pattern of thousands of stars is answered (the match costs the lengths multiplied, by construction)', () => {
    expect(globMatches('*x'.repeat(5000), 'memcached')).toBe(false);
    expect(globMatches('*m'.repeat(2000) + '*', 'memcached'.repeat(3))).toBe(false);
  });
});

describe('a hostile chain of stages', () => {
  it('5,000 stages, each built on the one before and copying its program: answered (the replay of other stages is bounded; it took 8 s), the build not followed past the bound', () => {
    const lines = ['FROM ubuntu:24.04 AS s0', 'RUN git clone -b 1.6.21 https://github.com/memcached/memcached /m && cd /m && ./configure && make install'];
    for (let i = 1; i < 5000; i++) lines.push(`FROM s${i - 1} AS s${i}`, `COPY --from=s${i - 1} /usr/local/bin/memcached /usr/local/bin/`);
    lines.push('CMD ["memcached"]');
    const r = release(lines.join('\n') + '\n');
    expect(r.fromSource).toBe(false);
    // A short chain of the same shape is followed.
    const short = ['FROM ubuntu:24.04 AS s0', lines[1], 'FROM s0 AS s1', 'COPY --from=s0 /usr/local/bin/memcached /usr/local/bin/', 'CMD ["memcached"]'].join('\n');
    expect(release(short)).toMatchObject({ said: 'exact 1.6.21', fromSource: true });
  });
});
