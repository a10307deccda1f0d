/**
 * `-h`, `-V`, `-i` (and their long forms): memcached's getopt loop prints the usage, version or licence and
 * exits 0 when it reaches one, before the checks after the loop (the root check), the privilege drop and
 * the listeners. Checked against the real /usr/bin/memcached: each vector is run (loopback only, a port
 * of the test's own) and its exit status and output compared with what mchard's model says. A memcached
 * that prints and exits serves nothing, so no rule judges its listeners, user or values as a server's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run, TempDir } from '../cli/helpers.js';

const MEMCACHED = '/usr/bin/memcached';
const haveMemcached = existsSync(MEMCACHED);
const realVersion = haveMemcached ? /memcached (\d+\.\d+\.\d+)/.exec(spawnSync(MEMCACHED, ['-V'], { encoding: 'utf8' }).stdout)?.[1] ?? null : null;
const PORT = '11297';

/** The real memcached on `args` (after a loopback listener of the test's own): its exit status and output. A run that serves is killed after 2 s. */
function realRun(args: string[]) {
  const r = spawnSync(MEMCACHED, ['-p', PORT, '-U', '0', '-l', '127.0.0.1', '-u', 'nobody', ...args], { encoding: 'utf8', timeout: 2000 });
  return { status: r.status, signal: r.signal, out: r.stdout };
}

type StartupJson = { ok: boolean | null; exitCode?: number; prints?: string; reason?: string };
async function modelOf(args: string[]): Promise<StartupJson> {
  const f = tmp.write('argv.txt', ['-p', PORT, '-U', '0', '-l', '127.0.0.1', '-u', 'nobody', ...args].join(' ') + '\n');
  const r = await run(['inspect', '--dialect', 'argv', '--memcached-version', realVersion!, '--format', 'json', f]);
  return JSON.parse(r.out).startup as StartupJson;
}

let tmp: TempDir;
beforeEach(() => {
  tmp = new TempDir('mchard-prints-');
});
afterEach(() => tmp.cleanup());

(haveMemcached ? describe : describe.skip)('memcached -h/-V/-i: what the real memcached does, and what mchard says', () => {
  it.each([
    [['-V'], 'version'],
    [['--version'], 'version'],
    [['-h'], 'usage'],
    [['--help'], 'usage'],
    [['-i'], 'licence'],
    // Reached before a value memcached refuses in its loop: it prints and exits 0 (the value is never read).
    [['-V', '-c', '0'], 'version'],
    [['-V', '-o', 'no_such_suboption'], 'version'],
    [['-h', '-Q'], 'usage'],
    // A value refused only after the loop (-m abc: checked against -I later) does not come first.
    [['-m', 'abc', '-V'], 'version'],
  ])('%j: memcached prints its %s and exits 0; the model says so', async (args, what) => {
    const real = realRun(args);
    expect(real.signal).toBeNull();
    expect(real.status).toBe(0);
    expect(real.out).toMatch(what === 'version' ? /^memcached \d/ : what === 'usage' ? /-p, --port=<num>/ : /Copyright|Redistribution/);
    const st = await modelOf(args);
    expect(st).toMatchObject({ ok: false, exitCode: 0, prints: what });
  });

  it.each([
    [['-c', '0', '-V'], 1],
    [['-t', '0', '-V'], 1],
    [['-Q', '-h'], 1],
  ])('%j: a value refused in the loop before -h/-V fails first (exit %d), as the model says', async (args, status) => {
    expect(realRun(args).status).toBe(status);
    const st = await modelOf(args);
    expect(st).toMatchObject({ ok: false, exitCode: status });
    expect(st.prints).toBeUndefined();
  });
});

describe('a memcached that prints and exits: no finding about a server it never runs', () => {
  const SERVER_RULES = ['MC101', 'MC110', 'MC111', 'MC201', 'MC202', 'MC301', 'MC401', 'MC504', 'MC505', 'MC506', 'MC601', 'MC602', 'MC801'];
  type FileJson = { findings: { ruleId: string; message: string }[] };
  const lint = async (f: string) => {
    const r = await run(['lint', '--format', 'json', f]);
    return { code: r.code, file: JSON.parse(r.out).files[0] as FileJson };
  };

  it.each([
    ['Dockerfile', 'FROM memcached:1.6.18\nEXPOSE 11211\nCMD ["memcached", "-l", "0.0.0.0", "-U", "11211", "-V"]\n'],
    ['docker-compose.yml', 'services:\n  cache:\n    image: memcached:1.6.18\n    command: memcached -h -l 0.0.0.0 -c 0 -Q\n    ports:\n      - "11211:11211"\n'],
    // Debian's wrapper runs memcached as root: without -u it would exit 64 at the root check, which -V comes before.
    ['etc/memcached.conf', '-l 0.0.0.0\n-U 11211\n-V\n'],
  ])('%s: one finding, that it prints and exits; none about listeners, UDP, port, user or later values', async (at, text) => {
    // Before: MC101, MC110, MC301, MC5xx, MC601, MC602 as if it served, MC202 "exits 64" (Debian), MC401
    // and MC801 "exits 1" for options memcached never reads after -h.
    const f = tmp.write(at, text);
    const { code, file } = await lint(f);
    expect(code).toBe(1);
    // MC920 is about the image's release (a fact of the image whatever it runs), an info here.
    const own = file.findings.filter((x) => x.ruleId !== 'MC920');
    expect(own.map((x) => x.ruleId)).toEqual(['MC806']);
    expect(own[0].message).toMatch(/^-[hV] prints its (usage|version) and exits without serving: nothing listens/);
    for (const id of SERVER_RULES) expect(file.findings.map((x) => x.ruleId)).not.toContain(id);
    const i = await run(['inspect', f]);
    expect(i.out).toMatch(/^ {2}listens {3}nothing \(memcached prints its (usage|version) and exits\)$/m);
    expect(i.out).toMatch(/^ {2}starts {4}no: -[hV] prints its (usage|version) and exits without serving \(exit status 0\)$/m);
    expect(i.out).not.toMatch(/fails to start|refuses to run/);
  });

  it('an option memcached refuses before -V still fails first, and the server rules still judge the rest', async () => {
    const f = tmp.write('etc/memcached.conf', '-l 0.0.0.0\n-u memcache\n-Q\n-V\n');
    const { file } = await lint(f);
    const ids = file.findings.map((x) => x.ruleId);
    expect(ids).toContain('MC801');
    expect(ids).toContain('MC101');
  });
});
