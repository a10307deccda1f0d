/**
 * A document's lint as LSP diagnostics: code = the rule ID, codeDescription = the rule's page, source =
 * mchard, severities mapped, ranges from the findings' spans. A span is a UTF-16 offset range into the
 * text, and LSP positions count UTF-16 code units too, so the document converts offsets to positions
 * with the editor's own idea of lines (`\n`, `\r\n` and a lone `\r` each end one).
 */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Severity } from '../engine/types.js';
import { ruleDocUrl } from '../report/rule-link.js';
import type { DocumentLint } from './analysis.js';
import { fixSafety } from './fixes.js';
import { visible } from '../report/visible.js';
import { capIndices, FINDINGS_CAP } from '../report/types.js';


const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** What a diagnostic carries for a code action: which lint it came from and which finding it is. */
export interface FindingData {
  /** The document version the finding was found in. */
  readonly version: number;
  /** The finding's index in that lint's findings. */
  readonly index: number;
  readonly ruleId: string;
  /** The fix the finding offers: safe, unsafe, or none. */
  readonly fix: 'safe' | 'unsafe' | null;
}

export function isFindingData(v: unknown): v is FindingData {
  const d = v as FindingData;
  return typeof d === 'object' && d !== null && Number.isInteger(d.version) && Number.isInteger(d.index) && typeof d.ruleId === 'string';
}

/**
 * Text from the document inside a message, made visible with the project-wide escaping
 * (src/report/visible.ts), so an editor drawing in a terminal never receives a control character raw.
 */
export function shown(s: string): string {
  return visible(s);
}

export function findingRange(doc: TextDocument, f: Finding): Range {
  if (!f.span) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { start: doc.positionAt(f.span.start), end: doc.positionAt(f.span.end) };
}

function findingDiagnostic(doc: TextDocument, f: Finding, data: FindingData): Diagnostic {
  const d: Diagnostic = {
    range: findingRange(doc, f),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    codeDescription: { href: ruleDocUrl(f.ruleId) },
    source: 'mchard',
    message: `${shown(f.message)} (${f.slug})`,
    data,
  };
  // An unused suppression comment is text that does nothing: editors fade it.
  if (f.ruleId === 'MC002') d.tags = [DiagnosticTag.Unnecessary];
  return d;
}

/** One diagnostic on the first character, for a document mchard reads but could not lint. */
function documentDiagnostic(message: string, code?: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    ...(code ? { code, codeDescription: { href: ruleDocUrl(code) } } : {}),
    source: 'mchard',
    message: shown(message),
  };
}

/** The diagnostic of a document the server stopped following (src/lsp/guard.ts): too large to hold. */
export function droppedDiagnostics(reason: string): Diagnostic[] {
  return [documentDiagnostic(`cannot read the document: ${reason}; mchard no longer follows it (close documents, then open it again) (parse-error)`, 'MC001')];
}

export function diagnosticsOf(doc: TextDocument, lint: DocumentLint): Diagnostic[] {
  switch (lint.outcome) {
    case 'not-read':
      return [];
    case 'unreadable':
      // As `lint` reports a file it cannot read: MC001.
      return [documentDiagnostic(`cannot read the document: ${lint.problem} (parse-error)`, 'MC001')];
    case 'config-error':
      return [documentDiagnostic(`not linted: invalid configuration: ${lint.problem}`)];
    case 'failed':
      return [documentDiagnostic(`mchard could not lint this document: internal error: ${lint.problem}`)];
    case 'linted': {
      const out: Diagnostic[] = [];
      const findings = lint.findings;
      // As a report lists them (capFindings): at most 100 of a rule and 1000 of a document, the most
      // severe first; one more diagnostic says how many were left out.
      const keep = capIndices(findings);
      const diagnostic = (k: number) => {
        const f = findings[k];
        out.push(findingDiagnostic(doc, f, { version: lint.version, index: k, ruleId: f.ruleId, fix: fixSafety(f, lint) }));
      };
      if (keep === null) for (let k = 0; k < findings.length; k++) diagnostic(k);
      else for (const k of keep) diagnostic(k);
      // How mchard read a document whose content its reader does not act on, as lint's note says it.
      if (lint.note) {
        out.push({
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Information,
          source: 'mchard',
          message: shown(`how mchard read this file: ${lint.note}`),
        });
      }
      if (keep !== null) {
        // The first finding left out, where the editor shows the count.
        let first = 0;
        while (first < keep.length && keep[first] === first) first++;
        out.push({
          range: findingRange(doc, findings[first]),
          severity: DiagnosticSeverity.Information,
          source: 'mchard',
          message: `${findings.length - keep.length} more findings not shown (at most ${FINDINGS_CAP.perRule} of a rule and ${FINDINGS_CAP.perFile} of a document are; mchard lint --all-findings lists them all)`,
        });
      }
      return out;
    }
  }
}
