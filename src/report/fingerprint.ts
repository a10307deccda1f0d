/**
 * A finding's identity across runs, for code scanning (SARIF `partialFingerprints`), GitLab Code Quality
 * (`fingerprint`) and the baseline: the rule, the file, and the **subject** of the finding, never its
 * line, so moving a line, adding a comment above it or re-indenting keeps the identity, and changing the
 * option's value changes it.
 *
 * The subject is the option the finding points at as memcached reads it: `-` + its short letter, then
 * its value with runs of whitespace made one space (`-l 0.0.0.0` whether the file says `-l 0.0.0.0`,
 * `-l0.0.0.0`, `--listen=0.0.0.0` or `OPTIONS="-l  0.0.0.0"`), several options joined by a space. A span
 * over no option (a sysconfig assignment, an ignored line, a suppression comment) gives its
 * argument words, or else its text, whitespace-normalised. A finding about the file as a whole or about a
 * missing option (`no -U 0`, `neither -S nor -Y`) has the empty subject: there is one such finding per
 * rule and file. Findings of one rule with the same subject in one file are told apart by their order
 * (the occurrence, 1, 2, ...).
 */
import { isAbsolute } from 'node:path';
import type { ParsedConfig } from '../dialects/types.js';
import type { MemcachedModel } from '../memcached/model.js';
import type { Span } from '../source.js';
import type { Finding } from '../engine/types.js';
import { sha256Hex } from './sha256.js';


/** A finding as reports receive it: with its subject once something needs the finding's identity. */
export type ReportFinding = Finding & { subject?: string };

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** The subject of a finding of a file's lint (see the module comment). */
export function findingSubject(config: ParsedConfig, model: Pick<MemcachedModel, 'parsed'> | null, f: Finding): string {
  const span = f.span;
  if (!span || span.start === span.end) return '';
  const argv = config.argv;
  const options: string[] = [];
  if (model) {
    for (const ev of model.parsed.events) {
      if (ev.kind !== 'option') continue;
      const at = argv[ev.index]?.span;
      const val = ev.valueIndex !== null ? argv[ev.valueIndex]?.span : null;
      if ((at && overlaps(at, span)) || (val && overlaps(val, span))) {
        options.push(ev.value === null ? `-${ev.spec.short}` : `-${ev.spec.short} ${norm(ev.value)}`);
      }
    }
  }
  if (options.length) return options.join(' ');
  const words = argv.filter((t) => t.span && overlaps(t.span, span)).map((t) => norm(t.value));
  if (words.length) return words.join(' ');
  return norm(config.source.text.slice(span.start, span.end));
}

/** The findings of a file's lint, each with its subject. */
export function withSubjects(result: { config: ParsedConfig; model: Pick<MemcachedModel, 'parsed'> | null; findings: readonly Finding[] }): ReportFinding[] {
  return result.findings.map((f) => ({ ...f, subject: findingSubject(result.config, result.model, f) }));
}

/**
 * The path as it goes into an identity and a report: a relative path without `.` segments and with
 * `dir/..` resolved (`./etc/../etc/memcached.conf` is `etc/memcached.conf`); every other character as it
 * is (a backslash is part of a name here, and `//` stays). Absolute paths and `-` (standard input) as
 * they are.
 */
export function reportPath(path: string): string {
  if (path === '-' || isAbsolute(path)) return path;
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else out.push(seg);
  }
  return out.length ? out.join('/') : '.';
}

export interface Identity {
  /** sha256 (hex) of the version tag, rule, path and subject. */
  hash: string;
  /** 1 for the first finding of this rule and subject in the file, 2 for the next, ... */
  occurrence: number;
}

/** The identities of a file's findings, in their order. */
export function identities(path: string, findings: readonly ReportFinding[]): Identity[] {
  const seen = new Map<string, number>();
  const p = reportPath(path);
  return findings.map((f) => {
    const hash = sha256Hex(JSON.stringify(['mchard/v1', f.ruleId, p, f.subject ?? '']));
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return { hash, occurrence };
  });
}
