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

const DIRECTIVE = /^[ \t]*[#;][ \t]*mchard-(disable-next-line|disable)\b[ \t]*([^\r\n]*?)[ \t\r]*$/;

export function findSuppressions(source: SourceText): Suppression[] {
  const out: Suppression[] = [];
  const lines = source.text.split('\n');
  const isCommentOrBlank = (l: string) => /^[ \t\r]*([#;].*)?$/.test(l);
  for (let i = 0; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]);
    if (!m) continue;
    const spec = m[2].split(/[ \t]--(?:[ \t]|$)/)[0];
    const rules = spec.split(/[\s,]+/).filter(Boolean);
    let target: number | null = null;
    if (m[1] === 'disable-next-line') {
      for (let j = i + 1; j < lines.length; j++) {
        if (!isCommentOrBlank(lines[j]) || j === lines.length - 1) {
          target = isCommentOrBlank(lines[j]) ? null : j + 1;
          break;
        }
      }
    }
    const start = source.lineStart(i + 1);
    out.push({
      scope: m[1] === 'disable' ? 'file' : 'next-line',
      rules,
      targetLine: target,
      span: { start, end: start + lines[i].replace(/\r$/, '').length },
      used: new Set(),
    });
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
