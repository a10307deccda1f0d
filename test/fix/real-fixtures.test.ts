/**
 * `mchard fix` on every real file of a dialect mchard fixes (test/fixtures/real by its MANIFEST.tsv's
 * category, installed_as and reader; the shared corpus), each placed at the path it is installed at (or, when
 * that path is not one file's, its repository path beside the other files of its repository), owned by another
 * user with mode 0640 and a named user's ACL entry, as an operator runs it: `fix --dry-run`, then `fix --yes
 * --unsafe-fixes --no-restart` (every editor gets its turn), then `fix --yes` again. What fix says must be what
 * is on disk:
 * - a dry run, a refused file, a template, a format only guessed: nothing written (bytes, mtime, no file made
 *   beside it), a message saying why, the README's exit status;
 * - a written file: "wrote FILE; backup in B" with B the original byte for byte, `fixed` as many as the
 *   "fixed" lines, the diff the dry run showed being the one patch(1) turns the original into the written file
 *   with, no fixable finding left but those fix says it did not fix, the exit status the README gives, every
 *   line the diff does not show byte for byte where it was, every comment line kept, owner, group, mode and
 *   ACL unchanged;
 * - the original and the written file read by the real reader where one runs here, which must read the
 *   argument vector mchard says it reads: Debian's own systemd-memcached-wrapper, systemd's environment file
 *   parser (the environment-d generator, systemd 252) for sysconfig, `systemd-analyze verify` and `systemd
 *   --test` for units and drop-ins, supervisord's own ServerOptions (or, without its code, configparser as it
 *   sets it up), PyYAML for Compose and Kubernetes (every value outside the edited lists unchanged), Docker's
 *   exec-form rule for a Dockerfile's CMD and ENTRYPOINT, dash for OpenRC conf.d and rc.conf;
 * - a second `fix --yes` writes nothing, and says "nothing to fix" only when no "not fixed" line follows.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { diffArrays } from 'diff';
import { run, TempDir } from '../cli/helpers.js';
import { REAL_FIXTURES } from '../helpers/real-fixtures.js';
import { ROOT, SHARED } from '../helpers/paths.js';
import { recordingWrapper, WRAPPER } from '../helpers/recording-wrapper.js';
import { splitWordsRelaxUnquote } from '../../src/dialects/envfile.js';
import { unquoteDump } from '../helpers/systemd-dump.js';

const isRoot = process.getuid?.() === 0;
/** The system's Python (Debian's python3-yaml beside it) rather than a version manager's shim, which costs 0.1 s a start. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const has = (cmd: string, args: string[] = ['--version']) => spawnSync(cmd, args).status === 0;
const HAVE = {
  wrapper: isRoot && existsSync(WRAPPER) && has('perl', ['-v']),
  analyze: has('systemd-analyze'),
  envGenerator: existsSync('/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator'),
  python: has(PYTHON),
  pyyaml: spawnSync(PYTHON, ['-c', 'import yaml']).status === 0,
  dash: existsSync('/usr/bin/dash') || existsSync('/bin/dash'),
  acl: has('setfacl', ['--version']) && has('getfacl', ['--version']),
  patch: has('patch'),
  systemdTest: isRoot && existsSync('/lib/systemd/systemd') && existsSync('/usr/bin/setpriv'),
};
const missing = Object.entries(HAVE).filter(([, v]) => !v).map(([k]) => k);
if (missing.length) console.warn(`real-fixtures: these readers do not run here, their checks are skipped: ${missing.join(', ')}`);

// ---- Which files, placed where ----

type Case = { name: string; source: string; at: string };

const FIXED_CATEGORIES = new Set(['debian', 'sysconfig', 'systemd', 'supervisord', 'compose', 'dockerfile', 'kubernetes', 'helm', 'openrc', 'rcconf']);
const FIXED_READERS = new Set([
  'debian-wrapper', 'systemd-environmentfile', 'systemd-unit', 'supervisord', 'compose', 'compose-or-swarm', 'swarm',
  'docker-build', 'kubernetes', 'helm', 'openrc-init', 'openbsd-rc', 'freebsd-rc', 'shell-source',
]);

const rows = (file: string) =>
  readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));

/** The installed path when it is one plain absolute path (no template, no "or"), else null. */
function installedPath(installedAs: string): string | null {
  const m = /^(~|\/)[^\s(]*/.exec(installedAs);
  if (!m || /[{}<>$*]/.test(m[0])) return null;
  // A path with its own remark in parentheses is still that path; "a or b" is not one path.
  if (/^\S+ or /.test(installedAs)) return null;
  return m[0].replace(/^~\//, 'home/user/').replace(/^\//, '');
}

const cases: Case[] = [];
{
  const [head, ...body] = rows(join(REAL_FIXTURES, 'MANIFEST.tsv'));
  const col = (name: string) => head.indexOf(name);
  for (const r of body) {
    const [file, repo, path, category, installedAs, reader] = [r[col('file')], r[col('repo')], r[col('path')], r[col('category')], r[col('installed_as')], r[col('reader')]];
    if (!FIXED_CATEGORIES.has(category) && !FIXED_READERS.has(reader)) continue;
    const n = file.split('/')[1].split('-')[0];
    const installed = installedPath(installedAs);
    // An installed file alone in its own root; a repository's files together, as in a checkout.
    const at = installed ? join(`real-${n}`, installed) : join(`repo-${repo.replace(/\//g, '+')}`, path);
    cases.push({ name: `real ${file}`, source: join(REAL_FIXTURES, file), at });
    // A packaged unit is not fixed where the package put it; what fix tells the user to do is copy it to
    // /etc/systemd/system and fix that copy: done too.
    const packaged = installed && /^(usr\/)?lib\/systemd\/system\/[^/]+$/.exec(installed);
    if (packaged) cases.push({ name: `real ${file} (copied to /etc)`, source: join(REAL_FIXTURES, file), at: join(`etc-${n}`, 'etc/systemd/system', basename(installed)) });
  }
  const corpus = join(SHARED, 'corpus');
  if (existsSync(corpus)) {
    const [h, ...b] = rows(join(corpus, 'MANIFEST.tsv'));
    for (const r of b) {
      const [file, path] = [r[h.indexOf('file')], r[h.indexOf('path')]];
      const n = basename(file).split('-')[0];
      const name = basename(file);
      const at = file.startsWith('debian/') ? 'etc/memcached.conf'
        : file.startsWith('sysconfig/') ? 'etc/sysconfig/memcached'
        : name.endsWith('.confd') ? 'etc/conf.d/memcached'
        : name.includes('upstart-jobs') ? 'etc/init/memcached.conf'
        : path;
      cases.push({ name: `corpus ${file}`, source: join(corpus, file), at: join(`corpus-${n}`, at) });
    }
  }
}

// Two fixtures of one repository path (versions of one file): each in a checkout of its own.
{
  const count = new Map<string, number>();
  for (const c of cases) count.set(c.at, (count.get(c.at) ?? 0) + 1);
  for (const c of cases) if (count.get(c.at)! > 1) c.at = join(`alone-${basename(c.source).split('-')[0]}-${c.name.split(' ')[0]}`, c.at);
}

// ---- The disk ----

const OWNER = 4321;
let tmp: TempDir;
let recorder: { wrapper: string; recorded: string } | null = null;
/** Each placed file's ACL as getfacl prints it, read once for all. */
const aclBefore = new Map<string, string>();

beforeAll(async () => {
  tmp = new TempDir('mchard-fix-real-fixtures-');
  for (const c of cases) {
    const p = tmp.join(c.at);
    mkdirSync(dirname(p), { recursive: true });
    copyFileSync(c.source, p);
    if (isRoot) chownSync(p, OWNER, OWNER);
    chmodSync(p, 0o640);
  }
  if (HAVE.acl) {
    const all = cases.map((c) => tmp.join(c.at));
    sh('setfacl', ['-m', 'u:daemon:r', ...all]);
    for (const block of sh('getfacl', ['--absolute-names', ...all]).out.split(/^# file: /m).slice(1)) {
      const nl = block.indexOf('\n');
      aclBefore.set(block.slice(0, nl), block.slice(nl + 1).replace(/^# (owner|group|flags): .*\n/gm, ''));
    }
  }
  if (HAVE.wrapper) recorder = recordingWrapper(mkdirTmp('wrapper'));
  // The Python readers' view of the originals, in one run each (a Python start is most of a reading's time).
  const placed = cases.map((c) => tmp.join(c.at));
  const yamls = placed.filter((p) => /\.(ya?ml)$/.test(p));
  if (HAVE.pyyaml) pyyamlAll(yamls).forEach((r, k) => yamlBefore.set(yamls[k], r));
  const sups = placed.filter((p) => /supervisor/.test(p));
  if (HAVE.python) supervisorAll(sups).forEach((r, k) => supervisorBefore.set(sups[k], r));
  // Each rule's and dialect's code loaded once, before the files' timings.
  await run(['lint', '--format', 'json', tmp.join(cases[0].at)]);
}, 120_000);
afterAll(() => tmp.cleanup());

function mkdirTmp(name: string): string {
  const d = tmp.join('.tools', name);
  mkdirSync(d, { recursive: true });
  return d;
}

function sh(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): { status: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000, ...opts });
  return { status: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

const acl = (p: string) => (HAVE.acl ? sh('getfacl', ['--omit-header', '--absolute-names', '--', p]).out : '');
/** What a file untouched keeps: an ACL or mode change moves ctime, a write mtime, a replacement the inode. */
const stamp = (p: string) => {
  const s = statSync(p);
  return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, ino: s.ino, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
};
const folder = (p: string) => readdirSync(dirname(p)).sort();

/** Lines with their line ends (the last may have none). */
const linesOf = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

// ---- What the real readers read ----

type Finding = { ruleId: string; line: number; endLine?: number; severity: string; message: string; fixable?: boolean };
type LintFile = { path: string; dialect: string | null; dialectReason?: string; findings: Finding[]; refused?: { message: string } };
type FixFile = LintFile & { changed?: boolean; written?: boolean; backup?: string | null; fixed?: { ruleId: string }[]; notFixed?: { ruleId: string; kind: string; reason: string }[] };
type Inspect = { argv?: string[]; argvExact?: boolean; startup?: { ok: boolean; stage?: string } };

async function inspect(p: string, flags: string[]): Promise<Inspect> {
  const r = await run(['inspect', '--format', 'json', ...flags, p]);
  try {
    const j = JSON.parse(r.out);
    return (j.files ? j.files[0] : j) as Inspect;
  } catch {
    return {};
  }
}

/** Debian's wrapper: the argument vector it gives memcached, or null when memcached never ran. */
function wrapperArgv(p: string): string[] | null {
  rmSync(recorder!.recorded, { force: true });
  sh(recorder!.wrapper, [p], { cwd: '/', env: { PATH: '/usr/bin:/bin', LANG: 'C' } });
  if (!existsSync(recorder!.recorded)) return null;
  const t = readFileSync(recorder!.recorded, 'utf8');
  return t === '' ? [] : t.split('\0');
}

/** systemd's environment file parser (load_env_file, by the environment-d generator): the variables it sets. */
function systemdEnvironment(p: string): Map<string, string> | null {
  const home = mkdirTmp('envd');
  mkdirSync(join(home, 'environment.d'), { recursive: true });
  copyFileSync(p, join(home, 'environment.d', 'memcached.conf'));
  const r = sh('/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator', [], { env: { XDG_CONFIG_HOME: home } });
  rmSync(join(home, 'environment.d', 'memcached.conf'));
  if (r.status !== 0) return null;
  const m = new Map<string, string>();
  for (const line of r.out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) m.set(line.slice(0, eq), unquote(line.slice(eq + 1)));
  }
  return m;
}

/** The generator prints a value with whitespace or quotes in double quotes, with C escapes (shell_maybe_quote()). */
function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  const named: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
  return v.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, e: string) =>
    e[0] === 'x' && e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : /^[0-7]{3}$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : (named[e] ?? e));
}

/** systemd's loader: does `systemd-analyze verify` load the unit (a drop-in onto Debian's packaged unit)? */
function systemdVerify(p: string): { status: number | null; err: string } {
  const d = mkdirTmp(`units-${Math.random().toString(36).slice(2)}`);
  try {
    let unit = basename(p);
    const dropIn = /\.d$/.test(basename(dirname(p)));
    if (dropIn) {
      unit = basename(dirname(p)).replace(/\.d$/, '');
      if (existsSync('/lib/systemd/system/memcached.service')) copyFileSync('/lib/systemd/system/memcached.service', join(d, unit));
      mkdirSync(join(d, `${unit}.d`));
      copyFileSync(p, join(d, `${unit}.d`, 'override.conf'));
    } else copyFileSync(p, join(d, unit));
    const name = unit.replace(/@\./, '@test.');
    const r = sh('systemd-analyze', ['verify', name], { env: { ...process.env, SYSTEMD_UNIT_PATH: `${d}:`, SYSTEMD_LOG_COLOR: '0' } });
    return { status: r.status, err: r.err.replace(new RegExp(d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), '<dir>') };
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

/**
 * systemd's own parser (`systemd --test --system`, run as nobody as it requires): the unit's ExecStart= command
 * lines as it loaded them (the drop-in onto Debian's packaged unit), or null when the dump has none.
 */
function systemdExecStart(p: string): string[][] | null {
  const d = mkdirTmp(`dump-${Math.random().toString(36).slice(2)}`);
  chmodSync(tmp.path, 0o755);
  chmodSync(tmp.join('.tools'), 0o755);
  chmodSync(d, 0o755);
  try {
    let unit = basename(p);
    if (/\.d$/.test(basename(dirname(p)))) {
      unit = basename(dirname(p)).replace(/\.d$/, '');
      copyFileSync('/lib/systemd/system/memcached.service', join(d, unit));
      mkdirSync(join(d, `${unit}.d`), { mode: 0o755 });
      copyFileSync(p, join(d, `${unit}.d`, 'override.conf'));
      chmodSync(join(d, `${unit}.d`, 'override.conf'), 0o644);
    } else copyFileSync(p, join(d, unit));
    chmodSync(join(d, unit), 0o644);
    const name = unit.replace(/@\./, '@test.');
    const r = sh('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '/lib/systemd/systemd', '--test', '--system', `--unit=${name}`, '--log-level=emerg'], {
      env: { HOME: '/nonexistent', PATH: '/usr/bin:/bin', SYSTEMD_UNIT_PATH: `${d}:`, SYSTEMD_LOG_LEVEL: 'emerg' },
    });
    const commands: string[][] = [];
    let inUnit = false;
    let inExec = false;
    for (const line of r.out.split('\n')) {
      const u = /^\t-> Unit (.+):$/.exec(line);
      if (u) inUnit = u[1] === name;
      if (!inUnit) continue;
      if (/^\t\t-> /.test(line)) inExec = /^\t\t-> ExecStart:$/.test(line);
      const cmd = /^\t\t\tCommand Line: (.*)$/.exec(line);
      if (cmd && inExec) commands.push(unquoteDump(cmd[1]));
    }
    return commands.length ? commands : null;
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

/** Without supervisor's code: its reading of a [program:x] command (RawConfigParser as supervisor sets it up, % expansion, shlex). */
const SUPERVISOR = String.raw`
import configparser, json, shlex, sys, os
text = sys.stdin.read()
try:
    p = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
    p.read_string(text)
    out = {}
    for sec in p.sections():
        if not sec.startswith('program:') or not p.has_option(sec, 'command'):
            continue
        name = sec.split(':', 1)[1]
        exp = {'program_name': name, 'group_name': name, 'here': os.path.dirname(sys.argv[1]), 'process_num': 0, 'numprocs': 1, 'host_node_name': 'host'}
        if p.has_option(sec, 'environment'):
            for pair in p.get(sec, 'environment').split(','):
                k, _, v = pair.partition('=')
                exp['ENV_' + k.strip()] = v.strip().strip('"')
        for k, v in os.environ.items():
            exp['ENV_' + k] = v
        try:
            out[name] = shlex.split(p.get(sec, 'command') % exp)
        except Exception as e:
            out[name] = type(e).__name__
    print(json.dumps({'ok': True, 'programs': out}))
except Exception as e:
    print(json.dumps({'ok': False, 'error': type(e).__name__ + ': ' + str(e)}))
`;
/**
 * supervisord itself where its code is here (Debian's package unpacked by scripts/test-all.sh, never installed):
 * ServerOptions.realize() on a main file that includes the file, as /etc/supervisor/supervisord.conf's
 * [include] does, then each program's command split as Subprocess.get_execv_args() splits it.
 */
const SUPERVISOR_CODE = join(ROOT, 'node_modules', '.cache', 'debian-supervisor', 'usr', 'lib', 'python3', 'dist-packages');
const REAL_SUPERVISORD = String.raw`
import sys, shlex, json
from supervisor.options import ServerOptions
def read(main):
    try:
        o = ServerOptions()
        o.realize(args=['-c', main])
        out = {}
        for g in o.process_group_configs:
            for p in g.process_configs:
                out[p.name] = shlex.split(p.command)
        return {'ok': True, 'programs': out}
    except BaseException as e:
        return {'ok': False, 'error': type(e).__name__}
print(json.dumps([read(m) for m in json.load(sys.stdin)]))
`;
const realSupervisord = existsSync(join(SUPERVISOR_CODE, 'supervisor', 'options.py'));
type SupervisorReading = { ok: boolean; programs?: Record<string, string[] | string>; error?: string };
const supervisorBefore = new Map<string, SupervisorReading>();
function supervisorAll(ps: string[]): SupervisorReading[] {
  if (realSupervisord) {
    const mains = ps.map((p, k) => {
      const main = join(mkdirTmp('supervisord'), `supervisord-${k}.conf`);
      writeFileSync(main, `[supervisord]\n[include]\nfiles = ${p}\n`);
      return main;
    });
    return JSON.parse(sh(PYTHON, ['-c', REAL_SUPERVISORD], { input: JSON.stringify(mains), env: { PATH: process.env.PATH, PYTHONPATH: SUPERVISOR_CODE } }).out);
  }
  return ps.map((p) => JSON.parse(sh(PYTHON, ['-c', SUPERVISOR, p], { input: readFileSync(p, 'utf8'), env: { PATH: process.env.PATH } }).out));
}
const supervisorPrograms = (p: string): SupervisorReading => supervisorBefore.get(p) ?? supervisorAll([p])[0];

/**
 * PyYAML's reading: each document's top-level keys and every value outside what a fix edits (a container's
 * command, args, entrypoint and env lists, Compose's environment, Helm's extraEnvVars and extraEnv), path by path; or the error.
 */
const YAML = String.raw`
import json, sys, yaml
EDITED = {'command', 'args', 'entrypoint', 'env', 'environment', 'extraEnvVars', 'extraEnv'}
def flat(v, path, out):
    if isinstance(v, dict):
        for k, x in v.items():
            # An edited list, or one a fix adds, is left out: the lint after the fix judges it.
            if str(k) not in EDITED:
                flat(x, path + '/' + str(k), out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            flat(x, path + '/' + str(i), out)
    else:
        out[path] = repr(v)
import shlex
def commands(v, found):
    # Every object with a memcached image: its command words (Compose's string split as Compose splits it), then args.
    if isinstance(v, dict):
        img = v.get('image')
        if isinstance(img, str) and 'memcached' in img and ('command' in v or 'args' in v):
            words = []
            for key in ('command', 'args'):
                c = v.get(key)
                if isinstance(c, str):
                    words += shlex.split(c)
                elif isinstance(c, list):
                    words += [str(w) for w in c]
            found.append(words)
        for x in v.values():
            commands(x, found)
    elif isinstance(v, list):
        for x in v:
            commands(x, found)
def read(path):
    try:
        with open(path, encoding='utf-8') as f:
            docs = list(yaml.safe_load_all(f.read()))
        out = {}
        found = []
        for i, d in enumerate(docs):
            flat(d, str(i), out)
            commands(d, found)
        return {'ok': True, 'docs': [sorted(map(str, d.keys())) if isinstance(d, dict) else type(d).__name__ for d in docs], 'values': out, 'commands': found}
    except Exception as e:
        return {'ok': False, 'error': type(e).__name__}
print(json.dumps([read(p) for p in json.load(sys.stdin)]))
`;
type YamlReading = { ok: boolean; docs?: unknown[]; values?: Record<string, string>; commands?: string[][]; error?: string };
/** The originals' readings, all in one Python run (beforeAll); a written file is read on its own. */
const yamlBefore = new Map<string, YamlReading>();
const pyyamlAll = (ps: string[]): YamlReading[] => JSON.parse(sh(PYTHON, ['-c', YAML], { input: JSON.stringify(ps) }).out);
const pyyaml = (p: string): YamlReading => yamlBefore.get(p) ?? pyyamlAll([p])[0];

/** dash sourcing the file (as OpenRC's /sbin/openrc-run and rc.subr do): its status and the variables it leaves. */
function dashSource(p: string): { status: number | null; vars: Map<string, string> } {
  const r = sh('dash', ['-c', '. "$1" >/dev/null 2>&1 || exit 99; set', 'dash', p], { env: { PATH: '/usr/bin:/bin' }, cwd: '/' });
  const vars = new Map<string, string>();
  for (const line of r.out.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m && !['PWD', 'OLDPWD', 'PPID', 'IFS', 'OPTIND', 'PS1', 'PS2', 'PS4', 'PATH', '_'].includes(m[1])) vars.set(m[1], m[2]);
  }
  return { status: r.status, vars };
}

/**
 * Docker's reading of a Dockerfile's CMD and ENTRYPOINT: the exec form when the brackets hold a JSON array of
 * strings, else the shell form (Docker falls back to it silently, so a fix that broke the JSON would change
 * what runs without any error): each instruction as its words, or "shell: TEXT".
 */
function dockerForms(p: string): string[] {
  const joined = readFileSync(p, 'utf8').replace(/\\\r?\n/g, ' ');
  const out: string[] = [];
  for (const line of joined.split(/\r?\n/)) {
    const m = /^\s*(CMD|ENTRYPOINT)\s+(.*)$/i.exec(line);
    if (!m) continue;
    let form = `shell: ${m[2].trim()}`;
    try {
      const v = JSON.parse(m[2]);
      if (Array.isArray(v) && v.every((w) => typeof w === 'string')) form = JSON.stringify(v);
    } catch {
      // shell form
    }
    out.push(`${m[1].toUpperCase()} ${form}`);
  }
  return out;
}

type Reading = { reader: string; value: unknown };

/**
 * What the real reader of `dialect` makes of the file at `p` (null: none runs here), and what mchard says it makes
 * (`mchard`), to be equal to the reader's argument vector (`against`, else the reading itself).
 */
async function realReading(dialect: string, p: string, flags: string[]): Promise<{ real: Reading; mchard?: unknown; against?: unknown } | null> {
  if (dialect === 'debian' && recorder) {
    const i = await inspect(p, flags);
    const argv = wrapperArgv(p);
    return { real: { reader: 'Debian wrapper', value: argv }, mchard: i.argvExact ? (i.startup?.stage === 'launch' ? null : i.argv) : undefined };
  }
  if (dialect === 'sysconfig' && HAVE.envGenerator) {
    const env = systemdEnvironment(p);
    const text = readFileSync(p, 'utf8');
    // The generator expands $VAR where EnvironmentFile= does not: compared only without a "$".
    if (!env || text.includes('$')) return { real: { reader: 'systemd environment file', value: env ? 'read' : 'refused' } };
    const i = await inspect(p, flags);
    const mine = ['-p', env.get('PORT') ?? '', '-u', env.get('USER') ?? '', '-m', env.get('CACHESIZE') ?? '', '-c', env.get('MAXCONN') ?? '', ...splitWordsRelaxUnquote(env.get('OPTIONS') ?? '').map((w) => w.value)];
    return { real: { reader: 'systemd environment file', value: mine }, mchard: i.argvExact && i.argv?.[0] === '-p' ? i.argv : undefined };
  }
  if (dialect === 'systemd' && HAVE.analyze) {
    const verified = { real: { reader: 'systemd-analyze verify', value: systemdVerify(p).status } };
    // The one ExecStart= systemd loaded, when it runs memcached with no $ (expanded only at start): its words.
    const exec = HAVE.systemdTest ? systemdExecStart(p) : null;
    const words = exec?.length === 1 && basename(exec[0][0]) === 'memcached' && !exec[0].some((w) => w.includes('$')) ? exec[0].slice(1) : null;
    if (!words) return verified;
    const i = await inspect(p, flags);
    return i.argvExact && i.argv ? { ...verified, mchard: i.argv, against: words } : verified;
  }
  if (dialect === 'supervisord' && HAVE.python) {
    const s = supervisorPrograms(p);
    const i = await inspect(p, flags);
    const prog = s.ok ? Object.values(s.programs ?? {}).find((v) => Array.isArray(v) && v.some((w) => /memcached/.test(w))) : undefined;
    return { real: { reader: realSupervisord ? 'supervisord (ServerOptions)' : 'supervisor (configparser)', value: s.ok ? (prog ?? 'no memcached program') : s.error }, mchard: i.argvExact && Array.isArray(prog) ? [prog[0], ...(i.argv ?? [])] : undefined };
  }
  if ((dialect === 'compose' || dialect === 'kubernetes' || dialect === 'helm') && HAVE.pyyaml) {
    const y = pyyaml(p);
    // One container of a memcached image, its words plain (no $ expansion): its argument vector, the program word aside.
    const words = y.ok && y.commands?.length === 1 && !y.commands[0].some((w) => w.includes('$')) ? y.commands[0] : null;
    const bare = (ws: string[]) => (ws.length && !ws[0].startsWith('-') && basename(ws[0]) === 'memcached' ? ws.slice(1) : ws);
    if (words && words.length && dialect !== 'helm') {
      const i = await inspect(p, flags);
      if (i.argvExact && i.argv) {
        return { real: { reader: 'PyYAML', value: y }, mchard: bare(i.argv), against: bare(words) };
      }
    }
    return { real: { reader: 'PyYAML', value: y } };
  }
  if (dialect === 'dockerfile') {
    const forms = dockerForms(p);
    // The last ENTRYPOINT and the last CMD, both in exec form and plain, that run memcached itself: its words.
    const last = (k: string) => forms.filter((f) => f.startsWith(`${k} `)).at(-1)?.slice(k.length + 1);
    const [entry, cmd] = [last('ENTRYPOINT'), last('CMD')];
    const exec = (f: string | undefined) => (f === undefined ? [] : f.startsWith('[') ? (JSON.parse(f) as string[]) : null);
    const [e, c] = [exec(entry), exec(cmd)];
    const words = e && c && !/^FROM\s+\S*memcached/im.test(readFileSync(p, 'utf8')) ? [...e, ...c] : null;
    if (words?.length && basename(words[0]) === 'memcached' && !words.some((w) => w.includes('$'))) {
      const i = await inspect(p, flags);
      if (i.argvExact && i.argv) return { real: { reader: 'Docker (exec or shell form)', value: forms }, mchard: i.argv, against: words.slice(1) };
    }
    return { real: { reader: 'Docker (exec or shell form)', value: forms } };
  }
  if ((dialect === 'openrc' || dialect === 'rcconf') && HAVE.dash) {
    const d = dashSource(p);
    return { real: { reader: 'dash', value: { status: d.status, vars: Object.fromEntries(d.vars) } } };
  }
  return null;
}

// ---- The checks ----

/**
 * A file fix did not change: "nothing to fix in FILE" exactly when no "not fixed" line follows; a fix refused
 * or held back is not "nothing to fix" (before: `nothing to fix in FILE` above `not fixed  MC111  ...: the edit
 * would move or change a template expression`).
 */
function saysNothingHonestly(at: string, p: string, err: string, j: FixFile): void {
  const notFixed = err.split('\n').filter((l) => l.startsWith(`  not fixed  ${p}: `) || /^ {2}not fixed {2}MC\d+ {2}/.test(l));
  const nothing = err.includes(`nothing to fix in ${p}`);
  const undone = (j.notFixed ?? []).filter((n) => n.kind === 'refused' || n.kind === 'unsafe');
  expect({ at, nothing, notFixed: notFixed.length }).toEqual({ at, nothing: notFixed.length === 0, notFixed: notFixed.length });
  if (undone.length) expect({ at, says: err.includes(`no change to ${p}: these fixes were not made:`) || notFixed.some((l) => l.startsWith(`  not fixed  ${p}: `)), notFixed: notFixed.length >= undone.length }).toEqual({ at, says: true, notFixed: true });
}

const FIX = ['--yes', '--unsafe-fixes', '--no-restart', '--no-host-checks', '--format', 'json'];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Outcome = 'written' | 'clean' | 'refused' | 'guessed' | 'not-fixed';
const outcomes = new Map<string, Outcome>();
/** Written files each real reader read, and those whose reading was compared with mchard's, argument by argument. */
const read = new Map<string, number>();
const compared = new Map<string, number>();
/** Lines around a fixed finding an edit may rewrite (a note above ExecStart=, the item list of a YAML command). */
const CONTEXT = 3;

describe('fix on every real file of a dialect mchard fixes', () => {
  it('has the files', () => {
    expect(cases.length).toBeGreaterThan(150);
  });

  it.each(cases)('$name at $at', async ({ at }) => {
    const p = tmp.join(at);
    const original = readFileSync(p);
    const before = stamp(p);
    const entries = folder(p);
    const lint = await run(['lint', '--format', 'json', p]);
    const lf = JSON.parse(lint.out).files[0] as LintFile;
    const guessed = lf.dialect !== null && lf.dialectReason === 'content';
    const flags = guessed ? ['--dialect', lf.dialect!] : [];
    const unchanged = (why: string) => {
      expect({ at, why, same: readFileSync(p).equals(original) }).toEqual({ at, why, same: true });
      expect({ at, why, stamp: stamp(p), folder: folder(p) }).toEqual({ at, why, stamp: before, folder: entries });
    };

    // A dry run writes nothing, and says so.
    const dry = await run(['fix', '--dry-run', '--unsafe-fixes', '--no-host-checks', p]);
    unchanged('dry run');
    if (lf.dialect === null) {
      expect({ at, code: dry.code }).toEqual({ at, code: 2 });
    } else if (!guessed) {
      const said = /^dry run: nothing was written$/m.test(dry.out) ? 'dry run' : dry.out.includes(`nothing to fix in ${p}`) ? 'nothing to fix' : dry.out.split('\n').filter((l) => /not fixed|not written|^no change to /.test(l)).join('\n') || 'other';
      expect({ at, said: said === 'dry run' || said === 'nothing to fix' || said.includes(p) }).toEqual({ at, said: true });
    }

    // Refused, or only guessed: fix writes nothing and says why.
    if (lf.dialect === null || guessed) {
      const r = await run(['fix', ...FIX, p]);
      unchanged('refused');
      const j = JSON.parse(r.out).files[0] as FixFile;
      expect({ at, written: j.written ?? false }).toEqual({ at, written: false });
      if (lf.dialect === null) {
        expect({ at, code: r.code, changed: j.changed ?? false }).toEqual({ at, code: 2, changed: false });
        expect({ at, says: r.err.includes(p) && r.err.trim().split('\n').length === 1 }).toEqual({ at, says: true });
        outcomes.set(at, 'refused');
        return;
      }
      // Only guessed: "not fixed", exit status 1, with the --dialect to pass; then fixed with it, as the user would.
      if (j.changed) expect({ at, code: r.code, says: r.err.includes(`not fixed  ${p}: the format was guessed from the content`) && r.err.includes(`pass --dialect ${lf.dialect} `) }).toEqual({ at, code: 1, says: true });
      else expect({ at, says: r.err.includes(p) }).toEqual({ at, says: true });
      outcomes.set(at, 'guessed');
    }

    // The real reader's view of the original, and mchard's.
    const readBefore = await realReading(lf.dialect!, p, flags);

    const dryRun = guessed ? await run(['fix', '--dry-run', '--unsafe-fixes', '--no-host-checks', ...flags, p]) : dry;
    const r = await run(['fix', ...flags, ...FIX, p]);
    yamlBefore.delete(p);
    supervisorBefore.delete(p);
    const j = JSON.parse(r.out).files[0] as FixFile;
    // The dry run showed the very diff that was then written, and its exit status said whether there was one.
    const diffOf = (t: string) => t.split('\n').filter((l) => /^[-+@ \\]/.test(l) && !/^ {2}\S/.test(l)).join('\n');
    expect({ at, diff: diffOf(r.err) }).toEqual({ at, diff: diffOf(dryRun.out) });
    // And the diff shown is the change on disk: patch(1) applies it to the original and gets the written file.
    if (j.written && HAVE.patch) {
      const d = mkdirTmp('patch');
      writeFileSync(join(d, 'original'), original);
      writeFileSync(join(d, 'shown.diff'), `${diffOf(r.err)}\n`);
      const pr = sh('patch', ['--quiet', '--force', '-o', join(d, 'patched'), join(d, 'original'), join(d, 'shown.diff')]);
      expect({ at, patched: pr.status === 0 && readFileSync(join(d, 'patched')).equals(readFileSync(p)), err: pr.status === 0 ? '' : pr.out + pr.err }).toEqual({ at, patched: true, err: '' });
      rmSync(d, { recursive: true, force: true });
    }
    if (j.changed) expect({ at, dryCode: dryRun.code }).toEqual({ at, dryCode: 1 });
    const now = readFileSync(p);
    const wrote = [...r.err.matchAll(/^wrote (.*); backup in (.*)$/gm)];
    const fixedLines = r.err.split('\n').filter((l) => /^ {2}fixed {2}MC\d+ {2}/.test(l));
    expect({ at, fixedSaid: fixedLines.length }).toEqual({ at, fixedSaid: (j.fixed ?? []).length });

    if (!j.written) {
      unchanged('not written');
      expect({ at, wrote: wrote.length, backup: j.backup ?? null }).toEqual({ at, wrote: 0, backup: null });
      if (!outcomes.has(at)) outcomes.set(at, j.changed ? 'not-fixed' : 'clean');
      if (!j.changed) saysNothingHonestly(at, p, r.err, j);
      else expect({ at, code: r.code, said: /^ {2}not fixed {2}/m.test(r.err) || /^not written: /m.test(r.err) }).toEqual({ at, code: 2, said: true });
      return;
    }
    outcomes.set(at, 'written');
    expect({ at, differs: !now.equals(original), code: r.code }).toEqual({ at, differs: true, code: expect.any(Number) });
    expect({ at, wrote: wrote.map((m) => m[1]) }).toEqual({ at, wrote: [p] });
    const backup = wrote[0][2];
    expect({ at, backup }).toEqual({ at, backup: j.backup });
    expect({ at, backupName: new RegExp(`^${escape(p)}\\.mchard-backup-\\d{8}T\\d{6}Z(-\\d+)?$`).test(backup) }).toEqual({ at, backupName: true });
    expect({ at, backupIsOriginal: readFileSync(backup).equals(original) }).toEqual({ at, backupIsOriginal: true });
    // Nothing else was left beside it; the written file keeps its owner, group, mode and ACL.
    expect({ at, folder: folder(p) }).toEqual({ at, folder: [...entries, basename(backup)].sort() });
    const after = stamp(p);
    expect({ at, mode: after.mode, uid: after.uid, gid: after.gid, acl: acl(p) }).toEqual({ at, mode: before.mode, uid: before.uid, gid: before.gid, acl: aclBefore.get(p) ?? '' });

    // Lint of the written file: no fixable finding left but those fix says it did not fix; what fix reported is what is there.
    const lintAfter = JSON.parse((await run(['lint', '--format', 'json', ...flags, p])).out).files[0] as LintFile;
    expect({ at, dialect: lintAfter.dialect }).toEqual({ at, dialect: lf.dialect });
    const heldBack = new Set((j.notFixed ?? []).map((n) => n.ruleId));
    expect({ at, left: lintAfter.findings.filter((f) => f.fixable && !heldBack.has(f.ruleId)).map((f) => `${f.ruleId}@${f.line} ${f.message}`) }).toEqual({ at, left: [] });
    // Each rule fix says it fixed has fewer findings now, by at least as many as it says it fixed (or none: a
    // fix may answer a finding another fix raised, as -u memcache once -l makes Debian's wrapper stop adding -u root).
    const tally = (fs: { ruleId: string }[]) => fs.reduce((m, f) => m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1), new Map<string, number>());
    const [was, is] = [tally(lf.findings), tally(lintAfter.findings)];
    for (const [rule, n] of tally(j.fixed ?? [])) expect({ at, rule, fell: (is.get(rule) ?? 0) <= Math.max(0, (was.get(rule) ?? 0) - n) }).toEqual({ at, rule, fell: true });
    // Exit status (README): 1 while a finding remains that mchard could fix or that reaches --fail-on (error), else 0.
    const remains = lintAfter.findings.some((f) => f.fixable || f.severity === 'error');
    expect({ at, code: r.code }).toEqual({ at, code: remains ? 1 : 0 });
    const where = (fs: Finding[]) => fs.map((f) => `${f.ruleId}@${f.line}`).sort();
    expect({ at, reported: where(j.findings) }).toEqual({ at, reported: where(lintAfter.findings) });

    // Every line the diff does not show is where it was, byte for byte; whole comment lines are never removed.
    const a = linesOf(original.toString('utf8'));
    const b = linesOf(now.toString('utf8'));
    const removed: string[] = [];
    const removedAt: number[] = [];
    let lineNo = 0;
    for (const part of diffArrays(a, b)) {
      if (part.removed) {
        removed.push(...part.value);
        part.value.forEach((_, k) => removedAt.push(lineNo + k + 1));
      }
      if (!part.added) lineNo += part.value.length;
    }
    const comment = lf.dialect === 'supervisord' ? /^[ \t]*[#;]/ : /^[ \t]*#/;
    const commentsGone = removed.filter((l) => comment.test(l) && !b.includes(l) && !(l === a.at(-1) && b.includes(`${l}\n`)));
    expect({ at, commentsGone }).toEqual({ at, commentsGone: [] });
    // Each line the diff removes is one a fixed finding stands on, or in the span of lines its edit rewrote (a
    // command continued over lines, a YAML list): never a line before the first nor after the last of them.
    const fixedRules = new Set((j.fixed ?? []).map((f) => f.ruleId));
    const stands = lf.findings.filter((f) => fixedRules.has(f.ruleId));
    const first = Math.min(...stands.map((f) => f.line));
    const last = Math.max(...stands.map((f) => f.endLine ?? f.line));
    // In Helm values and manifests the edit may be of the container's own env list (Bitnami's MEMCACHED_* variables).
    const envList = /^[ \t-]*(extraEnvVars|extraEnv|env|args|command):/;
    const outside = removedAt.filter((n) => (n < first - CONTEXT || n > last + CONTEXT) && !envList.test(a[n - 1])).map((n) => `${n}: ${a[n - 1]}`);
    expect({ at, outside }).toEqual({ at, outside: [] });

    // The real reader reads the written file, and reads what mchard says it reads.
    const readAfter = await realReading(lf.dialect, p, flags);
    if (readAfter && readBefore) {
      const sane = (x: Reading) => {
        const v = x.value as { ok?: boolean; status?: number | null } | number | null | string | string[];
        if (x.reader === 'systemd-analyze verify') return v === 0;
        if (x.reader === 'PyYAML') return (v as { ok: boolean }).ok;
        if (x.reader === 'dash') return (v as { status: number | null }).status === 0;
        if (x.reader.startsWith('supervisor')) return Array.isArray(v);
        return v !== null && v !== 'refused';
      };
      // What the reader could read before, it can still read.
      if (sane(readBefore.real)) expect({ at, reader: readAfter.real.reader, reads: sane(readAfter.real), value: readAfter.real.value }).toEqual({ at, reader: readAfter.real.reader, reads: true, value: readAfter.real.value });
      // A file mchard misread is never rewritten: what it read of the original is what the reader reads.
      if (readBefore.mchard !== undefined) expect({ at, reader: readBefore.real.reader, original: readBefore.mchard }).toEqual({ at, reader: readBefore.real.reader, original: 'against' in readBefore ? readBefore.against : readBefore.real.value });
      if (readAfter.mchard !== undefined) {
        compared.set(readAfter.real.reader, (compared.get(readAfter.real.reader) ?? 0) + 1);
        expect({ at, reader: readAfter.real.reader, mchard: readAfter.mchard }).toEqual({ at, reader: readAfter.real.reader, mchard: 'against' in readAfter ? readAfter.against : readAfter.real.value });
      }
      read.set(readAfter.real.reader, (read.get(readAfter.real.reader) ?? 0) + 1);
      if (readAfter.real.reader.startsWith('Docker')) {
        // An instruction in exec form stays in exec form: the fix edits the array, never breaks its JSON.
        const kinds = (v: unknown) => (v as string[]).map((f) => f.replace(/^(\S+) (shell:)?.*$/, '$1 $2'));
        expect({ at, forms: kinds(readAfter.real.value) }).toEqual({ at, forms: kinds(readBefore.real.value) });
      }
      if (readAfter.real.reader === 'PyYAML') {
        // The same documents, and every value but the edited lists the same.
        const [x, y] = [readBefore.real.value, readAfter.real.value] as { docs?: unknown; values?: Record<string, string> }[];
        expect({ at, docs: y.docs, values: y.values }).toEqual({ at, docs: x.docs, values: x.values });
      }
      if (readAfter.real.reader === 'dash') {
        // Only the variables on the lines the fix changed changed.
        const va = (readBefore.real.value as { vars: Record<string, string> }).vars;
        const vb = (readAfter.real.value as { vars: Record<string, string> }).vars;
        const changedText = removed.join('') + b.filter((l) => !a.includes(l)).join('');
        const changedVars = [...new Set([...Object.keys(va), ...Object.keys(vb)])].filter((k) => va[k] !== vb[k]);
        expect({ at, unexplained: changedVars.filter((k) => !changedText.includes(k)) }).toEqual({ at, unexplained: [] });
      }
    }

    // A second fix writes nothing, and says so.
    const second = stamp(p);
    const entries2 = folder(p);
    const again = await run(['fix', ...flags, ...FIX, p]);
    const j2 = JSON.parse(again.out).files[0] as FixFile;
    expect({ at, written: j2.written, changed: j2.changed, same: readFileSync(p).equals(now), stamp: stamp(p), folder: folder(p) }).toEqual({ at, written: false, changed: false, same: true, stamp: second, folder: entries2 });
    expect({ at, wrote: /^wrote /m.test(again.err) }).toEqual({ at, wrote: false });
    saysNothingHonestly(at, p, again.err, j2);
  });

  it('every editor had real work', () => {
    const count = (o: Outcome) => [...outcomes.values()].filter((x) => x === o).length;
    expect(count('written')).toBeGreaterThan(60);
    expect(count('refused')).toBeGreaterThan(5);
    const want: Record<string, number> = {};
    if (HAVE.wrapper) want['Debian wrapper'] = 40;
    if (HAVE.envGenerator) want['systemd environment file'] = 10;
    if (HAVE.pyyaml) want.PyYAML = 10;
    if (HAVE.python) want[realSupervisord ? 'supervisord (ServerOptions)' : 'supervisor (configparser)'] = 5;
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, Math.min(compared.get(k) ?? 0, want[k])]));
    console.log(JSON.stringify({ compared: Object.fromEntries(compared), read: Object.fromEntries(read), outcomes: [...outcomes.values()].reduce<Record<string, number>>((m, o) => ({ ...m, [o]: (m[o] ?? 0) + 1 }), {}) }));
    expect({ compared: got, read: Object.fromEntries(read) }).toEqual({ compared: want, read: Object.fromEntries(read) });
    for (const r of ['systemd-analyze verify', 'PyYAML', 'dash']) if (missing.length === 0) expect({ r, read: (read.get(r) ?? 0) > 2 }).toEqual({ r, read: true });
  });
});
