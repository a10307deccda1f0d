/**
 * `mchard inspect FILE...`: what memcached will actually do with a file: the argument vector, the user it
 * runs as, every listener, and whether it starts. Never writes anything.
 */
import { COMMON_OPTIONS, oneOf, parseCommandArgs, parseMaxFileSize, UsageError } from './args.js';
import { loadFile, parseDialectFlag, parseVersionFlag, OptionResolver, realPathOf, RefusedError } from './files.js';
import { companionsOf, parseContextOf } from './companions.js';
import { parseConfig } from '../dialects/index.js';
import { analyzeConfig } from '../engine/lint.js';
import { ConfigError, type ProjectConfig } from '../engine/config.js';
import { thisHost, isSystemPath } from '../host.js';
import { SERVICE_HOST } from '../memcached/startup.js';
import { launchFailureText } from '../memcached/launch.js';
import { paint, useColor } from '../report/color.js';
import { boundedMessage, safeJson, shellQuote, shorten, visible } from '../report/visible.js';
import { perFile } from './per-file.js';
import { hostFileAccess } from '../input.js';
import type { DialectChoice } from '../dialects/detect.js';
import { inspectionOf, refusedInspection, type Inspection, type RefusedInspection } from './inspection.js';
import type { Io } from './io.js';
import { isFolder, resolveTargets, TARGET_OPTIONS } from './targets.js';
import { decidedElsewhere } from '../dialects/sourced.js';

const OPTIONS = { ...COMMON_OPTIONS, 'host-checks': { type: 'boolean' }, 'no-host-checks': { type: 'boolean' }, 'follow-symlinks': { type: 'boolean' }, verbose: TARGET_OPTIONS.verbose, 'stdin-filename': TARGET_OPTIONS['stdin-filename'] } as const;

export const INSPECT_HELP = `Usage: mchard inspect [options] FILE...

Shows what memcached will do with a configuration file: the argument vector the
service hands it, the user it runs as, every listener, and whether it starts.

Options:
  --format text|json        output format (default text)
  --dialect NAME            the file's format: debian, sysconfig, systemd, openrc,
                            rcconf, compose, dockerfile, supervisord, argv,
                            kubernetes, helm (default: from its path, name, then
                            content; a file no format claims is not read, exit
                            status 2)
  --memcached-version X.Y.Z  the memcached release whose behaviour applies
  --host-checks / --no-host-checks
                            check users and addresses against this machine,
                            and read the host files a unit names
                            (EnvironmentFile=) (default: only for files under /etc)
  --follow-symlinks         read a file outside the system's folders through a
                            symbolic link out of its folder (refused by default)
  --color[=WHEN], --no-color
                            colour: auto (the default: on a terminal, unless
                            NO_COLOR is set or TERM=dumb), always, never
  --max-file-size SIZE      largest file read (default 1M; K, M, G suffixes)
  -                         read standard input (its format from its content)
  --stdin-filename PATH     the path standard input stands for, in detection and
                            the output
  -v, --verbose             say which files a FOLDER argument passed over, and why

A FILE may be a folder: the configuration files under it, found by their paths
as "mchard lint FOLDER" finds them.
`;

export async function runInspect(argv: string[], io: Io): Promise<number> {
  const { values, positionals: given } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out(INSPECT_HELP);
    return 0;
  }
  if (given.length === 0 && values['stdin-filename'] === undefined) throw new UsageError('inspect needs a FILE (or - for standard input)');
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  const dialect = parseDialectFlag(values.dialect);
  // Folders are searched for configuration files; `-` takes its --stdin-filename name.
  const positionals = resolveTargets(given, given, { ...values, dialect }, io, 'inspect');
  const version = parseVersionFlag(values['memcached-version']);
  const resolver = new OptionResolver([], { config: values.config, version });
  const color = useColor({ color: values.color, noColor: values['no-color'] }, io.stdoutStream);
  const maxBytes = parseMaxFileSize(values['max-file-size']);
  const results: (Inspection | RefusedInspection)[] = [];
  const choices = new Map<Inspection, DialectChoice>();
  // Every file's .mchardrc first, as lint does: the release it names decides what the file does (UDP by
  // default before 1.5.6), so inspect and lint never judge one file for two releases. An invalid one ends
  // the run with one line.
  const configs = new Map<string, ProjectConfig | null>();
  for (const path of positionals) {
    try {
      configs.set(path, resolver.projectConfig(path));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      io.err(`mchard: ${e.message}\n`);
      return 2;
    }
  }
  let status = 0;
  // One file under two names (the same path twice, `./f` and `f`, a link and its target, a folder and a
  // file in it) is inspected once, under the first name, as lint reports it once and fix fixes it once.
  const firstNameOf = positionals.length > 1 ? new Map<string, string>() : null;
  for (const path of positionals) {
    const cfg = configs.get(path) ?? null;
    const done = await perFile(path, io, async () => {
      const file = await loadFile(path, dialect, { maxBytes, followLinks: values['follow-symlinks'] === true || values['host-checks'] === true });
      if (firstNameOf && path !== '-') {
        const real = file.real ?? realPathOf(path);
        const first = firstNameOf.get(real);
        if (first !== undefined) {
          io.err(`mchard: ${visible(path)}: the same file as ${visible(first)}: shown once, under that name\n`);
          return [];
        }
        firstNameOf.set(real, path);
      }
      const options = resolver.ruleOptions(path, cfg);
      const hostChecks = values['no-host-checks'] ? false : values['host-checks'] || isSystemPath(path);
      const flag = values['no-host-checks'] ? false : values['host-checks'] ? true : undefined;
      const parsed = parseConfig(file.source, file.dialect, {
        hostFiles: hostFileAccess(path, flag, positionals),
        ...parseContextOf(path, file.dialect),
      });
      // A manifest with several memcached workloads: one inspection each.
      return (parsed.parts ?? [parsed]).map((config) => {
        const model = analyzeConfig(config, options, hostChecks ? thisHost() : SERVICE_HOST);
        // A container image whose tag names the release decides the version (engine/lint.ts), before any flag.
        const iv = config.image?.info.version;
        const image = iv?.kind === 'exact' || (iv?.kind === 'range' && iv.max !== null) || iv?.kind === 'depends' ? config.image!.info : null;
        // A release the Dockerfile builds from source is said with the build that names it.
        const versionSource = image?.fromSource && image.version.kind === 'exact'
          ? image.version.why
          : image
          ? `the image ${image.ref.text} (${image.version.kind === 'exact' || image.version.kind === 'depends' ? image.version.why : image.version.kind === 'range' && image.version.max ? `${image.version.why}, which ended with ${image.version.max.join('.')}` : ''})`
          : resolver.versionSource(path, cfg);
        const inspection = { ...inspectionOf(path, config, model, file.detection), memcachedVersionSource: versionSource };
        choices.set(inspection, file.detection);
        return inspection;
      });
    });
    if (done.ok) results.push(...done.value);
    else {
      // A refusal is part of the JSON answer (the file was looked at); the text shows it on standard error only.
      if (done.error instanceof RefusedError && format === 'json') results.push(refusedInspection(path, done.error.refusal));
      status = 2;
    }
  }
  // Nothing on standard output when no file could be read (the errors are on standard error).
  if (results.length === 0) return status;
  // One FILE named: one object; several, or a folder (however many files it held): an array.
  const single = results.length === 1 && positionals.length === 1 && given.length <= 1 && !given.some(isFolder);
  if (format === 'json') io.out(safeJson(single ? results[0] : results) + '\n');
  else {
    const shown = results.filter((r): r is Inspection => r.dialect !== null);
    if (shown.length) io.out(shown.map((r) => inspectionText(r, choices.get(r)!, color)).join('\n'));
  }
  return status;
}

/**
 * The text form. Every value from the file (path, words, user, addresses, reasons) is shown through
 * `visible`/`shellQuote`, long ones shortened: the text goes to a terminal.
 */
function inspectionText(r: Inspection, d: DialectChoice, color: boolean): string {
  const c = paint(color);
  const v = (s: string) => visible(shorten(s, 300, 200));
  /** mchard's own sentences, which may quote values: long values cut, the sentence kept. */
  const said = (s: string) => visible(boundedMessage(s));
  const quote = (a: string) => shellQuote(shorten(a, 300, 200));
  // Something other than the host decides (Compose's environment, what a container's variable is set from): named once.
  const elsewhere = (u: { depends: string; decide: string }) => u.depends === 'host' && decidedElsewhere(u.decide);
  const unknownLine = (u: { depends: string; reason: string; decide: string }) =>
    elsewhere(u)
      ? `${c.yellow('unknown')}: depends on ${said(u.decide)} (${said(u.reason)})`
      : `${c.yellow('unknown')}: ${u.depends === 'template' ? 'depends on the template' : u.depends === 'host' ? 'depends on the host' : 'not in this file'} (${said(u.reason)}); ${u.depends === 'file' ? '' : `${said(u.decide)} decides`}`.replace(/; $/, '');
  const lang = r.template?.language ? `, ${r.template.language} template` : '';
  // A release the file does not decide: what its default names, if anything, and on what it depends.
  const release = r.unknown.version ? `memcached ${r.memcachedVersionText ?? r.memcachedVersion}` : `memcached ${r.memcachedVersion}`;
  const lines = [c.bold(v(r.path)) + c.dim(` (${v(r.dialect)}${lang}, ${said(release)})`)];
  const guessed = d.reason === 'content' ? c.dim('  (decided from the content alone: fix needs --dialect)') : '';
  lines.push(`  read by   ${said(r.readBy)} (${said(d.because)})${guessed}`);
  if (r.workload) lines.push(`  workload  ${said(r.workload)}`);
  if (d.caveat) lines.push(`  note      ${c.yellow(said(d.caveat))}`);
  // Where the version comes from, when the installed memcached was consulted (a file under /etc).
  // Where the version comes from: said whenever it is not the file's own (an image tag names it in the file);
  // a release the file leaves to what builds or runs it (a tag from a variable, a package): unknown, and why.
  const source = r.memcachedVersionSource;
  if (r.unknown.version) lines.push(`  version   ${unknownLine(r.unknown.version)}`);
  else if (source?.includes('installed')) lines.push(`  version   ${r.memcachedVersion}: ${said(source)}`);
  else if (source?.startsWith('default')) lines.push(`  version   ${r.memcachedVersion}, assumed: nothing says which release runs it (--memcached-version, or memcached-version in .mchardrc, would)`);
  else if (source && !source.startsWith('the image')) lines.push(`  version   ${r.memcachedVersion}: ${said(source)}`);
  if (r.startup.ok === null && r.startup.stage === 'launch') {
    // Some renderings of the template make the service fail before memcached runs: the options were not read.
    for (const what of ['command', 'user   ', 'listens']) lines.push(`  ${what}   ${c.yellow('unknown')}: depends on the template`);
    lines.push(`  starts    ${c.yellow('unknown')}: ${said(r.startup.reason)}; ${said(r.startup.decide ?? 'the rendered file')} decides`);
    return `${lines.join('\n')}\n`;
  }
  if (r.startup.ok === null && r.unknown.startup?.depends === 'file') {
    // The file does not show memcached's command line: nothing below it would be a prediction.
    for (const what of ['command', 'user   ', 'listens']) lines.push(`  ${what}   ${c.yellow('unknown')}`);
    lines.push(`  starts    ${c.yellow('unknown')}: ${said(r.startup.reason)}`);
    lines.push(...exposureLines(r, c, said));
    return `${lines.join('\n')}\n`;
  }
  if (r.startup.ok === false && r.startup.stage === 'launch') {
    // The program that starts memcached fails first: no command line reaches memcached, nothing below it happens.
    lines.push(`  command   ${c.dim('(memcached is not run)')}`);
    lines.push(`  user      ${c.dim('(none: memcached never runs)')}`);
    lines.push(`  listens   ${c.yellow('nothing')} (memcached never runs)`);
    lines.push(`  starts    ${c.red('no')}: ${said(r.startup.unreadable ? `memcached is not run: ${r.startup.reason}` : launchFailureText(r.startup))}`);
    return `${lines.join('\n')}\n`;
  }
  const depends = r.argvExact ? '' : r.template?.language ? '   (depends on the template)' : `   (${HOST_DEPENDENT[r.dialect] ?? 'depends on the host: shell expansion'})`;
  lines.push(`  command   memcached${r.argv.length ? ` ${listed(r.argv, quote, ' ', 'words')}` : ''}${c.yellow(depends)}`);
  if (r.template?.templated?.length) {
    lines.push(`  templated ${listed(r.template.templated, (t) => `${v(t.argument)}${t.line ? ` (line ${t.line})` : ''}`, ', ', 'arguments')}`);
  }
  if (r.template?.conditionalLines?.length) lines.push(`  cond      lines ${listed(r.template.conditionalLines, String, ', ', 'lines')} render only under a template condition`);
  lines.push(`  user      ${userLine(r, c, unknownLine, v, said)}`);
  if (r.unknown.listeners) lines.push(`  listens   ${unknownLine(r.unknown.listeners)}`);
  else if (r.listeners.length === 0) lines.push(`  listens   ${c.yellow('nothing')}${r.startup.ok === false ? (r.startup.prints ? ` (memcached prints its ${r.startup.prints} and exits)` : ' (memcached does not start)') : ''}`);
  r.listeners.slice(0, MAX_LISTENERS_SHOWN).forEach((l, i) => {
    const head = i === 0 ? '  listens   ' : '            ';
    if (l.transport === 'unix') lines.push(`${head}unix ${v(l.path)} (mode ${l.mode})`);
    else {
      const host = l.address ?? l.host ?? '?';
      const shown = host.includes(':') ? `[${host}]` : host;
      const wild = l.address === '0.0.0.0' || l.address === '::';
      const text = `${l.transport.toUpperCase()} ${v(shown)}:${l.port}${wild ? ' (every interface)' : ''}${l.host ? ' (resolved at start)' : ''}${r.startup.ok === null ? ' (if it starts)' : ''}`;
      lines.push(head + (wild || l.transport === 'udp' ? c.red(text) : text));
    }
  });
  if (r.listeners.length > MAX_LISTENERS_SHOWN) lines.push(`            ${c.dim(`… ${r.listeners.length - MAX_LISTENERS_SHOWN} more listeners (--format json lists them all)`)}`);
  // The listeners every release opens alike are listed; whether UDP is on too may depend on the release.
  const udp = r.unknown['settings.udpPort'];
  if (udp && !r.unknown.listeners) lines.push(`${r.listeners.length ? '            ' : '  listens   '}UDP ${unknownLine(udp)}`);
  if (r.startup.ok === true) lines.push(`  starts    ${c.green('yes')}`);
  else if (r.startup.ok === false && r.startup.exitCode < 0) lines.push(`  starts    ${c.red('no')}: ${said(r.startup.reason)}`);
  // -h, -V, -i: not a failure; memcached does what the command asks (print and exit 0) and serves nothing.
  else if (r.startup.ok === false && r.startup.prints) lines.push(`  starts    ${c.yellow('no')}: ${said(r.startup.reason)} (exit status 0)`);
  else if (r.startup.ok === false) lines.push(`  starts    ${c.red(`no: exits with status ${r.startup.exitCode}`)}: ${said(r.startup.reason)}`);
  else if (r.unknown.startup) {
    const w = r.startup.asWritten;
    // A template's text as written is no rendering: what it would do says nothing.
    const as = !w || r.unknown.startup.depends === 'template' ? '' : w.ok ? ' (as written it starts)' : ` (as written it exits with status ${w.exitCode}: ${said(w.reason ?? "")})`;
    lines.push(`  starts    ${unknownLine(r.unknown.startup)}${as}`);
  }
  // On the host itself: whether a service of this host runs memcached from the file at all.
  // Helm: a parent chart that does not install the memcached subchart with these values.
  if (r.notInstalled) lines.push(`  installs  ${c.yellow('no')}: ${said(r.notInstalled)}`);
  if (r.hostService) lines.push(`  service   ${c.yellow(r.hostService.reads === false ? 'does not read it on this host' : 'unknown on this host')}: ${said(r.hostService.reason)}`);
  lines.push(...exposureLines(r, c, said));
  for (const w of r.warnings) lines.push(`  note      ${said(w)}`);
  return lines.join('\n') + '\n';
}

/**
 * How much of a list from the file one line of the text shows: a hostile file made the command line a
 * megabyte (100,000 words), every one printed to the terminal. The JSON keeps every item: it is what
 * scripts compare (the argument vector against a running process's), and its size is the file's.
 */
const MAX_LINE_SHOWN = 2000;
const MAX_LISTENERS_SHOWN = 64;

/** Items shown joined by `sep` while they fit in MAX_LINE_SHOWN characters, then how many were left out. */
function listed<T>(items: readonly T[], show: (item: T) => string, sep: string, noun: string): string {
  const out: string[] = [];
  let length = 0;
  for (const item of items) {
    const s = show(item);
    if (out.length > 0 && length + sep.length + s.length > MAX_LINE_SHOWN) break;
    out.push(s);
    length += (out.length > 1 ? sep.length : 0) + s.length;
  }
  const left = items.length - out.length;
  return left === 0 ? out.join(sep) : `${out.join(sep)} … (${left} more ${noun} of ${items.length}; --format json lists them all)`;
}

/** Kubernetes and Helm: who can connect (from this file only), and the change that would restrict it. */
function exposureLines(r: Inspection, c: ReturnType<typeof paint>, said: (s: string) => string): string[] {
  if (r.unitReach) {
    const kinds: Record<string, string> = { private: c.yellow('private addresses only'), loopback: c.green('this host only'), nobody: c.green('nobody'), namespace: c.green("the unit's own namespace only") };
    return [`  reach     ${kinds[r.unitReach.reach]}: ${said(r.unitReach.reason)}`];
  }
  if (!r.exposure) return [];
  const e = r.exposure;
  const head: Record<string, string> = {
    'node-network': c.red('node network'),
    'beyond-cluster': c.red('published beyond the cluster'),
    'cluster-wide': c.yellow('cluster-wide'),
    restricted: 'restricted to named peers',
    closed: c.green('closed'),
  };
  const out = [`  reach     ${head[e.verdict]}: ${said(e.reason)}`];
  if (e.suggestion) {
    out.push('  suggest   (not applied: a Service or NetworkPolicy change is yours to make)');
    for (const l of e.suggestion.split('\n')) out.push(`            ${visible(l)}`);
  }
  return out;
}

/** The user line: the user memcached runs as, the one it switches to before failing, or why there is none. */
function userLine(
  r: Inspection,
  c: ReturnType<typeof paint>,
  unknownLine: (u: { depends: string; reason: string; decide: string }) => string,
  v: (s: string) => string,
  said: (s: string) => string,
): string {
  if (r.unknown.user) return unknownLine(r.unknown.user);
  if (r.runsAs) return v(r.runsAs);
  const user = typeof r.settings.user === 'string' && r.settings.user !== '' ? v(r.settings.user) : null;
  if (r.startup.ok === false) {
    if (r.startup.prints) return `${r.startedAs ? `${v(r.startedAs)} ` : ''}${c.dim(`(${r.startedAs ? 'started as it; ' : 'none: '}memcached prints its ${r.startup.prints} and exits before the root check and any switch of users)`)}`;
    if (r.dropsTo) return `${v(r.dropsTo)} ${c.dim(`(memcached switches to it, then fails to start: exit ${r.startup.exitCode}, ${said(r.startup.reason)})`)}`;
    if (r.startedAs) return `${v(r.startedAs)} ${c.dim(`(memcached is started as it, not as root, then fails to start: exit ${r.startup.exitCode})`)}`;
    if (user) return `${user} ${c.dim(`(not reached: memcached exits with status ${r.startup.exitCode} before it switches users)`)}`;
    return c.dim('(none: no -u, and memcached, started as root, refuses to run without it)');
  }
  // A container started as a user of its own keeps it (memcached ignores -u when not root).
  const shown = r.startedAs ? v(r.startedAs) : user;
  if (r.startup.ok === null) return shown ? `${shown} ${c.dim('(if memcached starts)')}` : c.dim('(none)');
  return c.dim('(none: memcached is not started as root, so it keeps the user it was started as)');
}

/** What a command line that is not exact depends on, by dialect, where that is not the host's shell. */
const HOST_DEPENDENT: Readonly<Record<string, string>> = {
  compose: "depends on the environment docker compose runs in: Compose's variable interpolation",
  kubernetes: "depends on what the file does not show: the kubelet's $(VAR) replacement",
  helm: "depends on what the file does not show: the kubelet's $(VAR) replacement",
  dockerfile: "depends on the container: shell expansion",
  // Neither runs a shell: supervisord expands its %(name)s, systemd its $VAR, ${VAR} and %-specifiers.
  supervisord: "depends on the host: supervisord's %(name)s expansion",
  systemd: "depends on the host: systemd's variable and specifier expansion",
};
