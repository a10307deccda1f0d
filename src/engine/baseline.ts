/**
 * Baselines: a committed file that records the findings a repository already has, so `lint`, `fix` and
 * `audit` report only new ones, and says which recorded ones are gone so the file only ever shrinks.
 *
 * Entries are counted per file and rule, as ESLint's bulk suppressions are: moving a line or editing
 * another one never breaks an entry, and a file with more findings of a rule than recorded reports the
 * extra ones. Which ones are extra is decided by the findings' subjects (the option each points at, as
 * in their fingerprints, see src/report/fingerprint.ts): a finding whose subject was recorded is the
 * recorded one; the others are new, in file order. Applied after suppressions and severities, before
 * the exit status is decided.
 *
 * The file (documented in the README, stable, meant to be committed; keys sorted, two-space indented):
 *
 *   {
 *     "version": 1,
 *     "files": {
 *       "etc/memcached.conf": {
 *         "MC101": { "count": 1, "subjects": ["-l 0.0.0.0"] },
 *         "MC601": { "count": 1 }
 *       }
 *     }
 *   }
 *
 * `files` keys are paths relative to the baseline file's folder with forward slashes, or
 * `process:<identity>` for `mchard audit` (a running process has no file: its systemd unit, else the
 * configuration file it was matched to, else its command line). `subjects`, sorted, lists the non-empty
 * subjects of the recorded findings (a finding about a missing option has none). MC001 (a file that
 * cannot be read) is never recorded and never hidden: a file mchard cannot read is always reported.
 */
import { jsonProblem } from '../json-error.js';
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { isInside, linkOutsideWords, realOutside, staysInside } from '../system/links.js';
import { describeFsError, InputError, readRegularFile } from '../input.js';
import { safeJson, visible } from '../report/visible.js';
import type { Finding } from './types.js';

export const BASELINE_VERSION = 1;

/** A baseline that cannot be used: one line naming the file and the problem (exit status 2). */
export class BaselineError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export interface BaselineRecord {
  count: number;
  subjects: string[];
}

/** file key → rule ID → record */
export type BaselineFiles = Map<string, Map<string, BaselineRecord>>;

export interface Baseline {
  /** The baseline file as given. */
  path: string;
  /** Its folder (absolute): file keys are relative to it. */
  dir: string;
  files: BaselineFiles;
  /** The file does not exist yet (only allowed when it is to be written). */
  created: boolean;
  /**
   * The folder (absolute) whose files an entry not seen in a run may be looked up in, to tell whether the
   * file still exists: where mchard runs (the workspace for the language server), or the baseline's own
   * folder when that lies outside it. A baseline comes with a pull request: its keys (`../../root/x`,
   * `/root/x`, a link committed beside them) must not make a root-run mchard say whether a file exists
   * elsewhere on the host.
   */
  root: string;
}

/** A recorded entry that no longer occurs (wholly or partly). */
export interface StaleEntry {
  /** The file key, as in the baseline. */
  file: string;
  ruleId: string;
  recorded: number;
  found: number;
  /** `fixed`: the file has fewer such findings now; `missing`: the file no longer exists. */
  reason: 'fixed' | 'missing';
}

export interface BaselineOutcome {
  path: string;
  /** Findings the baseline hid in this run. */
  suppressed: number;
  stale: StaleEntry[];
  /**
   * Entries (file and rule pairs) of files not seen in this run that name a file outside the baseline's root
   * (or reached through a symbolic link out of it, or that cannot be looked up): never looked up, neither
   * stale nor removed by --prune-baseline.
   */
  unchecked: number;
  /** The baseline's root (Baseline.root), which `unchecked` is about. */
  root: string;
  /** Set when this run wrote the baseline: what it did. */
  written: { mode: 'update' | 'prune'; entries: number; findings: number } | null;
}

const RULE_ID = /^[A-Z]{2}\d{3}$/;
const NEVER_RECORDED = new Set(['MC001']);

/**
 * Why a baseline named inside `within` is not read: a symbolic link on the way (the file or a folder) leads
 * out of that folder. A repository decides where its links lead: `mchard-baseline.json -> /root/.docker/config.json`
 * would otherwise have a root-run mchard quote that file's keys back in "not a valid mchard baseline" errors.
 * null: nothing leads out, or the file is missing (it may be created: a link is replaced, never written through).
 */
function leavesFolder(path: string, within: string): string | null {
  const real = realOutside(path, within);
  return real === null ? null : `cannot read the baseline: ${linkOutsideWords(real, within)}`;
}

/**
 * Reads and checks a baseline. A missing file is an error unless `mayCreate` (it is about to be written).
 * `within`: the folder a relative name was given in (the current folder on the command line, the workspace
 * for the language server); a link that takes the baseline out of it is refused (leavesFolder).
 */
export function readBaseline(path: string, mayCreate = false, within: string | null = isAbsolute(path) ? null : process.cwd()): Baseline {
  const dir = dirname(resolve(path));
  const here = resolve(within ?? process.cwd());
  const root = isInside(dir, here) ? here : dir;
  let text: string;
  const leaves = within === null ? null : leavesFolder(path, within);
  if (leaves) throw new BaselineError(path, leaves);
  // A baseline usually lies in the repository a pull request changes (and the language server reads the one
  // the workspace names on every lint): a link to /dev/zero or a named pipe grew the run without bound or
  // hung it for good. A regular file of bounded size only, read without blocking, as configuration files are.
  let st: Stats | undefined;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    throw new BaselineError(path, `cannot read the baseline: ${describeFsError(e)}`);
  }
  if (st?.isFile() && st.size > MAX_BASELINE_BYTES) throw new BaselineError(path, `cannot read the baseline: ${st.size} bytes, more than the 64 MiB a baseline is read up to`);
  if (st === undefined) {
    if (mayCreate) return { path, dir, files: new Map(), created: true, root };
    throw new BaselineError(path, 'cannot read the baseline: no such file (create it with --update-baseline)');
  }
  try {
    // The same check on the file opened: a folder on the way swapped for a link after leavesFolder's.
    const acceptReal = within !== null && isInside(resolve(within, path), resolve(within)) ? staysInside(within) : undefined;
    text = new TextDecoder('utf-8').decode(readRegularFile(path, MAX_BASELINE_BYTES, { acceptReal }));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new BaselineError(path, `cannot read the baseline: ${e.reason}`);
  }
  return { path, dir, files: parseBaseline(path, text), created: false, root };
}

/** The largest baseline read: one of a few thousand files with findings is a few MiB. */
export const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/** Parses a baseline's text; any deviation from the documented format is a BaselineError naming it. */
export function parseBaseline(path: string, text: string): BaselineFiles {
  const bad = (what: string) => new BaselineError(path, `not a valid mchard baseline: ${what}`);
  let data: unknown;
  const json = text.replace(/^\uFEFF/, '');
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw bad(jsonProblem(e, json));
  }
  if (!isObject(data)) throw bad('the top level must be an object');
  for (const k of Object.keys(data)) if (k !== 'version' && k !== 'files') throw bad(`unknown key "${printable(k)}"`);
  if (data.version !== BASELINE_VERSION) {
    throw bad(typeof data.version === 'number' ? `version ${data.version} is not supported (this mchard reads version ${BASELINE_VERSION})` : '"version" must be 1');
  }
  if (!isObject(data.files)) throw bad('"files" must be an object');
  const files: BaselineFiles = new Map();
  for (const [file, rules] of Object.entries(data.files)) {
    if (file === '' || /[\x00-\x1f\x7f]/.test(file)) throw bad(`file key "${printable(file)}" is empty or holds control characters`);
    if (!isObject(rules)) throw bad(`"${printable(file)}" must map rule IDs to entries`);
    const m = new Map<string, BaselineRecord>();
    for (const [rule, rec] of Object.entries(rules)) {
      if (!RULE_ID.test(rule)) throw bad(`"${printable(file)}": "${printable(rule)}" is not a rule ID`);
      if (!isObject(rec)) throw bad(`"${printable(file)}" ${rule}: the entry must be an object`);
      for (const k of Object.keys(rec)) if (k !== 'count' && k !== 'subjects') throw bad(`"${printable(file)}" ${rule}: unknown key "${printable(k)}"`);
      const count = rec.count;
      if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) throw bad(`"${printable(file)}" ${rule}: "count" must be a whole number of at least 1`);
      const subjects = rec.subjects ?? [];
      if (!Array.isArray(subjects) || subjects.some((s) => typeof s !== 'string')) throw bad(`"${printable(file)}" ${rule}: "subjects" must be a list of strings`);
      if (subjects.length > count) throw bad(`"${printable(file)}" ${rule}: more subjects than "count"`);
      m.set(rule, { count, subjects: subjects as string[] });
    }
    files.set(file, m);
  }
  return files;
}

/** The key of a linted file: its path relative to the baseline's folder, with forward slashes. */
export function fileKey(baseline: Pick<Baseline, 'dir'>, path: string): string | null {
  if (path === '-') return null;
  const rel = relative(baseline.dir, resolve(path));
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

/** A finding as the baseline sees it. */
type Subjected = Finding & { subject?: string };

/**
 * Applies a baseline over a run: `filter` for each file's findings as they come, `outcome` at the end
 * (the stale entries), `next` for the file to write with --update-baseline or --prune-baseline.
 */
export class BaselineRun {
  /** Keys seen in this run → rule → the subjects of every finding (recorded or not). */
  private readonly observed = new Map<string, Map<string, string[]>>();
  private suppressed = 0;

  /** `update`: every finding of a file seen in this run is about to be recorded, so none is reported as new. */
  constructor(
    readonly baseline: Baseline,
    private readonly recordAll = false,
  ) {}

  /**
   * The findings of one file not recorded in the baseline, and records what the file has now (for the
   * stale entries and the baseline to write). Keys are from fileKey (or `process:...`); null: standard
   * input, never recorded or hidden.
   */
  filter<T extends Subjected>(key: string | null, findings: readonly T[]): T[] {
    if (key === null) return [...findings];
    const seen = this.observed.get(key) ?? new Map<string, string[]>();
    this.observed.set(key, seen);
    for (const f of findings) {
      if (NEVER_RECORDED.has(f.ruleId)) continue;
      const subjects = seen.get(f.ruleId) ?? [];
      subjects.push(f.subject ?? '');
      seen.set(f.ruleId, subjects);
    }
    const kept = this.match(key, findings);
    this.suppressed += findings.length - kept.length;
    return kept;
  }

  /** The findings not recorded in the baseline, without recording anything (what a dry run would leave). */
  match<T extends Subjected>(key: string | null, findings: readonly T[]): T[] {
    if (key === null) return [...findings];
    const byRule = new Map<string, number[]>();
    findings.forEach((f, i) => {
      if (NEVER_RECORDED.has(f.ruleId)) return;
      const list = byRule.get(f.ruleId) ?? [];
      list.push(i);
      byRule.set(f.ruleId, list);
    });
    const recorded = this.baseline.files.get(key);
    const hidden = new Set<number>();
    for (const [rule, idx] of byRule) {
      const rec = this.recordAll ? { count: idx.length, subjects: [] } : recorded?.get(rule);
      if (!rec) continue;
      let quota = Math.min(rec.count, idx.length);
      // First the findings whose subject was recorded, then the others in file order.
      const pool = new Map<string, number>();
      for (const s of rec.subjects) pool.set(s, (pool.get(s) ?? 0) + 1);
      for (const i of idx) {
        if (quota === 0) break;
        const s = findings[i].subject ?? '';
        const n = pool.get(s) ?? 0;
        if (s !== '' && n > 0) {
          pool.set(s, n - 1);
          hidden.add(i);
          quota--;
        }
      }
      for (const i of idx) {
        if (quota === 0) break;
        if (hidden.has(i)) continue;
        hidden.add(i);
        quota--;
      }
    }
    return findings.filter((_, i) => !hidden.has(i));
  }

  /** Entries that no longer occur: of the files seen in this run, and of files that no longer exist. */
  stale(): StaleEntry[] {
    const out: StaleEntry[] = [];
    for (const [file, rules] of this.baseline.files) {
      const seen = this.observed.get(file);
      const missing = !seen && this.lookUp(file) === 'missing';
      if (!seen && !missing) continue;
      for (const [rule, rec] of rules) {
        const found = seen?.get(rule)?.length ?? 0;
        if (found < rec.count) out.push({ file, ruleId: rule, recorded: rec.count, found, reason: missing ? 'missing' : 'fixed' });
      }
    }
    return out.sort((a, b) => cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId));
  }

  /** How many entries of files not seen in this run were not looked up (see BaselineOutcome.unchecked). */
  unchecked(): number {
    let n = 0;
    for (const [file, rules] of this.baseline.files) if (!this.observed.has(file) && this.lookUp(file) === 'unchecked') n += rules.size;
    return n;
  }

  outcome(written: BaselineOutcome['written'] = null): BaselineOutcome {
    return { path: this.baseline.path, suppressed: this.suppressed, stale: this.stale(), unchecked: this.unchecked(), root: this.baseline.root, written };
  }

  private readonly looked = new Map<string, FileState>();

  /** Whether the file of a key not seen in this run still exists, asked once per key (see fileState). */
  private lookUp(file: string): FileState {
    if (file.startsWith('process:')) return 'present';
    let state = this.looked.get(file);
    if (state === undefined) {
      state = fileState(resolve(this.baseline.dir, file), this.baseline.root);
      this.looked.set(file, state);
    }
    return state;
  }

  /**
   * The baseline to write. `update`: the files seen in this run get exactly their current findings
   * (recorded anew, new ones added); `prune`: their counts only go down (entries that no longer occur are
   * removed, nothing is added). Files not seen in this run keep their entries, unless they no longer exist.
   */
  next(mode: 'update' | 'prune'): BaselineFiles {
    const out: BaselineFiles = new Map();
    const keys = new Set([...this.baseline.files.keys(), ...(mode === 'update' ? this.observed.keys() : [])]);
    for (const file of keys) {
      const old = this.baseline.files.get(file);
      const seen = this.observed.get(file);
      if (!seen) {
        if (old && this.lookUp(file) !== 'missing') out.set(file, old);
        continue;
      }
      const rules = new Map<string, BaselineRecord>();
      const ids = new Set([...(old?.keys() ?? []), ...(mode === 'update' ? seen.keys() : [])]);
      for (const rule of ids) {
        const now = seen.get(rule) ?? [];
        if (mode === 'update') {
          if (now.length) rules.set(rule, { count: now.length, subjects: now.filter((s) => s !== '') });
          continue;
        }
        const rec = old!.get(rule)!;
        const count = Math.min(rec.count, now.length);
        if (count === 0) continue;
        // Keep the recorded subjects that still occur, as many as the count allows.
        const left = [...now];
        const subjects: string[] = [];
        for (const s of rec.subjects) {
          const k = left.indexOf(s);
          if (k !== -1 && subjects.length < count) {
            subjects.push(s);
            left.splice(k, 1);
          }
        }
        rules.set(rule, { count, subjects });
      }
      if (rules.size) out.set(file, rules);
    }
    return out;
  }
}

/** The baseline's text: sorted keys, two-space indentation, a final newline. */
export function serializeBaseline(files: BaselineFiles): string {
  const obj: Record<string, Record<string, { count: number; subjects?: string[] }>> = {};
  for (const file of [...files.keys()].sort(cmp)) {
    const rules = files.get(file)!;
    const entry: Record<string, { count: number; subjects?: string[] }> = {};
    for (const rule of [...rules.keys()].sort(cmp)) {
      const r = rules.get(rule)!;
      const subjects = [...r.subjects].sort(cmp);
      entry[rule] = subjects.length ? { count: r.count, subjects } : { count: r.count };
    }
    obj[file] = entry;
  }
  return safeJson({ version: BASELINE_VERSION, files: obj }, 2, true) + '\n';
}

/** How many entries (file and rule pairs) and findings a baseline holds. */
export function baselineSize(files: BaselineFiles): { entries: number; findings: number } {
  let entries = 0;
  let findings = 0;
  for (const rules of files.values()) {
    for (const r of rules.values()) {
      entries++;
      findings += r.count;
    }
  }
  return { entries, findings };
}

type FileState = 'present' | 'missing' | 'unchecked';

/**
 * Whether `abs` exists, asked only inside `root` and never through a symbolic link that leaves it: the
 * deepest of `abs` and its folders that exists (lstat, no link followed) must really lie inside `root`.
 * `missing` only when that is one of its folders inside `root` (so no entry by that name is there);
 * `unchecked` when the path or a link on the way leads out, a link on the way leads nowhere, or a lookup
 * fails otherwise (a folder that cannot be searched): the answer would tell something about a file
 * elsewhere, or nothing.
 */
export function fileState(abs: string, root: string): FileState {
  if (!isInside(abs, root)) return 'unchecked';
  let p = abs;
  try {
    while (lstatSync(p, { throwIfNoEntry: false }) === undefined) {
      const up = dirname(p);
      if (up === p) return 'unchecked';
      p = up;
    }
    if (!isInside(realpathSync.native(p), realpathSync.native(root))) return 'unchecked';
  } catch {
    return 'unchecked';
  }
  return p === abs ? 'present' : 'missing';
}

/** The line a report shows when entries were not looked up (BaselineOutcome.unchecked); null when none. */
export function uncheckedLine(b: Pick<BaselineOutcome, 'path' | 'unchecked' | 'root'>): string | null {
  if (!b.unchecked) return null;
  const n = b.unchecked;
  return `${b.path}: ${n} entr${n === 1 ? 'y names a file' : 'ies name files'} this run did not lint, outside ${visible(b.root)} or reached through a symbolic link out of it: not looked up, kept (lint ${n === 1 ? 'that file' : 'those files'} to check ${n === 1 ? 'it' : 'them'})`;
}

/** One line for a stale entry, for text output and standard error. */
export function staleLine(baselinePath: string, s: StaleEntry): string {
  const what =
    s.reason === 'missing'
      ? `the file no longer exists (${s.recorded} recorded)`
      : s.found === 0
        ? `no longer occurs (${s.recorded} recorded)`
        : `${s.recorded - s.found} of ${s.recorded} recorded no longer occur`;
  return `${baselinePath}: stale entry ${s.file} ${s.ruleId}: ${what}; remove it with --prune-baseline`;
}

/** The most stale entries listed one by one in text (and on standard error); the JSON lists every one. */
export const MAX_STALE_LISTED = 100;

/**
 * The stale entries' lines: the first MAX_STALE_LISTED, then how many more. A baseline is the repository's
 * (a pull request's): one of 1,500,000 entries naming files that do not exist printed as many lines.
 */
export function staleLines(b: Pick<BaselineOutcome, 'path' | 'stale'> & Partial<Pick<BaselineOutcome, 'unchecked' | 'root'>>): string[] {
  const out: string[] = [];
  for (const s of b.stale.slice(0, MAX_STALE_LISTED)) out.push(staleLine(b.path, s));
  const more = b.stale.length - MAX_STALE_LISTED;
  if (more > 0) out.push(`${b.path}: ${more} more stale entr${more === 1 ? 'y' : 'ies'} not listed (--format json lists them; --prune-baseline removes them)`);
  const unchecked = b.unchecked && b.root !== undefined ? uncheckedLine({ path: b.path, unchecked: b.unchecked, root: b.root }) : null;
  if (unchecked) out.push(unchecked);
  return out;
}

/**
 * The lines a text report shows about the baseline, before its summary line: each stale entry, then how
 * many recorded findings were not shown.
 */
export function baselineTextLines(b: BaselineOutcome | null | undefined): string[] {
  if (!b) return [];
  const out = staleLines(b);
  if (b.suppressed > 0) out.push(`${b.path}: ${b.suppressed} finding${b.suppressed === 1 ? '' : 's'} recorded in the baseline not shown`);
  return out;
}

/** The key of a running process in a baseline (see the module comment). */
export function processKey(p: { unit: string | null; matchedFile: string | null; command: string }): string {
  if (p.unit) return `process:${p.unit}`;
  if (p.matchedFile) return `process:${resolve(p.matchedFile)}`;
  return `process:${p.command.replace(/\s+/g, ' ').trim()}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text from the baseline shown in a message: control and format characters escaped, and at most 80 characters. */
function printable(s: string): string {
  const v = visible(s);
  return v.length > 80 ? `${v.slice(0, 77)}...` : v;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
