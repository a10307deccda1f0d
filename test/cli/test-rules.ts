/**
 * A small, fixed rule catalogue for the command-line tests, so they do not depend on the real rules
 * (which change as the catalogue grows). Test files install it with:
 *
 *   jest.unstable_mockModule('../../rules/index.js', () => ({ RULES: TEST_RULES }));
 *
 * - TST100 test-wildcard (error, safe fix): every argument `0.0.0.0`.
 * - TST200 test-verbose (warning): every `-v`, `-vv`, ...
 * - TST300 test-conn-limit (info): every `-c`.
 * - TST900 options-probe (info): when the file contains `#probe`, reports the rule options it got as JSON.
 * - TST999 test-crash (error): throws when the file contains `#crash` (an internal error).
 */
import type { Rule, RuleDocs } from '../../src/engine/types.js';

/** What every test rule declares besides its own: it reads the settings, in every dialect. */
const base = { since: '0.1.0', sources: [{ kind: 'memcached-doc' as const, title: 'memcached(1)' }], phase: 'settings' as const, dialects: 'all' as const };

const docs = (what: string): RuleDocs => ({
  what,
  why: 'It is a test rule.',
  example: { dialect: 'debian', bad: '-l 0.0.0.0\n-vv\n-c 10\n', good: '-l 127.0.0.1\n' },
  fix: 'Change the value.',
});

export const TEST_RULES: readonly Rule[] = [
  {
    id: 'TST100',
    slug: 'test-wildcard',
    severity: 'error',
    summary: 'listens on 0.0.0.0 (test rule)',
    risk: { kind: 'correctness' },
    ...base,
    fix: {
      safety: 'safe',
      why: 'It is a test rule.',
      build: () => ({ description: 'bind loopback', intents: [{ kind: 'set-option', letter: 'l', value: '127.0.0.1' }] }),
    },
    docs: docs('Reports `0.0.0.0`.'),
    check(ctx) {
      for (const t of ctx.config.argv) {
        if (t.value === '0.0.0.0') {
          ctx.report({
            span: t.span,
            message: 'listens on every interface, 0.0.0.0',
            fix: true,
          });
        }
      }
    },
  },
  {
    id: 'TST200',
    slug: 'test-verbose',
    severity: 'warning',
    summary: 'verbose logging (test rule)',
    risk: { kind: 'correctness' },
    ...base,
    fix: null,
    docs: docs('Reports `-v`.'),
    check(ctx) {
      for (const t of ctx.config.argv) if (/^-v+$/.test(t.value)) ctx.report({ span: t.span, message: `${t.value} logs every request` });
    },
  },
  {
    id: 'TST300',
    slug: 'test-conn-limit',
    severity: 'info',
    summary: 'connection limit set (test rule)',
    risk: { kind: 'correctness' },
    ...base,
    fix: null,
    docs: docs('Reports `-c`.'),
    check(ctx) {
      for (const t of ctx.config.argv) if (t.value === '-c') ctx.report({ span: t.span, message: 'connection limit set' });
    },
  },
  {
    id: 'TST900',
    slug: 'options-probe',
    severity: 'info',
    summary: 'reports its options (test rule)',
    risk: { kind: 'correctness' },
    ...base,
    fix: null,
    docs: docs('Reports the options.'),
    check(ctx) {
      if (ctx.config.source.text.includes('#probe')) {
        const { version, versionExplicit, trustedNetworks } = ctx.options;
        ctx.report({ span: null, message: `PROBE${JSON.stringify({ version, versionExplicit, trustedNetworks })}` });
      }
    },
  },
  {
    id: 'TST999',
    slug: 'test-crash',
    severity: 'error',
    summary: 'crashes (test rule)',
    risk: { kind: 'correctness' },
    ...base,
    fix: null,
    docs: docs('Throws.'),
    check(ctx) {
      if (ctx.config.source.text.includes('#crash')) throw new TypeError('test rule crashed');
    },
  },
];

/** The options TST900 reported, from a JSON report. */
export function probeOf(jsonOut: string, file = 0): { version: number[]; versionExplicit: boolean; trustedNetworks: string[] } {
  const report = JSON.parse(jsonOut) as { files: { findings: { ruleId: string; message: string }[] }[] };
  const f = report.files[file].findings.find((x) => x.ruleId === 'TST900');
  if (!f) throw new Error('no probe finding');
  return JSON.parse(f.message.slice('PROBE'.length));
}
