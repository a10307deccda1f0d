/**
 * Linting one editor document the way `mchard lint` lints a file: which program reads it (or that
 * mchard does not read it), the nearest `.mchardrc`, suppressions, the rules. Everything the editor
 * sends is hostile input: the text is capped in size and checked as a file's bytes would be, nothing on
 * the host is read because the text names it, nothing is executed, and any failure is this document's
 * outcome, never the server's.
 */
import { SourceText } from '../source.js';
import { decodeConfig, InputError } from '../input.js';
import { detectDialect, readingNote } from '../dialects/detect.js';
import { companionsOf, parseContextOf } from '../cli/companions.js';
import { loadDialect } from '../dialects/index.js';
import type { DialectName } from '../dialects/types.js';
import { lintSource, type LintResult, type LintSettings } from '../engine/lint.js';
import { ConfigError, type ProjectConfig } from '../engine/config.js';
import type { Finding } from '../engine/types.js';
import { OptionResolver } from '../cli/files.js';
import { installedVersion, isSystemPath, thisHost, type InstalledVersion } from '../host.js';
import { BaselineError, BaselineRun, fileKey, readBaseline } from '../engine/baseline.js';
import { withSubjects } from '../report/fingerprint.js';
import { visible } from '../report/visible.js';
import { RULES } from '../../rules/index.js';

/** The largest document linted, in UTF-8 bytes (the CLI's default --max-file-size). */
export const MAX_DOCUMENT_BYTES = 1 << 20;
/** How much of the text the content detection looks at. */
const SNIFF_CHARS = 1 << 20;

/**
 * Which program reads a document, decided as `lint` decides it: by its path, then its name, then its
 * content. null: mchard does not read it (a refusal), and the document gets no diagnostics rather than
 * guessed ones.
 */
export function readerOf(path: string, text: string, file: string | null = null): { dialect: DialectName; guessed: boolean; note: string | null } | null {
  // The files beside a document on disk that say what it is, as lint reads them (a values file's Chart.yaml, a KubeDB resource beside a memcached.conf).
  const d = detectDialect(path, text.length > SNIFF_CHARS ? text.slice(0, SNIFF_CHARS) : text, undefined, file ? companionsOf(file, text) : {});
  // `guessed`: only the content told the format; fix does not write such a file without --dialect.
  // `note`: what lint says beside the findings of a file whose content its reader does not act on.
  return d.refused ? null : { dialect: d.dialect, guessed: d.reason === 'content', note: readingNote(d) };
}

/**
 * The findings a baseline records for this document dropped, as `lint --baseline FILE` drops them (the
 * same file keys, counts and subjects). The baseline is read again on every lint (it is small, and
 * `mchard lint --update-baseline` may rewrite it at any time). An unusable baseline hides nothing: every
 * finding stays and `problem` says why, for the editor to show.
 */
export function withoutBaselined(baselinePath: string | null, file: string | null, result: LintResult, within: string | null = null): { findings: Finding[]; problem: string | null } {
  if (!baselinePath || !file) return { findings: [...result.findings], problem: null };
  let run: BaselineRun;
  try {
    run = new BaselineRun(readBaseline(baselinePath, false, within));
  } catch (e) {
    if (e instanceof BaselineError) return { findings: [...result.findings], problem: visible(e.message) };
    throw e;
  }
  const subjected = withSubjects(result);
  const kept = new Set(run.match(fileKey(run.baseline, file), subjected));
  return { findings: result.findings.filter((_, i) => kept.has(subjected[i])), problem: null };
}

/** Where a document is: the path detection reads, and the file-system path `.mchardrc` is looked up from (file: URIs only). */
export interface DocumentPlace {
  /** For detection: the file-system path of a file: URI, else the URI's path (`Untitled-1`). */
  readonly path: string;
  /** The file on disk, or null (an unsaved buffer, a version in another scheme): no `.mchardrc` is read. */
  readonly file: string | null;
}

export type DocumentLint =
  /** mchard does not read this document: no diagnostics. */
  | { readonly outcome: 'not-read'; readonly version: number }
  /** Linted: the findings after suppressions, `.mchardrc` severities and the baseline. */
  | {
      readonly outcome: 'linted';
      readonly version: number;
      readonly dialect: DialectName;
      /** Only the content told the format: diagnostics, but no fixes (as `mchard fix` without --dialect). */
      readonly guessed: boolean;
      /** How mchard read a document whose content its reader does not act on (readingNote), or null. */
      readonly note: string | null;
      readonly source: SourceText;
      readonly settings: LintSettings;
      readonly result: LintResult;
      readonly findings: readonly Finding[];
      /** The baseline could not be used (it hides nothing then): the one line that says why. */
      readonly baselineProblem: string | null;
    }
  /** Read by mchard, but it cannot lint it: too large, binary, or its `.mchardrc` is invalid. */
  | { readonly outcome: 'unreadable' | 'config-error'; readonly version: number; readonly dialect: DialectName; readonly problem: string }
  /** A failure inside mchard on this document (a bug): said on the document and in the log, never a crash. */
  | { readonly outcome: 'failed'; readonly version: number; readonly problem: string };

/** The installed memcached's version, looked up once per process (nothing is run: src/host.ts). */
let installed: InstalledVersion | undefined;
const installedOnce = (): InstalledVersion => (installed ??= installedVersion());

/**
 * The lint settings for a document: its `.mchardrc` (found from its folder, as `lint` finds it) and, for a
 * file under /etc, the installed memcached's version and this machine's users, addresses and folders (MC916),
 * as `lint` takes them; nothing executed.
 */
export function settingsFor(place: DocumentPlace): LintSettings {
  // A new resolver for every lint: an edited .mchardrc counts on the next change, with nothing cached.
  // The installed release only for a file on this machine's disk: a document of another scheme named
  // /etc/... (another machine's over an editor's remote link, an unsaved buffer) is not this host's file.
  const resolver = new OptionResolver(RULES, { installedVersion: place.file ? installedOnce : false });
  const cfg: ProjectConfig | null = place.file ? resolver.projectConfig(place.file) : null;
  return {
    rules: RULES,
    options: resolver.ruleOptions(place.file ?? place.path, cfg),
    // A document under /etc is this machine's: MC916 judges its start-up with this machine's users, addresses and folders, as lint does.
    ...(place.file && isSystemPath(place.file) ? { thisHost: thisHost() } : {}),
    severities: new Map(cfg?.severities ?? []),
    // No `host`: as `lint`, rules judge the file for the service, not this machine. No `hostFiles`
    // either: the host files a unit names (EnvironmentFile=) are never read for an editor's document
    // (the unit's MC910 says which variables depend on them).
  };
}

/** `baselineWithin`: the folder a relative baseline name was taken from (baselineFor), which a link must not lead it out of. */
export async function lintDocument(place: DocumentPlace, text: string, version: number, baseline: string | null = null, baselineWithin: string | null = null): Promise<DocumentLint> {
  let dialectRead: DialectName | null = null;
  try {
    const reader = readerOf(place.path, text, place.file);
    if (!reader) return { outcome: 'not-read', version };
    const { dialect, guessed, note } = reader;
    dialectRead = dialect;
    // The bytes a file with this text would hold, checked as `lint` checks a file's bytes (size, NUL bytes).
    // Text.length counts UTF-16 units, at most 3 bytes each: only a long text is encoded to count.
    const bytes = text.length * 3 > MAX_DOCUMENT_BYTES ? Buffer.byteLength(text, 'utf8') : 0;
    if (bytes > MAX_DOCUMENT_BYTES) {
      return { outcome: 'unreadable', version, dialect, problem: `the document is ${bytes} bytes, more than the ${MAX_DOCUMENT_BYTES} mchard reads` };
    }
    let source: SourceText;
    try {
      source = decodeConfig(place.path, Buffer.from(text, 'utf8'));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { outcome: 'unreadable', version, dialect, problem: e.reason };
    }
    let settings: LintSettings;
    try {
      settings = settingsFor(place);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { outcome: 'config-error', version, dialect, problem: e.message };
    }
    // What lint reads beside the file: a Compose file's override (only whether it is there), a unit's
    // drop-ins (the keys they set).
    if (place.file) settings = { ...settings, ...parseContextOf(place.file, dialect) };
    await loadDialect(dialect);
    const result = lintSource(source, dialect, settings);
    const { findings, problem } = withoutBaselined(baseline, place.file, result, baselineWithin);
    return { outcome: 'linted', version, dialect, guessed, note, source, settings, result, findings, baselineProblem: problem };
  } catch (e) {
    // A dialect that refuses to read the text (an alias bomb, YAML nested too deep): as lint reports it.
    if (e instanceof InputError && dialectRead) return { outcome: 'unreadable', version, dialect: dialectRead, problem: e.reason };
    return { outcome: 'failed', version, problem: (e as Error)?.message ?? String(e) };
  }
}

