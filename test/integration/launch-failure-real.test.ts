/**
 * A service that fails before memcached runs (MC914), against the real programs that fail:
 * - Debian's own wrapper (a copy with memcached pointed at an argument recorder) handing a line with shell
 *   characters to the real /bin/sh (dash), which rejects it: a pasted OSC 8 terminal hyperlink and a bare
 *   `;;`, an unbalanced `(` or `)`, an unterminated quote, a bad substitution. memcached never runs; the
 *   wrapper's exit status and dash's own message are what `mchard lint` and `inspect` report, and no
 *   listener, user or option finding (computed from a command line memcached never reads) is;
 * - systemd's own loader (`systemd-analyze verify`) refusing a unit: the same, with systemd's reason;
 * - a template where only some renderings fail stays unknown (MC910), never MC914 or option findings.
 * Each case has a control that differs only in the failing text, which the real program runs, so the test
 * cannot pass without the programs failing where mchard says.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ensureBuilt } from '../cli/helpers.js';
import { recordingWrapper, WRAPPER } from '../helpers/recording-wrapper.js';

const wrapperUsable = existsSync(WRAPPER) && existsSync('/usr/bin/perl') && existsSync('/bin/dash') && process.getuid?.() === 0;
if (!wrapperUsable) console.warn(`launch-failure-real: the wrapper cases need ${WRAPPER} (apt-get install memcached), perl, dash and root`);
const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const systemdUsable = analyze.status === 0;
if (!systemdUsable) console.warn('launch-failure-real: the unit cases need systemd-analyze (apt-get install systemd)');

const ESC = '\x1b';
/** A terminal hyperlink (OSC 8) as it lands in a file when copied from a terminal that shows links. */
const osc8 = (url: string, text: string) => `${ESC}]8;;${url}${ESC}\\${text}${ESC}]8;;${ESC}\\`;

/** The rules that judge memcached's command line (MC1xx to MC8xx): none may report on such a file. */
const OPTION_RULE = /^MC[1-8]\d\d$/;

let dir = '';
let wrapper = '';
let recorded = '';

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), `mchard-launch-${process.pid}-`));
  chmodSync(dir, 0o755);
  if (!wrapperUsable) return;
  // The real wrapper, with memcached replaced by a recorder: whether memcached would have run, and with what.
  ({ wrapper, recorded } = recordingWrapper(dir));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the wrapper on `file` from /, as systemd does: its exit status, its standard error, and whether memcached ran. */
function wrapperRun(file: string): { status: number | null; stderr: string; ran: boolean } {
  rmSync(recorded, { force: true });
  const r = spawnSync(wrapper, [file], { cwd: '/', env: { PATH: '/usr/bin:/bin', LANG: 'C' }, encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, stderr: r.stderr, ran: existsSync(recorded) };
}

interface Finding {
  ruleId: string;
  message: string;
  line: number;
}

function mchard(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout };
}

function lint(file: string, dialect: string): { code: number | null; findings: Finding[] } {
  const r = mchard(['lint', '--format', 'json', '--dialect', dialect, file]);
  return { code: r.code, findings: (JSON.parse(r.out) as { files: { findings: Finding[] }[] }).files[0].findings };
}

function inspect(file: string, dialect: string) {
  return JSON.parse(mchard(['inspect', '--format', 'json', '--dialect', dialect, file]).out) as {
    startup: { ok: boolean | null; exitCode?: number; reason: string; stage?: string; depends?: string };
    listeners: unknown[];
    runsAs: string | null;
    settings: Record<string, unknown>;
    unknown: Record<string, { depends: string }>;
  };
}

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

const BASE = '-u memcache\n-m 64\n-U 0\n';

(wrapperUsable ? describe : describe.skip)("Debian's wrapper and dash reject the line: MC914, no option findings", () => {
  // [name, the failing line, the same line as it was meant]
  const cases: [string, string, string][] = [
    ['a pasted OSC 8 hyperlink', `-l ${osc8('http://127.0.0.1/', '127.0.0.1')}`, '-l 127.0.0.1'],
    ['a bare ";;"', '-l 127.0.0.1 ;;', '-l 127.0.0.1'],
    ['an unbalanced ")"', '-l 127.0.0.1\n-c 1024)', '-l 127.0.0.1\n-c 1024'],
    ['an unbalanced "("', '-l (127.0.0.1', '-l 127.0.0.1'],
    ['an unterminated quote', '-l 127.0.0.1\n-o "ssl_ciphers=HIGH', '-l 127.0.0.1\n-o ssl_ciphers=HIGH'],
    ['a bad substitution', '-l ${addr listen}', '-l 127.0.0.1'],
  ];

  it.each(cases)('%s', (_name, bad, good) => {
    const file = write('memcached.conf', `${BASE}${bad}\n`);
    const real = wrapperRun(file);
    // The real programs: memcached never ran, and dash said why.
    expect({ ran: real.ran, status: real.status }).toEqual({ ran: false, status: 2 });
    const said = /sh: \d+: (.*)/.exec(real.stderr)?.[1];
    expect(said).toBeDefined();

    const { code, findings } = lint(file, 'debian');
    expect(code).toBe(1);
    const mc914 = findings.filter((f) => f.ruleId === 'MC914');
    expect(mc914).toHaveLength(1);
    expect(mc914[0].message).toContain('the service fails before memcached runs (exit status 2)');
    expect(mc914[0].message).toContain(said!);
    expect(findings.filter((f) => OPTION_RULE.test(f.ruleId))).toEqual([]);
    // What else is reported is about the file itself: the line that makes the wrapper use /bin/sh.
    expect(findings.map((f) => f.ruleId).filter((id) => id !== 'MC914' && id !== 'MC902')).toEqual([]);

    const seen = inspect(file, 'debian');
    expect(seen.startup).toMatchObject({ ok: false, exitCode: real.status, stage: 'launch' });
    expect(seen.startup.reason).toContain(said!);
    expect({ listeners: seen.listeners, runsAs: seen.runsAs, settings: seen.settings }).toEqual({ listeners: [], runsAs: null, settings: {} });

    // The control: the line as it was meant runs memcached, and its options are judged again.
    const fixed = write('memcached.conf', `${BASE}${good}\n`);
    expect(wrapperRun(fixed).ran).toBe(true);
    const again = lint(fixed, 'debian');
    expect(again.findings.map((f) => f.ruleId)).not.toContain('MC914');
    expect(again.findings.some((f) => OPTION_RULE.test(f.ruleId))).toBe(true);
    expect(inspect(fixed, 'debian').startup.ok).toBe(true);
  });

  it('without the failure, the option findings are there (the test is not vacuous)', () => {
    const file = write('memcached.conf', '-u root\n-l 0.0.0.0\n-U 11211\n');
    expect(wrapperRun(file).ran).toBe(true);
    const ids = lint(file, 'debian').findings.map((f) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['MC101', 'MC110', 'MC201']));
    // The same options with a line dash rejects: memcached never runs, so none of them holds.
    const broken = write('memcached.conf', '-u root\n-l 0.0.0.0\n-U 11211\n-m 64)\n');
    expect(wrapperRun(broken).ran).toBe(false);
    expect(lint(broken, 'debian').findings.map((f) => f.ruleId).sort()).toEqual(['MC902', 'MC914']);
  });

  it('fix proposes nothing for such a file, says why, and writes nothing', () => {
    const text = '-u root\n-l 0.0.0.0\n-U 11211\n-l 127.0.0.1 ;;\n';
    const file = write('memcached.conf', text);
    const r = spawnSync(process.execPath, [BIN, 'fix', '--yes', '--no-color', '--no-restart', '--no-host-checks', '--dialect', 'debian', file], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`not fixed  ${file}: the service fails before memcached runs (exit status 2)`);
    expect(r.stdout).toContain('(line 4)');
    expect(r.stdout).not.toContain('nothing to fix');
    expect(readFileSync(file, 'utf8')).toBe(text);
    const json = spawnSync(process.execPath, [BIN, 'fix', '--dry-run', '--format', 'json', '--dialect', 'debian', file], { encoding: 'utf8' });
    expect(json.status).toBe(1);
    const f = (JSON.parse(json.stdout) as { files: { changed: boolean; notFixed: { ruleId: string; kind: string }[] }[] }).files[0];
    expect(f).toMatchObject({ changed: false, notFixed: [{ ruleId: 'MC914', kind: 'refused' }] });
  });
});

(wrapperUsable ? describe : describe.skip)('a template where only some renderings fail: unknown (MC910), never MC914', () => {
  it('a ")" inside {% if %}: the rendering without the block starts memcached', () => {
    const template = `${BASE}-l 127.0.0.1\n{% if memcached_extra %}\n-c 1024)\n{% endif %}\n`;
    const file = write('memcached.conf.j2', template);
    const { findings } = lint(file, 'debian');
    const ids = findings.map((f) => f.ruleId);
    expect(ids).not.toContain('MC914');
    expect(findings.filter((f) => OPTION_RULE.test(f.ruleId))).toEqual([]);
    const mc910 = findings.filter((f) => f.ruleId === 'MC910');
    expect(mc910).toHaveLength(1);
    expect(mc910[0].message).toContain('the template decides whether the service fails before memcached runs');
    const seen = inspect(file, 'debian');
    expect(seen.startup).toMatchObject({ ok: null, depends: 'template', stage: 'launch' });
    expect(seen.unknown.listeners?.depends).toBe('template');
    // Both renderings, through the real wrapper: one fails, one runs memcached.
    const rendered = (extra: boolean) => template.replace(/\{% if memcached_extra %\}\n([\s\S]*?)\{% endif %\}\n/, extra ? '$1' : '');
    expect(wrapperRun(write('rendered-a.conf', rendered(true))).ran).toBe(false);
    expect(wrapperRun(write('rendered-b.conf', rendered(false))).ran).toBe(true);
  });

  it('a ";;" on a literal line fails whatever the tags after it render: MC914', () => {
    const file = write('literal.conf.j2', `${BASE}-l 127.0.0.1 ;;\n-c {{ memcached_connections }}\n`);
    const ids = lint(file, 'debian').findings.map((f) => f.ruleId).sort();
    expect(ids).toEqual(['MC902', 'MC914']);
    for (const n of ['1024', '$(id)', '"x']) expect(wrapperRun(write('rendered.conf', `${BASE}-l 127.0.0.1 ;;\n-c ${n}\n`)).ran).toBe(false);
  });
});

(systemdUsable ? describe : describe.skip)('systemd refuses the unit: MC914, no option findings', () => {
  const unit = (service: string) => `[Unit]\nDescription=memcached\n\n${service}\n[Install]\nWantedBy=multi-user.target\n`;
  const cases: [string, string, string, RegExp][] = [
    [
      'two ExecStart= for Type=simple',
      '[Service]\nExecStart=/usr/bin/memcached -u root -l 0.0.0.0 -U 11211\nExecStart=/usr/bin/memcached -u root -l 0.0.0.0\n',
      '[Service]\nExecStart=/usr/bin/memcached -u root -l 0.0.0.0 -U 11211\n',
      /only allowed for Type=oneshot/,
    ],
    [
      'an invalid section header',
      '[Service\nExecStart=/usr/bin/memcached -u root -l 0.0.0.0 -U 11211\n',
      '[Service]\nExecStart=/usr/bin/memcached -u root -l 0.0.0.0 -U 11211\n',
      /[Ii]nvalid section header/,
    ],
  ];

  it.each(cases)('%s', (_name, bad, good, why) => {
    const file = write(`mchard-${process.pid}.service`, unit(bad));
    const real = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 60_000 });
    expect(real.status).not.toBe(0);
    expect(real.stderr).toMatch(why);
    const { code, findings } = lint(file, 'systemd');
    expect(code).toBe(1);
    expect(findings.map((f) => f.ruleId)).toEqual(['MC914']);
    expect(findings[0].message).toMatch(why);
    expect(findings[0].message).not.toMatch(/exit status/);
    const seen = inspect(file, 'systemd');
    expect(seen.startup).toMatchObject({ ok: false, stage: 'launch' });
    expect(seen.listeners).toEqual([]);

    const fixed = write(`mchard-${process.pid}.service`, unit(good));
    expect(spawnSync('systemd-analyze', ['verify', fixed], { encoding: 'utf8', timeout: 60_000 }).status).toBe(0);
    const ids = lint(fixed, 'systemd').findings.map((f) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['MC101', 'MC110', 'MC201']));
    expect(ids).not.toContain('MC914');
  });
});
