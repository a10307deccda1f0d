/**
 * The OpenRC dialect: `/etc/conf.d/memcached` on Gentoo and Alpine. openrc-run sources the file with `sh`
 * before the init script runs; the script's `start()` then builds memcached's command line from the
 * variables. The file is read by `sh-vars.ts`; the command line is rebuilt here as the scripts build it.
 *
 * Followed (facts only, in our words):
 * - Gentoo `net-misc/memcached/files/memcached.init2` (installed by the 1.6.x ebuilds; gentoo/gentoo at
 *   2f8a53605c07): PIDBASE defaults to `/run/memcached/memcached`, the pid file is `${PIDBASE}.pid`
 *   (`${PIDBASE}.${CONF}.pid` for an instance `memcached.CONF`). When SOCKET is non-empty the connection
 *   part is `-s ${SOCKET}` plus `-a ${SOCKET_MASK}` when that is non-empty; otherwise it is
 *   `-p ${PORT} -U ${UDPPORT}` plus `-l ${LISTENON}` when LISTENON is non-empty. The command is
 *   `-d <connection> -m ${MEMUSAGE} -c ${MAXCONN} -u ${MEMCACHED_RUNAS} -P "${PIDFILE}" ${MISC_OPTS}`.
 * - Alpine `main/memcached/memcached.initd` (alpinelinux/aports at 6b068d25a24f): no socket support;
 *   PIDBASE defaults to `/var/run/memcached/memcached`, the pid file is `${PIDBASE}-${PORT}.pid`
 *   (`${PIDBASE}-${PORT}.${CONF}.pid` for an instance); the command is `-d -p ${PORT} -U ${UDPPORT}`,
 *   `-l ${LISTENON}` when LISTENON is non-empty, then the same `-m`, `-c`, `-u`, `-P`, `${MISC_OPTS}`.
 * Neither script gives PORT, UDPPORT, MEMUSAGE, MAXCONN or MEMCACHED_RUNAS a default. Every `${VAR}` but
 * the pid file is unquoted there, so its value is split into words (and globbed): an empty PORT leaves
 * `-p` to take the next word (`-U`) as its value.
 *
 * Which script reads the file: Gentoo's when the file mentions SOCKET anywhere (its stock file has the
 * commented SOCKET lines), Alpine's otherwise. Without SOCKET set both give the same vector except for
 * the pid file path.
 */
import type { ArgToken, ArgUnknown, SourceText, Span } from '../source.js';
import type { Dialect, LaunchFailure, Note, ParsedConfig } from './types.js';
import { commandThatMaySet, mayBeSetBy, parseShVars, printLines, show, spanOfChars, splitFields, type ShAssignment, type ShVarsFile, type ShVarsNote, type ValueChar } from './sh-vars.js';

export type OpenrcScript = 'gentoo' | 'alpine';

export interface OpenrcOptions {
  /** The init script that reads the file; chosen from the file's content when omitted. */
  script?: OpenrcScript;
}

/** What the OpenRC dialect notes: the shell file's notes, and a variable the init script does not read. */
export type OpenrcNote = ShVarsNote | (Note<'ignored-variable'> & { readonly key: string });

export interface OpenrcConfig extends ParsedConfig<OpenrcNote> {
  readonly dialect: 'openrc';
  readonly script: OpenrcScript;
  /** The instance name (`memcached.NAME`), empty for the main service. */
  readonly instance: string;
  readonly vars: ShVarsFile;
}

/** The variables the init scripts pass as an option's argument, by option letter. */
export const OPENRC_VARIABLES: Readonly<Record<string, string>> = {
  p: 'PORT',
  U: 'UDPPORT',
  l: 'LISTENON',
  m: 'MEMUSAGE',
  c: 'MAXCONN',
  u: 'MEMCACHED_RUNAS',
  s: 'SOCKET',
  a: 'SOCKET_MASK',
};

/** The variable holding options written as they are. */
export const OPENRC_OPTIONS = 'MISC_OPTS';

export function openrcScriptOf(text: string): OpenrcScript {
  return /\bSOCKET(_MASK)?\b/.test(text) ? 'gentoo' : 'alpine';
}

/** `memcached.NAME` in a `conf.d` folder is the instance NAME (the init script's CONF). */
function instanceOf(path: string): string {
  const m = /(?:^|[\\/])conf\.d[\\/]memcached\.([^\\/]+)$/.exec(path);
  return m ? m[1] : '';
}

const GLOB = /[*?[]/;

export function parseOpenrc(source: SourceText, opts: OpenrcOptions = {}): OpenrcConfig {
  const vars = parseShVars(source.text);
  const script = opts.script ?? openrcScriptOf(source.text);
  const instance = instanceOf(source.path);
  const notes: OpenrcNote[] = [...vars.notes];
  const env = vars.env;
  const argv: ArgToken[] = [];
  let exact = vars.exact && vars.syntaxError === null;

  /** A variable the script tests or copies: its value, and the vector is inexact when the value is. */
  const value = (name: string) => {
    const a = env.get(name);
    if (a && !a.exact) exact = false;
    return a?.value ?? '';
  };
  const fixed = (flag: string, name: string | null, note?: string) => {
    const a = name ? env.get(name) : undefined;
    argv.push({ value: flag, span: a ? a.span : null, origin: 'unit', exact: true, ...(note ? { note } : {}) });
  };
  const token = (chars: readonly ValueChar[], why: string | undefined): ArgToken => {
    const v = chars.map((c) => c.ch).join('');
    const span = spanOfChars(chars);
    const globbed = GLOB.test(v);
    const ok = why === undefined && !globbed;
    if (!ok) exact = false;
    const shown = span ? source.slice(span) : '';
    const note = !ok
      ? `depends on the host: ${why ?? 'the init script leaves ${VAR} unquoted, so the shell expands the glob characters against the file system'}`
      : span && shown !== v
        ? `the shell reads ${show(shown)} as ${show(v)}`
        : undefined;
    return { value: v, span, origin: 'file', exact: ok, ...(note ? { note } : {}) };
  };
  /** An unquoted `${name}` on the command line: its value split into words. */
  const fields = (name: string): number => {
    const a = env.get(name);
    if (!a) return 0;
    if (!a.exact) exact = false;
    const fs = splitFields(a.chars);
    for (const f of fs) argv.push(token(f, a.inexact));
    return fs.length;
  };
  // openrc-run sources /etc/conf.d/memcached before /etc/conf.d/memcached.NAME (the service's base name
  // first, then the instance's), so a variable an instance file does not set keeps the main file's value.
  // And a command the file runs (`. /etc/conf.d/memcached.common`, a function) may set any variable: one
  // the file does not set, or sets before that command, then has a value the file does not show.
  const elsewhere = (name: string): ArgUnknown | null => {
    if (instance !== '' && !env.has(name)) {
      return {
        kind: 'opaque',
        depends: 'host',
        reason: `${name} is not set in this file, so it keeps the value /etc/conf.d/memcached gives it (openrc-run sources that file before memcached.${instance})`,
        decide: `/etc/conf.d/memcached on the host (mchard lint /etc/conf.d/memcached)`,
        at: 0,
      };
    }
    const cmd = commandThatMaySet(vars, name);
    if (!cmd) return null;
    return { kind: 'opaque', depends: 'host', reason: mayBeSetBy(vars, name, cmd), decide: 'what that command does on the host (the file it sources, say)', at: 0 };
  };
  const inherited = (name: string) => elsewhere(name) !== null;
  /** An unquoted `${name}` whose words come from elsewhere: any number of words, none known. */
  const inheritedWords = (name: string) => {
    exact = false;
    const unknown = elsewhere(name)!;
    argv.push({ value: `\${${name}}`, span: null, origin: 'file', exact: false, unknown, note: `depends on the host: ${unknown.reason}` });
  };
  const option = (flag: string, name: string) => {
    if (inherited(name)) {
      fixed(flag, null);
      inheritedWords(name);
      return;
    }
    const words = splitFields(env.get(name)?.chars ?? []).length;
    fixed(flag, name, words > 0 ? undefined : `${name} is ${env.has(name) ? 'empty' : 'not set'}, so \${${name}} gives no argument and ${flag} takes the next one as its value`);
    fields(name);
  };

  argv.push({ value: '-d', span: null, origin: 'unit', exact: true, note: 'start-stop-daemon expects memcached to fork and write its pid file' });
  const socket = script === 'gentoo' && value('SOCKET') !== '';
  if (script === 'gentoo' && inherited('SOCKET')) {
    // Whether the main file sets SOCKET decides the whole connection part (-s and -a, or -p, -U and -l).
    inheritedWords('SOCKET');
  } else if (socket) {
    option('-s', 'SOCKET');
    if (value('SOCKET_MASK') !== '') option('-a', 'SOCKET_MASK');
  } else {
    option('-p', 'PORT');
    option('-U', 'UDPPORT');
    if (inherited('LISTENON')) inheritedWords('LISTENON');
    else if (value('LISTENON') !== '') option('-l', 'LISTENON');
  }
  if (script === 'alpine' && value('SOCKET') !== '') {
    notes.push({
      kind: 'ignored-variable',
      span: env.get('SOCKET')!.span,
      message: "Alpine's init script does not read SOCKET: memcached listens on TCP (and UDP) as PORT, UDPPORT and LISTENON say",
      key: 'SOCKET',
    });
  }
  option('-m', 'MEMUSAGE');
  option('-c', 'MAXCONN');
  option('-u', 'MEMCACHED_RUNAS');

  // -P "${PIDFILE}": one word, built by the script from PIDBASE.
  const base = value('PIDBASE') || (script === 'gentoo' ? '/run/memcached/memcached' : '/var/run/memcached/memcached');
  const pidfile = script === 'gentoo' ? `${base}${instance ? `.${instance}` : ''}.pid` : `${base}-${value('PORT')}${instance ? `.${instance}` : ''}.pid`;
  const pidbase = env.get('PIDBASE');
  if (pidbase && !pidbase.exact) exact = false;
  if (script === 'alpine' && env.get('PORT')?.exact === false) exact = false;
  argv.push({ value: '-P', span: pidbase?.span ?? null, origin: 'unit', exact: true });
  if (inherited('PIDBASE') || (script === 'alpine' && inherited('PORT'))) {
    const name = inherited('PIDBASE') ? 'PIDBASE' : 'PORT';
    exact = false;
    argv.push({ value: pidfile, span: null, origin: 'unit', exact: false, unknown: { ...elsewhere(name)!, kind: 'value', pathname: true }, note: `the pid file the init script makes from PIDBASE${script === 'alpine' ? ' and PORT' : ''}` });
  } else {
    argv.push({ value: pidfile, span: pidbase?.span ?? null, origin: 'unit', exact: pidbase?.exact ?? true, note: `the pid file the init script makes from PIDBASE${script === 'alpine' ? ' and PORT' : ''}` });
  }
  if (inherited(OPENRC_OPTIONS)) inheritedWords(OPENRC_OPTIONS);
  else fields(OPENRC_OPTIONS);

  let launchFailure: LaunchFailure | null = null;
  // Both scripts run start-stop-daemon --exec "${MEMCACHED_BINARY}" and give it no default: with it empty,
  // OpenRC's start-stop-daemon execvp()s "" (ENOENT), reports "failed to start" and exits 1.
  const binary = env.get('MEMCACHED_BINARY');
  if (!inherited('MEMCACHED_BINARY') && (!binary || (binary.exact && binary.value === ''))) {
    launchFailure = {
      exitCode: 1,
      reason: `MEMCACHED_BINARY is ${binary ? 'empty' : 'not set'}, so the init script runs start-stop-daemon --exec "", which cannot run memcached ("failed to start"): set MEMCACHED_BINARY="/usr/bin/memcached"`,
      span: binary ? binary.span : null,
    };
  }
  if (vars.syntaxError) {
    launchFailure = {
      exitCode: 1,
      reason: `sh: ${vars.syntaxError.message}: openrc-run cannot source the file, so the service does not start`,
      span: vars.syntaxError.span,
    };
    exact = false;
  }
  notes.sort((x, y) => x.span.start - y.span.start);
  return {
    dialect: 'openrc',
    script,
    instance,
    vars,
    source,
    argv,
    argvExact: exact,
    launchFailure,
    notes,
    print: () => printLines(vars.lines),
  };
}

/** A zero-width point just inside an assignment's closing quote (or after its value). */
export function pointInValue(text: string, a: ShAssignment): Span {
  const v = a.valueSpan;
  const closes = a.quote !== null && v.end - v.start >= 2 && text[v.end - 1] === a.quote;
  const at = closes ? v.end - 1 : v.end;
  return { start: at, end: at };
}

/** Gentoo's and Alpine's `/etc/conf.d/memcached`, sourced by openrc-run for the memcached init script. */
export const openrcDialect: Dialect = {
  name: 'openrc',
  title: 'OpenRC /etc/conf.d/memcached (Gentoo, Alpine)',
  defaultUser: 'memcached',
  commentChars: '#',
  parse: (source) => parseOpenrc(source),
  /** The variable that gives the option, when the script has one; else inside MISC_OPTS; else the end of the file. */
  insertionPoint(config, letter) {
    const c = config as OpenrcConfig;
    const text = c.source.text;
    const variable = letter ? OPENRC_VARIABLES[letter] : undefined;
    const target = (variable && c.vars.env.get(variable)) || c.vars.env.get(OPENRC_OPTIONS);
    return target ? pointInValue(text, target) : { start: text.length, end: text.length };
  },
  /** Not -s/-a: only Gentoo's script reads SOCKET, and setting it replaces the whole network part. */
  variableFor: (letter) => ('pUlmcu'.includes(letter) && letter.length === 1 ? OPENRC_VARIABLES[letter] : null) ?? null,
};
