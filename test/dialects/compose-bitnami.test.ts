/**
 * Compose services running Bitnami's memcached image: the environment goes through the model of the
 * image's start script (images/bitnami.ts). Real files from test/fixtures/real/compose with the findings a
 * reviewer expects from the manifest's notes, then the cases those files do not show.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceText } from '../../src/source.js';
import { parseCompose } from '../../src/dialects/compose.js';
import { loadDialect } from '../../src/dialects/index.js';
import { findings, lintText, pointedText } from '../helpers/lint.js';
import { ROOT } from '../helpers/paths.js';

const PATH = '/srv/app/docker-compose.yml';
const real = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', 'compose', name), 'utf8');
const lint = (text: string) => lintText(text, { dialect: 'compose', path: PATH });
const parse = (text: string) => parseCompose(new SourceText(PATH, text));
const svc = (body: string) => `services:\n  cache:\n${body.replace(/^/gm, '    ')}\n`;
const summary = (text: string) => lint(text).findings.map((f) => `${f.ruleId} ${f.severity}`);

beforeAll(async () => {
  await loadDialect('compose');
});

describe('real Compose files with Bitnami images', () => {
  // 078: bitnami/memcached:latest, ports 11211:11211, no MEMCACHED_* variables.
  // 079: docker.io/bitnami/memcached:1, the same. 080: bitnami/memcached:1.6.19 among other services.
  for (const [file, image] of [
    ['078-bitnami-bitnami-docker-memcached-docker-compose.yml', 'bitnami/memcached:latest'],
    ['079-bitnami-bitnami-docker-memcached-docker-compose.yml', 'docker.io/bitnami/memcached:1'],
    ['080-ametnes-nesis-compose.yml', 'bitnami/memcached:1.6.19'],
  ] as const) {
    it(`${file}: the script's vector, uid 1001, no SASL, published on every host interface`, () => {
      const r = lint(real(file));
      expect(r.config.argv.map((a) => a.value)).toEqual(['-u', 'memcached', '-p', '11211', '-v']);
      expect(r.config.startsAs).toBe('1001');
      expect(r.model.runsAs).toBe('1001');
      expect(r.model.startup.ok).toBe(true);
      expect(r.config.image?.info.family).toBe('bitnami');
      expect(r.config.image?.info.ref.text).toBe(image);
      // What a reviewer sees: reachable from every host interface (ports: 11211:11211) and no authentication.
      expect(findings(r, 'MC101').map((f) => f.severity)).toEqual(['error']);
      expect(findings(r, 'MC601').map((f) => f.severity)).toEqual(['error']);
      expect(findings(r, 'MC601')[0].message).toMatch(/ports: publishes it on every interface of the host/);
      expect(r.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId).sort()).toEqual(['MC101', 'MC601']);
      // No finding about -u: the container does not start as root.
      expect(findings(r, 'MC201')).toEqual([]);
      expect(findings(r, 'MC202')).toEqual([]);
    });
  }

  it('080: the tag names the release the model judges', () => {
    const r = lint(real('080-ametnes-nesis-compose.yml'));
    expect(r.model.version).toEqual([1, 6, 19]);
  });
});

describe('Bitnami environment in Compose', () => {
  it('reads map and list forms, interpolated, with their places in the file', () => {
    const map = parse(svc('image: bitnami/memcached:1.6.39\nenvironment:\n  MEMCACHED_CACHE_SIZE: 256\n  MEMCACHED_EXTRA_FLAGS: "-U 0 -X"'));
    expect(map.argv.map((a) => a.value)).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-m', '256', '-U', '0', '-X']);
    expect(map.source.slice(map.argv.find((a) => a.value === '-X')!.span!)).toBe('-X');
    const list = parse(svc('image: bitnami/memcached:1.6.39\nenvironment:\n  - MEMCACHED_LISTEN_ADDRESS=0.0.0.0\n  - "MEMCACHED_THREADS=$${X}"'));
    expect(list.argv.map((a) => a.value)).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-l', '0.0.0.0', '-t', '${X}']);
  });

  it('a password turns SASL on and MC601 off', () => {
    const r = lint(svc('image: bitnami/memcached:1.6.39\nports: ["11211:11211"]\nenvironment:\n  MEMCACHED_PASSWORD: "s3cret"'));
    expect(r.config.argv.map((a) => a.value)).toContain('-S');
    expect(r.model.applied.settings.sasl).toBe(true);
    expect(findings(r, 'MC601')).toEqual([]);
  });

  it('a password from the shell or .env leaves authentication undecided: MC601 says so, as an info', () => {
    for (const env of ['- MEMCACHED_PASSWORD=${MEMCACHED_PASSWORD}', '- MEMCACHED_PASSWORD', 'MEMCACHED_PASSWORD: ${PW:-}']) {
      const r = lint(svc(`image: bitnami/memcached:1.6.39\nports: ["11211:11211"]\nenvironment:\n  ${env}`));
      const f = findings(r, 'MC601');
      expect(f.map((x) => x.severity)).toEqual(['info']);
      expect(f[0].message).toMatch(/not decided by the file/);
      expect(pointedText(r, f[0])).toMatch(/MEMCACHED_PASSWORD/);
    }
  });

  it('a default is the guess, marked as depending on the host', () => {
    const c = parse(svc('image: bitnami/memcached:1.6.39\nenvironment:\n  MEMCACHED_CACHE_SIZE: ${CACHE:-128}'));
    const v = c.argv.find((a) => a.value === '128')!;
    expect(v.exact).toBe(false);
    expect(v.note).toMatch(/CACHE/);
  });

  it('env_file: is never read: the options are unknown (MC910), nothing is guessed', () => {
    const r = lint(svc('image: bitnami/memcached:1.6.39\nenv_file: memcached.env\nports: ["11211:11211"]'));
    expect(r.config.argvUnknown).toMatch(/env_file: memcached.env/);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['MC921', 'MC910']);
  });

  it("options as the command: Bitnami's entrypoint does not prepend memcached (MC914, exit 2)", () => {
    const r = lint(svc('image: bitnami/memcached:1.6.39\ncommand: ["-m", "64"]'));
    const f = findings(r, 'MC914');
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/exec/);
    expect(pointedText(r, f[0])).toBe('-m');
    expect(r.model.startup).toMatchObject({ ok: false, exitCode: 2 });
  });

  it("setup.sh's refusals stop the container before memcached runs (MC914, exit 1)", () => {
    const r = lint(svc('image: bitnami/memcached:1.6.39\nenvironment:\n  MEMCACHED_PORT_NUMBER: "80"'));
    expect(findings(r, 'MC914')[0].message).toMatch(/^the service fails before memcached runs \(exit status 1\): .*privileged port requested.*exits 1/);
    expect(pointedText(r, findings(r, 'MC914')[0])).toBe('MEMCACHED_PORT_NUMBER: "80"');
    expect(findings(r, 'MC806')).toEqual([]);
  });

  it('root in the container still runs memcached as memcached; memcached as the command runs as the container user', () => {
    const r = lint(svc('image: bitnami/memcached:1.6.39\nuser: root'));
    expect(r.model.runsAs).toBe('memcached');
    expect(findings(r, 'MC201')).toEqual([]);
    const direct = lint(svc('image: bitnami/memcached:1.6.39\nuser: "0"\ncommand: memcached -m 64\nenvironment:\n  MEMCACHED_CACHE_SIZE: "128"'));
    expect(direct.config.argv.map((a) => a.value)).toEqual(['-m', '64']);
    expect(findings(direct, 'MC202')).toHaveLength(1);
    expect(findings(direct, 'MC903')[0].message).toMatch(/MEMCACHED_CACHE_SIZE has no effect/);
  });

  it('an entrypoint that skips setup.sh leaves the password unused (MC903) and memcached without SASL (MC601)', () => {
    const r = lint(svc('image: bitnami/memcached:1.6.39\nentrypoint: ["/opt/bitnami/scripts/memcached/run.sh"]\nports: ["11211:11211"]\nenvironment:\n  MEMCACHED_PASSWORD: pw'));
    expect(r.config.argv.map((a) => a.value)).not.toContain('-S');
    expect(findings(r, 'MC903')[0].message).toMatch(/setup.sh never creates the SASL database/);
    expect(findings(r, 'MC601').map((f) => f.severity)).toEqual(['error']);
  });

  it('the official image ignores MEMCACHED_* variables (MC903; real file 081)', () => {
    const r = lint(real('081-rimi-itk-ereolen-dev-docker-compose.yml'));
    const f = findings(r, 'MC903');
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/official memcached image ignores MEMCACHED_CACHE_SIZE/);
  });

  it('only the first line of MEMCACHED_EXTRA_FLAGS counts (MC903)', () => {
    const r = lint(svc('image: bitnami/memcached:1.6.39\nenvironment:\n  MEMCACHED_EXTRA_FLAGS: |\n    -U 0\n    -X'));
    expect(r.config.argv.map((a) => a.value).slice(5)).toEqual(['-U', '0']);
    expect(findings(r, 'MC903')[0].message).toMatch(/only the first line/);
  });
});
