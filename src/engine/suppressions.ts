/**
 * Inline suppressions, written as whole comment lines in either dialect:
 *   # mchard-disable-next-line MC301 -- reason     (the next line that is not itself a comment)
 *   # mchard-disable MC301,MC111 -- reason         (the whole file)
 * Rules may be named by ID or slug. A suppression that silences nothing is reported as MC002.
 */
import type { SourceText, Span } from '../source.js';

export interface Suppression {
  scope: 'next-line' | 'file';
  /** Rule IDs or slugs as written. */
  rules: string[];
  /** The line the suppression applies to (next-line scope). */
  targetLine: number | null;
  span: Span;
  used: Set<string>;
}

const MARK = 'mchard-disable';
const DIRECTIVE = /^[ \t]*[#;][ \t]*mchard-(disable-next-line|disable)\b[ \t]*([^\r\n]*?)[ \t\r]*$/;

export function findSuppressions(source: SourceText): Suppression[] {
  const out: Suppression[] = [];
  const text = source.text;
  const count = source.lineCount;
  /** Line `n` (1-based) without its newline. */
  const lineText = (n: number): string => {
    const start = source.lineStart(n);
    const nl = text.indexOf('\n', start);
    return text.slice(start, nl === -1 ? text.length : nl);
  };
  const isCommentOrBlank = (l: string) => /^[ \t\r]*([#;].*)?$/.test(l);
  // Only lines that mention "mchard-disable" can hold a directive: find those, not every line.
  for (let at = text.indexOf(MARK); at !== -1; ) {
    const n = source.position(at).line;
    const line = lineText(n);
    const m = DIRECTIVE.exec(line);
    if (m) {
      const spec = m[2].split(/[ \t]--(?:[ \t]|$)/)[0];
      const rules = spec.split(/[\s,]+/).filter(Boolean);
      let target: number | null = null;
      if (m[1] === 'disable-next-line') {
        for (let j = n + 1; j <= count; j++) {
          const next = lineText(j);
          if (!isCommentOrBlank(next) || j === count) {
            target = isCommentOrBlank(next) ? null : j;
            break;
          }
        }
      }
      const start = source.lineStart(n);
      out.push({
        scope: m[1] === 'disable' ? 'file' : 'next-line',
        rules,
        targetLine: target,
        span: { start, end: start + line.replace(/\r$/, '').length },
        used: new Set(),
      });
    }
    at = n < count ? text.indexOf(MARK, source.lineStart(n + 1)) : -1;
  }
  return out;
}

/** Whether a finding of this rule on this line is silenced; marks the suppression used. */
export function isSuppressed(sups: Suppression[], ruleId: string, slug: string, line: number): boolean {
  let hit = false;
  for (const s of sups) {
    const names = s.rules.filter((r) => r === ruleId || r === slug);
    if (names.length === 0) continue;
    if (s.scope === 'file' || s.targetLine === line) {
      for (const n of names) s.used.add(n);
      hit = true;
    }
  }
  return hit;
}
