/**
 * The FreeBSD dialect: `/etc/rc.conf` (or `rc.conf.local`, `rc.conf.d/memcached`) as the memcached rc.d
 * script of the ports tree reads it. rc.subr sources the file with `sh`; every variable that is not the
 * script's is kept and ignored.
 *
 * Followed (facts only, in our words): freebsd-ports `databases/memcached/files/memcached.in` at
 * 50aecb67a606, and rc.subr's `run_rc_command` (freebsd-src `libexec/rc/rc.subr`):
 * - defaults, applied after the file: memcached_enable="NO" and memcached_user="nobody", each only when
 *   the variable is unset (`: ${var="..."}`, so an empty value stays empty);
 * - `command_args` is `-d -u ${memcached_user} -P ${pidfile} `, pidfile `/var/run/memcached/memcached.pid`;
 * - rc.subr builds `$command $rc_flags $command_args`, where rc_flags is memcached_flags: the flags come
 *   *before* the script's arguments, so a `-u` or `-P` in memcached_flags is overridden;
 * - the script does not unset memcached_user, so rc.subr runs that string as
 *   `su -m USER -c 'sh -c "..."'` (unless USER is the user rc runs as, root) and the whole text is read
 *   again by the shell: quotes and `;`, `#`, `|`, `&` inside memcached_flags are shell syntax there;
 * - the service starts at boot only when memcached_enable is YES, TRUE, ON or 1 (any case);
 * - with memcached_profiles="a b", the script starts one instance per profile whose
 *   `memcached_<p>_enable` (else memcached_enable) is yes, with `memcached_<p>_flags` (when non-empty,
 *   else memcached_flags) and the pid file `/var/run/memcached/memcached.<p>.pid`; the instance without a
 *   profile is not started then. mchard checks one profile (the first enabled one) and notes the others.
 */
import type { ArgToken, ArgUnknown, SourceText, Span } from '../source.js';
import type { Dialect, LaunchFailure, Note, ParsedConfig } from './types.js';
import { parseShellCommand, type SourcedChar } from './shell.js';
import { commandThatMaySet, describeCommand, mayBeSetBy, parseShVars, printLines, show, spanOfChars, splitFields, type ShAssignment, type ShVarsFile, type ShVarsNote } from './sh-vars.js';
import { pointInValue } from './openrc.js';

export interface RcconfOptions {
  /** The profile to check (one of memcached_profiles); the first enabled one when omitted. */
  profile?: string;
  /** Every profile is read as an instance of its own (the note says so). */
  eachProfile?: boolean;
}

/**
 * What the rc.conf dialect notes, besides the shell file's own notes: the profile checked (`profiles`), an
 * instance rc does not start at boot (`not-enabled`), values read by more than one shell (`nested-shell`),
 * and what the flags do once the rc.d script's shell reads them (`shell-redirect`, `shell-extra-command`,
 * a flag word that depends on the host: `host-dependent` with `what`).
 */
export type RcconfNote =
  | ShVarsNote
  | (Note<'profiles'> & { readonly profile: string | null; readonly others: readonly string[] })
  | (Note<'not-enabled'> & { readonly key: string; readonly value: string | null })
  | (Note<'nested-shell'> & { readonly key?: string })
  | (Note<'shell-redirect'> & { readonly text: string })
  | (Note<'shell-extra-command'> & { readonly operator: string })
  | (Note<'host-dependent'> & { readonly what: string });

export interface RcconfConfig extends ParsedConfig<RcconfNote> {
  readonly dialect: 'rcconf';
  readonly vars: ShVarsFile;
  /** The profile whose instance the argv is for, or null without profiles. */
  readonly profile: string | null;
  readonly profiles: readonly string[];
  /** The variable whose words reach memcached as flags (memcached_flags or memcached_<p>_flags). */
  readonly flagsVariable: string;
  /** Whether rc starts this instance at boot. */
  readonly enabled: boolean;
  /** The value of memcached_user after the script's default. */
  readonly user: string;
}

const YES = /^(yes|true|on|1)$/i;
const NO = /^(no|false|off|0)$/i;
/** Characters the three shells of `su -m USER -c 'sh -c "..."'` do not all read alike. */
const NESTED_SPECIAL = /['"\\$`!]/;
const PIDDIR = '/var/run/memcached';

/** The most profiles read one by one; beyond, the first ones (the note names the profiles). */
const MAX_PROFILES = 32;

/**
 * An rc.conf with memcached_profiles="a b": the rc.d script starts one memcached per enabled profile, each
 * with its own flags, so each profile is an instance of the file (`parts`), the first enabled one first.
 */
export function parseAllProfiles(source: SourceText): RcconfConfig {
  const first = parseRcconf(source, { eachProfile: true });
  // With one profile or none the note reads as for a single instance: the first reading is the file's.
  if (first.profiles.length <= 1 || first.profile === null) return first;
  const order = [first.profile, ...first.profiles.filter((p) => p !== first.profile)].filter((p, i, all) => all.indexOf(p) === i).slice(0, MAX_PROFILES);
  const parts = order.map((p) => Object.assign(p === first.profile ? first : parseRcconf(source, { profile: p, eachProfile: true }), { partName: `profile ${p}` }));
  return Object.assign(first, { parts });
}

export function parseRcconf(source: SourceText, opts: RcconfOptions = {}): RcconfConfig {
  const vars = parseShVars(source.text);
  const env = vars.env;
  const notes: RcconfNote[] = [...vars.notes];
  const val = (name: string) => env.get(name)?.value;
  const whole: Span = { start: 0, end: 0 };

  const profiles = splitFields(env.get('memcached_profiles')?.chars ?? []).map((f) => f.map((c) => c.ch).join(''));
  const enableOf = (p: string | null) => (p !== null && val(`memcached_${p}_enable`)) || val('memcached_enable');
  let profile: string | null = null;
  if (profiles.length) {
    profile = opts.profile !== undefined && profiles.includes(opts.profile) ? opts.profile : (profiles.find((p) => YES.test(enableOf(p) ?? '')) ?? profiles[0]);
    const others = profiles.filter((p) => p !== profile);
    notes.push({
      kind: 'profiles',
      span: env.get('memcached_profiles')!.span,
      message:
        opts.eachProfile && others.length
          ? `memcached_profiles starts one memcached per enabled profile and none without a profile; mchard checks each profile as its own instance (${profiles.map((p) => show(p)).join(', ')})`
          : `memcached_profiles starts one memcached per enabled profile and none without a profile; mchard checks profile ${show(profile)}` +
            (others.length ? ` (not checked: ${others.map((p) => show(p)).join(', ')})` : ''),
      profile, others,
    });
  }

  // Enabled at boot?
  const enableName = profile !== null && val(`memcached_${profile}_enable`) ? `memcached_${profile}_enable` : 'memcached_enable';
  const enableValue = val(enableName) ?? 'NO';
  const enabled = YES.test(enableValue);
  if (!enabled) {
    const a = env.get(enableName);
    notes.push({
      kind: 'not-enabled',
      span: a?.span ?? whole,
      message: !a
        ? `${enableName} is not set in this file, so unless another rc.conf file sets it to YES, rc does not start memcached at boot`
        : NO.test(enableValue)
          ? `${enableName}=${show(enableValue)}: rc does not start memcached at boot (only "service memcached onestart" does)`
          : `${enableName}=${show(enableValue)} is neither yes nor no: rc warns and does not start memcached at boot`,
      key: enableName,
      value: enableValue ?? null,
    });
  }

  // The flags: the profile's when non-empty (the script's `${memcached_<p>_flags:-${memcached_flags}}`).
  const profileFlags = profile !== null ? env.get(`memcached_${profile}_flags`) : undefined;
  const flags = profileFlags && profileFlags.value !== '' ? profileFlags : env.get('memcached_flags');
  const flagsVariable = profileFlags && profileFlags.value !== '' ? profileFlags.name : 'memcached_flags';
  const userAsg = env.get('memcached_user');
  const user = userAsg ? userAsg.value : 'nobody';
  const pidfile = profile !== null ? `${PIDDIR}/memcached.${profile}.pid` : `${PIDDIR}/memcached.pid`;
  // rc.subr drops `su` when the user is the one rc runs as (root at boot).
  const viaSu = user !== '' && user !== 'root';

  let exact = vars.exact && vars.syntaxError === null;
  /** Why the vector depends on the host when no word of it says so itself (the first reason found). */
  let why: string | null = vars.commands.length ? describeCommand(vars.commands[0]) : null;
  const inexactBecause = (a: ShAssignment | undefined) => {
    if (a && !a.exact) {
      exact = false;
      why ??= `the value of ${a.name} depends on the host: ${a.inexact}`;
    }
  };
  // A command the file runs (`. /etc/rc.conf.local`, a function) may set any variable: the flags or the
  // user it sets after the file's own assignment (or in its place) are not what the file shows.
  const elsewhere = (name: string, kind: 'opaque' | 'value'): ArgUnknown | null => {
    const cmd = commandThatMaySet(vars, name);
    if (!cmd) return null;
    return { kind, depends: 'host', reason: mayBeSetBy(vars, name, cmd), decide: 'what that command does on the host (the file it sources, say)', at: 0 };
  };
  const flagsElsewhere = elsewhere(flagsVariable, 'opaque');
  const userElsewhere = elsewhere('memcached_user', 'value');
  inexactBecause(flags);
  inexactBecause(userAsg);
  if (profile !== null && flags && flags.name === 'memcached_flags' && /["'\\$`}]/.test(flags.value)) {
    exact = false;
    why ??= `for profile ${show(profile)} the script reads memcached_flags once more with eval`;
    notes.push({
      kind: 'nested-shell',
      span: flags.valueSpan,
      message: `for profile ${show(profile)} the script copies memcached_flags with eval into \${memcached_${profile}_flags:-...}, which reads its quotes, backslashes, "$" and "}" once more`,
    });
  }
  if (viaSu) {
    for (const a of [flags, userAsg]) {
      if (a && NESTED_SPECIAL.test(a.value)) {
        exact = false;
        why ??= `rc.subr passes ${a.name} through su -m ${user} -c 'sh -c "..."', three shells mchard does not follow`;
        notes.push({
          kind: 'nested-shell',
          span: a.valueSpan,
          message: `rc.subr starts memcached with su -m ${user} -c 'sh -c "..."', so the value of ${a.name} is read by three shells in turn; mchard does not follow its quotes, backslashes, "$" and "!" through them`,
          key: a.name,
        });
      }
    }
  }

  // The command line rc.subr evaluates: `<flags> -d -u <user> -P <pidfile> `. Each character points into
  // `pool` (its source range, or null for the script's own text), so words map back to the file.
  const pool: ({ start: number; end: number } | null)[] = [];
  const chars: SourcedChar[] = [];
  const put = (ch: string, src: { start: number; end: number } | null) => {
    chars.push({ ch, offset: pool.length });
    pool.push(src);
  };
  const putText = (s: string) => [...s].forEach((ch) => put(ch, null));
  for (const c of flags?.chars ?? []) put(c.ch, c);
  putText(' -d -u ');
  const userStart = chars.length;
  if (userAsg) for (const c of userAsg.chars) put(c.ch, c);
  else putText(user);
  const userEnd = chars.length;
  putText(` -P ${pidfile} `);

  const sh = parseShellCommand(chars, { path: source.path });
  const fromPool = (span: Span | null) => (span ? pool.slice(span.start, span.end).filter((p): p is { start: number; end: number } => p !== null) : []);
  const flagsEnd = flags?.chars.length ?? 0;
  const unknownWord = (w: { value: string }, span: Span | null, u: ArgUnknown): ArgToken => ({ value: w.value, span, origin: 'file', exact: false, unknown: u, note: `depends on the host: ${u.reason}` });
  const argv: ArgToken[] = sh.words.map((w) => {
    const srcs = fromPool(w.span);
    const span = spanOfChars(srcs);
    const inUser = w.span !== null && w.span.start >= userStart && w.span.end <= userEnd;
    const inFlags = w.span !== null && w.span.start < flagsEnd;
    if (inUser && userElsewhere) return unknownWord(w, span, userElsewhere);
    if (inFlags && flagsElsewhere) return unknownWord(w, span, flagsElsewhere);
    if (!span) {
      const isUserFlag = w.value === '-u' && w.span !== null && w.span.end === userStart - 1;
      const note = inUser ? 'memcached_user is not set, so the rc.d script uses its default, nobody' : undefined;
      return { value: w.value, span: isUserFlag && userAsg ? userAsg.span : null, origin: 'unit' as const, exact: w.exact, ...(note ? { note } : {}) };
    }
    const shown = source.slice(span);
    const note = !w.exact
      ? `depends on the host: ${w.inexact}`
      : !exact && why
        ? `depends on the host: ${why}`
        : shown !== w.value
          ? `the shell reads ${show(shown)} as ${show(w.value)}`
          : undefined;
    return { value: w.value, span, origin: 'file' as const, exact: w.exact && exact, ...(note ? { note } : {}) };
  });
  // No flags in the file, but a command that may set them: they may be any options.
  if (flagsElsewhere && flagsEnd === 0) argv.unshift({ value: `\${${flagsVariable}}`, span: null, origin: 'file', exact: false, unknown: flagsElsewhere, note: `depends on the host: ${flagsElsewhere.reason}` });
  if (!sh.words.every((w) => w.exact) || sh.extraCommands.length) exact = false;

  const mapped = (s: Span | null): Span => spanOfChars(fromPool(s)) ?? flags?.valueSpan ?? whole;
  for (const r of sh.redirects) {
    notes.push({ kind: 'shell-redirect', span: mapped(r.span), message: `"${r.text.trim()}" in ${flagsVariable} is a shell redirection, not an argument for memcached`, text: r.text });
  }
  for (const e of sh.extraCommands) {
    notes.push({
      kind: 'shell-extra-command',
      span: mapped(e.span),
      message: `after "${e.operator}" in ${flagsVariable} rc runs further commands (as root at boot), and the rc.d script's own -d -u ${user} -P ... no longer reach memcached`,
      operator: e.operator,
    });
  }
  for (const h of sh.hostDependent) notes.push({ kind: 'host-dependent', span: mapped(h.span), message: `the argument depends on the host: ${h.what}`, what: h.what });

  let launchFailure: LaunchFailure | null = null;
  if (profile !== null && /[*?[]/.test(profile)) exact = false;
  if (vars.syntaxError) {
    launchFailure = { exitCode: 2, reason: `sh: ${vars.syntaxError.message}: rc cannot source the file, so memcached (and every later service) is not configured`, span: vars.syntaxError.span };
  } else if (profile !== null && !/^[A-Za-z0-9_]+$/.test(profile)) {
    // The script evals `${memcached_<profile>_enable:-...}`: a profile that is not a name part is a bad substitution.
    launchFailure = { exitCode: 2, reason: `the profile ${show(profile)} cannot be part of a variable name, so the rc.d script fails ("Bad substitution") before starting memcached`, span: env.get('memcached_profiles')!.valueSpan };
  } else if (sh.syntaxError) {
    launchFailure = { exitCode: 2, reason: `sh: ${sh.syntaxError.message} in the command rc.subr builds from ${flagsVariable}; memcached never starts`, span: mapped(sh.syntaxError.span) };
  }
  if (launchFailure) exact = false;

  notes.sort((x, y) => x.span.start - y.span.start);
  return {
    dialect: 'rcconf',
    vars,
    profile,
    profiles,
    flagsVariable,
    enabled,
    user,
    source,
    argv,
    argvExact: exact,
    launchFailure,
    notes,
    // su -m USER starts memcached as that user, so its -u is neither needed nor honoured. Whether su is
    // used at all depends on the user, when a command may set it.
    ...(userElsewhere ? { startsAsUnknown: { reason: userElsewhere.reason, decide: userElsewhere.decide } } : viaSu ? { startsAs: user } : {}),
    print: () => printLines(vars.lines),
  };
}

/** FreeBSD `rc.conf`, read by the memcached rc.d script of the ports tree. */
export const rcconfDialect: Dialect = {
  name: 'rcconf',
  title: 'FreeBSD rc.conf (memcached_flags, memcached_user)',
  defaultUser: 'nobody',
  commentChars: '#',
  parse: (source) => parseAllProfiles(source),
  /** memcached_user for -u; otherwise inside the flags' value; otherwise the end of the file. */
  insertionPoint(config, letter) {
    const c = config as RcconfConfig;
    const text = c.source.text;
    const target = (letter === 'u' && c.vars.env.get('memcached_user')) || c.vars.env.get(c.flagsVariable);
    return target ? pointInValue(text, target) : { start: text.length, end: text.length };
  },
  variableFor: (letter) => (letter === 'u' ? 'memcached_user' : null),
};
