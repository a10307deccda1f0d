import type { Span } from '../src/source.js';
import { appliesTo, correctness, defineRule, type Rule } from '../src/engine/rule.js';
import type { Directive } from '../src/engine/suppressions.js';

/** The fix's state: the directive's comment, and the names to keep (null: remove the comment). */
interface Unused {
  readonly span: Span;
  readonly ownLine: boolean;
  readonly text: string | null;
}

/** The directive rewritten with only the names that silence something. */
function rewritten(d: Directive, source: string, keep: readonly string[]): string {
  const marker = source[d.span.start];
  return `${marker} ${d.keyword} ${keep.join(', ')}${d.reason ? ` -- ${d.reason}` : ''}`;
}

export const rule = defineRule({
  id: 'MC002',
  slug: 'unused-suppression',
  severity: 'warning',
  // an unused suppression comment
  risk: correctness(),
  summary: 'a suppression comment silences nothing',
  since: '0.2.0',
  phase: 'file',
  dialects: 'all',
  sources: [
    { kind: 'other-tool', tool: 'Ruff', check: 'RUF100 unused-noqa', url: 'https://docs.astral.sh/ruff/rules/unused-noqa/' },
    { kind: 'other-tool', tool: 'ESLint', check: 'reportUnusedDisableDirectives', url: 'https://eslint.org/docs/latest/use/configure/rules#report-unused-eslint-disable-comments' },
  ],
  fix: {
    safety: 'safe',
    why: 'Only a comment changes: the service never reads it (mchard checks that it reads the file the same way afterwards).',
    build: (_ctx, state: Unused) => ({
      description: state.text === null ? 'remove the unused suppression comment' : 'remove the rules it does not silence from the suppression comment',
      intents: [{ kind: 'edit-comment', span: state.span, text: state.text ?? '' }],
    }),
  },
  docs: {
    what:
      'Reports a suppression directive (`mchard-disable-next-line`, `mchard-disable-line`, `mchard-disable`) naming a rule that ' +
      'reported nothing where the directive applies, and one naming a rule that never applies to the file\'s dialect. A rule that ' +
      'did not run on the file (turned off in `.mchardrc` or with `--disable`, or skipped because the file does not decide ' +
      "memcached's command line) is not judged, and neither are directives naming MC001, MC002 or MC003.",
    why:
      'A suppression that silences nothing is a trap: it stays in the file after the problem it was written for is fixed, and ' +
      'silently hides the same problem when it comes back, on a line nobody is looking at any more.',
    example: {
      dialect: 'debian',
      bad: '-u memcache\n-m 64\n# mchard-disable-next-line MC101 -- behind the firewall\n-l 127.0.0.1\n-U 0\n',
      good: '-u memcache\n-m 64\n-l 127.0.0.1\n-U 0\n',
    },
    fix: 'Removes the comment, or, when it names several rules and some of them do silence something, removes only the others.',
  },
  check(ctx) {
    const { list, ran, dialect } = ctx.directives;
    const source = ctx.config.source.text;
    // A rule that did not run cannot be judged; file-phase rules are still running (MC001, MC002, MC003).
    const judged = (r: Rule) => r.phase !== 'file' && (ran.has(r.id) || !appliesTo(r, dialect));
    for (const d of list) {
      if (!d.active) continue; // malformed or misplaced: MC003 says why
      const idle = d.names.filter((n) => !n.used && judged(n.rule) && !d.names.some((m) => m !== n && m.rule === n.rule && m.used));
      if (idle.length === 0) continue;
      const keep = d.names.filter((n) => !idle.includes(n)).map((n) => n.written);
      const never = idle.filter((n) => !appliesTo(n.rule, dialect)).map((n) => n.rule.id);
      const why = [
        d.scope === 'next-line' && d.targetLine === null ? 'no line follows it' : null,
        never.length ? `${never.join(', ')} never ${never.length > 1 ? 'apply' : 'applies'} to ${dialect} files` : null,
      ].filter(Boolean);
      ctx.report({
        span: d.span,
        message: `suppression of ${idle.map((n) => n.written).join(', ')} silences nothing${why.length ? ` (${why.join('; ')})` : ''}`,
        fix: { span: d.span, ownLine: d.ownLine, text: keep.length ? rewritten(d, source, keep) : null },
      });
    }
  },
});
