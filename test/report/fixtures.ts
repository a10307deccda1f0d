/** Findings and rules for the formatter tests, built by hand so the expected output is exact. */
import type { Finding, FixSafety, Rule, Severity } from '../../src/engine/types.js';
import type { FileReport, ReportInput } from '../../src/report/types.js';

export function finding(ruleId: string, severity: Severity, message: string, at: [number, number, number, number], fixable = false): Finding {
  const [line, column, endLine, endColumn] = at;
  return {
    ruleId,
    slug: `slug-${ruleId.toLowerCase()}`,
    severity,
    message,
    line,
    column,
    endLine,
    endColumn,
    span: null,
    fix: fixable ? { safety: 'safe', state: true } : null,
  };
}

/** A hand-built rule; its docs can be changed by the test (`Mutable`). */
export function rule(id: string, severity: Severity, fixable: FixSafety | null = null, risk: Rule['risk'] = { kind: 'correctness' }): Omit<Rule, 'docs'> & { docs: Mutable<Rule['docs']> } {
  return {
    id,
    slug: `slug-${id.toLowerCase()}`,
    severity,
    summary: `summary of ${id}`,
    risk,
    since: '0.1.0',
    sources: [{ kind: 'memcached-doc', title: 'memcached(1)' }],
    phase: 'settings',
    dialects: 'all',
    fix: fixable ? { safety: fixable, why: `What the fix of ${id} can break.`, build: () => null } : null,
    docs: {
      what: `What ${id} checks, with \`code\`.`,
      why: `Why ${id} matters.`,
      example: { dialect: 'debian', bad: '-l 0.0.0.0\n', good: '-l 127.0.0.1\n' },
      fix: `How ${id} is fixed.`,
    },
    check() {},
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const RULE_SET: Rule[] = [rule('MC101', 'error', 'safe', { kind: 'security', score: 8.2 }), rule('MC502', 'warning'), rule('MC301', 'info')];

export const FILES: FileReport[] = [
  {
    path: '/etc/memcached.conf',
    dialect: 'debian',
    findings: [
      finding('MC101', 'error', 'listens on every interface', [12, 1, 12, 11], true),
      finding('MC502', 'warning', '-vv logs every request', [14, 1, 14, 4]),
    ],
  },
  { path: '/etc/sysconfig/memcached', dialect: 'sysconfig', findings: [finding('MC301', 'info', 'the default port', [1, 6, 1, 13])] },
  { path: 'clean.conf', dialect: 'debian', findings: [] },
];

export function input(files: FileReport[] = FILES, extra: Partial<ReportInput> = {}): ReportInput {
  return { files, rules: RULE_SET, color: false, toolVersion: '9.8.7', ...extra };
}
