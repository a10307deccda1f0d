/**
 * The supervisord dialect: a `[program:NAME]` section whose `command=` runs memcached, read the way
 * supervisor 4 does it.
 *
 * - The file is read by `configparser` with supervisor's settings (see `configparser.ts`): `=` or `:`
 *   separates a name from its value, `;`/`#` after whitespace starts a comment, indented lines continue
 *   a value, a later option of the same name wins.
 * - `command=` is expanded with Python's `%` operator (supervisor/options.py `expand()`): `%%` is `%`,
 *   `%(name)s` is one of `here` (the file's directory), `program_name`, `group_name`, `host_node_name`,
 *   `process_num`, `numprocs`, or `ENV_X` (from the section's or `[supervisord]`'s `environment=`, else
 *   supervisord's own environment, which depends on the host). The rest of Python's printf syntax works
 *   too (`%(process_num)02d`, supervisor's own example: process_num and numprocs are ints). A name it
 *   does not know, a `%` without a name, or a conversion Python rejects makes supervisord refuse the file.
 * - The expanded text is split with `shlex.split()` (supervisor/process.py `get_execv_args`, see
 *   `pyshlex.ts`); the first word is the program, the rest is memcached's argv.
 * - `user=` makes supervisord (running as root) switch to that user before exec, so memcached does not
 *   start as root; without it memcached starts as root, or as `[supervisord]`'s `user=` if supervisord
 *   itself drops to one.
 * The program chosen is the first `[program:...]` section whose command runs a file named `memcached`;
 * other ones are reported in a note.
 */
import type { ArgToken, SourceText, Span } from '../source.js';
import type { Dialect, LaunchFailure, ManagerAccount, Note, ParseErrorNote, ParsedConfig } from './types.js';
import { parseIni, type IniFile, type IniLine, type IniOption, type IniSection } from './configparser.js';
import { pyShlexSplit } from './pyshlex.js';
import { appendAll, spreadChars, tokenOf, valueOf, type SrcChar } from './sourced.js';

export interface SupervisordProgram {
  /** The section name, `program:memcached`. */
  readonly section: string;
  readonly name: string;
  readonly command: IniOption | null;
  readonly user: IniOption | null;
  /** The command's words, argv[0] included, or null when supervisord cannot expand or split it. */
  readonly words: readonly ArgToken[] | null;
}

/**
 * What the supervisord dialect notes: a file supervisord cannot read (`parse-error`), another program that
 * runs memcached (`other-program`), an argument that depends on the host (`value`), the user supervisord
 * starts memcached as (`starts-as`), and `autostart=false` (`not-autostarted`).
 */
export type SupervisordNote =
  | ParseErrorNote
  | (Note<'other-program'> & { readonly section: string })
  | (Note<'host-dependent'> & { readonly value: string })
  | (Note<'starts-as'> & { readonly user: string })
  | Note<'not-autostarted'>;

export interface SupervisordConfig extends ParsedConfig<SupervisordNote> {
  readonly dialect: 'supervisord';
  readonly lines: readonly IniLine[];
  readonly ini: IniFile;
  /** The program that runs memcached (null when none does). */
  readonly program: SupervisordProgram | null;
}

interface Expanded {
  chars: SrcChar[];
  error: string | null;
}

/** What an expansion name stands for: a string, or an int (`process_num`, `numprocs`), as supervisor passes them. */
export interface Expansion {
  value: string;
  dep?: string;
  int?: boolean;
}

/**
 * Python's `s % expansions` for a supervisord value, keeping where each character came from: the whole
 * `%(name)[flags][width][.precision][length]conversion` syntax, with `process_num` and `numprocs` ints
 * (so `%(process_num)02d`, supervisor's own example, works) and every other name a string (so
 * `%(program_name)d` is a TypeError supervisord reports as "badly formatted").
 */
export function expandPercent(chars: readonly SrcChar[], lookup: (name: string) => Expansion | null, label: string): Expanded {
  const out: SrcChar[] = [];
  const text = valueOf(chars);
  const bad = (why: string): Expanded => ({ chars: out, error: `Format string ${pyRepr(text)} for ${pyRepr(label)} is badly formatted: ${why}` });
  for (let k = 0; k < chars.length; k++) {
    if (chars[k].ch !== '%') {
      out.push(chars[k]);
      continue;
    }
    const next = chars[k + 1]?.ch;
    if (next === '%') {
      out.push({ ch: '%', span: mergeSpan(chars[k], chars[k + 1]) });
      k++;
      continue;
    }
    // Without a mapping key Python wants positional arguments, and supervisor passes a dict.
    if (next !== '(') return bad(next === undefined ? 'incomplete format' : 'format requires a mapping');
    let e = k + 2;
    let depth = 1;
    while (e < chars.length && depth > 0) {
      if (chars[e].ch === '(') depth++;
      else if (chars[e].ch === ')') depth--;
      if (depth > 0) e++;
    }
    if (e >= chars.length) return bad('incomplete format key');
    const name = valueOf(chars.slice(k + 2, e));
    const found = lookup(name);
    if (!found) return { chars: out, error: `Format string ${pyRepr(text)} for ${pyRepr(label)} contains names ('${name}') which cannot be expanded` };
    // The conversion specifier after the key.
    let j = e + 1;
    let flags = '';
    while (j < chars.length && '-+ #0'.includes(chars[j].ch)) flags += chars[j++].ch;
    let width = '';
    if (chars[j]?.ch === '*') return { chars: out, error: `Format string ${pyRepr(text)} for ${pyRepr(label)} is badly formatted: * wants int` };
    while (j < chars.length && /[0-9]/.test(chars[j].ch)) width += chars[j++].ch;
    let precision: string | null = null;
    if (chars[j]?.ch === '.') {
      j++;
      if (chars[j]?.ch === '*') return bad('* wants int');
      precision = '';
      while (j < chars.length && /[0-9]/.test(chars[j].ch)) precision += chars[j++].ch;
    }
    while (j < chars.length && 'hlL'.includes(chars[j].ch)) j++;
    const conv = chars[j]?.ch;
    if (conv === undefined) return bad('incomplete format');
    const formatted = pyFormat(found, conv, flags, width === '' ? 0 : Number(width), precision === null ? null : Number(precision || '0'));
    if (formatted.error !== null) {
      return formatted.error === 'unsupported'
        ? bad(`unsupported format character '${conv}' (0x${conv.codePointAt(0)!.toString(16)}) at index ${j}`)
        : bad(formatted.error);
    }
    appendAll(out, spreadChars(formatted.value, mergeSpan(chars[k], chars[j]), found.dep));
    k = j;
  }
  return { chars: out, error: null };
}

/** One `%` conversion of Python's printf-style formatting, for a string or an int value. */
function pyFormat(v: Expansion, conv: string, flags: string, width: number, precision: number | null): { value: string; error: string | null } {
  const pad = (body: string, numeric: boolean): string => {
    if (body.length >= width) return body;
    if (flags.includes('-')) return body + ' '.repeat(width - body.length);
    if (numeric && flags.includes('0')) {
      const sign = /^[-+ ]/.test(body) ? body[0] : '';
      const rest = body.slice(sign.length);
      const prefix = /^0[xXo]/.test(rest) && flags.includes('#') ? rest.slice(0, 2) : '';
      return sign + prefix + '0'.repeat(width - body.length) + rest.slice(prefix.length);
    }
    return ' '.repeat(width - body.length) + body;
  };
  const sign = (n: number): string => (n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '');
  switch (conv) {
    case '%':
      return { value: '%', error: null };
    case 's':
    case 'r':
    case 'a': {
      let body = conv === 's' || v.int ? v.value : pyRepr(v.value);
      if (precision !== null) body = body.slice(0, precision);
      return { value: pad(body, false), error: null };
    }
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      if (!v.int) return { value: '', error: `%${conv} format: ${conv === 'd' || conv === 'i' || conv === 'u' ? 'a real number' : 'an integer'} is required, not str` };
      const n = Number(v.value);
      let digits = Math.abs(n).toString(conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10);
      if (conv === 'X') digits = digits.toUpperCase();
      if (precision !== null && digits.length < precision) digits = '0'.repeat(precision - digits.length) + digits;
      const alt = flags.includes('#') ? (conv === 'o' ? '0o' : conv === 'x' ? '0x' : conv === 'X' ? '0X' : '') : '';
      return { value: pad(sign(n) + alt + digits, true), error: null };
    }
    case 'c': {
      if (v.int) return { value: pad(String.fromCodePoint(Number(v.value)), false), error: null };
      if ([...v.value].length !== 1) return { value: '', error: '%c requires an int or a unicode character, not a string of length ' + [...v.value].length };
      return { value: pad(v.value, false), error: null };
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (!v.int) return { value: '', error: 'must be real number, not str' };
      const n = Number(v.value);
      const p = precision ?? 6;
      let body: string;
      const exp = (x: number, q: number) => x.toExponential(q).replace(/e([+-])(\d)$/, 'e$10$2');
      if (conv === 'f' || conv === 'F') body = Math.abs(n).toFixed(p);
      else if (conv === 'e' || conv === 'E') body = exp(Math.abs(n), p);
      else {
        const q = p === 0 ? 1 : p;
        const x = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
        body = x >= -4 && x < q ? Math.abs(n).toFixed(Math.max(0, q - 1 - x)) : exp(Math.abs(n), q - 1);
        if (!flags.includes('#')) body = body.replace(/\.?0+(?=e|$)/, (m) => (m.startsWith('.') || body.includes('.') ? '' : m));
      }
      // The alternate form always keeps the decimal point.
      if (flags.includes('#') && !body.includes('.')) body = body.replace(/(?=e|$)/, '.');
      if (conv === 'E' || conv === 'G') body = body.toUpperCase();
      return { value: pad(sign(n) + body, true), error: null };
    }
  }
  return { value: '', error: 'unsupported' };
}

function mergeSpan(a: SrcChar, b: SrcChar): Span | null {
  if (!a.span || !b.span) return a.span ?? b.span;
  return { start: Math.min(a.span.start, b.span.start), end: Math.max(a.span.end, b.span.end) };
}

function pyRepr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/**
 * supervisor's `dict_of_key_value_pairs` for `environment=`: `KEY=value,KEY2="value 2"` (shlex with
 * `=` and `,` as separators). Good enough for the ENV_ names a command uses; values holding `%(...)s`
 * are taken as host-dependent.
 */
export function environmentPairs(value: string): Map<string, string> {
  const out = new Map<string, string>();
  const words: string[] = [];
  let cur = '';
  let has = false;
  let q: string | null = null;
  for (let k = 0; k < value.length; k++) {
    const c = value[k];
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && (value[k + 1] === '"' || value[k + 1] === '\\')) cur += value[++k];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      q = c;
      has = true;
    } else if (c === '=' || c === ',') {
      if (has || cur) words.push(cur);
      words.push(c);
      cur = '';
      has = false;
    } else if (/\s/.test(c)) {
      if (has || cur) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) words.push(cur);
  const toks = words.filter((w) => w !== ',');
  for (let i = 0; i + 2 < toks.length + 1; i += 3) {
    if (toks[i + 1] !== '=') break;
    out.set(toks[i], toks[i + 2] ?? '');
  }
  return out;
}

const isMemcachedProgram = (word: string) => /(^|\/)memcached$/.test(word);

function option(ini: IniFile, section: IniSection, key: string): IniOption | null {
  return section.options.get(key) ?? ini.sections.get('DEFAULT')?.options.get(key) ?? null;
}

function dirOf(path: string): string {
  const norm = path.replace(/\\/g, '/');
  const i = norm.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : norm.slice(0, i);
}

/** The most processes of one program mchard reads one by one (numprocs=); beyond, the rest is said to be unchecked. */
const MAX_PROCESSES = 32;

/**
 * A supervisord file. A program with numprocs=N whose command names %(process_num)s starts N memcached
 * processes with N command lines (`-p 1121%(process_num)d`): each is an instance of the file (`parts`), read
 * with its own process_num; the file-level fields are the first's.
 */
export function parseSupervisord(source: SourceText): SupervisordConfig {
  // The programs as read with no process_num, once for every program read below (each was the whole file read again).
  const shared: { reading?: ProgramsReading } = {};
  const first = parseProcess(source, null, null, shared);
  const sections = first.memcachedSections;
  // How many processes the file starts, known from the first reading; only the first MAX_PROCESSES are read
  // again each (a file of thousands of programs, or numprocs=1000000000, would otherwise be read once per
  // process: minutes, or more memory than there is).
  const total = first.instanceCounts.reduce((a, b) => a + b, 0);
  if (total <= 1) return first;
  const parts: (SupervisordConfig & { partName: string })[] = [];
  for (let i = 0; i < sections.length && parts.length < MAX_PROCESSES; i++) {
    const section = sections[i];
    const base = i === 0 ? first : parseProcess(source, null, section, shared);
    const p = base.program;
    // One program's instances: one per process when its command names %(process_num), else one.
    const many = !!p?.command && /%\(process_num\)/.test(p.command.value) && base.processes > 1;
    if (!many) {
      parts.push(Object.assign(base, { partName: `[${section}]` }));
      continue;
    }
    for (let k = 0; k < base.processes && parts.length < MAX_PROCESSES; k++) {
      const config = k === 0 ? base : parseProcess(source, base.processStart + k, section);
      parts.push(Object.assign(config, { partName: `[${section}] process_num ${base.processStart + k}` }));
    }
  }
  if (total > MAX_PROCESSES) {
    (first.notes as SupervisordNote[]).push({
      kind: 'other-program',
      span: first.program?.command?.nameSpan ?? { start: 0, end: 0 },
      message: `the file starts ${total} memcached processes: mchard checks the first ${MAX_PROCESSES} (${parts.at(-1)!.partName} is the last checked)`,
      section: first.program?.section ?? '',
    });
  }
  return Object.assign(first, { parts });
}

/** What reading the file's programs gives (readPrograms): the same for every program and process read with no process_num. */
type ProgramsReading = ReturnType<typeof readPrograms>;

/**
 * The file's INI sections and every program, its command expanded (`%(process_num)d` as `processNum`, or
 * each program's numprocs_start when null) and split.
 */
function readPrograms(source: SourceText, processNum: number | null) {
  const text = source.text;
  const ini = parseIni(text);

  const daemon = ini.sections.get('supervisord');
  const daemonEnv = daemon ? option(ini, daemon, 'environment') : null;
  const daemonUser = daemon ? option(ini, daemon, 'user') : null;

  // Every program section, with its command expanded and split.
  const groups = new Map<string, string>();
  for (const s of ini.sections.values()) {
    if (!s.name.startsWith('group:')) continue;
    const list = option(ini, s, 'programs');
    for (const p of (list?.value ?? '').split(/[,\s]+/).filter(Boolean)) groups.set(p, s.name.slice('group:'.length));
  }
  /**
   * What supervisord expands in a [program:x] user= (options.py, processes_from_section): here,
   * program_name, group_name, host_node_name and ENV_X, from [supervisord] environment= or else its own
   * environment (the program's environment= is not among them; process_num is not either).
   */
  const userLookup = (section: string) => (key: string): Expansion | null => {
    const name = section.slice('program:'.length);
    if (key.startsWith('ENV_')) {
      const v = daemonEnv ? environmentPairs(daemonEnv.value).get(key.slice(4)) : undefined;
      if (v !== undefined && !daemonEnv!.value.includes('%(')) return { value: v };
      return { value: `%(${key})s`, dep: envDependence(key.slice(4)) };
    }
    if (key === 'here') return { value: dirOf(source.path), dep: 'the directory of the file as supervisord reads it' };
    if (key === 'program_name') return { value: name };
    if (key === 'group_name') return { value: groups.get(name) ?? name };
    if (key === 'host_node_name') return { value: '%(host_node_name)s', dep: 'the host name (%(host_node_name)s)' };
    return null;
  };
  // Every user= is expanded and looked up when supervisord reads the file: one it cannot expand, or a uid no
  // account can have, refuses the whole file, whichever program it belongs to.
  const { accounts, refused: userRefused } = userLookups(ini, userLookup);
  const programs: { prog: SupervisordProgram; error: { reason: string; span: Span | null } | null; numprocs: number; start: number }[] = [];
  for (const s of ini.sections.values()) {
    if (!s.name.startsWith('program:')) continue;
    const name = s.name.slice('program:'.length);
    const command = option(ini, s, 'command');
    const user = option(ini, s, 'user');
    const envOpt = option(ini, s, 'environment');
    const env = new Map<string, { value: string; dep?: string }>();
    for (const o of [daemonEnv, envOpt]) {
      if (!o) continue;
      const dep = o.value.includes('%(') ? `environment= refers to ${o.value.match(/%\([^)]*\)s/)?.[0]}` : undefined;
      for (const [k, v] of environmentPairs(o.value)) env.set(k, { value: v, ...(dep ? { dep } : {}) });
    }
    const numprocs = /^\d+$/.test(option(ini, s, 'numprocs')?.value ?? '') ? option(ini, s, 'numprocs')!.value : '1';
    const start = /^\d+$/.test(option(ini, s, 'numprocs_start')?.value ?? '') ? option(ini, s, 'numprocs_start')!.value : '0';
    const lookup = (key: string): Expansion | null => {
      if (key.startsWith('ENV_')) {
        const v = env.get(key.slice(4));
        if (v) return v;
        return { value: `%(${key})s`, dep: `%(${key})s is the environment variable ${key.slice(4)} of supervisord (supervisord refuses the file if it is not set)` };
      }
      switch (key) {
        case 'here':
          return { value: dirOf(source.path), dep: '%(here)s is the directory of the file as supervisord reads it' };
        case 'program_name':
          return { value: name };
        case 'group_name':
          return { value: groups.get(name) ?? name };
        case 'host_node_name':
          return { value: '%(host_node_name)s', dep: '%(host_node_name)s is the host name' };
        case 'process_num':
          return { value: String(processNum ?? Number(start)), int: true };
        case 'numprocs':
          return { value: String(Number(numprocs)), int: true };
      }
      return null;
    };
    let words: ArgToken[] | null = null;
    let error: { reason: string; span: Span | null } | null = null;
    if (command) {
      const exp = expandPercent(command.chars, lookup, `${s.name}.command`);
      let cmdEnd = command.valueStart;
      for (const c of command.chars) if ((c.span?.end ?? 0) > cmdEnd) cmdEnd = c.span!.end;
      const cmdSpan = { start: command.valueStart, end: cmdEnd };
      if (exp.error) error = { reason: `supervisord refuses the file: ${exp.error}`, span: cmdSpan };
      else {
        const sh = pyShlexSplit(exp.chars);
        if (sh.error) error = { reason: `supervisord cannot split the command ("can't parse command: ${sh.error}"), so the program never starts`, span: cmdSpan };
        else {
          words = sh.words.map((w, i) => tokenOf(w, text, 'supervisord', sh.raws[i]));
          if (words.length === 0) error = { reason: 'the command is empty ("command is empty"), so the program never starts', span: cmdSpan };
        }
      }
    } else {
      error = { reason: `supervisord refuses the file: program section ${s.name} does not specify a command`, span: s.headers[0] };
    }
    programs.push({ prog: { section: s.name, name, command, user, words }, error, numprocs: Number(numprocs), start: Number(start) });
  }

  return { ini, daemonUser, accounts, userRefused, programs, userLookup };
}

/**
 * The file read for one memcached program (`section`; null: the first that runs memcached) and one of its
 * processes (`processNum`; null: numprocs_start). `memcachedSections`: every program that runs memcached.
 */
function parseProcess(
  source: SourceText,
  processNum: number | null,
  section: string | null,
  /** Shared by the readings of one file: its programs as read with no process_num, made once. */
  shared?: { reading?: ProgramsReading },
): SupervisordConfig & { processes: number; processStart: number; memcachedSections: string[]; instanceCounts: number[] } {
  const text = source.text;
  const reading = processNum === null && shared ? (shared.reading ??= readPrograms(source, null)) : readPrograms(source, processNum);
  const { ini, daemonUser, accounts, userRefused, programs, userLookup } = reading;
  const notes: SupervisordNote[] = [];
  let launchFailure: LaunchFailure | null = null;
  const fail = (reason: string, span: Span | null, exitCode = 2) => {
    launchFailure ??= { exitCode, reason, span };
    notes.push({ kind: 'parse-error', span: span ?? { start: 0, end: 0 }, message: reason });
  };
  if (ini.error) fail(`supervisord cannot read the file (${ini.error.message}) and refuses to start`, ini.error.span);
  if (userRefused && !ini.error) fail(userRefused.reason, userRefused.span);
  // An empty command= splits into no words at all: no program to look at (supervisord: "command is empty").
  const hasWords = (p: SupervisordProgram) => !!p.words && p.words.length > 0;
  const runsMemcached = (p: SupervisordProgram) => hasWords(p) && isMemcachedProgram(p.words![0].value);
  const mentionsMemcached = (p: SupervisordProgram) => /memcached/.test(p.command?.value ?? '') || p.name === 'memcached';
  const memcachedPrograms = programs.filter((p) => runsMemcached(p.prog));
  const memcachedSections = memcachedPrograms.map((p) => p.prog.section);
  // Each program's place among those that run memcached (asked once per program: no search of the list).
  const memcachedIndex = new Map(memcachedSections.map((name, k) => [name, k]));
  // How many processes each starts (parseSupervisord): numprocs when its command names %(process_num), else one.
  const instanceCounts = memcachedPrograms.map((p) => (/%\(process_num\)/.test(p.prog.command?.value ?? '') && p.numprocs > 1 ? p.numprocs : 1));
  const chosen =
    (section !== null ? programs.find((p) => p.prog.section === section) : undefined) ??
    programs.find((p) => runsMemcached(p.prog)) ??
    programs.find((p) => !hasWords(p.prog) && mentionsMemcached(p.prog)) ??
    null;
  // Every program that runs memcached is an instance of its own (parseSupervisord); a note is left only for
  // one beyond those read.
  for (const p of programs) {
    if (p === chosen || !runsMemcached(p.prog) || (memcachedIndex.get(p.prog.section) ?? Infinity) < MAX_PROCESSES) continue;
    notes.push({
      kind: 'other-program',
      span: ini.sections.get(p.prog.section)!.headers[0],
      message: `[${p.prog.section}] also runs memcached; mchard checks only [${chosen!.prog.section}] (lint the other one with a file of its own)`,
      section: p.prog.section,
    });
  }

  let argv: ArgToken[] = [];
  let startsAs = 'root';
  let startsAsUnknown: { reason: string; decide: string; span: Span | null } | undefined;
  let argvUnknown: string | null = null;
  // A program named memcached (or whose command names it) that runs something else: a script that starts
  // memcached (`command=/start-memcached.sh`). Its options are in the script, not in this file.
  const script = chosen ? null : programs.find((p) => hasWords(p.prog) && mentionsMemcached(p.prog));
  if (!chosen && script) {
    const section = ini.sections.get(script.prog.section)!;
    argvUnknown = `[${script.prog.section}] runs ${JSON.stringify(script.prog.words![0].value)}, a program mchard does not read (a script that starts memcached, say), so memcached's options are not in this file`;
    notes.push({ kind: 'other-program', span: script.prog.command?.nameSpan ?? section.headers[0], message: argvUnknown, section: script.prog.section });
  } else if (!chosen) {
    if (ini.error) return finish();
    const why = programs.length === 0 ? 'the file has no [program:...] section' : 'no [program:...] section of the file runs memcached';
    fail(`${why}: supervisord does not start memcached from this file`, null, -1);
  } else {
    const p = chosen.prog;
    if (chosen.error) fail(chosen.error.reason, chosen.error.span, chosen.error.reason.startsWith('supervisord refuses') ? 2 : -1);
    // supervisor's options.py: several processes need names of their own, so process_name (default
    // %(program_name)s, read unexpanded) must name %(process_num); otherwise it refuses the file (exit 2).
    if (chosen.numprocs > 1) {
      const pn = option(ini, ini.sections.get(p.section)!, 'process_name');
      if (!(pn?.value ?? '%(program_name)s').includes('%(process_num)')) {
        fail(`supervisord refuses the file: "%(process_num) must be present within process_name when numprocs > 1" ([${p.section}] numprocs=${chosen.numprocs})`, pn?.nameSpan ?? option(ini, ini.sections.get(p.section)!, 'numprocs')?.nameSpan ?? null);
      }
    }
    argv = (p.words ?? []).slice(1);
    const dep = (p.words ?? []).filter((w) => !w.exact);
    for (const w of dep) notes.push({ kind: 'host-dependent', span: w.span ?? { start: 0, end: 0 }, message: `the argument ${w.note}`, value: w.value });
    const userOpt = p.user ?? daemonUser;
    if (userOpt) {
      const inProgram = !!p.user;
      const u = readUser(userOpt, inProgram ? userLookup(p.section) : daemonUserLookup, inProgram ? p.section : 'supervisord');
      const setting = `[${inProgram ? p.section : 'supervisord'}] user=${userOpt.value}`;
      const daemonToo = inProgram ? '' : ' ([supervisord] user=: supervisord itself runs as that user)';
      if (u.kind === 'refused') {
        // said above (userLookups)
      } else if (u.kind === 'depends') {
        startsAs = `(${setting}: unknown)`;
        // A program's user= also takes ENV_X from [supervisord] environment=.
        const decide = inProgram && /^the value of /.test(u.decide) ? `${u.decide} (or its [supervisord] environment=)` : u.decide;
        startsAsUnknown = { reason: `${setting} ${u.why}`, decide, span: userOpt.nameSpan };
        notes.push({ kind: 'starts-as', span: userOpt.nameSpan, message: `the user supervisord starts memcached as is unknown: ${setting} ${u.why}; ${decide} decides it`, user: startsAs });
      } else {
        startsAs = u.kind === 'uid' ? (u.uid === 0 ? 'root' : String(u.uid)) : u.name === 'root' ? 'root' : u.name;
        const who = u.kind === 'uid' ? `uid ${u.uid}` : `user ${u.name}`;
        notes.push({
          kind: 'starts-as',
          span: userOpt.nameSpan,
          message: startsAs === 'root'
            ? `supervisord starts memcached as root${u.kind === 'uid' ? ` (${setting} is uid 0)` : ''}`
            : `supervisord switches to ${who} before starting memcached${daemonToo}, so memcached does not run as root and ignores -u`,
          user: startsAs,
        });
      }
    }
    const section = ini.sections.get(p.section)!;
    const autostart = option(ini, section, 'autostart');
    if (autostart && /^(false|no|off|0)$/i.test(autostart.value)) {
      notes.push({ kind: 'not-autostarted', span: autostart.nameSpan, message: 'autostart is off: supervisord starts memcached only when asked (supervisorctl start)' });
    }
  }
  return finish();

  function finish(): SupervisordConfig & { processes: number; processStart: number; memcachedSections: string[]; instanceCounts: number[] } {
    notes.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    return {
    dialect: 'supervisord',
    source,
    argv,
    argvExact: argvUnknown === null && argv.every((t) => t.exact) && (chosen?.prog.words ?? []).every((t) => t.exact),
    ...(argvUnknown ? { argvUnknown } : {}),
    launchFailure,
    notes,
    startsAs,
    ...(startsAsUnknown ? { startsAsUnknown } : {}),
    lines: ini.lines,
    ini,
    program: chosen?.prog ?? null,
    memcachedSections,
    instanceCounts,
    processes: chosen?.numprocs ?? 1,
    processStart: chosen?.start ?? 0,
    print: () => ini.lines.map((l) => l.text + l.eol).join(''),
    ...(accounts.length ? { managerAccounts: accounts } : {}),
    };
  }
}

/** What supervisord expands in [supervisord] user= (read before its environment=): here and its own environment. */
function daemonUserLookup(key: string): Expansion | null {
  if (key.startsWith('ENV_')) return { value: `%(${key})s`, dep: envDependence(key.slice(4)) };
  if (key === 'here') return { value: '%(here)s', dep: 'the directory of the file as supervisord reads it' };
  return null;
}

const envDependence = (name: string) => `the environment variable ${name} of supervisord (it refuses the file if ${name} is not set)`;

/** What supervisord makes of a user= value: a uid, a name, one that depends on the host, or a refusal. */
type UserReading =
  | { readonly kind: 'uid'; readonly uid: number }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'depends'; readonly why: string; readonly decide: string }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * A user= value as supervisor 4 reads it: expanded with Python's `%` (options.py: saneget), then
 * datatypes.name_to_uid: a value Python's int() takes is a uid (pwd.getpwuid must know it: "Invalid user
 * id"), anything else a name (pwd.getpwnam: "Invalid user name"). A value with %(ENV_X)s is the
 * environment's: unknown, and what decides it is named.
 */
export function readUser(opt: IniOption, lookup: (key: string) => Expansion | null, section: string): UserReading {
  const deps: string[] = [];
  const exp = expandPercent(opt.chars, (key) => {
    const found = lookup(key);
    if (found?.dep) deps.push(found.dep);
    return found;
  }, `${section}.user`);
  if (exp.error) return { kind: 'refused', reason: `supervisord refuses the file: ${exp.error}` };
  if (deps.length) {
    const vars = [...new Set(deps)];
    const names = vars.map((d) => /^the environment variable (\S+)/.exec(d)?.[1]).filter((n): n is string => !!n);
    const decide = names.length ? `the value of ${names.join(' and ')} in supervisord's environment` : vars.join(' and ');
    return { kind: 'depends', why: `names ${vars.join(' and ')}`, decide };
  }
  const value = valueOf(exp.chars);
  // Python's int(): surrounding whitespace, a sign, digits with single underscores between them.
  const t = value.trim();
  if (/^[+-]?[0-9]+(_[0-9]+)*$/.test(t)) {
    const uid = Number(t.replace(/_/g, ''));
    // getpwuid takes the number as a uid_t: a negative one, or one past its range, no account has.
    if (uid < 0 || uid >= 4294967295) return { kind: 'refused', reason: `supervisord refuses the file: "Invalid user id ${t}" (no account can have that uid)` };
    return { kind: 'uid', uid: uid === 0 ? 0 : uid };
  }
  // Digits of another script (Arabic-Indic, fullwidth) are numbers to int() too: not computed here.
  if (/^[+-]?[\p{Nd}_]+$/u.test(t)) return { kind: 'depends', why: 'is a number in non-ASCII digits, which supervisord reads as a uid', decide: 'the uid those digits make' };
  return { kind: 'name', name: value };
}

/**
 * The users supervisord looks up when it reads the file ([supervisord] user=, every [program:x] user=):
 * one this machine lacks makes it refuse its whole configuration, exit status 2 ("Invalid user name X",
 * "Invalid user id N": supervisor's options.py, name_to_uid), before it starts any program. A value that
 * depends on the environment is left alone.
 */
function userLookups(ini: IniFile, programLookup: (section: string) => (key: string) => Expansion | null): { accounts: ManagerAccount[]; refused: { reason: string; span: Span } | null } {
  const out: ManagerAccount[] = [];
  let refused: { reason: string; span: Span } | null = null;
  for (const s of ini.sections.values()) {
    if (s.name !== 'supervisord' && !s.name.startsWith('program:')) continue;
    const u = option(ini, s, 'user');
    if (!u) continue;
    const r = readUser(u, s.name === 'supervisord' ? daemonUserLookup : programLookup(s.name), s.name);
    const setting = `[${s.name}] user=`;
    if (r.kind === 'refused') refused ??= { reason: `${r.reason} (${setting})`, span: u.nameSpan };
    if (r.kind === 'uid') out.push({ kind: 'uid', name: String(r.uid), setting, span: u.nameSpan, exitCode: 2, status: '2 ("Invalid user id")', manager: 'supervisord' });
    else if (r.kind === 'name' && /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(r.name)) out.push({ kind: 'user', name: r.name, setting, span: u.nameSpan, exitCode: 2, status: '2 ("Invalid user name")', manager: 'supervisord' });
  }
  return { accounts: out, refused };
}

/** The text span of the value of `command=` (first to last character), or null. */
export function commandSpan(config: SupervisordConfig): Span | null {
  const c = config.program?.command;
  if (!c) return null;
  const spans = c.chars.map((ch) => ch.span).filter((s): s is Span => s !== null);
  if (spans.length === 0) return { start: c.valueStart, end: c.valueStart };
  return { start: spans[0].start, end: spans[spans.length - 1].end };
}

export const supervisordDialect: Dialect = {
  name: 'supervisord',
  title: 'supervisord [program:memcached] command=',
  defaultUser: 'memcache',
  commentChars: '#;',
  parse: parseSupervisord,
  /** A missing option goes at the end of `command=` (the end of its last line). */
  insertionPoint(config) {
    const sp = commandSpan(config as SupervisordConfig);
    const at = sp ? sp.end : config.source.text.length;
    return { start: at, end: at };
  },
};
