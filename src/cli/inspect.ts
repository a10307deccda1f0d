/**
 * `mchard inspect FILE...`: what memcached will actually do with a file: the argument vector, the user it
 * runs as, every listener, and whether it starts. Never writes anything.
 */
import { COMMON_OPTIONS, oneOf, parseCommandArgs, UsageError } from './args.js';
import { loadFile, parseDialectFlag, parseVersionFlag, OptionResolver, RefusedError } from './files.js';
import { parseConfig } from '../dialects/index.js';
import { analyzeConfig } from '../engine/lint.js';
import { thisHost, isSystemPath } from '../host.js';
import { SERVICE_HOST } from '../memcached/startup.js';
import { InputError } from '../input.js';
import { paint, useColor } from '../report/color.js';
import type { DialectChoice } from '../dialects/detect.js';
import { inspectionOf, refusedInspection, type Inspection, type RefusedInspection } from './inspection.js';
import type { Io } from './io.js';

const OPTIONS = { ...COMMON_OPTIONS, 'host-checks': { type: 'boolean' }, 'no-host-checks': { type: 'boolean' } } as const;

export const INSPECT_HELP = `Usage: mchard inspect [options] FILE...

Shows what memcached will do with a configuration file: the argument vector the
service hands it, the user it runs as, every listener, and whether it starts.

Options:
  --format text|json        output format (default text)
  --dialect NAME            the file's format: debian, sysconfig, systemd, openrc,
                            rcconf, compose, supervisord, argv (default: from its
                            path, name, then content; a file no format claims is
                            not read, exit status 2)
  --memcached-version X.Y.Z  the memcached release whose behaviour applies
  --host-checks / --no-host-checks
                            check users and addresses against this machine
                            (default: only for files under /etc)
  --color / --no-color      colour (default: on a terminal, unless NO_COLOR)
  -                         read standard input
`;

export async function runInspect(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    io.out(INSPECT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('inspect needs a FILE (or - for standard input)');
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  const dialect = parseDialectFlag(values.dialect);
  const version = parseVersionFlag(values['memcached-version']);
  const resolver = new OptionResolver([], { config: values.config, version });
  const color = useColor({ color: values.color, noColor: values['no-color'] }, io.stdoutStream);
  const results: (Inspection | RefusedInspection)[] = [];
  const choices = new Map<Inspection, DialectChoice>();
  let status = 0;
  for (const path of positionals) {
    try {
      const file = await loadFile(path, dialect);
      const options = resolver.ruleOptions(path, null);
      const hostChecks = values['no-host-checks'] ? false : values['host-checks'] || isSystemPath(path);
      const parsed = parseConfig(file.source, file.dialect);
      // A manifest with several memcached workloads: one inspection each.
      for (const config of parsed.parts ?? [parsed]) {
        const model = analyzeConfig(config, options, hostChecks ? thisHost() : SERVICE_HOST);
        const inspection = { ...inspectionOf(path, config, model, file.detection), memcachedVersionSource: resolver.versionSource(path, null) };
        choices.set(inspection, file.detection);
        results.push(inspection);
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      io.err(`mchard: ${e.message}\n`);
      // A refusal is part of the JSON answer (the file was looked at); the text shows it on standard error only.
      if (e instanceof RefusedError && format === 'json') results.push(refusedInspection(path, e.refusal));
      status = 2;
    }
  }
  // Nothing on standard output when no file could be read (the errors are on standard error).
  if (results.length === 0) return status;
  if (format === 'json') io.out(JSON.stringify(results.length === 1 && positionals.length === 1 ? results[0] : results, null, 2) + '\n');
  else {
    const shown = results.filter((r): r is Inspection => r.dialect !== null);
    if (shown.length) io.out(shown.map((r) => inspectionText(r, choices.get(r)!, color)).join('\n'));
  }
  return status;
}

function inspectionText(r: Inspection, d: DialectChoice, color: boolean): string {
  const c = paint(color);
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const lines = [c.bold(`${r.path}`) + c.dim(` (${r.dialect}, memcached ${r.memcachedVersion})`)];
  const guessed = d.reason === 'content' ? c.dim('  (decided from the content alone: fix needs --dialect)') : '';
  lines.push(`  read by   ${d.readBy} (${d.because})${guessed}`);
  if (r.workload) lines.push(`  workload  ${r.workload}`);
  if (d.caveat) lines.push(`  note      ${c.yellow(d.caveat)}`);
  // Where the version comes from, when the installed memcached was consulted (a file under /etc).
  if (r.memcachedVersionSource?.includes('installed')) lines.push(`  version   ${r.memcachedVersion}: ${r.memcachedVersionSource}`);
  if (r.startup.ok === null) {
    // The file does not show memcached's command line: nothing below it would be a prediction.
    for (const what of ['command', 'user   ', 'listens']) lines.push(`  ${what}   ${c.yellow('unknown')}`);
    lines.push(`  starts    ${c.yellow('unknown')}: ${r.startup.reason}`);
    lines.push(...exposureLines(r, c));
    return `${lines.join('\n')}\n`;
  }
  lines.push(`  command   memcached ${r.argv.map(quote).join(' ')}${r.argvExact ? '' : c.yellow('   (depends on the host: shell expansion)')}`);
  lines.push(`  user      ${r.runsAs ?? c.dim('(none: memcached refuses to start as root without -u)')}`);
  if (r.listeners.length === 0) lines.push(`  listens   ${c.yellow('nothing')}`);
  r.listeners.forEach((l, i) => {
    const head = i === 0 ? '  listens   ' : '            ';
    if (l.transport === 'unix') lines.push(`${head}unix ${l.path} (mode ${l.mode})`);
    else {
      const host = l.address ?? l.host ?? '?';
      const shown = host.includes(':') ? `[${host}]` : host;
      const wild = l.address === '0.0.0.0' || l.address === '::';
      const text = `${l.transport.toUpperCase()} ${shown}:${l.port}${wild ? ' (every interface)' : ''}${l.host ? ' (resolved at start)' : ''}`;
      lines.push(head + (wild || l.transport === 'udp' ? c.red(text) : text));
    }
  });
  if (r.startup.ok) lines.push(`  starts    ${c.green('yes')}`);
  else if (r.startup.exitCode < 0) lines.push(`  starts    ${c.red('no')}: ${r.startup.reason}`);
  else lines.push(`  starts    ${c.red(`no: exits with status ${r.startup.exitCode}`)}: ${r.startup.reason}`);
  lines.push(...exposureLines(r, c));
  for (const w of r.warnings) lines.push(`  note      ${w}`);
  return lines.join('\n') + '\n';
}

/** Kubernetes and Helm: who can connect (from this file only), and the change that would restrict it. */
function exposureLines(r: Inspection, c: ReturnType<typeof paint>): string[] {
  if (!r.exposure) return [];
  const e = r.exposure;
  const head: Record<string, string> = {
    'node-network': c.red('node network'),
    'beyond-cluster': c.red('published beyond the cluster'),
    'cluster-wide': c.yellow('cluster-wide'),
    restricted: 'restricted to named peers',
    closed: c.green('closed'),
  };
  const out = [`  reach     ${head[e.verdict]}: ${e.reason}`];
  if (e.suggestion) {
    out.push('  suggest   (not applied: a Service or NetworkPolicy change is yours to make)');
    for (const l of e.suggestion.split('\n')) out.push(`            ${l}`);
  }
  return out;
}

