/**
 * Differential test of the Bitnami image model against the image's real start scripts under bash.
 *
 * The scripts of `test/fixtures/bitnami-memcached/` (entrypoint.sh → setup.sh → run.sh, with
 * memcached-env.sh, libmemcached.sh and libvalidations.sh) run unchanged except for their absolute
 * `/opt/bitnami` paths, which point into a temporary folder. What the image's other libraries do is
 * stubbed here: logging goes to stderr, `am_i_root` follows a variable, `exec_as_user` records the user,
 * `saslpasswd2` creates the database file it is given, and `memcached` writes its arguments
 * (NUL-separated) to a file. No network, no container: only the argument building runs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { bitnamiStart, BITNAMI_VARIABLES, type BitnamiInput, type EnvValue } from '../../src/dialects/images/bitnami.js';
import { identifyImage } from '../../src/dialects/images/index.js';
import { literalChars } from '../../src/dialects/sourced.js';
import { ROOT } from '../helpers/paths.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'bitnami-memcached');

let root = '';
let scripts = '';

const STUBS: Record<string, string> = {
  'liblog.sh': `info() { printf 'INFO %s\\n' "$*" >&2; }\nwarn() { printf 'WARN %s\\n' "$*" >&2; }\nerror() { printf 'ERROR %s\\n' "$*" >&2; }\ndebug() { :; }\nstderr_print() { printf '%s\\n' "$*" >&2; }\n`,
  'libos.sh': `am_i_root() { [[ "\${STUB_UID:-1001}" = 0 ]]; }\nensure_user_exists() { :; }\nexec_as_user() { local u="$1"; shift; printf '%s' "$u" > "$STUB_OUT.user"; exec "$@"; }\n`,
  'libfs.sh': '',
  'libservice.sh': '',
  'libbitnami.sh': 'print_welcome_page() { :; }\n',
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), `mchard-bitnami-${process.pid}-`));
  const opt = join(root, 'opt', 'bitnami');
  scripts = join(opt, 'scripts');
  mkdirSync(join(scripts, 'memcached'), { recursive: true });
  mkdirSync(join(opt, 'memcached', 'bin'), { recursive: true });
  mkdirSync(join(opt, 'common', 'bin'), { recursive: true });
  const place = (name: string, dest: string) => {
    const text = readFileSync(join(FIXTURES, name), 'utf8').split('/opt/bitnami').join(opt);
    writeFileSync(dest, text);
    chmodSync(dest, 0o755);
  };
  for (const f of ['run.sh', 'entrypoint.sh', 'setup.sh']) place(f, join(scripts, 'memcached', f));
  for (const f of ['libmemcached.sh', 'memcached-env.sh', 'libvalidations.sh']) place(f, join(scripts, f));
  for (const [name, text] of Object.entries(STUBS)) writeFileSync(join(scripts, name), text);
  const exe = (path: string, text: string) => {
    writeFileSync(path, text);
    chmodSync(path, 0o755);
  };
  exe(join(opt, 'memcached', 'bin', 'memcached'), `#!/bin/bash\nfor a in "$@"; do printf '%s\\0' "$a"; done > "$STUB_OUT"\n`);
  exe(join(opt, 'common', 'bin', 'saslpasswd2'), `#!/bin/bash\ncat > /dev/null\nwhile [[ $# -gt 0 ]]; do if [[ "$1" = -f ]]; then : > "$2"; shift; fi; shift; done\n`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  status: number | null;
  argv: string[] | null;
  user: string | null;
  stderr: string;
}

let runs = 0;
/** A fresh container: the configuration folders as postunpack.sh leaves them, then the entrypoint. */
function runImage(env: Record<string, string>, command: string[] | null, uid = 1001): Run {
  const n = runs++;
  const opt = join(root, 'opt', 'bitnami');
  rmSync(join(opt, 'memcached', 'conf'), { recursive: true, force: true });
  rmSync(join(opt, 'memcached', 'conf.default'), { recursive: true, force: true });
  mkdirSync(join(opt, 'memcached', 'conf', 'sasl2'), { recursive: true });
  mkdirSync(join(opt, 'memcached', 'conf.default', 'sasl2'), { recursive: true });
  const out = join(root, `out-${n}`);
  const r = spawnSync('bash', [join(scripts, 'memcached', 'entrypoint.sh'), ...(command ?? [join(scripts, 'memcached', 'run.sh')])], {
    env: { PATH: '/usr/bin:/bin', HOME: root, STUB_OUT: out, STUB_UID: String(uid), ...env },
    cwd: root,
    encoding: 'utf8',
    timeout: 20000,
  });
  const argv = existsSync(out) ? readFileSync(out, 'utf8').split('\0').slice(0, -1) : null;
  const user = existsSync(`${out}.user`) ? readFileSync(`${out}.user`, 'utf8') : null;
  rmSync(out, { force: true });
  rmSync(`${out}.user`, { force: true });
  return { status: r.status, argv, user, stderr: r.stderr };
}

const known = (value: string): EnvValue => ({ chars: literalChars(value, 0), span: null });

function model(env: Record<string, string>, extra: Partial<BitnamiInput> = {}) {
  const map = new Map(Object.entries(env).map(([k, v]) => [k, known(v)] as const));
  return bitnamiStart({ image: identifyImage('bitnami/memcached:1.6.39'), env: map, otherSources: [], program: null, entrypointReplaced: false, user: null, text: '', anchor: null, ...extra });
}

const values = (s: ReturnType<typeof bitnamiStart>) => (s.runs === 'memcached' ? s.argv.map((a) => a.value) : null);

describe('the Bitnami model against the image scripts under bash', () => {
  it('builds the documented vector for the common settings', () => {
    const env = { MEMCACHED_CACHE_SIZE: '128', MEMCACHED_LISTEN_ADDRESS: '0.0.0.0', MEMCACHED_EXTRA_FLAGS: '-U 0  -vv\t-X' };
    const real = runImage(env, null);
    expect(real.status).toBe(0);
    expect(real.argv).toEqual(['-u', 'memcached', '-p', '11211', '-v', '-l', '0.0.0.0', '-m', '128', '-U', '0', '-vv', '-X']);
    expect(values(model(env))).toEqual(real.argv);
  });

  it('turns SASL on exactly when MEMCACHED_PASSWORD is not empty', () => {
    const on = runImage({ MEMCACHED_PASSWORD: 's3cret' }, null);
    expect(on.argv).toContain('-S');
    const m = model({ MEMCACHED_PASSWORD: 's3cret' });
    expect(m.runs === 'memcached' && m.sasl.on).toBe(true);
    expect(values(m)).toEqual(on.argv);
    const off = runImage({ MEMCACHED_PASSWORD: '' }, null);
    expect(off.argv).not.toContain('-S');
    const m2 = model({ MEMCACHED_PASSWORD: '' });
    expect(m2.runs === 'memcached' && m2.sasl.on).toBe(false);
    expect(values(m2)).toEqual(off.argv);
  });

  it('a _FILE variable replaces the variable with the file content; the model says the file decides', () => {
    const secret = join(root, 'secret');
    writeFileSync(secret, 'pw\n\n');
    const real = runImage({ MEMCACHED_PASSWORD_FILE: secret }, null);
    expect(real.argv).toContain('-S');
    writeFileSync(secret, '');
    expect(runImage({ MEMCACHED_PASSWORD_FILE: secret }, null).argv).not.toContain('-S');
    const m = model({ MEMCACHED_PASSWORD_FILE: secret });
    expect(m.runs === 'memcached' && m.sasl.on).toBeNull();
    const flags = join(root, 'flags');
    writeFileSync(flags, '-A\n');
    expect(runImage({ MEMCACHED_EXTRA_FLAGS_FILE: flags }, null).argv?.at(-1)).toBe('-A');
    const m2 = model({ MEMCACHED_EXTRA_FLAGS_FILE: flags });
    expect(m2.runs === 'memcached' && m2.argvUnknown).toMatch(/MEMCACHED_EXTRA_FLAGS_FILE/);
  });

  it('as root, run.sh starts memcached as user memcached', () => {
    const real = runImage({}, null, 0);
    expect(real.user).toBe('memcached');
    const m = model({}, { user: { value: 'root', span: null } });
    expect(m.runs === 'memcached' && m.startsAs).toBe('memcached');
    expect(values(m)).toEqual(real.argv);
    const plain = model({});
    expect(plain.runs === 'memcached' && plain.startsAs).toBe('1001');
  });

  it("run.sh's own arguments follow the variables; memcached as the command ignores them", () => {
    const env = { MEMCACHED_THREADS: '4' };
    const real = runImage(env, [join(scripts, 'memcached', 'run.sh'), '-A', '-o', 'modern']);
    const m = model(env, { program: [{ value: '/opt/bitnami/scripts/memcached/run.sh', span: null, origin: 'file', exact: true }, ...['-A', '-o', 'modern'].map((value) => ({ value, span: null, origin: 'file' as const, exact: true }))] });
    expect(values(m)).toEqual(real.argv);
    const direct = runImage(env, ['memcached', '-m', '8']);
    const md = model(env, { program: ['memcached', '-m', '8'].map((value) => ({ value, span: null, origin: 'file' as const, exact: true })) });
    expect(md.runs === 'memcached' && md.via).toBe('direct');
    expect(values(md)).toEqual(direct.argv);
  });

  it('a command starting with an option is handed to bash exec: no memcached, the exit status the model says', () => {
    for (const [cmd, status] of [
      [['-m', '64'], 2],
      [['-U', '0'], 2],
      [['--port=1'], 2],
      [['-l', '127.0.0.1'], 127],
    ] as const) {
      const real = runImage({}, [...cmd]);
      expect(real.argv).toBeNull();
      expect(real.status).toBe(status);
      const m = model({}, { program: cmd.map((value) => ({ value, span: null, origin: 'file' as const, exact: true })) });
      expect(m.runs === 'memcached' && m.failure).toBeTruthy();
      const predicted = m.runs === 'memcached' ? m.failure!.exitCode : undefined;
      if (predicted !== null) expect(predicted).toBe(status);
    }
  });

  it('setup.sh stops the container for the values it refuses', () => {
    for (const env of <Record<string, string>[]>[{ MEMCACHED_PORT_NUMBER: '80' }, { MEMCACHED_PORT_NUMBER: 'http' }, { MEMCACHED_CACHE_SIZE: '64m ' }, { MEMCACHED_THREADS: '-2' }, { MEMCACHED_MAX_CONNECTIONS: ' ' }]) {
      const real = runImage(env, null);
      const m = model(env);
      const f = m.runs === 'memcached' ? m.failure : null;
      if (f === null) {
        // The model may leave a value to bash arithmetic; then it must say so.
        expect(m.runs === 'memcached' && m.notes.some((n) => n.kind === 'validation-unknown')).toBe(true);
        continue;
      }
      expect(real.status).toBe(1);
      expect(real.argv).toBeNull();
      expect(f.exitCode).toBe(1);
    }
  });

  it('agrees with bash on generated environments (argv, SASL, start-up failure)', () => {
    const piece = fc.constantFrom('', '0', '1', '64', '128', '1024', '11211', '65536', '80', '070', '08', '1e3', '-5', '-0', 'x', ' ', '\t', '\n', '\r', '*', '?', '[a]', '\\', '"', "'", '$HOME', '-U', '-v', '-vv', '-l', '127.0.0.1', 'é', '#', ';', '~');
    const generic = fc.array(piece, { maxLength: 6 }).map((a) => a.join(''));
    const number = fc.oneof(fc.integer({ min: -2000, max: 70000 }).map(String), fc.constantFrom('0', '-0', '1023', '1024', '65535', '65536', '007', '0x10', '12abc'));
    const word = fc.constantFrom('-U', '0', '-vv', '-A', '-l', '0.0.0.0', '*', '-o', 'modern,maxconns_fast', "'-X'", 'a\\b', '"x y"', '\r');
    const sep = fc.constantFrom(' ', '  ', '\t', '\n', ' \n ', '\n\n');
    const flags = fc.array(fc.tuple(word, sep), { maxLength: 6 }).map((ws) => ws.map(([w, s]) => w + s).join(''));
    const valueFor = (name: string) =>
      name === 'MEMCACHED_EXTRA_FLAGS' ? fc.oneof(flags, generic) : name === 'MEMCACHED_LISTEN_ADDRESS' || name === 'MEMCACHED_PASSWORD' ? generic : fc.oneof({ weight: 3, arbitrary: number }, { weight: 1, arbitrary: generic });
    const env = fc
      .uniqueArray(fc.constantFrom(...BITNAMI_VARIABLES), { maxLength: 5 })
      .chain((names) => fc.tuple(...names.map((n) => valueFor(n))).map((vs) => Object.fromEntries(names.map((n, k) => [n, vs[k]])) as Record<string, string>));
    let started = 0;
    fc.assert(
      fc.property(env, (e) => {
        const real = runImage(e, null);
        const m = model(e);
        if (m.runs !== 'memcached') throw new Error('run.sh must run memcached');
        expect(m.argvUnknown).toBeNull();
        const undecided = m.notes.some((n) => n.kind === 'validation-unknown');
        if (m.failure) {
          expect(real.status).toBe(m.failure.exitCode);
          expect(real.argv).toBeNull();
          return;
        }
        if (real.argv === null) {
          // Only a value left to bash arithmetic may stop the container without the model saying so.
          expect(undecided).toBe(true);
          return;
        }
        started++;
        expect(m.argv.map((a) => a.value)).toEqual(real.argv);
        expect(m.sasl.on).toBe(real.argv.includes('-S'));
      }),
      { numRuns: 300 },
    );
    // Most generated environments must reach memcached, or the comparison of vectors proves little.
    expect(started).toBeGreaterThan(100);
  });
});
