/**
 * The systemd dialect: a service unit (`memcached.service`) or a drop-in (`memcached.service.d/*.conf`),
 * read as systemd v252 reads it, and memcached's argument vector as the unit's `ExecStart=` gives it.
 *
 * From `[Service]`: `ExecStart=` (an empty assignment resets the list; prefixes `-@:+!`; quoting and C
 * escapes; `%` specifiers; `$NAME`/`${NAME}` expanded at start from `Environment=` and `EnvironmentFile=`,
 * files overriding `Environment=` and later files earlier ones), `Environment=`, `EnvironmentFile=` (a
 * file is read only as the parse context's host-file access allows: never for a unit outside /etc
 * without --host-checks, and then only a bounded regular file; it is parsed by systemd's environment-file
 * reader, envfile.ts; a file not read makes the variables it might set unknown, and a value from a
 * file the user did not name is used but never shown), `User=`/`DynamicUser=` (memcached then starts unprivileged and needs no
 * `-u`), `Type=`.
 *
 * When `ExecStart=` does not run memcached itself (Debian's `systemd-memcached-wrapper`, a container
 * runtime, a shell) or its arguments depend on variables mchard cannot read, the unit does not decide
 * memcached's command line: `argvUnknown` says why and the option rules stay quiet.
 */
import { SourceText, type ArgToken, type Span } from '../source.js';
import type { Dialect, LaunchFailure, ManagerAccount, Note, ParseContext, ParsedConfig, UnitDropIn } from './types.js';
import { NO_HOST_FILES, type HostFileAccess } from '../input.js';
import { isAsciiLetterCode } from '../ascii.js';
import { readEnvironmentFile } from './envfile.js';
import { parseUnitSyntax, type UnitAssignment, type UnitSyntax } from './systemd-unit.js';
import { RHEL_VARS, withoutTemplateSuffix } from './detect.js';
import { bindBlocked, familyBlocked, readUnitNetwork } from './unit-network.js';
import type { UnitNetwork } from './unit-reach.js';
import type { SocketSandbox } from '../memcached/startup.js';
import { charsText, expandSpecifiers, extractWord, replaceEnvWord, type EnvLookup, type EnvValue, type SChar, type UnitName } from './systemd-exec.js';

export interface ExecWord {
  /** The word's source text, quotes included (for a word over continued lines, first to last character). */
  readonly span: Span;
  /** After unquoting, unescaping and specifiers; before `$` expansion. */
  readonly value: string;
  /** Why the value may differ on the host (a specifier), or null. */
  readonly inexact: string | null;
}

export interface ExecCommand {
  readonly assignment: UnitAssignment;
  readonly prefixes: string;
  readonly program: ExecWord;
  /** Words after the program (argv[0] first when the `@` prefix is used). */
  readonly words: readonly ExecWord[];
}

export interface EnvFileRef {
  readonly assignment: UnitAssignment;
  readonly path: string;
  readonly optional: boolean;
  /** read: its variables are known; skipped: optional and unloadable; unknown: not read (see `reason`). */
  readonly state: 'read' | 'skipped' | 'unknown' | 'failed';
  readonly variables: ReadonlyMap<string, string>;
  readonly reason?: string;
  /** Whether its values may be shown (the user named the file); otherwise "a value from PATH". */
  readonly shown?: boolean;
}

export interface EnvAssignment {
  readonly name: string;
  readonly value: string;
  readonly assignment: UnitAssignment;
  /** Source text of the `NAME=value` word. */
  readonly span: Span;
}

/** Where each argument memcached receives came from in `ExecStart=`. */
export interface TokenSource {
  /** Index into `exec.words`. */
  readonly word: number;
  /** The variable the argument came out of (`$OPTIONS`, `${PORT}`), or null for literal text. */
  readonly variable: string | null;
}

/**
 * What the systemd dialect notes: unit syntax systemd ignores or rejects (`line-without-equals`,
 * `invalid-name`, `outside-section`, `exec-syntax`, `exec-escape`, `environment-syntax`,
 * `environment-invalid`), an `EnvironmentFile=` it does not read here (`environment-file`), a unit whose
 * command line is not memcached's (`delegated`: Debian's wrapper and its file; `other-program`), and
 * variables of `ExecStart=` nothing sets (`unset-variable`) or set in a file mchard cannot read
 * (`unknown-variable`).
 */
export type SystemdNote =
  | (Note<'line-without-equals'> & { readonly text: string })
  | (Note<'invalid-name'> & { readonly key: string; readonly reason: 'empty' })
  | Note<'outside-section'>
  | Note<'exec-syntax'>
  | Note<'exec-escape'>
  | Note<'environment-syntax'>
  | Note<'environment-invalid'>
  | (Note<'environment-file'> & { readonly path: string; readonly state: string })
  | (Note<'delegated'> & { readonly path: string })
  | (Note<'other-program'> & { readonly program: string })
  | (Note<'unset-variable'> & { readonly name: string })
  | (Note<'unknown-variable'> & { readonly names: readonly string[]; readonly files: readonly string[] });

export interface SystemdConfig extends ParsedConfig<SystemdNote> {
  readonly dialect: 'systemd';
  readonly unit: UnitName;
  readonly dropIn: boolean;
  readonly syntax: UnitSyntax;
  /** `Type=` as written (last one), or null: systemd's default, simple. */
  readonly serviceType: string | null;
  readonly user: string | null;
  readonly environment: ReadonlyMap<string, EnvAssignment>;
  readonly environmentFiles: readonly EnvFileRef[];
  /** Every `ExecStart=` in the file, in order (for the editor). */
  readonly execAssignments: readonly UnitAssignment[];
  /** The ExecStart= command list after every assignment (more than one only for Type=oneshot). */
  readonly execCommands: readonly ExecCommand[];
  /** The command that runs memcached (the first), or null. */
  readonly exec: ExecCommand | null;
  readonly tokenSources: readonly TokenSource[];
  /** Why this file does not decide memcached's command line, or null. */
  readonly argvUnknown: string | null;
  /** The unit's own network restrictions (unit-reach.ts). */
  readonly network: UnitNetwork;
}

/** Reading an `EnvironmentFile=`; tests inject their own (null: cannot be read; values are shown). */
export type FileReader = (path: string) => string | null;

export interface SystemdOptions {
  readFile?: FileReader;
  /** Which host files may be read and shown (default: none; `readFile` overrides it). */
  hostFiles?: HostFileAccess;
  /** The drop-ins systemd merges into this unit (ParseContext.unitDropIns); absent: not known. */
  unitDropIns?: readonly UnitDropIn[];
  /** The unit of the same name systemd loads instead (ParseContext.unitShadowedBy). */
  unitShadowedBy?: { readonly path: string; readonly masked: boolean } | null;
}

/**
 * What a drop-in may set that changes what the unit's own file says of memcached: its command, its user,
 * its variables, and the unit's own network restrictions (unit-reach.ts).
 */
const DECISIVE_KEYS = new Set(
  ['ExecStart', 'User', 'Group', 'DynamicUser', 'Environment', 'EnvironmentFile', 'UnsetEnvironment', 'PassEnvironment', 'Type', 'PrivateNetwork', 'NetworkNamespacePath', 'IPAddressAllow', 'IPAddressDeny', 'RestrictAddressFamilies', 'SocketBindAllow', 'SocketBindDeny'].map((k) => `Service.${k}`),
);

/** The drop-ins that change what this unit alone says, and what each sets ("sets User=, ExecStart="; "is not read"). */
function decisiveDropIns(dropIns: readonly UnitDropIn[]): { path: string; what: string }[] {
  const out: { path: string; what: string }[] = [];
  for (const d of dropIns) {
    if (!d.read) out.push({ path: d.path, what: 'may set anything (mchard reads only a regular file of at most 64 KiB, never through a link)' });
    else {
      const keys = d.keys.filter((k) => DECISIVE_KEYS.has(k)).map((k) => `${k.slice('Service.'.length)}=`);
      if (keys.length) out.push({ path: d.path, what: `sets ${keys.join(', ')}` });
    }
  }
  return out;
}

function accessOf(opts: SystemdOptions): HostFileAccess {
  const inject = opts.readFile;
  if (!inject) return opts.hostFiles ?? NO_HOST_FILES;
  return {
    read: (path) => {
      const text = inject(path);
      return text === null ? { unread: 'mchard cannot read it here' } : { text };
    },
    mayShow: () => true,
  };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables the service manager itself may set for the service. */
const MANAGER_VARIABLES = /^(PATH|LANG|LANGUAGE|LC_[A-Z_]+|TERM|INVOCATION_ID|JOURNAL_STREAM|MAINPID|MANAGERPID|NOTIFY_SOCKET|WATCHDOG_\w+|LISTEN_\w+|HOME|SHELL|USER|LOGNAME|[A-Z]+_DIRECTORY|SYSTEMD_\w+)$/;
const PROGRAM = /(^|\/)memcached$/;
const DEBIAN_WRAPPER = /(^|\/)systemd-memcached-wrapper$/;

export function unitNameOf(path: string): UnitName {
  // A template of a unit (`memcached@.service.j2`) is named after the unit it renders.
  const norm = withoutTemplateSuffix(path.replace(/\\/g, '/'));
  const dropIn = /([^/]+\.service)\.d\/[^/]+\.conf$/.exec(norm);
  if (dropIn) return { name: dropIn[1], guessed: false };
  const base = norm.slice(norm.lastIndexOf('/') + 1);
  if (/\.service$/.test(base)) return { name: base, guessed: false };
  return { name: 'memcached.service', guessed: true };
}

function show(s: string, max = 60): string {
  return JSON.stringify(s.length > max ? s.slice(0, max - 1) + '…' : s);
}

/** One `ExecStart=` value: its commands (a `;` separates several), or why systemd rejects it. */
function parseExec(asg: UnitAssignment, unit: UnitName, notes: SystemdNote[]): { commands: ExecCommand[]; error: string | null } {
  const cs = asg.valueChars;
  const commands: ExecCommand[] = [];
  let p = 0;
  const word = (from: number) => {
    const r = extractWord(cs, from);
    if (r.ok && r.word && r.relaxed) {
      notes.push({ kind: 'exec-escape', span: { start: r.word.start, end: r.word.end }, message: 'systemd does not know this backslash escape and keeps the backslash ("Ignoring unknown escape sequences")' });
    }
    return r;
  };
  const toWord = (w: { chars: SChar[]; start: number; end: number; eightBit: boolean }): ExecWord | { error: string } => {
    const spec = expandSpecifiers(w.chars, unit);
    if (spec.unknown) return { error: `unknown specifier ${spec.unknown}` };
    return { span: { start: w.start, end: w.end }, value: charsText(spec.chars), inexact: spec.inexact ?? (w.eightBit ? 'an escape gives a byte that is not valid UTF-8' : null) };
  };
  for (;;) {
    const first = word(p);
    // systemd logs a first word it cannot read and ignores the rest of the line.
    if (!first.ok) return { commands, error: null };
    if (!first.word) return { commands, error: null };
    p = first.rest;
    let raw = first.word;
    if (charsText(raw.chars) === ';') continue;
    let k = 0;
    let prefixes = '';
    while (k < raw.chars.length && '-@:+!'.includes(raw.chars[k].ch)) {
      const c = raw.chars[k].ch;
      if (c === '!' && prefixes.includes('!') && !prefixes.includes('!!')) prefixes += '!';
      else if (prefixes.includes(c)) break;
      else prefixes += c;
      k++;
    }
    raw = { ...raw, chars: raw.chars.slice(k) };
    // With the "-" prefix systemd ignores the rest of a line it cannot read (earlier commands stay).
    const fail = (error: string) => ({ commands, error: prefixes.includes('-') ? null : error });
    const program = toWord(raw);
    if ('error' in program) return fail(program.error);
    if (program.value === '') return fail('an empty path in the command line');
    if (/[\x00-\x1f\x7f"'\\]/.test(program.value)) return fail('the executable name contains special characters');
    if (!program.value.startsWith('/') && (program.value.includes('/') || program.value === '.' || program.value === '..')) {
      return fail('the executable is neither a file name nor an absolute path');
    }
    const words: ExecWord[] = [];
    let semicolon = false;
    while (p < cs.length) {
      if (cs[p].ch === ';' && (p + 1 >= cs.length || ' \t\n\r'.includes(cs[p + 1].ch))) {
        p++;
        while (p < cs.length && ' \t\n\r'.includes(cs[p].ch)) p++;
        semicolon = true;
        break;
      }
      if (cs[p].ch === '\\' && cs[p + 1]?.ch === ';' && (p + 2 >= cs.length || ' \t\n\r'.includes(cs[p + 2].ch))) {
        words.push({ span: { start: cs[p].at, end: cs[p + 1].at + 1 }, value: ';', inexact: null });
        p += 2;
        while (p < cs.length && ' \t\n\r'.includes(cs[p].ch)) p++;
        continue;
      }
      const r = word(p);
      if (!r.ok) return fail(r.reason);
      if (!r.word) break;
      p = r.rest;
      const w = toWord(r.word);
      if ('error' in w) return fail(w.error);
      words.push(w);
    }
    if (prefixes.includes('@') && words.length === 0) return fail('the "@" prefix needs an argv[0] after the path');
    commands.push({ assignment: asg, prefixes, program, words });
    if (!semicolon) return { commands, error: null };
  }
}

/** `Environment=`: assignments split like command-line words (quotes, C escapes), specifiers resolved. */
function parseEnvironment(asg: UnitAssignment, unit: UnitName, env: Map<string, EnvAssignment>, notes: SystemdNote[]): void {
  let p = 0;
  for (;;) {
    const r = extractWord(asg.valueChars, p, true);
    if (!r.ok) {
      notes.push({ kind: 'environment-syntax', span: asg.valueSpan, message: `systemd ignores the rest of this Environment= line: ${r.reason}` });
      return;
    }
    if (!r.word) return;
    p = r.rest;
    const spec = expandSpecifiers(r.word.chars, unit);
    const text = charsText(spec.chars);
    const eq = text.indexOf('=');
    const span = { start: r.word.start, end: r.word.end };
    if (spec.unknown || eq <= 0 || !ENV_NAME.test(text.slice(0, eq)) || /[\x00-\x08\x0b-\x1f\x7f]/.test(text)) {
      notes.push({ kind: 'environment-invalid', span, message: `systemd ignores ${show(text)}: not a valid NAME=value assignment` });
      continue;
    }
    const name = text.slice(0, eq);
    env.set(name, { name, value: text.slice(eq + 1), assignment: asg, span });
  }
}

function readEnvFile(asg: UnitAssignment, unit: UnitName, access: HostFileAccess): EnvFileRef {
  const spec = expandSpecifiers(asg.valueChars, unit);
  const raw = charsText(spec.chars);
  const optional = raw.startsWith('-');
  const path = optional ? raw.slice(1) : raw;
  const base = { assignment: asg, path, optional, variables: new Map<string, string>() };
  if (spec.inexact) {
    // Named as written (`/etc/sysconfig/memcached.%i`): the expansion the unit file alone gives is no file.
    const written = charsText(asg.valueChars);
    return { ...base, path: written.startsWith('-') ? written.slice(1) : written, state: 'unknown', reason: `the path depends on the host (${spec.inexact})` };
  }
  if (!path.startsWith('/')) return { ...base, state: 'skipped', reason: 'the path is not absolute, so systemd ignores the setting' };
  if (/[*?[]/.test(path)) return { ...base, state: 'unknown', reason: 'the path is a glob pattern' };
  const got = access.read(path);
  if ('unread' in got) return { ...base, state: 'unknown', reason: got.unread };
  const shown = access.mayShow(path);
  const parsed = readEnvironmentFile(new SourceText(path, got.text));
  if (parsed.loadError) {
    // The parse error may quote the file: shown only for a file the user named.
    return { ...base, state: optional ? 'skipped' : 'failed', reason: shown ? parsed.loadError.reason : 'systemd cannot parse it', shown };
  }
  const variables = new Map<string, string>();
  for (const [k, a] of parsed.environment) variables.set(k, a.value);
  return { ...base, state: 'read', variables, shown };
}

export function parseSystemd(source: SourceText, opts: SystemdOptions = {}): SystemdConfig {
  const read = accessOf(opts);
  const unit = unitNameOf(source.path);
  const syntax = parseUnitSyntax(source.text);
  // A drop-in by its path (`memcached.service.d/x.conf`), or, kept under another name in a repository
  // (`memcached.service.conf.j2`, `memcached-override.conf`), by an empty "ExecStart=": that line resets
  // the command of the unit the file extends, and means nothing in a unit of its own.
  // So is such a file with no ExecStart= at all (openstack-ansible's systemd.limits.conf.j2, installed as
  // memcached.service.d/limits.conf, sets only LimitNOFILE=): a unit of its own would need one, and systemd
  // loads units only under a name of a unit type, which the file does not have.
  const execStarts = syntax.assignments.filter((a) => a.section === 'Service' && a.key === 'ExecStart');
  const dropIn =
    /\.service\.d\/[^/]+\.conf$/.test(withoutTemplateSuffix(source.path.replace(/\\/g, '/'))) ||
    (unit.guessed && (execStarts.length === 0 || execStarts.some((a) => a.value === '')));
  const notes: SystemdNote[] = [];
  let launchFailure: LaunchFailure | null = null;
  let argvUnknown: string | null = null;

  for (const issue of syntax.issues) {
    if (issue.kind === 'line-without-equals') {
      notes.push({ kind: 'line-without-equals', span: issue.span, message: `this line has no "=", so systemd ignores it (${show(issue.text, 40)})`, text: issue.text });
    } else if (issue.kind === 'missing-key') {
      notes.push({ kind: 'invalid-name', span: issue.span, message: 'there is no name before "=", so systemd ignores this line', key: '', reason: 'empty' });
    } else {
      notes.push({ kind: 'outside-section', span: issue.span, message: 'this assignment comes before any [Section] header, so systemd ignores it' });
    }
  }
  if (syntax.fatal) {
    launchFailure = { exitCode: -1, reason: `systemd cannot load the unit: invalid section header ${show(syntax.fatal.text)}`, span: syntax.fatal.span };
  }

  let commands: ExecCommand[] = [];
  const execAssignments: UnitAssignment[] = [];
  let execError: { reason: string; span: Span } | null = null;
  const env = new Map<string, EnvAssignment>();
  let files: EnvFileRef[] = [];
  let user: string | null = null;
  let userSetting: UnitAssignment | null = null;
  let group: { name: string; at: UnitAssignment } | null = null;
  let dynamicUser = false;
  let serviceType: string | null = null;
  let restart = 'no';
  let startTimeoutOff = false;
  // A drop-in's ExecStart= before any empty ExecStart= is added to the commands of the unit it extends.
  let execReset = false;
  let addsToUnit: UnitAssignment | null = null;
  for (const a of syntax.assignments) {
    if (a.section !== 'Service') continue;
    switch (a.key) {
      case 'ExecStart': {
        execAssignments.push(a);
        if (a.value === '') {
          commands = [];
          execReset = true;
          break;
        }
        if (dropIn && !execReset) addsToUnit ??= a;
        const r = parseExec(a, unit, notes);
        for (const cmd of r.commands) commands.push(cmd);
        if (r.error) {
          notes.push({ kind: 'exec-syntax', span: a.valueSpan, message: `systemd rejects this ExecStart= (${r.error})` });
          execError ??= { reason: r.error, span: a.valueSpan };
        }
        break;
      }
      case 'Environment':
        if (a.value === '') env.clear();
        else parseEnvironment(a, unit, env, notes);
        break;
      case 'EnvironmentFile':
        if (a.value === '') files = [];
        else files.push(readEnvFile(a, unit, read));
        break;
      case 'User': {
        const x = a.value === '' ? null : expandSpecifiers(a.valueChars, unit);
        user = x ? charsText(x.chars) : null;
        userSetting = x && !x.inexact && !x.unknown ? a : null;
        break;
      }
      case 'Group': {
        const x = a.value === '' ? null : expandSpecifiers(a.valueChars, unit);
        group = x && !x.inexact && !x.unknown ? { name: charsText(x.chars), at: a } : null;
        break;
      }
      case 'DynamicUser':
        dynamicUser = /^(1|yes|y|true|t|on)$/i.test(a.value);
        break;
      case 'Type':
        serviceType = a.value === '' ? null : a.value;
        break;
      case 'Restart':
        restart = a.value === '' ? 'no' : a.value;
        break;
      case 'TimeoutSec':
      case 'TimeoutStartSec':
        startTimeoutOff = /^(0|infinity)$/i.test(a.value.trim());
        break;
    }
  }
  if (execError && !launchFailure) {
    launchFailure = { exitCode: -1, reason: `systemd cannot load the unit: ${execError.reason} in ExecStart=`, span: execError.span };
  }
  const type = serviceType ?? 'simple';
  if (!launchFailure && commands.length > 1 && type !== 'oneshot') {
    launchFailure = { exitCode: -1, reason: `the unit has ${commands.length} ExecStart= commands, which systemd refuses for Type=${type} ("only allowed for Type=oneshot services")`, span: commands[1].assignment.valueSpan };
  }
  if (!launchFailure && addsToUnit && type !== 'oneshot') {
    // Every packaged memcached unit (Debian's, RHEL's, Arch's, the templates) has an ExecStart= of its own.
    const packaged = /^memcached(@[^/]*)?\.service$/.test(unit.name);
    const why = `this drop-in's ExecStart= comes before any empty "ExecStart=", so systemd adds this command to the one ${unit.name} already has`;
    launchFailure = packaged
      ? { exitCode: -1, reason: `${why}, and with two commands it refuses the unit ("only allowed for Type=oneshot services"): reset it with an empty ExecStart= line first`, span: addsToUnit.valueSpan }
      : {
          exitCode: -1,
          reason: `${why}, if it has one; with two commands systemd refuses the unit ("only allowed for Type=oneshot services")`,
          span: addsToUnit.valueSpan,
          unknown: {
            reason: `whether ${unit.name} has an ExecStart= of its own, which this drop-in's command is added to`,
            decide: `the unit it extends (systemctl cat ${unit.name}); an empty ExecStart= line before this one makes it replace the unit's command`,
          },
        };
  }
  if (!launchFailure && type === 'oneshot' && (restart === 'always' || restart === 'on-success')) {
    launchFailure = { exitCode: -1, reason: `systemd refuses Restart=${restart} for Type=oneshot services`, span: null };
  }
  if (!launchFailure && commands.length === 0 && !dropIn) {
    launchFailure = { exitCode: -1, reason: 'the unit has no ExecStart=, so systemd refuses to load it', span: null };
  }
  const exec = commands[0] ?? null;
  if (!exec && dropIn) argvUnknown = 'this drop-in does not set ExecStart=: the command line is in the unit it extends';
  // Drop-ins systemd merges into this unit that set its command, user, variables or network restrictions:
  // this file alone does not say what runs (a drop-in's "ExecStart=" then its own replaces this command).
  // A unit of the same name in a folder systemd reads first: this file is not what systemd loads.
  const shadow = dropIn ? null : (opts.unitShadowedBy ?? null);
  if (shadow && !argvUnknown) {
    launchFailure = null;
    argvUnknown = shadow.masked
      ? `${unit.name} is masked (${shadow.path} links to /dev/null): systemd starts no unit of that name, so this file does not run`
      : `systemd loads ${shadow.path} for ${unit.name}, not this file (a unit of the same name in a folder it reads first): this file does not run; lint that one (mchard lint ${shadow.path})`;
    const at = execAssignments[0]?.valueSpan ?? syntax.assignments[0]?.valueSpan ?? { start: 0, end: 0 };
    notes.push({ kind: 'delegated', span: at, message: argvUnknown, path: shadow.path });
  }
  const merged = dropIn ? [] : decisiveDropIns(opts.unitDropIns ?? []);
  const mergedSets = (key: string) => (opts.unitDropIns ?? []).some((d) => !d.read || d.keys.includes(`Service.${key}`));
  // What the unit alone makes systemd refuse, a drop-in may mend: its own command, its own Type=.
  if (launchFailure && !launchFailure.span && merged.length) {
    if ((/has no ExecStart=/.test(launchFailure.reason) && mergedSets('ExecStart')) || (/for Type=oneshot/.test(launchFailure.reason) && (mergedSets('Type') || mergedSets('Restart')))) launchFailure = null;
  }
  if (merged.length && !argvUnknown) {
    argvUnknown =
      `systemd merges into ${unit.name} ${merged.map((d) => `${d.path} (which ${d.what})`).join(', ')}: this file alone does not say what runs ` +
      `(systemctl cat ${unit.name} shows the merged unit; lint ${merged.length === 1 ? 'that drop-in' : 'those drop-ins'} too: mchard lint ${merged.map((d) => d.path).join(' ')})`;
    const at = execAssignments[0]?.valueSpan ?? syntax.assignments[0]?.valueSpan ?? { start: 0, end: 0 };
    notes.push({ kind: 'delegated', span: at, message: argvUnknown, path: merged[0].path });
  }

  for (const f of files) {
    if (f.state === 'failed' && !launchFailure) {
      launchFailure = { exitCode: -1, reason: `systemd cannot load ${f.path} (${f.reason}): "Failed to load environment files", memcached never starts`, span: f.assignment.valueSpan };
    }
    if (f.state !== 'read') {
      notes.push({ kind: 'environment-file', span: f.assignment.valueSpan, message: `${f.path}${f.optional ? ' (optional)' : ''}: ${f.reason}`, path: f.path, state: f.state });
    }
  }

  const lookup: EnvLookup = (name) => {
    for (let k = files.length - 1; k >= 0; k--) {
      const f = files[k];
      if (f.state === 'unknown') return 'unknown';
      const v = f.variables.get(name);
      if (v !== undefined) return { value: v, from: f.path, ...(f.shown === false ? { hidden: true } : {}) };
    }
    const e = env.get(name);
    if (e) return { value: e.value, from: `Environment= (line ${e.assignment.line})` };
    if (user && (name === 'USER' || name === 'LOGNAME')) return { value: user, from: `User= (systemd sets $${name})` };
    if (MANAGER_VARIABLES.test(name)) return 'unknown';
    // The unit a drop-in extends may set it (RHEL's EnvironmentFile=/etc/sysconfig/memcached does).
    if (dropIn) return 'unknown';
    return 'unset';
  };

  // Debian's wrapper, even where the rest of its ExecStart= does not parse as systemd reads it: in a
  // template (`/etc/memcached_<%= @name %>.conf`) the expression is rendered before systemd sees it, and
  // whatever the line holds after the program, the options are in the file the wrapper reads.
  if (!exec && !argvUnknown) {
    const wrapper = wrapperAssignment(execAssignments, source.text);
    if (wrapper) {
      argvUnknown = wrapperReason(wrapper.conf);
      notes.push({ kind: 'delegated', span: wrapper.programSpan, message: argvUnknown, path: wrapper.conf });
      if (wrapper.templated && launchFailure?.span && launchFailure.span.start >= wrapper.assignment.valueSpan.start && launchFailure.span.end <= wrapper.assignment.valueSpan.end) {
        launchFailure = null;
      }
    }
  }

  const argv: ArgToken[] = [];
  const tokenSources: TokenSource[] = [];
  const unknownVars: string[] = [];
  let argvExact = true;
  if (exec && !argvUnknown) {
    const program = exec.program.value;
    if (DEBIAN_WRAPPER.test(program)) {
      // A word that depends on the unit's name (`/etc/memcached_%i.conf` in a template unit) is shown as written.
      // The wrapper reads its one argument's file; with none or several it reads /etc/memcached.conf.
      const args = exec.prefixes.includes('@') ? exec.words.slice(1) : exec.words;
      const raw = args.length ? source.slice({ start: args[0].span.start, end: args[args.length - 1].span.end }) : '';
      // In a template, an expression with spaces (`{{ name }}`) is one word once rendered.
      const templated = args.length > 1 && TEMPLATE_EXPRESSION.test(raw);
      const first = args.length === 1 ? args[0] : null;
      const conf = templated ? raw : !first ? '/etc/memcached.conf' : first.inexact ? source.slice(first.span) : first.value;
      argvUnknown = wrapperReason(conf);
      notes.push({ kind: 'delegated', span: exec.program.span, message: argvUnknown, path: conf });
    } else if (!PROGRAM.test(program)) {
      argvUnknown = `ExecStart= runs ${show(program)}, not memcached, so the unit does not show memcached's options`;
      notes.push({ kind: 'other-program', span: exec.program.span, message: argvUnknown, program });
    } else {
      const expand = !exec.prefixes.includes(':');
      const skip = exec.prefixes.includes('@') ? 1 : 0;
      exec.words.forEach((w, wi) => {
        if (wi < skip) return;
        const raw = source.slice(w.span);
        const verbatim = raw === w.value;
        const push = (value: string, variable: string | null, exact: boolean, note?: string, hiddenFrom?: string, hiddenAt = 0) => {
          argv.push({ value, span: w.span, origin: 'file', exact, ...(note ? { note } : {}), ...(hiddenFrom ? { hiddenFrom, hiddenAt } : {}) });
          tokenSources.push({ word: wi, variable });
          argvExact &&= exact;
        };
        const plainNote = w.inexact ?? (verbatim ? undefined : `systemd reads ${show(raw)} as ${show(w.value)}`);
        if (!expand || !w.value.includes('$')) {
          push(w.value, null, w.inexact === null, plainNote);
          return;
        }
        const r = replaceEnvWord(w.value, lookup);
        if (r.kind === 'split') {
          if (r.lookup === 'unknown') unknownVars.push(r.name);
          else if (r.lookup === 'unset') {
            notes.push({ kind: 'unset-variable', span: w.span, message: `$${r.name} is not set, so this word gives memcached no argument at all`, name: r.name });
          } else {
            const { from, hidden } = r.lookup as EnvValue;
            for (const v of r.words) push(v, r.name, w.inexact === null, `from $${r.name} (${from})`, hidden ? from : undefined);
          }
          return;
        }
        for (const n of r.unknown) unknownVars.push(n);
        for (const name of r.unset) {
          notes.push({ kind: 'unset-variable', span: w.span, message: `\${${name}} is not set, so systemd puts an empty string in its place`, name });
        }
        const from = r.names.filter((n) => !r.unset.includes(n));
        // A value from a file the user did not name is used but never shown, in the note either.
        const hiddenIn = from.map((n) => lookup(n)).find((l): l is EnvValue => typeof l === 'object' && l.hidden === true);
        const readAs = hiddenIn ? `a value from ${hiddenIn.from}` : show(r.value);
        // The word's text before its first `$` is the unit's own; the file's value may start there.
        push(r.value, r.names.length === 1 ? r.names[0] : r.names.length ? r.names.join(',') : null, w.inexact === null, from.length || r.value !== raw ? `systemd reads ${show(raw)} as ${readAs}` : plainNote, hiddenIn?.from, w.value.indexOf('$'));
      });
      if (unknownVars.length) {
        const names = [...new Set(unknownVars)];
        const unread = files.filter((f) => f.state === 'unknown');
        const unknownFiles = unread.map((f) => f.path);
        // Which variables are unknown, which files mchard did not read and why, and what would decide them.
        // mchard reads an environment file as RHEL's memcached.service reads it (PORT=, USER=, MAXCONN=,
        // CACHESIZE=, OPTIONS=): linting it with --dialect sysconfig says nothing true of a unit whose command
        // takes other variables (SUSE's $MEMCACHED_USER and $MEMCACHED_PARAMS).
        const rhelVars = names.every((n) => RHEL_VARS.includes(n));
        const lintIt = rhelVars
          ? `lint that file (mchard lint --dialect sysconfig ${unknownFiles[0]})`
          : `mchard reads such a file only as RHEL's memcached.service reads it (PORT=, USER=, MAXCONN=, CACHESIZE=, OPTIONS=), not for this unit's ${names.map((n) => `$${n}`).join(', ')}`;
        argvUnknown = `memcached's options depend on ${names.map((n) => `$${n}`).join(', ')}, which ${
          unknownFiles.length
            ? `may be set in ${unknownFiles.join(', ')} (EnvironmentFile=), which mchard did not read (${unread[0].reason}): their values decide memcached's options; ${lintIt}`
            : dropIn
              ? `the unit this drop-in extends may set (its Environment= or EnvironmentFile=, such as /etc/sysconfig/memcached) or the service manager sets: systemctl cat ${unit.name} shows them`
              : 'the service manager sets'
        }`;
        // A template's %i in the same command (OpenMandriva's -p %i -U %i): the instance decides those words too.
        const instance = exec.words.map((w) => w.inexact).find((x) => x !== null && / is the instance name, /.test(x));
        if (instance) argvUnknown += `; and ${instance}`;
        notes.push({ kind: 'unknown-variable', span: exec.assignment.valueSpan, message: argvUnknown, names, files: unknownFiles });
      }
    }
  }
  // A unit systemd refuses to load runs nothing: whatever its ExecStart= names, memcached does not start.
  if (launchFailure && !launchFailure.unknown) argvUnknown = null;
  if (argvUnknown) argvExact = false;

  // Type=forking: systemd waits for ExecStart='s process to exit after forking. memcached forks only with -d
  // (-d, a cluster such as -vd, --daemon): without it the start never completes, and when TimeoutStartSec=
  // runs out systemd stops the unit, memcached with it (then Restart= may start it again).
  let startupUnknown: { reason: string; decide: string } | undefined;
  const mayDaemonize = argv.some((t) => clusterHasD(t.value) || t.value.startsWith('--daemon'));
  if (!launchFailure && exec && !argvUnknown && argvExact && type === 'forking' && !startTimeoutOff && !mayDaemonize) {
    startupUnknown = {
      reason: 'Type=forking waits for memcached to fork, which it does only with -d: systemd stops it when the start times out (TimeoutStartSec=, 90 s by default), so it runs only until then (and again whenever Restart= starts it)',
      decide: 'add -d to ExecStart=, or make the unit Type=simple',
    };
  }

  let startsAs: string | undefined;
  let startsAsUnknown: { reason: string; decide: string } | undefined;
  // A user unit (a systemd/user/ folder: ~/.config/systemd/user, /etc/systemd/user, /usr/lib/systemd/user):
  // the user's own service manager (systemctl --user) starts memcached as that user, never as root.
  const userUnit = /(^|\/)systemd\/user\/[^/]+\.service$/.test(withoutTemplateSuffix(source.path.replace(/\\/g, '/')));
  if (user !== null) startsAs = user === '0' ? 'root' : user;
  else if (dynamicUser) startsAs = unit.name.replace(/\.service$/, '').replace(/@.*$/, '');
  else if (userUnit && exec && !argvUnknown) startsAs = MANAGER_USER;
  else if (dropIn && exec && !argvUnknown) {
    // The unit the drop-in extends decides who systemd starts memcached as: Debian's and RHEL's units start
    // it as root (so -u decides), OpenMandriva's has User=memcached (so -u is ignored and none is needed).
    startsAs = UNIT_USER;
    startsAsUnknown = {
      reason: `this drop-in does not set User=, so the user systemd starts memcached as is the one ${unit.name} sets, if any (root honours -u, another user ignores it)`,
      decide: `the User= of ${unit.name} (systemctl cat ${unit.name})`,
    };
  }

  // ExecStart='s "+" prefix runs the command with full privileges, and "!" without the credential change:
  // either way systemd applies no User= (nor Group=), so memcached starts as root and -u decides ("!!"
  // changes nothing where the kernel has ambient capabilities: Linux 4.3 and later, every realistic host).
  let startsAsWhy: string | undefined;
  const elevated = exec && !argvUnknown ? (exec.prefixes.includes('+') ? '+' : exec.prefixes.includes('!') && !exec.prefixes.includes('!!') ? '!' : null) : null;
  if (elevated && (user !== null || dynamicUser)) {
    startsAs = 'root';
    startsAsUnknown = undefined;
    startsAsWhy = `ExecStart='s "${elevated}" prefix makes systemd ignore ${user !== null ? `User=${user}` : 'DynamicUser='}`;
  }

  // The accounts systemd looks up before it runs the command (execute.c: get_fixed_user(), then
  // get_fixed_group()): a name no passwd or group entry has fails the start with 217/USER or 216/GROUP
  // (systemd.exec(5), "Process exit codes"). Not with DynamicUser= (systemd makes the account), nor
  // where a + or ! prefix makes systemd ignore User=; a numeric ID is left to the host.
  const managerAccounts: ManagerAccount[] = [];
  if (!dynamicUser && !elevated && exec && !argvUnknown) {
    const named = (name: string) => name !== '' && !/^\d+$/.test(name);
    if (user !== null && userSetting && named(user)) {
      managerAccounts.push({ kind: 'user', name: user, setting: 'User=', span: userSetting.valueSpan, exitCode: 217, status: '217/USER', manager: 'systemd' });
    }
    if (group && named(group.name)) {
      managerAccounts.push({ kind: 'group', name: group.name, setting: 'Group=', span: group.at.valueSpan, exitCode: 216, status: '216/GROUP', manager: 'systemd' });
    }
  }

  const network = readUnitNetwork(syntax.assignments, exec?.prefixes ?? '', dropIn);
  const sandbox = sandboxOf(network);

  notes.sort((x, y) => x.span.start - y.span.start || x.span.end - y.span.end);
  return {
    dialect: 'systemd',
    source,
    argv,
    argvExact,
    launchFailure,
    notes,
    ...(startsAs !== undefined ? { startsAs } : {}),
    ...(startsAsUnknown ? { startsAsUnknown } : {}),
    ...(startsAsWhy ? { startsAsWhy } : {}),
    ...(managerAccounts.length ? { managerAccounts } : {}),
    ...(startupUnknown ? { startupUnknown } : {}),
    unit,
    dropIn,
    // A drop-in is read as part of the unit it extends: the one its NAME.service.d/ folder names.
    ...(dropIn
      ? { readBy: unit.guessed ? `systemd, as a drop-in for the service unit its folder names (NAME.service.d/; mchard assumes ${unit.name})` : `systemd, as a drop-in for ${unit.name}` }
      : {}),
    syntax,
    serviceType,
    user,
    environment: env,
    environmentFiles: files,
    execAssignments,
    execCommands: commands,
    exec,
    tokenSources,
    argvUnknown,
    network,
    ...(sandbox ? { sandbox } : {}),
    print: () => syntax.lines.map((l) => l.text + l.eol).join(''),
  };
}

const TEMPLATE_EXPRESSION = /<%|%>|\{\{|\}\}|\{%|%\}/;

/**
 * What the unit forbids memcached's sockets, for the start-up model: blocked families (certain on x86-64
 * and arm64, where systemd's seccomp filter works), PrivateNetwork='s loopback-only namespace, and
 * SocketBindDeny= (the host decides: systemd applies it only when built with its BPF framework).
 */
function sandboxOf(net: UnitNetwork): SocketSandbox | null {
  const bind = net.bindDeny.length > 0;
  if (!net.families && !net.privateNetwork && !bind && net.familiesUndecided.size === 0) return null;
  const where = net.dropIn ? ' in this drop-in' : '';
  return {
    familyBlocked: (family) => {
      const why = familyBlocked(net, family);
      return why ? `${why}${where}` : null;
    },
    familyNote: "; systemd's seccomp filter does this on x86-64 and arm64, and cannot on 32-bit x86, s390x or ppc64",
    familyUnknown: (family) =>
      net.familiesUndecided.has(family)
        ? {
            depends: 'host' as const,
            reason: `whether ${family} is blocked: this drop-in's RestrictAddressFamilies= merges with the unit's own (an allow-list adds to the unit's allow-list), and it does not reset it first with an empty "RestrictAddressFamilies="`,
            decide: 'the unit it extends (systemctl cat memcached.service)',
          }
        : null,
    ...(bind
      ? {
          bindBlocked: (family: 'ipv4' | 'ipv6', transport: 'tcp' | 'udp', port: number) => {
            const r = bindBlocked(net, family, transport, port);
            if (!r) return null;
            return {
              why: `SocketBindDeny=${r.text}${net.bindAllow.length ? ` and no SocketBindAllow= for ${family}:${transport}:${port}` : ''}`,
              unknown: {
                depends: 'host' as const,
                reason: 'systemd applies SocketBindDeny= only when built with its BPF framework (Fedora\'s and Arch\'s are; Debian 12\'s is not and ignores it, so memcached starts)',
                decide: '"systemctl --version" on the host: +BPF_FRAMEWORK applies it',
              },
            };
          },
        }
      : {}),
    ...(net.privateNetwork ? { loopbackOnly: `PrivateNetwork=yes${net.dropIn ? ' in this drop-in' : ''}` } : {}),
  };
}

/**
 * Who a user unit starts memcached as: the user whose service manager (systemctl --user) loads it, never
 * root, so -u is ignored (a placeholder for that account's name, which the host decides).
 */
const MANAGER_USER = '(the user whose systemd --user runs the unit)';

/** Who a drop-in without User= starts memcached as: the unit it extends decides (a placeholder, not root). */
const UNIT_USER = "(the unit's User=: unknown)";

/** MC910's words for a unit that runs Debian's wrapper. */
function wrapperReason(conf: string): string {
  const expr = /<%|%>|\{\{|\{%|%[a-zA-Z]/.test(conf);
  return `the unit runs Debian's wrapper, which reads memcached's options from ${conf}${expr ? ' (once the unit is rendered and instantiated)' : ''}: lint that file${expr ? '' : ` (mchard lint ${conf})`}`;
}

/**
 * The ExecStart= that runs Debian's wrapper, read from its raw text: the first word after systemd's
 * prefixes, and the second as written (the file the wrapper reads; its default without one).
 */
function wrapperAssignment(assignments: readonly UnitAssignment[], text: string): { assignment: UnitAssignment; programSpan: Span; conf: string; templated: boolean } | null {
  let last: UnitAssignment[] = [];
  for (const a of assignments) last = a.value === '' ? [] : [...last, a];
  for (const a of last) {
    const raw = text.slice(a.valueSpan.start, a.valueSpan.end);
    const m = /^([-@:+!]*)(\S+)(?:[ \t]+(.*?))?[ \t]*$/s.exec(raw);
    if (!m || !DEBIAN_WRAPPER.test(m[2])) continue;
    const start = a.valueSpan.start + m[1].length;
    return {
      assignment: a,
      programSpan: { start, end: start + m[2].length },
      conf: m[3] && !m[1].includes('@') ? m[3] : '/etc/memcached.conf',
      templated: TEMPLATE_EXPRESSION.test(raw),
    };
  }
  return null;
}

export const systemdDialect: Dialect = {
  name: 'systemd',
  title: 'systemd service unit or drop-in',
  /** Debian's and Ubuntu's memcached user (the RHEL unit takes its user from /etc/sysconfig/memcached). */
  defaultUser: 'memcache',
  commentChars: '#;',
  parse: (source, context?: ParseContext) => parseSystemd(source, { hostFiles: context?.hostFiles, unitDropIns: context?.unitDropIns, unitShadowedBy: context?.unitShadowedBy }),
  /** The end of the ExecStart= value that runs memcached (after `$OPTIONS`, so an added option wins). */
  insertionPoint(config) {
    const exec = (config as SystemdConfig).exec;
    const at = exec ? exec.assignment.valueSpan.end : config.source.text.length;
    return { start: at, end: at };
  },
};

/** A word `-` then letters, `d` among them (`/^-[A-Za-z]*d/`, as a scan: test/engine/char-scans.test.ts). */
export function clusterHasD(v: string): boolean {
  if (v.charCodeAt(0) !== 45) return false;
  for (let k = 1; k < v.length && isAsciiLetterCode(v.charCodeAt(k)); k++) if (v[k] === 'd') return true;
  return false;
}
