/**
 * The Dockerfile dialect on the 15 real Dockerfiles of test/fixtures/real/dockerfile (expected facts from
 * the manifest's notes, reviewed by hand), then the reading rules the real files do not all show.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SourceText } from '../../src/source.js';
import { parseDockerfile, readInstructions } from '../../src/dialects/dockerfile.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { loadDialect } from '../../src/dialects/index.js';
import { valueOf } from '../../src/dialects/sourced.js';
import { findings, lintText, pointedText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const DIR = join(ROOT, 'test', 'fixtures', 'real', 'dockerfile');
const real = (prefix: string) => readFileSync(join(DIR, readdirSync(DIR).find((f) => f.startsWith(prefix))!), 'utf8');
const PATH = '/srv/image/Dockerfile';
const parse = (text: string) => parseDockerfile(new SourceText(PATH, text));
const lint = (text: string) => lintText(text, { dialect: 'dockerfile', path: PATH });
const argvOf = (text: string) => parse(text).argv.map((a) => a.value);

beforeAll(async () => {
  await loadDialect('dockerfile');
});

describe('real Dockerfiles', () => {
  // [file prefix, argv (null: unknown), who memcached starts as, what decides when unknown]
  const cases: [string, string[] | null, string | null, RegExp | null][] = [
    // Shell-form ENTRYPOINT memcached, USER daemon; the exec-form CMD is never passed on.
    ['040', [], 'daemon', null],
    ['041', [], 'memcache', null],
    // ENTRYPOINT /sbin/entrypoint.sh decides.
    ['042', null, null, /\/sbin\/entrypoint\.sh/],
    // Builds Bitnami's image (its entrypoint.sh, run.sh), 1.6.9-debian-10-r204, USER 1001.
    ['043', ['-u', 'memcached', '-p', '11211', '-v'], '1001', null],
    // CMD in shell form: $MAX_MEM, $MAX_CONN, $OPTIONS from ENV; USER nobody.
    ['044', ['-v', '-m', '128', '-c', '512', '-o', 'hash_algorithm=murmur3,maxconns_fast'], 'nobody', null],
    // alpine (root), ENTRYPOINT memcached + CMD options.
    ['045', ['-l', '0.0.0.0', '-m', '8', '-u', 'memcached'], 'root', null],
    // The official image (tag from build arguments), ENTRYPOINT sh -c "exec memcached -S".
    ['046', ['-S'], 'memcache', null],
    // ENTRYPOINT ["entrypoint"], a script of the image.
    ['047', null, null, /"entrypoint"/],
    // ubuntu (root), CMD memcached -u daemon.
    ['048', ['-u', 'daemon'], 'root', null],
    ['049', null, null, /\/sbin\/entrypoint\.sh/],
    ['050', null, null, /\/docker-entrypoint\.sh/],
    // Unknown base image; CMD names memcached, read with the assumption said.
    ['051', ['-m', '64', '-p', '11211', '-u', 'memcache', '-l', '127.0.0.1'], null, null],
    // The official image's own build: its docker-entrypoint.sh is a script of the image being built.
    ['052', null, null, /docker-entrypoint\.sh/],
    // phusion/baseimage runs runit; the file sets no ENTRYPOINT or CMD that runs memcached.
    ['053', null, null, /phusion\/baseimage/],
    // s6 starts memcached from files of the image; no CMD.
    ['109', null, null, /tiredofit\/alpine/],
  ];
  for (const [prefix, argv, user, unknown] of cases) {
    it(`${prefix}: ${argv ? `memcached ${argv.join(' ')}` : 'options decided elsewhere'}`, () => {
      const c = parse(real(prefix));
      expect(c.launchFailure).toBeNull();
      if (argv === null) {
        expect(c.argvUnknown).toMatch(unknown!);
        return;
      }
      expect(c.argvUnknown ?? null).toBeNull();
      expect(c.argv.map((a) => a.value)).toEqual(argv);
      if (user === null) expect(c.startsAs).toMatch(/^unknown/);
      else expect(c.startsAs).toBe(user);
    });
  }

  it('040: the CMD that a shell-form ENTRYPOINT drops is reported (MC903)', () => {
    const r = lint(real('040'));
    const f = findings(r, 'MC903');
    expect(f).toHaveLength(1);
    expect(pointedText(r, f[0])).toBe('CMD ["memcached &"]');
  });

  it('045: root with -u memcached; the wildcard listener is judged for the container, not the host', () => {
    const r = lint(real('045'));
    expect(r.model.runsAs).toBe('memcached');
    expect(findings(r, 'MC101').map((f) => f.severity)).toEqual(['info']);
    expect(findings(r, 'MC101')[0].message).toMatch(/whoever runs the image decides/);
    expect(findings(r, 'MC101')[0].fix).toBeNull();
    expect(findings(r, 'MC601').map((f) => f.severity)).toEqual(['warning']);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('046: SASL on (-S), so no authentication finding; the tag from build arguments leaves the release unknown', () => {
    const r = lint(real('046'));
    expect(findings(r, 'MC601')).toEqual([]);
    expect(r.config.image?.info.family).toBe('official');
    expect(r.config.image?.info.version.kind).toBe('depends');
  });

  it('043: the release of the Bitnami image it builds is the one its ENV names', () => {
    const r = lint(real('043'));
    expect(r.model.version).toEqual([1, 6, 9]);
    expect(r.config.image?.info.family).toBe('bitnami');
  });

  it('051: the assumption about the unknown base image is said', () => {
    const c = parse(real('051'));
    expect(c.notes.find((n) => n.kind === 'assumed-entrypoint')?.message).toMatch(/ypcs\/debian:stretch/);
  });

  it('every real Dockerfile that runs memcached is read, by its name and by its content; the others are refused', () => {
    // 049 (ENTRYPOINT entrypoint.sh of the image), 053 (runit in phusion/baseimage) and 109 (s6 in
    // tiredofit/alpine) start memcached from files of the image: no CMD, ENTRYPOINT or FROM of theirs names it.
    // 134 (ENTRYPOINT /entrypoint.sh), 135 (CMD /start.sh) likewise; 137 is a memcached client's image.
    const refused = ['049', '053', '109', '134', '135', '137', '1712', '1726'];
    for (const f of readdirSync(DIR)) {
      // The fixture's number, of three digits or four (1359 is not 135).
      const want = refused.includes(f.split('-')[0]) ? null : 'dockerfile';
      expect({ f, byName: chooseDialect('/src/Dockerfile', readFileSync(join(DIR, f), 'utf8')) }).toEqual({ f, byName: want });
      expect({ f, byContent: chooseDialect(`/src/${f}.txt`, readFileSync(join(DIR, f), 'utf8')) }).toEqual({ f, byContent: want });
    }
    for (const name of ['Dockerfile', 'Containerfile', 'Dockerfile.alpine', 'memcached.Dockerfile', 'docker/Dockerfile-dev']) {
      expect(chooseDialect(`/src/${name}`, 'FROM memcached:1.6\n')).toBe('dockerfile');
      expect(chooseDialect(`/src/${name}`, 'FROM nginx\nCMD ["nginx"]\n')).toBeNull();
    }
  });
});

describe('Dockerfile reading rules', () => {
  it('joins continuation lines, drops comment lines inside them, honours # escape=`', () => {
    const text = 'FROM alpine\nCMD ["memcached", \\\n# a comment inside\n     "-m", \\  \n  "64"]\n';
    expect(argvOf(text)).toEqual(['-m', '64']);
    const tick = '# escape=`\nFROM alpine\nCMD memcached -m `\n  64 -c 10\n';
    expect(argvOf(tick)).toEqual(['-m', '64', '-c', '10']);
    const { instructions } = readInstructions('FROM a\nRUN <<EOF\nCMD ["memcached", "-A"]\nEOF\nCMD ["memcached"]\n');
    expect(instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'CMD']);
  });

  it('memcached sent to the background by the shell form ("&"): the start-up is unknown, with why; without "&" it is not', () => {
    // Nothing after the "&": /bin/sh, the container's main process, exits at once and the container stops.
    const alone = parse('FROM memcached:1.6.21\nCMD memcached -m 64 &\n');
    expect(alone.argv.map((a) => a.value)).toEqual(['-m', '64']);
    expect(alone.startupUnknown?.reason).toMatch(/nothing follows: \/bin\/sh, the container's main process, exits at once/);
    // Something after it (wait, a loop) decides how long the container runs.
    const waited = parse('FROM memcached:1.6.21\nCMD memcached -m 64 & wait\n');
    expect(waited.startupUnknown?.reason).toMatch(/what follows the "&" decides/);
    expect(waited.startupUnknown?.decide).toMatch(/^the CMD line without the "&"/);
    // Controls: the foreground command, and a "&&" list.
    expect(parse('FROM memcached:1.6.21\nCMD memcached -m 64\n').startupUnknown).toBeUndefined();
    expect(parse('FROM memcached:1.6.21\nCMD memcached -m 64 && echo done\n').startupUnknown).toBeUndefined();
  });

  it("shell-form CMD/ENTRYPOINT that starts with memcached is detected (uasi/vaporbin 125, tscolari/docker-memcached 126)", () => {
    // "CMD memcached ..." and "ENTRYPOINT memcached": the program right after the instruction's blank.
    for (const prefix of ['125', '126']) {
      expect(chooseDialect('/srv/image/Dockerfile', real(prefix))).toBe('dockerfile');
      expect(chooseDialect('/srv/image/memcached.Dockerfile', real(prefix))).toBe('dockerfile');
    }
    expect(chooseDialect('/srv/image/Dockerfile', 'FROM debian\nCMD memcached -m 64\n')).toBe('dockerfile');
    // Not a program whose name only ends in memcached.
    expect(chooseDialect('/srv/image/Dockerfile', 'FROM debian\nCMD pymemcached -m 64\n')).toBeNull();
  });

  it("-d before \"&&\" in a shell-form CMD (uasi/vaporbin 125) is how the line goes on: no MC901, and no fix removes it", () => {
    // CMD memcached -u nobody -d && bundle exec ruby app.rb -p 5000: /bin/sh is the main process; the forking
    // parent exits 0, sh runs the app, which keeps the container and the daemon running.
    const r = lint(real('125'));
    expect(r.config.argv.map((a) => a.value)).toEqual(['-u', 'nobody', '-d']);
    expect(findings(r, 'MC901')).toEqual([]);
    expect(findings(lint('FROM debian\nCMD memcached -u nobody -d ; exec app\n'), 'MC901')).toEqual([]);
    // Controls: memcached as the main process, and "||" (sh exits once the parent exits 0): -d stops the container.
    expect(findings(lint('FROM debian\nCMD memcached -u nobody -d\n'), 'MC901')).toHaveLength(1);
    expect(findings(lint('FROM debian\nCMD memcached -u nobody -d || echo failed\n'), 'MC901')).toHaveLength(1);
  });

  it('points each word at its place in the file', () => {
    const c = parse('FROM alpine\nENTRYPOINT ["memcached", "-l", "0.0.0.0"]\n');
    expect(c.argv.map((a) => c.source.slice(a.span!))).toEqual(['-l', '0.0.0.0']);
  });

  it('the final stage counts, continued from earlier stages; ARG defaults build the reference', () => {
    const text = 'ARG TAG=1.6.21\nFROM memcached:${TAG} AS base\nUSER root\nFROM busybox AS tools\nCMD ["sh"]\nFROM base\nCMD ["-m", "64"]\n';
    const c = parse(text);
    expect(c.argv.map((a) => a.value)).toEqual(['-m', '64']);
    expect(c.startsAs).toBe('root');
    expect(c.image?.info.family).toBe('official');
    // A default is only a default: --build-arg changes the tag, so the release is not claimed.
    const v = c.image?.info.version;
    expect(v?.kind).toBe('depends');
    expect(v?.kind === 'depends' && v.short).toBe('1.6.21 unless TAG is set');
    expect(argvOf('FROM memcached:1.6.21\n')).toEqual([]);
    expect(parse('FROM memcached:1.6.21\n').startsAs).toBe('memcache');
  });

  it("ENTRYPOINT resets the base image's CMD; the official entrypoint prepends memcached to options", () => {
    expect(argvOf('FROM memcached:1.6.21\nCMD ["-U", "0"]\n')).toEqual(['-U', '0']);
    expect(argvOf('FROM memcached:1.6.21\nCMD ["memcached", "-U", "0"]\n')).toEqual(['-U', '0']);
    // The file's ENTRYPOINT runs memcached; the image's CMD ["memcached"] is dropped.
    expect(argvOf('FROM memcached:1.6.21\nENTRYPOINT ["memcached", "-v"]\n')).toEqual(['-v']);
    expect(argvOf('FROM alpine\nCMD ["-m", "1"]\nENTRYPOINT ["memcached"]\n')).toEqual(['-m', '1']);
    const other = parse('FROM memcached:1.6.21\nCMD ["/start.sh"]\n');
    expect(other.argvUnknown).toMatch(/\/start\.sh/);
  });

  it('shell form: SHELL, sh -c scripts, exec, ENV values; an unknown variable leaves the options unknown', () => {
    expect(argvOf('FROM alpine\nENV M=64\nCMD exec memcached -m $M -c "${C:-9}"\n')).toEqual(['-m', '64', '-c', '${C:-9}']);
    expect(parse('FROM alpine\nENV M=64\nCMD exec memcached -m $M -c "${C:-9}"\n').argvUnknown).toMatch(/depends on the container/);
    expect(argvOf('FROM alpine\nCMD ["/bin/sh", "-c", "exec memcached -U 0"]\n')).toEqual(['-U', '0']);
    expect(argvOf('FROM alpine\nSHELL ["/bin/bash", "-c"]\nCMD memcached -X\n')).toEqual(['-X']);
    expect(parse('FROM alpine\nCMD memcached -m $UNSET\n').argvUnknown).toMatch(/\$UNSET is not set by the Dockerfile/);
    const broken = parse('FROM alpine\nCMD memcached "-m\n');
    expect(broken.launchFailure?.reason).toMatch(/Unterminated quoted string/);
  });

  it('ENV forms and quoting', () => {
    const c = parse('FROM bitnami/memcached:1.6.39\nENV MEMCACHED_EXTRA_FLAGS="-U 0" \\\n    MEMCACHED_CACHE_SIZE=128\nENV MEMCACHED_THREADS 4\n');
    expect(c.argv.map((a) => a.value)).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-m', '128', '-t', '4', '-U', '0']);
    // Each is the image's default, which the container's environment replaces.
    expect(c.argv.slice(5).map((a) => a.exact)).toEqual([true, false, true, false, false, false]);
  });

  it("ENV values a shell-form CMD expands are the image's defaults, which the container's environment replaces: the guess, not certain (044)", () => {
    // ploxiln/docker-memcached puts the options in ENV so that they can be changed: its README at the same
    // commit (f4e9f155, README.md blob 5f436b37) says "Adjust with environment variables" and runs
    // "docker run ... -e MAX_MEM=500 -e MAX_CONN=2000 ploxiln/memcached".
    const c = parse(real('044'));
    expect(c.argv.map((a) => a.value)).toEqual(['-v', '-m', '128', '-c', '512', '-o', 'hash_algorithm=murmur3,maxconns_fast']);
    expect(c.argv.map((a) => a.exact)).toEqual([true, true, false, true, false, true, false]);
    expect(c.argv[2].note).toBe(
      'the shell expands $MAX_MEM when the container starts; ENV gives the image\'s default MAX_MEM="128", which docker run -e, Compose environment: or a Kubernetes env: entry replace',
    );
    expect(c.argvExact).toBe(false);
    expect(c.notes.filter((n) => n.kind === 'host-dependent')).toHaveLength(3);
    // lint says the host decides (MC910 at the variable), and still judges what the file fixes.
    const r = lint(real('044'));
    expect(findings(r, 'MC910').map((f) => pointedText(r, f))).toEqual(['$MAX_MEM']);
    expect(findings(r, 'MC601')).toHaveLength(1);
    // A build argument behind the ENV is said too; a word the file writes out stays exact.
    const arg = parse('FROM alpine\nARG MEM=64\nENV MEM=$MEM\nCMD exec memcached -m $MEM -U 0\n');
    expect(arg.argv[1]).toMatchObject({ value: '64', exact: false });
    expect(arg.argv[1].note).toMatch(/default MEM="64" \(from build argument MEM \(default "64"; --build-arg can change it\)\)/);
    expect(arg.argv[3]).toMatchObject({ value: '0', exact: true });
  });

  it("Bitnami's variables set by ENV are the image's defaults too; a password set by ENV keeps SASL on", () => {
    const c = parse('FROM bitnami/memcached:1.6.39\nENV MEMCACHED_CACHE_SIZE=128 MEMCACHED_PASSWORD=s3cret\n');
    const m = c.argv.findIndex((a) => a.value === '-m');
    expect(c.argv[m + 1]).toMatchObject({ value: '128', exact: false });
    expect(c.argv.map((a) => a.value)).toContain('-S');
    expect(c.notes.find((n) => n.kind === 'auth-unknown')).toBeUndefined();
  });

  it('EXPOSE is a note: a Dockerfile publishes nothing', () => {
    const c = parse('FROM memcached:1.6.21\nEXPOSE 11211\n');
    expect(c.notes.find((n) => n.kind === 'expose')?.message).toMatch(/-P publishes every exposed port/);
  });

  it('what Docker refuses, and what is not a Dockerfile of an image, is said', () => {
    expect(parse('CMD ["memcached"]\n').launchFailure?.reason).toMatch(/before the first FROM/);
    expect(parse('# nothing\n').launchFailure?.reason).toMatch(/no FROM/);
    expect(parse('FROM scratch\n').argvUnknown).toMatch(/runs nothing/);
    // Invalid JSON is the shell form, as Docker reads it.
    // (single quotes are not JSON: /bin/sh -c "['memcached', '-v']" runs a program named "[memcached,")
    expect(parse("FROM alpine\nCMD ['memcached', '-v']\n").argvUnknown).toMatch(/"\[memcached,"/);
    expect(valueOf(readInstructions('FROM a\nCMD  x  \n').instructions[1].args)).toBe('x  ');
  });
});
