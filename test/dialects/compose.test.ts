import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { SourceText } from '../../src/source.js';
import { parseCompose, parseComposeFile, type ComposeConfig } from '../../src/dialects/compose.js';
import { goShellwords, interpolate, scalarChars } from '../../src/dialects/compose-words.js';
import { literalChars, valueOf } from '../../src/dialects/sourced.js';
import { chooseDialect } from '../../src/dialects/detect.js';
import { loadDialect } from '../../src/dialects/index.js';
import { findings, lintText } from '../helpers/lint.js';
import { ROOT, SHARED } from '../helpers/paths.js';
import { fixText } from '../fix/helpers.js';

const PATH = '/srv/app/docker-compose.yml';
const parse = (text: string) => parseCompose(new SourceText(PATH, text));
const argvOf = (text: string) => parse(text).argv.map((t) => t.value);
const lint = (text: string) => lintText(text, { dialect: 'compose', path: PATH });
const corpus = (name: string) => readFileSync(join(SHARED, 'corpus', 'other', name), 'utf8');
const svc = (body: string) => `services:\n  cache:\n${body.replace(/^/gm, '    ')}\n`;
const split = (s: string) => goShellwords(literalChars(s, 0)).words.map(valueOf);

beforeAll(async () => {
  await loadDialect('compose');
});

describe('compose dialect: which argv memcached gets', () => {
  it('official image: command items follow the entrypoint rule, no command is bare memcached', () => {
    expect(argvOf(svc('image: memcached:1.6\ncommand: ["-m", "128"]'))).toEqual(['-m', '128']);
    expect(argvOf(svc('image: memcached:1.6\ncommand: memcached -m 64 -l "127.0.0.1"'))).toEqual(['-m', '64', '-l', '127.0.0.1']);
    expect(argvOf(svc('image: memcached\ncommand:\n  - -U\n  - "0"'))).toEqual(['-U', '0']);
    const bare = parse(svc('image: docker.io/library/memcached:alpine'));
    expect(bare.argv).toEqual([]);
    expect(bare.launchFailure).toBeNull();
    // An entrypoint replaces the image's; it starts the argv.
    expect(argvOf(svc('image: alpine\nentrypoint: ["/usr/bin/memcached", "-v"]\ncommand: ["-m", "8"]'))).toEqual(['-v', '-m', '8']);
  });

  it('gives each word its exact place in the file', () => {
    const c = parse(svc(`image: memcached\ncommand: ['-l', "127.0.0.1", -m, '6''4']`));
    const shown = c.argv.map((t) => c.source.slice(t.span!));
    expect(shown).toEqual(['-l', '127.0.0.1', '-m', "6''4"]);
    expect(c.argv[3].value).toBe("6'4");
  });

  it('decodes one-line scalars with offsets exactly as the YAML library does', () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
      fc.string({ maxLength: 8 }).map((s) => `'${s.replace(/'/g, "''")}'`),
      fc.constantFrom('-m', '64', 'a b', '"\\t\\x41\\u00e9"', '"\\\\"'),
    );
    fc.assert(
      fc.property(scalar, (s) => {
        const text = `k: ${s}\n`;
        const doc = parseDocument(text);
        fc.pre(doc.errors.length === 0);
        const node = doc.get('k', true) as { range: number[]; type: string; value: unknown };
        fc.pre(typeof node.value === 'string');
        const chars = scalarChars(text, { start: node.range[0], end: node.range[1] }, node.type, node.value as string);
        expect(valueOf(chars)).toBe(node.value);
        for (const c of chars) expect(c.span!.start).toBeGreaterThanOrEqual(node.range[0]);
      }),
      { numRuns: 300 },
    );
  });

  it('splits a string command like go-shellwords v1.0.12 (no shell)', () => {
    expect(split(`memcached -l "127.0.0.1" -m '64'`)).toEqual(['memcached', '-l', '127.0.0.1', '-m', '64']);
    expect(split('a\\ b "c\\"d" \'e\\f\' ""')).toEqual(['a b', 'c"d', 'e\\f', '']);
    // Backslash escapes any character inside double quotes (unlike POSIX sh).
    expect(split('"a\\b"')).toEqual(['ab']);
    // An unquoted ; & | < > ends the parsing; the rest is dropped.
    const r = goShellwords(literalChars('memcached -m 64; rm -rf /', 0));
    expect(r.words.map(valueOf)).toEqual(['memcached', '-m', '64']);
    expect(valueOf(r.dropped!)).toBe('; rm -rf /');
    expect(goShellwords(literalChars('memcached "open', 0)).error).toBe('invalid command line string');
    expect(goShellwords(literalChars('memcached (x)', 0)).error).toBe('invalid command line string');
  });

  it('interpolates like Compose: $$ is $, variables depend on the host, defaults are the guess', () => {
    const it = (s: string) => interpolate(literalChars(s, 0));
    expect(valueOf(it('a$$b').chars)).toBe('a$b');
    const d = it('${MEM:-64}');
    expect(valueOf(d.chars)).toBe('64');
    expect(d.chars.every((c) => c.dep)).toBe(true);
    expect(valueOf(it('$PORT').chars)).toBe('$PORT');
    expect(it('${}').error).toMatch(/Invalid template/);
    expect(it('$ x').error).toMatch(/Invalid template/);
    const c = parse(svc('image: memcached\ncommand: ["-m", "${MEM:-64}", "-P", "/run/$$x"]'));
    expect(c.argv.map((t) => [t.value, t.exact])).toEqual([['-m', true], ['64', false], ['-P', true], ['/run/$x', true]]);
    expect(c.argvExact).toBe(false);
  });

  it('notes text Compose drops; checks every service that runs memcached, each as an instance', () => {
    const c = parseComposeFile(new SourceText(PATH, svc('image: memcached\ncommand: memcached -m 64 > /log') + '  other:\n    image: memcached:1.5\n'));
    expect(c.argv.map((t) => t.value)).toEqual(['-m', '64']);
    expect(c.notes.map((n) => n.kind)).toEqual(expect.arrayContaining(['dropped-text']));
    expect(c.notes.map((n) => n.kind)).not.toContain('other-service');
    expect((c.parts ?? []).map((p) => p.partName)).toEqual(['service cache', 'service other']);
  });

  it('a second memcached service published on every host interface is reported (only the first was checked)', async () => {
    await loadDialect('compose');
    const text = 'services:\n  a:\n    image: memcached:1.6.21\n    command: memcached -l 127.0.0.1 -U 0\n  b:\n    image: memcached:1.6.21\n    ports: ["11212:11211"]\n';
    const r = lintText(text, { dialect: 'compose', path: '/srv/app/docker-compose.yml' });
    expect(findings(r, 'MC101').map((f) => f.line)).toEqual([5]);
    expect(findings(r, 'MC101')[0].message).toContain('ports: publishes it on every interface of the host (11212:11211)');
  });

  it('turns invalid YAML, a bad command and a file without memcached into MC001, never a crash', () => {
    const cases: [string, RegExp][] = [
      ['services:\n  cache:\n    image: memcached\n    command: [\n', /not valid YAML/],
      ['services:\n  a: 1\n  a: 2\n', /not valid YAML/],
      [svc('image: memcached\ncommand: memcached -l "127.0.0.1'), /invalid command line string/],
      [svc('image: memcached\ncommand: ["-m", "${"]'), /Invalid template/],
      ['services:\n  web:\n    image: nginx\n', /no service of the file runs memcached/],
      ['just: a map\n', /no services: mapping/],
      ['', /no services: mapping/],
    ];
    for (const [text, re] of cases) {
      const r = lint(text);
      expect({ text, mc001: findings(r, 'MC001').map((f) => f.message) }).toEqual({ text, mc001: [expect.stringMatching(re)] });
      expect(r.config.print()).toBe(text);
    }
  });
});

describe('compose dialect: user and reachability', () => {
  it('the official image runs as memcache unless user: says otherwise', () => {
    const a = lint(svc('image: memcached:1.6\ncommand: ["-m", "64"]'));
    expect(a.config.startsAs).toBe('memcache');
    expect(a.model.runsAs).toBe('memcache');
    expect(findings(a, 'MC202')).toEqual([]);
    const root = lint(svc('image: memcached:1.6\nuser: "0:0"\ncommand: ["-m", "64"]'));
    expect(root.config.startsAs).toBe('root');
    expect(findings(root, 'MC202')).toHaveLength(1);
  });

  it('a published port is exposure (corpus 089); expose: alone stays on the Compose network (corpus 090)', () => {
    const pub = lintText(corpus('089-massgov-openmass-docker-compose.memcached.yaml'), { dialect: 'compose', path: PATH });
    const [m101] = findings(pub, 'MC101');
    expect(m101.severity).toBe('error');
    expect(m101.message).toMatch(/ports: publishes it on every interface of the host \(11211\)/);
    expect(m101.fix).toBeNull();
    expect(findings(pub, 'MC601')[0].severity).toBe('error');

    const net = lintText(corpus('090-department-of-veterans-affairs-va.gov-cms-docker-compose.memcached.yaml'), { dialect: 'compose', path: PATH });
    expect(net.config.argv.map((t) => t.value)).toEqual(['-m', '1024']);
    expect(findings(net, 'MC101').map((f) => [f.severity, f.fix])).toEqual([['info', null]]);
    expect(findings(net, 'MC101')[0].message).toMatch(/only containers on the same Compose network/);
    expect(findings(net, 'MC601')[0].severity).toBe('warning');
  });

  it('publishing on the host loopback, or another port than memcached\'s, is not exposure', () => {
    const lo = lint(svc('image: memcached\ncommand: ["-U", "0"]\nports:\n  - "127.0.0.1:11211:11211"'));
    expect(findings(lo, 'MC101').map((f) => f.severity)).toEqual(['info']);
    const other = lint(svc('image: memcached\ncommand: ["-U", "0"]\nports:\n  - "8080:80"'));
    expect(findings(other, 'MC101')[0].message).toMatch(/no ports: entry publishes it/);
    const host = lint(svc('image: memcached\ncommand: ["-U", "0"]\nnetwork_mode: host'));
    expect(findings(host, 'MC101')[0].severity).toBe('error');
  });

  it('is detected by name, and by content when a service runs memcached', () => {
    expect(chooseDialect('/x/docker-compose.yml', '')).toBe('compose');
    expect(chooseDialect('/x/memcached.yaml', 'version: "3"\nservices:\n  a:\n    image: memcached:1.6\n')).toBe('compose');
    // A services: mapping that runs no memcached is a Compose file mchard has nothing to say about.
    expect(chooseDialect('/x/memcached.yaml', 'version: "3"\nservices:\n  a: {}\n')).toBeNull();
  });
});

describe('compose dialect: an image mchard does not know', () => {
  const OPTION_RULE = /^MC[1-8]\d\d$/;

  it("the image's own command decides: unknown, MC910 says where, no option finding, no predicted exit", () => {
    for (const body of [
      'image: tiredofit/memcached:1.6\nports:\n  - "11211:11211"',
      'image: tiredofit/memcached:1.6\ncommand: ["-m", "64"]\nports:\n  - "11211:11211"',
      'build: ./cache\ncommand: memcached -l 0.0.0.0\nports:\n  - "11211:11211"',
      'image: registry.example.com/ops/memcached\ncommand: memcached -l 0.0.0.0 -u root',
    ]) {
      const r = lint(svc(body));
      expect({ body, unknown: r.config.argvUnknown }).toEqual({ body, unknown: expect.stringMatching(/^service cache runs .*, which mchard does not know: the image's own command and environment decide memcached's options and user.*; unknown/) });
      expect({ body, argv: r.config.argv }).toEqual({ body, argv: [] });
      expect({ body, option: r.findings.filter((f) => OPTION_RULE.test(f.ruleId)).map((f) => f.ruleId) }).toEqual({ body, option: [] });
      expect({ body, mc910: findings(r, 'MC910').length }).toEqual({ body, mc910: 1 });
    }
    // Before: an image with memcached in its name and no command was "memcached" with no -u: MC202 "exits 64" as a certainty.
    // (Bitnami's image is known now: test/dialects/compose-bitnami.test.ts.)
    const other = lint(svc('image: tiredofit/memcached:1.6'));
    expect(findings(other, 'MC202')).toEqual([]);
    expect(findings(other, 'MC910')[0].message).toContain('"tiredofit/memcached:1.6"');
  });

  it('an entrypoint: that runs memcached decides in the file, whatever the image', () => {
    const r = lint(svc('image: bitnami/memcached:1.6\nentrypoint: ["memcached"]\ncommand: ["-l", "0.0.0.0", "-u", "memcache"]'));
    expect(r.config.argvUnknown ?? null).toBeNull();
    expect(r.config.argv.map((t) => t.value)).toEqual(['-l', '0.0.0.0', '-u', 'memcache']);
  });

  it("the memcached image running a shell (zulip's compose.yaml, test/fixtures/real/compose/082): memcached runs, with options the file does not decide", () => {
    // Before: "no service of the file runs memcached" (MC001, an error) and inspect's "starts: no".
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'real', 'compose', '082-zulip-docker-zulip-compose.yaml'), 'utf8');
    const r = lintText(text, { dialect: 'compose', path: '/srv/zulip/compose.yaml' });
    expect(findings(r, 'MC001')).toEqual([]);
    expect(r.config.argvUnknown).toMatch(/service memcached runs "sh" in the image "memcached:alpine", a shell whose script mchard does not evaluate/);
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column}`)).toEqual(['MC910 info 19:7']);
    expect(r.config.launchFailure).toBeNull();
    // A service that runs memcached itself is still the one read.
    const both = lint(svc('image: memcached:1.6\ncommand: ["sh", "-c", "exec memcached -m 64"]') + '  cache2:\n    image: memcached:1.6\n    command: ["-m", "64"]\n');
    expect(both.config.argvUnknown ?? null).toBeNull();
    expect(both.config.argv.map((t) => t.value)).toEqual(['-m', '64']);
    // Another program in the memcached image (not a shell) is said as such.
    expect(lint(svc('image: memcached:1.6\ncommand: ["/usr/local/bin/healthcheck"]')).config.argvUnknown).toMatch(/a program mchard does not read/);
  });

  it("the other real Compose files: sameersbn's version 1 file (083) and tiredofit's image (084)", () => {
    const real = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', 'compose', name), 'utf8');
    const v1 = lintText(real('083-sameersbn-docker-memcached-docker-compose.yml'), { dialect: 'compose', path: '/srv/memcached/docker-compose.yml' });
    expect(v1.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['MC001 error']);
    expect(v1.findings[0].message).toMatch(/legacy version 1 format \(services at the top level: Memcached\).*docker-compose 1\.x tool/);
    const tired = lintText(real('084-tiredofit-docker-memcached-docker-compose.yml'), { dialect: 'compose', path: '/srv/memcached/examples/docker-compose.yml' });
    expect(tired.findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column}`)).toEqual(['MC910 info 5:12']);
    expect(tired.config.argvUnknown).toMatch(/"tiredofit\/memcached", which mchard does not know/);
  });

  it("memcached's exporter is not memcached: not read as a service that runs it", () => {
    // Before: MC910 "service exporter runs image prom/memcached-exporter ... decide memcached's options".
    const exporter = 'services:\n  exporter:\n    image: prom/memcached-exporter:v0.14.2\n    command: ["--memcached.address=cache:11211"]\n';
    expect(findings(lint(exporter), 'MC910')).toEqual([]);
    expect(findings(lint(exporter), 'MC001').map((f) => f.message)).toEqual([expect.stringMatching(/no service of the file runs memcached/)]);
    // Beside a real memcached service, that one is read.
    const both = lint(exporter + '  cache:\n    image: memcached:1.6.38\n    command: ["-U", "0"]\n');
    expect(both.config.argv.map((t) => t.value)).toEqual(['-U', '0']);
    expect(chooseDialect('/srv/app/stack.yml', exporter)).toBeNull();
  });

  it('the official image is still read as its entrypoint does', () => {
    for (const image of ['memcached', 'memcached:1.6-alpine', 'docker.io/library/memcached:1.6@sha256:abc']) {
      expect({ image, unknown: lint(svc(`image: ${image}\ncommand: ["-m", "64"]`)).config.argvUnknown ?? null }).toEqual({ image, unknown: null });
    }
  });
});

describe('compose dialect: YAML merge keys (<<: *anchor), which Compose applies', () => {
  const REAL = 'test/fixtures/real/compose/123-getsentry-self-hosted-docker-compose.yml';
  const sentry = readFileSync(join(ROOT, REAL), 'utf8');

  it("Sentry self-hosted's file (123): its services merge x- anchors; memcached is still read from its own keys", () => {
    const c = lintText(sentry, { dialect: 'compose', path: '/srv/self-hosted/docker-compose.yml' });
    expect((c.config as ComposeConfig).service!.name).toBe('memcached');
    expect(c.config.argv.map((t) => t.value)).toEqual(['-I', '1M']);
    expect([...(c.config as ComposeConfig).service!.merged]).toEqual([]);
    expect(findings(c, 'MC101').map((f) => f.severity)).toEqual(['info']);
  });

  // The same file with memcached's keys in an anchor, the way its Sentry services take theirs
  // (x-sentry-defaults: &sentry_defaults ... web: <<: *sentry_defaults-feature-complete).
  const anchored = sentry
    .replace('x-restart-policy: &restart_policy\n', 'x-memcached-defaults: &memcached_defaults\n  image: "memcached:1.6.45-alpine"\n  command: ["-l", "127.0.0.1", "-U", "0"]\n  network_mode: host\nx-restart-policy: &restart_policy\n')
    .replace('    <<: *restart_policy\n    image: "memcached:1.6.45-alpine"\n    command: ["-I", "${SENTRY_MAX_EXTERNAL_SOURCEMAP_SIZE:-1M}"]\n', '    <<: [*restart_policy, *memcached_defaults]\n');

  it('image:, command: and network_mode: merged from an anchor are what the service runs with', () => {
    expect(anchored).not.toBe(sentry);
    const c = lintText(anchored, { dialect: 'compose', path: '/srv/self-hosted/docker-compose.yml' });
    expect(c.config.launchFailure).toBeNull();
    expect((c.config as ComposeConfig).service!.name).toBe('memcached');
    expect(c.config.argv.map((t) => t.value)).toEqual(['-l', '127.0.0.1', '-U', '0']);
    // The words keep their place in the file: at the anchor.
    expect(anchored.slice(c.config.argv[1].span!.start, c.config.argv[1].span!.end)).toBe('127.0.0.1');
    expect(findings(c, 'MC001')).toEqual([]);
    expect(findings(c, 'MC101')).toEqual([]);
    expect([...(c.config as ComposeConfig).service!.merged].sort()).toEqual(['command', 'image', 'network_mode']);
    const reach = c.config.notes.find((n) => n.kind === 'container-reach') as { mode?: string } | undefined;
    expect(reach?.mode).toBe('host');
  });

  it("the service's own keys win over merged ones, and an earlier merged mapping over a later one", () => {
    const text = 'x-a: &a\n  command: ["-p", "1"]\nx-b: &b\n  command: ["-p", "2"]\n  image: memcached\nservices:\n  cache:\n    <<: [*a, *b]\n';
    expect(argvOf(text)).toEqual(['-p', '1']);
    expect(argvOf(text.replace('<<: [*a, *b]', '<<: [*b, *a]'))).toEqual(['-p', '2']);
    expect(argvOf(text + '    command: ["-p", "3"]\n')).toEqual(['-p', '3']);
    // A whole service as an alias of an anchored mapping.
    expect(argvOf('x-m: &m\n  image: memcached\n  command: ["-m", "8"]\nservices:\n  cache: *m\n')).toEqual(['-m', '8']);
  });
});

describe("compose: DDEV's memcached add-on (test/fixtures/real/compose/124)", () => {
  const text = readFileSync(join(ROOT, 'test/fixtures/real/compose/124-ddev-ddev-memcached-docker-compose.memcached.yaml'), 'utf8');

  it('an image given as ${VAR:-memcached:1.6} is a memcached service to detect, as to the dialect', () => {
    // Installed as .ddev/docker-compose.memcached.yaml (by name); by content under any other name.
    expect(chooseDialect('/srv/site/.ddev/docker-compose.memcached.yaml', text)).toBe('compose');
    expect(chooseDialect('/srv/site/cache.yaml', text)).toBe('compose');
    // Docksal's service library (fixture 130) names its image the same way.
    const docksal = readFileSync(join(ROOT, 'test/fixtures/real/compose/130-docksal-docksal-services.yml'), 'utf8');
    expect(chooseDialect('/home/u/.docksal/stacks/services.yml', docksal)).toBe('compose');
    expect(argvOf(docksal)).toEqual(['-m', '128']);
    const c = lintText(text, { dialect: 'compose', path: '/srv/site/.ddev/docker-compose.memcached.yaml' });
    expect(c.config.argv.map((t) => t.value)).toEqual(['-m', '128']);
    expect(findings(c, 'MC101')[0].message).toMatch(/no ports: entry publishes it/);
  });
});

describe('compose: a service in profiles: (solution-libre/docker-dolibarr compose.yaml, fixture 129)', () => {
  const text = readFileSync(join(ROOT, 'test/fixtures/real/compose/129-solution-libre-docker-dolibarr-compose.yaml'), 'utf8');

  it('docker compose up starts it only when its profile is enabled: the start-up is the host\'s to decide', () => {
    const c = parse(text);
    expect(c.service!.name).toBe('memcached');
    expect(c.startupUnknown?.reason).toMatch(/in the profile memcached: docker compose up starts it only when it is enabled/);
    expect(c.startupUnknown?.decide).toMatch(/COMPOSE_PROFILES/);
    // Its options still read as written (the official image's default command).
    expect(c.argv).toEqual([]);
    // Control: the same service without profiles: starts.
    expect(parse(text.replace('    profiles:\n      - memcached\n', '')).startupUnknown).toBeUndefined();
  });
});

describe('compose: ports: interpolated as Compose does', () => {
  const reachOf = (ports: string) => lint(svc(`image: memcached:1.6\nports:\n  - "${ports}"`));
  it('a host address or port from ${VAR:-default} publishes as its default says, and the host decides', () => {
    // Was read as "no ports: entry publishes it": the default's colon broke the split.
    const lo = reachOf('${MEMCACHED_BIND:-127.0.0.1}:11211:11211');
    expect(findings(lo, 'MC101').map((f) => f.severity)).toEqual(['info']);
    expect(findings(lo, 'MC101')[0].message).toMatch(/publishes it only on the host's loopback .*the host address depends on the host: \$\{MEMCACHED_BIND:-127\.0\.0\.1\}/);
    // Laravel Sail's form: a host port from a variable, every interface.
    const sail = reachOf('${FORWARD_MEMCACHED_PORT:-11211}:11211');
    expect(findings(sail, 'MC101').map((f) => f.severity)).toEqual(['error']);
    expect(findings(sail, 'MC101')[0].message).toMatch(/publishes it on every interface of the host/);
    expect(reachOf('127.0.0.1:${MEMCACHED_PORT:-11211}:11211').config.notes.some((n) => n.kind === 'container-reach' && /publishes 127\.0\.0\.1:/.test(n.message))).toBe(true);
    expect(findings(reachOf('127.0.0.1:${MEMCACHED_PORT:-11211}:11211'), 'MC101').map((f) => f.severity)).toEqual(['info']);
    // A host address from a variable without a default: every interface while it is unset, so a warning.
    const bare = reachOf('${BIND_IP}:11211:11211');
    expect(findings(bare, 'MC101').map((f) => f.severity)).toEqual(['warning']);
    expect(findings(bare, 'MC101')[0].message).toMatch(/every interface of the host unless the variable names an address/);
  });
});

describe("compose: a service that extends another (Docksal's stack-acquia.yml, fixture 133)", () => {
  const text = readFileSync(join(ROOT, 'test/fixtures/real/compose/133-docksal-docksal-stack-acquia.yml'), 'utf8');

  it("takes its command from the extended service, which this file does not hold: options unknown, not the image's bare default", () => {
    // services.yml (fixture 130) gives it command ["-m", "128"]; read alone, this file looked like bare `memcached`.
    const c = parse(text);
    expect(c.service!.name).toBe('memcached');
    expect(c.argvUnknown).toMatch(/^service memcached extends service memcached of \$\{HOME\}\/\.docksal\/stacks\/services\.yml: Compose takes the keys/);
    const r = lintText(text, { dialect: 'compose', path: '/home/u/.docksal/stacks/stack-acquia.yml' });
    expect(findings(r, 'MC101')).toEqual([]);
    expect(findings(r, 'MC910')).toHaveLength(1);
  });

  it("says what would decide the options: the extended service of the other file, which mchard does not read", () => {
    const c = parse(text);
    expect(c.argvUnknown).toMatch(/which mchard does not read because this file names it; unknown \(service memcached of \$\{HOME\}\/\.docksal\/stacks\/services\.yml would decide them/);
  });

  it('a service named memcached that only extends another is read as unknown, not "no service runs memcached" (MC001)', () => {
    const only = 'services:\n  memcached:\n    extends:\n      file: common.yml\n      service: memcached\n    ports:\n      - "11211:11211"\n';
    const r = lint(only);
    expect(findings(r, 'MC001')).toEqual([]);
    expect(r.config.argvUnknown).toMatch(/extends service memcached of common\.yml/);
    // Control: a file with no memcached at all is still MC001.
    expect(findings(lint('services:\n  web:\n    image: nginx\n'), 'MC001')).toHaveLength(1);
  });
});

describe('compose: extends: of a service of the same file is followed, as Compose does', () => {
  const base = 'services:\n  memcached-base:\n    image: memcached:1.6\n    command: ["-m", "64", "-U", "0"]\n    user: "11211"\n    ports:\n      - "127.0.0.1:11211:11211"\n';

  it('the extending service takes command:, image: and user: it does not set, and adds its ports: to the extended ones', () => {
    // Extended first in the file: memcached-base is the service checked (it runs memcached itself).
    const text = `${base}  cache:\n    extends: memcached-base\n`;
    // The first service that runs memcached is checked: put the extending one first.
    const first = `services:\n  cache:\n    extends:\n      service: memcached-base\n    ports:\n      - "11212:11211"\n${base.replace('services:\n', '')}`;
    const c = parse(first);
    expect(c.service!.name).toBe('cache');
    expect(c.argvUnknown).toBeUndefined();
    expect(c.argv.map((t) => t.value)).toEqual(['-m', '64', '-U', '0']);
    // Where the fact comes from: the extended service's command.
    expect(first.slice(c.argv[1].span!.start, c.argv[1].span!.end)).toBe('64');
    expect(c.argv[1].span!.start).toBeGreaterThan(first.indexOf('memcached-base:'));
    expect(c.startsAs).toBe('11211');
    const reach = c.notes.find((n) => n.kind === 'container-reach') as { published: { text: string }[] } | undefined;
    expect(reach?.published.map((p) => p.text)).toEqual(['127.0.0.1:11211:11211', '11212:11211']);
    // Its own command: wins.
    const own = parse(first.replace('    extends:\n      service: memcached-base\n', '    extends:\n      service: memcached-base\n    command: ["-m", "128"]\n'));
    expect(own.argv.map((t) => t.value)).toEqual(['-m', '128']);
    expect(parse(text).argvUnknown).toBeUndefined();
  });

  it("environment: adds up along extends: (Bitnami's variables from both services, the extending one's winning)", () => {
    const text =
      'services:\n  cache:\n    extends: mc\n    environment:\n      MEMCACHED_CACHE_SIZE: "256"\n  mc:\n    image: bitnami/memcached:1.6.39\n    environment:\n      MEMCACHED_CACHE_SIZE: "64"\n      MEMCACHED_EXTRA_FLAGS: "-U 0"\n';
    const c = parse(text);
    expect(c.service!.name).toBe('cache');
    expect(c.argv.map((t) => t.value)).toEqual(expect.arrayContaining(['-m', '256', '-U', '0']));
    expect(c.argv.map((t) => t.value)).not.toContain('64');
  });

  it('a chain through a service that extends another file stays unknown, naming both; a missing service or a loop is Compose\'s refusal', () => {
    const chain = parse('services:\n  cache:\n    extends: mid\n  mid:\n    image: memcached\n    extends:\n      file: common.yml\n      service: memcached\n');
    expect(chain.argvUnknown).toMatch(/^service cache extends service mid of this file, which extends service memcached of common\.yml/);
    expect(chain.argvUnknown).toMatch(/service memcached of common\.yml would decide them/);
    const missing = parse('services:\n  cache:\n    image: memcached\n    extends: nowhere\n');
    expect(missing.launchFailure?.reason).toBe('Compose refuses the file: service cache extends service nowhere, which the file does not define');
    const loop = parse('services:\n  a:\n    image: memcached\n    extends: b\n  b:\n    extends: a\n');
    expect(loop.launchFailure?.reason).toMatch(/extends: makes a loop/);
  });

  it('fix does not edit a command written in the extended service', () => {
    const text = 'services:\n  cache:\n    extends: base\n  base:\n    image: memcached\n    command: ["-m", "64"]\n';
    const r = lint(text);
    expect(r.config.argv.map((t) => t.value)).toEqual(['-m', '64']);
    expect((r.config as ComposeConfig).service!.inherited.has('command')).toBe(true);
    const p = fixText(text, 'compose', {}, PATH);
    expect(p.text).toBe(text);
    expect(p.failed.length).toBeGreaterThan(0);
    for (const f of p.failed) expect(f.reason).toMatch(/takes its command from the service it extends \(extends:\)/);
  });
});

describe('a file of many memcached services is parsed once', () => {
  it('every instance reads the same YAML document, and each still its own service', () => {
    const services = Array.from({ length: 40 }, (_, i) => `  mc${i}:\n    image: memcached:1.6\n    command: ["memcached", "-p", "${11211 + i}"]\n`).join('');
    const cfg = parseComposeFile(new SourceText('docker-compose.yml', `services:\n${services}`));
    const parts = (cfg.parts ?? []) as ComposeConfig[];
    // At most 32 services are read one by one (the notes name the rest).
    expect(parts).toHaveLength(32);
    expect(parts.every((p) => p.document === cfg.document)).toBe(true);
    expect(parts.map((p) => p.service!.name)).toEqual(Array.from({ length: 32 }, (_, i) => `mc${i}`));
    expect(parts.map((p) => p.argv.map((t) => t.value).join(' '))).toEqual(Array.from({ length: 32 }, (_, i) => `-p ${11211 + i}`));
  });
});
