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

/**
 * Spans to look up by overlap: sorted by start, with the largest end up to each place, so a lookup walks
 * back only over spans that may reach the query. A lookup per finding over every option (as before) made
 * a megabyte of repeated options, with about 100,000 findings, take minutes for a SARIF report.
 */
class SpanIndex {
  private readonly items: { start: number; end: number; ord: number }[] = [];
  private maxEnd: number[] = [];
  add(span: Span | null | undefined, ord: number): void {
    if (span) this.items.push({ start: span.start, end: span.end, ord });
  }
  done(): this {
    this.items.sort((a, b) => a.start - b.start);
    let m = -Infinity;
    this.maxEnd = this.items.map((x) => (m = Math.max(m, x.end)));
    return this;
  }
  /** The ordinals of the spans overlapping `span`, ascending, each once. */
  overlapping(span: Span): number[] {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].start < span.end) lo = mid + 1;
      else hi = mid;
    }
    const out = new Set<number>();
    for (let k = lo - 1; k >= 0 && this.maxEnd[k] > span.start; k--) if (overlaps(this.items[k], span)) out.add(this.items[k].ord);
    return [...out].sort((a, b) => a - b);
  }
}

/** findingSubject for every finding of one lint, with the file's options and words indexed once. */
function subjectFinder(config: ParsedConfig, model: Pick<MemcachedModel, 'parsed'> | null): (f: Finding) => string {
  const argv = config.argv;
  const options: string[] = [];
  const optionSpans = new SpanIndex();
  if (model) {
    for (const ev of model.parsed.events) {
      if (ev.kind !== 'option') continue;
      const ord = options.length;
      options.push(ev.value === null ? `-${ev.spec.short}` : `-${ev.spec.short} ${norm(ev.value)}`);
      optionSpans.add(argv[ev.index]?.span, ord);
      if (ev.valueIndex !== null) optionSpans.add(argv[ev.valueIndex]?.span, ord);
    }
  }
  optionSpans.done();
  const wordSpans = new SpanIndex();
  argv.forEach((t, k) => wordSpans.add(t.span, k));
  wordSpans.done();
  return (f) => {
    const span = f.span;
    if (!span || span.start === span.end) return '';
    const found = optionSpans.overlapping(span);
    if (found.length) return found.map((k) => options[k]).join(' ');
    const words = wordSpans.overlapping(span);
    if (words.length) return words.map((k) => norm(argv[k].value)).join(' ');
    return norm(config.source.text.slice(span.start, span.end));
  };
}

/** The subject of a finding of a file's lint (see the module comment). */
export function findingSubject(config: ParsedConfig, model: Pick<MemcachedModel, 'parsed'> | null, f: Finding): string {
  return subjectFinder(config, model)(f);
}

/** The findings of a file's lint, each with its subject. */
export function withSubjects(result: { config: ParsedConfig; model: Pick<MemcachedModel, 'parsed'> | null; findings: readonly Finding[] }): ReportFinding[] {
  if (result.findings.length === 0) return [];
  const subject = subjectFinder(result.config, result.model);
  return result.findings.map((f) => ({ ...f, subject: subject(f) }));
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
