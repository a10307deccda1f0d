/**
 * Suppression directives: comments that silence named rules. The grammar is exact, so a directive can
 * never silence more than it says:
 *
 *   # mchard-disable-next-line IDS [-- reason]   a comment line of its own: the next line that is not blank
 *                                                or a comment, and a finding about something missing whose
 *                                                insertion point lies in the directive's run of comment lines
 *   CODE  # mchard-disable-line IDS [-- reason]  a trailing comment: its own line, where the dialect reads the
 *                                                comment as a comment (not in a sysconfig value or a unit's
 *                                                ExecStart=, where it would become part of what the service reads)
 *   # mchard-disable IDS [-- reason]             a comment line of its own: the whole file
 *
 * IDS: rule IDs or slugs, separated by commas or blanks. Anything else in a comment that starts with
 * `mchard-` (an unknown directive, a directive in the wrong place, a rule that does not exist, no rule at
 * all, a missing reason when `.mchardrc` says `require-reason = true`) is a problem that MC003 reports;
 * a malformed directive silences nothing. A directive that silences nothing is MC002's.
 */
import type { SourceText, Span } from '../source.js';
import type { DialectName, ParsedConfig } from '../dialects/types.js';
import type { Rule } from './rule.js';

export type DirectiveScope = 'next-line' | 'line' | 'file';

export const DIRECTIVE_KEYWORDS: Readonly<Record<string, DirectiveScope>> = {
  'mchard-disable-next-line': 'next-line',
  'mchard-disable-line': 'line',
  'mchard-disable': 'file',
};

export interface DirectiveName {
  /** The name as written. */
  readonly written: string;
  readonly span: Span;
  /** The rule it names. */
  readonly rule: Rule;
  /** Set once it silenced a finding. */
  used: boolean;
}

export interface Directive {
  readonly scope: DirectiveScope;
  readonly keyword: string;
  /** The known rules it names (unknown names are problems, not names). */
  readonly names: readonly DirectiveName[];
  /** The comment, from its comment character to the end of the line (without a CR). */
  readonly span: Span;
  /** Whether the comment is the whole line. */
  readonly ownLine: boolean;
  /** 1-based line of the comment. */
  readonly line: number;
  readonly reason: string | null;
  /** The line it silences: the next code line (next-line), its own line (line); null for file scope or when no line follows. */
  readonly targetLine: number | null;
  /** next-line: the offsets between which a zero-width finding (an insertion point) is covered. */
  readonly gap: { readonly start: number; readonly end: number } | null;
  /** False when the directive is malformed or misplaced: it silences nothing (MC003 says why). */
  readonly active: boolean;
}

export interface DirectiveProblem {
  readonly span: Span;
  readonly message: string;
}

/** What the file-phase rules read: every directive, the problems found in them, and which rules ran. */
export interface Directives {
  readonly list: readonly Directive[];
  readonly problems: readonly DirectiveProblem[];
  /** IDs of the rules the engine ran on this file. A suppression of a rule that did not run is not judged. */
  readonly ran: ReadonlySet<string>;
  /** The file's dialect (a rule that never applies to it can never be silenced in it). */
  readonly dialect: DialectName;
}

export interface DirectiveOptions {
  /** The dialect's line-comment characters (`#`, or `#;`). */
  readonly commentChars: string;
  /** `.mchardrc` `require-reason = true`: a directive without ` -- reason` is a problem. */
  readonly requireReason: boolean;
  /**
   * Whether the service reads a trailing comment at this span as a comment: the dialect parses the file the
   * same with the comment blanked out. Omitted: trailing comments are accepted.
   */
  readonly trailingCommentIsComment?: (span: Span) => boolean;
}

const MARK = 'mchard-';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

function closest(word: string, candidates: readonly string[]): string | null {
  let best: { c: string; d: number } | null = null;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d <= Math.max(2, Math.floor(c.length / 4)) && (!best || d < best.d)) best = { c, d };
  }
  return best?.c ?? null;
}

/** The rule a directive name means: an ID (any case) or a slug. */
export function ruleNamed(rules: readonly Rule[], name: string): Rule | undefined {
  const id = name.toUpperCase();
  return rules.find((r) => r.id === id || r.slug === name);
}

/** Reads every directive of the file, and the problems in them. */
export function findDirectives(source: SourceText, rules: readonly Rule[], opts: DirectiveOptions): { list: Directive[]; problems: DirectiveProblem[] } {
  const list: Directive[] = [];
  const problems: DirectiveProblem[] = [];
  const text = source.text;
  const count = source.lineCount;
  const lineText = (n: number): string => {
    const start = source.lineStart(n);
    const nl = text.indexOf('\n', start);
    return text.slice(start, nl === -1 ? text.length : nl).replace(/\r$/, '');
  };
  const comment = opts.commentChars;
  const isCommentOrBlank = (l: string) => {
    const t = l.replace(/^[ \t]+/, '');
    return t === '' || comment.includes(t[0]);
  };
  const trailingOk = opts.trailingCommentIsComment;

  // Only lines that mention "mchard-" can hold a directive: find those, not every line.
  for (let at = text.indexOf(MARK); at !== -1; ) {
    const n = source.position(at).line;
    const lineStart = source.lineStart(n);
    const line = lineText(n);
    at = n < count ? text.indexOf(MARK, source.lineStart(n + 1)) : -1;

    // The comment that starts with "mchard-": a comment character at the start of the line or after a blank.
    let found: { marker: number; word: number } | null = null;
    const re = /(^|[ \t])([#;])[ \t]*mchard-/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const marker = m.index + m[1].length;
      if (!comment.includes(m[2])) continue;
      found = { marker, word: m.index + m[0].length - MARK.length };
      break;
    }
    if (!found) continue;
    const ownLine = line.slice(0, found.marker).trim() === '';
    const span: Span = { start: lineStart + found.marker, end: lineStart + line.length };
    const body = line.slice(found.word);
    const keyword = /^mchard-[A-Za-z0-9_-]*/.exec(body)![0];
    const scope = DIRECTIVE_KEYWORDS[keyword];
    const keywordSpan = { start: lineStart + found.word, end: lineStart + found.word + keyword.length };
    if (scope === undefined) {
      const meant = closest(keyword, Object.keys(DIRECTIVE_KEYWORDS));
      problems.push({
        span: keywordSpan,
        message:
          `"${keyword}" is not a directive mchard knows${meant ? ` (did you mean ${meant}?)` : ''}: it silences nothing; ` +
          'the directives are mchard-disable-next-line, mchard-disable-line and mchard-disable',
      });
      continue;
    }
    let rest = body.slice(keyword.length);
    let restAt = lineStart + found.word + keyword.length;
    const local: DirectiveProblem[] = [];
    if (rest !== '' && !/^[ \t]/.test(rest)) {
      problems.push({ span: keywordSpan, message: `${keyword} must be followed by a blank and the rule IDs (here: ${JSON.stringify(rest.slice(0, 20))}); it silences nothing` });
      continue;
    }
    // The reason: after a "--" that stands as a word of its own.
    let reason: string | null = null;
    const dash = /(^|[ \t])--([ \t]|$)/.exec(rest);
    if (dash) {
      reason = rest.slice(dash.index + dash[0].length).trim() || null;
      rest = rest.slice(0, dash.index);
    }
    if (reason === null && opts.requireReason) {
      local.push({ span, message: `${keyword} gives no reason: .mchardrc asks for one (require-reason = true), written after " -- "` });
    }
    // The names: words separated by commas and blanks.
    const names: DirectiveName[] = [];
    const unknown: { text: string; span: Span }[] = [];
    const tokens = [...rest.matchAll(/[^\s,]+/g)];
    for (const t of tokens) {
      const tspan = { start: restAt + t.index!, end: restAt + t.index! + t[0].length };
      const rule = NAME.test(t[0]) ? ruleNamed(rules, t[0]) : undefined;
      if (rule) names.push({ written: t[0], span: tspan, rule, used: false });
      else unknown.push({ text: t[0], span: tspan });
    }
    restAt += rest.length;
    if (unknown.length) {
      const ruleLike = unknown.filter((u) => /^mc\d+$/i.test(u.text) || /^[a-z0-9]+(-[a-z0-9]+)+$/.test(u.text));
      const prose = unknown.filter((u) => !ruleLike.includes(u));
      for (const u of ruleLike) {
        // A misspelt slug gets a suggestion; an unknown ID does not (MC010 is as near to MC110 as to MC011).
        const meant = /^mc\d+$/i.test(u.text) ? null : closest(u.text, rules.map((r) => r.slug));
        local.push({ span: u.span, message: `${keyword} names "${u.text}", which is not a rule${meant ? ` (did you mean ${meant}?)` : ''}; mchard rules lists them` });
      }
      if (prose.length) {
        const from = prose[0].span.start;
        const to = prose[prose.length - 1].span.end;
        local.push({ span: { start: from, end: to }, message: `${keyword}: ${JSON.stringify(text.slice(from, to))} is not a rule ID or slug (a reason goes after " -- ")` });
      }
    }
    if (tokens.length === 0) {
      local.push({ span, message: `${keyword} names no rule, so it silences nothing (mchard has no "disable everything"; list the rule IDs)` });
    }
    // Placement.
    let active = names.length > 0;
    if (scope === 'line') {
      if (ownLine) {
        active = false;
        local.push({ span, message: `${keyword} on a line of its own silences nothing: it belongs at the end of the line it silences (or use mchard-disable-next-line)` });
      } else if (trailingOk && !trailingOk(span)) {
        active = false;
        local.push({
          span,
          message: `the service reads this trailing comment as part of the line, not as a comment, so ${keyword} cannot be used here: put mchard-disable-next-line on the line above`,
        });
      }
    } else if (!ownLine) {
      active = false;
      local.push({ span, message: `${keyword} must be a comment line of its own; after code on a line it silences nothing${scope === 'next-line' ? ' (mchard-disable-line silences the line it ends)' : ''}` });
    }
    problems.push(...local);

    let targetLine: number | null = null;
    let gap: Directive['gap'] = null;
    if (scope === 'line') targetLine = n;
    if (scope === 'next-line') {
      // The run of comment and blank lines the directive sits in, up to the line it silences.
      let first = n;
      while (first > 1 && isCommentOrBlank(lineText(first - 1))) first--;
      let j = n + 1;
      while (j <= count && isCommentOrBlank(lineText(j))) j++;
      targetLine = j <= count ? j : null;
      gap = { start: source.lineStart(first), end: targetLine === null ? text.length : source.lineStart(targetLine) };
    }
    list.push({ scope, keyword, names, span, ownLine, line: n, reason, targetLine, gap, active });
  }
  return { list, problems };
}

/** Whether a finding of `ruleId` at `line` (its span `span`) is silenced; marks the names that silence it used. */
export function isSuppressed(list: readonly Directive[], ruleId: string, line: number, span: Span | null): boolean {
  let hit = false;
  for (const d of list) {
    if (!d.active) continue;
    let covers: boolean;
    if (d.scope === 'file') covers = true;
    else if (span === null) covers = false; // the file as a whole: only a file-wide directive speaks for it
    else if (d.scope === 'line') covers = d.targetLine === line;
    else covers = d.targetLine === line || (span.start === span.end && d.gap !== null && span.start >= d.gap.start && span.start <= d.gap.end);
    if (!covers) continue;
    for (const name of d.names) {
      if (name.rule.id !== ruleId) continue;
      name.used = true;
      hit = true;
    }
  }
  return hit;
}

/**
 * For a dialect that reads a trailing comment: whether blanking the comment at `span` out leaves the service's
 * reading of the file unchanged (the same argument vector, start-up failure and notes).
 */
export function sameReading(parse: (text: string) => ParsedConfig, original: ParsedConfig, span: Span): boolean {
  const text = original.source.text;
  const blanked = text.slice(0, span.start) + ' '.repeat(span.end - span.start) + text.slice(span.end);
  const other = parse(blanked);
  // Every memcached instance of the file (a manifest with several workloads), not only the first.
  const words = (c: ParsedConfig) => JSON.stringify((c.parts ?? [c]).map((p) => p.argv.map((t) => [t.value, t.origin, t.exact])));
  const notes = (c: ParsedConfig) => JSON.stringify(c.notes.map((n) => n.kind).sort());
  return (
    words(other) === words(original) &&
    notes(other) === notes(original) &&
    (other.launchFailure === null) === (original.launchFailure === null) &&
    other.argvUnknown === original.argvUnknown
  );
}
