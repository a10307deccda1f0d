/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF consumer): one run, the rules with their help,
 * links and security ranking, one result per finding.
 *
 * What GitHub's ingestion rules ("SARIF support for code scanning") require and this writes:
 * - `$schema`, `version` 2.1.0, `runs[]`; `tool.driver` with `name`, `version`, `informationUri`, `rules[]`.
 * - Each rule: `id`, `name` (the slug), `shortDescription.text` and `fullDescription.text` (at most 1024
 *   characters), `help.text` and `help.markdown`, `helpUri` (the rule's page at this version's tag),
 *   `defaultConfiguration.level`, and `properties`: `tags` (`security` for the rules that are about
 *   security, else `correctness`; at most 20), `precision`, and `security-severity` (a string holding a
 *   number; critical 9.0–10.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9; src/report/security.ts) or,
 *   for correctness rules, `problem.severity`.
 * - Each result: `ruleId`, `ruleIndex`, `level`, `message.text`, one location with `artifactLocation.uri`
 *   and a full region (`startLine`, `startColumn`, `endLine`, `endColumn`) naming lines that exist, and
 *   `partialFingerprints`. GitHub uses only the `primaryLocationLineHash` key, so that key carries
 *   mchard's own identity (rule, file, subject; never the line: src/report/fingerprint.ts), in the shape
 *   GitHub's own hashes have (16 hex digits, `:`, the occurrence); `mchard/v1` carries the full hash.
 *   (codeql-action's upload-sarif keeps a `primaryLocationLineHash` it finds, and logs that it differs
 *   from the hash of the line it would have computed.)
 * - At most 25,000 results a run (GitHub rejects more): past that, the most severe are kept and a
 *   notification says how many were left out.
 * - `automationDetails.id` from --sarif-category (a `/` is appended, so GitHub reads it as the category).
 * - Files not examined (unreadable, refused) are not results: they are tool execution notifications of
 *   the run's invocation, whose `executionSuccessful` is then false (as exit status 2 says). A file's
 *   note on how mchard read it (readingNote) is a notification of level `note`, which fails nothing. A
 *   file with more findings than a report lists (capFindings) has a `warning` notification saying how
 *   many of each severity are left out.
 */
import type { Invocation, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleHelpMarkdown, ruleHelpText } from './rule-doc.js';
import { describeSource, docsOf, sourcesOf } from '../engine/rule.js';
import { PROJECT_URL, ruleDocUrl } from './rule-link.js';
import { caseScore, scoreText } from './security.js';
import { identities, reportPath } from './fingerprint.js';
import { notReadOf, type ReportInput } from './types.js';
import type { Rule } from '../engine/types.js';
import { safeJson } from './visible.js';
import { readingNote } from '../dialects/detect.js';
import { omittedText } from './types.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;
const PROBLEM = { error: 'error', warning: 'warning', info: 'recommendation' } as const;

/** GitHub's documented limits. */
export const GITHUB_LIMITS = { resultsPerRun: 25_000, descriptionLength: 1024, nameLength: 255, tagsPerRule: 20 } as const;

function uriOf(path: string): string {
  if (path === '-') return 'stdin';
  const p = reportPath(path);
  return isAbsolute(p) ? pathToFileURL(p).href : p.split('/').map(encodeURIComponent).join('/');
}

/** Text cut to `max` characters at a word, ending in "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

export interface SarifOptions {
  /** The most results one run may hold (GitHub: 25,000). */
  maxResults?: number;
  /** The working folder (for `invocations[].workingDirectory`); default the process's. */
  cwd?: string;
}

/** A rule as SARIF describes it: its help (text and Markdown), links, level and security ranking. */
export function ruleDescriptor(r: Rule, toolVersion: string): ReportingDescriptor {
  const risk = r.risk;
  const security = risk.kind === 'security';
  return {
    id: r.id,
    name: clip(r.slug, GITHUB_LIMITS.nameLength),
    shortDescription: { text: clip(r.summary, GITHUB_LIMITS.descriptionLength) },
    fullDescription: { text: clip(docsOf(r).what.replace(/`/g, ''), GITHUB_LIMITS.descriptionLength) },
    helpUri: ruleDocUrl(r.id, toolVersion),
    help: { text: ruleHelpText(r), markdown: ruleHelpMarkdown(r) },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      tags: security ? ['security', 'memcached'] : ['correctness', 'memcached'],
      precision: 'high',
      ...(security ? { 'security-severity': scoreText(risk.score!) } : { 'problem.severity': PROBLEM[r.severity] }),
      fixable: r.fix?.safety ?? 'no',
      ...(r.fix?.depends ? { fixSafetyDependsOn: r.fix.depends.when } : {}),
      since: r.since,
      phase: r.phase,
      dialects: r.dialects === 'all' ? ['all'] : [...r.dialects],
      sources: sourcesOf(r).map(describeSource),
    },
  };
}

/** Set by scripts/build.mjs in the npm package's bundles (not in the single executable, not in the sources). */
declare const __MCHARD_PREBUILT_SARIF__: boolean | undefined;

/** The file beside the bundle holding the descriptors of the rule set it ships (prebuiltSarifRules). */
export const PREBUILT_SARIF_RULES = 'sarif-rules.json';

/** How deep `tool.driver.rules` sits in the log safeJson writes (two spaces a level): its items' indentation. */
const RULES_INDENT = ' '.repeat(10);

/** The rules' descriptors as safeJson writes them at their place in the log (RULES_INDENT). */
function descriptorsText(rules: readonly ReportingDescriptor[]): string {
  return safeJson(rules).replace(/\n/g, `\n${RULES_INDENT}`);
}

/**
 * The descriptors of the rule set the npm package ships, written by the build beside the bundle: a line
 * saying which rules at which version, then their text as the log holds it. A SARIF report of a few
 * files otherwise spends most of its time writing 80 rules' help texts and JSON. Their bytes go out
 * without passing the terminal guard (prebuiltRulesBytes): safeJson has escaped every character the
 * guard would (test/cli/sarif-prebuilt.test.ts).
 */
export function prebuiltSarifRules(rules: readonly Rule[], toolVersion: string): string {
  return `${JSON.stringify({ version: toolVersion, ids: rules.map((r) => r.id) })}\n${madeDescriptors(rules, toolVersion)}`;
}

/**
 * The bytes (UTF-8) of the build's descriptors (PREBUILT_SARIF_RULES beside the bundle) when they are for
 * exactly these rules, in this order, at this version; else null (no file, another build's, the sources,
 * the single executable). Taken as bytes, never decoded: the file is trusted as the bundle beside it is
 * (safeJson wrote it, so it holds nothing the terminal guard would change; test/cli/sarif-prebuilt.test.ts
 * holds it to what ruleDescriptor makes), and decoding, guarding and encoding its 300 kB again cost a SARIF run about 4 ms.
 */
export function prebuiltRulesBytes(rules: readonly Rule[], toolVersion: string): Uint8Array | null {
  if (typeof __MCHARD_PREBUILT_SARIF__ === 'undefined' || !__MCHARD_PREBUILT_SARIF__) return null;
  try {
    // In the bundle, import.meta.url is the bundle's own path (scripts/build.mjs).
    const data = readFileSync(join(dirname(import.meta.url), PREBUILT_SARIF_RULES));
    const nl = data.indexOf(10);
    if (nl <= 0) return null;
    const head = JSON.parse(data.subarray(0, nl).toString('utf8')) as { version?: unknown; ids?: unknown };
    const ids = head.ids;
    if (head.version === toolVersion && Array.isArray(ids) && ids.length === rules.length && rules.every((r, k) => ids[k] === r.id)) {
      return data.subarray(nl + 1);
    }
  } catch {
    // no file, or not one of this build's: made here
  }
  return null;
}

/** The rules' descriptors made here, as the log holds them. */
function madeDescriptors(rules: readonly Rule[], toolVersion: string): string {
  return descriptorsText(rules.map((r) => ruleDescriptor(r, toolVersion)));
}

/** A SARIF log, whole. */
export function formatSarif(input: ReportInput, opts: SarifOptions = {}): string {
  const { before, rules, after } = sarifPieces(input, opts);
  return `${before}${typeof rules === 'string' ? rules : Buffer.from(rules.buffer, rules.byteOffset, rules.byteLength).toString('utf8')}${after}`;
}

/**
 * A SARIF log in three pieces, for a writer that sends the build's descriptors as bytes: the text before
 * the rules' descriptors, the descriptors (the build's bytes, or their text made here when those do not
 * fit), and the text after them. Joined, the same bytes as formatSarif.
 */
export function sarifPieces(input: ReportInput, opts: SarifOptions = {}): { before: string; rules: Uint8Array | string; after: string } {
  const [before, after] = sarifAround(input, opts);
  return { before, rules: prebuiltRulesBytes(input.rules, input.toolVersion) ?? madeDescriptors(input.rules, input.toolVersion), after };
}

/** The log's text before and after the rules' descriptors. */
function sarifAround(input: ReportInput, opts: SarifOptions): [string, string] {
  const maxResults = opts.maxResults ?? GITHUB_LIMITS.resultsPerRun;
  const index = new Map(input.rules.map((r, i) => [r.id, i]));
  const byId = new Map(input.rules.map((r) => [r.id, r]));
  const results: Result[] = [];
  const notifications: Notification[] = [];
  for (const file of input.files) {
    const notRead = notReadOf(file);
    if (notRead) {
      const looksLike = file.detection?.refused ? file.detection.looksLike : null;
      notifications.push({
        level: 'error',
        message: { text: `${file.path}: ${notRead.reason}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(file.path) } } }],
        descriptor: { id: notRead.kind },
        ...(looksLike ? { properties: { looksLike } } : {}),
      });
      continue;
    }
    // How mchard read a file whose content its reader does not act on (lint's note): a notification, not a result.
    const note = readingNote(file.detection);
    if (note) {
      notifications.push({
        level: 'note',
        message: { text: `${file.path}: ${note}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(file.path) } } }],
        descriptor: { id: 'reading-note' },
      });
    }
    if (file.omitted) {
      notifications.push({
        level: 'warning',
        message: { text: `${file.path}: ${omittedText(file.omitted)}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(file.path) } } }],
        descriptor: { id: 'findings-not-listed' },
        properties: { ...file.omitted },
      });
    }
    const ids = identities(file.path, file.findings);
    file.findings.forEach((f, k) => {
      const rule = byId.get(f.ruleId);
      const score = rule ? caseScore(rule.risk, f.caseSeverity) : undefined;
      const { hash, occurrence } = ids[k];
      results.push({
        ruleId: f.ruleId,
        ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: uriOf(file.path) },
              region: region(f),
            },
          },
        ],
        partialFingerprints: { primaryLocationLineHash: `${hash.slice(0, 16)}:${occurrence}`, 'mchard/v1': `${hash}:${occurrence}` },
        ...(f.fix || score !== undefined
          ? {
              properties: {
                // The finding offers a fix: its safety (mchard fix builds the edit; SARIF carries no edit).
                ...(f.fix ? { fixable: f.fix.safety } : {}),
                ...(score !== undefined ? { 'security-severity': scoreText(score) } : {}),
              },
            }
          : {}),
      });
    });
  }
  let kept = results;
  if (results.length > maxResults) {
    // The most severe first (stable, so the files' order is kept within a severity).
    const order = results.map((r, i) => [r, i] as const).sort((a, b) => sevRank(b[0]) - sevRank(a[0]) || a[1] - b[1]);
    const keep = new Set(order.slice(0, maxResults).map(([, i]) => i));
    kept = results.filter((_, i) => keep.has(i));
    notifications.push({
      level: 'warning',
      message: { text: `${results.length - maxResults} of ${results.length} results were left out: GitHub code scanning accepts at most ${maxResults} results a run (the most severe are kept)` },
      descriptor: { id: 'results-truncated' },
    });
  }
  const failed = input.files.some((f) => notReadOf(f) !== null);
  const invocation: Invocation = {
    executionSuccessful: !failed,
    workingDirectory: { uri: pathToFileURL((opts.cwd ?? process.cwd()).replace(/\/?$/, '/')).href },
    ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
  };
  const log: Log = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        // The rules' descriptors go in (sarifPieces) where safeJson writes this empty list.
        tool: { driver: { name: 'mchard', version: input.toolVersion, informationUri: PROJECT_URL, rules: [] } },
        ...(input.sarifCategory ? { automationDetails: { id: sarifCategoryId(input.sarifCategory) } } : {}),
        invocations: [invocation],
        results: kept,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  const text = safeJson(log);
  const at = text.indexOf('\n          "rules": []');
  if (at === -1) throw new Error('SARIF: the rules list is not where the log puts it');
  const place = at + '\n          "rules": '.length;
  return [text.slice(0, place), `${text.slice(place + 2)}\n`];
}

/** `--sarif-category NAME` as `automationDetails.id`: with a final `/`, so GitHub takes all of it as the category. */
export function sarifCategoryId(category: string): string {
  return category.endsWith('/') ? category : `${category}/`;
}

function sevRank(r: Result): number {
  return r.level === 'error' ? 3 : r.level === 'warning' ? 2 : 1;
}

/** A finding's region: 1-based, never before line 1 or column 1, never ending before it starts. */
function region(f: { line: number; column: number; endLine: number; endColumn: number }) {
  const startLine = Math.max(1, f.line);
  const startColumn = Math.max(1, f.column);
  const endLine = Math.max(startLine, f.endLine);
  const endColumn = endLine === startLine ? Math.max(startColumn, f.endColumn) : Math.max(1, f.endColumn);
  return { startLine, startColumn, endLine, endColumn };
}
