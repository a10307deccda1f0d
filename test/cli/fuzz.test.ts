/**
 * Fuzzing every dialect through the real command-line entry (`main`, in-process, with the real rules):
 * inputs made from the samples and the shared corpus files of the dialect, mutated (byte flips,
 * deletions, duplicated lines, deep nesting, huge lines, NUL bytes, invalid UTF-8, CRLF, random bytes),
 * each linted (json), inspected (json) and fixed (--dry-run, json) together with a good file. Whatever
 * the input (issue 13 §5):
 * - the exit status is 0, 1 or 2;
 * - standard output is one valid JSON document, and the good file keeps its findings;
 * - standard error never says "internal error" and never holds a stack trace; for lint and inspect it holds
 *   only one-line "mchard: ..." messages (fix --format json writes its diff there).
 *
 * The run count is bounded so CI stays fast (MCHARD_FUZZ_RUNS raises it); the seed is fixed
 * (MCHARD_FUZZ_SEED changes it) and fast-check prints the seed and the shrunk input of any failure.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { captureIo, SAMPLES, TempDir } from './helpers.js';
import { ROOT, SHARED } from '../helpers/paths.js';
import { chooseDialect, DIALECTS } from '../../src/dialects/detect.js';
import type { DialectName } from '../../src/dialects/types.js';

const RUNS = Number(process.env.MCHARD_FUZZ_RUNS ?? 50);
const SEED = Number(process.env.MCHARD_FUZZ_SEED ?? 20240613);

const real = (rel: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'real', rel), 'utf8');

/** Seed texts per dialect: the samples and corpus files mchard reads in that dialect, and a few by hand. */
function seeds(): Map<DialectName, Uint8Array[]> {
  const out = new Map<DialectName, Uint8Array[]>(DIALECTS.map((d) => [d, []]));
  const files: string[] = [];
  for (const dir of [SAMPLES, join(SHARED, 'corpus', 'debian'), join(SHARED, 'corpus', 'sysconfig'), join(SHARED, 'corpus', 'other'), join(ROOT, 'test', 'fixtures', 'real', 'dockerfile')]) {
    if (existsSync(dir)) for (const f of readdirSync(dir).sort()) files.push(join(dir, f));
  }
  for (const f of files) {
    const bytes = readFileSync(f);
    // A file no dialect claims (refused) is not a seed.
    const d = chooseDialect(f, bytes.toString('utf8'));
    if (d) out.get(d)?.push(bytes);
  }
  const byHand: Partial<Record<DialectName, string[]>> = {
    argv: ['-l 0.0.0.0 -U 11211 -u root', "-m 64 -o 'ssl_chain_cert=/x y' -vv", '--listen=127.0.0.1 --port=11211 -A'],
    supervisord: ['[program:memcached]\ncommand=\n', '[program:memcached]\ncommand=/usr/bin/memcached -l %(here)s -u %(ENV_X)s\nuser=nobody\n'],
    compose: [
      'services:\n  m:\n    image: memcached\n    command: ["-l", "0.0.0.0"]\n    ports: ["11211:11211"]\n',
      'services:\n  m:\n    image: bitnami/memcached:1.6.9\n    environment:\n      - MEMCACHED_EXTRA_FLAGS=-U 0 ${X:-}\n      MEMCACHED_PASSWORD: $$p\n    user: "0"\n',
    ],
    dockerfile: [
      '# escape=`\nARG T=1.6.1\nFROM memcached:${T} AS a\nENV M=64\nCMD exec memcached -m $M `\n  -U 0\nFROM a\nEXPOSE 11211\n',
      'FROM bitnami/memcached:1.6.39\nENV MEMCACHED_EXTRA_FLAGS="-vv -A" MEMCACHED_PORT_NUMBER=80\nUSER root\n',
      'FROM alpine\nENTRYPOINT ["sh", "-c", "exec memcached -S"]\nCMD ["x"]\n',
    ],
    systemd: ['[Service]\nEnvironment=A=1\nExecStart=/usr/bin/memcached -p ${A} $OPTIONS\n'],
    // The real manifests and values mchard reads (test/fixtures/real, provenance in its MANIFEST.tsv).
    kubernetes: ['kubernetes/056-dongweiming-lyanna-memcached.yaml', 'kubernetes/058-fluxcd-flux-memcache-dep.yaml', 'helm/118-davidcollom-manifests-memcached.yaml'].map(real),
    helm: ['helm/065-bitnami-charts-values.yaml', 'helm/066-zulip-docker-zulip-values.yaml'].map(real),
  };
  for (const [d, texts] of Object.entries(byHand) as [DialectName, string[]][]) for (const t of texts) out.get(d)!.push(new TextEncoder().encode(t));
  return out;
}

/** One mutation of a byte string. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 10, max: 6000 }), open: fc.constantFrom('[', '{', '- ', '  ', '(', '$(', '"', '%(', '[program:', '${') }),
  fc.record({ kind: fc.constant('huge-line' as const), at: fc.nat(), length: fc.integer({ min: 1000, max: 200_000 }), ch: fc.constantFrom('a', ' ', '-', '#', '"', '\\', '0', '$') }),
  fc.record({ kind: fc.constant('nul' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('invalid-utf8' as const), at: fc.nat(), bytes: fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]) }),
  fc.record({ kind: fc.constant('crlf' as const) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: 'binary', maxLength: 30 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const b = Buffer.from(bytes);
  const at = 'at' in m ? (b.length === 0 ? 0 : m.at % (b.length + 1)) : 0;
  const splice = (insert: Uint8Array, remove = 0) => Buffer.concat([b.subarray(0, at), insert, b.subarray(Math.min(b.length, at + remove))]);
  switch (m.kind) {
    case 'flip':
      if (b.length === 0) return Buffer.from([m.byte]);
      b[at % b.length] = m.byte;
      return b;
    case 'delete':
      return splice(new Uint8Array(0), m.length);
    case 'duplicate-line': {
      const text = b.toString('latin1');
      const lines = text.split('\n');
      const k = m.at % Math.max(1, lines.length);
      lines.splice(k, 0, ...Array(m.times).fill(lines[k] ?? ''));
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 'nest': {
      const close = { '[': ']', '{': '}', '- ': '', '  ': 'x', '(': ')', '$(': ')', '"': '"', '%(': ')s', '[program:': ']', '${': '}' }[m.open]!;
      return splice(Buffer.from(m.open.repeat(m.depth) + close.repeat(m.depth) + '\n'));
    }
    case 'huge-line':
      return splice(Buffer.from(`${m.ch.repeat(m.length)}\n`));
    case 'nul':
      return splice(Buffer.from([0]));
    case 'invalid-utf8':
      return splice(Uint8Array.from(m.bytes));
    case 'crlf':
      return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    case 'insert':
      return splice(Buffer.from(m.text, 'utf8'));
  }
}

/** A small insecure file per dialect, linted with each fuzzed one: its findings must stay as they are alone. */
const GOOD: Record<DialectName, string> = {
  debian: '-u root\n-l 0.0.0.0\n',
  sysconfig: 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS="-l 0.0.0.0"\n',
  systemd: '[Service]\nExecStart=/usr/bin/memcached -u memcache -l 0.0.0.0\n',
  openrc: 'LISTENON="0.0.0.0"\nMEMCACHED_RUNAS="memcached"\n',
  rcconf: 'memcached_enable="YES"\nmemcached_flags="-l 0.0.0.0 -u memcached"\n',
  compose: 'services:\n  m:\n    image: memcached\n    ports: ["11211:11211"]\n',
  dockerfile: 'FROM memcached:1.6.21\nUSER root\nCMD ["memcached", "-u", "root"]\n',
  supervisord: '[program:memcached]\ncommand=/usr/bin/memcached -l 0.0.0.0\nuser=memcache\n',
  argv: '-l 0.0.0.0 -u memcache\n',
  kubernetes: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\nspec:\n  hostNetwork: true\n  containers:\n    - name: m\n      image: memcached:1.6.21\n      args: ["-vv"]\n',
  helm: 'image:\n  repository: bitnami/memcached\n  tag: 1.6.21\nservice:\n  type: LoadBalancer\n',
};

let tmp: TempDir;
let counter = 0;

beforeAll(() => {
  tmp = new TempDir();
});
afterAll(() => tmp.cleanup());

type LintDoc = { files: { path: string; findings: { ruleId: string; line: number; message: string }[] }[] };

/** Runs mchard in-process and checks the invariants; returns the parsed JSON document. */
async function check(argv: string[], label: string): Promise<unknown> {
  const { main } = await import('../../src/cli/main.js');
  const io = captureIo();
  const code = await main(argv, io);
  const out = io.stdout.join('');
  const err = io.stderr.join('');
  const where = `${label}: mchard ${argv.join(' ')}`;
  if (![0, 1, 2].includes(code)) throw new Error(`${where}: exit status ${code}`);
  if (/internal error/.test(err + out)) throw new Error(`${where}: ${err}`);
  if (/\n\s+at |node:internal|\.ts:\d+/.test(err)) throw new Error(`${where}: a stack trace: ${err}`);
  // fix --format json writes its diff and progress to standard error; lint and inspect only error lines.
  if (argv[0] !== 'fix') for (const line of err.split('\n').filter(Boolean)) if (!line.startsWith('mchard: ')) throw new Error(`${where}: stray error line ${JSON.stringify(line)}`);
  try {
    return JSON.parse(out);
  } catch {
    throw new Error(`${where}: standard output is not JSON: ${JSON.stringify(out.slice(0, 200))}`);
  }
}

const seedsByDialect = seeds();

describe.each(DIALECTS.map((d) => [d]))('fuzz: %s', (dialect) => {
  it(`${RUNS} mutated inputs through lint, inspect and fix --dry-run (seed ${SEED})`, async () => {
    const bases = seedsByDialect.get(dialect)!;
    expect(bases.length).toBeGreaterThan(0);
    const good = tmp.write(`good/${dialect}`, GOOD[dialect]);
    const alone = ((await check(['lint', '--format', 'json', '--dialect', dialect, good], 'good')) as LintDoc).files[0].findings;
    // Not vacuous: the good file has findings to keep.
    expect(alone.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bases.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), async (pick, muts, random) => {
        const bytes = random ? Buffer.from(muts.map((m) => JSON.stringify(m)).join('\0'), 'latin1') : muts.reduce(apply, bases[pick]);
        const file = tmp.join(`in-${process.pid}-${counter++}.conf`);
        writeFileSync(file, bytes);
        const lint = (await check(['lint', '--format', 'json', '--dialect', dialect, file, good], dialect)) as LintDoc;
        // The good file keeps its findings whatever happened to the other.
        expect(lint.files.find((f) => f.path === good)?.findings).toEqual(alone);
        await check(['inspect', '--format', 'json', '--dialect', dialect, file, good], dialect);
        await check(['fix', '--dry-run', '--format', 'json', '--dialect', dialect, file, good], dialect);
      }),
      { numRuns: RUNS, seed: SEED + DIALECTS.indexOf(dialect), endOnFailure: true },
    );
  }, 300_000);
});
