/**
 * Which files a command works on, when they are not simply the FILE arguments:
 *
 * - **A folder** (`mchard lint DIR`, `fix DIR`, `inspect DIR`): the files under it whose path says that a
 *   program mchard reads reads them (`configPathKind`, from detection's own path and name rules: an
 *   `etc/memcached.conf`, a `*.service`, a `docker-compose.yml`, ...). Version-control folders and
 *   `node_modules` are skipped, as are mchard fix's backups, locks and temporary files, copies (`.bak`,
 *   `.dpkg-dist`), and symbolic links (never followed, so a walk never leaves the folder). A file found
 *   this way that mchard does not read (its content is another format), or that holds no memcached (a
 *   unit of another service, a Compose file without memcached), is passed over silently: the user named
 *   a folder, not the file. `-v` lists what was passed over and why.
 * - **Hook mode** (`--hook`, as the pre-commit hooks run): the files are named by a pattern, not by the
 *   user. A file at a path of memcached's own configuration is read as if named (a refusal fails the
 *   commit); any other file that mchard does not read, or that holds no memcached, is passed over
 *   silently, so a broad pattern does not fail commits of unrelated YAML or units.
 * - **No FILE**: the files that exist on this host's system paths, for every format (`SYSTEM_PLACES`);
 *   `-v` says which paths were checked. `audit` with no FILE takes its candidate files from the same list.
 * - **Standard input** (`-`): with `--stdin-filename PATH`, read as if it were the file PATH: detection,
 *   the `.mchardrc` lookup and the report use PATH (`readsStdin` tells the reader).
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { pathExists } from '../system/paths.js';
import { basename, join, resolve } from 'node:path';
import { isMchardFile } from '../own-files.js';
import { configPathKind, detectDialect, holdsMemcached, type ConfigPathKind } from '../dialects/detect.js';
import type { DialectName } from '../dialects/types.js';
import { InputError, NOT_UTF8_NAME, readConfig, readRegularFile } from '../input.js';
import { companionsOf } from './companions.js';
import { UsageError } from './args.js';
import type { Io } from './io.js';
import { visible } from '../report/visible.js';

/** The options of this module, for the commands that take them. */
export const TARGET_OPTIONS = {
  hook: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  'stdin-filename': { type: 'string' },
} as const;

export interface TargetFlags {
  hook?: boolean;
  verbose?: boolean;
  'stdin-filename'?: string;
  dialect?: DialectName;
}

/** Formats whose content signature is a few variable names or option lines. */
const VARIABLE_FILES: ReadonlySet<DialectName> = new Set(['debian', 'sysconfig', 'openrc', 'rcconf']);

/** Folders a walk never enters: version control's and npm's. */
const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', '.bzr', '_darcs', 'CVS', '.jj', '.pijul', '.fossil', 'node_modules']);

// ---- Standard input under a name ----

let stdinName: string | null = null;

/** Whether reading `path` means reading standard input: `-`, or the name `--stdin-filename` gave it. */
export function readsStdin(path: string): boolean {
  return path === '-' || (stdinName !== null && path === stdinName);
}

// ---- What was passed over ----

interface Skip {
  path: string;
  why: string;
  /** The format `--dialect` could force, when the file resembles one mchard reads (said even without -v). */
  resembles?: DialectName;
  /** memcached's settings for a program mchard does not read (counted with those, without a --dialect). */
  memcachedOwn?: true;
  /** A name that is not valid UTF-8: not looked at (said even without -v). */
  badName?: true;
}


/** A -v line: it names files a walk found (a repository's names) and quotes detection's reasons, so escaped whole. */
function sayVerbose(io: Io, flags: TargetFlags, line: string): void {
  if (flags.verbose) io.err(`mchard: ${visible(line)}\n`);
}

/**
 * Whether a file found by a walk, a hook's pattern or a system path is one to check: null when it is,
 * else why it is passed over. `strict`: a file at a path of memcached's own configuration is kept even
 * when mchard will refuse or cannot read it (the hook: that must fail the commit).
 */
function passOver(path: string, kind: ConfigPathKind | null, flags: TargetFlags, strict: boolean): Omit<Skip, 'path'> | null {
  // Kept whatever it holds (the lint reads it next, and says why it cannot or will not): no need to read
  // and detect it twice (pre-commit hands the hook every file of a commit).
  if (strict && kind === 'memcached') return null;
  let text: string;
  try {
    text = readConfig(path).text;
  } catch (e) {
    if (!(e instanceof InputError)) return null;
    return { why: `cannot be read as a configuration file (${e.reason})` };
  }
  const d = detectDialect(path, text, flags.dialect, companionsOf(path, text));
  if (d.refused) return { why: d.message.replace(/;.*$/s, ''), ...(d.candidates.length ? { resembles: d.candidates[0] } : {}), ...(d.memcachedOwn ? { memcachedOwn: true } : {}) };
  // A file of no configuration path (a hook's broad pattern) whose variables alone would make it an
  // option or environment file: too weak a sign in a file nobody named (an application's .env, a script).
  if (kind === null && d.reason === 'content' && VARIABLE_FILES.has(d.dialect)) return { why: `its format would be taken from its content alone (${d.because})` };
  if (kind !== 'memcached' && !holdsMemcached(d.dialect, text)) return { why: `holds no memcached (read as ${d.dialect}: nothing in it runs memcached)` };
  return null;
}

// ---- Folders ----

/** The configuration files under `root`, sorted, and what was passed over. */
export function walkFolder(root: string, flags: TargetFlags = {}): { files: string[]; skipped: Skip[] } {
  const files: string[] = [];
  const skipped: Skip[] = [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({ path: dir, why: `cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      continue;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      // A name that is not valid UTF-8 reads with U+FFFD in it: no such name to open, nor a folder to list.
      if (e.name.includes('\ufffd') && pathExists(p) === false) {
        skipped.push({ path: p, why: NOT_UTF8_NAME, badName: true });
        continue;
      }
      if (e.isDirectory()) {
        if (SKIPPED_FOLDERS.has(e.name)) continue;
        stack.push(p);
        continue;
      }
      const kind = configPathKind(p);
      if (kind === null) continue;
      if (e.isSymbolicLink()) {
        skipped.push({ path: p, why: 'a symbolic link (a folder walk follows none; name the file to check it)' });
        continue;
      }
      if (!e.isFile()) {
        // A named pipe, a socket, a device: never opened (a pipe with no writer would hang the walk).
        skipped.push({ path: p, why: 'not a regular file' });
        continue;
      }
      const skip = passOver(p, kind, flags, false);
      if (skip) skipped.push({ path: p, ...skip });
      else files.push(p);
    }
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { files: files.sort(order), skipped: skipped.sort((a, b) => order(a.path, b.path)) };
}

// ---- This host's system paths ----

/**
 * The package's folder of units (`/lib/systemd/system`, `/usr/lib/systemd/system`) that holds `realPath`
 * (a path with its links resolved), or null: such a file is the package's, which its next upgrade puts
 * back, and which a unit of the same name in /etc/systemd/system or a drop-in overrides.
 */
export function packagedDir(realPath: string): string | null {
  for (const p of SYSTEM_PLACES) if (p.packaged && realPath.startsWith(`${p.dir}/`) && !realPath.slice(p.dir.length + 1).includes('/')) return p.dir;
  return null;
}

interface Place {
  /** The path or pattern, as help and -v show it. */
  readonly pattern: string;
  readonly dir: string;
  /** The file names in `dir` that count. */
  readonly name: RegExp;
  /** Inside a folder named by a pattern (`memcached*.service.d`): the folder's own name. */
  readonly under?: RegExp;
  /** A file of the package, not of the administrator: linted, never fixed (the package replaces it). */
  readonly packaged?: boolean;
}

const place = (pattern: string, name: RegExp, extra: Partial<Place> = {}): Place => {
  const dir = pattern.slice(0, pattern.lastIndexOf('/'));
  return { pattern, dir, name, ...extra };
};

/** Where memcached's configuration lives on a host, for every format mchard reads. */
export const SYSTEM_PLACES: readonly Place[] = [
  place('/etc/memcached.conf', /^memcached\.conf$/),
  place('/etc/memcached_*.conf', /^memcached_.+\.conf$/),
  place('/etc/sysconfig/memcached*', /^memcached([._-].+)?$/),
  place('/etc/conf.d/memcached*', /^memcached(\.(?!conf$).+)?$/),
  place('/etc/rc.conf', /^rc\.conf$/),
  place('/etc/rc.conf.local', /^rc\.conf\.local$/),
  place('/etc/rc.conf.d/memcached*', /^memcached.*$/),
  place('/usr/local/etc/rc.conf.d/memcached*', /^memcached.*$/),
  place('/etc/systemd/system/memcached*.service', /^memcached.*\.service$/),
  place('/etc/systemd/system/memcached*.service.d/*.conf', /^[^.].*\.conf$/, { under: /^memcached.*\.service\.d$/ }),
  place('/lib/systemd/system/memcached*.service', /^memcached.*\.service$/, { packaged: true }),
  place('/usr/lib/systemd/system/memcached*.service', /^memcached.*\.service$/, { packaged: true }),
  place('/etc/supervisord.conf', /^supervisord\.conf$/),
  place('/etc/supervisor/supervisord.conf', /^supervisord\.conf$/),
  place('/etc/supervisor/conf.d/*.conf', /^[^.].*\.conf$/),
  place('/etc/supervisord.d/*.ini', /^[^.].*\.(ini|conf)$/),
];

/** For help texts: the system paths, wrapped, indented by two spaces. */
/** A place as help and -v name it: supervisord.d's pattern takes *.conf as well as *.ini. */
const shownPlace = (p: Place): string => p.pattern.replace('/*.ini', '/*.ini and *.conf');
export const SYSTEM_PATHS_HELP = wrapList(SYSTEM_PLACES.map(shownPlace), 80);

function wrapList(items: string[], width: number): string {
  const lines: string[] = [];
  let cur = ' ';
  for (const [k, item] of items.entries()) {
    const word = ` ${item}${k < items.length - 1 ? ',' : ''}`;
    if (cur.length + word.length > width && cur.trim()) {
      lines.push(cur);
      cur = ' ';
    }
    cur += word;
  }
  lines.push(cur);
  return lines.join('\n');
}

/** --hook and -v, as fix has them (fix reads no standard input). */
export const FIX_TARGETS_HELP = `  -v, --verbose                     say which system paths were checked and which
                                    files a folder or --hook passed over, and why
  --hook                            as the pre-commit hook runs: never restart,
                                    no host checks, exit 1 when a file changed;
                                    pass over a file that holds no memcached or
                                    that mchard does not read, unless its path is
                                    memcached's own
`;

/** The help lines of TARGET_OPTIONS. */
export const TARGETS_HELP = `  -v, --verbose                     say which system paths were checked and which
                                    files a folder or --hook passed over, and why
  --hook                            as the pre-commit hooks run: pass over a file
                                    that holds no memcached or that mchard does not
                                    read, unless its path is memcached's own
  --stdin-filename PATH             the path standard input ("-") stands for, in
                                    detection, .mchardrc lookup and the report
`;

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * The system configuration files that exist under `root` (the host: ''), each place's files in name
 * order, with what each place gave (for -v). A regular file (or a link to one; a unit masked with a link
 * to /dev/null is not), one file once (`/lib` is `/usr/lib` on most systems now), not one of mchard's
 * own files or a copy; a unit, Compose-like or supervisord file, or rc.conf only when it holds memcached.
 */
export function systemPlaces(root = '', flags: TargetFlags = {}): { place: Place; files: string[] }[] {
  const seen = new Set<string>();
  return SYSTEM_PLACES.map((p) => {
    const dirs = p.under
      ? listDir(root + p.dir.slice(0, p.dir.lastIndexOf('/'))).filter((d) => p.under!.test(d)).map((d) => `${p.dir.slice(0, p.dir.lastIndexOf('/'))}/${d}`)
      : [p.dir];
    const files: string[] = [];
    for (const dir of dirs) {
      for (const name of listDir(root + dir)) {
        if (!p.name.test(name)) continue;
        const path = `${root}${dir}/${name}`;
        const kind = configPathKind(path);
        if (kind === null) continue;
        let real: string;
        try {
          if (!statSync(path).isFile()) continue;
          real = realpathSync(path);
        } catch {
          continue;
        }
        if (seen.has(real)) continue;
        if (kind === 'shared' && passOver(path, kind, flags, false)) continue;
        seen.add(real);
        files.push(path);
      }
    }
    return { place: p, files };
  });
}

/** The system configuration files that exist, for every format (lint's and fix's FILEs, and audit's candidate files, when none is given). */
export function systemConfigFiles(root = ''): string[] {
  return systemPlaces(root).flatMap((p) => p.files);
}

// ---- Putting it together ----

/** Whether a FILE argument names a folder (one not there, or not reachable, is reported as the file it was given as). */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The files a command works on, from its FILE arguments (`given`, empty when none was given) and the
 * paths the shared flags resolved (`paths`: the FILEs, or the system files). Folders are walked, hook
 * mode passes over what is not memcached's, `-` takes its --stdin-filename name. `fix` leaves out the
 * package's own units from the system files.
 */
export function resolveTargets(given: string[], paths: readonly string[], flags: TargetFlags, io: Io, command: 'lint' | 'fix' | 'inspect'): string[] {
  stdinName = null;
  const name = flags['stdin-filename'];
  // --stdin-filename alone reads standard input, as `-` would.
  if (name !== undefined && given.length === 0) given = ['-'];
  // A hook checks the files pre-commit names, never this host's: with none (a repository's file named
  // as an option took the only place), nothing.
  if (given.length === 0 && flags.hook) return [];
  if (given.length === 0) {
    if (flags.verbose) {
      const places = systemPlaces('', flags);
      sayVerbose(io, flags, 'no FILE given: checked the system paths');
      for (const { place: p, files } of places) {
        const skip = command === 'fix' && p.packaged;
        io.err(`  ${shownPlace(p)}: ${files.length ? visible(files.join(', ')) : 'none'}${skip && files.length ? ' (the package\'s: not fixed; fix a drop-in or /etc/systemd/system copy)' : ''}\n`);
      }
    }
    if (command !== 'fix') return [...paths];
    return paths.filter((p) => packagedDir(p) === null);
  }
  let list = [...given];
  if (name !== undefined) {
    if (name === '' || name === '-') throw new UsageError('--stdin-filename needs the path the text on standard input stands for');
    const dashes = list.filter((p) => p === '-').length;
    if (dashes > 1) throw new UsageError('"-" (standard input) can be given once');
    if (dashes === 0) throw new UsageError('--stdin-filename names standard input: give "-" among the FILEs');
    const clash = list.find((p) => p !== '-' && resolve(p) === resolve(name));
    if (clash) throw new UsageError(`--stdin-filename ${name} names a FILE also given (${clash})`);
    stdinName = name;
    list = list.map((p) => (p === '-' ? name : p));
  }
  const out: string[] = [];
  for (const p of list) {
    if (readsStdin(p)) {
      out.push(p);
      continue;
    }
    if (isFolder(p)) {
      const { files, skipped } = walkFolder(p, flags);
      for (const s of skipped) sayVerbose(io, flags, `passed over ${s.path}: ${s.why}`);
      if (files.length === 0) io.err(`mchard: ${visible(p)}: no memcached configuration found under it (${skipped.length} file${skipped.length === 1 ? '' : 's'} passed over${flags.verbose ? '' : '; -v says which'})\n`);
      // Files that look like memcached's but whose path does not say what reads them are not read (never a
      // guessed format): said even without -v, so "N files" is not taken for all of them.
      const alike = skipped.filter((s) => s.resembles || s.memcachedOwn);
      if (alike.length && !flags.verbose) {
        const one = alike.length === 1;
        const dialects = alike.flatMap((s) => (s.resembles ? [s.resembles] : [])).filter((d, i, all) => all.indexOf(d) === i);
        const force = dialects.length ? `; a file named with --dialect ${dialects.join(' or ')} is read as that` : '';
        io.err(
          `mchard: ${visible(p)}: ${alike.length}${files.length ? ' more' : ''} file${one ? '' : 's'} ${one ? 'looks' : 'look'} like memcached configuration, but ${one ? 'its path does' : 'their paths do'} not say which program reads ${one ? 'it' : 'them'}: not read (-v lists ${one ? 'it' : 'them'}${force})\n`,
        );
      }
      const bad = skipped.filter((s) => s.badName).length;
      if (bad && !flags.verbose) io.err(`mchard: ${visible(p)}: not looked at: ${bad} name(s) under it not UTF-8, which mchard cannot open (-v lists them)\n`);
      sayVerbose(io, flags, `${p}: ${files.length} file${files.length === 1 ? '' : 's'} found`);
      // One by one: a spread passes each file as an argument, and a folder of 130,000 files overflowed the stack.
      for (const f of files) out.push(f);
      continue;
    }
    if (flags.hook) {
      const why = isMchardFile(basename(p)) ? "one of mchard fix's own files (a backup, lock or temporary file)" : passOver(p, configPathKind(p), flags, true)?.why;
      if (why) {
        sayVerbose(io, flags, `passed over ${p}: ${why}`);
        continue;
      }
    }
    out.push(p);
  }
  return out;
}

// ---- What a run changed (fix as a hook) ----

/** The largest file compared (--max-file-size's ceiling): what fix reads is smaller. */
const MAX_COMPARED = 256 * 1024 * 1024;

/**
 * The bytes of a regular file now (null: it cannot be read so). A repository's link to /dev/zero or a named
 * pipe in a hook's file list grew the run by gigabytes or hung it for good (SIGTERM included) before any
 * check of the file; readRegularFile never opens a device and never blocks.
 */
function bytesNow(p: string): Buffer | null {
  try {
    return readRegularFile(p, MAX_COMPARED);
  } catch {
    return null;
  }
}

/** The bytes of each file now (null: it cannot be read). */
export function contentsOf(paths: readonly string[]): Map<string, Buffer | null> {
  const out = new Map<string, Buffer | null>();
  for (const p of paths) out.set(p, bytesNow(p));
  return out;
}

/** Whether any file's bytes differ from `before` (as pre-commit itself decides that a hook changed files). */
export function changedSince(before: ReadonlyMap<string, Buffer | null>): boolean {
  for (const [p, bytes] of before) {
    const now = bytesNow(p);
    if (bytes === null ? now !== null : now === null || !bytes.equals(now)) return true;
  }
  return false;
}
